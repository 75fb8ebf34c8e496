// SPDX-License-Identifier: MIT
/* Unit tests of the comparison statistics (reports/compare.c) on known data. */
#include <check.h>

#include "check_main.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "stats.h"

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

/*
 * Clustered data like a benchmark's: REPS repetitions of PER samples, each
 * repetition scaled by its own factor (the machine's state while it ran:
 * lognormal, sigma rep_sigma) with little noise inside. Also fills a document
 * result as the engine writes it (samples in repetition order, rep_medians).
 */
#define REPS 20
#define PER 30

static json_t *clustered_id(const char *id, unsigned int *seed, double median, double rep_sigma,
			    double *x)
{
	json_t *o = json_object(), *st = json_object(), *smp = json_array(), *rm = json_array();

	for (int r = 0; r < REPS; r++) {
		double f = exp(rep_sigma * gauss(seed)), v[PER];

		for (int i = 0; i < PER; i++) {
			v[i] = median * f * exp(0.02 * gauss(seed));
			x[r * PER + i] = v[i];
			json_array_append_new(smp, json_real(v[i]));
		}
		for (int i = 1; i < PER; i++) /* insertion sort for the repetition's median */
			for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
				double t = v[j];

				v[j] = v[j - 1];
				v[j - 1] = t;
			}
		json_array_append_new(rm, json_real((v[PER / 2 - 1] + v[PER / 2]) / 2));
	}
	/* The p50 of the document is the median of its samples, as the engine's is. */
	json_object_set_new(st, "p50", json_real(iso_stats_median(x, REPS * PER)));
	json_object_set_new(st, "rep_medians", rm);
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "status", json_string("ok"));
	json_object_set_new(o, "n", json_integer(REPS * PER));
	json_object_set_new(o, "reps", json_integer(REPS));
	json_object_set_new(o, "stats", st);
	json_object_set_new(o, "samples", smp);
	return o;
}

static json_t *clustered(unsigned int *seed, double median, double rep_sigma, double *x)
{
	return clustered_id("op", seed, median, rep_sigma, x);
}

static json_t *doc_with(json_t *result)
{
	json_t *d = json_object(), *b = json_object(), *res = json_array();

	json_array_append_new(res, result);
	json_object_set_new(b, "results", res);
	json_object_set_new(d, "bench", b);
	json_object_set_new(d, "cases", json_array());
	return d;
}

static const char *verdict_of(json_t *cmp)
{
	return json_string_value(
		json_object_get(json_array_get(json_object_get(cmp, "bench"), 0), "verdict"));
}

/* Whole repetitions resampled: the CI covers the true ratio of clustered data. */
START_TEST(cluster_bootstrap_covers_true_ratio)
{
	unsigned int seed = 11;
	int covered = 0, trials = 30;

	for (int t = 0; t < trials; t++) {
		double x[REPS * PER], y[REPS * PER], lo, hi;

		json_decref(clustered(&seed, 100, 0.1, x));
		json_decref(clustered(&seed, 120, 0.1, y));
		ck_assert_int_eq(iso_cluster_bootstrap_ratio_ci(x, REPS * PER, REPS, y, REPS * PER,
								REPS, 400, &lo, &hi),
				 0);
		ck_assert(lo <= hi);
		covered += lo <= 1.2 && 1.2 <= hi;
	}
	ck_assert_int_ge(covered, trials * 80 / 100);
	/* Samples that do not split into whole repetitions are refused. */
	{
		double x[10] = { 1 }, lo, hi;

		ck_assert_int_eq(iso_cluster_bootstrap_ratio_ci(x, 10, 3, x, 10, 5, 100, &lo, &hi),
				 -EINVAL);
	}
}
END_TEST

/*
 * Two draws of one clustered distribution (an A/A pair): taken sample by
 * sample they look different (the samples of a repetition are not
 * independent), repetition by repetition they do not. A real 30% slowdown is
 * still a regression.
 */
START_TEST(compare_counts_repetitions)
{
	unsigned int seed = 5;
	int flagged = 0, caught = 0, naive = 0, trials = 20;

	for (int t = 0; t < trials; t++) {
		double x[REPS * PER], y[REPS * PER];
		json_t *a = doc_with(clustered(&seed, 100, 0.15, x));
		json_t *b = doc_with(clustered(&seed, 100, 0.15, y));
		json_t *c = doc_with(clustered(&seed, 130, 0.15, y));
		json_t *r1 = iso_compare(a, b, 0.10, 0.01), *r2 = iso_compare(a, c, 0.10, 0.01);

		flagged += strcmp(verdict_of(r1), "unchanged") != 0;
		caught += !strcmp(verdict_of(r2), "regression");
		ck_assert_str_eq(json_string_value(json_object_get(
					 json_array_get(json_object_get(r1, "bench"), 0), "unit")),
				 "repetition");
		naive += iso_mann_whitney_p(x, REPS * PER, y, REPS * PER) < 0.01;
		json_decref(r1);
		json_decref(r2);
		json_decref(a);
		json_decref(b);
		json_decref(c);
	}
	ck_assert_int_le(flagged, 1);
	ck_assert_int_ge(caught, trials * 80 / 100);
	/* The control: the sample-level test calls most of these A/A pairs different. */
	ck_assert_int_ge(naive, trials / 2);
}
END_TEST

/*
 * Many operations at once, as in a quick run: 150 A/A operations give no
 * verdict (their p-values are adjusted across the operations), and one real
 * 40% slowdown among them is still the one regression. The control: without
 * the adjustment several of the A/A operations fall under p 0.05.
 */
START_TEST(compare_adjusts_across_operations)
{
	unsigned int seed = 99;
	json_t *a = doc_with(json_object()), *b = doc_with(json_object()), *r, *row;
	json_t *ra = json_object_get(json_object_get(a, "bench"), "results");
	json_t *rb = json_object_get(json_object_get(b, "bench"), "results");
	int raw = 0, regs = 0;
	size_t i;

	json_array_clear(ra);
	json_array_clear(rb);
	for (int k = 0; k < 151; k++) {
		double x[REPS * PER];
		char id[32];

		snprintf(id, sizeof(id), "op%d", k);
		json_array_append_new(ra, clustered_id(id, &seed, 100, 0.15, x));
		json_array_append_new(rb, clustered_id(id, &seed, k == 150 ? 140 : 100, 0.15, x));
	}
	r = iso_compare(a, b, 0.10, 0.01);
	json_array_foreach(json_object_get(r, "bench"), i, row)
	{
		const char *v = json_string_value(json_object_get(row, "verdict"));

		raw += json_number_value(json_object_get(row, "p_value")) < 0.05 &&
		       strcmp(json_string_value(json_object_get(row, "id")), "op150");
		if (!strcmp(v, "regression")) {
			regs++;
			ck_assert_str_eq(json_string_value(json_object_get(row, "id")), "op150");
		}
		ck_assert(json_number_value(json_object_get(row, "q_value")) >=
			  json_number_value(json_object_get(row, "p_value")));
	}
	ck_assert_int_eq(regs, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "regressions")), 1);
	ck_assert_int_ge(raw, 2); /* the control: unadjusted, A/A ops fall under 0.05 */
	json_decref(r);
	json_decref(a);
	json_decref(b);
}
END_TEST

/*
 * A machine that runs 25% slower as a whole, getpid included: no operation is
 * a regression. Absolute figures say "the machine moved" and every flag is
 * inconclusive; relative to baseline.getpid nothing moved.
 */
START_TEST(compare_machine_drift_is_inconclusive)
{
	unsigned int seed = 3;
	json_t *a = doc_with(json_object()), *b = doc_with(json_object()), *r;
	json_t *ra = json_object_get(json_object_get(a, "bench"), "results");
	json_t *rb = json_object_get(json_object_get(b, "bench"), "results");
	static const char *const ids[] = { "baseline.getpid", "op1", "op2", "op3" };

	json_array_clear(ra);
	json_array_clear(rb);
	for (int k = 0; k < 4; k++) {
		double x[REPS * PER];

		json_array_append_new(ra, clustered_id(ids[k], &seed, 100 * (k + 1), 0.03, x));
		json_array_append_new(rb, clustered_id(ids[k], &seed, 125 * (k + 1), 0.03, x));
	}
	r = iso_compare(a, b, 0.10, 0.01);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "regressions")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "inconclusive")), 4);
	ck_assert(json_is_true(json_object_get(json_object_get(r, "machine"), "machine_drift")));
	ck_assert_str_eq(json_string_value(json_object_get(r, "gate")), "pass");
	json_decref(r);
	{
		struct iso_cmp_opts o = { .threshold = 0.10, .relative_to = "baseline.getpid" };

		r = iso_compare_opts(a, b, &o);
	}
	ck_assert_int_eq(json_integer_value(json_object_get(r, "regressions")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "inconclusive")), 0);
	ck_assert_double_eq_tol(json_real_value(json_object_get(r, "new_scaled_by")), 0.8, 0.05);
	json_decref(r);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* 40 operations over three decades of cost, as a quick run has; op "slow" slower by pct. */
static void spread_docs(json_t *a, json_t *b, double all, double slow, bool calib)
{
	unsigned int seed = 17;
	json_t *ra = json_object_get(json_object_get(a, "bench"), "results");
	json_t *rb = json_object_get(json_object_get(b, "bench"), "results");

	json_array_clear(ra);
	json_array_clear(rb);
	for (int k = 0; k < 40 + 2 * calib; k++) {
		double x[REPS * PER], cost = 1000 * pow(10, (k % 40) * 3.0 / 40);
		char id[32];

		snprintf(id, sizeof(id), "%s%d", k >= 40 ? "baseline.f" : "op", k);
		if (k == 40)
			snprintf(id, sizeof(id), "baseline.getpid");
		if (k == 41)
			snprintf(id, sizeof(id), "baseline.fork");
		json_array_append_new(ra, clustered_id(id, &seed, cost, 0.05, x));
		json_array_append_new(rb, clustered_id(id, &seed, cost * all * (k == 20 ? slow : 1),
						       0.05, x));
	}
}

static const char *verdict_by_id(json_t *cmp, const char *id)
{
	size_t i;
	json_t *row;

	json_array_foreach(
		json_object_get(cmp, "bench"), i,
		row) if (!strcmp(json_string_value(json_object_get(row, "id")),
				 id)) return json_string_value(json_object_get(row, "verdict"));
	return "";
}

/*
 * Each op is judged against the drift of its neighbours in cost: one op 30%
 * slower among 40 is the one regression, also when all of them ran 15%
 * slower (a run-wide move, with the calibration ops unchanged, counted once).
 * With the calibration ops moved along, the machine moved: inconclusive.
 */
START_TEST(compare_separates_drift_from_the_op)
{
	json_t *a = doc_with(json_object()), *b = doc_with(json_object()), *r;

	spread_docs(a, b, 1.0, 1.3, false);
	r = iso_compare(a, b, 0.05, 0.01);
	ck_assert_str_eq(verdict_by_id(r, "op20"), "regression");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "regressions")), 1);
	json_decref(r);

	spread_docs(a, b, 1.15, 1.3, false);
	r = iso_compare(a, b, 0.05, 0.01);
	ck_assert_str_eq(verdict_by_id(r, "op20"), "regression");
	ck_assert_str_eq(verdict_by_id(r, "op3"), "unchanged");
	ck_assert(json_is_true(json_object_get(json_object_get(r, "machine"), "run_wide")));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "regressions")), 2);
	json_decref(r);

	spread_docs(a, b, 1.15, 1.3, true);
	r = iso_compare(a, b, 0.05, 0.01);
	ck_assert_str_eq(verdict_by_id(r, "op20"), "inconclusive");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "regressions")), 0);
	json_decref(r);
	{
		/* The control: without the drift scaling, every op is a regression. */
		struct iso_cmp_opts o = { .threshold = 0.05, .no_drift = true };

		spread_docs(a, b, 1.15, 1.3, false);
		r = iso_compare_opts(a, b, &o);
		ck_assert_int_ge(json_integer_value(json_object_get(r, "regressions")), 30);
		json_decref(r);
	}
	json_decref(a);
	json_decref(b);
}
END_TEST

/* An op of BASE missing from NEW fails the gate, unless allowed. */
START_TEST(compare_missing_fails_the_gate)
{
	json_t *a = doc_with(json_object()), *b = doc_with(json_object()), *r;
	struct iso_cmp_opts o = { .allow_missing = true };

	spread_docs(a, b, 1.0, 1.0, false);
	json_array_remove(json_object_get(json_object_get(b, "bench"), "results"), 7);
	r = iso_compare(a, b, 0.05, 0.01);
	ck_assert_str_eq(verdict_by_id(r, "op7"), "missing");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "missing")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(r, "gate")), "fail");
	json_decref(r);
	r = iso_compare_opts(a, b, &o);
	ck_assert_str_eq(json_string_value(json_object_get(r, "gate")), "pass");
	json_decref(r);
	json_decref(a);
	json_decref(b);
}
END_TEST

/* Welch's t on known data: means 3 and 5, variances 2.5, t = 2 with 8 degrees of freedom. */
START_TEST(welch_known)
{
	double x[] = { 1, 2, 3, 4, 5 }, y[] = { 3, 4, 5, 6, 7 };

	ck_assert_double_eq_tol(iso_welch_p(x, 5, y, 5), 0.0805, 0.0005);
	ck_assert_double_eq_tol(iso_welch_p(x, 5, x, 5), 1.0, 1e-9);
	ck_assert(isnan(iso_welch_p(x, 1, y, 5)));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, mann_whitney_known);
	tcase_add_test(tc, mann_whitney_ties);
	tcase_add_test(tc, bootstrap_covers_true_ratio);
	tcase_add_test(tc, cluster_bootstrap_covers_true_ratio);
	tcase_add_test(tc, compare_counts_repetitions);
	tcase_add_test(tc, compare_adjusts_across_operations);
	tcase_add_test(tc, compare_machine_drift_is_inconclusive);
	tcase_add_test(tc, compare_separates_drift_from_the_op);
	tcase_add_test(tc, compare_missing_fails_the_gate);
	tcase_add_test(tc, welch_known);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return iso_check_run(s);
}
