// SPDX-License-Identifier: MIT
/*
 * cgroup operations: mkdir/rmdir per v1 controller and on v2; attach by
 * writing cgroup.procs at several inter-arrival gaps; fork + write against
 * clone3(CLONE_INTO_CGROUP); attach as sibling cgroups and threads grow; a
 * concurrency sweep of mkdir/rmdir and attach.
 *
 * Everything is created below the run's bench cgroup (isobench-<tag>-bench,
 * itself below the cgroup isobench started in, and in the run's ledger); each
 * worker makes its own sub-tree w<worker>-<pid> and removes it in teardown.
 * Attach writes the pid to cgroup.procs with open + write + close, as container
 * runtimes do; on v1 it writes to every v1 controller hierarchy (hierarchy
 * "v1") or to one ("v1:memory").
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "bench.h"
#include "cgroup.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

struct cg_state {
	int ndirs;
	char base[ISO_CG_MAX_HIER][ISO_CG_PATH]; /* the worker's sub-tree per hierarchy */
	bool cpuset[ISO_CG_MAX_HIER];
	int nsib;
	pid_t target;
	int a_fd; /* v2 directory of cgroup a (clone3 CLONE_INTO_CGROUP) */
};

/* True if comma-separated list has word. */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* Copies cpuset.cpus/mems from dir `from` (v1 cpusets start empty). Returns 0 or -errno. */
static int cpuset_copy(const char *from, const char *to)
{
	static const char *const f[] = { "cpuset.cpus", "cpuset.mems" };

	for (int i = 0; i < 2; i++) {
		char p[ISO_CG_PATH + 32], v[1024];
		int r;

		snprintf(p, sizeof(p), "%s/%s", from, f[i]);
		if (iso_read_file(p, v, sizeof(v)) < 0)
			return -errno;
		snprintf(p, sizeof(p), "%s/%s", to, f[i]);
		r = iso_write_file(p, "%s", v);
		if (r < 0)
			return r;
	}
	return 0;
}

/* mkdir that also fills a v1 cpuset. Returns 0 or -errno. */
static int cg_mkdir(struct cg_state *s, int i, const char *parent, const char *dir)
{
	if (mkdir(dir, 0755) < 0)
		return -errno;
	return s->cpuset[i] ? cpuset_copy(parent, dir) : 0;
}

/* Picks the hierarchies of the root bench cgroup a benchmark works on. Returns 0 or -errno. */
/* The hierarchy is the descriptor's: "v2", "v1" (every v1 controller hierarchy), "v1:<ctrl>". */
static int pick_dirs(struct iso_bench_ctx *b, struct cg_state *s)
{
	const struct iso_cg *root = b->root;
	const char *hier = b->bench->hierarchy;
	int want = hier[1] == '2' ? 2 : 1;
	const char *ctrl = strchr(hier, ':');

	if (!root)
		return iso_bench_skip(b, "no bench cgroup: needs root and a writable cgroup tree "
					 "below the start cgroup");
	for (int i = 0; i < root->ndirs && s->ndirs < ISO_CG_MAX_HIER; i++) {
		const struct iso_cg_hier *h = &root->layout->hier[root->dir[i].hier];

		if (h->version != want || h->name[0])
			continue;
		if (ctrl && !has_word(h->controllers, ctrl + 1))
			continue;
		s->cpuset[s->ndirs] = want == 1 && has_word(h->controllers, "cpuset");
		snprintf(s->base[s->ndirs], ISO_CG_PATH, "%s/w%d-%d", root->dir[i].path, b->worker,
			 (int)getpid());
		if (cg_mkdir(s, s->ndirs, root->dir[i].path, s->base[s->ndirs]) < 0) {
			int e = errno;

			if (access(root->dir[i].path, F_OK) < 0)
				snprintf(b->reason, sizeof(b->reason),
					 "the run's bench cgroup %s was removed by another process",
					 root->dir[i].path);
			return -e;
		}
		s->ndirs++;
	}
	if (!s->ndirs)
		return iso_bench_skip(b, "%s",
				      want == 2 ? "no cgroup v2 hierarchy here" :
				      ctrl	? "that controller is not on a v1 hierarchy here" :
						  "no v1 controller hierarchy here");
	return 0;
}

static void path_of(char *buf, size_t len, const struct cg_state *s, int i, const char *leaf)
{
	snprintf(buf, len, "%s/%s", s->base[i], leaf);
}

static void cg_teardown(struct iso_bench_ctx *b, void *arg)
{
	struct cg_state *s = b->state;

	(void)arg;
	if (!s)
		return;
	if (s->a_fd > 0)
		close(s->a_fd);
	iso_kill_wait(s->target);
	for (int i = 0; i < s->ndirs; i++)
		iso_cg_dir_remove(s->base[i], 0);
	free(s);
}

/* ---- mkdir / rmdir ---- */

static int mk_setup(struct iso_bench_ctx *b, void *arg)
{
	struct cg_state *s = calloc(1, sizeof(*s));

	(void)arg;
	if (!s)
		return -ENOMEM;
	b->state = s;
	return pick_dirs(b, s);
}

/* Times mkdir and rmdir of one cgroup in the first picked hierarchy. Returns 0 or -errno. */
static int mkdir_rmdir_op(struct iso_bench_ctx *b, void *arg)
{
	struct cg_state *s = b->state;
	char p[ISO_CG_PATH + 8];
	uint64_t t0, t1, t2;

	(void)arg;
	path_of(p, sizeof(p), s, 0, "m");
	t0 = iso_bench_now();
	if (mkdir(p, 0755) < 0)
		return -errno;
	t1 = iso_bench_now();
	if (rmdir(p) < 0)
		return -errno;
	t2 = iso_bench_now();
	iso_bench_record(b, 0, (double)(t1 - t0));
	iso_bench_record(b, 1, (double)(t2 - t1));
	return 0;
}

/* Scaling: mkdir + rmdir, timed together by the harness. Returns 0 or -errno. */
static int mkrm_op(struct iso_bench_ctx *b, void *arg)
{
	struct cg_state *s = b->state;
	char p[ISO_CG_PATH + 8];

	(void)arg;
	path_of(p, sizeof(p), s, 0, "m");
	if (mkdir(p, 0755) < 0)
		return -errno;
	return rmdir(p) < 0 ? -errno : 0;
}

/* ---- attach ---- */

static void *sleeper(void *x)
{
	(void)x;
	for (;;)
		pause();
	return NULL;
}

/* A process with nthreads threads that sleeps until killed. Returns pid or -errno. */
static pid_t spawn_target(int nthreads)
{
	struct iso_sync ready;
	pid_t pid;
	int r;

	if (iso_sync_init(&ready) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (int i = 1; i < nthreads; i++) {
			pthread_t t;
			pthread_attr_t at;

			pthread_attr_init(&at);
			pthread_attr_setstacksize(&at, 64 << 10);
			if (pthread_create(&t, &at, sleeper, NULL))
				_exit(1);
		}
		iso_sync_wake(&ready);
		for (;;)
			pause();
	}
	if (pid < 0) {
		r = -errno;
		iso_sync_close(&ready);
		return r;
	}
	r = iso_sync_wait(&ready, 10000);
	iso_sync_close(&ready);
	if (r < 0) {
		iso_kill_wait(pid);
		return r;
	}
	return pid;
}

/* Writes pid to leaf/cgroup.procs in every picked hierarchy. Returns 0 or -errno. */
static int attach(const struct cg_state *s, const char *leaf, pid_t pid)
{
	char p[ISO_CG_PATH + 64], num[16];
	int n = snprintf(num, sizeof(num), "%d", (int)pid);

	for (int i = 0; i < s->ndirs; i++) {
		int fd, r = 0;

		snprintf(p, sizeof(p), "%s/%s/cgroup.procs", s->base[i], leaf);
		fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (write(fd, num, n) != n)
			r = -errno;
		close(fd);
		if (r < 0)
			return r;
	}
	return 0;
}

static int attach_setup(struct iso_bench_ctx *b, void *arg __attribute__((unused)))
{
	const struct iso_bench *d = b->bench;
	struct cg_state *s = calloc(1, sizeof(*s));
	char p[ISO_CG_PATH + 32];
	int r;

	if (!s)
		return -ENOMEM;
	b->state = s;
	r = pick_dirs(b, s);
	if (r < 0)
		return r;
	for (int i = 0; i < s->ndirs; i++) {
		static const char *const leaves[] = { "a", "b" };

		for (int k = 0; k < 2; k++) {
			path_of(p, sizeof(p), s, i, leaves[k]);
			r = cg_mkdir(s, i, s->base[i], p);
			if (r < 0)
				return r;
		}
		/* a and b count among the siblings: make the rest. */
		for (int k = 2; k < d->siblings; k++) {
			char name[32];

			snprintf(name, sizeof(name), "s%d", k);
			path_of(p, sizeof(p), s, i, name);
			if (mkdir(p, 0755) < 0)
				return -errno;
		}
	}
	s->target = spawn_target(d->threads ? d->threads : 1);
	if (s->target < 0)
		return s->target;
	return attach(s, "a", s->target);
}

/* Moves the target to the other of cgroups a and b. Returns 0 or -errno. */
static int attach_op(struct iso_bench_ctx *b, void *arg)
{
	struct cg_state *s = b->state;

	(void)arg;
	return attach(s, b->iter % 2 ? "a" : "b", s->target);
}

/* ---- fork + write against clone3(CLONE_INTO_CGROUP) ---- */

static int spawn_setup(struct iso_bench_ctx *b, void *arg __attribute__((unused)))
{
	struct cg_state *s = calloc(1, sizeof(*s));
	char p[ISO_CG_PATH + 32];
	int r;

	if (!s)
		return -ENOMEM;
	b->state = s;
	r = pick_dirs(b, s);
	if (r < 0)
		return r;
	path_of(p, sizeof(p), s, 0, "a");
	if (mkdir(p, 0755) < 0)
		return -errno;
	s->a_fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->a_fd < 0)
		return -errno;
	/* Probe CLONE_INTO_CGROUP (Linux 5.7). */
	{
		struct clone_args ca = { .flags = CLONE_INTO_CGROUP,
					 .exit_signal = SIGCHLD,
					 .cgroup = (uint64_t)s->a_fd };
		long pid = iso_bench_clone3(&ca, sizeof(ca));

		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return iso_bench_skip(b, "clone3(CLONE_INTO_CGROUP): %s (Linux 5.7+)",
					      strerror((int)-pid));
		waitpid((pid_t)pid, NULL, 0);
	}
	return 0;
}

/*
 * placed: from the call until the child is in cgroup a (fork + write of
 * cgroup.procs, or clone3 returning); reaped: until the parent has reaped it.
 * The child waits for the parent before it exits. Returns 0 or -errno.
 */
static int spawn_op(struct iso_bench_ctx *b, void *arg)
{
	struct cg_state *s = b->state;
	bool into = !strcmp(b->bench->phase, "clone_into");
	uint64_t t0, t1, t2;
	int p[2], r = 0;
	pid_t pid;
	char x;

	(void)arg;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	t0 = iso_bench_now();
	if (into) {
		struct clone_args ca = { .flags = CLONE_INTO_CGROUP,
					 .exit_signal = SIGCHLD,
					 .cgroup = (uint64_t)s->a_fd };

		pid = (pid_t)iso_bench_clone3(&ca, sizeof(ca));
	} else {
		pid = fork();
		if (pid < 0)
			pid = -errno;
	}
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &x, 1) < 0);
	}
	if (pid > 0 && !into)
		r = attach(s, "a", pid);
	t1 = iso_bench_now();
	close(p[0]);
	close(p[1]);
	if (pid < 0)
		return pid;
	waitpid(pid, NULL, 0);
	t2 = iso_bench_now();
	if (r < 0)
		return r;
	iso_bench_record(b, 0, (double)(t1 - t0));
	iso_bench_record(b, 1, (double)(t2 - t0));
	return 0;
}

/* ---- the table ---- */

/*
 * Root, or (for ops on the v2 hierarchy) a rootless run started in a delegated cgroup
 * v2 subtree: the op's cgroups are made below the session's, and they are the user's.
 */
#define ROOT_OR_DELEG(hier)                                                            \
	{                                                                              \
		.root = true, .deleg_ok = (hier)[0] == 'v' && (hier)[1] == '2',        \
		.root_for = "cgroup v1 hierarchies below the start cgroup (only a v2 " \
			    "subtree can be delegated to a user)"                      \
	}
#define MK(name, hier, prof)                                                                 \
	{                                                                                    \
		.id = "cgroup." name, .group = "cgroup_mkdir", .op = mkdir_rmdir_op,         \
		.setup = mk_setup, .teardown = cg_teardown, .self_timed = true, .warmup = 3, \
		.samples = 40, .hierarchy = (hier), .metrics = { "mkdir", "rmdir" },         \
		.profiles = (prof), .req = ROOT_OR_DELEG(hier)                               \
	}
#define GAP(h, hier, g, n, prof)                                                              \
	{                                                                                     \
		.id = "cgroup.attach." h ".gap" #g "ms", .group = "cgroup_attach",            \
		.op = attach_op, .setup = attach_setup, .teardown = cg_teardown, .warmup = 2, \
		.samples = (n), .gap_ms = (g), .hierarchy = (hier), .profiles = (prof),       \
		.req = ROOT_OR_DELEG(hier)                                                    \
	}
#define SIB(h, hier, n, prof)                                                                 \
	{                                                                                     \
		.id = "cgroup.attach." h ".siblings" #n, .group = "cgroup_attach",            \
		.op = attach_op, .setup = attach_setup, .teardown = cg_teardown, .warmup = 3, \
		.samples = 60, .siblings = (n), .hierarchy = (hier), .profiles = (prof),      \
		.req = ROOT_OR_DELEG(hier)                                                    \
	}
#define THR(h, hier, n, prof)                                                                      \
	{                                                                                          \
		.id = "cgroup.attach." h ".threads" #n, .group = "cgroup_attach", .op = attach_op, \
		.setup = attach_setup, .teardown = cg_teardown, .warmup = 3, .samples = 60,        \
		.threads = (n), .hierarchy = (hier), .profiles = (prof),                           \
		.req = ROOT_OR_DELEG(hier)                                                         \
	}
#define SCALE_MK(c)                                                                              \
	{                                                                                        \
		.id = "scale.cgroup_mkdir_rmdir.v2.c" #c, .group = "cgroup_scaling",             \
		.op = mkrm_op, .setup = mk_setup, .teardown = cg_teardown, .warmup = 3,          \
		.samples = 300, .concurrency = (c), .hierarchy = "v2",                           \
		.profiles = ((c) <= 4 ? ISO_PROF_QF : ISO_PROF_FULL), .req = ROOT_OR_DELEG("v2") \
	}
#define SCALE_AT(h, hier, c)                                                                     \
	{                                                                                        \
		.id = "scale.cgroup_attach." h ".c" #c, .group = "cgroup_scaling",               \
		.op = attach_op, .setup = attach_setup, .teardown = cg_teardown, .warmup = 3,    \
		.samples = 300, .concurrency = (c), .hierarchy = (hier),                         \
		.profiles = ((c) <= 4 ? ISO_PROF_QF : ISO_PROF_FULL), .req = ROOT_OR_DELEG(hier) \
	}
#define SWEEP(M, ...)                                                                             \
	M(__VA_ARGS__ 1), M(__VA_ARGS__ 2), M(__VA_ARGS__ 3), M(__VA_ARGS__ 4), M(__VA_ARGS__ 6), \
		M(__VA_ARGS__ 8), M(__VA_ARGS__ 12), M(__VA_ARGS__ 16), M(__VA_ARGS__ 24),        \
		M(__VA_ARGS__ 32), M(__VA_ARGS__ 48), M(__VA_ARGS__ 64)

const struct iso_bench iso_bench_cg[] = {
	MK("mkdir_rmdir.v2", "v2", ISO_PROF_ALL),
	MK("mkdir_rmdir.v1.cpu", "v1:cpu", ISO_PROF_QF),
	MK("mkdir_rmdir.v1.cpuset", "v1:cpuset", ISO_PROF_QF),
	MK("mkdir_rmdir.v1.memory", "v1:memory", ISO_PROF_QF),
	MK("mkdir_rmdir.v1.pids", "v1:pids", ISO_PROF_QF),
	MK("mkdir_rmdir.v1.freezer", "v1:freezer", ISO_PROF_QF),
	MK("mkdir_rmdir.v1.blkio", "v1:blkio", ISO_PROF_QF),
	MK("mkdir_rmdir.v1.devices", "v1:devices", ISO_PROF_QF),
	GAP("v2", "v2", 0, 60, ISO_PROF_ALL),
	GAP("v2", "v2", 1, 40, ISO_PROF_QF),
	GAP("v2", "v2", 20, 30, ISO_PROF_QF),
	GAP("v2", "v2", 100, 15, ISO_PROF_QF),
	GAP("v1", "v1", 0, 60, ISO_PROF_QF),
	GAP("v1", "v1", 1, 40, ISO_PROF_QF),
	GAP("v1", "v1", 20, 30, ISO_PROF_QF),
	GAP("v1", "v1", 100, 15, ISO_PROF_QF),
	{ .id = "cgroup.spawn.fork_write.v2",
	  .group = "cgroup_spawn",
	  .op = spawn_op,
	  .setup = spawn_setup,
	  .teardown = cg_teardown,
	  .self_timed = true,
	  .warmup = 3,
	  .samples = 40,
	  .hierarchy = "v2",
	  .phase = "fork_write",
	  .metrics = { "placed", "reaped" },
	  .req = ROOT_OR_DELEG("v2") },
	{ .id = "cgroup.spawn.clone_into.v2",
	  .group = "cgroup_spawn",
	  .op = spawn_op,
	  .setup = spawn_setup,
	  .teardown = cg_teardown,
	  .self_timed = true,
	  .warmup = 3,
	  .samples = 40,
	  .hierarchy = "v2",
	  .phase = "clone_into",
	  .metrics = { "placed", "reaped" },
	  .req = ROOT_OR_DELEG("v2") },
	SIB("v2", "v2", 1, ISO_PROF_QF),
	SIB("v2", "v2", 10, ISO_PROF_QF),
	SIB("v2", "v2", 100, ISO_PROF_QF),
	SIB("v2", "v2", 1000, ISO_PROF_FULL),
	SIB("v2", "v2", 10000, ISO_PROF_FULL),
	SIB("v1_memory", "v1:memory", 1, ISO_PROF_QF),
	SIB("v1_memory", "v1:memory", 10, ISO_PROF_QF),
	SIB("v1_memory", "v1:memory", 100, ISO_PROF_QF),
	SIB("v1_memory", "v1:memory", 1000, ISO_PROF_FULL),
	SIB("v1_memory", "v1:memory", 10000, ISO_PROF_FULL),
	THR("v2", "v2", 1, ISO_PROF_QF),
	THR("v2", "v2", 4, ISO_PROF_QF),
	THR("v2", "v2", 16, ISO_PROF_QF),
	THR("v2", "v2", 64, ISO_PROF_QF),
	THR("v2", "v2", 256, ISO_PROF_FULL),
	THR("v1", "v1", 1, ISO_PROF_QF),
	THR("v1", "v1", 4, ISO_PROF_QF),
	THR("v1", "v1", 16, ISO_PROF_QF),
	THR("v1", "v1", 64, ISO_PROF_QF),
	THR("v1", "v1", 256, ISO_PROF_FULL),
	SWEEP(SCALE_MK),
	SWEEP(SCALE_AT, "v2", "v2", ),
	SWEEP(SCALE_AT, "v1", "v1", ),
	{ 0 },
};
