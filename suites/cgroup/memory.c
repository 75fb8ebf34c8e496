// SPDX-License-Identifier: MIT
/*
 * cgroup.memory: the memory controller's limits, OOM handling and protection,
 * through the harness cgroup API (v2 names, v1 files where they exist).
 *
 * Sources: Documentation/admin-guide/cgroup-v2.rst ("Memory"),
 * Documentation/admin-guide/cgroup-v1/memory.rst. Limits are tens of MiB; the
 * tasks that hit them are children spawned into a cgroup below the case's own,
 * never the case process or the runner.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup.h"
#include "cgutil.h"

#define MIB (1LL << 20)
#define LIMIT_MIB 32

/* What the case and its children share. */
struct shm {
	volatile uint64_t pages; /* pages the hog has touched */
	volatile uint64_t ready; /* members that are set up */
	volatile uint64_t written; /* MiB the writer has written */
	volatile uint64_t done; /* the writer has written everything */
	volatile int err; /* errno of a child's failed step */
};

static int make_cg(struct iso_ctx *ctx, const struct iso_cg *parent, const char *name,
		   struct iso_cg **out)
{
	return iso_cg_create(iso_ctx_layout(ctx), parent ? parent : iso_ctx_cgroup(ctx), name,
			     "memory", out);
}

/* True when some swap is active: anonymous memory could go there instead of being charged. */
static bool swap_active(void)
{
	int64_t kb = 0;

	return iso_read_keyed("/proc/meminfo", "SwapTotal:", &kb) == 0 && kb > 0;
}

/* Free swap in MiB (0 when none). */
static int64_t swap_free_mib(void)
{
	int64_t kb = 0;

	return iso_read_keyed("/proc/meminfo", "SwapFree:", &kb) == 0 ? kb >> 10 : 0;
}

/* ---- the children ---- */

struct hog {
	size_t mib;
	volatile uint64_t *pages;
	bool lock; /* mlock everything, so no page of the task can go to swap */
};

/*
 * Whether the hog must mlock to stay out of swap. Run as a user (a delegated
 * subtree) mlock is capped by RLIMIT_MEMLOCK, so on v2 memory.swap.max 0 on the
 * hog's cgroup does it instead (cgroup-v2.rst "memory.swap.max").
 */
static bool hog_needs_lock(struct iso_cg *cg)
{
	if (!swap_active())
		return false;
	return geteuid() == 0 || iso_cg_write(cg, "memory.swap.max", "0") < 0;
}

#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

static int hog_main(void *arg)
{
	struct hog *h = arg;

	/*
	 * Where swap is active the task's pages would go there instead of being
	 * charged, and faults on its own swapped-out pages while its cgroup is at the
	 * limit muddle the picture (v1 with oom_kill_disable: SIGSEGV seen on 6.1).
	 * ONFAULT: lock what is touched, populate nothing (sanitizer shadow maps).
	 */
	if (h->lock && mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) < 0)
		return 3;
	return iso_cgu_touch_mib(h->mib, h->pages, 0) < 0 ? 2 : 0;
}

struct member {
	struct shm *sh;
	int oom_score_adj;
	unsigned int life_s; /* the alarm that ends it if nobody kills it */
};

/* Holds 1 MiB and sleeps until killed (alarm: never longer than life_s). */
static int member_main(void *arg)
{
	struct member *m = arg;

	alarm(m->life_s);
	if (iso_write_file("/proc/self/oom_score_adj", "%d", m->oom_score_adj) < 0)
		return 4;
	if (iso_cgu_touch_mib(1, NULL, ISO_CGU_KEEP) < 0)
		return 2;
	__atomic_add_fetch(&m->sh->ready, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pause();
}

struct writer {
	const char *dir;
	size_t mib;
	struct shm *sh;
	struct iso_sync *hold; /* wait on it before closing the file (NULL: don't) */
	unsigned int hold_ms; /* how long to wait on hold */
};

/* Writes mib MiB to an unnamed file in dir, keeps it open until released. */
static int writer_main(void *arg)
{
	struct writer *w = arg;
	char tmpl[512];
	char *buf;
	int fd;

	if (w->hold) {
		close(w->hold->fd[1]);
		w->hold->fd[1] = -1;
	}
	fd = open(w->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(tmpl, sizeof(tmpl), "%s/isobench-cache-XXXXXX", w->dir);
		fd = mkstemp(tmpl);
		if (fd < 0) {
			w->sh->err = errno;
			return 2;
		}
		unlink(tmpl);
	}
	buf = malloc(MIB);
	if (!buf)
		return 2;
	memset(buf, 0x5a, MIB);
	for (size_t i = 0; i < w->mib; i++) {
		for (ssize_t off = 0; off < MIB;) {
			ssize_t n = write(fd, buf + off, MIB - off);

			if (n < 0) {
				w->sh->err = errno;
				return 3;
			}
			off += n;
		}
		w->sh->written++;
		/* Keep dirty pages few: the assertion is about clean cache. */
		if (i % 8 == 7)
			fdatasync(fd);
	}
	fdatasync(fd);
	w->sh->done = 1;
	if (w->hold)
		iso_sync_wait(w->hold, w->hold_ms);
	close(fd);
	return 0;
}

/* A directory on a disk-backed filesystem for page cache (tmpfs is shmem), or NULL. */
static const char *cache_dir(void)
{
	static const char *const cand[] = { ".", "/var/tmp" };

	for (size_t i = 0; i < ISO_ARRAY_SIZE(cand); i++) {
		struct statfs sf;

		if (statfs(cand[i], &sf) < 0 || access(cand[i], W_OK) < 0)
			continue;
		if (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC)
			continue;
		return cand[i];
	}
	return NULL;
}

static int64_t read_or(const struct iso_cg *cg, const char *knob, const char *key, int64_t dflt)
{
	int64_t v;

	return iso_cgu_read(cg, knob, key, &v) == 0 ? v : dflt;
}

/*
 * The fixture of the OOM cases: a memory cgroup below the case's own, the page shared with
 * the hog, and the hog (not started yet) that will touch mib MiB there. The cleanup
 * attribute destroys the cgroup (and what is left in it) and frees the page.
 */
struct memfix {
	struct iso_cg *cg;
	struct shm *sh;
	struct hog h;
};

static void memfix_stop(struct memfix *m)
{
	iso_cg_destroy(m->cg);
	iso_shared_free(m->sh);
}
#define _cleanup_memfix_ __attribute__((cleanup(memfix_stop)))

/*
 * Sets m up as cgroup name with memory.max max bytes (0: not written), the hog mlocking
 * where hog_needs_lock says so. Returns ISO_PASS, or the verdict of the step that failed.
 */
static enum iso_verdict memfix_start(struct iso_ctx *ctx, struct memfix *m, const char *name,
				     size_t mib, long long max)
{
	int r;

	m->sh = iso_shared_alloc(sizeof(*m->sh));
	if (!m->sh)
		return iso_broken(ctx, -errno, "mmap shared page");
	m->h = (struct hog){ .mib = mib, .pages = &m->sh->pages };
	r = make_cg(ctx, NULL, name, &m->cg);
	if (r < 0)
		return iso_broken(ctx, r, "create a memory cgroup");
	m->h.lock = hog_needs_lock(m->cg);
	if (max && (r = iso_cg_write(m->cg, "memory.max", "%lld", max)) < 0)
		return iso_cgu_knob_verdict(ctx, "memory.max", r);
	return ISO_PASS;
}

/* ---- memory.max: anonymous memory past the limit is OOM-killed ---- */

/*
 * A task that allocates anonymous memory past memory.max (v1:
 * memory.limit_in_bytes) is killed by the OOM killer, and the cgroup's counters
 * say so: memory.events oom_kill and max (v1: memory.oom_control oom_kill and
 * memory.failcnt). cgroup-v2.rst "memory.max", "memory.events";
 * cgroup-v1/memory.rst 2.5 and 10 (OOM Control). Control: memory.max is left
 * unset.
 */
static enum iso_verdict max_triggers_oom_kill(struct iso_ctx *ctx)
{
	bool limit = !iso_ctx_is_control(ctx);
	unsigned int wait_ms = iso_ctx_ms(ctx, 8000);
	_cleanup_memfix_ struct memfix m = { 0 };
	enum iso_verdict v =
		memfix_start(ctx, &m, "oom", 4 * LIMIT_MIB, limit ? LIMIT_MIB * MIB : 0);
	int64_t ooms = -1, maxev = -1;
	char st[96];
	int status = 0;
	pid_t pid;

	if (v != ISO_PASS)
		return v;
	pid = iso_cgu_spawn(m.cg, hog_main, &m.h);
	if (pid < 0)
		return iso_broken(ctx, pid, "spawn the allocating task into the cgroup");
	if (iso_wait_timeout(pid, &status, wait_ms) < 0) {
		iso_kill_wait(pid);
		return iso_fail(
			ctx, "the task allocating %zu MiB neither finished nor was killed in %u s",
			m.h.mib, wait_ms / 1000);
	}
	iso_cgu_read(m.cg, "memory.events", "oom_kill", &ooms);
	iso_cgu_read(m.cg, "memory.events", "max", &maxev);
	iso_note(ctx, "task", "%s after touching %llu MiB",
		 iso_cgu_status_str(status, st, sizeof(st)),
		 (unsigned long long)(m.sh->pages * sysconf(_SC_PAGESIZE) >> 20));
	iso_note(ctx, "oom_kill", "%lld", (long long)ooms);
	iso_note(ctx, "max_events", "%lld", (long long)maxev);
	if (m.h.lock)
		iso_note(ctx, "swap",
			 "active: the task mlock()s its memory so it cannot be swapped");
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return iso_fail(
			ctx,
			"a task allocating %zu MiB with memory.max %s was not OOM-killed: it %s "
			"after touching %llu MiB",
			m.h.mib, limit ? "32 MiB" : "unset", st,
			(unsigned long long)(m.sh->pages * sysconf(_SC_PAGESIZE) >> 20));
	if (ooms < 1)
		return iso_fail(ctx, "the task was SIGKILLed but the oom_kill counter is %lld",
				(long long)ooms);
	if (maxev < 1)
		return iso_fail(ctx, "OOM kill counted, but memory.events max (v1 failcnt) is %lld",
				(long long)maxev);
	return ISO_PASS;
}

/* ---- page cache past the limit is reclaimed, not OOM-killed ---- */

/*
 * A task writing a file larger than memory.max to a disk filesystem survives:
 * its clean page cache is reclaimed to stay within the limit instead of the OOM
 * killer being called (cgroup-v2.rst "Memory Ownership" and "memory.max": "If
 * a cgroup's memory usage reaches this limit and can't be reduced, the OOM
 * killer is invoked"; cgroup-v1/memory.rst 2.5 Reclaim). Checked while the
 * file is still open: memory.current stays at or below the limit. Control:
 * memory.max is left unset.
 */
static enum iso_verdict page_cache_reclaimed_not_killed(struct iso_ctx *ctx)
{
	bool limit = !iso_ctx_is_control(ctx);
	unsigned int write_ms = iso_ctx_ms(ctx, 15000);
	const char *dir = cache_dir();
	struct iso_cg *cg = NULL;
	struct shm *sh = iso_shared_alloc(sizeof(*sh));
	struct iso_sync hold = { { -1, -1 } };
	struct writer w = { .dir = dir,
			    .mib = 3 * LIMIT_MIB,
			    .sh = sh,
			    .hold = &hold,
			    .hold_ms = iso_ctx_ms(ctx, 15000) };
	enum iso_verdict v = ISO_PASS;
	int64_t cur = -1, peak = -1, ooms = -1;
	uint64_t deadline;
	pid_t pid = -1;
	char st[96];
	int r, status = 0;

	if (!sh)
		return iso_broken(ctx, -errno, "mmap shared page");
	if (!dir) {
		v = iso_skip(ctx,
			     "the case directory and /var/tmp are on tmpfs/ramfs, whose pages are "
			     "shmem (swap-backed), not reclaimable page cache; needs a "
			     "disk-backed /var/tmp");
		goto out;
	}
	r = make_cg(ctx, NULL, "cache", &cg);
	if (r < 0) {
		v = iso_broken(ctx, r, "create a memory cgroup");
		goto out;
	}
	if (limit && (r = iso_cg_write(cg, "memory.max", "%lld", LIMIT_MIB * MIB)) < 0) {
		v = iso_cgu_knob_verdict(ctx, "memory.max", r);
		goto out;
	}
	if ((r = iso_sync_init(&hold)) < 0) {
		v = iso_broken(ctx, r, "pipe");
		goto out;
	}
	pid = iso_cgu_spawn(cg, writer_main, &w);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "spawn the writer into the cgroup");
		goto out;
	}
	close(hold.fd[0]);
	hold.fd[0] = -1;
	deadline = iso_now_ms() + write_ms;
	while (!sh->done && iso_now_ms() < deadline && iso_proc_alive_after(pid, 0))
		iso_sleep_ms(5);
	if (sh->done) {
		cur = read_or(cg, "memory.current", NULL, -1);
		peak = read_or(cg, "memory.peak", NULL, -1);
	}
	iso_sync_wake(&hold);
	r = iso_wait_timeout(pid, &status, iso_ctx_ms(ctx, 5000));
	if (r < 0) {
		v = iso_fail(ctx, "the writer did not finish writing %zu MiB in %u s (wrote %llu)",
			     w.mib, write_ms / 1000, (unsigned long long)sh->written);
		goto out;
	}
	pid = -1;
	ooms = read_or(cg, "memory.events", "oom_kill", -1);
	iso_note(ctx, "dir", "%s", dir);
	iso_note(ctx, "writer", "%s after writing %llu MiB",
		 iso_cgu_status_str(status, st, sizeof(st)), (unsigned long long)sh->written);
	iso_note(ctx, "current_mib", "%lld", (long long)(cur >= 0 ? cur >> 20 : -1));
	iso_note(ctx, "peak_mib", "%lld", (long long)(peak >= 0 ? peak >> 20 : -1));
	iso_note(ctx, "oom_kill", "%lld", (long long)ooms);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		v = iso_fail(ctx, "the writer of a %zu MiB file %s (wrote %llu MiB, errno %d)",
			     w.mib, st, (unsigned long long)sh->written, sh->err);
		goto out;
	}
	if (ooms > 0) {
		v = iso_fail(ctx,
			     "the OOM killer ran (%lld kills) although the memory was page cache",
			     (long long)ooms);
		goto out;
	}
	if (cur < 0) {
		v = iso_broken(ctx, 0, "could not read memory.current");
		goto out;
	}
	if (cur > LIMIT_MIB * MIB)
		v = iso_fail(
			ctx,
			"memory.current is %lld MiB with a %zu MiB file in cache, above %d MiB: "
			"page cache was not reclaimed down to a limit",
			(long long)(cur >> 20), w.mib, LIMIT_MIB);
out:
	if (pid > 0)
		iso_kill_wait(pid);
	iso_sync_close(&hold);
	iso_cg_destroy(cg);
	iso_shared_free(sh);
	return v;
}

/* ---- v1: oom_kill_disable pauses the task instead of killing it ---- */

/* Into path: file in cg's v1 memory directory ("" when cg has none). Returns path. */
static char *v1_memfile(const struct iso_cg *cg, const char *file, char *path, size_t len)
{
	const char *dir = iso_cg_dir(cg, "memory");

	if (dir)
		snprintf(path, len, "%s/%s", dir, file);
	else
		path[0] = '\0';
	return path;
}

/* Reads a key of the v1 memory.oom_control file. Returns 0 or -errno. */
static int oom_control(const struct iso_cg *cg, const char *key, int64_t *out)
{
	char path[ISO_CG_PATH + 32];

	if (!v1_memfile(cg, "memory.oom_control", path, sizeof(path))[0])
		return -ENOENT;
	return iso_read_keyed(path, key, out);
}

/*
 * With memory.oom_control oom_kill_disable=1, a task over memory.limit_in_bytes
 * is not killed: it sleeps in the OOM waitqueue (under_oom 1) and resumes when
 * the limit is raised (cgroup-v1/memory.rst 10. OOM Control: "If OOM-killer is
 * disabled, tasks under cgroup will hang/sleep in memory cgroup's OOM-waitqueue
 * when they request accountable memory ... moving tasks or enlarging the limit
 * ..."). Control: oom_kill_disable is left at 0.
 */
static enum iso_verdict v1_oom_kill_disable_pauses_task(struct iso_ctx *ctx)
{
	unsigned int wait_ms = iso_ctx_ms(ctx, 5000);
	_cleanup_memfix_ struct memfix m = { 0 };
	enum iso_verdict v = memfix_start(ctx, &m, "oomoff", 2 * LIMIT_MIB, LIMIT_MIB * MIB);
	char path[ISO_CG_PATH + 32], st[96];
	int64_t under = 0, ooms = -1;
	uint64_t deadline, p0, p1;
	_cleanup_pid_ pid_t pid = -1;
	int r, status = 0;

	if (v != ISO_PASS)
		return v;
	v1_memfile(m.cg, "memory.oom_control", path, sizeof(path));
	if (!iso_ctx_is_control(ctx) && (r = iso_write_file(path, "1")) < 0)
		return iso_skip(ctx,
				"cannot write oom_kill_disable to %s (%s): this kernel's v1 memory "
				"controller lacks OOM control",
				path, strerror(-r));
	pid = iso_cgu_spawn(m.cg, hog_main, &m.h);
	if (pid < 0)
		return iso_broken(ctx, pid, "spawn the allocating task into the cgroup");
	iso_log(ctx, "task %d started, waiting for under_oom", (int)pid);
	deadline = iso_now_ms() + wait_ms;
	while (iso_now_ms() < deadline) {
		if (oom_control(m.cg, "under_oom", &under) == 0 && under > 0)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = -1;
			break;
		}
		iso_sleep_ms(2);
	}
	oom_control(m.cg, "oom_kill", &ooms);
	if (pid < 0)
		return iso_fail(ctx,
				"the task over the limit %s (oom_kill %lld) instead of pausing",
				iso_cgu_status_str(status, st, sizeof(st)), (long long)ooms);
	if (under < 1)
		return iso_fail(ctx,
				"under_oom did not become 1 within %u s (task touched %llu pages)",
				wait_ms / 1000, (unsigned long long)m.sh->pages);
	iso_log(ctx, "under_oom %lld, task touched %llu pages", (long long)under,
		(unsigned long long)m.sh->pages);
	p0 = m.sh->pages;
	iso_sleep_ms(iso_ctx_ms(ctx, 200));
	p1 = m.sh->pages;
	iso_note(ctx, "paused_state", "%c", iso_proc_state(pid));
	iso_note(ctx, "paused_at_mib", "%llu",
		 (unsigned long long)(p1 * sysconf(_SC_PAGESIZE) >> 20));
	if (p1 != p0 || !iso_proc_alive_after(pid, 0))
		return iso_fail(ctx, "under_oom is 1 but the task kept going (%llu -> %llu pages)",
				(unsigned long long)p0, (unsigned long long)p1);
	if ((r = iso_cg_write(m.cg, "memory.max", "%lld", 8 * LIMIT_MIB * MIB)) < 0)
		return iso_broken(ctx, r, "raise memory.limit_in_bytes");
	iso_log(ctx, "limit raised, waiting for the task");
	if (iso_wait_timeout(pid, &status, wait_ms) < 0)
		return iso_fail(ctx, "raising the limit did not let the paused task finish in %u s",
				wait_ms / 1000);
	pid = -1;
	oom_control(m.cg, "oom_kill", &ooms);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return iso_fail(ctx, "after the limit was raised the task %s",
				iso_cgu_status_str(status, st, sizeof(st)));
	if (ooms > 0)
		return iso_fail(ctx, "the task finished but oom_kill counts %lld kills",
				(long long)ooms);
	return ISO_PASS;
}

/* ---- v1: OOM notification through cgroup.event_control ---- */

/*
 * An eventfd registered through cgroup.event_control with memory.oom_control
 * is signalled when the cgroup goes OOM (cgroup-v1/memory.rst 10. OOM Control,
 * "To register a notifier, an application must: create an eventfd ... write
 * string like "<event_fd> <fd of memory.oom_control>" to cgroup.event_control").
 * Control: memory.max is left unset, so the cgroup never goes OOM.
 */
static enum iso_verdict v1_oom_eventfd_notifies(struct iso_ctx *ctx)
{
	bool limit = !iso_ctx_is_control(ctx);
	unsigned int wait_ms = iso_ctx_ms(ctx, 8000);
	_cleanup_memfix_ struct memfix m = { 0 };
	enum iso_verdict v =
		memfix_start(ctx, &m, "oomev", 4 * LIMIT_MIB, limit ? LIMIT_MIB * MIB : 0);
	char path[ISO_CG_PATH + 32], st[96];
	_cleanup_close_ int efd = -1, ofd = -1;
	struct pollfd pfd;
	uint64_t count = 0;
	int64_t ooms = -1;
	int r, status = 0;
	pid_t pid;

	if (v != ISO_PASS)
		return v;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return iso_broken(ctx, -errno, "eventfd");
	ofd = open(v1_memfile(m.cg, "memory.oom_control", path, sizeof(path)),
		   O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return iso_skip(ctx, "no %s (%s): no v1 OOM control here", path, strerror(errno));
	r = iso_write_file(v1_memfile(m.cg, "cgroup.event_control", path, sizeof(path)), "%d %d",
			   efd, ofd);
	if (r < 0)
		return iso_skip(ctx,
				"registering an eventfd in %s failed (%s): this kernel does not "
				"offer v1 memory event notification",
				path, strerror(-r));
	pid = iso_cgu_spawn(m.cg, hog_main, &m.h);
	if (pid < 0)
		return iso_broken(ctx, pid, "spawn the allocating task into the cgroup");
	if (iso_wait_timeout(pid, &status, wait_ms) < 0) {
		iso_kill_wait(pid);
		return iso_fail(ctx, "the allocating task neither finished nor was killed in %u s",
				wait_ms / 1000);
	}
	pfd = (struct pollfd){ .fd = efd, .events = POLLIN };
	poll(&pfd, 1, (int)iso_ctx_ms(ctx, 500));
	if (read(efd, &count, sizeof(count)) != sizeof(count))
		count = 0;
	oom_control(m.cg, "oom_kill", &ooms);
	iso_note(ctx, "task", "%s", iso_cgu_status_str(status, st, sizeof(st)));
	iso_note(ctx, "eventfd_count", "%llu", (unsigned long long)count);
	iso_note(ctx, "oom_kill", "%lld", (long long)ooms);
	if (count < 1)
		return iso_fail(ctx,
				"no OOM notification on the eventfd (the task %s, oom_kill %lld)",
				st, (long long)ooms);
	return ISO_PASS;
}

/* ---- v2: memory.high throttles without killing ---- */

/*
 * Going over memory.high throttles the cgroup's tasks and puts them under
 * reclaim pressure, but never invokes the OOM killer; memory.events high counts
 * it. Lifting memory.high lets the task finish (cgroup-v2.rst "memory.high":
 * "If a cgroup's usage goes over the high boundary, the processes of the cgroup
 * are throttled and put under heavy reclaim pressure ... Going over the high
 * limit never invokes the OOM killer"). Control: memory.high is left unset.
 */
static enum iso_verdict high_throttles_without_kill(struct iso_ctx *ctx)
{
	bool high = !iso_ctx_is_control(ctx);
	unsigned int held_ms = iso_ctx_ms(ctx, 1000), lifted_ms = iso_ctx_ms(ctx, 5000);
	struct iso_cg *cg = NULL;
	struct shm *sh = iso_shared_alloc(sizeof(*sh));
	struct hog h = { .mib = 2 * LIMIT_MIB };
	enum iso_verdict v = ISO_PASS;
	int64_t hev = -1, ooms = -1;
	uint64_t t0, mib_at_1s;
	pid_t pid = -1;
	char st[96];
	int r, status = 0;

	if (!sh)
		return iso_broken(ctx, -errno, "mmap shared page");
	h.pages = &sh->pages;
	r = make_cg(ctx, NULL, "high", &cg);
	if (r < 0) {
		v = iso_broken(ctx, r, "create a memory cgroup");
		goto out;
	}
	if (high && (r = iso_cg_write(cg, "memory.high", "%lld", LIMIT_MIB * MIB)) < 0) {
		v = iso_cgu_knob_verdict(ctx, "memory.high", r);
		goto out;
	}
	/* With swap the overage would be swapped out rather than throttled. */
	if (swap_active())
		iso_cg_write(cg, "memory.swap.max", "0");
	t0 = iso_now_ms();
	pid = iso_cgu_spawn(cg, hog_main, &h);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "spawn the allocating task into the cgroup");
		goto out;
	}
	r = iso_wait_timeout(pid, &status, held_ms);
	mib_at_1s = sh->pages * sysconf(_SC_PAGESIZE) >> 20;
	hev = read_or(cg, "memory.events", "high", -1);
	iso_note(ctx, "mib_after_1s", "%llu", (unsigned long long)mib_at_1s);
	iso_note(ctx, "high_events", "%lld", (long long)hev);
	if (r == 0) {
		pid = -1;
		v = iso_fail(ctx,
			     "the task %s %llu ms after starting to allocate %zu MiB with "
			     "memory.high %s (high events %lld): it was not held back",
			     iso_cgu_status_str(status, st, sizeof(st)),
			     (unsigned long long)(iso_now_ms() - t0), h.mib,
			     high ? "32 MiB" : "unset", (long long)hev);
		goto out;
	}
	if (hev < 1) {
		v = iso_fail(ctx,
			     "the task is still allocating after %u s but memory.events high is "
			     "%lld",
			     held_ms / 1000, (long long)hev);
		goto out;
	}
	if ((r = iso_cg_write(cg, "memory.high", "max")) < 0) {
		v = iso_broken(ctx, r, "lift memory.high");
		goto out;
	}
	r = iso_wait_timeout(pid, &status, lifted_ms);
	if (r < 0) {
		v = iso_fail(ctx, "with memory.high lifted the task did not finish in %u s",
			     lifted_ms / 1000);
		goto out;
	}
	pid = -1;
	ooms = read_or(cg, "memory.events", "oom_kill", -1);
	iso_note(ctx, "oom_kill", "%lld", (long long)ooms);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		v = iso_fail(ctx, "the throttled task %s (oom_kill %lld)",
			     iso_cgu_status_str(status, st, sizeof(st)), (long long)ooms);
	else if (ooms > 0)
		v = iso_fail(ctx, "memory.events oom_kill is %lld after only memory.high was set",
			     (long long)ooms);
out:
	if (pid > 0)
		iso_kill_wait(pid);
	iso_cg_destroy(cg);
	iso_shared_free(sh);
	return v;
}

/* ---- v2: memory.oom.group ---- */

#define NMEMBERS 2

/*
 * With memory.oom.group=1 an OOM kill in the cgroup kills every task in it, not
 * only the chosen victim; tasks with oom_score_adj -1000 are the exception and
 * are never killed (cgroup-v2.rst "memory.oom.group"). The variant says whether
 * member 0 is to be spared (spare_first): it sets oom_score_adj -1000 and must
 * survive; every other task must die.
 */
static enum iso_verdict oom_group(struct iso_ctx *ctx)
{
	bool spare_first = *(const bool *)iso_ctx_arg(ctx), control = iso_ctx_is_control(ctx);
	/* The control leaves out memory.oom.group, or (spare_first) the oom_score_adj. */
	bool group = spare_first || !control, protect = spare_first && !control;
	unsigned int wait_ms = iso_ctx_ms(ctx, 8000);
	struct iso_cg *cg = NULL;
	struct shm *sh = iso_shared_alloc(sizeof(*sh));
	struct hog h = { .mib = 4 * LIMIT_MIB };
	struct member m[NMEMBERS];
	pid_t mp[NMEMBERS] = { -1, -1 }, pid = -1;
	enum iso_verdict v = ISO_PASS;
	int64_t gk = -1;
	char st[96];
	int r, status = 0;

	if (!sh)
		return iso_broken(ctx, -errno, "mmap shared page");
	h.pages = &sh->pages;
	r = make_cg(ctx, NULL, "group", &cg);
	if (r < 0) {
		v = iso_broken(ctx, r, "create a memory cgroup");
		goto out;
	}
	h.lock = hog_needs_lock(cg);
	if ((r = iso_cg_write(cg, "memory.max", "%lld", LIMIT_MIB * MIB)) < 0) {
		v = iso_cgu_knob_verdict(ctx, "memory.max", r);
		goto out;
	}
	if (group && (r = iso_cg_write(cg, "memory.oom.group", "1")) < 0) {
		v = iso_cgu_knob_verdict(ctx, "memory.oom.group", r);
		goto out;
	}
	for (int i = 0; i < NMEMBERS; i++) {
		int adj = i == 0 && spare_first && protect ? -1000 : 0;

		m[i] = (struct member){ .sh = sh,
					.oom_score_adj = adj,
					.life_s = iso_ctx_ms(ctx, 20000) / 1000 };
		mp[i] = iso_cgu_spawn(cg, member_main, &m[i]);
		if (mp[i] < 0) {
			v = iso_broken(ctx, mp[i], "spawn a member into the cgroup");
			goto out;
		}
	}
	if (iso_cgu_wait_counter(&sh->ready, NMEMBERS, iso_ctx_ms(ctx, 3000)) < 0) {
		v = iso_broken(ctx, -ETIMEDOUT, "members did not get ready");
		goto out;
	}
	pid = iso_cgu_spawn(cg, hog_main, &h);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "spawn the allocating task into the cgroup");
		goto out;
	}
	r = iso_wait_timeout(pid, &status, wait_ms);
	if (r < 0) {
		v = iso_fail(ctx, "the task over memory.max was not OOM-killed in %u s",
			     wait_ms / 1000);
		goto out;
	}
	pid = -1;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		v = iso_fail(ctx, "the task over memory.max %s",
			     iso_cgu_status_str(status, st, sizeof(st)));
		goto out;
	}
	for (int i = 0; i < NMEMBERS && v == ISO_PASS; i++) {
		bool spare = i == 0 && spare_first;
		int ms = 0;

		r = iso_wait_timeout(mp[i], &ms, iso_ctx_ms(ctx, spare ? 300 : 2000));
		if (r == 0)
			mp[i] = -1;
		if (spare && r == 0)
			v = iso_fail(ctx,
				     "the member with oom_score_adj %d was %s by the group kill",
				     m[i].oom_score_adj, iso_cgu_status_str(ms, st, sizeof(st)));
		else if (!spare && r < 0)
			v = iso_fail(ctx,
				     "member %d (oom_score_adj %d) survived the OOM kill of "
				     "its cgroup (memory.oom.group %s)",
				     i, m[i].oom_score_adj, group ? "1" : "unset");
		else if (!spare && (!WIFSIGNALED(ms) || WTERMSIG(ms) != SIGKILL))
			v = iso_fail(ctx, "member %d %s instead of being killed", i,
				     iso_cgu_status_str(ms, st, sizeof(st)));
	}
	if (iso_cgu_read(cg, "memory.events", "oom_group_kill", &gk) == 0)
		iso_note(ctx, "oom_group_kill", "%lld", (long long)gk);
out:
	if (pid > 0)
		iso_kill_wait(pid);
	for (int i = 0; i < NMEMBERS; i++)
		if (mp[i] > 0)
			iso_kill_wait(mp[i]);
	iso_cg_destroy(cg);
	iso_shared_free(sh);
	return v;
}

/* ---- v2: memory.min / memory.low protect a sibling's page cache ---- */

#define PROT_PARENT_MIB 64
#define PROT_HELD_MIB 24
#define PROT_PRESSURE_MIB 160

/*
 * Under reclaim pressure from a sibling, a cgroup's memory within its
 * memory.min (hard protection) or memory.low (best-effort protection) is not
 * reclaimed while unprotected memory can be (cgroup-v2.rst "memory.min",
 * "memory.low", "Memory Protection"). A holds 24 MiB of page cache with 48 MiB
 * protection; B, its sibling below a 64 MiB memory.max, writes 160 MiB. Without
 * protection A's older cache is what reclaim takes. The variant is the knob.
 * Control: the knob is left unset.
 */
static enum iso_verdict protection(struct iso_ctx *ctx)
{
	const char *knob = iso_ctx_arg(ctx);
	bool protect = !iso_ctx_is_control(ctx);
	unsigned int held_ms = iso_ctx_ms(ctx, 10000), pressure_ms = iso_ctx_ms(ctx, 20000);
	const char *dir = cache_dir();
	struct iso_cg *p = NULL, *a = NULL, *b = NULL;
	struct shm *sha = iso_shared_alloc(sizeof(*sha)), *shb = iso_shared_alloc(sizeof(*shb));
	struct iso_sync hold = { { -1, -1 } };
	struct writer wa = { .dir = dir,
			     .mib = PROT_HELD_MIB,
			     .sh = sha,
			     .hold = &hold,
			     .hold_ms = iso_ctx_ms(ctx, 15000) };
	struct writer wb = { .dir = dir, .mib = PROT_PRESSURE_MIB, .sh = shb };
	enum iso_verdict v = ISO_PASS;
	int64_t a0 = -1, a1 = -1, lowev = -1, ooms = -1;
	pid_t pa = -1, pb = -1;
	char st[96], evkey[16];
	int r, status = 0;

	if (!sha || !shb) {
		v = iso_broken(ctx, -ENOMEM, "mmap shared page");
		goto out;
	}
	if (!dir) {
		v = iso_skip(ctx,
			     "the case directory and /var/tmp are on tmpfs/ramfs, whose pages are "
			     "shmem (swap-backed), not reclaimable page cache; needs a "
			     "disk-backed /var/tmp");
		goto out;
	}
	if ((r = make_cg(ctx, NULL, "prot", &p)) < 0 || (r = make_cg(ctx, p, "a", &a)) < 0 ||
	    (r = make_cg(ctx, p, "b", &b)) < 0) {
		v = iso_broken(ctx, r, "create memory cgroups prot, prot/a, prot/b");
		goto out;
	}
	if ((r = iso_cg_write(p, "memory.max", "%lld", PROT_PARENT_MIB * MIB)) < 0) {
		v = iso_cgu_knob_verdict(ctx, "memory.max", r);
		goto out;
	}
	if (protect && (r = iso_cg_write(a, knob, "%lld", 2 * PROT_HELD_MIB * MIB)) < 0) {
		v = iso_cgu_knob_verdict(ctx, knob, r);
		goto out;
	}
	if ((r = iso_sync_init(&hold)) < 0) {
		v = iso_broken(ctx, r, "pipe");
		goto out;
	}
	pa = iso_cgu_spawn(a, writer_main, &wa);
	if (pa < 0) {
		v = iso_broken(ctx, pa, "spawn the writer into prot/a");
		goto out;
	}
	close(hold.fd[0]);
	hold.fd[0] = -1;
	if (iso_cgu_wait_counter(&sha->done, 1, held_ms) < 0) {
		v = iso_fail(ctx, "writing %d MiB in prot/a did not finish in %u s", PROT_HELD_MIB,
			     held_ms / 1000);
		goto out;
	}
	a0 = read_or(a, "memory.current", NULL, -1);
	pb = iso_cgu_spawn(b, writer_main, &wb);
	if (pb < 0) {
		v = iso_broken(ctx, pb, "spawn the writer into prot/b");
		goto out;
	}
	r = iso_wait_timeout(pb, &status, pressure_ms);
	if (r < 0) {
		v = iso_fail(ctx, "the pressure writer in prot/b did not finish %d MiB in %u s",
			     PROT_PRESSURE_MIB, pressure_ms / 1000);
		goto out;
	}
	pb = -1;
	a1 = read_or(a, "memory.current", NULL, -1);
	/* memory.events counts "low" breaches; memory.min has no event of its own. */
	snprintf(evkey, sizeof(evkey), "%s", strchr(knob, '.') + 1);
	if (!strcmp(evkey, "low"))
		lowev = read_or(a, "memory.events", evkey, -1);
	ooms = read_or(p, "memory.events", "oom_kill", -1);
	iso_note(ctx, "a_before_mib", "%lld", (long long)(a0 >> 20));
	iso_note(ctx, "a_after_mib", "%lld", (long long)(a1 >> 20));
	if (lowev >= 0)
		iso_note(ctx, "a_low_events", "%lld", (long long)lowev);
	iso_note(ctx, "pressure_writer", "%s", iso_cgu_status_str(status, st, sizeof(st)));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		v = iso_broken(ctx, 0, "the pressure writer %s (oom_kill %lld)", st,
			       (long long)ooms);
		goto out;
	}
	if (a0 < (PROT_HELD_MIB - 4) * MIB) {
		v = iso_broken(ctx, 0, "prot/a holds only %lld MiB after writing %d MiB",
			       (long long)(a0 >> 20), PROT_HELD_MIB);
		goto out;
	}
	if (a1 < a0 - 4 * MIB)
		v = iso_fail(ctx,
			     "prot/a's page cache shrank from %lld to %lld MiB under its sibling's "
			     "pressure, with %s %s",
			     (long long)(a0 >> 20), (long long)(a1 >> 20), knob,
			     protect ? "48 MiB" : "unset");
out:
	if (pb > 0)
		iso_kill_wait(pb);
	iso_sync_wake(&hold);
	if (pa > 0 && iso_wait_timeout(pa, NULL, iso_ctx_ms(ctx, 2000)) < 0)
		iso_kill_wait(pa);
	iso_sync_close(&hold);
	iso_cg_destroy(b);
	iso_cg_destroy(a);
	iso_cg_destroy(p);
	iso_shared_free(sha);
	iso_shared_free(shb);
	return v;
}

/* ---- swap limits ---- */

#define SWAP_RAM_MIB 16

enum swap_knob { SWAP_V2_SWAP_MAX, SWAP_V1_MEMSW };

/*
 * memory.swap.max caps the cgroup's swap: with memory.max 16 MiB and
 * memory.swap.max 16 MiB a task touching 64 MiB is OOM-killed, where without
 * the swap limit it would finish by swapping (cgroup-v2.rst "memory.swap.max":
 * "Swap usage hard limit. If a cgroup's swap usage reaches this limit, anonymous
 * memory of the cgroup will not be swapped out"). v1: memory.memsw.limit_in_bytes
 * caps memory+swap (cgroup-v1/memory.rst 2.4 swap Extension). The variant says
 * which of the two. Control: the swap limit is left unset.
 */
static enum iso_verdict swap_limit(struct iso_ctx *ctx)
{
	bool v1 = *(const enum swap_knob *)iso_ctx_arg(ctx) == SWAP_V1_MEMSW;
	bool limit = !iso_ctx_is_control(ctx);
	unsigned int wait_ms = iso_ctx_ms(ctx, 20000);
	struct iso_cg *cg = NULL;
	struct shm *sh = iso_shared_alloc(sizeof(*sh));
	struct hog h = { .mib = 4 * SWAP_RAM_MIB };
	enum iso_verdict v = ISO_PASS;
	char path[ISO_CG_PATH + 40], st[96];
	int64_t swfree = swap_free_mib(), ooms = -1;
	int r, status = 0;
	pid_t pid;

	if (!sh)
		return iso_broken(ctx, -errno, "mmap shared page");
	h.pages = &sh->pages;
	if (!swap_active()) {
		v = iso_skip(ctx, "no swap is active (SwapTotal 0 in /proc/meminfo); enable a swap "
				  "device or file of at least 128 MiB to run this case");
		goto out;
	}
	if (swfree < 2 * (int64_t)h.mib) {
		v = iso_skip(ctx, "only %lld MiB of swap free; needs %zu", (long long)swfree,
			     2 * h.mib);
		goto out;
	}
	r = make_cg(ctx, NULL, "swap", &cg);
	if (r < 0) {
		v = iso_broken(ctx, r, "create a memory cgroup");
		goto out;
	}
	if ((r = iso_cg_write(cg, "memory.max", "%lld", SWAP_RAM_MIB * MIB)) < 0) {
		v = iso_cgu_knob_verdict(ctx, "memory.max", r);
		goto out;
	}
	if (v1) {
		snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes",
			 iso_cg_dir(cg, "memory"));
		if (access(path, F_OK) < 0) {
			v = iso_skip(ctx, "no memory.memsw.limit_in_bytes: swap accounting is off "
					  "(boot with swapaccount=1 or CONFIG_MEMCG_SWAP)");
			goto out;
		}
		if (limit && (r = iso_write_file(path, "%lld", 2 * SWAP_RAM_MIB * MIB)) < 0) {
			v = iso_broken(ctx, r, "write %s", path);
			goto out;
		}
	} else if (limit &&
		   (r = iso_cg_write(cg, "memory.swap.max", "%lld", SWAP_RAM_MIB * MIB)) < 0) {
		v = iso_cgu_knob_verdict(ctx, "memory.swap.max", r);
		goto out;
	}
	pid = iso_cgu_spawn(cg, hog_main, &h);
	if (pid < 0) {
		v = iso_broken(ctx, pid, "spawn the allocating task into the cgroup");
		goto out;
	}
	r = iso_wait_timeout(pid, &status, wait_ms);
	if (r < 0) {
		iso_kill_wait(pid);
		v = iso_fail(ctx, "the task neither finished nor was killed in %u s",
			     wait_ms / 1000);
		goto out;
	}
	ooms = read_or(cg, "memory.events", "oom_kill", -1);
	iso_note(ctx, "task", "%s", iso_cgu_status_str(status, st, sizeof(st)));
	iso_note(ctx, "oom_kill", "%lld", (long long)ooms);
	if (!v1)
		iso_note(ctx, "swap_max_events", "%lld",
			 (long long)read_or(cg, "memory.swap.events", "max", -1));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		v = iso_fail(ctx, "a task touching %zu MiB with memory.max %d MiB and %s %s %s",
			     h.mib, SWAP_RAM_MIB, v1 ? "memsw limit" : "memory.swap.max",
			     limit ? "set" : "unset", st);
out:
	iso_cg_destroy(cg);
	iso_shared_free(sh);
	return v;
}

static const struct iso_case cases[] = {
	ISO_CASE(max_triggers_oom_kill,
		 .doc = "anonymous memory past memory.max is OOM-killed and counted in oom_kill "
			"(cgroup-v2.rst memory.max, memory.events; cgroup-v1/memory.rst)",
		 .timeout_ms = 15000,
		 .req = { .root = true, .deleg_ok = true, .controllers = "memory" }),
	ISO_CASE(page_cache_reclaimed_not_killed,
		 .doc = "page cache past memory.max is reclaimed, the writer survives "
			"(cgroup-v2.rst memory.max; cgroup-v1/memory.rst 2.5)",
		 .timeout_ms = 30000,
		 .req = { .root = true, .deleg_ok = true, .controllers = "memory" }),
	ISO_CASE(v1_oom_kill_disable_pauses_task,
		 .doc = "with oom_kill_disable a task over the limit sleeps (under_oom 1) until the "
			"limit is raised (cgroup-v1/memory.rst 10)",
		 .timeout_ms = 15000, .req = { .root = true, .controllers = "memory@v1" }),
	ISO_CASE(v1_oom_eventfd_notifies,
		 .doc = "an eventfd registered on memory.oom_control via cgroup.event_control fires "
			"on OOM (cgroup-v1/memory.rst 10)",
		 .timeout_ms = 15000, .req = { .root = true, .controllers = "memory@v1" }),
	ISO_CASE(high_throttles_without_kill,
		 .doc = "usage over memory.high is throttled and counted, never OOM-killed "
			"(cgroup-v2.rst memory.high)",
		 .timeout_ms = 15000,
		 .req = { .root = true, .deleg_ok = true, .controllers = "memory@v2" }),
	ISO_VARIANT(oom_group_kills_whole_group, oom_group, ISO_ARG(bool, false),
		    .doc = "with memory.oom.group=1 an OOM kill takes every task of the cgroup "
			   "(cgroup-v2.rst memory.oom.group)",
		    .timeout_ms = 15000,
		    .req = { .root = true,
			     .deleg_ok = true,
			     .controllers = "memory@v2",
			     .kernel = "4.19" }),
	ISO_VARIANT(
		oom_group_spares_oom_score_adj_min, oom_group, ISO_ARG(bool, true),
		.doc = "a task with oom_score_adj -1000 survives a memory.oom.group kill "
		       "(cgroup-v2.rst memory.oom.group)",
		.timeout_ms = 15000,
		.req = { .root = true,
			 .root_for =
				 "oom_score_adj -1000 (lowering it needs CAP_SYS_RESOURCE, proc(5))",
			 .controllers = "memory@v2",
			 .kernel = "4.19" }),
	ISO_VARIANT(min_protects_page_cache, protection, "memory.min",
		    .doc = "memory within memory.min is not reclaimed under a sibling's pressure "
			   "(cgroup-v2.rst memory.min)",
		    .timeout_ms = 40000,
		    .req = { .root = true,
			     .deleg_ok = true,
			     .controllers = "memory@v2",
			     .kernel = "4.18" }),
	ISO_VARIANT(low_protects_page_cache, protection, "memory.low",
		    .doc = "memory within memory.low is not reclaimed while unprotected memory can "
			   "be (cgroup-v2.rst memory.low)",
		    .timeout_ms = 40000,
		    .req = { .root = true, .deleg_ok = true, .controllers = "memory@v2" }),
	ISO_VARIANT(swap_max_limits_swap, swap_limit, ISO_ARG(enum swap_knob, SWAP_V2_SWAP_MAX),
		    .doc = "memory.swap.max caps swap: past memory.max plus it the task is "
			   "OOM-killed (cgroup-v2.rst memory.swap.max)",
		    .timeout_ms = 30000,
		    .req = { .root = true, .deleg_ok = true, .controllers = "memory@v2" }),
	ISO_VARIANT(v1_memsw_limits_memory_and_swap, swap_limit,
		    ISO_ARG(enum swap_knob, SWAP_V1_MEMSW),
		    .doc = "memory.memsw.limit_in_bytes caps memory plus swap "
			   "(cgroup-v1/memory.rst 2.4)",
		    .timeout_ms = 30000, .req = { .root = true, .controllers = "memory@v1" }),
};

const struct iso_suite iso_suite_cgroup_memory = ISO_SUITE("cgroup.memory", cases);
