// SPDX-License-Identifier: MIT
/* Unit tests of requirement evaluation (harness/req.c) and kernel version compare. */
#include <check.h>

#include "check_main.h"
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"

static struct iso_cg_layout layout;

static int fake_kconfig(const char *opt)
{
	if (!strcmp(opt, "VETH") || !strcmp(opt, "CONFIG_VETH"))
		return 'm';
	if (!strcmp(opt, "OVERLAY_FS"))
		return 'n';
	return -ENOENT;
}

static ssize_t fake_sysctl(const char *name, char *buf, size_t len)
{
	if (!strcmp(name, "user.max_user_namespaces"))
		return snprintf(buf, len, "100");
	return -ENOENT;
}

static int fake_exists(const char *path)
{
	return strcmp(path, "/dev/loop-control") ? -ENOENT : 0;
}

static void fake_env(struct iso_env *e, uid_t uid, const char *release)
{
	memset(e, 0, sizeof(*e));
	memset(&layout, 0, sizeof(layout));
	layout.mode = ISO_CG_MODE_HYBRID;
	layout.nhier = 2;
	layout.v2 = 1;
	layout.hier[0].version = 1;
	snprintf(layout.hier[0].controllers, sizeof(layout.hier[0].controllers), "memory");
	snprintf(layout.hier[0].self, sizeof(layout.hier[0].self), "/x/memory");
	layout.hier[1].version = 2;
	snprintf(layout.hier[1].controllers, sizeof(layout.hier[1].controllers), "hugetlb pids");
	snprintf(layout.hier[1].self, sizeof(layout.hier[1].self), "/x/unified");
	e->euid = uid;
	snprintf(e->release, sizeof(e->release), "%s", release);
	e->ns_present = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS;
	e->layout = &layout;
	e->kconfig = fake_kconfig;
	e->sysctl = fake_sysctl;
	e->exists = fake_exists;
	e->cgroup_usable = true;
}

START_TEST(kver_compare)
{
	ck_assert_int_lt(iso_kver_cmp("5.8", "5.10"), 0);
	ck_assert_int_gt(iso_kver_cmp("6.18.44-fc-v669", "5.14"), 0);
	ck_assert_int_eq(iso_kver_cmp("6.1.0-47-cloud-amd64", "6.1"), 0);
	ck_assert_int_lt(iso_kver_cmp("4.9", "4.19.0"), 0);
	ck_assert_int_eq(iso_kver_cmp("5.7", "5.7.0"), 0);
	ck_assert_int_gt(iso_kver_cmp("5.7.1", "5.7"), 0);
}
END_TEST

START_TEST(root_and_ns)
{
	struct iso_env e;
	char why[256];
	struct iso_req r = { .root = true, .ns = CLONE_NEWPID };

	fake_env(&e, 1000, "6.1");
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_str_eq(why,
			 "needs CAP_SYS_ADMIN in the initial user namespace: not yet checked in "
			 "a user namespace");
	r.root_for = "mknod(2)";
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_str_eq(why, "needs CAP_SYS_ADMIN in the initial user namespace: mknod(2)");
	/* Rootless: a userns_ok case runs in a user namespace of its own, where one can be made. */
	r.userns_ok = true;
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "a user namespace of the user's own"));
	e.userns = true;
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_int_eq(iso_req_priv(&r, &e), ISO_PRIV_USERNS);
	r.userns_ok = false;
	ck_assert_int_eq(iso_req_priv(&r, &e), ISO_PRIV_NONE);
	r.root_for = NULL;
	fake_env(&e, 0, "6.1");
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	r.ns = CLONE_NEWTIME | CLONE_NEWPID;
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "time"));
}
END_TEST

START_TEST(kernel_minimum)
{
	struct iso_env e;
	char why[256];
	struct iso_req r = { .kernel = "5.14" };

	fake_env(&e, 0, "5.10.0-20-amd64");
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_str_eq(why, "needs kernel 5.14 or later (running 5.10.0-20-amd64)");
	fake_env(&e, 0, "6.1.0");
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
}
END_TEST

START_TEST(controllers_and_versions)
{
	struct iso_env e;
	char why[256];
	struct iso_req r = { .controllers = "memory pids" };

	fake_env(&e, 0, "6.1");
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	r.controllers = "memory@v2";
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_str_eq(why, "needs the memory controller on cgroup v2 (it is on v1 here)");
	r.controllers = "cpu";
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "cpu"));
	r.controllers = "pids@v2,memory@v1";
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	e.cgroup_usable = false;
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "cannot create cgroups"));
}
END_TEST

START_TEST(cgroup_version)
{
	struct iso_env e;
	char why[256];
	struct iso_req r = { .cgroup = ISO_CGV_V2 };

	fake_env(&e, 0, "6.1");
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	r.cgroup = ISO_CGV_V1;
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	layout.v2 = -1;
	layout.nhier = 1;
	r.cgroup = ISO_CGV_V2;
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "cgroup v2"));
}
END_TEST

START_TEST(kconfig_sysctl_files)
{
	struct iso_env e;
	char why[256];
	struct iso_req r = { .kconfig = "VETH" };

	fake_env(&e, 0, "6.1");
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	r.kconfig = "VETH OVERLAY_FS";
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_str_eq(why, "needs CONFIG_OVERLAY_FS=y or =m (kernel config says not set)");
	/* Unknown options do not skip: the case probes at run time. */
	r.kconfig = "SOMETHING_UNKNOWN";
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	r = (struct iso_req){ .sysctl = "user.max_user_namespaces>=10" };
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	r.sysctl = "user.max_user_namespaces>=1000";
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_str_eq(why, "needs sysctl user.max_user_namespaces>=1000 (it is 100)");
	r.sysctl = "kernel.nope=1";
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	r = (struct iso_req){ .files = "/dev/loop-control" };
	ck_assert(iso_req_check(&r, &e, why, sizeof(why)));
	r.files = "/dev/loop-control /dev/nope";
	ck_assert(!iso_req_check(&r, &e, why, sizeof(why)));
	ck_assert_str_eq(why, "needs /dev/nope (missing)");
}
END_TEST

START_TEST(req_json)
{
	struct iso_req r = { .root = true, .ns = CLONE_NEWPID | CLONE_NEWNET, .kernel = "5.8" };
	json_t *o = iso_req_json(&r);

	ck_assert(json_is_true(json_object_get(o, "root")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "namespaces")), "pid net");
	ck_assert_str_eq(json_string_value(json_object_get(o, "kernel")), "5.8");
	json_decref(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("req");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, kver_compare);
	tcase_add_test(tc, root_and_ns);
	tcase_add_test(tc, kernel_minimum);
	tcase_add_test(tc, controllers_and_versions);
	tcase_add_test(tc, cgroup_version);
	tcase_add_test(tc, kconfig_sysctl_files);
	tcase_add_test(tc, req_json);
	suite_add_tcase(s, tc);
	return iso_check_run(s);
}
