/* SPDX-License-Identifier: MIT */
/* The benchmark engine: placements, worker processes, timing loop, results. */
#ifndef ISO_BENCH_ENGINE_H
#define ISO_BENCH_ENGINE_H

#include <jansson.h>
#include <stdio.h>

#include "bench.h"

#define ISO_BENCH_MAX_PLACEMENTS 6
#define ISO_BENCH_MAX_SAMPLES 2000

enum iso_bench_profile { ISO_BENCH_SMOKE, ISO_BENCH_QUICK, ISO_BENCH_FULL };

struct iso_bench_env {
	enum iso_bench_profile profile;
	const char *tag;
	const struct iso_cg_layout *layout;
	const struct iso_cg *root;
	int npus;
	int pus[256]; /* allowed PUs (OS indexes) */
	int nplacements;
	struct iso_placement placements[ISO_BENCH_MAX_PLACEMENTS];
	uint64_t seed;
	FILE *progress; /* NULL: no progress line */
};

/* Finds the placements this machine has (hwloc). Returns 0 or -errno. */
int iso_bench_topology(struct iso_bench_env *env);
/*
 * Runs one benchmark (every placement if it is placed) and appends its results
 * (JSON objects, see reports/schema/bench-v1.md) to results.
 */
void iso_bench_run_one(const struct iso_bench_env *env, const struct iso_bench *b, json_t *results);
/* Appends skip results (one per metric) with reason. */
void iso_bench_skip_all(const struct iso_bench *b, const char *reason, json_t *results);
/* Fills ratio to getpid and fork in every result from the baselines among them. */
void iso_bench_ratios(json_t *results);
/* Loadavg, governor, SMT state: what can be read, null otherwise. */
json_t *iso_bench_environment(void);
/* The readable table. */
void iso_bench_print_table(FILE *f, const json_t *results);

#endif
