// SPDX-License-Identifier: MIT
#include "iso.h"
static enum iso_verdict nop(struct iso_ctx *ctx)
{
	(void)ctx;
	return ISO_PASS;
}
static const struct iso_case cases[] = { { .id = "stub", .run = nop, .control = nop } };
const struct iso_suite iso_suite_timens = ISO_SUITE("timens", cases);
