// SPDX-License-Identifier: MIT
/* The tree of PID namespaces: nesting depth, NS_GET_PARENT, and setns(2). */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidns.h"

/* ---- nesting depth ---- */

#define PIDNS_MAX_LEVEL 32 /* MAX_PID_NS_LEVEL, since Linux 3.7 */

/* Shared by the whole chain (MAP_SHARED). */
struct nest_shared {
	int reached; /* depth of the deepest process created */
	int err; /* errno of the clone that failed */
	int not_pid1_at; /* first depth whose process was not PID 1 */
};

struct nest_arg {
	struct nest_shared *sh;
	unsigned long flags;
	int depth; /* of the process running nest_level, after it increments */
	int max; /* stop there without trying deeper */
};

/* One level of the chain: records itself, clones the next level, waits for it. */
static int nest_level(void *p)
{
	struct nest_arg a = *(struct nest_arg *)p;
	pid_t child;

	a.depth++;
	if ((a.flags & CLONE_NEWPID) && getpid() != 1 && !a.sh->not_pid1_at)
		a.sh->not_pid1_at = a.depth;
	a.sh->reached = a.depth;
	if (a.depth >= a.max)
		return 0;
	child = iso_spawn(a.flags, nest_level, &a);
	if (child < 0) {
		a.sh->err = -child;
		return 0;
	}
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/*
 * PID namespaces nest, at most 32 levels below the initial one (since Linux 3.7): creating one more
 * fails with ENOSPC (EUSERS before Linux 4.9) (pid_namespaces(7), "Nesting PID namespaces";
 * clone(2), ERRORS). The case clones a chain of new namespaces, each the child of the last, up to
 * the limit minus the level it runs at, and expects the next clone to fail. Control: no
 * CLONE_NEWPID, the chain goes one level past the limit without an error.
 */
static enum iso_verdict nesting_stops_at_32_levels(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	unsigned long flags = iso_ctx_is_control(ctx) ? 0 : CLONE_NEWPID;
	struct nest_shared *sh, got;
	struct nest_arg a = { 0 };
	struct utsname u;
	int64_t maxns = -1;
	int level0, avail, want, e;
	pid_t first;

	if ((e = pidns_case_setup()) < 0)
		return iso_broken(ctx, e, "set up the case");
	level0 = pidns_own_level();
	avail = PIDNS_MAX_LEVEL - level0;
	uname(&u);
	want = iso_kver_cmp(u.release, "4.9") < 0 ? EUSERS : ENOSPC;
	if (iso_read_i64("/proc/sys/user/max_pid_namespaces", &maxns) == 0 && maxns < avail + 8)
		return iso_skip(ctx, "user.max_pid_namespaces is %lld, the case needs %d",
				(long long)maxns, avail + 8);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return iso_broken(ctx, -errno, "mmap");
	a = (struct nest_arg){ sh, flags, 0, avail + 1 };
	first = iso_spawn(a.flags, nest_level, &a);
	if (first < 0) {
		munmap(sh, sizeof(*sh));
		return iso_broken(ctx, first, "clone the first level");
	}
	e = pidns_wait_or_kill(ctx, first, NULL, iso_ctx_ms(ctx, 4000));
	pidns_reap_all(ctx);
	got = *sh;
	munmap(sh, sizeof(*sh));
	if (e < 0)
		return iso_broken(ctx, e, "wait for the chain of %d levels", avail);
	iso_note(ctx, "start_level", "%d", level0);
	iso_note(ctx, "levels_created", "%d", got.reached);
	iso_note(ctx, "next_clone", "%s", got.err ? strerror(got.err) : "not refused");
	if (got.not_pid1_at)
		return iso_fail(ctx,
				"the process at depth %d of the chain is not PID 1 of its "
				"namespace",
				got.not_pid1_at);
	if (got.reached > avail)
		return iso_fail(ctx,
				"%d nested levels created from level %d without an error, "
				"the limit is %d",
				got.reached, level0, PIDNS_MAX_LEVEL);
	if (got.reached < avail || got.err != want)
		return iso_fail(ctx, "clone at level %d failed with %s, expected %s at level %d",
				level0 + got.reached + 1, got.err ? strerror(got.err) : "nothing",
				strerror(want), PIDNS_MAX_LEVEL + 1);
	return ISO_PASS;
}

/* ---- NS_GET_PARENT ---- */

/*
 * The parent of a PID namespace is the PID namespace of the process that created it;
 * ioctl(NS_GET_PARENT) on a /proc/PID/ns/pid fd returns an fd for it, and fails with EPERM when the
 * parent is outside the caller's view (ioctl_ns(2); Linux 4.9+). Control: no CLONE_NEWPID, the
 * child's namespace is the case's own, whose parent (if any) the case cannot see.
 */
static enum iso_verdict ns_get_parent_is_creator_namespace(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	_cleanup_close_ int nsfd = -1, parent = -1;
	_cleanup_pid_ pid_t init = pidns_start_idle(ctx, pidns_flags(ctx), &ch);
	int64_t own = iso_ns_ino(0, "pid");
	struct stat st;
	char path[64];
	int e;

	if (init < 0)
		return iso_broken(ctx, init, "clone a child and read its report");
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return iso_broken(ctx, -errno, "open %s", path);
	parent = ioctl(nsfd, NS_GET_PARENT);
	e = parent < 0 ? errno : 0;
	if (e == ENOTTY || e == EINVAL)
		return iso_skip(ctx, "ioctl(NS_GET_PARENT) is missing (Linux 4.9+): %s",
				strerror(e));
	iso_note(ctx, "ns_get_parent", "%s", pidns_errstr(e));
	if (e)
		return iso_fail(ctx,
				"NS_GET_PARENT on the child's PID namespace gave %s: no parent "
				"visible to its creator",
				strerror(e));
	if (fstat(parent, &st) < 0)
		return iso_broken(ctx, -errno, "fstat the parent namespace fd");
	iso_note(ctx, "parent_ns", "%llu (creator's %lld)", (unsigned long long)st.st_ino,
		 (long long)own);
	if ((int64_t)st.st_ino != own)
		return iso_fail(ctx,
				"the parent of the child's namespace is %llu, not the creator's "
				"namespace %lld",
				(unsigned long long)st.st_ino, (long long)own);
	return ISO_PASS;
}

/* ---- setns(2) ---- */

struct join_arg {
	struct pidns_chan *ch;
	char path[64]; /* the ns file to join */
	unsigned int ms; /* how long to wait for the child's report */
};

struct join_rep {
	int open_err, setns_err;
	int64_t target, own_before, own_after, for_children;
	int child_pid, child_ppid;
	int64_t child_ns;
};

/* Joins the PID namespace at path, then forks a child that reports where it is. */
static int join_and_fork(void *p)
{
	struct join_arg *a = p;
	struct join_rep r = { 0 };
	_cleanup_close_ int fd = -1;
	int64_t kid[3];
	struct stat st;
	int pp[2];
	pid_t k;

	pidns_chan_child(a->ch);
	r.own_before = iso_ns_ino(0, "pid");
	fd = open(a->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r.open_err = errno;
		return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
	}
	r.target = st.st_ino;
	if (setns(fd, CLONE_NEWPID) < 0) {
		r.setns_err = errno;
		return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
	}
	r.own_after = iso_ns_ino(0, "pid");
	r.for_children = iso_ns_ino(0, "pid_for_children");
	if (pipe(pp) < 0)
		return 1;
	k = fork();
	if (k == 0) {
		kid[0] = getpid();
		kid[1] = getppid();
		kid[2] = iso_ns_ino(0, "pid");
		_exit(pidns_send(pp[1], kid, sizeof(kid)) < 0);
	}
	close(pp[1]);
	if (k < 0 || pidns_recv(pp[0], kid, sizeof(kid), a->ms) != sizeof(kid))
		return 1;
	waitpid(k, NULL, 0);
	r.child_pid = kid[0];
	r.child_ppid = kid[1];
	r.child_ns = kid[2];
	return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
}

/*
 * Runs join_and_fork on /proc/PID/ns/NAME and checks the result; skips if that file is missing
 * (since: the release that brought it).
 */
static enum iso_verdict check_join(struct iso_ctx *ctx, pid_t pid, const char *name,
				   const char *since)
{
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct join_arg a = { &ch, "", iso_ctx_ms(ctx, 3000) };
	const char *path = a.path;
	struct join_rep r;
	int e;

	snprintf(a.path, sizeof(a.path), "/proc/%d/ns/%s", (int)pid, name);
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return iso_skip(ctx, "%s is missing (Linux %s+)", path, since);
	e = pidns_spawn_report(ctx, 0, join_and_fork, &a, &ch, &r, sizeof(r));
	if (e < 0)
		return iso_broken(ctx, e, "fork a process that joins %s and forks", path);
	if (r.open_err)
		return iso_broken(ctx, -r.open_err, "open %s", path);
	iso_note(ctx, "setns", "%s", pidns_errstr(r.setns_err));
	if (r.setns_err)
		return iso_fail(ctx, "setns(%s, CLONE_NEWPID) failed: %s", path,
				strerror(r.setns_err));
	iso_note(ctx, "target_ns", "%lld", (long long)r.target);
	iso_note(ctx, "caller_ns", "%lld before, %lld after, pid_for_children %lld",
		 (long long)r.own_before, (long long)r.own_after, (long long)r.for_children);
	iso_note(ctx, "child", "pid %d, ppid %d, ns %lld", r.child_pid, r.child_ppid,
		 (long long)r.child_ns);
	if (r.child_ns == r.own_before)
		return iso_fail(ctx,
				"the child forked after setns is in the caller's own PID "
				"namespace (%lld), not in another one",
				(long long)r.child_ns);
	if (r.child_ns != r.target || r.for_children != r.target)
		return iso_fail(ctx,
				"after setns into %lld the child is in %lld and "
				"pid_for_children is %lld",
				(long long)r.target, (long long)r.child_ns,
				(long long)r.for_children);
	if (r.own_after != r.own_before)
		return iso_fail(ctx, "setns moved the caller itself from %lld to %lld",
				(long long)r.own_before, (long long)r.own_after);
	if (r.child_pid == 1 || r.child_ppid != 0)
		return iso_fail(ctx,
				"the child that joined has pid %d and getppid() %d, expected a "
				"pid other than 1 and 0",
				r.child_pid, r.child_ppid);
	return ISO_PASS;
}

/*
 * setns(2) with a /proc/PID/ns/pid fd of another process does not move the caller; its next child
 * is created in that namespace (as a new pid there, with getppid() 0 because its parent is outside)
 * and /proc/self/ns/pid_for_children names it (pid_namespaces(7), "setns(2) and unshare(2)
 * semantics"; setns(2)). Control: no CLONE_NEWPID, the target is the caller's own namespace and the
 * child stays there.
 */
static enum iso_verdict setns_pid_places_next_child(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	_cleanup_pid_ pid_t init = pidns_start_idle(ctx, pidns_flags(ctx), &ch);

	if (init < 0)
		return iso_broken(ctx, init, "clone a child and read its report");
	return check_join(ctx, init, "pid", "3.8");
}

struct unshared_arg {
	struct pidns_chan *ch;
	bool newpid;
};

/* Unshares CLONE_NEWPID (or not), forks its first child, and holds both. */
static int unshare_and_hold(void *p)
{
	struct unshared_arg *a = p;
	struct pidns_ready r = { getpid(), 0 };
	pid_t k;

	pidns_chan_child(a->ch);
	if (a->newpid && unshare(CLONE_NEWPID) < 0)
		r.err = errno;
	k = fork();
	if (k == 0) {
		pidns_keep_fds(NULL, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (k < 0 && !r.err)
		r.err = errno;
	if (pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0 || k < 0)
		return 1;
	pidns_wait_cmd(a->ch->cmd[0]);
	kill(k, SIGKILL);
	waitpid(k, NULL, 0);
	return 0;
}

/*
 * /proc/PID/ns/pid_for_children of a process that called unshare(CLONE_NEWPID) names the namespace
 * its children go to (namespaces(7), Linux 4.12+); setns(2) with that fd makes the caller's next
 * child join it too, after its init (pid_namespaces(7), "setns(2) and unshare(2) semantics").
 * Control: no unshare, pid_for_children is the caller's own namespace; the child stays there.
 */
static enum iso_verdict setns_pid_for_children_places_next_child(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct unshared_arg a = { &ch, !iso_ctx_is_control(ctx) };
	struct pidns_ready rr;
	_cleanup_pid_ pid_t holder =
		pidns_start(ctx, 0, unshare_and_hold, &a, &ch, &rr, sizeof(rr));

	if (holder < 0)
		return iso_broken(ctx, holder, "fork the holder and read its report");
	if (rr.err)
		return iso_broken(ctx, -rr.err, "unshare(CLONE_NEWPID) and fork in the holder");
	return check_join(ctx, holder, "pid_for_children", "4.12");
}

struct ancestor_arg {
	struct pidns_chan *ch;
	int nsfd; /* the case's own PID namespace */
};

static int join_ancestor(void *p)
{
	struct ancestor_arg *a = p;
	int keep[] = { a->ch->cmd[0], a->ch->rep[1], a->nsfd };
	int err;

	pidns_keep_fds(keep, ISO_ARRAY_SIZE(keep));
	err = setns(a->nsfd, CLONE_NEWPID) < 0 ? errno : 0;
	return pidns_send(a->ch->rep[1], &err, sizeof(err)) < 0;
}

/*
 * Changing PID namespaces is one-way: a process may setns(2) into a descendant of its namespace (or
 * its own), never into an ancestor; that fails with EINVAL (pid_namespaces(7), "Nesting PID
 * namespaces"; setns(2), ERRORS). Control: no CLONE_NEWPID, the case's namespace is the child's own
 * and setns succeeds.
 */
static enum iso_verdict setns_cannot_enter_ancestor(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	_cleanup_close_ int nsfd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	struct ancestor_arg a = { &ch, nsfd };
	int e, err;

	if (nsfd < 0)
		return iso_broken(ctx, -errno, "open /proc/self/ns/pid");
	e = pidns_spawn_report(ctx, pidns_flags(ctx), join_ancestor, &a, &ch, &err, sizeof(err));
	if (e < 0)
		return iso_broken(ctx, e, "clone a child that joins the case's namespace");
	return iso_expect_errno_noted(ctx, "setns_into_parent_ns", -err, EINVAL,
				      "setns into the creator's PID namespace");
}

/* The two setns cases' requirement: the initial user namespace for the control, and a kernel. */
#define SETNS_REQ(kver)                                                                            \
	PIDNS_REQ_ROOT("the control setns(2)es into the host's PID namespace", .ns = CLONE_NEWPID, \
		       .kernel = (kver))

static const struct iso_case cases[] = {
	ISO_CASE(nesting_stops_at_32_levels,
		 .doc = "PID namespaces nest 32 levels deep; one more clone(CLONE_NEWPID) fails with "
			"ENOSPC (EUSERS before 4.9) (pid_namespaces(7), clone(2))",
		 .timeout_ms = 10000,
		 .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID, .kernel = "3.7" }),
	ISO_CASE(ns_get_parent_is_creator_namespace,
		 .doc = "NS_GET_PARENT on a child PID namespace returns its creator's namespace "
			"(ioctl_ns(2), pid_namespaces(7))",
		 .timeout_ms = 5000,
		 .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID, .kernel = "4.9" }),
	ISO_CASE(setns_pid_places_next_child,
		 .doc = "setns into another process's PID namespace leaves the caller in place; its "
			"next child joins it with getppid() 0 (setns(2), pid_namespaces(7))",
		 .timeout_ms = 5000, .req = SETNS_REQ("3.8")),
	ISO_CASE(setns_pid_for_children_places_next_child,
		 .doc = "setns through /proc/PID/ns/pid_for_children makes the caller's next child "
			"join that namespace (namespaces(7), pid_namespaces(7))",
		 .timeout_ms = 5000, .req = SETNS_REQ("4.12")),
	ISO_CASE(
		setns_cannot_enter_ancestor,
		.doc = "a process cannot setns into an ancestor PID namespace: EINVAL "
		       "(pid_namespaces(7), setns(2))",
		.timeout_ms = 5000,
		.req = PIDNS_REQ_ROOT(
			"setns(2) into the host's PID namespace (in a user namespace EPERM comes before the ancestor rule's EINVAL)",
			.ns = CLONE_NEWPID, .kernel = "3.8")),
};

const struct iso_cases pidns_nesting_cases = ISO_CASES(cases);
