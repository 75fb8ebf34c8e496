// SPDX-License-Identifier: MIT
/*
 * isobench bench: measures the cost of isolation primitives into the
 * "bench" section of results.json, with a table on stdout and progress on a
 * TTY. The run owns a state directory and a ledger (like `isobench run`), so
 * a killed run is cleaned up by `isobench cleanup`.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "opts.h"
#include "engine.h"
#include "export.h"
#include "runner.h"
#include "select.h"
#include "session.h"
#include "sysinfo.h"

/* The quick profile's time: base rounds, then extra rounds for what is not yet pinned. */
#define QUICK_BUDGET_S 72

/* More than the registry holds; the rest would be left out. */
#define ISO_BENCH_MAX_SELECTED 1024

static const char usage_bench[] =
	"usage: isobench bench [OPTIONS]\n"
	"\n"
	"Measures isolation primitives (unshare, clone, clone3, setns, netns, veth, cgroup\n"
	"mkdir/attach) against baselines measured in the same run (getpid, fork+exit+wait).\n"
	"Writes results.json (\"bench\" section) to the output folder and a table to stdout.\n"
	"\n"
	"  -f, --filter GLOB     benchmarks whose id matches (repeatable; 'unshare' = 'unshare.*');\n"
	"                        baselines always run\n"
	"  -x, --exclude GLOB    leave out benchmarks whose id matches (repeatable)\n"
	"      --skip-file FILE  leave out those matching a glob of FILE (one a line, '#')\n"
	"  -p, --profile NAME    smoke (< 15 s), quick (default, ~75 s) or full (~2 min on 2 CPUs)\n"
	"  -o, --out DIR         output folder (default: ./isobench-results/<time>-bench-<tag>)\n"
	"      --seed N          seed of the bootstrap and of the round order (default 1)\n"
	"      --rounds N        base repetitions of every benchmark, one per round\n"
	"                        (default: smoke 2, quick 12, full 10); the samples are\n"
	"                        shared out among them\n"
	"      --budget S        then extra rounds, until S seconds after the start, for\n"
	"                        the figures whose p50 is not yet within +-2% (time shared\n"
	"                        equally among them); 0: none (default: quick 72, else 0)\n"
	"      --aslr            keep address-space randomization in the worker processes\n"
	"                        (default off: a fixed layout makes runs comparable)\n"
	"      --slow OP=PCT     inject a slowdown, to test a regression gate: OP's timed\n"
	"                        region gets a busy-wait of PCT%% of OP's own cost, measured\n"
	"                        at the end of each warm-up (repeatable; PCT 1-1000). The\n"
	"                        document records it (bench.injected) and every reader of it\n"
	"                        says so: such a run is never a real measurement\n"
	"      --attribute       after the timed rounds, one more repetition of every\n"
	"                        selected operation with a kernel profiler attached (its\n"
	"                        timings stay out of the figures): kernel functions on CPU,\n"
	"                        waits off CPU by what blocks, kworker time after the op;\n"
	"                        results get an \"attribution\" (needs root or CAP_PERFMON)\n"
	"      --export-csv FILE also write the figures as CSV (one row per result, ns)\n"
	"      --export-md FILE  also write them as a Markdown table (units per value)\n"
	"  -l, --list            list the benchmarks of the profile and exit\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit codes: 0 every benchmark ran or skipped, 2 a benchmark failed, 64 usage, 130\n"
	"interrupted.\n";

static bool baseline(const struct iso_bench *b)
{
	return !strcmp(b->group, "baseline") || !strcmp(b->group, "harness");
}

/* Baselines always run: every ratio needs them. A group name selects the group. */
static bool selected(const struct iso_bench *b, const struct iso_select *sel)
{
	return baseline(b) || iso_select_match(sel, b->id, b->group);
}

static bool in_profile(const struct iso_bench_env *env, const struct iso_bench *b)
{
	unsigned int p = b->profiles ? b->profiles : ISO_PROF_QF;
	unsigned int want = env->profile == ISO_BENCH_SMOKE ? ISO_PROF_SMOKE :
			    env->profile == ISO_BENCH_QUICK ? ISO_PROF_QUICK :
							      ISO_PROF_FULL;

	if (!(p & want))
		return false;
	/* The concurrency sweep goes from 1 to twice the PUs. */
	return !b->concurrency || b->concurrency <= (unsigned int)(2 * env->npus);
}

static double p50(const json_t *results, const char *id)
{
	size_t i;
	json_t *o;

	json_array_foreach(results, i, o)
	{
		if (!strcmp(json_string_value(json_object_get(o, "id")), id)) {
			json_t *st = json_object_get(o, "stats");

			return st ? json_real_value(json_object_get(st, "p50")) : NAN;
		}
	}
	return NAN;
}

/* "OP=PCT" into s. Returns 0 or -EINVAL. */
static int parse_slow(char *arg, struct iso_bench_slow *s)
{
	char *eq = strrchr(arg, '='), *end;
	double pct;

	if (!eq || eq == arg)
		return -EINVAL;
	pct = strtod(eq + 1, &end);
	if (end == eq + 1 || *end || !(pct >= 1 && pct <= 1000))
		return -EINVAL;
	*eq = 0;
	s->op = arg;
	s->pct = pct;
	return 0;
}

/* Injected runs say so where a reader looks: the first and the last lines. */
static void print_injected(FILE *f, const struct iso_bench_slow *slow, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f,
			"INJECTED: %s was slowed by %.0f%% of its own cost on purpose (--slow); "
			"this run is a test of the regression gate, not a measurement\n",
			slow[i].op, slow[i].pct);
}

int iso_cmd_bench(int argc, char **argv, const struct iso_bench *const *tables)
{
	static const struct option opts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "skip-file", required_argument, NULL, ISO_OPT_SKIP_FILE },
		{ "env", required_argument, NULL, 'E' },
		{ "profile", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 'S' },
		{ "aslr", no_argument, NULL, 'A' },
		{ "rounds", required_argument, NULL, 'R' },
		{ "budget", required_argument, NULL, 'B' },
		{ "slow", required_argument, NULL, 'W' },
		{ "attribute", no_argument, NULL, 'T' },
		{ "export-csv", required_argument, NULL, 'C' },
		{ "export-md", required_argument, NULL, 'K' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct iso_bench_env env = { .profile = ISO_BENCH_QUICK, .seed = 1 };
	struct iso_session_opts so = { .cmd = "bench",
				       .kind = "bench",
				       .cg_suffix = "-bench",
				       .quiet_cgroup = true,
				       .argc = argc,
				       .argv = argv };
	struct iso_select sel = { 0 };
	struct iso_session ss;
	const char *pname = "quick";
	int c, bad = 0, total = 0, matched = 0, nerr = 0, nskip = 0, r;
	unsigned int rounds, budget = 0;
	bool budget_set = false;
	bool list = false;
	unsigned int seed;
	json_t *bench, *results;
	double gp, ov;
	static struct iso_bench_slow slow[ISO_BENCH_MAX_SLOW];
	const char *csv = NULL, *md = NULL;
	size_t nslow = 0;

	while ((c = iso_getopt(argc, argv, "bench", ":f:x:p:o:lh", opts, &bad)) != -1 && !bad) {
		switch (c) {
		case 'f':
		case 'x':
		case 'E':
		case ISO_OPT_SKIP_FILE:
			if (iso_session_opt(&so, &sel, c, optarg))
				return ISO_EXIT_USAGE;
			break;
		case 'p':
			pname = optarg;
			if (!strcmp(optarg, "smoke"))
				env.profile = ISO_BENCH_SMOKE;
			else if (!strcmp(optarg, "quick"))
				env.profile = ISO_BENCH_QUICK;
			else if (!strcmp(optarg, "full"))
				env.profile = ISO_BENCH_FULL;
			else
				return iso_usage_error(
					"bench", "--profile is smoke, quick or full, not '%s'",
					optarg);
			break;
		case 'o':
			so.out = optarg;
			break;
		case 'S':
			if (iso_parse_uint(optarg, 0, 0x7fffffff, &seed) < 0)
				return iso_usage_error(
					"bench", "--seed wants a whole number, not '%s'", optarg);
			env.seed = seed;
			break;
		case 'A':
			env.aslr = true;
			break;
		case 'B':
			if (iso_parse_uint(optarg, 0, 86400, &budget) < 0)
				return iso_usage_error(
					"bench", "--budget wants seconds from 0 to 86400, not '%s'",
					optarg);
			budget_set = true;
			break;
		case 'R':
			if (iso_parse_uint(optarg, 2, 1000, &env.rounds) < 0)
				return iso_usage_error("bench",
						       "--rounds wants a whole number from 2 to "
						       "1000, not '%s'",
						       optarg);
			break;
		case 'W':
			if (nslow == ISO_ARRAY_SIZE(slow))
				return iso_usage_error("bench", "--slow: at most %zu of them",
						       ISO_ARRAY_SIZE(slow));
			if (parse_slow(optarg, &slow[nslow]) < 0)
				return iso_usage_error("bench",
						       "--slow wants OP=PCT (PCT 1-1000), not '%s'",
						       optarg);
			nslow++;
			break;
		case 'T':
			env.attribute = true;
			break;
		case 'C':
			csv = optarg;
			break;
		case 'K':
			md = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'h':
			fputs(usage_bench, stdout);
			return 0;
		}
	}
	if (bad)
		return ISO_EXIT_USAGE;
	if (optind < argc)
		return iso_usage_error("bench", "unexpected argument '%s'", argv[optind]);
	env.budget_s = budget_set ? budget : env.profile == ISO_BENCH_QUICK ? QUICK_BUDGET_S : 0;
	r = iso_bench_topology(&env);
	if (r < 0) {
		fprintf(stderr, "isobench bench: topology: %s\n", strerror(-r));
		return ISO_EXIT_BROKEN;
	}
	for (int t = 0; tables[t]; t++)
		for (const struct iso_bench *b = tables[t]; b->id; b++)
			if (in_profile(&env, b) && selected(b, &sel)) {
				total++;
				matched += iso_select_match(&sel, b->id, b->group);
			}
	/* A selection that matches nothing but the baselines run anyway is a typo. */
	if ((sel.ninc || sel.nexc) && !matched) {
		char what[64];

		snprintf(what, sizeof(what), "benchmark of profile %s", pname);
		return iso_select_empty(&sel, "bench", what, "bench --list");
	}
	for (int t = 0; tables[t] && list; t++)
		for (const struct iso_bench *b = tables[t]; b->id; b++)
			if (in_profile(&env, b) && selected(b, &sel))
				printf("%-44s %s\n", b->id, b->group);
	if (list) {
		printf("%d benchmarks in profile %s\n", total, pname);
		return 0;
	}
	for (size_t i = 0; i < nslow; i++) {
		bool found = false;

		for (int t = 0; tables[t] && !found; t++)
			for (const struct iso_bench *b = tables[t]; b->id && !found; b++)
				found = !strcmp(b->id, slow[i].op) && in_profile(&env, b) &&
					selected(b, &sel);
		if (!found)
			return iso_usage_error("bench",
					       "--slow %s: no such benchmark in this selection of "
					       "profile %s (see --list)",
					       slow[i].op, pname);
	}
	env.slow = slow;
	env.nslow = nslow;
	print_injected(stderr, slow, nslow);
	iso_install_signal_handlers();
	so.sel = &sel;
	if (iso_session_open(&ss, &so) < 0) {
		iso_session_free(&ss);
		return ISO_EXIT_BROKEN;
	}
	ss.run.mode_name = "bench";
	env.layout = ss.host.layout;
	env.tag = ss.run.tag;
	snprintf(env.root_name, sizeof(env.root_name), "isobench-%s-bench", env.tag);
	env.root = ss.cg;
	env.host = &ss.host;
	env.v2start = ss.aside.leaf ? ss.aside.start : NULL;
	env.progress = isatty(STDERR_FILENO) ? stderr : NULL;
	bench = json_object();
	results = json_array();
	json_object_set_new(bench, "profile", json_string(pname));
	{
		json_t *inj = json_array();

		for (size_t i = 0; i < nslow; i++)
			json_array_append_new(inj, json_pack("{s:s,s:f}", "op", slow[i].op, "pct",
							     slow[i].pct));
		json_object_set_new(bench, "injected", inj);
	}
	json_object_set_new(bench, "environment", iso_bench_environment());
	{
		static const struct iso_bench *chosen[ISO_BENCH_MAX_SELECTED];
		static const char *skip[ISO_BENCH_MAX_SELECTED];
		static char why[ISO_BENCH_MAX_SELECTED][256];
		static bool attr_sel[ISO_BENCH_MAX_SELECTED];
		size_t n = 0;

		for (int t = 0; tables[t]; t++)
			for (const struct iso_bench *b = tables[t]; b->id; b++) {
				if (!in_profile(&env, b) || !selected(b, &sel) ||
				    n == ISO_ARRAY_SIZE(chosen))
					continue;
				if (!iso_req_check(&b->req, &ss.host, why[n], sizeof(why[n])))
					skip[n] = why[n];
				/* The baselines only when a --filter names them. */
				attr_sel[n] = iso_select_match(&sel, b->id, b->group) &&
					      (sel.ninc || !baseline(b));
				chosen[n++] = b;
			}
		env.attr_sel = attr_sel;
		rounds = iso_bench_run_all(&env, chosen, skip, n, results);
	}
	json_object_set_new(bench, "rounds", json_integer(rounds));
	json_object_set_new(bench, "aslr", json_boolean(env.aslr));
	json_object_set_new(bench, "attribute", json_boolean(env.attribute));
	json_object_set_new(bench, "budget_s", json_real(env.budget_s));
	iso_bench_ratios(results);
	gp = p50(results, "baseline.getpid");
	ov = p50(results, "harness.overhead");
	json_object_set_new(bench, "overhead_ns", isfinite(ov) ? json_real(ov) : json_null());
	json_object_set_new(bench, "overhead_ok",
			    json_boolean(isfinite(ov) && isfinite(gp) && ov <= gp / 4));
	json_object_set_new(bench, "environment_end", iso_bench_environment());
	{
		size_t i;
		json_t *o, *pl = json_array();

		json_array_foreach(results, i, o)
		{
			const char *st = json_string_value(json_object_get(o, "status"));

			nerr += !strcmp(st, "error");
			nskip += !strcmp(st, "skip");
		}
		for (int k = 0; k < env.nplacements; k++)
			json_array_append_new(pl, json_pack("{s:s, s:i, s:i}", "name",
							    env.placements[k].name, "cpu_a",
							    env.placements[k].cpu_a, "cpu_b",
							    env.placements[k].cpu_b));
		json_object_set_new(bench, "placements", pl);
	}
	json_object_set_new(bench, "results", results);
	ss.run.sections = json_pack("{s:O}", "bench", bench);
	r = iso_session_close(&ss);
	iso_bench_print_table(stdout, results);
	print_injected(stdout, slow, nslow);
	printf("harness overhead %.2f ns per sample-op (getpid %.1f ns: %s a quarter of it)\n", ov,
	       gp, isfinite(ov) && ov <= gp / 4 ? "within" : "ABOVE");
	fflush(stdout);
	if (r < 0 && r != -EBUSY) {
		json_decref(bench);
		iso_session_free(&ss);
		return ISO_EXIT_BROKEN;
	}
	fprintf(stderr,
		"isobench bench: %zu results (%d skipped, %d failed) in %.1f s (profile %s)\n",
		json_array_size(results), nskip, nerr, ss.run.wall_ms / 1000, pname);
	fprintf(stderr, "isobench bench: results in %s\n", ss.path);
	if (csv || md) {
		struct iso_export e = { .nruns = 1,
					.labels = { ss.run.tag },
					.results = { results } };

		if (iso_export_write(&e, csv, md, "bench") < 0)
			nerr++;
	}
	r = !ss.run.complete		? ISO_EXIT_INTERRUPTED :
	    nerr || ss.run.leftovers[0] ? ISO_EXIT_BROKEN :
					  ISO_EXIT_OK;
	json_decref(bench);
	iso_session_free(&ss);
	return r;
}
