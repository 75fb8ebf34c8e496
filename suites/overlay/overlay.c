// SPDX-License-Identifier: MIT
/*
 * overlayfs, the copy-on-write layering of container images
 * (Documentation/filesystems/overlayfs.rst; section names below refer to it):
 * copy up on write, whiteouts, opaque directories, renaming lower directories
 * with and without redirect_dir, and the order of several lower layers.
 *
 * Every layer is a directory on one tmpfs mounted below the case directory in
 * the case's private mount namespace; the overlay is mounted there too. The
 * negative controls mount a plain bind of the lower directory instead of the
 * overlay (writes land in the lower layer), or leave out what the assertion
 * depends on (the opaque xattr, redirect_dir, the layer order).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ctr/ctr.h"

#define OVL_MISSING "overlay filesystem not available (modprobe overlay; CONFIG_OVERLAY_FS)"

struct ovl {
	char t[PATH_MAX];
	char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
};

/* Mounts the scratch tmpfs and makes lower, upper, work, merged. */
static enum iso_verdict ovl_prepare(struct iso_ctx *ctx, struct ovl *o)
{
	int r = ctr_tmpfs(ctx, "t", 0, o->t);

	if (r < 0)
		return iso_broken(ctx, r, "mount the scratch tmpfs");
	if (mkdir(ctr_path(o->lower, o->t, "lower"), 0755) < 0 ||
	    mkdir(ctr_path(o->upper, o->t, "upper"), 0755) < 0 ||
	    mkdir(ctr_path(o->work, o->t, "work"), 0755) < 0 ||
	    mkdir(ctr_path(o->merged, o->t, "merged"), 0755) < 0)
		return iso_broken(ctx, -errno, "mkdir the layers");
	return ISO_PASS;
}

/*
 * Mounts the overlay at o->merged: lowerdir (NULL: o->lower), o->upper,
 * o->work, and extra options (NULL or ",redirect_dir=on"). Returns ISO_PASS,
 * a skip where overlay or an option is missing, or broken.
 */
static enum iso_verdict ovl_mount(struct iso_ctx *ctx, const struct ovl *o, const char *lowerdir,
				  const char *extra)
{
	char opts[4096];

	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s%s",
		 lowerdir ? lowerdir : o->lower, o->upper, o->work, extra ? extra : "");
	if (mount("overlay", o->merged, "overlay", 0, opts) == 0)
		return ISO_PASS;
	if (errno == ENODEV)
		return iso_skip(ctx, OVL_MISSING);
	if (errno == EINVAL && extra)
		return iso_skip(ctx, "overlay refuses the option(s) %s (EINVAL): too old a kernel",
				extra + 1);
	return iso_broken(ctx, -errno, "mount overlay (%s)", opts);
}

/* The controls' stand-in for the overlay: the lower directory bound at merged. */
static enum iso_verdict bind_lower(struct iso_ctx *ctx, const struct ovl *o)
{
	if (mount(o->lower, o->merged, NULL, MS_BIND, NULL) < 0)
		return iso_broken(ctx, -errno, "bind the lower layer at merged");
	return ISO_PASS;
}

/* Reads a small file into buf. Returns the length or -errno. */
static ssize_t slurp(const char *dir, const char *name, char *buf, size_t len)
{
	char p[PATH_MAX];

	return iso_read_file(ctr_path(p, dir, name), buf, len);
}

/* Writes a small file dir/name. Returns 0 or -errno. */
static int put(const char *dir, const char *name, const char *s)
{
	char p[PATH_MAX];

	return ctr_write_new(ctr_path(p, dir, name), s);
}

/* ISO_PASS if dir/name reads want; else a fail naming it by its layer ("upper/f"). */
static enum iso_verdict file_reads(struct iso_ctx *ctx, const char *dir, const char *name,
				   const char *want)
{
	const char *layer = strrchr(dir, '/') + 1;
	char buf[64];
	ssize_t n = slurp(dir, name, buf, sizeof(buf));

	if (n < 0)
		return iso_fail(ctx, "%s/%s is missing (%s)", layer, name, strerror((int)-n));
	if (strcmp(buf, want))
		return iso_fail(ctx, "%s/%s reads \"%s\", not \"%s\"", layer, name, buf, want);
	return ISO_PASS;
}

/*
 * ISO_PASS if the xattr key of dir/name is there and reads want (NULL: any value, which is
 * noted under the key's last part, "redirect"); else a fail naming it by its layer.
 */
static enum iso_verdict xattr_reads(struct iso_ctx *ctx, const char *dir, const char *name,
				    const char *key, const char *want)
{
	const char *layer = strrchr(dir, '/') + 1;
	char p[PATH_MAX], x[PATH_MAX];
	ssize_t xl = getxattr(ctr_path(p, dir, name), key, x, sizeof(x) - 1);

	if (xl < 0)
		return iso_fail(ctx, "%s/%s has no %s xattr (%s)", layer, name, key,
				strerror(errno));
	x[xl] = '\0';
	if (!want)
		iso_note(ctx, strrchr(key, '.') + 1, "%s", x);
	if (want && strcmp(x, want))
		return iso_fail(ctx, "%s of %s/%s is \"%s\", not \"%s\"", key, layer, name, x,
				want);
	return ISO_PASS;
}

/*
 * The fixture of most cases: the layers (ovl_prepare), one lower file holding text
 * (file: "f", or "d/a" in a new lower directory d, made first), and merged: the overlay with
 * extra options (as ovl_mount), or, where overlay is false, the controls' stand-in
 * (bind_lower). Returns ISO_PASS or the verdict to return.
 */
static enum iso_verdict ovl_setup(struct iso_ctx *ctx, struct ovl *o, const char *file,
				  const char *text, bool overlay, const char *extra)
{
	enum iso_verdict v = ovl_prepare(ctx, o);
	const char *slash = strchr(file, '/');
	char p[PATH_MAX];

	if (v != ISO_PASS)
		return v;
	if (slash) {
		snprintf(p, sizeof(p), "%s/%.*s", o->lower, (int)(slash - file), file);
		if (mkdir(p, 0755) < 0)
			return iso_broken(ctx, -errno, "make lower/%s", file);
	}
	if (put(o->lower, file, text) < 0)
		return iso_broken(ctx, -errno, "%s lower/%s", slash ? "make" : "write", file);
	return overlay ? ovl_mount(ctx, o, NULL, extra) : bind_lower(ctx, o);
}

/* ---- copy up ---- */

/*
 * Opening a lower-layer file for write copies it up: the upper layer gets the changed copy and
 * the lower file stays as it was ("Non-directories", "Changes to underlying filesystems").
 * Control: a bind of the lower directory, where the write changes the lower file.
 */
static enum iso_verdict write_copies_up_leaving_lower_unchanged(struct iso_ctx *ctx)
{
	struct ovl o;
	enum iso_verdict v = ovl_setup(ctx, &o, "f", "lower", !iso_ctx_is_control(ctx), NULL);
	char p[PATH_MAX];
	int r;

	if (v != ISO_PASS)
		return v;
	r = iso_write_file(ctr_path(p, o.merged, "f"), "upper");
	if (r < 0)
		return iso_broken(ctx, r, "write merged/f");
	if ((v = file_reads(ctx, o.lower, "f", "lower")) != ISO_PASS ||
	    (v = file_reads(ctx, o.upper, "f", "upper")) != ISO_PASS)
		return v;
	return file_reads(ctx, o.merged, "f", "upper");
}

/* ---- whiteouts ---- */

/*
 * Removing a lower-layer file leaves a whiteout in the upper layer, a
 * character device 0/0, and the lower file untouched ("whiteouts and opaque
 * directories"). Control: a bind of the lower directory, where unlink removes
 * the lower file.
 */
static enum iso_verdict unlink_leaves_whiteout_in_upper(struct iso_ctx *ctx)
{
	struct ovl o;
	enum iso_verdict v = ovl_setup(ctx, &o, "f", "lower", !iso_ctx_is_control(ctx), NULL);
	char p[PATH_MAX], x[8];
	struct stat st;

	if (v != ISO_PASS)
		return v;
	if (unlink(ctr_path(p, o.merged, "f")) < 0)
		return iso_broken(ctx, -errno, "unlink merged/f");
	if (access(p, F_OK) == 0)
		return iso_fail(ctx, "merged/f is still there after unlink");
	if (access(ctr_path(p, o.lower, "f"), F_OK) < 0)
		return iso_fail(ctx, "unlink through the mount removed the lower file");
	if (lstat(ctr_path(p, o.upper, "f"), &st) < 0)
		return iso_fail(ctx, "no whiteout for f in the upper layer (%s)", strerror(errno));
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
		iso_note(ctx, "whiteout", "character device 0/0");
		return ISO_PASS;
	}
	/* overlayfs.rst "whiteouts and opaque directories" also allows this form. */
	if (S_ISREG(st.st_mode) && st.st_size == 0 &&
	    getxattr(p, "trusted.overlay.whiteout", x, sizeof(x)) >= 0) {
		iso_note(ctx, "whiteout", "empty file with trusted.overlay.whiteout");
		return ISO_PASS;
	}
	return iso_fail(ctx, "upper/f is not a whiteout (mode 0%o, rdev %u:%u)", st.st_mode,
			major(st.st_rdev), minor(st.st_rdev));
}

/* ---- opaque directories ---- */

/* Lists dir into names (space-separated, sorted by readdir order). Returns the count or -errno. */
static int list_dir(const char *dir, char *names, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t off = 0;
	int n = 0;

	names[0] = '\0';
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		if (off < len)
			off += snprintf(names + off, len - off, "%s%s", off ? " " : "", e->d_name);
	}
	closedir(d);
	return n;
}

/*
 * ISO_PASS if dir/name lists exactly want (space-separated, in readdir order; "": empty),
 * noted under key unless key is NULL; else a fail naming it by its layer ("merged/d").
 */
static enum iso_verdict dir_lists(struct iso_ctx *ctx, const char *dir, const char *name,
				  const char *want, const char *key)
{
	const char *layer = strrchr(dir, '/') + 1;
	char p[PATH_MAX], names[256];
	int n = list_dir(ctr_path(p, dir, name), names, sizeof(names));

	if (n < 0)
		return iso_broken(ctx, n, "list %s/%s", layer, name);
	if (key)
		iso_note(ctx, key, "%s", names);
	if (strcmp(names, want))
		return iso_fail(ctx, "%s/%s lists \"%s\", not \"%s\"", layer, name, names, want);
	return ISO_PASS;
}

/*
 * An upper directory with trusted.overlay.opaque = "y" hides the lower directory of the same name:
 * merged shows only the upper entries ("whiteouts and opaque directories"). Control: the same upper
 * directory without the xattr, which merges with the lower one.
 */
static enum iso_verdict opaque_dir_hides_lower_entries(struct iso_ctx *ctx)
{
	struct ovl o;
	enum iso_verdict v = ovl_prepare(ctx, &o);
	char ld[PATH_MAX], ud[PATH_MAX];

	if (v != ISO_PASS)
		return v;
	if (mkdir(ctr_path(ld, o.lower, "d"), 0755) < 0 || put(ld, "a", "a") < 0 ||
	    mkdir(ctr_path(ud, o.upper, "d"), 0755) < 0 || put(ud, "b", "b") < 0)
		return iso_broken(ctx, -errno, "make lower/d/a and upper/d/b");
	if (!iso_ctx_is_control(ctx) && setxattr(ud, "trusted.overlay.opaque", "y", 1, 0) < 0)
		return iso_broken(ctx, -errno, "set trusted.overlay.opaque on upper/d");
	v = ovl_mount(ctx, &o, NULL, NULL);
	return v == ISO_PASS ? dir_lists(ctx, o.merged, "d", "b", "merged_d") : v;
}

/*
 * A directory removed and created again over a lower one is made opaque (trusted.overlay.opaque =
 * "y" on upper/d), hiding the old lower entries, which the lower layer keeps ("whiteouts and opaque
 * directories"). Control: a bind of the lower directory, which the removal reaches.
 */
static enum iso_verdict recreated_dir_is_opaque(struct iso_ctx *ctx)
{
	struct ovl o;
	enum iso_verdict v = ovl_setup(ctx, &o, "d/a", "a", !iso_ctx_is_control(ctx), NULL);
	char p[PATH_MAX], d[PATH_MAX];

	if (v != ISO_PASS)
		return v;
	if (unlink(ctr_path(p, o.merged, "d/a")) < 0 || rmdir(ctr_path(d, o.merged, "d")) < 0 ||
	    mkdir(d, 0755) < 0)
		return iso_broken(ctx, -errno, "unlink merged/d/a, rmdir and mkdir merged/d");
	if (access(ctr_path(p, o.lower, "d/a"), F_OK) < 0)
		return iso_fail(ctx, "removing merged/d/a removed the lower file");
	v = dir_lists(ctx, o.merged, "d", "", NULL);
	return v == ISO_PASS ? xattr_reads(ctx, o.upper, "d", "trusted.overlay.opaque", "y") : v;
}

/* ---- renaming directories ---- */

/*
 * rename_lower_dir_fails_exdev_without_redirect_dir: rename(2) of a directory from a
 * lower layer fails with EXDEV when redirect_dir is off ("Renaming directories":
 * applications fall back to copy and unlink). Control: redirect_dir=on, where it works.
 *
 * rename_lower_dir_works_with_redirect_dir: with redirect_dir=on it succeeds, the upper
 * directory records the lower path in trusted.overlay.redirect and the lower layer is
 * unchanged ("Redirect dir"). Control: redirect_dir=off (EXDEV).
 */
static enum iso_verdict rename_dir(struct iso_ctx *ctx)
{
	bool expect_rename = *(const bool *)iso_ctx_arg(ctx); /* the variant */
	bool redirect = expect_rename != iso_ctx_is_control(ctx); /* the control flips it */
	const char *opt = redirect ? ",redirect_dir=on" : ",redirect_dir=off";
	struct ovl o;
	enum iso_verdict v = ovl_setup(ctx, &o, "dir/x", "x", true, opt);
	char p[PATH_MAX], from[PATH_MAX], to[PATH_MAX];

	if (v != ISO_PASS)
		return v;
	if (rename(ctr_path(from, o.merged, "dir"), ctr_path(to, o.merged, "dir2")) < 0) {
		if (errno == EXDEV && !expect_rename)
			return ISO_PASS;
		return iso_fail(ctx, "rename of a lower directory failed with %s (%s)",
				strerror(errno), opt + 1);
	}
	if (!expect_rename)
		return iso_fail(ctx, "rename of a lower directory succeeded (%s)", opt + 1);
	if (access(ctr_path(p, to, "x"), F_OK) < 0 || access(from, F_OK) == 0)
		return iso_fail(ctx,
				"after the rename merged/dir2/x is missing or merged/dir remains");
	if (access(ctr_path(p, o.lower, "dir/x"), F_OK) < 0)
		return iso_fail(ctx, "the rename changed the lower layer");
	return xattr_reads(ctx, o.upper, "dir2", "trusted.overlay.redirect", NULL);
}

/* ---- several lower layers ---- */

/*
 * With lowerdir=a:b:c the layers stack from left (top) to right (bottom): a
 * name is taken from the leftmost layer that has it ("Multiple lower layers").
 * Control: the same layers listed c:b:a.
 */
static enum iso_verdict lower_layers_stack_leftmost_first(struct iso_ctx *ctx)
{
	bool leftmost_first = !iso_ctx_is_control(ctx);
	static const char *const files[3][3] = {
		/* layer a, b, c; each file is in the layers its row names */
		{ "f1", "f1", "f1" },
		{ NULL, "f2", "f2" },
		{ NULL, NULL, "f3" },
	};
	static const char *const want[3][2] = { { "f1", "a" }, { "f2", "b" }, { "f3", "c" } };
	struct ovl o;
	enum iso_verdict v = ovl_prepare(ctx, &o);
	char layer[3][PATH_MAX], lowerdir[3 * PATH_MAX + 4], buf[16];

	if (v != ISO_PASS)
		return v;
	for (int l = 0; l < 3; l++) {
		char name[2] = { (char)('a' + l), 0 };

		if (mkdir(ctr_path(layer[l], o.t, name), 0755) < 0)
			return iso_broken(ctx, -errno, "mkdir layer %s", name);
		for (int f = 0; f < 3; f++)
			if (files[f][l] && put(layer[l], files[f][l], name) < 0)
				return iso_broken(ctx, -errno, "write %s/%s", name, files[f][l]);
	}
	if (leftmost_first)
		snprintf(lowerdir, sizeof(lowerdir), "%s:%s:%s", layer[0], layer[1], layer[2]);
	else
		snprintf(lowerdir, sizeof(lowerdir), "%s:%s:%s", layer[2], layer[1], layer[0]);
	v = ovl_mount(ctx, &o, lowerdir, NULL);
	if (v != ISO_PASS)
		return v;
	for (int f = 0; f < 3; f++) {
		if (slurp(o.merged, want[f][0], buf, sizeof(buf)) < 0)
			return iso_fail(ctx, "merged/%s is missing", want[f][0]);
		if (strcmp(buf, want[f][1]))
			return iso_fail(ctx,
					"merged/%s comes from layer %s, not %s (the topmost "
					"layer that has it)",
					want[f][0], buf, want[f][1]);
	}
	return ISO_PASS;
}

#define OVL_REQ                                                          \
	{                                                                \
		.root = true, .userns_ok = true, .kconfig = "OVERLAY_FS" \
	}
#define OVL_REQ_ROOT(what)                                                \
	{                                                                 \
		.root = true, .kconfig = "OVERLAY_FS", .root_for = (what) \
	}
/* The redirect_dir cases: the mount option is refused in a user namespace. */
#define OVL_REQ_REDIRECT OVL_REQ_ROOT("the redirect_dir mount option (refused in a user namespace)")
/* The variants of rename_dir: whether the rename of a lower directory is expected to work. */
static const bool rename_fails = false, rename_works = true;

static const struct iso_case cases[] = {
	ISO_CASE(write_copies_up_leaving_lower_unchanged,
		 .doc = "a write copies a lower file up, leaving it unchanged (overlayfs.rst)",
		 .timeout_ms = 10000, .req = OVL_REQ),
	ISO_CASE(unlink_leaves_whiteout_in_upper,
		 .doc = "unlink of a lower-layer file leaves a 0/0 character-device whiteout in the upper "
			"layer (overlayfs.rst)",
		 .timeout_ms = 10000, .req = OVL_REQ),
	ISO_CASE(opaque_dir_hides_lower_entries,
		 .doc = "an opaque upper directory hides the lower one's entries (overlayfs.rst)",
		 .timeout_ms = 10000,
		 .req = OVL_REQ_ROOT("sets trusted.overlay.opaque (trusted.* xattrs)")),
	ISO_CASE(recreated_dir_is_opaque,
		 .doc = "rmdir+mkdir over a lower directory makes it opaque (overlayfs.rst)",
		 .timeout_ms = 10000,
		 .req = OVL_REQ_ROOT("reads trusted.overlay.* xattrs of the upper layer")),
	ISO_VARIANT(rename_lower_dir_fails_exdev_without_redirect_dir, rename_dir, &rename_fails,
		    .doc = "rename of a lower directory fails with EXDEV when redirect_dir is off "
			   "(overlayfs.rst)",
		    .timeout_ms = 10000, .req = OVL_REQ_REDIRECT),
	ISO_VARIANT(rename_lower_dir_works_with_redirect_dir, rename_dir, &rename_works,
		    .doc = "rename of a lower directory succeeds with redirect_dir=on, recorded in "
			   "trusted.overlay.redirect (overlayfs.rst)",
		    .timeout_ms = 10000, .req = OVL_REQ_REDIRECT),
	ISO_CASE(lower_layers_stack_leftmost_first,
		 .doc = "lowerdir=a:b:c stacks a on top: each name comes from the leftmost layer that has it "
			"(overlayfs.rst)",
		 .timeout_ms = 10000, .req = OVL_REQ),
};

const struct iso_suite iso_suite_overlay = ISO_SUITE("overlay", cases);
