// SPDX-License-Identifier: MIT
/*
 * The PID 1 signal matrix (pid_namespaces(7), "The namespace init process"; kernel
 * side: kernel/signal.c, sig_task_ignored() and SIGNAL_UNKILLABLE):
 *
 *   - Only signals for which init has established a handler can be sent to it by
 *     other members of its namespace, privileged or not, and that includes init
 *     itself: unhandled signals, SIGKILL and SIGSTOP among them, are dropped.
 *   - A process in an ancestor namespace can likewise send init only the signals
 *     it has a handler for (and the handler sees si_pid 0), except SIGKILL and
 *     SIGSTOP, which are forcibly delivered: init dies or stops.
 *
 * One case per sender (init itself, another process of the namespace, a process of
 * the parent namespace) x handler (none, installed); each iterates SIGTERM, SIGINT,
 * SIGHUP, SIGUSR1, SIGKILL and SIGSTOP, every signal against a fresh init, and
 * records every cell as a note. SIGKILL and SIGSTOP cannot get a handler
 * (sigaction(2): EINVAL), so in the "handled" rows they keep their unhandled
 * outcome.
 *
 * Negative control: the same expectations with no CLONE_NEWPID, where "init" is an
 * ordinary process: it dies of the unhandled signals it sends itself or gets from
 * a sibling, and a handler sees the sender's real pid instead of 0.
 *
 * How a cell is observed without sleeping: the sender's kill(2) has returned (so
 * the signal is either pending on init or dropped) before init is asked for a
 * report over a pipe; the kernel runs every pending handler, or the default
 * action, before that read(2) returns to user space. So init either reports what
 * its handler saw, or the case's waitpid(2) sees it killed or stopped.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidns.h"

enum sender { FROM_SELF, FROM_INSIDE, FROM_PARENT };
enum outcome { OUT_NONE, OUT_IGNORED, OUT_HANDLED, OUT_KILLED, OUT_STOPPED };

static const char *const outcome_names[] = {
	[OUT_NONE] = "no outcome", [OUT_IGNORED] = "ignored", [OUT_HANDLED] = "handled",
	[OUT_KILLED] = "killed",   [OUT_STOPPED] = "stopped",
};
static const char *const sender_names[] = {
	[FROM_SELF] = "init itself",
	[FROM_INSIDE] = "another process of the namespace",
	[FROM_PARENT] = "a process of the parent namespace",
};

static const int matrix_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGKILL, SIGSTOP };

/* Messages up the report pipe: R ready (init), S sent (sibling), I report (init). */
struct sig_msg {
	int type;
	int a, b, c;
};

struct sig_init_arg {
	struct pidns_chan *ch;
	enum sender sender;
	bool handler;
	int sig;
};

/*
 * Written only by the signal handler of a cell's init, a forked process: a handler
 * has nowhere else to put what it saw.
 */
static volatile sig_atomic_t caught_sig, caught_pid;

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	caught_sig = sig;
	caught_pid = si->si_pid;
}

/* The sibling: kills init (its parent) with sig and says so. */
static int sibling_main(pid_t init, int sig, int rep)
{
	struct sig_msg m = { 'S', getpid(), 0, 0 };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	m.c = kill(init, sig) < 0 ? errno : 0;
	pidns_send(rep, &m, sizeof(m));
	return 0;
}

/* The "init" of one cell. */
static int sig_init_main(void *p)
{
	struct sig_init_arg *a = p;
	struct sig_msg m = { 'R', getpid(), 0, 0 };
	pid_t self = getpid(), sib;
	sigset_t none;

	pidns_chan_child(a->ch);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; i < ISO_ARRAY_SIZE(matrix_signals); i++)
		if (matrix_signals[i] != SIGKILL && matrix_signals[i] != SIGSTOP)
			signal(matrix_signals[i], SIG_DFL);
	if (a->handler) {
		struct sigaction sa = { .sa_sigaction = record, .sa_flags = SA_SIGINFO };

		sigemptyset(&sa.sa_mask);
		if (sigaction(a->sig, &sa, NULL) < 0)
			m.b = errno;
	}
	if (pidns_send(a->ch->rep[1], &m, sizeof(m)) < 0)
		return 1;
	if (pidns_wait_cmd(a->ch->cmd[0]) != 'g')
		return 1;
	m = (struct sig_msg){ 'I', 0, 0, 0 };
	switch (a->sender) {
	case FROM_SELF:
		m.c = kill(self, a->sig) < 0 ? errno : 0;
		break;
	case FROM_INSIDE:
		sib = fork();
		if (sib == 0)
			_exit(sibling_main(self, a->sig, a->ch->rep[1]));
		if (sib < 0)
			m.c = errno;
		while (sib > 0 && waitpid(sib, NULL, 0) < 0 && errno == EINTR)
			;
		break;
	case FROM_PARENT:
		/* The case sent the signal before the command that woke us. */
		break;
	}
	m.a = caught_sig;
	m.b = caught_pid;
	if (pidns_send(a->ch->rep[1], &m, sizeof(m)) < 0)
		return 1;
	pidns_wait_cmd(a->ch->cmd[0]);
	return 0;
}

struct cell {
	int sig;
	enum outcome got;
	int status; /* wait status when killed or stopped */
	int seen_pid; /* si_pid the handler saw */
	int send_err; /* errno of the sender's kill(2); -1 unknown */
	int sender_pid; /* the sender's pid as init's namespace sees it; -1 unknown */
	int sigaction_err;
	int init_pid; /* init's getpid() */
};

/* Runs one cell against a fresh init. Returns 0 or -errno (setup failed). */
static int run_cell(struct iso_ctx *ctx, unsigned long flags, enum sender s, bool handler, int sig,
		    struct cell *out)
{
	_cleanup_chan_ struct pidns_chan ch = PIDNS_CHAN_INIT;
	struct sig_init_arg a = { &ch, s, handler, sig };
	uint64_t deadline;
	struct sig_msg m;
	pid_t init;
	int r, st;

	*out = (struct cell){ .sig = sig, .send_err = -1, .sender_pid = -1 };
	r = pidns_chan_open(&ch);
	if (r < 0)
		return r;
	init = iso_spawn(flags, sig_init_main, &a);
	if (init < 0)
		return init;
	pidns_chan_parent(&ch);
	r = pidns_recv(ch.rep[0], &m, sizeof(m), iso_ctx_ms(ctx, 2000));
	if (r != sizeof(m) || m.type != 'R') {
		iso_kill_wait(init);
		return r < 0 ? r : -EPROTO;
	}
	out->init_pid = m.a;
	out->sigaction_err = m.b;
	if (s == FROM_SELF)
		out->sender_pid = m.a;
	if (s == FROM_PARENT) {
		out->send_err = kill(init, sig) < 0 ? errno : 0;
		out->sender_pid = 0;
	}
	/* A closed pipe here means init is already gone; waitpid says how. */
	pidns_send(ch.cmd[1], "g", 1);
	deadline = iso_now_ms() + iso_ctx_ms(ctx, 2000);
	while (out->got == OUT_NONE) {
		struct pollfd p = { .fd = ch.rep[0], .events = POLLIN };

		if (ch.rep[0] >= 0 && poll(&p, 1, (int)iso_ctx_ms(ctx, 5)) > 0) {
			r = pidns_recv(ch.rep[0], &m, sizeof(m), iso_ctx_ms(ctx, 1000));
			if (r == sizeof(m) && m.type == 'S') {
				out->sender_pid = m.a;
				out->send_err = m.c;
			} else if (r == sizeof(m) && m.type == 'I') {
				out->got = m.a == sig ? OUT_HANDLED : OUT_IGNORED;
				out->seen_pid = m.b;
				if (s == FROM_SELF)
					out->send_err = m.c;
				break;
			} else {
				/* EOF: every writer is gone, init included. */
				close(ch.rep[0]);
				ch.rep[0] = -1;
			}
		} else if (ch.rep[0] < 0) {
			iso_sleep_ms(iso_ctx_ms(ctx, 2));
		}
		r = waitpid(init, &st, WNOHANG | WUNTRACED | __WALL);
		if (r == init) {
			out->status = st;
			if (!WIFSTOPPED(st))
				init = -1;
			if (WIFSTOPPED(st))
				out->got = OUT_STOPPED;
			else if (WIFSIGNALED(st))
				out->got = OUT_KILLED;
			else
				break; /* exited on its own: no outcome */
		}
		if (iso_now_ms() >= deadline)
			break;
	}
	/* Let init finish (or end it) and take back whatever the cell orphaned. */
	close(ch.cmd[1]);
	ch.cmd[1] = -1;
	if (init > 0) {
		if (out->got == OUT_STOPPED)
			kill(init, SIGKILL);
		pidns_wait_or_kill(ctx, init, NULL, iso_ctx_ms(ctx, 2000));
	}
	r = pidns_reap_all(ctx);
	if (r < 0)
		return r;
	return out->got == OUT_NONE ? -ETIMEDOUT : 0;
}

static enum outcome expected_outcome(enum sender s, bool handler, int sig)
{
	bool catchable = sig != SIGKILL && sig != SIGSTOP;

	if (handler && catchable)
		return OUT_HANDLED;
	if (s == FROM_PARENT && sig == SIGKILL)
		return OUT_KILLED;
	if (s == FROM_PARENT && sig == SIGSTOP)
		return OUT_STOPPED;
	return OUT_IGNORED;
}

/* "handled, si_pid=0", "killed by SIGKILL", "ignored". */
static void describe(const struct cell *c, char *buf, size_t len)
{
	char st[64];

	switch (c->got) {
	case OUT_HANDLED:
		snprintf(buf, len, "handled, si_pid=%d", c->seen_pid);
		break;
	case OUT_KILLED:
	case OUT_STOPPED:
		snprintf(buf, len, "%s", pidns_status_str(c->status, st, sizeof(st)));
		break;
	default:
		snprintf(buf, len, "%s", outcome_names[c->got]);
	}
}

/* One row of the matrix: who sends, and whether init has a handler. */
struct sig_row {
	enum sender sender;
	bool handler;
};

/*
 * One body for the six rows (the variant names the sender and the handler): every signal of the row
 * against a fresh init, its outcome as pid_namespaces(7) states it (see the top of this file).
 * Control: no CLONE_NEWPID, "init" is an ordinary process.
 */
static enum iso_verdict init_signal_row(struct iso_ctx *ctx)
{
	_cleanup_reap_ struct iso_ctx *reap = ctx;
	const struct sig_row *row = iso_ctx_arg(ctx);
	enum sender s = row->sender;
	bool handler = row->handler, newpid = !iso_ctx_is_control(ctx);
	unsigned long flags = newpid ? CLONE_NEWPID : 0;
	char mismatch[900] = "", got[64], want[64];
	size_t off = 0;
	int r;

	r = pidns_case_setup();
	if (r < 0)
		return iso_broken(ctx, r, "prctl(PR_SET_CHILD_SUBREAPER)");
	iso_note(ctx, "sender", "%s", sender_names[s]);
	iso_note(ctx, "handler", handler ? "installed (SA_SIGINFO)" : "none (SIG_DFL)");
	for (size_t i = 0; i < ISO_ARRAY_SIZE(matrix_signals); i++) {
		int sig = matrix_signals[i];
		enum outcome want_out = expected_outcome(s, handler, sig);
		struct cell c;
		bool ok;

		r = run_cell(ctx, flags, s, handler, sig, &c);
		if (r < 0)
			return iso_broken(ctx, r, "%s: run a fresh init and signal it",
					  pidns_sig_name(sig));
		if (handler && (sig == SIGKILL || sig == SIGSTOP) && c.sigaction_err != EINVAL)
			return iso_fail(ctx, "sigaction(%s) gave %s, expected EINVAL",
					pidns_sig_name(sig),
					c.sigaction_err ? strerror(c.sigaction_err) : "success");
		if (handler && sig != SIGKILL && sig != SIGSTOP && c.sigaction_err)
			return iso_broken(ctx, -c.sigaction_err, "sigaction(%s)",
					  pidns_sig_name(sig));
		if (newpid && c.init_pid != 1)
			return iso_broken(ctx, 0, "the first child of CLONE_NEWPID has pid %d",
					  c.init_pid);
		describe(&c, got, sizeof(got));
		if (want_out == OUT_HANDLED)
			snprintf(want, sizeof(want), "handled, si_pid=%d", c.sender_pid);
		else if (want_out == OUT_KILLED || want_out == OUT_STOPPED)
			snprintf(want, sizeof(want), "%s by %s", outcome_names[want_out],
				 pidns_sig_name(sig));
		else
			snprintf(want, sizeof(want), "%s", outcome_names[want_out]);
		ok = c.got == want_out;
		if (ok && want_out == OUT_HANDLED)
			ok = c.sender_pid >= 0 && c.seen_pid == c.sender_pid;
		if (ok && want_out == OUT_KILLED)
			ok = WTERMSIG(c.status) == sig;
		if (ok && want_out == OUT_STOPPED)
			ok = WSTOPSIG(c.status) == sig;
		iso_note(ctx, pidns_sig_name(sig), "%s%s%s (kill: %s)", got,
			 ok ? "" : ", expected ", ok ? "" : want,
			 c.send_err < 0 ? "unknown" :
			 c.send_err	? strerror(c.send_err) :
					  "0");
		if (!ok && off < sizeof(mismatch))
			off += snprintf(mismatch + off, sizeof(mismatch) - off,
					"%s%s: %s, expected %s", off ? "; " : "",
					pidns_sig_name(sig), got, want);
	}
	if (off)
		return iso_fail(ctx, "signals from %s to %s: %s", sender_names[s],
				newpid ? "PID 1" : "an ordinary process", mismatch);
	return ISO_PASS;
}

static const struct iso_case cases[] = {
	ISO_VARIANT(init_signal_from_self_unhandled, init_signal_row,
		    ISO_ARG(struct sig_row, FROM_SELF, false),
		    .doc = "PID 1 signalling itself: no signal without a handler is delivered, not "
			   "even SIGKILL or SIGSTOP (pid_namespaces(7))",
		    .timeout_ms = 10000,
		    .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID }),
	ISO_VARIANT(init_signal_from_self_handled, init_signal_row,
		    ISO_ARG(struct sig_row, FROM_SELF, true),
		    .doc = "PID 1 signalling itself: signals it has a handler for are delivered; "
			   "SIGKILL and SIGSTOP cannot get one and stay dropped (pid_namespaces(7))",
		    .timeout_ms = 10000,
		    .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID }),
	ISO_VARIANT(init_signal_from_inside_unhandled, init_signal_row,
		    ISO_ARG(struct sig_row, FROM_INSIDE, false),
		    .doc = "another process of the namespace cannot deliver any signal PID 1 has no "
			   "handler for, SIGKILL and SIGSTOP included (pid_namespaces(7))",
		    .timeout_ms = 10000,
		    .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID }),
	ISO_VARIANT(init_signal_from_inside_handled, init_signal_row,
		    ISO_ARG(struct sig_row, FROM_INSIDE, true),
		    .doc = "another process of the namespace delivers to PID 1 the signals it "
			   "handles, with its own pid in si_pid; SIGKILL and SIGSTOP stay dropped "
			   "(pid_namespaces(7))",
		    .timeout_ms = 10000,
		    .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID }),
	ISO_VARIANT(
		init_signal_from_parent_unhandled, init_signal_row,
		ISO_ARG(struct sig_row, FROM_PARENT, false),
		.doc = "from the parent namespace, unhandled signals to PID 1 are dropped except "
		       "SIGKILL and SIGSTOP, which are forced (pid_namespaces(7))",
		.timeout_ms = 10000,
		.req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID }),
	ISO_VARIANT(
		init_signal_from_parent_handled, init_signal_row,
		ISO_ARG(struct sig_row, FROM_PARENT, true),
		.doc = "from the parent namespace, handled signals reach PID 1 with si_pid 0 and "
		       "SIGKILL and SIGSTOP are forced (pid_namespaces(7))",
		.timeout_ms = 10000,
		.req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID }),
};

const struct iso_cases pidns_signals_cases = ISO_CASES(cases);
