// SPDX-License-Identifier: MIT
/* Small helpers shared by the runner, cases and benchmarks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iso.h"

void iso_freep(void *p)
{
	free(*(void **)p);
}

void iso_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* The mapping starts with a header that keeps its length (64: keeps p aligned). */
#define SHARED_HDR 64

void *iso_shared_alloc(size_t len)
{
	char *p = mmap(NULL, len + SHARED_HDR, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	*(size_t *)p = len + SHARED_HDR;
	return p + SHARED_HDR;
}

void iso_shared_free(void *p)
{
	if (p)
		munmap((char *)p - SHARED_HDR, *(size_t *)((char *)p - SHARED_HDR));
}

void iso_shared_freep(void *pp)
{
	iso_shared_free(*(void **)pp);
	*(void **)pp = NULL;
}

void iso_killp(pid_t *pid)
{
	iso_kill_wait(*pid);
}

/* Returns 0 or -errno. */
int iso_write_file(const char *path, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n, fd;
	ssize_t w;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, buf, n);
	if (w < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (close(fd) < 0)
		return -errno;
	return w == n ? 0 : -EIO;
}

/* Returns length or -errno. */
ssize_t iso_read_file(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	if (len == 0)
		return -EINVAL;
	while (got < len - 1) {
		ssize_t r = read(fd, buf + got, len - 1 - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += r;
	}
	buf[got] = '\0';
	if (got && buf[got - 1] == '\n')
		buf[--got] = '\0';
	return got;
}

/* Returns length or -errno. */
ssize_t iso_read_file_alloc(const char *path, char **out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, got = 0;
	char *buf;

	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (got + 1 >= cap) {
			char *n = realloc(buf, cap * 2);

			if (!n) {
				free(buf);
				return -ENOMEM;
			}
			buf = n;
			cap *= 2;
		}
		r = read(fd, buf + got, cap - 1 - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -errno;
		}
		if (r == 0)
			break;
		got += r;
	}
	buf[got] = '\0';
	*out = buf;
	return got;
}

/* Returns 0 or -errno. */
int iso_read_i64(const char *path, int64_t *out)
{
	char buf[64], *end;
	ssize_t n = iso_read_file(path, buf, sizeof(buf));
	long long v;

	if (n < 0)
		return n;
	if (!strcmp(buf, "max")) {
		*out = INT64_MAX;
		return 0;
	}
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Returns 0 or -ENOENT / -errno. */
int iso_read_keyed(const char *path, const char *key, int64_t *out)
{
	_cleanup_free_ char *txt = NULL;
	size_t klen = strlen(key);
	ssize_t n = iso_read_file_alloc(path, &txt);
	char *line, *save = NULL;

	if (n < 0)
		return n;
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, klen) || (line[klen] != ' ' && line[klen] != '='))
			continue;
		if (!strcmp(line + klen + 1, "max"))
			*out = INT64_MAX;
		else
			*out = strtoll(line + klen + 1, NULL, 10);
		return 0;
	}
	return -ENOENT;
}

uint64_t iso_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t iso_now_ms(void)
{
	return iso_now_ns() / 1000000ull;
}

void iso_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Returns the child's pid or -errno. */
pid_t iso_spawn(unsigned long flags, int (*fn)(void *arg), void *arg)
{
	pid_t pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	return pid;
}

/* Returns fd or -errno. */
int iso_pidfd_open(pid_t pid)
{
	int fd = syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : fd;
}

/* Returns 0, -ETIMEDOUT or -errno. */
int iso_wait_timeout(pid_t pid, int *status, unsigned int timeout_ms)
{
	uint64_t deadline = iso_now_ms() + timeout_ms;
	int st, fd = iso_pidfd_open(pid);

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG | __WALL);
		uint64_t now;

		if (r == pid) {
			if (status)
				*status = st;
			if (fd >= 0)
				close(fd);
			return 0;
		}
		if (r < 0 && errno != EINTR) {
			int err = -errno;

			if (fd >= 0)
				close(fd);
			return err;
		}
		now = iso_now_ms();
		if (now >= deadline) {
			if (fd >= 0)
				close(fd);
			return -ETIMEDOUT;
		}
		if (fd >= 0) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			poll(&p, 1, (int)(deadline - now));
		} else {
			iso_sleep_ms(deadline - now < 5 ? deadline - now : 5);
		}
	}
}

void iso_kill_wait(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

/* Returns the state letter or -errno. */
int iso_proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (iso_read_file(path, buf, sizeof(buf)) < 0)
		return -ESRCH;
	p = strrchr(buf, ')');
	if (!p || !p[1] || !p[2])
		return -EINVAL;
	return (unsigned char)p[2];
}

bool iso_proc_alive_after(pid_t pid, unsigned int ms)
{
	uint64_t deadline = iso_now_ms() + ms;

	do {
		int s = iso_proc_state(pid);

		if (s < 0 || s == 'Z' || s == 'X')
			return false;
		iso_sleep_ms(5);
	} while (iso_now_ms() < deadline);
	return true;
}

/* Returns 0 or -errno. */
int iso_sync_init(struct iso_sync *s)
{
	return pipe2(s->fd, O_CLOEXEC) < 0 ? -errno : 0;
}

/* Returns 0 or -errno. */
int iso_sync_wake(struct iso_sync *s)
{
	char c = 1;

	return write(s->fd[1], &c, 1) == 1 ? 0 : -errno;
}

/* Returns 0, -ETIMEDOUT, -EPIPE (the other side closed) or -errno. */
int iso_sync_wait(struct iso_sync *s, unsigned int timeout_ms)
{
	struct pollfd p = { .fd = s->fd[0], .events = POLLIN };
	char c;
	int r;

	do
		r = poll(&p, 1, (int)timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	r = read(s->fd[0], &c, 1);
	if (r == 1)
		return 0;
	return r == 0 ? -EPIPE : -errno;
}

void iso_sync_close(struct iso_sync *s)
{
	for (int i = 0; i < 2; i++)
		if (s->fd[i] >= 0) {
			close(s->fd[i]);
			s->fd[i] = -1;
		}
}

/* Returns the inode (> 0) or -errno. */
int64_t iso_ns_ino(pid_t pid, const char *name)
{
	char path[64];
	struct stat st;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &st) < 0)
		return -errno;
	return (int64_t)st.st_ino;
}

static const char *kver_next(const char *s, long *v)
{
	char *end;

	*v = 0;
	if (!s || !*s)
		return s;
	*v = strtol(s, &end, 10);
	if (end == s)
		return NULL;
	return *end == '.' ? end + 1 : NULL;
}

/* Compares the numeric major.minor.patch prefixes of two releases. */
int iso_kver_cmp(const char *a, const char *b)
{
	for (int i = 0; i < 3; i++) {
		long va = 0, vb = 0;

		a = kver_next(a, &va);
		b = kver_next(b, &vb);
		if (va != vb)
			return va < vb ? -1 : 1;
	}
	return 0;
}

size_t iso_suite_size(const struct iso_suite *s)
{
	size_t n = s->ncases;

	for (size_t i = 0; s->parts && s->parts[i]; i++)
		n += s->parts[i]->n;
	return n;
}

const struct iso_case *iso_suite_at(const struct iso_suite *s, size_t k)
{
	if (k < s->ncases)
		return &s->cases[k];
	k -= s->ncases;
	for (size_t i = 0; s->parts && s->parts[i]; i++) {
		if (k < s->parts[i]->n)
			return &s->parts[i]->cases[k];
		k -= s->parts[i]->n;
	}
	return NULL;
}
