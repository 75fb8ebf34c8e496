// SPDX-License-Identifier: MIT
/* CSV and Markdown export of benchmark figures (see export.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "stats.h"

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static double stat(json_t *r, const char *k)
{
	json_t *v = json_object_get(json_object_get(r, "stats"), k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
	fputc(',', f);
	if (isfinite(v))
		fprintf(f, "%.1f", v);
}

static const char *const csv_stats[] = { "min",	 "p50",	   "p90", "p99",     "max",
					 "mean", "stddev", "mad", "ci95_lo", "ci95_hi" };

static void write_csv(FILE *f, const struct iso_export *e)
{
	fputs("run,id,group,placement,concurrency,status,n,reps", f);
	for (size_t k = 0; k < sizeof(csv_stats) / sizeof(csv_stats[0]); k++)
		fprintf(f, ",%s_ns", csv_stats[k]);
	fputs(",ratio_getpid,ratio_fork,noisy,injected_pct,reason\n", f);
	for (size_t r = 0; r < e->nruns; r++) {
		size_t i;
		json_t *o;

		json_array_foreach(e->results[r], i, o)
		{
			json_t *p = json_object_get(o, "params"), *ra = json_object_get(o, "ratio");
			json_t *inj = json_object_get(json_object_get(o, "injected"), "pct");

			csv_field(f, e->labels[r]);
			fputc(',', f);
			csv_field(f, str(o, "id"));
			fputc(',', f);
			csv_field(f, str(o, "group"));
			fputc(',', f);
			csv_field(f, str(p, "placement"));
			fprintf(f, ",%lld,%s,%lld,%lld",
				(long long)json_integer_value(json_object_get(p, "concurrency")),
				str(o, "status"),
				(long long)json_integer_value(json_object_get(o, "n")),
				(long long)json_integer_value(json_object_get(o, "reps")));
			for (size_t k = 0; k < sizeof(csv_stats) / sizeof(csv_stats[0]); k++)
				csv_num(f, stat(o, csv_stats[k]));
			fputc(',', f);
			if (json_is_number(json_object_get(ra, "getpid")))
				fprintf(f, "%.4g",
					json_number_value(json_object_get(ra, "getpid")));
			fputc(',', f);
			if (json_is_number(json_object_get(ra, "fork")))
				fprintf(f, "%.4g", json_number_value(json_object_get(ra, "fork")));
			fprintf(f, ",%s,",
				json_is_true(json_object_get(o, "noisy")) ? "true" :
				json_object_get(o, "noisy")		  ? "false" :
									    "");
			if (json_is_number(inj))
				fprintf(f, "%g", json_number_value(inj));
			fputc(',', f);
			csv_field(f, str(o, "reason"));
			fputc('\n', f);
		}
	}
}

void iso_md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("|*_`<>[]\\", *s))
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

static void write_md(FILE *f, const struct iso_export *e)
{
	fputs("| run | operation | p50 | p90 | 95% CI of p50 | x getpid | x fork | n | note |\n"
	      "|---|---|---:|---:|---:|---:|---:|---:|---|\n",
	      f);
	for (size_t r = 0; r < e->nruns; r++) {
		size_t i;
		json_t *o;

		json_array_foreach(e->results[r], i, o)
		{
			json_t *ra = json_object_get(o, "ratio");
			char p50[24], p90[24], lo[24], hi[24], g[24] = "-", k[24] = "-";
			const char *st = str(o, "status");

			fputs("| ", f);
			iso_md_cell(f, e->labels[r]);
			fputs(" | ", f);
			iso_md_cell(f, str(o, "id"));
			if (strcmp(st, "ok")) {
				fprintf(f, " | - | - | - | - | - | 0 | %s: ", st);
				iso_md_cell(f, str(o, "reason"));
				fputs(" |\n", f);
				continue;
			}
			iso_fmt_ns(p50, sizeof(p50), stat(o, "p50"));
			iso_fmt_ns(p90, sizeof(p90), stat(o, "p90"));
			iso_fmt_ns(lo, sizeof(lo), stat(o, "ci95_lo"));
			iso_fmt_ns(hi, sizeof(hi), stat(o, "ci95_hi"));
			if (json_is_number(json_object_get(ra, "getpid")))
				snprintf(g, sizeof(g), "%.1f",
					 json_number_value(json_object_get(ra, "getpid")));
			if (json_is_number(json_object_get(ra, "fork")))
				snprintf(k, sizeof(k), "%.3f",
					 json_number_value(json_object_get(ra, "fork")));
			fprintf(f, " | %s | %s | %s to %s | %s | %s | %lld | %s%s |\n", p50, p90,
				lo, hi, g, k,
				(long long)json_integer_value(json_object_get(o, "n")),
				json_is_true(json_object_get(o, "noisy")) ? "noisy" : "",
				json_object_get(o, "injected") ? " INJECTED (bench --slow)" : "");
		}
	}
}

static int write_atomic(const char *path, const struct iso_export *e,
			void (*fn)(FILE *, const struct iso_export *), const char *cmd)
{
	char tmp[4096];
	FILE *f;
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "isobench %s: %s: name too long\n", cmd, path);
		return -ENAMETOOLONG;
	}
	f = fopen(tmp, "we");
	if (!f) {
		err = errno;
		fprintf(stderr, "isobench %s: cannot write %s: %s\n", cmd, path, strerror(err));
		return -err;
	}
	fn(f, e);
	if (ferror(f))
		err = EIO;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path) < 0)
		err = errno;
	if (err) {
		remove(tmp);
		fprintf(stderr, "isobench %s: cannot write %s: %s\n", cmd, path, strerror(err));
		return -err;
	}
	return 0;
}

int iso_export_write(const struct iso_export *e, const char *csv, const char *md, const char *cmd)
{
	int r = 0;

	if (csv)
		r = write_atomic(csv, e, write_csv, cmd);
	if (!r && md)
		r = write_atomic(md, e, write_md, cmd);
	return r;
}
