// SPDX-License-Identifier: MIT
/* Small helpers shared by the benchmark ops. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/sched.h>

#include "bench.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* Returns the child's pid (0 in the child) or -errno. */
long iso_bench_clone3(struct clone_args *args, size_t size)
{
	long r = syscall(SYS_clone3, args, size);

	return r < 0 ? -errno : r;
}

/* Returns pid or -errno. */
pid_t iso_bench_clone(unsigned long flags)
{
	long r = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);

	return r < 0 ? -errno : (pid_t)r;
}

const char *iso_bench_flags_name(unsigned long flags)
{
	switch (flags) {
	case CLONE_NEWNS:
		return "mnt";
	case CLONE_NEWUTS:
		return "uts";
	case CLONE_NEWIPC:
		return "ipc";
	case CLONE_NEWPID:
		return "pid";
	case CLONE_NEWNET:
		return "net";
	case CLONE_NEWUSER:
		return "user";
	case CLONE_NEWCGROUP:
		return "cgroup";
	case CLONE_NEWTIME:
		return "time";
	case ISO_NS_RUNTIME:
		return "runtime";
	case ISO_NS_RUNTIME | CLONE_NEWUSER:
		return "runtime_user";
	case ISO_NS_RUNTIME | CLONE_NEWCGROUP:
		return "runtime_cgroup";
	}
	return "other";
}
