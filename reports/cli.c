// SPDX-License-Identifier: MIT
/* Placeholder until the report renderer lands (issue 6). */
#include <stdio.h>

#include "cli.h"

int iso_cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "isobench report: not available in this build yet\n");
	return ISO_EXIT_USAGE;
}
