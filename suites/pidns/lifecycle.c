// SPDX-License-Identifier: MIT
/* Life and death of a PID namespace: orphans, init's exit, unshare(CLONE_NEWPID). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidns.h"

/* Waits for every child of the caller (EINTR restarts). */
static void wait_children(void)
{
	for (;;) {
		pid_t r = waitpid(-1, NULL, __WALL);

		if (r < 0 && errno != EINTR)
			return;
	}
}

/* ---- orphans ---- */

struct orphan_rep {
	int init_pid; /* init's getpid() */
	int parent_pid; /* the orphan's first parent, as the orphan saw it */
	int new_ppid; /* getppid() after that parent exited */
};

struct orphan_arg {
	struct pidns_chan *ch;
	const struct iso_ctx *ctx; /* the case's, for B's waits */
};

/* init -> A -> B; A exits; B reports whom it was reparented to. */
static int orphan_init(void *p)
{
	struct orphan_arg *oa = p;
	struct pidns_chan *ch = oa->ch;
	struct orphan_rep r = { getpid(), 0, 0 };
	pid_t a;

	pidns_chan_child(ch);
	a = fork();
	if (a == 0) {
		pid_t b;

		r.parent_pid = getpid();
		b = fork();
		if (b == 0) {
			uint64_t deadline = iso_now_ms() + iso_ctx_ms(oa->ctx, 3000);

			while (getppid() == r.parent_pid && iso_now_ms() < deadline)
				iso_sleep_ms(iso_ctx_ms(oa->ctx, 1));
			r.new_ppid = getppid();
			_exit(pidns_send(ch->rep[1], &r, sizeof(r)) < 0);
		}
		_exit(b < 0);
	}
	if (a < 0)
		return 1;
	/* Reaps A, then B if it came to us; returns once we have no child left. */
	wait_children();
	return 0;
}

/*
 * A process orphaned in a PID namespace is reparented to that namespace's init, even when a process
 * outside (the case) is a child subreaper: the reaper search stops at the namespace
 * (pid_namespaces(7), "The namespace init process", "Adoption of orphaned children"). Control: no
 * CLONE_NEWPID, the orphan goes to the case (subreaper), not to the stand-in for init.
 */
static enum iso_verdict orphan_reparented_to_namespace_init(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx; /* without CLONE_NEWPID the orphan comes to us */
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct orphan_arg a = { &ch, ctx };
	struct orphan_rep r;
	int e = pidns_spawn_report(ctx, pidns_flags(ctx), orphan_init, &a, &ch, &r, sizeof(r));

	if (e < 0)
		return iso_broken(ctx, e, "clone an init whose grandchild is orphaned");
	iso_note(ctx, "init_pid", "%d", r.init_pid);
	iso_note(ctx, "orphan_first_parent", "%d", r.parent_pid);
	iso_note(ctx, "orphan_new_parent", "%d", r.new_ppid);
	if (r.new_ppid == r.parent_pid)
		return iso_broken(ctx, -ETIMEDOUT, "the orphan's parent did not exit");
	if (r.new_ppid != r.init_pid)
		return iso_fail(ctx, "the orphan was reparented to pid %d, not to init (pid %d)",
				r.new_ppid, r.init_pid);
	return ISO_PASS;
}

/* ---- init's exit kills the namespace ---- */

struct exit_arg {
	struct pidns_chan *ch;
	int life[2]; /* the write end lives only in init's child */
};

static int init_then_exit(void *p)
{
	struct exit_arg *a = p;
	int keep[] = { a->ch->cmd[0], a->ch->rep[1], a->life[1] };
	pid_t c;

	pidns_keep_fds(keep, ISO_ARRAY_SIZE(keep));
	c = fork();
	if (c == 0) {
		pidns_keep_fds(&a->life[1], 1);
		for (;;)
			pause();
	}
	close(a->life[1]);
	if (c < 0 || pidns_send(a->ch->rep[1], &c, sizeof(c)) < 0)
		return 1;
	pidns_wait_cmd(a->ch->cmd[0]);
	return 0;
}

/*
 * When the init of a PID namespace terminates, the kernel kills every other process of the
 * namespace with SIGKILL (pid_namespaces(7), "The namespace init process"). Init's child holds the
 * only write end of a pipe; the pipe reports EOF once that child is gone. Control: no CLONE_NEWPID,
 * the child outlives its parent.
 */
static enum iso_verdict init_exit_kills_namespace(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct exit_arg a = { &ch, { -1, -1 } };
	_cleanup_close_ int life_rd = -1, life_wr = -1;
	_cleanup_pid_ pid_t init = -1;
	struct pollfd p;
	pid_t c_inside, c_host;
	char st[64];
	int e, status;

	if (pipe2(a.life, O_CLOEXEC) < 0)
		return iso_broken(ctx, -errno, "set up the case");
	life_rd = a.life[0];
	life_wr = a.life[1];
	init = pidns_start(ctx, pidns_flags(ctx), init_then_exit, &a, &ch, &c_inside,
			   sizeof(c_inside));
	close(life_wr);
	life_wr = -1;
	if (init < 0)
		return iso_broken(ctx, init, "clone an init with a child and read its report");
	c_host = pidns_find_child(init);
	if (c_host < 0)
		return iso_broken(ctx, c_host, "find init's child in /proc");
	pidns_chan_close(&ch);
	if ((e = pidns_wait_or_kill(ctx, init, &status, iso_ctx_ms(ctx, 3000))) < 0)
		return iso_broken(ctx, e, "wait for init to exit");
	init = -1;
	iso_note(ctx, "init", "%s", pidns_status_str(status, st, sizeof(st)));
	iso_note(ctx, "child_pid", "%d (outside %d)", (int)c_inside, (int)c_host);
	p = (struct pollfd){ .fd = life_rd, .events = POLLIN };
	e = poll(&p, 1, (int)iso_ctx_ms(ctx, 500));
	if (e <= 0) {
		/* It is our child now (subreaper): no pid reuse before we reap it. */
		kill(c_host, SIGKILL);
		pidns_reap_all(ctx);
		return iso_fail(ctx, "init's child (pid %d) still ran %u ms after init exited",
				(int)c_host, iso_ctx_ms(ctx, 500));
	}
	pidns_reap_all(ctx);
	return ISO_PASS;
}

/* ---- fork into a namespace whose init has exited ---- */

struct join_fork_arg {
	struct pidns_chan *ch;
	int nsfd;
};

struct join_fork_rep {
	int setns_err;
	int fork_err;
	int child;
};

static int join_then_fork(void *p)
{
	struct join_fork_arg *a = p;
	struct join_fork_rep r = { 0, 0, 0 };
	int keep[] = { a->ch->cmd[0], a->ch->rep[1], a->nsfd };

	pidns_keep_fds(keep, ISO_ARRAY_SIZE(keep));
	if (setns(a->nsfd, CLONE_NEWPID) < 0) {
		r.setns_err = errno;
	} else {
		r.child = fork();
		if (r.child == 0)
			_exit(0);
		r.fork_err = r.child < 0 ? errno : 0;
		if (r.child > 0)
			waitpid(r.child, NULL, 0);
	}
	return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
}

/*
 * Once the init of a PID namespace has terminated, no process can be created in it: a fork(2) after
 * setns(2) into the namespace (through an fd kept open on /proc/PID/ns/pid) fails with ENOMEM
 * (pid_namespaces(7), "The namespace init process"). Control: no CLONE_NEWPID, the fd names the
 * case's own namespace and the fork succeeds.
 */
static enum iso_verdict fork_into_dead_namespace_fails_enomem(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT, ch2 = PIDNS_CHAN_INIT;
	struct join_fork_arg ja = { &ch2, -1 };
	_cleanup_close_ int nsfd = -1;
	struct join_fork_rep jr;
	_cleanup_pid_ pid_t init = pidns_start_idle(ctx, pidns_flags(ctx), &ch);
	char path[64];
	int e;

	if (init < 0)
		return iso_broken(ctx, init, "clone an init and read its report");
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return iso_broken(ctx, -errno, "open %s", path);
	pidns_chan_close(&ch);
	if ((e = pidns_wait_or_kill(ctx, init, NULL, iso_ctx_ms(ctx, 3000))) < 0)
		return iso_broken(ctx, e, "wait for init to exit");
	init = -1;
	ja.nsfd = nsfd;
	e = pidns_spawn_report(ctx, 0, join_then_fork, &ja, &ch2, &jr, sizeof(jr));
	if (e < 0)
		return iso_broken(ctx, e, "fork a process that joins the namespace and forks");
	iso_note(ctx, "setns", "%s", pidns_errstr(jr.setns_err));
	if (jr.setns_err)
		return iso_fail(ctx, "setns into the namespace of an exited init failed: %s",
				strerror(jr.setns_err));
	return iso_expect_errno_noted(ctx, "fork", -jr.fork_err, ENOMEM,
				      "fork into the namespace of an exited init (pid %d)",
				      jr.child);
}

/* ---- unshare(CLONE_NEWPID) ---- */

struct unshare_arg {
	struct pidns_chan *ch;
	bool newpid;
	unsigned int ms; /* how long to wait for the child's report */
};

/*
 * Forks fn(struct unshare_arg), which calls unshare(CLONE_NEWPID) unless this is the control,
 * and reads its report (len bytes), whose first int is the errno of that unshare. Returns 0 or
 * -errno, its context recorded (iso_err): the child, or its unshare.
 */
static int run_unsharer(struct iso_ctx *ctx, int (*fn)(void *), void *rep, size_t len,
			const char *what)
{
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct unshare_arg a = { &ch, !iso_ctx_is_control(ctx), iso_ctx_ms(ctx, 3000) };
	int e = pidns_spawn_report(ctx, 0, fn, &a, &ch, rep, len);

	if (e < 0)
		return iso_err(ctx, e, "fork a process that %s", what);
	if (*(const int *)rep)
		return iso_err(ctx, -*(const int *)rep, "the first unshare(CLONE_NEWPID)");
	return 0;
}

struct unshare_rep {
	int unshare_err; /* first: run_unsharer reads it */
	int pid_before, pid_after;
	int64_t ns_before, ns_after, child_ns;
	int pfc_err; /* readlink of pid_for_children before the first child */
	int child_pid;
};

/* Unshares (or not), then forks a child that reports its pid and namespace. */
static int unshare_then_fork(void *p)
{
	struct unshare_arg *a = p;
	struct unshare_rep r = { 0 };
	char link[64];
	int64_t kid[2];
	int pp[2];
	pid_t k;

	pidns_chan_child(a->ch);
	r.pid_before = getpid();
	r.ns_before = iso_ns_ino(0, "pid");
	if (a->newpid && unshare(CLONE_NEWPID) < 0)
		r.unshare_err = errno;
	r.pid_after = getpid();
	r.ns_after = iso_ns_ino(0, "pid");
	if (readlink("/proc/self/ns/pid_for_children", link, sizeof(link)) < 0)
		r.pfc_err = errno;
	if (pipe(pp) < 0)
		return 1;
	k = fork();
	if (k == 0) {
		kid[0] = getpid();
		kid[1] = iso_ns_ino(0, "pid");
		_exit(pidns_send(pp[1], kid, sizeof(kid)) < 0);
	}
	close(pp[1]);
	if (k < 0 || pidns_recv(pp[0], kid, sizeof(kid), a->ms) != sizeof(kid))
		return 1;
	waitpid(k, NULL, 0);
	r.child_pid = kid[0];
	r.child_ns = kid[1];
	return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
}

/*
 * unshare(CLONE_NEWPID) does not move the caller: its getpid() and /proc/self/ns/pid stay the same,
 * and only its next child is created in the new namespace, as its PID 1 (pid_namespaces(7),
 * "setns(2) and unshare(2) semantics"; unshare(2)). Whether pid_for_children reads before that
 * child exists is noted. Control: no unshare, the child stays in the caller's namespace with an
 * ordinary pid.
 */
static enum iso_verdict unshare_moves_children_not_caller(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	struct unshare_rep r;
	int e = run_unsharer(ctx, unshare_then_fork, &r, sizeof(r), "unshares and forks");

	if (e < 0)
		return iso_broken_err(ctx, e);
	iso_note(ctx, "caller_pid", "%d before, %d after", r.pid_before, r.pid_after);
	iso_note(ctx, "caller_ns", "%lld before, %lld after", (long long)r.ns_before,
		 (long long)r.ns_after);
	iso_note(ctx, "pid_for_children_before_first_child", "%s",
		 r.pfc_err ? strerror(r.pfc_err) : "readable");
	iso_note(ctx, "child", "pid %d, ns %lld", r.child_pid, (long long)r.child_ns);
	if (r.pid_after != r.pid_before || r.ns_after != r.ns_before)
		return iso_fail(ctx, "unshare moved the caller: pid %d -> %d, ns %lld -> %lld",
				r.pid_before, r.pid_after, (long long)r.ns_before,
				(long long)r.ns_after);
	if (r.child_pid != 1 || r.child_ns == r.ns_before)
		return iso_fail(ctx,
				"the next child has pid %d in %s namespace, expected pid 1 in a "
				"new one",
				r.child_pid,
				r.child_ns == r.ns_before ? "the caller's" : "another");
	return ISO_PASS;
}

struct second_fork_rep {
	int unshare_err; /* first: run_unsharer reads it */
	int first, second; /* pids returned by fork(), or -errno */
};

static int fork_twice(void *p)
{
	struct unshare_arg *a = p;
	struct second_fork_rep r = { 0 };

	pidns_chan_child(a->ch);
	if (a->newpid && unshare(CLONE_NEWPID) < 0)
		r.unshare_err = errno;
	r.first = fork();
	if (r.first == 0)
		_exit(0);
	if (r.first < 0)
		r.first = -errno;
	else
		waitpid(r.first, NULL, 0);
	r.second = fork();
	if (r.second == 0)
		_exit(0);
	if (r.second < 0)
		r.second = -errno;
	else
		waitpid(r.second, NULL, 0);
	return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
}

/*
 * After unshare(CLONE_NEWPID) the caller's first child is the new namespace's init; once it has
 * exited no process can be created there, so every later fork(2) of the caller fails with ENOMEM
 * (pid_namespaces(7), "The namespace init process"). Control: no unshare, the second fork works.
 */
static enum iso_verdict unshare_fork_after_first_child_exits_fails_enomem(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	struct second_fork_rep r;
	int e = run_unsharer(ctx, fork_twice, &r, sizeof(r), "unshares and forks twice");

	if (e < 0)
		return iso_broken_err(ctx, e);
	if (r.first < 0)
		return iso_broken(ctx, r.first, "the first fork after unshare");
	iso_note(ctx, "first_fork", "%d", r.first);
	iso_note(ctx, "second_fork", "%s", r.second < 0 ? strerror(-r.second) : "succeeded");
	return iso_expect_errno(ctx, r.second, ENOMEM, "a fork after the first child exited");
}

struct twice_rep {
	int first, second; /* errno of each unshare(CLONE_NEWPID); first: run_unsharer reads it */
};

static int unshare_twice(void *p)
{
	struct unshare_arg *a = p;
	struct twice_rep r = { 0, 0 };

	pidns_chan_child(a->ch);
	if (a->newpid && unshare(CLONE_NEWPID) < 0)
		r.first = errno;
	if (unshare(CLONE_NEWPID) < 0)
		r.second = errno;
	return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
}

/*
 * A process may call unshare(CLONE_NEWPID) only once: a second call fails with EINVAL
 * (pid_namespaces(7), "setns(2) and unshare(2) semantics"; unshare(2), ERRORS). Control: no first
 * unshare, the "second" one succeeds.
 */
static enum iso_verdict unshare_newpid_only_once(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	struct twice_rep r;
	int e = run_unsharer(ctx, unshare_twice, &r, sizeof(r), "unshares twice");

	if (e < 0)
		return iso_broken_err(ctx, e);
	iso_note(ctx, "second_unshare", "%s", r.second ? strerror(r.second) : "succeeded");
	return iso_expect_errno(ctx, -r.second, EINVAL, "a second unshare(CLONE_NEWPID)");
}

static const struct iso_case cases[] = {
	ISO_CASE(orphan_reparented_to_namespace_init,
		 .doc = "an orphan in a PID namespace is reparented to the namespace's init, not to "
			"a subreaper outside (pid_namespaces(7))",
		 .timeout_ms = 5000, .req = PIDNS_REQ),
	ISO_CASE(init_exit_kills_namespace,
		 .doc = "when the init of a PID namespace exits the kernel SIGKILLs every other "
			"process of the namespace (pid_namespaces(7))",
		 .timeout_ms = 5000, .req = PIDNS_REQ),
	ISO_CASE(
		fork_into_dead_namespace_fails_enomem,
		.doc = "after its init exits, fork after setns into the namespace fails with ENOMEM "
		       "(pid_namespaces(7))",
		.timeout_ms = 5000,
		.req = PIDNS_REQ_ROOT(
			"the control setns(2)es into a PID namespace the initial user namespace owns",
			.ns = CLONE_NEWPID, .kernel = "3.8")),
	ISO_CASE(unshare_moves_children_not_caller,
		 .doc = "unshare(CLONE_NEWPID) leaves the caller's pid and namespace alone; its next "
			"child is PID 1 of the new namespace (pid_namespaces(7), unshare(2))",
		 .timeout_ms = 5000, .req = PIDNS_REQ),
	ISO_CASE(unshare_fork_after_first_child_exits_fails_enomem,
		 .doc = "after unshare(CLONE_NEWPID), once the first child (the init) exits, further "
			"forks fail with ENOMEM (pid_namespaces(7))",
		 .timeout_ms = 5000, .req = PIDNS_REQ),
	ISO_CASE(unshare_newpid_only_once,
		 .doc = "a second unshare(CLONE_NEWPID) by the same process fails with EINVAL "
			"(pid_namespaces(7), unshare(2))",
		 .timeout_ms = 5000, .req = PIDNS_REQ),
};

const struct iso_cases pidns_lifecycle_cases = ISO_CASES(cases);
