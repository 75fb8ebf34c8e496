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
#include "runner.h"
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
	"  -l, --list            list the benchmarks of the profile and exit\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit codes: 0 every benchmark ran or skipped, 2 a benchmark failed, 64 usage, 130\n"
	"interrupted.\n";

static bool baseline(const struct iso_bench *b)
{
	return !strcmp(b->group, "baseline") || !strcmp(b->group, "harness");
}

static bool selected(const struct iso_bench *b, const char **filters, int nf)
{
	if (baseline(b) || nf == 0)
		return true;
	for (int i = 0; i < nf; i++) {
		size_t n = strlen(filters[i]);

		if (!fnmatch(filters[i], b->id, 0) || !strcmp(filters[i], b->group) ||
		    (!strchr(filters[i], '*') && !strncmp(b->id, filters[i], n) &&
		     (b->id[n] == '.' || !b->id[n])))
			return true;
	}
	return false;
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

/* Creates the run's bench cgroup (env->root_name) below the start cgroup, ledger first. */
static struct iso_cg *make_root(const struct iso_bench_env *env, const char *ledger)
{
	const struct iso_cg_layout *l = env->layout;
	const char *name = env->root_name;
	struct iso_cg *cg = NULL;
	int r;

	if (geteuid() != 0)
		return NULL;
	for (int i = 0; i < l->nhier; i++) {
		char p[PATH_MAX];

		if (!l->hier[i].self[0] || l->hier[i].name[0])
			continue;
		snprintf(p, sizeof(p), "%s/%s", l->hier[i].self, name);
		iso_ledger_append(ledger, "cgroup", p);
	}
	r = iso_cg_create(l, NULL, name, NULL, &cg);
	if (r < 0) {
		fprintf(stderr,
			"isobench bench: cannot create cgroup %s below the start cgroup (%s); "
			"cgroup benchmarks skip\n",
			name, strerror(-r));
		return NULL;
	}
	return cg;
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

int iso_cmd_bench(int argc, char **argv, const struct iso_bench *const *tables)
{
	static const struct option opts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "profile", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 'S' },
		{ "aslr", no_argument, NULL, 'A' },
		{ "rounds", required_argument, NULL, 'R' },
		{ "budget", required_argument, NULL, 'B' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct iso_bench_env env = { .profile = ISO_BENCH_QUICK, .seed = 1 };
	struct iso_run run = { 0 };
	struct iso_env host;
	const char *filters[64], *out = NULL, *pname = "quick";
	char outdir[PATH_MAX], path[PATH_MAX + 32], state[PATH_MAX], ledger[PATH_MAX + 16];
	int nf = 0, c, bad = 0, total = 0, nerr = 0, nskip = 0, r;
	unsigned int rounds, budget = 0;
	bool budget_set = false;
	bool list = false;
	unsigned int seed;
	struct iso_cg *root;
	json_t *bench, *results, *doc;
	uint64_t t0;
	double gp, ov;

	while ((c = iso_getopt(argc, argv, "bench", ":f:p:o:lh", opts, &bad)) != -1 && !bad) {
		switch (c) {
		case 'f':
			if (nf == (int)ISO_ARRAY_SIZE(filters))
				return iso_usage_error("bench", "too many --filter options");
			filters[nf++] = optarg;
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
			out = optarg;
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
			if (in_profile(&env, b) && selected(b, filters, nf)) {
				total++;
				if (list)
					printf("%-44s %s\n", b->id, b->group);
			}
	if (list) {
		printf("%d benchmarks in profile %s\n", total, pname);
		return 0;
	}
	iso_install_signal_handlers();
	iso_env_host(&host);
	env.layout = host.layout;
	iso_random_tag(run.tag);
	env.tag = run.tag;
	run.argc = argc;
	run.argv = argv;
	run.filters = json_array();
	for (int i = 0; i < nf; i++)
		json_array_append_new(run.filters, json_string(filters[i]));
	iso_iso8601_now(run.started, sizeof(run.started));
	if (out)
		snprintf(outdir, sizeof(outdir), "%s", out);
	else
		iso_default_out(outdir, sizeof(outdir), "bench", run.tag);
	r = iso_mkdir_p(outdir, 0755);
	if (r < 0 || access(outdir, W_OK) < 0) {
		fprintf(stderr, "isobench bench: cannot use output folder %s: %s\n", outdir,
			strerror(r < 0 ? -r : errno));
		iso_run_free(&run);
		return ISO_EXIT_BROKEN;
	}
	snprintf(path, sizeof(path), "%s/results.json", outdir);
	r = iso_state_create(run.tag, state, sizeof(state));
	if (r < 0) {
		fprintf(stderr, "isobench bench: cannot create run state directory: %s\n",
			strerror(-r));
		iso_run_free(&run);
		return ISO_EXIT_BROKEN;
	}
	snprintf(ledger, sizeof(ledger), "%s/ledger", state);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	snprintf(env.root_name, sizeof(env.root_name), "isobench-%s-bench", env.tag);
	root = make_root(&env, ledger);
	env.root = root;
	env.progress = isatty(STDERR_FILENO) ? stderr : NULL;
	t0 = iso_now_ns();
	run.sysinfo = iso_sysinfo_collect();
	bench = json_object();
	results = json_array();
	json_object_set_new(bench, "profile", json_string(pname));
	json_object_set_new(bench, "environment", iso_bench_environment());
	{
		static const struct iso_bench *sel[ISO_BENCH_MAX_SELECTED];
		static const char *skip[ISO_BENCH_MAX_SELECTED];
		static char why[ISO_BENCH_MAX_SELECTED][256];
		size_t n = 0;

		for (int t = 0; tables[t]; t++)
			for (const struct iso_bench *b = tables[t]; b->id; b++) {
				if (!in_profile(&env, b) || !selected(b, filters, nf) ||
				    n == ISO_ARRAY_SIZE(sel))
					continue;
				if (!iso_req_check(&b->req, &host, why[n], sizeof(why[n])))
					skip[n] = why[n];
				sel[n++] = b;
			}
		rounds = iso_bench_run_all(&env, sel, skip, n, results);
	}
	json_object_set_new(bench, "rounds", json_integer(rounds));
	json_object_set_new(bench, "aslr", json_boolean(env.aslr));
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
	run.bench = bench;
	run.wall_ms = (iso_now_ns() - t0) / 1e6;
	run.complete = !iso_interrupted;
	if (iso_interrupted)
		snprintf(run.interrupted, sizeof(run.interrupted), "interrupted by signal");
	iso_iso8601_now(run.finished, sizeof(run.finished));
	iso_cg_destroy(root);
	iso_ledger_teardown(ledger, 0, NULL);
	iso_rm_rf(state);
	doc = iso_run_json(&run);
	json_object_set_new(json_object_get(doc, "run"), "mode", json_string("bench"));
	r = iso_json_write_atomic(doc, path);
	json_decref(doc);
	iso_bench_print_table(stdout, results);
	printf("harness overhead %.2f ns per sample-op (getpid %.1f ns: %s a quarter of it)\n", ov,
	       gp, isfinite(ov) && ov <= gp / 4 ? "within" : "ABOVE");
	fflush(stdout);
	if (r < 0) {
		fprintf(stderr, "isobench bench: cannot write %s: %s\n", path, strerror(-r));
		iso_run_free(&run);
		return ISO_EXIT_BROKEN;
	}
	fprintf(stderr,
		"isobench bench: %zu results (%d skipped, %d failed) in %.1f s (profile %s)\n",
		json_array_size(results), nskip, nerr, run.wall_ms / 1000, pname);
	fprintf(stderr, "isobench bench: results in %s\n", path);
	r = !run.complete ? ISO_EXIT_INTERRUPTED : nerr ? ISO_EXIT_BROKEN : ISO_EXIT_OK;
	iso_run_free(&run);
	return r;
}
