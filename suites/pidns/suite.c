// SPDX-License-Identifier: MIT
/*
 * The PID namespace conformance suite (pid_namespaces(7), clone(2), unshare(2),
 * setns(2)). The cases live in signals.c, visibility.c, lifecycle.c and nesting.c,
 * each file with its own table; each case starts with a comment on what it asserts
 * and where that is documented.
 */
#include "pidns.h"

const struct iso_suite iso_suite_pidns =
	ISO_SUITE_PARTS("pidns", &pidns_signals_cases, &pidns_visibility_cases,
			&pidns_lifecycle_cases, &pidns_nesting_cases);
