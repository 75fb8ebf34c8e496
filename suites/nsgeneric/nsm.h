/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the namespace suites userns, utsns, ipcns, cgroupns, timens
 * and nsgeneric: a forked helper process with a two-way channel, results in
 * shared memory (iso_shared_alloc), namespace identities, id maps and capabilities.
 *
 * Every function returns >= 0 or -errno and never exits (except _exit in the
 * children it forks).
 */
#ifndef NSM_H
#define NSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "iso.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The unprivileged identity cases drop to (the "nobody" of most distributions). */
#define NSM_NOBODY 65534

/*
 * A forked helper and a channel of ints to it. The parent's side holds the
 * parent's ends; the child's function gets a copy holding the child's ends.
 */
struct nsm_proc {
	pid_t pid;
	int rd, wr;
};

#define NSM_PROC_INIT     \
	{                 \
		0, -1, -1 \
	}

typedef int (*nsm_proc_fn)(struct nsm_proc *self, void *arg);

/*
 * Clones (raw clone, so flags may hold CLONE_NEW*; never CLONE_NEWTIME, whose
 * bit is the exit signal there) a child that runs fn(self, arg) and _exits with
 * its return value & 0xff. The child gets SIGKILL when its parent dies.
 * Returns the pid or -errno.
 */
pid_t nsm_proc_start(struct nsm_proc *p, unsigned long flags, nsm_proc_fn fn, void *arg);
/* Sends one int over the channel. Returns 0 or -errno. */
int nsm_send(struct nsm_proc *p, int v);
/* Receives one int within ms. Returns 0, -ETIMEDOUT, -EPIPE (other side gone) or -errno. */
int nsm_recv(struct nsm_proc *p, int *v, unsigned int ms);
/*
 * Closes the parent's ends and waits up to ms for the child to exit. Returns
 * its exit code (0..255), -EINTR if a signal killed it, or -ETIMEDOUT (then it
 * was killed).
 */
int nsm_proc_wait(struct nsm_proc *p, unsigned int ms);
/*
 * nsm_proc_start, then waits up to ms for the first int the child sends.
 * Returns that int (the child's own 0 or -errno), or -errno.
 */
int nsm_proc_start_wait(struct nsm_proc *p, unsigned long flags, nsm_proc_fn fn, void *arg,
			unsigned int ms);
/* Sends v to the child and waits up to ms for its answer. Returns it, or -errno. */
int nsm_ask(struct nsm_proc *p, int v, unsigned int ms);
/*
 * Starts a holder: a child in new namespaces flags that only keeps them, until
 * stopped or for iso_ctx_ms(ctx, 10 s) at most; waits (iso_ctx_ms(ctx, 3 s))
 * until it runs. Returns 0 or -errno.
 */
int nsm_hold(struct iso_ctx *ctx, struct nsm_proc *p, unsigned long flags);
/* Kills (SIGKILL), reaps and closes the channel; a no-op on a stopped one. */
void nsm_proc_stop(struct nsm_proc *p);
#define _cleanup_nsm_proc_ __attribute__((cleanup(nsm_proc_stop)))

/*
 * Runs fn(arg) in a child cloned with flags and waits up to ms. Returns its
 * exit code (0..255), or -errno as nsm_proc_wait.
 */
int nsm_call(unsigned long flags, int (*fn)(void *arg), void *arg, unsigned int ms);

/*
 * Reads from fd until EOF, a full buffer or ms elapsed; NUL-terminates buf.
 * Returns the length read or -errno (-ETIMEDOUT with nothing read).
 */
ssize_t nsm_read_fd(int fd, char *buf, size_t len, unsigned int ms);

/* Identity of a namespace: the nsfs device and inode of its file. */
struct nsm_id {
	dev_t dev;
	ino_t ino;
};

/* Identity of /proc/PID/ns/NAME (pid 0: self). Returns 0 or -errno. */
int nsm_ns_id(pid_t pid, const char *name, struct nsm_id *out);
/* Identity of an open namespace file. Returns 0 or -errno. */
int nsm_fd_id(int fd, struct nsm_id *out);
bool nsm_id_eq(const struct nsm_id *a, const struct nsm_id *b);
/* Opens /proc/PID/ns/NAME (pid 0: self) read-only, O_CLOEXEC. Returns fd or -errno. */
int nsm_ns_open(pid_t pid, const char *name);

/* Writes the formatted text to /proc/PID/FILE (pid 0: self). Returns 0 or -errno. */
int nsm_proc_write(pid_t pid, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Maps uid and gid "inside outside 1" for pid (0: self), writing "deny" to
 * setgroups first when deny is set. Returns 0 or -errno.
 */
int nsm_map_ids(pid_t pid, unsigned int inside, unsigned int outside, bool deny);

/*
 * Drops to uid and gid NSM_NOBODY with no supplementary groups, dumpable like a
 * process that never was root. Returns 0 or -errno.
 */
int nsm_become_nobody(void);

/* Reads the hex capability set KEY ("CapEff") of /proc/PID/status (0: self). Returns 0 or -errno. */
int nsm_caps(pid_t pid, const char *key, uint64_t *out);
/* Every capability this kernel knows (bits 0..cap_last_cap). Returns 0 or -errno. */
int nsm_caps_all(uint64_t *out);

#endif
