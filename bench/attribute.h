/* SPDX-License-Identifier: MIT */
/*
 * bench --attribute: where an operation's kernel time goes, from perf_event_open(2)
 * directly (no library). In the process that runs the operation (and, inherited,
 * in its children) it samples kernel call stacks on CPU (cycles where the machine
 * has a PMU, else the software cpu-clock), records every switch off CPU with the
 * blocking stack (the sched:sched_switch tracepoint) until the task runs again
 * (PERF_RECORD_SWITCH), and watches the workqueue tracepoints system-wide for the
 * kworker time the operation leaves behind. Symbols come from /proc/kallsyms.
 *
 * The events are opened disabled; iso_attr_enable()/iso_attr_disable() around
 * the op (from the worker or from a fresh child of it, which shares the events
 * by inheritance) make the window. Anything missing is a reason, never a crash.
 */
#ifndef ISO_BENCH_ATTRIBUTE_H
#define ISO_BENCH_ATTRIBUTE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The on-CPU sampling period of cpu-clock (ns); cycles use ATTR_CYCLES_PERIOD. */
#define ISO_ATTR_PERIOD_NS 100000
#define ISO_ATTR_CYCLES_PERIOD 250000
/* How long after the last op the workqueue events stay on (deferred work). */
#define ISO_ATTR_TAIL_MS 500
/* Lists in the result: top N, and nothing below this share. */
#define ISO_ATTR_TOP 20
#define ISO_ATTR_CUTOFF 0.005
/* Folded stacks kept for the flame graph; the rest is merged into "[other]". */
#define ISO_ATTR_MAX_FOLDED 400

struct iso_attr;

/*
 * Opens the profiler on the calling process and its future children, disabled.
 * NULL with why filled (one line: what is missing) when on-CPU sampling cannot
 * run; the off-CPU and deferred parts may be missing on their own (the result
 * says why).
 */
struct iso_attr *iso_attr_open(char *why, size_t len);
/* Starts / ends a window (callable from a forked child of the opener). */
void iso_attr_enable(struct iso_attr *a);
void iso_attr_disable(struct iso_attr *a);
/* Copies what the ring buffers hold into memory (the opener only). Returns records read. */
size_t iso_attr_drain(struct iso_attr *a);
/* On-CPU samples drained so far. */
size_t iso_attr_samples(const struct iso_attr *a);
/*
 * Waits tail_ms for deferred work, drains, and analyses everything: the
 * "attribution" object of bench-v1.md (status ok), iterations being the ops
 * run in the windows.
 */
json_t *iso_attr_result(struct iso_attr *a, unsigned int tail_ms, unsigned long iterations);
void iso_attr_close(struct iso_attr *a);

/* ---- the pieces, for tests ---- */

/* Folded stacks: "root;...;leaf" -> weight. */
struct iso_fold;
struct iso_fold *iso_fold_new(void);
/* Adds one stack, frames leaf first (as perf gives them). Returns 0 or -ENOMEM. */
int iso_fold_add(struct iso_fold *f, const char *const *frames, size_t n, uint64_t weight);
/*
 * [{"stack": "root;...;leaf", "samples": w}], heaviest first (ties by stack), at most
 * max; then the rest, cut to their first frames (a last frame "[deeper]") and merged,
 * at most max / 4 + 1 of them, so that their time stays under the right callers;
 * whatever is left in one "[other]" entry. The weights add up to those added.
 */
json_t *iso_fold_json(const struct iso_fold *f, size_t max);
void iso_fold_free(struct iso_fold *f);

/*
 * What a task blocked on, from its stack when it left the CPU (frames leaf first)
 * and prev_state (0: it was preempted and stayed runnable). Returns the class:
 * "lock", "RCU", "IO", "scheduling", "workqueue", "waiting", "sleep", "other";
 * what gets the thing waited on in a kernel developer's words ("rtnl_mutex",
 * "synchronize_rcu_expedited", "run-queue (preempted)"), top the first frame
 * below the scheduler.
 */
const char *iso_attr_classify(const char *const *frames, size_t n, long prev_state, char *what,
			      size_t len, const char **top);

#endif
