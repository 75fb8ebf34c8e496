// SPDX-License-Identifier: MIT
/* Every conformance suite, listed explicitly: adding a suite is one line here. */
#include "iso.h"

extern const struct iso_suite iso_suite_selftest;
extern const struct iso_suite iso_suite_cgroup_cpu;
extern const struct iso_suite iso_suite_cgroup_cpuset;
extern const struct iso_suite iso_suite_cgroup_io;
extern const struct iso_suite iso_suite_cgroup_attach;

/* One suite per line. */
/* clang-format off */
const struct iso_suite *const iso_suites[] = {
	&iso_suite_selftest,
	&iso_suite_cgroup_cpu,
	&iso_suite_cgroup_cpuset,
	&iso_suite_cgroup_io,
	&iso_suite_cgroup_attach,
	NULL,
};
/* clang-format on */
