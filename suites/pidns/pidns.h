/* SPDX-License-Identifier: MIT */
/*
 * The PID namespace suite: helpers its files share, and the cases suite.c lists.
 *
 * Every case is one function taking the isolation as a flag (CLONE_NEWPID on or off,
 * a fresh /proc or not); PIDNS_PAIR defines its two thin entry points, pidns_NAME
 * (the assertion with the isolation) and pidns_NAME_control (the same assertion
 * without it, which must fail). Processes a case forks report back over pipes (struct pidns_chan);
 * nothing of theirs outlives the case: each is reaped, and the case process is a
 * child subreaper so that orphans of a negative control come back to it.
 */
#ifndef PIDNS_H
#define PIDNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "iso.h"

#define PIDNS_PAIR(name)                                             \
	enum iso_verdict pidns_##name(struct iso_ctx *ctx)           \
	{                                                            \
		return pidns_finish(ctx, name(ctx, true));           \
	}                                                            \
	enum iso_verdict pidns_##name##_control(struct iso_ctx *ctx) \
	{                                                            \
		return pidns_finish(ctx, name(ctx, false));          \
	}

#define PIDNS_DECLARE(name)                                 \
	enum iso_verdict pidns_##name(struct iso_ctx *ctx); \
	enum iso_verdict pidns_##name##_control(struct iso_ctx *ctx);

/* signals.c: the PID 1 signal matrix, one case per sender x handler. */
PIDNS_DECLARE(init_signal_from_self_unhandled)
PIDNS_DECLARE(init_signal_from_self_handled)
PIDNS_DECLARE(init_signal_from_inside_unhandled)
PIDNS_DECLARE(init_signal_from_inside_handled)
PIDNS_DECLARE(init_signal_from_parent_unhandled)
PIDNS_DECLARE(init_signal_from_parent_handled)
/* visibility.c */
PIDNS_DECLARE(first_child_is_pid1)
PIDNS_DECLARE(fresh_proc_shows_only_namespace_pids)
PIDNS_DECLARE(inherited_proc_shows_host_pids)
PIDNS_DECLARE(parent_sees_child_pids_under_other_numbers)
PIDNS_DECLARE(child_sees_nothing_of_parent)
PIDNS_DECLARE(kill_all_from_inside_stays_inside)
/* lifecycle.c */
PIDNS_DECLARE(orphan_reparented_to_namespace_init)
PIDNS_DECLARE(init_exit_kills_namespace)
PIDNS_DECLARE(fork_into_dead_namespace_fails_enomem)
PIDNS_DECLARE(unshare_moves_children_not_caller)
PIDNS_DECLARE(unshare_fork_after_first_child_exits_fails_enomem)
PIDNS_DECLARE(unshare_newpid_only_once)
/* nesting.c */
PIDNS_DECLARE(nesting_stops_at_32_levels)
PIDNS_DECLARE(ns_get_parent_is_creator_namespace)
PIDNS_DECLARE(setns_pid_places_next_child)
PIDNS_DECLARE(setns_pid_for_children_places_next_child)
PIDNS_DECLARE(setns_cannot_enter_ancestor)

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
/* Reads exactly len bytes within timeout_ms. Returns len, 0 on EOF, -ETIMEDOUT or -errno. */
ssize_t pidns_recv(int fd, void *buf, size_t len, unsigned int timeout_ms);
/* Waits for a command byte (EINTR restarts). Returns the byte, 0 on EOF, or -errno. */
int pidns_wait_cmd(int fd);

/*
 * What every case does first: ignore SIGPIPE (a report pipe may lose its reader
 * when the kernel kills a namespace) and become a child subreaper, so that processes
 * orphaned outside any new PID namespace come back to the case. Returns 0 or -errno.
 */
int pidns_case_setup(void);
/*
 * Called by the PIDNS_PAIR entry points after the case (and its cleanup attributes)
 * returned: reaps what came back to the case as subreaper, on every path. Returns v.
 */
enum iso_verdict pidns_finish(struct iso_ctx *ctx, enum iso_verdict v);
/* Reaps every child of the caller (orphans included) within timeout_ms. Returns the
 * count, or -ETIMEDOUT if some are still running. */
int pidns_reap_all(unsigned int timeout_ms);
/* Waits for pid; on timeout kills it. Returns 0 or -errno; *status as waitpid's. */
int pidns_wait_or_kill(pid_t pid, int *status, unsigned int timeout_ms);
/*
 * The common shape of a case: spawns fn(arg) with clone flags (arg holds ch, opened
 * by the caller), reads one report of len bytes from ch->rep, closes ch->cmd (the
 * child may wait for that EOF) and waits for the child (orphans it left are the
 * caller's to reap). Returns 0, -EPROTO if the child exited without a full report,
 * or -errno.
 */
int pidns_spawn_report(struct iso_ctx *ctx, unsigned long flags, int (*fn)(void *), void *arg,
		       struct pidns_chan *ch, void *rep, size_t len);

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
/* "SIGTERM" for SIGTERM. */
const char *pidns_sig_name(int sig);
/* Milliseconds scaled by --timeout-mul. */
unsigned int pidns_ms(struct iso_ctx *ctx, unsigned int ms);

#endif
