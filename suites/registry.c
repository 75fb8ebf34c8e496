// SPDX-License-Identifier: MIT
/* Every conformance suite, listed explicitly: adding a suite is one line here (and its extern). */
#include "iso.h"

extern const struct iso_suite iso_suite_cgroup_attach;
extern const struct iso_suite iso_suite_cgroup_cpu;
extern const struct iso_suite iso_suite_cgroup_cpuset;
extern const struct iso_suite iso_suite_cgroup_freezer;
extern const struct iso_suite iso_suite_cgroup_io;
extern const struct iso_suite iso_suite_cgroup_memory;
extern const struct iso_suite iso_suite_cgroup_pids;
extern const struct iso_suite iso_suite_cgroupns;
extern const struct iso_suite iso_suite_cgroupv1;
extern const struct iso_suite iso_suite_ipcns;
extern const struct iso_suite iso_suite_mntns;
extern const struct iso_suite iso_suite_netdev;
extern const struct iso_suite iso_suite_netns;
extern const struct iso_suite iso_suite_nsgeneric;
extern const struct iso_suite iso_suite_overlay;
extern const struct iso_suite iso_suite_pidns;
extern const struct iso_suite iso_suite_pods;
extern const struct iso_suite iso_suite_privileges;
extern const struct iso_suite iso_suite_rootfs;
extern const struct iso_suite iso_suite_timens;
extern const struct iso_suite iso_suite_userns;
extern const struct iso_suite iso_suite_utsns;
extern const struct iso_suite iso_suite_selftest;

/* clang-format off */
const struct iso_suite *const iso_suites[] = {
	&iso_suite_cgroup_attach,
	&iso_suite_cgroup_cpu,
	&iso_suite_cgroup_cpuset,
	&iso_suite_cgroup_freezer,
	&iso_suite_cgroup_io,
	&iso_suite_cgroup_memory,
	&iso_suite_cgroup_pids,
	&iso_suite_cgroupns,
	&iso_suite_cgroupv1,
	&iso_suite_ipcns,
	&iso_suite_mntns,
	&iso_suite_netdev,
	&iso_suite_netns,
	&iso_suite_nsgeneric,
	&iso_suite_overlay,
	&iso_suite_pidns,
	&iso_suite_pods,
	&iso_suite_privileges,
	&iso_suite_rootfs,
	&iso_suite_timens,
	&iso_suite_userns,
	&iso_suite_utsns,
	&iso_suite_selftest,
	NULL,
};
/* clang-format on */
