// SPDX-License-Identifier: MIT
/*
 * cgroup.pids: the process number controller (pids.max, pids.current,
 * pids.events), through the harness cgroup API.
 *
 * Sources: Documentation/admin-guide/cgroup-v1/pids.rst,
 * Documentation/admin-guide/cgroup-v2.rst ("PID"). Limits are a handful of
 * tasks; the forking happens in a worker spawned into a cgroup below the
 * case's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgutil.h"

#define PIDS_LIMIT 8

/* What the case and its worker share. */
struct fork_shm {
	volatile uint64_t seq; /* commands answered */
	volatile int ok; /* forks that succeeded in the last command */
	volatile int err; /* errno of the fork that failed, 0 if none */
};

/*
 * A worker that forks on command: the case writes a count to cmd, the worker
 * forks up to that many children (each sleeps until killed, never longer than
 * life_s), stops at the first failure and reports in shm.
 */
struct forker {
	int cmd[2];
	struct fork_shm *sh;
	unsigned int life_s; /* the alarm that ends the worker and each child */
	unsigned int answer_ms; /* how long the case waits for an answer */
	pid_t pid; /* the worker, or -1 */
};

static int forker_main(void *arg)
{
	struct forker *f = arg;
	pid_t self = getpid();
	int n;

	close(f->cmd[1]);
	alarm(f->life_s);
	while (read(f->cmd[0], &n, sizeof(n)) == sizeof(n)) {
		int ok = 0, err = 0;

		for (int i = 0; i < n; i++) {
			pid_t c = fork();

			if (c < 0) {
				err = errno;
				break;
			}
			if (c == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				if (getppid() != self)
					_exit(0);
				alarm(f->life_s);
				for (;;)
					pause();
			}
			ok++;
		}
		f->sh->ok = ok;
		f->sh->err = err;
		__atomic_add_fetch(&f->sh->seq, 1, __ATOMIC_SEQ_CST);
	}
	return 0;
}

/* Starts a forker in cg (f->pid). Returns its pid or -errno. */
static pid_t forker_start(struct iso_ctx *ctx, struct forker *f, const struct iso_cg *cg)
{
	f->life_s = iso_ctx_ms(ctx, 20000) / 1000;
	f->answer_ms = iso_ctx_ms(ctx, 5000);
	f->sh = iso_shared_alloc(sizeof(*f->sh));
	if (!f->sh)
		return -ENOMEM;
	if (pipe2(f->cmd, O_CLOEXEC) < 0)
		return -errno;
	f->pid = iso_cgu_spawn(cg, forker_main, f);
	close(f->cmd[0]);
	f->cmd[0] = -1;
	return f->pid;
}

/* Asks for n forks; *ok / *err get the outcome. Returns 0 or -errno. */
static int forker_fork(struct forker *f, int n, int *ok, int *err)
{
	uint64_t seq = f->sh->seq;
	int r;

	if (write(f->cmd[1], &n, sizeof(n)) != sizeof(n))
		return -errno;
	r = iso_cgu_wait_counter(&f->sh->seq, seq + 1, f->answer_ms);
	if (r < 0)
		return r;
	*ok = f->sh->ok;
	*err = f->sh->err;
	return 0;
}

/*
 * The fixture of every case: a pids cgroup below the case's own (or below another
 * fixture's), and in it, where asked, a forker. The cleanup attribute stops the forker and
 * destroys the cgroup.
 */
struct pidsfix {
	struct iso_cg *cg;
	struct forker f;
};

static void pidsfix_stop(struct pidsfix *x)
{
	if (x->f.cmd[1] >= 0)
		close(x->f.cmd[1]);
	if (x->f.pid > 0)
		iso_kill_wait(x->f.pid);
	iso_shared_free(x->f.sh);
	iso_cg_destroy(x->cg);
}
#define _cleanup_pidsfix_ __attribute__((cleanup(pidsfix_stop)))
#define PIDSFIX_INIT                                 \
	{                                            \
		.f = {.cmd = { -1, -1 }, .pid = -1 } \
	}

/*
 * Creates pids cgroup name below parent (NULL: the case's own), writes pids.max max into
 * it unless max < 0 and, with fork, starts a forker in it. Returns ISO_PASS, or the verdict
 * of the step that failed (a missing pids.max skips).
 */
static enum iso_verdict pids_start(struct iso_ctx *ctx, struct pidsfix *x,
				   const struct pidsfix *parent, const char *name, int max,
				   bool fork)
{
	int r = iso_cg_create(iso_ctx_layout(ctx), parent ? parent->cg : iso_ctx_cgroup(ctx), name,
			      "pids", &x->cg);

	if (r < 0)
		return iso_broken(ctx, r, "create pids cgroup %s", name);
	if (max >= 0 && (r = iso_cg_write(x->cg, "pids.max", "%d", max)) < 0)
		return iso_cgu_knob_verdict(ctx, "pids.max", r);
	if (fork && (r = forker_start(ctx, &x->f, x->cg)) < 0)
		return iso_broken(ctx, r, "spawn the forking worker into %s", name);
	return ISO_PASS;
}

static int64_t read_or(const struct iso_cg *cg, const char *knob, const char *key, int64_t dflt)
{
	int64_t v;

	return iso_cgu_read(cg, knob, key, &v) == 0 ? v : dflt;
}

/* ---- pids.max makes fork fail with EAGAIN ---- */

/*
 * Once a cgroup holds pids.max tasks, fork() and clone() in it fail with EAGAIN
 * (cgroup-v1/pids.rst: "the number of tasks ... is not allowed to exceed
 * pids.max ... fork() returns -EAGAIN"; cgroup-v2.rst "pids.max"). Control:
 * pids.max is not written.
 */
static enum iso_verdict max_makes_fork_fail_with_eagain(struct iso_ctx *ctx)
{
	bool limit = !iso_ctx_is_control(ctx);
	_cleanup_pidsfix_ struct pidsfix x = PIDSFIX_INIT;
	enum iso_verdict v = pids_start(ctx, &x, NULL, "max", limit ? PIDS_LIMIT : -1, true);
	int r, ok = 0, err = 0;
	int64_t cur;

	if (v != ISO_PASS)
		return v;
	if ((r = forker_fork(&x.f, 2 * PIDS_LIMIT, &ok, &err)) < 0)
		return iso_broken(ctx, r, "worker did not answer");
	cur = read_or(x.cg, "pids.current", NULL, -1);
	iso_note(ctx, "forks_ok", "%d", ok);
	iso_note(ctx, "fork_errno", "%d (%s)", err, err ? strerror(err) : "none");
	iso_note(ctx, "pids_current", "%lld", (long long)cur);
	v = iso_expect_errno(ctx, -err, EAGAIN, "fork %d in a cgroup with pids.max %s", ok + 1,
			     limit ? "8" : "unset");
	if (v != ISO_PASS)
		return v;
	if (ok != PIDS_LIMIT - 1)
		return iso_fail(ctx,
				"fork failed after %d children, not %d (worker + children = "
				"pids.max)",
				ok, PIDS_LIMIT - 1);
	if (cur != PIDS_LIMIT)
		return iso_fail(ctx, "pids.current is %lld at the limit, not %d", (long long)cur,
				PIDS_LIMIT);
	return ISO_PASS;
}

/* ---- where pids.events max counts a rejected fork ---- */

enum events_rule { EVENTS_AT_LIMITING, EVENTS_IN_FORKING };

/*
 * True when this host counts pids.events max hierarchically at the limiting
 * cgroup (cgroup v2 from 6.12: pids.events.local exists, no pids_localevents
 * mount option); false when it counts in the forking cgroup (v1, older v2).
 */
static bool pids_events_hierarchical(struct iso_ctx *ctx, const struct iso_cg *cg)
{
	const struct iso_cg_layout *l = iso_ctx_layout(ctx);
	int h = iso_cg_find_controller(l, "pids");
	char path[ISO_CG_PATH + 32];
	const char *dir = iso_cg_dir(cg, "pids");

	if (h < 0 || l->hier[h].version != 2 || !dir)
		return false;
	if (strstr(l->hier[h].options, "pids_localevents"))
		return false;
	snprintf(path, sizeof(path), "%s/pids.events.local", dir);
	return access(path, F_OK) == 0;
}

/*
 * A fork rejected by an ancestor's pids.max is counted in pids.events "max".
 * hier: the v2 rule since 6.12 (cgroup-v2.rst "pids.events": counted at the
 * cgroup whose limit was hit and its ancestors, not in the forking child); else
 * the v1 and older v2 rule (the event is counted in the cgroup of the forking
 * task, even when the limit that rejected it is an ancestor's). The variant is
 * the rule the case expects (it skips where the host follows the other).
 * Control: the parent's pids.max is not written, so no fork is rejected.
 */
static enum iso_verdict events_max(struct iso_ctx *ctx)
{
	bool want_hier = *(const enum events_rule *)iso_ctx_arg(ctx) == EVENTS_AT_LIMITING;
	int max = iso_ctx_is_control(ctx) ? -1 : PIDS_LIMIT / 2;
	_cleanup_pidsfix_ struct pidsfix p = PIDSFIX_INIT, c = PIDSFIX_INIT;
	enum iso_verdict v = pids_start(ctx, &p, NULL, "limit", max, false);
	int64_t pev, cev;
	int r, ok = 0, err = 0;
	bool hier;

	if (v != ISO_PASS || (v = pids_start(ctx, &c, &p, "fork", -1, true)) != ISO_PASS)
		return v;
	hier = pids_events_hierarchical(ctx, c.cg);
	iso_note(ctx, "events_mode", "%s", hier ? "hierarchical" : "local");
	if (hier != want_hier)
		return iso_skip(
			ctx, "%s",
			hier ? "pids.events here counts at the limiting cgroup (cgroup v2, 6.12+); "
			       "case events_max_counted_at_limiting_ancestor covers it" :
			       "pids.events here counts in the forking cgroup (cgroup v1, v2 "
			       "before 6.12, or pids_localevents); case "
			       "events_max_counted_in_forking_cgroup covers it");
	if ((r = forker_fork(&c.f, PIDS_LIMIT, &ok, &err)) < 0)
		return iso_broken(ctx, r, "worker did not answer");
	pev = read_or(p.cg, "pids.events", "max", -1);
	cev = read_or(c.cg, "pids.events", "max", -1);
	iso_note(ctx, "fork_errno", "%d", err);
	iso_note(ctx, "limit_events_max", "%lld", (long long)pev);
	iso_note(ctx, "fork_events_max", "%lld", (long long)cev);
	if (pev < 0 || cev < 0)
		return iso_cgu_knob_verdict(ctx, "pids.events", -ENOENT);
	if (err != EAGAIN)
		return iso_fail(ctx,
				"no fork was rejected (%d succeeded, errno %d) and pids.events max "
				"is %lld in the limiting and %lld in the forking cgroup",
				ok, err, (long long)pev, (long long)cev);
	if (hier && (pev < 1 || cev != 0))
		return iso_fail(ctx,
				"pids.events max is %lld at the limiting cgroup and %lld in the "
				"forking child; expected >= 1 and 0",
				(long long)pev, (long long)cev);
	if (!hier && (cev < 1 || pev != 0))
		return iso_fail(ctx,
				"pids.events max is %lld in the forking cgroup and %lld at the "
				"limiting parent; expected >= 1 and 0",
				(long long)cev, (long long)pev);
	return ISO_PASS;
}

/* ---- "max" means no limit ---- */

/*
 * Writing "max" to pids.max removes the limit: forks beyond the old limit
 * succeed and the file reads "max" (cgroup-v1/pids.rst: "pids.max ... 'max'
 * ... no limit"; cgroup-v2.rst "pids.max": default "max"). Control: "max" is
 * not written, so the limit of 8 stays.
 */
static enum iso_verdict max_string_means_unlimited(struct iso_ctx *ctx)
{
	_cleanup_pidsfix_ struct pidsfix x = PIDSFIX_INIT;
	enum iso_verdict v = pids_start(ctx, &x, NULL, "unlim", PIDS_LIMIT, true);
	char val[32] = "";
	int r, ok = 0, err = 0;

	if (v != ISO_PASS)
		return v;
	if (!iso_ctx_is_control(ctx) && (r = iso_cg_write(x.cg, "pids.max", "max")) < 0)
		return iso_broken(ctx, r, "write max to pids.max");
	iso_cg_read(x.cg, "pids.max", val, sizeof(val));
	iso_note(ctx, "pids_max", "%s", val);
	if ((r = forker_fork(&x.f, 3 * PIDS_LIMIT, &ok, &err)) < 0)
		return iso_broken(ctx, r, "worker did not answer");
	iso_note(ctx, "forks_ok", "%d", ok);
	if (err)
		return iso_fail(ctx,
				"fork failed (%s) after %d children with pids.max reading '%s'",
				strerror(err), ok, val);
	if (strcmp(val, "max"))
		return iso_fail(ctx, "pids.max reads '%s' after writing max", val);
	return ISO_PASS;
}

/* ---- a limit below current usage ---- */

/*
 * Setting pids.max below pids.current kills nothing: the existing tasks stay,
 * and new forks fail until usage drops (cgroup-v1/pids.rst: "it is possible to
 * have pids.current > pids.max ... by setting the limit to be smaller than
 * pids.current ... However, it is not possible to violate a cgroup PID policy
 * through fork() or clone()"). Control: pids.max is not written.
 */
static enum iso_verdict limit_below_current_blocks_only_forks(struct iso_ctx *ctx)
{
	bool limit = !iso_ctx_is_control(ctx);
	_cleanup_pidsfix_ struct pidsfix x = PIDSFIX_INIT;
	enum iso_verdict v = pids_start(ctx, &x, NULL, "below", -1, true);
	int64_t before, after;
	int r, ok = 0, err = 0;

	if (v != ISO_PASS)
		return v;
	r = forker_fork(&x.f, PIDS_LIMIT - 2, &ok, &err);
	if (r < 0 || err)
		return iso_broken(ctx, r < 0 ? r : -err, "fork %d children before the limit",
				  PIDS_LIMIT - 2);
	before = read_or(x.cg, "pids.current", NULL, -1);
	if (limit && (r = iso_cg_write(x.cg, "pids.max", "%d", 2)) < 0)
		return iso_cgu_knob_verdict(ctx, "pids.max", r);
	iso_sleep_ms(iso_ctx_ms(ctx, 50));
	if ((r = forker_fork(&x.f, 1, &ok, &err)) < 0)
		return iso_broken(ctx, r, "worker did not answer");
	after = read_or(x.cg, "pids.current", NULL, -1);
	iso_note(ctx, "pids_current_before", "%lld", (long long)before);
	iso_note(ctx, "pids_current_after", "%lld", (long long)after);
	v = iso_expect_errno(ctx, -err, EAGAIN, "a fork with pids.current %lld and pids.max %s",
			     (long long)before, limit ? "2" : "unset");
	if (v == ISO_PASS && (after != before || after != PIDS_LIMIT - 1))
		return iso_fail(ctx,
				"pids.current went from %lld to %lld after lowering pids.max to 2: "
				"tasks were lost",
				(long long)before, (long long)after);
	return v;
}

/* ---- migration may exceed the limit ---- */

/* Sleeps until killed, never longer than *arg seconds. */
static int sleeper_main(void *arg)
{
	alarm(*(const unsigned int *)arg);
	for (;;)
		pause();
	return 0;
}

/*
 * Attaching a process to a cgroup is allowed even when it takes pids.current
 * above pids.max (cgroup-v1/pids.rst: "... or attaching enough processes to the
 * cgroup such that pids.current is larger than pids.max"). Control: pids.max is
 * not written, so pids.current stays below it.
 */
static enum iso_verdict migration_beyond_limit_allowed(struct iso_ctx *ctx)
{
	unsigned int life_s = iso_ctx_ms(ctx, 20000) / 1000;
	_cleanup_pidsfix_ struct pidsfix x = PIDSFIX_INIT;
	enum iso_verdict v =
		pids_start(ctx, &x, NULL, "migrate", iso_ctx_is_control(ctx) ? -1 : 2, false);
	_cleanup_pid_ pid_t sl0 = -1, sl1 = -1, sl2 = -1;
	int64_t cur, max;
	int r;

	if (v != ISO_PASS)
		return v;
	/* The first two start inside; the third is moved in from outside. */
	if ((sl0 = iso_cgu_spawn(x.cg, sleeper_main, &life_s)) < 0 ||
	    (sl1 = iso_cgu_spawn(x.cg, sleeper_main, &life_s)) < 0 ||
	    (sl2 = iso_cgu_spawn(NULL, sleeper_main, &life_s)) < 0)
		return iso_broken(ctx, sl0 < 0 ? sl0 : sl1 < 0 ? sl1 : sl2, "spawn sleepers");
	r = iso_cg_attach(x.cg, sl2);
	cur = read_or(x.cg, "pids.current", NULL, -1);
	max = read_or(x.cg, "pids.max", NULL, -1);
	iso_note(ctx, "attach", "%s", r < 0 ? strerror(-r) : "ok");
	iso_note(ctx, "pids_current", "%lld", (long long)cur);
	if (r < 0)
		return iso_fail(ctx,
				"attaching a third process to a cgroup with pids.max 2 failed: %s",
				strerror(-r));
	if (cur <= max)
		return iso_fail(ctx,
				"pids.current %lld is not above pids.max %s after the migration",
				(long long)cur, max == INT64_MAX ? "max" : "2");
	return ISO_PASS;
}

#define PIDS_REQ(ctrl)                                              \
	{                                                           \
		.root = true, .deleg_ok = true, .controllers = ctrl \
	}

static const struct iso_case cases[] = {
	ISO_CASE(max_makes_fork_fail_with_eagain,
		 .doc = "at pids.max tasks fork fails with EAGAIN (cgroup-v1/pids.rst, "
			"cgroup-v2.rst pids.max)",
		 .timeout_ms = 10000, .req = PIDS_REQ("pids")),
	ISO_VARIANT(events_max_counted_at_limiting_ancestor, events_max,
		    ISO_ARG(enum events_rule, EVENTS_AT_LIMITING),
		    .doc = "a fork rejected by an ancestor's pids.max counts in that ancestor's "
			   "pids.events max, not the child's (cgroup-v2.rst pids.events, 6.12+)",
		    .timeout_ms = 10000, .req = PIDS_REQ("pids@v2")),
	ISO_VARIANT(events_max_counted_in_forking_cgroup, events_max,
		    ISO_ARG(enum events_rule, EVENTS_IN_FORKING),
		    .doc = "on v1 (and v2 before 6.12) a rejected fork counts in the forking "
			   "cgroup's pids.events max, even when an ancestor's limit rejected it",
		    .timeout_ms = 10000, .req = PIDS_REQ("pids")),
	ISO_CASE(max_string_means_unlimited,
		 .doc = "writing max to pids.max removes the limit (cgroup-v1/pids.rst)",
		 .timeout_ms = 10000, .req = PIDS_REQ("pids")),
	ISO_CASE(limit_below_current_blocks_only_forks,
		 .doc = "pids.max below pids.current blocks forks but kills nothing "
			"(cgroup-v1/pids.rst)",
		 .timeout_ms = 10000, .req = PIDS_REQ("pids")),
	ISO_CASE(migration_beyond_limit_allowed,
		 .doc = "attaching a process may take pids.current above pids.max "
			"(cgroup-v1/pids.rst)",
		 .timeout_ms = 10000, .req = PIDS_REQ("pids")),
};

const struct iso_suite iso_suite_cgroup_pids = ISO_SUITE("cgroup.pids", cases);
