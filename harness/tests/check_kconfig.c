// SPDX-License-Identifier: MIT
/* Unit tests of harness/kconfig.c: parsing and lookup of a .config text. */
#include <check.h>

#include "check_main.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

static const char sample[] = "#\n"
			     "# Automatically generated file; DO NOT EDIT.\n"
			     "#\n"
			     "CONFIG_NAMESPACES=y\n"
			     "CONFIG_UTS_NS=y\n"
			     "CONFIG_VETH=m\n"
			     "# CONFIG_TIME_NS is not set\n"
			     "CONFIG_HZ=250\n"
			     "CONFIG_DEFAULT_HOSTNAME=\"(none)\"\n"
			     "CONFIG_EXPLICIT_NO=n\n"
			     "# CONFIG_BROKEN_COMMENT is not\n"
			     "NOT_A_CONFIG=y\n"
			     "CONFIG_CRLF=m\r\n"
			     "CONFIG_LAST=y"; /* no final newline */

START_TEST(test_parse_values)
{
	struct iso_kconfig *k = NULL;

	ck_assert_int_eq(iso_kconfig_parse(&k, sample), 0);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_NAMESPACES"), 'y');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_UTS_NS"), 'y');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_VETH"), 'm');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_TIME_NS"), 'n');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_HZ"), 'y');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_DEFAULT_HOSTNAME"), 'y');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_EXPLICIT_NO"), 'n');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_CRLF"), 'm');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_LAST"), 'y');
	iso_kconfig_free(k);
}
END_TEST

START_TEST(test_absent_is_n)
{
	struct iso_kconfig *k = NULL;

	ck_assert_int_eq(iso_kconfig_parse(&k, sample), 0);
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_USER_NS"), 'n');
	ck_assert_int_eq(iso_kconfig_get(k, "BROKEN_COMMENT"), 'n');
	ck_assert_int_eq(iso_kconfig_get(k, "NOT_A_CONFIG"), 'n');
	/* A prefix of a present name is not a match. */
	ck_assert_int_eq(iso_kconfig_get(k, "UTS"), 'n');
	ck_assert_int_eq(iso_kconfig_get(k, "CONFIG_"), -EINVAL);
	ck_assert_int_eq(iso_kconfig_get(k, ""), -EINVAL);
	ck_assert_int_eq(iso_kconfig_get(k, NULL), -EINVAL);
	iso_kconfig_free(k);
}
END_TEST

START_TEST(test_prefix_optional)
{
	struct iso_kconfig *k = NULL;

	ck_assert_int_eq(iso_kconfig_parse(&k, sample), 0);
	ck_assert_int_eq(iso_kconfig_get(k, "NAMESPACES"), 'y');
	ck_assert_int_eq(iso_kconfig_get(k, "VETH"), 'm');
	ck_assert_int_eq(iso_kconfig_get(k, "TIME_NS"), 'n');
	ck_assert_int_eq(iso_kconfig_get(k, "USER_NS"), 'n');
	iso_kconfig_free(k);
}
END_TEST

START_TEST(test_empty_and_null)
{
	struct iso_kconfig *k = NULL;

	ck_assert_int_eq(iso_kconfig_get(NULL, "CONFIG_USER_NS"), -ENOENT);
	ck_assert_int_eq(iso_kconfig_get(NULL, "USER_NS"), -ENOENT);
	ck_assert_ptr_null(iso_kconfig_source(NULL));
	iso_kconfig_free(NULL);

	ck_assert_int_eq(iso_kconfig_parse(&k, ""), 0);
	ck_assert_int_eq(iso_kconfig_get(k, "USER_NS"), 'n');
	ck_assert_str_eq(iso_kconfig_source(k), "");
	iso_kconfig_free(k);
}
END_TEST

/* On the real machine: load succeeds or says -ENOENT, and agrees with the cached copy. */
START_TEST(test_host)
{
	struct iso_kconfig *k = NULL;
	const struct iso_kconfig *h = iso_kconfig_host();
	int err = iso_kconfig_load(&k);

	ck_assert(err == 0 || err == -ENOENT);
	if (err) {
		ck_assert_ptr_null(h);
		return;
	}
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_eq(iso_kconfig_host(), h);
	ck_assert(!strcmp(iso_kconfig_source(k), "/proc/config.gz") ||
		  !strncmp(iso_kconfig_source(k), "/boot/config-", 13));
	ck_assert_str_eq(iso_kconfig_source(k), iso_kconfig_source(h));
	/* Every kernel with a config has CONFIG_NAMESPACES decided one way or the other. */
	ck_assert_int_eq(iso_kconfig_get(k, "NAMESPACES"), iso_kconfig_get(h, "CONFIG_NAMESPACES"));
	ck_assert(strchr("ymn", iso_kconfig_get(k, "CONFIG_NAMESPACES")));
	iso_kconfig_free(k);
}
END_TEST

static Suite *kconfig_suite(void)
{
	Suite *s = suite_create("kconfig");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_parse_values);
	tcase_add_test(tc, test_absent_is_n);
	tcase_add_test(tc, test_prefix_optional);
	tcase_add_test(tc, test_empty_and_null);
	tcase_add_test(tc, test_host);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return iso_check_run(kconfig_suite());
}
