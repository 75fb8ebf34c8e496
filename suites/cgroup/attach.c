// SPDX-License-Identifier: MIT
/*
 * cgroup.attach: how tasks enter and leave cgroups, and the hierarchy rules around
 * that. Documentation/admin-guide/cgroup-v2.rst ("Processes", "Threads", "Top-down
 * Constraint", "No Internal Process Constraint", "Core Interface Files"),
 * Documentation/admin-guide/cgroup-v1/cgroups.rst, clone(2) CLONE_INTO_CGROUP.
 *
 * Cases that hold for both versions check every hierarchy the test cgroup spans
 * (all the v1 ones and the v2 one on a hybrid host).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgcpu_util.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static pid_t my_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Reads n pid_t from fd (a pipe) within timeout_ms. Returns 0 or -errno. */
static int read_ids(int fd, pid_t *ids, int n, unsigned int timeout_ms)
{
	size_t want = sizeof(*ids) * (size_t)n, got = 0;

	while (got < want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, (int)timeout_ms) <= 0)
			return -ETIMEDOUT;
		r = read(fd, (char *)ids + got, want - got);
		if (r <= 0)
			return r == 0 ? -EPIPE : -errno;
		got += (size_t)r;
	}
	return 0;
}

/* The v2 directory of cg, or NULL. */
static const char *v2_dir(const struct iso_cg *cg)
{
	for (int i = 0; i < cg->ndirs; i++)
		if (cgcpu_dir_version(cg, i) == 2)
			return cg->dir[i].path;
	return NULL;
}

/* Writes id to dir/file. Returns 0 or -errno. */
static int write_id(const char *dir, const char *file, pid_t id)
{
	char path[ISO_CG_PATH + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return iso_write_file(path, "%d", (int)id);
}

/* ---- a process with three threads ---- */

static void *trio_thread(void *arg)
{
	pid_t t = my_tid();

	if (write(*(int *)arg, &t, sizeof(t)) != sizeof(t))
		return NULL;
	for (;;)
		pause();
	return NULL;
}

static int trio_main(void *arg)
{
	int *fd = arg;
	pid_t me = getpid();
	pthread_t th;

	close(fd[0]);
	if (write(fd[1], &me, sizeof(me)) != sizeof(me))
		return 1;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&th, NULL, trio_thread, &fd[1]))
			return 2;
	for (;;)
		pause();
	return 0;
}

/*
 * Starts a three-thread process (outside any test cgroup); tids[0] is its pid.
 * Returns the pid or -errno.
 */
static pid_t trio_start(struct iso_ctx *ctx, pid_t tids[3])
{
	int fd[2], r;
	pid_t pid;

	if (pipe2(fd, O_CLOEXEC) < 0)
		return -errno;
	pid = cgcpu_spawn_in(ctx, NULL, trio_main, fd);
	close(fd[1]);
	if (pid < 0) {
		close(fd[0]);
		return pid;
	}
	r = read_ids(fd[0], tids, 3, iso_ctx_ms(ctx, 5000));
	close(fd[0]);
	if (r < 0) {
		iso_kill_wait(pid);
		return r;
	}
	return pid;
}

/*
 * Writing a PID to cgroup.procs moves every thread of that process: all three
 * tids of a three-thread process are then listed in the target's thread list
 * (tasks on v1, cgroup.threads on v2), in every hierarchy (cgroup-v2.rst
 * "Processes"; cgroup-v1/cgroups.rst 2.2 "writing to cgroup.procs moves all
 * threads in the threadgroup").
 * Control: the pid is written to the thread-level file instead (tasks; v2's
 * cgroup.threads, which refuses a move across domains); the other two threads stay.
 */
static enum iso_verdict procs_moves_thread_group(struct iso_ctx *ctx)
{
	bool procs = !iso_ctx_is_control(ctx);
	struct iso_cg *cg = NULL;
	_cleanup_pid_ pid_t pid = -1;
	pid_t tids[3];
	enum iso_verdict v = ISO_PASS;
	int r = cgcpu_create(ctx, NULL, "target", NULL, &cg);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	pid = trio_start(ctx, tids);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "start a process with three threads");
		goto out;
	}
	if (procs) {
		r = iso_cg_attach(cg, pid);
		if (r < 0) {
			v = iso_broken(ctx, r, "write the pid to cgroup.procs");
			goto out;
		}
	} else {
		for (int i = 0; i < cg->ndirs; i++) {
			const char *f = cgcpu_threads_file(cgcpu_dir_version(cg, i));

			r = write_id(cg->dir[i].path, f, pid);
			iso_log(ctx, "%s/%s <- %d: %s", cg->dir[i].path, f, pid,
				r ? strerror(-r) : "ok");
		}
	}
	for (int i = 0; i < cg->ndirs && v == ISO_PASS; i++) {
		int ver = cgcpu_dir_version(cg, i), n = 0;
		const char *f = cgcpu_threads_file(ver);

		for (int t = 0; t < 3; t++) {
			r = cgcpu_lists(cg->dir[i].path, f, tids[t]);
			if (r < 0) {
				v = iso_broken(ctx, r, "read %s/%s", cg->dir[i].path, f);
				break;
			}
			n += r;
		}
		if (v == ISO_PASS && n != 3)
			v = iso_fail(
				ctx,
				"%d of the 3 threads of pid %d are in %s/%s (v%d) after writing "
				"the pid to %s",
				n, pid, cg->dir[i].path, f, ver,
				procs ? "cgroup.procs" : "the thread list");
	}
	if (v == ISO_PASS)
		iso_note(ctx, "hierarchies_checked", "%d", cg->ndirs);
out:
	iso_cg_free(cg);
	return v;
}

/*
 * Checks that of tids[3], only tids[1] is listed in dir/file and (when rest is
 * not NULL) the other two are listed in rest/file, after tids[1] was written to the
 * file named written. Returns the verdict.
 */
static enum iso_verdict only_second_thread(struct iso_ctx *ctx, const char *dir, const char *rest,
					   const char *file, const pid_t tids[3],
					   const char *written)
{
	for (int t = 0; t < 3; t++) {
		int in = cgcpu_lists(dir, file, tids[t]);
		int left = rest ? cgcpu_lists(rest, file, tids[t]) : 0;

		if (in < 0 || left < 0)
			return iso_broken(ctx, in < 0 ? in : left, "read %s", file);
		if (t == 1 && !in)
			return iso_fail(ctx, "thread %d is not in %s/%s after writing it to %s",
					tids[t], dir, file, written);
		if (t != 1 && in)
			return iso_fail(
				ctx,
				"thread %d of the same process moved too when thread %d was "
				"written to %s",
				tids[t], tids[1], written);
		if (t != 1 && rest && !left)
			return iso_fail(ctx, "thread %d left %s when thread %d was written to %s",
					tids[t], rest, tids[1], written);
	}
	return ISO_PASS;
}

/*
 * v1: writing a TID to a cgroup's tasks file moves that thread only; the other
 * threads of its process stay where they were (cgroup-v1/cgroups.rst 2.2).
 * Control: the same TID written to cgroup.procs moves the whole process.
 */
static enum iso_verdict tasks_moves_one_thread(struct iso_ctx *ctx)
{
	const char *file = iso_ctx_is_control(ctx) ? "cgroup.procs" : "tasks";
	_cleanup_cg_ struct iso_cg *cg = NULL;
	_cleanup_pid_ pid_t pid = -1;
	const char *dir = NULL;
	pid_t tids[3];
	int r = cgcpu_create(ctx, NULL, "target", NULL, &cg);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	for (int i = 0; i < cg->ndirs && !dir; i++)
		if (cgcpu_dir_version(cg, i) == 1)
			dir = cg->dir[i].path;
	if (!dir)
		return iso_skip(ctx, "no cgroup v1 hierarchy to test the tasks file on");
	pid = trio_start(ctx, tids);
	if (pid < 0)
		return iso_broken(ctx, pid, "start a process with three threads");
	r = write_id(dir, file, tids[1]);
	if (r < 0)
		return iso_broken(ctx, r, "write tid %d to %s", tids[1], file);
	iso_note(ctx, "hierarchy", "%s", dir);
	return only_second_thread(ctx, dir, NULL, "tasks", tids, file);
}

/*
 * v2: in a threaded subtree (a child whose cgroup.type was set to "threaded",
 * making its parent "domain threaded"), writing a TID to cgroup.threads moves
 * that thread only, and the rest of its process stays in the thread root
 * (cgroup-v2.rst "Threads").
 * Control: the TID is written to the threaded child's cgroup.procs, which moves
 * the whole process.
 */
static enum iso_verdict threads_moves_one_thread(struct iso_ctx *ctx)
{
	bool threads = !iso_ctx_is_control(ctx);
	struct iso_cg *dom = NULL;
	_cleanup_pid_ pid_t pid = -1;
	char thr[ISO_CG_PATH + 16], path[ISO_CG_PATH + 64], type[64];
	const char *ddir;
	pid_t tids[3];
	enum iso_verdict v;
	int r = cgcpu_create(ctx, NULL, "dom", NULL, &dom);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	ddir = v2_dir(dom);
	if (!ddir) {
		v = iso_skip(ctx, "no cgroup v2 hierarchy");
		goto out;
	}
	/* Made by hand: iso_cg_create would enable controllers in dom's subtree_control. */
	snprintf(thr, sizeof(thr), "%s/thr", ddir);
	if (mkdir(thr, 0755) < 0) {
		v = iso_broken(ctx, -errno, "mkdir %s", thr);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/cgroup.type", thr);
	r = iso_write_file(path, "threaded");
	if (r == -ENOENT || r == -EINVAL) {
		v = iso_skip(ctx, "threaded cgroups are not supported (%s): needs Linux 4.14",
			     strerror(-r));
		goto out;
	}
	if (r < 0) {
		v = iso_broken(ctx, r, "make %s threaded", thr);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/cgroup.type", ddir);
	if (iso_read_file(path, type, sizeof(type)) >= 0)
		iso_note(ctx, "thread_root_type", "%s", type);
	pid = trio_start(ctx, tids);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "start a process with three threads");
		goto out;
	}
	r = write_id(ddir, "cgroup.procs", pid);
	if (r < 0) {
		v = iso_broken(ctx, r, "move the process into the thread root");
		goto out;
	}
	r = write_id(thr, threads ? "cgroup.threads" : "cgroup.procs", tids[1]);
	if (r < 0) {
		v = iso_fail(ctx, "writing tid %d to the threaded cgroup's %s failed: %s", tids[1],
			     threads ? "cgroup.threads" : "cgroup.procs", strerror(-r));
		goto out;
	}
	v = only_second_thread(ctx, thr, ddir, "cgroup.threads", tids,
			       threads ? "cgroup.threads" : "cgroup.procs");
out:
	iso_cg_free(dom);
	return v;
}

/* ---- a process that makes a child (or, for a control, a thread) and reports it ---- */

struct maker {
	int fd[2];
	bool thread;
};

static void *sleeper_thread(void *arg)
{
	struct maker *m = arg;
	pid_t t = my_tid();

	if (write(m->fd[1], &t, sizeof(t)) != sizeof(t))
		return NULL;
	for (;;)
		pause();
	return NULL;
}

static int maker_main(void *arg)
{
	struct maker *m = arg;
	pthread_t th;
	pid_t kid;

	close(m->fd[0]);
	if (m->thread) {
		if (pthread_create(&th, NULL, sleeper_thread, m))
			return 1;
	} else {
		kid = fork();
		if (kid < 0)
			return 2;
		if (kid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		if (write(m->fd[1], &kid, sizeof(kid)) != sizeof(kid))
			return 3;
	}
	for (;;)
		pause();
	return 0;
}

/*
 * Starts a maker in cg (NULL: outside); *made gets the id of what it made.
 * Returns the maker's pid or -errno.
 */
static pid_t maker_start(struct iso_ctx *ctx, const struct iso_cg *cg, bool thread, pid_t *made)
{
	struct maker m = { .thread = thread };
	pid_t pid;
	int r;

	if (pipe2(m.fd, O_CLOEXEC) < 0)
		return -errno;
	pid = cgcpu_spawn_in(ctx, cg, maker_main, &m);
	close(m.fd[1]);
	if (pid < 0) {
		close(m.fd[0]);
		return pid;
	}
	r = read_ids(m.fd[0], made, 1, iso_ctx_ms(ctx, 5000));
	close(m.fd[0]);
	if (r < 0) {
		iso_kill_wait(pid);
		return r;
	}
	return pid;
}

/* Kills the maker and what it forked (reparented to us, a subreaper) and reaps both. */
static void maker_stop(pid_t maker, pid_t kid, bool thread)
{
	if (!thread && kid > 0)
		kill(kid, SIGKILL);
	iso_kill_wait(maker);
	if (!thread && kid > 0)
		while (waitpid(kid, NULL, __WALL) < 0 && errno == EINTR)
			;
}

/*
 * A child forked by a process in a cgroup starts in that cgroup, in every
 * hierarchy (cgroup-v2.rst "Processes": "A forked process is born into the same
 * cgroup as its parent"; cgroup-v1/cgroups.rst 1.3 and 2.2).
 * Control: the parent is not in the cgroup when it forks; neither is the child.
 */
static enum iso_verdict fork_inherits_cgroup(struct iso_ctx *ctx)
{
	bool inside = !iso_ctx_is_control(ctx);
	struct iso_cg *cg = NULL;
	pid_t maker, kid = -1;
	enum iso_verdict v = ISO_PASS;
	int r;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return iso_broken(ctx, -errno, "PR_SET_CHILD_SUBREAPER");
	r = cgcpu_create(ctx, NULL, "parent", NULL, &cg);
	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	maker = maker_start(ctx, inside ? cg : NULL, false, &kid);
	if (maker < 0) {
		iso_cg_free(cg);
		return iso_broken(ctx, maker, "start a process that forks");
	}
	for (int i = 0; i < cg->ndirs && v == ISO_PASS; i++) {
		r = cgcpu_lists(cg->dir[i].path, "cgroup.procs", kid);
		if (r < 0)
			v = iso_broken(ctx, r, "read %s/cgroup.procs", cg->dir[i].path);
		else if (!r)
			v = iso_fail(ctx,
				     "child %d of a process %s the cgroup is not in %s (v%d) after "
				     "fork",
				     kid, inside ? "in" : "outside", cg->dir[i].path,
				     cgcpu_dir_version(cg, i));
	}
	if (v == ISO_PASS)
		iso_note(ctx, "hierarchies_checked", "%d", cg->ndirs);
	maker_stop(maker, kid, false);
	iso_cg_free(cg);
	return v;
}

/*
 * A forked child can be moved to another cgroup without affecting its parent: the
 * parent stays in its cgroup in every hierarchy (cgroup-v2.rst "Processes";
 * cgroup-v1/cgroups.rst 2.2).
 * Control: what is moved is a thread of the parent, not a forked child; writing
 * its id to cgroup.procs takes the parent along.
 */
static enum iso_verdict moving_child_leaves_parent(struct iso_ctx *ctx)
{
	bool fork_child = !iso_ctx_is_control(ctx);
	struct iso_cg *home = NULL, *away = NULL;
	pid_t maker = -1, kid = -1;
	enum iso_verdict v = ISO_PASS;
	int r;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return iso_broken(ctx, -errno, "PR_SET_CHILD_SUBREAPER");
	r = cgcpu_create(ctx, NULL, "home", NULL, &home);
	if (r == 0)
		r = cgcpu_create(ctx, NULL, "away", NULL, &away);
	if (r < 0) {
		v = cgcpu_create_failed(ctx, r, "create cgroups");
		goto out;
	}
	maker = maker_start(ctx, home, !fork_child, &kid);
	if (maker < 0) {
		v = iso_broken(ctx, maker, "start a process that forks");
		goto out;
	}
	r = iso_cg_attach(away, kid);
	if (r < 0) {
		v = iso_broken(ctx, r, "move %d to another cgroup", kid);
		goto out;
	}
	for (int i = 0; i < home->ndirs && v == ISO_PASS; i++) {
		int ver = cgcpu_dir_version(home, i);
		int p = cgcpu_lists(home->dir[i].path, "cgroup.procs", maker);
		int k = cgcpu_lists(away->dir[i].path, cgcpu_threads_file(ver), kid);

		if (p < 0 || k < 0)
			v = iso_broken(ctx, p < 0 ? p : k, "read the member lists");
		else if (!k)
			v = iso_fail(ctx, "%d is not in %s after the move", kid, away->dir[i].path);
		else if (!p)
			v = iso_fail(ctx,
				     "moving %s %d to another cgroup took its parent %d out of %s "
				     "(v%d)",
				     fork_child ? "forked child" : "thread", kid, maker,
				     home->dir[i].path, ver);
	}
out:
	if (maker > 0)
		maker_stop(maker, kid, !fork_child);
	iso_cg_free(home);
	iso_cg_free(away);
	return v;
}

/* struct clone_args as of 5.7 (CLONE_INTO_CGROUP), independent of the headers. */
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

/*
 * clone3(2) with CLONE_INTO_CGROUP and a v2 cgroup directory fd starts the child
 * directly in that cgroup: it is listed there before it has run any code
 * (clone(2) CLONE_INTO_CGROUP, Linux 5.7).
 * Control: clone3 without CLONE_INTO_CGROUP; the child is in its parent's cgroup.
 */
static enum iso_verdict clone_into_cgroup(struct iso_ctx *ctx)
{
	bool into = !iso_ctx_is_control(ctx);
	struct iso_cg *cg = NULL;
	_cleanup_close_ int cfd = -1;
	_cleanup_pid_ pid_t pid = -1;
	int hold[2] = { -1, -1 };
	const char *dir;
	enum iso_verdict v;
	int r = cgcpu_create(ctx, NULL, "target", NULL, &cg);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	dir = v2_dir(cg);
	if (!dir) {
		v = iso_skip(ctx, "no cgroup v2 hierarchy: CLONE_INTO_CGROUP takes a v2 cgroup");
		goto out;
	}
	cfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0 || pipe2(hold, O_CLOEXEC) < 0) {
		v = iso_broken(ctx, -errno, "open %s", dir);
		goto out;
	}
	{
		struct clone_args_v2 args = { .flags = into ? CLONE_INTO_CGROUP : 0,
					      .exit_signal = SIGCHLD,
					      .cgroup = (uint64_t)cfd };
		char c;

		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
		if (pid == 0) {
			close(hold[1]);
			_exit(read(hold[0], &c, 1) < 0 ? 1 : 0);
		}
	}
	if (pid < 0) {
		r = -errno;
		if (r == -ENOSYS)
			v = iso_skip(ctx, "clone3 is not available: needs Linux 5.3");
		else if (r == -E2BIG || r == -EINVAL)
			v = iso_skip(ctx, "clone3 refused CLONE_INTO_CGROUP (%s): needs Linux 5.7",
				     strerror(-r));
		else
			v = iso_broken(ctx, r, "clone3");
		goto out;
	}
	r = cgcpu_lists(dir, "cgroup.procs", pid);
	if (r < 0)
		v = iso_broken(ctx, r, "read %s/cgroup.procs", dir);
	else if (!r)
		v = iso_fail(ctx, "the child of clone3%s is not in %s",
			     into ? "(CLONE_INTO_CGROUP)" : "", dir);
	else
		v = ISO_PASS;
out:
	if (hold[0] >= 0)
		close(hold[0]);
	if (hold[1] >= 0)
		close(hold[1]);
	iso_cg_free(cg);
	return v;
}

/*
 * Within one hierarchy a task is in exactly one cgroup: moving it into B in one
 * hierarchy takes it out of A there. Across hierarchies membership is separate: in
 * every other hierarchy it stays in A, so it is in cgroups of several hierarchies
 * at once (cgroup-v1/cgroups.rst 1.2 and 2.2).
 * Control: the task is moved into B in every hierarchy; it is no longer in A
 * anywhere.
 */
static enum iso_verdict one_cgroup_per_hierarchy(struct iso_ctx *ctx)
{
	bool one = !iso_ctx_is_control(ctx);
	struct iso_cg *a = NULL, *b = NULL;
	_cleanup_pid_ pid_t pid = -1;
	enum iso_verdict v = ISO_PASS;
	int x = -1, r;

	r = cgcpu_create(ctx, NULL, "a", NULL, &a);
	if (r == 0)
		r = cgcpu_create(ctx, NULL, "b", NULL, &b);
	if (r < 0) {
		v = cgcpu_create_failed(ctx, r, "create cgroups");
		goto out;
	}
	if (a->ndirs < 2 || a->ndirs != b->ndirs) {
		v = iso_skip(ctx, "the cgroups span %d hierarchy: needs two or more (cgroup v1)",
			     a->ndirs);
		goto out;
	}
	for (int i = 0; i < b->ndirs && x < 0; i++)
		if (cgcpu_dir_version(b, i) == 1)
			x = i;
	if (x < 0) {
		v = iso_skip(ctx, "no cgroup v1 hierarchy");
		goto out;
	}
	pid = cgcpu_spawn_in(ctx, a, cgcpu_sleep, NULL);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "start a task in A");
		goto out;
	}
	r = one ? write_id(b->dir[x].path, "cgroup.procs", pid) : iso_cg_attach(b, pid);
	if (r < 0) {
		v = iso_broken(ctx, r, "move the task into B");
		goto out;
	}
	iso_note(ctx, "moved_in", "%s", b->dir[x].path);
	for (int i = 0; i < a->ndirs && v == ISO_PASS; i++) {
		int ina = cgcpu_lists(a->dir[i].path, "cgroup.procs", pid);
		int inb = cgcpu_lists(b->dir[i].path, "cgroup.procs", pid);
		const char *want = i == x ? "B" : "A";

		if (ina < 0 || inb < 0)
			v = iso_broken(ctx, ina < 0 ? ina : inb, "read cgroup.procs");
		else if (ina && inb)
			v = iso_fail(ctx, "the task is in both A and B of one hierarchy (%s)",
				     a->dir[i].path);
		else if ((i == x && !inb) || (i != x && !ina))
			v = iso_fail(ctx,
				     "after a move into B in %s only, the task is in %s in %s "
				     "(v%d; expected %s)",
				     b->dir[x].path,
				     ina ? "A" :
				     inb ? "B" :
					   "neither",
				     a->dir[i].path, cgcpu_dir_version(a, i), want);
	}
	if (v == ISO_PASS)
		iso_note(ctx, "hierarchies", "%d", a->ndirs);
out:
	iso_cg_free(a);
	iso_cg_free(b);
	return v;
}

/*
 * A v2 parent P (under the case's cgroup, made with iso_cg_create so that
 * controllers are available to it) with a child C made by hand (so nothing is
 * enabled in P's subtree_control). *ctrl gets the first controller P may enable,
 * "" if none. Returns ISO_PASS or the verdict.
 */
struct v2pair {
	struct iso_cg *p;
	const char *pdir;
	char cdir[ISO_CG_PATH + 16];
	char ctrl[64];
};

static void v2pair_free(struct v2pair *vp)
{
	iso_cg_free(vp->p);
}
#define _cleanup_v2pair_ __attribute__((cleanup(v2pair_free)))

static enum iso_verdict v2pair_make(struct iso_ctx *ctx, struct v2pair *vp, bool domain)
{
	char path[ISO_CG_PATH + 64], avail[512], words[512];
	int r = cgcpu_create(ctx, NULL, "p", NULL, &vp->p);

	vp->ctrl[0] = '\0';
	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	vp->pdir = v2_dir(vp->p);
	if (!vp->pdir)
		return iso_skip(ctx, "no cgroup v2 hierarchy");
	snprintf(vp->cdir, sizeof(vp->cdir), "%s/c", vp->pdir);
	if (mkdir(vp->cdir, 0755) < 0)
		return iso_broken(ctx, -errno, "mkdir %s", vp->cdir);
	snprintf(path, sizeof(path), "%s/cgroup.controllers", vp->pdir);
	r = (int)iso_read_file(path, avail, sizeof(avail));
	if (r < 0)
		return iso_broken(ctx, r, "read %s", path);
	/*
	 * A domain controller: with only threaded ones (cpu, cpuset, perf_event, pids)
	 * enabled, a cgroup may still become a thread root and take processes.
	 */
	snprintf(words, sizeof(words), "%s", avail);
	for (char *save = NULL, *w = strtok_r(words, " \n", &save); w;
	     w = strtok_r(NULL, " \n", &save))
		if (!domain || (strcmp(w, "cpu") && strcmp(w, "cpuset") &&
				strcmp(w, "perf_event") && strcmp(w, "pids"))) {
			snprintf(vp->ctrl, sizeof(vp->ctrl), "%s", w);
			break;
		}
	if (!vp->ctrl[0])
		return iso_skip(ctx,
				"no cgroup v2 %scontroller can be enabled below the case's cgroup "
				"(%s mode; available: \"%s\"): on a hybrid host the controllers "
				"are on v1 and none is enabled in the v2 root's "
				"cgroup.subtree_control",
				domain ? "domain (memory, io, hugetlb, ...) " : "",
				iso_cg_mode_name(iso_ctx_layout(ctx)->mode), avail);
	iso_note(ctx, "controller", "%s", vp->ctrl);
	return ISO_PASS;
}

static int enable_in(const char *dir, const char *ctrl)
{
	char path[ISO_CG_PATH + 64];

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	return iso_write_file(path, "+%s", ctrl);
}

/*
 * v2 "no internal processes": a non-root domain cgroup that has a domain
 * controller (memory, io, ...) enabled in cgroup.subtree_control cannot take
 * processes; writing a pid to its cgroup.procs fails with EBUSY (cgroup-v2.rst "No
 * Internal Process Constraint"; threaded controllers alone do not count, as such a
 * cgroup can still become a thread root: "Threads"). Needs a v2 domain
 * controller; skips on a hybrid host where none is on v2.
 * Control: nothing is enabled in the parent's subtree_control; the move succeeds.
 */
static enum iso_verdict no_internal_processes(struct iso_ctx *ctx)
{
	bool enable = !iso_ctx_is_control(ctx);
	_cleanup_v2pair_ struct v2pair vp = { 0 };
	_cleanup_pid_ pid_t pid = -1;
	enum iso_verdict v = v2pair_make(ctx, &vp, true);
	int r;

	if (v != ISO_PASS)
		return v;
	r = enable ? enable_in(vp.pdir, vp.ctrl) : 0;
	if (r < 0)
		return iso_broken(ctx, r, "enable %s in %s", vp.ctrl, vp.pdir);
	pid = cgcpu_spawn_in(ctx, NULL, cgcpu_sleep, NULL);
	if (pid < 0)
		return iso_broken(ctx, pid, "start a task");
	r = write_id(vp.pdir, "cgroup.procs", pid);
	iso_note(ctx, "attach", "%s", r ? strerror(-r) : "accepted");
	return iso_expect_errno(ctx, r, EBUSY,
				"moving a process into a cgroup with %s in its subtree_control%s "
				"and a child cgroup",
				enable ? vp.ctrl : "nothing", enable ? "" : " (control)");
}

/*
 * v2 "top-down constraint": a controller can be enabled in a cgroup's subtree_control only if
 * its parent enabled it (it is listed in the cgroup's cgroup.controllers); otherwise the write
 * fails with ENOENT (cgroup-v2.rst "Top-down Constraint", "Enabling and Disabling"; EINVAL is
 * accepted and noted). Control: the parent enables it first; the child's write succeeds.
 */
static enum iso_verdict controllers_top_down(struct iso_ctx *ctx)
{
	bool skip_parent = !iso_ctx_is_control(ctx);
	_cleanup_v2pair_ struct v2pair vp = { 0 };
	enum iso_verdict v = v2pair_make(ctx, &vp, false);
	int r;

	if (v != ISO_PASS)
		return v;
	r = skip_parent ? 0 : enable_in(vp.pdir, vp.ctrl);
	if (r < 0)
		return iso_broken(ctx, r, "enable %s in the parent", vp.ctrl);
	r = enable_in(vp.cdir, vp.ctrl);
	iso_note(ctx, "child_enable", "%s", r ? strerror(-r) : "accepted");
	if (r == -EINVAL)
		return ISO_PASS; /* accepted, and noted */
	return iso_expect_errno(ctx, r, ENOENT,
				"+%s in a child's subtree_control while its parent %s", vp.ctrl,
				skip_parent ? "does not enable it" : "enables it (control)");
}

/* Reads "populated" of cg's cgroup.events into *pop. Returns 0 or -errno. */
static int populated(const struct iso_cg *cg, int64_t *pop)
{
	return iso_cg_read_key(cg, "cgroup.events", "populated", pop);
}

/*
 * v2 cgroup.events "populated" is 1 while the cgroup or a descendant has a live
 * process and 0 otherwise: 0 when empty, 1 once a process is in a child cgroup,
 * 0 again after it exits (cgroup-v2.rst "Core Interface Files", cgroup.events).
 * Control: the process goes into a sibling cgroup; "populated" stays 0.
 */
static enum iso_verdict events_populated(struct iso_ctx *ctx)
{
	bool below = !iso_ctx_is_control(ctx);
	struct iso_cg *cg = NULL, *sub = NULL, *other = NULL;
	_cleanup_pid_ pid_t pid = -1;
	unsigned int wait_ms = iso_ctx_ms(ctx, 2000);
	int64_t pop = -1;
	enum iso_verdict v = ISO_PASS;
	uint64_t deadline;
	int r = cgcpu_create(ctx, NULL, "watched", NULL, &cg);

	if (r == 0)
		r = cgcpu_create(ctx, cg, "sub", NULL, &sub);
	if (r == 0)
		r = cgcpu_create(ctx, NULL, "other", NULL, &other);
	if (r < 0) {
		v = cgcpu_create_failed(ctx, r, "create cgroups");
		goto out;
	}
	r = populated(cg, &pop);
	if (r == -EOPNOTSUPP || r == -ENOENT) {
		v = iso_skip(ctx, "no cgroup.events (needs cgroup v2, Linux 4.5)");
		goto out;
	}
	if (r < 0 || pop != 0) {
		v = r < 0 ? iso_broken(ctx, r, "read cgroup.events") :
			    iso_fail(ctx, "an empty cgroup reads populated %lld", (long long)pop);
		goto out;
	}
	pid = cgcpu_spawn_in(ctx, below ? sub : other, cgcpu_sleep, NULL);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "start a task");
		goto out;
	}
	r = populated(cg, &pop);
	if (r < 0 || pop != 1) {
		v = r < 0 ? iso_broken(ctx, r, "read cgroup.events") :
			    iso_fail(ctx, "populated is %lld with a live process %s",
				     (long long)pop,
				     below ? "in a child cgroup" : "in a sibling cgroup (control)");
		goto out;
	}
	iso_kill_wait(pid);
	pid = -1;
	deadline = iso_now_ms() + wait_ms;
	while ((r = populated(cg, &pop)) == 0 && pop != 0 && iso_now_ms() < deadline)
		iso_sleep_ms(iso_ctx_ms(ctx, 10));
	if (r < 0)
		v = iso_broken(ctx, r, "read cgroup.events");
	else if (pop != 0)
		v = iso_fail(ctx, "populated is still %lld %g s after the last process exited",
			     (long long)pop, wait_ms / 1000.0);
out:
	iso_cg_free(sub);
	iso_cg_free(cg);
	iso_cg_free(other);
	return v;
}

/*
 * rmdir of a cgroup that still has a live process fails with EBUSY, in every
 * hierarchy (cgroup-v2.rst "Processes": "a cgroup which doesn't have any children
 * or live processes can be destroyed by removing the directory";
 * cgroup-v1/cgroups.rst 2.3).
 * Control: the process is killed and reaped first; rmdir succeeds.
 */
static enum iso_verdict rmdir_nonempty_fails(struct iso_ctx *ctx)
{
	bool busy = !iso_ctx_is_control(ctx);
	_cleanup_cg_ struct iso_cg *cg = NULL;
	_cleanup_pid_ pid_t pid = -1;
	int r = cgcpu_create(ctx, NULL, "busy", NULL, &cg);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	pid = cgcpu_spawn_in(ctx, cg, cgcpu_sleep, NULL);
	if (pid < 0)
		return iso_broken(ctx, pid, "start a task in the cgroup");
	if (!busy) {
		iso_kill_wait(pid);
		pid = -1;
	}
	for (int i = 0; i < cg->ndirs; i++) {
		r = rmdir(cg->dir[i].path) < 0 ? -errno : 0;
		if (r != -EBUSY)
			return iso_expect_errno(ctx, r, EBUSY, "rmdir of %s (v%d) %s",
						cg->dir[i].path, cgcpu_dir_version(cg, i),
						busy ? "with a live member" :
						       "after its member exited");
	}
	iso_note(ctx, "hierarchies_checked", "%d", cg->ndirs);
	return ISO_PASS;
}

/* A limit on what can be made below a v2 cgroup: the knob, its value, what fits, what not. */
struct limit_row {
	const char *knob;
	int max;
	const char *fits[2]; /* the max directories that may be made, in order */
	const char *over; /* the one past the limit */
};

/*
 * cgroup.max.depth and cgroup.max.descendants limit what can be created below a v2
 * cgroup: with max.depth 1, mkdir two levels down fails with EAGAIN; with
 * max.descendants 2, the third mkdir fails with EAGAIN (cgroup-v2.rst "Core
 * Interface Files"). The variant's arg is the knob, its limit and the mkdirs to try.
 * Control: the limit is left at "max"; every mkdir succeeds.
 */
static enum iso_verdict limit_enforced(struct iso_ctx *ctx)
{
	const struct limit_row *l = iso_ctx_arg(ctx);
	bool limit = !iso_ctx_is_control(ctx);
	_cleanup_cg_ struct iso_cg *p = NULL;
	char path[ISO_CG_PATH + 16];
	int r = cgcpu_create(ctx, NULL, "limited", NULL, &p);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	if (!v2_dir(p))
		return iso_skip(ctx, "no cgroup v2 hierarchy");
	r = limit ? iso_cg_write(p, l->knob, "%d", l->max) : 0;
	if (r == -ENOENT || r == -EOPNOTSUPP)
		return iso_skip(ctx, "%s is not available (needs Linux 4.14)", l->knob);
	if (r < 0)
		return iso_broken(ctx, r, "write %s", l->knob);
	/* The allowed ones first: mkdir must work up to the limit. */
	for (int i = 0; i < l->max; i++) {
		snprintf(path, sizeof(path), "%s/%s", v2_dir(p), l->fits[i]);
		if (mkdir(path, 0755) < 0)
			return iso_fail(ctx, "mkdir %s within %s %d failed: %s", path, l->knob,
					l->max, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/%s", v2_dir(p), l->over);
	r = mkdir(path, 0755) < 0 ? -errno : 0;
	iso_note(ctx, "over_limit_mkdir", "%s", r ? strerror(-r) : "created");
	return iso_expect_errno(ctx, r, EAGAIN, "mkdir %s with %s %s", path, l->knob,
				limit ? "at its limit" : "max (control)");
}

/* What most cases need: root, or a cgroup of their own in a delegated v2 subtree. */
#define ATTACH_ANY                                                       \
	{                                                                \
		.root = true, .deleg_ok = true, .cgroup = ISO_CGV_USABLE \
	}
#define ATTACH_V2                                                    \
	{                                                            \
		.root = true, .deleg_ok = true, .cgroup = ISO_CGV_V2 \
	}

static const struct iso_case cases[] = {
	ISO_CASE(procs_moves_thread_group,
		 .doc = "a pid written to cgroup.procs moves all its threads, in every hierarchy "
			"(cgroup-v2.rst Processes, cgroup-v1/cgroups.rst 2.2)",
		 .timeout_ms = 5000, .req = ATTACH_ANY),
	ISO_CASE(tasks_moves_one_thread,
		 .doc = "v1: a tid written to tasks moves that thread only (cgroup-v1/cgroups.rst "
			"2.2)",
		 .timeout_ms = 5000, .req = { .root = true, .cgroup = ISO_CGV_V1 }),
	ISO_CASE(threads_moves_one_thread,
		 .doc = "v2: in a threaded subtree a tid written to cgroup.threads moves that "
			"thread only (cgroup-v2.rst Threads)",
		 .timeout_ms = 5000,
		 .req = { .root = true, .deleg_ok = true, .cgroup = ISO_CGV_V2, .kernel = "4.14" }),
	ISO_CASE(fork_inherits_cgroup,
		 .doc = "a forked child starts in its parent's cgroups (cgroup-v2.rst Processes, "
			"cgroup-v1/cgroups.rst 1.3)",
		 .timeout_ms = 5000, .req = ATTACH_ANY),
	ISO_CASE(moving_child_leaves_parent,
		 .doc = "moving a forked child leaves its parent where it was (cgroup-v2.rst "
			"Processes, cgroup-v1/cgroups.rst 2.2)",
		 .timeout_ms = 5000, .req = ATTACH_ANY),
	ISO_CASE(clone_into_cgroup,
		 .doc = "clone3 CLONE_INTO_CGROUP starts the child in the given v2 cgroup "
			"(clone(2))",
		 .timeout_ms = 5000,
		 .req = { .root = true, .deleg_ok = true, .cgroup = ISO_CGV_V2, .kernel = "5.7" }),
	ISO_CASE(one_cgroup_per_hierarchy,
		 .doc = "a task is in one cgroup per hierarchy and in several hierarchies at once "
			"(cgroup-v1/cgroups.rst 1.2, 2.2)",
		 .timeout_ms = 5000, .req = { .root = true, .cgroup = ISO_CGV_V1 }),
	ISO_CASE(no_internal_processes,
		 .doc = "v2: a cgroup with controllers in subtree_control refuses processes with "
			"EBUSY (cgroup-v2.rst No Internal Process Constraint)",
		 .timeout_ms = 5000, .req = ATTACH_V2),
	ISO_CASE(controllers_top_down,
		 .doc = "v2: a controller the parent does not enable cannot be enabled in the "
			"child (ENOENT) (cgroup-v2.rst Top-down Constraint)",
		 .timeout_ms = 5000, .req = ATTACH_V2),
	ISO_CASE(events_populated,
		 .doc = "v2: cgroup.events populated follows live processes in the subtree "
			"(cgroup-v2.rst cgroup.events)",
		 .timeout_ms = 5000, .req = ATTACH_V2),
	ISO_CASE(rmdir_nonempty_fails,
		 .doc = "rmdir of a cgroup with a live process fails with EBUSY (cgroup-v2.rst "
			"Processes, cgroup-v1/cgroups.rst 2.3)",
		 .timeout_ms = 5000, .req = ATTACH_ANY),
	ISO_VARIANT(
		max_depth_enforced, limit_enforced,
		ISO_ARG(struct limit_row, "cgroup.max.depth", 1, { "a" }, "a/b"),
		.doc = "v2: mkdir below cgroup.max.depth fails with EAGAIN (cgroup-v2.rst)",
		.timeout_ms = 5000,
		.req = { .root = true, .deleg_ok = true, .cgroup = ISO_CGV_V2, .kernel = "4.14" }),
	ISO_VARIANT(
		max_descendants_enforced, limit_enforced,
		ISO_ARG(struct limit_row, "cgroup.max.descendants", 2, { "a", "b" }, "c"),
		.doc = "v2: mkdir beyond cgroup.max.descendants fails with EAGAIN (cgroup-v2.rst)",
		.timeout_ms = 5000,
		.req = { .root = true, .deleg_ok = true, .cgroup = ISO_CGV_V2, .kernel = "4.14" }),
};

const struct iso_suite iso_suite_cgroup_attach = ISO_SUITE("cgroup.attach", cases);
