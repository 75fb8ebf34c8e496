/* SPDX-License-Identifier: MIT */
/*
 * isobench report: the pieces shared by reports/report.c (loading, runs, HTML and Markdown)
 * and reports/plot.c (data files, gnuplot templates, rendering).
 */
#ifndef ISO_REPORT_H
#define ISO_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#define ISO_REPORT_MAX_RUNS 16
#define ISO_REPORT_MAX_PLOTS 48

/* One run of the report: a conformance document, a benchmark document, or both. */
struct iso_report_run {
	json_t *doc; /* the document that names the run (cases first); borrowed */
	json_t *cases_doc; /* provides "cases" (NULL: no conformance results) */
	json_t *bench_doc; /* provides "bench" (NULL: no benchmarks) */
	json_t *cases; /* array, or NULL */
	json_t *bench; /* the "bench" object, or NULL */
	json_t *by_id; /* object: benchmark id -> result (owned) */
	char label[80];
	char src[512]; /* the input path(s) */
	double getpid_ns, fork_ns; /* p50 of the baselines, NAN if missing */
	bool controls; /* run.mode "controls": verdicts are those of the negative controls */
	bool rootless; /* run.privilege "rootless" in either document (absent: root) */
};

/* One rendered (or attempted) plot. */
struct iso_report_plot {
	char name[64]; /* file stem: plots/<name>.svg and .png */
	char section[16]; /* "conformance", "bench" */
	char title[160];
	char caption[1024];
	bool ok; /* gnuplot exited 0 and both files are non-empty */
	char error[256]; /* why not, when !ok */
};

struct iso_report {
	struct iso_report_run runs[ISO_REPORT_MAX_RUNS];
	size_t nruns;
	json_t *docs[2 * ISO_REPORT_MAX_RUNS]; /* every loaded document (owned) */
	size_t ndocs;
	char out[PATH_MAX]; /* the report folder */
	char plotdir[PATH_MAX]; /* <out>/plots */
	char templates[PATH_MAX]; /* the folder of the .gp templates */
	const char *gnuplot; /* program name or path */
	bool png_cairo; /* pngcairo terminal available (else png) */
	char no_plots[320]; /* non-empty: why no plot at all was rendered */
	struct iso_report_plot plots[ISO_REPORT_MAX_PLOTS];
	size_t nplots;
	unsigned int timeout_s; /* per gnuplot run */
};

/* Family of benchmark groups drawn in one latency (and comparison) plot. */
struct iso_report_family {
	const char *name; /* plot name suffix */
	const char *title;
	const char *groups[4];
};
extern const struct iso_report_family iso_report_families[];
extern const size_t iso_report_nfamilies;

/* The family of a benchmark group; NULL for the sweeps (drawn on their own). */
const struct iso_report_family *iso_report_family_of(const char *group);

/* A number member, NAN if absent or not a number. */
double iso_report_num(json_t *o, const char *key);
/* A string member, NULL if absent or not a string. */
const char *iso_report_str(json_t *o, const char *key);
/* result["stats"][key], NAN if absent. */
double iso_report_stat(json_t *result, const char *key);
/* A result with status "ok" and a p50. */
bool iso_report_result_ok(json_t *result);
/* "12.3 µs": nanoseconds with a sensible unit, 3 significant digits. */
const char *iso_report_fmt_ns(double ns, char *buf, size_t len);

/*
 * Percentiles 1, 25, 50, 75, 99 of a result in ns: from its raw samples, else from its
 * statistics (quartiles from the Tukey fences, min and p99 for the ends). 0 or -ENODATA.
 */
int iso_report_quantiles(json_t *result, double q[5]);

/* Writes the data and scripts of every plot into rp->plotdir and runs gnuplot on them. */
void iso_report_plots(struct iso_report *rp);

#endif
