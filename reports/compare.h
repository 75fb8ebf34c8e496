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
/* {"cases": [...changes], "bench": [...per operation], "regressions": N, "improvements": N} */
json_t *iso_compare(json_t *base, json_t *new, double threshold, double alpha);
/*
 * The same, with NEW's benchmark figures scaled by p50(rel in BASE) / p50(rel in
 * NEW) (rel NULL: not scaled), so that a change of the machine's speed as a
 * whole cancels out.
 */
json_t *iso_compare_relative(json_t *base, json_t *new, double threshold, double alpha,
			     const char *rel);
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

#endif
