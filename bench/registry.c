// SPDX-License-Identifier: MIT
/* The benchmark tables, listed explicitly. Baselines first: every ratio needs them. */
#include "bench.h"

extern const struct iso_bench iso_bench_baselines[], iso_bench_ns[], iso_bench_net[],
	iso_bench_cg[], iso_bench_container[];

const struct iso_bench *const iso_bench_tables[] = {
	iso_bench_baselines, iso_bench_ns, iso_bench_net, iso_bench_cg, iso_bench_container, NULL,
};
