// SPDX-License-Identifier: MIT
/*
 * Cases that test the runner itself: a case that hangs, one that leaks every
 * kind of object the audit knows, one that crashes, one that passes. Hidden:
 * `isobench list/run` show them only with ISOBENCH_SELFTEST=1. They assert
 * nothing about the kernel and ignore iso_ctx_is_control(): their control runs
 * the same body. harness/tests/it_harness.sh relies on their ids, verdicts and
 * reasons.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "iso.h"
#include "netlink.h"

#define SLEEPER_NAME "isb-selftest"

/* Becomes a process that outlives the case: own session, own PID namespace, renamed. */
static int sleep_forever(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, SLEEPER_NAME);
	for (;;)
		pause();
	return 0;
}

static int escape(void *arg)
{
	pid_t p;

	(void)arg;
	setsid();
	p = iso_spawn(CLONE_NEWPID, sleep_forever, NULL);
	return p < 0 ? 1 : 0;
}

/* Starts an escaped sleeper (its parent exits at once). Returns 0 or -errno. */
static int start_escaped_sleeper(struct iso_ctx *ctx)
{
	int st;
	pid_t p = iso_spawn(0, escape, NULL);

	if (p < 0)
		return p;
	if (iso_wait_timeout(p, &st, iso_ctx_ms(ctx, 5000)) < 0)
		return -ETIMEDOUT;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

static enum iso_verdict passes(struct iso_ctx *ctx)
{
	iso_note(ctx, "selftest", "passed");
	return ISO_PASS;
}

/* Skips with a reason, case and control alike: for the output formats' tests. */
static enum iso_verdict skips(struct iso_ctx *ctx)
{
	return iso_skip(ctx, "self-test of skips: nothing to run here");
}

/*
 * Fails on every second run in a run: a marker file under /tmp named by the run
 * tag toggles (an even --repeat leaves nothing behind). For run --repeat.
 */
static enum iso_verdict sometimes_fails(struct iso_ctx *ctx)
{
	char path[96];
	int fd;

	if (iso_ctx_is_control(ctx))
		return iso_fail(ctx, "self-test control: fails as it must");
	snprintf(path, sizeof(path), "/tmp/isobench-selftest-flaky-%s", iso_ctx_tag(ctx));
	if (unlink(path) == 0)
		return iso_fail(ctx, "self-test of flakiness: every second run fails");
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return iso_broken(ctx, -errno, "create %s", path);
	close(fd);
	return ISO_PASS;
}

/* Hangs, with an escaped sleeper: the runner's timeout must kill the whole cgroup. */
static enum iso_verdict hangs(struct iso_ctx *ctx)
{
	int r = start_escaped_sleeper(ctx);

	if (r < 0)
		return iso_broken(ctx, r, "start sleeper");
	for (;;)
		pause();
	return ISO_PASS;
}

/* Sleeps long with an escaped sleeper: used to SIGKILL the runner mid-case. */
static enum iso_verdict sleeps(struct iso_ctx *ctx)
{
	int r = start_escaped_sleeper(ctx);

	if (r < 0)
		return iso_broken(ctx, r, "start sleeper");
	iso_sleep_ms(iso_ctx_ms(ctx, 60000));
	return ISO_PASS;
}

static enum iso_verdict crashes(struct iso_ctx *ctx)
{
	(void)ctx;
	raise(SIGSEGV);
	return ISO_PASS;
}

/* In the runner's mount namespace: a tmpfs mount and a named netns, both undeclared. */
struct leak_arg {
	struct iso_ctx *ctx;
	pid_t runner;
};

static int leak_host_objects(void *arg)
{
	struct leak_arg *a = arg;
	struct iso_ctx *ctx = a->ctx;
	char path[512], name[16], ns[64];
	int fd, nfd;

	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int)a->runner);
	fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/leakmnt", iso_ctx_dir(ctx));
	mkdir(path, 0755);
	if (mount("isobench-selftest", path, "tmpfs", 0, "size=1m") < 0)
		return 2;
	if (iso_ctx_name(ctx, name, sizeof(name), "lk") < 0)
		return 3;
	mkdir("/run/netns", 0755);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	nfd = open(path, O_CREAT | O_RDONLY | O_CLOEXEC, 0644);
	if (nfd < 0)
		return 4;
	close(nfd);
	if (unshare(CLONE_NEWNET) < 0 || mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
		return 5;
	return 0;
}

/*
 * A named v1 hierarchy isb<tag>lk that outlives its mount: mounted in the case's own mount
 * namespace with a child cgroup in it. Returns 0, or -errno where v1 cannot be mounted.
 */
static int leak_named_hierarchy(struct iso_ctx *ctx)
{
	char dir[512], child[600], opts[64], name[16];

	if (iso_ctx_name(ctx, name, sizeof(name), "lk") < 0)
		return -ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%s/hier", iso_ctx_dir(ctx));
	snprintf(opts, sizeof(opts), "none,name=%s", name);
	if (mkdir(dir, 0755) < 0 || mount("cgroup", dir, "cgroup", 0, opts) < 0)
		return -errno;
	snprintf(child, sizeof(child), "%s/held", dir);
	mkdir(child, 0755);
	umount2(dir, MNT_DETACH);
	return 0;
}

/*
 * Leaks one of every kind the audit knows, each named or placed as the run's own: a process,
 * a host mount, a named netns, a host veth pair, a cgroup beside its own and (where v1
 * hierarchies can be mounted) a named hierarchy.
 */
static enum iso_verdict leaks(struct iso_ctx *ctx)
{
	char sib[600], la[16], lb[16];
	const char *dir = iso_cg_dir(iso_ctx_cgroup(ctx), NULL);
	struct leak_arg a = { .ctx = ctx, .runner = getppid() };
	int st, r;
	pid_t p;

	r = start_escaped_sleeper(ctx);
	if (r < 0)
		return iso_broken(ctx, r, "start sleeper");
	p = iso_spawn(0, leak_host_objects, &a);
	if (p < 0 || iso_wait_timeout(p, &st, iso_ctx_ms(ctx, 5000)) < 0)
		return iso_broken(ctx, p < 0 ? p : -ETIMEDOUT, "leak host objects");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return iso_broken(ctx, 0, "leak host objects: step %d failed", WEXITSTATUS(st));
	if (iso_ctx_name(ctx, la, sizeof(la), "lv") < 0 ||
	    iso_ctx_name(ctx, lb, sizeof(lb), "lw") < 0)
		return iso_broken(ctx, -ENAMETOOLONG, "link names");
	r = iso_nl_veth_add(la, lb, -1);
	iso_note(ctx, "link", "%s", r == 0 ? la : strerror(-r));
	r = leak_named_hierarchy(ctx);
	iso_note(ctx, "named_hierarchy", "%s", r == 0 ? "leaked" : strerror(-r));
	if (dir) {
		snprintf(sib, sizeof(sib), "%s", dir);
		if (strrchr(sib, '/'))
			*strrchr(sib, '/') = '\0';
		strncat(sib, "/leaked-cgroup", sizeof(sib) - strlen(sib) - 1);
		if (mkdir(sib, 0755) < 0)
			return iso_broken(ctx, -errno, "mkdir %s", sib);
	}
	return ISO_PASS;
}

/* Declares a named netns in the ledger: the runner removes it, and it is no leak. */
static int declared_netns(void *arg)
{
	struct leak_arg *a = arg;
	struct iso_ctx *ctx = a->ctx;
	char path[64], name[16], ns[64];
	int fd;

	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int)a->runner);
	fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
		return 1;
	iso_ctx_name(ctx, name, sizeof(name), "ok");
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (iso_ledger_add(ctx, "netns", path) < 0)
		return 2;
	mkdir("/run/netns", 0755);
	fd = open(path, O_CREAT | O_RDONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return 3;
	close(fd);
	if (unshare(CLONE_NEWNET) < 0 || mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
		return 4;
	return 0;
}

static enum iso_verdict declares_netns(struct iso_ctx *ctx)
{
	struct leak_arg a = { .ctx = ctx, .runner = getppid() };
	int st;
	pid_t p = iso_spawn(0, declared_netns, &a);

	if (p < 0 || iso_wait_timeout(p, &st, iso_ctx_ms(ctx, 5000)) < 0)
		return iso_broken(ctx, p < 0 ? p : -ETIMEDOUT, "create netns");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return iso_broken(ctx, 0, "create netns: step %d failed", WEXITSTATUS(st));
	return ISO_PASS;
}

/* Fails, case and control alike: with a matching known deviation the run still exits 0. */
static enum iso_verdict deviates(struct iso_ctx *ctx)
{
	return iso_fail(ctx, "the kernel deviates as declared");
}

/* The well-behaved shape: passes as the case, fails as the negative control. */
static enum iso_verdict control_fails(struct iso_ctx *ctx)
{
	if (iso_ctx_is_control(ctx))
		return iso_fail(ctx, "the isolation was left out");
	return ISO_PASS;
}

static const struct iso_known deviation_here[] = {
	{ .reason = "the kernel deviates", .what = "self-test of known deviations" },
	{ 0 },
};
static const struct iso_known deviation_elsewhere[] = {
	{ .from = "99.0", .reason = "the kernel deviates", .what = "only on kernels from 99.0" },
	{ 0 },
};

static const struct iso_case cases[] = {
	ISO_CASE(passes, .doc = "passes (its control passes too: a case that cannot fail)"),
	ISO_CASE(control_fails, .doc = "passes, and its negative control fails as it must"),
	ISO_CASE(skips, .doc = "skips with a reason (for the output formats' tests)"),
	ISO_CASE(sometimes_fails,
		 .doc = "fails on every second run (for run --repeat; use an even N)"),
	ISO_VARIANT(fails_as_known_deviation, deviates, NULL,
		    .doc = "fails with a reason declared as a known deviation on every kernel",
		    .known = deviation_here),
	ISO_VARIANT(fails_outside_known_range, deviates, NULL,
		    .doc = "fails with that reason, declared only for kernels from 99.0: a fail",
		    .known = deviation_elsewhere),
	ISO_CASE(hangs,
		 .doc = "hangs with an escaped child: ends as error (timeout), leaves nothing",
		 .timeout_ms = 1000,
		 .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID }),
	ISO_CASE(sleeps, .doc = "sleeps 60 s with an escaped child: for SIGKILL-then-cleanup tests",
		 .timeout_ms = 120000,
		 .req = { .root = true, .userns_ok = true, .ns = CLONE_NEWPID }),
	ISO_CASE(crashes, .doc = "dies of SIGSEGV: ends as error"),
	ISO_CASE(leaks,
		 .doc = "leaks a process, host mount, netns, link, cgroup, hierarchy: error (leak)",
		 .req = { .root = true,
			  .root_for = "leaks into the host on purpose",
			  .ns = CLONE_NEWNET | CLONE_NEWPID }),
	ISO_CASE(
		declares_netns,
		.doc = "creates a named netns it declared in the ledger: passes, the runner removes it",
		.req = { .root = true,
			 .root_for = "a named netns in /run/netns",
			 .ns = CLONE_NEWNET }),
};

/* ISO_SUITE() plus .hidden: listed and run only with ISOBENCH_SELFTEST=1. */
const struct iso_suite iso_suite_selftest = {
	.name = "selftest",
	.cases = cases,
	.ncases = ISO_ARRAY_SIZE(cases),
	.hidden = true,
};
