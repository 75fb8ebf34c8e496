// SPDX-License-Identifier: MIT
/*
 * cgroup.freezer: freezing and killing a whole cgroup (v2 cgroup.freeze and
 * cgroup.kill, v1 freezer.state), through the harness cgroup API.
 *
 * Sources: Documentation/admin-guide/cgroup-v2.rst ("Core Interface Files":
 * cgroup.freeze, cgroup.events, cgroup.kill),
 * Documentation/admin-guide/cgroup-v1/freezer-subsystem.rst. Progress is
 * measured with counters the members increment in shared memory.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgutil.h"

#define NKIDS 2
#define NTICK (1 + NKIDS)

struct tick_shm {
	volatile uint64_t count[NTICK]; /* [0]: the member, [1..]: its children */
	unsigned int life_s; /* the alarm that ends each of them */
};

static void tick_forever(volatile uint64_t *c, unsigned int life_s)
{
	alarm(life_s);
	for (;;) {
		__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
		iso_sleep_ms(1);
	}
}

/* The member: forks NKIDS children before any freeze, then all of them tick. */
static int member_main(void *arg)
{
	struct tick_shm *sh = arg;
	pid_t self = getpid();

	for (int i = 0; i < NKIDS; i++) {
		pid_t c = fork();

		if (c < 0)
			return 2;
		if (c == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != self)
				_exit(0);
			tick_forever(&sh->count[1 + i], sh->life_s);
		}
	}
	tick_forever(&sh->count[0], sh->life_s);
	return 0;
}

static void snapshot(const struct tick_shm *sh, uint64_t *out)
{
	for (int i = 0; i < NTICK; i++)
		out[i] = sh->count[i];
}

/* Waits until every counter moved by at least n from base. Returns 0 or -ETIMEDOUT. */
static int wait_all_moved(const struct tick_shm *sh, const uint64_t *base, uint64_t n,
			  unsigned int timeout_ms)
{
	for (int i = 0; i < NTICK; i++) {
		int r = iso_cgu_wait_counter(&sh->count[i], base[i] + n, timeout_ms);

		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * How a cgroup is frozen: through the harness knob "cgroup.freeze" (v1
 * freezer.state where the freezer is on v1) with its state in "cgroup.events"
 * frozen, or directly through cgroup.freeze and cgroup.events of the cgroup's
 * v2 directory.
 */
struct freezer {
	const struct iso_cg *cg;
	bool direct_v2;
	bool v1; /* the knob maps to v1 freezer.state */
	char freeze[ISO_CG_PATH + 32]; /* the v2 cgroup.freeze when direct_v2 */
	char events[ISO_CG_PATH + 32]; /* the v2 cgroup.events when direct_v2 */
	bool frozen; /* set by freezer_set: a freeze is written and not yet undone */
};

/* Returns 0 or -errno (-EOPNOTSUPP / -ENOENT: no freezer here). */
static int freezer_init(struct freezer *f, const struct iso_cg *cg, bool direct_v2)
{
	const char *dir;
	char path[ISO_CG_PATH + 32];
	int r;

	memset(f, 0, sizeof(*f));
	f->cg = cg;
	f->direct_v2 = direct_v2;
	if (direct_v2) {
		if (cg->layout->v2 < 0 || !(dir = iso_cg_dir(cg, NULL)))
			return -EOPNOTSUPP;
		snprintf(f->freeze, sizeof(f->freeze), "%s/cgroup.freeze", dir);
		snprintf(f->events, sizeof(f->events), "%s/cgroup.events", dir);
		return access(f->freeze, F_OK) < 0 ? -ENOENT : 0;
	}
	r = iso_cg_knob_path(cg, "cgroup.freeze", path, sizeof(path));
	if (r < 0)
		return r;
	if (access(path, F_OK) < 0)
		return -ENOENT;
	f->v1 = strstr(path, "/freezer.state") != NULL;
	return 0;
}

/* Returns 0 or -errno. */
static int freezer_set(struct freezer *f, bool on)
{
	int r;

	if (f->direct_v2)
		r = iso_write_file(f->freeze, "%d", on);
	else
		r = iso_cg_write(f->cg, "cgroup.freeze", "%d", on);
	if (r == 0)
		f->frozen = on;
	return r;
}

/* For a cleanup attribute: thaws what freezer_set froze (nothing else). */
static void freezer_thaw(struct freezer *f)
{
	if (f->frozen)
		freezer_set(f, false);
}
#define _cleanup_thaw_ __attribute__((cleanup(freezer_thaw)))

/* 1 when the freeze has completed (cgroup.events frozen 1, v1 FROZEN), 0 if not, -errno. */
static int freezer_frozen(const struct freezer *f)
{
	int64_t v;
	int r;

	if (f->direct_v2)
		r = iso_read_keyed(f->events, "frozen", &v);
	else
		r = iso_cg_read_key(f->cg, "cgroup.events", "frozen", &v);
	return r < 0 ? r : v == 1;
}

enum freeze_via { FREEZE_KNOB, FREEZE_V2_FILES };

/* Waits up to timeout_ms for the frozen state to become want. Returns 0 or -ETIMEDOUT. */
static int freezer_wait(const struct freezer *f, bool want, unsigned int timeout_ms)
{
	uint64_t deadline = iso_now_ms() + timeout_ms;

	while (freezer_frozen(f) != (int)want) {
		if (iso_now_ms() >= deadline)
			return -ETIMEDOUT;
		iso_sleep_ms(2);
	}
	return 0;
}

/*
 * Freezing a cgroup stops every task in it, including children forked before
 * the freeze; the freezer reports the frozen state (v1 freezer.state FROZEN,
 * v2 cgroup.events frozen 1); thawing lets them all run again and the state
 * follows (cgroup-v2.rst "cgroup.freeze", "cgroup.events";
 * cgroup-v1/freezer-subsystem.rst). The variant says whether the harness knob or
 * the v2 files are used directly. Control: the cgroup is not frozen.
 */
static enum iso_verdict freeze(struct iso_ctx *ctx)
{
	bool direct_v2 = *(const enum freeze_via *)iso_ctx_arg(ctx) == FREEZE_V2_FILES;
	bool do_freeze = !iso_ctx_is_control(ctx);
	unsigned int ms = iso_ctx_ms(ctx, 3000), still_ms = iso_ctx_ms(ctx, 300);
	_cleanup_shared_ struct tick_shm *sh = iso_shared_alloc(sizeof(*sh));
	_cleanup_cg_ struct iso_cg *cg = NULL;
	_cleanup_pid_ pid_t pid = -1;
	/* Declared last, so thawed first: a task frozen by the v1 freezer dies of SIGKILL
	 * only once thawed. */
	_cleanup_thaw_ struct freezer f = { 0 };
	uint64_t a[NTICK] = { 0 }, b[NTICK], t0;
	bool reached;
	int r;

	if (!sh)
		return iso_broken(ctx, -errno, "mmap shared page");
	if (!iso_ctx_cgroup(ctx))
		return iso_skip(ctx,
				"isobench could not create cgroups here (no cgroup for the case)");
	r = iso_cg_create(iso_ctx_layout(ctx), iso_ctx_cgroup(ctx), "frz", "freezer", &cg);
	if (r < 0)
		return iso_broken(ctx, r, "create a cgroup");
	r = freezer_init(&f, cg, direct_v2);
	if (r < 0)
		return iso_cgu_knob_verdict(ctx, "cgroup.freeze", r);
	iso_note(ctx, "freezer", "%s", f.v1 ? "v1 freezer.state" : "v2 cgroup.freeze");
	sh->life_s = iso_ctx_ms(ctx, 20000) / 1000;
	pid = iso_cgu_spawn(cg, member_main, sh);
	if (pid < 0)
		return iso_broken(ctx, pid, "spawn the member into the cgroup");
	if (wait_all_moved(sh, a, 5, ms) < 0)
		return iso_broken(ctx, -ETIMEDOUT,
				  "the member and its children did not start ticking");
	t0 = iso_now_ms();
	if (do_freeze && (r = freezer_set(&f, true)) < 0)
		return iso_cgu_knob_verdict(ctx, "cgroup.freeze", r);
	reached = freezer_wait(&f, true, do_freeze ? ms : still_ms) == 0;
	iso_note(ctx, "frozen_after_ms", "%llu", (unsigned long long)(iso_now_ms() - t0));
	snapshot(sh, a);
	iso_sleep_ms(still_ms);
	snapshot(sh, b);
	for (int i = 0; i < NTICK; i++) {
		char who[48] = "the member";

		if (i)
			snprintf(who, sizeof(who), "child %d (forked before the freeze)", i);
		if (b[i] != a[i])
			return iso_fail(
				ctx, "%s kept running (%llu ticks in %u ms) with cgroup.freeze %s",
				who, (unsigned long long)(b[i] - a[i]), still_ms,
				do_freeze ? "1" : "unset");
	}
	if (!reached)
		return iso_fail(ctx, "the tasks stopped but cgroup.events%s never reported frozen",
				f.v1 ? " (v1: freezer.state)" : "");
	if ((r = freezer_set(&f, false)) < 0)
		return iso_broken(ctx, r, "thaw");
	if (freezer_wait(&f, false, ms) < 0)
		return iso_fail(ctx, "after thawing cgroup.events%s still reports frozen",
				f.v1 ? " (v1: freezer.state)" : "");
	snapshot(sh, a);
	if (wait_all_moved(sh, a, 5, ms) < 0)
		return iso_fail(ctx,
				"after thawing not every task runs again (counters %llu %llu %llu)",
				(unsigned long long)sh->count[0], (unsigned long long)sh->count[1],
				(unsigned long long)sh->count[2]);
	return ISO_PASS;
}

/* ---- cgroup.kill ---- */

#define NSPIN 6

struct spin_shm {
	volatile uint64_t forks;
	unsigned int life_s; /* the alarm that ends each forking task */
};

/* Forks and reaps short-lived children as fast as it can. */
static void spin_forever(struct spin_shm *sh)
{
	alarm(sh->life_s);
	for (;;) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c > 0) {
			__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
			waitpid(c, NULL, 0);
		} else {
			iso_sleep_ms(1);
		}
	}
}

static int forking_main(void *arg)
{
	struct spin_shm *sh = arg;
	pid_t self = getpid();

	for (int i = 0; i < NSPIN; i++) {
		pid_t c = fork();

		if (c == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != self)
				_exit(0);
			spin_forever(sh);
		}
	}
	spin_forever(sh);
	return 0;
}

/*
 * Writing 1 to cgroup.kill kills every process in the cgroup and its
 * descendants, including those forked while the kill is under way, so the
 * cgroup ends up unpopulated (cgroup-v2.rst "cgroup.kill": "... Killing a cgroup
 * tree will deal with concurrent forks appropriately"). Control: cgroup.kill is
 * not written.
 */
static enum iso_verdict kill_reaches_forking_members(struct iso_ctx *ctx)
{
	bool do_kill = !iso_ctx_is_control(ctx);
	unsigned int kill_ms = iso_ctx_ms(ctx, 2000);
	_cleanup_cg_ struct iso_cg *cg = NULL;
	_cleanup_shared_ struct spin_shm *sh = iso_shared_alloc(sizeof(*sh));
	int64_t populated = -1;
	uint64_t f0, t0;
	_cleanup_pid_ pid_t pid = -1;
	pid_t left[64];
	char st[96];
	int r, n, status = 0;

	if (!sh)
		return iso_broken(ctx, -errno, "mmap shared page");
	r = iso_cg_create(iso_ctx_layout(ctx), iso_ctx_cgroup(ctx), "kill", "pids", &cg);
	if (r < 0)
		return iso_broken(ctx, r, "create a cgroup");
	/* A guard rail where the pids controller is reachable; none is needed for the test. */
	iso_cg_write(cg, "pids.max", "%d", 64);
	r = iso_cgu_read(cg, "cgroup.events", "populated", &populated);
	if (r < 0)
		return iso_cgu_knob_verdict(ctx, "cgroup.events", r);
	sh->life_s = iso_ctx_ms(ctx, 20000) / 1000;
	pid = iso_cgu_spawn(cg, forking_main, sh);
	if (pid < 0)
		return iso_broken(ctx, pid, "spawn the forking member into the cgroup");
	if (iso_cgu_wait_counter(&sh->forks, 200, iso_ctx_ms(ctx, 3000)) < 0)
		return iso_broken(ctx, -ETIMEDOUT, "the members did not start forking");
	f0 = sh->forks;
	t0 = iso_now_ms();
	if (do_kill && (r = iso_cg_write(cg, "cgroup.kill", "1")) < 0)
		return iso_cgu_knob_verdict(ctx, "cgroup.kill", r);
	if (iso_wait_timeout(pid, &status, kill_ms) == 0)
		pid = -1;
	/* Unpopulated: no live task left in the cgroup or below. */
	populated = 1;
	while (iso_now_ms() - t0 < kill_ms) {
		if (iso_cgu_read(cg, "cgroup.events", "populated", &populated) == 0 &&
		    populated == 0)
			break;
		iso_sleep_ms(5);
	}
	n = iso_cg_pids(cg, left, ISO_ARRAY_SIZE(left));
	iso_note(ctx, "forks_before_kill", "%llu", (unsigned long long)f0);
	iso_note(ctx, "forks_total", "%llu", (unsigned long long)sh->forks);
	iso_note(ctx, "unpopulated_after_ms", "%llu", (unsigned long long)(iso_now_ms() - t0));
	if (pid > 0)
		return iso_fail(
			ctx, "the forking member is still alive %u s after %s", kill_ms / 1000,
			do_kill ? "writing cgroup.kill" : "the start (no cgroup.kill written)");
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return iso_fail(ctx, "the member %s, not SIGKILL",
				iso_cgu_status_str(status, st, sizeof(st)));
	if (populated != 0 || n > 0)
		return iso_fail(ctx,
				"%d task(s) left in the cgroup after cgroup.kill (populated %lld)",
				n, (long long)populated);
	return ISO_PASS;
}

static const struct iso_case cases[] = {
	ISO_VARIANT(freeze_stops_all_members, freeze, ISO_ARG(enum freeze_via, FREEZE_KNOB),
		    .doc = "freezing a cgroup (v2 cgroup.freeze, v1 freezer.state) stops every "
			   "member, children forked before included; thawing resumes them "
			   "(cgroup-v2.rst, cgroup-v1/freezer-subsystem.rst)",
		    .timeout_ms = 15000,
		    .req = { .root = true, .deleg_ok = true, .cgroup = ISO_CGV_USABLE }),
	ISO_VARIANT(
		v2_freeze_events_frozen_follows, freeze, ISO_ARG(enum freeze_via, FREEZE_V2_FILES),
		.doc = "v2 cgroup.freeze stops the cgroup's tasks and cgroup.events frozen "
		       "follows freeze and thaw (cgroup-v2.rst cgroup.freeze, cgroup.events)",
		.timeout_ms = 15000,
		.req = { .root = true, .deleg_ok = true, .cgroup = ISO_CGV_V2, .kernel = "5.2" }),
	ISO_CASE(kill_reaches_forking_members,
		 .doc = "cgroup.kill kills every member, including those forked during the kill "
			"(cgroup-v2.rst cgroup.kill)",
		 .timeout_ms = 15000,
		 .req = { .root = true, .deleg_ok = true, .cgroup = ISO_CGV_V2, .kernel = "5.14" }),
};

const struct iso_suite iso_suite_cgroup_freezer = ISO_SUITE("cgroup.freezer", cases);
