// SPDX-License-Identifier: MIT
/*
 * KTAP output (Documentation/dev-tools/ktap.rst), as the kernel's own parser
 * (tools/testing/kunit/kunit_parser.py) reads it: one subtest block per suite,
 * indented 2 spaces; inside it a case goes by its name without the suite prefix
 * (the full id is the first diagnostic line of the case). A case's diagnostics
 * (the full id, -v logs, '# fail: <reason>') come before its result line: the
 * parser files diagnostics under the next result line. Directives: '# SKIP
 * <reason>'; '# XFAIL <what>' on an 'ok' line for a fail that is a declared
 * known kernel deviation (kselftest's ksft_test_result_xfail form; ktap.rst
 * discourages TODO, and kunit_parser.py takes 'not ok ... # TODO' as a failure
 * but 'ok ... # XFAIL' as not one); '# TIMEOUT <verdict>: <reason>' and
 * '# ERROR <verdict>: <reason>' on the 'not ok' line of a case that broke or
 * erred (after a '# <verdict>: <reason>' diagnostic, which the parser keeps).
 */
#include <stdio.h>
#include <string.h>

#include "runner.h"

#define IND "  " /* one nesting level (ktap.rst) */

void iso_ktap_header(FILE *f, int nsuites)
{
	fprintf(f, "KTAP version 1\n1..%d\n", nsuites);
	fflush(f);
}

void iso_ktap_suite_begin(FILE *f, const char *name, int ncases)
{
	fprintf(f, IND "KTAP version 1\n" IND "# Subtest: %s\n" IND "1..%d\n", name, ncases);
	fflush(f);
}

/* The case's name inside its suite's block: the id without "<suite>.". */
static const char *short_name(const struct iso_result *res)
{
	const char *s = res->suite ? res->suite->name : NULL;
	size_t n = s ? strlen(s) : 0;

	if (s && !strncmp(res->id, s, n) && res->id[n] == '.' && res->id[n + 1])
		return res->id + n + 1;
	return res->id;
}

/* Prints a reason on one line: newlines become spaces. */
static void one_line(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\n' ? ' ' : *s, f);
}

/*
 * The start of a diagnostic line, "  # "; one more space before text that reads
 * as a subtest header ("# Subtest: x"), which kunit_parser.py would take as one.
 */
static void diag_start(FILE *f, const char *text)
{
	fputs(strncmp(text, "Subtest:", 8) ? IND "# " : IND "#  ", f);
}

/* A diagnostic line "  # [label: ]text" (text on one line). */
static void diag(FILE *f, const char *label, const char *text)
{
	diag_start(f, label ? label : text);
	if (label)
		fprintf(f, "%s: ", label);
	one_line(f, text);
	fputc('\n', f);
}

/* The case's log, one diagnostic line per line. */
static void diag_log(FILE *f, const char *p)
{
	while (p && *p) {
		size_t l = strcspn(p, "\n");

		diag_start(f, p);
		fprintf(f, "%.*s\n", (int)l, p);
		p += l;
		if (*p)
			p++;
	}
}

/* A broken or erring verdict's directive: TIMEOUT for a timeout, else ERROR. */
static const char *error_directive(const char *reason)
{
	return strstr(reason, "timeout") == reason ? "TIMEOUT" : "ERROR";
}

void iso_ktap_case(FILE *f, int n, const struct iso_result *res, bool verbose)
{
	const char *name = short_name(res);

	diag(f, "id", res->id);
	/* A rootless run: which cases ran as root of a user namespace of their own. */
	if ((res->priv == ISO_PRIV_USERNS || res->priv == ISO_PRIV_DELEGATED) &&
	    res->verdict != ISO_SKIP)
		diag(f, "privilege", iso_priv_name(res->priv));
	if (verbose)
		diag_log(f, res->log);
	switch (res->verdict) {
	case ISO_PASS:
		if (verbose && res->reason[0])
			diag(f, NULL, res->reason);
		fprintf(f, IND "ok %d %s\n", n, name);
		break;
	case ISO_SKIP:
		fprintf(f, IND "ok %d %s # SKIP ", n, name);
		one_line(f, res->reason);
		fputc('\n', f);
		break;
	case ISO_FAIL:
		diag(f, "fail", res->reason);
		if (res->known) {
			fprintf(f, IND "ok %d %s # XFAIL known deviation: ", n, name);
			one_line(f, res->known->what ? res->known->what : res->known->reason);
			fputc('\n', f);
		} else {
			fprintf(f, IND "not ok %d %s\n", n, name);
		}
		break;
	default:
		diag(f, iso_verdict_name(res->verdict), res->reason);
		fprintf(f, IND "not ok %d %s # %s %s: ", n, name, error_directive(res->reason),
			iso_verdict_name(res->verdict));
		one_line(f, res->reason);
		fputc('\n', f);
		break;
	}
	fflush(f);
}

void iso_ktap_control(FILE *f, int n, const struct iso_result *res, bool verbose)
{
	const struct iso_ctl_result *c = &res->ctl;
	const char *name = short_name(res);

	switch (c->verdict) {
	case ISO_PASS:
		if (verbose && c->reason[0])
			diag(f, NULL, c->reason);
		fprintf(f, IND "ok %d %s:control\n", n, name);
		break;
	case ISO_SKIP:
		fprintf(f, IND "ok %d %s:control # SKIP ", n, name);
		one_line(f, c->reason);
		fputc('\n', f);
		break;
	case ISO_FAIL:
		diag(f, "fail", c->reason);
		fprintf(f, IND "not ok %d %s:control\n", n, name);
		break;
	default:
		diag(f, iso_verdict_name(c->verdict), c->reason);
		fprintf(f, IND "not ok %d %s:control # %s %s: ", n, name,
			error_directive(c->reason), iso_verdict_name(c->verdict));
		one_line(f, c->reason);
		fputc('\n', f);
		break;
	}
	fflush(f);
}

void iso_ktap_suite_end(FILE *f, int n, const char *name, bool ok, bool all_skipped)
{
	fprintf(f, "%s %d %s%s\n", ok ? "ok" : "not ok", n, name, all_skipped ? " # SKIP" : "");
	fflush(f);
}

/*
 * kselftest's ksft_print_cnts() line: pass, fail (known deviations aside),
 * xfail (the known deviations), xpass (always 0: a known deviation that does not
 * show is a plain pass), skip, error (broken and error); cases and controls
 * together.
 */
void iso_ktap_totals(FILE *f, const struct iso_run *run)
{
	const int *n = run->count, *c = run->ctl_count;

	fprintf(f, "# Totals: pass:%d fail:%d xfail:%d xpass:0 skip:%d error:%d\n",
		n[ISO_PASS] + c[ISO_PASS], n[ISO_FAIL] - run->nknown + c[ISO_FAIL], run->nknown,
		n[ISO_SKIP] + c[ISO_SKIP],
		n[ISO_BROKEN] + c[ISO_BROKEN] + n[ISO_ERROR] + c[ISO_ERROR]);
	if (run->mode == ISO_MODE_BOTH)
		fprintf(f,
			"# Cases: pass:%d fail:%d skip:%d broken:%d error:%d; controls: "
			"failed as expected:%d passed:%d skip:%d broken:%d error:%d\n",
			n[ISO_PASS], n[ISO_FAIL], n[ISO_SKIP], n[ISO_BROKEN], n[ISO_ERROR],
			c[ISO_PASS], c[ISO_FAIL], c[ISO_SKIP], c[ISO_BROKEN], c[ISO_ERROR]);
	if (run->nknown)
		fprintf(f, "# Known deviations: %d of the fails (XFAIL lines)\n", run->nknown);
	fflush(f);
}
