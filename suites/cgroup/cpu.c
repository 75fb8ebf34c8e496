// SPDX-License-Identifier: MIT
/*
 * cgroup.cpu: CPU bandwidth (cpu.max; cfs_quota_us/cfs_period_us on v1), weights
 * (cpu.weight; cpu.shares on v1) and the throttling counters of cpu.stat.
 * Documentation/admin-guide/cgroup-v2.rst "CPU", Documentation/scheduler/sched-bwc.rst.
 *
 * Usage is cpu.stat usage_usec (cpuacct.usage on v1), read around a window after a
 * warm-up. The host has few CPUs and other work runs beside the suite, so the
 * tolerances are wide; each is stated in the case's comment and in its fail reason.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "cgcpu_util.h"

#define WARMUP_MS 300

/* Skips or breaks on a failed knob write; NULL when the write worked. */
static enum iso_verdict knob_verdict(struct iso_ctx *ctx, int r, const char *knob, bool *done)
{
	*done = true;
	if (r == -EOPNOTSUPP || r == -ENOENT)
		return iso_skip(
			ctx,
			"%s is not available here (%s): enable the cpu controller (v2: +cpu "
			"in the parents' cgroup.subtree_control; v1: mount the cpu hierarchy "
			"with CONFIG_CFS_BANDWIDTH / CONFIG_FAIR_GROUP_SCHED)",
			knob, strerror(-r));
	if (r < 0)
		return iso_broken(ctx, r, "write %s", knob);
	*done = false;
	return ISO_PASS;
}

/* Reads usage_usec of cg into *us. Returns 0 or -errno. */
static int usage_us(const struct iso_cg *cg, int64_t *us)
{
	return iso_cg_read_key(cg, "cpu.stat", "usage_usec", us);
}

static enum iso_verdict no_usage(struct iso_ctx *ctx, int r)
{
	if (r == -EOPNOTSUPP || r == -ENOENT)
		return iso_skip(ctx, "no CPU usage counter for a cgroup (cpu.stat usage_usec on "
				     "v2, cpuacct.usage on v1: mount the cpuacct controller)");
	return iso_broken(ctx, r, "read cpu usage");
}

/*
 * Two busy tasks in a cgroup whose cpu.max is "5000 50000" (10% of one CPU) use no
 * more than that over a 1 s window: between 5% and 15% of one CPU. The +-50%
 * tolerance covers period boundaries and a loaded 2-CPU host (with three busy
 * loops beside the suite: 9.6-10.5% measured, the control 49-76%); the lower
 * bound proves the tasks ran. The quota is small so that the control, which
 * shares the loaded host, stays well above the upper bound. cgroup-v2.rst
 * "cpu.max", sched-bwc.rst.
 * Control: no quota written; two busy tasks use well over 15%.
 */
static enum iso_verdict max_caps_usage(struct iso_ctx *ctx)
{
	bool limit = !iso_ctx_is_control(ctx);
	struct iso_cg *cg = NULL;
	_cleanup_pid_ pid_t a = -1;
	_cleanup_pid_ pid_t b = -1;
	int64_t u0, u1;
	uint64_t t0, t1;
	double frac;
	bool done;
	enum iso_verdict v;
	int r = cgcpu_create(ctx, NULL, "capped", NULL, &cg);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	if (limit) {
		v = knob_verdict(ctx, iso_cg_write(cg, "cpu.max", "5000 50000"), "cpu.max", &done);
		if (done)
			goto out;
	}
	r = usage_us(cg, &u0);
	if (r < 0) {
		v = no_usage(ctx, r);
		goto out;
	}
	a = cgcpu_spawn_in(ctx, cg, cgcpu_spin, NULL);
	b = cgcpu_spawn_in(ctx, cg, cgcpu_spin, NULL);
	if (a < 0 || b < 0) {
		v = iso_broken(ctx, a < 0 ? a : b, "start busy tasks in the cgroup");
		goto out;
	}
	iso_sleep_ms(iso_ctx_ms(ctx, WARMUP_MS));
	t0 = iso_now_ns();
	r = usage_us(cg, &u0);
	iso_sleep_ms(1000); /* the measurement window, not a wait: not scaled */
	t1 = iso_now_ns();
	if (r == 0)
		r = usage_us(cg, &u1);
	if (r < 0) {
		v = iso_broken(ctx, r, "read cpu usage");
		goto out;
	}
	frac = (double)(u1 - u0) * 1000.0 / (double)(t1 - t0);
	iso_note(ctx, "usage_pct_of_one_cpu", "%.1f", frac * 100);
	iso_log(ctx, "2 busy tasks used %.1f%% of one CPU over %.2f s", frac * 100,
		(double)(t1 - t0) / 1e9);
	if (frac > 0.15)
		v = iso_fail(ctx,
			     "2 busy tasks used %.1f%% of one CPU over %.2f s under cpu.max %s "
			     "(10%%; tolerance 5-15%%)",
			     frac * 100, (double)(t1 - t0) / 1e9,
			     limit ? "5000 50000" : "max (control)");
	else if (frac < 0.05)
		v = iso_fail(ctx,
			     "2 busy tasks got only %.1f%% of one CPU over %.2f s under cpu.max %s "
			     "(10%%; tolerance 5-15%%)",
			     frac * 100, (double)(t1 - t0) / 1e9,
			     limit ? "5000 50000" : "max (control)");
	else
		v = ISO_PASS;
out:
	iso_cg_free(cg);
	return v;
}

/*
 * Two sibling cgroups with cpu.weight 100 and 300 (cpu.shares 1024 and 3072 on v1),
 * each with one busy task, both pinned to the same CPU, split that CPU 1:3: the
 * usage ratio over a 1.5 s window is 3 within +-35% (1.95 to 4.05; wide because
 * other work shares the CPU and the windows are short). cgroup-v2.rst "Weights",
 * "cpu.weight".
 * Control: both weights 100; the ratio is near 1.
 */
static enum iso_verdict weight_splits_cpu(struct iso_ctx *ctx)
{
	bool weighted = !iso_ctx_is_control(ctx);
	struct iso_cg *lo = NULL, *hi = NULL;
	_cleanup_pid_ pid_t a = -1;
	_cleanup_pid_ pid_t b = -1;
	int64_t a0, a1, b0, b1;
	cpu_set_t set;
	double ratio;
	enum iso_verdict v;
	bool done;
	int cpu, r;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return iso_broken(ctx, -errno, "sched_getaffinity");
	/* The last allowed CPU: CPU 0 tends to carry the interrupts. */
	for (cpu = CPU_SETSIZE - 1; cpu > 0 && !CPU_ISSET(cpu, &set); cpu--)
		;
	r = cgcpu_create(ctx, NULL, "w100", NULL, &lo);
	if (r == 0)
		r = cgcpu_create(ctx, NULL, "w300", NULL, &hi);
	if (r < 0) {
		v = cgcpu_create_failed(ctx, r, "create cgroups");
		goto out;
	}
	v = knob_verdict(ctx, iso_cg_write(lo, "cpu.weight", "100"), "cpu.weight", &done);
	if (!done)
		v = knob_verdict(ctx, iso_cg_write(hi, "cpu.weight", "%d", weighted ? 300 : 100),
				 "cpu.weight", &done);
	if (done)
		goto out;
	r = usage_us(lo, &a0);
	if (r < 0) {
		v = no_usage(ctx, r);
		goto out;
	}
	a = cgcpu_spawn_in(ctx, lo, cgcpu_spin_on, &cpu);
	b = cgcpu_spawn_in(ctx, hi, cgcpu_spin_on, &cpu);
	if (a < 0 || b < 0) {
		v = iso_broken(ctx, a < 0 ? a : b, "start busy tasks");
		goto out;
	}
	iso_sleep_ms(iso_ctx_ms(ctx, WARMUP_MS));
	r = usage_us(lo, &a0);
	if (r == 0)
		r = usage_us(hi, &b0);
	iso_sleep_ms(1500); /* the measurement window, not a wait: not scaled */
	if (r == 0)
		r = usage_us(lo, &a1);
	if (r == 0)
		r = usage_us(hi, &b1);
	if (r < 0) {
		v = iso_broken(ctx, r, "read cpu usage");
		goto out;
	}
	if (a1 - a0 <= 0) {
		v = iso_fail(ctx,
			     "the weight-100 cgroup got no CPU at all in 1.5 s (weight-%d "
			     "sibling got %lld us)",
			     weighted ? 300 : 100, (long long)(b1 - b0));
		goto out;
	}
	ratio = (double)(b1 - b0) / (double)(a1 - a0);
	iso_note(ctx, "cpu", "%d", cpu);
	iso_note(ctx, "usage_us", "%lld vs %lld", (long long)(a1 - a0), (long long)(b1 - b0));
	iso_note(ctx, "ratio", "%.2f", ratio);
	iso_log(ctx, "CPU %d: weight 100 got %lld us, weight %d got %lld us, ratio %.2f", cpu,
		(long long)(a1 - a0), weighted ? 300 : 100, (long long)(b1 - b0), ratio);
	if (ratio < 1.95 || ratio > 4.05)
		v = iso_fail(ctx,
			     "cpu.weight 100 vs %d on one CPU split it %lld:%lld us, ratio %.2f; "
			     "expected 3 within +-35%% (1.95-4.05)",
			     weighted ? 300 : 100, (long long)(a1 - a0), (long long)(b1 - b0),
			     ratio);
	else
		v = ISO_PASS;
out:
	iso_cg_free(lo);
	iso_cg_free(hi);
	return v;
}

/*
 * A busy task under cpu.max "10000 100000" (10%) is throttled: after 600 ms,
 * cpu.stat nr_periods, nr_throttled and throttled_usec (throttled_time in ns on
 * v1) are all above 0. cgroup-v2.rst "cpu.stat", sched-bwc.rst "Statistics".
 * Control: no quota written; nr_throttled stays 0.
 */
static enum iso_verdict stat_counts_throttling(struct iso_ctx *ctx)
{
	bool limit = !iso_ctx_is_control(ctx);
	unsigned int busy_ms = iso_ctx_ms(ctx, 600);
	struct iso_cg *cg = NULL;
	_cleanup_pid_ pid_t a = -1;
	int64_t periods = 0, throttled = 0, tus = 0;
	enum iso_verdict v;
	bool done;
	int r = cgcpu_create(ctx, NULL, "throttled", NULL, &cg);

	if (r < 0)
		return cgcpu_create_failed(ctx, r, "create cgroup");
	/* The control still sets a period, so nr_periods means the same in both. */
	v = knob_verdict(ctx, iso_cg_write(cg, "cpu.max", limit ? "10000 100000" : "max 100000"),
			 "cpu.max", &done);
	if (done)
		goto out;
	a = cgcpu_spawn_in(ctx, cg, cgcpu_spin, NULL);
	if (a < 0) {
		v = iso_broken(ctx, a, "start a busy task");
		goto out;
	}
	iso_sleep_ms(busy_ms);
	r = iso_cg_read_key(cg, "cpu.stat", "nr_throttled", &throttled);
	if (r == 0)
		r = iso_cg_read_key(cg, "cpu.stat", "throttled_usec", &tus);
	if (r == 0)
		r = iso_cg_read_key(cg, "cpu.stat", "nr_periods", &periods);
	if (r == -ENOENT || r == -EOPNOTSUPP) {
		v = iso_skip(ctx, "cpu.stat has no throttling counters here (needs "
				  "CONFIG_CFS_BANDWIDTH and the cpu controller enabled)");
		goto out;
	}
	if (r < 0) {
		v = iso_broken(ctx, r, "read cpu.stat");
		goto out;
	}
	iso_note(ctx, "nr_periods", "%lld", (long long)periods);
	iso_note(ctx, "nr_throttled", "%lld", (long long)throttled);
	iso_note(ctx, "throttled_usec", "%lld", (long long)tus);
	if (throttled <= 0 || tus <= 0)
		v = iso_fail(ctx,
			     "after %u ms of a busy task under cpu.max %s: nr_periods %lld, "
			     "nr_throttled %lld, throttled_usec %lld (expected both throttling "
			     "counters > 0)",
			     busy_ms, limit ? "10000 100000" : "max 100000", (long long)periods,
			     (long long)throttled, (long long)tus);
	else if (periods <= 0)
		v = iso_fail(ctx, "nr_throttled %lld but nr_periods %lld", (long long)throttled,
			     (long long)periods);
	else
		v = ISO_PASS;
out:
	iso_cg_free(cg);
	return v;
}

static const struct iso_case cases[] = {
	ISO_CASE(max_caps_usage,
		 .doc = "cpu.max 5000/50000 holds two busy tasks to 5-15% of one CPU over 1 s "
			"(cgroup-v2.rst cpu.max, sched-bwc.rst)",
		 .timeout_ms = 10000,
		 .req = { .root = true,
			  .deleg_ok = true,
			  .controllers = "cpu",
			  .kconfig = "CFS_BANDWIDTH" }),
	ISO_CASE(weight_splits_cpu,
		 .doc = "cpu.weight 100 vs 300 (cpu.shares on v1) splits one CPU 1:3 within +-35% "
			"(cgroup-v2.rst cpu.weight)",
		 .timeout_ms = 10000,
		 .req = { .root = true,
			  .deleg_ok = true,
			  .controllers = "cpu",
			  .kconfig = "FAIR_GROUP_SCHED" }),
	ISO_CASE(stat_counts_throttling,
		 .doc = "cpu.stat nr_throttled and throttled_usec grow under a cpu.max quota "
			"(cgroup-v2.rst cpu.stat, sched-bwc.rst Statistics)",
		 .timeout_ms = 10000,
		 .req = { .root = true,
			  .deleg_ok = true,
			  .controllers = "cpu",
			  .kconfig = "CFS_BANDWIDTH" }),
};

const struct iso_suite iso_suite_cgroup_cpu = ISO_SUITE("cgroup.cpu", cases);
