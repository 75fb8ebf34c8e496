/* SPDX-License-Identifier: MIT */
/*
 * isobench microbenchmarks: one descriptor per unit of work.
 *
 * A benchmark says what one iteration is (op) and what it needs (req, setup);
 * the harness owns processes, pinning, timing, statistics and output. Each
 * repetition runs in a fresh worker process forked by `isobench bench`; with
 * fresh_process every sample runs in a fresh child of that worker (cold
 * numbers: the first call after fork). Helpers return >= 0 or -errno.
 */
#ifndef ISO_BENCH_H
#define ISO_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "iso.h"

#define ISO_BENCH_MAX_METRICS 8
#define ISO_BENCH_MAX_WORKERS 64

struct iso_cg;
struct iso_cg_layout;

/* Which profiles a benchmark belongs to. */
enum {
	ISO_PROF_SMOKE = 1,
	ISO_PROF_QUICK = 2,
	ISO_PROF_FULL = 4,
	ISO_PROF_QF = ISO_PROF_QUICK | ISO_PROF_FULL,
	ISO_PROF_ALL = 7,
};

/* Where the timing parent and its child (or workers) run; chosen with hwloc. */
struct iso_placement {
	const char *name; /* same_pu, smt_sibling, same_cache, diff_cache, diff_package, diff_numa */
	int cpu_a, cpu_b; /* the parent's PU and the child's PU (equal for same_pu) */
};

/* What a benchmark sees while it runs (one per worker process). */
struct iso_bench_ctx {
	const struct iso_bench *bench;
	void *state; /* set by setup, passed back to op and teardown */
	const char *tag; /* run tag: names of kernel objects carry it */
	const struct iso_cg_layout *layout;
	const struct iso_cg *root; /* the run's bench cgroup (all hierarchies), or NULL */
	const struct iso_placement *placement;
	int worker, nworkers; /* index among concurrent workers */
	unsigned long iter; /* iteration counter (warm-up included) */
	/* Self-timed ops record here with iso_bench_record(). */
	double rec[ISO_BENCH_MAX_METRICS];
	unsigned int recmask;
	/* Placement observed by two-process ops: children that ran on another PU. */
	unsigned long cross, cross_total;
	char reason[256]; /* set with iso_bench_skip() */
	bool skip;
	/* bench --slow: a busy-wait of this many ns per iteration inside the timed region. */
	uint64_t slow_ns;
	double spun; /* the busy-wait the last sample got, ns per iteration */
	/* bench --attribute: the profiler (struct iso_attr), enabled around the op only. */
	void *attr;
};

/* One iteration. Returns >= 0 or -errno. */
typedef int (*iso_bench_fn)(struct iso_bench_ctx *b, void *arg);

struct iso_bench {
	const char *id; /* "unshare.net.cold"; with metrics, "<id>.<metric>" per result */
	const char *group; /* baseline, unshare, clone, clone3, setns, netns, veth, ... */
	iso_bench_fn op;
	void *arg;
	/* Per worker process, before the warm-up; may call iso_bench_skip(). */
	int (*setup)(struct iso_bench_ctx *b, void *arg);
	void (*teardown)(struct iso_bench_ctx *b, void *arg);
	bool fresh_process; /* each sample in a freshly forked child of the worker */
	bool self_timed; /* op times itself with iso_bench_record() */
	bool placed; /* two-process op: measured for every placement the machine has */
	unsigned int batch; /* iterations per timed sample (cheap ops); 0 = 1 */
	unsigned int warmup, samples; /* quick-profile counts (full: x4, at most 2000) */
	unsigned int gap_ms; /* sleep before each sample, outside the timing */
	unsigned int concurrency; /* workers running op at once (0 = 1) */
	const char *metrics[ISO_BENCH_MAX_METRICS]; /* names of self-timed metrics, or NULL */
	unsigned int profiles; /* ISO_PROF_*; 0 = quick and full */
	/* Parameters recorded in the result (params). */
	unsigned long flags; /* CLONE_NEW* */
	const char *phase; /* cold / warm */
	const char *hierarchy; /* v1 / v2 */
	int siblings, threads;
	struct iso_req req;
};

/* A self-timed op's measurement of metric k (0 for single-metric ops). */
static inline void iso_bench_record(struct iso_bench_ctx *b, unsigned int k, double ns)
{
	if (k < ISO_BENCH_MAX_METRICS) {
		b->rec[k] = ns;
		b->recmask |= 1u << k;
	}
}

/*
 * Two-process ops call iso_bench_spread() right before fork/clone and
 * iso_bench_unspread() after the child is reaped: in a placement other than
 * same_pu the child inherits the mask {cpu_a, cpu_b} while the parent stays on
 * cpu_a, so fork balancing puts it on the idle cpu_b.
 */
void iso_bench_spread(struct iso_bench_ctx *b);
void iso_bench_unspread(struct iso_bench_ctx *b);

/* From setup: the benchmark cannot run here; reason says why. Returns -EOPNOTSUPP. */
int iso_bench_skip(struct iso_bench_ctx *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Monotonic nanoseconds, inline for the timing loop. */
#include <time.h>
static inline uint64_t iso_bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The verb and the worker: tables is the app's NULL-terminated list of
 * benchmark arrays, each ending with an entry whose id is NULL.
 */
int iso_cmd_bench(int argc, char **argv, const struct iso_bench *const *tables);
/* The hidden command a bench repetition's worker runs as: `isobench __bench-worker FD`. */
#define ISO_BENCH_WORKER_CMD "__bench-worker"
int iso_bench_worker_main(int argc, char **argv, const struct iso_bench *const *tables);

/* ---- shared helpers of the ops (bench/util.c) ---- */

/* clone3(2) through syscall(); -ENOSYS where the kernel lacks it. */
struct clone_args;
long iso_bench_clone3(struct clone_args *args, size_t size);
/* Raw clone(2) with flags | SIGCHLD, fork-like (the child returns 0). Returns pid or -errno. */
pid_t iso_bench_clone(unsigned long flags);
/* Name of a CLONE_NEW* set for ids: "net", "runtime", "runtime_user", ... */
const char *iso_bench_flags_name(unsigned long flags);

/* The runtime-typical combination: mount, UTS, IPC, PID and network namespaces. */
#define ISO_NS_RUNTIME (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET)

#endif
