// SPDX-License-Identifier: MIT
/*
 * The root filesystem of a container: pivot_root into a new root and detach the
 * old one, the chroot escapes that pivot_root in a private mount namespace
 * closes, read-only binds, the nosuid/nodev/noexec mount flags, and the masking
 * of /proc and /sys that container runtimes apply (pivot_root(2), chroot(2),
 * mount(2), mount_namespaces(7), proc(5); runc's libcontainer/rootfs_linux.go
 * for the masked and read-only paths).
 *
 * Every mount is made inside the case's private mount namespace (or a
 * CLONE_NEWNS child of it) on a tmpfs of its own below the case directory.
 * The new root is a tmpfs holding the host's /usr bound read-only and /bin,
 * /lib, ... as the host has them (ctr_build_root). A marker file in the case
 * directory, outside that root, stands for "the host": a case that can still
 * reach it has not left the host's tree.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctr/ctr.h"

#define PUT_OLD "oldroot"

/* ---- the new root and the ways into it ---- */

enum escape { ESC_NONE, ESC_DOTDOT, ESC_FCHDIR };

struct root_arg {
	char root[PATH_MAX]; /* the tmpfs the tiny root is built in */
	char marker[PATH_MAX]; /* a file of the host, outside the new root */
	bool pivot; /* pivot_root; otherwise plain chroot (the controls) */
	bool detach; /* umount2(put_old, MNT_DETACH) after pivot_root */
	enum escape esc;
};

/* Builds the root and the marker. Returns ISO_PASS or a broken verdict. */
static enum iso_verdict root_prepare(struct iso_ctx *ctx, struct root_arg *a)
{
	int r = ctr_tmpfs(ctx, "root", 0, a->root);

	if (r < 0)
		return iso_broken(ctx, r, "mount a tmpfs for the new root");
	r = ctr_build_root(a->root, PUT_OLD);
	if (r < 0)
		return iso_broken(ctx, r, "build the tiny root in %s", a->root);
	ctr_path(a->marker, iso_ctx_dir(ctx), "host-marker");
	r = ctr_write_new(a->marker, "host\n");
	if (r < 0)
		return iso_broken(ctx, r, "write the host marker");
	return ISO_PASS;
}

/* In the child: moves into the new root by pivot_root (or chroot). */
static enum iso_verdict root_enter(struct iso_ctx *ctx, const struct root_arg *a)
{
	int r;

	if (chdir(a->root) < 0)
		return iso_broken(ctx, -errno, "chdir %s", a->root);
	if (!a->pivot) {
		if (chroot(".") < 0 || chdir("/") < 0)
			return iso_broken(ctx, -errno, "chroot into the new root");
		return ISO_PASS;
	}
	r = ctr_pivot_root(".", PUT_OLD);
	if (r < 0)
		return iso_broken(ctx, r, "pivot_root(., %s)", PUT_OLD);
	if (chdir("/") < 0)
		return iso_broken(ctx, -errno, "chdir / after pivot_root");
	if (a->detach && umount2("/" PUT_OLD, MNT_DETACH) < 0)
		return iso_fail(ctx, "umount2(/%s, MNT_DETACH) failed: %s", PUT_OLD,
				strerror(errno));
	return ISO_PASS;
}

/* ---- pivot_root detaches the host's tree ---- */

/* Returns 1 if path exists, 0 if not (ENOENT), or -errno. */
static int exists(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

static enum iso_verdict pivot_child(struct iso_ctx *ctx, void *p)
{
	const struct root_arg *a = p;
	static const char *const true_argv[] = { "/bin/true", NULL };
	struct ctr_exec ex = { .argv = true_argv, .fd = -1, .timeout_ms = iso_ctx_ms(ctx, 5000) };
	char old[PATH_MAX + 16], out[256], *mi = NULL, *line, *save = NULL;
	enum iso_verdict v = root_enter(ctx, a);
	int r, st = 0, nmounts = 0;

	if (v != ISO_PASS)
		return v;
	r = ctr_run(&ex, out, sizeof(out), &st);
	if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return iso_broken(ctx, r, "the tiny root cannot run /bin/true (%s)", out);
	if (exists(a->marker) != 0)
		return iso_fail(ctx, "the host's %s is still reachable by its path", a->marker);
	snprintf(old, sizeof(old), "/%s%s", PUT_OLD, a->marker);
	if ((r = exists(old)) != 0)
		return r < 0 ? iso_broken(ctx, r, "stat %s", old) :
			       iso_fail(ctx, "the host's tree is still reachable under /%s (%s)",
					PUT_OLD, old);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return iso_broken(ctx, -errno, "mount a fresh /proc in the new root");
	r = (int)iso_read_file_alloc("/proc/self/mountinfo", &mi);
	if (r < 0)
		return iso_broken(ctx, r, "read /proc/self/mountinfo");
	for (line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mp[PATH_MAX];

		if (sscanf(line, "%*d %*d %*s %*s %4095s", mp) != 1)
			continue;
		nmounts++;
		if (!strncmp(mp, "/" PUT_OLD, strlen(PUT_OLD) + 1)) {
			v = iso_fail(ctx, "the fresh /proc still shows the host's mounts (%s)", mp);
			break;
		}
	}
	free(mi);
	iso_note(ctx, "mounts_in_new_root", "%d", nmounts);
	return v;
}

/*
 * After pivot_root(new, new/put_old) and umount2(put_old, MNT_DETACH) nothing of
 * the old root is reachable: not by its paths, not under put_old, and a fresh
 * /proc lists only the new root's mounts (pivot_root(2) NOTES, the "pivot_root
 * . ." idiom; proc(5) /proc/PID/mountinfo). Control: the old root is left
 * attached, as pivot_root alone leaves it.
 */
static enum iso_verdict pivot_root_detaches_host_root(struct iso_ctx *ctx)
{
	bool detach = !iso_ctx_is_control(ctx);
	struct root_arg a = { .pivot = true, .detach = detach };
	enum iso_verdict v = root_prepare(ctx, &a);

	if (v != ISO_PASS)
		return v;
	return ctr_in_child(ctx, CLONE_NEWNS | CLONE_NEWPID, pivot_child, &a,
			    iso_ctx_ms(ctx, 8000));
}

/* ---- chroot escapes ---- */

static enum iso_verdict escape_child(struct iso_ctx *ctx, void *p)
{
	const struct root_arg *a = p;
	enum iso_verdict v = root_enter(ctx, a);
	_cleanup_close_ int fd = -1;
	int r;

	if (v != ISO_PASS)
		return v;
	if (mkdir("/esc", 0755) < 0)
		return iso_broken(ctx, -errno, "mkdir /esc in the new root");
	if (a->esc == ESC_FCHDIR) {
		/* A directory opened before the inner chroot: outside the jail. */
		fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return iso_broken(ctx, -errno, "open /");
	}
	/* chroot(2) does not change the cwd: it stays outside the new root. */
	if (chroot("/esc") < 0)
		return iso_broken(ctx, -errno, "chroot /esc");
	if (a->esc == ESC_FCHDIR && (chdir("/") < 0 || fchdir(fd) < 0))
		return iso_broken(ctx, -errno, "fchdir to the directory opened outside");
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			return iso_broken(ctx, -errno, "chdir ..");
	if (chroot(".") < 0)
		return iso_broken(ctx, -errno, "chroot . after climbing");
	r = exists(a->marker);
	if (r < 0)
		return iso_broken(ctx, r, "stat %s", a->marker);
	if (r)
		return iso_fail(ctx, "escaped: the host's %s is reachable after the %s escape",
				a->marker, a->esc == ESC_FCHDIR ? "fchdir" : "chdir(\"..\")");
	iso_note(ctx, "landed_in_container_root", "%s", exists("/esc") == 1 ? "yes" : "no");
	return ISO_PASS;
}

/*
 * chroot_dotdot_escape_stays_in_pivot_root: the classic chroot escape: chroot
 * into a subdirectory while the cwd stays outside it, climb with chdir(".."),
 * chroot("."). chroot(2) says the cwd is not changed and that the call is not a
 * security mechanism; after pivot_root and detaching the old root, ".." of the
 * namespace's root is the root itself (path_resolution(7)), so the climb ends
 * in the container's root. Control: a plain chroot into the same tree, where
 * the climb reaches the host.
 *
 * fchdir_escape_stays_in_pivot_root: the same escape through a directory fd
 * opened before the inner chroot and fchdir(2) to it (chroot(2): "open file
 * descriptors ... may allow access to files outside the chroot tree"). After
 * pivot_root the fd still lies inside the new root. Control: plain chroot.
 */
static enum iso_verdict escape(struct iso_ctx *ctx)
{
	struct root_arg a = { .pivot = !iso_ctx_is_control(ctx),
			      .detach = true,
			      .esc = *(const enum escape *)iso_ctx_arg(ctx) };
	enum iso_verdict v = root_prepare(ctx, &a);

	if (v != ISO_PASS)
		return v;
	return ctr_in_child(ctx, CLONE_NEWNS | CLONE_NEWPID, escape_child, &a,
			    iso_ctx_ms(ctx, 8000));
}

/* ---- read-only binds ---- */

/* Creates dir/name. Returns 0 or -errno. */
static int touch(const char *dir, const char *name)
{
	char p[PATH_MAX];

	return ctr_write_new(ctr_path(p, dir, name), "x\n");
}

/*
 * MS_RDONLY given with MS_BIND is ignored (mount(2): "the remaining bits ...
 * in the mountflags argument are also ignored"); a bind becomes read-only by a
 * second call with MS_REMOUNT|MS_BIND|MS_RDONLY (Linux 2.6.26+), after which
 * writes through it fail with EROFS while the source stays writable. Control:
 * the remount is left out.
 */
static enum iso_verdict bind_rdonly_needs_remount(struct iso_ctx *ctx)
{
	bool remount = !iso_ctx_is_control(ctx);
	char t[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
	struct statvfs sv;
	int r = ctr_tmpfs(ctx, "t", 0, t);

	if (r < 0)
		return iso_broken(ctx, r, "mount the scratch tmpfs");
	if (mkdir(ctr_path(src, t, "src"), 0755) < 0 || mkdir(ctr_path(dst, t, "dst"), 0755) < 0)
		return iso_broken(ctx, -errno, "mkdir src, dst");
	if (mount(src, dst, NULL, MS_BIND | MS_RDONLY, NULL) < 0)
		return iso_broken(ctx, -errno, "mount(MS_BIND|MS_RDONLY)");
	r = touch(dst, "first");
	iso_note(ctx, "bind_with_ms_rdonly", "%s", r == 0 ? "writable" : strerror(-r));
	if (r < 0)
		return iso_fail(ctx,
				"MS_RDONLY was honoured by the bind itself (%s); mount(2) says "
				"the other flags of a bind are ignored",
				strerror(-r));
	if (remount && mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return iso_broken(ctx, -errno, "mount(MS_REMOUNT|MS_BIND|MS_RDONLY)");
	if (statvfs(dst, &sv) == 0)
		iso_note(ctx, "st_rdonly_after", "%s", sv.f_flag & ST_RDONLY ? "yes" : "no");
	r = touch(dst, "second");
	if (r == 0)
		return iso_fail(ctx, "a file was created through the bind: it is not read-only");
	if (r != -EROFS)
		return iso_fail(ctx,
				"creating a file through the read-only bind failed with %s, "
				"not EROFS",
				strerror(-r));
	r = touch(src, "second");
	if (r < 0)
		return iso_fail(ctx,
				"the bind's source became read-only too (%s): the flag is not "
				"per mount",
				strerror(-r));
	return ISO_PASS;
}

/* ---- noexec, nodev, nosuid ---- */

/*
 * execve(2) of a file on a filesystem mounted noexec fails with EACCES
 * (execve(2) ERRORS, mount(2) MS_NOEXEC). Control: the same copy of /bin/true
 * on a tmpfs without noexec.
 */
static enum iso_verdict noexec_refuses_execve_eacces(struct iso_ctx *ctx)
{
	bool flag = !iso_ctx_is_control(ctx);
	char t[PATH_MAX], bin[PATH_MAX], out[256];
	const char *argv[] = { bin, NULL };
	struct ctr_exec ex = { .argv = argv, .fd = -1, .timeout_ms = iso_ctx_ms(ctx, 5000) };
	int r = ctr_tmpfs(ctx, "x", flag ? MS_NOEXEC : 0, t), st = 0;

	if (r < 0)
		return iso_broken(ctx, r, "mount the scratch tmpfs");
	r = ctr_copy_file("/bin/true", ctr_path(bin, t, "true"), 0755);
	if (r < 0)
		return iso_broken(ctx, r, "copy /bin/true");
	return iso_expect_errno(ctx, ctr_run(&ex, out, sizeof(out), &st), EACCES,
				"execve of a binary on the %s mount",
				flag ? "noexec" : "exec-allowed");
}

/*
 * A device node on a filesystem mounted nodev cannot be opened: open(2) fails
 * with EACCES (mount(2) MS_NODEV; open(2) ERRORS). Control: the same node on a
 * tmpfs without nodev.
 */
static enum iso_verdict nodev_refuses_device_open_eacces(struct iso_ctx *ctx)
{
	bool flag = !iso_ctx_is_control(ctx);
	char t[PATH_MAX], node[PATH_MAX];
	int r = ctr_tmpfs(ctx, "d", flag ? MS_NODEV : 0, t);
	_cleanup_close_ int fd = -1;

	if (r < 0)
		return iso_broken(ctx, r, "mount the scratch tmpfs");
	if (mknod(ctr_path(node, t, "null"), S_IFCHR | 0666, makedev(1, 3)) < 0)
		return iso_broken(ctx, -errno, "mknod a 1:3 (null) device node");
	fd = open(node, O_RDWR | O_CLOEXEC);
	return iso_expect_errno(ctx, fd < 0 ? -errno : fd, EACCES,
				"opening the device node on the %s mount", flag ? "nodev" : "dev");
}

/*
 * On a filesystem mounted nosuid the set-user-ID bit is ignored by execve(2)
 * (mount(2) MS_NOSUID): a setuid-root copy of cat run by nobody gets no
 * privilege-elevating exec: AT_SECURE 0 in its auxv (getauxval(3)) and euid
 * 65534 in its /proc/self/status. Control: the same copy on a tmpfs without
 * nosuid, where execve makes it root (AT_SECURE 1).
 */
static enum iso_verdict nosuid_ignores_setuid_bit(struct iso_ctx *ctx)
{
	bool flag = !iso_ctx_is_control(ctx);

	return ctr_setuid_unprivileged(ctx, flag ? MS_NOSUID : 0, false,
				       flag ? "on the nosuid mount" : "on the suid-allowed mount");
}

/* ---- /proc and /sys masking ---- */

enum mask { MASK_PROC_FILE, MASK_PROC_SYS, MASK_SYS_DIR };

struct mask_arg {
	enum mask what;
	bool mask;
};

/* Reads up to len bytes of path. Returns the count or -errno. */
static ssize_t read_some(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	return n < 0 ? -errno : n;
}

/* Number of entries (other than . and ..) in dir, or -errno. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static enum iso_verdict mask_proc_file(struct iso_ctx *ctx, const char *proc, bool mask)
{
	/* runc's default masked paths that are files. */
	static const char *const masked[] = { "kcore",	     "keys",	      "timer_list",
					      "sched_debug", "latency_stats", "timer_stats" };
	char p[PATH_MAX], buf[4096];
	const char *pick = NULL;
	ssize_t n;

	for (size_t i = 0; i < ISO_ARRAY_SIZE(masked) && !pick; i++)
		if (read_some(ctr_path(p, proc, masked[i]), buf, sizeof(buf)) > 0)
			pick = masked[i];
	if (!pick)
		return iso_skip(ctx, "none of /proc/{kcore,keys,timer_list,sched_debug,...} is "
				     "readable and non-empty here");
	iso_note(ctx, "masked_file", "/proc/%s", pick);
	ctr_path(p, proc, pick);
	if (mask && mount("/dev/null", p, NULL, MS_BIND, NULL) < 0)
		return iso_broken(ctx, -errno, "bind /dev/null over %s", p);
	n = read_some(p, buf, sizeof(buf));
	if (n < 0)
		return iso_fail(ctx, "reading the masked /proc/%s failed: %s", pick, strerror(-n));
	if (n > 0)
		return iso_fail(ctx, "/proc/%s still shows the kernel's content (%zd bytes read)",
				pick, n);
	return ISO_PASS;
}

static enum iso_verdict mask_proc_sys(struct iso_ctx *ctx, const char *proc, bool mask)
{
	char sys[PATH_MAX], host[PATH_MAX], name[128];
	_cleanup_close_ int fd = -1;
	ssize_t w;
	int r;

	ctr_path(sys, proc, "sys");
	if (mask && (r = ctr_bind_ro(sys, sys)) < 0)
		return iso_broken(ctx, r, "bind %s read-only onto itself", sys);
	ctr_path(host, sys, "kernel/hostname");
	if (iso_read_file(host, name, sizeof(name)) < 0)
		return iso_broken(ctx, -errno, "read %s", host);
	/* This child has its own UTS namespace; it writes the name it already has. */
	fd = open(host, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EROFS)
			return ISO_PASS;
		return iso_fail(ctx,
				"opening /proc/sys/kernel/hostname for writing failed with %s, "
				"not EROFS",
				strerror(errno));
	}
	w = write(fd, name, strlen(name));
	if (w < 0 && errno == EROFS)
		return ISO_PASS;
	if (w < 0)
		return iso_fail(ctx, "the write failed with %s, not EROFS", strerror(errno));
	return iso_fail(ctx, "/proc/sys/kernel/hostname was written through the %s path",
			mask ? "read-only" : "unmasked");
}

static enum iso_verdict mask_sys_dir(struct iso_ctx *ctx, bool mask)
{
	char sys[PATH_MAX], fw[PATH_MAX];
	int n;

	ctr_path(sys, iso_ctx_dir(ctx), "sys");
	if (mkdir(sys, 0755) < 0 && errno != EEXIST)
		return iso_broken(ctx, -errno, "mkdir %s", sys);
	if (mount("sysfs", sys, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) < 0)
		return iso_broken(ctx, -errno, "mount a sysfs");
	ctr_path(fw, sys, "firmware");
	n = count_entries(fw);
	if (n <= 0)
		return iso_skip(ctx, "/sys/firmware is absent or empty here: nothing to mask");
	iso_note(ctx, "sys_firmware_entries", "%d", n);
	/* runc masks directories with a read-only tmpfs. */
	if (mask && mount("tmpfs", fw, "tmpfs", MS_RDONLY, "size=0") < 0)
		return iso_broken(ctx, -errno, "mount a read-only tmpfs over %s", fw);
	n = count_entries(fw);
	if (n < 0)
		return iso_fail(ctx, "listing the masked /sys/firmware failed: %s", strerror(-n));
	if (n > 0)
		return iso_fail(ctx, "/sys/firmware still lists %d entries", n);
	return ISO_PASS;
}

static enum iso_verdict mask_child(struct iso_ctx *ctx, void *p)
{
	const struct mask_arg *a = p;
	char proc[PATH_MAX];

	if (a->what == MASK_SYS_DIR)
		return mask_sys_dir(ctx, a->mask);
	ctr_path(proc, iso_ctx_dir(ctx), "proc");
	if (mkdir(proc, 0755) < 0 && errno != EEXIST)
		return iso_broken(ctx, -errno, "mkdir %s", proc);
	if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return iso_broken(ctx, -errno, "mount a fresh proc");
	return a->what == MASK_PROC_FILE ? mask_proc_file(ctx, proc, a->mask) :
					   mask_proc_sys(ctx, proc, a->mask);
}

/*
 * masked_proc_file_reads_empty: runtimes hide kernel files under /proc by
 * binding /dev/null over them (runc maskedPaths: /proc/kcore, /proc/keys,
 * /proc/timer_list, ...): a read returns nothing. Control: the fresh /proc
 * without the bind.
 *
 * proc_sys_read_only_refuses_write_erofs: /proc/sys bound read-only onto
 * itself (runc readonlyPaths) refuses writes with EROFS even to the caller's
 * own namespaced sysctl /proc/sys/kernel/hostname (proc(5); mount(2)
 * MS_REMOUNT|MS_BIND|MS_RDONLY). Run in a new UTS namespace, writing back the
 * name it already has. Control: no read-only bind, where the write succeeds.
 *
 * masked_sys_dir_lists_nothing: directories under /sys are masked with an
 * empty read-only tmpfs (runc maskedPaths: /sys/firmware): a listing shows
 * nothing. Control: the fresh sysfs unmasked.
 */
static enum iso_verdict masking(struct iso_ctx *ctx)
{
	struct mask_arg a = { .what = *(const enum mask *)iso_ctx_arg(ctx),
			      .mask = !iso_ctx_is_control(ctx) };

	return ctr_in_child(ctx, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS, mask_child, &a,
			    iso_ctx_ms(ctx, 8000));
}

#define REQ_USERNS(f, files_)                                               \
	{                                                                   \
		.root = true, .userns_ok = true, .ns = (f), .files = files_ \
	}
#define REQ_ROOT_NS(f, files_, what)                                         \
	{                                                                    \
		.root = true, .ns = (f), .files = files_, .root_for = (what) \
	}

static const struct iso_case cases[] = {
	ISO_CASE(
		pivot_root_detaches_host_root,
		.doc = "after pivot_root and umount2(put_old, MNT_DETACH) nothing of the old root is "
		       "reachable, and a fresh /proc lists only the new root's mounts (pivot_root(2))",
		.timeout_ms = 10000,
		.req = REQ_ROOT_NS(CLONE_NEWNS | CLONE_NEWPID, "/bin/true /usr",
				   "mounts /proc of the host's PID namespace in the new root")),
	ISO_VARIANT(
		chroot_dotdot_escape_stays_in_pivot_root, escape, ISO_ARG(enum escape, ESC_DOTDOT),
		.doc = "the chroot + chdir(\"..\") escape ends in the container's root after pivot_root; "
		       "a plain chroot lets it reach the host (chroot(2))",
		.timeout_ms = 10000, .req = REQ_USERNS(CLONE_NEWNS | CLONE_NEWPID, "/usr")),
	ISO_VARIANT(
		fchdir_escape_stays_in_pivot_root, escape, ISO_ARG(enum escape, ESC_FCHDIR),
		.doc = "the escape through an fd opened outside a chroot and fchdir(2) ends in the "
		       "container's root after pivot_root (chroot(2))",
		.timeout_ms = 10000, .req = REQ_USERNS(CLONE_NEWNS | CLONE_NEWPID, "/usr")),
	ISO_CASE(bind_rdonly_needs_remount,
		 .doc = "MS_RDONLY is ignored with MS_BIND; MS_REMOUNT|MS_BIND|MS_RDONLY makes the bind "
			"refuse writes with EROFS, the source stays writable (mount(2))",
		 .timeout_ms = 10000, .req = REQ_USERNS(0, NULL)),
	ISO_CASE(noexec_refuses_execve_eacces,
		 .doc = "execve of a file on a noexec mount fails with EACCES (execve(2), mount(2))",
		 .timeout_ms = 10000, .req = REQ_USERNS(0, "/bin/true")),
	ISO_CASE(
		nodev_refuses_device_open_eacces,
		.doc = "a device node on a nodev mount cannot be opened: EACCES (mount(2), open(2))",
		.timeout_ms = 10000, .req = REQ_ROOT_NS(0, NULL, "mknod(2) of a device node")),
	ISO_CASE(
		nosuid_ignores_setuid_bit,
		.doc = "a setuid-root binary on a nosuid mount runs with the caller's euid (mount(2) "
		       "MS_NOSUID)",
		.timeout_ms = 10000,
		.req = REQ_ROOT_NS(
			0, "/bin/cat",
			"a setuid-root binary run by uid 65534 (unmapped in a one-uid user namespace)")),
	ISO_VARIANT(
		masked_proc_file_reads_empty, masking, ISO_ARG(enum mask, MASK_PROC_FILE),
		.doc = "a /proc file masked by binding /dev/null over it reads empty (runc maskedPaths)",
		.timeout_ms = 10000,
		.req = REQ_ROOT_NS(
			CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS, NULL,
			"reads /proc files only the initial user namespace's root may read")),
	ISO_VARIANT(
		proc_sys_read_only_refuses_write_erofs, masking, ISO_ARG(enum mask, MASK_PROC_SYS),
		.doc = "a write to /proc/sys/kernel/hostname through a read-only bind of /proc/sys fails "
		       "with EROFS (runc readonlyPaths, proc(5))",
		.timeout_ms = 10000,
		.req = REQ_ROOT_NS(
			CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS, NULL,
			"opening /proc/sys for writing (in a user namespace EACCES comes before EROFS)")),
	ISO_VARIANT(
		masked_sys_dir_lists_nothing, masking, ISO_ARG(enum mask, MASK_SYS_DIR),
		.doc = "a /sys directory masked by a read-only tmpfs lists nothing (runc maskedPaths "
		       "/sys/firmware)",
		.timeout_ms = 10000,
		.req = REQ_ROOT_NS(
			CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS, NULL,
			"mounting sysfs of the host's network namespace (sysfs needs a network namespace the user namespace owns)")),
};

const struct iso_suite iso_suite_rootfs = ISO_SUITE("rootfs", cases);
