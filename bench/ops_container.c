// SPDX-License-Identifier: MIT
/*
 * Container building blocks and a whole container start: overlay mount time
 * against the number of lower layers, copy-up latency against file size,
 * pivot_root, and a container start broken down by step.
 *
 * Every worker first moves into a private mount namespace of its own and
 * mounts a scratch tmpfs there (over /tmp, or /mnt or /run where /tmp is
 * missing): no mount of a benchmark is visible outside the worker, and all of
 * them go with it. The start composite attaches to a cgroup of the worker's
 * own below the run's bench cgroup (removed in teardown).
 *
 * container.start: clone(CLONE_NEWNS|NEWUTS|NEWIPC|NEWPID|NEWNET) as a
 * runtime does, then in the child: write "0" to cgroup.procs of every
 * hierarchy (cgroup_attach), mount an overlay root (lower = a small image
 * skeleton, a fresh upper per start), bind the host's /usr read-only into it
 * and mount /proc (rootfs), pivot_root into it and detach the old root
 * (pivot_root), drop every capability outside Docker's default set from the
 * bounding, permitted, effective and inheritable sets (drop_caps), execve
 * /bin/true in the new root until the parent has reaped it (exec). Each step
 * is timed with CLOCK_MONOTONIC in the process doing it; total is the parent's
 * clock from before clone to after waitpid.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "bench.h"
#include "cgroup.h"
#include "fsutil.h"

#define OVL_MISSING "overlay filesystem not available (modprobe overlay; CONFIG_OVERLAY_FS)"
#define MAX_LOWERS 64

/* Docker's default capability set: what a container keeps. */
static const int keep_caps[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	CAP_KILL,    CAP_AUDIT_WRITE
};

/* What a container child reports before it execs. */
struct start_page {
	volatile uint64_t t[6]; /* t[1] running .. t[5] before execve */
	volatile int err; /* errno of the step that failed */
	volatile int step; /* which step */
};

static const char *const step_names[] = { "clone",	"clone",     "cgroup_attach", "rootfs",
					  "pivot_root", "drop_caps", "exec" };

struct cstate {
	char base[32]; /* the scratch tmpfs */
	char merged[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], file[PATH_MAX];
	char opts[MAX_LOWERS * 24 + 3 * PATH_MAX];
	size_t size; /* copy-up: the lower file's size */
	unsigned long seq;
	/* container.start */
	struct start_page *pg;
	struct iso_cg *cg;
	int nprocs;
	char procs[ISO_CG_MAX_HIER][ISO_CG_PATH + 16];
	char binds[8][8]; /* top-level host directories bound into the root */
	int nbinds;
	uint64_t keep;
	int cap_last;
};

/* ---- setup helpers ---- */

/* Private mount namespace and a scratch tmpfs for this worker. Returns 0 or -errno. */
static int scratch(struct iso_bench_ctx *b, struct cstate *s)
{
	static const char *const where[] = { "/tmp", "/mnt", "/run" };

	if (unshare(CLONE_NEWNS) < 0)
		return iso_bench_skip(b, "unshare(CLONE_NEWNS): %s", strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	for (size_t i = 0; i < ISO_ARRAY_SIZE(where); i++)
		if (mount("tmpfs", where[i], "tmpfs", 0, "size=256m,mode=0755") == 0) {
			snprintf(s->base, sizeof(s->base), "%s", where[i]);
			return 0;
		}
	return iso_bench_skip(b, "no directory to mount a scratch tmpfs on (/tmp, /mnt, /run)");
}

/* Writes size bytes to path. Returns 0 or -errno. */
static int fill(const char *path, size_t size)
{
	static const char chunk[4096] = { 'x' };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < size;) {
		size_t n = size - off < sizeof(chunk) ? size - off : sizeof(chunk);
		ssize_t w = write(fd, chunk, n);

		if (w <= 0) {
			int e = w < 0 ? -errno : -EIO;

			close(fd);
			return e;
		}
		off += (size_t)w;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* Mounts and unmounts the overlay once to see that it works. Returns 0 or -errno. */
static int probe_overlay(struct iso_bench_ctx *b, struct cstate *s)
{
	if (mount("overlay", s->merged, "overlay", 0, s->opts) < 0) {
		if (errno == ENODEV)
			return iso_bench_skip(b, OVL_MISSING);
		snprintf(b->reason, sizeof(b->reason), "mount overlay");
		return -errno;
	}
	return umount2(s->merged, 0) < 0 ? -errno : 0;
}

static void c_teardown(struct iso_bench_ctx *b, void *arg)
{
	struct cstate *s = b->state;

	(void)arg;
	if (!s)
		return;
	if (s->pg)
		munmap(s->pg, sizeof(*s->pg));
	if (s->cg)
		iso_cg_destroy(s->cg);
	free(s);
	b->state = NULL;
}

static struct cstate *c_alloc(struct iso_bench_ctx *b)
{
	struct cstate *s = calloc(1, sizeof(*s));

	b->state = s;
	return s;
}

/* ---- overlay mount against the number of lower layers ---- */

static int lowers_setup(struct iso_bench_ctx *b, void *arg)
{
	static const char *const dirs[] = { "upper", "work", "merged" };
	int n = *(int *)arg, r;
	struct cstate *s = c_alloc(b);
	size_t off;
	char p[PATH_MAX];

	if (!s)
		return -ENOMEM;
	if ((r = scratch(b, s)) < 0 || (r = iso_fs_mkdirs(s->base, dirs, ISO_ARRAY_SIZE(dirs))) < 0)
		return r;
	iso_fs_path(s->merged, s->base, "merged");
	off = (size_t)snprintf(s->opts, sizeof(s->opts), "lowerdir=");
	for (int i = 0; i < n; i++) {
		char name[16];

		/* Each layer: a file of its own and one every layer has. */
		snprintf(name, sizeof(name), "l%d", i);
		if (mkdir(iso_fs_path(p, s->base, name), 0755) < 0)
			return -errno;
		snprintf(name, sizeof(name), "l%d/f%d", i, i);
		if ((r = fill(iso_fs_path(p, s->base, name), 16)) < 0)
			return r;
		snprintf(name, sizeof(name), "l%d/common", i);
		if ((r = fill(iso_fs_path(p, s->base, name), 16)) < 0)
			return r;
		off += (size_t)snprintf(s->opts + off, sizeof(s->opts) - off, "%s%s/l%d",
					i ? ":" : "", s->base, i);
	}
	snprintf(s->opts + off, sizeof(s->opts) - off, ",upperdir=%s/upper,workdir=%s/work",
		 s->base, s->base);
	return probe_overlay(b, s);
}

/* Times mount(2) of the overlay; unmounts it outside the timing. Returns 0 or -errno. */
static int lowers_op(struct iso_bench_ctx *b, void *arg)
{
	struct cstate *s = b->state;
	uint64_t t0, t1;
	int r;

	(void)arg;
	t0 = iso_bench_now();
	r = mount("overlay", s->merged, "overlay", 0, s->opts);
	t1 = iso_bench_now();
	if (r < 0)
		return -errno;
	if (umount2(s->merged, 0) < 0)
		return -errno;
	iso_bench_record(b, 0, (double)(t1 - t0));
	return 0;
}

/* ---- copy-up latency against file size ---- */

static int copyup_setup(struct iso_bench_ctx *b, void *arg)
{
	static const char *const dirs[] = { "lower", "upper", "work", "merged" };
	struct cstate *s = c_alloc(b);
	char p[PATH_MAX];
	int r;

	if (!s)
		return -ENOMEM;
	s->size = *(size_t *)arg;
	if ((r = scratch(b, s)) < 0 || (r = iso_fs_mkdirs(s->base, dirs, ISO_ARRAY_SIZE(dirs))) < 0)
		return r;
	if ((r = fill(iso_fs_path(p, s->base, "lower/f"), s->size)) < 0)
		return r;
	iso_fs_path(s->merged, s->base, "merged");
	iso_fs_path(s->upper, s->base, "upper/f");
	iso_fs_path(s->file, s->merged, "f");
	snprintf(s->opts, sizeof(s->opts), "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work",
		 s->base, s->base, s->base);
	return probe_overlay(b, s);
}

/*
 * Mounts a fresh overlay (untimed), times open(O_WRONLY) of the lower file,
 * which copies it up whole, then checks the copy, unmounts and removes it.
 * Returns 0 or -errno.
 */
static int copyup_op(struct iso_bench_ctx *b, void *arg)
{
	struct cstate *s = b->state;
	struct stat st;
	uint64_t t0, t1;
	int fd, r = 0;

	(void)arg;
	if (mount("overlay", s->merged, "overlay", 0, s->opts) < 0)
		return -errno;
	t0 = iso_bench_now();
	fd = open(s->file, O_WRONLY | O_CLOEXEC);
	t1 = iso_bench_now();
	if (fd < 0)
		r = -errno;
	else
		close(fd);
	if (!r && (stat(s->upper, &st) < 0 || (size_t)st.st_size != s->size)) {
		snprintf(b->reason, sizeof(b->reason), "no full copy in the upper layer");
		r = -EIO;
	}
	if (umount2(s->merged, 0) < 0 && !r)
		r = -errno;
	if (unlink(s->upper) < 0 && !r)
		r = -errno;
	if (r < 0)
		return r;
	iso_bench_record(b, 0, (double)(t1 - t0));
	return 0;
}

/* ---- pivot_root ---- */

static int pivot_setup(struct iso_bench_ctx *b, void *arg)
{
	struct cstate *s = c_alloc(b);
	char p[PATH_MAX];
	int r;

	(void)arg;
	if (!s)
		return -ENOMEM;
	if ((r = scratch(b, s)) < 0)
		return r;
	iso_fs_path(s->merged, s->base, "newroot");
	if ((r = iso_fs_tmpfs(s->merged, 0, "size=1m")) < 0)
		return r;
	if (mkdir(iso_fs_path(p, s->merged, "old"), 0755) < 0)
		return -errno;
	return 0;
}

/*
 * In a fresh child: unshare(CLONE_NEWNS) (untimed), then pivot_root(".",
 * "old") into a tmpfs and umount2("old", MNT_DETACH) of the old root, which
 * takes the copy of every mount with it. Returns 0 or -errno.
 */
static int pivot_op(struct iso_bench_ctx *b, void *arg)
{
	struct cstate *s = b->state;
	uint64_t t0, t1, t2;
	int r;

	(void)arg;
	if (unshare(CLONE_NEWNS) < 0 || chdir(s->merged) < 0)
		return -errno;
	t0 = iso_bench_now();
	if ((r = iso_fs_pivot_root(".", "old")) < 0)
		return r;
	t1 = iso_bench_now();
	if (umount2("old", MNT_DETACH) < 0)
		return -errno;
	t2 = iso_bench_now();
	iso_bench_record(b, 0, (double)(t1 - t0));
	iso_bench_record(b, 1, (double)(t2 - t1));
	return 0;
}

/* ---- container start ---- */

/* The image: an empty root skeleton with the host's top-level links. Returns 0 or -errno. */
static int image_setup(struct cstate *s, const char *img)
{
	static const char *const empty[] = { "proc", "dev", "tmp", "etc", "oldroot", "usr" };
	static const char *const tops[] = { "bin", "sbin", "lib", "lib64", "lib32", "libx32" };
	int r = iso_fs_mkdirs(img, empty, ISO_ARRAY_SIZE(empty));

	if (r < 0)
		return r;
	snprintf(s->binds[s->nbinds++], sizeof(s->binds[0]), "usr");
	for (size_t i = 0; i < ISO_ARRAY_SIZE(tops); i++) {
		r = iso_fs_mirror_host(img, tops[i]);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (r == 1 && s->nbinds < (int)ISO_ARRAY_SIZE(s->binds))
			snprintf(s->binds[s->nbinds++], sizeof(s->binds[0]), "%s", tops[i]);
	}
	return 0;
}

static int start_setup(struct iso_bench_ctx *b, void *arg)
{
	static const char *const dirs[] = { "img", "upper", "work", "merged" };
	struct cstate *s = c_alloc(b);
	char p[PATH_MAX], name[64];
	int r;

	(void)arg;
	if (!s)
		return -ENOMEM;
	if (!b->root)
		return iso_bench_skip(b, "no bench cgroup to attach to: needs root and a writable "
					 "cgroup tree below the start cgroup");
	if ((r = scratch(b, s)) < 0 || (r = iso_fs_mkdirs(s->base, dirs, ISO_ARRAY_SIZE(dirs))) < 0)
		return r;
	if ((r = image_setup(s, iso_fs_path(p, s->base, "img"))) < 0)
		return r;
	iso_fs_path(s->merged, s->base, "merged");
	snprintf(s->opts, sizeof(s->opts), "lowerdir=%s/img,upperdir=%s/upper,workdir=%s/work",
		 s->base, s->base, s->base);
	if ((r = probe_overlay(b, s)) < 0)
		return r;
	snprintf(name, sizeof(name), "ctr-w%d-%d", b->worker, (int)getpid());
	r = iso_cg_create(b->layout, b->root, name, NULL, &s->cg);
	if (r < 0) {
		snprintf(b->reason, sizeof(b->reason), "create the container cgroup");
		return r;
	}
	for (int i = 0; i < s->cg->ndirs; i++)
		snprintf(s->procs[s->nprocs++], sizeof(s->procs[0]), "%s/cgroup.procs",
			 s->cg->dir[i].path);
	for (size_t i = 0; i < ISO_ARRAY_SIZE(keep_caps); i++)
		s->keep |= 1ULL << keep_caps[i];
	{
		int64_t last;

		s->cap_last = iso_read_i64("/proc/sys/kernel/cap_last_cap", &last) == 0 &&
					      last > 0 && last < 64 ?
				      (int)last :
				      40;
	}
	s->pg = mmap(NULL, sizeof(*s->pg), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		     0);
	if (s->pg == MAP_FAILED) {
		s->pg = NULL;
		return -errno;
	}
	return 0;
}

static void __attribute__((noreturn)) child_fail(struct start_page *pg, int step)
{
	pg->err = errno ? errno : EIO;
	pg->step = step;
	_exit(1);
}

/* Each step in the order a runtime takes them; never returns. */
static void __attribute__((noreturn)) container_child(struct cstate *s)
{
	static char *const argv[] = { "/bin/true", NULL };
	static char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
	struct start_page *pg = s->pg;
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)s->keep, (uint32_t)s->keep, 0 },
		{ (uint32_t)(s->keep >> 32), (uint32_t)(s->keep >> 32), 0 },
	};
	char p[PATH_MAX], src[16];

	pg->t[1] = iso_bench_now();
	/* cgroup_attach: "0" is the writer itself (also in a new PID namespace). */
	for (int i = 0; i < s->nprocs; i++) {
		int fd = open(s->procs[i], O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "0", 1) != 1)
			child_fail(pg, 2);
		close(fd);
	}
	pg->t[2] = iso_bench_now();
	/* rootfs */
	if (mount("overlay", s->merged, "overlay", 0, s->opts) < 0)
		child_fail(pg, 3);
	for (int i = 0; i < s->nbinds; i++) {
		snprintf(src, sizeof(src), "/%s", s->binds[i]);
		iso_fs_path(p, s->merged, s->binds[i]);
		if (iso_fs_bind_ro(src, p) < 0)
			child_fail(pg, 3);
	}
	if (mount("proc", iso_fs_path(p, s->merged, "proc"), "proc",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		child_fail(pg, 3);
	pg->t[3] = iso_bench_now();
	/* pivot_root */
	if (chdir(s->merged) < 0 || iso_fs_pivot_root(".", "oldroot") < 0 || chdir("/") < 0 ||
	    umount2("/oldroot", MNT_DETACH) < 0)
		child_fail(pg, 4);
	pg->t[4] = iso_bench_now();
	/* drop_caps */
	for (int c = 0; c <= s->cap_last; c++)
		if (!(s->keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			child_fail(pg, 5);
	if (syscall(SYS_capset, &h, d) < 0)
		child_fail(pg, 5);
	pg->t[5] = iso_bench_now();
	execve(argv[0], argv, envp);
	child_fail(pg, 6);
}

/* One container start; the parent times total. Returns 0 or -errno. */
static int start_op(struct iso_bench_ctx *b, void *arg)
{
	struct cstate *s = b->state;
	struct start_page *pg = s->pg;
	char upper[64], work[64];
	uint64_t t0, t6;
	int st;
	pid_t pid;

	(void)arg;
	/* A fresh upper layer per container, made beforehand as a snapshotter would. */
	s->seq++;
	snprintf(upper, sizeof(upper), "%s/u%lu", s->base, s->seq);
	snprintf(work, sizeof(work), "%s/w%lu", s->base, s->seq);
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0)
		return -errno;
	snprintf(s->opts, sizeof(s->opts), "lowerdir=%s/img,upperdir=%s,workdir=%s", s->base, upper,
		 work);
	memset((void *)pg, 0, sizeof(*pg));
	t0 = iso_bench_now();
	pid = iso_bench_clone(ISO_NS_RUNTIME);
	if (pid == 0)
		container_child(s);
	if (pid < 0) {
		if (pid == -EPERM || pid == -EINVAL || pid == -ENOSPC)
			iso_bench_skip(b, "clone(runtime namespaces) refused: %s", strerror(-pid));
		return pid;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	t6 = iso_bench_now();
	if (pg->err) {
		snprintf(b->reason, sizeof(b->reason), "container step %s",
			 step_names[pg->step < 7 ? pg->step : 0]);
		return -pg->err;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(b->reason, sizeof(b->reason), "/bin/true in the container: status 0x%x",
			 st);
		return -ECHILD;
	}
	for (int k = 1; k <= 5; k++)
		iso_bench_record(b, (unsigned int)k - 1,
				 (double)(pg->t[k] - (k == 1 ? t0 : pg->t[k - 1])));
	iso_bench_record(b, 5, (double)(t6 - pg->t[5]));
	iso_bench_record(b, 6, (double)(t6 - t0));
	return 0;
}

/* ---- the table ---- */

static int lowers_n[] = { 1, 2, 4, 8, 16, 32, 64 };
static size_t copy_sizes[] = { 4096, 65536, 1 << 20, 16 << 20 };

#define ROOT                                                                                      \
	{                                                                                         \
		.root = true, .root_for = "mounts and pivot_root from the host's mount namespace" \
	}

#define LOWERS(i, name)                                                                 \
	{                                                                               \
		.id = "container.overlay_mount.lowers" #name, .group = "overlay_mount", \
		.op = lowers_op, .arg = &lowers_n[i], .setup = lowers_setup,            \
		.teardown = c_teardown, .self_timed = true, .warmup = 5, .samples = 40, \
		.profiles = ISO_PROF_QF, .req = ROOT                                    \
	}

#define COPYUP(i, name)                                                                  \
	{                                                                                \
		.id = "container.copy_up." #name, .group = "copy_up", .op = copyup_op,   \
		.arg = &copy_sizes[i], .setup = copyup_setup, .teardown = c_teardown,    \
		.self_timed = true, .warmup = 3, .samples = 30, .profiles = ISO_PROF_QF, \
		.req = ROOT                                                              \
	}

const struct iso_bench iso_bench_container[] = {
	LOWERS(0, 1),
	LOWERS(1, 2),
	LOWERS(2, 4),
	LOWERS(3, 8),
	LOWERS(4, 16),
	LOWERS(5, 32),
	LOWERS(6, 64),
	COPYUP(0, 4k),
	COPYUP(1, 64k),
	COPYUP(2, 1m),
	COPYUP(3, 16m),
	{ .id = "container.pivot_root",
	  .group = "pivot_root",
	  .op = pivot_op,
	  .setup = pivot_setup,
	  .teardown = c_teardown,
	  .fresh_process = true,
	  .self_timed = true,
	  .warmup = 5,
	  .samples = 40,
	  .metrics = { "call", "detach_old" },
	  .flags = CLONE_NEWNS,
	  .profiles = ISO_PROF_QF,
	  .req = ROOT },
	{ .id = "container.start",
	  .group = "container_start",
	  .op = start_op,
	  .setup = start_setup,
	  .teardown = c_teardown,
	  .self_timed = true,
	  .warmup = 3,
	  .samples = 40,
	  .metrics = { "step.clone", "step.cgroup_attach", "step.rootfs", "step.pivot_root",
		       "step.drop_caps", "step.exec", "total" },
	  .flags = ISO_NS_RUNTIME,
	  .profiles = ISO_PROF_QF,
	  .req = ROOT },
	{ 0 },
};
