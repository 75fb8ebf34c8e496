/* SPDX-License-Identifier: MIT */
/*
 * Descriptive statistics of benchmark samples: percentiles, MAD, a bootstrap
 * confidence interval of the median, Tukey outlier fences, and the spread of
 * per-repetition medians. Pure functions of their input (the bootstrap takes
 * an explicit seed), unit-tested in harness/tests/check_stats.c.
 */
#ifndef ISO_STATS_H
#define ISO_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iso_stats {
	size_t n;
	double min, p50, p90, p99, max;
	double mean, stddev; /* sample standard deviation (n - 1) */
	double mad; /* median absolute deviation from the median, unscaled */
	double ci95_lo, ci95_hi; /* percentile bootstrap 95% CI of the median */
	double fence_lo, fence_hi; /* Tukey fences: Q1 - 1.5 IQR, Q3 + 1.5 IQR */
	size_t outliers; /* samples outside the fences (kept, only counted) */
};

/* splitmix64: the next pseudo-random number of *state. */
uint64_t iso_stats_rand(uint64_t *state);
/* Shuffles idx in place (Fisher-Yates) from the splitmix state *rng. */
void iso_stats_shuffle(size_t *idx, size_t n, uint64_t *rng);
/* A uniform double in [0, 1). */
double iso_stats_uniform(uint64_t *state);

/* Sorts x ascending in place. */
void iso_stats_sort(double *x, size_t n);
/*
 * Percentile q (0..1) of sorted data, linear interpolation between the closest
 * ranks (Hyndman-Fan type 7, the default of R and numpy). NaN when n == 0.
 */
double iso_stats_percentile_sorted(const double *sorted, size_t n, double q);
/* Median of x (not modified). NaN when n == 0. */
double iso_stats_median(const double *x, size_t n);
/* Median absolute deviation from the median (unscaled). NaN when n == 0. */
double iso_stats_mad(const double *x, size_t n);
/* Coefficient of variation (sample stddev / mean); 0 when n < 2 or mean == 0. */
double iso_stats_cv(const double *x, size_t n);
/*
 * Percentile bootstrap confidence interval of the median: nboot resamples with
 * replacement, seeded with seed. Returns 0 or -EINVAL (n == 0, nboot == 0,
 * level outside (0, 1)) / -ENOMEM.
 */
int iso_stats_bootstrap_median_ci(const double *x, size_t n, unsigned int nboot, double level,
				  uint64_t seed, double *lo, double *hi);
/*
 * Bootstrap medians of clustered data: x holds `groups` equal runs of
 * n / groups samples (a benchmark's repetitions, in order); each of the nboot
 * resamples draws `groups` whole runs with replacement and takes the median of
 * their pooled samples. groups == n is the plain bootstrap. meds gets nboot
 * values. Returns 0 or -EINVAL (n == 0, groups == 0 or not dividing n,
 * nboot == 0) / -ENOMEM.
 */
int iso_stats_boot_medians(const double *x, size_t n, size_t groups, unsigned int nboot,
			   uint64_t seed, double *meds);
/*
 * Percentile bootstrap confidence interval of the median resampling whole
 * groups (iso_stats_boot_medians). Repetitions, not samples, are what vary
 * independently when a repetition's samples share the machine's state.
 * Returns 0 or -EINVAL / -ENOMEM.
 */
int iso_stats_cluster_median_ci(const double *x, size_t n, size_t groups, unsigned int nboot,
				double level, uint64_t seed, double *lo, double *hi);
/*
 * Tukey fences from the sorted data's quartiles; counts samples outside them and,
 * when flags is not NULL, sets flags[i] for each outlier x[i] (x need not be
 * sorted). Returns the count.
 */
size_t iso_stats_tukey(const double *x, size_t n, double *lo, double *hi, bool *flags);
/*
 * All of the above. The CI of the median resamples `groups` whole groups (x in
 * that many equal runs, in order; see iso_stats_boot_medians); groups == n
 * resamples samples. Returns 0 or -EINVAL (n == 0, groups not dividing n) /
 * -ENOMEM.
 */
int iso_stats_compute(const double *x, size_t n, size_t groups, unsigned int nboot, uint64_t seed,
		      struct iso_stats *out);

/* ns as text with a unit a reader takes in: "812.3 ns", "41.27 us", "3.05 ms"; "-" for NaN. */
void iso_fmt_ns(char *buf, size_t len, double ns);

#endif
