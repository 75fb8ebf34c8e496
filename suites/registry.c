// SPDX-License-Identifier: MIT
/* Every conformance suite, listed explicitly: adding a suite is one line here (and its extern). */
#include "iso.h"

extern const struct iso_suite iso_suite_cgroupv1;
extern const struct iso_suite iso_suite_mntns;
extern const struct iso_suite iso_suite_netns;
extern const struct iso_suite iso_suite_pidns;
extern const struct iso_suite iso_suite_selftest;

const struct iso_suite *const iso_suites[] = {
	&iso_suite_cgroupv1,
	&iso_suite_mntns,
	&iso_suite_netns,
	&iso_suite_pidns,
	&iso_suite_selftest,
	NULL,
};
