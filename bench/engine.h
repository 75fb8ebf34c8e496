/* SPDX-License-Identifier: MIT */
/* The benchmark engine: placements, worker processes, timing loop, results. */
#ifndef ISO_BENCH_ENGINE_H
#define ISO_BENCH_ENGINE_H

#include <jansson.h>
#include <stdio.h>

#include "bench.h"

#define ISO_BENCH_MAX_PLACEMENTS 6
#define ISO_BENCH_MAX_SAMPLES 2000
/* From this many repetitions on, confidence intervals resample repetitions. */
#define ISO_BENCH_MIN_CLUSTER_REPS 5

enum iso_bench_profile { ISO_BENCH_SMOKE, ISO_BENCH_QUICK, ISO_BENCH_FULL };

/* bench --slow OP=PCT: OP's timed region gets a busy-wait of PCT% of its own cost. */
struct iso_bench_slow {
	const char *op; /* a benchmark id */
	double pct;
};
#define ISO_BENCH_MAX_SLOW 16

struct iso_bench_env {
	enum iso_bench_profile profile;
	const char *tag;
	const struct iso_cg_layout *layout;
	const struct iso_cg *root;
	const struct iso_env *host; /* what an op's requirements are checked against */
	const char *v2start; /* the session stepped aside: its start cgroup's v2 dir, else NULL */
	int npus;
	int pus[256]; /* allowed PUs (OS indexes) */
	int nplacements;
	struct iso_placement placements[ISO_BENCH_MAX_PLACEMENTS];
	uint64_t seed;
	bool aslr; /* keep address-space randomization in the workers */
	unsigned int rounds; /* repetitions per benchmark; 0: the profile's */
	double budget_s; /* > 0: extra rounds until this long after the start */
	char root_name[64]; /* name of root below the start cgroup */
	FILE *progress; /* NULL: no progress line */
	const struct iso_bench_slow *slow; /* injected slowdowns, nslow of them */
	size_t nslow;
	bool attribute; /* bench --attribute: one profiled repetition per operation, after the rounds */
	const bool *attr_sel; /* per benchmark given to iso_bench_run_all: profile it (NULL: all
				 but the baselines) */
};

/* Finds the placements this machine has (hwloc). Returns 0 or -errno. */
int iso_bench_topology(struct iso_bench_env *env);
/*
 * Runs the benchmarks b[0..n-1] in interleaved rounds (round r is every
 * benchmark's r-th repetition, at every placement, in a per-round shuffled
 * order) and appends their results (JSON objects, see
 * reports/schema/bench-v1.md) to results in the order given. skip[i] non-NULL:
 * b[i] is not run and its results say skip with that reason. Returns the
 * number of rounds.
 */
unsigned int iso_bench_run_all(const struct iso_bench_env *env, const struct iso_bench *const *b,
			       const char *const *skip, size_t n, json_t *results);
/* Appends skip results (one per metric) with reason. */
void iso_bench_skip_all(const struct iso_bench *b, const char *reason, json_t *results);
/* Fills ratio to getpid and fork in every result from the baselines among them. */
void iso_bench_ratios(json_t *results);
/* Loadavg, governor, SMT state: what can be read, null otherwise. */
json_t *iso_bench_environment(void);
/* The readable table. */
void iso_bench_print_table(FILE *f, const json_t *results);

#endif
