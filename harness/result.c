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

#define ISO_SCHEMA_VERSION 2

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
	json_object_set_new(r, "privilege", json_string(run->rootless ? "rootless" : "root"));
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
	if (run->modules_loaded[0])
		json_object_set_new(r, "modules_loaded", json_string(run->modules_loaded));
	if (run->foreign.n)
		json_object_set_new(r, "foreign_changes",
				    json_pack("{s:i, s:s}", "count", run->foreign.n, "seen",
					      run->foreign.seen));
	if (run->repeat > 1)
		json_object_set_new(r, "repeat", json_integer(run->repeat));
	if (run->shuffled)
		json_object_set_new(r, "shuffle_seed", json_integer(run->shuffle_seed));
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
		json_object_set_new(c, "privilege", json_string(iso_priv_name(res->priv)));
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
		if (res->repeats > 1)
			json_object_set_new(c, "repeats",
					    json_pack("{s:i, s:i, s:i}", "runs", res->repeats,
						      "failed", res->repeat_fails, "control_failed",
						      res->repeat_ctl_fails));
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

/* Length of the valid UTF-8 sequence at s that XML 1.0 allows (no surrogates, no U+FFFE/F), or 0. */
static int utf8_len(const unsigned char *s)
{
	unsigned int cp;
	int n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/*
 * Writes s with <, >, & and " escaped, for XML and HTML; control characters (but newline
 * and tab) and bytes that are not valid UTF-8 become ?.
 */
void iso_markup_escape(FILE *f, const char *s)
{
	while (s && *s) {
		int n = utf8_len((const unsigned char *)s);

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
			if (!n || ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t'))
				fputc('?', f);
			else
				fwrite(s, 1, n, f);
		}
		s += n ? n : 1;
	}
}

/* What one <testcase> reports: a case, or the negative control beside it. */
struct junit_case {
	const struct iso_result *res;
	bool control; /* the control of a --with-controls result */
	enum iso_verdict verdict;
	const char *reason;
	double duration_ms;
};

static struct junit_case junit_case(const struct iso_result *res, bool control)
{
	struct junit_case jc = { .res = res, .control = control };

	jc.verdict = control ? res->ctl.verdict : res->verdict;
	jc.reason = control ? res->ctl.reason : res->reason;
	jc.duration_ms = control ? res->ctl.duration_ms : res->duration_ms;
	return jc;
}

/* The JUnit element a verdict becomes: NULL (a pass), "failure", "error" or "skipped". */
static const char *junit_tag(const struct junit_case *jc)
{
	switch (jc->verdict) {
	case ISO_PASS:
		return NULL;
	case ISO_FAIL:
		/* A known kernel deviation is no failure: reported as pytest reports an xfail. */
		return !jc->control && jc->res->known ? "skipped" : "failure";
	case ISO_SKIP:
		return "skipped";
	default:
		return "error";
	}
}

static const char *junit_type(const struct junit_case *jc)
{
	if (jc->verdict == ISO_FAIL && !jc->control && jc->res->known)
		return "known-deviation";
	if (jc->verdict == ISO_FAIL && jc->control)
		return "control-passed";
	if (jc->verdict != ISO_PASS && jc->verdict != ISO_SKIP && jc->verdict != ISO_FAIL &&
	    !strncmp(jc->reason, "timeout", 7))
		return "timeout";
	return iso_verdict_name(jc->verdict);
}

struct junit_counts {
	int tests, failures, errors, skipped;
	double ms;
};

static void junit_count(struct junit_counts *n, const struct junit_case *jc)
{
	const char *tag = junit_tag(jc);

	n->tests++;
	n->failures += tag && !strcmp(tag, "failure");
	n->errors += tag && !strcmp(tag, "error");
	n->skipped += tag && !strcmp(tag, "skipped");
	n->ms += jc->duration_ms;
}

static void junit_line(FILE *f, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	fprintf(f, "%s: ", key);
	iso_markup_escape(f, value);
	fputc('\n', f);
}

/* The case's diagnostics, for <system-out>: what it checks, its verdict, notes and log. */
static void junit_system_out(FILE *f, const struct junit_case *jc)
{
	const struct iso_result *res = jc->res;
	const struct iso_known *k = jc->control ? NULL : res->known;
	const char *key;
	json_t *v;

	fputs("   <system-out>", f);
	if (jc->control)
		fputs("negative control: the same assertion with the isolation left out; it must "
		      "fail\n",
		      f);
	junit_line(f, "checks", res->c ? res->c->doc : NULL);
	fprintf(f, "verdict: %s", iso_verdict_name(jc->verdict));
	if (jc->control && res->ctl.raw != jc->verdict)
		fprintf(f, " (the control returned %s)", iso_verdict_name(res->ctl.raw));
	if (!jc->control && res->raw != res->verdict)
		fprintf(f, " (the control returned %s)", iso_verdict_name(res->raw));
	fputc('\n', f);
	junit_line(f, "reason", jc->reason);
	if (k) {
		fputs("known deviation: the kernel is known to fail this case, so the fail is no "
		      "failure (TODO in KTAP)\n",
		      f);
		junit_line(f, "known", k->what);
		junit_line(f, "known reason", k->reason);
		fprintf(f, "known on kernels: %s to %s\n", k->from ? k->from : "any",
			k->to ? k->to : "now");
	}
	if (!jc->control && res->observed && json_object_size(res->observed)) {
		fputs("observed:\n", f);
		json_object_foreach(res->observed, key, v)
		{
			fputs("  ", f);
			iso_markup_escape(f, key);
			fputs(" = ", f);
			if (json_is_string(v)) {
				iso_markup_escape(f, json_string_value(v));
			} else {
				char *txt = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

				iso_markup_escape(f, txt);
				free(txt);
			}
			fputc('\n', f);
		}
	}
	if (!jc->control && res->log && *res->log) {
		fputs("log:\n", f);
		iso_markup_escape(f, res->log);
		if (res->log[strlen(res->log) - 1] != '\n')
			fputc('\n', f);
	}
	fputs("</system-out>\n", f);
}

static void junit_testcase(FILE *f, const struct junit_case *jc, bool controls_mode)
{
	const char *tag = junit_tag(jc);

	fputs("  <testcase classname=\"", f);
	iso_markup_escape(f, jc->res->suite->name);
	fputs("\" name=\"", f);
	iso_markup_escape(f, jc->res->id);
	fprintf(f, "%s\" time=\"%.3f\">\n", jc->control || controls_mode ? ":control" : "",
		jc->duration_ms / 1000.0);
	if (tag) {
		const struct iso_known *k = jc->control ? NULL : jc->res->known;

		fprintf(f, "   <%s message=\"", tag);
		if (k) {
			fputs("known deviation: ", f);
			iso_markup_escape(f, k->what ? k->what : k->reason);
		} else {
			iso_markup_escape(f, jc->reason);
		}
		fprintf(f, "\" type=\"%s\"", junit_type(jc));
		if (!strcmp(tag, "skipped")) {
			fputs("/>\n", f);
		} else {
			fputc('>', f);
			iso_markup_escape(f, jc->reason);
			fprintf(f, "</%s>\n", tag);
		}
	}
	junit_system_out(f, jc);
	fputs("  </testcase>\n", f);
}

static void junit_property(FILE *f, const char *name, const char *value)
{
	fputs("   <property name=\"", f);
	iso_markup_escape(f, name);
	fputs("\" value=\"", f);
	iso_markup_escape(f, value ? value : "");
	fputs("\"/>\n", f);
}

static void junit_properties(FILE *f, const struct iso_run *run)
{
	const json_t *kernel = json_object_get(run->sysinfo, "kernel");
	const char *key;
	json_t *v;

	fputs("  <properties>\n", f);
	junit_property(f, "isobench.tag", run->tag);
	junit_property(f, "isobench.mode",
		       run->mode_name		      ? run->mode_name :
		       run->mode == ISO_MODE_CONTROLS ? "controls" :
		       run->mode == ISO_MODE_BOTH     ? "cases+controls" :
							"cases");
	junit_property(f, "isobench.complete", run->complete ? "true" : "false");
	if (run->interrupted[0])
		junit_property(f, "isobench.interrupted", run->interrupted);
	if (run->leftovers[0])
		junit_property(f, "isobench.leftovers", run->leftovers);
	if (kernel)
		junit_property(f, "kernel.release",
			       json_string_value(json_object_get(kernel, "release")));
	json_object_foreach((json_t *)run->environment, key, v)
	{
		char name[160];

		snprintf(name, sizeof(name), "environment.%s", key);
		junit_property(f, name, json_string_value(v));
	}
	fputs("  </properties>\n", f);
}

/* Writes the <testsuite> of results [first, end), which share one suite. */
static void junit_suite(FILE *f, const struct iso_run *run, int first, int end, int id,
			const char *hostname)
{
	const struct iso_result *r0 = &run->results[first];
	struct junit_counts n = { 0 };
	char ts[40] = "";

	for (int i = first; i < end; i++) {
		struct junit_case jc = junit_case(&run->results[i], false);

		junit_count(&n, &jc);
		if (run->results[i].has_ctl) {
			jc = junit_case(&run->results[i], true);
			junit_count(&n, &jc);
		}
	}
	if (r0->started) {
		struct tm tm;

		gmtime_r(&r0->started, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	fprintf(f, " <testsuite name=\"");
	iso_markup_escape(f, r0->suite->name);
	fprintf(f,
		"\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" "
		"timestamp=\"%s\" hostname=\"",
		n.tests, n.failures, n.errors, n.skipped, n.ms / 1000.0, ts[0] ? ts : run->started);
	iso_markup_escape(f, hostname);
	fprintf(f, "\" id=\"%d\" package=\"isobench\">\n", id);
	junit_properties(f, run);
	for (int i = first; i < end; i++) {
		struct junit_case jc = junit_case(&run->results[i], false);

		junit_testcase(f, &jc, run->mode == ISO_MODE_CONTROLS);
		if (run->results[i].has_ctl) {
			jc = junit_case(&run->results[i], true);
			junit_testcase(f, &jc, false);
		}
	}
	fprintf(f, " </testsuite>\n");
}

/*
 * JUnit XML as the Jenkins xunit plugin's junit-10.xsd has it (reports/schema/): one
 * <testsuite> per suite with its counts, time, start and host; one <testcase> per case, and
 * with --with-controls one per control ("<id>:control"; a control that passes is a
 * failure); the reason as message and body text; the diagnostics in <system-out>.
 * Returns 0 or -errno.
 */
int iso_junit_write(const struct iso_run *run, const char *path)
{
	char tmp[PATH_MAX], host[256] = "";
	const char *hostname = json_string_value(json_object_get(run->sysinfo, "hostname"));
	struct junit_counts n = { 0 };
	FILE *f;
	int id = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp))
		return -ENAMETOOLONG;
	if (!hostname) {
		if (gethostname(host, sizeof(host) - 1) < 0)
			host[0] = '\0';
		hostname = host;
	}
	for (int i = 0; i < run->nresults; i++) {
		struct junit_case jc = junit_case(&run->results[i], false);

		junit_count(&n, &jc);
		if (run->results[i].has_ctl) {
			jc = junit_case(&run->results[i], true);
			junit_count(&n, &jc);
		}
	}
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<testsuites name=\"isobench\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
		"time=\"%.3f\">\n",
		n.tests, n.failures, n.errors, run->wall_ms / 1000.0);
	for (int i = 0; i < run->nresults;) {
		int end = i + 1;

		while (end < run->nresults && run->results[end].suite == run->results[i].suite)
			end++;
		junit_suite(f, run, i, end, id++, hostname);
		i = end;
	}
	fprintf(f, "</testsuites>\n");
	if (ferror(f)) {
		fclose(f);
		unlink(tmp);
		return -EIO;
	}
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}
