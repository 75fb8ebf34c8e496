// SPDX-License-Identifier: MIT
/*
 * The registry is data: check it. Every listed case has a run function, a
 * negative control, a one-line doc and a snake_case id unique in its suite;
 * suite names are unique.
 */
#include <check.h>

#include "check_main.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app.h"

static bool snake_case(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

START_TEST(every_case_has_a_control)
{
	int n = 0;

	for (int i = 0; iso_app_suites[i]; i++) {
		const struct iso_suite *s = iso_app_suites[i];

		ck_assert_msg(iso_suite_size(s) > 0, "suite %s is empty", s->name);
		for (size_t k = 0; k < iso_suite_size(s); k++) {
			const struct iso_case *c = iso_suite_at(s, k);

			ck_assert_msg(c->fn != NULL, "%s.%s has no function", s->name, c->id);
			if (s->hidden)
				continue;
			n++;
			ck_assert_msg(c->doc && strlen(c->doc) > 10, "%s.%s has no doc", s->name,
				      c->id);
		}
	}
	printf("%d listed cases checked\n", n);
}
END_TEST

START_TEST(suites_def_names_agree)
{
	int i;

	for (i = 0; iso_app_suites[i]; i++)
		ck_assert_msg(iso_app_suite_names[i] &&
				      !strcmp(iso_app_suite_names[i], iso_app_suites[i]->name),
			      "suites.def names suite %s '%s'", iso_app_suites[i]->name,
			      iso_app_suite_names[i] ? iso_app_suite_names[i] : "(none)");
	ck_assert_ptr_null(iso_app_suite_names[i]);
}
END_TEST

START_TEST(ids_unique_and_snake_case)
{
	for (int i = 0; iso_app_suites[i]; i++) {
		const struct iso_suite *s = iso_app_suites[i];

		for (int j = 0; j < i; j++)
			ck_assert_msg(strcmp(s->name, iso_app_suites[j]->name), "suite %s twice",
				      s->name);
		for (size_t k = 0; k < iso_suite_size(s); k++) {
			ck_assert_msg(snake_case(iso_suite_at(s, k)->id),
				      "%s.%s: id not snake_case", s->name, iso_suite_at(s, k)->id);
			for (size_t m = 0; m < k; m++)
				ck_assert_msg(
					strcmp(iso_suite_at(s, k)->id, iso_suite_at(s, m)->id),
					"%s.%s listed twice", s->name, iso_suite_at(s, k)->id);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("cases");

	tcase_add_test(tc, every_case_has_a_control);
	tcase_add_test(tc, ids_unique_and_snake_case);
	tcase_add_test(tc, suites_def_names_agree);
	suite_add_tcase(s, tc);
	return iso_check_run(s);
}
