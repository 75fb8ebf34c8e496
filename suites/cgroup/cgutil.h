/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the cgroup suites (the .c files of suites/cgroup): a child started
 * directly in a cgroup, touching N MiB, waiting for
 * a counter. Everything goes through the harness cgroup API (cgroup.h), so the
 * same code runs on v1, v2 and hybrid hosts.
 */
#ifndef ISO_CGUTIL_H
#define ISO_CGUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "iso.h"

struct iso_cg;

/*
 * Forks a child that waits on a pipe until the parent has attached it to cg
 * (NULL: stays in the caller's cgroup), then runs fn(arg) and _exits with its
 * return value. The child gets SIGKILL when the caller dies. Returns the pid, or
 * -errno (the child, if any, is killed and reaped).
 */
pid_t iso_cgu_spawn(const struct iso_cg *cg, int (*fn)(void *arg), void *arg);

/* Flags of iso_cgu_touch_mib. */
#define ISO_CGU_KEEP 1 /* leave the mapping in place (held until the caller exits) */

/*
 * Maps mib MiB of private anonymous memory and writes to every page; *pages (may
 * be NULL) counts the pages touched so far. flags: ISO_CGU_KEEP or 0.
 * Returns 0 or -errno.
 */
int iso_cgu_touch_mib(size_t mib, volatile uint64_t *pages, unsigned int flags);

/*
 * Reads knob as one integer ("max" reads as INT64_MAX) or, with key, the
 * counter key of a keyed file (iso_cg_read_key). Returns 0 or -errno
 * (-EOPNOTSUPP: no equivalent on this host).
 */
int iso_cgu_read(const struct iso_cg *cg, const char *knob, const char *key, int64_t *out);
/*
 * Waits up to timeout_ms until that value is >= min (polls every 2 ms). *out
 * (may be NULL) gets the last value read. Returns 0, -ETIMEDOUT or -errno.
 */
int iso_cgu_wait_at_least(const struct iso_cg *cg, const char *knob, const char *key, int64_t min,
			  unsigned int timeout_ms, int64_t *out);
/* Waits up to timeout_ms until *counter >= min. Returns 0 or -ETIMEDOUT. */
int iso_cgu_wait_counter(const volatile uint64_t *counter, uint64_t min, unsigned int timeout_ms);

/*
 * The verdict for a knob that could not be written or read: skip when it has no
 * equivalent on this host (-EOPNOTSUPP) or its file is missing (-ENOENT, an older
 * kernel), naming the knob, the hierarchy and what would enable it; broken
 * otherwise.
 */
enum iso_verdict iso_cgu_knob_verdict(struct iso_ctx *ctx, const char *knob, int err);

/* Describes a wait status ("exited with 0", "killed by signal 9 (Killed)") in buf; returns buf. */
const char *iso_cgu_status_str(int status, char *buf, size_t len);

#endif
