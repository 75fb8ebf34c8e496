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
#include "reports.h"
#include "stats.h"

static const char usage_compare[] =
	"usage: isobench compare BASE NEW [--threshold PCT] [--alpha A] [--format text|md|json]\n"
	"\n"
	"Compares two runs. BASE and NEW are results.json files, or folders holding one\n"
	"(ci/main's layout: DIR/run/results.json and DIR/bench/results.json are merged).\n"
	"\n"
	"  --threshold PCT   slowdown that counts as a regression (default 10)\n"
	"  --alpha A         significance level of the Mann-Whitney U test (default 0.01)\n"
	"  --format F        text (default), md or json\n"
	"  --relative-to OP  scale NEW's figures by OP's base/new p50 (e.g. baseline.getpid),\n"
	"                    so a machine that ran faster or slower as a whole cancels out\n"
	"\n"
	"Regressions: a case going from pass to fail, broken or error; an operation whose\n"
	"median is more than PCT slower with q < A (the U test's p-value adjusted across the\n"
	"operations, Benjamini-Hochberg). With 5 or more repetitions on both sides the test\n"
	"and the CI take repetitions as units, otherwise samples.\n"
	"Exit: 0 none, 1 regression, 2 bad input.\n";

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
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		fprintf(stderr,
			"isobench %s: %s: schema version %s not supported (this isobench reads 1)\n",
			cmd, path, json_is_integer(v) ? "other than 1" : "missing");
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

/* ---- the comparison ---- */

struct cmp_opts {
	double threshold; /* fraction, 0.10 */
	double alpha;
	enum { FMT_TEXT, FMT_MD, FMT_JSON } fmt;
};

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
 * repetition by repetition; fewer, sample by sample.
 */
#define MIN_REPS 5
/* baseline.getpid moving more than this between the runs: the host changed speed. */
#define HOST_TOLERANCE 0.05

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

struct pq {
	json_t *row;
	double p;
};

static int cmp_pq(const void *a, const void *b)
{
	double x = ((const struct pq *)a)->p, y = ((const struct pq *)b)->p;

	return x < y ? -1 : x > y;
}

/*
 * Verdicts of the benchmark rows. One test per operation, two hundred of them
 * in a quick run: at alpha 0.01 two A/A pairs in a hundred would each show a
 * "regression" by chance alone. So the p-values are adjusted across the
 * operations (Benjamini-Hochberg: q_(k) = min over j >= k of p_(j) m / j,
 * which under no real change keeps the chance of any false verdict at alpha)
 * and a verdict needs q < alpha besides a change beyond the threshold.
 */
static void judge(json_t *bench, double threshold, double alpha, int *regressions,
		  int *improvements)
{
	size_t m = 0, i;
	struct pq *v = calloc(json_array_size(bench) + 1, sizeof(*v));
	json_t *row;
	double q = 1;

	if (!v) {
		fprintf(stderr, "isobench compare: out of memory\n");
		exit(ISO_EXIT_BROKEN);
	}
	json_array_foreach(bench, i, row)
	{
		json_t *p = json_object_get(row, "p_value");

		if (json_is_number(p))
			v[m++] = (struct pq){ row, json_number_value(p) };
	}
	qsort(v, m, sizeof(*v), cmp_pq);
	for (size_t k = m; k-- > 0;) {
		double r = json_number_value(json_object_get(v[k].row, "ratio"));
		const char *verdict = "same";

		q = fmin(q, v[k].p * (double)m / (double)(k + 1));
		if (r > 1 + threshold && q < alpha)
			verdict = "regression";
		else if (r < 1 - threshold && q < alpha)
			verdict = "improvement";
		*regressions += !strcmp(verdict, "regression");
		*improvements += !strcmp(verdict, "improvement");
		json_object_set_new(v[k].row, "q_value", json_real(q));
		json_object_set_new(v[k].row, "verdict", json_string(verdict));
	}
	free(v);
}

/* Builds the comparison as JSON: {"cases": [...], "bench": [...], "regressions": N}. */
json_t *iso_compare(json_t *base, json_t *new, double threshold, double alpha)
{
	return iso_compare_relative(base, new, threshold, alpha, NULL);
}

/* p50 of result id in a document's bench section; NaN when it has no ok result. */
static double doc_p50(json_t *doc, const char *id)
{
	json_t *r = find_by_id(json_object_get(json_object_get(doc, "bench"), "results"), id);

	return r && !strcmp(str(r, "status"), "ok") ? stat_of(r, "p50") : NAN;
}

json_t *iso_compare_relative(json_t *base, json_t *new, double threshold, double alpha,
			     const char *rel)
{
	json_t *out = json_object(), *cases = json_array(), *bench = json_array();
	json_t *bc = json_object_get(base, "cases"), *nc = json_object_get(new, "cases");
	json_t *bb = json_object_get(json_object_get(base, "bench"), "results");
	json_t *nb = json_object_get(json_object_get(new, "bench"), "results");
	int regressions = 0, improvements = 0;
	/* --relative-to: NEW's figures scaled by how much faster or slower rel ran there. */
	double scale = rel ? doc_p50(base, rel) / doc_p50(new, rel) : 1;
	size_t i;
	json_t *c;

	if (!isfinite(scale) || scale <= 0)
		scale = 1;

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
		if (!find_by_id(nc, str(c, "id")))
			json_array_append_new(cases,
					      json_pack("{s:s,s:s,s:s,s:s}", "id", str(c, "id"),
							"kind", "missing in new", "base",
							str(c, "verdict"), "new_reason", ""));
	}
	json_array_foreach(nb, i, c)
	{
		const char *id = str(c, "id");
		json_t *o = find_by_id(bb, id), *row;
		double *x = NULL, *y = NULL, *mx = NULL, *my = NULL, mb, mn, ratio, lo = NAN,
		       hi = NAN, p = NAN;
		size_t nx, ny, rx, ry;
		const char *verdict, *unit = NULL;

		if (!o) {
			json_array_append_new(bench, json_pack("{s:s,s:s}", "id", id, "verdict",
							       "only in new"));
			continue;
		}
		if (strcmp(str(o, "status"), "ok") || strcmp(str(c, "status"), "ok")) {
			bool skipped = !strcmp(str(o, "status"), "skip") &&
				       !strcmp(str(c, "status"), "skip");

			json_array_append_new(
				bench,
				json_pack("{s:s,s:s,s:s,s:s}", "id", id, "verdict",
					  skipped ? "skipped in both" : "not comparable", "base",
					  str(o, "status"), "new", str(c, "status")));
			continue;
		}
		nx = numbers_of(json_object_get(o, "samples"), &x);
		ny = numbers_of(json_object_get(c, "samples"), &y);
		rx = numbers_of(json_object_get(json_object_get(o, "stats"), "rep_medians"), &mx);
		ry = numbers_of(json_object_get(json_object_get(c, "stats"), "rep_medians"), &my);
		for (size_t k = 0; k < ny; k++)
			y[k] *= scale;
		for (size_t k = 0; k < ry; k++)
			my[k] *= scale;
		if (nx && ny) {
			mb = iso_stats_median(x, nx);
			mn = iso_stats_median(y, ny);
			if (rx >= MIN_REPS && ry >= MIN_REPS) {
				/* Repetitions are the units (see iso_cluster_bootstrap_ratio_ci). */
				unit = "repetition";
				p = iso_mann_whitney_p(mx, rx, my, ry);
				/* Stored samples are bounded: whole only if n says so. */
				if (json_integer_value(json_object_get(o, "n")) != (json_int_t)nx ||
				    json_integer_value(json_object_get(c, "n")) != (json_int_t)ny ||
				    iso_cluster_bootstrap_ratio_ci(x, nx, rx, y, ny, ry, 1000, &lo,
								   &hi) < 0)
					iso_bootstrap_ratio_ci(mx, rx, my, ry, 1000, &lo, &hi);
			} else {
				unit = "sample";
				p = iso_mann_whitney_p(x, nx, y, ny);
				iso_bootstrap_ratio_ci(x, nx, y, ny, 1000, &lo, &hi);
			}
		} else {
			mb = stat_of(o, "p50");
			mn = stat_of(c, "p50") * scale;
		}
		ratio = mb > 0 ? mn / mb : NAN;
		if (isnan(ratio))
			verdict = "not comparable";
		else if (isnan(p))
			verdict = "no samples";
		else
			verdict = "same"; /* decided with every p-value at hand: judge() */
		row = json_pack("{s:s,s:s,s:f,s:f,s:f}", "id", id, "verdict", verdict, "base_p50",
				mb, "new_p50", mn, "ratio", isnan(ratio) ? 0.0 : ratio);
		if (!isnan(lo)) {
			json_object_set_new(row, "ci95_lo", json_real(lo));
			json_object_set_new(row, "ci95_hi", json_real(hi));
		}
		if (!isnan(p))
			json_object_set_new(row, "p_value", json_real(p));
		json_object_set_new(row, "n_base", json_integer(nx));
		json_object_set_new(row, "n_new", json_integer(ny));
		if (unit) {
			json_object_set_new(row, "unit", json_string(unit));
			json_object_set_new(row, "reps_base", json_integer(rx));
			json_object_set_new(row, "reps_new", json_integer(ry));
		}
		json_array_append_new(bench, row);
		free(x);
		free(y);
		free(mx);
		free(my);
	}
	json_array_foreach(bb, i, c)
	{
		if (!find_by_id(nb, str(c, "id")))
			json_array_append_new(bench, json_pack("{s:s,s:s}", "id", str(c, "id"),
							       "verdict", "only in base"));
	}
	judge(bench, threshold, alpha, &regressions, &improvements);
	{
		/*
		 * getpid and a clock pair do no isolation work: when they moved,
		 * the machine itself ran at another speed (a VM's neighbours) and
		 * every benchmark verdict between these runs has that mixed in.
		 */
		double g = doc_p50(new, "baseline.getpid") / doc_p50(base, "baseline.getpid");
		double k =
			doc_p50(new, "baseline.clock_pair") / doc_p50(base, "baseline.clock_pair");

		if (isfinite(g))
			json_object_set_new(out, "host",
					    json_pack("{s:f,s:o,s:b}", "getpid_ratio", g,
						      "clock_pair_ratio",
						      isfinite(k) ? json_real(k) : json_null(),
						      "shifted", fabs(g - 1) > HOST_TOLERANCE));
	}
	if (rel) {
		json_object_set_new(out, "relative_to", json_string(rel));
		json_object_set_new(out, "new_scaled_by", json_real(scale));
	}
	json_object_set_new(out, "threshold_pct", json_real(threshold * 100));
	json_object_set_new(out, "alpha", json_real(alpha));
	json_object_set_new(out, "cases", cases);
	json_object_set_new(out, "bench", bench);
	json_object_set_new(out, "regressions", json_integer(regressions));
	json_object_set_new(out, "improvements", json_integer(improvements));
	return out;
}

static void print_table(const json_t *r, const struct cmp_opts *o, const char *bname,
			const char *nname)
{
	json_t *cases = json_object_get(r, "cases"), *bench = json_object_get(r, "bench"), *c;
	bool md = o->fmt == FMT_MD;
	size_t i;

	if (md)
		printf("# isobench compare\n\nbase: `%s`  \nnew: `%s`  \nthreshold %.0f%%, alpha %g\n\n",
		       bname, nname, o->threshold * 100, o->alpha);
	else
		printf("isobench compare: base %s, new %s (threshold %.0f%%, alpha %g)\n\n", bname,
		       nname, o->threshold * 100, o->alpha);
	if (md)
		printf("## Conformance\n\n");
	if (!json_array_size(cases)) {
		printf("%sno verdict changed\n\n", md ? "" : "conformance: ");
	} else {
		printf(md ? "| case | change | base | new | reasons |\n|---|---|---|---|---|\n" :
			    "%-56s %-15s %-7s %-7s %s\n",
		       "case", "change", "base", "new", "reason (new; base)");
		json_array_foreach(cases, i, c)
		{
			const char *br = str(c, "base_reason");

			printf(md ? "| %s | %s | %s | %s | %s%s%s |\n" :
				    "%-56s %-15s %-7s %-7s %s%s%s\n",
			       str(c, "id"), str(c, "kind"),
			       str(c, "base")[0] ? str(c, "base") : "-",
			       str(c, "new")[0] ? str(c, "new") : "-", str(c, "new_reason"),
			       br[0] ? "; base: " : "", br);
		}
		printf("\n");
	}
	if (!json_array_size(bench))
		return;
	if (md)
		printf("## Benchmarks\n\n| operation | base p50 (ns) | new p50 (ns) | ratio | 95%% CI | q | verdict |\n|---|---|---|---|---|---|---|\n");
	else
		printf("%-44s %12s %12s %7s %17s %9s  %s\n", "operation", "base p50 ns",
		       "new p50 ns", "ratio", "95% CI", "q", "verdict");
	json_array_foreach(bench, i, c)
	{
		json_t *ratio = json_object_get(c, "ratio");
		char ci[48] = "-", p[24] = "-";

		if (json_object_get(c, "ci95_lo"))
			snprintf(ci, sizeof(ci), "%.3f-%.3f",
				 json_number_value(json_object_get(c, "ci95_lo")),
				 json_number_value(json_object_get(c, "ci95_hi")));
		if (json_object_get(c, "q_value"))
			snprintf(p, sizeof(p), "%.2g",
				 json_number_value(json_object_get(c, "q_value")));
		if (!ratio) {
			printf(md ? "| %s | | | | | | %s |\n" :
				    "%-44s %12s %12s %7s %17s %9s  %s\n",
			       str(c, "id"), md ? str(c, "verdict") : "-", "-", "-", "-", "-",
			       str(c, "verdict"));
			continue;
		}
		printf(md ? "| %s | %.0f | %.0f | %.3f | %s | %s | %s |\n" :
			    "%-44s %12.0f %12.0f %7.3f %17s %9s  %s\n",
		       str(c, "id"), json_number_value(json_object_get(c, "base_p50")),
		       json_number_value(json_object_get(c, "new_p50")), json_number_value(ratio),
		       ci, p, str(c, "verdict"));
	}
	printf("\n");
}

int iso_cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'F' },
		{ "relative-to", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cmp_opts o = { .threshold = 0.10, .alpha = 0.01, .fmt = FMT_TEXT };
	const char *rel = NULL;
	json_t *base, *new, *r;
	int c, bad = 0, regs;
	char *end;

	while ((c = iso_getopt(argc, argv, "compare", ":h", opts, &bad)) != -1 && !bad) {
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
				o.fmt = FMT_TEXT;
			else if (!strcmp(optarg, "md"))
				o.fmt = FMT_MD;
			else if (!strcmp(optarg, "json"))
				o.fmt = FMT_JSON;
			else
				return iso_usage_error("compare",
						       "--format is text, md or json, not '%s'",
						       optarg);
			break;
		case 'r':
			rel = optarg;
			break;
		case 'h':
			fputs(usage_compare, stdout);
			return 0;
		}
	}
	if (bad)
		return ISO_EXIT_USAGE;
	if (argc - optind != 2) {
		return iso_usage_error("compare", "needs two results: BASE and NEW");
	}
	base = iso_compare_load(argv[optind]);
	if (!base)
		return ISO_EXIT_BROKEN;
	new = iso_compare_load(argv[optind + 1]);
	if (!new) {
		json_decref(base);
		return ISO_EXIT_BROKEN;
	}
	if (rel) {
		const char *which = !isfinite(doc_p50(base, rel)) ? argv[optind] :
				    !isfinite(doc_p50(new, rel))  ? argv[optind + 1] :
								    NULL;

		if (which) {
			fprintf(stderr,
				"isobench compare: %s: --relative-to %s: no such benchmark result "
				"(status ok) to scale by\n",
				which, rel);
			json_decref(base);
			json_decref(new);
			return ISO_EXIT_BROKEN;
		}
	}
	r = iso_compare_relative(base, new, o.threshold, o.alpha, rel);
	regs = (int)json_integer_value(json_object_get(r, "regressions"));
	if (o.fmt == FMT_JSON) {
		json_dumpf(r, stdout, JSON_INDENT(1));
		fputc('\n', stdout);
	} else {
		json_t *h = json_object_get(r, "host");

		print_table(r, &o, argv[optind], argv[optind + 1]);
		if (rel)
			printf("%sNEW's figures are relative to %s: scaled by %.3f (its base/new "
			       "p50), so a change of the machine's speed cancels, and so does any "
			       "change of %s itself.\n",
			       o.fmt == FMT_MD ? "> " : "", rel,
			       json_real_value(json_object_get(r, "new_scaled_by")), rel);
		if (json_is_true(json_object_get(h, "shifted")) && !rel)
			printf("%swarning: the machine itself ran at another speed: baseline.getpid "
			       "new/base %.3f (it does no isolation work). The benchmark verdicts "
			       "above have that mixed in; re-run both on a quiet machine, or compare "
			       "with --relative-to baseline.getpid.\n",
			       o.fmt == FMT_MD ? "> " : "",
			       json_real_value(json_object_get(h, "getpid_ratio")));
		printf("%s%d regression%s, %d improvement%s\n", o.fmt == FMT_MD ? "**" : "", regs,
		       regs == 1 ? "" : "s",
		       (int)json_integer_value(json_object_get(r, "improvements")),
		       json_integer_value(json_object_get(r, "improvements")) == 1 ? "" : "s");
	}
	json_decref(r);
	json_decref(base);
	json_decref(new);
	return regs ? ISO_EXIT_FAIL : ISO_EXIT_OK;
}
