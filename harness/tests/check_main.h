/* SPDX-License-Identifier: MIT */
/* What every Check unit-test program does with its suite: run it, exit non-zero on failures. */
#ifndef ISO_CHECK_MAIN_H
#define ISO_CHECK_MAIN_H

#include <check.h>

static inline int iso_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
