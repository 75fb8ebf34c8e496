// SPDX-License-Identifier: MIT
/* Helpers shared by the namespace suites (see nsm.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsgeneric/nsm.h"

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* Returns the pid or -errno. */
pid_t nsm_proc_start(struct nsm_proc *p, unsigned long flags, nsm_proc_fn fn, void *arg)
{
	int p2c[2], c2p[2];
	pid_t pid;

	p->pid = 0;
	p->rd = p->wr = -1;
	if (flags & CLONE_NEWTIME)
		return -EINVAL;
	if (pipe2(p2c, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(c2p, O_CLOEXEC) < 0) {
		int err = -errno;

		close(p2c[0]);
		close(p2c[1]);
		return err;
	}
	fflush(NULL);
	pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0) {
		int err = -errno;

		close(p2c[0]);
		close(p2c[1]);
		close(c2p[0]);
		close(c2p[1]);
		return err;
	}
	if (pid == 0) {
		struct nsm_proc self = { .pid = 0, .rd = p2c[0], .wr = c2p[1] };

		close(p2c[1]);
		close(c2p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(fn(&self, arg) & 0xff);
	}
	close(p2c[0]);
	close(c2p[1]);
	p->pid = pid;
	p->rd = c2p[0];
	p->wr = p2c[1];
	return pid;
}

/* Returns 0 or -errno. */
int nsm_send(struct nsm_proc *p, int v)
{
	ssize_t w;

	do
		w = write(p->wr, &v, sizeof(v));
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return w == sizeof(v) ? 0 : -EIO;
}

/* Returns 0, -ETIMEDOUT, -EPIPE or -errno. */
int nsm_recv(struct nsm_proc *p, int *v, unsigned int ms)
{
	struct pollfd pf = { .fd = p->rd, .events = POLLIN };
	ssize_t r;
	int n;

	do
		n = poll(&pf, 1, (int)ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIMEDOUT;
	do
		r = read(p->rd, v, sizeof(*v));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == sizeof(*v) ? 0 : -EPIPE;
}

/* Returns the exit code, -EINTR (killed by a signal), -ETIMEDOUT or -errno. */
int nsm_proc_wait(struct nsm_proc *p, unsigned int ms)
{
	int st = 0, r;

	close_fd(&p->rd);
	close_fd(&p->wr);
	if (p->pid <= 0)
		return -ECHILD;
	r = iso_wait_timeout(p->pid, &st, ms);
	if (r == -ETIMEDOUT)
		iso_kill_wait(p->pid);
	p->pid = 0;
	if (r < 0)
		return r;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return -EINTR;
}

void nsm_proc_stop(struct nsm_proc *p)
{
	close_fd(&p->rd);
	close_fd(&p->wr);
	if (p->pid > 0)
		iso_kill_wait(p->pid);
	p->pid = 0;
}

struct call_arg {
	int (*fn)(void *arg);
	void *arg;
};

static int call_trampoline(struct nsm_proc *self, void *arg)
{
	struct call_arg *c = arg;

	(void)self;
	return c->fn(c->arg);
}

/* Returns the exit code or -errno. */
int nsm_call(unsigned long flags, int (*fn)(void *arg), void *arg, unsigned int ms)
{
	struct nsm_proc p = NSM_PROC_INIT;
	struct call_arg c = { fn, arg };
	pid_t pid = nsm_proc_start(&p, flags, call_trampoline, &c);

	if (pid < 0)
		return pid;
	return nsm_proc_wait(&p, ms);
}

/* Returns the child's first int (>= 0 or -errno), or -errno. */
int nsm_proc_start_wait(struct nsm_proc *p, unsigned long flags, nsm_proc_fn fn, void *arg,
			unsigned int ms)
{
	int r = nsm_proc_start(p, flags, fn, arg), v;

	if (r >= 0)
		r = nsm_recv(p, &v, ms);
	return r < 0 ? r : v;
}

/* Returns the answer (>= 0 or -errno) or -errno. */
int nsm_ask(struct nsm_proc *p, int v, unsigned int ms)
{
	int r = nsm_send(p, v), a;

	if (r == 0)
		r = nsm_recv(p, &a, ms);
	return r < 0 ? r : a;
}

static int hold(struct nsm_proc *self, void *arg)
{
	int v;

	nsm_send(self, 0);
	nsm_recv(self, &v, *(const unsigned int *)arg);
	return 0;
}

/* Returns 0 or -errno. */
int nsm_hold(struct iso_ctx *ctx, struct nsm_proc *p, unsigned long flags)
{
	unsigned int linger_ms = iso_ctx_ms(ctx, 10000);

	return nsm_proc_start_wait(p, flags, hold, &linger_ms, iso_ctx_ms(ctx, 3000));
}

/* Returns the length or -errno. */
ssize_t nsm_read_fd(int fd, char *buf, size_t len, unsigned int ms)
{
	uint64_t deadline = iso_now_ms() + ms;
	size_t got = 0;

	if (!len)
		return -EINVAL;
	while (got < len - 1) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		uint64_t now = iso_now_ms();
		ssize_t r;

		if (now >= deadline)
			break;
		r = poll(&pf, 1, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		r = read(fd, buf + got, len - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	buf[got] = '\0';
	return got;
}

static void ns_path(char *buf, size_t len, pid_t pid, const char *name)
{
	if (pid)
		snprintf(buf, len, "/proc/%d/ns/%s", (int)pid, name);
	else
		snprintf(buf, len, "/proc/self/ns/%s", name);
}

/* Returns 0 or -errno. */
int nsm_ns_id(pid_t pid, const char *name, struct nsm_id *out)
{
	char path[64];
	struct stat st;

	ns_path(path, sizeof(path), pid, name);
	if (stat(path, &st) < 0)
		return -errno;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	return 0;
}

/* Returns 0 or -errno. */
int nsm_fd_id(int fd, struct nsm_id *out)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	return 0;
}

bool nsm_id_eq(const struct nsm_id *a, const struct nsm_id *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* Returns fd or -errno. */
int nsm_ns_open(pid_t pid, const char *name)
{
	char path[64];
	int fd;

	ns_path(path, sizeof(path), pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Returns 0 or -errno. */
int nsm_proc_write(pid_t pid, const char *file, const char *fmt, ...)
{
	char path[64], buf[512];
	va_list ap;
	int n;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	return iso_write_file(path, "%s", buf);
}

/* Returns 0 or -errno. */
int nsm_map_ids(pid_t pid, unsigned int inside, unsigned int outside, bool deny)
{
	int r;

	if (deny) {
		r = nsm_proc_write(pid, "setgroups", "deny");
		if (r < 0)
			return r;
	}
	r = nsm_proc_write(pid, "uid_map", "%u %u 1\n", inside, outside);
	if (r < 0)
		return r;
	return nsm_proc_write(pid, "gid_map", "%u %u 1\n", inside, outside);
}

/* Returns 0 or -errno. */
int nsm_become_nobody(void)
{
	if (setgroups(0, NULL) < 0)
		return -errno;
	if (setresgid(NSM_NOBODY, NSM_NOBODY, NSM_NOBODY) < 0)
		return -errno;
	if (setresuid(NSM_NOBODY, NSM_NOBODY, NSM_NOBODY) < 0)
		return -errno;
	/*
	 * Changing credentials made the process non-dumpable, which gives its
	 * /proc/PID files to root; a user who never was root stays dumpable.
	 */
	if (prctl(PR_SET_DUMPABLE, 1) < 0)
		return -errno;
	return 0;
}

/* Returns 0 or -errno. */
int nsm_caps(pid_t pid, const char *key, uint64_t *out)
{
	_cleanup_free_ char *txt = NULL;
	char path[64], *line, *save = NULL;
	size_t klen = strlen(key);
	ssize_t n;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	n = iso_read_file_alloc(path, &txt);
	if (n < 0)
		return n;
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		*out = strtoull(line + klen + 1, NULL, 16);
		return 0;
	}
	return -ENOENT;
}

/* Returns 0 or -errno. */
int nsm_caps_all(uint64_t *out)
{
	int64_t last;
	int r = iso_read_i64("/proc/sys/kernel/cap_last_cap", &last);

	if (r < 0)
		return r;
	if (last < 0 || last > 63)
		return -ERANGE;
	*out = last == 63 ? ~0ull : (1ull << (last + 1)) - 1;
	return 0;
}
