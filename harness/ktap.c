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
		if (res->known)
			fprintf(f, "    not ok %d %s # TODO known deviation: %s\n    # fail: ", n,
				res->id, res->known->what ? res->known->what : res->known->reason);
		else
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

void iso_ktap_control(FILE *f, int n, const struct iso_result *res, bool verbose)
{
	const struct iso_ctl_result *c = &res->ctl;

	switch (c->verdict) {
	case ISO_PASS:
		fprintf(f, "    ok %d %s:control\n", n, res->id);
		if (verbose) {
			fputs("    # ", f);
			one_line(f, c->reason);
			fputc('\n', f);
		}
		break;
	case ISO_SKIP:
		fprintf(f, "    ok %d %s:control # SKIP ", n, res->id);
		one_line(f, c->reason);
		fputc('\n', f);
		break;
	case ISO_FAIL:
		fprintf(f, "    not ok %d %s:control\n    # fail: ", n, res->id);
		one_line(f, c->reason);
		fputc('\n', f);
		break;
	default:
		fprintf(f, "    not ok %d %s:control # ERROR %s: ", n, res->id,
			iso_verdict_name(c->verdict));
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

void iso_ktap_totals(FILE *f, const struct iso_run *run)
{
	const int *n = run->count, *c = run->ctl_count;

	fprintf(f, "# Totals: pass:%d fail:%d skip:%d broken:%d error:%d\n",
		n[ISO_PASS] + c[ISO_PASS], n[ISO_FAIL] + c[ISO_FAIL], n[ISO_SKIP] + c[ISO_SKIP],
		n[ISO_BROKEN] + c[ISO_BROKEN], n[ISO_ERROR] + c[ISO_ERROR]);
	if (run->mode == ISO_MODE_BOTH)
		fprintf(f,
			"# Cases: pass:%d fail:%d skip:%d broken:%d error:%d; controls: "
			"failed as expected:%d passed:%d skip:%d broken:%d error:%d\n",
			n[ISO_PASS], n[ISO_FAIL], n[ISO_SKIP], n[ISO_BROKEN], n[ISO_ERROR],
			c[ISO_PASS], c[ISO_FAIL], c[ISO_SKIP], c[ISO_BROKEN], c[ISO_ERROR]);
	if (run->nknown)
		fprintf(f, "# Known deviations: %d of the fails (TODO lines)\n", run->nknown);
	fflush(f);
}
