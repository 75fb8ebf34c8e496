// SPDX-License-Identifier: MIT
/* Helpers shared by the cgroup suites (see cgutil.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgutil.h"

/* Blocks until the parent writes its byte (0) or closes the pipe (-EPIPE). Returns 0 or -errno. */
static int read_go(int fd)
{
	char c;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		return 0;
	return n == 0 ? -EPIPE : -errno;
}

/* Returns the child's pid or -errno. */
pid_t iso_cgu_spawn(const struct iso_cg *cg, int (*fn)(void *arg), void *arg)
{
	struct iso_sync go;
	pid_t parent = getpid(), pid;
	int r = iso_sync_init(&go);

	if (r < 0)
		return r;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		iso_sync_close(&go);
		return r;
	}
	if (pid == 0) {
		close(go.fd[1]);
		go.fd[1] = -1;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/*
		 * No timeout: the parent either wakes it or closes its end (EOF), and
		 * its death kills the child.
		 */
		if (getppid() != parent || read_go(go.fd[0]) < 0)
			_exit(126);
		iso_sync_close(&go);
		_exit(fn(arg) & 0xff);
	}
	close(go.fd[0]);
	go.fd[0] = -1;
	r = cg ? iso_cg_attach(cg, pid) : 0;
	if (r == 0)
		r = iso_sync_wake(&go);
	iso_sync_close(&go);
	if (r < 0) {
		iso_kill_wait(pid);
		return r;
	}
	return pid;
}

/* Returns 0 or -errno. */
int iso_cgu_touch_mib(size_t mib, volatile uint64_t *pages, unsigned int flags)
{
	size_t len = mib << 20, pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	for (size_t off = 0; off < len; off += pg) {
		p[off] = 1;
		if (pages)
			(*pages)++;
	}
	if (!(flags & ISO_CGU_KEEP))
		munmap(p, len);
	return 0;
}

/* Returns 0 or -errno. */
int iso_cgu_read(const struct iso_cg *cg, const char *knob, const char *key, int64_t *out)
{
	char buf[64], *end;
	ssize_t n;

	if (key)
		return iso_cg_read_key(cg, knob, key, out);
	n = iso_cg_read(cg, knob, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (!strcmp(buf, "max")) {
		*out = INT64_MAX;
		return 0;
	}
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}

/* Returns 0, -ETIMEDOUT or -errno. */
int iso_cgu_wait_at_least(const struct iso_cg *cg, const char *knob, const char *key, int64_t min,
			  unsigned int timeout_ms, int64_t *out)
{
	uint64_t deadline = iso_now_ms() + timeout_ms;
	int64_t v = 0;

	for (;;) {
		int r = iso_cgu_read(cg, knob, key, &v);

		if (out)
			*out = v;
		if (r < 0)
			return r;
		if (v >= min)
			return 0;
		if (iso_now_ms() >= deadline)
			return -ETIMEDOUT;
		iso_sleep_ms(2);
	}
}

/* Returns 0 or -ETIMEDOUT. */
int iso_cgu_wait_counter(const volatile uint64_t *counter, uint64_t min, unsigned int timeout_ms)
{
	uint64_t deadline = iso_now_ms() + timeout_ms;

	while (*counter < min) {
		if (iso_now_ms() >= deadline)
			return -ETIMEDOUT;
		iso_sleep_ms(1);
	}
	return 0;
}

enum iso_verdict iso_cgu_knob_verdict(struct iso_ctx *ctx, const char *knob, int err)
{
	const struct iso_cg_layout *l = iso_ctx_layout(ctx);
	char ctrl[32];
	int ver;

	snprintf(ctrl, sizeof(ctrl), "%.*s", (int)strcspn(knob, "."), knob);
	ver = l ? iso_cg_controller_version(l, ctrl) : -ENOENT;
	if (err == -EOPNOTSUPP) {
		if (ver > 0)
			return iso_skip(ctx,
					"%s has no equivalent on this host: the %s controller is "
					"on cgroup v%d here; run on a host with %s on v%d",
					knob, ctrl, ver, ctrl, ver == 1 ? 2 : 1);
		return iso_skip(ctx, "%s has no equivalent on this host (cgroup mode %s)", knob,
				iso_cg_mode_name(l ? l->mode : ISO_CG_MODE_NONE));
	}
	if (err == -ENOENT)
		return iso_skip(ctx,
				"%s is missing in this kernel's cgroup (older kernel, or the "
				"feature is not configured)",
				knob);
	return iso_broken(ctx, err, "access %s", knob);
}

const char *iso_cgu_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status 0x%x", (unsigned int)status);
	return buf;
}
