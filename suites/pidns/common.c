// SPDX-License-Identifier: MIT
/* Helpers the PID namespace cases share: pipes, reaping, /proc parsing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidns.h"

/* Returns 0 or -errno. */
int pidns_chan_open(struct pidns_chan *c)
{
	if (pipe2(c->cmd, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(c->rep, O_CLOEXEC) < 0) {
		int err = -errno;

		pidns_chan_close(c);
		return err;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void pidns_chan_parent(struct pidns_chan *c)
{
	close_fd(&c->cmd[0]);
	close_fd(&c->rep[1]);
}

void pidns_chan_close(struct pidns_chan *c)
{
	for (int i = 0; i < 2; i++) {
		close_fd(&c->cmd[i]);
		close_fd(&c->rep[i]);
	}
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Returns 0 or -errno. */
int pidns_keep_fds(const int *keep, int n)
{
	int sorted[16], m = 0, from = 3;
	DIR *d;

	for (int i = 0; i < n && m < (int)ISO_ARRAY_SIZE(sorted); i++)
		if (keep[i] >= 3)
			sorted[m++] = keep[i];
	qsort(sorted, m, sizeof(sorted[0]), cmp_int);
	for (int i = 0; i <= m; i++) {
		int to = i < m ? sorted[i] - 1 : INT_MAX;

		if (to >= from && syscall(SYS_close_range, from, (unsigned int)to, 0) < 0)
			goto slow;
		if (i < m)
			from = sorted[i] + 1;
	}
	return 0;
slow:
	/* close_range(2) is 5.9+: walk /proc/self/fd instead. */
	d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	for (struct dirent *e; (e = readdir(d));) {
		int fd = atoi(e->d_name);
		bool kept = fd < 3 || fd == dirfd(d);

		for (int i = 0; i < m && !kept; i++)
			kept = sorted[i] == fd;
		if (!kept && e->d_name[0] != '.')
			close(fd);
	}
	closedir(d);
	return 0;
}

/* Returns 0 or -errno. */
int pidns_chan_child(struct pidns_chan *c)
{
	int keep[] = { c->cmd[0], c->rep[1] };

	c->cmd[1] = c->rep[0] = -1;
	return pidns_keep_fds(keep, 2);
}

/* Returns 0 or -errno. */
int pidns_send(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= w;
	}
	return 0;
}

/* Returns len, 0 on EOF, -ETIMEDOUT or -errno. */
ssize_t pidns_recv(int fd, void *buf, size_t len, unsigned int timeout_ms)
{
	uint64_t deadline = iso_now_ms() + timeout_ms;
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = iso_now_ms();
		ssize_t r;

		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)(deadline - now));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		r = read(fd, (char *)buf + got, len - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return 0;
		got += r;
	}
	return len;
}

/* Returns the byte, 0 on EOF, or -errno. */
int pidns_wait_cmd(int fd)
{
	unsigned char c;
	ssize_t r;

	do
		r = read(fd, &c, 1);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? 0 : c;
}

/* Returns 0 or -errno. */
int pidns_case_setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* Returns the count reaped or -ETIMEDOUT. */
int pidns_reap_all(struct iso_ctx *ctx)
{
	uint64_t deadline = iso_now_ms() + iso_ctx_ms(ctx, 2000);
	int n = 0;

	for (;;) {
		pid_t r = waitpid(-1, NULL, WNOHANG | __WALL);

		if (r > 0) {
			n++;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return n;
		if (iso_now_ms() >= deadline)
			return -ETIMEDOUT;
		iso_sleep_ms(iso_ctx_ms(ctx, 2));
	}
}

void pidns_reap_at_exit(struct iso_ctx **ctx)
{
	pidns_reap_all(*ctx);
}

/* Returns 0 or -errno. */
int pidns_wait_or_kill(struct iso_ctx *ctx, pid_t pid, int *status, unsigned int timeout_ms)
{
	int r = iso_wait_timeout(pid, status, timeout_ms);

	if (r == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		iso_wait_timeout(pid, status, iso_ctx_ms(ctx, 5000));
	}
	return r;
}

/* Returns the pid, -EPROTO or -errno. */
pid_t pidns_start(struct iso_ctx *ctx, unsigned long flags, int (*fn)(void *), void *arg,
		  struct pidns_chan *ch, void *rep, size_t len)
{
	pid_t pid;
	ssize_t r;
	int e;

	if ((e = pidns_case_setup()) < 0 || (e = pidns_chan_open(ch)) < 0)
		return e;
	pid = iso_spawn(flags, fn, arg);
	if (pid < 0)
		return pid;
	pidns_chan_parent(ch);
	r = pidns_recv(ch->rep[0], rep, len, iso_ctx_ms(ctx, 3000));
	if (r == (ssize_t)len)
		return pid;
	iso_kill_wait(pid);
	return r < 0 ? (int)r : -EPROTO;
}

/* Returns 0, -EPROTO or -errno. */
int pidns_spawn_report(struct iso_ctx *ctx, unsigned long flags, int (*fn)(void *), void *arg,
		       struct pidns_chan *ch, void *rep, size_t len)
{
	pid_t pid = pidns_start(ctx, flags, fn, arg, ch, rep, len);
	int w;

	if (pid < 0)
		return pid;
	close_fd(&ch->cmd[1]);
	w = pidns_wait_or_kill(ctx, pid, NULL, iso_ctx_ms(ctx, 3000));
	return w < 0 ? w : 0;
}

int pidns_idle(void *p)
{
	struct pidns_chan *ch = p;
	struct pidns_ready r = { getpid(), 0 };

	pidns_chan_child(ch);
	if (pidns_send(ch->rep[1], &r, sizeof(r)) < 0)
		return 1;
	pidns_wait_cmd(ch->cmd[0]);
	return 0;
}

pid_t pidns_start_idle(struct iso_ctx *ctx, unsigned long flags, struct pidns_chan *ch)
{
	struct pidns_ready rr;

	return pidns_start(ctx, flags, pidns_idle, ch, ch, &rr, sizeof(rr));
}

/* Returns the count, -ENOENT (no NSpid line) or -errno. */
int pidns_nspid(pid_t pid, long *ids, int max)
{
	_cleanup_free_ char *txt = NULL;
	char path[64], *line, *p, *end;
	int n = 0;
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	r = iso_read_file_alloc(path, &txt);
	if (r < 0)
		return r;
	line = strstr(txt, "\nNSpid:");
	if (!line)
		return -ENOENT;
	p = line + strlen("\nNSpid:");
	for (;;) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (n < max)
			ids[n] = v;
		n++;
		p = end;
	}
	return n;
}

int pidns_own_level(void)
{
	long ids[40];
	int n = pidns_nspid(getpid(), ids, ISO_ARRAY_SIZE(ids));

	return n > 0 ? n - 1 : 0;
}

/* Returns the pid or -ESRCH. */
pid_t pidns_find_child(pid_t ppid)
{
	DIR *d = opendir("/proc");
	pid_t found = -ESRCH;

	if (!d)
		return -errno;
	for (struct dirent *e; found < 0 && (e = readdir(d));) {
		char path[300], buf[512], *p;
		pid_t pid = atoi(e->d_name);
		int pp;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (iso_read_file(path, buf, sizeof(buf)) < 0)
			continue;
		p = strrchr(buf, ')');
		if (p && sscanf(p + 1, " %*c %d", &pp) == 1 && pp == ppid)
			found = pid;
	}
	closedir(d);
	return found;
}

/* Returns the number of numeric entries or -errno. */
int pidns_proc_pids(const char *dir, pid_t *pids, int max)
{
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -errno;
	for (struct dirent *e; (e = readdir(d));) {
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (end == e->d_name || *end)
			continue;
		if (n < max)
			pids[n] = v;
		n++;
	}
	closedir(d);
	return n;
}

bool pidns_uid_in_use(uid_t uid)
{
	DIR *d = opendir("/proc");
	bool used = false;

	if (!d)
		return true;
	for (struct dirent *e; !used && (e = readdir(d));) {
		_cleanup_free_ char *txt = NULL;
		unsigned long u[4];
		char path[300], *line;

		if (atoi(e->d_name) <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		if (iso_read_file_alloc(path, &txt) < 0)
			continue;
		line = strstr(txt, "\nUid:");
		if (line && sscanf(line, "\nUid: %lu %lu %lu %lu", &u[0], &u[1], &u[2], &u[3]) == 4)
			for (int i = 0; i < 4; i++)
				used |= u[i] == uid;
	}
	closedir(d);
	return used;
}

const char *pidns_errstr(int err)
{
	return err ? strerror(err) : "0";
}

const char *pidns_sig_name(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",   [SIGKILL] = "SIGKILL",
		[SIGUSR1] = "SIGUSR1", [SIGUSR2] = "SIGUSR2", [SIGTERM] = "SIGTERM",
		[SIGSTOP] = "SIGSTOP", [SIGCONT] = "SIGCONT", [SIGCHLD] = "SIGCHLD",
		[SIGSEGV] = "SIGSEGV", [SIGABRT] = "SIGABRT", [SIGPIPE] = "SIGPIPE",
	};

	if (sig > 0 && sig < (int)ISO_ARRAY_SIZE(names) && names[sig])
		return names[sig];
	return "signal ?";
}

const char *pidns_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by %s", pidns_sig_name(WTERMSIG(status)));
	else if (WIFSTOPPED(status))
		snprintf(buf, len, "stopped by %s", pidns_sig_name(WSTOPSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", status);
	return buf;
}
