// SPDX-License-Identifier: MIT
/* Descriptive statistics of benchmark samples (see stats.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

uint64_t iso_stats_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double iso_stats_uniform(uint64_t *state)
{
	return (double)(iso_stats_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void iso_stats_sort(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

double iso_stats_percentile_sorted(const double *s, size_t n, double q)
{
	double h;
	size_t lo;

	if (n == 0)
		return NAN;
	if (q <= 0)
		return s[0];
	if (q >= 1)
		return s[n - 1];
	h = q * (double)(n - 1);
	lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

/* k-th smallest (0-based) of x[0..n), reordering x (Wirth's selection). */
static double select_kth(double *x, size_t n, size_t k)
{
	long l = 0, r = (long)n - 1, kk = (long)k;

	while (l < r) {
		double pivot = x[kk];
		long i = l, j = r;

		do {
			while (x[i] < pivot)
				i++;
			while (pivot < x[j])
				j--;
			if (i <= j) {
				double t = x[i];

				x[i] = x[j];
				x[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
	return x[kk];
}

/* Median of x[0..n), reordering x. */
static double median_inplace(double *x, size_t n)
{
	double hi = select_kth(x, n, n / 2), lo;

	if (n % 2)
		return hi;
	/* The lower middle is the largest of the left part. */
	lo = x[0];
	for (size_t i = 1; i < n / 2; i++)
		if (x[i] > lo)
			lo = x[i];
	return (lo + hi) / 2;
}

double iso_stats_median(const double *x, size_t n)
{
	double *c, m;

	if (n == 0)
		return NAN;
	c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, x, n * sizeof(*c));
	m = median_inplace(c, n);
	free(c);
	return m;
}

double iso_stats_mad(const double *x, size_t n)
{
	double *d, med, m;

	if (n == 0)
		return NAN;
	med = iso_stats_median(x, n);
	d = malloc(n * sizeof(*d));
	if (!d)
		return NAN;
	for (size_t i = 0; i < n; i++)
		d[i] = fabs(x[i] - med);
	m = median_inplace(d, n);
	free(d);
	return m;
}

double iso_stats_cv(const double *x, size_t n)
{
	double mean = 0, ss = 0;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	if (mean == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return sqrt(ss / (double)(n - 1)) / fabs(mean);
}

/* Returns 0 or -errno. */
int iso_stats_boot_medians(const double *x, size_t n, size_t groups, unsigned int nboot,
			   uint64_t seed, double *meds)
{
	size_t g;
	double *res;
	uint64_t st = seed;

	if (n == 0 || groups == 0 || n % groups || nboot == 0)
		return -EINVAL;
	g = n / groups;
	res = malloc(n * sizeof(*res));
	if (!res)
		return -ENOMEM;
	for (unsigned int b = 0; b < nboot; b++) {
		for (size_t k = 0; k < groups; k++)
			memcpy(res + k * g, x + (iso_stats_rand(&st) % groups) * g,
			       g * sizeof(*res));
		meds[b] = median_inplace(res, n);
	}
	free(res);
	return 0;
}

/* Returns 0 or -errno. */
int iso_stats_cluster_median_ci(const double *x, size_t n, size_t groups, unsigned int nboot,
				double level, uint64_t seed, double *lo, double *hi)
{
	double *meds;
	int r;

	if (nboot == 0 || !(level > 0 && level < 1))
		return -EINVAL;
	meds = malloc(nboot * sizeof(*meds));
	if (!meds)
		return -ENOMEM;
	r = iso_stats_boot_medians(x, n, groups, nboot, seed, meds);
	if (r == 0) {
		iso_stats_sort(meds, nboot);
		*lo = iso_stats_percentile_sorted(meds, nboot, (1 - level) / 2);
		*hi = iso_stats_percentile_sorted(meds, nboot, 1 - (1 - level) / 2);
	}
	free(meds);
	return r;
}

/* Returns 0 or -errno. */
int iso_stats_bootstrap_median_ci(const double *x, size_t n, unsigned int nboot, double level,
				  uint64_t seed, double *lo, double *hi)
{
	/* Every sample its own group: the plain percentile bootstrap. */
	return iso_stats_cluster_median_ci(x, n, n, nboot, level, seed, lo, hi);
}

size_t iso_stats_tukey(const double *x, size_t n, double *lo, double *hi, bool *flags)
{
	double *s, q1, q3;
	size_t count = 0;

	*lo = *hi = NAN;
	if (n == 0)
		return 0;
	s = malloc(n * sizeof(*s));
	if (!s)
		return 0;
	memcpy(s, x, n * sizeof(*s));
	iso_stats_sort(s, n);
	q1 = iso_stats_percentile_sorted(s, n, 0.25);
	q3 = iso_stats_percentile_sorted(s, n, 0.75);
	free(s);
	*lo = q1 - 1.5 * (q3 - q1);
	*hi = q3 + 1.5 * (q3 - q1);
	for (size_t i = 0; i < n; i++) {
		bool out = x[i] < *lo || x[i] > *hi;

		count += out;
		if (flags)
			flags[i] = out;
	}
	return count;
}

/* Returns 0 or -errno. */
int iso_stats_compute(const double *x, size_t n, size_t groups, unsigned int nboot, uint64_t seed,
		      struct iso_stats *o)
{
	double *s, sum = 0, ss = 0;
	int r;

	memset(o, 0, sizeof(*o));
	if (n == 0)
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, x, n * sizeof(*s));
	iso_stats_sort(s, n);
	o->n = n;
	o->min = s[0];
	o->max = s[n - 1];
	o->p50 = iso_stats_percentile_sorted(s, n, 0.50);
	o->p90 = iso_stats_percentile_sorted(s, n, 0.90);
	o->p99 = iso_stats_percentile_sorted(s, n, 0.99);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	o->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (s[i] - o->mean) * (s[i] - o->mean);
	o->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
	free(s);
	o->mad = iso_stats_mad(x, n);
	o->outliers = iso_stats_tukey(x, n, &o->fence_lo, &o->fence_hi, NULL);
	r = iso_stats_cluster_median_ci(x, n, groups, nboot ? nboot : 1000, 0.95, seed, &o->ci95_lo,
					&o->ci95_hi);
	return r;
}

void iso_fmt_ns(char *buf, size_t len, double ns)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else if (ns < 1e3)
		snprintf(buf, len, "%.1f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else
		snprintf(buf, len, "%.2f ms", ns / 1e6);
}

void iso_stats_shuffle(size_t *idx, size_t n, uint64_t *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = iso_stats_rand(rng) % i, t = idx[i - 1];

		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}
