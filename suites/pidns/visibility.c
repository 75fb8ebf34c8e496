// SPDX-License-Identifier: MIT
/* Who sees whom: PID 1, /proc instances, NSpid, and kill(-1) across the boundary. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidns.h"

/* ---- first child is PID 1 ---- */

struct ids_rep {
	int pid, ppid;
};

static int report_ids(void *p)
{
	struct pidns_chan *ch = p;
	struct ids_rep r;

	pidns_chan_child(ch);
	r.pid = getpid();
	r.ppid = getppid();
	return pidns_send(ch->rep[1], &r, sizeof(r)) < 0;
}

/*
 * The first process of a new PID namespace (clone(2) with CLONE_NEWPID) has PID 1 there and
 * getppid() 0: its parent is in another namespace (pid_namespaces(7), "The namespace init process",
 * "Nesting PID namespaces"). Control: no CLONE_NEWPID, an ordinary pid and parent.
 */
static enum iso_verdict first_child_is_pid1(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct ids_rep r;
	int e = pidns_spawn_report(ctx, pidns_flags(ctx), report_ids, &ch, &ch, &r, sizeof(r));

	if (e < 0)
		return iso_broken(ctx, e, "clone a child and read its getpid()/getppid()");
	iso_note(ctx, "getpid", "%d", r.pid);
	iso_note(ctx, "getppid", "%d", r.ppid);
	if (r.pid != 1 || r.ppid != 0)
		return iso_fail(ctx, "the first child has getpid() %d, getppid() %d, not 1 and 0",
				r.pid, r.ppid);
	return ISO_PASS;
}

/* ---- /proc instances ---- */

struct proc_arg {
	struct pidns_chan *ch;
	char dir[PATH_MAX]; /* where to mount a fresh proc */
	bool fresh; /* mount one; else read /proc as inherited */
	pid_t outsider; /* a pid of the parent namespace (the case's) */
};

struct proc_rep {
	int err; /* errno of the mount */
	int n; /* numeric entries */
	int g; /* the helper child's pid, as its parent sees it */
	bool outsider_visible;
	pid_t pids[16];
	char self[32]; /* readlink of <proc>/self */
};

/* Lists a /proc instance (fresh or inherited) with a second process running. */
static int list_proc(void *p)
{
	struct proc_arg *a = p;
	struct proc_rep r = { 0 };
	const char *dir = a->fresh ? a->dir : "/proc";
	char path[PATH_MAX + 32];
	struct stat st;
	ssize_t n;

	pidns_chan_child(a->ch);
	r.g = fork();
	if (r.g == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (a->fresh && mount("proc", a->dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		r.err = errno;
	if (!r.err) {
		r.n = pidns_proc_pids(dir, r.pids, ISO_ARRAY_SIZE(r.pids));
		snprintf(path, sizeof(path), "%s/self", dir);
		n = readlink(path, r.self, sizeof(r.self) - 1);
		r.self[n > 0 ? n : 0] = '\0';
		snprintf(path, sizeof(path), "%s/%d", dir, (int)a->outsider);
		r.outsider_visible = stat(path, &st) == 0;
	}
	if (r.g > 0) {
		kill(r.g, SIGKILL);
		waitpid(r.g, NULL, 0);
	}
	return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
}

/*
 * Runs list_proc in a child with flags; a fresh proc goes on <case dir>/proc. Returns 0 or
 * -errno, its context recorded (iso_err): the mkdir, the child, or the child's mount.
 */
static int proc_view(struct iso_ctx *ctx, unsigned long flags, bool fresh, struct proc_rep *r)
{
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct proc_arg a = { .ch = &ch, .fresh = fresh, .outsider = getpid() };
	int e;

	snprintf(a.dir, sizeof(a.dir), "%s/proc", iso_ctx_dir(ctx));
	if (mkdir(a.dir, 0755) < 0 && errno != EEXIST)
		return iso_err(ctx, -errno, "mkdir %s", a.dir);
	e = pidns_spawn_report(ctx, flags, list_proc, &a, &ch, r, sizeof(*r));
	if (e < 0)
		return iso_err(ctx, e, "clone a child that lists %s",
			       fresh ? "a fresh proc" : "/proc");
	if (r->err)
		return iso_err(ctx, -r->err, "mount -t proc in the child");
	return 0;
}

static void note_pids(struct iso_ctx *ctx, const struct proc_rep *r)
{
	char list[200] = "";
	size_t off = 0;

	for (int i = 0; i < r->n && i < (int)ISO_ARRAY_SIZE(r->pids); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%d", i ? " " : "", r->pids[i]);
	iso_note(ctx, "proc_pids", "%d%s%s%s", r->n, r->n ? " (" : "", list,
		 r->n > (int)ISO_ARRAY_SIZE(r->pids) ? " ...)" :
		 r->n				     ? ")" :
						       "");
	iso_note(ctx, "proc_self", "%s", r->self);
	iso_note(ctx, "parent_visible", "%s", r->outsider_visible ? "yes" : "no");
}

/*
 * A proc shows the PID namespace of whoever mounted it: mounted fresh inside a new PID and mount
 * namespace it lists only that namespace's processes, /proc/self = 1 for its init (pid_namespaces(7),
 * "/proc and PID namespaces"). Control: no CLONE_NEWPID, the fresh proc lists the host's processes.
 */
static enum iso_verdict fresh_proc_shows_only_namespace_pids(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	struct proc_rep r;
	int e = proc_view(ctx, CLONE_NEWNS | pidns_flags(ctx), true, &r);

	if (e < 0)
		return iso_broken_err(ctx, e);
	note_pids(ctx, &r);
	if (r.n != 2 || r.outsider_visible || strcmp(r.self, "1") ||
	    !((r.pids[0] == 1 && r.pids[1] == r.g) || (r.pids[1] == 1 && r.pids[0] == r.g)))
		return iso_fail(ctx, "fresh proc: %d pids, not 1 and %d; /proc/self '%s'%s", r.n,
				r.g, r.self, r.outsider_visible ? ", the parent's among them" : "");
	return ISO_PASS;
}

/*
 * A new PID namespace without a fresh mount still reads the parent's /proc: the host's processes
 * (what ps shows), /proc/self its pid there, not 1 (pid_namespaces(7), "/proc and PID namespaces":
 * the /proc instance, not the reader, decides). Control: a fresh proc, without the parent's.
 */
static enum iso_verdict inherited_proc_shows_host_pids(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	struct proc_rep r;
	int e = proc_view(ctx, CLONE_NEWNS | CLONE_NEWPID, iso_ctx_is_control(ctx), &r);

	if (e < 0)
		return iso_broken_err(ctx, e);
	note_pids(ctx, &r);
	if (!r.outsider_visible || !strcmp(r.self, "1"))
		return iso_fail(ctx, "the %s /proc lists %d processes, without %d; /proc/self '%s'",
				iso_ctx_is_control(ctx) ? "fresh" : "inherited", r.n, getpid(),
				r.self);
	return ISO_PASS;
}

/* ---- NSpid: the parent sees the child's processes under other numbers ---- */

struct hold_arg {
	struct pidns_chan *ch;
};

struct hold_rep {
	int self; /* init's getpid() */
	int g; /* its child, as init sees it */
};

/* An init with one child; both stay until the case closes the command pipe. */
static int init_with_child(void *p)
{
	struct hold_arg *a = p;
	struct hold_rep r = { getpid(), 0 };

	pidns_chan_child(a->ch);
	r.g = fork();
	if (r.g == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (r.g < 0 || pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0)
		return 1;
	pidns_wait_cmd(a->ch->cmd[0]);
	kill(r.g, SIGKILL);
	waitpid(r.g, NULL, 0);
	return 0;
}

static void nspid_str(const long *ids, int n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%ld", i ? " " : "", ids[i]);
}

/*
 * A process is visible in its own PID namespace and in every ancestor, with one pid in each: the
 * parent namespace sees each process of the child namespace under another number, listed in the
 * NSpid line of /proc/PID/status from the outermost namespace in to the process's own
 * (pid_namespaces(7), "Nesting PID namespaces"; proc(5), NSpid). Control: no CLONE_NEWPID, NSpid
 * has one level.
 */
static enum iso_verdict parent_sees_child_pids_under_other_numbers(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct hold_arg a = { &ch };
	long ids_i[40], ids_g[40];
	char s_i[200], s_g[200];
	struct hold_rep r;
	_cleanup_pid_ pid_t init =
		pidns_start(ctx, pidns_flags(ctx), init_with_child, &a, &ch, &r, sizeof(r));
	int n_i, n_g;
	pid_t g_host;

	if (init < 0)
		return iso_broken(ctx, init, "clone an init with a child and read its report");
	g_host = pidns_find_child(init);
	if (g_host < 0)
		return iso_broken(ctx, g_host, "find the child's child in /proc");
	n_i = pidns_nspid(init, ids_i, ISO_ARRAY_SIZE(ids_i));
	n_g = pidns_nspid(g_host, ids_g, ISO_ARRAY_SIZE(ids_g));
	if (n_i == -ENOENT || n_g == -ENOENT)
		return iso_skip(ctx, "/proc/PID/status has no NSpid line (Linux 4.1+)");
	if (n_i < 0 || n_g < 0)
		return iso_broken(ctx, n_i < 0 ? n_i : n_g, "read /proc/PID/status");
	nspid_str(ids_i, n_i, s_i, sizeof(s_i));
	nspid_str(ids_g, n_g, s_g, sizeof(s_g));
	iso_note(ctx, "init_nspid", "%s", s_i);
	iso_note(ctx, "child_nspid", "%s", s_g);
	iso_note(ctx, "child_pid_inside", "%d", r.g);
	if (kill(g_host, 0) < 0)
		return iso_fail(ctx,
				"the parent namespace cannot signal the child's process %d: %s",
				(int)g_host, strerror(errno));
	if (n_i < 2 || n_g < 2)
		return iso_fail(ctx, "NSpid lists one level only (init: %s, its child: %s)", s_i,
				s_g);
	if (ids_i[0] != init || ids_i[n_i - 1] != r.self || ids_g[0] != g_host ||
	    ids_g[n_g - 1] != r.g || g_host == r.g || init == r.self)
		return iso_fail(
			ctx,
			"NSpid does not map outer to inner pids: init %d is '%s' (inside %d), "
			"its child %d is '%s' (inside %d)",
			(int)init, s_i, r.self, (int)g_host, s_g, r.g);
	return ISO_PASS;
}

/* ---- the child namespace sees nothing of its parent ---- */

struct blind_arg {
	struct pidns_chan *ch;
	pid_t outside[2];
};

struct blind_rep {
	int err[2];
};

static int probe_outside(void *p)
{
	struct blind_arg *a = p;
	struct blind_rep r;

	pidns_chan_child(a->ch);
	for (int i = 0; i < 2; i++)
		r.err[i] = kill(a->outside[i], 0) < 0 ? errno : 0;
	return pidns_send(a->ch->rep[1], &r, sizeof(r)) < 0;
}

/*
 * A child PID namespace cannot see (signal, name by pid) processes of its parent or further
 * ancestors: kill(pid, 0) for the parent namespace's pids fails with ESRCH (pid_namespaces(7),
 * "Nesting PID namespaces"). Control: no CLONE_NEWPID, the same pids are there.
 */
static enum iso_verdict child_sees_nothing_of_parent(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct blind_arg a = { &ch, { getpid(), getppid() } };
	enum iso_verdict v = ISO_PASS;
	struct blind_rep r;
	int e = pidns_spawn_report(ctx, pidns_flags(ctx), probe_outside, &a, &ch, &r, sizeof(r));

	if (e < 0)
		return iso_broken(ctx, e, "clone a child that probes the parent's pids");
	for (int i = 0; i < 2 && v == ISO_PASS; i++)
		v = iso_expect_errno_noted(ctx, i ? "kill_runner" : "kill_case", -r.err[i], ESRCH,
					   "kill(%d, 0) from inside", a.outside[i]);
	return v;
}

/* ---- kill(-1) from inside reaches only the namespace ---- */

/*
 * A probe counts SIGUSR1 and answers each command byte with the count. Written
 * only by the probe's signal handler, in a forked process.
 */
static volatile sig_atomic_t probe_hits, probe_from;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	probe_hits++;
	probe_from = si->si_pid;
}

struct probe_rep {
	int hits, from;
};

static int drop_to(uid_t uid)
{
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	return 0;
}

/* Runs as uid, answers until EOF. */
static int probe_main(struct pidns_chan *ch, uid_t uid)
{
	struct sigaction sa = { .sa_sigaction = probe_handler, .sa_flags = SA_SIGINFO };
	struct probe_rep r = { 0, 0 };

	pidns_chan_child(ch);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0 || drop_to(uid) < 0)
		return 1;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (pidns_send(ch->rep[1], &r, sizeof(r)) < 0)
		return 1;
	while (pidns_wait_cmd(ch->cmd[0]) > 0) {
		r.hits = probe_hits;
		r.from = probe_from;
		if (pidns_send(ch->rep[1], &r, sizeof(r)) < 0)
			return 1;
	}
	return 0;
}

struct killall_arg {
	struct pidns_chan *ch; /* init's */
	struct pidns_chan *inner; /* the inside probe's */
	struct pidns_chan *outer; /* the outside probe's */
	uid_t uid;
};

static int outer_probe(void *p)
{
	struct killall_arg *a = p;

	return probe_main(a->outer, a->uid);
}

/* init: starts the inside probe, then on 'g' a sender that does kill(-1, SIGUSR1). */
static int killall_init(void *p)
{
	struct killall_arg *a = p;
	int keep[] = { a->ch->cmd[0], a->ch->rep[1], a->inner->cmd[0], a->inner->rep[1] };
	int res[2] = { 0, 0 };
	pid_t probe, sender;

	pidns_keep_fds(keep, ISO_ARRAY_SIZE(keep));
	probe = fork();
	if (probe == 0)
		_exit(probe_main(a->inner, a->uid));
	close(a->inner->cmd[0]);
	close(a->inner->rep[1]);
	if (probe < 0 || pidns_wait_cmd(a->ch->cmd[0]) != 'g')
		return 1;
	sender = fork();
	if (sender == 0) {
		int r = drop_to(a->uid);

		if (r == 0)
			r = kill(-1, SIGUSR1) < 0 ? errno : 0;
		else
			r = -r;
		res[0] = getpid();
		res[1] = r;
		_exit(pidns_send(a->ch->rep[1], res, sizeof(res)) < 0);
	}
	if (sender > 0)
		waitpid(sender, NULL, 0);
	pidns_wait_cmd(a->ch->cmd[0]);
	kill(probe, SIGKILL);
	waitpid(probe, NULL, 0);
	return 0;
}

/* Asks a probe for its count. Returns 0 or -errno. */
static int probe_ask(struct iso_ctx *ctx, struct pidns_chan *ch, struct probe_rep *r)
{
	ssize_t n;
	int e = pidns_send(ch->cmd[1], "?", 1);

	if (e < 0)
		return e;
	n = pidns_recv(ch->rep[0], r, sizeof(*r), iso_ctx_ms(ctx, 2000));
	return n == sizeof(*r) ? 0 : n < 0 ? (int)n : -EPROTO;
}

/* A uid no process on the host uses, derived from the run tag. Returns it or -EBUSY. */
static int64_t unused_uid(struct iso_ctx *ctx)
{
	uid_t uid = 0x60000000u | (strtoul(iso_ctx_tag(ctx), NULL, 16) & 0xffffff);

	for (int i = 0; i < 8; i++, uid += 0x01000000u)
		if (!pidns_uid_in_use(uid))
			return uid;
	return -EBUSY;
}

/*
 * kill(-1, sig) sends to every process the caller may signal, except itself and PID 1 of its
 * namespace (kill(2)); inside a PID namespace that is only the namespace's own processes: nothing
 * outside is visible to it (pid_namespaces(7), "Nesting PID namespaces"). The sender and two
 * probes, one inside and one in the parent namespace, run as an otherwise unused uid, so that
 * kill(-1) can reach no other process of the host in either mode. Control: no CLONE_NEWPID, the
 * outside probe is hit too.
 */
static enum iso_verdict kill_all_from_inside_stays_inside(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	unsigned long flags = iso_ctx_is_control(ctx) ? 0 : CLONE_NEWPID;
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT, inner = PIDNS_CHAN_INIT,
					 outer = PIDNS_CHAN_INIT;
	struct killall_arg a = { &ch, &inner, &outer, 0 };
	_cleanup_pid_ pid_t init = -1, outside = -1;
	struct probe_rep ri, ro;
	int64_t uid;
	int e, res[2];
	ssize_t n;

	if ((e = pidns_case_setup()) < 0)
		return iso_broken(ctx, e, "set up the case");
	uid = unused_uid(ctx);
	if (uid < 0)
		return iso_broken(ctx, uid, "find a uid no process uses");
	a.uid = uid;
	iso_note(ctx, "uid", "%lld", (long long)uid);
	if ((e = pidns_chan_open(&outer)) < 0)
		return iso_broken(ctx, e, "pipe");
	outside = iso_spawn(0, outer_probe, &a);
	if (outside < 0)
		return iso_broken(ctx, outside, "fork the outside probe");
	pidns_chan_parent(&outer);
	if ((e = pidns_recv(outer.rep[0], &ro, sizeof(ro), iso_ctx_ms(ctx, 2000))) != sizeof(ro))
		return iso_broken(ctx, e < 0 ? e : -EPROTO, "start the outside probe");
	if ((e = pidns_chan_open(&ch)) < 0 || (e = pidns_chan_open(&inner)) < 0)
		return iso_broken(ctx, e, "pipe");
	init = iso_spawn(flags, killall_init, &a);
	if (init < 0)
		return iso_broken(ctx, init, "clone");
	pidns_chan_parent(&ch);
	pidns_chan_parent(&inner);
	if ((e = pidns_recv(inner.rep[0], &ri, sizeof(ri), iso_ctx_ms(ctx, 2000))) != sizeof(ri))
		return iso_broken(ctx, e < 0 ? e : -EPROTO, "start the inside probe");
	if ((e = pidns_send(ch.cmd[1], "g", 1)) < 0)
		return iso_broken(ctx, e, "start the sender");
	n = pidns_recv(ch.rep[0], res, sizeof(res), iso_ctx_ms(ctx, 2000));
	if (n != sizeof(res))
		return iso_broken(ctx, n < 0 ? n : -EPROTO, "read the sender's kill(-1) result");
	if (res[1] < 0)
		return iso_broken(ctx, res[1], "the sender's setresuid(%lld)", (long long)uid);
	if ((e = probe_ask(ctx, &inner, &ri)) < 0 || (e = probe_ask(ctx, &outer, &ro)) < 0)
		return iso_broken(ctx, e, "ask the probes what they got");
	iso_note(ctx, "kill_minus_one", "%s", res[1] ? strerror(res[1]) : "0");
	iso_note(ctx, "inside_probe_hits", "%d (si_pid %d, sender %d)", ri.hits, ri.from, res[0]);
	iso_note(ctx, "outside_probe_hits", "%d (si_pid %d)", ro.hits, ro.from);
	pidns_chan_close(&ch);
	pidns_chan_close(&inner);
	pidns_chan_close(&outer);
	pidns_wait_or_kill(ctx, init, NULL, iso_ctx_ms(ctx, 2000));
	pidns_wait_or_kill(ctx, outside, NULL, iso_ctx_ms(ctx, 2000));
	init = outside = -1;
	pidns_reap_all(ctx);
	if (ro.hits)
		return iso_fail(ctx,
				"kill(-1, SIGUSR1) from inside reached a process of the parent "
				"namespace (it saw si_pid %d)",
				ro.from);
	if (!ri.hits)
		return iso_fail(ctx,
				"kill(-1, SIGUSR1) from inside reached nothing, not even a "
				"process of its own namespace (kill gave %s)",
				res[1] ? strerror(res[1]) : "0");
	return ISO_PASS;
}

static const struct iso_case cases[] = {
	ISO_CASE(first_child_is_pid1,
		 .doc = "the first process of a new PID namespace has getpid() 1 and getppid() 0 "
			"(pid_namespaces(7))",
		 .timeout_ms = 5000, .req = PIDNS_REQ),
	ISO_CASE(fresh_proc_shows_only_namespace_pids,
		 .doc = "a proc mounted in a PID namespace lists only its pids (pid_namespaces(7))",
		 .timeout_ms = 5000,
		 .req = PIDNS_REQ_ROOT("the control mounts the host PID namespace's /proc",
				       .ns = CLONE_NEWPID | CLONE_NEWNS)),
	ISO_CASE(inherited_proc_shows_host_pids,
		 .doc = "without a fresh proc mount a new PID namespace still sees the host's "
			"processes in /proc: the /proc instance decides (pid_namespaces(7))",
		 .timeout_ms = 5000,
		 .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID | CLONE_NEWNS }),
	ISO_CASE(parent_sees_child_pids_under_other_numbers,
		 .doc = "the parent namespace sees every process of a child namespace under another "
			"pid, listed by NSpid in /proc/PID/status (pid_namespaces(7), proc(5))",
		 .timeout_ms = 5000,
		 .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID, .kernel = "4.1" }),
	ISO_CASE(child_sees_nothing_of_parent,
		 .doc = "from inside a PID namespace the parent namespace's pids do not exist: "
			"kill(pid, 0) gives ESRCH (pid_namespaces(7))",
		 .timeout_ms = 5000, .req = PIDNS_REQ),
	ISO_CASE(
		kill_all_from_inside_stays_inside,
		.doc = "kill(-1) from inside a PID namespace reaches the namespace's processes and "
		       "nothing outside it (kill(2), pid_namespaces(7))",
		.timeout_ms = 5000,
		.req = PIDNS_REQ_ROOT("its outside probe (not yet made to run in a user namespace)",
				      .ns = CLONE_NEWPID)),
};

const struct iso_cases pidns_visibility_cases = ISO_CASES(cases);
