/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the cgroup.cpu, cgroup.cpuset, cgroup.io and cgroup.attach
 * suites: child processes started inside a cgroup, membership listings, CPU
 * lists. Each returns >= 0 or -errno and never exits.
 */
#ifndef ISO_CGCPU_UTIL_H
#define ISO_CGCPU_UTIL_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "iso.h"

/*
 * Creates cgroup name below parent (NULL: the case's own cgroup) with
 * iso_cg_create. Returns 0, -ENOMEDIUM when the case runs without a cgroup of its
 * own (isobench could not create one), or -errno.
 */
int cgcpu_create(struct iso_ctx *ctx, const struct iso_cg *parent, const char *name,
		 const char *controllers, struct iso_cg **out);
/* The verdict for a failed cgcpu_create: skip for -ENOMEDIUM, else broken. */
enum iso_verdict cgcpu_create_failed(struct iso_ctx *ctx, int err, const char *what);

/*
 * Forks a child that runs fn(arg) and _exits with its value, after the parent
 * has moved it into cg (every hierarchy cg spans; NULL: left where it is). The
 * child does nothing before the move is done, and gives up after 10 s (times
 * --timeout-mul) without it. Returns the pid or -errno.
 */
pid_t cgcpu_spawn_in(const struct iso_ctx *ctx, const struct iso_cg *cg, int (*fn)(void *arg),
		     void *arg);

/* Child bodies: spin on the CPU forever / sleep forever (until killed). */
int cgcpu_spin(void *arg);
int cgcpu_sleep(void *arg);
/* arg points to an int CPU: pins to it, then spins. */
int cgcpu_spin_on(void *arg);

/* Whether the pid list file (cgroup.procs, tasks, cgroup.threads) lists id: 1, 0 or -errno. */
int cgcpu_lists(const char *dir, const char *file, pid_t id);
/* The thread list of a cgroup directory: "tasks" on v1, "cgroup.threads" on v2. */
const char *cgcpu_threads_file(int version);
/* Version (1 or 2) of the hierarchy of cg's i-th directory. */
int cgcpu_dir_version(const struct iso_cg *cg, int i);

/* Parses a CPU list ("0-3,5") into set. Returns the number of CPUs or -EINVAL. */
int cgcpu_cpulist_parse(const char *s, cpu_set_t *set);
/* Writes set as a CPU list into buf. */
void cgcpu_cpulist_fmt(const cpu_set_t *set, char *buf, size_t len);
/* The lowest CPU in set, or -ENOENT. */
int cgcpu_first_cpu(const cpu_set_t *set);

#endif
