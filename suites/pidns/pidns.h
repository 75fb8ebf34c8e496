/* SPDX-License-Identifier: MIT */
/*
 * The PID namespace suite: helpers its files share, and the case tables suite.c joins.
 *
 * Every case is one function for the case and its negative control: it reads
 * iso_ctx_is_control() to leave the isolation out (CLONE_NEWPID, a fresh /proc).
 * Processes a case forks report back over pipes (struct pidns_chan); nothing of
 * theirs outlives the case: each is reaped, and the case process is a child
 * subreaper so that orphans of a negative control come back to it.
 */
#ifndef PIDNS_H
#define PIDNS_H

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "iso.h"

/*
 * What most cases need, for their table entry: root, or root of a user namespace of
 * its own, and PID namespaces.
 */
#define PIDNS_REQ                                                   \
	{                                                           \
		.root = true, .userns_ok = true, .ns = CLONE_NEWPID \
	}

/* The same where the case needs the initial user namespace: why, then its .ns and more. */
#define PIDNS_REQ_ROOT(why, ...)                             \
	{                                                    \
		.root = true, .root_for = (why), __VA_ARGS__ \
	}

/* Each case file's table, in the order of the suite (suite.c). */
extern const struct iso_cases pidns_signals_cases;
extern const struct iso_cases pidns_visibility_cases;
extern const struct iso_cases pidns_lifecycle_cases;
extern const struct iso_cases pidns_nesting_cases;

/* ---- common.c ---- */

/* Two pipes between a case and a process it forks: commands down, reports up. */
struct pidns_chan {
	int cmd[2];
	int rep[2];
};
#define PIDNS_CHAN_INIT        \
	{                      \
		{ -1, -1 },    \
		{              \
			-1, -1 \
		}              \
	}

/* Opens both pipes. Returns 0 or -errno. */
int pidns_chan_open(struct pidns_chan *c);
/* After the fork, in the parent: closes the child's ends. */
void pidns_chan_parent(struct pidns_chan *c);
void pidns_chan_close(struct pidns_chan *c);
#define _cleanup_chan_ __attribute__((cleanup(pidns_chan_close)))

/*
 * In a forked child: closes every descriptor from 3 up except the n in keep (-1
 * entries ignored), so that a pipe reports EOF once the processes meant to hold it
 * are gone. Returns 0 or -errno.
 */
int pidns_keep_fds(const int *keep, int n);
/* pidns_keep_fds for a child that talks over one chan (its cmd[0] and rep[1]). */
int pidns_chan_child(struct pidns_chan *c);

/* Writes all of buf. Returns 0 or -errno. */
int pidns_send(int fd, const void *buf, size_t len);
/* Reads exactly len bytes within timeout_ms (scaled by the caller: iso_ctx_ms, or a value a
 * child got through its arg). Returns len, 0 on EOF, -ETIMEDOUT or -errno. */
ssize_t pidns_recv(int fd, void *buf, size_t len, unsigned int timeout_ms);
/* Waits for a command byte (EINTR restarts). Returns the byte, 0 on EOF, or -errno. */
int pidns_wait_cmd(int fd);

/*
 * What every case does first: ignore SIGPIPE (a report pipe may lose its reader
 * when the kernel kills a namespace) and become a child subreaper, so that processes
 * orphaned outside any new PID namespace come back to the case. Returns 0 or -errno.
 */
int pidns_case_setup(void);
/* Reaps every child of the caller (orphans included) within iso_ctx_ms(ctx, 2000).
 * Returns the count, or -ETIMEDOUT if some are still running. */
int pidns_reap_all(struct iso_ctx *ctx);
/*
 * The first declaration of every case, `_cleanup_reap_ struct iso_ctx *reap = ctx;`:
 * cleanup attributes run in reverse order, so this one runs after the case's others
 * (its fds and children) on every path, and reaps what came back to the case as
 * subreaper (pidns_reap_all).
 */
void pidns_reap_at_exit(struct iso_ctx **ctx);
#define _cleanup_reap_ __attribute__((cleanup(pidns_reap_at_exit)))
/*
 * Waits up to timeout_ms (scaled by the caller) for pid; on timeout kills it and
 * waits iso_ctx_ms(ctx, 5000) more. Returns 0 or -errno; *status as waitpid's.
 */
int pidns_wait_or_kill(struct iso_ctx *ctx, pid_t pid, int *status, unsigned int timeout_ms);
/*
 * For a process that stays (an init, a holder): pidns_case_setup(), opens ch (closed,
 * as PIDNS_CHAN_INIT leaves it), spawns fn(arg) with clone flags (arg holds ch) and
 * reads its first report of len bytes within iso_ctx_ms(ctx, 3000). Returns its pid
 * (the caller's to end: closing ch->cmd, or _cleanup_pid_), or -EPROTO (no full
 * report) or -errno, the process killed and reaped.
 */
pid_t pidns_start(struct iso_ctx *ctx, unsigned long flags, int (*fn)(void *), void *arg,
		  struct pidns_chan *ch, void *rep, size_t len);
/*
 * The common shape of a case: pidns_start, then closes ch->cmd (the child may wait
 * for that EOF) and waits for the child (orphans it left are the caller's to reap).
 * Returns 0, -EPROTO if the child exited without a full report, or -errno.
 */
int pidns_spawn_report(struct iso_ctx *ctx, unsigned long flags, int (*fn)(void *), void *arg,
		       struct pidns_chan *ch, void *rep, size_t len);

/* The clone flags of most cases: CLONE_NEWPID for the case, 0 for its control. */
static inline unsigned long pidns_flags(const struct iso_ctx *ctx)
{
	return iso_ctx_is_control(ctx) ? 0 : CLONE_NEWPID;
}

/* What pidns_idle reports. */
struct pidns_ready {
	int pid; /* its getpid() */
	int err;
};
/*
 * A child (arg: its struct pidns_chan) that reports struct pidns_ready, then waits
 * until the command pipe closes, then exits.
 */
int pidns_idle(void *ch);
/* pidns_start of pidns_idle on ch: a process (an init with flags) that stays. Returns as it. */
pid_t pidns_start_idle(struct iso_ctx *ctx, unsigned long flags, struct pidns_chan *ch);

/*
 * Reads the NSpid line of /proc/PID/status (the pid in each namespace from the one
 * of the /proc mount down to the process's own). Returns the count, -ENOENT if the
 * kernel has no NSpid (before 4.1), or -errno.
 */
int pidns_nspid(pid_t pid, long *ids, int max);
/* Nesting level of the caller's PID namespace as far as /proc shows (0: initial). */
int pidns_own_level(void);
/* The first process whose parent is ppid (scan of /proc). Returns its pid or -ESRCH. */
pid_t pidns_find_child(pid_t ppid);
/*
 * Lists the numeric entries of a proc directory into pids (up to max). Returns the
 * total count (may exceed max) or -errno.
 */
int pidns_proc_pids(const char *dir, pid_t *pids, int max);
/* True if some process on the host has uid as real, effective, saved or fs uid. */
bool pidns_uid_in_use(uid_t uid);

/* Describes a wait status: "exited 0", "killed by SIGKILL", "stopped by SIGSTOP". */
const char *pidns_status_str(int status, char *buf, size_t len);
/* For notes: strerror(err), or "0" when err (a positive errno) is 0. */
const char *pidns_errstr(int err);
/* "SIGTERM" for SIGTERM. */
const char *pidns_sig_name(int sig);

#endif
