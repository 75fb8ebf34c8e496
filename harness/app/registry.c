// SPDX-License-Identifier: MIT
/*
 * What exists: the suites (suites.def, one line each) and the benchmark tables.
 * The core never names these; the app hands them to the runner and the engine.
 */
#include "app.h"

#define ISO_SUITE_ITEM(s, name) extern const struct iso_suite s;
#include "suites.def"
#undef ISO_SUITE_ITEM

#define ISO_SUITE_ITEM(s, name) &s,
const struct iso_suite *const iso_app_suites[] = {
#include "suites.def"
	NULL,
};
#undef ISO_SUITE_ITEM

/* Baselines first: every ratio needs them. */
extern const struct iso_bench iso_bench_baselines[], iso_bench_ns[], iso_bench_net[],
	iso_bench_cg[], iso_bench_container[];

const struct iso_bench *const iso_app_bench_tables[] = {
	iso_bench_baselines, iso_bench_ns, iso_bench_net, iso_bench_cg, iso_bench_container, NULL,
};

#define ISO_SUITE_ITEM(s, name) name,
const char *const iso_app_suite_names[] = {
#include "suites.def"
	NULL,
};
#undef ISO_SUITE_ITEM
