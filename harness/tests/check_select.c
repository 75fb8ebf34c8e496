// SPDX-License-Identifier: MIT
/* The selection grammar list, run and bench share: --filter and --exclude globs. */
#include <check.h>

#include "check_main.h"
#include "select.h"

static struct iso_select sel(const char *const *inc, int ni, const char *const *exc, int ne)
{
	struct iso_select s = { 0 };

	for (int i = 0; i < ni; i++)
		iso_select_add(&s, false, inc[i]);
	for (int i = 0; i < ne; i++)
		iso_select_add(&s, true, exc[i]);
	return s;
}

START_TEST(filters)
{
	const char *f1[] = { "pidns" };
	const char *f2[] = { "cgroup.memory.*", "pidns.init_*" };
	const char *f3[] = { "cgroup.memory", "cgroup.memo" };
	struct iso_select none = { 0 }, s1 = sel(f1, 1, NULL, 0), s2 = sel(f2, 2, NULL, 0),
			  s3 = sel(f3, 1, NULL, 0), s3b = sel(f3 + 1, 1, NULL, 0);

	ck_assert(iso_select_match(&none, "pidns.x", NULL));
	ck_assert(iso_select_match(&s1, "pidns.x", NULL));
	ck_assert(!iso_select_match(&s1, "pidnsfoo.x", NULL));
	ck_assert(iso_select_match(&s2, "cgroup.memory.max_oom", NULL));
	ck_assert(iso_select_match(&s2, "pidns.init_ignores", NULL));
	ck_assert(!iso_select_match(&s2, "pidns.nesting", NULL));
	ck_assert(iso_select_match(&s3, "cgroup.memory.max_oom", NULL));
	ck_assert(!iso_select_match(&s3, "cgroup.memoryx.max_oom", NULL));
	ck_assert(!iso_select_match(&s3b, "cgroup.memory.max_oom", NULL));
	/* an exact id is its own bare name */
	ck_assert(iso_select_match(&s3, "cgroup.memory", NULL));
}
END_TEST

START_TEST(excludes)
{
	const char *inc[] = { "pidns" }, *exc[] = { "pidns.init_*", "mntns" };
	struct iso_select only_exc = sel(NULL, 0, exc, 2), both = sel(inc, 1, exc, 1);

	/* excludes alone: everything but what they match */
	ck_assert(iso_select_match(&only_exc, "netns.x", NULL));
	ck_assert(!iso_select_match(&only_exc, "mntns.x", NULL));
	ck_assert(!iso_select_match(&only_exc, "pidns.init_signal", NULL));
	ck_assert(iso_select_match(&only_exc, "pidns.nesting", NULL));
	/* an exclude wins over a filter */
	ck_assert(iso_select_match(&both, "pidns.nesting", NULL));
	ck_assert(!iso_select_match(&both, "pidns.init_x", NULL));
	ck_assert(!iso_select_match(&both, "netns.x", NULL));
}
END_TEST

START_TEST(alias_and_limits)
{
	const char *f[] = { "unshare" }, *x[] = { "veth" };
	struct iso_select s = sel(f, 1, NULL, 0), e = sel(NULL, 0, x, 1), full = { 0 };

	/* a benchmark answers to its group too */
	ck_assert(iso_select_match(&s, "clone.net", "unshare"));
	ck_assert(!iso_select_match(&s, "clone.net", "clone"));
	ck_assert(!iso_select_match(&e, "netns.cycle", "veth"));
	for (int i = 0; i < ISO_SELECT_MAX; i++)
		ck_assert_int_eq(iso_select_add(&full, false, "x"), 0);
	ck_assert_int_lt(iso_select_add(&full, false, "x"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("grammar");

	tcase_add_test(tc, filters);
	tcase_add_test(tc, excludes);
	tcase_add_test(tc, alias_and_limits);
	suite_add_tcase(s, tc);
	return iso_check_run(s);
}
