// SPDX-License-Identifier: MIT
/*
 * isobench compare BASE NEW: verdict changes and benchmark regressions.
 *
 * Conformance: every verdict change is listed; pass -> fail/broken/error is a
 * regression; a new skip is reported with both reasons. Benchmarks: per
 * operation, the ratio of medians (new / base) with a bootstrap 95% CI, and a
 * two-sided Mann-Whitney U p-value, on repetition medians and whole
 * repetitions where both sides have them, else on the raw samples; a regression is a
 * slowdown above the threshold that is significant at alpha. Exit 0 no
 * regression, 1 regression, 2 input error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "opts.h"
#include "compare.h"
#include "export.h"
#include "reports.h"
#include "stats.h"

static const char usage_compare[] =
	"usage: isobench compare BASE NEW [OPTIONS]\n"
	"\n"
	"Compares two documents of one kind: two conformance runs, two benchmark runs, or\n"
	"two ci/main folders (DIR/run/results.json and DIR/bench/results.json merged).\n"
	"\n"
	"  --threshold PCT   a change beyond PCT counts (default 5)\n"
	"  --alpha A         false-discovery level across the operations (default 0.01)\n"
	"  --format F        text (default), md (CommonMark) or json\n"
	"  --allow-missing   an operation or case of BASE absent from NEW does not fail\n"
	"  --no-drift        do not scale each operation by its neighbours' drift\n"
	"  --relative-to OP  scale NEW by OP's base/new p50 instead (e.g. baseline.getpid)\n"
	"  -v, --verbose     list unchanged operations too\n"
	"\n"
	"Per operation: regression or improvement (beyond PCT after its local drift, the\n"
	"median change of the 16 operations nearest it in cost, is scaled out, and q < A:\n"
	"Welch's t on the logs of the repetition medians, Benjamini-Hochberg across the\n"
	"operations), unchanged, inconclusive (why: the machine itself moved beyond PCT with\n"
	"the calibration operations baseline.getpid and baseline.fork, or no samples), new,\n"
	"missing, skipped. A case going from pass to fail, broken or error is a regression.\n"
	"Exit: 0 the gate passes, 1 a regression or a missing operation/case, 2 bad input\n"
	"(unreadable, truncated or invalid documents, or documents of different kinds).\n";

/* ---- loading ---- */

/* Loads and checks one document. Returns it, or NULL after printing one line. */
static json_t *load_doc(const char *path, const char *cmd, bool partial_ok)
{
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err), *v, *run;

	if (!doc) {
		if (err.line < 0 || strstr(err.text, "unable to open"))
			fprintf(stderr, "isobench %s: %s: cannot read: %s\n", cmd, path, err.text);
		else
			fprintf(stderr, "isobench %s: %s: not valid JSON (line %d: %s)\n", cmd,
				path, err.line, err.text);
		return NULL;
	}
	if (!json_is_object(doc) || !json_is_string(v = json_object_get(doc, "schema")) ||
	    strcmp(json_string_value(v), "isobench-results")) {
		fprintf(stderr, "isobench %s: %s: not an isobench results document\n", cmd, path);
		goto bad;
	}
	v = json_object_get(doc, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 2) {
		fprintf(stderr,
			"isobench %s: %s: schema version %s not supported (this isobench reads 1 and "
			"2)\n",
			cmd, path, json_is_integer(v) ? "other than 1 or 2" : "missing");
		goto bad;
	}
	run = json_object_get(doc, "run");
	if (!json_is_object(run)) {
		fprintf(stderr, "isobench %s: %s: no \"run\" object\n", cmd, path);
		goto bad;
	}
	if (!partial_ok && !json_is_true(json_object_get(run, "complete"))) {
		fprintf(stderr,
			"isobench %s: %s: the run is incomplete (interrupted); compare complete runs only\n",
			cmd, path);
		goto bad;
	}
	if (!json_is_array(json_object_get(doc, "cases"))) {
		fprintf(stderr, "isobench %s: %s: no \"cases\" array\n", cmd, path);
		goto bad;
	}
	v = json_object_get(doc, "bench");
	if (v && (!json_is_object(v) || !json_is_array(json_object_get(v, "results")))) {
		fprintf(stderr, "isobench %s: %s: \"bench\" has no \"results\" array\n", cmd, path);
		goto bad;
	}
	if (v) {
		size_t i;
		json_t *r;

		json_array_foreach(json_object_get(v, "results"), i, r)
		{
			json_t *id = json_object_get(r, "id"), *st = json_object_get(r, "status");
			json_t *p50 = json_object_get(json_object_get(r, "stats"), "p50");

			if (!json_is_string(id) || !json_is_string(st)) {
				fprintf(stderr,
					"isobench %s: %s: bench result %zu has no id or status\n",
					cmd, path, i);
				goto bad;
			}
			if (!strcmp(json_string_value(st), "ok") && !json_is_number(p50)) {
				fprintf(stderr,
					"isobench %s: %s: bench result %s is ok but has no stats.p50\n",
					cmd, path, json_string_value(id));
				goto bad;
			}
		}
	}
	return doc;
bad:
	json_decref(doc);
	return NULL;
}

/* Loads FILE, or DIR/results.json, or DIR/run + DIR/bench merged. NULL after one line. */
json_t *iso_results_load(const char *path, const char *cmd, bool partial_ok)
{
	struct stat st;
	char a[4096], b[4096];
	json_t *run = NULL, *bench = NULL;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "isobench %s: %s: %s\n", cmd, path, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode))
		return load_doc(path, cmd, partial_ok);
	snprintf(a, sizeof(a), "%s/results.json", path);
	if (stat(a, &st) == 0)
		return load_doc(a, cmd, partial_ok);
	snprintf(a, sizeof(a), "%s/run/results.json", path);
	snprintf(b, sizeof(b), "%s/bench/results.json", path);
	if (stat(a, &st) == 0 && !(run = load_doc(a, cmd, partial_ok)))
		return NULL;
	if (stat(b, &st) == 0 && !(bench = load_doc(b, cmd, partial_ok))) {
		json_decref(run);
		return NULL;
	}
	if (!run && !bench) {
		fprintf(stderr, "isobench %s: %s: no results.json in this folder\n", cmd, path);
		return NULL;
	}
	if (!run)
		return bench;
	if (bench) {
		json_object_set(run, "bench", json_object_get(bench, "bench"));
		json_decref(bench);
	}
	return run;
}

json_t *iso_compare_load(const char *path)
{
	return iso_results_load(path, "compare", false);
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Two-sided Mann-Whitney U test (normal approximation with tie correction and
 * continuity correction). Returns the p-value; NAN if a side is empty.
 */
double iso_mann_whitney_p(const double *x, size_t nx, const double *y, size_t ny)
{
	size_t n = nx + ny, i = 0;
	struct tagged {
		double v;
		int side;
	} * all;
	double rx = 0, ties = 0, u, mu, sigma, z;

	if (!nx || !ny)
		return NAN;
	all = malloc(n * sizeof(*all));
	if (!all)
		return NAN;
	for (size_t k = 0; k < nx; k++)
		all[i++] = (struct tagged){ x[k], 0 };
	for (size_t k = 0; k < ny; k++)
		all[i++] = (struct tagged){ y[k], 1 };
	qsort(all, n, sizeof(*all), cmp_double); /* v is the first member */
	for (i = 0; i < n;) {
		size_t j = i;
		double rank;

		while (j + 1 < n && all[j + 1].v == all[i].v)
			j++;
		rank = (i + j) / 2.0 + 1; /* average rank of the tie group */
		for (size_t k = i; k <= j; k++)
			if (all[k].side == 0)
				rx += rank;
		if (j > i) {
			double t = j - i + 1;

			ties += t * t * t - t;
		}
		i = j + 1;
	}
	free(all);
	u = rx - nx * (nx + 1) / 2.0;
	mu = nx * (double)ny / 2;
	sigma = sqrt(nx * (double)ny / 12 * ((n + 1) - ties / ((double)n * (n - 1))));
	if (sigma == 0)
		return 1.0;
	z = (fabs(u - mu) - 0.5) / sigma;
	if (z < 0)
		z = 0;
	return erfc(z / sqrt(2));
}

/*
 * 95% CI of median(y) / median(x) from bootstrap medians of each side,
 * resampling gx groups of x and gy of y (see iso_stats_boot_medians). Returns
 * 0 or -EINVAL / -ENOMEM.
 */
static int ratio_ci(const double *x, size_t nx, size_t gx, const double *y, size_t ny, size_t gy,
		    int iters, double *lo, double *hi)
{
	double *mx, *my;
	int n = 0, r = -EINVAL;

	if (iters < 20)
		return -EINVAL;
	mx = malloc(iters * sizeof(*mx));
	my = malloc(iters * sizeof(*my));
	if (!mx || !my) {
		free(mx);
		free(my);
		return -ENOMEM;
	}
	if (iso_stats_boot_medians(x, nx, gx, iters, 0x9e3779b97f4a7c15ull, mx) == 0 &&
	    iso_stats_boot_medians(y, ny, gy, iters, 0x2545f4914f6cdd1dull, my) == 0) {
		for (int i = 0; i < iters; i++)
			if (mx[i] > 0)
				my[n++] = my[i] / mx[i];
		if (n) {
			iso_stats_sort(my, n);
			*lo = my[(int)(0.025 * (n - 1))];
			*hi = my[(int)(0.975 * (n - 1))];
			r = 0;
		}
	}
	free(mx);
	free(my);
	return r;
}

int iso_bootstrap_ratio_ci(const double *x, size_t nx, const double *y, size_t ny, int iters,
			   double *lo, double *hi)
{
	return ratio_ci(x, nx, nx, y, ny, ny, iters, lo, hi);
}

int iso_cluster_bootstrap_ratio_ci(const double *x, size_t nx, size_t rx, const double *y,
				   size_t ny, size_t ry, int iters, double *lo, double *hi)
{
	return ratio_ci(x, nx, rx, y, ny, ry, iters, lo, hi);
}

/* ---- Welch's t-test on logarithms ---- */

/* Continued fraction of the regularized incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, num, del;

		num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + num * d;
		c = 1 + num / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

/* I_x(a, b), the regularized incomplete beta function. */
static double inc_beta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double iso_welch_p(const double *x, size_t nx, const double *y, size_t ny)
{
	double mx = 0, my = 0, vx = 0, vy = 0, se2, t, df;

	if (nx < 2 || ny < 2)
		return NAN;
	for (size_t i = 0; i < nx; i++)
		mx += x[i] / nx;
	for (size_t i = 0; i < ny; i++)
		my += y[i] / ny;
	for (size_t i = 0; i < nx; i++)
		vx += (x[i] - mx) * (x[i] - mx) / (nx - 1);
	for (size_t i = 0; i < ny; i++)
		vy += (y[i] - my) * (y[i] - my) / (ny - 1);
	se2 = vx / nx + vy / ny;
	if (se2 <= 0)
		return mx == my ? 1.0 : 0.0;
	t = (my - mx) / sqrt(se2);
	df = se2 * se2 / ((vx / nx) * (vx / nx) / (nx - 1) + (vy / ny) * (vy / ny) / (ny - 1));
	return inc_beta(df / 2, 0.5, df / (df + t * t));
}

/* ---- the comparison ---- */

enum fmt { FMT_TEXT, FMT_MD, FMT_JSON };

static json_t *find_by_id(json_t *arr, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		const char *vid = json_string_value(json_object_get(v, "id"));

		if (vid && !strcmp(vid, id))
			return v;
	}
	return NULL;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static bool is_bad(const char *v)
{
	return !strcmp(v, "fail") || !strcmp(v, "broken") || !strcmp(v, "error");
}

/*
 * Results with at least this many repetitions on both sides are compared
 * repetition by repetition (Welch on the logs of their medians); fewer,
 * sample by sample (Mann-Whitney U).
 */
#define MIN_REPS 5
/* The local drift of an op: the median change of this many ops nearest it in cost. */
#define DRIFT_NEIGHBOURS 16
/* Fewer comparable ops than this: no drift is estimated (the op itself would dominate). */
#define DRIFT_MIN_OPS 8

/* The numbers of a JSON array, into a malloc'd array. Returns the count. */
static size_t numbers_of(json_t *arr, double **out)
{
	size_t n = json_array_size(arr), i, k = 0;
	json_t *v;

	*out = NULL;
	if (!n || !(*out = malloc(n * sizeof(**out))))
		return 0;
	json_array_foreach(arr, i, v)
	{
		if (json_is_number(v))
			(*out)[k++] = json_number_value(v);
	}
	return k;
}

static double stat_of(json_t *res, const char *k)
{
	json_t *v = json_object_get(json_object_get(res, "stats"), k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* p50 of result id in a document's bench section; NaN when it has no ok result. */
static double doc_p50(json_t *doc, const char *id)
{
	json_t *r = find_by_id(json_object_get(json_object_get(doc, "bench"), "results"), id);

	return r && !strcmp(str(r, "status"), "ok") ? stat_of(r, "p50") : NAN;
}

/* One operation present and ok in both documents. */
struct op {
	json_t *row, *b, *n; /* the output row; the results in BASE and NEW */
	double cost; /* log p50 in BASE: the axis along which drift is local */
	double d; /* log(p50 new / p50 base), unscaled */
	double local; /* log of the drift scaled out of it */
	double p;
};

/*
 * The drift of the machine near each op: the median change of the
 * DRIFT_NEIGHBOURS other ops closest to it in base cost. A VM's speed moves
 * between two runs, and not by one factor: cheap syscalls and ops that wait on
 * RCU or a kworker move differently. Scaling each op by its neighbours
 * cancels that; an op that alone moved against its neighbours stands out.
 */
static void local_drift(struct op *ops, size_t n)
{
	double *dist = malloc(n * sizeof(*dist)), *near = malloc(n * sizeof(*near));

	for (size_t i = 0; i < n; i++)
		ops[i].local = 0;
	if (!dist || !near || n < DRIFT_MIN_OPS + 1) {
		free(dist);
		free(near);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = 0, want = n - 1 < DRIFT_NEIGHBOURS ? n - 1 : DRIFT_NEIGHBOURS;
		double cut;

		for (size_t j = 0; j < n; j++)
			if (j != i)
				dist[k++] = fabs(ops[j].cost - ops[i].cost);
		iso_stats_sort(dist, k);
		cut = dist[want - 1];
		k = 0;
		for (size_t j = 0; j < n; j++)
			if (j != i && fabs(ops[j].cost - ops[i].cost) <= cut)
				near[k++] = ops[j].d;
		ops[i].local = iso_stats_median(near, k);
	}
	free(dist);
	free(near);
}

struct pq {
	struct op *op;
	double p;
};

static int cmp_pq(const void *a, const void *b)
{
	double x = ((const struct pq *)a)->p, y = ((const struct pq *)b)->p;

	return x < y ? -1 : x > y;
}

/*
 * q-values (Benjamini-Hochberg) across the ops: q_(k) = min over j >= k of
 * p_(j) m / j. Two hundred ops in a quick run would each give a "regression"
 * at alpha by chance alone in one A/A pair in a hundred; under no real change
 * BH keeps the chance of any false verdict at alpha.
 */
static void adjust(struct op *ops, size_t n)
{
	struct pq *v = calloc(n + 1, sizeof(*v));
	size_t m = 0;
	double q = 1;

	if (!v) {
		fprintf(stderr, "isobench compare: out of memory\n");
		exit(ISO_EXIT_BROKEN);
	}
	for (size_t i = 0; i < n; i++)
		if (!isnan(ops[i].p))
			v[m++] = (struct pq){ &ops[i], ops[i].p };
	qsort(v, m, sizeof(*v), cmp_pq);
	for (size_t k = m; k-- > 0;) {
		q = fmin(q, v[k].p * (double)m / (double)(k + 1));
		json_object_set_new(v[k].op->row, "q_value", json_real(q));
	}
	free(v);
}

/* The test of one op: p-value, its unit, and the CI of the scaled ratio. */
static void test_op(struct op *op, double scale)
{
	json_t *o = op->b, *c = op->n, *row = op->row;
	double *x = NULL, *y = NULL, *mx = NULL, *my = NULL, lo = NAN, hi = NAN;
	size_t nx, ny, rx, ry;

	op->p = NAN;
	nx = numbers_of(json_object_get(o, "samples"), &x);
	ny = numbers_of(json_object_get(c, "samples"), &y);
	rx = numbers_of(json_object_get(json_object_get(o, "stats"), "rep_medians"), &mx);
	ry = numbers_of(json_object_get(json_object_get(c, "stats"), "rep_medians"), &my);
	for (size_t k = 0; k < ny; k++)
		y[k] *= scale;
	for (size_t k = 0; k < ry; k++)
		my[k] *= scale;
	if (rx >= MIN_REPS && ry >= MIN_REPS) {
		bool pos = true;

		for (size_t k = 0; k < rx; k++)
			pos &= mx[k] > 0;
		for (size_t k = 0; k < ry; k++)
			pos &= my[k] > 0;
		if (pos) {
			double *lx = malloc(rx * sizeof(*lx)), *ly = malloc(ry * sizeof(*ly));

			if (lx && ly) {
				for (size_t k = 0; k < rx; k++)
					lx[k] = log(mx[k]);
				for (size_t k = 0; k < ry; k++)
					ly[k] = log(my[k]);
				op->p = iso_welch_p(lx, rx, ly, ry);
			}
			free(lx);
			free(ly);
		} else {
			op->p = iso_mann_whitney_p(mx, rx, my, ry);
		}
		json_object_set_new(row, "unit", json_string("repetition"));
		json_object_set_new(row, "test", json_string(pos ? "welch-log" : "mann-whitney"));
		if (json_integer_value(json_object_get(o, "n")) != (json_int_t)nx ||
		    json_integer_value(json_object_get(c, "n")) != (json_int_t)ny ||
		    iso_cluster_bootstrap_ratio_ci(x, nx, rx, y, ny, ry, 1000, &lo, &hi) < 0)
			iso_bootstrap_ratio_ci(mx, rx, my, ry, 1000, &lo, &hi);
	} else if (nx && ny) {
		op->p = iso_mann_whitney_p(x, nx, y, ny);
		json_object_set_new(row, "unit", json_string("sample"));
		json_object_set_new(row, "test", json_string("mann-whitney"));
		iso_bootstrap_ratio_ci(x, nx, y, ny, 1000, &lo, &hi);
	}
	json_object_set_new(row, "reps_base", json_integer(rx));
	json_object_set_new(row, "reps_new", json_integer(ry));
	if (!isnan(lo)) {
		json_object_set_new(row, "ci95_lo", json_real(lo));
		json_object_set_new(row, "ci95_hi", json_real(hi));
	}
	if (!isnan(op->p))
		json_object_set_new(row, "p_value", json_real(op->p));
	free(x);
	free(y);
	free(mx);
	free(my);
}

static void verdict(json_t *row, const char *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void verdict(json_t *row, const char *v, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	json_object_set_new(row, "verdict", json_string(v));
	json_object_set_new(row, "why", json_string(why));
}

/*
 * Reference ops (groups baseline and harness: getpid, a clock pair, fork...)
 * do no isolation work: when one moves, the machine moved, and that is never
 * a regression of isolation. Injected runs test the gate with them too.
 */
static bool reference(json_t *res)
{
	const char *g = str(res, "group");

	return (!strcmp(g, "baseline") || !strcmp(g, "harness")) &&
	       !json_object_get(res, "injected");
}

/* The calibration ops: they do no isolation work; when they move, the machine moved. */
static const char *const calibration[] = { "baseline.getpid", "baseline.fork" };

static const char *kind_of(json_t *doc)
{
	bool b = json_is_object(json_object_get(doc, "bench"));
	bool c = json_array_size(json_object_get(doc, "cases")) > 0;

	return b && c ? "run and benchmarks" : b ? "benchmarks" : "conformance run";
}

/* A compared key as text: a string, an integer, or ABSENT when the document lacks it. */
static void key_text(json_t *v, const char *absent, char *buf, size_t len)
{
	if (!v)
		snprintf(buf, len, "%s", absent);
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
}

/* What differs between the documents' machines and settings: "kernel 6.1 / 6.12; ...". */
static void differences(json_t *base, json_t *new, char *buf, size_t len)
{
	static const struct {
		const char *name, *path[3];
		/* the value of a missing key; NULL: compared only where both documents have it */
		const char *absent;
	} keys[] = {
		{ "profile", { "bench", "profile" } },
		{ "host", { "sysinfo", "hostname" } },
		{ "kernel", { "sysinfo", "kernel", "release" } },
		{ "CPU", { "sysinfo", "cpu", "model" } },
		{ "CPU brand", { "sysinfo", "cpu", "brand" } },
		{ "cgroup mode", { "sysinfo", "cgroup", "mode" } },
		{ "mode", { "run", "mode" } },
		/* Documents before rootless runs have no run.privilege: they ran as root. */
		{ "privilege", { "run", "privilege" }, "root" },
	};
	size_t l = 0;

	buf[0] = 0;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *a = base, *b = new;
		char sa[128], sb[128];

		for (int i = 0; i < 3 && keys[k].path[i]; i++) {
			a = json_object_get(a, keys[k].path[i]);
			b = json_object_get(b, keys[k].path[i]);
		}
		if ((!a || !b) && !keys[k].absent)
			continue;
		key_text(a, keys[k].absent, sa, sizeof(sa));
		key_text(b, keys[k].absent, sb, sizeof(sb));
		if (strcmp(sa, sb) && l < len)
			l += (size_t)snprintf(buf + l, len - l, "%s%s %s / %s", l ? "; " : "",
					      keys[k].name, sa, sb);
	}
}

static json_t *injected_of(json_t *doc)
{
	json_t *a = json_object_get(json_object_get(doc, "bench"), "injected");

	return json_is_array(a) ? json_incref(a) : json_array();
}

/* ---- the differential view of two attributions (bench --attribute) ---- */

#define ATTR_DIFF_TOP 8
#define ATTR_DIFF_WAITS 4

static json_t *attr_ok(json_t *res)
{
	json_t *a = json_object_get(res, "attribution");
	const char *st = json_string_value(json_object_get(a, "status"));

	return st && !strcmp(st, "ok") ? a : NULL;
}

/*
 * Self shares per function (fn -> share) from on_cpu.top_self: exact for the
 * functions listed (the folded stacks are pruned); the others are below the
 * cut-off on that side. Returns 1, or 0 without samples.
 */
static double self_shares(json_t *a, json_t *out)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(a, "on_cpu"), "top_self"), i, e)
		json_object_set_new(out, str(e, "function"),
				    json_real(json_number_value(json_object_get(e, "share"))));
	return json_number_value(json_object_get(a, "samples")) > 0 ? 1 : 0;
}

struct moved {
	const char *name;
	double b, n, d; /* shares, or ns per op; d the sort key */
	double bs, ns;
};

static int cmp_moved(const void *x, const void *y)
{
	const struct moved *a = x, *b = y;

	if (fabs(a->d) != fabs(b->d))
		return fabs(a->d) > fabs(b->d) ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * Which kernel functions' self time moved most between the two attributions
 * (per op in ns where both sampled cpu-clock, else in share of the samples),
 * and which waits. NULL when either side has none.
 */
json_t *iso_attr_diff(json_t *bres, json_t *nres)
{
	json_t *ba = attr_ok(bres), *na = attr_ok(nres), *bc, *nc, *fns, *ws, *out, *v;
	double bt, nt, bp, np;
	bool ns;
	struct moved *m;
	size_t k = 0, cap;
	const char *key;

	if (!ba || !na)
		return NULL;
	bc = json_object();
	nc = json_object();
	bt = self_shares(ba, bc);
	nt = self_shares(na, nc);
	bp = json_number_value(json_object_get(ba, "on_cpu_ns_per_op"));
	np = json_number_value(json_object_get(na, "on_cpu_ns_per_op"));
	ns = bp > 0 && np > 0;
	cap = json_object_size(bc) + json_object_size(nc) + 1;
	m = calloc(cap, sizeof(*m));
	if (!m || !(bt > 0) || !(nt > 0)) {
		free(m);
		json_decref(bc);
		json_decref(nc);
		return NULL;
	}
	json_object_foreach(bc, key, v)
	{
		double nb = json_number_value(json_object_get(nc, key));

		m[k++] = (struct moved){ key, 0, 0, 0, json_number_value(v) / bt, nb / nt };
	}
	json_object_foreach(nc, key, v) if (!json_object_get(bc, key))
		m[k++] = (struct moved){ key, 0, 0, 0, 0, json_number_value(v) / nt };
	for (size_t i = 0; i < k; i++) {
		m[i].b = ns ? m[i].bs * bp : m[i].bs;
		m[i].n = ns ? m[i].ns * np : m[i].ns;
		m[i].d = m[i].n - m[i].b;
	}
	qsort(m, k, sizeof(*m), cmp_moved);
	fns = json_array();
	for (size_t i = 0; i < k && i < ATTR_DIFF_TOP; i++) {
		json_t *e = json_pack("{s:s,s:f,s:f}", "function", m[i].name, "base_share",
				      round(m[i].bs * 1000) / 1000, "new_share",
				      round(m[i].ns * 1000) / 1000);

		if (ns) {
			json_object_set_new(e, "base_ns_per_op", json_real(round(m[i].b)));
			json_object_set_new(e, "new_ns_per_op", json_real(round(m[i].n)));
			json_object_set_new(e, "delta_ns_per_op", json_real(round(m[i].d)));
		}
		json_array_append_new(fns, e);
	}
	free(m);
	/* The waits, by what was waited on. */
	ws = json_array();
	{
		json_t *bw = json_object_get(json_object_get(ba, "off_cpu"), "waits");
		json_t *nw = json_object_get(json_object_get(na, "off_cpu"), "waits"), *e, *f;
		size_t i, j, nm = 0;
		struct moved w[64];

		json_array_foreach(nw, i, e)
		{
			double b = 0;

			json_array_foreach(bw, j, f) if (!strcmp(str(e, "what"), str(f, "what")))
				b = json_number_value(json_object_get(f, "ns_per_op"));
			if (nm < 64)
				w[nm++] = (struct moved){
					str(e, "what"),
					b,
					json_number_value(json_object_get(e, "ns_per_op")),
					0,
					0,
					0
				};
		}
		json_array_foreach(bw, j, f)
		{
			bool seen = false;

			json_array_foreach(nw, i, e)
				seen |= !strcmp(str(e, "what"), str(f, "what"));
			if (!seen && nm < 64)
				w[nm++] = (struct moved){
					str(f, "what"),
					json_number_value(json_object_get(f, "ns_per_op")),
					0,
					0,
					0,
					0
				};
		}
		for (i = 0; i < nm; i++)
			w[i].d = w[i].n - w[i].b;
		qsort(w, nm, sizeof(*w), cmp_moved);
		for (i = 0; i < nm && i < ATTR_DIFF_WAITS; i++)
			json_array_append_new(ws, json_pack("{s:s,s:f,s:f}", "what", w[i].name,
							    "base_ns_per_op", w[i].b,
							    "new_ns_per_op", w[i].n));
	}
	out = json_pack("{s:s,s:o,s:o}", "unit", ns ? "ns_per_op" : "share", "functions", fns,
			"waits", ws);
	if (ns) {
		json_object_set_new(out, "base_on_cpu_ns_per_op", json_real(bp));
		json_object_set_new(out, "new_on_cpu_ns_per_op", json_real(np));
	}
	json_decref(bc);
	json_decref(nc);
	return out;
}

json_t *iso_compare(json_t *base, json_t *new, double threshold, double alpha)
{
	struct iso_cmp_opts o = { .threshold = threshold, .alpha = alpha };

	return iso_compare_opts(base, new, &o);
}

json_t *iso_compare_opts(json_t *base, json_t *new, const struct iso_cmp_opts *opt)
{
	json_t *out = json_object(), *cases = json_array(), *bench = json_array();
	json_t *bc = json_object_get(base, "cases"), *nc = json_object_get(new, "cases");
	json_t *bb = json_object_get(json_object_get(base, "bench"), "results");
	json_t *nb = json_object_get(json_object_get(new, "bench"), "results");
	double T = opt->threshold > 0 ? opt->threshold : ISO_CMP_THRESHOLD;
	double alpha = opt->alpha > 0 ? opt->alpha : ISO_CMP_ALPHA;
	int regressions = 0, improvements = 0, inconclusive = 0, missing = 0;
	double scale = 1, drift = NAN, *ds;
	bool machine = false, runwide = false;
	struct op *ops;
	size_t i, nops = 0;
	json_t *c, *cal = json_object();
	char diff[1024];

	/* ---- conformance ---- */
	json_array_foreach(nc, i, c)
	{
		const char *id = str(c, "id"), *nv = str(c, "verdict");
		json_t *o = find_by_id(bc, id);
		const char *bv = o ? str(o, "verdict") : NULL;
		const char *kind = NULL;

		if (!o)
			kind = "new case";
		else if (strcmp(bv, nv)) {
			if (!strcmp(bv, "pass") && is_bad(nv))
				kind = "regression";
			else if (is_bad(bv) && !strcmp(nv, "pass"))
				kind = "fixed";
			else if (!strcmp(nv, "skip"))
				kind = "new skip";
			else
				kind = "changed";
		}
		if (!kind)
			continue;
		regressions += !strcmp(kind, "regression");
		json_array_append_new(cases, json_pack("{s:s,s:s,s:s?,s:s,s:s?,s:s}", "id", id,
						       "kind", kind, "base", bv, "new", nv,
						       "base_reason", o ? str(o, "reason") : NULL,
						       "new_reason", str(c, "reason")));
	}
	json_array_foreach(bc, i, c)
	{
		if (!find_by_id(nc, str(c, "id"))) {
			json_array_append_new(cases,
					      json_pack("{s:s,s:s,s:s,s:s}", "id", str(c, "id"),
							"kind", "missing in new", "base",
							str(c, "verdict"), "new_reason", ""));
			missing++;
		}
	}

	/* ---- benchmarks: rows in NEW's order, then what only BASE has ---- */
	if (opt->relative_to) {
		scale = doc_p50(base, opt->relative_to) / doc_p50(new, opt->relative_to);
		if (!isfinite(scale) || scale <= 0)
			scale = 1;
	}
	ops = calloc(json_array_size(nb) + 1, sizeof(*ops));
	ds = calloc(json_array_size(nb) + 1, sizeof(*ds));
	if (!ops || !ds) {
		fprintf(stderr, "isobench compare: out of memory\n");
		exit(ISO_EXIT_BROKEN);
	}
	json_array_foreach(nb, i, c)
	{
		const char *id = str(c, "id");
		json_t *o = find_by_id(bb, id), *row = json_pack("{s:s}", "id", id);
		bool bok = o && !strcmp(str(o, "status"), "ok"),
		     nok = !strcmp(str(c, "status"), "ok");

		json_array_append_new(bench, row);
		if (!o) {
			verdict(row, "new", "not in BASE");
			continue;
		}
		if (!bok && !nok) {
			verdict(row, "skipped", "%s in both (%s)", str(c, "status"),
				str(c, "reason"));
			continue;
		}
		if (!nok) {
			verdict(row, "missing", "ran in BASE, %s in NEW: %s", str(c, "status"),
				str(c, "reason"));
			missing++;
			continue;
		}
		if (!bok) {
			verdict(row, "new", "%s in BASE (%s), ran in NEW", str(o, "status"),
				str(o, "reason"));
			continue;
		}
		if (!(stat_of(o, "p50") > 0) || !(stat_of(c, "p50") > 0)) {
			verdict(row, "inconclusive", "no p50 to compare");
			inconclusive++;
			continue;
		}
		ops[nops] = (struct op){ .row = row,
					 .b = o,
					 .n = c,
					 .cost = log(stat_of(o, "p50")),
					 .d = log(stat_of(c, "p50") * scale / stat_of(o, "p50")) };
		ds[nops] = ops[nops].d;
		nops++;
	}
	json_array_foreach(bb, i, c)
	{
		if (!find_by_id(nb, str(c, "id"))) {
			json_t *row = json_pack("{s:s}", "id", str(c, "id"));

			verdict(row, "missing", "in BASE, not in NEW");
			json_array_append_new(bench, row);
			missing++;
		}
	}
	/*
	 * The machine: the median change of all ops, and the calibration ops'
	 * own. Beyond the threshold with the calibration ops moved along, the
	 * machine ran at another speed (a VM's neighbours) and any one op's
	 * verdict cannot be told from it; without them, every op moved and the
	 * ops themselves did (a kernel slower across the board).
	 */
	if (nops) {
		int along = 0, ncal = 0;

		drift = iso_stats_median(ds, nops);
		for (size_t k = 0; k < sizeof(calibration) / sizeof(calibration[0]); k++) {
			double b = doc_p50(base, calibration[k]), n = doc_p50(new, calibration[k]);

			if (!(b > 0 && n > 0))
				continue;
			json_object_set_new(cal, calibration[k], json_real(n / b));
			ncal++;
			along += fabs(log(n / b)) > log1p(T / 2) && (log(n / b) > 0) == (drift > 0);
		}
		if (fabs(drift) > log1p(T) && !opt->relative_to) {
			machine = ncal && 2 * along >= ncal;
			runwide = !machine;
		}
	}
	if (!opt->no_drift && !opt->relative_to)
		local_drift(ops, nops);
	else
		for (size_t k = 0; k < nops; k++)
			ops[k].local = 0;
	for (size_t k = 0; k < nops; k++) {
		json_t *row = ops[k].row;
		double b = stat_of(ops[k].b, "p50"), n = stat_of(ops[k].n, "p50");

		test_op(&ops[k], scale / exp(ops[k].local));
		json_object_set_new(row, "base_p50", json_real(b));
		json_object_set_new(row, "new_p50", json_real(n));
		json_object_set_new(row, "drift", json_real(exp(ops[k].local)));
		json_object_set_new(row, "ratio", json_real(exp(ops[k].d - ops[k].local)));
		json_object_set_new(row, "n_base",
				    json_object_get(ops[k].b, "n") ?
					    json_incref(json_object_get(ops[k].b, "n")) :
					    json_integer(0));
		json_object_set_new(row, "n_new",
				    json_object_get(ops[k].n, "n") ?
					    json_incref(json_object_get(ops[k].n, "n")) :
					    json_integer(0));
	}
	adjust(ops, nops);
	for (size_t k = 0; k < nops; k++) {
		json_t *row = ops[k].row, *qv = json_object_get(row, "q_value");
		double r = exp(ops[k].d - ops[k].local),
		       q = json_is_number(qv) ? json_number_value(qv) : NAN;
		bool up = r > 1 + T, down = r < 1 - T, sig = q < alpha;

		if (isnan(q)) {
			verdict(row, "inconclusive", "no samples to test");
			inconclusive++;
		} else if ((up || down) && sig && reference(ops[k].n)) {
			verdict(row, "inconclusive",
				"%+.1f%% (q %.2g): a reference op, it does no isolation work, so the "
				"machine itself moved under it",
				100 * (r - 1), q);
			inconclusive++;
		} else if ((up || down) && sig && machine) {
			verdict(row, "inconclusive",
				"%+.1f%% (q %.2g), but the machine itself ran %+.1f%% (the median of "
				"all ops, the calibration ops along): re-run both on a quiet machine",
				100 * (r - 1), q, 100 * (exp(drift) - 1));
			inconclusive++;
		} else if (up && sig) {
			verdict(row, "regression", "%+.1f%% beyond its neighbours' drift, q %.2g",
				100 * (r - 1), q);
			regressions++;
		} else if (down && sig) {
			verdict(row, "improvement", "%+.1f%% beyond its neighbours' drift, q %.2g",
				100 * (r - 1), q);
			improvements++;
		} else if (up || down) {
			verdict(row, "unchanged", "moved %+.1f%%, within its noise (q %.2g)",
				100 * (r - 1), q);
		} else {
			verdict(row, "unchanged", "%+.1f%%, within +-%.0f%%", 100 * (r - 1),
				100 * T);
		}
	}
	/* Where an op that moved has both sides attributed: which functions moved. */
	for (size_t k = 0; k < nops; k++) {
		const char *v = str(ops[k].row, "verdict");
		json_t *d;

		if (!strcmp(v, "unchanged"))
			continue;
		d = iso_attr_diff(ops[k].b, ops[k].n);
		if (d)
			json_object_set_new(ops[k].row, "attribution_diff", d);
	}
	free(ops);
	free(ds);
	if (runwide) {
		if (drift > 0)
			regressions++;
		else
			improvements++;
	}
	differences(base, new, diff, sizeof(diff));
	json_object_set_new(out, "kind", json_string(kind_of(new)));
	json_object_set_new(out, "differences", json_string(diff));
	json_object_set_new(out, "injected",
			    json_pack("{s:o,s:o}", "base", injected_of(base), "new",
				      injected_of(new)));
	json_object_set_new(out, "machine",
			    json_pack("{s:o,s:o,s:b,s:b,s:b}", "drift",
				      isnan(drift) ? json_null() : json_real(exp(drift)),
				      "calibration", cal, "machine_drift", machine, "run_wide",
				      runwide, "local_drift",
				      !opt->no_drift && !opt->relative_to && nops > DRIFT_MIN_OPS));
	if (opt->relative_to) {
		json_object_set_new(out, "relative_to", json_string(opt->relative_to));
		json_object_set_new(out, "new_scaled_by", json_real(scale));
	}
	json_object_set_new(out, "threshold_pct", json_real(T * 100));
	json_object_set_new(out, "alpha", json_real(alpha));
	json_object_set_new(out, "cases", cases);
	json_object_set_new(out, "bench", bench);
	json_object_set_new(out, "regressions", json_integer(regressions));
	json_object_set_new(out, "improvements", json_integer(improvements));
	json_object_set_new(out, "inconclusive", json_integer(inconclusive));
	json_object_set_new(out, "missing", json_integer(missing));
	json_object_set_new(out, "gate",
			    json_string(regressions || (missing && !opt->allow_missing) ? "fail" :
											  "pass"));
	return out;
}

/* ---- printing ---- */

static void md_row(FILE *f, const char *const *v, int n)
{
	fputc('|', f);
	for (int i = 0; i < n; i++) {
		fputc(' ', f);
		iso_md_cell(f, v[i]);
		fputs(" |", f);
	}
	fputc('\n', f);
}

static void print_injected(FILE *f, json_t *r, enum fmt fmt)
{
	static const char *const sides[] = { "base", "new" };

	for (int s = 0; s < 2; s++) {
		json_t *a = json_object_get(json_object_get(r, "injected"), sides[s]), *e;
		size_t i;

		json_array_foreach(a, i, e)
		{
			fprintf(f,
				"%sINJECTED SLOWDOWN in %s: %s was slowed by %.0f%% on purpose "
				"(bench --slow); this comparison tests the gate%s\n%s",
				fmt == FMT_MD ? "> **" : "", s ? "NEW" : "BASE", str(e, "op"),
				json_number_value(json_object_get(e, "pct")),
				fmt == FMT_MD ? "**" : "", fmt == FMT_MD ? "\n" : "");
		}
	}
}

/* The differential view: per op that moved, the functions and waits that moved most. */
static void print_attr_diffs(json_t *bench, bool md)
{
	json_t *c;
	size_t i, shown = 0;

	json_array_foreach(bench, i, c)
	{
		json_t *d = json_object_get(c, "attribution_diff"), *e;
		bool ns = !strcmp(str(d, "unit"), "ns_per_op");
		size_t j;

		if (!d)
			continue;
		if (!shown++)
			printf(md ? "## Where it moved (bench --attribute)\n\n" :
				    "where it moved (bench --attribute: kernel self time on CPU per "
				    "function, waits off CPU):\n");
		if (ns)
			printf(md ? "- `%s`: kernel CPU %.1f -> %.1f us per op;" :
				    "  %s: kernel CPU %.1f -> %.1f us per op;",
			       str(c, "id"),
			       json_number_value(json_object_get(d, "base_on_cpu_ns_per_op")) / 1e3,
			       json_number_value(json_object_get(d, "new_on_cpu_ns_per_op")) / 1e3);
		else
			printf(md ? "- `%s`:" : "  %s:", str(c, "id"));
		json_array_foreach(json_object_get(d, "functions"), j, e)
		{
			double bs = json_number_value(json_object_get(e, "base_share"));
			double nsh = json_number_value(json_object_get(e, "new_share"));

			if (j == 5)
				break;
			if (ns)
				printf("%s %s %+.1f us (%.0f%% -> %.0f%%)", j ? "," : "",
				       str(e, "function"),
				       json_number_value(json_object_get(e, "delta_ns_per_op")) /
					       1e3,
				       100 * bs, 100 * nsh);
			else
				printf("%s %s %.0f%% -> %.0f%%", j ? "," : "", str(e, "function"),
				       100 * bs, 100 * nsh);
		}
		json_array_foreach(json_object_get(d, "waits"), j, e)
		{
			if (j == 2)
				break;
			printf("%s %s %.1f -> %.1f us", j ? "," : "; waits:", str(e, "what"),
			       json_number_value(json_object_get(e, "base_ns_per_op")) / 1e3,
			       json_number_value(json_object_get(e, "new_ns_per_op")) / 1e3);
		}
		printf("\n");
	}
	if (shown)
		printf("\n");
}

static void print_report(json_t *r, enum fmt fmt, const char *bname, const char *nname,
			 bool verbose)
{
	json_t *cases = json_object_get(r, "cases"), *bench = json_object_get(r, "bench"), *c;
	json_t *m = json_object_get(r, "machine");
	bool md = fmt == FMT_MD;
	int regs = (int)json_integer_value(json_object_get(r, "regressions"));
	int imps = (int)json_integer_value(json_object_get(r, "improvements"));
	int inc = (int)json_integer_value(json_object_get(r, "inconclusive"));
	int miss = (int)json_integer_value(json_object_get(r, "missing"));
	double T = json_number_value(json_object_get(r, "threshold_pct"));
	size_t i, unchanged = 0, skipped = 0;

	if (md) {
		printf("# isobench compare\n\n");
		print_injected(stdout, r, fmt);
		printf("- base: `%s`\n- new: `%s`\n- threshold %.0f%%, alpha %g\n\n", bname, nname,
		       T, json_number_value(json_object_get(r, "alpha")));
		printf("## Conformance\n\n");
	} else {
		print_injected(stdout, r, fmt);
		printf("isobench compare: base %s, new %s (threshold %.0f%%, alpha %g)\n\n", bname,
		       nname, T, json_number_value(json_object_get(r, "alpha")));
	}
	if (!json_array_size(cases)) {
		printf("%sno verdict changed\n\n", md ? "" : "conformance: ");
	} else {
		if (md) {
			static const char *const h[] = { "case", "change", "base", "new",
							 "reasons" };

			md_row(stdout, h, 5);
			printf("|---|---|---|---|---|\n");
		} else {
			printf("%-56s %-15s %-7s %-7s %s\n", "case", "change", "base", "new",
			       "reason (new; base)");
		}
		json_array_foreach(cases, i, c)
		{
			char why[2048];
			const char *br = str(c, "base_reason");

			snprintf(why, sizeof(why), "%s%s%s", str(c, "new_reason"),
				 br[0] ? "; base: " : "", br);
			if (md) {
				const char *v[] = { str(c, "id"), str(c, "kind"),
						    str(c, "base")[0] ? str(c, "base") : "-",
						    str(c, "new")[0] ? str(c, "new") : "-", why };

				md_row(stdout, v, 5);
			} else {
				printf("%-56s %-15s %-7s %-7s %s\n", str(c, "id"), str(c, "kind"),
				       str(c, "base")[0] ? str(c, "base") : "-",
				       str(c, "new")[0] ? str(c, "new") : "-", why);
			}
		}
		printf("\n");
	}
	if (json_array_size(bench)) {
		static const char *const h[] = { "operation", "base p50", "new p50", "drift",
						 "change",    "q",	  "verdict", "why" };

		if (md) {
			printf("## Benchmarks\n\n");
			md_row(stdout, h, 8);
			printf("|---|---:|---:|---:|---:|---:|---|---|\n");
		} else {
			printf("%-44s %11s %11s %6s %8s %8s  %-12s %s\n", h[0], h[1], h[2], h[3],
			       h[4], h[5], h[6], h[7]);
		}
		json_array_foreach(bench, i, c)
		{
			char b[24] = "-", n[24] = "-", d[16] = "-", ch[16] = "-", q[16] = "-";
			const char *v = str(c, "verdict");

			if (!strcmp(v, "unchanged") && !verbose) {
				unchanged++;
				continue;
			}
			if (!strcmp(v, "skipped") && !verbose) {
				skipped++;
				continue;
			}
			if (json_object_get(c, "ratio")) {
				iso_fmt_ns(b, sizeof(b),
					   json_number_value(json_object_get(c, "base_p50")));
				iso_fmt_ns(n, sizeof(n),
					   json_number_value(json_object_get(c, "new_p50")));
				snprintf(d, sizeof(d), "%.3f",
					 json_number_value(json_object_get(c, "drift")));
				snprintf(
					ch, sizeof(ch), "%+.1f%%",
					100 * (json_number_value(json_object_get(c, "ratio")) - 1));
			}
			if (json_object_get(c, "q_value"))
				snprintf(q, sizeof(q), "%.2g",
					 json_number_value(json_object_get(c, "q_value")));
			if (md) {
				const char *row[] = {
					str(c, "id"), b, n, d, ch, q, v, str(c, "why")
				};

				md_row(stdout, row, 8);
			} else {
				printf("%-44s %11s %11s %6s %8s %8s  %-12s %s\n", str(c, "id"), b,
				       n, d, ch, q, v, str(c, "why"));
			}
		}
		if (unchanged)
			printf("%s%zu operation%s unchanged (--verbose lists them)\n",
			       md ? "\n" : "", unchanged, unchanged == 1 ? "" : "s");
		printf("\n");
		print_attr_diffs(bench, md);
	}
	if (json_object_get(r, "relative_to"))
		printf("%sNEW's figures are relative to %s: scaled by %.3f (its base/new p50), so "
		       "a change of the machine's speed cancels, and so does any change of %s "
		       "itself.\n\n",
		       md ? "> " : "", str(r, "relative_to"),
		       json_number_value(json_object_get(r, "new_scaled_by")),
		       str(r, "relative_to"));
	if (json_is_true(json_object_get(m, "machine_drift")))
		printf("%sThe machine itself ran %+.1f%% between the runs (the median of all "
		       "operations; baseline.getpid and baseline.fork moved along): no operation can "
		       "be told from it, so flags are inconclusive. Re-run both on a quiet "
		       "machine.\n\n",
		       md ? "> " : "", 100 * (json_number_value(json_object_get(m, "drift")) - 1));
	if (json_is_true(json_object_get(m, "run_wide")))
		printf("%sEvery operation moved %+.1f%% (the median of all), and the calibration "
		       "operations did not: a run-wide %s, counted as one.\n\n",
		       md ? "> " : "", 100 * (json_number_value(json_object_get(m, "drift")) - 1),
		       json_number_value(json_object_get(m, "drift")) > 1 ? "regression" :
									    "improvement");
	printf("%s%d regression%s, %d improvement%s, %d inconclusive, %d missing%s: gate %s%s\n",
	       md ? "**" : "", regs, regs == 1 ? "" : "s", imps, imps == 1 ? "" : "s", inc, miss,
	       miss && !strcmp(str(r, "gate"), "pass") ? " (allowed)" : "", str(r, "gate"),
	       md ? "**" : "");
}

int iso_cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'F' },
		{ "relative-to", required_argument, NULL, 'r' },
		{ "no-drift", no_argument, NULL, 'D' },
		{ "allow-missing", no_argument, NULL, 'M' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct iso_cmp_opts o = { .threshold = ISO_CMP_THRESHOLD, .alpha = ISO_CMP_ALPHA };
	enum fmt fmt = FMT_TEXT;
	bool verbose = false;
	json_t *base, *new, *r;
	int c, bad = 0, rc;
	char *end;

	while ((c = iso_getopt(argc, argv, "compare", ":vh", opts, &bad)) != -1 && !bad) {
		switch (c) {
		case 't':
			o.threshold = strtod(optarg, &end) / 100;
			if (*end || end == optarg || o.threshold <= 0 || o.threshold >= 10)
				return iso_usage_error(
					"compare",
					"--threshold wants a percentage above 0, not '%s'", optarg);
			break;
		case 'a':
			o.alpha = strtod(optarg, &end);
			if (*end || end == optarg || o.alpha <= 0 || o.alpha >= 1)
				return iso_usage_error(
					"compare",
					"--alpha wants a number between 0 and 1, not '%s'", optarg);
			break;
		case 'F':
			if (!strcmp(optarg, "text"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "md"))
				fmt = FMT_MD;
			else if (!strcmp(optarg, "json"))
				fmt = FMT_JSON;
			else
				return iso_usage_error("compare",
						       "--format is text, md or json, not '%s'",
						       optarg);
			break;
		case 'r':
			o.relative_to = optarg;
			break;
		case 'D':
			o.no_drift = true;
			break;
		case 'M':
			o.allow_missing = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(usage_compare, stdout);
			return 0;
		}
	}
	if (bad)
		return ISO_EXIT_USAGE;
	if (argc - optind != 2)
		return iso_usage_error("compare", "needs two results: BASE and NEW");
	base = iso_compare_load(argv[optind]);
	if (!base)
		return ISO_EXIT_BROKEN;
	new = iso_compare_load(argv[optind + 1]);
	if (!new) {
		json_decref(base);
		return ISO_EXIT_BROKEN;
	}
	if (strcmp(kind_of(base), kind_of(new))) {
		fprintf(stderr,
			"isobench compare: BASE %s is a %s document and NEW %s a %s document: "
			"compare two of one kind\n",
			argv[optind], kind_of(base), argv[optind + 1], kind_of(new));
		json_decref(base);
		json_decref(new);
		return ISO_EXIT_BROKEN;
	}
	if (o.relative_to) {
		const char *which = !isfinite(doc_p50(base, o.relative_to)) ? argv[optind] :
				    !isfinite(doc_p50(new, o.relative_to))  ? argv[optind + 1] :
									      NULL;

		if (which) {
			fprintf(stderr,
				"isobench compare: %s: --relative-to %s: no such benchmark result "
				"(status ok) to scale by\n",
				which, o.relative_to);
			json_decref(base);
			json_decref(new);
			return ISO_EXIT_BROKEN;
		}
	}
	r = iso_compare_opts(base, new, &o);
	if (str(r, "differences")[0])
		fprintf(stderr, "isobench compare: warning: the documents differ: %s\n",
			str(r, "differences"));
	if (fmt == FMT_JSON) {
		json_dumpf(r, stdout, JSON_INDENT(1));
		fputc('\n', stdout);
	} else {
		print_report(r, fmt, argv[optind], argv[optind + 1], verbose);
	}
	print_injected(stderr, r, FMT_TEXT);
	rc = !strcmp(str(r, "gate"), "fail") ? ISO_EXIT_FAIL : ISO_EXIT_OK;
	json_decref(r);
	json_decref(base);
	json_decref(new);
	return rc;
}
