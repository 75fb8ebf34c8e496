// SPDX-License-Identifier: MIT
/* Unit tests of bench/stats.c against known data. */
#include <check.h>

#include "check_main.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define EPS 1e-9

START_TEST(test_percentiles_known)
{
	double x[100];

	for (int i = 0; i < 100; i++)
		x[i] = i + 1; /* 1..100 */
	/* Type 7: h = q (n - 1); 1..100 gives 1 + 99 q. */
	ck_assert_double_eq_tol(iso_stats_percentile_sorted(x, 100, 0.5), 50.5, EPS);
	ck_assert_double_eq_tol(iso_stats_percentile_sorted(x, 100, 0.9), 90.1, EPS);
	ck_assert_double_eq_tol(iso_stats_percentile_sorted(x, 100, 0.99), 99.01, EPS);
	ck_assert_double_eq_tol(iso_stats_percentile_sorted(x, 100, 0.25), 25.75, EPS);
	ck_assert_double_eq_tol(iso_stats_percentile_sorted(x, 100, 0), 1, EPS);
	ck_assert_double_eq_tol(iso_stats_percentile_sorted(x, 100, 1), 100, EPS);
	/* numpy.percentile([1, 3, 7, 15], 40) = 3.8 */
	{
		double y[] = { 1, 3, 7, 15 };

		ck_assert_double_eq_tol(iso_stats_percentile_sorted(y, 4, 0.4), 3.8, EPS);
	}
	ck_assert(isnan(iso_stats_percentile_sorted(x, 0, 0.5)));
	ck_assert_double_eq_tol(iso_stats_percentile_sorted(x, 1, 0.7), 1, EPS);
}
END_TEST

START_TEST(test_median_unsorted)
{
	double odd[] = { 9, 1, 7, 3, 5 }, even[] = { 10, 2, 8, 4 }, dup[] = { 2, 2, 2, 1, 3, 2 };

	ck_assert_double_eq_tol(iso_stats_median(odd, 5), 5, EPS);
	ck_assert_double_eq_tol(iso_stats_median(even, 4), 6, EPS);
	ck_assert_double_eq_tol(iso_stats_median(dup, 6), 2, EPS);
	/* The input is not modified. */
	ck_assert_double_eq(odd[0], 9);
	ck_assert(isnan(iso_stats_median(odd, 0)));
}
END_TEST

START_TEST(test_median_matches_sort)
{
	uint64_t st = 42;

	for (int round = 0; round < 200; round++) {
		size_t n = 1 + iso_stats_rand(&st) % 301;
		double *x = malloc(n * sizeof(*x)), *s = malloc(n * sizeof(*s));

		for (size_t i = 0; i < n; i++)
			x[i] = s[i] = (double)(iso_stats_rand(&st) % 50); /* many ties */
		iso_stats_sort(s, n);
		ck_assert_double_eq_tol(iso_stats_median(x, n),
					iso_stats_percentile_sorted(s, n, 0.5), EPS);
		free(x);
		free(s);
	}
}
END_TEST

START_TEST(test_mad_known)
{
	/* Median 2; |x - 2| = 1 1 0 0 2 4 7 -> median 1 (the classic example). */
	double x[] = { 1, 1, 2, 2, 4, 6, 9 };
	double c[] = { 5, 5, 5, 5 };

	ck_assert_double_eq_tol(iso_stats_mad(x, 7), 1, EPS);
	ck_assert_double_eq_tol(iso_stats_mad(c, 4), 0, EPS);
}
END_TEST

START_TEST(test_cv_and_moments)
{
	double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct iso_stats s;

	ck_assert_int_eq(iso_stats_compute(x, 8, 8, 200, 7, &s), 0);
	ck_assert_uint_eq(s.n, 8);
	ck_assert_double_eq_tol(s.mean, 5, EPS);
	/* Sample stddev: sqrt(32 / 7). */
	ck_assert_double_eq_tol(s.stddev, sqrt(32.0 / 7), 1e-12);
	ck_assert_double_eq_tol(iso_stats_cv(x, 8), sqrt(32.0 / 7) / 5, 1e-12);
	ck_assert_double_eq_tol(s.min, 2, EPS);
	ck_assert_double_eq_tol(s.max, 9, EPS);
	ck_assert_double_eq_tol(s.p50, 4.5, EPS);
	ck_assert(s.ci95_lo <= s.p50 && s.p50 <= s.ci95_hi);
	ck_assert_double_eq(iso_stats_cv(x, 1), 0);
	ck_assert_int_eq(iso_stats_compute(x, 0, 0, 200, 7, &s), -EINVAL);
}
END_TEST

START_TEST(test_tukey)
{
	/* Q1 = 3.25, Q3 = 7.75 (type 7), IQR 4.5: fences -3.5 and 14.5. */
	double x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, -50 };
	bool flags[11];
	double lo, hi;
	size_t n;

	n = iso_stats_tukey(x, 9, &lo, &hi, NULL);
	ck_assert_uint_eq(n, 0);
	ck_assert_double_eq_tol(lo, 3 - 1.5 * 4, EPS);
	ck_assert_double_eq_tol(hi, 7 + 1.5 * 4, EPS);
	n = iso_stats_tukey(x, 11, &lo, &hi, flags);
	ck_assert_uint_eq(n, 2);
	ck_assert(flags[9] && flags[10] && !flags[0]);
}
END_TEST

START_TEST(test_bootstrap_deterministic)
{
	double x[51], lo1, hi1, lo2, hi2;

	for (int i = 0; i < 51; i++)
		x[i] = i;
	ck_assert_int_eq(iso_stats_bootstrap_median_ci(x, 51, 500, 0.95, 9, &lo1, &hi1), 0);
	ck_assert_int_eq(iso_stats_bootstrap_median_ci(x, 51, 500, 0.95, 9, &lo2, &hi2), 0);
	ck_assert_double_eq(lo1, lo2);
	ck_assert_double_eq(hi1, hi2);
	ck_assert(lo1 < 25 && hi1 > 25);
	/* The CI of the median of 0..50 spans roughly +-7 ranks around it. */
	ck_assert(lo1 >= 15 && hi1 <= 35);
	ck_assert_int_eq(iso_stats_bootstrap_median_ci(x, 0, 500, 0.95, 9, &lo1, &hi1), -EINVAL);
	ck_assert_int_eq(iso_stats_bootstrap_median_ci(x, 5, 0, 0.95, 9, &lo1, &hi1), -EINVAL);
	ck_assert_int_eq(iso_stats_bootstrap_median_ci(x, 5, 10, 1.5, 9, &lo1, &hi1), -EINVAL);
}
END_TEST

/* Exponential with rate 1: median ln 2. Skewed like latency data. */
static double expo(uint64_t *st)
{
	return -log(1 - iso_stats_uniform(st));
}

START_TEST(test_bootstrap_coverage)
{
	/*
	 * 400 synthetic data sets of 101 exponential samples (fixed seed): the 95%
	 * interval must contain the true median in about 95% of them. The binomial
	 * sd at 400 trials is ~1.1%; percentile bootstrap of a median runs a little
	 * conservative with odd n, so accept 90%..99%.
	 */
	const int trials = 400, n = 101;
	double x[101], truth = log(2);
	uint64_t st = 12345;
	int hit = 0;

	for (int t = 0; t < trials; t++) {
		double lo, hi;

		for (int i = 0; i < n; i++)
			x[i] = expo(&st);
		ck_assert_int_eq(iso_stats_bootstrap_median_ci(x, n, 400, 0.95, 1000 + t, &lo, &hi),
				 0);
		hit += lo <= truth && truth <= hi;
	}
	ck_assert_msg(hit >= trials * 0.90 && hit <= trials * 0.99, "coverage %d/%d", hit, trials);
}
END_TEST

/* A standard normal deviate (Box-Muller). */
static double gauss(uint64_t *st)
{
	double u1 = 1 - iso_stats_uniform(st), u2 = iso_stats_uniform(st);

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

START_TEST(test_cluster_bootstrap_coverage)
{
	/*
	 * Data like a benchmark's: 20 repetitions of 15 samples, each repetition
	 * at its own level (lognormal, sigma 0.2) with little noise inside; the
	 * population median is 1. Resampling whole repetitions, the 95% interval
	 * holds 1 in most data sets (a bootstrap over 20 clusters runs a little
	 * short: accept 85%..99%). The control: the plain sample bootstrap on the
	 * same data holds it far less often, its interval is too narrow.
	 */
	const int trials = 200, reps = 20, per = 15;
	double x[300];
	uint64_t st = 777;
	int hit = 0, naive = 0;

	for (int t = 0; t < trials; t++) {
		double lo, hi;

		for (int r = 0; r < reps; r++) {
			double level = exp(0.2 * gauss(&st));

			for (int i = 0; i < per; i++)
				x[r * per + i] = level * exp(0.02 * gauss(&st));
		}
		ck_assert_int_eq(iso_stats_cluster_median_ci(x, reps * per, reps, 400, 0.95,
							     2000 + t, &lo, &hi),
				 0);
		hit += lo <= 1 && 1 <= hi;
		ck_assert_int_eq(iso_stats_bootstrap_median_ci(x, reps * per, 400, 0.95, 2000 + t,
							       &lo, &hi),
				 0);
		naive += lo <= 1 && 1 <= hi;
	}
	ck_assert_msg(hit >= trials * 0.85 && hit <= trials * 0.99, "coverage %d/%d", hit, trials);
	ck_assert_msg(naive < trials * 0.6, "plain bootstrap coverage %d/%d", naive, trials);
	/* Groups must split the data evenly. */
	{
		double lo, hi;

		ck_assert_int_eq(iso_stats_cluster_median_ci(x, 10, 3, 100, 0.95, 1, &lo, &hi),
				 -EINVAL);
		ck_assert_int_eq(iso_stats_cluster_median_ci(x, 10, 0, 100, 0.95, 1, &lo, &hi),
				 -EINVAL);
	}
}
END_TEST

/* One seed, one order; every index once; and not the identity for 20 items. */
START_TEST(test_shuffle_permutes_reproducibly)
{
	size_t a[20], b[20], seen[20] = { 0 };
	uint64_t r1 = 42, r2 = 42;
	bool moved = false;

	for (size_t i = 0; i < 20; i++)
		a[i] = b[i] = i;
	iso_stats_shuffle(a, 20, &r1);
	iso_stats_shuffle(b, 20, &r2);
	for (size_t i = 0; i < 20; i++) {
		ck_assert_uint_eq(a[i], b[i]);
		seen[a[i]]++;
		moved |= a[i] != i;
	}
	for (size_t i = 0; i < 20; i++)
		ck_assert_uint_eq(seen[i], 1);
	ck_assert(moved);
	iso_stats_shuffle(a, 0, &r1); /* no items: nothing to do */
}
END_TEST

START_TEST(test_rand_uniform)
{
	uint64_t st = 1;
	double sum = 0;

	for (int i = 0; i < 100000; i++) {
		double u = iso_stats_uniform(&st);

		ck_assert(u >= 0 && u < 1);
		sum += u;
	}
	ck_assert_double_eq_tol(sum / 100000, 0.5, 0.01);
}
END_TEST

static Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_percentiles_known);
	tcase_add_test(tc, test_median_unsorted);
	tcase_add_test(tc, test_median_matches_sort);
	tcase_add_test(tc, test_mad_known);
	tcase_add_test(tc, test_cv_and_moments);
	tcase_add_test(tc, test_tukey);
	tcase_add_test(tc, test_bootstrap_deterministic);
	tcase_add_test(tc, test_bootstrap_coverage);
	tcase_add_test(tc, test_cluster_bootstrap_coverage);
	tcase_add_test(tc, test_rand_uniform);
	tcase_add_test(tc, test_shuffle_permutes_reproducibly);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return iso_check_run(stats_suite());
}
