// SPDX-License-Identifier: MIT
/*
 * Unit tests of bench --attribute's pieces that need no kernel: folding stacks
 * (bench/attribute.c), classifying a blocking stack, and the flame graph SVG
 * (reports/flame.c), on crafted input.
 */
#include <check.h>

#include "check_main.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "compare.h"
#include "flame.h"

static const char *stack_at(json_t *a, size_t i, json_int_t *w)
{
	json_t *e = json_array_get(a, i);

	*w = json_integer_value(json_object_get(e, "samples"));
	return json_string_value(json_object_get(e, "stack"));
}

START_TEST(fold_merges_and_orders)
{
	const char *c[] = { "c", "b", "a" }, *b[] = { "b", "a" }, *d[] = { "d", "a" };
	struct iso_fold *f = iso_fold_new();
	json_t *j;
	json_int_t w;

	ck_assert_ptr_nonnull(f);
	/* Frames come leaf first, as perf gives them; folded stacks read root first. */
	ck_assert_int_eq(iso_fold_add(f, c, 3, 1), 0);
	ck_assert_int_eq(iso_fold_add(f, c, 3, 1), 0);
	ck_assert_int_eq(iso_fold_add(f, b, 2, 1), 0);
	ck_assert_int_eq(iso_fold_add(f, d, 2, 3), 0);
	j = iso_fold_json(f, 10);
	ck_assert_int_eq(json_array_size(j), 3);
	ck_assert_str_eq(stack_at(j, 0, &w), "a;d");
	ck_assert_int_eq(w, 3);
	ck_assert_str_eq(stack_at(j, 1, &w), "a;b;c");
	ck_assert_int_eq(w, 2);
	ck_assert_str_eq(stack_at(j, 2, &w), "a;b");
	ck_assert_int_eq(w, 1);
	json_decref(j);
	/* Beyond max, the rest follows (cut shallower when many), the weights all there. */
	j = iso_fold_json(f, 2);
	ck_assert_int_eq(json_array_size(j), 3);
	ck_assert_str_eq(stack_at(j, 2, &w), "a;b");
	ck_assert_int_eq(w, 1);
	json_decref(j);
	iso_fold_free(f);
}
END_TEST

START_TEST(fold_cuts_the_tail)
{
	struct iso_fold *f = iso_fold_new();
	const char *big[] = { "big", "r" };
	char leaf[10][8];
	json_t *j;
	json_int_t w;

	ck_assert_int_eq(iso_fold_add(f, big, 2, 100), 0);
	for (int i = 0; i < 10; i++) {
		const char *fr[] = { leaf[i], "b", "a", "r" };

		snprintf(leaf[i], sizeof(leaf[i]), "leaf%d", i);
		ck_assert_int_eq(iso_fold_add(f, fr, 4, 1), 0);
	}
	/*
	 * At most 8: every frame below 110 / 16 samples goes, its time stays with
	 * its callers as one deeper frame (a flame graph of 8 could not show it).
	 */
	j = iso_fold_json(f, 8);
	ck_assert_int_eq(json_array_size(j), 2);
	ck_assert_str_eq(stack_at(j, 0, &w), "r;big");
	ck_assert_int_eq(w, 100);
	ck_assert_str_eq(stack_at(j, 1, &w), "r;a;b;[deeper]");
	ck_assert_int_eq(w, 10);
	json_decref(j);
	/* Few enough: kept whole. */
	j = iso_fold_json(f, 20);
	ck_assert_int_eq(json_array_size(j), 11);
	json_decref(j);
	iso_fold_free(f);
}
END_TEST

START_TEST(fold_many_stacks)
{
	struct iso_fold *f = iso_fold_new();
	char names[3000][16];
	json_t *j;
	json_int_t w, sum = 0;

	/* More distinct stacks than the first table holds: it grows. */
	for (int i = 0; i < 3000; i++) {
		const char *fr[2] = { names[i], "root" };

		snprintf(names[i], sizeof(names[i]), "fn%d", i);
		ck_assert_int_eq(iso_fold_add(f, fr, 2, (uint64_t)(i % 7) + 1), 0);
	}
	/* None of them holds 1/200 of the weight: all under root, as one deeper frame. */
	j = iso_fold_json(f, 100);
	ck_assert_int_eq(json_array_size(j), 1);
	ck_assert_str_eq(stack_at(j, 0, &w), "root;[deeper]");
	for (size_t i = 0; i < json_array_size(j); i++) {
		stack_at(j, i, &w);
		sum += w;
	}
	/* 3000 stacks of weights 1..7 in turn: 428 full cycles (28 each) and 1+2+3+4. */
	ck_assert_int_eq(sum, 428 * 28 + 10);
	json_decref(j);
	iso_fold_free(f);
}
END_TEST

START_TEST(classify_waits)
{
	const char *mutex[] = { "__schedule",
				"schedule",
				"schedule_preempt_disabled",
				"__mutex_lock.constprop.0",
				"__mutex_lock_slowpath",
				"mutex_lock",
				"rtnl_lock",
				"register_netdev" };
	const char *rcu[] = { "__schedule",	   "schedule",	    "schedule_timeout",
			      "__wait_for_common", "__wait_rcu_gp", "synchronize_rcu",
			      "cleanup_net" };
	const char *rwsem[] = { "__schedule",	      "schedule",
				"percpu_rwsem_wait",  "percpu_down_write",
				"cgroup_attach_lock", "cgroup_procs_write_start" };
	const char *ns[] = { "__schedule", "schedule",	     "rwsem_down_write_slowpath",
			     "down_write", "namespace_lock", "copy_mnt_ns" };
	const char *unk[] = { "__schedule", "schedule", "mutex_lock", "some_driver_fn" };
	const char *pre[] = { "__schedule", "preempt_schedule_irq", "copy_page_range" };
	char what[128];
	const char *top;

	ck_assert_str_eq(iso_attr_classify(mutex, 8, 2, what, sizeof(what), &top), "lock");
	ck_assert_str_eq(what, "rtnl_mutex");
	ck_assert_str_eq(top, "__mutex_lock.constprop.0");
	ck_assert_str_eq(iso_attr_classify(rcu, 7, 2, what, sizeof(what), &top), "RCU");
	ck_assert_str_eq(what, "synchronize_rcu");
	ck_assert_str_eq(iso_attr_classify(rwsem, 6, 2, what, sizeof(what), &top), "lock");
	ck_assert_str_eq(what, "cgroup_threadgroup_rwsem");
	ck_assert_str_eq(iso_attr_classify(ns, 6, 2, what, sizeof(what), &top), "lock");
	ck_assert_str_eq(what, "namespace_sem");
	ck_assert_str_eq(iso_attr_classify(unk, 4, 2, what, sizeof(what), &top), "lock");
	ck_assert_str_eq(what, "mutex in some_driver_fn");
	/* Preempted (TASK_REPORT_MAX) or running: waiting for the CPU, whatever the stack. */
	ck_assert_str_eq(iso_attr_classify(pre, 3, 0x100, what, sizeof(what), &top), "scheduling");
	ck_assert_str_eq(top, "copy_page_range");
	ck_assert_str_eq(iso_attr_classify(mutex, 8, 0, what, sizeof(what), &top), "scheduling");
}
END_TEST

/* The number after attr=" in the first element after marker. */
static double attr_after(const char *svg, const char *marker, const char *attr)
{
	const char *p = strstr(svg, marker);
	char key[32];

	if (!p)
		return -1;
	snprintf(key, sizeof(key), " %s=\"", attr);
	p = strstr(p, key);
	return p ? atof(p + strlen(key)) : -1;
}

START_TEST(flame_svg_widths_and_names)
{
	json_t *folded = json_pack("[{s:s,s:i},{s:s,s:i}]", "stack", "root;left", "samples", 3,
				   "stack", "root;right_function_with_a_very_long_name_indeed",
				   "samples", 1);
	char *svg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&svg, &len);

	ck_assert_int_eq(iso_flame_svg(f, folded, "crafted <test>", 420, false), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(svg, "<?xml"));
	ck_assert_ptr_null(strstr(svg, "<script"));
	ck_assert_ptr_nonnull(strstr(svg, "crafted &lt;test&gt;"));
	/* 400 px between the margins for 4 samples: 100 px a sample. */
	ck_assert_double_eq_tol(attr_after(svg, "<title>all (4 samples", "width"), 400, 0.01);
	ck_assert_double_eq_tol(attr_after(svg, "<title>root (4 samples", "width"), 400, 0.01);
	ck_assert_double_eq_tol(attr_after(svg, "<title>left (3 samples", "width"), 300, 0.01);
	ck_assert_double_eq_tol(attr_after(svg, "<title>left (3 samples", "x"), 10, 0.01);
	ck_assert_double_eq_tol(attr_after(svg, "<title>right_function", "width"), 100, 0.01);
	/* Siblings side by side in name order: right after left. */
	ck_assert_double_eq_tol(attr_after(svg, "<title>right_function", "x"), 310, 0.01);
	/* Children stand on their parent: one row higher. */
	ck_assert_double_eq_tol(attr_after(svg, "<title>root (", "y") -
					attr_after(svg, "<title>left (", "y"),
				ISO_FLAME_ROW, 0.01);
	/* The long name is cut to what 94 px hold (14 characters), the cut marked. */
	ck_assert_ptr_nonnull(strstr(svg, ">right_functi..</text>"));
	/* ... and whole in its tooltip. */
	ck_assert_ptr_nonnull(strstr(
		svg, "<title>right_function_with_a_very_long_name_indeed (1 samples, 25.00%)"));
	ck_assert_ptr_nonnull(strstr(svg, ">left</text>"));
	free(svg);

	/* Inline for HTML: no prolog and no namespace URL. */
	svg = NULL;
	f = open_memstream(&svg, &len);
	ck_assert_int_eq(iso_flame_svg(f, folded, "t", 420, true), 0);
	fclose(f);
	ck_assert_ptr_null(strstr(svg, "<?xml"));
	ck_assert_ptr_null(strstr(svg, "http"));
	free(svg);
	json_decref(folded);

	/* Nothing to draw. */
	folded = json_array();
	f = open_memstream(&svg, &len);
	ck_assert_int_eq(iso_flame_svg(f, folded, "t", 420, true), -ENODATA);
	fclose(f);
	free(svg);
	json_decref(folded);
}
END_TEST

START_TEST(attr_diff_moves)
{
	json_t *b = json_pack("{s:{s:s,s:i,s:f,s:{s:[{s:s,s:f},{s:s,s:f}]},s:{s:[]}}}",
			      "attribution", "status", "ok", "samples", 100, "on_cpu_ns_per_op",
			      100000.0, "on_cpu", "top_self", "function", "setup_net", "share", 0.5,
			      "function", "other", "share", 0.5, "off_cpu", "waits");
	json_t *n = json_pack("{s:{s:s,s:i,s:f,s:{s:[{s:s,s:f},{s:s,s:f}]},s:{s:[]}}}",
			      "attribution", "status", "ok", "samples", 100, "on_cpu_ns_per_op",
			      200000.0, "on_cpu", "top_self", "function", "setup_net", "share",
			      0.75, "function", "other", "share", 0.25, "off_cpu", "waits");
	json_t *d = iso_attr_diff(b, n), *e;

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(json_string_value(json_object_get(d, "unit")), "ns_per_op");
	e = json_array_get(json_object_get(d, "functions"), 0);
	/* setup_net: 50 us of 100 -> 150 us of 200: +100 us, the largest move. */
	ck_assert_str_eq(json_string_value(json_object_get(e, "function")), "setup_net");
	ck_assert_double_eq_tol(json_number_value(json_object_get(e, "delta_ns_per_op")), 100000,
				1);
	json_decref(d);
	json_object_set_new(json_object_get(n, "attribution"), "status", json_string("skip"));
	ck_assert_ptr_null(iso_attr_diff(b, n));
	json_decref(b);
	json_decref(n);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("attribute");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, fold_merges_and_orders);
	tcase_add_test(tc, fold_many_stacks);
	tcase_add_test(tc, fold_cuts_the_tail);
	tcase_add_test(tc, classify_waits);
	tcase_add_test(tc, flame_svg_widths_and_names);
	tcase_add_test(tc, attr_diff_moves);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return iso_check_run(suite());
}
