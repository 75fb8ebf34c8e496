// SPDX-License-Identifier: MIT
/*
 * A new mount namespace starts with a copy of its parent's mount table; later
 * mounts affect only one side (when nothing propagates); /proc/PID/mounts,
 * mountinfo and mountstats show the namespace of PID (mount_namespaces(7),
 * proc(5)). Every negative control leaves out CLONE_NEWNS, so "the other
 * namespace" is the same one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mntns.h"

/* A holder in a new mount namespace, or (the control) in ours. */
static enum iso_verdict spawn_holder(struct iso_ctx *ctx, pid_t *holder)
{
	bool control = iso_ctx_is_control(ctx);

	*holder = mntns_holder(!control);
	if (*holder < 0)
		return iso_broken(ctx, *holder, "clone(%s)", control ? "0" : "CLONE_NEWNS");
	iso_note(ctx, "mnt_ns", "here %lld, other %lld", (long long)iso_ns_ino(0, "mnt"),
		 (long long)iso_ns_ino(*holder, "mnt"));
	return ISO_PASS;
}

/* Everything of a mountinfo line but the mount IDs, as one comparable string. */
static void mi_key(const struct mntns_mi *m, char *buf, size_t len)
{
	char f[96];

	mntns_mi_fields(m, f, sizeof(f));
	snprintf(buf, len, "%s\t%s\t%s\t%s\t%s\t%s", m->mp, m->root, m->fstype, m->source, m->opts,
		 f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_keys(char **keys, ssize_t n)
{
	for (ssize_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
}

static char **mi_keys(const struct mntns_mi *v, ssize_t n)
{
	char **keys = calloc(n ? n : 1, sizeof(*keys));

	if (!keys)
		return NULL;
	for (ssize_t i = 0; i < n; i++) {
		keys[i] = malloc(1200);
		if (!keys[i]) {
			free_keys(keys, i);
			return NULL;
		}
		mi_key(&v[i], keys[i], 1200);
	}
	qsort(keys, n, sizeof(*keys), cmp_str);
	return keys;
}

/*
 * clone(CLONE_NEWNS) copies the mount list (mount_namespaces(7): "its mount list
 * is initialized as a copy"): the child's mountinfo lists the same mounts (mount
 * point, root, fs, source, options, propagation) under new mount IDs, none shared
 * with ours. Control: no CLONE_NEWNS, so the IDs are the same mounts.
 */
static enum iso_verdict clone_newns_copies_mount_table(struct iso_ctx *ctx)
{
	char r_[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
	_cleanup_pid_ pid_t holder = 0;
	struct mntns_mi *here = NULL, *there = NULL;
	char **kh = NULL, **kt = NULL;
	ssize_t nh, nt;
	enum iso_verdict v;
	int r, same_id = 0;

	if ((v = mntns_scratch_with(ctx, r_, "")) != ISO_PASS)
		return v;
	if ((r = mntns_mkdirs(r_, "a")) < 0 || (r = mntns_tmpfs(mntns_path(a, r_, "a"))) < 0 ||
	    (r = mntns_mkdirs(a, "b")) < 0 || (r = mntns_tmpfs(mntns_path(b, a, "b"))) < 0)
		return iso_broken(ctx, r, "setup: mounts at a and a/b");
	if ((v = spawn_holder(ctx, &holder)) != ISO_PASS)
		return v;
	nh = mntns_mi_load(0, &here);
	nt = mntns_mi_load(holder, &there);
	if (nh < 0 || nt < 0) {
		v = iso_broken(ctx, nh < 0 ? (int)nh : (int)nt, "read mountinfo");
		goto out;
	}
	iso_note(ctx, "mounts", "here %zd, other %zd", nh, nt);
	if (nh != nt) {
		v = iso_fail(ctx, "the new namespace has %zd mounts, its parent %zd", nt, nh);
		goto out;
	}
	kh = mi_keys(here, nh);
	kt = mi_keys(there, nt);
	if (!kh || !kt) {
		v = iso_broken(ctx, -ENOMEM, "compare mount tables");
		goto out;
	}
	for (ssize_t i = 0; i < nh; i++) {
		if (strcmp(kh[i], kt[i])) {
			v = iso_fail(ctx, "the copy differs: '%s' here, '%s' there", kh[i], kt[i]);
			goto out;
		}
	}
	for (ssize_t i = 0; i < nh; i++)
		for (ssize_t j = 0; j < nt; j++)
			same_id += here[i].id == there[j].id;
	iso_note(ctx, "shared_mount_ids", "%d", same_id);
	if (same_id)
		v = iso_fail(ctx,
			     "%d mount IDs appear in both tables: the namespace shares the "
			     "parent's mounts instead of copying them",
			     same_id);
	else
		v = ISO_PASS;
out:
	free_keys(kh, nh);
	free_keys(kt, nt);
	free(here);
	free(there);
	return v;
}

/*
 * After the copy, with private mounts, a mount here is absent there, a mount there
 * is absent here, and an umount here leaves the copy there (mount_namespaces(7);
 * suites/ASSERTIONS.md). Control: no CLONE_NEWNS.
 */
static enum iso_verdict later_mounts_affect_one_side(struct iso_ctx *ctx)
{
	char r_[PATH_MAX], x[PATH_MAX], y[PATH_MAX], z[PATH_MAX];
	_cleanup_pid_ pid_t holder = 0;
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, r_, "")) != ISO_PASS)
		return v;
	mntns_path(x, r_, "x");
	mntns_path(y, r_, "y");
	if ((r = mntns_mkdirs(r_, "x y z")) < 0 || (r = mntns_tmpfs(mntns_path(z, r_, "z"))) < 0)
		return iso_broken(ctx, r, "setup: a mount at z");
	if ((v = spawn_holder(ctx, &holder)) != ISO_PASS)
		return v;
	if ((r = mntns_tmpfs(x)) < 0)
		return iso_broken(ctx, r, "mount at x here");
	if (mntns_mi_find(holder, x, NULL) != 0)
		return iso_fail(ctx, "a mount made here after the clone shows up in the other "
				     "namespace");
	if ((r = mntns_in_ns(ctx, holder, mntns_op_tmpfs, y)) < 0)
		return iso_broken(ctx, r, "mount at y in the other namespace");
	if (mntns_mi_find(holder, y, NULL) != 1)
		return iso_broken(ctx, 0,
				  "the mount at y is missing in the namespace it was made in");
	if (mntns_mi_find(0, y, NULL) != 0)
		return iso_fail(ctx, "a mount made in the other namespace shows up here");
	if ((r = mntns_umount(z)) < 0)
		return iso_broken(ctx, r, "umount z here");
	if (mntns_mi_find(holder, z, NULL) != 1)
		return iso_fail(ctx, "an umount here removed the copy in the other namespace");
	return ISO_PASS;
}

/* Returns 1 if the text of /proc/PID/name contains needle, 0 if not, or -errno. */
static int proc_has(pid_t pid, const char *name, const char *needle)
{
	char path[64], *txt = NULL;
	ssize_t r;
	int found;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)(pid ? pid : getpid()), name);
	r = iso_read_file_alloc(path, &txt);
	if (r < 0)
		return (int)r;
	found = strstr(txt, needle) != NULL;
	free(txt);
	return found;
}

/*
 * /proc/PID/mounts, /proc/PID/mountinfo and /proc/PID/mountstats list the mounts
 * of PID's namespace (proc(5); mount_namespaces(7)): x mounted here and y mounted
 * there each show only in their own namespace's files. Control: no CLONE_NEWNS.
 */
static enum iso_verdict proc_mount_files_are_per_namespace(struct iso_ctx *ctx)
{
	static const char *const files[] = { "mounts", "mountinfo", "mountstats" };
	char r_[PATH_MAX], x[PATH_MAX], y[PATH_MAX], nx[PATH_MAX + 32], ny[PATH_MAX + 32];
	_cleanup_pid_ pid_t holder = 0;
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, r_, "")) != ISO_PASS)
		return v;
	mntns_path(x, r_, "x");
	mntns_path(y, r_, "y");
	if ((r = mntns_mkdirs(r_, "x y")) < 0)
		return iso_broken(ctx, r, "setup: mkdir");
	if ((v = spawn_holder(ctx, &holder)) != ISO_PASS)
		return v;
	if ((r = mntns_tmpfs(x)) < 0 || (r = mntns_in_ns(ctx, holder, mntns_op_tmpfs, y)) < 0)
		return iso_broken(ctx, r, "mount x here and y in the other namespace");
	for (size_t i = 0; i < ISO_ARRAY_SIZE(files); i++) {
		/* The mount point, delimited as each file delimits it. */
		if (i == 2) {
			snprintf(nx, sizeof(nx), "mounted on %s with", x);
			snprintf(ny, sizeof(ny), "mounted on %s with", y);
		} else {
			snprintf(nx, sizeof(nx), " %s ", x);
			snprintf(ny, sizeof(ny), " %s ", y);
		}
		if (proc_has(0, files[i], nx) != 1 || proc_has(holder, files[i], ny) != 1)
			return iso_broken(ctx, 0, "/proc/PID/%s lacks a mount of its own namespace",
					  files[i]);
		if (proc_has(0, files[i], ny) != 0)
			return iso_fail(ctx,
					"our /proc/self/%s lists %s, mounted in the other "
					"namespace",
					files[i], y);
		if (proc_has(holder, files[i], nx) != 0)
			return iso_fail(ctx,
					"/proc/%d/%s of the other namespace lists %s, mounted "
					"here",
					(int)holder, files[i], x);
	}
	iso_note(ctx, "files", "mounts mountinfo mountstats");
	return ISO_PASS;
}

struct bind_args {
	const char *src, *dst;
};

/* Returns 0 or -errno. */
static int op_bind(void *arg)
{
	const struct bind_args *b = arg;

	return mount(b->src, b->dst, NULL, MS_BIND, NULL) ? -errno : 0;
}

/*
 * "If 'A' is unbindable mount, then 'B' is a unbindable mount too"
 * (sharedsubtree.rst 5g): the CLONE_NEWNS copy of an unbindable mount shows
 * "unbindable" in mountinfo, and a bind of it in the new namespace fails with
 * EINVAL. Control: A is private, so its copy can be bound.
 */
static enum iso_verdict clone_newns_copy_of_unbindable_is_unbindable(struct iso_ctx *ctx)
{
	bool control = iso_ctx_is_control(ctx);
	char r_[PATH_MAX], a[PATH_MAX], o[PATH_MAX], f[96];
	_cleanup_pid_ pid_t holder = 0;
	struct bind_args b = { a, o };
	struct mntns_mi copy;
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, r_, "")) != ISO_PASS)
		return v;
	mntns_path(a, r_, "a");
	mntns_path(o, r_, "o");
	if ((r = mntns_mkdirs(r_, "a o")) < 0 || (r = mntns_tmpfs(a)) < 0 ||
	    (r = mntns_prop(a, control ? MS_PRIVATE : MS_UNBINDABLE)) < 0)
		return iso_broken(ctx, r, "setup: unbindable A");
	holder = mntns_holder(true);
	if (holder < 0)
		return iso_broken(ctx, holder, "clone(CLONE_NEWNS)");
	if (mntns_mi_find(holder, a, &copy) != 1)
		return iso_broken(ctx, 0, "A is missing from the new namespace");
	mntns_mi_fields(&copy, f, sizeof(f));
	iso_note(ctx, "copy_fields", "%s", f);
	r = mntns_in_ns(ctx, holder, op_bind, &b);
	iso_note(ctx, "bind_of_copy", "%s", r ? strerror(-r) : "ok");
	if (r == 0 || !copy.unbindable)
		return iso_fail(ctx,
				"the CLONE_NEWNS copy of an unbindable mount is not unbindable: "
				"mountinfo fields '%s', bind of it %s (sharedsubtree.rst 5g)",
				f, r ? strerror(-r) : "succeeded");
	if (r != -EINVAL)
		return iso_fail(ctx, "bind of the unbindable copy failed with %s, not EINVAL",
				strerror(-r));
	return ISO_PASS;
}

static const struct iso_case cases[] = {
	ISO_CASE(clone_newns_copies_mount_table,
		 .doc = "clone(CLONE_NEWNS) starts the namespace with a copy of the parent's mount "
			"list: same mounts, new mount IDs (mount_namespaces(7))",
		 .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_CASE(later_mounts_affect_one_side,
		 .doc = "after the copy, mounts and umounts on private mounts affect only their own "
			"namespace (mount_namespaces(7))",
		 .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_CASE(proc_mount_files_are_per_namespace,
		 .doc = "/proc/PID/mounts, mountinfo and mountstats list the mounts of PID's mount "
			"namespace (proc(5), mount_namespaces(7))",
		 .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_CASE(
		clone_newns_copy_of_unbindable_is_unbindable,
		.doc = "the CLONE_NEWNS copy of an unbindable mount is unbindable: mountinfo says so "
		       "and bind of it fails with EINVAL (sharedsubtree.rst 5g)",
		.timeout_ms = 5000, .req = MNTNS_REQ,
		.known =
			(const struct iso_known[]){
				{ .from = "6.13",
				  .reason =
					  "the CLONE_NEWNS copy of an unbindable mount is not unbindable",
				  .what = "seen on 6.18 (passes on 6.1 and 6.12): the copy loses "
					  "MNT_UNBINDABLE, sharedsubtree.rst 5g says it keeps it" },
				{ 0 } }),
};

const struct iso_cases mntns_newns_cases = ISO_CASES(cases);
