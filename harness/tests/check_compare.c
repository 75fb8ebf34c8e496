// SPDX-License-Identifier: MIT
/* Unit tests of the comparison statistics (reports/compare.c) on known data. */
#include <check.h>

#include "check_main.h"
#include <math.h>
#include <stdlib.h>

#include "compare.h"

START_TEST(mann_whitney_known)
{
	double x[10], y[10];

	for (int i = 0; i < 10; i++) {
		x[i] = i + 1;
		y[i] = i + 11;
	}
	/* Fully separated: U = 0, z = (50 - 0.5) / sqrt(175) = 3.742, p = 1.83e-4. */
	ck_assert_double_eq_tol(iso_mann_whitney_p(x, 10, y, 10), 1.83e-4, 0.05e-4);
	/* Identical samples: no evidence of a difference. */
	ck_assert_double_eq_tol(iso_mann_whitney_p(x, 10, x, 10), 1.0, 1e-9);
	ck_assert(isnan(iso_mann_whitney_p(x, 0, y, 10)));
}
END_TEST

START_TEST(mann_whitney_ties)
{
	double x[] = { 1, 1, 1, 2, 2 }, y[] = { 1, 2, 2, 2, 3 };
	double p = iso_mann_whitney_p(x, 5, y, 5);

	ck_assert(p > 0.1 && p <= 1.0);
}
END_TEST

/* A standard normal deviate (Box-Muller). */
static double gauss(unsigned int *seed)
{
	double u1 = (rand_r(seed) + 1.0) / (RAND_MAX + 2.0);
	double u2 = (rand_r(seed) + 1.0) / (RAND_MAX + 2.0);

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* On shifted synthetic data the CI covers the true ratio most of the time. */
START_TEST(bootstrap_covers_true_ratio)
{
	unsigned int seed = 7;
	int covered = 0, trials = 40;

	for (int t = 0; t < trials; t++) {
		double x[200], y[200], lo, hi;

		for (int i = 0; i < 200; i++) {
			x[i] = 100 * exp(0.1 * gauss(&seed));
			y[i] = 120 * exp(0.1 * gauss(&seed));
		}
		ck_assert_int_eq(iso_bootstrap_ratio_ci(x, 200, y, 200, 400, &lo, &hi), 0);
		ck_assert(lo <= hi);
		covered += lo <= 1.2 && 1.2 <= hi;
	}
	ck_assert_int_ge(covered, trials * 80 / 100);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, mann_whitney_known);
	tcase_add_test(tc, mann_whitney_ties);
	tcase_add_test(tc, bootstrap_covers_true_ratio);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return iso_check_run(s);
}
