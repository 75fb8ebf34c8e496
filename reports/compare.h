/* SPDX-License-Identifier: MIT */
/* The comparison engine behind `isobench compare` (reports/compare.c). */
#ifndef ISO_COMPARE_H
#define ISO_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Loads a results.json, or a folder holding one (or run/ and bench/ merged). NULL after one error line. */
json_t *iso_compare_load(const char *path);
/* The same, naming CMD in its error line; partial_ok accepts interrupted runs (run.complete false). */
json_t *iso_results_load(const char *path, const char *cmd, bool partial_ok);
#define ISO_CMP_THRESHOLD 0.05
#define ISO_CMP_ALPHA 0.01

struct iso_cmp_opts {
	double threshold; /* fraction; 0: ISO_CMP_THRESHOLD */
	double alpha; /* BH false-discovery level; 0: ISO_CMP_ALPHA */
	const char *relative_to; /* scale NEW by this op's base/new p50 instead of local drift */
	bool no_drift; /* no local-drift scaling */
	bool allow_missing; /* a missing op or case does not fail the gate */
};

/*
 * The comparison as JSON: {"cases": [...changes], "bench": [...per operation,
 * each with verdict and why], "machine": {drift, calibration, machine_drift,
 * run_wide}, "regressions", "improvements", "inconclusive", "missing",
 * "gate": "pass"|"fail", ...}. See reports/schema/compare.md.
 */
json_t *iso_compare_opts(json_t *base, json_t *new, const struct iso_cmp_opts *o);
/* The same with the other options at their defaults. */
json_t *iso_compare(json_t *base, json_t *new, double threshold, double alpha);
/* Two-sided Welch t-test p-value of mean(y) vs mean(x); NAN with fewer than 2 a side. */
double iso_welch_p(const double *x, size_t nx, const double *y, size_t ny);
/* Two-sided Mann-Whitney U p-value (normal approximation, tie and continuity corrected). */
double iso_mann_whitney_p(const double *x, size_t nx, const double *y, size_t ny);
/* Bootstrap 95% CI of median(y)/median(x), fixed seed. Returns 0 or -errno. */
int iso_bootstrap_ratio_ci(const double *x, size_t nx, const double *y, size_t ny, int iters,
			   double *lo, double *hi);
/*
 * Cluster bootstrap 95% CI of median(y)/median(x) resampling whole repetitions
 * (x: rx equal runs of samples in order; y: ry). Returns 0 or -errno.
 */
int iso_cluster_bootstrap_ratio_ci(const double *x, size_t nx, size_t rx, const double *y,
				   size_t ny, size_t ry, int iters, double *lo, double *hi);

/*
 * bench --attribute: for two results of one op that both carry an ok attribution,
 * {"unit", "functions": [{function, base_share, new_share, base_/new_/delta_ns_per_op}],
 * "waits": [{what, base_ns_per_op, new_ns_per_op}]}: what moved most, first. NULL
 * otherwise.
 */
json_t *iso_attr_diff(json_t *base_result, json_t *new_result);

#endif
