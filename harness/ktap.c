// SPDX-License-Identifier: MIT
/* KTAP output (Documentation/dev-tools/ktap.rst): one subtest block per suite. */
#include <stdio.h>
#include <string.h>

#include "runner.h"

void iso_ktap_header(FILE *f, int nsuites)
{
	fprintf(f, "KTAP version 1\n1..%d\n", nsuites);
	fflush(f);
}

void iso_ktap_suite_begin(FILE *f, const char *name, int ncases)
{
	fprintf(f, "    KTAP version 1\n    # Subtest: %s\n    1..%d\n", name, ncases);
	fflush(f);
}

/* Prints a reason on one line: newlines become spaces. */
static void one_line(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\n' ? ' ' : *s, f);
}

void iso_ktap_case(FILE *f, int n, const struct iso_result *res, bool verbose)
{
	switch (res->verdict) {
	case ISO_PASS:
		fprintf(f, "    ok %d %s\n", n, res->id);
		break;
	case ISO_SKIP:
		fprintf(f, "    ok %d %s # SKIP ", n, res->id);
		one_line(f, res->reason);
		fputc('\n', f);
		break;
	case ISO_FAIL:
		fprintf(f, "    not ok %d %s\n    # fail: ", n, res->id);
		one_line(f, res->reason);
		fputc('\n', f);
		break;
	default:
		fprintf(f, "    not ok %d %s # %s %s: ", n, res->id,
			strstr(res->reason, "timeout") == res->reason ? "TIMEOUT" : "ERROR",
			iso_verdict_name(res->verdict));
		one_line(f, res->reason);
		fputc('\n', f);
		break;
	}
	if (res->verdict == ISO_PASS && res->reason[0] && verbose) {
		fputs("    # ", f);
		one_line(f, res->reason);
		fputc('\n', f);
	}
	if (verbose && res->log && *res->log) {
		const char *p = res->log;

		while (*p) {
			size_t l = strcspn(p, "\n");

			fprintf(f, "    # %.*s\n", (int)l, p);
			p += l;
			if (*p)
				p++;
		}
	}
	fflush(f);
}

void iso_ktap_suite_end(FILE *f, int n, const char *name, bool ok, bool all_skipped)
{
	fprintf(f, "%s %d %s%s\n", ok ? "ok" : "not ok", n, name, all_skipped ? " # SKIP" : "");
	fflush(f);
}

void iso_ktap_totals(FILE *f, const struct iso_run *run)
{
	fprintf(f, "# Totals: pass:%d fail:%d skip:%d broken:%d error:%d\n", run->count[ISO_PASS],
		run->count[ISO_FAIL], run->count[ISO_SKIP], run->count[ISO_BROKEN],
		run->count[ISO_ERROR]);
	fflush(f);
}
