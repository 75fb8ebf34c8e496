// SPDX-License-Identifier: MIT
/* Every conformance suite, listed explicitly: adding a suite is one line here. */
#include "iso.h"

extern const struct iso_suite iso_suite_selftest;
extern const struct iso_suite iso_suite_cgroup_memory;
extern const struct iso_suite iso_suite_cgroup_pids;
extern const struct iso_suite iso_suite_cgroup_freezer;

const struct iso_suite *const iso_suites[] = {
	&iso_suite_selftest,
	&iso_suite_cgroup_memory,
	&iso_suite_cgroup_pids,
	&iso_suite_cgroup_freezer,
	NULL,
};
