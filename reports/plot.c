// SPDX-License-Identifier: MIT
/*
 * isobench report: the plots. Each plot is a data file written here, and a script made of
 * a preamble (terminal, output), reports/templates/common.gp and the plot's template with
 * its @PLACEHOLDERS@ filled in; both land in <report>/plots/ so a reader can re-render
 * them with `gnuplot NAME.gp`. gnuplot runs once per plot (posix_spawn, with a timeout)
 * and writes NAME.svg and NAME.png. Latencies in the data files are in seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iso.h"
#include "report.h"

extern char **environ;

#define NS 1e-9 /* data files hold seconds */

/* ---- placeholders ---- */

struct vars {
	const char *key[24];
	char *val[24];
	size_t n;
	bool oom;
};

static void __attribute__((format(printf, 3, 4)))
var_set(struct vars *vs, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (vs->n == sizeof(vs->key) / sizeof(vs->key[0])) {
		vs->oom = true;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		vs->oom = true;
		s = NULL;
	}
	va_end(ap);
	vs->key[vs->n] = key;
	vs->val[vs->n++] = s;
}

/* Takes ownership of a malloc'd value (from a memstream). */
static void var_take(struct vars *vs, const char *key, char *val)
{
	if (!val || vs->n == sizeof(vs->key) / sizeof(vs->key[0])) {
		free(val);
		vs->oom = true;
		return;
	}
	vs->key[vs->n] = key;
	vs->val[vs->n++] = val;
}

static void vars_free(struct vars *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		free(vs->val[i]);
	vs->n = 0;
}

static const char *var_get(const struct vars *vs, const char *key, size_t len)
{
	for (size_t i = 0; i < vs->n; i++)
		if (strlen(vs->key[i]) == len && !strncmp(vs->key[i], key, len))
			return vs->val[i];
	return NULL;
}

/* A gnuplot string literal: double quotes, with \ and " escaped, control characters dropped. */
static void gp_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

static char *gp_string_dup(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	gp_string(f, s);
	fclose(f);
	return buf;
}

/* ---- ordered sets of ids (rows of a plot) ---- */

struct rows {
	json_t *index; /* id -> row number */
	json_t *ids; /* array of ids in order */
};

static void rows_init(struct rows *r)
{
	r->index = json_object();
	r->ids = json_array();
}

static void rows_free(struct rows *r)
{
	json_decref(r->index);
	json_decref(r->ids);
}

static size_t rows_n(const struct rows *r)
{
	return json_array_size(r->ids);
}

static const char *rows_id(const struct rows *r, size_t i)
{
	return json_string_value(json_array_get(r->ids, i));
}

/* Row of id, adding it at the end if new. */
static long rows_add(struct rows *r, const char *id)
{
	json_t *v = json_object_get(r->index, id);

	if (v)
		return (long)json_integer_value(v);
	json_object_set_new(r->index, id, json_integer((json_int_t)rows_n(r)));
	json_array_append_new(r->ids, json_string(id));
	return (long)rows_n(r) - 1;
}

static long rows_find(const struct rows *r, const char *id)
{
	json_t *v = json_object_get(r->index, id);

	return v ? (long)json_integer_value(v) : -1;
}

/* "(\"a\" 0, \"b\" 1, ...)" for set xtics/ytics; labels shortened after MAX characters. */
static char *tics_of(const struct rows *r, size_t max)
{
	char *buf = NULL, cut[160];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputc('(', f);
	for (size_t i = 0; i < rows_n(r); i++) {
		const char *id = rows_id(r, i);

		if (strlen(id) > max && max < sizeof(cut) - 4) {
			snprintf(cut, sizeof(cut), "%.*s...", (int)max - 3, id);
			id = cut;
		}
		fprintf(f, "%s", i ? ", " : "");
		gp_string(f, id);
		fprintf(f, " %zu", i);
	}
	fputc(')', f);
	fclose(f);
	return buf;
}

static size_t longest(const struct rows *r)
{
	size_t m = 0;

	for (size_t i = 0; i < rows_n(r); i++)
		if (strlen(rows_id(r, i)) > m)
			m = strlen(rows_id(r, i));
	return m;
}

/* ---- series (one line or bar colour each) ---- */

struct series {
	char label[ISO_REPORT_MAX_RUNS * 8][112];
	char color[ISO_REPORT_MAX_RUNS * 8][8];
	int dash[ISO_REPORT_MAX_RUNS * 8];
	int point[ISO_REPORT_MAX_RUNS * 8];
	size_t n;
};

static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
				       "#9467bd", "#8c564b", "#e377c2", "#17becf" };

/* Adds a series; returns its 1-based number (gnuplot arrays), or 0 when full. */
static size_t series_add(struct series *s, const char *label, size_t color, int dash, int point)
{
	if (s->n == sizeof(s->label) / sizeof(s->label[0]))
		return 0;
	snprintf(s->label[s->n], sizeof(s->label[0]), "%s", label);
	snprintf(s->color[s->n], sizeof(s->color[0]), "%s",
		 palette[color % (sizeof(palette) / sizeof(palette[0]))]);
	s->dash[s->n] = dash;
	s->point[s->n] = point;
	return ++s->n;
}

/* gnuplot array definitions: slabel, scolor, sdash, spoint. */
static char *series_arrays(const struct series *s)
{
	char *buf = NULL;
	size_t len = 0, n = s->n ? s->n : 1;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "nser = %zu\narray slabel[%zu] = [", s->n, n);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s", i ? ", " : "");
		gp_string(f, i < s->n ? s->label[i] : "");
	}
	fprintf(f, "]\narray scolor[%zu] = [", n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", i < s->n ? s->color[i] : "#000000");
	fprintf(f, "]\narray sdash[%zu] = [", n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%d", i ? ", " : "", i < s->n ? s->dash[i] : 1);
	fprintf(f, "]\narray spoint[%zu] = [", n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%d", i ? ", " : "", i < s->n ? s->point[i] : 7);
	fprintf(f, "]");
	fclose(f);
	return buf;
}

/* "array runlabel[N] = [...]" */
static char *run_labels(const struct iso_report *rp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "array runlabel[%zu] = [", rp->nruns);
	for (size_t i = 0; i < rp->nruns; i++) {
		fprintf(f, "%s", i ? ", " : "");
		gp_string(f, rp->runs[i].label);
	}
	fprintf(f, "]");
	fclose(f);
	return buf;
}

/* ---- files ---- */

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 ||
	    !(buf = malloc((size_t)n + 1))) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = 0;
	fclose(f);
	return buf;
}

static FILE *data_open(struct iso_report *rp, const char *name)
{
	char path[PATH_MAX + 80];

	snprintf(path, sizeof(path), "%s/%s.dat", rp->plotdir, name);
	return fopen(path, "we");
}

static off_t file_size(const char *dir, const char *name, const char *ext)
{
	char path[PATH_MAX + 80];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	return stat(path, &st) < 0 ? -1 : st.st_size;
}

/* Writes TEXT with its @KEY@ placeholders replaced. Returns 0, or -ENOENT naming the key. */
static int fill(FILE *out, const char *text, const struct vars *vs, char *missing, size_t mlen)
{
	const char *p = text, *at, *end;

	while ((at = strchr(p, '@'))) {
		const char *val;

		end = at + 1;
		while ((*end >= 'A' && *end <= 'Z') || (*end >= '0' && *end <= '9') || *end == '_')
			end++;
		if (*end != '@' || end == at + 1) {
			fwrite(p, 1, (size_t)(end - p), out);
			p = end;
			continue;
		}
		val = var_get(vs, at + 1, (size_t)(end - at - 1));
		if (!val) {
			snprintf(missing, mlen, "%.*s", (int)(end - at - 1), at + 1);
			return -ENOENT;
		}
		fwrite(p, 1, (size_t)(at - p), out);
		fputs(val, out);
		p = end + 1;
	}
	fputs(p, out);
	return 0;
}

/* ---- gnuplot ---- */

/* The last non-empty line of a log (gnuplot's error message), trimmed. */
static void last_line(const char *path, char *buf, size_t len)
{
	_cleanup_free_ char *text = read_text(path);
	char *line = NULL, *save = NULL;

	buf[0] = 0;
	if (!text)
		return;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l && *l != '^')
			line = l;
	}
	if (line)
		snprintf(buf, len, "%s", line);
}

/*
 * Runs PROG ARGS... in DIR with stdout and stderr into LOG (a path inside DIR), killing it
 * after TIMEOUT_S. Returns its exit status (>= 0), 128 + signal, or -errno (-ENOENT: no such
 * program, -ETIMEDOUT).
 */
static int spawn_wait(const char *prog, char *const argv[], const char *dir, const char *log,
		      unsigned int timeout_s)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	struct timespec start, now, tick = { 0, 5 * 1000 * 1000 };
	pid_t pid, w;
	int r, status;

	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	r = posix_spawn_file_actions_addchdir_np(&fa, dir);
	if (!r)
		r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC,
						     0644);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, 1, 2);
	/* Its own process group, so a timeout kills whatever it started too. */
	if (!r)
		r = posix_spawnattr_init(&at);
	if (!r) {
		r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
		if (!r)
			r = posix_spawnattr_setpgroup(&at, 0);
		if (!r)
			r = posix_spawnp(&pid, prog, &fa, &at, argv, environ);
		posix_spawnattr_destroy(&at);
	}
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return -r;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >=
		    (long)timeout_s * 1000) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
		nanosleep(&tick, NULL);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* Is gnuplot there, and does it have pngcairo? Sets rp->no_plots or rp->png_cairo. */
static void probe_gnuplot(struct iso_report *rp)
{
	char *argv[] = { (char *)rp->gnuplot, "-e", "set terminal pngcairo", NULL };
	const char *log = "gnuplot-probe.log"; /* inside plotdir */
	char path[PATH_MAX + 32];
	int r;

	r = spawn_wait(rp->gnuplot, argv, rp->plotdir, log, rp->timeout_s);
	if (r == -ENOENT || r == 127) {
		snprintf(rp->no_plots, sizeof(rp->no_plots),
			 "gnuplot (%s) not found: install gnuplot-nox, or set ISOBENCH_GNUPLOT",
			 rp->gnuplot);
	} else if (r == -ETIMEDOUT) {
		snprintf(rp->no_plots, sizeof(rp->no_plots),
			 "gnuplot (%s) did not answer within %u s", rp->gnuplot, rp->timeout_s);
	} else if (r < 0) {
		snprintf(rp->no_plots, sizeof(rp->no_plots), "gnuplot (%s) could not run: %s",
			 rp->gnuplot, strerror(-r));
	} else if (r == 0) {
		rp->png_cairo = true;
	} else {
		/* No pngcairo: check that gnuplot itself works, with the libgd png terminal. */
		char *argv2[] = { (char *)rp->gnuplot, "-e", "set terminal png", NULL };

		r = spawn_wait(rp->gnuplot, argv2, rp->plotdir, log, rp->timeout_s);
		if (r)
			snprintf(rp->no_plots, sizeof(rp->no_plots),
				 "gnuplot (%s) has neither the pngcairo nor the png terminal",
				 rp->gnuplot);
	}
	snprintf(path, sizeof(path), "%s/%s", rp->plotdir, log);
	unlink(path);
}

static struct iso_report_plot *plot_new(struct iso_report *rp, const char *name,
					const char *section, const char *title, const char *caption)
{
	struct iso_report_plot *p;

	if (rp->nplots == ISO_REPORT_MAX_PLOTS)
		return NULL;
	p = &rp->plots[rp->nplots++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->section, sizeof(p->section), "%s", section);
	snprintf(p->title, sizeof(p->title), "%s", title);
	snprintf(p->caption, sizeof(p->caption), "%s", caption);
	return p;
}

/*
 * Opens the data file NAME of plot p. Returns NULL when p could not be made, or
 * with the reason on p when the file cannot be written.
 */
static FILE *plot_data(struct iso_report *rp, struct iso_report_plot *p, const char *name)
{
	FILE *d;

	if (!p)
		return NULL;
	d = data_open(rp, name);
	if (!d)
		snprintf(p->error, sizeof(p->error), "cannot write data: %s", strerror(errno));
	return d;
}

/*
 * Writes plots/<name>.gp from the template and renders it with gnuplot into .svg and .png
 * of W x H pixels. Sets p->ok or p->error. Frees the vars.
 */
static void render(struct iso_report *rp, struct iso_report_plot *p, const char *tmpl,
		   struct vars *vs, int w, int h)
{
	char path[PATH_MAX + 80], missing[64], script[96], logname[96];
	_cleanup_free_ char *common = NULL, *body = NULL;
	FILE *f = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/common.gp", rp->templates);
	common = read_text(path);
	snprintf(path, sizeof(path), "%s/%s.gp", rp->templates, tmpl);
	body = read_text(path);
	if (!common || !body) {
		snprintf(p->error, sizeof(p->error), "cannot read the template %s: %s", path,
			 strerror(errno));
		goto out;
	}
	if (!var_get(vs, "TITLE", 5)) {
		var_take(vs, "TITLE", gp_string_dup(p->title));
	}
	if (vs->oom) {
		snprintf(p->error, sizeof(p->error), "out of memory");
		goto out;
	}
	snprintf(script, sizeof(script), "%s.gp", p->name);
	snprintf(logname, sizeof(logname), "%s.log", p->name);
	snprintf(path, sizeof(path), "%s/%s", rp->plotdir, script);
	f = fopen(path, "we");
	if (!f) {
		snprintf(p->error, sizeof(p->error), "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	fprintf(f,
		"# isobench report: %s (template %s.gp, data %s.dat).\n"
		"# Re-render with: cd plots && gnuplot %s\n",
		p->name, tmpl, p->name, script);
	for (int t = 0; t < 2; t++) {
		if (t == 0)
			fprintf(f,
				"set terminal svg size %d,%d font \"DejaVu Sans,10\" noenhanced "
				"background rgb \"white\"\nset output \"%s.svg\"\n",
				w, h, p->name);
		else
			fprintf(f,
				"\nset terminal %s size %d,%d font \"DejaVu Sans,%d\" noenhanced "
				"background rgb \"white\"\nset output \"%s.png\"\n",
				rp->png_cairo ? "pngcairo" : "png", w, h, rp->png_cairo ? 9 : 10,
				p->name);
		fputs(common, f);
		r = fill(f, body, vs, missing, sizeof(missing));
		if (r < 0) {
			snprintf(p->error, sizeof(p->error),
				 "template %s.gp: placeholder @%s@ has no value", tmpl, missing);
			goto out;
		}
		fprintf(f, "\nunset output\n");
	}
	if (fclose(f)) {
		f = NULL;
		snprintf(p->error, sizeof(p->error), "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rp->no_plots[0]) {
		snprintf(p->error, sizeof(p->error), "%s", rp->no_plots);
		goto out;
	}
	{
		char *argv[] = { (char *)rp->gnuplot, script, NULL };

		r = spawn_wait(rp->gnuplot, argv, rp->plotdir, logname, rp->timeout_s);
	}
	snprintf(path, sizeof(path), "%s/%s", rp->plotdir, logname);
	if (r == -ETIMEDOUT) {
		snprintf(p->error, sizeof(p->error), "gnuplot %s timed out after %u s", script,
			 rp->timeout_s);
	} else if (r < 0) {
		snprintf(p->error, sizeof(p->error), "gnuplot %s could not run: %s", script,
			 strerror(-r));
	} else if (r) {
		char line[200];

		last_line(path, line, sizeof(line));
		snprintf(p->error, sizeof(p->error), "gnuplot %s exited %d: %s", script, r, line);
	} else if (file_size(rp->plotdir, p->name, "svg") <= 0 ||
		   file_size(rp->plotdir, p->name, "png") <= 0) {
		snprintf(p->error, sizeof(p->error), "gnuplot %s wrote an empty %s.svg or .png",
			 script, p->name);
	} else {
		p->ok = true;
		if (file_size(rp->plotdir, p->name, "log") == 0)
			unlink(path);
	}
out:
	if (f)
		fclose(f);
	vars_free(vs);
}

/* ---- what the plots draw ---- */

static double param_num(json_t *res, const char *key)
{
	return iso_report_num(json_object_get(res, "params"), key);
}

static const char *param_str(json_t *res, const char *key)
{
	return iso_report_str(json_object_get(res, "params"), key);
}

static bool is_sweep(json_t *res)
{
	const char *g = iso_report_str(res, "group"), *id = iso_report_str(res, "id");

	return (g && strstr(g, "_scaling")) || (id && !strncmp(id, "scale.", 6)) ||
	       param_num(res, "concurrency") > 1;
}

/* Same-PU (or placement-less) single-worker result: the row of the per-operation plots. */
static bool is_plain(json_t *res)
{
	const char *id = iso_report_str(res, "id");

	return id && !strchr(id, '@') && !is_sweep(res);
}

/* Lower edge for log-scale bars: the decade below v. */
static double decade_below(double v)
{
	return v > 0 && isfinite(v) ? pow(10, floor(log10(v))) : 1e-9;
}

/* Upper edge for log scales: the decade above v. */
static double decade_above(double v)
{
	return v > 0 && isfinite(v) ? pow(10, ceil(log10(v) + 1e-9)) : 10;
}

static int row_px(size_t nruns, int min)
{
	int px = (int)(9 * nruns + 8);

	return px < min ? min : px;
}

/* Latency distributions per family, and with several runs their side-by-side medians. */
static void plot_families(struct iso_report *rp)
{
	for (size_t fi = 0; fi < iso_report_nfamilies; fi++) {
		const struct iso_report_family *fam = &iso_report_families[fi];
		struct rows rows;
		struct vars vs = { 0 };
		struct iso_report_plot *p;
		char name[64], caption[768];
		FILE *d, *b;
		double lo = INFINITY;

		rows_init(&rows);
		for (size_t r = 0; r < rp->nruns; r++) {
			json_t *res;
			size_t i;

			if (!rp->runs[r].bench)
				continue;
			json_array_foreach(json_object_get(rp->runs[r].bench, "results"), i, res)
			{
				if (iso_report_result_ok(res) && is_plain(res) &&
				    iso_report_family_of(iso_report_str(res, "group")) == fam)
					rows_add(&rows, iso_report_str(res, "id"));
			}
		}
		if (!rows_n(&rows)) {
			rows_free(&rows);
			continue;
		}

		snprintf(name, sizeof(name), "latency-%s", fam->name);
		snprintf(
			caption, sizeof(caption),
			"Latency of each operation, from its raw samples: box from the 25th to the "
			"75th percentile, black bar at the median, whiskers from the 1st to the 99th "
			"percentile; log scale.%s Dashed vertical lines: the baselines of the same "
			"run (getpid(2) and fork + exit + wait, medians).",
			rp->nruns > 1 ? " One colour per run." : "");
		p = plot_new(rp, name, "bench", fam->title, caption);
		d = plot_data(rp, p, name);
		snprintf(caption, sizeof(caption), "%s-baselines", name);
		b = d ? plot_data(rp, p, caption) : NULL;
		if (!b)
			goto next;
		fprintf(d, "# run row p1 p25 p50 p75 p99 (seconds); rows: see the ytics\n");
		fprintf(b, "# run p50(seconds) name\n");
		for (size_t r = 0; r < rp->nruns; r++) {
			for (size_t i = 0; i < rows_n(&rows); i++) {
				json_t *res = json_object_get(rp->runs[r].by_id, rows_id(&rows, i));
				double q[5];

				if (!iso_report_result_ok(res) || iso_report_quantiles(res, q) < 0)
					continue;
				fprintf(d, "%zu %zu %.6e %.6e %.6e %.6e %.6e\n", r, i, q[0] * NS,
					q[1] * NS, q[2] * NS, q[3] * NS, q[4] * NS);
			}
			if (isfinite(rp->runs[r].getpid_ns))
				fprintf(b, "%zu %.6e \"getpid\"\n", r, rp->runs[r].getpid_ns * NS);
			if (isfinite(rp->runs[r].fork_ns))
				fprintf(b, "%zu %.6e \"fork\"\n", r, rp->runs[r].fork_ns * NS);
		}
		fprintf(b, "-1 NaN \"\"\n"); /* never empty */
		var_set(&vs, "DATA", "%s.dat", name);
		var_set(&vs, "BASE", "%s-baselines.dat", name);
		var_set(&vs, "NROWS", "%zu", rows_n(&rows));
		var_set(&vs, "NRUNS", "%zu", rp->nruns);
		var_take(&vs, "YTICS", tics_of(&rows, 60));
		var_take(&vs, "RUNLABELS", run_labels(rp));
		fclose(d);
		fclose(b);
		d = b = NULL;
		render(rp, p, "latency", &vs, 1100,
		       150 + (int)rows_n(&rows) * row_px(rp->nruns, 20));

		/* Several runs: medians side by side with their 95% CI. */
		if (rp->nruns > 1) {
			struct series s = { 0 };

			snprintf(name, sizeof(name), "compare-%s", fam->name);
			snprintf(caption, sizeof(caption), "%s: medians of each run", fam->title);
			p = plot_new(rp, name, "compare", caption,
				     "Median latency of each operation in each run (bars, log "
				     "scale), with the bootstrap 95% confidence interval of the "
				     "median (error bars). Bars missing: the run skipped the "
				     "operation or lacks it.");
			d = plot_data(rp, p, name);
			if (!d)
				goto next;
			fprintf(d, "# series row p50 ci95_lo ci95_hi (seconds)\n");
			for (size_t r = 0; r < rp->nruns; r++) {
				size_t sn = series_add(&s, rp->runs[r].label, r, 1, 7);

				for (size_t i = 0; i < rows_n(&rows); i++) {
					json_t *res = json_object_get(rp->runs[r].by_id,
								      rows_id(&rows, i));
					double m = iso_report_stat(res, "p50"),
					       l = iso_report_stat(res, "ci95_lo"),
					       h = iso_report_stat(res, "ci95_hi");

					if (!iso_report_result_ok(res))
						continue;
					if (!isfinite(l) || !isfinite(h))
						l = h = m;
					if (m < lo)
						lo = m;
					fprintf(d, "%zu %zu %.6e %.6e %.6e\n", sn, i, m * NS,
						l * NS, h * NS);
				}
			}
			fclose(d);
			d = NULL;
			var_set(&vs, "DATA", "%s.dat", name);
			var_set(&vs, "NROWS", "%zu", rows_n(&rows));
			var_set(&vs, "XMIN", "%.6e", decade_below(lo * NS));
			var_set(&vs, "XLABEL", "\"median latency (log scale)\"");
			var_take(&vs, "YTICS", tics_of(&rows, 60));
			var_take(&vs, "SERIES", series_arrays(&s));
			render(rp, p, "bars", &vs, 1100,
			       150 + (int)rows_n(&rows) * row_px(rp->nruns, 20));
		}
next:
		if (d)
			fclose(d);
		if (b)
			fclose(b);
		vars_free(&vs);
		rows_free(&rows);
	}
}

/* Every operation as a multiple of getpid and of fork, per run. */
static void plot_ratios(struct iso_report *rp)
{
	struct rows rows;
	struct vars vs = { 0 };
	struct iso_report_plot *p;
	FILE *d;
	size_t lm;
	int h;
	double rng[4] = { 1, 1, 1, 1 };

	rows_init(&rows);
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *res;
		size_t i;

		if (!rp->runs[r].bench)
			continue;
		json_array_foreach(json_object_get(rp->runs[r].bench, "results"), i, res)
		{
			const char *g = iso_report_str(res, "group");

			if (iso_report_result_ok(res) && is_plain(res) && g && strcmp(g, "harness"))
				rows_add(&rows, iso_report_str(res, "id"));
		}
	}
	if (!rows_n(&rows))
		goto out;
	p = plot_new(rp, "ratios", "bench", "Every operation as a multiple of the baselines",
		     "Median of each operation divided by the median of getpid(2) (left) and of "
		     "fork + exit + wait (right) measured in the same run; log scale, bars start "
		     "at 1 (as fast as the baseline). Ratios travel across machines better than "
		     "absolute times.");
	d = plot_data(rp, p, "ratios");
	if (!d)
		goto out;
	fprintf(d, "# run row ratio_getpid ratio_fork\n");
	for (size_t r = 0; r < rp->nruns; r++) {
		/* ranges: [0] getpid min, [1] max, [2] fork min, [3] max; bars start at 1 */
		for (size_t i = 0; i < rows_n(&rows); i++) {
			json_t *res = json_object_get(rp->runs[r].by_id, rows_id(&rows, i));
			double m = iso_report_stat(res, "p50");
			double g = m / rp->runs[r].getpid_ns, f = m / rp->runs[r].fork_ns;

			if (!iso_report_result_ok(res))
				continue;
			g = isfinite(g) && g > 0 ? g : NAN;
			f = isfinite(f) && f > 0 ? f : NAN;
			fprintf(d, "%zu %zu %.6g %.6g\n", r, i, g, f);
			if (g < rng[0])
				rng[0] = g;
			if (g > rng[1])
				rng[1] = g;
			if (f < rng[2])
				rng[2] = f;
			if (f > rng[3])
				rng[3] = f;
		}
	}
	fclose(d);
	lm = longest(&rows);
	if (lm > 60)
		lm = 60;
	h = 170 + (int)rows_n(&rows) * row_px(rp->nruns, 15);
	var_set(&vs, "DATA", "ratios.dat");
	var_set(&vs, "NROWS", "%zu", rows_n(&rows));
	var_set(&vs, "NRUNS", "%zu", rp->nruns);
	var_set(&vs, "LMARGIN", "%.3f", (lm * 6.6 + 30) / 1300.0);
	var_set(&vs, "GRANGE", "[%g:%g]", decade_below(rng[0]), decade_above(rng[1]));
	var_set(&vs, "FRANGE", "[%g:%g]", decade_below(rng[2]), decade_above(rng[3]));
	var_take(&vs, "YTICS", tics_of(&rows, 60));
	var_take(&vs, "RUNLABELS", run_labels(rp));
	render(rp, p, "ratios", &vs, 1300, h);
out:
	vars_free(&vs);
	rows_free(&rows);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* "array NAME[n] = [\"a\", ...]" from the ids of rows. */
static char *labels_array(const char *name, const struct rows *r)
{
	char *buf = NULL;
	size_t len = 0, n = rows_n(r);
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "array %s[%zu] = [", name, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s", i ? ", " : "");
		gp_string(f, rows_id(r, i));
	}
	fprintf(f, "%s]", n ? "" : "\"\"");
	fclose(f);
	return buf;
}

/* The cgroup attach gap sweep: p50 and p90 against the gap, one panel per hierarchy. */
static void plot_gap(struct iso_report *rp)
{
	static const char *const hier[] = { "v2", "v1" };
	static const char *const hier_title[] = { "v2: the unified hierarchy",
						  "v1: one write per controller hierarchy" };
	double gaps[16], lo = INFINITY, hi = 0;
	size_t ngaps = 0, npts = 0;
	bool has[2] = { false, false };
	struct vars vs = { 0 };
	struct iso_report_plot *p;
	struct rows hl;
	char *xt = NULL;
	size_t xtlen = 0;
	FILE *d, *x;

	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *res;
		size_t i;

		if (!rp->runs[r].bench)
			continue;
		json_array_foreach(json_object_get(rp->runs[r].bench, "results"), i, res)
		{
			const char *id = iso_report_str(res, "id"),
				   *h = param_str(res, "hierarchy");
			double g = param_num(res, "gap_ms");
			size_t k;

			if (!id || !strstr(id, ".gap") || !iso_report_result_ok(res) ||
			    !isfinite(g) || !h || (strcmp(h, "v1") && strcmp(h, "v2")))
				continue;
			has[!strcmp(h, "v1")] = true;
			for (k = 0; k < ngaps && gaps[k] != g; k++)
				;
			if (k == ngaps && ngaps < sizeof(gaps) / sizeof(gaps[0]))
				gaps[ngaps++] = g;
			npts++;
		}
	}
	if (!npts)
		return;
	qsort(gaps, ngaps, sizeof(gaps[0]), cmp_double);
	p = plot_new(rp, "cgroup-gap", "bench",
		     "cgroup attach latency against the gap between attaches",
		     "Moving a sleeping process between two cgroups (its pid written to "
		     "cgroup.procs), with a pause before each move: median (solid) and 90th "
		     "percentile (dashed); one panel per hierarchy (v2: the unified hierarchy; v1: "
		     "one write per v1 controller hierarchy); log scale. The gaps are categories, "
		     "not to scale. Attaches back to back stay on the kernel's fast path; after a "
		     "pause the cgroup threadgroup rwsem (a per-CPU rwsem) most likely has to wait "
		     "for an RCU grace period again, so isolated attaches cost more (cgroup2's "
		     "favordynmods mount option trades that wait for slower fork and exit).");
	d = plot_data(rp, p, "cgroup-gap");
	if (!d)
		return;
	rows_init(&hl);
	for (size_t h = 0; h < 2; h++)
		if (has[h])
			rows_add(&hl, hier_title[h]);
	fprintf(d, "# run hierarchy metric(0 median, 1 p90) gap_index latency(seconds)\n");
	for (size_t r = 0; r < rp->nruns; r++) {
		for (size_t h = 0, panel = 0; h < 2; h++) {
			if (!has[h])
				continue;
			panel++;
			for (int m = 0; m < 2; m++) {
				for (size_t gi = 0; gi < ngaps; gi++) {
					json_t *res;
					size_t i;

					if (!rp->runs[r].bench)
						continue;
					json_array_foreach(json_object_get(rp->runs[r].bench,
									   "results"),
							   i, res)
					{
						const char *id = iso_report_str(res, "id");
						const char *hs = param_str(res, "hierarchy");
						double v;

						if (!id || !strstr(id, ".gap") ||
						    !iso_report_result_ok(res) || !hs ||
						    strcmp(hs, hier[h]) ||
						    param_num(res, "gap_ms") != gaps[gi])
							continue;
						v = iso_report_stat(res, m ? "p90" : "p50");
						if (v < lo)
							lo = v;
						if (v > hi)
							hi = v;
						fprintf(d, "%zu %zu %d %zu %.6e\n", r, panel, m, gi,
							v * NS);
					}
				}
			}
		}
	}
	fclose(d);
	x = open_memstream(&xt, &xtlen);
	if (x) {
		fputc('(', x);
		for (size_t gi = 0; gi < ngaps; gi++)
			fprintf(x, "%s\"%g ms\" %zu", gi ? ", " : "", gaps[gi], gi);
		fputc(')', x);
		fclose(x);
	}
	var_set(&vs, "DATA", "cgroup-gap.dat");
	var_set(&vs, "NRUNS", "%zu", rp->nruns);
	var_take(&vs, "RUNLABELS", run_labels(rp));
	var_set(&vs, "NHIER", "%zu", rows_n(&hl));
	var_take(&vs, "HIERLABELS", labels_array("hlabel", &hl));
	var_set(&vs, "NX", "%zu", ngaps);
	var_set(&vs, "YMIN", "%.6e", decade_below(lo * NS));
	var_set(&vs, "YMAX", "%.6e", decade_below(hi * NS) * 10);
	var_take(&vs, "XTICS", xt);
	render(rp, p, "gap", &vs, 1200, 560);
	rows_free(&hl);
}

/* Concurrency sweeps: throughput and p99 against the number of workers. */
static void plot_scaling(struct iso_report *rp)
{
	double tmax = 0, plo = INFINITY, phi = 0;
	struct vars vs = { 0 };
	struct iso_report_plot *p = NULL;
	FILE *d = NULL;
	struct rows ops;

	rows_init(&ops);
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *res;
		size_t i;

		if (!rp->runs[r].bench)
			continue;
		json_array_foreach(json_object_get(rp->runs[r].bench, "results"), i, res)
		{
			const char *id = iso_report_str(res, "id");
			const char *dot;
			char op[128];

			if (!id || !is_sweep(res) || !iso_report_result_ok(res) ||
			    !(dot = strrchr(id, '.')))
				continue;
			snprintf(op, sizeof(op), "%.*s", (int)(dot - id), id);
			rows_add(&ops, op);
		}
	}
	if (!rows_n(&ops))
		goto out;
	p = plot_new(rp, "scaling", "bench", "Concurrency scaling",
		     "Each operation run by K workers at once (worker k pinned to PU k mod PUs): "
		     "throughput of all workers together (left; median over the repetitions) and "
		     "99th percentile latency of one operation (right, log scale), against K. One "
		     "colour per operation, one dash pattern per run. Past the number of PUs, "
		     "workers share CPUs.");
	d = plot_data(rp, p, "scaling");
	if (!d)
		goto out;
	fprintf(d, "# run op workers throughput(ops/s) p99(seconds)\n");
	for (size_t r = 0; r < rp->nruns; r++) {
		for (size_t o = 0; o < rows_n(&ops); o++) {
			const char *op = rows_id(&ops, o);
			size_t n = strlen(op), i;
			json_t *res;

			if (!rp->runs[r].bench)
				continue;
			json_array_foreach(json_object_get(rp->runs[r].bench, "results"), i, res)
			{
				const char *id = iso_report_str(res, "id");
				double k = param_num(res, "concurrency");

				if (!id || strncmp(id, op, n) || id[n] != '.' ||
				    strchr(id + n + 1, '.') || !is_sweep(res) ||
				    !iso_report_result_ok(res) || !isfinite(k))
					continue;
				double t = iso_report_num(res, "throughput_ops_s"),
				       p99 = iso_report_stat(res, "p99") * NS;

				fprintf(d, "%zu %zu %g %.6g %.6e\n", r, o + 1, k, t, p99);
				if (t > tmax)
					tmax = t;
				if (p99 < plo)
					plo = p99;
				if (p99 > phi)
					phi = p99;
			}
		}
	}
	fclose(d);
	d = NULL;
	var_set(&vs, "DATA", "scaling.dat");
	var_set(&vs, "TRANGE", "[0:%g]", tmax > 0 ? tmax * 1.1 : 1);
	var_set(&vs, "PRANGE", "[%.6e:%.6e]", decade_below(plo), decade_above(phi));
	var_set(&vs, "NRUNS", "%zu", rp->nruns);
	var_take(&vs, "RUNLABELS", run_labels(rp));
	var_set(&vs, "NOPS", "%zu", rows_n(&ops));
	var_take(&vs, "OPLABELS", labels_array("oplabel", &ops));
	render(rp, p, "scaling", &vs, 1250, 560);
out:
	if (d)
		fclose(d);
	vars_free(&vs);
	rows_free(&ops);
}

static const char *const placements[] = { "same_pu",	"smt_sibling",	"same_cache",
					  "diff_cache", "diff_package", "diff_numa" };

/* The same operation across placements (parent and child on one PU, siblings, caches...). */
static void plot_placement(struct iso_report *rp)
{
	const size_t np = sizeof(placements) / sizeof(placements[0]);
	struct rows rows;
	struct series s = { 0 };
	struct vars vs = { 0 };
	struct iso_report_plot *p;
	double lo = INFINITY;
	FILE *d;

	/* Rows: operations measured in a placement other than same_pu ("op@placement"). */
	rows_init(&rows);
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *res;
		size_t i;

		if (!rp->runs[r].bench)
			continue;
		json_array_foreach(json_object_get(rp->runs[r].bench, "results"), i, res)
		{
			const char *id = iso_report_str(res, "id"), *at;
			char op[128];

			if (!id || !(at = strchr(id, '@')) || !iso_report_result_ok(res))
				continue;
			snprintf(op, sizeof(op), "%.*s", (int)(at - id), id);
			rows_add(&rows, op);
		}
	}
	if (!rows_n(&rows))
		goto out;
	p = plot_new(rp, "placement", "bench", "The same operation across CPU placements",
		     "Median latency (bars, log scale) with its 95% confidence interval of each "
		     "two-process operation in each placement the machine has: same_pu = parent "
		     "and child pinned to one PU; smt_sibling = SMT siblings of one core; "
		     "same_cache = different cores sharing a cache; diff_cache = same package, no "
		     "shared cache; diff_package, diff_numa. Outside same_pu the scheduler may "
		     "still start the child on the parent's PU (see observed_cross in the JSON).");
	d = plot_data(rp, p, "placement");
	if (!d)
		goto out;
	fprintf(d, "# series row p50 ci95_lo ci95_hi (seconds)\n");
	for (size_t r = 0; r < rp->nruns; r++) {
		for (size_t pl = 0; pl < np; pl++) {
			size_t sn = 0;

			for (size_t i = 0; i < rows_n(&rows); i++) {
				char id[160], label[112];
				json_t *res;
				double m, l, h;

				if (pl == 0)
					snprintf(id, sizeof(id), "%s", rows_id(&rows, i));
				else
					snprintf(id, sizeof(id), "%s@%s", rows_id(&rows, i),
						 placements[pl]);
				res = json_object_get(rp->runs[r].by_id, id);
				if (!iso_report_result_ok(res))
					continue;
				m = iso_report_stat(res, "p50");
				l = iso_report_stat(res, "ci95_lo");
				h = iso_report_stat(res, "ci95_hi");
				if (!isfinite(l) || !isfinite(h))
					l = h = m;
				if (!sn) {
					snprintf(label, sizeof(label), "%s%s%s",
						 rp->nruns > 1 ? rp->runs[r].label : "",
						 rp->nruns > 1 ? ": " : "", placements[pl]);
					sn = series_add(&s, label, rp->nruns > 1 ? r * np + pl : pl,
							1, 7);
				}
				if (m < lo)
					lo = m;
				fprintf(d, "%zu %zu %.6e %.6e %.6e\n", sn, i, m * NS, l * NS,
					h * NS);
			}
		}
	}
	fclose(d);
	var_set(&vs, "DATA", "placement.dat");
	var_set(&vs, "NROWS", "%zu", rows_n(&rows));
	var_set(&vs, "XMIN", "%.6e", decade_below(lo * NS));
	var_set(&vs, "XLABEL", "\"median latency (log scale)\"");
	var_take(&vs, "YTICS", tics_of(&rows, 60));
	var_take(&vs, "SERIES", series_arrays(&s));
	render(rp, p, "bars", &vs, 1100, 150 + (int)rows_n(&rows) * row_px(s.n > 1 ? s.n : 1, 20));
out:
	vars_free(&vs);
	rows_free(&rows);
}

/* Colour of a verdict in the conformance matrix. */
static unsigned int verdict_rgb(const char *v)
{
	static const struct {
		const char *v;
		unsigned int rgb;
	} t[] = { { "pass", 0x4caf50 },
		  { "fail", 0xe53935 },
		  { "skip", 0xc8c8c8 },
		  { "broken", 0x8e24aa },
		  { "error", 0xfb8c00 } };

	for (size_t i = 0; v && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(v, t[i].v))
			return t[i].rgb;
	return 0xffffff;
}

/* Cases by runs, one colour per verdict. */
static void plot_conformance(struct iso_report *rp)
{
	struct rows rows, cols;
	struct vars vs = { 0 };
	struct iso_report_plot *p;
	size_t ncols = 0, lm;
	FILE *d;

	rows_init(&rows);
	rows_init(&cols);
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *c;
		size_t i;

		if (!rp->runs[r].cases || !json_array_size(rp->runs[r].cases))
			continue;
		rows_add(&cols, rp->runs[r].label);
		ncols++;
		json_array_foreach(rp->runs[r].cases, i, c)
		{
			const char *id = iso_report_str(c, "id");

			if (id)
				rows_add(&rows, id);
		}
	}
	if (ncols < 2 || !rows_n(&rows))
		goto out;
	p = plot_new(
		rp, "conformance", "conformance", "Conformance verdicts by run",
		"Each case (row) in each run (column): green pass, red fail, grey skip, "
		"purple broken, orange error, very light grey not run. The table below gives the "
		"reasons.");
	d = plot_data(rp, p, "conformance");
	if (!d)
		goto out;
	fprintf(d, "# column row rgb\n");
	ncols = 0;
	for (size_t r = 0; r < rp->nruns; r++) {
		json_t *c;
		size_t i;
		unsigned char *seen;

		if (!rp->runs[r].cases || !json_array_size(rp->runs[r].cases))
			continue;
		seen = calloc(rows_n(&rows), 1);
		json_array_foreach(rp->runs[r].cases, i, c)
		{
			long row = rows_find(&rows, iso_report_str(c, "id") ?: "");

			if (row < 0)
				continue;
			if (seen)
				seen[row] = 1;
			fprintf(d, "%zu %ld %u\n", ncols, row,
				verdict_rgb(iso_report_str(c, "verdict")));
		}
		for (size_t k = 0; seen && k < rows_n(&rows); k++)
			if (!seen[k])
				fprintf(d, "%zu %zu %u\n", ncols, k, 0xf0f0f0u);
		free(seen);
		ncols++;
	}
	fclose(d);
	lm = longest(&rows);
	if (lm > 60)
		lm = 60;
	var_set(&vs, "DATA", "conformance.dat");
	var_set(&vs, "NROWS", "%zu", rows_n(&rows));
	var_set(&vs, "NCOLS", "%zu", ncols);
	var_take(&vs, "XTICS", tics_of(&cols, 60));
	var_take(&vs, "YTICS", tics_of(&rows, 60));
	render(rp, p, "conformance", &vs,
	       (int)(lm * 7 + 120 +
		     ncols * (longest(&cols) * 7 + 30 > 110 ? longest(&cols) * 7 + 30 : 110)),
	       190 + (int)rows_n(&rows) * 13);
out:
	vars_free(&vs);
	rows_free(&rows);
	rows_free(&cols);
}

void iso_report_plots(struct iso_report *rp)
{
	probe_gnuplot(rp);
	plot_conformance(rp);
	plot_ratios(rp);
	plot_families(rp);
	plot_placement(rp);
	plot_gap(rp);
	plot_scaling(rp);
}
