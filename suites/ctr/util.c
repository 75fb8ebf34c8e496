// SPDX-License-Identifier: MIT
/* Helpers of the container-composition suites (see ctr.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "ctr.h"

struct tramp {
	struct iso_ctx *ctx;
	ctr_child_fn fn;
	void *arg;
};

static int trampoline(void *p)
{
	struct tramp *t = p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	return (int)t->fn(t->ctx, t->arg);
}

enum iso_verdict ctr_in_child(struct iso_ctx *ctx, unsigned long flags, ctr_child_fn fn, void *arg,
			      unsigned int timeout_ms)
{
	struct tramp t = { .ctx = ctx, .fn = fn, .arg = arg };
	int st = 0, r;
	pid_t pid;

	fflush(NULL);
	pid = iso_spawn(flags, trampoline, &t);
	if (pid < 0)
		return iso_broken(ctx, pid, "clone(0x%lx) for the case's child", flags);
	r = iso_wait_timeout(pid, &st, timeout_ms);
	if (r < 0) {
		iso_kill_wait(pid);
		return iso_broken(ctx, r, "the case's child did not finish within %u ms",
				  timeout_ms);
	}
	if (WIFSIGNALED(st))
		return iso_broken(ctx, 0, "the case's child was killed by signal %d (%s)",
				  WTERMSIG(st), strsignal(WTERMSIG(st)));
	if (!WIFEXITED(st) || WEXITSTATUS(st) >= ISO_NVERDICTS)
		return iso_broken(ctx, 0, "the case's child exited with status %d",
				  WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return (enum iso_verdict)WEXITSTATUS(st);
}

char *ctr_path(char *buf, const char *a, const char *b)
{
	snprintf(buf, PATH_MAX, "%s/%s", a, b);
	return buf;
}

/* Returns 0 or -errno. */
int ctr_tmpfs(struct iso_ctx *ctx, const char *name, unsigned long flags, char *path)
{
	ctr_path(path, iso_ctx_dir(ctx), name);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mount("tmpfs", path, "tmpfs", flags, "size=64m,mode=0755") < 0)
		return -errno;
	return 0;
}

/* Returns 0 or -errno. */
int ctr_write_new(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t n = strlen(s);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, s, n);
	if (w < 0 || (size_t)w != n) {
		int e = w < 0 ? -errno : -EIO;

		close(fd);
		return e;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* Returns 0 or -errno. */
int ctr_copy_file(const char *src, const char *dst, mode_t mode)
{
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0777);
	if (out < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0)
				return -errno;
			off += w;
		}
	if (n < 0)
		return -errno;
	/* chmod after the write: a setuid bit would be cleared by writing. */
	return fchmod(out, mode) < 0 ? -errno : 0;
}

/* Returns 0 or -errno. */
int ctr_bind_ro(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return -errno;
	if (mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return -errno;
	return 0;
}

/* Returns 0 or -errno. */
int ctr_build_root(const char *dir, const char *put_old)
{
	static const char *const empty[] = { "proc", "dev", "tmp", "etc" };
	static const char *const tops[] = {
		"usr", "bin", "sbin", "lib", "lib64", "lib32", "libx32"
	};
	char p[PATH_MAX], src[PATH_MAX], target[PATH_MAX];

	for (size_t i = 0; i < ISO_ARRAY_SIZE(empty); i++)
		if (mkdir(ctr_path(p, dir, empty[i]), 0755) < 0 && errno != EEXIST)
			return -errno;
	if (put_old && mkdir(ctr_path(p, dir, put_old), 0755) < 0 && errno != EEXIST)
		return -errno;
	for (size_t i = 0; i < ISO_ARRAY_SIZE(tops); i++) {
		struct stat st;
		ssize_t n;
		int r;

		snprintf(src, sizeof(src), "/%s", tops[i]);
		if (lstat(src, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		ctr_path(p, dir, tops[i]);
		if (S_ISLNK(st.st_mode)) {
			n = readlink(src, target, sizeof(target) - 1);
			if (n < 0)
				return -errno;
			target[n] = '\0';
			if (symlink(target, p) < 0)
				return -errno;
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		r = ctr_bind_ro(src, p);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Returns 0 or -errno. */
int ctr_pivot_root(const char *new_root, const char *put_old)
{
	return syscall(SYS_pivot_root, new_root, put_old) < 0 ? -errno : 0;
}

/* ---- running a program ---- */

static void child_exec(const struct ctr_exec *e, int out, int err)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	int r = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dup2(out, 1) < 0 || dup2(out, 2) < 0)
		r = -errno;
	if (!r && e->prep)
		r = e->prep(e->arg);
	if (!r) {
		if (e->fd >= 0)
			syscall(SYS_execveat, e->fd, "", (char *const *)e->argv, envp,
				AT_EMPTY_PATH);
		else
			execve(e->argv[0], (char *const *)e->argv, envp);
		r = -errno;
	}
	if (write(err, &r, sizeof(r)) < 0)
		_exit(126);
	_exit(127);
}

/* Returns the bytes captured (ran), -errno of prep/execve, -ETIMEDOUT or -errno. */
int ctr_run(const struct ctr_exec *e, char *out, size_t len, int *status)
{
	int po[2], pe[2], r = 0, st = 0, cerr = 0;
	uint64_t end = iso_now_ms() + (e->timeout_ms ? e->timeout_ms : 5000);
	size_t got = 0;
	pid_t pid;

	if (len)
		out[0] = '\0';
	if (pipe2(po, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		r = -errno;
		close(po[0]);
		close(po[1]);
		return r;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(po[0]);
		close(pe[0]);
		child_exec(e, po[1], pe[1]);
	}
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	for (;;) {
		struct pollfd p = { .fd = po[0], .events = POLLIN };
		uint64_t now = iso_now_ms();
		char buf[4096];
		ssize_t n;

		if (now >= end) {
			r = -ETIMEDOUT;
			break;
		}
		if (poll(&p, 1, (int)(end - now)) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		n = read(po[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len && got < len - 1) {
			size_t k = (size_t)n < len - 1 - got ? (size_t)n : len - 1 - got;

			memcpy(out + got, buf, k);
			got += k;
			out[got] = '\0';
		}
	}
	if (r == -ETIMEDOUT) {
		iso_kill_wait(pid);
		goto out;
	}
	if (read(pe[0], &cerr, sizeof(cerr)) == (ssize_t)sizeof(cerr) && cerr < 0)
		r = cerr;
	if (iso_wait_timeout(pid, &st, 5000) < 0) {
		iso_kill_wait(pid);
		r = r ? r : -ETIMEDOUT;
	}
	if (!r && status)
		*status = st;
	if (!r)
		r = (int)got;
out:
	close(po[0]);
	close(pe[0]);
	return r;
}

/* Closes *fd if open and marks it closed. */
static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Reads up to len - 1 bytes from fd within the deadline, until want is seen (if given). */
static ssize_t read_until(int fd, char *buf, size_t len, const char *want, uint64_t end)
{
	size_t got = 0;

	buf[0] = '\0';
	while (got < len - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = iso_now_ms();
		ssize_t n;

		if (now >= end)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)(end - now)) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (want && strstr(buf, want))
			break;
	}
	return (ssize_t)got;
}

/* Finds AT_SECURE in /proc/PID/auxv. Returns 0 or 1, or -errno. */
static int auxv_secure(pid_t pid)
{
	unsigned long v[128];
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, v, sizeof(v));
	close(fd);
	if (n < 0)
		return -errno;
	for (size_t i = 0; i + 1 < (size_t)n / sizeof(v[0]) && v[i] != AT_NULL; i += 2)
		if (v[i] == AT_SECURE)
			return v[i + 1] ? 1 : 0;
	return -ENOENT;
}

struct probe_child {
	int in, out, err, exe;
	bool nnp;
};

static void __attribute__((noreturn)) probe_exec(const struct probe_child *c)
{
	static char *const argv[] = { "cat", NULL };
	static char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
	int r = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dup2(c->in, 0) < 0 || dup2(c->out, 1) < 0 || dup2(c->out, 2) < 0)
		r = -errno;
	if (!r && c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = -errno;
	if (!r)
		r = ctr_become_nobody();
	if (!r) {
		syscall(SYS_execveat, c->exe, "", argv, envp, AT_EMPTY_PATH);
		r = -errno;
	}
	if (write(c->err, &r, sizeof(r)) < 0)
		_exit(126);
	_exit(127);
}

/* Returns 0 or -errno. */
int ctr_setuid_probe(const char *dir, bool nnp, unsigned int timeout_ms, struct ctr_setuid *res,
		     char *why, size_t wlen)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, cerr = 0, r, st;
	uint64_t end = iso_now_ms() + timeout_ms;
	_cleanup_close_ int exe = -1;
	char bin[PATH_MAX], buf[4096], path[64];
	_cleanup_free_ char *status = NULL;
	pid_t pid = -1;

	snprintf(why, wlen, "setup");
	r = ctr_copy_file("/bin/cat", ctr_path(bin, dir, "cat"), 04755);
	if (r < 0)
		return r;
	/* By descriptor: nobody need not be able to walk dir. */
	exe = open(bin, O_PATH | O_CLOEXEC);
	if (exe < 0 || pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct probe_child c = { in[0], out[1], err[1], exe, nnp };

		probe_exec(&c);
	}
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	close_fd(&in[0]);
	close_fd(&out[1]);
	close_fd(&err[1]);
	/* EOF: the exec went through (close-on-exec); an errno: it did not. */
	if (read_until(err[0], (char *)&cerr, sizeof(cerr) + 1, NULL, end) == sizeof(cerr) &&
	    cerr < 0) {
		snprintf(why, wlen, "execve of the setuid copy");
		r = cerr;
		goto out;
	}
	/* Once cat echoes a line it runs: execve has finished, auxv included. */
	if (write(in[1], "ping\n", 5) != 5 ||
	    read_until(out[0], buf, sizeof(buf), "ping\n", end) < 0 || !strstr(buf, "ping\n")) {
		snprintf(why, wlen, "the setuid copy of cat did not echo (%.100s)", buf);
		r = -EPROTO;
		goto out;
	}
	r = auxv_secure(pid);
	if (r < 0) {
		snprintf(why, wlen, "read AT_SECURE of /proc/%d/auxv", (int)pid);
		goto out;
	}
	res->secure = r;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	r = (int)iso_read_file_alloc(path, &status);
	if (r < 0) {
		snprintf(why, wlen, "read %s", path);
		goto out;
	}
	res->euid = ctr_status_euid(status);
	r = res->euid < 0 ? (int)res->euid : 0;
	if (r < 0)
		snprintf(why, wlen, "no Uid line in %s", path);
out:
	close_fd(&in[1]);
	if (pid > 0 && iso_wait_timeout(pid, &st, 2000) < 0)
		iso_kill_wait(pid);
	for (int i = 0; i < 2; i++) {
		close_fd(&in[i]);
		close_fd(&out[i]);
		close_fd(&err[i]);
	}
	return r;
}

enum iso_verdict ctr_setuid_unprivileged(struct iso_ctx *ctx, unsigned long mflags, bool nnp,
					 const char *how)
{
	char t[PATH_MAX], why[256];
	struct ctr_setuid su;
	int r = ctr_tmpfs(ctx, "s", mflags, t);

	if (r < 0)
		return iso_broken(ctx, r, "mount the scratch tmpfs");
	r = ctr_setuid_probe(t, nnp, iso_ctx_ms(ctx, 5000), &su, why, sizeof(why));
	if (r < 0)
		return iso_broken(ctx, r, "setuid-root copy of cat run by nobody: %s", why);
	iso_note(ctx, "at_secure", "%d", su.secure);
	iso_note(ctx, "euid", "%ld", su.euid);
	if (su.secure || su.euid == 0)
		return iso_fail(ctx,
				"the setuid-root program run by nobody %s was run with privileges "
				"(AT_SECURE %d, euid %ld)",
				how, su.secure, su.euid);
	return ISO_PASS;
}

/* ---- /proc/PID/status ---- */

/* Returns 0 or -ENOENT. */
int ctr_status_field(const char *text, const char *key, char *val, size_t len)
{
	size_t k = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *v, *e;

		if (strncmp(l, key, k) || l[k] != ':')
			continue;
		for (v = l + k + 1; *v == ' ' || *v == '\t'; v++)
			;
		e = strchr(v, '\n');
		if (!e)
			e = v + strlen(v);
		snprintf(val, len, "%.*s", (int)(e - v), v);
		return 0;
	}
	return -ENOENT;
}

/* Returns 0, -ENOENT or -EINVAL. */
int ctr_status_hex(const char *text, const char *key, uint64_t *out)
{
	char v[64], *end;
	int r = ctr_status_field(text, key, v, sizeof(v));

	if (r < 0)
		return r;
	errno = 0;
	*out = strtoull(v, &end, 16);
	return errno || end == v ? -EINVAL : 0;
}

/* Returns the effective uid or -errno. */
long ctr_status_euid(const char *text)
{
	char v[128];
	long real, eff;

	if (ctr_status_field(text, "Uid", v, sizeof(v)) < 0)
		return -ENOENT;
	if (sscanf(v, "%ld %ld", &real, &eff) != 2)
		return -EINVAL;
	return eff;
}

/* ---- capabilities ---- */

/* Returns 0 or -errno. */
int ctr_capget(struct ctr_caps *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	c->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	c->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/* Returns 0 or -errno. */
int ctr_capset(const struct ctr_caps *c)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)c->eff, (uint32_t)c->prm, (uint32_t)c->inh },
		{ (uint32_t)(c->eff >> 32), (uint32_t)(c->prm >> 32), (uint32_t)(c->inh >> 32) },
	};

	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int ctr_cap_last(void)
{
	int64_t v;

	return iso_read_i64("/proc/sys/kernel/cap_last_cap", &v) == 0 && v > 0 && v < 64 ? (int)v :
											   40;
}

/* Returns 0 or -errno. */
int ctr_become_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return -errno;
	return 0;
}
