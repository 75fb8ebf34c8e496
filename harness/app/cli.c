// SPDX-License-Identifier: MIT
/* The command line: isobench list | sysinfo | run | bench | report | compare | cleanup. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "opts.h"
#include "runner.h"
#include "select.h"
#include "session.h"
#include "sysinfo.h"
#include "reports.h"

#ifndef ISO_VERSION
#define ISO_VERSION "0.0.0"
#endif
#ifndef ISO_GIT_REV
#define ISO_GIT_REV "unknown"
#endif

static const char usage_main[] =
	"usage: isobench COMMAND [OPTIONS]\n"
	"\n"
	"Conformance and benchmark harness for Linux isolation (namespaces, cgroups).\n"
	"\n"
	"Commands:\n"
	"  list      [--filter GLOB] [--json]        cases and their requirements\n"
	"  sysinfo   [--json]                        kernel, cgroup mode, CPU, topology\n"
	"  run       [--filter GLOB] [--out DIR] ... conformance suites (KTAP on stdout)\n"
	"  bench     [--filter GLOB] [--profile quick|full] [--out DIR]  microbenchmarks\n"
	"  report    DIR|FILE.json... [--out DIR]    plots + HTML/Markdown from results\n"
	"  compare   BASE.json NEW.json              regressions; exit 1 on regression\n"
	"  cleanup   [--dry-run]                     remove what a killed run left behind\n"
	"\n"
	"Run 'isobench COMMAND --help' for a command's options.\n"
	"Exit codes: 0 nothing failed, 1 a case failed, 2 broken or error, 64 usage error.\n";

static const char usage_run[] =
	"usage: isobench run [OPTIONS]\n"
	"\n"
	"Runs the conformance cases, each in its own process, cgroup and mount namespace.\n"
	"KTAP goes to stdout; results.json (and optional JUnit XML) to the output folder.\n"
	"\n"
	"  -f, --filter GLOB     run cases whose id matches (repeatable; 'pidns' = 'pidns.*')\n"
	"  -x, --exclude GLOB    leave out cases whose id matches (repeatable, same form)\n"
	"  -o, --out DIR         output folder (default: ./isobench-results/<time>-<tag>)\n"
	"      --controls        run each case's negative control instead: each must fail\n"
	"      --with-controls   run each case, then its negative control; a control that\n"
	"                        passes fails the run\n"
	"      --timeout-mul N   multiply every case timeout by N (1-100; slow VMs, TCG)\n"
	"      --junit FILE      also write JUnit XML\n"
	"      --skip-file FILE  leave out the cases whose id matches a glob of FILE (one a\n"
	"                        line, '#' comments), as kselftest's -s and LTP skip files\n"
	"      --repeat N        run each case (and control) N times; one that fails in any\n"
	"                        of them fails, with how many (catches flaky kernel behaviour)\n"
	"      --shuffle         run the suites and the cases within each in a random order;\n"
	"      --seed S          from seed S (default: from the clock; printed either way)\n"
	"      --env KEY=VALUE   stamp a fact about the environment into the document\n"
	"                        (run.environment; repeatable), e.g. --env vm=vagrant\n"
	"  -v, --verbose         print case logs and cleanup details\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit codes: 0 nothing failed, 1 a case failed, 2 a case broken or error, 64 usage,\n"
	"130 interrupted. With --controls, 'fail' means a control passed (a case that cannot fail).\n"
	"A fail that is a known kernel deviation (declared on the case) is marked XFAIL and\n"
	"does not fail the run; anything of the run left on the host afterwards exits 2.\n";

static const char usage_list[] =
	"usage: isobench list [--filter GLOB] [--exclude GLOB] [--skip-file FILE]\n"
	"                     [--format text|ids|json|ktap]\n"
	"\n"
	"Lists the conformance cases with their requirements. --format ids prints suite:case\n"
	"(kselftest's run_kselftest.sh -l form); json one object per case (--json is the\n"
	"same); ktap a dry run: the KTAP a run would print, each case ok, or '# SKIP reason'\n"
	"where this machine lacks what it needs. Exit 64 when nothing matches.\n";

static const char usage_sysinfo[] =
	"usage: isobench sysinfo [--json]\n"
	"\n"
	"Describes this machine: kernel, cgroup mode and controllers, CPU\n"
	"(libcpuid), topology (hwloc), mitigations, sysctls.\n";

static const char usage_cleanup[] =
	"usage: isobench cleanup [--dry-run]\n"
	"\n"
	"Removes cgroups, named netns, links, mounts and state left by isobench runs whose\n"
	"process is gone (SIGKILLed, crashed). Live runs are left alone.\n";

/* True if both --controls and --with-controls were given. */
static bool has_both_modes(int argc, char **argv)
{
	bool a = false, b = false;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		a |= !strcmp(argv[i], "--controls");
		b |= !strcmp(argv[i], "--with-controls");
	}
	return a && b;
}

static void print_summary(const struct iso_run *run)
{
	const int *n = run->count, *c = run->ctl_count;

	fprintf(stderr,
		"isobench: %d cases in %.1f s: %d pass, %d fail, %d skip, %d broken, %d error%s%s\n",
		run->nresults, run->wall_ms / 1000, n[ISO_PASS], n[ISO_FAIL], n[ISO_SKIP],
		n[ISO_BROKEN], n[ISO_ERROR],
		run->nknown ? " (known deviations among the fails)" : "",
		run->complete ? "" : " (interrupted: results incomplete)");
	if (run->mode == ISO_MODE_BOTH)
		fprintf(stderr,
			"isobench: controls: %d failed as expected, %d passed (cannot fail), %d skip, "
			"%d broken, %d error\n",
			c[ISO_PASS], c[ISO_FAIL], c[ISO_SKIP], c[ISO_BROKEN], c[ISO_ERROR]);
	if (run->nknown)
		fprintf(stderr, "isobench: %d known kernel deviation%s (marked XFAIL in KTAP)\n",
			run->nknown, run->nknown == 1 ? "" : "s");
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "out", required_argument, NULL, 'o' },
		{ "controls", no_argument, NULL, 'C' },
		{ "with-controls", no_argument, NULL, 'W' },
		{ "timeout-mul", required_argument, NULL, 'T' },
		{ "junit", required_argument, NULL, 'J' },
		{ "env", required_argument, NULL, 'E' },
		{ "skip-file", required_argument, NULL, ISO_OPT_SKIP_FILE },
		{ "repeat", required_argument, NULL, 'R' },
		{ "shuffle", no_argument, NULL, 'S' },
		{ "seed", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct iso_run_opts o = { .time_mul = 1, .suites = iso_app_suites };
	struct iso_session_opts so = { .cmd = "run", .kind = "run", .argc = argc, .argv = argv };
	struct iso_select sel = { 0 };
	struct iso_session ss;
	const char *junit = NULL, *st = getenv("ISOBENCH_SELFTEST");
	int c, bad = 0, code, r;
	bool seed_set = false;

	while ((c = iso_getopt(argc, argv, "run", ":f:x:o:vh", opts, &bad)) != -1 && !bad) {
		switch (c) {
		case 'f':
		case 'x':
		case 'E':
		case ISO_OPT_SKIP_FILE:
			if (iso_session_opt(&so, &sel, c, optarg))
				return ISO_EXIT_USAGE;
			break;
		case 'o':
			so.out = optarg;
			break;
		case 'R':
			if (iso_parse_uint(optarg, 1, 10000, &o.repeat) < 0)
				return iso_usage_error(
					"run",
					"--repeat wants a whole number from 1 to 10000, not '%s'",
					optarg);
			break;
		case 'S':
			o.shuffle = true;
			break;
		case 'D':
			if (iso_parse_uint(optarg, 0, 0xffffffffu, &o.seed) < 0)
				return iso_usage_error(
					"run", "--seed wants a whole number, not '%s'", optarg);
			seed_set = true;
			break;
		case 'C':
			o.mode = ISO_MODE_CONTROLS;
			break;
		case 'W':
			o.mode = ISO_MODE_BOTH;
			break;
		case 'T':
			if (iso_parse_uint(optarg, 1, 100, &o.time_mul) < 0)
				return iso_usage_error(
					"run",
					"--timeout-mul wants a whole number from 1 to 100, not '%s'",
					optarg);
			break;
		case 'J':
			junit = optarg;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'h':
			fputs(usage_run, stdout);
			return 0;
		}
	}
	if (bad)
		return ISO_EXIT_USAGE;
	if (optind < argc)
		return iso_usage_error("run", "unexpected argument '%s'", argv[optind]);
	if (has_both_modes(argc, argv))
		return iso_usage_error("run", "--controls and --with-controls exclude each other");
	if (seed_set && !o.shuffle)
		return iso_usage_error("run", "--seed goes with --shuffle");
	if (o.shuffle && !seed_set) {
		struct timespec ts;

		/* A seed from the clock, printed (KTAP and run.shuffle_seed) to replay the order. */
		clock_gettime(CLOCK_REALTIME, &ts);
		o.seed = (unsigned int)(ts.tv_nsec ^ ts.tv_sec ^ getpid()) & 0x7fffffff;
	}
	o.sel = &sel;
	o.selftest = st && !strcmp(st, "1");
	if (!iso_run_nselected(&o))
		return iso_select_empty(&sel, "run", "case", "list");
	o.progress = isatty(STDERR_FILENO);
	o.ktap = stdout;
	so.sel = &sel;
	so.kind = o.mode == ISO_MODE_CONTROLS ? "controls" : "run";
	iso_install_signal_handlers();
	if (iso_session_open(&ss, &so) < 0) {
		iso_session_free(&ss);
		return ISO_EXIT_BROKEN;
	}
	r = iso_run_cases(&ss, &o);
	if (r < 0) {
		iso_session_close(&ss);
		iso_session_free(&ss);
		return ISO_EXIT_BROKEN;
	}
	r = iso_session_close(&ss);
	if (r < 0 && r != -EBUSY) {
		iso_session_free(&ss);
		return ISO_EXIT_BROKEN;
	}
	if (junit && (r = iso_junit_write(&ss.run, junit)) < 0)
		fprintf(stderr, "isobench run: cannot write %s: %s\n", junit, strerror(-r));
	print_summary(&ss.run);
	fprintf(stderr, "isobench: results in %s\n", ss.path);
	code = ss.run.complete ? iso_run_exit_code(&ss.run) : ISO_EXIT_INTERRUPTED;
	iso_session_free(&ss);
	return code;
}

/* list's text form: id, requirements in short, and the doc line. */
static void list_text(json_t *arr)
{
	size_t i;
	json_t *o;

	json_array_foreach(arr, i, o)
	{
		json_t *rq = json_object_get(o, "requirements"), *v;
		const char *key;
		char req[512] = "";
		size_t off = 0;

		json_object_foreach(rq, key, v)
		{
			if (off >= sizeof(req))
				break;
			if (json_is_true(v))
				off += snprintf(req + off, sizeof(req) - off, "%s ", key);
			else if (json_is_string(v))
				off += snprintf(req + off, sizeof(req) - off, "%s:%s ", key,
						json_string_value(v));
		}
		printf("%-58s %s\n", json_string_value(json_object_get(o, "id")), req);
		printf("    %s\n", json_string_value(json_object_get(o, "doc")));
	}
}

/*
 * list --format ktap: a dry run in KTAP, as the run would print it, without
 * running anything: every case "ok", the ones this machine would skip with
 * "# SKIP <reason>" (requirements only: a case may still skip at run time on
 * what only running it finds out).
 */
static void list_ktap(json_t *arr)
{
	size_t i, nsuites = 0;
	json_t *o;
	const char *cur = "";

	json_array_foreach(arr, i, o)
	{
		const char *su = json_string_value(json_object_get(o, "suite"));

		nsuites += strcmp(su, cur) != 0;
		cur = su;
	}
	printf("KTAP version 1\n# dry run (isobench list --format ktap): nothing was run\n1..%zu\n",
	       nsuites);
	cur = "";
	for (size_t k = 0, sn = 0, ncase = 0; k <= json_array_size(arr); k++) {
		json_t *c = json_array_get(arr, k);
		const char *su = c ? json_string_value(json_object_get(c, "suite")) : "";

		if (strcmp(su, cur)) {
			if (cur[0])
				printf("ok %zu %s\n", ++sn, cur);
			if (c) {
				size_t m = 0;

				for (size_t j = k; j < json_array_size(arr); j++)
					m += !strcmp(json_string_value(json_object_get(
							     json_array_get(arr, j), "suite")),
						     su);
				printf("  KTAP version 1\n  # Subtest: %s\n  1..%zu\n", su, m);
			}
			cur = su;
			ncase = 0;
		}
		if (!c)
			break;
		{
			const char *why = json_string_value(json_object_get(c, "skip"));

			printf("  ok %zu %s%s%s\n", ++ncase,
			       json_string_value(json_object_get(c, "case")),
			       why[0] ? " # SKIP " : "", why);
		}
	}
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'F' },
		{ "skip-file", required_argument, NULL, ISO_OPT_SKIP_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct iso_select sel = { 0 };
	int c, bad = 0, n = 0;
	enum { LIST_TEXT, LIST_IDS, LIST_JSON, LIST_KTAP } fmt = LIST_TEXT;
	struct iso_env env;
	bool as_json = false;
	const char *st = getenv("ISOBENCH_SELFTEST");
	bool selftest = st && !strcmp(st, "1");
	json_t *arr = json_array();

	while ((c = iso_getopt(argc, argv, "list", ":f:x:h", opts, &bad)) != -1 && !bad) {
		switch (c) {
		case 'f':
		case 'x':
			if (iso_select_add(&sel, c == 'x', optarg) < 0) {
				json_decref(arr);
				return iso_usage_error("list",
						       "too many --filter/--exclude options");
			}
			break;
		case 'j':
			as_json = true;
			break;
		case 'F':
			if (!strcmp(optarg, "text"))
				fmt = LIST_TEXT;
			else if (!strcmp(optarg, "ids"))
				fmt = LIST_IDS;
			else if (!strcmp(optarg, "json"))
				fmt = LIST_JSON;
			else if (!strcmp(optarg, "ktap"))
				fmt = LIST_KTAP;
			else {
				json_decref(arr);
				return iso_usage_error(
					"list", "--format is text, ids, json or ktap, not '%s'",
					optarg);
			}
			break;
		case ISO_OPT_SKIP_FILE:
			if (iso_select_add_file(&sel, optarg, "list") < 0) {
				json_decref(arr);
				return ISO_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage_list, stdout);
			json_decref(arr);
			return 0;
		}
	}
	if (bad || optind < argc) {
		json_decref(arr);
		return bad ? ISO_EXIT_USAGE :
			     iso_usage_error("list", "unexpected argument '%s'", argv[optind]);
	}
	if (as_json)
		fmt = LIST_JSON;
	iso_env_host(&env);
	for (int i = 0; iso_app_suites[i]; i++) {
		const struct iso_suite *s = iso_app_suites[i];

		if (!iso_suite_visible(s, selftest))
			continue;
		for (size_t k = 0; k < iso_suite_size(s); k++) {
			const struct iso_case *cs = iso_suite_at(s, k);
			char id[160], why[512];
			json_t *o;

			snprintf(id, sizeof(id), "%s.%s", s->name, cs->id);
			if (!iso_select_match(&sel, id, NULL))
				continue;
			n++;
			o = json_object();
			json_object_set_new(o, "id", json_string(id));
			json_object_set_new(o, "suite", json_string(s->name));
			json_object_set_new(o, "case", json_string(cs->id));
			json_object_set_new(o, "doc", json_string(cs->doc ? cs->doc : ""));
			json_object_set_new(o, "timeout_ms",
					    json_integer(cs->timeout_ms ? cs->timeout_ms : 10000));
			json_object_set_new(o, "requirements", iso_req_json(&cs->req));
			why[0] = 0;
			if (fmt == LIST_KTAP)
				iso_req_check(&cs->req, &env, why, sizeof(why));
			json_object_set_new(o, "skip", json_string(why));
			json_array_append_new(arr, o);
		}
	}
	if (!n) {
		json_decref(arr);
		return iso_select_empty(&sel, "list", "case", "list --help");
	}
	switch (fmt) {
	case LIST_JSON: {
		size_t i;
		json_t *o;

		json_array_foreach(arr, i, o)
		{
			json_object_del(o, "skip");
			json_object_del(o, "case");
		}
		json_dumpf(arr, stdout, JSON_INDENT(1));
		fputc('\n', stdout);
		break;
	}
	case LIST_IDS: {
		size_t i;
		json_t *o;

		json_array_foreach(arr, i, o)
			printf("%s:%s\n", json_string_value(json_object_get(o, "suite")),
			       json_string_value(json_object_get(o, "case")));
		break;
	}
	case LIST_KTAP:
		list_ktap(arr);
		break;
	case LIST_TEXT:
		list_text(arr);
		printf("%d cases\n", n);
		break;
	}
	json_decref(arr);
	return 0;
}

static int cmd_sysinfo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool as_json = false;
	int c, bad = 0;
	json_t *si;

	while ((c = iso_getopt(argc, argv, "sysinfo", ":h", opts, &bad)) != -1 && !bad) {
		if (c == 'j')
			as_json = true;
		else if (c == 'h') {
			fputs(usage_sysinfo, stdout);
			return 0;
		}
	}
	if (bad)
		return ISO_EXIT_USAGE;
	if (optind < argc)
		return iso_usage_error("sysinfo", "unexpected argument '%s'", argv[optind]);
	si = iso_sysinfo_collect();
	if (!si) {
		fprintf(stderr, "isobench sysinfo: out of memory\n");
		return ISO_EXIT_BROKEN;
	}
	if (as_json) {
		json_dumpf(si, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
		fputc('\n', stdout);
	} else {
		iso_sysinfo_print(stdout, si);
	}
	json_decref(si);
	return 0;
}

static int cmd_cleanup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool dry = false;
	int c, bad = 0, n;

	while ((c = iso_getopt(argc, argv, "cleanup", ":nh", opts, &bad)) != -1 && !bad) {
		if (c == 'n')
			dry = true;
		else if (c == 'h') {
			fputs(usage_cleanup, stdout);
			return 0;
		}
	}
	if (bad)
		return ISO_EXIT_USAGE;
	if (optind < argc)
		return iso_usage_error("cleanup", "unexpected argument '%s'", argv[optind]);
	n = iso_cleanup_dead_runs(stdout, dry);
	printf("isobench cleanup: %s%d object%s\n", dry ? "would remove " : "removed ", n,
	       n == 1 ? "" : "s");
	return 0;
}

int iso_app_main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fputs(usage_main, stderr);
		return ISO_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("isobench %s (%s)\n", ISO_VERSION, ISO_GIT_REV);
		return 0;
	}
	argc--;
	argv++;
	optind = 1;
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(cmd, "sysinfo"))
		return cmd_sysinfo(argc, argv);
	if (!strcmp(cmd, "cleanup"))
		return cmd_cleanup(argc, argv);
	if (!strcmp(cmd, "bench"))
		return iso_cmd_bench(argc, argv, iso_app_bench_tables);
	if (!strcmp(cmd, ISO_BENCH_WORKER_CMD))
		return iso_bench_worker_main(argc, argv, iso_app_bench_tables);
	if (!strcmp(cmd, "report"))
		return iso_cmd_report(argc, argv);
	if (!strcmp(cmd, "compare"))
		return iso_cmd_compare(argc, argv);
	if (cmd[0] == '-')
		return iso_usage_error(NULL, "unknown option '%s'", cmd);
	return iso_usage_error(NULL, "unknown command '%s'", cmd);
}
