// SPDX-License-Identifier: MIT
/* Unit tests of harness/sysinfo.c, on the real machine. */
#include <check.h>

#include "check_main.h"
#include <stdbool.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "sysinfo.h"

/* TEMPORARY: stands in for harness/cgroup.c until it is merged; delete with it. */

static json_t *si;

static void setup(void)
{
	si = iso_sysinfo_collect();
	ck_assert_ptr_nonnull(si);
}

static void teardown(void)
{
	json_decref(si);
	si = NULL;
}

START_TEST(test_kernel_release_matches_uname)
{
	struct utsname u;
	const char *rel =
		json_string_value(json_object_get(json_object_get(si, "kernel"), "release"));

	ck_assert_int_eq(uname(&u), 0);
	ck_assert_ptr_nonnull(rel);
	ck_assert_str_eq(rel, u.release);
	ck_assert_str_eq(json_string_value(json_object_get(si, "hostname")), u.nodename);
}
END_TEST

START_TEST(test_cgroup_mode_is_known)
{
	const json_t *cg = json_object_get(si, "cgroup");
	const char *mode = json_string_value(json_object_get(cg, "mode"));
	const json_t *v2 = json_object_get(cg, "v2_options");

	ck_assert_ptr_nonnull(mode);
	ck_assert_msg(!strcmp(mode, "none") || !strcmp(mode, "v1") || !strcmp(mode, "hybrid") ||
			      !strcmp(mode, "v2"),
		      "unknown cgroup mode %s", mode);
	ck_assert(json_is_array(json_object_get(cg, "hierarchies")));
	ck_assert(json_is_array(json_object_get(cg, "controllers")));
	ck_assert(json_is_null(v2) || json_is_boolean(json_object_get(v2, "nsdelegate")));
}
END_TEST

START_TEST(test_topology_has_pus)
{
	const json_t *topo = json_object_get(si, "topology");

	ck_assert(json_is_integer(json_object_get(topo, "pus")));
	ck_assert_int_ge(json_integer_value(json_object_get(topo, "pus")), 1);
}
END_TEST

START_TEST(test_mitigations_are_strings)
{
	const json_t *m = json_object_get(si, "mitigations");
	const char *key;
	json_t *v;

	if (json_is_null(m))
		return; /* no vulnerabilities directory (not x86, or an old kernel) */
	ck_assert(json_is_object(m));
	json_object_foreach((json_t *)m, key, v)
		ck_assert_msg(json_is_string(v), "mitigation %s is not a string", key);
}
END_TEST

START_TEST(test_shape)
{
	static const char *const keys[] = { "isobench", "kernel",     "distro",	  "hostname",
					    "cgroup",	"cpu",	      "topology", "mitigations",
					    "sysctls",	"namespaces", "kconfig",  "cpufreq",
					    "loadavg",	"memory_kib", "swap_kib", "boot_id" };
	const json_t *ns = json_object_get(si, "namespaces"), *e;
	const json_t *sysctls = json_object_get(si, "sysctls");
	const json_t *cpu = json_object_get(si, "cpu");
	bool has_mnt = false;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_msg(json_object_get(si, keys[i]), "missing key %s", keys[i]);
	ck_assert(json_is_array(ns));
	json_array_foreach(ns, i, e)
	{
		ck_assert(json_is_string(e));
		ck_assert(!strstr(json_string_value(e), "_for_children"));
		has_mnt |= !strcmp(json_string_value(e), "mnt");
	}
	ck_assert(has_mnt);
	ck_assert(json_is_string(json_object_get(sysctls, "kernel.pid_max")));
	ck_assert(json_object_get(sysctls, "user.max_user_namespaces"));
	ck_assert(json_object_get(sysctls, "net.core.somaxconn"));
	ck_assert(json_is_string(json_object_get(cpu, "vendor")) ||
		  json_is_string(json_object_get(cpu, "error")));
	ck_assert_int_gt(json_integer_value(json_object_get(si, "memory_kib")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(si, "loadavg")), 3);
}
END_TEST

START_TEST(test_print_mentions_release)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *rel =
		json_string_value(json_object_get(json_object_get(si, "kernel"), "release"));

	ck_assert_ptr_nonnull(f);
	iso_sysinfo_print(f, si);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(strstr(buf, rel));
	ck_assert_ptr_nonnull(strstr(buf, "Kernel\n"));
	ck_assert_ptr_nonnull(strstr(buf, "Cgroups\n"));
	ck_assert_ptr_nonnull(strstr(buf, "Mitigations\n"));
	if (getenv("ISO_SYSINFO_SHOW"))
		fputs(buf, stdout);
	free(buf);
}
END_TEST

/* Printing what is not a sysinfo object, or one full of nulls, does not crash. */
START_TEST(test_print_degenerate)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *odd = json_pack("{s:n, s:{s:n}, s:i, s:[]}", "kernel", "cgroup", "mode", "cpu", 3,
				"topology");

	ck_assert_ptr_nonnull(f);
	iso_sysinfo_print(f, NULL);
	iso_sysinfo_print(f, odd);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(strstr(buf, "(unknown)"));
	json_decref(odd);
	free(buf);
}
END_TEST

static Suite *sysinfo_suite(void)
{
	Suite *s = suite_create("sysinfo");
	TCase *tc = tcase_create("host");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_kernel_release_matches_uname);
	tcase_add_test(tc, test_cgroup_mode_is_known);
	tcase_add_test(tc, test_topology_has_pus);
	tcase_add_test(tc, test_mitigations_are_strings);
	tcase_add_test(tc, test_shape);
	tcase_add_test(tc, test_print_mentions_release);
	tcase_add_test(tc, test_print_degenerate);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return iso_check_run(sysinfo_suite());
}
