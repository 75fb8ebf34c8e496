// SPDX-License-Identifier: MIT
/*
 * The runner: one forked child per case, in its own process group, cgroup and
 * private mount namespace; a pidfd timeout that kills the whole cgroup; the
 * verdict read back from a shared page; a leak audit after every case.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "runner.h"
#include "stats.h"
#include "session.h"
#include "sysinfo.h"

volatile sig_atomic_t iso_interrupted;

/* ---- what cases call ---- */

static void set_reason(struct iso_ctx *ctx, const char *prefix, const char *fmt, va_list ap)
{
	size_t off = snprintf(ctx->page->reason, sizeof(ctx->page->reason), "%s", prefix);

	if (off < sizeof(ctx->page->reason))
		vsnprintf(ctx->page->reason + off, sizeof(ctx->page->reason) - off, fmt, ap);
}

enum iso_verdict iso_fail(struct iso_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(ctx, "", fmt, ap);
	va_end(ap);
	return ISO_FAIL;
}

enum iso_verdict iso_skip(struct iso_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(ctx, "", fmt, ap);
	va_end(ap);
	return ISO_SKIP;
}

enum iso_verdict iso_broken(struct iso_ctx *ctx, int err, const char *fmt, ...)
{
	size_t off;
	va_list ap;

	va_start(ap, fmt);
	set_reason(ctx, "", fmt, ap);
	va_end(ap);
	off = strlen(ctx->page->reason);
	if (err && off < sizeof(ctx->page->reason))
		snprintf(ctx->page->reason + off, sizeof(ctx->page->reason) - off, ": %s",
			 strerror(err < 0 ? -err : err));
	return ISO_BROKEN;
}

static enum iso_verdict expect_errno(struct iso_ctx *ctx, long r, int err, const char *fmt,
				     va_list ap)
{
	char what[ISO_REASON_MAX / 2];
	const char *name = strerrorname_np(err);

	if (r == -err)
		return ISO_PASS;
	vsnprintf(what, sizeof(what), fmt, ap);
	if (r >= 0)
		return iso_fail(ctx, "%s succeeded, expected %s", what, name ? name : "an error");
	return iso_fail(ctx, "%s failed with %s, expected %s", what, strerror((int)-r),
			name ? name : strerror(err));
}

enum iso_verdict iso_expect_errno(struct iso_ctx *ctx, long r, int err, const char *fmt, ...)
{
	enum iso_verdict v;
	va_list ap;

	va_start(ap, fmt);
	v = expect_errno(ctx, r, err, fmt, ap);
	va_end(ap);
	return v;
}

enum iso_verdict iso_expect_errno_noted(struct iso_ctx *ctx, const char *key, long r, int err,
					const char *fmt, ...)
{
	enum iso_verdict v;
	va_list ap;

	iso_note(ctx, key, "%s", r < 0 ? strerror((int)-r) : "accepted");
	va_start(ap, fmt);
	v = expect_errno(ctx, r, err, fmt, ap);
	va_end(ap);
	return v;
}

static void append(char *buf, size_t *len, size_t cap, const char *fmt, va_list ap)
{
	int n;

	if (*len >= cap - 1)
		return;
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	if (n > 0)
		*len = *len + n < cap - 1 ? *len + n : cap - 1;
}

static void append_f(char *buf, size_t *len, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append(buf, len, cap, fmt, ap);
	va_end(ap);
}

void iso_note(struct iso_ctx *ctx, const char *key, const char *fmt, ...)
{
	struct iso_page *p = ctx->page;
	va_list ap;

	append_f(p->notes, &p->notes_len, sizeof(p->notes), "%s\t", key);
	va_start(ap, fmt);
	append(p->notes, &p->notes_len, sizeof(p->notes), fmt, ap);
	va_end(ap);
	append_f(p->notes, &p->notes_len, sizeof(p->notes), "\n");
}

void iso_log(struct iso_ctx *ctx, const char *fmt, ...)
{
	struct iso_page *p = ctx->page;
	va_list ap;

	va_start(ap, fmt);
	append(p->log, &p->log_len, sizeof(p->log), fmt, ap);
	va_end(ap);
	append_f(p->log, &p->log_len, sizeof(p->log), "\n");
}

struct iso_cg *iso_ctx_cgroup(struct iso_ctx *ctx)
{
	return ctx->cg;
}

const struct iso_cg_layout *iso_ctx_layout(struct iso_ctx *ctx)
{
	return ctx->layout;
}

const char *iso_ctx_dir(struct iso_ctx *ctx)
{
	return ctx->dir;
}

const char *iso_ctx_tag(struct iso_ctx *ctx)
{
	return ctx->tag;
}

bool iso_ctx_is_control(const struct iso_ctx *ctx)
{
	return ctx->control;
}

bool iso_ctx_in_userns(const struct iso_ctx *ctx)
{
	return ctx->userns;
}

const void *iso_ctx_arg(const struct iso_ctx *ctx)
{
	return ctx->c ? ctx->c->arg : NULL;
}

unsigned int iso_ctx_ms(const struct iso_ctx *ctx, unsigned int ms)
{
	return ms * (ctx->time_mul ? ctx->time_mul : 1);
}

/* Returns err. */
int iso_err(struct iso_ctx *ctx, int err, const char *fmt, ...)
{
	char what[ISO_REASON_MAX / 2], prev[ISO_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(prev, sizeof(prev), "%s", ctx->err);
	if (prev[0])
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", what, prev);
	else
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", what,
			 strerror(err < 0 ? -err : err));
	return err;
}

enum iso_verdict iso_broken_err(struct iso_ctx *ctx, int err)
{
	if (ctx->err[0])
		snprintf(ctx->page->reason, sizeof(ctx->page->reason), "%s", ctx->err);
	else
		snprintf(ctx->page->reason, sizeof(ctx->page->reason), "%s",
			 strerror(err < 0 ? -err : err));
	return ISO_BROKEN;
}

/* Returns the length or -ENAMETOOLONG. */
int iso_ctx_name(struct iso_ctx *ctx, char *buf, size_t len, const char *suffix)
{
	int n = snprintf(buf, len, "isb%s%s", ctx->tag, suffix ? suffix : "");

	if (n < 0 || (size_t)n >= len || n > 15)
		return -ENAMETOOLONG;
	return n;
}

/* Returns 0 or -errno. */
int iso_ledger_add(struct iso_ctx *ctx, const char *kind, const char *what)
{
	return iso_ledger_append(ctx->ledger, kind, what);
}

/* ---- running one case ---- */

static void child_main(struct iso_ctx *ctx, iso_case_fn fn, struct iso_sync *go, pid_t runner)
{
	sigset_t none;
	enum iso_verdict v;
	int r;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != runner)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	close(go->fd[1]);
	go->fd[1] = -1;
	r = iso_sync_wait(go, 30000);
	if (r < 0)
		_exit(126);
	iso_sync_close(go);
	/* Rootless: root of a user namespace of its own first, then as root does. */
	if (ctx->userns) {
		char why[256];

		if (iso_userns_enter(ctx->uid, ctx->gid, why, sizeof(why)) < 0) {
			snprintf(ctx->page->reason, sizeof(ctx->page->reason),
				 "enter a user namespace of the case's own: %s", why);
			ctx->page->verdict = ISO_BROKEN;
			ctx->page->verdict_set = 1;
			_exit(0);
		}
	}
	/* Cases start in a private mount namespace: their mounts die with them. */
	if (unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	else if (geteuid() == 0 || ctx->userns)
		_exit(125);
	iso_write_file("/proc/self/oom_score_adj", "0");
	if (chdir(ctx->dir) < 0)
		_exit(124);
	v = fn(ctx);
	ctx->page->verdict = v;
	ctx->page->verdict_set = 1;
	_exit(0);
}

static json_t *notes_json(const char *notes)
{
	json_t *o = json_object();
	char *copy = strdup(notes), *line, *save = NULL;

	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');

		if (!tab)
			continue;
		*tab = '\0';
		json_object_set_new(o, line, json_string(tab + 1));
	}
	free(copy);
	return o;
}

struct case_env {
	const struct iso_run_opts *o;
	const struct iso_env *env;
	struct iso_cg *runcg;
	const char *state; /* run state dir */
	const char *tag;
	struct iso_foreign *foreign; /* the run's note of other programs' objects */
	int seq;
};

const struct iso_known *iso_known_match(const struct iso_case *c, const char *release,
					const char *reason)
{
	for (const struct iso_known *k = c->known; k && k->reason; k++) {
		if (k->from && iso_kver_cmp(release, k->from) < 0)
			continue;
		if (k->to && iso_kver_cmp(release, k->to) >= 0)
			continue;
		if (!strncmp(reason, k->reason, strlen(k->reason)))
			return k;
	}
	return NULL;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			*s = '_';
}

/*
 * Without a cgroup (a rootless run) the runner, a subreaper, is where whatever
 * of a case outlived its process ends up: its children now. Kills and reaps
 * them; describes them in why. Returns how many there were.
 */
static int scan_orphans(char *why, size_t len, bool kill_them);

static int kill_orphans(char *why, size_t len)
{
	/* One a case killed just before it exited may not be gone yet: give it 200 ms. */
	for (int i = 0; i < 20 && scan_orphans(why, len, false) > 0; i++) {
		iso_sleep_ms(10);
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
	}
	return scan_orphans(why, len, true);
}

static int scan_orphans(char *why, size_t len, bool kill_them)
{
	pid_t me = getpid(), first = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	char comm[32] = "?";
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], buf[512], *p;
		int pid = atoi(e->d_name), ppid = 0;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (iso_read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
			continue;
		if (sscanf(p + 1, " %*c %d", &ppid) != 1 || ppid != me || p[2] == 'Z')
			continue;
		if (!first) {
			first = pid;
			snprintf(path, sizeof(path), "/proc/%d/comm", pid);
			iso_read_file(path, comm, sizeof(comm));
		}
		if (kill_them)
			kill(pid, SIGKILL);
		n++;
	}
	if (d)
		closedir(d);
	if (!kill_them)
		return n;
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
	if (n)
		snprintf(why, len, "%d process(es) left running (pid %d, %s)", n, (int)first, comm);
	return n;
}

/* Runs one case (or, with control, its negative control) and fills res. */
static void run_one(struct case_env *ce, const struct iso_suite *s, const struct iso_case *c,
		    bool control, struct iso_result *res)
{
	const struct iso_run_opts *o = ce->o;
	iso_case_fn fn = c->fn;
	unsigned int timeout =
		(c->timeout_ms ? c->timeout_ms : 10000) * (o->time_mul ? o->time_mul : 1);
	struct iso_ctx ctx = { 0 };
	struct iso_cg *casecg = NULL, *leaf = NULL;
	struct iso_snapshot *snap = NULL;
	struct iso_sync go = { { -1, -1 } };
	char cgname[200], why[ISO_REASON_MAX], leak[ISO_REASON_MAX], orphan_why[256] = "";
	int orphans = 0;
	uint64_t t0 = iso_now_ns();
	bool timed_out = false;
	long ledger_off = 0;
	struct stat st;
	int status = 0, pidfd = -1, r;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->started = time(NULL);
	snprintf(res->id, sizeof(res->id), "%s.%s", s->name, c->id);
	res->suite = s;
	res->c = c;
	res->priv = iso_req_priv(&c->req, ce->env);
	if (!iso_req_check(&c->req, ce->env, why, sizeof(why))) {
		res->verdict = res->raw = ISO_SKIP;
		snprintf(res->reason, sizeof(res->reason), "%s", why);
		return;
	}
	if (!fn) {
		res->verdict = res->raw = ISO_ERROR;
		snprintf(res->reason, sizeof(res->reason), "case has no %s function",
			 control ? "negative control" : "run");
		return;
	}
	ctx.page = mmap(NULL, sizeof(*ctx.page), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			-1, 0);
	if (ctx.page == MAP_FAILED) {
		res->verdict = ISO_BROKEN;
		snprintf(res->reason, sizeof(res->reason), "mmap result page: %s", strerror(errno));
		return;
	}
	ctx.suite = s;
	ctx.c = c;
	ctx.layout = ce->env->layout;
	ctx.control = control;
	ctx.userns = res->priv == ISO_PRIV_USERNS;
	ctx.uid = getuid();
	ctx.gid = getgid();
	ctx.time_mul = o->time_mul ? o->time_mul : 1;
	ctx.verbose = o->verbose;
	snprintf(ctx.tag, sizeof(ctx.tag), "%s", ce->tag);
	snprintf(ctx.ledger, sizeof(ctx.ledger), "%s/ledger", ce->state);
	if (stat(ctx.ledger, &st) == 0)
		ledger_off = st.st_size;
	snprintf(ctx.dir, sizeof(ctx.dir), "%s/case-%d", ce->state, ++ce->seq);
	iso_ledger_append(ctx.ledger, "dir", ctx.dir);
	if (mkdir(ctx.dir, 0755) < 0) {
		res->verdict = ISO_BROKEN;
		snprintf(res->reason, sizeof(res->reason), "mkdir %s: %s", ctx.dir,
			 strerror(errno));
		goto out;
	}
	snap = iso_snapshot_take(ce->tag, ce->runcg);
	if (ce->runcg) {
		snprintf(cgname, sizeof(cgname), "%d-%s", ce->seq, res->id);
		sanitize(cgname);
		r = iso_cg_create(ce->env->layout, ce->runcg, cgname, NULL, &casecg);
		if (r == 0)
			r = iso_cg_create(ce->env->layout, casecg, "leaf", NULL, &leaf);
		if (r < 0) {
			res->verdict = ISO_BROKEN;
			snprintf(res->reason, sizeof(res->reason), "create the case's cgroup: %s",
				 strerror(-r));
			goto out;
		}
		/* Guard rails: a runaway case cannot take the machine down. */
		iso_cg_write(casecg, "pids.max", "%d", 4096);
		iso_cg_write(casecg, "memory.max", "%lld", 4LL << 30);
		ctx.cg = casecg;
	}
	if (iso_sync_init(&go) < 0) {
		res->verdict = ISO_BROKEN;
		snprintf(res->reason, sizeof(res->reason), "pipe: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		res->verdict = ISO_BROKEN;
		snprintf(res->reason, sizeof(res->reason), "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child_main(&ctx, fn, &go, getppid());
	setpgid(pid, pid);
	close(go.fd[0]);
	go.fd[0] = -1;
	if (leaf && (r = iso_cg_attach(leaf, pid)) < 0) {
		iso_kill_wait(pid);
		res->verdict = ISO_BROKEN;
		snprintf(res->reason, sizeof(res->reason), "attach the case to its cgroup: %s",
			 strerror(-r));
		goto out;
	}
	iso_sync_wake(&go);
	iso_sync_close(&go);
	pidfd = iso_pidfd_open(pid);
	for (;;) {
		uint64_t el = (iso_now_ns() - t0) / 1000000;
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		if (el >= timeout) {
			timed_out = true;
			break;
		}
		if (iso_interrupted)
			break;
		if (pidfd >= 0)
			r = poll(&p, 1, (int)(timeout - el < 200 ? timeout - el : 200));
		else
			iso_sleep_ms(5);
		if (waitpid(pid, &status, WNOHANG | __WALL) == pid) {
			pid = 0;
			break;
		}
	}
	if (pid) {
		/* Timeout or interrupt: the whole cgroup, not just the group, goes. */
		if (casecg)
			iso_cg_kill(casecg);
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
			;
	}
	res->duration_ms = (iso_now_ns() - t0) / 1e6;
	/* No cgroup (rootless): what of the case outlived it was reparented to us. */
	if (!casecg)
		orphans = kill_orphans(orphan_why, sizeof(orphan_why));
	if (timed_out) {
		res->verdict = ISO_ERROR;
		snprintf(res->reason, sizeof(res->reason), "timeout after %u ms", timeout);
	} else if (iso_interrupted && !ctx.page->verdict_set) {
		res->verdict = ISO_ERROR;
		snprintf(res->reason, sizeof(res->reason), "interrupted");
	} else if (ctx.page->verdict_set && (unsigned)ctx.page->verdict < ISO_NVERDICTS) {
		res->verdict = ctx.page->verdict;
		snprintf(res->reason, sizeof(res->reason), "%s", ctx.page->reason);
		if (res->verdict != ISO_PASS && !res->reason[0])
			snprintf(res->reason, sizeof(res->reason), "(the case gave no reason)");
	} else if (WIFSIGNALED(status)) {
		res->verdict = ISO_ERROR;
		snprintf(res->reason, sizeof(res->reason), "case process killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	} else {
		res->verdict = ISO_ERROR;
		snprintf(res->reason, sizeof(res->reason),
			 "case process exited with status %d without a verdict",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
out:
	if (pidfd >= 0)
		close(pidfd);
	iso_sync_close(&go);
	/* Declared objects are the runner's to remove; what is left beyond them is a leak. */
	iso_ledger_teardown(ctx.ledger, ledger_off, o->verbose ? stderr : NULL);
	if (snap) {
		int nf = ce->foreign ? ce->foreign->n : 0;
		int n = iso_audit(snap, casecg, casecg ? cgname : NULL, leak, sizeof(leak),
				  ce->foreign);

		if (o->verbose && ce->foreign && ce->foreign->n > nf)
			fprintf(stderr,
				"isobench: during %s, %d object(s) of other programs "
				"appeared on the host (left alone)\n",
				res->id, ce->foreign->n - nf);

		if (orphans > 0) {
			size_t off = strlen(leak);

			snprintf(leak + off, sizeof(leak) - off, "%s%s", off ? "; " : "",
				 orphan_why);
			n += orphans;
		}
		if (n > 0 && res->verdict != ISO_SKIP) {
			char prev[ISO_REASON_MAX];

			snprintf(prev, sizeof(prev), "%s", res->reason);
			res->verdict = ISO_ERROR;
			snprintf(res->reason, sizeof(res->reason), "leak: %s (removed)%s%s", leak,
				 prev[0] ? "; case said: " : "", prev);
		}
	}
	iso_snapshot_free(snap);
	if (leaf)
		iso_cg_free(leaf);
	if (casecg && iso_cg_destroy(casecg) < 0 && res->verdict != ISO_ERROR) {
		res->verdict = ISO_ERROR;
		snprintf(res->reason, sizeof(res->reason), "could not remove the case's cgroup");
	}
	iso_rm_rf(ctx.dir);
	/* The runner is a subreaper: collect whatever of the case was reparented to it. */
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
	res->raw = res->verdict;
	if (ctx.page != MAP_FAILED && ctx.page) {
		res->observed = notes_json(ctx.page->notes);
		if (ctx.page->log_len)
			res->log = strdup(ctx.page->log);
		munmap(ctx.page, sizeof(*ctx.page));
	}
	if (!control && res->verdict == ISO_FAIL)
		res->known = iso_known_match(c, ce->env->release, res->reason);
	if (control) {
		/* A control must fail: that is what proves the case can fail. */
		char prev[ISO_REASON_MAX];

		snprintf(prev, sizeof(prev), "%s", res->reason);
		if (res->raw == ISO_FAIL) {
			res->verdict = ISO_PASS;
			snprintf(res->reason, sizeof(res->reason),
				 "negative control failed as expected: %s", prev);
		} else if (res->raw == ISO_PASS) {
			res->verdict = ISO_FAIL;
			snprintf(
				res->reason, sizeof(res->reason),
				"negative control passed: the case cannot detect missing isolation");
		}
	}
}

static void progress(const struct iso_run_opts *o, int n, int total, const char *suite,
		     const char *id)
{
	if (!o->progress)
		return;
	if (id)
		fprintf(stderr, "\r\033[K[%d/%d] %s.%s", n, total, suite, id);
	else
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

void iso_random_tag(char tag[8])
{
	unsigned char b[3];

	if (getrandom(b, sizeof(b), 0) != sizeof(b)) {
		unsigned int x = (unsigned int)iso_now_ns() ^ (unsigned int)getpid();

		memcpy(b, &x, 3);
	}
	snprintf(tag, 8, "%02x%02x%02x", b[0], b[1], b[2]);
}

bool iso_suite_visible(const struct iso_suite *s, bool selftest)
{
	return !s->hidden || selftest;
}

static bool case_selected(const struct iso_run_opts *o, const struct iso_suite *s,
			  const struct iso_case *c)
{
	char id[160];

	snprintf(id, sizeof(id), "%s.%s", s->name, c->id);
	return iso_select_match(o->sel, id, NULL);
}

/* How many cases of s the run selects. */
static int nselected(const struct iso_run_opts *o, const struct iso_suite *s)
{
	int n = 0;

	if (!iso_suite_visible(s, o->selftest))
		return 0;
	for (size_t k = 0; k < iso_suite_size(s); k++)
		n += case_selected(o, s, iso_suite_at(s, k));
	return n;
}

int iso_run_nselected(const struct iso_run_opts *o)
{
	int n = 0;

	for (int i = 0; o->suites[i]; i++)
		n += nselected(o, o->suites[i]);
	return n;
}

/* --with-controls: the control after its case; a skipped case's control is not run. */
static void run_control(struct case_env *ce, const struct iso_suite *s, const struct iso_case *c,
			struct iso_result *res)
{
	struct iso_result ctl;

	run_one(ce, s, c, true, &ctl);
	res->has_ctl = true;
	res->ctl.verdict = ctl.verdict;
	res->ctl.raw = ctl.raw;
	res->ctl.duration_ms = ctl.duration_ms;
	snprintf(res->ctl.reason, sizeof(res->ctl.reason), "%s", ctl.reason);
	json_decref(ctl.observed);
	free(ctl.log);
}

/*
 * A case (with --with-controls, and its control) run --repeat times: the
 * result is the first run that failed (its reason says how many of the runs
 * did), or the last one when none did. A skip is not repeated.
 */
static void run_repeated(struct case_env *ce, const struct iso_suite *s, const struct iso_case *c,
			 struct iso_result *res)
{
	const struct iso_run_opts *o = ce->o;
	unsigned int n = o->repeat > 1 ? o->repeat : 1, r;
	int fails = 0, cfails = 0;
	bool kept_bad = false;

	for (r = 0; r < n && (r == 0 || !iso_interrupted); r++) {
		struct iso_result cur;
		bool bad, cbad;

		run_one(ce, s, c, o->mode == ISO_MODE_CONTROLS, &cur);
		if (o->mode == ISO_MODE_BOTH && cur.verdict != ISO_SKIP && !iso_interrupted)
			run_control(ce, s, c, &cur);
		bad = cur.verdict != ISO_PASS && cur.verdict != ISO_SKIP && !cur.known;
		cbad = cur.has_ctl && cur.ctl.verdict != ISO_PASS && cur.ctl.verdict != ISO_SKIP;
		fails += bad;
		cfails += cbad;
		if (r == 0 || ((bad || cbad) && !kept_bad) || (!kept_bad && !bad && !cbad)) {
			if (r) {
				json_decref(res->observed);
				free(res->log);
			}
			*res = cur;
			kept_bad = bad || cbad;
		} else {
			json_decref(cur.observed);
			free(cur.log);
		}
		if (cur.verdict == ISO_SKIP)
			break;
	}
	if (n > 1 && r > 1) {
		res->repeats = (int)r;
		res->repeat_fails = fails;
		res->repeat_ctl_fails = cfails;
		if (fails || cfails) {
			char why[ISO_REASON_MAX];

			snprintf(why, sizeof(why), "%s %d of %u runs: %s",
				 fails ? "failed" : "its control passed", fails ? fails : cfails, r,
				 fails ? res->reason : res->ctl.reason);
			if (fails)
				snprintf(res->reason, sizeof(res->reason), "%s", why);
			else
				snprintf(res->ctl.reason, sizeof(res->ctl.reason), "%s", why);
		}
	}
}

/* Returns 0 or -errno. */
int iso_run_cases(struct iso_session *ss, const struct iso_run_opts *o)
{
	struct iso_run *run = &ss->run;
	struct case_env ce = { .o = o,
			       .env = &ss->host,
			       .runcg = ss->cg,
			       .state = ss->state,
			       .tag = run->tag,
			       .foreign = &run->foreign };
	int nsuites = 0, total = 0, done = 0, sn = 0, per = o->mode == ISO_MODE_BOTH ? 2 : 1;
	FILE *out = o->ktap ? o->ktap : stdout;
	int order[256]; /* the suites to run, in order, ended by -1 */
	uint64_t rng = (uint64_t)o->seed * 0x9e3779b97f4a7c15ull + 1;

	run->mode = o->mode;
	run->rootless = geteuid() != 0;
	if (geteuid() == 0)
		iso_write_file("/proc/self/oom_score_adj", "-1000");
	for (int i = 0; o->suites[i]; i++) {
		int n = nselected(o, o->suites[i]);

		if (n > 0 && nsuites < (int)ISO_ARRAY_SIZE(order) - 1)
			order[nsuites++] = i;
		total += n;
	}
	order[nsuites] = -1;
	if (o->shuffle) {
		size_t idx[ISO_ARRAY_SIZE(order)];

		for (int i = 0; i < nsuites; i++)
			idx[i] = (size_t)order[i];
		iso_stats_shuffle(idx, (size_t)nsuites, &rng);
		for (int i = 0; i < nsuites; i++)
			order[i] = (int)idx[i];
	}
	iso_ktap_header(out, nsuites);
	if (run->rootless)
		fprintf(out, "# privilege: uid %d, rootless: %s\n", (int)geteuid(),
			ss->host.userns ?
				"cases that allow it run as root of a user namespace of their own" :
				"no user namespace can be made, so root cases skip");
	run->repeat = o->repeat > 1 ? (int)o->repeat : 0;
	run->shuffled = o->shuffle;
	run->shuffle_seed = o->seed;
	if (o->shuffle)
		fprintf(out, "# shuffled: suites and cases in random order, --seed %u replays it\n",
			o->seed);
	for (int ii = 0; order[ii] >= 0 && !iso_interrupted; ii++) {
		const struct iso_suite *s = o->suites[order[ii]];
		int n = nselected(o, s), k = 0, bad = 0, skipped = 0;
		size_t *cases = calloc(iso_suite_size(s) + 1, sizeof(*cases)), nc = 0;

		if (!cases)
			return -ENOMEM;
		for (size_t j = 0; j < iso_suite_size(s); j++)
			if (case_selected(o, s, iso_suite_at(s, j)))
				cases[nc++] = j;
		if (o->shuffle)
			iso_stats_shuffle(cases, nc, &rng);
		iso_ktap_suite_begin(out, s->name, n * per);
		for (size_t jj = 0; jj < nc && !iso_interrupted; jj++) {
			const struct iso_case *c = iso_suite_at(s, cases[jj]);
			struct iso_result res;

			progress(o, ++done, total, s->name, c->id);
			run_repeated(&ce, s, c, &res);
			progress(o, 0, 0, NULL, NULL);
			iso_ktap_case(out, ++k, &res, o->verbose);
			bad += res.verdict != ISO_PASS && res.verdict != ISO_SKIP && !res.known;
			skipped += res.verdict == ISO_SKIP;
			if (o->mode == ISO_MODE_BOTH) {
				if (!res.has_ctl) {
					res.has_ctl = true;
					res.ctl.verdict = res.ctl.raw = ISO_SKIP;
					snprintf(res.ctl.reason, sizeof(res.ctl.reason), "%s",
						 res.verdict == ISO_SKIP ? res.reason :
									   "interrupted");
				}
				iso_ktap_control(out, ++k, &res, o->verbose);
				bad += res.ctl.verdict != ISO_PASS && res.ctl.verdict != ISO_SKIP;
				skipped += res.ctl.verdict == ISO_SKIP;
			}
			iso_run_add(run, &res);
		}
		free(cases);
		iso_ktap_suite_end(out, ++sn, s->name, bad == 0, skipped == k);
	}
	iso_ktap_totals(out, run);
	return 0;
}
