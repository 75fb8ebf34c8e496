// SPDX-License-Identifier: MIT
/*
 * The PID namespace conformance suite (pid_namespaces(7), clone(2), unshare(2),
 * setns(2)). The cases live in signals.c, visibility.c, lifecycle.c and nesting.c;
 * each starts with a comment on what it asserts and where that is documented.
 */
#include <sched.h>

#include "pidns.h"

#define PIDNS_REQ                                \
	{                                        \
		.root = true, .ns = CLONE_NEWPID \
	}
#define CASE(name, d, ms, ...)                                                                 \
	{                                                                                      \
		.id = #name, .doc = d, .run = pidns_##name, .control = pidns_##name##_control, \
		.timeout_ms = ms, .req = __VA_ARGS__                                           \
	}

static const struct iso_case cases[] = {
	/* The PID 1 signal matrix: each case iterates SIGTERM SIGINT SIGHUP SIGUSR1
	 * SIGKILL SIGSTOP and notes every cell. */
	CASE(init_signal_from_self_unhandled,
	     "PID 1 signalling itself: no signal without a handler is delivered, not even "
	     "SIGKILL or SIGSTOP (pid_namespaces(7))",
	     10000, PIDNS_REQ),
	CASE(init_signal_from_self_handled,
	     "PID 1 signalling itself: signals it has a handler for are delivered; SIGKILL and "
	     "SIGSTOP cannot get one and stay dropped (pid_namespaces(7))",
	     10000, PIDNS_REQ),
	CASE(init_signal_from_inside_unhandled,
	     "another process of the namespace cannot deliver any signal PID 1 has no handler "
	     "for, SIGKILL and SIGSTOP included (pid_namespaces(7))",
	     10000, PIDNS_REQ),
	CASE(init_signal_from_inside_handled,
	     "another process of the namespace delivers to PID 1 the signals it handles, with "
	     "its own pid in si_pid; SIGKILL and SIGSTOP stay dropped (pid_namespaces(7))",
	     10000, PIDNS_REQ),
	CASE(init_signal_from_parent_unhandled,
	     "from the parent namespace, unhandled signals to PID 1 are dropped except SIGKILL "
	     "and SIGSTOP, which are forced (pid_namespaces(7))",
	     10000, PIDNS_REQ),
	CASE(init_signal_from_parent_handled,
	     "from the parent namespace, handled signals reach PID 1 with si_pid 0 and SIGKILL "
	     "and SIGSTOP are forced (pid_namespaces(7))",
	     10000, PIDNS_REQ),
	/* Who sees whom */
	CASE(first_child_is_pid1,
	     "the first process of a new PID namespace has getpid() 1 and getppid() 0 "
	     "(pid_namespaces(7))",
	     5000, PIDNS_REQ),
	CASE(fresh_proc_shows_only_namespace_pids,
	     "a proc mounted inside a new PID namespace lists only that namespace's processes "
	     "and /proc/self is 1 (pid_namespaces(7), /proc and PID namespaces)",
	     5000, { .root = true, .ns = CLONE_NEWPID | CLONE_NEWNS }),
	CASE(inherited_proc_shows_host_pids,
	     "without a fresh proc mount a new PID namespace still sees the host's processes in "
	     "/proc: the /proc instance decides (pid_namespaces(7))",
	     5000, { .root = true, .ns = CLONE_NEWPID | CLONE_NEWNS }),
	CASE(parent_sees_child_pids_under_other_numbers,
	     "the parent namespace sees every process of a child namespace under another pid, "
	     "listed by NSpid in /proc/PID/status (pid_namespaces(7), proc(5))",
	     5000, { .root = true, .ns = CLONE_NEWPID, .kernel = "4.1" }),
	CASE(child_sees_nothing_of_parent,
	     "from inside a PID namespace the parent namespace's pids do not exist: kill(pid, 0) "
	     "gives ESRCH (pid_namespaces(7))",
	     5000, PIDNS_REQ),
	CASE(kill_all_from_inside_stays_inside,
	     "kill(-1) from inside a PID namespace reaches the namespace's processes and nothing "
	     "outside it (kill(2), pid_namespaces(7))",
	     5000, PIDNS_REQ),
	/* Life and death */
	CASE(orphan_reparented_to_namespace_init,
	     "an orphan in a PID namespace is reparented to the namespace's init, not to a "
	     "subreaper outside (pid_namespaces(7))",
	     5000, PIDNS_REQ),
	CASE(init_exit_kills_namespace,
	     "when the init of a PID namespace exits the kernel SIGKILLs every other process of "
	     "the namespace (pid_namespaces(7))",
	     5000, PIDNS_REQ),
	CASE(fork_into_dead_namespace_fails_enomem,
	     "after its init exits, fork after setns into the namespace fails with ENOMEM "
	     "(pid_namespaces(7))",
	     5000, { .root = true, .ns = CLONE_NEWPID, .kernel = "3.8" }),
	CASE(unshare_moves_children_not_caller,
	     "unshare(CLONE_NEWPID) leaves the caller's pid and namespace alone; its next child "
	     "is PID 1 of the new namespace (pid_namespaces(7), unshare(2))",
	     5000, PIDNS_REQ),
	CASE(unshare_fork_after_first_child_exits_fails_enomem,
	     "after unshare(CLONE_NEWPID), once the first child (the init) exits, further forks "
	     "fail with ENOMEM (pid_namespaces(7))",
	     5000, PIDNS_REQ),
	CASE(unshare_newpid_only_once,
	     "a second unshare(CLONE_NEWPID) by the same process fails with EINVAL "
	     "(pid_namespaces(7), unshare(2))",
	     5000, PIDNS_REQ),
	/* The tree */
	CASE(nesting_stops_at_32_levels,
	     "PID namespaces nest 32 levels deep; one more clone(CLONE_NEWPID) fails with ENOSPC "
	     "(EUSERS before 4.9) (pid_namespaces(7), clone(2))",
	     10000, { .root = true, .ns = CLONE_NEWPID, .kernel = "3.7" }),
	CASE(ns_get_parent_is_creator_namespace,
	     "NS_GET_PARENT on a child PID namespace returns its creator's namespace "
	     "(ioctl_ns(2), pid_namespaces(7))",
	     5000, { .root = true, .ns = CLONE_NEWPID, .kernel = "4.9" }),
	CASE(setns_pid_places_next_child,
	     "setns into another process's PID namespace leaves the caller in place; its next "
	     "child joins that namespace with getppid() 0 (setns(2), pid_namespaces(7))",
	     5000, { .root = true, .ns = CLONE_NEWPID, .kernel = "3.8" }),
	CASE(setns_pid_for_children_places_next_child,
	     "setns through /proc/PID/ns/pid_for_children makes the caller's next child join "
	     "that namespace (namespaces(7), pid_namespaces(7))",
	     5000, { .root = true, .ns = CLONE_NEWPID, .kernel = "4.12" }),
	CASE(setns_cannot_enter_ancestor,
	     "a process cannot setns into an ancestor PID namespace: EINVAL (pid_namespaces(7), "
	     "setns(2))",
	     5000, { .root = true, .ns = CLONE_NEWPID, .kernel = "3.8" }),
};

const struct iso_suite iso_suite_pidns = ISO_SUITE("pidns", cases);
