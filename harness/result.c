// SPDX-License-Identifier: MIT
/* The result model and its writers: results.json (jansson) and JUnit XML. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

#define ISO_SCHEMA_VERSION 1

static const char *const verdict_names[ISO_NVERDICTS] = { "pass", "fail", "skip", "broken",
							  "error" };

const char *iso_verdict_name(enum iso_verdict v)
{
	return (unsigned)v < ISO_NVERDICTS ? verdict_names[v] : "unknown";
}

/* Returns the verdict or -EINVAL. */
int iso_verdict_parse(const char *name)
{
	for (int i = 0; i < ISO_NVERDICTS; i++)
		if (!strcmp(name, verdict_names[i]))
			return i;
	return -EINVAL;
}

void iso_iso8601_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void iso_run_add(struct iso_run *run, const struct iso_result *res)
{
	if (run->nresults == run->cap) {
		int cap = run->cap ? run->cap * 2 : 64;
		struct iso_result *n = realloc(run->results, cap * sizeof(*n));

		if (!n)
			return;
		run->results = n;
		run->cap = cap;
	}
	run->results[run->nresults++] = *res;
	run->count[res->verdict]++;
	if (res->has_ctl)
		run->ctl_count[res->ctl.verdict]++;
	run->nknown += res->known != NULL;
}

void iso_run_free(struct iso_run *run)
{
	for (int i = 0; i < run->nresults; i++) {
		json_decref(run->results[i].observed);
		free(run->results[i].log);
	}
	free(run->results);
	json_decref(run->sysinfo);
	json_decref(run->sections);
	json_decref(run->filters);
	json_decref(run->excludes);
	json_decref(run->environment);
	memset(run, 0, sizeof(*run));
}

int iso_run_exit_code(const struct iso_run *run)
{
	if (run->count[ISO_BROKEN] || run->count[ISO_ERROR] || run->ctl_count[ISO_BROKEN] ||
	    run->ctl_count[ISO_ERROR] || run->leftovers[0])
		return 2;
	if (run->count[ISO_FAIL] > run->nknown || run->ctl_count[ISO_FAIL])
		return 1;
	return 0;
}

json_t *iso_run_json(const struct iso_run *run)
{
	json_t *doc = json_object(), *r = json_object(), *sum = json_object(),
	       *cases = json_array(), *argv = json_array();

	json_object_set_new(doc, "schema", json_string("isobench-results"));
	json_object_set_new(doc, "schema_version", json_integer(ISO_SCHEMA_VERSION));
	for (int i = 0; i < run->argc; i++)
		json_array_append_new(argv, json_string(run->argv[i]));
	json_object_set_new(r, "tag", json_string(run->tag));
	json_object_set_new(r, "started", json_string(run->started));
	json_object_set_new(r, "finished", json_string(run->finished));
	json_object_set_new(r, "wall_ms", json_real(run->wall_ms));
	json_object_set_new(r, "mode",
			    json_string(run->mode_name		       ? run->mode_name :
					run->mode == ISO_MODE_CONTROLS ? "controls" :
					run->mode == ISO_MODE_BOTH     ? "cases+controls" :
									 "cases"));
	json_object_set_new(r, "complete", json_boolean(run->complete));
	if (run->interrupted[0])
		json_object_set_new(r, "interrupted", json_string(run->interrupted));
	json_object_set_new(r, "argv", argv);
	json_object_set_new(r, "filters", run->filters ? json_incref(run->filters) : json_array());
	json_object_set_new(r, "excludes",
			    run->excludes ? json_incref(run->excludes) : json_array());
	if (run->environment && json_object_size(run->environment))
		json_object_set_new(r, "environment", json_incref(run->environment));
	if (run->leftovers[0])
		json_object_set_new(r, "leftovers", json_string(run->leftovers));
	json_object_set_new(doc, "run", r);
	json_object_set_new(doc, "sysinfo",
			    run->sysinfo ? json_incref(run->sysinfo) : json_object());
	for (int v = 0; v < ISO_NVERDICTS; v++)
		json_object_set_new(sum, verdict_names[v], json_integer(run->count[v]));
	json_object_set_new(sum, "total", json_integer(run->nresults));
	json_object_set_new(sum, "known_deviations", json_integer(run->nknown));
	if (run->mode == ISO_MODE_BOTH) {
		json_t *cs = json_object();

		for (int v = 0; v < ISO_NVERDICTS; v++)
			json_object_set_new(cs, verdict_names[v], json_integer(run->ctl_count[v]));
		json_object_set_new(sum, "controls", cs);
	}
	json_object_set_new(doc, "summary", sum);
	for (int i = 0; i < run->nresults; i++) {
		const struct iso_result *res = &run->results[i];
		json_t *c = json_object();

		json_object_set_new(c, "id", json_string(res->id));
		json_object_set_new(c, "suite", json_string(res->suite->name));
		json_object_set_new(c, "verdict", json_string(iso_verdict_name(res->verdict)));
		json_object_set_new(c, "reason", json_string(res->reason));
		json_object_set_new(c, "duration_ms", json_real(res->duration_ms));
		if (res->c->doc)
			json_object_set_new(c, "doc", json_string(res->c->doc));
		json_object_set_new(c, "requirements", iso_req_json(&res->c->req));
		json_object_set_new(c, "observed",
				    res->observed ? json_incref(res->observed) : json_object());
		if (run->mode == ISO_MODE_CONTROLS)
			json_object_set_new(c, "control_verdict",
					    json_string(iso_verdict_name(res->raw)));
		if (res->known)
			json_object_set_new(c, "known_deviation",
					    json_pack("{s:s?, s:s?, s:s, s:s}", "from",
						      res->known->from, "to", res->known->to,
						      "reason", res->known->reason, "what",
						      res->known->what ? res->known->what : ""));
		if (res->has_ctl)
			json_object_set_new(
				c, "control",
				json_pack("{s:s, s:s, s:s, s:f}", "verdict",
					  iso_verdict_name(res->ctl.verdict), "control_verdict",
					  iso_verdict_name(res->ctl.raw), "reason", res->ctl.reason,
					  "duration_ms", res->ctl.duration_ms));
		json_array_append_new(cases, c);
	}
	json_object_set_new(doc, "cases", cases);
	if (run->sections)
		json_object_update(doc, run->sections);
	return doc;
}

/* Returns 0 or -errno. */
int iso_json_write_atomic(const json_t *doc, const char *path)
{
	char tmp[PATH_MAX];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (json_dumpfd(doc, fd, JSON_INDENT(1) | JSON_SORT_KEYS) < 0 || write(fd, "\n", 1) != 1 ||
	    fsync(fd) < 0) {
		int err = errno ? -errno : -EIO;

		close(fd);
		unlink(tmp);
		return err;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

/* Writes s with <, >, & and " escaped, for XML and HTML; control characters become ?. */
void iso_markup_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

/* Returns 0 or -errno. */
int iso_junit_write(const struct iso_run *run, const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;
	int failures = run->count[ISO_FAIL],
	    errors = run->count[ISO_BROKEN] + run->count[ISO_ERROR];

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<testsuites name=\"isobench\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
		"skipped=\"%d\" time=\"%.3f\">\n",
		run->nresults, failures, errors, run->count[ISO_SKIP], run->wall_ms / 1000.0);
	for (int i = 0; i < run->nresults; i++) {
		const struct iso_result *res = &run->results[i];
		bool first = i == 0 || run->results[i - 1].suite != res->suite;
		bool last = i == run->nresults - 1 || run->results[i + 1].suite != res->suite;

		if (first)
			fprintf(f, " <testsuite name=\"%s\">\n", res->suite->name);
		fprintf(f, "  <testcase classname=\"%s\" name=\"", res->suite->name);
		iso_markup_escape(f, res->id);
		fprintf(f, "\" time=\"%.3f\"", res->duration_ms / 1000.0);
		if (res->verdict == ISO_PASS) {
			fprintf(f, "/>\n");
		} else {
			const char *tag = res->verdict == ISO_FAIL ? "failure" :
					  res->verdict == ISO_SKIP ? "skipped" :
								     "error";

			fprintf(f, ">\n   <%s message=\"", tag);
			iso_markup_escape(f, res->reason);
			fprintf(f, "\" type=\"%s\"/>\n  </testcase>\n",
				iso_verdict_name(res->verdict));
		}
		if (last)
			fprintf(f, " </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}
