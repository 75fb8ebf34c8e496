// SPDX-License-Identifier: MIT
/* Helpers of the cgroup.cpu, cpuset, io and attach suites (see cgcpu_util.h). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgcpu_util.h"

/* Returns 0 or -errno. */
int cgcpu_create(struct iso_ctx *ctx, const struct iso_cg *parent, const char *name,
		 const char *controllers, struct iso_cg **out)
{
	*out = NULL;
	if (!parent)
		parent = iso_ctx_cgroup(ctx);
	/* Never NULL here: iso_cg_create would then create beside the start cgroup. */
	if (!parent)
		return -ENOMEDIUM;
	return iso_cg_create(iso_ctx_layout(ctx), parent, name, controllers, out);
}

enum iso_verdict cgcpu_create_failed(struct iso_ctx *ctx, int err, const char *what)
{
	if (err == -ENOMEDIUM)
		return iso_skip(ctx, "the case has no cgroup of its own: isobench could not create "
				     "its cgroups here (run as root with cgroupfs mounted)");
	return iso_broken(ctx, err, "%s", what);
}

/* Returns the pid or -errno. */
pid_t cgcpu_spawn_in(const struct iso_ctx *ctx, const struct iso_cg *cg, int (*fn)(void *arg),
		     void *arg)
{
	unsigned int wait_ms = iso_ctx_ms(ctx, 10000);
	struct iso_sync s;
	pid_t pid;
	int r = iso_sync_init(&s);

	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		iso_sync_close(&s);
		return r;
	}
	if (pid == 0) {
		close(s.fd[1]);
		s.fd[1] = -1;
		if (iso_sync_wait(&s, wait_ms) < 0)
			_exit(120);
		close(s.fd[0]);
		_exit(fn(arg) & 0xff);
	}
	if (cg) {
		r = iso_cg_attach(cg, pid);
		if (r < 0) {
			iso_sync_close(&s);
			iso_kill_wait(pid);
			return r;
		}
	}
	r = iso_sync_wake(&s);
	iso_sync_close(&s);
	if (r < 0) {
		iso_kill_wait(pid);
		return r;
	}
	return pid;
}

int cgcpu_spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
	return 0;
}

int cgcpu_sleep(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

int cgcpu_spin_on(void *arg)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(*(int *)arg, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return 121;
	return cgcpu_spin(NULL);
}

/* Returns 1, 0 or -errno. */
int cgcpu_lists(const char *dir, const char *file, pid_t id)
{
	char path[ISO_CG_PATH + 64], *line, *save = NULL;
	_cleanup_free_ char *txt = NULL;
	ssize_t r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	r = iso_read_file_alloc(path, &txt);
	if (r < 0)
		return r;
	for (line = strtok_r(txt, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (atoi(line) == id)
			return 1;
	return 0;
}

const char *cgcpu_threads_file(int version)
{
	return version == 1 ? "tasks" : "cgroup.threads";
}

int cgcpu_dir_version(const struct iso_cg *cg, int i)
{
	return cg->layout->hier[cg->dir[i].hier].version;
}

/* Returns the number of CPUs or -EINVAL. */
int cgcpu_cpulist_parse(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s || a < 0 || a >= CPU_SETSIZE)
			return -EINVAL;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b >= CPU_SETSIZE)
				return -EINVAL;
			s = end;
		}
		for (long c = a; c <= b; c++)
			CPU_SET(c, set);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return CPU_COUNT(set);
}

void cgcpu_cpulist_fmt(const cpu_set_t *set, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE && off < len; c++) {
		int e = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
			e++;
		if (e == c)
			off += snprintf(buf + off, len - off, "%s%d", off ? "," : "", c);
		else
			off += snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "", c, e);
		c = e;
	}
}

/* Returns the CPU or -ENOENT. */
int cgcpu_first_cpu(const cpu_set_t *set)
{
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			return c;
	return -ENOENT;
}
