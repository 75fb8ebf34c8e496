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
	"      --env KEY=VALUE   stamp a fact about the environment into the document\n"
	"                        (run.environment; repeatable), e.g. --env vm=vagrant\n"
	"  -v, --verbose         print case logs and cleanup details\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit codes: 0 nothing failed, 1 a case failed, 2 a case broken or error, 64 usage,\n"
	"130 interrupted. With --controls, 'fail' means a control passed (a case that cannot fail).\n"
	"A fail that is a known kernel deviation (declared on the case) is marked XFAIL and\n"
	"does not fail the run; anything of the run left on the host afterwards exits 2.\n";

static const char usage_list[] = "usage: isobench list [--filter GLOB] [--exclude GLOB] [--json]\n"
				 "\n"
				 "Lists the conformance cases with their requirements.\n";

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

	while ((c = iso_getopt(argc, argv, "run", ":f:x:o:vh", opts, &bad)) != -1 && !bad) {
		switch (c) {
		case 'f':
		case 'x':
		case 'E':
			if (iso_session_opt(&so, &sel, c, optarg))
				return ISO_EXIT_USAGE;
			break;
		case 'o':
			so.out = optarg;
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

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct iso_select sel = { 0 };
	int c, bad = 0, n = 0;
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
	for (int i = 0; iso_app_suites[i]; i++) {
		const struct iso_suite *s = iso_app_suites[i];

		if (!iso_suite_visible(s, selftest))
			continue;
		for (size_t k = 0; k < iso_suite_size(s); k++) {
			const struct iso_case *cs = iso_suite_at(s, k);
			char id[160], ns[64], req[256];
			size_t off = 0;

			snprintf(id, sizeof(id), "%s.%s", s->name, cs->id);
			if (!iso_select_match(&sel, id, NULL))
				continue;
			n++;
			if (as_json) {
				json_t *o = json_object();

				json_object_set_new(o, "id", json_string(id));
				json_object_set_new(o, "suite", json_string(s->name));
				json_object_set_new(o, "doc", json_string(cs->doc ? cs->doc : ""));
				json_object_set_new(o, "timeout_ms",
						    json_integer(cs->timeout_ms ? cs->timeout_ms :
										  10000));
				json_object_set_new(o, "requirements", iso_req_json(&cs->req));
				json_array_append_new(arr, o);
				continue;
			}
			req[0] = '\0';
			iso_ns_flags_str(cs->req.ns, ns, sizeof(ns));
			if (cs->req.root)
				off += snprintf(req + off, sizeof(req) - off, "root ");
			if (ns[0])
				off += snprintf(req + off, sizeof(req) - off, "ns:%s ", ns);
			if (cs->req.kernel)
				off += snprintf(req + off, sizeof(req) - off, ">=%s ",
						cs->req.kernel);
			if (cs->req.cgroup)
				off += snprintf(req + off, sizeof(req) - off, "cgroup:%s ",
						cs->req.cgroup == ISO_CGV_V1 ? "v1" :
						cs->req.cgroup == ISO_CGV_V2 ? "v2" :
									       "any");
			if (cs->req.kconfig && off < sizeof(req))
				off += snprintf(req + off, sizeof(req) - off, "kconfig:%s ",
						cs->req.kconfig);
			if (cs->req.controllers && off < sizeof(req))
				off += snprintf(req + off, sizeof(req) - off, "%s ",
						cs->req.controllers);
			printf("%-58s %s\n", id, req);
			if (cs->doc)
				printf("    %s\n", cs->doc);
		}
	}
	if (!n) {
		json_decref(arr);
		return iso_select_empty(&sel, "list", "case", "list --help");
	}
	if (as_json) {
		json_dumpf(arr, stdout, JSON_INDENT(1));
		fputc('\n', stdout);
	} else {
		printf("%d cases\n", n);
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
