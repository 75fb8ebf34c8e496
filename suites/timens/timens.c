// SPDX-License-Identifier: MIT
/*
 * Time namespaces (time_namespaces(7)): per-namespace offsets of
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME, written to /proc/PID/timens_offsets
 * after unshare(CLONE_NEWTIME) and before the first process enters the new
 * namespace. unshare does not move the caller: its later children are the
 * members. Every case unshares in a forked helper ("the creator"), so the case
 * process itself keeps its time namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "iso.h"
#include "nsgeneric/nsm.h"

#define MONO_OFFSET (10 * 86400LL) /* seconds added to CLOCK_MONOTONIC */
#define BOOT_OFFSET (20 * 86400LL) /* seconds added to CLOCK_BOOTTIME */

/* Clock readings of one process, in nanoseconds. */
struct clocks {
	int64_t mono_vdso, mono_sys, boot_vdso, boot_sys;
	double uptime; /* first field of /proc/uptime */
};

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* Reads both clocks through the vDSO (libc) and the raw syscall, and /proc/uptime. Returns 0 or -errno. */
static int read_clocks(struct clocks *c)
{
	struct timespec t;
	char buf[128];
	ssize_t r;

	if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
		return -errno;
	c->mono_vdso = ts_ns(&t);
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t) < 0)
		return -errno;
	c->mono_sys = ts_ns(&t);
	if (clock_gettime(CLOCK_BOOTTIME, &t) < 0)
		return -errno;
	c->boot_vdso = ts_ns(&t);
	if (syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &t) < 0)
		return -errno;
	c->boot_sys = ts_ns(&t);
	r = iso_read_file("/proc/uptime", buf, sizeof(buf));
	if (r < 0)
		return r;
	c->uptime = strtod(buf, NULL);
	return 0;
}

/* Returns 0 or -errno. */
static int write_offsets(const char *text)
{
	return nsm_proc_write(0, "timens_offsets", "%s", text);
}

/* What a case saw: the creator's clocks, its child's, and the errors of its steps. */
struct seen {
	struct clocks creator, child;
	int unshare_err, offsets_err, child_err;
	char child_out[64]; /* what an exec'd child printed */
};

enum step { STEP_CLOCKS, STEP_EXEC };

struct creator_arg {
	struct seen *s;
	bool isolate;
	enum step step;
	unsigned int ms; /* budget of each of the creator's waits */
};

static int child_clocks(void *arg)
{
	struct seen *s = arg;

	return read_clocks(&s->child) < 0 ? 1 : 0;
}

/* Execs /bin/sh to print the first field of /proc/uptime into a pipe. */
static int child_exec(void *arg)
{
	int *pfd = arg;
	static char *const argv[] = { "sh", "-c", "read -r up idle < /proc/uptime; echo $up",
				      NULL };
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

	if (dup2(pfd[1], 1) < 0)
		return 121;
	execve("/bin/sh", argv, envp);
	return 127;
}

/* The creator: unshare(CLONE_NEWTIME) and write the offsets (case only), then a child reads. */
static int creator(void *arg)
{
	struct creator_arg *a = arg;
	struct seen *s = a->s;
	char text[128];
	int r;

	if (a->isolate) {
		if (unshare(CLONE_NEWTIME) < 0) {
			s->unshare_err = -errno;
			return 0;
		}
		snprintf(text, sizeof(text), "monotonic %lld 0\nboottime %lld 0\n", MONO_OFFSET,
			 BOOT_OFFSET);
		s->offsets_err = write_offsets(text);
		if (s->offsets_err)
			return 0;
	}
	if (a->step == STEP_CLOCKS) {
		r = nsm_call(0, child_clocks, s, a->ms);
	} else {
		int pfd[2];

		if (pipe2(pfd, O_CLOEXEC) < 0)
			return 2;
		r = nsm_call(0, child_exec, pfd, a->ms);
		close(pfd[1]);
		nsm_read_fd(pfd[0], s->child_out, sizeof(s->child_out), a->ms);
		close(pfd[0]);
	}
	s->child_err = r;
	return read_clocks(&s->creator) < 0 ? 1 : 0;
}

/*
 * Runs the creator, isolated unless this is the control; returns ISO_PASS when s
 * is filled, or the verdict to return.
 */
static enum iso_verdict run_creator(struct iso_ctx *ctx, struct seen *s, enum step step)
{
	struct creator_arg a = { .s = s,
				 .isolate = !iso_ctx_is_control(ctx),
				 .step = step,
				 .ms = iso_ctx_ms(ctx, 3000) };
	int r = nsm_call(0, creator, &a, iso_ctx_ms(ctx, 2 * 3000));

	if (r != 0)
		return iso_broken(ctx, r < 0 ? r : -EIO, "run the creator");
	if (s->unshare_err == -EINVAL)
		return iso_skip(ctx, "unshare(CLONE_NEWTIME) is not supported (Linux 5.6+, "
				     "CONFIG_TIME_NS)");
	if (s->unshare_err)
		return iso_broken(ctx, s->unshare_err, "unshare(CLONE_NEWTIME)");
	if (s->offsets_err)
		return iso_broken(ctx, s->offsets_err, "write /proc/self/timens_offsets");
	if (s->child_err)
		return iso_broken(ctx, s->child_err < 0 ? s->child_err : -EIO,
				  "the child in the time namespace (exit %d)", s->child_err);
	return ISO_PASS;
}

/* True if got - base is want seconds, within a second (readings are taken close together). */
static bool offset_is(int64_t got, int64_t base, long long want)
{
	int64_t d = got - base - want * 1000000000LL;

	return d > -1000000000LL && d < 1000000000LL;
}

/*
 * Offsets written to /proc/self/timens_offsets after unshare(CLONE_NEWTIME)
 * shift CLOCK_MONOTONIC and CLOCK_BOOTTIME for the children, which are the
 * namespace's members, both through the vDSO (clock_gettime) and the syscall;
 * the creator itself stays in its old namespace with unshifted clocks
 * (time_namespaces(7)). Control: no time namespace and no offsets.
 */
static enum iso_verdict offsets_apply_to_children(struct iso_ctx *ctx)
{
	struct seen *s = iso_shared_alloc(sizeof(*s));
	struct clocks me;
	enum iso_verdict v;

	if (!s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	v = run_creator(ctx, s, STEP_CLOCKS);
	if (v != ISO_PASS)
		goto out;
	read_clocks(&me);
	iso_note(ctx, "child_minus_creator_s",
		 "monotonic vdso %.3f syscall %.3f, boottime vdso "
		 "%.3f syscall %.3f",
		 (s->child.mono_vdso - s->creator.mono_vdso) / 1e9,
		 (s->child.mono_sys - s->creator.mono_sys) / 1e9,
		 (s->child.boot_vdso - s->creator.boot_vdso) / 1e9,
		 (s->child.boot_sys - s->creator.boot_sys) / 1e9);
	if (!offset_is(s->child.mono_vdso, s->creator.mono_vdso, MONO_OFFSET))
		v = iso_fail(ctx,
			     "CLOCK_MONOTONIC through the vDSO in the child is %.3f s ahead "
			     "of the creator's, not %lld",
			     (s->child.mono_vdso - s->creator.mono_vdso) / 1e9, MONO_OFFSET);
	else if (!offset_is(s->child.mono_sys, s->creator.mono_sys, MONO_OFFSET))
		v = iso_fail(ctx,
			     "CLOCK_MONOTONIC through the syscall in the child is %.3f s "
			     "ahead, not %lld",
			     (s->child.mono_sys - s->creator.mono_sys) / 1e9, MONO_OFFSET);
	else if (!offset_is(s->child.boot_vdso, s->creator.boot_vdso, BOOT_OFFSET))
		v = iso_fail(ctx,
			     "CLOCK_BOOTTIME through the vDSO in the child is %.3f s ahead, "
			     "not %lld",
			     (s->child.boot_vdso - s->creator.boot_vdso) / 1e9, BOOT_OFFSET);
	else if (!offset_is(s->child.boot_sys, s->creator.boot_sys, BOOT_OFFSET))
		v = iso_fail(ctx,
			     "CLOCK_BOOTTIME through the syscall in the child is %.3f s "
			     "ahead, not %lld",
			     (s->child.boot_sys - s->creator.boot_sys) / 1e9, BOOT_OFFSET);
	else if (!offset_is(s->creator.mono_sys, me.mono_sys, 0) ||
		 !offset_is(s->creator.boot_sys, me.boot_sys, 0))
		v = iso_fail(ctx, "the creator's own clocks moved with the offsets");
out:
	iso_shared_free(s);
	return v;
}

/* ---- what may be written, and when ---- */

struct write_arg {
	int err; /* the write under test: 0 or -errno */
	int unshare_err;
	bool control;
	unsigned int ms; /* budget of the writer's own waits */
};

static int hold_briefly(void *arg)
{
	(void)arg;
	return 0;
}

static int realtime_writer(void *arg)
{
	struct write_arg *w = arg;

	if (unshare(CLONE_NEWTIME) < 0) {
		w->unshare_err = -errno;
		return 0;
	}
	/* The control writes the id of CLOCK_MONOTONIC (1) through the same path. */
	w->err = write_offsets(w->control ? "1 10 0\n" : "0 10 0\n");
	if (!w->control && w->err == -EINVAL)
		w->err = write_offsets("realtime 10 0\n") == -EINVAL ? -EINVAL : -EPROTO;
	return 0;
}

static int late_writer(void *arg)
{
	struct write_arg *w = arg;

	if (unshare(CLONE_NEWTIME) < 0) {
		w->unshare_err = -errno;
		return 0;
	}
	/* A first member freezes the offsets, even after it exited. */
	if (!w->control && nsm_call(0, hold_briefly, NULL, w->ms) != 0)
		return 1;
	w->err = write_offsets("monotonic 10 0\n");
	return 0;
}

/* A write to timens_offsets the kernel refuses, and the control's variant of it. */
struct write_variant {
	int (*writer)(void *arg);
	int want; /* the refusal: -EINVAL or -EACCES */
	const char *what, *control_what; /* the write, for the reasons */
};

/*
 * realtime_offset_refused: only CLOCK_MONOTONIC and CLOCK_BOOTTIME have
 * offsets: an offset for CLOCK_REALTIME (id 0 or the name "realtime") is refused
 * with EINVAL (time_namespaces(7)). Control: the same write naming
 * CLOCK_MONOTONIC (1), which is accepted.
 *
 * offsets_frozen_after_first_member: the offsets can be written only before the
 * first process enters the namespace; afterwards the write fails with EACCES
 * (time_namespaces(7)). Control: no process has entered yet.
 */
static enum iso_verdict offset_write_refused(struct iso_ctx *ctx)
{
	const struct write_variant *wv = iso_ctx_arg(ctx);
	bool control = iso_ctx_is_control(ctx);
	const char *what = control ? wv->control_what : wv->what;
	struct write_arg *w = iso_shared_alloc(sizeof(*w));
	enum iso_verdict v = ISO_PASS;
	int r;

	if (!w)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	w->control = control;
	w->ms = iso_ctx_ms(ctx, 3000);
	r = nsm_call(0, wv->writer, w, iso_ctx_ms(ctx, 2 * 3000));
	if (r != 0)
		v = iso_broken(ctx, r < 0 ? r : -EIO, "run the writer");
	else if (w->unshare_err == -EINVAL)
		v = iso_skip(ctx, "unshare(CLONE_NEWTIME) is not supported (Linux 5.6+, "
				  "CONFIG_TIME_NS)");
	else if (w->unshare_err)
		v = iso_broken(ctx, w->unshare_err, "unshare(CLONE_NEWTIME)");
	else if (w->err == 0)
		v = iso_fail(ctx, "%s was accepted", what);
	else if (w->err == -EPROTO)
		v = iso_fail(ctx, "the clock id 0 was refused but the name \"realtime\" was not");
	else if (w->err != wv->want)
		v = iso_fail(ctx, "%s failed with %s, not %s", what, strerror(-w->err),
			     wv->want == -EINVAL ? "EINVAL" : "EACCES");
	if (v == ISO_PASS || v == ISO_FAIL)
		iso_note(ctx, "write", "%s", w->err ? strerror(-w->err) : "accepted");
	iso_shared_free(w);
	return v;
}

static const struct write_variant realtime_write = {
	.writer = realtime_writer,
	.want = -EINVAL,
	.what = "an offset for CLOCK_REALTIME",
	.control_what = "an offset for CLOCK_MONOTONIC (id 1) in place of CLOCK_REALTIME",
};

static const struct write_variant late_write = {
	.writer = late_writer,
	.want = -EACCES,
	.what = "an offset written after a process entered the namespace",
	.control_what = "an offset written after a process entered the namespace",
};

/* ---- /proc/uptime and execve ---- */

/*
 * proc_uptime_follows_offset: /proc/uptime of a member of a time namespace
 * includes the namespace's CLOCK_BOOTTIME offset (time_namespaces(7)). Control:
 * no time namespace.
 *
 * offsets_survive_execve: a member keeps its time namespace, and so its offsets,
 * across execve(2) (time_namespaces(7)): an exec'd /bin/sh reads /proc/uptime
 * with the CLOCK_BOOTTIME offset. Control: no time namespace.
 */
static enum iso_verdict uptime_includes_boottime_offset(struct iso_ctx *ctx)
{
	enum step step = *(const enum step *)iso_ctx_arg(ctx);
	struct seen *s = iso_shared_alloc(sizeof(*s));
	enum iso_verdict v;
	double child;

	if (!s)
		return iso_broken(ctx, -ENOMEM, "shared memory");
	v = run_creator(ctx, s, step);
	if (v != ISO_PASS)
		goto out;
	if (step == STEP_EXEC && !s->child_out[0]) {
		v = iso_broken(ctx, 0, "the exec'd shell printed nothing");
		goto out;
	}
	child = step == STEP_EXEC ? strtod(s->child_out, NULL) : s->child.uptime;
	iso_note(ctx, "uptime", "child %.2f creator %.2f", child, s->creator.uptime);
	if (child - s->creator.uptime < BOOT_OFFSET - 2 ||
	    child - s->creator.uptime > BOOT_OFFSET + 2)
		v = iso_fail(ctx,
			     "/proc/uptime in the child%s is %.2f s, %.2f s from the "
			     "creator's, not %lld",
			     step == STEP_EXEC ? " after execve" : "", child,
			     child - s->creator.uptime, BOOT_OFFSET);
out:
	iso_shared_free(s);
	return v;
}

#define TIME_REQ                                                                      \
	{                                                                             \
		.root = true, .userns_ok = true, .ns = CLONE_NEWTIME, .kernel = "5.6" \
	}
/* TIME_REQ and a shell to exec. */
#define TIME_REQ_SH                                                                    \
	{                                                                              \
		.root = true, .userns_ok = true, .ns = CLONE_NEWTIME, .kernel = "5.6", \
		.files = "/bin/sh"                                                     \
	}

static const struct iso_case cases[] = {
	ISO_CASE(offsets_apply_to_children,
		 .doc = "monotonic/boottime offsets apply to the children (vDSO and syscall), not "
			"the creator (time_namespaces(7))",
		 .timeout_ms = 8000, .req = TIME_REQ),
	ISO_VARIANT(realtime_offset_refused, offset_write_refused, &realtime_write,
		    .doc = "a CLOCK_REALTIME offset is refused with EINVAL (time_namespaces(7))",
		    .timeout_ms = 8000, .req = TIME_REQ),
	ISO_VARIANT(offsets_frozen_after_first_member, offset_write_refused, &late_write,
		    .doc = "offsets are frozen (EACCES) once a process entered (time_namespaces(7))",
		    .timeout_ms = 8000, .req = TIME_REQ),
	ISO_VARIANT(proc_uptime_follows_offset, uptime_includes_boottime_offset,
		    ISO_ARG(enum step, STEP_CLOCKS),
		    .doc = "/proc/uptime includes the boottime offset (time_namespaces(7))",
		    .timeout_ms = 8000, .req = TIME_REQ),
	ISO_VARIANT(offsets_survive_execve, uptime_includes_boottime_offset,
		    ISO_ARG(enum step, STEP_EXEC),
		    .doc = "a member keeps its offsets across execve (time_namespaces(7))",
		    .timeout_ms = 8000, .req = TIME_REQ_SH),
};

const struct iso_suite iso_suite_timens = ISO_SUITE("timens", cases);
