// SPDX-License-Identifier: MIT
/*
 * bench --attribute: kernel stacks on CPU, blocking stacks off CPU and the
 * deferred kworker time of an operation, from perf_event_open(2) and the
 * ring buffers it maps (see attribute.h). No library: the records this needs
 * are few and fixed (PERF_RECORD_SAMPLE, _SWITCH, _LOST), and the tracepoint
 * fields are found by name in tracefs' format files.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attribute.h"
#include "iso.h"

#define MAX_CPUS 256
#define CLOCK_PAGES 128 /* data pages per ring: 512 KiB with 4 KiB pages */
#define TP_PAGES 64
#define WQ_PAGES 32
#define MAX_RECS (4u << 20)
#define MAX_IPS (64u << 20)
#define MAX_FRAMES 128

enum kind { K_CLOCK, K_SWITCH, K_WQ_QUEUE, K_WQ_START, K_WQ_END, K_NKINDS };

/* A record, decoded. */
enum rkind { R_SAMPLE, R_OUT, R_IN, R_BLOCK, R_QUEUE, R_START, R_END };
struct rec {
	uint64_t t;
	uint32_t pid, tid;
	uint8_t kind;
	uint32_t nips;
	size_t ips; /* offset into the pool */
	int64_t state; /* R_BLOCK: prev_state */
	char next[16]; /* R_BLOCK: the comm of the task that runs instead */
	uint64_t work, fn; /* R_QUEUE/START/END */
};

struct ring {
	int fd;
	int cpu;
	enum kind kind;
	void *base;
	size_t pages; /* data pages */
};

/* tid sets: small, linear. */
struct tids {
	uint32_t v[4096];
	size_t n;
};

static bool tids_has(const struct tids *t, uint32_t tid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i] == tid)
			return true;
	return false;
}

static void tids_add(struct tids *t, uint32_t tid)
{
	if (!tids_has(t, tid) && t->n < ISO_ARRAY_SIZE(t->v))
		t->v[t->n++] = tid;
}

/* Written by whichever process calls enable/disable: a shared mapping. */
struct shared {
	uint64_t first_t, last_t;
	unsigned int windows;
	int child_mode; /* enabled from a child of the opener: the opener only waits */
	struct tids enablers; /* the tasks that opened a window */
};

/* Offsets of the tracepoint fields we read; -1: absent. */
struct tp {
	int id;
	int off[3], size[3];
};

struct iso_attr {
	struct ring rings[MAX_CPUS * K_NKINDS];
	int nrings;
	pid_t owner;
	struct shared *sh;
	const char *event; /* "cycles" or "cpu-clock" */
	uint64_t period; /* in the event's unit */
	char off_why[256], wq_why[256];
	struct rec *recs;
	size_t nrecs, caprecs;
	uint64_t *ips;
	size_t nips, capips;
	uint64_t lost, samples, dropped;
	struct tids optids; /* tasks of the op seen by the per-task events */
	struct tp sw, wq[3];
	char *tmp; /* a record that wraps around the ring end */
};

static long page_size(void)
{
	static long p;

	if (!p)
		p = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
	return p;
}

static int peo(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(__NR_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- tracefs ---- */

static const char *const tp_names[] = { "sched/sched_switch", "workqueue/workqueue_queue_work",
					"workqueue/workqueue_execute_start",
					"workqueue/workqueue_execute_end" };
static const char *const tp_fields[][3] = { { "prev_pid", "prev_state", "next_comm" },
					    { "work", "function", NULL },
					    { "work", "function", NULL },
					    { "work", "function", NULL } };
#define NTP 4

/* Parses one format file into t (id, offsets of the wanted fields). */
static void parse_format(const char *id, const char *fmt, const char *const *fields, struct tp *t)
{
	t->id = id ? atoi(id) : -1;
	for (int k = 0; k < 3; k++) {
		t->off[k] = t->size[k] = -1;
		for (const char *p = fmt; fields[k] && p && (p = strstr(p, "field:")); p++) {
			const char *semi = strchr(p, ';'), *q, *name;
			size_t len;

			if (!semi)
				break;
			for (q = semi; q > p && q[-1] != ' ' && q[-1] != '*'; q--)
				;
			name = q;
			len = (size_t)(semi - name);
			if (memchr(name, '[', len))
				len = (size_t)((const char *)memchr(name, '[', len) - name);
			if (len == strlen(fields[k]) && !strncmp(name, fields[k], len)) {
				const char *o = strstr(semi, "offset:"), *s = strstr(semi, "size:");

				if (o && s) {
					t->off[k] = atoi(o + 7);
					t->size[k] = atoi(s + 5);
				}
				break;
			}
		}
	}
}

/* id and format of each tracepoint under dir; 0 if all were read. */
static int read_tps(const char *dir, char out[NTP][2][4096])
{
	int got = 0;

	for (int i = 0; i < NTP; i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/events/%s/id", dir, tp_names[i]);
		if (iso_read_file(path, out[i][0], sizeof(out[i][0])) < 0)
			out[i][0][0] = 0;
		snprintf(path, sizeof(path), "%s/events/%s/format", dir, tp_names[i]);
		if (iso_read_file(path, out[i][1], sizeof(out[i][1])) < 0)
			out[i][1][0] = 0;
		got += out[i][0][0] && out[i][1][0];
	}
	return got ? 0 : -ENOENT;
}

/*
 * The tracepoints' ids and formats: from a mounted tracefs, or (as root, when
 * none is mounted) from one a child mounts in a mount namespace of its own,
 * which goes with it. Returns 0 or -errno.
 */
static int load_tracepoints(char out[NTP][2][4096], char *why, size_t len)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char(*shm)[2][4096];
	int status, r;
	pid_t pid;

	memset(out, 0, sizeof(char[NTP][2][4096]));
	for (size_t i = 0; i < ISO_ARRAY_SIZE(dirs); i++)
		if (read_tps(dirs[i], out) == 0)
			return 0;
	shm = mmap(NULL, sizeof(char[NTP][2][4096]), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		snprintf(why, len, "mmap: %s", strerror(errno));
		return -errno;
	}
	memset(shm, 0, sizeof(char[NTP][2][4096]));
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0)
			_exit(1);
		_exit(read_tps("/sys/kernel/tracing", shm) == 0 ? 0 : 2);
	}
	r = -ENOENT;
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			memcpy(out, shm, sizeof(char[NTP][2][4096]));
			r = 0;
		}
	}
	munmap(shm, sizeof(char[NTP][2][4096]));
	if (r < 0)
		snprintf(why, len,
			 "no tracefs: none mounted at /sys/kernel/tracing or "
			 "/sys/kernel/debug/tracing, and mounting one %s",
			 geteuid() ? "needs root" : "failed");
	return r;
}

/* ---- opening ---- */

static int add_ring(struct iso_attr *a, int fd, int cpu, enum kind k, size_t pages, char *why,
		    size_t len)
{
	size_t sz = (pages + 1) * (size_t)page_size();
	void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED) {
		snprintf(why, len, "mmap of a perf ring buffer: %s", strerror(errno));
		close(fd);
		return -errno;
	}
	a->rings[a->nrings++] = (struct ring){ fd, cpu, k, m, pages };
	return 0;
}

static void base_attr(struct perf_event_attr *pa)
{
	memset(pa, 0, sizeof(*pa));
	pa->size = sizeof(*pa);
	pa->disabled = 1;
	pa->sample_id_all = 1;
	pa->use_clockid = 1;
	pa->clockid = CLOCK_MONOTONIC;
	pa->exclude_hv = 1;
}

static void perm_hint(char *why, size_t len, const char *what, int err)
{
	char par[16] = "?";

	iso_read_file("/proc/sys/kernel/perf_event_paranoid", par, sizeof(par));
	par[strcspn(par, "\n")] = 0;
	snprintf(why, len, "perf_event_open(%s): %s%s%s%s", what, strerror(err),
		 err == EACCES || err == EPERM ? " (kernel profiling needs root or CAP_PERFMON, "
						 "or kernel.perf_event_paranoid <= 1; it is " :
						 "",
		 err == EACCES || err == EPERM ? par : "",
		 err == EACCES || err == EPERM ? ")" : "");
}

static int ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n < 1 ? 1 : n > MAX_CPUS ? MAX_CPUS : (int)n;
}

struct iso_attr *iso_attr_open(char *why, size_t len)
{
	static char tps[NTP][2][4096];
	struct iso_attr *a = calloc(1, sizeof(*a));
	struct perf_event_attr pa;
	char tpwhy[256] = "";
	int n = ncpus(), opened = 0, last = 0;
	bool cycles = true;

	if (!a) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	a->owner = getpid();
	a->sh = mmap(NULL, sizeof(*a->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		     0);
	a->tmp = malloc(65536);
	if (a->sh == MAP_FAILED || !a->tmp) {
		snprintf(why, len, "out of memory");
		a->sh = NULL;
		iso_attr_close(a);
		return NULL;
	}
	memset(a->sh, 0, sizeof(*a->sh));
	/* On CPU: cycles where there is a PMU, else cpu-clock; kernel stacks only. */
	for (int cpu = 0; cpu < n; cpu++) {
		int fd = -1;

		base_attr(&pa);
		/*
		 * CPU-wide, enabled in the windows only, samples kept for the op's tasks:
		 * a cpu-clock timer keeps what is left of its period from one window to
		 * the next, where a task event in each fresh child would start a whole
		 * period anew and never see an op shorter than one.
		 */
		pa.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
				 PERF_SAMPLE_CALLCHAIN;
		pa.exclude_user = 1;
		pa.exclude_idle = 1;
		pa.exclude_callchain_user = 1;
		if (cycles) {
			pa.type = PERF_TYPE_HARDWARE;
			pa.config = PERF_COUNT_HW_CPU_CYCLES;
			pa.sample_period = ISO_ATTR_CYCLES_PERIOD;
			fd = peo(&pa, -1, cpu);
			if (fd < 0 && opened == 0 && errno != ENODEV)
				cycles = false;
		}
		if (!cycles) {
			pa.type = PERF_TYPE_SOFTWARE;
			pa.config = PERF_COUNT_SW_CPU_CLOCK;
			pa.sample_period = ISO_ATTR_PERIOD_NS;
			fd = peo(&pa, -1, cpu);
		}
		if (fd < 0) {
			last = errno;
			if (errno == ENODEV || errno == EINVAL)
				continue; /* an offline CPU */
			perm_hint(why, len, "cpu-clock, kernel stacks", errno);
			iso_attr_close(a);
			return NULL;
		}
		if (add_ring(a, fd, cpu, K_CLOCK, CLOCK_PAGES, why, len) < 0) {
			iso_attr_close(a);
			return NULL;
		}
		opened++;
	}
	if (!opened) {
		snprintf(why, len, "perf_event_open(cpu-clock): %s on every CPU", strerror(last));
		iso_attr_close(a);
		return NULL;
	}
	a->event = cycles ? "cycles" : "cpu-clock";
	a->period = cycles ? ISO_ATTR_CYCLES_PERIOD : ISO_ATTR_PERIOD_NS;

	/* Off CPU: sched_switch with stacks, in the tasks of the op. */
	if (load_tracepoints(tps, tpwhy, sizeof(tpwhy)) < 0) {
		snprintf(a->off_why, sizeof(a->off_why), "%s", tpwhy);
		snprintf(a->wq_why, sizeof(a->wq_why), "%s", tpwhy);
		return a;
	}
	parse_format(tps[0][0], tps[0][1], tp_fields[0], &a->sw);
	for (int i = 0; i < 3; i++)
		parse_format(tps[i + 1][0], tps[i + 1][1], tp_fields[i + 1], &a->wq[i]);
	if (a->sw.id <= 0 || a->sw.off[0] < 0 || a->sw.off[1] < 0)
		snprintf(
			a->off_why, sizeof(a->off_why),
			"no sched:sched_switch tracepoint (or no prev_pid/prev_state in its format)");
	for (int cpu = 0; cpu < n && !a->off_why[0]; cpu++) {
		int fd;

		base_attr(&pa);
		pa.type = PERF_TYPE_TRACEPOINT;
		pa.config = (uint64_t)a->sw.id;
		pa.sample_period = 1;
		pa.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CALLCHAIN |
				 PERF_SAMPLE_RAW;
		pa.inherit = 1;
		pa.exclude_callchain_user = 1;
		pa.context_switch = 1; /* PERF_RECORD_SWITCH: when the task runs again */
		fd = peo(&pa, 0, cpu);
		if (fd < 0) {
			if (errno == ENODEV || errno == EINVAL)
				continue;
			perm_hint(a->off_why, sizeof(a->off_why), "sched:sched_switch", errno);
			break;
		}
		if (add_ring(a, fd, cpu, K_SWITCH, TP_PAGES, a->off_why, sizeof(a->off_why)) < 0)
			break;
	}
	/* Deferred: the workqueue tracepoints on every CPU, whatever runs there. */
	for (int i = 0; i < 3 && !a->wq_why[0]; i++)
		if (a->wq[i].id <= 0 || a->wq[i].off[0] < 0 || a->wq[i].off[1] < 0)
			snprintf(a->wq_why, sizeof(a->wq_why), "no workqueue:%s tracepoint",
				 strchr(tp_names[i + 1], '/') + 1);
	for (int i = 0; i < 3 && !a->wq_why[0]; i++)
		for (int cpu = 0; cpu < n && !a->wq_why[0]; cpu++) {
			int fd;

			base_attr(&pa);
			pa.type = PERF_TYPE_TRACEPOINT;
			pa.config = (uint64_t)a->wq[i].id;
			pa.sample_period = 1;
			pa.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
			pa.disabled = 0;
			fd = peo(&pa, -1, cpu);
			if (fd < 0) {
				if (errno == ENODEV || errno == EINVAL)
					continue;
				perm_hint(a->wq_why, sizeof(a->wq_why), "workqueue, all CPUs",
					  errno);
				break;
			}
			add_ring(a, fd, cpu, (enum kind)(K_WQ_QUEUE + i), WQ_PAGES, a->wq_why,
				 sizeof(a->wq_why));
		}
	return a;
}

void iso_attr_enable(struct iso_attr *a)
{
	uint64_t t = mono_ns();
	int cpu;

	if (!a)
		return;
	if (!a->sh->first_t)
		a->sh->first_t = t;
	if (getpid() != a->owner)
		a->sh->child_mode = 1;
	a->sh->windows++;
	{
		struct tids *e = &a->sh->enablers;
		uint32_t tid = (uint32_t)gettid();

		if ((!e->n || e->v[e->n - 1] != tid) && e->n < ISO_ARRAY_SIZE(e->v))
			e->v[e->n++] = tid;
	}
	/*
	 * The task events first, then the sampling on the other CPUs, this CPU's
	 * last: as little of the profiler's own ioctls as can be is sampled (and
	 * what is, is left out by its stack).
	 */
	cpu = sched_getcpu();
	for (int i = 0; i < a->nrings; i++)
		if (a->rings[i].kind == K_SWITCH)
			ioctl(a->rings[i].fd, PERF_EVENT_IOC_ENABLE, 0);
	for (int i = 0; i < a->nrings; i++)
		if (a->rings[i].kind == K_CLOCK && a->rings[i].cpu != cpu)
			ioctl(a->rings[i].fd, PERF_EVENT_IOC_ENABLE, 0);
	for (int i = 0; i < a->nrings; i++)
		if (a->rings[i].kind == K_CLOCK && a->rings[i].cpu == cpu)
			ioctl(a->rings[i].fd, PERF_EVENT_IOC_ENABLE, 0);
}

void iso_attr_disable(struct iso_attr *a)
{
	int cpu = sched_getcpu();

	if (!a)
		return;
	for (int i = 0; i < a->nrings; i++)
		if (a->rings[i].kind == K_CLOCK && a->rings[i].cpu == cpu)
			ioctl(a->rings[i].fd, PERF_EVENT_IOC_DISABLE, 0);
	for (int i = 0; i < a->nrings; i++)
		if (a->rings[i].kind == K_CLOCK && a->rings[i].cpu != cpu)
			ioctl(a->rings[i].fd, PERF_EVENT_IOC_DISABLE, 0);
	for (int i = 0; i < a->nrings; i++)
		if (a->rings[i].kind == K_SWITCH)
			ioctl(a->rings[i].fd, PERF_EVENT_IOC_DISABLE, 0);
	a->sh->last_t = mono_ns();
}

void iso_attr_close(struct iso_attr *a)
{
	if (!a)
		return;
	for (int i = 0; i < a->nrings; i++) {
		munmap(a->rings[i].base, (a->rings[i].pages + 1) * (size_t)page_size());
		close(a->rings[i].fd);
	}
	if (a->sh)
		munmap(a->sh, sizeof(*a->sh));
	free(a->recs);
	free(a->ips);
	free(a->tmp);
	free(a);
}

/* ---- reading the rings ---- */

static struct rec *new_rec(struct iso_attr *a)
{
	if (a->nrecs == a->caprecs) {
		size_t cap = a->caprecs ? a->caprecs * 2 : 4096;
		struct rec *r;

		if (cap > MAX_RECS || !(r = realloc(a->recs, cap * sizeof(*r)))) {
			a->dropped++;
			return NULL;
		}
		a->recs = r;
		a->caprecs = cap;
	}
	memset(&a->recs[a->nrecs], 0, sizeof(a->recs[0]));
	return &a->recs[a->nrecs++];
}

/* Keeps the kernel frames of a callchain (context markers dropped). */
static void keep_ips(struct iso_attr *a, struct rec *r, const uint64_t *ips, uint64_t nr)
{
	r->ips = a->nips;
	r->nips = 0;
	if (a->nips + nr > a->capips) {
		size_t cap = a->capips ? a->capips : 65536;
		uint64_t *p;

		while (cap < a->nips + nr)
			cap *= 2;
		if (cap > MAX_IPS || !(p = realloc(a->ips, cap * sizeof(*p))))
			return;
		a->ips = p;
		a->capips = cap;
	}
	for (uint64_t i = 0; i < nr; i++)
		if (ips[i] < (uint64_t)PERF_CONTEXT_MAX)
			a->ips[a->nips + r->nips++] = ips[i];
	a->nips += r->nips;
}

static uint64_t raw_field(const uint8_t *raw, uint32_t rawsz, const struct tp *t, int k)
{
	uint64_t v = 0;
	int off = t->off[k], sz = t->size[k];

	if (off < 0 || sz <= 0 || sz > 8 || (uint32_t)(off + sz) > rawsz)
		return 0;
	if (sz == 8) {
		memcpy(&v, raw + off, 8);
	} else if (sz == 4) {
		int32_t x;

		memcpy(&x, raw + off, 4);
		v = (uint64_t)(int64_t)x;
	} else if (sz == 2) {
		uint16_t x;

		memcpy(&x, raw + off, 2);
		v = x;
	} else {
		v = raw[off];
	}
	return v;
}

/*
 * A task of the op: one that opened a window, or that the per-task events saw
 * (its children), but not the opener waiting for a child that runs the op.
 */
static bool op_task(const struct iso_attr *a, uint32_t tid)
{
	if (a->sh->child_mode && tid == (uint32_t)a->owner)
		return false;
	return tids_has(&a->sh->enablers, tid) || tids_has(&a->optids, tid);
}

/* One record of ring k (its whole bytes in p). */
static void decode(struct iso_attr *a, enum kind k, const uint8_t *p, size_t size)
{
	const struct perf_event_header *h = (const void *)p;
	const uint8_t *q = p + sizeof(*h), *end = p + size;
	struct rec *r;
	uint32_t pt[2];
	uint64_t t, nr;

	if (h->type == PERF_RECORD_LOST && size >= sizeof(*h) + 16) {
		uint64_t lost;

		memcpy(&lost, q + 8, 8);
		a->lost += lost;
		return;
	}
	if (h->type == PERF_RECORD_SWITCH && k == K_SWITCH && size >= sizeof(*h) + 16) {
		if (!(r = new_rec(a)))
			return;
		memcpy(pt, q, 8);
		memcpy(&r->t, q + 8, 8);
		r->pid = pt[0];
		r->tid = pt[1];
		r->kind = h->misc & PERF_RECORD_MISC_SWITCH_OUT ? R_OUT : R_IN;
		tids_add(&a->optids, r->tid);
		return;
	}
	if (h->type != PERF_RECORD_SAMPLE)
		return;
	if (k == K_CLOCK) {
		q += 8; /* ip: the callchain starts with it */
		if (q + 24 > end)
			return;
	}
	if (q + 16 > end)
		return;
	memcpy(pt, q, 8);
	memcpy(&t, q + 8, 8);
	q += 16;
	if (!(r = new_rec(a)))
		return;
	r->pid = pt[0];
	r->tid = pt[1];
	r->t = t;
	if (k == K_CLOCK || k == K_SWITCH) {
		if (q + 8 > end)
			return;
		memcpy(&nr, q, 8);
		q += 8;
		if (nr > (uint64_t)(end - q) / 8)
			nr = (uint64_t)(end - q) / 8;
		{
			uint64_t ips[MAX_FRAMES + 8];
			uint64_t m = nr < ISO_ARRAY_SIZE(ips) ? nr : ISO_ARRAY_SIZE(ips);

			memcpy(ips, q, m * 8);
			keep_ips(a, r, ips, m);
		}
		q += nr * 8;
	}
	if (k == K_CLOCK) {
		r->kind = R_SAMPLE;
		if (op_task(a, r->tid))
			a->samples++;
		return;
	}
	{
		uint32_t rawsz = 0;
		const uint8_t *raw;

		if (q + 4 > end) {
			a->nrecs--;
			return;
		}
		memcpy(&rawsz, q, 4);
		raw = q + 4;
		if (raw + rawsz > end)
			rawsz = (uint32_t)(end - raw);
		if (k == K_SWITCH) {
			r->kind = R_BLOCK;
			r->state = (int64_t)raw_field(raw, rawsz, &a->sw, 1);
			if (a->sw.off[2] >= 0 && a->sw.size[2] > 0 &&
			    (uint32_t)(a->sw.off[2] + a->sw.size[2]) <= rawsz) {
				size_t l = (size_t)a->sw.size[2] < sizeof(r->next) ?
						   (size_t)a->sw.size[2] :
						   sizeof(r->next) - 1;

				memcpy(r->next, raw + a->sw.off[2], l);
				r->next[l] = 0;
			}
			/* prev_pid is the task that leaves: ours (the event is per task). */
			r->tid = (uint32_t)raw_field(raw, rawsz, &a->sw, 0);
			tids_add(&a->optids, r->tid);
		} else {
			const struct tp *tp = &a->wq[k - K_WQ_QUEUE];

			r->kind = (uint8_t)(R_QUEUE + (k - K_WQ_QUEUE));
			r->work = raw_field(raw, rawsz, tp, 0);
			r->fn = raw_field(raw, rawsz, tp, 1);
		}
	}
}

size_t iso_attr_drain(struct iso_attr *a)
{
	size_t n = 0;

	if (!a)
		return 0;
	/* The task events' rings first: they tell the samples' tasks apart. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < a->nrings; i++) {
			struct ring *rg = &a->rings[i];

			if ((rg->kind == K_SWITCH) != (pass == 0))
				continue;
			struct perf_event_mmap_page *mp = rg->base;
			uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE),
				 tail = mp->data_tail;
			size_t sz = rg->pages * (size_t)page_size();
			uint8_t *data = (uint8_t *)rg->base +
					(mp->data_offset ? mp->data_offset : (uint64_t)page_size());

			while (tail + sizeof(struct perf_event_header) <= head) {
				struct perf_event_header h;
				size_t off = (size_t)(tail % sz);
				const uint8_t *p;

				if (off + sizeof(h) <= sz) {
					memcpy(&h, data + off, sizeof(h));
				} else {
					size_t first = sz - off;

					memcpy(&h, data + off, first);
					memcpy((uint8_t *)&h + first, data, sizeof(h) - first);
				}
				if (h.size < sizeof(h) || tail + h.size > head)
					break;
				if (off + h.size <= sz) {
					p = data + off;
				} else {
					size_t first = sz - off;

					memcpy(a->tmp, data + off, first);
					memcpy(a->tmp + first, data, h.size - first);
					p = (const uint8_t *)a->tmp;
				}
				decode(a, rg->kind, p, h.size);
				tail += h.size;
				n++;
			}
			__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
		}
	return n;
}

size_t iso_attr_samples(const struct iso_attr *a)
{
	return a ? (size_t)a->samples : 0;
}

/* ---- symbols ---- */

struct sym {
	uint64_t addr;
	const char *name;
};

struct syms {
	struct sym *v;
	size_t n;
	char *pool;
	bool hidden; /* kptr_restrict: every address 0 */
};

static int cmp_sym(const void *x, const void *y)
{
	const struct sym *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static int load_kallsyms(struct syms *s)
{
	char *text = NULL, *p, *w;
	ssize_t len = iso_read_file_alloc("/proc/kallsyms", &text);
	size_t cap = 0, nonzero = 0;

	memset(s, 0, sizeof(*s));
	if (len < 0)
		return (int)len;
	s->pool = text;
	for (p = text; p && *p; p = w) {
		char *nl = strchr(p, '\n'), *sp1, *sp2, *name;
		unsigned long long addr;
		char type;

		w = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		sp1 = strchr(p, ' ');
		if (!sp1 || !sp1[1] || sp1[2] != ' ')
			continue;
		type = sp1[1];
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		name = sp1 + 3;
		sp2 = strpbrk(name, " \t");
		if (sp2)
			*sp2 = 0; /* drops " [module]" */
		addr = strtoull(p, NULL, 16);
		nonzero += addr != 0;
		if (s->n == cap) {
			struct sym *v;

			cap = cap ? cap * 2 : 65536;
			v = realloc(s->v, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			s->v = v;
		}
		s->v[s->n++] = (struct sym){ addr, name };
	}
	s->hidden = s->n && !nonzero;
	qsort(s->v, s->n, sizeof(*s->v), cmp_sym);
	return 0;
}

/* The function at ip, or NULL. */
static const char *sym_of(const struct syms *s, uint64_t ip)
{
	size_t lo = 0, hi = s->n;

	if (s->hidden || !s->n || ip < s->v[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (s->v[mid].addr <= ip)
			lo = mid;
		else
			hi = mid;
	}
	/* Past the last symbol: only if close (the end of the text is not listed). */
	if (lo == s->n - 1 && ip - s->v[lo].addr > (1u << 20))
		return NULL;
	return s->v[lo].name;
}

static void free_syms(struct syms *s)
{
	free(s->v);
	free(s->pool);
}

/* ---- folding ---- */

struct fold_ent {
	char *stack;
	uint64_t w;
};

struct iso_fold {
	struct fold_ent *v; /* open addressing */
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

struct iso_fold *iso_fold_new(void)
{
	struct iso_fold *f = calloc(1, sizeof(*f));

	if (f) {
		f->cap = 1024;
		f->v = calloc(f->cap, sizeof(*f->v));
		if (!f->v) {
			free(f);
			return NULL;
		}
	}
	return f;
}

static int fold_put(struct iso_fold *f, char *stack, uint64_t w)
{
	size_t i;

	if (2 * (f->n + 1) > f->cap) {
		struct fold_ent *old = f->v;
		size_t oc = f->cap;

		f->v = calloc(oc * 2, sizeof(*f->v));
		if (!f->v) {
			f->v = old;
			return -ENOMEM;
		}
		f->cap = oc * 2;
		f->n = 0;
		for (size_t k = 0; k < oc; k++)
			if (old[k].stack)
				fold_put(f, old[k].stack, old[k].w);
		free(old);
	}
	for (i = hash_str(stack) & (f->cap - 1); f->v[i].stack; i = (i + 1) & (f->cap - 1))
		if (!strcmp(f->v[i].stack, stack)) {
			f->v[i].w += w;
			free(stack);
			return 0;
		}
	f->v[i] = (struct fold_ent){ stack, w };
	f->n++;
	return 0;
}

int iso_fold_add(struct iso_fold *f, const char *const *frames, size_t n, uint64_t weight)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(frames[i]) + 1;
	s = malloc(len);
	if (!s)
		return -ENOMEM;
	p = s;
	*p = 0;
	for (size_t i = n; i-- > 0;) {
		size_t l = strlen(frames[i]);

		memcpy(p, frames[i], l);
		p += l;
		if (i)
			*p++ = ';';
	}
	*p = 0;
	return fold_put(f, s, weight);
}

static int cmp_fold(const void *x, const void *y)
{
	const struct fold_ent *a = *(const struct fold_ent *const *)x,
			      *b = *(const struct fold_ent *const *)y;

	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	return strcmp(a->stack, b->stack);
}

static json_t *fold_json(const struct iso_fold *f, size_t max);

/* The sorted entries of f (borrowed), n of them. NULL on no memory. */
static const struct fold_ent **fold_sorted(const struct iso_fold *f, size_t *n)
{
	const struct fold_ent **v = calloc(f->n + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < f->cap; i++)
		if (f->v[i].stack)
			v[(*n)++] = &f->v[i];
	qsort(v, *n, sizeof(*v), cmp_fold);
	return v;
}

/* stack cut after its first depth frames, with a ";[deeper]" frame; malloc'd. */
static char *cut(const char *stack, int depth)
{
	const char *p = stack;
	char *s;

	for (int d = 0; d < depth && p; d++) {
		p = strchr(p, ';');
		if (p && d + 1 < depth)
			p++;
	}
	if (!p)
		return strdup(stack); /* no deeper than that */
	if (asprintf(&s, "%.*s;[deeper]", (int)(p - stack), stack) < 0)
		return NULL;
	return s;
}

/*
 * f with every stack cut below its deepest frame that still holds total /
 * (2 max) of the weight (a ";[deeper]" frame marks the cut), merged: what a
 * flame graph of max stacks can show, and its time under the right callers.
 * NULL on no memory.
 */
static struct iso_fold *prune(const struct iso_fold *f, size_t max)
{
	struct iso_fold *pre = iso_fold_new(), *out = iso_fold_new();
	uint64_t total = 0, thr;

	if (!pre || !out)
		goto fail;
	for (size_t i = 0; i < f->cap; i++)
		total += f->v[i].stack ? f->v[i].w : 0;
	thr = total / (2 * (max ? max : 1));
	/* The weight of every prefix. */
	for (size_t i = 0; i < f->cap; i++) {
		const char *st = f->v[i].stack, *p = st;

		if (!st)
			continue;
		do {
			p = strchr(p, ';');
			char *x = p ? strndup(st, (size_t)(p - st)) : strdup(st);

			if (!x || fold_put(pre, x, f->v[i].w) < 0)
				goto fail;
			if (p)
				p++;
		} while (p);
	}
	for (size_t i = 0; i < f->cap; i++) {
		const char *st = f->v[i].stack, *p = st, *keep = NULL;
		char *x;

		if (!st)
			continue;
		/* The deepest prefix at or above the threshold. */
		do {
			const char *e = strchr(p, ';');
			size_t len = e ? (size_t)(e - st) : strlen(st);
			char *pfx = strndup(st, len);
			uint64_t w = 0;

			if (!pfx)
				goto fail;
			for (size_t k = hash_str(pfx) & (pre->cap - 1); pre->v[k].stack;
			     k = (k + 1) & (pre->cap - 1))
				if (!strcmp(pre->v[k].stack, pfx)) {
					w = pre->v[k].w;
					break;
				}
			free(pfx);
			if (w < thr)
				break;
			keep = e ? e : st + len;
			p = e ? e + 1 : NULL;
		} while (p);
		if (!keep || !*keep)
			x = strdup(st);
		else if (asprintf(&x, "%.*s;[deeper]", (int)(keep - st), st) < 0)
			x = NULL;
		if (!keep && x) {
			free(x);
			x = strdup("[deeper]");
		}
		if (!x || fold_put(out, x, f->v[i].w) < 0)
			goto fail;
	}
	iso_fold_free(pre);
	return out;
fail:
	iso_fold_free(pre);
	iso_fold_free(out);
	return NULL;
}

json_t *iso_fold_json(const struct iso_fold *f, size_t max)
{
	struct iso_fold *pf = f->n > max ? prune(f, max) : NULL;
	json_t *out;

	if (pf)
		f = pf;
	out = fold_json(f, max);
	iso_fold_free(pf);
	return out;
}

static json_t *fold_json(const struct iso_fold *f, size_t max)
{
	size_t n = 0, m = 0;
	const struct fold_ent **v = fold_sorted(f, &n), **w = NULL;
	json_t *out = json_array();
	struct iso_fold *rest = NULL;
	uint64_t other = 0;

	if (!v)
		return out;
	for (size_t i = 0; i < n && i < max; i++)
		json_array_append_new(out, json_pack("{s:s,s:I}", "stack", v[i]->stack, "samples",
						     (json_int_t)v[i]->w));
	/*
	 * The rest, cut shallower until they fit in a quarter as many entries
	 * again: their time stays under the right callers in the flame graph.
	 */
	for (int depth = 16; n > max && depth >= 1; depth--) {
		iso_fold_free(rest);
		rest = iso_fold_new();
		for (size_t i = max; rest && i < n; i++) {
			char *c = cut(v[i]->stack, depth);

			if (!c || fold_put(rest, c, v[i]->w) < 0)
				break;
		}
		if (rest && rest->n <= max / 4 + 1)
			break;
	}
	if (rest && (w = fold_sorted(rest, &m))) {
		for (size_t i = 0; i < m; i++) {
			if (i < max / 4 + 1)
				json_array_append_new(out,
						      json_pack("{s:s,s:I}", "stack", w[i]->stack,
								"samples", (json_int_t)w[i]->w));
			else
				other += w[i]->w;
		}
	} else {
		for (size_t i = max; i < n; i++)
			other += v[i]->w;
	}
	if (other)
		json_array_append_new(out, json_pack("{s:s,s:I}", "stack", "[other]", "samples",
						     (json_int_t)other));
	free(w);
	free(v);
	iso_fold_free(rest);
	return out;
}

void iso_fold_free(struct iso_fold *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->cap; i++)
		free(f->v[i].stack);
	free(f->v);
	free(f);
}

/* ---- classifying a wait ---- */

static bool starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* The scheduler's own frames, and the tracepoint's, above the real blocking point. */
static bool sched_frame(const char *f)
{
	return starts(f, "__schedule") || starts(f, "schedule") || starts(f, "preempt_schedule") ||
	       starts(f, "io_schedule") || strstr(f, "cond_resched") || starts(f, "__traceiter_") ||
	       starts(f, "perf_trace_") || starts(f, "perf_tp_") || starts(f, "trace_event_") ||
	       starts(f, "__perf_") || starts(f, "[unknown]");
}

static bool rcu_frame(const char *f)
{
	return starts(f, "synchronize_rcu") || starts(f, "synchronize_srcu") ||
	       starts(f, "rcu_barrier") || starts(f, "wait_rcu_gp") || starts(f, "__wait_rcu_gp") ||
	       starts(f, "synchronize_net") || starts(f, "rcu_exp_wait") ||
	       starts(f, "synchronize_rcu_tasks") || starts(f, "rcu_tasks_");
}

static bool mutex_frame(const char *f)
{
	return strstr(f, "mutex_lock") != NULL;
}

static bool rwsem_frame(const char *f)
{
	return starts(f, "rwsem_down_") || starts(f, "down_read") || starts(f, "down_write") ||
	       starts(f, "percpu_down_") || starts(f, "percpu_rwsem_") ||
	       starts(f, "__percpu_down_") || starts(f, "__down_read") || starts(f, "__down_write");
}

/* The lock a caller takes, by the callers' names the kernel uses. */
static const char *lock_name(const char *caller)
{
	static const struct {
		const char *prefix, *lock;
	} map[] = {
		{ "rtnl_lock", "rtnl_mutex" },
		{ "__rtnl_lock", "rtnl_mutex" },
		{ "rtnl_net_lock", "rtnl_mutex" },
		{ "rtnl_nets_lock", "rtnl_mutex" },
		{ "rtnl_net_dev_lock", "rtnl_mutex" },
		/* Callers whose rtnl_lock() is a tail call (gone from the stack). */
		{ "register_nexthop_notifier", "rtnl_mutex" },
		{ "unregister_nexthop_notifier", "rtnl_mutex" },
		{ "register_netdevice_notifier", "rtnl_mutex" },
		{ "unregister_netdevice_notifier", "rtnl_mutex" },
		{ "cgroup_lock", "cgroup_mutex" },
		{ "cgroup_kn_lock_live", "cgroup_mutex" },
		{ "cgroup_lock_and_drain", "cgroup_mutex" },
		{ "cgroup_attach_lock", "cgroup_threadgroup_rwsem" },
		{ "cgroup_procs_write_start", "cgroup_threadgroup_rwsem" },
		{ "cgroup_file_write", "cgroup_mutex" },
		{ "namespace_lock", "namespace_sem" },
		{ "lock_mount", "namespace_sem" },
		{ "copy_net_ns", "pernet_ops_rwsem" },
		{ "cleanup_net", "pernet_ops_rwsem" },
		{ "register_pernet", "pernet_ops_rwsem" },
		{ "unregister_pernet", "pernet_ops_rwsem" },
		{ "mmap_read_lock", "mmap_lock" },
		{ "mmap_write_lock", "mmap_lock" },
		{ "lock_mm_and_find_vma", "mmap_lock" },
		{ "vm_mmap_pgoff", "mmap_lock" },
		{ "kernfs_", "kernfs_rwsem" },
		{ "inode_lock", "i_rwsem" },
		{ "lock_rename", "s_vfs_rename_mutex" },
		{ "sysctl_", "sysctl lock" },
		{ "freezer_", "freezer_mutex" },
		{ "cpus_read_lock", "cpu_hotplug_lock" },
		{ "cpuset_", "cpuset_mutex" },
	};

	for (size_t i = 0; i < ISO_ARRAY_SIZE(map); i++)
		if (starts(caller, map[i].prefix))
			return map[i].lock;
	return NULL;
}

const char *iso_attr_classify(const char *const *frames, size_t n, long prev_state, char *what,
			      size_t len, const char **top)
{
	size_t i = 0;
	bool completion = false;

	while (i < n && sched_frame(frames[i]))
		i++;
	*top = i < n ? frames[i] : "[unknown]";
	/* 0 running, TASK_REPORT_MAX (0x100) preempted: either way still runnable. */
	if ((prev_state & 0xff) == 0) {
		snprintf(what, len, "run-queue (preempted in %s)", *top);
		return "scheduling";
	}
	for (size_t k = i; k < n; k++) {
		const char *f = frames[k];

		if (rcu_frame(f)) {
			/* The outermost RCU frame names the wait. */
			while (k + 1 < n && rcu_frame(frames[k + 1]))
				k++;
			snprintf(what, len, "%s", frames[k]);
			return "RCU";
		}
		if (mutex_frame(f) || rwsem_frame(f)) {
			bool mutex = mutex_frame(f);
			const char *lock = NULL;

			while (k + 1 < n &&
			       (mutex_frame(frames[k + 1]) || rwsem_frame(frames[k + 1])))
				k++;
			/* The callers name the lock: the nearest one that maps. */
			for (size_t c = k + 1; c < n && c < k + 4 && !lock; c++)
				lock = lock_name(frames[c]);
			if (lock)
				snprintf(what, len, "%s", lock);
			else
				snprintf(what, len, "%s in %s", mutex ? "mutex" : "rwsem",
					 k + 1 < n ? frames[k + 1] : "?");
			return "lock";
		}
		if (starts(f, "io_schedule") || starts(f, "folio_wait") ||
		    starts(f, "bit_wait_io") || starts(f, "blk_") || starts(f, "wait_on_page") ||
		    starts(f, "__wait_on_buffer") || starts(f, "submit_bio_wait") ||
		    starts(f, "jbd2_")) {
			snprintf(what, len, "%s", f);
			return "IO";
		}
		if (starts(f, "wait_for_completion") || starts(f, "__wait_for_common") ||
		    starts(f, "wait_for_common")) {
			completion = true;
			continue;
		}
		if (starts(f, "__flush_work") || starts(f, "flush_work") ||
		    starts(f, "__flush_workqueue") || starts(f, "flush_workqueue") ||
		    starts(f, "drain_workqueue") || starts(f, "flush_delayed_work")) {
			snprintf(what, len, "%s", f);
			return "workqueue";
		}
		if (starts(f, "do_wait") || starts(f, "kernel_wait")) {
			snprintf(what, len, "child exit (wait4)");
			return "waiting";
		}
		if (starts(f, "do_nanosleep") || starts(f, "hrtimer_nanosleep") ||
		    starts(f, "msleep") || starts(f, "usleep_range")) {
			snprintf(what, len, "%s", f);
			return "sleep";
		}
		if (starts(f, "futex_")) {
			snprintf(what, len, "futex");
			return "waiting";
		}
		if (starts(f, "pipe_") || starts(f, "do_select") || starts(f, "do_sys_poll") ||
		    starts(f, "ep_poll") || starts(f, "sk_wait") || starts(f, "unix_") ||
		    starts(f, "netlink_") || starts(f, "wait_woken") ||
		    starts(f, "do_sigtimedwait") || starts(f, "sys_pause") ||
		    starts(f, "__x64_sys_pause")) {
			snprintf(what, len, "%s", f);
			return "waiting";
		}
		if (starts(f, "do_exit") || starts(f, "do_group_exit")) {
			snprintf(what, len, "exit (%s)", *top);
			return "other";
		}
		if (completion && !starts(f, "wait_")) {
			snprintf(what, len, "completion in %s", f);
			return "waiting";
		}
	}
	snprintf(what, len, "%s", *top);
	return "other";
}

/* ---- the analysis ---- */

/* Where a timer sample of irq-off code lands: the functions that turn interrupts on. */
static bool irq_enable_point(const char *f)
{
	return starts(f, "_raw_spin_unlock_irq") || starts(f, "_raw_read_unlock_irq") ||
	       starts(f, "_raw_write_unlock_irq") || starts(f, "finish_task_switch") ||
	       starts(f, "__raw_spin_unlock_irq") || starts(f, "arch_local_irq_restore") ||
	       starts(f, "local_irq_restore");
}

static int cmp_rec(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	/* A switch-out sample and its record at one time: the stack first. */
	return (int)a->kind - (int)b->kind;
}

/* A small map: key (string or number) -> counters. */
struct cnt {
	const char *key;
	uint64_t key2;
	uint64_t a, b, c, d; /* meaning per use */
	const char *cls, *top;
	char what[128];
	char stack[1024];
};

struct cnts {
	struct cnt *v;
	size_t n, cap;
	size_t *idx; /* open addressing over v: index + 1, 0 empty */
	size_t icap;
};

/* Keys are compared by address (symbol names live in one table) and key2. */
static size_t cnt_hash(const char *key, uint64_t key2)
{
	return (size_t)(((uintptr_t)key * 0x9e3779b97f4a7c15ull) ^ (key2 * 0xff51afd7ed558ccdull));
}

static struct cnt *cnt_get(struct cnts *m, const char *key, uint64_t key2)
{
	size_t i;

	if (2 * (m->n + 1) > m->icap) {
		size_t ic = m->icap ? m->icap * 2 : 1024;
		size_t *idx = calloc(ic, sizeof(*idx));

		if (!idx)
			return NULL;
		for (size_t k = 0; k < m->n; k++) {
			for (i = cnt_hash(m->v[k].key, m->v[k].key2) & (ic - 1); idx[i];
			     i = (i + 1) & (ic - 1))
				;
			idx[i] = k + 1;
		}
		free(m->idx);
		m->idx = idx;
		m->icap = ic;
	}
	for (i = cnt_hash(key, key2) & (m->icap - 1); m->idx[i]; i = (i + 1) & (m->icap - 1)) {
		struct cnt *c = &m->v[m->idx[i] - 1];

		if (c->key == key && c->key2 == key2)
			return c;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct cnt *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		m->v = v;
		m->cap = cap;
	}
	memset(&m->v[m->n], 0, sizeof(m->v[0]));
	m->v[m->n].key = key;
	m->v[m->n].key2 = key2;
	m->idx[i] = ++m->n;
	return &m->v[m->n - 1];
}

static void cnt_free(struct cnts *m)
{
	free(m->v);
	free(m->idx);
}

static int cmp_cnt_a(const void *x, const void *y)
{
	const struct cnt *a = x, *b = y;

	if (a->a != b->a)
		return a->a > b->a ? -1 : 1;
	return strcmp(a->key ? a->key : "", b->key ? b->key : "");
}

static json_t *r3(double v)
{
	return json_real(round(v * 1000) / 1000);
}

/*
 * The functions of m by samples, most first: the top ISO_ATTR_TOP of them, down
 * to ISO_ATTR_CUTOFF of total. Sorts m.
 */
static json_t *top_functions(struct cnts *m, uint64_t total)
{
	json_t *arr = json_array();

	qsort(m->v, m->n, sizeof(*m->v), cmp_cnt_a);
	for (size_t i = 0; i < m->n && i < ISO_ATTR_TOP; i++) {
		double sh = total ? (double)m->v[i].a / total : 0;

		if (sh < ISO_ATTR_CUTOFF)
			break;
		json_array_append_new(arr,
				      json_pack("{s:s,s:I,s:o}", "function", m->v[i].key, "samples",
						(json_int_t)m->v[i].a, "share", r3(sh)));
	}
	return arr;
}

/* Names of a record's frames, leaf first, into names[]. Returns how many. */
static size_t frames_of(const struct iso_attr *a, const struct syms *s, const struct rec *r,
			const char **names, size_t max)
{
	size_t n = 0;

	for (uint32_t i = 0; i < r->nips && n < max; i++) {
		const char *nm = sym_of(s, a->ips[r->ips + i]);

		names[n++] = nm ? nm : "[unknown]";
	}
	return n;
}

struct pending {
	uint32_t tid;
	uint64_t t;
	size_t rec; /* the R_BLOCK record, or SIZE_MAX */
};

json_t *iso_attr_result(struct iso_attr *a, unsigned int tail_ms, unsigned long iterations)
{
	static struct pending pend[4096];
	size_t npend = 0;
	struct syms s;
	struct iso_fold *fold = iso_fold_new();
	struct cnts self = { 0 }, irqc = { 0 }, cum = { 0 }, waits = { 0 }, works = { 0 },
		    cur = { 0 };
	struct cnts ourwork = { 0 };
	json_t *o = json_object(), *on, *arr;
	uint64_t named = 0, total = 0, profiler = 0, irqon = 0, off_total = 0, nint = 0,
		 wq_total = 0, wq_ours = 0;
	uint64_t t0 = a->sh->first_t, t1 = a->sh->last_t + (uint64_t)tail_ms * 1000000ull;
	const char *names[MAX_FRAMES];

	for (unsigned int w = 0; w < tail_ms; w += 50) {
		iso_sleep_ms(50);
		iso_attr_drain(a);
	}
	iso_attr_drain(a);
	if (!fold || load_kallsyms(&s) < 0) {
		iso_fold_free(fold);
		json_object_set_new(o, "status", json_string("skip"));
		json_object_set_new(o, "reason", json_string("cannot read /proc/kallsyms"));
		return o;
	}
	if (s.hidden) {
		free_syms(&s);
		iso_fold_free(fold);
		json_object_set_new(o, "status", json_string("skip"));
		json_object_set_new(
			o, "reason",
			json_string("/proc/kallsyms shows no addresses (kernel.kptr_restrict)"));
		return o;
	}
	qsort(a->recs, a->nrecs, sizeof(*a->recs), cmp_rec);
	for (size_t i = 0; i < a->nrecs; i++) {
		struct rec *r = &a->recs[i];
		size_t n;

		if (r->kind <= R_BLOCK && a->sh->child_mode && r->tid == (uint32_t)a->owner)
			continue; /* the worker waiting for the child that runs the op */
		switch (r->kind) {
		case R_SAMPLE: {
			const char *seen[MAX_FRAMES];
			size_t nseen = 0;

			if (!op_task(a, r->tid))
				break; /* another task on a CPU-wide event */
			n = frames_of(a, &s, r, names, MAX_FRAMES);
			if (!n)
				names[n++] = "[unknown]";
			{
				bool mine = false;

				for (size_t k = 0; k < n && !mine; k++)
					mine = !strcmp(names[k], "perf_ioctl");
				if (mine) {
					profiler++; /* the window's own enable/disable */
					break;
				}
			}
			total++;
			named += strcmp(names[0], "[unknown]") != 0;
			iso_fold_add(fold, names, n, 1);
			{
				struct cnt *c = cnt_get(&self, names[0], 0);

				if (c)
					c->a++;
				/* A timer sample lands where interrupts come back on. */
				if (irq_enable_point(names[0]) && n > 1) {
					irqon++;
					c = cnt_get(&irqc, names[1], 0);
					if (c)
						c->a++;
				}
			}
			for (size_t k = 0; k < n; k++) {
				bool dup = false;

				for (size_t j = 0; j < nseen && !dup; j++)
					dup = seen[j] == names[k];
				if (dup)
					continue;
				seen[nseen++] = names[k];
				{
					struct cnt *c = cnt_get(&cum, names[k], 0);

					if (c)
						c->a++;
				}
			}
			break;
		}
		case R_BLOCK:
		case R_OUT: {
			size_t p;

			for (p = 0; p < npend && pend[p].tid != r->tid; p++)
				;
			if (p == npend) {
				if (npend == ISO_ARRAY_SIZE(pend))
					break;
				pend[npend++] = (struct pending){ r->tid, r->t, SIZE_MAX };
			}
			if (r->kind == R_BLOCK) {
				pend[p].rec = i;
				pend[p].t = r->t;
			} else if (pend[p].rec == SIZE_MAX) {
				pend[p].t = r->t;
			}
			break;
		}
		case R_IN: {
			size_t p;

			for (p = 0; p < npend && pend[p].tid != r->tid; p++)
				;
			if (p == npend)
				break;
			if (pend[p].rec != SIZE_MAX) {
				const struct rec *b = &a->recs[pend[p].rec];
				char what[128];
				const char *top, *cls;
				struct cnt *c;
				uint64_t d = r->t - pend[p].t;

				n = frames_of(a, &s, b, names, MAX_FRAMES);
				cls = iso_attr_classify(names, n, (long)b->state, what,
							sizeof(what), &top);
				/* Preempted: by whom (a kworker's number dropped). */
				if (!strcmp(cls, "scheduling") && b->next[0])
					snprintf(what, sizeof(what),
						 "run-queue (preempted by %.*s)",
						 (int)strcspn(b->next, "/"), b->next);
				off_total += d;
				nint++;
				c = cnt_get(&waits, cls, hash_str(what));
				if (c) {
					c->cls = cls;
					c->top = top;
					snprintf(c->what, sizeof(c->what), "%s", what);
					c->a += d;
					c->b++;
					/* The longest interval's stack stands for the group. */
					if (d > c->c) {
						size_t skip = 0, len = 0;

						c->c = d;
						while (skip < n && sched_frame(names[skip]))
							skip++;
						c->stack[0] = 0;
						for (size_t k = n; k-- > skip && len < 900;)
							len += (size_t)snprintf(
								c->stack + len,
								sizeof(c->stack) - len, "%s%s",
								names[k], k > skip ? ";" : "");
					}
				}
			}
			pend[p] = pend[--npend];
			break;
		}
		case R_QUEUE:
			if (op_task(a, r->tid)) {
				struct cnt *c = cnt_get(&ourwork, NULL, r->work);

				if (c)
					c->a++;
			}
			break;
		case R_START: {
			struct cnt *c = cnt_get(&cur, NULL, r->tid);

			if (c) {
				c->a = r->t;
				c->b = r->fn;
				c->c = r->work;
				c->d = 1;
			}
			break;
		}
		case R_END: {
			struct cnt *c = cnt_get(&cur, NULL, r->tid), *w, *q;
			const char *fn;

			if (!c || !c->d || c->a < t0 || c->a > t1)
				break;
			c->d = 0;
			fn = sym_of(&s, c->b);
			w = cnt_get(&works, fn ? fn : "[unknown]", 0);
			if (!w)
				break;
			w->a += r->t - c->a;
			w->b++;
			wq_total += r->t - c->a;
			q = cnt_get(&ourwork, NULL, c->c);
			if (q && q->a) {
				q->a--;
				w->c++;
				w->d += r->t - c->a;
				wq_ours += r->t - c->a;
			}
			break;
		}
		}
	}

	json_object_set_new(o, "status", json_string("ok"));
	json_object_set_new(o, "reason", json_string(""));
	json_object_set_new(o, "event", json_string(a->event));
	json_object_set_new(o, "period", json_integer((json_int_t)a->period));
	json_object_set_new(o, "period_unit",
			    json_string(strcmp(a->event, "cycles") ? "ns" : "cycles"));
	json_object_set_new(o, "iterations", json_integer((json_int_t)iterations));
	json_object_set_new(o, "samples", json_integer((json_int_t)total));
	json_object_set_new(o, "lost", json_integer((json_int_t)(a->lost + a->dropped)));
	json_object_set_new(o, "profiler_samples", json_integer((json_int_t)profiler));
	json_object_set_new(o, "named_share", r3(total ? (double)named / total : 0));
	if (!strcmp(a->event, "cpu-clock"))
		json_object_set_new(
			o, "on_cpu_ns_per_op",
			json_real(iterations ? round((double)total * a->period / iterations) : 0));
	on = json_object();
	json_object_set_new(on, "top_self", top_functions(&self, total));
	json_object_set_new(on, "top_cumulative", top_functions(&cum, total));
	/*
	 * cpu-clock is a timer interrupt: code that runs with interrupts off is
	 * sampled where they come back on. Who turned them back on, by caller.
	 */
	json_object_set_new(o, "irq_enable_share", r3(total ? (double)irqon / total : 0));
	json_object_set_new(on, "irq_enable_callers", top_functions(&irqc, total));
	json_object_set_new(o, "on_cpu", on);
	json_object_set_new(o, "folded", iso_fold_json(fold, ISO_ATTR_MAX_FOLDED));

	if (a->off_why[0]) {
		json_object_set_new(o, "off_cpu", json_pack("{s:s}", "skipped", a->off_why));
	} else {
		json_t *off = json_object();

		qsort(waits.v, waits.n, sizeof(*waits.v), cmp_cnt_a);
		arr = json_array();
		for (size_t i = 0; i < waits.n && i < ISO_ATTR_TOP; i++) {
			double sh = off_total ? (double)waits.v[i].a / off_total : 0;

			if (sh < ISO_ATTR_CUTOFF)
				break;
			json_array_append_new(
				arr,
				json_pack("{s:s,s:s,s:s,s:I,s:I,s:o,s:f,s:s}", "class",
					  waits.v[i].cls, "what", waits.v[i].what, "top",
					  waits.v[i].top, "ns", (json_int_t)waits.v[i].a, "count",
					  (json_int_t)waits.v[i].b, "share", r3(sh), "ns_per_op",
					  iterations ? round((double)waits.v[i].a / iterations) : 0,
					  "stack", waits.v[i].stack));
		}
		json_object_set_new(off, "total_ns", json_integer((json_int_t)off_total));
		json_object_set_new(off, "intervals", json_integer((json_int_t)nint));
		json_object_set_new(off, "ns_per_op",
				    json_real(iterations ? round((double)off_total / iterations) :
							   0));
		json_object_set_new(off, "waits", arr);
		json_object_set_new(o, "off_cpu", off);
	}

	if (a->wq_why[0]) {
		json_object_set_new(o, "deferred", json_pack("{s:s}", "skipped", a->wq_why));
	} else {
		json_t *d = json_object();

		qsort(works.v, works.n, sizeof(*works.v), cmp_cnt_a);
		arr = json_array();
		for (size_t i = 0; i < works.n && i < ISO_ATTR_TOP; i++)
			json_array_append_new(
				arr, json_pack("{s:s,s:I,s:I,s:I,s:I}", "function", works.v[i].key,
					       "count", (json_int_t)works.v[i].b, "wall_ns",
					       (json_int_t)works.v[i].a, "queued_by_op",
					       (json_int_t)works.v[i].c, "queued_by_op_wall_ns",
					       (json_int_t)works.v[i].d));
		json_object_set_new(d, "window_ms",
				    json_real(t1 > t0 && t0 ? round((t1 - t0) / 1e5) / 10 : 0));
		json_object_set_new(d, "tail_ms", json_integer(tail_ms));
		json_object_set_new(d, "wall_ns", json_integer((json_int_t)wq_total));
		json_object_set_new(d, "queued_by_op_wall_ns", json_integer((json_int_t)wq_ours));
		json_object_set_new(d, "works", arr);
		json_object_set_new(o, "deferred", d);
	}
	cnt_free(&self);
	cnt_free(&irqc);
	cnt_free(&cum);
	cnt_free(&waits);
	cnt_free(&works);
	cnt_free(&cur);
	cnt_free(&ourwork);
	iso_fold_free(fold);
	free_syms(&s);
	return o;
}
