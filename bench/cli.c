// SPDX-License-Identifier: MIT
/* Placeholder until the benchmark subcommand lands (issue 5). */
#include <stdio.h>

#include "cli.h"

int iso_cmd_bench(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "isobench bench: not available in this build yet\n");
	return ISO_EXIT_USAGE;
}
