// SPDX-License-Identifier: MIT
/* Unit tests of the result model and its writers: JSON round trip, KTAP, JUnit, exit codes. */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

static const struct iso_case fake_cases[] = {
	{ .id = "a", .doc = "does a", .req = { .root = true } },
	{ .id = "b", .doc = "does b" },
	{ .id = "c", .doc = "does \"c\" <&>" },
};
static const struct iso_suite fake_suite = ISO_SUITE("fake", fake_cases);

static void add(struct iso_run *run, int i, enum iso_verdict v, const char *reason)
{
	struct iso_result r = { .suite = &fake_suite, .c = &fake_cases[i], .verdict = v, .raw = v };

	snprintf(r.id, sizeof(r.id), "fake.%s", fake_cases[i].id);
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	r.duration_ms = 1.5 * (i + 1);
	r.observed = json_pack("{s:s}", "pid", "1");
	iso_run_add(run, &r);
}

START_TEST(verdict_names)
{
	for (int v = 0; v < ISO_NVERDICTS; v++)
		ck_assert_int_eq(iso_verdict_parse(iso_verdict_name(v)), v);
	ck_assert_int_lt(iso_verdict_parse("maybe"), 0);
	ck_assert_str_eq(iso_verdict_name(ISO_BROKEN), "broken");
}
END_TEST

START_TEST(exit_codes)
{
	struct iso_run run = { 0 };

	add(&run, 0, ISO_PASS, "");
	add(&run, 1, ISO_SKIP, "needs root");
	ck_assert_int_eq(iso_run_exit_code(&run), 0);
	add(&run, 2, ISO_FAIL, "no");
	ck_assert_int_eq(iso_run_exit_code(&run), 1);
	add(&run, 2, ISO_ERROR, "timeout after 5 ms");
	ck_assert_int_eq(iso_run_exit_code(&run), 2);
	iso_run_free(&run);
}
END_TEST

START_TEST(json_round_trip)
{
	struct iso_run run = { .complete = true };
	char path[] = "/tmp/isobench-check-result.XXXXXX";
	json_error_t err;
	json_t *doc, *back, *c;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(run.tag, sizeof(run.tag), "abc123");
	snprintf(run.started, sizeof(run.started), "2026-01-01T00:00:00Z");
	add(&run, 0, ISO_PASS, "");
	add(&run, 1, ISO_SKIP, "needs root");
	add(&run, 2, ISO_FAIL, "PID 1 died \"of\" SIGTERM\nnewline");
	doc = iso_run_json(&run);
	ck_assert_int_eq(iso_json_write_atomic(doc, path), 0);
	back = json_load_file(path, 0, &err);
	ck_assert_msg(back != NULL, "reload: %s", err.text);
	ck_assert(json_equal(doc, back));
	ck_assert_int_eq(json_integer_value(json_object_get(back, "schema_version")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(back, "schema")), "isobench-results");
	ck_assert_int_eq(
		json_integer_value(json_object_get(json_object_get(back, "summary"), "fail")), 1);
	c = json_array_get(json_object_get(back, "cases"), 2);
	ck_assert_str_eq(json_string_value(json_object_get(c, "id")), "fake.c");
	ck_assert_str_eq(json_string_value(json_object_get(c, "verdict")), "fail");
	ck_assert_str_eq(json_string_value(json_object_get(c, "reason")),
			 "PID 1 died \"of\" SIGTERM\nnewline");
	ck_assert(json_is_true(json_object_get(json_object_get(back, "run"), "complete")));
	c = json_array_get(json_object_get(back, "cases"), 0);
	ck_assert(json_is_true(json_object_get(json_object_get(c, "requirements"), "root")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "observed"), "pid")),
			 "1");
	/* No temp file is left next to the result. */
	{
		char tmp[64];

		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
		ck_assert_int_ne(access(tmp, F_OK), 0);
	}
	json_decref(doc);
	json_decref(back);
	unlink(path);
	iso_run_free(&run);
}
END_TEST

START_TEST(ktap_lines)
{
	struct iso_run run = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	add(&run, 0, ISO_PASS, "");
	add(&run, 1, ISO_SKIP, "needs root");
	add(&run, 2, ISO_ERROR, "timeout after 5 ms");
	iso_ktap_header(f, 1);
	iso_ktap_suite_begin(f, "fake", 3);
	for (int i = 0; i < 3; i++)
		iso_ktap_case(f, i + 1, &run.results[i], false);
	iso_ktap_suite_end(f, 1, "fake", false, false);
	iso_ktap_totals(f, &run);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "KTAP version 1\n1..1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  KTAP version 1\n  # Subtest: fake\n  1..3\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  # id: fake.a\n  ok 1 a\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  # id: fake.b\n  ok 2 b # SKIP needs root\n"));
	/* The reason before the result line: kunit_parser.py files it under the next one. */
	ck_assert_ptr_nonnull(strstr(buf, "  # id: fake.c\n  # error: timeout after 5 ms\n"
					  "  not ok 3 c # TIMEOUT error: timeout after 5 ms\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nnot ok 1 fake\n"));
	ck_assert_ptr_nonnull(
		strstr(buf, "# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:1\n"));
	ck_assert_ptr_null(strstr(buf, "fake.fake."));
	free(buf);
	iso_run_free(&run);
}
END_TEST

/* A fail's reason, a known deviation's and a control's go before their result lines. */
START_TEST(ktap_fail_diagnostics)
{
	static const struct iso_known known = { .reason = "differs", .what = "a known thing" };
	struct iso_run run = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	add(&run, 0, ISO_FAIL, "it leaked\nto the host");
	add(&run, 1, ISO_FAIL, "differs here");
	run.results[1].known = &known;
	run.nknown++;
	run.results[0].has_ctl = true;
	run.results[0].ctl.verdict = ISO_FAIL;
	snprintf(run.results[0].ctl.reason, sizeof(run.results[0].ctl.reason), "control passed");
	run.ctl_count[ISO_FAIL]++;
	iso_ktap_case(f, 1, &run.results[0], false);
	iso_ktap_control(f, 2, &run.results[0], false);
	iso_ktap_case(f, 3, &run.results[1], false);
	iso_ktap_totals(f, &run);
	fclose(f);
	ck_assert_str_eq(buf, "  # id: fake.a\n"
			      "  # fail: it leaked to the host\n"
			      "  not ok 1 a\n"
			      "  # fail: control passed\n"
			      "  not ok 2 a:control\n"
			      "  # id: fake.b\n"
			      "  # fail: differs here\n"
			      "  ok 3 b # XFAIL known deviation: a known thing\n"
			      "# Totals: pass:0 fail:2 xfail:1 xpass:0 skip:0 error:0\n"
			      "# Known deviations: 1 of the fails (XFAIL lines)\n");
	free(buf);
	iso_run_free(&run);
}
END_TEST

START_TEST(junit_escapes)
{
	struct iso_run run = { 0 };
	char path[] = "/tmp/isobench-check-junit.XXXXXX", *txt = NULL;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	add(&run, 0, ISO_PASS, "");
	add(&run, 2, ISO_FAIL, "a <b> & \"c\"");
	add(&run, 1, ISO_SKIP, "needs root");
	add(&run, 1, ISO_BROKEN, "bad \xff byte");
	run.results[0].has_ctl = true;
	run.results[0].ctl.verdict = ISO_FAIL;
	snprintf(run.results[0].ctl.reason, sizeof(run.results[0].ctl.reason), "control passed");
	ck_assert_int_eq(iso_junit_write(&run, path), 0);
	ck_assert_int_gt(iso_read_file_alloc(path, &txt), 0);
	ck_assert_ptr_nonnull(strstr(txt, "tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\""));
	ck_assert_ptr_nonnull(strstr(txt,
				     "<failure message=\"a &lt;b&gt; &amp; &quot;c&quot;\" "
				     "type=\"fail\">a &lt;b&gt; &amp; &quot;c&quot;</failure>"));
	ck_assert_ptr_nonnull(strstr(txt, "name=\"fake.a:control\""));
	ck_assert_ptr_nonnull(strstr(txt, "type=\"control-passed\">control passed</failure>"));
	ck_assert_ptr_nonnull(strstr(txt, "<skipped message=\"needs root\" type=\"skip\"/>"));
	ck_assert_ptr_nonnull(strstr(txt, "<error message=\"bad ? byte\" type=\"broken\">"));
	ck_assert_ptr_nonnull(strstr(txt, "checks: does &quot;c&quot; &lt;&amp;&gt;"));
	ck_assert_ptr_nonnull(strstr(txt, "  pid = 1\n"));
	ck_assert_ptr_null(strstr(txt, "<b>"));
	ck_assert_ptr_nonnull(strstr(txt,
				     "<testsuites name=\"isobench\" tests=\"5\" failures=\"2\" "
				     "errors=\"1\" time="));
	free(txt);
	unlink(path);
	iso_run_free(&run);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tcase_create("writers");

	tcase_add_test(tc, verdict_names);
	tcase_add_test(tc, exit_codes);
	tcase_add_test(tc, json_round_trip);
	tcase_add_test(tc, ktap_lines);
	tcase_add_test(tc, ktap_fail_diagnostics);
	tcase_add_test(tc, junit_escapes);
	suite_add_tcase(s, tc);
	return iso_check_run(s);
}
