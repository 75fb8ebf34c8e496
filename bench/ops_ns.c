// SPDX-License-Identifier: MIT
/*
 * Baselines and namespace operations: clock reads, getpid, unshare(0),
 * fork/vfork; unshare, clone and clone3 per CLONE_NEW* flag and the
 * runtime-typical combinations; setns by namespace fd and by pidfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "bench.h"

/* What a child writes for its parent: when it ran and where. */
struct child_page {
	volatile uint64_t t;
	volatile int cpu;
};

static int page_setup(struct iso_bench_ctx *b, void *arg)
{
	(void)arg;
	b->state = mmap(NULL, sizeof(struct child_page), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b->state == MAP_FAILED) {
		b->state = NULL;
		return -errno;
	}
	return 0;
}

static void page_teardown(struct iso_bench_ctx *b, void *arg)
{
	(void)arg;
	if (b->state)
		munmap(b->state, sizeof(struct child_page));
}

static void count_cross(struct iso_bench_ctx *b, int parent_cpu, int child_cpu)
{
	b->cross_total++;
	b->cross += parent_cpu != child_cpu;
}

/* ---- baselines ---- */

static int empty_op(struct iso_bench_ctx *b, void *arg)
{
	(void)b;
	(void)arg;
	return 0;
}

/* Two clock reads back to back: the resolution floor of every figure. */
static int clock_pair(struct iso_bench_ctx *b, void *arg)
{
	uint64_t t0, t1;

	(void)arg;
	t0 = iso_bench_now();
	t1 = iso_bench_now();
	iso_bench_record(b, 0, (double)(t1 - t0));
	return 0;
}

static int getpid_op(struct iso_bench_ctx *b, void *arg)
{
	(void)b;
	(void)arg;
	return syscall(SYS_getpid) > 0 ? 0 : -EIO;
}

static int unshare0_op(struct iso_bench_ctx *b, void *arg)
{
	(void)b;
	(void)arg;
	return unshare(0) ? -errno : 0;
}

/* fork, the child exits at once, the parent reaps it. Returns 0 or -errno. */
static int fork_op(struct iso_bench_ctx *b, void *arg)
{
	struct child_page *pg = b->state;
	int cpu = sched_getcpu(), st;
	uint64_t t0, t1;
	pid_t pid;

	(void)arg;
	iso_bench_spread(b);
	t0 = iso_bench_now();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		pg->cpu = sched_getcpu();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	t1 = iso_bench_now();
	iso_bench_unspread(b);
	iso_bench_record(b, 0, (double)(t1 - t0));
	count_cross(b, cpu, pg->cpu);
	return 0;
}

static int vfork_op(struct iso_bench_ctx *b, void *arg)
{
	struct child_page *pg = b->state;
	int cpu = sched_getcpu(), st;
	uint64_t t0, t1;
	pid_t pid;

	(void)arg;
	iso_bench_spread(b);
	t0 = iso_bench_now();
	pid = vfork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		pg->cpu = sched_getcpu();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	t1 = iso_bench_now();
	iso_bench_unspread(b);
	iso_bench_record(b, 0, (double)(t1 - t0));
	count_cross(b, cpu, pg->cpu);
	return 0;
}

/* ---- unshare ---- */

/*
 * The warm-up call before a warm measurement: the same unshare, except for two
 * flags that cannot be repeated: a second CLONE_NEWPID is refused (EINVAL)
 * until a child has entered the first, and a second CLONE_NEWUSER (EPERM)
 * until the first has a uid map. Those are left out of the warm-up (uts
 * stands in when nothing else is left).
 */
static unsigned long warmup_flags(unsigned long flags)
{
	unsigned long w = flags & ~(unsigned long)(CLONE_NEWPID | CLONE_NEWUSER);

	return w ? w : CLONE_NEWUTS;
}

struct ns_arg {
	unsigned long flags;
	bool warm;
};

/* Runs in a fresh child (fresh_process). Returns 0 or -errno. */
static int unshare_op(struct iso_bench_ctx *b, void *arg)
{
	const struct ns_arg *a = arg;
	uint64_t t0, t1;

	if (a->warm && unshare(warmup_flags(a->flags)) < 0)
		return -errno;
	t0 = iso_bench_now();
	if (unshare(a->flags) < 0) {
		int e = errno;

		if (e == EINVAL || e == ENOSPC || e == EPERM)
			iso_bench_skip(b, "unshare(%s) refused: %s", iso_bench_flags_name(a->flags),
				       strerror(e));
		return -e;
	}
	t1 = iso_bench_now();
	iso_bench_record(b, 0, (double)(t1 - t0));
	return 0;
}

/* ---- clone / clone3: to the child running, to the child reaped ---- */

static int clone_common(struct iso_bench_ctx *b, const struct ns_arg *a, bool v3)
{
	struct child_page *pg = b->state;
	int cpu = sched_getcpu(), st;
	uint64_t t0, t2;
	pid_t pid;

	pg->t = 0;
	iso_bench_spread(b);
	t0 = iso_bench_now();
	if (v3) {
		struct clone_args ca = { .flags = a->flags, .exit_signal = SIGCHLD };

		pid = (pid_t)iso_bench_clone3(&ca, sizeof(ca));
	} else {
		pid = iso_bench_clone(a->flags);
	}
	if (pid == 0) {
		pg->t = iso_bench_now();
		pg->cpu = sched_getcpu();
		_exit(0);
	}
	if (pid < 0) {
		if (pid == -ENOSYS)
			iso_bench_skip(b, "clone3 is not available (ENOSYS; Linux 5.3+)");
		else if (pid == -EINVAL || pid == -ENOSPC || pid == -EPERM)
			iso_bench_skip(b, "%s(%s) refused: %s", v3 ? "clone3" : "clone",
				       iso_bench_flags_name(a->flags), strerror(-pid));
		return pid;
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	t2 = iso_bench_now();
	iso_bench_unspread(b);
	if (!pg->t)
		return -ECHILD;
	iso_bench_record(b, 0, (double)(pg->t - t0));
	iso_bench_record(b, 1, (double)(t2 - t0));
	count_cross(b, cpu, pg->cpu);
	return 0;
}

static int clone_op_setup(struct iso_bench_ctx *b, void *arg)
{
	const struct ns_arg *a = arg;

	if (a->flags & CLONE_NEWTIME)
		return iso_bench_skip(b, "clone(2) cannot take CLONE_NEWTIME (its bit is "
					 "CSIGNAL's there); clone3 can");
	return page_setup(b, arg);
}

static int clone3_op_setup(struct iso_bench_ctx *b, void *arg)
{
	return page_setup(b, arg);
}

static int clone_op(struct iso_bench_ctx *b, void *arg)
{
	return clone_common(b, arg, false);
}

static int clone3_op(struct iso_bench_ctx *b, void *arg)
{
	return clone_common(b, arg, true);
}

/* ---- setns ---- */

struct setns_arg {
	unsigned long flags;
	bool pidfd; /* setns(pidfd, flags) into all of the holder's namespaces at once */
};

struct holder {
	pid_t pid;
	int fd;
};

static const char *ns_file(unsigned long flag)
{
	switch (flag) {
	case CLONE_NEWPID:
		return "pid_for_children";
	case CLONE_NEWTIME:
		return "time_for_children";
	default:
		return iso_bench_flags_name(flag);
	}
}

/*
 * Starts a process that sits in new namespaces (flags) until killed, and opens
 * either its namespace file or a pidfd. Returns 0 or -errno.
 */
static int setns_setup(struct iso_bench_ctx *b, void *arg)
{
	const struct setns_arg *a = arg;
	struct holder *h = calloc(1, sizeof(*h));
	struct iso_sync ready;
	char path[64];
	int r;

	if (!h)
		return -ENOMEM;
	b->state = h;
	h->fd = -1;
	if (iso_sync_init(&ready) < 0)
		return -errno;
	h->pid = fork();
	if (h->pid < 0)
		return -errno;
	if (h->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(a->flags) < 0)
			_exit(1);
		/* pid and time namespaces are entered by children: make one. */
		if (a->flags & (CLONE_NEWPID | CLONE_NEWTIME)) {
			pid_t c = fork();

			if (c < 0)
				_exit(1);
			if (c == 0) {
				iso_sync_wake(&ready);
				for (;;)
					pause();
			}
			waitpid(c, NULL, 0);
			_exit(0);
		}
		iso_sync_wake(&ready);
		for (;;)
			pause();
	}
	r = iso_sync_wait(&ready, 5000);
	iso_sync_close(&ready);
	if (r < 0)
		return iso_bench_skip(b, "could not create the namespaces to enter (%s)",
				      iso_bench_flags_name(a->flags));
	if (a->pidfd) {
		/* The holder of pid/time namespaces is its child: the pidfd names that one. */
		pid_t target = h->pid;
		char buf[64];

		if (a->flags & (CLONE_NEWPID | CLONE_NEWTIME)) {
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)h->pid,
				 (int)h->pid);
			f = fopen(path, "re");
			if (!f || !fgets(buf, sizeof(buf), f)) {
				if (f)
					fclose(f);
				return -ESRCH;
			}
			fclose(f);
			target = atoi(buf);
		}
		h->fd = iso_pidfd_open(target);
		if (h->fd < 0)
			return iso_bench_skip(b, "pidfd_open: %s (Linux 5.3+)", strerror(-h->fd));
		/* setns(pidfd) exists from 5.8 on: probe it in a throwaway child. */
		{
			pid_t c = fork();
			int st;

			if (c == 0)
				_exit(setns(h->fd, (int)a->flags) < 0 ? errno : 0);
			if (c < 0 || waitpid(c, &st, 0) < 0)
				return -errno;
			if (WEXITSTATUS(st))
				return iso_bench_skip(b, "setns(pidfd, %s): %s (needs Linux 5.8+)",
						      iso_bench_flags_name(a->flags),
						      strerror(WEXITSTATUS(st)));
		}
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)h->pid, ns_file(a->flags));
	h->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (h->fd < 0)
		return iso_bench_skip(b, "open %s: %s", path, strerror(errno));
	return 0;
}

static void setns_teardown(struct iso_bench_ctx *b, void *arg)
{
	struct holder *h = b->state;

	(void)arg;
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	iso_kill_wait(h->pid);
	free(h);
}

/* Runs in a fresh child. Returns 0 or -errno. */
static int setns_op(struct iso_bench_ctx *b, void *arg)
{
	const struct setns_arg *a = arg;
	struct holder *h = b->state;

	return setns(h->fd, a->pidfd ? (int)a->flags : 0) < 0 ? -errno : 0;
}

/* ---- the table ---- */

#define NS_ARGS(name, f)                                                                 \
	static struct ns_arg name##_cold = { .flags = (f), .warm = false };              \
	static struct ns_arg name##_warm = { .flags = (f), .warm = true };               \
	static __attribute__((unused)) struct setns_arg name##_setns = { .flags = (f) }; \
	static __attribute__((unused)) struct setns_arg name##_pidfd = { .flags = (f),   \
									 .pidfd = true }

NS_ARGS(mnt, CLONE_NEWNS);
NS_ARGS(uts, CLONE_NEWUTS);
NS_ARGS(ipc, CLONE_NEWIPC);
NS_ARGS(pid, CLONE_NEWPID);
NS_ARGS(net, CLONE_NEWNET);
NS_ARGS(user, CLONE_NEWUSER);
NS_ARGS(cgroup, CLONE_NEWCGROUP);
NS_ARGS(time, CLONE_NEWTIME);
NS_ARGS(runtime, ISO_NS_RUNTIME);
NS_ARGS(runtime_user, ISO_NS_RUNTIME | CLONE_NEWUSER);
NS_ARGS(runtime_cgroup, ISO_NS_RUNTIME | CLONE_NEWCGROUP);

#define ROOT                                                                                                                      \
	{                                                                                                                         \
		.root = true,                                                                                                     \
		.root_for =                                                                                                       \
			"this namespace type without CLONE_NEWUSER first (the .user and .runtime_user operations run for a user)" \
	}
/* An operation that makes a user namespace first: a user may do it (user_namespaces(7)). */
/*
 * (A warm unshare is the second one, made inside the first: a user's second
 * CLONE_NEWUSER needs its ids mapped in the first, which the operation does not do,
 * so warm stays root's.)
 */
#define ROOT_OR_USER(f)                                                                       \
	{                                                                                     \
		.root = !((f)&CLONE_NEWUSER),                                                 \
		.root_for = "this namespace type without CLONE_NEWUSER first (the .user and " \
			    ".runtime_user operations run for a user)"                        \
	}

#define UNSHARE(name, f, prof)                                                                \
	{ .id = "unshare." #name ".cold",                                                     \
	  .group = "unshare",                                                                 \
	  .op = unshare_op,                                                                   \
	  .arg = &name##_cold,                                                                \
	  .fresh_process = true,                                                              \
	  .self_timed = true,                                                                 \
	  .warmup = 3,                                                                        \
	  .samples = 30,                                                                      \
	  .flags = (f),                                                                       \
	  .phase = "cold",                                                                    \
	  .profiles = (prof),                                                                 \
	  .req = ROOT_OR_USER(f) },                                                           \
	{                                                                                     \
		.id = "unshare." #name ".warm", .group = "unshare", .op = unshare_op,         \
		.arg = &name##_warm, .fresh_process = true, .self_timed = true, .warmup = 3,  \
		.samples = 30, .flags = (f), .phase = "warm", .profiles = (prof), .req = ROOT \
	}

#define CLONE(kind, fn, name, f, prof)                                                \
	{                                                                             \
		.id = #kind "." #name, .group = #kind, .op = fn, .arg = &name##_cold, \
		.setup = fn##_setup, .teardown = page_teardown, .self_timed = true,   \
		.placed = true, .warmup = 3, .samples = 30, .flags = (f),             \
		.metrics = { "to_running", "to_reaped" }, .profiles = (prof),         \
		.req = ROOT_OR_USER(f)                                                \
	}

#define SETNS(name, f, prof)                                                                     \
	{                                                                                        \
		.id = "setns.fd." #name, .group = "setns", .op = setns_op, .arg = &name##_setns, \
		.setup = setns_setup, .teardown = setns_teardown, .fresh_process = true,         \
		.warmup = 3, .samples = 30, .flags = (f), .profiles = (prof), .req = ROOT        \
	}

#define SETNS_PIDFD(name, f)                                                            \
	{                                                                               \
		.id = "setns.pidfd." #name, .group = "setns", .op = setns_op,           \
		.arg = &name##_pidfd, .setup = setns_setup, .teardown = setns_teardown, \
		.fresh_process = true, .warmup = 3, .samples = 30, .flags = (f),        \
		.profiles = ISO_PROF_QF, .req = ROOT                                    \
	}

#define ALL_FLAGS(M, ...)                                                                 \
	M(__VA_ARGS__ mnt, CLONE_NEWNS, ISO_PROF_QF),                                     \
		M(__VA_ARGS__ uts, CLONE_NEWUTS, ISO_PROF_QF),                            \
		M(__VA_ARGS__ ipc, CLONE_NEWIPC, ISO_PROF_QF),                            \
		M(__VA_ARGS__ pid, CLONE_NEWPID, ISO_PROF_ALL),                           \
		M(__VA_ARGS__ net, CLONE_NEWNET, ISO_PROF_ALL),                           \
		M(__VA_ARGS__ user, CLONE_NEWUSER, ISO_PROF_QF),                          \
		M(__VA_ARGS__ cgroup, CLONE_NEWCGROUP, ISO_PROF_QF),                      \
		M(__VA_ARGS__ time, CLONE_NEWTIME, ISO_PROF_QF),                          \
		M(__VA_ARGS__ runtime, ISO_NS_RUNTIME, ISO_PROF_QF),                      \
		M(__VA_ARGS__ runtime_user, ISO_NS_RUNTIME | CLONE_NEWUSER, ISO_PROF_QF), \
		M(__VA_ARGS__ runtime_cgroup, ISO_NS_RUNTIME | CLONE_NEWCGROUP, ISO_PROF_QF)

/* The batch of the cheap baselines; the harness overhead is measured with the same. */
#define CHEAP_BATCH 100

const struct iso_bench iso_bench_baselines[] = {
	{ .id = "harness.overhead",
	  .group = "harness",
	  .op = empty_op,
	  .batch = CHEAP_BATCH,
	  .warmup = 20,
	  .samples = 300,
	  .profiles = ISO_PROF_ALL },
	{ .id = "baseline.clock_pair",
	  .group = "baseline",
	  .op = clock_pair,
	  .self_timed = true,
	  .warmup = 20,
	  .samples = 300,
	  .profiles = ISO_PROF_ALL },
	{ .id = "baseline.getpid",
	  .group = "baseline",
	  .op = getpid_op,
	  .batch = CHEAP_BATCH,
	  .warmup = 20,
	  .samples = 300,
	  .profiles = ISO_PROF_ALL },
	{ .id = "baseline.unshare0",
	  .group = "baseline",
	  .op = unshare0_op,
	  .batch = CHEAP_BATCH,
	  .warmup = 20,
	  .samples = 300,
	  .profiles = ISO_PROF_ALL },
	{ .id = "baseline.fork",
	  .group = "baseline",
	  .op = fork_op,
	  .setup = page_setup,
	  .teardown = page_teardown,
	  .placed = true,
	  .warmup = 10,
	  .samples = 150,
	  .profiles = ISO_PROF_ALL },
	{ .id = "baseline.vfork",
	  .group = "baseline",
	  .op = vfork_op,
	  .setup = page_setup,
	  .teardown = page_teardown,
	  .placed = true,
	  .warmup = 10,
	  .samples = 150,
	  .profiles = ISO_PROF_ALL },
	{ 0 },
};

const struct iso_bench iso_bench_ns[] = {
	ALL_FLAGS(UNSHARE),
	ALL_FLAGS(CLONE, clone, clone_op, ),
	ALL_FLAGS(CLONE, clone3, clone3_op, ),
	SETNS(mnt, CLONE_NEWNS, ISO_PROF_QF),
	SETNS(uts, CLONE_NEWUTS, ISO_PROF_QF),
	SETNS(ipc, CLONE_NEWIPC, ISO_PROF_QF),
	SETNS(pid, CLONE_NEWPID, ISO_PROF_ALL),
	SETNS(net, CLONE_NEWNET, ISO_PROF_ALL),
	SETNS(user, CLONE_NEWUSER, ISO_PROF_QF),
	SETNS(cgroup, CLONE_NEWCGROUP, ISO_PROF_QF),
	SETNS(time, CLONE_NEWTIME, ISO_PROF_QF),
	SETNS_PIDFD(runtime, ISO_NS_RUNTIME),
	SETNS_PIDFD(runtime_user, ISO_NS_RUNTIME | CLONE_NEWUSER),
	SETNS_PIDFD(runtime_cgroup, ISO_NS_RUNTIME | CLONE_NEWCGROUP),
	{ 0 },
};
