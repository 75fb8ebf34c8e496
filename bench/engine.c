// SPDX-License-Identifier: MIT
/*
 * The benchmark engine. For each benchmark and placement it forks one fresh
 * worker process per repetition; the worker pins itself, runs setup, the
 * warm-up and the timed samples, and writes them into a shared mapping the
 * parent reads back. Statistics and JSON come from the parent.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hwloc.h>

#include "attribute.h"
#include "opts.h"
#include "engine.h"
#include "runner.h"
#include "stats.h"

#define REP_TIMEOUT_MS 120000
#define NOISY_FRAC 0.05
/* Extra rounds: at most this many times the base repetitions, until p50 is within +-TARGET. */
#define EXTRA_FACTOR 5
#define EXTRA_TARGET 0.02
/*
 * bench --attribute: the profiled repetition stops at this many on-CPU samples or
 * this long after its first timed sample, whichever comes first (at least
 * ATTR_MIN_SAMPLES ops); its text goes into ATTR_CAP bytes after the samples.
 */
#define ATTR_TARGET 3000
#define ATTR_MAX_MS 2000
#define ATTR_MIN_SAMPLES 10
#define ATTR_CAP (4u << 20)

int iso_bench_skip(struct iso_bench_ctx *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
	va_end(ap);
	b->skip = true;
	return -EOPNOTSUPP;
}

/* ---- topology ---- */

static const char *classify(hwloc_topology_t t, hwloc_obj_t a, hwloc_obj_t b)
{
	hwloc_obj_t c = hwloc_get_common_ancestor_obj(t, a, b);
	hwloc_obj_t na = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, a);
	hwloc_obj_t nb = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, b);

	if (!c)
		return "diff_numa";
	if (c->type == HWLOC_OBJ_CORE)
		return "smt_sibling";
	if (hwloc_obj_type_is_cache(c->type))
		return "same_cache";
	if (na && nb && na == nb)
		return "diff_cache";
	if (hwloc_bitmap_isequal(a->nodeset, b->nodeset))
		return "diff_package";
	return "diff_numa";
}

/* Returns 0 or -errno. */
int iso_bench_topology(struct iso_bench_env *env)
{
	hwloc_topology_t t;
	cpu_set_t allowed;
	hwloc_obj_t first = NULL;
	int n;

	CPU_ZERO(&allowed);
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return -errno;
	env->npus = 0;
	env->nplacements = 0;
	if (hwloc_topology_init(&t) < 0)
		return -ENOMEM;
	if (hwloc_topology_load(t) < 0) {
		hwloc_topology_destroy(t);
		return -EIO;
	}
	n = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	for (int i = 0; i < n; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, i);

		if (!pu || pu->os_index >= CPU_SETSIZE || !CPU_ISSET(pu->os_index, &allowed))
			continue;
		if (env->npus < (int)ISO_ARRAY_SIZE(env->pus))
			env->pus[env->npus++] = (int)pu->os_index;
		if (!first) {
			first = pu;
			env->placements[env->nplacements++] =
				(struct iso_placement){ "same_pu", (int)pu->os_index,
							(int)pu->os_index };
			continue;
		}
		{
			const char *cls = classify(t, first, pu);
			bool seen = false;

			for (int k = 0; k < env->nplacements; k++)
				seen |= !strcmp(env->placements[k].name, cls);
			if (!seen && env->nplacements < ISO_BENCH_MAX_PLACEMENTS)
				env->placements[env->nplacements++] =
					(struct iso_placement){ cls, (int)first->os_index,
								(int)pu->os_index };
		}
	}
	hwloc_topology_destroy(t);
	if (!env->npus) {
		/* hwloc saw nothing usable: run unpinned on the current CPU. */
		int c = sched_getcpu();

		env->pus[env->npus++] = c < 0 ? 0 : c;
		env->placements[env->nplacements++] =
			(struct iso_placement){ "same_pu", env->pus[0], env->pus[0] };
	}
	return 0;
}

static int pin(int a, int b)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	if (a >= 0)
		CPU_SET(a, &s);
	if (b >= 0)
		CPU_SET(b, &s);
	return sched_setaffinity(0, sizeof(s), &s) < 0 ? -errno : 0;
}

void iso_bench_spread(struct iso_bench_ctx *b)
{
	const struct iso_placement *p = b->placement;

	if (p && p->cpu_a != p->cpu_b)
		pin(p->cpu_a, p->cpu_b);
}

void iso_bench_unspread(struct iso_bench_ctx *b)
{
	const struct iso_placement *p = b->placement;

	if (p && p->cpu_a != p->cpu_b)
		pin(p->cpu_a, -1);
}

/* ---- the shared mapping of one repetition ---- */

/* What the parent tells the worker it execs (see worker_exec()). */
struct rep_in {
	char bench[128]; /* id */
	char placement[32];
	int cpu_a, cpu_b;
	unsigned int warmup, nm, nw, per;
	char tag[16];
	char root[64]; /* the run's bench cgroup below the start cgroup; "" none */
	/*
	 * Rootless in a delegated subtree: the start cgroup's v2 directory (the worker
	 * itself starts in the leaf the session stepped aside into, and uses v2 alone).
	 */
	char v2start[ISO_CG_PATH];
	int npus;
	int pus[256];
	double slow_pct; /* --slow: 0 none */
	int attribute; /* bench --attribute: profile this repetition */
	uint64_t attr_off, attr_cap; /* where its text goes in the mapping */
};

struct rep_hdr {
	struct rep_in in;
	double slow_ns; /* out: the busy-wait per iteration that --slow calibrated */
	int status; /* 0 ok, 1 skip, 2 error */
	char reason[256];
	unsigned long cross, cross_total;
	uint64_t t_start[ISO_BENCH_MAX_WORKERS], t_end[ISO_BENCH_MAX_WORKERS];
	unsigned int n[ISO_BENCH_MAX_WORKERS];
	uint64_t attr_len; /* out: bytes of attribution text (JSON) */
};

struct rep {
	struct rep_hdr *h;
	int fd; /* memfd behind h, handed to the worker */
	double *s; /* [metric][worker][per] */
	size_t size;
	unsigned int nm, nw, per;
	bool attribute;
	size_t attr_off; /* attribution text area (ATTR_CAP bytes) */
};

static double *slot(const struct rep *r, unsigned int m, unsigned int w, unsigned int i)
{
	return &r->s[((size_t)m * r->nw + w) * r->per + i];
}

static void set_status(struct rep_hdr *h, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_status(struct rep_hdr *h, int status, const char *fmt, ...)
{
	va_list ap;

	if (h->status >= status)
		return;
	h->status = status;
	va_start(ap, fmt);
	vsnprintf(h->reason, sizeof(h->reason), fmt, ap);
	va_end(ap);
}

static unsigned int nmetrics(const struct iso_bench *b)
{
	unsigned int n = 0;

	while (n < ISO_BENCH_MAX_METRICS && b->metrics[n])
		n++;
	return n ? n : 1;
}

/*
 * One timed sample in this process: values[] gets one figure per metric.
 * Returns 0 or -errno from the op.
 */
/*
 * bench --slow: burns ns of CPU time in a loop on the clock (no sleep, so the
 * CPU stays busy as the op's own work would keep it). Returns the ns it took.
 */
static uint64_t spin(uint64_t ns)
{
	uint64_t t0 = iso_bench_now(), t;

	do
		t = iso_bench_now();
	while (t - t0 < ns);
	return t - t0;
}

static int sample_here(struct iso_bench_ctx *c, double *values, unsigned int nm)
{
	const struct iso_bench *b = c->bench;
	unsigned int batch = b->batch ? b->batch : 1;
	uint64_t t0, t1;
	double extra;
	int r = 0;

	c->recmask = 0;
	if (c->attr)
		iso_attr_enable(c->attr);
	t0 = iso_bench_now();
	for (unsigned int k = 0; k < batch && r >= 0; k++)
		r = b->op(c, b->arg);
	c->spun = c->slow_ns && !b->self_timed ? (double)spin(c->slow_ns * batch) / batch : 0;
	t1 = iso_bench_now();
	if (c->attr)
		iso_attr_disable(c->attr);
	c->iter++;
	if (r < 0)
		return r;
	if (!b->self_timed) {
		values[0] = (double)(t1 - t0) / batch;
		return 0;
	}
	/* A self-timed op's region is its own: the wait follows it and is added to each metric. */
	extra = c->slow_ns ? (double)spin(c->slow_ns) : 0;
	c->spun = extra;
	for (unsigned int m = 0; m < nm; m++) {
		if (!(c->recmask & (1u << m)))
			return -ENODATA;
		values[m] = c->rec[m] + extra;
	}
	return 0;
}

/* What a fresh child hands back to the worker. */
struct fresh_box {
	int r;
	double spun;
	double v[ISO_BENCH_MAX_METRICS];
	unsigned long cross, total;
	char reason[256];
	bool skip;
};

/* One sample in a freshly forked child of the worker. Returns 0 or -errno. */
static int sample_fresh(struct iso_bench_ctx *c, struct fresh_box *box, double *values,
			unsigned int nm)
{
	int status, r;
	pid_t pid;

	box->r = -ECHILD;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		c->cross = c->cross_total = 0;
		box->r = sample_here(c, box->v, nm);
		box->spun = c->spun;
		box->cross = c->cross;
		box->total = c->cross_total;
		box->skip = c->skip;
		snprintf(box->reason, sizeof(box->reason), "%s", c->reason);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r = box->r;
	c->spun = box->spun;
	if (r == 0)
		memcpy(values, box->v, nm * sizeof(double));
	else if (box->reason[0]) {
		c->skip = box->skip;
		snprintf(c->reason, sizeof(c->reason), "%s", box->reason);
	}
	c->cross += box->cross;
	c->cross_total += box->total;
	c->iter++;
	return r;
}

/*
 * bench --slow, at the end of the warm-up: times CALIBRATE_SAMPLES more
 * iterations as the timed samples will be, and sets the busy-wait to PCT% of
 * their median. Returns 0 or -errno from the op.
 */
#define CALIBRATE_SAMPLES 5
static int calibrate(struct iso_bench_ctx *c, struct rep *rep, struct fresh_box *box)
{
	double v[ISO_BENCH_MAX_METRICS], cost[CALIBRATE_SAMPLES];
	int r = 0;

	c->slow_ns = 0;
	for (unsigned int k = 0; k < CALIBRATE_SAMPLES && r >= 0; k++) {
		r = c->bench->fresh_process ? sample_fresh(c, box, v, rep->nm) :
					      sample_here(c, v, rep->nm);
		cost[k] = v[0];
	}
	if (r < 0) {
		set_status(rep->h, c->skip ? 1 : 2, "op: %s%s%s", strerror(-r),
			   c->reason[0] ? ": " : "", c->reason);
		return r;
	}
	/* The start: the timed loop then follows the running median (run_loop). */
	c->slow_ns =
		(uint64_t)(iso_stats_median(cost, CALIBRATE_SAMPLES) * rep->h->in.slow_pct / 100);
	return 0;
}

/* bench --attribute: the worker's attribution (consumed) as text into the mapping. */
static void attr_write(struct rep *rep, json_t *j)
{
	char *area = (char *)rep->h + rep->h->in.attr_off;
	size_t n;

	if (!j || !rep->h->in.attr_cap)
		goto out;
	n = json_dumpb(j, area, rep->h->in.attr_cap, JSON_COMPACT);
	if (n > rep->h->in.attr_cap) {
		/* Too big: the flame graph's stacks go first. */
		json_object_del(j, "folded");
		n = json_dumpb(j, area, rep->h->in.attr_cap, JSON_COMPACT);
	}
	rep->h->attr_len = n <= rep->h->in.attr_cap ? n : 0;
out:
	json_decref(j);
}

/* The loop of one worker process (w of nw). */
static void run_loop(struct iso_bench_ctx *c, struct rep *rep, unsigned int w, unsigned int warmup,
		     int go_fd)
{
	const struct iso_bench *b = c->bench;
	double v[ISO_BENCH_MAX_METRICS];
	struct fresh_box *box = NULL;
	double *slow_hist = NULL, *slow_sorted = NULL, slow_sum = 0;
	size_t nslow = 0;
	struct iso_attr *prof = NULL;
	unsigned long nops = 0;
	int r;

	c->worker = (int)w;
	if (rep->h->in.slow_pct > 0) {
		slow_hist = calloc(rep->per + 1, sizeof(double));
		slow_sorted = calloc(rep->per + 1, sizeof(double));
		if (!slow_hist || !slow_sorted) {
			set_status(rep->h, 2, "out of memory");
			free(slow_hist);
			free(slow_sorted);
			return;
		}
	}
	if (b->fresh_process) {
		box = mmap(NULL, sizeof(*box), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			   -1, 0);
		if (box == MAP_FAILED) {
			set_status(rep->h, 2, "mmap: %s", strerror(errno));
			return;
		}
	}
	c->nworkers = (int)rep->nw;
	if (b->setup) {
		r = b->setup(c, b->arg);
		if (r < 0) {
			if (c->skip)
				set_status(rep->h, 1, "%s", c->reason);
			else
				set_status(rep->h, 2, "setup: %s%s%s", strerror(-r),
					   c->reason[0] ? ": " : "", c->reason);
			return;
		}
	}
	if (rep->h->in.attribute) {
		char why[256];

		prof = iso_attr_open(why, sizeof(why));
		if (!prof) {
			attr_write(rep, json_pack("{s:s,s:s}", "status", "skip", "reason", why));
			goto out;
		}
	}
	for (unsigned int i = 0; i < warmup + rep->per; i++) {
		if (i == warmup && rep->h->in.slow_pct > 0 && calibrate(c, rep, box) < 0)
			break;
		/* Warm-up unprofiled: the profile covers the timed ops only. */
		if (i == warmup && prof) {
			iso_attr_drain(prof);
			c->attr = prof;
		}
		if (i == warmup && go_fd >= 0) {
			char x;

			/* Concurrent workers start their timed samples together. */
			if (read(go_fd, &x, 1) != 1)
				break;
		}
		if (i == warmup)
			rep->h->t_start[w] = iso_bench_now();
		/* The gap is the idle time before each timed sample; warm-up goes at once. */
		if (b->gap_ms && i >= warmup)
			iso_sleep_ms(b->gap_ms);
		r = b->fresh_process ? sample_fresh(c, box, v, rep->nm) :
				       sample_here(c, v, rep->nm);
		if (r < 0) {
			if (c->skip)
				set_status(rep->h, 1, "%s", c->reason);
			else
				set_status(rep->h, 2, "op: %s%s%s", strerror(-r),
					   c->reason[0] ? ": " : "", c->reason);
			break;
		}
		if (i >= warmup && slow_hist) {
			/*
			 * The wait follows the op's timed cost as it goes: the warm-up's
			 * can differ from it (a fresh child's first unshare after the
			 * worker's start is several times cheaper here).
			 */
			slow_hist[nslow++] = v[0] - c->spun;
			memcpy(slow_sorted, slow_hist, nslow * sizeof(double));
			iso_stats_sort(slow_sorted, nslow);
			c->slow_ns =
				(uint64_t)(iso_stats_percentile_sorted(slow_sorted, nslow, 0.5) *
					   rep->h->in.slow_pct / 100);
			slow_sum += (double)c->slow_ns;
		}
		if (i >= warmup) {
			for (unsigned int m = 0; m < rep->nm; m++)
				*slot(rep, m, w, i - warmup) = v[m];
			rep->h->n[w] = i - warmup + 1;
			nops += b->batch ? b->batch : 1;
		}
		if (i >= warmup && prof) {
			iso_attr_drain(prof);
			if (i + 1 - warmup >= ATTR_MIN_SAMPLES &&
			    (iso_attr_samples(prof) >= ATTR_TARGET ||
			     iso_bench_now() - rep->h->t_start[w] > ATTR_MAX_MS * 1000000ull))
				break;
		}
	}
	rep->h->t_end[w] = iso_bench_now();
	if (prof) {
		c->attr = NULL;
		/* Before the teardown: its own work is not the op's. */
		attr_write(rep, iso_attr_result(prof, ISO_ATTR_TAIL_MS, nops));
		iso_attr_close(prof);
	}
out:
	if (slow_hist && nslow && w == 0)
		rep->h->slow_ns = slow_sum / nslow;
	free(slow_hist);
	free(slow_sorted);
	__atomic_add_fetch(&rep->h->cross, c->cross, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&rep->h->cross_total, c->cross_total, __ATOMIC_SEQ_CST);
	if (b->teardown)
		b->teardown(c, b->arg);
}

static void worker_main(const struct iso_bench_env *env, const struct iso_bench *b,
			const struct iso_placement *pl, struct rep *rep, unsigned int warmup)
{
	struct iso_bench_ctx c = { .bench = b,
				   .tag = env->tag,
				   .layout = env->layout,
				   .root = env->root,
				   .placement = pl };
	int go[2];
	pid_t kids[ISO_BENCH_MAX_WORKERS];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (rep->nw <= 1) {
		/* Two-process ops widen the mask around each fork (iso_bench_spread). */
		pin(pl->cpu_a, -1);
		run_loop(&c, rep, 0, warmup, -1);
		_exit(0);
	}
	if (pipe(go) < 0) {
		set_status(rep->h, 2, "pipe: %s", strerror(errno));
		_exit(0);
	}
	for (unsigned int w = 0; w < rep->nw; w++) {
		kids[w] = fork();
		if (kids[w] == 0) {
			close(go[1]);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			pin(env->pus[w % env->npus], -1);
			run_loop(&c, rep, w, warmup, go[0]);
			_exit(0);
		}
	}
	close(go[0]);
	/* Give every worker time to finish its setup and warm-up, then release them. */
	iso_sleep_ms(50 + 20 * rep->nw);
	for (unsigned int w = 0; w < rep->nw; w++)
		if (write(go[1], "g", 1) != 1)
			break;
	close(go[1]);
	for (unsigned int w = 0; w < rep->nw; w++)
		if (kids[w] > 0)
			while (waitpid(kids[w], NULL, 0) < 0 && errno == EINTR)
				;
	_exit(0);
}

/*
 * The worker of a repetition is a fresh exec of isobench, not a fork of this
 * process: what it measures (fork, clone, the exit of a child) copies and
 * tears down the worker's address space, and a fork of the run's parent would
 * carry its heap, the results so far included, into every figure. The layout
 * is fixed too (ADDR_NO_RANDOMIZE, unless --aslr): a randomized one moves
 * fork+exit+wait by about a quarter from one process to the next. Never
 * returns.
 */
static void worker_exec(const struct iso_bench_env *env, struct rep *rep)
{
	char fd[16];
	int persona = personality(0xffffffff);

	if (!env->aslr && persona != -1)
		personality((unsigned long)persona | ADDR_NO_RANDOMIZE);
	snprintf(fd, sizeof(fd), "%d", rep->fd);
	if (fcntl(rep->fd, F_SETFD, 0) == 0)
		execl("/proc/self/exe", "isobench", ISO_BENCH_WORKER_CMD, fd, (char *)NULL);
	set_status(rep->h, 2, "cannot start the worker (exec /proc/self/exe): %s", strerror(errno));
	_exit(127);
}

/* The --slow percentage for b, 0 when none was asked. */
static double slow_pct(const struct iso_bench_env *env, const struct iso_bench *b)
{
	for (size_t i = 0; i < env->nslow; i++)
		if (!strcmp(env->slow[i].op, b->id))
			return env->slow[i].pct;
	return 0;
}

/* Runs one repetition in a fresh worker. Returns 0 or -errno. */
static int run_rep(const struct iso_bench_env *env, const struct iso_bench *b,
		   const struct iso_placement *pl, struct rep *rep, unsigned int warmup)
{
	struct rep_in *in = &rep->h->in;
	int status;
	pid_t pid;
	uint64_t t0 = iso_now_ms();

	memset(rep->h, 0, sizeof(*rep->h));
	snprintf(in->bench, sizeof(in->bench), "%s", b->id);
	snprintf(in->placement, sizeof(in->placement), "%s", pl->name);
	in->cpu_a = pl->cpu_a;
	in->cpu_b = pl->cpu_b;
	in->warmup = warmup;
	in->nm = rep->nm;
	in->nw = rep->nw;
	in->per = rep->per;
	snprintf(in->tag, sizeof(in->tag), "%s", env->tag ? env->tag : "");
	snprintf(in->root, sizeof(in->root), "%s", env->root ? env->root_name : "");
	snprintf(in->v2start, sizeof(in->v2start), "%s", env->v2start ? env->v2start : "");
	in->npus = env->npus;
	memcpy(in->pus, env->pus, sizeof(in->pus));
	in->slow_pct = rep->attribute ? 0 : slow_pct(env, b);
	in->attribute = rep->attribute;
	in->attr_off = rep->attribute ? rep->attr_off : 0;
	in->attr_cap = rep->attribute ? ATTR_CAP : 0;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setpgid(0, 0);
		worker_exec(env, rep);
	}
	setpgid(pid, pid);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (iso_interrupted || iso_now_ms() - t0 > REP_TIMEOUT_MS) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			set_status(rep->h, 2, "%s", iso_interrupted ? "interrupted" : "timeout");
			break;
		}
		iso_sleep_ms(2);
	}
	/* Anything the worker left in its process group goes too. */
	kill(-pid, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (WIFSIGNALED(status))
		set_status(rep->h, 2, "worker killed by signal %d", WTERMSIG(status));
	else if (!rep->h->status && WEXITSTATUS(status))
		set_status(rep->h, 2, "worker exited with status %d", WEXITSTATUS(status));
	return 0;
}

/* `isobench __bench-worker FD`: one repetition, as the parent wrote it into FD. */
int iso_bench_worker_main(int argc, char **argv, const struct iso_bench *const *tables)
{
	static struct iso_bench_env env;
	static struct iso_placement pl;
	static char pname[32];
	struct iso_cg *root = NULL;
	const struct iso_bench *b = NULL;
	struct rep rep = { 0 };
	static struct iso_cg_layout v2only;
	struct stat st;
	unsigned int fd;

	if (argc != 2 || iso_parse_uint(argv[1], 0, 1 << 20, &fd) < 0 || fstat((int)fd, &st) < 0 ||
	    (size_t)st.st_size < sizeof(struct rep_hdr)) {
		fprintf(stderr, "isobench: %s is internal to isobench bench\n",
			ISO_BENCH_WORKER_CMD);
		return ISO_EXIT_USAGE;
	}
	rep.size = (size_t)st.st_size;
	rep.h = mmap(NULL, rep.size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	close((int)fd);
	if (rep.h == MAP_FAILED)
		return ISO_EXIT_BROKEN;
	rep.s = (double *)(rep.h + 1);
	rep.nm = rep.h->in.nm;
	rep.nw = rep.h->in.nw;
	rep.per = rep.h->in.per;
	if (sizeof(struct rep_hdr) + (size_t)rep.nm * rep.nw * rep.per * sizeof(double) >
	    rep.size) {
		set_status(rep.h, 2, "worker: the shared mapping is too small");
		return ISO_EXIT_BROKEN;
	}
	for (int t = 0; tables[t] && !b; t++)
		for (const struct iso_bench *x = tables[t]; x->id && !b; x++)
			if (!strcmp(x->id, rep.h->in.bench))
				b = x;
	if (!b) {
		set_status(rep.h, 2, "worker: no benchmark '%.128s'", rep.h->in.bench);
		return ISO_EXIT_BROKEN;
	}
	env.tag = rep.h->in.tag;
	env.layout = iso_cg_layout_get();
	/* As the session sees it: the v2 hierarchy alone, from the start cgroup. */
	if (rep.h->in.v2start[0] &&
	    iso_cg_layout_v2only(env.layout, rep.h->in.v2start, &v2only) == 0)
		env.layout = &v2only;
	if (rep.h->in.root[0]) {
		int r = iso_cg_open(env.layout, NULL, rep.h->in.root, &root);

		if (r < 0) {
			set_status(rep.h, 2, "worker: cannot open cgroup %s: %s", rep.h->in.root,
				   strerror(-r));
			return ISO_EXIT_BROKEN;
		}
	}
	env.root = root;
	env.npus = rep.h->in.npus > 0 && rep.h->in.npus <= (int)ISO_ARRAY_SIZE(env.pus) ?
			   rep.h->in.npus :
			   1;
	memcpy(env.pus, rep.h->in.pus, sizeof(env.pus));
	snprintf(pname, sizeof(pname), "%s", rep.h->in.placement);
	pl = (struct iso_placement){ pname, rep.h->in.cpu_a, rep.h->in.cpu_b };
	worker_main(&env, b, &pl, &rep, rep.h->in.warmup);
	return 0; /* not reached: worker_main exits */
}

/* ---- results ---- */

static json_t *flags_json(unsigned long flags)
{
	static const struct {
		unsigned long f;
		const char *n;
	} names[] = { { CLONE_NEWNS, "mnt" },	     { CLONE_NEWUTS, "uts" },
		      { CLONE_NEWIPC, "ipc" },	     { CLONE_NEWPID, "pid" },
		      { CLONE_NEWNET, "net" },	     { CLONE_NEWUSER, "user" },
		      { CLONE_NEWCGROUP, "cgroup" }, { 0x80 /* CLONE_NEWTIME */, "time" } };
	json_t *a = json_array();

	for (size_t i = 0; i < ISO_ARRAY_SIZE(names); i++)
		if (flags & names[i].f)
			json_array_append_new(a, json_string(names[i].n));
	return a;
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *result_base(const struct iso_bench *b, const char *id, const char *placement,
			   unsigned int nw)
{
	json_t *o = json_object(), *p = json_object();

	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "group", json_string(b->group));
	json_object_set_new(p, "flags", flags_json(b->flags));
	json_object_set_new(p, "phase", b->phase ? json_string(b->phase) : json_null());
	json_object_set_new(p, "placement", json_string(placement));
	json_object_set_new(p, "concurrency", json_integer(nw));
	json_object_set_new(p, "gap_ms", json_integer(b->gap_ms));
	json_object_set_new(p, "siblings", b->siblings ? json_integer(b->siblings) : json_null());
	json_object_set_new(p, "threads", b->threads ? json_integer(b->threads) : json_null());
	json_object_set_new(p, "hierarchy", b->hierarchy ? json_string(b->hierarchy) : json_null());
	json_object_set_new(p, "batch", json_integer(b->batch ? b->batch : 1));
	json_object_set_new(p, "fresh_process", json_boolean(b->fresh_process));
	json_object_set_new(o, "params", p);
	json_object_set_new(o, "unit", json_string("ns"));
	return o;
}

static void scale_counts(const struct iso_bench_env *env, const struct iso_bench *b,
			 unsigned int *reps, unsigned int *samples, unsigned int *warmup)
{
	unsigned int s = b->samples ? b->samples : 100, wu = b->warmup;

	*reps = 3;

	switch (env->profile) {
	case ISO_BENCH_SMOKE:
		*reps = 2;
		s = s < 10 ? s : 10;
		wu = wu < 3 ? wu : 3;
		break;
	case ISO_BENCH_QUICK:
		*reps = 12;
		s *= 2;
		break;
	case ISO_BENCH_FULL:
		*reps = 10;
		s *= 8;
		wu *= 2;
		break;
	}
	if (env->rounds)
		*reps = env->rounds;
	if (s > ISO_BENCH_MAX_SAMPLES)
		s = ISO_BENCH_MAX_SAMPLES;
	*samples = s;
	*warmup = wu;
}

/*
 * One benchmark at one placement: what the rounds give a repetition at a time,
 * and what its result is computed from at the end.
 */
struct unit {
	const struct iso_bench *b;
	const struct iso_placement *pl;
	unsigned int reps, warmup, nm, nw, per, got_reps;
	unsigned int cap; /* repetitions room was made for: reps, more with extra rounds */
	uint64_t extra_ns; /* wall time of its extra rounds */
	double *all[ISO_BENCH_MAX_METRICS], *medians[ISO_BENCH_MAX_METRICS];
	size_t nall[ISO_BENCH_MAX_METRICS];
	double tput[32];
	unsigned int ntput;
	unsigned long cross, cross_total;
	uint64_t wall_ns; /* the repetitions' wall time, workers' start and setup included */
	int status; /* 0 ok, 1 skip, 2 error */
	char reason[256];
	double slow_pct, slow_ns_sum; /* --slow: asked, and the busy-waits calibrated */
	json_t *attribution; /* bench --attribute: the profiled repetition's, or NULL */
	bool attr; /* bench --attribute: to be profiled */
};

static void unit_init(const struct iso_bench_env *env, const struct iso_bench *b,
		      const struct iso_placement *pl, struct unit *u)
{
	unsigned int total;

	memset(u, 0, sizeof(*u));
	u->b = b;
	u->pl = pl;
	u->nm = nmetrics(b);
	u->nw = b->concurrency ? b->concurrency : 1;
	scale_counts(env, b, &u->reps, &total, &u->warmup);
	if (u->nw > ISO_BENCH_MAX_WORKERS)
		u->nw = ISO_BENCH_MAX_WORKERS;
	u->per = (total + u->reps - 1) / u->reps;
	/*
	 * Concurrent workers each take the full count; stored samples stay
	 * bounded (quick: at half the bound, which keeps the sweeps short).
	 */
	if (u->nw > 1) {
		unsigned int cap = env->profile == ISO_BENCH_FULL ? ISO_BENCH_MAX_SAMPLES :
								    ISO_BENCH_MAX_SAMPLES / 2;

		if ((size_t)u->per * u->nw * u->reps > cap)
			u->per = cap / (u->nw * u->reps) > 3 ? cap / (u->nw * u->reps) : 3;
	}
	u->cap = env->budget_s > 0 ? u->reps * EXTRA_FACTOR : u->reps;
	u->slow_pct = slow_pct(env, b);
	for (unsigned int m = 0; m < u->nm; m++) {
		u->all[m] = calloc((size_t)u->cap * u->nw * u->per, sizeof(double));
		u->medians[m] = calloc(u->cap, sizeof(double));
		if (!u->all[m] || !u->medians[m]) {
			u->status = 2;
			snprintf(u->reason, sizeof(u->reason), "out of memory");
		}
	}
}

static void unit_free(struct unit *u)
{
	json_decref(u->attribution);
	for (unsigned int m = 0; m < u->nm; m++) {
		free(u->all[m]);
		free(u->medians[m]);
	}
}

/* The shared mapping of rep (nm, nw, per, attribute set). Returns 0 or -1 (errno). */
static int rep_map(struct rep *rep)
{
	rep->size = sizeof(struct rep_hdr) + (size_t)rep->nm * rep->nw * rep->per * sizeof(double);
	rep->attr_off = rep->size;
	if (rep->attribute)
		rep->size += ATTR_CAP;
	rep->fd = memfd_create("isobench-rep", MFD_CLOEXEC);
	if (rep->fd < 0 || ftruncate(rep->fd, (off_t)rep->size) < 0 ||
	    (rep->h = mmap(NULL, rep->size, PROT_READ | PROT_WRITE, MAP_SHARED, rep->fd, 0)) ==
		    MAP_FAILED) {
		int e = errno;

		if (rep->fd >= 0)
			close(rep->fd);
		errno = e;
		return -1;
	}
	rep->s = (double *)(rep->h + 1);
	/* Allocate the shared pages now, not while the worker samples. */
	memset(rep->h, 0, rep->size - (rep->attribute ? ATTR_CAP : 0));
	return 0;
}

/*
 * bench --attribute: one more repetition of u, profiled (attribute.h), after
 * the timed rounds: its samples stay out of the unit's statistics. Sets
 * u->attribution, with "op_p50_ns", the p50 of the profiled ops (perturbed).
 */
static void unit_attribute(const struct iso_bench_env *env, struct unit *u)
{
	/* As many ops as ATTR_TARGET samples or ATTR_MAX_MS take, whatever the profile. */
	struct rep rep = { .nm = u->nm, .nw = 1, .per = ISO_BENCH_MAX_SAMPLES, .attribute = true };
	json_t *j = NULL;

	if (rep_map(&rep) < 0) {
		u->attribution = json_pack("{s:s,s:s}", "status", "error", "reason",
					   "shared mapping failed");
		return;
	}
	run_rep(env, u->b, u->pl, &rep, u->warmup);
	if (rep.h->attr_len) {
		json_error_t err;

		j = json_loadb((char *)rep.h + rep.attr_off, rep.h->attr_len, 0, &err);
	}
	if (!j || rep.h->status) {
		json_decref(j);
		j = json_pack("{s:s,s:s}", "status", rep.h->status == 1 ? "skip" : "error",
			      "reason",
			      rep.h->reason[0] ? rep.h->reason : "the worker gave no attribution");
	}
	if (rep.h->n[0]) {
		double *v = malloc(rep.h->n[0] * sizeof(double));

		if (v) {
			memcpy(v, rep.s, rep.h->n[0] * sizeof(double));
			json_object_set_new(
				j, "op_p50_ns",
				json_real(round(iso_stats_median(v, rep.h->n[0]) * 10) / 10));
			free(v);
		}
	}
	u->attribution = j;
	munmap(rep.h, rep.size);
	close(rep.fd);
}

/* One line per attributed operation on stderr: what it found, or why it skipped. */
static void attribution_line(const struct iso_bench_env *env, const struct unit *u)
{
	json_t *a = u->attribution,
	       *top = json_object_get(json_object_get(a, "on_cpu"), "top_self");
	json_t *waits = json_object_get(json_object_get(a, "off_cpu"), "waits");
	json_t *works = json_object_get(json_object_get(a, "deferred"), "works");
	const char *st = json_string_value(json_object_get(a, "status"));
	bool same = !strcmp(u->pl->name, "same_pu");
	size_t i;
	json_t *e;

	fprintf(stderr, "%sattribution %s%s%s: ", env->progress ? "\r\033[K" : "", u->b->id,
		same ? "" : "@", same ? "" : u->pl->name);
	if (!st || strcmp(st, "ok")) {
		fprintf(stderr, "%s: %s\n", st ? st : "error",
			json_string_value(json_object_get(a, "reason")));
		return;
	}
	fprintf(stderr, "%lld samples (%s), %.0f%% named; on CPU:",
		(long long)json_integer_value(json_object_get(a, "samples")),
		json_string_value(json_object_get(a, "event")),
		100 * json_number_value(json_object_get(a, "named_share")));
	json_array_foreach(top, i, e)
	{
		if (i == 3)
			break;
		fprintf(stderr, " %s %.0f%%", json_string_value(json_object_get(e, "function")),
			100 * json_number_value(json_object_get(e, "share")));
	}
	json_array_foreach(waits, i, e)
	{
		if (i == 2)
			break;
		fprintf(stderr, "%s %s %.1f us/op",
			i ? "," : "; off CPU:", json_string_value(json_object_get(e, "what")),
			json_number_value(json_object_get(e, "ns_per_op")) / 1e3);
	}
	json_array_foreach(works, i, e)
	{
		if (i == 2)
			break;
		fprintf(stderr, "%s %s %.2f ms", i ? "," : "; kworkers after:",
			json_string_value(json_object_get(e, "function")),
			json_number_value(json_object_get(e, "wall_ns")) / 1e6);
	}
	fputc('\n', stderr);
}

/* One repetition of u in a fresh worker; its samples join the unit's. */
static void unit_rep(const struct iso_bench_env *env, struct unit *u)
{
	struct rep rep = { .nm = u->nm, .nw = u->nw, .per = u->per };
	uint64_t tmin = UINT64_MAX, tmax = 0, t0;
	size_t cnt = 0;

	if (u->got_reps >= u->cap)
		return;

	if (rep_map(&rep) < 0) {
		u->status = 2;
		snprintf(u->reason, sizeof(u->reason), "shared mapping: %s", strerror(errno));
		return;
	}
	t0 = iso_now_ns();
	run_rep(env, u->b, u->pl, &rep, u->warmup);
	u->wall_ns += iso_now_ns() - t0;
	if (rep.h->status) {
		u->status = rep.h->status;
		snprintf(u->reason, sizeof(u->reason), "%s", rep.h->reason);
		goto out;
	}
	for (unsigned int m = 0; m < u->nm; m++) {
		size_t start = u->nall[m];

		for (unsigned int w = 0; w < u->nw; w++)
			for (unsigned int i = 0; i < rep.h->n[w]; i++)
				u->all[m][u->nall[m]++] = *slot(&rep, m, w, i);
		u->medians[m][u->got_reps] =
			iso_stats_median(u->all[m] + start, u->nall[m] - start);
		cnt = u->nall[m] - start;
	}
	for (unsigned int w = 0; w < u->nw; w++) {
		tmin = rep.h->t_start[w] < tmin ? rep.h->t_start[w] : tmin;
		tmax = rep.h->t_end[w] > tmax ? rep.h->t_end[w] : tmax;
	}
	if (u->b->concurrency && tmax > tmin && u->ntput < ISO_ARRAY_SIZE(u->tput))
		u->tput[u->ntput++] = (double)cnt / ((double)(tmax - tmin) / 1e9);
	u->cross += rep.h->cross;
	u->cross_total += rep.h->cross_total;
	u->slow_ns_sum += rep.h->slow_ns;
	u->got_reps++;
out:
	munmap(rep.h, rep.size);
	close(rep.fd);
}

/* The unit's results (one per metric) appended to results. */
static void unit_emit(const struct iso_bench_env *env, struct unit *u, json_t *results)
{
	const struct iso_bench *b = u->b;
	const struct iso_placement *pl = u->pl;

	if (!u->status && u->got_reps == 0) {
		u->status = 2;
		snprintf(u->reason, sizeof(u->reason), "interrupted");
	}
	for (unsigned int m = 0; m < u->nm; m++) {
		char id[200];
		json_t *o, *st, *smp;
		struct iso_stats s;
		bool same = !strcmp(pl->name, "same_pu"), noisy, cluster;
		const char *ci_unit;

		if (b->metrics[0])
			snprintf(id, sizeof(id), "%s.%s%s%s", b->id, b->metrics[m], same ? "" : "@",
				 same ? "" : pl->name);
		else
			snprintf(id, sizeof(id), "%s%s%s", b->id, same ? "" : "@",
				 same ? "" : pl->name);
		o = result_base(b, id, b->concurrency > 1 ? "spread" : pl->name, u->nw);
		if (u->attribution)
			json_object_set(o, "attribution", u->attribution);
		if (b->placed && u->cross_total)
			json_object_set_new(json_object_get(o, "params"), "observed_cross",
					    json_real((double)u->cross / u->cross_total));
		/*
		 * With enough repetitions the CI resamples whole repetitions: their
		 * samples share the machine's state and are not independent, so
		 * the sample bootstrap's interval is too narrow.
		 */
		cluster = u->got_reps >= ISO_BENCH_MIN_CLUSTER_REPS &&
			  u->nall[m] % u->got_reps == 0;
		ci_unit = cluster ? "repetition" : "sample";
		if (u->status || !u->all[m] || u->nall[m] == 0 ||
		    iso_stats_compute(u->all[m], u->nall[m], cluster ? u->got_reps : u->nall[m],
				      1000, env->seed + m, &s) < 0) {
			json_object_set_new(o, "status",
					    json_string(u->status == 1 ? "skip" : "error"));
			json_object_set_new(o, "reason",
					    json_string(u->reason[0] ? u->reason : "no samples"));
			json_object_set_new(o, "n", json_integer(0));
			json_object_set_new(o, "reps", json_integer(u->got_reps));
			json_array_append_new(results, o);
			continue;
		}
		st = json_object();
		json_object_set_new(st, "min", num(s.min));
		json_object_set_new(st, "p50", num(s.p50));
		json_object_set_new(st, "p90", num(s.p90));
		json_object_set_new(st, "p99", num(s.p99));
		json_object_set_new(st, "max", num(s.max));
		json_object_set_new(st, "mean", num(s.mean));
		json_object_set_new(st, "stddev", num(s.stddev));
		json_object_set_new(st, "mad", num(s.mad));
		json_object_set_new(st, "ci95_lo", num(s.ci95_lo));
		json_object_set_new(st, "ci95_hi", num(s.ci95_hi));
		json_object_set_new(st, "ci_unit", json_string(ci_unit));
		json_object_set_new(st, "outliers", json_integer((json_int_t)s.outliers));
		json_object_set_new(st, "fence_lo", num(s.fence_lo));
		json_object_set_new(st, "fence_hi", num(s.fence_hi));
		{
			double cv = iso_stats_cv(u->medians[m], u->got_reps);
			json_t *rm = json_array();

			json_object_set_new(st, "cv_reps", num(cv));
			for (unsigned int r = 0; r < u->got_reps; r++)
				json_array_append_new(rm, num(u->medians[m][r]));
			json_object_set_new(st, "rep_medians", rm);
			/*
			 * Noisy: the run cannot pin p50 within +-5% (CI over the
			 * repetitions); with few repetitions, their medians' CV.
			 */
			if (cluster)
				noisy = (s.ci95_hi - s.ci95_lo) / 2 > NOISY_FRAC * s.p50;
			else
				noisy = u->got_reps > 1 && cv > NOISY_FRAC;
			json_object_set_new(o, "noisy", json_boolean(noisy));
		}
		json_object_set_new(o, "stats", st);
		if (u->slow_pct > 0)
			json_object_set_new(
				o, "injected",
				json_pack("{s:f,s:f}", "pct", u->slow_pct, "busy_wait_ns",
					  round(u->slow_ns_sum / u->got_reps * 10) / 10));
		json_object_set_new(o, "n", json_integer((json_int_t)u->nall[m]));
		json_object_set_new(o, "reps", json_integer(u->got_reps));
		json_object_set_new(o, "wall_ms", json_real(round(u->wall_ns / 1e5) / 10));
		json_object_set_new(o, "status", json_string("ok"));
		json_object_set_new(o, "reason", json_string(""));
		/* How it ran: as root, as the user in a delegated subtree, or in a user ns. */
		if (env->host)
			json_object_set_new(
				o, "privilege",
				json_string(iso_priv_name(iso_req_priv(&b->req, env->host))));
		if (u->ntput) {
			iso_stats_sort(u->tput, u->ntput);
			json_object_set_new(
				o, "throughput_ops_s",
				num(iso_stats_percentile_sorted(u->tput, u->ntput, 0.5)));
		}
		smp = json_array();
		for (size_t i = 0; i < u->nall[m] && i < ISO_BENCH_MAX_SAMPLES; i++)
			json_array_append_new(smp, json_real(round(u->all[m][i] * 10) / 10));
		json_object_set_new(o, "samples", smp);
		json_array_append_new(results, o);
	}
}

/*
 * Whether u's p50 is not yet pinned within +-EXTRA_TARGET, judged cheaply from
 * its repetition medians: 1.96 standard errors of their mean, relative.
 */
static bool wants_more(const struct unit *u)
{
	if (u->status || u->got_reps < 2 || u->got_reps >= u->cap)
		return false;
	for (unsigned int m = 0; m < u->nm; m++)
		if (1.96 * iso_stats_cv(u->medians[m], u->got_reps) / sqrt(u->got_reps) >
		    EXTRA_TARGET)
			return true;
	return false;
}

static void progress(const struct iso_bench_env *env, const char *phase, size_t k, size_t nu,
		     const struct unit *x)
{
	bool same = !strcmp(x->pl->name, "same_pu");

	if (!env->progress)
		return;
	fprintf(env->progress, "\r\033[K[%s, %zu/%zu] %s%s%s", phase, k + 1, nu, x->b->id,
		same ? "" : "@", same ? "" : x->pl->name);
	fflush(env->progress);
}

/*
 * After the base rounds, what is left of the budget goes to extra rounds for
 * the units whose p50 is not yet pinned within +-EXTRA_TARGET, each unit
 * getting an equal share of the time: cheap operations get many more
 * repetitions, expensive ones few. Ends when no unit wants more, every share
 * is spent, or the budget is.
 */
static void extra_rounds(const struct iso_bench_env *env, struct unit *u, size_t nu, size_t *order,
			 uint64_t deadline, uint64_t *rng)
{
	size_t need = 0;
	uint64_t share, now = iso_now_ns();

	for (size_t i = 0; i < nu; i++)
		need += wants_more(&u[i]);
	if (!need || now >= deadline)
		return;
	share = (deadline - now) / need;
	for (unsigned int r = 0; !iso_interrupted; r++) {
		char phase[48];
		bool ran = false;

		snprintf(phase, sizeof(phase), "extra round %u", r + 1);
		iso_stats_shuffle(order, nu, rng);
		for (size_t k = 0; k < nu && !iso_interrupted; k++) {
			struct unit *x = &u[order[k]];
			uint64_t t0;

			if (!wants_more(x) || x->extra_ns >= share)
				continue;
			t0 = iso_now_ns();
			if (t0 >= deadline)
				return;
			progress(env, phase, k, nu, x);
			unit_rep(env, x);
			x->extra_ns += iso_now_ns() - t0;
			ran = true;
		}
		if (!ran)
			return;
	}
}

/* Units of benchmark b: one per placement for a placed two-process op, else one. */
static int units_of(const struct iso_bench_env *env, const struct iso_bench *b)
{
	return b->placed && b->concurrency <= 1 ? env->nplacements : 1;
}

/*
 * Every unit's repetitions are spread over the whole run: round r gives each
 * unit its r-th repetition, in an order shuffled per round (from the seed, so
 * two runs with one seed use one schedule). A machine whose speed drifts over
 * seconds then weighs on every operation alike instead of on whichever ran
 * during a slow spell, and no operation always follows the same neighbour.
 */
unsigned int iso_bench_run_all(const struct iso_bench_env *env, const struct iso_bench *const *b,
			       const char *const *skip, size_t n, json_t *results)
{
	struct unit *u;
	size_t nu = 0, *order;
	unsigned int rounds = 0;
	uint64_t rng = env->seed * 0x2545f4914f6cdd1dull + 1, t_start = iso_now_ns();

	for (size_t i = 0; i < n; i++)
		nu += skip[i] ? 0 : units_of(env, b[i]);
	u = calloc(nu ? nu : 1, sizeof(*u));
	order = calloc(nu ? nu : 1, sizeof(*order));
	if (!u || !order) {
		free(u);
		free(order);
		for (size_t i = 0; i < n; i++)
			iso_bench_skip_all(b[i], skip[i] ? skip[i] : "out of memory", results);
		return 0;
	}
	nu = 0;
	for (size_t i = 0; i < n; i++) {
		int np = units_of(env, b[i]);

		for (int p = 0; p < np && !skip[i]; p++) {
			unit_init(env, b[i], &env->placements[p], &u[nu]);
			u[nu].attr = env->attribute &&
				     (env->attr_sel ? env->attr_sel[i] :
						      strcmp(b[i]->group, "baseline") &&
							      strcmp(b[i]->group, "harness"));
			rounds = u[nu].reps > rounds ? u[nu].reps : rounds;
			order[nu] = nu;
			nu++;
		}
	}
	for (unsigned int r = 0; r < rounds && !iso_interrupted; r++) {
		char phase[48];

		snprintf(phase, sizeof(phase), "round %u/%u", r + 1, rounds);
		iso_stats_shuffle(order, nu, &rng);
		for (size_t k = 0; k < nu && !iso_interrupted; k++) {
			struct unit *x = &u[order[k]];

			if (x->status || x->got_reps >= x->reps)
				continue;
			progress(env, phase, k, nu, x);
			unit_rep(env, x);
		}
	}
	if (env->budget_s > 0)
		extra_rounds(env, u, nu, order, t_start + (uint64_t)(env->budget_s * 1e9), &rng);
	/* bench --attribute: after every timed round, so that none of them is perturbed. */
	for (size_t k = 0; env->attribute && k < nu && !iso_interrupted; k++) {
		struct unit *x = &u[k];

		if (x->status || !x->attr)
			continue;
		if (x->nw > 1) {
			x->attribution = json_pack("{s:s,s:s}", "status", "skip", "reason",
						   "concurrency sweeps are not attributed");
			continue;
		}
		progress(env, "attribution", k, nu, x);
		unit_attribute(env, x);
		attribution_line(env, x);
	}
	if (env->progress)
		fprintf(env->progress, "\r\033[K");
	/* Results keep the registry's order. */
	nu = 0;
	for (size_t i = 0; i < n; i++) {
		int np = units_of(env, b[i]);

		if (skip[i]) {
			iso_bench_skip_all(b[i], skip[i], results);
			continue;
		}
		for (int p = 0; p < np; p++, nu++) {
			unit_emit(env, &u[nu], results);
			unit_free(&u[nu]);
		}
	}
	free(u);
	free(order);
	return rounds;
}

void iso_bench_skip_all(const struct iso_bench *b, const char *reason, json_t *results)
{
	unsigned int nm = nmetrics(b);

	for (unsigned int m = 0; m < nm; m++) {
		char id[200];
		json_t *o;

		if (b->metrics[0])
			snprintf(id, sizeof(id), "%s.%s", b->id, b->metrics[m]);
		else
			snprintf(id, sizeof(id), "%s", b->id);
		o = result_base(b, id, "none", b->concurrency ? b->concurrency : 1);
		json_object_set_new(o, "status", json_string("skip"));
		json_object_set_new(o, "reason", json_string(reason));
		json_object_set_new(o, "n", json_integer(0));
		json_object_set_new(o, "reps", json_integer(0));
		json_array_append_new(results, o);
	}
}

static double p50_of(json_t *results, const char *id)
{
	size_t i;
	json_t *o;

	json_array_foreach(results, i, o)
	{
		json_t *st = json_object_get(o, "stats");

		if (!strcmp(json_string_value(json_object_get(o, "id")), id) && st)
			return json_real_value(json_object_get(st, "p50"));
	}
	return NAN;
}

void iso_bench_ratios(json_t *results)
{
	double gp = p50_of(results, "baseline.getpid"), fk = p50_of(results, "baseline.fork");
	size_t i;
	json_t *o;

	json_array_foreach(results, i, o)
	{
		json_t *st = json_object_get(o, "stats"), *r = json_object();
		double p = st ? json_real_value(json_object_get(st, "p50")) : NAN;

		json_object_set_new(r, "getpid", st && gp > 0 ? num(p / gp) : json_null());
		json_object_set_new(r, "fork", st && fk > 0 ? num(p / fk) : json_null());
		json_object_set_new(o, "ratio", r);
	}
}

static json_t *file_json(const char *path)
{
	char buf[256];

	if (iso_read_file(path, buf, sizeof(buf)) < 0)
		return json_null();
	return json_string(buf);
}

json_t *iso_bench_environment(void)
{
	json_t *e = json_object(), *smt = json_object();
	double l[3];
	char buf[256];

	if (iso_read_file("/proc/loadavg", buf, sizeof(buf)) >= 0 &&
	    sscanf(buf, "%lf %lf %lf", &l[0], &l[1], &l[2]) == 3)
		json_object_set_new(e, "loadavg", json_pack("[f,f,f]", l[0], l[1], l[2]));
	else
		json_object_set_new(e, "loadavg", json_null());
	json_object_set_new(e, "governor",
			    file_json("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
	json_object_set_new(e, "scaling_driver",
			    file_json("/sys/devices/system/cpu/cpu0/cpufreq/scaling_driver"));
	json_object_set_new(smt, "control", file_json("/sys/devices/system/cpu/smt/control"));
	json_object_set_new(smt, "active", file_json("/sys/devices/system/cpu/smt/active"));
	json_object_set_new(e, "smt", smt);
	json_object_set_new(e, "clocksource",
			    file_json("/sys/devices/system/clocksource/clocksource0/"
				      "current_clocksource"));
	return e;
}

void iso_bench_print_table(FILE *f, const json_t *results)
{
	size_t i;
	json_t *o;
	int noisy = 0;

	fprintf(f, "%-46s %5s %11s %11s %23s %9s %8s %s\n", "benchmark", "n", "p50", "p90",
		"95% CI of p50", "x getpid", "x fork", "");
	json_array_foreach(results, i, o)
	{
		const char *id = json_string_value(json_object_get(o, "id"));
		json_t *st = json_object_get(o, "stats"), *ra = json_object_get(o, "ratio");
		char p50[24], p90[24], lo[24], hi[24], ci[56], rg[24] = "-", rf[24] = "-";
		json_t *tp = json_object_get(o, "throughput_ops_s");
		bool nz = json_is_true(json_object_get(o, "noisy"));

		if (!st) {
			fprintf(f, "%-46s %5s %s: %s\n", id, "-",
				json_string_value(json_object_get(o, "status")),
				json_string_value(json_object_get(o, "reason")));
			continue;
		}
		iso_fmt_ns(p50, sizeof(p50), json_real_value(json_object_get(st, "p50")));
		iso_fmt_ns(p90, sizeof(p90), json_real_value(json_object_get(st, "p90")));
		iso_fmt_ns(lo, sizeof(lo), json_real_value(json_object_get(st, "ci95_lo")));
		iso_fmt_ns(hi, sizeof(hi), json_real_value(json_object_get(st, "ci95_hi")));
		snprintf(ci, sizeof(ci), "%s..%s", lo, hi);
		if (json_is_real(json_object_get(ra, "getpid")))
			snprintf(rg, sizeof(rg), "%.1f",
				 json_real_value(json_object_get(ra, "getpid")));
		if (json_is_real(json_object_get(ra, "fork")))
			snprintf(rf, sizeof(rf), "%.3f",
				 json_real_value(json_object_get(ra, "fork")));
		fprintf(f, "%-46s %5lld %11s %11s %23s %9s %8s", id,
			(long long)json_integer_value(json_object_get(o, "n")), p50, p90, ci, rg,
			rf);
		if (json_is_real(tp))
			fprintf(f, " %.0f ops/s", json_real_value(tp));
		if (nz) {
			double p = json_real_value(json_object_get(st, "p50"));
			double w = (json_real_value(json_object_get(st, "ci95_hi")) -
				    json_real_value(json_object_get(st, "ci95_lo"))) /
				   2;

			if (!strcmp(json_string_value(json_object_get(st, "ci_unit")),
				    "repetition"))
				fprintf(f, " NOISY(+-%.0f%%)", 100 * w / p);
			else
				fprintf(f, " NOISY(cv %.0f%%)",
					100 * json_real_value(json_object_get(st, "cv_reps")));
			noisy++;
		}
		fputc('\n', f);
	}
	if (noisy)
		fprintf(f,
			"warning: %d result(s) noisy: this run pins their p50 no closer than "
			"+-%.0f%% (95%% CI over the repetitions, or with few repetitions their "
			"spread); more rounds (--rounds) or a quieter machine narrow it\n",
			noisy, NOISY_FRAC * 100);
}
