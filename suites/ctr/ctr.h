/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the container-composition suites (rootfs, overlay,
 * privileges, pods, netdev): children that report a verdict, scratch tmpfs
 * mounts, a tiny root built from the host's read-only /usr, running a program
 * and capturing what it prints, capabilities through the raw capget/capset
 * syscalls, /proc/PID/status fields. Every helper returns >= 0 or -errno and
 * never exits (except _exit in forked children).
 */
#ifndef CTR_H
#define CTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "iso.h"

/*
 * Runs fn(ctx, arg) in a child cloned with flags (CLONE_NEW*) and returns the
 * verdict it returned. The child shares the case's result page, so it may
 * call iso_fail, iso_skip, iso_broken and iso_note itself. A child that does
 * not end within timeout_ms is killed (broken); one killed by a signal is
 * broken too.
 */
typedef enum iso_verdict (*ctr_child_fn)(struct iso_ctx *ctx, void *arg);
enum iso_verdict ctr_in_child(struct iso_ctx *ctx, unsigned long flags, ctr_child_fn fn, void *arg,
			      unsigned int timeout_ms);

/*
 * Mounts a fresh tmpfs at <case dir>/<name> with mount flags (MS_NOEXEC, ...)
 * and writes its absolute path into path (PATH_MAX). Returns 0 or -errno.
 */
int ctr_tmpfs(struct iso_ctx *ctx, const char *name, unsigned long flags, char *path);
/* Joins a and b with a slash into buf (PATH_MAX) and returns buf. */
char *ctr_path(char *buf, const char *a, const char *b);
/* Writes s to a new file path (O_CREAT|O_TRUNC, mode 0644). Returns 0 or -errno. */
int ctr_write_new(const char *path, const char *s);
/* Copies the regular file src to dst (created with mode, then chmod'ed to it). Returns 0 or -errno. */
int ctr_copy_file(const char *src, const char *dst, mode_t mode);
/* Bind-mounts src on dst and remounts the bind read-only. Returns 0 or -errno. */
int ctr_bind_ro(const char *src, const char *dst);

/*
 * Builds a tiny root in dir (which should be a fresh tmpfs): the host's /usr
 * bound read-only, /bin /sbin /lib /lib64 as the host has them (the same
 * symlinks on a merged-/usr system, read-only binds otherwise), and empty
 * proc, dev, tmp and the put_old directory. Returns 0 or -errno.
 */
int ctr_build_root(const char *dir, const char *put_old);
/* pivot_root(2) through syscall(). Returns 0 or -errno. */
int ctr_pivot_root(const char *new_root, const char *put_old);

/* ---- running a program ---- */

struct ctr_exec {
	const char *const *argv; /* argv[0] is the path unless fd >= 0 */
	int fd; /* >= 0: execveat(fd, "", AT_EMPTY_PATH) instead of the path; -1 otherwise */
	int (*prep)(void *arg); /* run in the child before the exec; returns 0 or -errno */
	void *arg;
	unsigned int timeout_ms;
};

/*
 * Runs e in a forked child, stdout (and stderr) captured into out (NUL-terminated,
 * truncated to len - 1). Returns the number of bytes captured, with *status set,
 * when the program ran; the -errno of a failed prep or execve, -ETIMEDOUT
 * (killed), or -errno.
 */
int ctr_run(const struct ctr_exec *e, char *out, size_t len, int *status);

/* What a setuid-root program run by nobody got from execve. */
struct ctr_setuid {
	int secure; /* AT_SECURE of its auxv: 1 if the kernel elevated its privileges */
	long euid; /* the effective uid in its /proc/PID/status */
};

/*
 * Copies /bin/cat into dir as a setuid-root file (04755), runs the copy by
 * descriptor as uid and gid 65534 (with no_new_privs if nnp) reading a pipe,
 * and once it has echoed a line (it runs), reads its /proc/PID/auxv and
 * status from the caller. AT_SECURE tells what the kernel did at execve even
 * where the program drops its privileges itself (busybox does). Returns 0 or
 * -errno; why gets what went wrong in words.
 */
int ctr_setuid_probe(const char *dir, bool nnp, unsigned int timeout_ms, struct ctr_setuid *res,
		     char *why, size_t wlen);
/*
 * The check of the setuid cases (rootfs, privileges): ctr_setuid_probe on a scratch tmpfs
 * mounted with mflags (MS_NOSUID or 0), with no_new_privs if nnp, waiting
 * iso_ctx_ms(ctx, 5000). Notes at_secure and euid; ISO_PASS where the program got no
 * privileges (AT_SECURE 0, euid not 0), else a fail saying how it was run (how: "on the
 * nosuid mount"), or broken.
 */
enum iso_verdict ctr_setuid_unprivileged(struct iso_ctx *ctx, unsigned long mflags, bool nnp,
					 const char *how);

/* ---- /proc/PID/status ---- */

/* Copies the value of "key:\t..." in status text into val (trimmed). Returns 0 or -ENOENT. */
int ctr_status_field(const char *text, const char *key, char *val, size_t len);
/* A hexadecimal field (CapPrm, CapBnd, ...). Returns 0, -ENOENT or -EINVAL. */
int ctr_status_hex(const char *text, const char *key, uint64_t *out);
/* The effective uid: the second number of the Uid line. Returns it or -errno. */
long ctr_status_euid(const char *text);

/* ---- capabilities (capget/capset, version 3: 64 bits) ---- */

struct ctr_caps {
	uint64_t eff, prm, inh;
};

/* Returns 0 or -errno. */
int ctr_capget(struct ctr_caps *c);
/* Returns 0 or -errno. */
int ctr_capset(const struct ctr_caps *c);
/* The highest capability number the kernel knows (/proc/sys/kernel/cap_last_cap). */
int ctr_cap_last(void);
#define CTR_CAP(n) (1ULL << (n))

/* Drops to uid and gid 65534 (setgroups, setresgid, setresuid). Returns 0 or -errno. */
int ctr_become_nobody(void);

#endif
