// SPDX-License-Identifier: MIT
/*
 * isobench report DIR|FILE.json...: one folder with index.html (self-contained: inline SVG,
 * no network), summary.md and the plots (SVG and PNG, rendered by gnuplot from the data
 * files and the templates in reports/templates/, see plot.c). Reads only results
 * documents; never re-runs anything.
 *
 * Several inputs make several runs (kernels, machines, topologies side by side). A
 * conformance document and a benchmark document of the same boot (sysinfo.boot_id) are
 * one run, as are ci/main's DIR/run and DIR/bench. Exit: 0 report and every plot written,
 * 1 the report was written but some plot could not be rendered (gnuplot missing or
 * failing), 2 bad input or the report folder cannot be written, 64 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opts.h"
#include "compare.h"
#include "iso.h"
#include "export.h"
#include "flame.h"
#include "report.h"
#include "reports.h"

#ifndef ISO_SOURCE_DIR
#define ISO_SOURCE_DIR "."
#endif

static const char usage_report[] =
	"usage: isobench report DIR|FILE.json... [--out DIR] [--label NAME]...\n"
	"\n"
	"Renders results documents into a folder with index.html (self-contained), summary.md\n"
	"and plots (SVG and PNG, by gnuplot). Each argument is a results.json, or a folder\n"
	"holding one (or ci/main's run/ and bench/). Several arguments make several runs side\n"
	"by side (kernels, machines, topologies); a conformance and a benchmark document of\n"
	"the same boot are one run.\n"
	"\n"
	"  -o, --out DIR         report folder (default: ./isobench-report-<time>)\n"
	"  -l, --label NAME      name of the next run in the plots and tables (repeatable,\n"
	"                        in the order of the runs; default: host and kernel)\n"
	"      --templates DIR   gnuplot templates (default: reports/templates of the source)\n"
	"      --timeout S       seconds one gnuplot run may take (default 60)\n"
	"      --export-csv FILE also write the benchmark figures of every run as CSV\n"
	"      --export-md FILE  and as a Markdown table (a column names the run)\n"
	"  -h, --help            this text\n"
	"\n"
	"Environment: ISOBENCH_GNUPLOT names the gnuplot program, ISOBENCH_TEMPLATES the\n"
	"templates folder.\n"
	"\n"
	"Exit codes: 0 written with every plot, 1 written but some plot is missing (gnuplot\n"
	"absent or failed: the documents say which), 2 bad input or unwritable folder, 64 usage.\n";

/* ---- families of benchmark groups (one latency plot each) ---- */

const struct iso_report_family iso_report_families[] = {
	{ "baseline", "Baselines and harness overhead", { "harness", "baseline" } },
	{ "unshare", "unshare(2) per namespace: cold (first call) and warm", { "unshare" } },
	{ "clone",
	  "clone(2) with CLONE_NEW*: until the child runs, until it is reaped",
	  { "clone" } },
	{ "clone3",
	  "clone3(2) with CLONE_NEW*: until the child runs, until it is reaped",
	  { "clone3" } },
	{ "setns", "setns(2) into each namespace (fd and pidfd)", { "setns" } },
	{ "netns", "Network namespaces and veth pairs", { "netns", "veth" } },
	{ "cgroup-mkdir", "cgroup mkdir and rmdir per hierarchy", { "cgroup_mkdir" } },
	{ "cgroup-attach",
	  "cgroup attach (migration) and spawning into a cgroup",
	  { "cgroup_attach", "cgroup_spawn" } },
	{ "other", "Other operations", { NULL } },
};
const size_t iso_report_nfamilies = sizeof(iso_report_families) / sizeof(iso_report_families[0]);

const struct iso_report_family *iso_report_family_of(const char *group)
{
	if (!group || strstr(group, "_scaling"))
		return NULL;
	for (size_t i = 0; i + 1 < iso_report_nfamilies; i++)
		for (size_t g = 0; g < 4 && iso_report_families[i].groups[g]; g++)
			if (!strcmp(group, iso_report_families[i].groups[g]))
				return &iso_report_families[i];
	return &iso_report_families[iso_report_nfamilies - 1];
}

/* ---- small JSON helpers ---- */

double iso_report_num(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *iso_report_str(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

double iso_report_stat(json_t *result, const char *key)
{
	return iso_report_num(json_object_get(result, "stats"), key);
}

bool iso_report_result_ok(json_t *result)
{
	const char *st = iso_report_str(result, "status");

	return st && !strcmp(st, "ok") && isfinite(iso_report_stat(result, "p50")) &&
	       iso_report_str(result, "id");
}

/* json_object_get along a dotted path. */
static json_t *jpath(json_t *o, const char *path)
{
	char key[64];

	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		o = json_is_object(o) ? json_object_get(o, key) : NULL;
		path += n + (dot ? 1 : 0);
	}
	return o;
}

static const char *jstr(json_t *o, const char *path)
{
	json_t *v = jpath(o, path);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double jnum(json_t *o, const char *path)
{
	json_t *v = jpath(o, path);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *iso_report_fmt_ns(double ns, char *buf, size_t len)
{
	static const struct {
		double div;
		const char *unit;
	} u[] = { { 1e9, "s" }, { 1e6, "ms" }, { 1e3, "µs" }, { 1, "ns" } };
	size_t i = 0;
	double v;

	if (!isfinite(ns)) {
		snprintf(buf, len, "-");
		return buf;
	}
	while (i + 1 < sizeof(u) / sizeof(u[0]) && fabs(ns) < u[i].div * 0.9995)
		i++;
	v = ns / u[i].div;
	snprintf(buf, len,
		 fabs(v) >= 99.95 ? "%.0f %s" :
		 fabs(v) >= 9.995 ? "%.1f %s" :
				    "%.2f %s",
		 v, u[i].unit);
	return buf;
}

static const char *fmt_ratio(double r, char *buf, size_t len)
{
	if (!isfinite(r))
		snprintf(buf, len, "-");
	else if (r >= 99.5)
		snprintf(buf, len, "%.0f", r);
	else if (r >= 0.995)
		snprintf(buf, len, "%.2f", r);
	else
		snprintf(buf, len, "%.2g", r);
	return buf;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Hyndman-Fan type 7 on sorted values. */
static double pct(const double *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

int iso_report_quantiles(json_t *result, double q[5])
{
	json_t *samples = json_object_get(result, "samples"), *x;
	size_t n = json_array_size(samples), i, k = 0;
	double fl, fh;

	if (n >= 5) {
		_cleanup_free_ double *v = malloc(n * sizeof(*v));

		if (v) {
			json_array_foreach(samples, i, x)
			{
				if (json_is_number(x))
					v[k++] = json_number_value(x);
			}
			if (k >= 5) {
				static const double ps[5] = { 0.01, 0.25, 0.5, 0.75, 0.99 };

				qsort(v, k, sizeof(*v), cmp_double);
				for (i = 0; i < 5; i++)
					q[i] = pct(v, k, ps[i]);
				return 0;
			}
		}
	}
	q[2] = iso_report_stat(result, "p50");
	if (!isfinite(q[2]))
		return -ENODATA;
	fl = iso_report_stat(result, "fence_lo");
	fh = iso_report_stat(result, "fence_hi");
	if (isfinite(fl) && isfinite(fh) && fh >= fl) {
		/* fence_lo = Q1 - 1.5 IQR, fence_hi = Q3 + 1.5 IQR: their sum is Q1 + Q3. */
		double iqr = (fh - fl) / 4;

		q[1] = (fl + fh - iqr) / 2;
		q[3] = q[1] + iqr;
	} else {
		q[1] = q[3] = q[2];
	}
	q[0] = iso_report_stat(result, "min");
	q[4] = iso_report_stat(result, "p99");
	if (!isfinite(q[0]))
		q[0] = q[1];
	if (!isfinite(q[4]))
		q[4] = q[3];
	return 0;
}

/* ---- loading: documents into runs ---- */

static bool has_cases(json_t *doc)
{
	return json_array_size(json_object_get(doc, "cases")) > 0 || !json_object_get(doc, "bench");
}

static const char *boot_id(json_t *doc)
{
	return jstr(doc, "sysinfo.boot_id");
}

static bool is_controls(json_t *doc)
{
	const char *m = jstr(doc, "run.mode");

	return m && !strcmp(m, "controls");
}

/* run.privilege: "root" or "rootless"; "root" when absent (documents before rootless runs). */
static const char *run_privilege(json_t *doc)
{
	const char *p = jstr(doc, "run.privilege");

	return p ? p : "root";
}

/*
 * How a case ran: "root", "userns" (root of a user namespace of its own), "delegated" (the
 * user, in a delegated cgroup v2 subtree), "none" (not run); "root" when absent.
 */
static const char *case_privilege(json_t *c)
{
	const char *p = iso_report_str(c, "privilege");

	return p ? p : "root";
}

/* Adds a loaded document: into an existing run of the same boot lacking its part, or new. */
static int add_doc(struct iso_report *rp, json_t *doc, const char *path)
{
	bool c = has_cases(doc), b = json_is_object(json_object_get(doc, "bench"));
	const char *boot = boot_id(doc);
	struct iso_report_run *run = NULL;

	rp->docs[rp->ndocs++] = doc;
	for (size_t i = 0; boot && !is_controls(doc) && i < rp->nruns; i++) {
		struct iso_report_run *o = &rp->runs[i];
		const char *ob = boot_id(o->doc);

		if (ob && !strcmp(ob, boot) && !o->controls && !(c && o->cases_doc) &&
		    !(b && o->bench_doc)) {
			run = o;
			break;
		}
	}
	if (!run) {
		if (rp->nruns == ISO_REPORT_MAX_RUNS)
			return -E2BIG;
		run = &rp->runs[rp->nruns++];
		memset(run, 0, sizeof(*run));
		run->doc = doc;
		run->controls = is_controls(doc);
		snprintf(run->src, sizeof(run->src), "%s", path);
	} else {
		size_t n = strlen(run->src);

		snprintf(run->src + n, sizeof(run->src) - n, " + %s", path);
	}
	if (c) {
		run->cases_doc = doc;
		run->cases = json_object_get(doc, "cases");
		run->doc = doc; /* the conformance document names the run */
	}
	if (b) {
		run->bench_doc = doc;
		run->bench = json_object_get(doc, "bench");
	}
	return 0;
}

/* Indexes results by id, finds the baselines, names the run. */
static void finish_run(struct iso_report *rp, size_t idx, const char *label)
{
	struct iso_report_run *run = &rp->runs[idx];
	json_t *res, *env = jpath(run->doc, "run.environment");
	const char *host = jstr(run->doc, "sysinfo.hostname"),
		   *rel = jstr(run->doc, "sysinfo.kernel.release"), *entry;
	size_t i;

	run->by_id = json_object();
	run->getpid_ns = run->fork_ns = NAN;
	run->rootless = (run->cases_doc && !strcmp(run_privilege(run->cases_doc), "rootless")) ||
			(run->bench_doc && !strcmp(run_privilege(run->bench_doc), "rootless"));
	if (run->bench) {
		json_array_foreach(json_object_get(run->bench, "results"), i, res)
		{
			const char *id = iso_report_str(res, "id");

			if (!id)
				continue;
			json_object_set(run->by_id, id, res);
			if (!strcmp(id, "baseline.getpid") && iso_report_result_ok(res))
				run->getpid_ns = iso_report_stat(res, "p50");
			if (!strcmp(id, "baseline.fork") && iso_report_result_ok(res))
				run->fork_ns = iso_report_stat(res, "p50");
		}
	}
	if (label) {
		snprintf(run->label, sizeof(run->label), "%s", label);
	} else if ((entry = iso_report_str(env, "matrix_entry")) ||
		   (entry = iso_report_str(env, "box"), entry && *entry)) {
		snprintf(run->label, sizeof(run->label), "%s", entry);
	} else {
		snprintf(run->label, sizeof(run->label), "%s %s", host ? host : "?",
			 rel ? rel : "?");
	}
	if (run->controls && !label) {
		size_t n = strlen(run->label);

		snprintf(run->label + n, sizeof(run->label) - n, " (controls)");
	}
	/* A root and a rootless run of one kernel side by side: the labels tell them apart. */
	if (run->rootless && !label && !strstr(run->label, "rootless")) {
		size_t n = strlen(run->label);

		snprintf(run->label + n, sizeof(run->label) - n, " (rootless)");
	}
	/* Keep labels printable and free of markup characters. */
	for (char *p = run->label; *p; p++)
		if ((unsigned char)*p < 0x20 || strchr("\"\\<>&`|", *p))
			*p = ' ';
}

/* Runs with the same label get their start time, then their tag, appended. */
static void dedupe_labels(struct iso_report *rp)
{
	for (int pass = 0; pass < 2; pass++) {
		bool dup[ISO_REPORT_MAX_RUNS] = { false };

		for (size_t i = 0; i < rp->nruns; i++)
			for (size_t k = i + 1; k < rp->nruns; k++)
				if (!strcmp(rp->runs[i].label, rp->runs[k].label))
					dup[i] = dup[k] = true;
		for (size_t i = 0; i < rp->nruns; i++) {
			struct iso_report_run *run = &rp->runs[i];
			const char *st = jstr(run->doc, "run.started"),
				   *tag = jstr(run->doc, "run.tag");
			size_t n = strlen(run->label);

			if (!dup[i])
				continue;
			if (pass == 0 && st && strlen(st) >= 16)
				/* 2026-11-22T11:28:11Z -> "11-22 11:28" */
				snprintf(run->label + n, sizeof(run->label) - n, " %.5s %.5s",
					 st + 5, st + 11);
			else
				snprintf(run->label + n, sizeof(run->label) - n, " [%s]",
					 tag ? tag : "?");
		}
	}
}

/* ---- output helpers ---- */

/* Markdown table cell: pipes escaped, newlines flattened. */
static void md_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '*')
			fputs("\\*", f);
		else
			fputc(*s, f);
	}
}

/* ---- run identity ---- */

enum { ID_LEN = 640 };

static void id_kernel(struct iso_report_run *run, char *b, size_t n)
{
	const char *rel = jstr(run->doc, "sysinfo.kernel.release"),
		   *mach = jstr(run->doc, "sysinfo.kernel.machine"),
		   *distro = jstr(run->doc, "sysinfo.distro");

	snprintf(b, n, "%s%s%s%s%s%s", rel ? rel : "unknown", mach ? " " : "", mach ? mach : "",
		 distro ? " (" : "", distro ? distro : "", distro ? ")" : "");
}

static void id_cgroup(struct iso_report_run *run, char *b, size_t n)
{
	const char *mode = jstr(run->doc, "sysinfo.cgroup.mode");
	json_t *ctrls = jpath(run->doc, "sysinfo.cgroup.controllers"), *c;
	char v1[256] = "", v2[256] = "";
	size_t i;

	json_array_foreach(ctrls, i, c)
	{
		const char *s = json_string_value(c), *at;
		char *dst;
		size_t l;

		if (!s || !(at = strchr(s, '@')))
			continue;
		dst = !strcmp(at, "@v1") ? v1 : v2;
		l = strlen(dst);
		snprintf(dst + l, sizeof(v1) - l, "%s%.*s", l ? " " : "", (int)(at - s), s);
	}
	snprintf(b, n, "%s%s%s%s%s%s%s", mode ? mode : "unknown", v1[0] || v2[0] ? ": " : "",
		 v1[0] ? "v1 " : "", v1, v1[0] && v2[0] ? "; " : "", v2[0] ? "v2 " : "", v2);
}

static void id_cpu(struct iso_report_run *run, char *b, size_t n)
{
	const char *brand = jstr(run->doc, "sysinfo.cpu.brand"),
		   *code = jstr(run->doc, "sysinfo.cpu.codename"),
		   *err = jstr(run->doc, "sysinfo.cpu.error");

	if (!brand && err)
		snprintf(b, n, "unknown (libcpuid: %s)", err);
	else
		snprintf(b, n, "%s%s%s%s", brand ? brand : "unknown", code ? " (" : "",
			 code ? code : "", code ? ")" : "");
}

static void id_topology(struct iso_report_run *run, char *b, size_t n)
{
	json_t *t = jpath(run->doc, "sysinfo.topology");
	double pk = iso_report_num(t, "packages"), co = iso_report_num(t, "cores"),
	       pu = iso_report_num(t, "pus"), nu = iso_report_num(t, "numa_nodes"),
	       l3 = iso_report_num(t, "l3_kib");
	json_t *smt = json_object_get(t, "smt");

	if (!json_is_object(t)) {
		snprintf(b, n, "unknown");
		return;
	}
	snprintf(b, n, "%.0f package%s, %.0f cores, %.0f PUs, %.0f NUMA node%s; SMT %s", pk,
		 pk == 1 ? "" : "s", co, pu, nu, nu == 1 ? "" : "s",
		 json_is_true(smt)  ? "on" :
		 json_is_false(smt) ? "off" :
				      "unknown");
	if (isfinite(l3) && l3 > 0) {
		size_t l = strlen(b);

		snprintf(b + l, n - l, l3 >= 1024 ? "; L3 %.0f MiB" : "; L3 %.0f KiB",
			 l3 >= 1024 ? l3 / 1024 : l3);
	}
}

/* "vulnerable: a; mitigated: b, c; 13 not affected" */
static void id_mitigations(struct iso_report_run *run, char *b, size_t n)
{
	json_t *m = jpath(run->doc, "sysinfo.mitigations"), *v;
	char vul[256] = "", mit[256] = "", other[256] = "";
	const char *key;
	int notaff = 0;

	if (!json_is_object(m)) {
		snprintf(b, n, "unknown");
		return;
	}
	json_object_foreach(m, key, v)
	{
		const char *s = json_string_value(v);
		char *dst;
		size_t l;

		if (!s)
			continue;
		if (!strncmp(s, "Not affected", 12)) {
			notaff++;
			continue;
		}
		dst = !strncmp(s, "Vulnerable", 10) ? vul :
		      !strncmp(s, "Mitigation", 10) ? mit :
						      other;
		l = strlen(dst);
		snprintf(dst + l, sizeof(vul) - l, "%s%s", l ? ", " : "", key);
	}
	snprintf(b, n, "vulnerable: %s; mitigated: %s%s%s; %d not affected", vul[0] ? vul : "none",
		 mit[0] ? mit : "none", other[0] ? "; other: " : "", other, notaff);
}

static bool emulated(struct iso_report_run *run, char *b, size_t n)
{
	json_t *env = jpath(run->doc, "run.environment");
	const char *vm = iso_report_str(env, "vm"), *emu = iso_report_str(env, "emulated");
	bool e = emu || (vm && strstr(vm, "tcg"));

	if (!vm && !emu)
		snprintf(b, n, "no runner environment recorded (run directly)");
	else if (e)
		snprintf(b, n, "%s%s: EMULATED, timings not comparable to hardware", vm ? vm : "",
			 emu && !(vm && strstr(vm, emu)) ? " (emulated)" : "");
	else
		snprintf(b, n, "virtual machine: %s%s%s", vm,
			 iso_report_str(env, "hypervisor") ? " on " : "",
			 iso_report_str(env, "hypervisor") ?: "");
	return e;
}

/*
 * A run with slowdowns injected on purpose (bench --slow): what was slowed, as
 * "op +PCT%, ...". Such a run tests the regression gate and must never pass
 * for a measurement.
 */
static bool injected(struct iso_report_run *run, char *b, size_t n)
{
	json_t *inj = run->bench ? json_object_get(run->bench, "injected") : NULL, *e;
	size_t i, l = 0;

	b[0] = 0;
	json_array_foreach(inj, i, e)
	{
		if (l < n)
			l += (size_t)snprintf(b + l, n - l, "%s%s +%.0f%%", i ? ", " : "",
					      iso_report_str(e, "op"),
					      json_number_value(json_object_get(e, "pct")));
	}
	return b[0] != 0;
}

static void loadavg_of(json_t *v, char *b, size_t n)
{
	if (json_array_size(v) == 3)
		snprintf(b, n, "%.2f %.2f %.2f", json_number_value(json_array_get(v, 0)),
			 json_number_value(json_array_get(v, 1)),
			 json_number_value(json_array_get(v, 2)));
	else
		snprintf(b, n, "unknown");
}

static void id_load(struct iso_report_run *run, char *b, size_t n)
{
	char s[64], e[64];
	double pus = jnum(run->doc, "sysinfo.topology.pus"), l1 = NAN;
	size_t l;

	b[0] = 0;
	if (run->cases_doc) {
		json_t *la = jpath(run->cases_doc, "sysinfo.loadavg");

		loadavg_of(la, s, sizeof(s));
		snprintf(b, n, "conformance start %s", s);
		if (json_array_size(la))
			l1 = json_number_value(json_array_get(la, 0));
	}
	if (run->bench) {
		json_t *la = jpath(run->bench, "environment.loadavg");

		if (!la)
			la = jpath(run->bench_doc, "sysinfo.loadavg");
		loadavg_of(la, s, sizeof(s));
		loadavg_of(jpath(run->bench, "environment_end.loadavg"), e, sizeof(e));
		l = strlen(b);
		snprintf(b + l, n - l, "%sbenchmarks start %s, end %s", l ? "; " : "", s, e);
		if (json_array_size(la))
			l1 = json_number_value(json_array_get(la, 0));
	}
	l = strlen(b);
	if (isfinite(l1) && isfinite(pus) && pus > 0 && l1 > pus / 2)
		snprintf(
			b + l, n - l,
			" (1-minute load %.1f on %.0f PUs: the machine was busy, timings are noisy)",
			l1, pus);
	else if (!l)
		snprintf(b, n, "unknown");
}

/* "root", or "rootless; cases: 150 userns (...), 12 delegated (...), 29 none (did not run)". */
static void id_privilege(struct iso_report_run *run, char *b, size_t n)
{
	static const char *const kinds[] = { "userns", "delegated", "root", "none" };
	size_t count[5] = { 0 }, i, l;
	json_t *c;

	if (run->cases_doc && run->bench_doc && run->cases_doc != run->bench_doc &&
	    strcmp(run_privilege(run->cases_doc), run_privilege(run->bench_doc)))
		snprintf(b, n, "conformance %s, benchmarks %s", run_privilege(run->cases_doc),
			 run_privilege(run->bench_doc));
	else
		snprintf(b, n, "%s", run->rootless ? "rootless" : "root");
	if (!run->rootless || !run->cases_doc || strcmp(run_privilege(run->cases_doc), "rootless"))
		return;
	json_array_foreach(run->cases, i, c)
	{
		const char *p = case_privilege(c);
		size_t k = 0;

		while (k < 4 && strcmp(p, kinds[k]))
			k++;
		count[k]++;
	}
	l = strlen(b);
	snprintf(b + l, n - l, "; cases:");
	for (size_t k = 0; k < 5; k++) {
		l = strlen(b);
		if (count[k])
			snprintf(b + l, n - l, "%s %zu %s%s", b[l - 1] == ':' ? "" : ",", count[k],
				 k < 4 ? kinds[k] : "other",
				 k == 0 ? " (root of a user namespace of their own)" :
				 k == 1 ? " (the user, in a delegated cgroup v2 subtree)" :
				 k == 3 ? " (did not run)" :
					  "");
	}
}

static void id_date(struct iso_report_run *run, char *b, size_t n)
{
	const char *st = jstr(run->doc, "run.started");
	double c = jnum(run->cases_doc, "run.wall_ms"), w = jnum(run->bench_doc, "run.wall_ms");
	size_t l;

	snprintf(b, n, "%s", st ? st : "unknown");
	l = strlen(b);
	if (run->cases_doc && isfinite(c))
		snprintf(b + l, n - l, "; conformance took %.1f s", c / 1000);
	l = strlen(b);
	if (run->bench_doc && run->bench_doc != run->cases_doc && isfinite(w))
		snprintf(b + l, n - l, "; benchmarks took %.1f s", w / 1000);
}

static void id_isobench(struct iso_report_run *run, char *b, size_t n)
{
	const char *v = jstr(run->doc, "sysinfo.isobench.version"),
		   *r = jstr(run->doc, "sysinfo.isobench.revision");

	snprintf(b, n, "%s (%s)", v ? v : "?", r ? r : "?");
}

static void id_what(struct iso_report_run *run, char *b, size_t n)
{
	const char *tag = jstr(run->cases_doc, "run.tag"), *btag = jstr(run->bench_doc, "run.tag");
	const char *prof = iso_report_str(run->bench, "profile");
	size_t l;

	b[0] = 0;
	if (run->cases_doc)
		snprintf(b, n, "%s %s%s", run->controls ? "negative controls" : "conformance",
			 tag ? tag : "?",
			 json_is_true(jpath(run->cases_doc, "run.complete")) ?
				 "" :
				 " (INTERRUPTED: partial results)");
	l = strlen(b);
	if (run->bench)
		snprintf(b + l, n - l, "%sbenchmarks %s, profile %s%s", l ? "; " : "",
			 btag ? btag : "?", prof ? prof : "?",
			 json_is_true(jpath(run->bench_doc, "run.complete")) ?
				 "" :
				 " (INTERRUPTED: partial results)");
}

static void id_bench(struct iso_report_run *run, char *b, size_t n)
{
	json_t *res;
	size_t i, ok = 0, skip = 0, err = 0, noisy = 0;
	double ov = iso_report_num(run->bench, "overhead_ns");
	char o[32], g[32], f[32];

	if (!run->bench) {
		snprintf(b, n, "none");
		return;
	}
	json_array_foreach(json_object_get(run->bench, "results"), i, res)
	{
		const char *st = iso_report_str(res, "status");

		if (st && !strcmp(st, "ok"))
			ok++;
		else if (st && !strcmp(st, "skip"))
			skip++;
		else
			err++;
		if (json_is_true(json_object_get(res, "noisy")))
			noisy++;
	}
	snprintf(b, n,
		 "%zu measured, %zu skipped, %zu failed; %zu noisy (repetitions disagree by more "
		 "than 5%%); getpid %s, fork %s; harness overhead %s%s",
		 ok, skip, err, noisy, iso_report_fmt_ns(run->getpid_ns, g, sizeof(g)),
		 iso_report_fmt_ns(run->fork_ns, f, sizeof(f)), iso_report_fmt_ns(ov, o, sizeof(o)),
		 json_is_false(json_object_get(run->bench, "overhead_ok")) ?
			 " (ABOVE a quarter of getpid)" :
			 "");
}

static void id_conformance(struct iso_report_run *run, char *b, size_t n)
{
	json_t *s = json_object_get(run->cases_doc, "summary");

	if (!run->cases_doc) {
		snprintf(b, n, "none");
		return;
	}
	snprintf(b, n, "%.0f pass, %.0f fail, %.0f skip, %.0f broken, %.0f error (of %.0f)",
		 iso_report_num(s, "pass"), iso_report_num(s, "fail"), iso_report_num(s, "skip"),
		 iso_report_num(s, "broken"), iso_report_num(s, "error"),
		 iso_report_num(s, "total"));
}

static const struct {
	const char *name;
	void (*fn)(struct iso_report_run *, char *, size_t);
} identity[] = {
	{ "Kernel", id_kernel },
	{ "cgroups", id_cgroup },
	{ "Privilege", id_privilege },
	{ "CPU", id_cpu },
	{ "Topology", id_topology },
	{ "Mitigations", id_mitigations },
	{ "Date", id_date },
	{ "isobench", id_isobench },
	{ "Run tags", id_what },
	{ "Load average", id_load },
	{ "Conformance", id_conformance },
	{ "Benchmarks", id_bench },
};

/* ---- shared content ---- */

static const char *const verdicts[] = { "pass", "fail", "skip", "broken", "error" };

static json_t *case_of(struct iso_report_run *run, const char *id)
{
	json_t *c;
	size_t i;

	json_array_foreach(run->cases, i, c)
	{
		const char *cid = iso_report_str(c, "id");

		if (cid && !strcmp(cid, id))
			return c;
	}
	return NULL;
}

/* Every case id of every run, in order of appearance. Caller decrefs. */
static json_t *all_case_ids(struct iso_report *rp)
{
	json_t *ids = json_array(), *seen = json_object(), *c;
	size_t i;

	for (size_t r = 0; r < rp->nruns; r++) {
		json_array_foreach(rp->runs[r].cases, i, c)
		{
			const char *id = iso_report_str(c, "id");

			if (id && !json_object_get(seen, id)) {
				json_object_set_new(seen, id, json_true());
				json_array_append_new(ids, json_string(id));
			}
		}
	}
	json_decref(seen);
	return ids;
}

/* Every benchmark id of the family (NULL: the sweeps), in order. Caller decrefs. */
static json_t *family_ids(struct iso_report *rp, const struct iso_report_family *fam)
{
	json_t *ids = json_array(), *seen = json_object(), *res;
	size_t i;

	for (size_t r = 0; r < rp->nruns; r++) {
		if (!rp->runs[r].bench)
			continue;
		json_array_foreach(json_object_get(rp->runs[r].bench, "results"), i, res)
		{
			const char *id = iso_report_str(res, "id");

			if (!id || iso_report_family_of(iso_report_str(res, "group")) != fam ||
			    json_object_get(seen, id))
				continue;
			json_object_set_new(seen, id, json_true());
			json_array_append_new(ids, json_string(id));
		}
	}
	json_decref(seen);
	return ids;
}

static bool any_bench(struct iso_report *rp)
{
	for (size_t r = 0; r < rp->nruns; r++)
		if (rp->runs[r].bench)
			return true;
	return false;
}

static bool any_cases(struct iso_report *rp)
{
	for (size_t r = 0; r < rp->nruns; r++)
		if (rp->runs[r].cases_doc)
			return true;
	return false;
}

static bool any_rootless(struct iso_report *rp)
{
	for (size_t r = 0; r < rp->nruns; r++)
		if (rp->runs[r].rootless)
			return true;
	return false;
}

/* After a run's label: what a rootless run is and what its case markers mean. */
static const char rootless_note[] =
	"ran rootless: each case ran as root of a user namespace of its own (userns) or as the "
	"user in a delegated cgroup v2 subtree (delegated), or did not run (none); the marker "
	"after a verdict says which.";

/* The tooltip of a case's privilege marker. */
static const char *privilege_meaning(const char *p)
{
	return !strcmp(p, "userns")    ? "ran as root of a user namespace of its own" :
	       !strcmp(p, "delegated") ? "ran as the user, in a delegated cgroup v2 subtree" :
	       !strcmp(p, "none")      ? "did not run (skipped)" :
	       !strcmp(p, "root")      ? "ran as root" :
	       !strcmp(p, "user")      ? "ran as the user, needing no privilege" :
					 "";
}

/* In a rootless run, how a case ran, after its verdict: <span class="priv">userns</span>. */
static void html_privilege(FILE *f, struct iso_report_run *run, json_t *c)
{
	const char *p = case_privilege(c);

	if (!run->rootless)
		return;
	fputs(" <span class=\"priv\" title=\"", f);
	iso_markup_escape(f, privilege_meaning(p));
	fputs("\">", f);
	iso_markup_escape(f, p);
	fputs("</span>", f);
}

static size_t plots_failed(struct iso_report *rp)
{
	size_t n = 0;

	for (size_t i = 0; i < rp->nplots; i++)
		n += !rp->plots[i].ok;
	return n;
}

static void now_str(char *b, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(b, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- attribution (bench --attribute) ---- */

#define FLAME_WIDTH 1200
/* Rows of the "where the time goes" table. */
#define ATTR_ROWS_ON 8
#define ATTR_ROWS_OFF 5
#define ATTR_ROWS_WQ 4

static json_t *attr_of(json_t *res)
{
	json_t *a = json_object_get(res, "attribution");
	const char *st = iso_report_str(a, "status");

	return st && !strcmp(st, "ok") ? a : NULL;
}

/* Result i of results shows its attribution: the metrics of one op share one. */
static bool attr_first(json_t *results, size_t i)
{
	json_t *a = json_object_get(json_array_get(results, i), "attribution");

	if (!a)
		return false;
	for (size_t j = 0; j < i; j++)
		if (json_equal(a, json_object_get(json_array_get(results, j), "attribution")))
			return false;
	return true;
}

static bool any_attribution(struct iso_report *rp)
{
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *res = json_object_get(rp->runs[r].bench, "results"), *o;
		size_t i;

		json_array_foreach(res, i, o) if (json_object_get(o, "attribution")) return true;
	}
	return false;
}

/* flame/r<run>-<id>.svg, the id's odd characters as '_'. */
static void flame_file(char *b, size_t n, size_t r, const char *id)
{
	size_t k = (size_t)snprintf(b, n, "flame/r%zu-", r);

	for (; *id && k + 5 < n; id++)
		b[k++] = (char)((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
						(*id >= '0' && *id <= '9') || *id == '.' ||
						*id == '-' ?
					*id :
					'_');
	snprintf(b + k, n - k, ".svg");
}

static void flame_title(char *b, size_t n, struct iso_report_run *run, const char *id, json_t *a)
{
	snprintf(b, n, "%s on CPU in the kernel (%s, %s)", id, run->label,
		 iso_report_str(a, "event") ? iso_report_str(a, "event") : "?");
}

/* Every attributed op's flame graph as a file of its own. Returns how many failed. */
static int write_flames(struct iso_report *rp)
{
	char dir[PATH_MAX + 8], path[PATH_MAX + 300], name[256], title[300];
	int bad = 0;

	snprintf(dir, sizeof(dir), "%s/flame", rp->out);
	if (iso_mkdir_p(dir, 0755) < 0)
		return 1;
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *res = json_object_get(rp->runs[r].bench, "results"), *o, *a;
		size_t i;

		json_array_foreach(res, i, o)
		{
			FILE *f;

			if (!(a = attr_of(o)) || !attr_first(res, i))
				continue;
			flame_file(name, sizeof(name), r, iso_report_str(o, "id"));
			flame_title(title, sizeof(title), &rp->runs[r], iso_report_str(o, "id"), a);
			snprintf(path, sizeof(path), "%s/%s", rp->out, name);
			f = fopen(path, "we");
			if (!f) {
				bad++;
				continue;
			}
			if (iso_flame_svg(f, json_object_get(a, "folded"), title, FLAME_WIDTH,
					  false) == -EIO)
				bad++;
			if (fclose(f))
				bad++;
		}
	}
	return bad;
}

static void cell_esc(FILE *f, bool md, const char *s)
{
	if (md)
		md_esc(f, s ? s : "");
	else
		iso_markup_escape(f, s ? s : "");
}

/* One row of the table: where, what, per op, share, note. */
static void attr_row(FILE *f, bool md, const char *where, const char *what, const char *perop,
		     const char *share, const char *note)
{
	const char *const v[] = { where, what, perop, share, note };

	fputs(md ? "|" : "<tr>", f);
	for (int k = 0; k < 5; k++) {
		fputs(md ? " " : k >= 2 && k <= 3 ? "<td class=\"num\">" : "<td>", f);
		if (k == 1 && !md)
			fputs("<code>", f);
		cell_esc(f, md, v[k]);
		if (k == 1 && !md)
			fputs("</code>", f);
		fputs(md ? " |" : "</td>", f);
	}
	fputs(md ? "\n" : "</tr>\n", f);
}

/* The share of fn among a list of {function, share}; NAN if absent. */
static double share_in(json_t *list, const char *fn)
{
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e) if (!strcmp(iso_report_str(e, "function"),
						   fn)) return iso_report_num(e, "share");
	return NAN;
}

/* "where the time goes" of one attributed op, HTML or Markdown. */
static void attr_table(FILE *f, bool md, json_t *res, json_t *a)
{
	json_t *on = json_object_get(a, "on_cpu"), *off = json_object_get(a, "off_cpu");
	json_t *def = json_object_get(a, "deferred"), *e;
	json_t *self = json_object_get(on, "top_self"),
	       *cum = json_object_get(on, "top_cumulative");
	double perop = iso_report_num(a, "on_cpu_ns_per_op");
	char b1[64], b2[64], b3[64], what[256], note[256];
	size_t i;

	snprintf(note, sizeof(note), "%.0f samples of %s, %.0f%% in named kernel functions",
		 iso_report_num(a, "samples"),
		 iso_report_str(a, "event") ? iso_report_str(a, "event") : "?",
		 100 * iso_report_num(a, "named_share"));
	if (md)
		fprintf(f, "%s; %.0f ops profiled", note, iso_report_num(a, "iterations"));
	else
		fprintf(f, "<p>%s; %.0f ops profiled", note, iso_report_num(a, "iterations"));
	if (isfinite(perop))
		fprintf(f, "; kernel CPU time about %s per op",
			iso_report_fmt_ns(perop, b1, sizeof(b1)));
	if (isfinite(iso_report_num(off, "ns_per_op")))
		fprintf(f, ", off CPU %s per op",
			iso_report_fmt_ns(iso_report_num(off, "ns_per_op"), b1, sizeof(b1)));
	if (isfinite(iso_report_num(a, "op_p50_ns")) && isfinite(iso_report_stat(res, "p50")))
		fprintf(f, " (p50 %s profiled, %s timed)",
			iso_report_fmt_ns(iso_report_num(a, "op_p50_ns"), b2, sizeof(b2)),
			iso_report_fmt_ns(iso_report_stat(res, "p50"), b3, sizeof(b3)));
	fputs(md ? ".\n\n| where | what | per op | share | |\n|---|---|---:|---:|---|\n" :
		   ".</p>\n<table>\n<tr><th>where</th><th>what</th><th>per op</th><th>share</th>"
		   "<th></th></tr>\n",
	      f);
	json_array_foreach(self, i, e)
	{
		double sh = iso_report_num(e, "share"),
		       c = share_in(cum, iso_report_str(e, "function"));

		if (i == ATTR_ROWS_ON)
			break;
		snprintf(b1, sizeof(b1), "%s",
			 isfinite(perop) ? iso_report_fmt_ns(sh * perop, b3, sizeof(b3)) : "");
		snprintf(b2, sizeof(b2), "%.1f%%", 100 * sh);
		if (isfinite(c))
			snprintf(note, sizeof(note), "self; %.1f%% with its callees", 100 * c);
		else
			snprintf(note, sizeof(note), "self");
		attr_row(f, md, i ? "" : "on CPU (kernel)", iso_report_str(e, "function"), b1, b2,
			 note);
	}
	if (iso_report_num(a, "irq_enable_share") >= 0.05) {
		json_t *ic = json_object_get(on, "irq_enable_callers");
		size_t len = 0;

		what[0] = 0;
		json_array_foreach(ic, i, e)
		{
			if (i == 3)
				break;
			len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%s %.0f%%",
						i ? ", " : "", iso_report_str(e, "function"),
						100 * iso_report_num(e, "share"));
			if (len >= sizeof(what))
				break;
		}
		snprintf(b2, sizeof(b2), "%.1f%%", 100 * iso_report_num(a, "irq_enable_share"));
		attr_row(f, md, "on CPU, interrupts off", what, "", b2,
			 "samples where interrupts come back on (the timer cannot fire while "
			 "they are off): the irq-off time of these callers");
	}
	if (iso_report_str(off, "skipped")) {
		attr_row(f, md, "off CPU", "not recorded", "", "", iso_report_str(off, "skipped"));
	} else {
		json_array_foreach(json_object_get(off, "waits"), i, e)
		{
			if (i == ATTR_ROWS_OFF)
				break;
			snprintf(what, sizeof(what), "%s", iso_report_str(e, "what"));
			snprintf(b2, sizeof(b2), "%.1f%%", 100 * iso_report_num(e, "share"));
			snprintf(note, sizeof(note), "%s; %.0f waits, from %s",
				 iso_report_str(e, "class"), iso_report_num(e, "count"),
				 iso_report_str(e, "top") ? iso_report_str(e, "top") : "?");
			attr_row(f, md, i ? "" : "off CPU (waits)", what,
				 iso_report_fmt_ns(iso_report_num(e, "ns_per_op"), b1, sizeof(b1)),
				 b2, note);
		}
	}
	if (iso_report_str(def, "skipped")) {
		attr_row(f, md, "after the op", "not recorded", "", "",
			 iso_report_str(def, "skipped"));
	} else {
		json_array_foreach(json_object_get(def, "works"), i, e)
		{
			if (i == ATTR_ROWS_WQ)
				break;
			snprintf(b2, sizeof(b2), "%.0f x", iso_report_num(e, "count"));
			snprintf(
				note, sizeof(note),
				"kworker wall time: %s in all in the %.0f ms window; %.0f queued by "
				"the op",
				iso_report_fmt_ns(iso_report_num(e, "wall_ns"), b3, sizeof(b3)),
				iso_report_num(def, "window_ms"),
				iso_report_num(e, "queued_by_op"));
			attr_row(f, md, i ? "" : "after the op (kworkers)",
				 iso_report_str(e, "function"),
				 iso_report_fmt_ns(iso_report_num(e, "wall_ns") /
							   fmax(1, iso_report_num(a, "iterations")),
						   b1, sizeof(b1)),
				 b2, note);
		}
	}
	fputs(md ? "\n" : "</table>\n", f);
}

/* The attribution section of the report: per run, per attributed op. */
static void attr_section(FILE *f, bool md, struct iso_report *rp)
{
	char name[256], title[300];

	if (md)
		fputs("\n## Where the time goes (bench --attribute)\n\nOne profiled repetition per "
		      "operation, after the timed rounds: kernel functions on CPU (self time; the "
		      "flame graph has the stacks), what the op waited on off CPU (run-queue wait "
		      "included), and the kworker time after it. See the README's \"Attribution\" "
		      "for what these can and cannot tell.\n\n",
		      f);
	else
		fputs("<h2 id=\"attribution\">Where the time goes</h2>\n<p class=\"note\">One profiled "
		      "repetition per operation (bench --attribute), after the timed rounds: kernel "
		      "functions on CPU (self time; the flame graph has the stacks, hover a frame for "
		      "its count), what the op waited on off CPU (run-queue wait included), and the "
		      "kworker time after it. Sampling without a PMU (cpu-clock) resolves one sample "
		      "per period: few samples mean coarse shares.</p>\n",
		      f);
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *res = json_object_get(rp->runs[r].bench, "results"), *o, *a;
		size_t i;

		json_array_foreach(res, i, o)
		{
			const char *id = iso_report_str(o, "id");

			if (!attr_first(res, i))
				continue;
			if (md) {
				fprintf(f, "### `%s` (", id);
				md_esc(f, rp->runs[r].label);
				fputs(")\n\n", f);
			} else {
				fputs("<h3><code>", f);
				iso_markup_escape(f, id);
				fputs("</code> (", f);
				iso_markup_escape(f, rp->runs[r].label);
				fputs(")</h3>\n", f);
			}
			if (!(a = attr_of(o))) {
				json_t *x = json_object_get(o, "attribution");

				fprintf(f,
					md ? "Not attributed (%s): " : "<p>Not attributed (%s): ",
					iso_report_str(x, "status") ? iso_report_str(x, "status") :
								      "?");
				cell_esc(f, md, iso_report_str(x, "reason"));
				fputs(md ? "\n\n" : "</p>\n", f);
				continue;
			}
			attr_table(f, md, o, a);
			flame_file(name, sizeof(name), r, id);
			flame_title(title, sizeof(title), &rp->runs[r], id, a);
			if (md) {
				fprintf(f, "![flame graph of %s](%s)\n\n", id, name);
				continue;
			}
			fputs("<figure>\n", f);
			if (iso_flame_svg(f, json_object_get(a, "folded"), title, FLAME_WIDTH,
					  true) < 0)
				fputs("<p>no stacks to draw</p>\n", f);
			fprintf(f,
				"<figcaption>Flame graph (also <a href=\"%s\">%s</a>): the root at the "
				"bottom, each frame as wide as its share of the samples.</figcaption>\n"
				"</figure>\n",
				name, name);
		}
	}
}

/* ---- HTML ---- */

static const char css[] =
	"body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:1.5em auto;max-width:1300px;"
	"padding:0 1em;color:#222;line-height:1.4}\n"
	"h1{margin-bottom:.2em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:2em}\n"
	"table{border-collapse:collapse;margin:.6em 0;font-size:.88em}\n"
	"th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}\n"
	"th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"td.pass{background:#c8e6c9}td.fail{background:#ffcdd2}td.skip{background:#eeeeee}\n"
	"td.broken{background:#e1bee7}td.error{background:#ffe0b2}td.absent{color:#999}\n"
	".banner{border:2px solid #e53935;background:#fff3f3;padding:.6em 1em;margin:1em 0}\n"
	".note{border-left:4px solid #1f77b4;background:#f4f8fc;padding:.4em .8em;margin:.8em 0}\n"
	"figure{margin:1.5em 0;border:1px solid #ddd;padding:.6em}\n"
	"figure svg{max-width:100%;height:auto;display:block}\n"
	"figcaption{font-size:.9em;margin-bottom:.4em}\n"
	".links{font-size:.85em;color:#555}code{font-size:.92em}\n"
	"details{margin:.6em 0}summary{cursor:pointer;font-weight:bold}\n"
	"nav a{margin-right:1em}\n"
	".priv{font-size:.8em;color:#444;border:1px solid #999;border-radius:3px;"
	"padding:0 .25em;margin-left:.2em}\n";

/* Inlines plots/<name>.svg: no XML prolog, no namespace URLs, ids made unique. */
static void html_svg(FILE *f, struct iso_report *rp, struct iso_report_plot *p, size_t k)
{
	char path[PATH_MAX + 80], pre[16];
	FILE *in;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	char *s, *q;

	snprintf(path, sizeof(path), "%s/%s.svg", rp->plotdir, p->name);
	in = fopen(path, "re");
	if (!in) {
		fprintf(f, "<p class=\"banner\">plots/%s.svg is missing.</p>\n", p->name);
		return;
	}
	{
		FILE *m = open_memstream(&text, &len);
		char buf[8192];
		size_t n;

		while (m && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, m);
		if (m)
			fclose(m);
	}
	fclose(in);
	if (!text || !(s = strstr(text, "<svg"))) {
		fprintf(f, "<p class=\"banner\">plots/%s.svg is not an SVG file.</p>\n", p->name);
		return;
	}
	snprintf(pre, sizeof(pre), "p%zu-", k);
	for (q = s; *q;) {
		static const char *const drop[] = {
			" xmlns=\"http://www.w3.org/2000/svg\"",
			"\n xmlns=\"http://www.w3.org/2000/svg\"",
			" xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
			"\n xmlns:xlink=\"http://www.w3.org/1999/xlink\"",
		};
		static const char *const prefix[] = { "id='", "id=\"", "href='#", "href=\"#",
						      "url(#" };
		bool done = false;

		for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]) && !done; i++) {
			if (!strncmp(q, drop[i], strlen(drop[i]))) {
				q += strlen(drop[i]);
				done = true;
			}
		}
		for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]) && !done; i++) {
			size_t l = strlen(prefix[i]);

			if (!strncmp(q, prefix[i], l)) {
				fwrite(q, 1, l, f);
				fputs(pre, f);
				q += l;
				done = true;
			}
		}
		if (!done && !strncmp(q, "<title>gnuplot_plot_", 20)) {
			char *e = strstr(q, "</title>");

			if (e) {
				q = e + 8;
				done = true;
			}
		}
		if (!done && (!strncmp(q, "http://", 7) || !strncmp(q, "https://", 8))) {
			/* Any other URL in the SVG would be a reference: drop its scheme. */
			q += q[4] == 's' ? 8 : 7;
			done = true;
		}
		if (!done)
			fputc(*q++, f);
	}
	fputc('\n', f);
}

static void html_figure(FILE *f, struct iso_report *rp, size_t k)
{
	struct iso_report_plot *p = &rp->plots[k];

	fprintf(f, "<figure id=\"plot-%s\">\n<figcaption><b>", p->name);
	iso_markup_escape(f, p->title);
	fputs("</b>. ", f);
	iso_markup_escape(f, p->caption);
	fputs("</figcaption>\n", f);
	if (p->ok) {
		html_svg(f, rp, p, k);
		fprintf(f,
			"<p class=\"links\">plots/%s: <a href=\"plots/%s.png\">PNG</a> &middot; "
			"<a href=\"plots/%s.svg\">SVG</a> &middot; <a href=\"plots/%s.gp\">gnuplot "
			"script</a> &middot; <a href=\"plots/%s.dat\">data</a></p>\n",
			p->name, p->name, p->name, p->name, p->name);
	} else {
		fputs("<p class=\"banner\">Plot not rendered: ", f);
		iso_markup_escape(f, p->error);
		fprintf(f,
			". Its data and script are in plots/%s.dat and plots/%s.gp (render with "
			"<code>cd plots &amp;&amp; gnuplot %s.gp</code>).</p>\n",
			p->name, p->name, p->name);
	}
	fputs("</figure>\n", f);
}

static void html_identity(FILE *f, struct iso_report *rp)
{
	char buf[ID_LEN];

	fputs("<table>\n<tr><th></th>", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		fputs("<th>", f);
		iso_markup_escape(f, rp->runs[r].label);
		fputs("</th>", f);
	}
	fputs("</tr>\n<tr><th>Input</th>", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		fputs("<td><code>", f);
		iso_markup_escape(f, rp->runs[r].src);
		fputs("</code></td>", f);
	}
	fputs("</tr>\n<tr><th>Host</th>", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		const char *h = jstr(rp->runs[r].doc, "sysinfo.hostname");
		double mem = jnum(rp->runs[r].doc, "sysinfo.memory_kib");

		fputs("<td>", f);
		iso_markup_escape(f, h ? h : "unknown");
		if (isfinite(mem))
			fprintf(f, ", %.1f GiB memory", mem / 1048576);
		fputs("</td>", f);
	}
	fputs("</tr>\n<tr><th>Environment</th>", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		bool e = emulated(&rp->runs[r], buf, sizeof(buf));

		fprintf(f, "<td%s>", e ? " class=\"fail\"" : "");
		iso_markup_escape(f, buf);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < sizeof(identity) / sizeof(identity[0]); i++) {
		fprintf(f, "<tr><th>%s</th>", identity[i].name);
		for (size_t r = 0; r < rp->nruns; r++) {
			identity[i].fn(&rp->runs[r], buf, sizeof(buf));
			fputs("<td>", f);
			iso_markup_escape(f, buf);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void html_conformance(FILE *f, struct iso_report *rp)
{
	json_t *ids = all_case_ids(rp), *id;
	size_t i, nonpass = 0;

	fputs("<h2 id=\"conformance\">Conformance</h2>\n", f);
	fputs("<table>\n<tr><th>run</th>", f);
	for (size_t v = 0; v < 5; v++)
		fprintf(f, "<th>%s</th>", verdicts[v]);
	fputs("<th>total</th><th>wall time</th></tr>\n", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *s = json_object_get(rp->runs[r].cases_doc, "summary");

		if (!rp->runs[r].cases_doc)
			continue;
		fputs("<tr><td>", f);
		iso_markup_escape(f, rp->runs[r].label);
		fputs("</td>", f);
		for (size_t v = 0; v < 5; v++) {
			double n = iso_report_num(s, verdicts[v]);

			fprintf(f, "<td class=\"num%s%s\">%.0f</td>", n > 0 && v ? " " : "",
				n > 0 && v ? verdicts[v] : "", n);
		}
		fprintf(f, "<td class=\"num\">%.0f</td><td class=\"num\">%.1f s</td></tr>\n",
			iso_report_num(s, "total"),
			jnum(rp->runs[r].cases_doc, "run.wall_ms") / 1000);
	}
	fputs("</table>\n", f);
	if (rp->nruns > 1 && any_cases(rp))
		fputs("<p class=\"note\">A case missing from a run (\"not run\") was not in its "
		      "build or filter.</p>\n",
		      f);
	if (any_rootless(rp))
		fputs("<p class=\"note\">In a rootless run the marker after a verdict says how the "
		      "case ran: <span class=\"priv\">userns</span> as root of a user namespace of "
		      "its own, <span class=\"priv\">delegated</span> as the user in a delegated "
		      "cgroup v2 subtree, <span class=\"priv\">none</span> not at all (skipped).</p>\n",
		      f);
	for (size_t k = 0; k < rp->nplots; k++)
		if (!strcmp(rp->plots[k].section, "conformance"))
			html_figure(f, rp, k);

	/* Cases that did not pass somewhere, with every run's verdict and reason. */
	fputs("<h3>Cases that did not pass</h3>\n<table>\n<tr><th>case</th>", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		if (!rp->runs[r].cases_doc)
			continue;
		fputs("<th>", f);
		iso_markup_escape(f, rp->runs[r].label);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	json_array_foreach(ids, i, id)
	{
		bool all_pass = true;

		for (size_t r = 0; r < rp->nruns; r++) {
			json_t *c = case_of(&rp->runs[r], json_string_value(id));
			const char *v = iso_report_str(c, "verdict");

			if (rp->runs[r].cases_doc && c && (!v || strcmp(v, "pass")))
				all_pass = false;
		}
		if (all_pass)
			continue;
		nonpass++;
		fputs("<tr><td><code>", f);
		iso_markup_escape(f, json_string_value(id));
		fputs("</code></td>", f);
		for (size_t r = 0; r < rp->nruns; r++) {
			json_t *c = case_of(&rp->runs[r], json_string_value(id));
			const char *v = iso_report_str(c, "verdict"),
				   *why = iso_report_str(c, "reason");

			if (!rp->runs[r].cases_doc)
				continue;
			if (!c) {
				fputs("<td class=\"absent\">not run</td>", f);
				continue;
			}
			fprintf(f, "<td class=\"%s\" title=\"", v ? v : "error");
			iso_markup_escape(f, why);
			fprintf(f, "\"><b>%s</b>", v ? v : "?");
			html_privilege(f, &rp->runs[r], c);
			if (why && *why) {
				fputs(": ", f);
				iso_markup_escape(f, why);
			}
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	if (!nonpass)
		fputs("<tr><td colspan=\"99\">none: every case passed</td></tr>\n", f);
	fputs("</table>\n", f);

	/* Every case: verdict per run, reason as tooltip. */
	fprintf(f, "<details><summary>All %zu cases</summary>\n<table>\n<tr><th>case</th>",
		json_array_size(ids));
	for (size_t r = 0; r < rp->nruns; r++) {
		if (!rp->runs[r].cases_doc)
			continue;
		fputs("<th>", f);
		iso_markup_escape(f, rp->runs[r].label);
		fputs("</th>", f);
	}
	fputs("<th>what it asserts</th></tr>\n", f);
	json_array_foreach(ids, i, id)
	{
		const char *doc = NULL;

		fputs("<tr><td><code>", f);
		iso_markup_escape(f, json_string_value(id));
		fputs("</code></td>", f);
		for (size_t r = 0; r < rp->nruns; r++) {
			json_t *c = case_of(&rp->runs[r], json_string_value(id));
			const char *v = iso_report_str(c, "verdict"),
				   *why = iso_report_str(c, "reason");
			double ms = iso_report_num(c, "duration_ms");

			if (!rp->runs[r].cases_doc)
				continue;
			if (!c) {
				fputs("<td class=\"absent\">not run</td>", f);
				continue;
			}
			if (!doc)
				doc = iso_report_str(c, "doc");
			fprintf(f, "<td class=\"%s\" title=\"", v ? v : "error");
			iso_markup_escape(f, why && *why ? why : v);
			fprintf(f, "\">%s", v ? v : "?");
			html_privilege(f, &rp->runs[r], c);
			if (isfinite(ms))
				fprintf(f, " <small>%.0f ms</small>", ms);
			fputs("</td>", f);
		}
		fputs("<td>", f);
		iso_markup_escape(f, doc ? doc : "");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n</details>\n", f);
	json_decref(ids);
}

/* One benchmark row's cells for one run: p50, CI, ratios, n, flags (HTML or Markdown). */
static void bench_cells(FILE *f, bool md, json_t *res)
{
	char a[32], b[32], c[32];
	const char *st = iso_report_str(res, "status");
	const char *sep = md ? " | " : "</td><td class=\"num\">";

	if (!res) {
		fprintf(f,
			md ? " | - | | | | " : "<td class=\"absent\" colspan=\"5\">not run</td>");
		return;
	}
	if (!iso_report_result_ok(res)) {
		const char *why = iso_report_str(res, "reason");

		fprintf(f, md ? " | %s: " : "<td class=\"%s\" colspan=\"5\">", st ? st : "error");
		if (!md)
			fprintf(f, "%s: ", st ? st : "error");
		if (md)
			md_esc(f, why);
		else
			iso_markup_escape(f, why);
		fputs(md ? " | | | | " : "</td>", f);
		return;
	}
	fputs(md ? " | " : "<td class=\"num\">", f);
	fputs(iso_report_fmt_ns(iso_report_stat(res, "p50"), a, sizeof(a)), f);
	fputs(sep, f);
	fprintf(f, "%s..%s", iso_report_fmt_ns(iso_report_stat(res, "ci95_lo"), b, sizeof(b)),
		iso_report_fmt_ns(iso_report_stat(res, "ci95_hi"), c, sizeof(c)));
	fputs(sep, f);
	fputs(fmt_ratio(jnum(res, "ratio.getpid"), a, sizeof(a)), f);
	fputs(sep, f);
	fputs(fmt_ratio(jnum(res, "ratio.fork"), a, sizeof(a)), f);
	fputs(sep, f);
	fprintf(f, "%.0f", iso_report_num(res, "n"));
	if (isfinite(iso_report_num(res, "throughput_ops_s")))
		fprintf(f, ", %.0f ops/s", iso_report_num(res, "throughput_ops_s"));
	if (json_is_true(json_object_get(res, "noisy")))
		fputs(" noisy", f);
	if (!md)
		fputs("</td>", f);
}

static void html_bench(FILE *f, struct iso_report *rp)
{
	fputs("<h2 id=\"benchmarks\">Benchmarks</h2>\n", f);
	fputs("<p class=\"note\">Times are per operation; every figure is also given as a "
	      "ratio to the baselines measured in the same run (getpid(2), and fork + exit + "
	      "wait), which travel across machines better than absolute times. Runs on a busy "
	      "or emulated machine are noisy: see the load average and environment above.</p>\n",
	      f);
	for (size_t k = 0; k < rp->nplots; k++)
		if (strcmp(rp->plots[k].section, "conformance"))
			html_figure(f, rp, k);

	fputs("<h3>All figures</h3>\n<p>Per run: median (p50), bootstrap 95% confidence "
	      "interval of the median, median as a multiple of getpid and of fork, samples (n). "
	      "noisy: the repetitions' medians differ by more than 5%.</p>\n",
	      f);
	for (size_t fi = 0; fi <= iso_report_nfamilies; fi++) {
		const struct iso_report_family *fam =
			fi < iso_report_nfamilies ? &iso_report_families[fi] : NULL;
		json_t *ids = family_ids(rp, fam), *id;
		size_t i;

		if (!json_array_size(ids)) {
			json_decref(ids);
			continue;
		}
		fprintf(f,
			"<details%s><summary>%s (%zu)</summary>\n<table>\n<tr><th rowspan=\"2\">operation</th>",
			fi == 0 ? " open" : "", fam ? fam->title : "Concurrency sweeps",
			json_array_size(ids));
		for (size_t r = 0; r < rp->nruns; r++) {
			if (!rp->runs[r].bench)
				continue;
			fputs("<th colspan=\"5\">", f);
			iso_markup_escape(f, rp->runs[r].label);
			fputs("</th>", f);
		}
		fputs("</tr>\n<tr>", f);
		for (size_t r = 0; r < rp->nruns; r++)
			if (rp->runs[r].bench)
				fputs("<th>p50</th><th>95% CI</th><th>&times;getpid</th>"
				      "<th>&times;fork</th><th>n</th>",
				      f);
		fputs("</tr>\n", f);
		json_array_foreach(ids, i, id)
		{
			fputs("<tr><td><code>", f);
			iso_markup_escape(f, json_string_value(id));
			fputs("</code></td>", f);
			for (size_t r = 0; r < rp->nruns; r++)
				if (rp->runs[r].bench)
					bench_cells(f, false,
						    json_object_get(rp->runs[r].by_id,
								    json_string_value(id)));
			fputs("</tr>\n", f);
		}
		fputs("</table>\n</details>\n", f);
		json_decref(ids);
	}
	if (any_attribution(rp))
		attr_section(f, false, rp);
}

static int write_html(struct iso_report *rp, const char *when)
{
	char path[PATH_MAX + 16], buf[ID_LEN];
	FILE *f;

	snprintf(path, sizeof(path), "%s/index.html", rp->out);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>isobench report</title>\n<style>\n%s</style>\n</head>\n<body>\n"
		"<h1>isobench report</h1>\n<p>Generated %s by isobench report from %zu run%s. "
		"The same content, in Markdown: <a href=\"summary.md\">summary.md</a>.</p>\n",
		css, when, rp->nruns, rp->nruns == 1 ? "" : "s");
	fputs("<nav><a href=\"#runs\">Runs</a>", f);
	if (any_cases(rp))
		fputs("<a href=\"#conformance\">Conformance</a>", f);
	if (any_bench(rp))
		fputs("<a href=\"#benchmarks\">Benchmarks</a>", f);
	if (any_attribution(rp))
		fputs("<a href=\"#attribution\">Where the time goes</a>", f);
	fputs("</nav>\n", f);
	if (rp->no_plots[0]) {
		fputs("<p class=\"banner\"><b>No plots in this report</b>: ", f);
		iso_markup_escape(f, rp->no_plots);
		fputs(". The tables below are complete; the plot data and scripts are in plots/.</p>\n",
		      f);
	} else if (plots_failed(rp)) {
		fprintf(f,
			"<p class=\"banner\"><b>%zu plot(s) could not be rendered</b>: see "
			"below.</p>\n",
			plots_failed(rp));
	}
	for (size_t r = 0; r < rp->nruns; r++) {
		if (injected(&rp->runs[r], buf, sizeof(buf))) {
			fputs("<p class=\"banner\"><b>INJECTED SLOWDOWN in ", f);
			iso_markup_escape(f, rp->runs[r].label);
			fputs("</b>: ", f);
			iso_markup_escape(f, buf);
			fputs(" (bench --slow). This run tests the regression gate; its figures "
			      "are not a measurement.</p>\n",
			      f);
		}
		if (emulated(&rp->runs[r], buf, sizeof(buf))) {
			fputs("<p class=\"banner\"><b>", f);
			iso_markup_escape(f, rp->runs[r].label);
			fputs("</b> ran emulated (", f);
			iso_markup_escape(f, buf);
			fputs("): its timings are not comparable to hardware; its conformance "
			      "verdicts are.</p>\n",
			      f);
		}
		if (rp->runs[r].rootless) {
			fputs("<p class=\"note\"><b>", f);
			iso_markup_escape(f, rp->runs[r].label);
			fputs("</b> ", f);
			iso_markup_escape(f, rootless_note);
			fputs("</p>\n", f);
		}
	}
	fputs("<h2 id=\"runs\">Runs</h2>\n", f);
	html_identity(f, rp);
	if (any_cases(rp))
		html_conformance(f, rp);
	if (any_bench(rp))
		html_bench(f, rp);
	fputs("<hr>\n<p class=\"links\">isobench: conformance and benchmarks of Linux isolation "
	      "(namespaces, cgroups). Inputs are results documents, schema "
	      "isobench-results v1.</p>\n</body>\n</html>\n",
	      f);
	if (ferror(f) | fclose(f))
		return -EIO;
	return 0;
}

/* ---- Markdown ---- */

static void md_figure(FILE *f, struct iso_report_plot *p)
{
	fputs("**", f);
	md_esc(f, p->title);
	fputs("**. ", f);
	md_esc(f, p->caption);
	if (p->ok)
		fprintf(f, "\n\n![%s](plots/%s.png)\n\n", p->name, p->name);
	else
		fprintf(f,
			"\n\n> Plot not rendered: %s (data and script: plots/%s.dat, plots/%s.gp)\n\n",
			p->error, p->name, p->name);
}

/* Every case, per run: its verdict and how it ran ("pass (userns)"); for rootless runs. */
static void md_privileges(FILE *f, struct iso_report *rp, json_t *ids)
{
	json_t *id;
	size_t i;

	fputs("\n### How each case ran\n\nVerdict and privilege of every case: root, userns (root "
	      "of a user namespace of its own), delegated (the user, in a delegated cgroup v2 "
	      "subtree), none (did not run).\n\n| case |",
	      f);
	for (size_t r = 0; r < rp->nruns; r++) {
		if (!rp->runs[r].cases_doc)
			continue;
		fputc(' ', f);
		md_esc(f, rp->runs[r].label);
		fputs(" |", f);
	}
	fputs("\n|---|", f);
	for (size_t r = 0; r < rp->nruns; r++)
		if (rp->runs[r].cases_doc)
			fputs("---|", f);
	fputc('\n', f);
	json_array_foreach(ids, i, id)
	{
		fprintf(f, "| `%s` |", json_string_value(id));
		for (size_t r = 0; r < rp->nruns; r++) {
			json_t *c = case_of(&rp->runs[r], json_string_value(id));
			const char *v = iso_report_str(c, "verdict");

			if (!rp->runs[r].cases_doc)
				continue;
			if (!c) {
				fputs(" not run |", f);
				continue;
			}
			fprintf(f, " %s (", v ? v : "?");
			md_esc(f, case_privilege(c));
			fputs(") |", f);
		}
		fputc('\n', f);
	}
}

static int write_md(struct iso_report *rp, const char *when)
{
	char path[PATH_MAX + 16], buf[ID_LEN];
	json_t *ids, *id;
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/summary.md", rp->out);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f,
		"# isobench report\n\nGenerated %s from %zu run%s. Plots: plots/*.png "
		"(and .svg; index.html has them inline).\n\n",
		when, rp->nruns, rp->nruns == 1 ? "" : "s");
	if (rp->no_plots[0])
		fprintf(f, "> **No plots in this report**: %s. The tables are complete.\n\n",
			rp->no_plots);
	for (size_t r = 0; r < rp->nruns; r++)
		if (injected(&rp->runs[r], buf, sizeof(buf)))
			fprintf(f,
				"> **INJECTED SLOWDOWN in %s**: %s (bench --slow). This run tests "
				"the regression gate; its figures are not a measurement.\n\n",
				rp->runs[r].label, buf);
	for (size_t r = 0; r < rp->nruns; r++)
		if (emulated(&rp->runs[r], buf, sizeof(buf)))
			fprintf(f,
				"> **%s** ran emulated (%s): its timings are not comparable to "
				"hardware.\n\n",
				rp->runs[r].label, buf);
	for (size_t r = 0; r < rp->nruns; r++) {
		if (!rp->runs[r].rootless)
			continue;
		fputs("> **", f);
		md_esc(f, rp->runs[r].label);
		fprintf(f, "** %s\n\n", rootless_note);
	}

	fputs("## Runs\n\n| |", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		fputc(' ', f);
		md_esc(f, rp->runs[r].label);
		fputs(" |", f);
	}
	fputs("\n|---|", f);
	for (size_t r = 0; r < rp->nruns; r++)
		fputs("---|", f);
	fputs("\n| Input |", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		fputs(" `", f);
		md_esc(f, rp->runs[r].src);
		fputs("` |", f);
	}
	fputs("\n| Environment |", f);
	for (size_t r = 0; r < rp->nruns; r++) {
		bool e = emulated(&rp->runs[r], buf, sizeof(buf));

		fputs(e ? " **" : " ", f);
		md_esc(f, buf);
		fputs(e ? "** |" : " |", f);
	}
	fputc('\n', f);
	for (size_t k = 0; k < sizeof(identity) / sizeof(identity[0]); k++) {
		fprintf(f, "| %s |", identity[k].name);
		for (size_t r = 0; r < rp->nruns; r++) {
			identity[k].fn(&rp->runs[r], buf, sizeof(buf));
			fputc(' ', f);
			md_esc(f, buf);
			fputs(" |", f);
		}
		fputc('\n', f);
	}

	if (any_cases(rp)) {
		fputs("\n## Conformance\n\n| run | pass | fail | skip | broken | error | total |\n"
		      "|---|---:|---:|---:|---:|---:|---:|\n",
		      f);
		for (size_t r = 0; r < rp->nruns; r++) {
			json_t *s = json_object_get(rp->runs[r].cases_doc, "summary");

			if (!rp->runs[r].cases_doc)
				continue;
			fputs("| ", f);
			md_esc(f, rp->runs[r].label);
			for (size_t v = 0; v < 5; v++)
				fprintf(f, " | %.0f", iso_report_num(s, verdicts[v]));
			fprintf(f, " | %.0f |\n", iso_report_num(s, "total"));
		}
		fputc('\n', f);
		for (size_t k = 0; k < rp->nplots; k++)
			if (!strcmp(rp->plots[k].section, "conformance"))
				md_figure(f, &rp->plots[k]);
		fprintf(f,
			"### Failing, skipped, broken and errored cases\n\n| case | run | verdict "
			"|%s reason |\n|---|---|---|%s---|\n",
			any_rootless(rp) ? " ran as |" : "", any_rootless(rp) ? "---|" : "");
		ids = all_case_ids(rp);
		i = 0;
		{
			size_t listed = 0, k;

			json_array_foreach(ids, k, id)
			{
				for (size_t r = 0; r < rp->nruns; r++) {
					json_t *c = case_of(&rp->runs[r], json_string_value(id));
					const char *v = iso_report_str(c, "verdict");

					if (!c || (v && !strcmp(v, "pass")))
						continue;
					listed++;
					fprintf(f, "| `%s` | ", json_string_value(id));
					md_esc(f, rp->runs[r].label);
					fprintf(f, " | %s | ", v ? v : "?");
					if (any_rootless(rp)) {
						md_esc(f, case_privilege(c));
						fputs(" | ", f);
					}
					md_esc(f, iso_report_str(c, "reason"));
					fputs(" |\n", f);
				}
			}
			if (!listed)
				fprintf(f, "| none: every case passed | | |%s |\n",
					any_rootless(rp) ? " |" : "");
		}
		if (any_rootless(rp))
			md_privileges(f, rp, ids);
		json_decref(ids);
	}

	if (any_bench(rp)) {
		fputs("\n## Benchmarks\n\nTimes are per operation. Ratios: the median divided by "
		      "the median of getpid(2) and of fork + exit + wait in the same run.\n\n",
		      f);
		for (size_t k = 0; k < rp->nplots; k++)
			if (strcmp(rp->plots[k].section, "conformance"))
				md_figure(f, &rp->plots[k]);
		for (size_t fi = 0; fi <= iso_report_nfamilies; fi++) {
			const struct iso_report_family *fam =
				fi < iso_report_nfamilies ? &iso_report_families[fi] : NULL;

			ids = family_ids(rp, fam);
			if (!json_array_size(ids)) {
				json_decref(ids);
				continue;
			}
			fputs("### ", f);
			md_esc(f, fam ? fam->title : "Concurrency sweeps");
			fputs("\n\n| operation |", f);
			for (size_t r = 0; r < rp->nruns; r++) {
				if (!rp->runs[r].bench)
					continue;
				if (rp->nruns > 1) {
					fputc(' ', f);
					md_esc(f, rp->runs[r].label);
					fputs(" p50 | 95% CI | ×getpid | ×fork | n |", f);
				} else {
					fputs(" p50 | 95% CI | ×getpid | ×fork | n |", f);
				}
			}
			fputs("\n|---|", f);
			for (size_t r = 0; r < rp->nruns; r++)
				if (rp->runs[r].bench)
					fputs("---:|---:|---:|---:|---:|", f);
			fputc('\n', f);
			json_array_foreach(ids, i, id)
			{
				fprintf(f, "| `%s`", json_string_value(id));
				for (size_t r = 0; r < rp->nruns; r++)
					if (rp->runs[r].bench)
						bench_cells(f, true,
							    json_object_get(rp->runs[r].by_id,
									    json_string_value(id)));
				fputs(" |\n", f);
			}
			fputc('\n', f);
			json_decref(ids);
		}
		if (any_attribution(rp))
			attr_section(f, true, rp);
	}
	if (ferror(f) | fclose(f))
		return -EIO;
	return 0;
}

/* ---- the command ---- */

static void find_templates(struct iso_report *rp, const char *opt)
{
	const char *env = getenv("ISOBENCH_TEMPLATES");
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	struct stat st;
	ssize_t n;

	if (opt || (env && *env)) {
		snprintf(rp->templates, sizeof(rp->templates), "%s", opt ? opt : env);
		return;
	}
	/* Next to the binary (build/isobench -> ../reports/templates), then the source tree. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		snprintf(cand, sizeof(cand), "%s/../reports/templates/common.gp", exe);
		if (stat(cand, &st) == 0) {
			snprintf(rp->templates, sizeof(rp->templates), "%s/../reports/templates",
				 exe);
			return;
		}
		snprintf(cand, sizeof(cand), "%s/../share/isobench/templates/common.gp", exe);
		if (stat(cand, &st) == 0) {
			snprintf(rp->templates, sizeof(rp->templates),
				 "%s/../share/isobench/templates", exe);
			return;
		}
	}
	snprintf(rp->templates, sizeof(rp->templates), "%s/reports/templates", ISO_SOURCE_DIR);
}

int iso_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'l' },
		{ "templates", required_argument, NULL, 'T' },
		{ "timeout", required_argument, NULL, 't' },
		{ "export-csv", required_argument, NULL, 'C' },
		{ "export-md", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *labels[ISO_REPORT_MAX_RUNS], *out = NULL, *tmpl = NULL, *csv = NULL, *md = NULL;
	size_t nlabels = 0;
	struct iso_report *rp;
	char when[32], path[PATH_MAX + 16];
	unsigned int timeout = 60;
	int c, bad = 0, r, rc = ISO_EXIT_OK;
	struct stat st;

	while ((c = iso_getopt(argc, argv, "report", ":o:l:h", opts, &bad)) != -1 && !bad) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'l':
			if (nlabels == ISO_REPORT_MAX_RUNS)
				return iso_usage_error("report", "at most %d --label",
						       ISO_REPORT_MAX_RUNS);
			labels[nlabels++] = optarg;
			break;
		case 'T':
			tmpl = optarg;
			break;
		case 'C':
			csv = optarg;
			break;
		case 'K':
			md = optarg;
			break;
		case 't':
			if (iso_parse_uint(optarg, 1, 3600, &timeout) < 0)
				return iso_usage_error(
					"report",
					"--timeout wants seconds from 1 to 3600, not '%s'", optarg);
			break;
		case 'h':
			fputs(usage_report, stdout);
			return ISO_EXIT_OK;
		}
	}
	if (bad)
		return ISO_EXIT_USAGE;
	if (optind >= argc)
		return iso_usage_error("report", "needs at least one results.json or folder");
	if (argc - optind > ISO_REPORT_MAX_RUNS * 2)
		return iso_usage_error("report", "at most %d inputs", ISO_REPORT_MAX_RUNS * 2);

	rp = calloc(1, sizeof(*rp));
	if (!rp) {
		fprintf(stderr, "isobench report: out of memory\n");
		return ISO_EXIT_BROKEN;
	}
	rp->timeout_s = timeout;
	rp->gnuplot = getenv("ISOBENCH_GNUPLOT");
	if (!rp->gnuplot || !*rp->gnuplot)
		rp->gnuplot = "gnuplot";
	for (int a = optind; a < argc; a++) {
		json_t *doc = iso_results_load(argv[a], "report", true);

		if (!doc) {
			rc = ISO_EXIT_BROKEN;
			goto out;
		}
		if (add_doc(rp, doc, argv[a]) < 0) {
			json_decref(doc);
			iso_usage_error("report", "at most %d runs", ISO_REPORT_MAX_RUNS);
			rc = ISO_EXIT_USAGE;
			goto out;
		}
	}
	if (nlabels > rp->nruns) {
		rc = iso_usage_error("report", "%zu --label for %zu run%s", nlabels, rp->nruns,
				     rp->nruns == 1 ? "" : "s");
		goto out;
	}
	for (size_t i = 0; i < rp->nruns; i++)
		finish_run(rp, i, i < nlabels ? labels[i] : NULL);
	dedupe_labels(rp);
	if (csv || md) {
		struct iso_export e = { 0 };

		for (size_t i = 0; i < rp->nruns && e.nruns < ISO_ARRAY_SIZE(e.labels); i++) {
			json_t *res = json_object_get(rp->runs[i].bench, "results");

			if (!res)
				continue;
			e.labels[e.nruns] = rp->runs[i].label;
			e.results[e.nruns++] = res;
		}
		if (!e.nruns) {
			fprintf(stderr, "isobench report: --export-csv/--export-md: no benchmark "
					"results in the inputs\n");
			rc = ISO_EXIT_BROKEN;
			goto out;
		}
		if (iso_export_write(&e, csv, md, "report") < 0) {
			rc = ISO_EXIT_BROKEN;
			goto out;
		}
	}

	now_str(when, sizeof(when));
	if (out) {
		snprintf(rp->out, sizeof(rp->out), "%s", out);
	} else {
		time_t t = time(NULL);
		struct tm tm;
		char stamp[32];

		localtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(rp->out, sizeof(rp->out), "isobench-report-%s", stamp);
	}
	snprintf(rp->plotdir, sizeof(rp->plotdir), "%s/plots", rp->out);
	r = iso_mkdir_p(rp->plotdir, 0755);
	if (r < 0) {
		fprintf(stderr, "isobench report: cannot create %s: %s\n", rp->plotdir,
			strerror(-r));
		rc = ISO_EXIT_BROKEN;
		goto out;
	}
	find_templates(rp, tmpl);
	snprintf(path, sizeof(path), "%s/common.gp", rp->templates);
	if (stat(path, &st) < 0)
		snprintf(rp->no_plots, sizeof(rp->no_plots),
			 "the gnuplot templates are not in %s (set ISOBENCH_TEMPLATES or "
			 "--templates)",
			 rp->templates);

	iso_report_plots(rp);
	if (any_attribution(rp) && write_flames(rp))
		fprintf(stderr,
			"isobench report: some flame graphs could not be written into %s/flame\n",
			rp->out);

	r = write_html(rp, when);
	if (r == 0)
		r = write_md(rp, when);
	if (r < 0) {
		fprintf(stderr, "isobench report: cannot write into %s: %s\n", rp->out,
			strerror(-r));
		rc = ISO_EXIT_BROKEN;
		goto out;
	}
	if (rp->no_plots[0]) {
		fprintf(stderr, "isobench report: no plots: %s\n", rp->no_plots);
		rc = ISO_EXIT_FAIL;
	} else {
		for (size_t k = 0; k < rp->nplots; k++) {
			if (!rp->plots[k].ok) {
				fprintf(stderr, "isobench report: plot %s: %s\n", rp->plots[k].name,
					rp->plots[k].error);
				rc = ISO_EXIT_FAIL;
			}
		}
	}
	printf("isobench report: %zu run%s, %zu of %zu plots rendered: %s/index.html, "
	       "%s/summary.md\n",
	       rp->nruns, rp->nruns == 1 ? "" : "s", rp->nplots - plots_failed(rp), rp->nplots,
	       rp->out, rp->out);
out:
	for (size_t i = 0; i < rp->nruns; i++)
		json_decref(rp->runs[i].by_id);
	for (size_t i = 0; i < rp->ndocs; i++)
		json_decref(rp->docs[i]);
	free(rp);
	return rc;
}
