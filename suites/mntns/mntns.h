/* SPDX-License-Identifier: MIT */
/*
 * The mount-namespace suite: shared helpers (mountinfo parsing, a scratch tmpfs,
 * namespace holders). Each case file holds its cases and their table; suite.c
 * joins the tables.
 *
 * Sources: mount_namespaces(7), Documentation/filesystems/sharedsubtree.rst
 * (section numbers below refer to it), mount(2), umount(2), mount_setattr(2),
 * proc(5) (/proc/PID/mountinfo).
 */
#ifndef MNTNS_H
#define MNTNS_H

#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "iso.h"

/* ---- /proc/PID/mountinfo (proc(5)) ---- */

struct mntns_mi {
	int id, parent;
	int shared; /* shared:N (peer group), 0 if absent */
	int master; /* master:N (the peer group this mount is a slave of), 0 if absent */
	int from; /* propagate_from:N, 0 if absent */
	bool unbindable;
	char root[256], mp[512], opts[256], fstype[64], source[128];
};

/* Parses one mountinfo line (modified in place). Returns 0 or -EINVAL. */
int mntns_mi_parse(char *line, struct mntns_mi *m);
/* Loads /proc/PID/mountinfo (pid 0: self) into a malloc'd array. Returns the count or -errno. */
ssize_t mntns_mi_load(pid_t pid, struct mntns_mi **out);
/*
 * Finds the topmost mount at mount point mp in the mount namespace of pid (0: self).
 * Returns 1 (found, *out filled if out), 0 (not a mount point) or -errno.
 */
int mntns_mi_find(pid_t pid, const char *mp, struct mntns_mi *out);
/* Counts the mounts stacked at mp. Returns the count or -errno. */
int mntns_mi_count(pid_t pid, const char *mp);
/* Writes the optional fields as mountinfo shows them ("shared:3 master:1"), or "private". */
void mntns_mi_fields(const struct mntns_mi *m, char *buf, size_t len);
/* Records a mount's optional fields with iso_note. */
void mntns_note_fields(struct iso_ctx *ctx, const char *key, const struct mntns_mi *m);
/*
 * Finds the mount at mp here (mntns_mi_find into m, or a copy of its own where m is NULL)
 * and, when found, notes its optional fields under key. Returns 1, 0 or -errno.
 */
int mntns_find_noted(struct iso_ctx *ctx, const char *key, const char *mp, struct mntns_mi *m);

/* ---- propagation types ---- */

enum mntns_type { MNS_SHARED, MNS_SLAVE, MNS_SHARED_SLAVE, MNS_PRIVATE, MNS_UNBINDABLE };

const char *mntns_type_name(enum mntns_type t);
/* The MS_* flag that sets a type (MNS_SHARED_SLAVE has none: 0). */
unsigned long mntns_type_flag(enum mntns_type t);
/* True if the optional fields of m are those of a mount of type t. */
bool mntns_fields_are(const struct mntns_mi *m, enum mntns_type t);

/* ---- building trees (each returns 0 or -errno) ---- */

/*
 * Mounts a fresh tmpfs at ISO_CTX_DIR/t, makes it private and writes that path to
 * root. Every case builds its tree below it, inside the case's own mount namespace.
 */
int mntns_scratch(struct iso_ctx *ctx, char *root, size_t len);
/*
 * The scratch tmpfs of mntns_scratch (root is PATH_MAX) with the directories dirs in
 * it, as a verdict: ISO_PASS, a skip where tmpfs is missing, or broken.
 */
enum iso_verdict mntns_scratch_with(struct iso_ctx *ctx, char *root, const char *dirs);
/*
 * Creates base/name, mounts a tmpfs there and creates the directories dirs in it;
 * its path goes to out (PATH_MAX).
 */
int mntns_tmpfs_at(const char *base, const char *name, const char *dirs, char *out);
/*
 * A tree A and its copy P: mntns_tmpfs_at(base, name, dirs, out), then A gets the
 * propagation flag (0: it keeps the type it was mounted with) and is rbound to
 * base/peer (created here). With MS_SHARED, P is A's peer.
 */
int mntns_tmpfs_with_copy(const char *base, const char *name, const char *peer, const char *dirs,
			  unsigned long flag, char *out);
/* Creates the space-separated directories names below base (existing ones are fine). */
int mntns_mkdirs(const char *base, const char *names);
/* Mounts a small tmpfs at path. */
int mntns_tmpfs(const char *path);
/* Changes the propagation of path: mount(NULL, path, NULL, flags, NULL). */
int mntns_prop(const char *path, unsigned long flags);
/* Recursive bind mount (mount --rbind). */
int mntns_rbind(const char *src, const char *dst);
/* umount2(path, 0). */
int mntns_umount(const char *path);

/* ---- other mount namespaces ---- */

/*
 * Spawns a process that sleeps until killed, in a new mount namespace (newns) or in
 * the caller's (the negative controls). Returns its pid or -errno; kill it with
 * iso_kill_wait (or hold it in a _cleanup_pid_ variable).
 */
pid_t mntns_holder(bool newns);
/*
 * Runs op(arg) in the mount namespace of pid (0: here) in a forked child that
 * joins it with setns(2), waiting iso_ctx_ms(ctx, 5000) for it. Returns op's
 * result (0 or -errno) or -errno.
 */
int mntns_in_ns(struct iso_ctx *ctx, pid_t pid, int (*op)(void *arg), void *arg);
/* Ops for mntns_in_ns: arg is the path. Return 0 or -errno. */
int mntns_op_tmpfs(void *path);
int mntns_op_umount(void *path);

/* Joins a and b with a slash into buf (PATH_MAX) and returns buf. */
char *mntns_path(char *buf, const char *a, const char *b);

/*
 * How the negative controls of the propagation matrix (propagation.c) and the move
 * cases (tree.c) leave the isolation out: SRC_PRIVATE (the source is made private
 * instead), NO_NEWNS (the "other" namespace is the same one), NO_CUT (skip the
 * operation that cuts propagation: make-slave, make-private or make-unbindable),
 * DEST_PRIVATE / DEST_SHARED (the destination gets the other type).
 */
enum mntns_ctl { CTL_SRC_PRIVATE, CTL_NO_NEWNS, CTL_NO_CUT, CTL_DEST_PRIVATE, CTL_DEST_SHARED };

/* ---- the tables: one per file, joined in suite.c ---- */

/* Requirements of every case, and of the cases in a less privileged namespace (locked.c). */
#define MNTNS_REQ                                                  \
	{                                                          \
		.root = true, .userns_ok = true, .ns = CLONE_NEWNS \
	}
#define MNTNS_REQ_USERNS                                                            \
	{                                                                           \
		.root = true, .userns_ok = true, .ns = CLONE_NEWNS | CLONE_NEWUSER, \
		.sysctl = "user.max_user_namespaces>=1"                             \
	}

extern const struct iso_cases mntns_propagation_cases;
extern const struct iso_cases mntns_tree_cases;
extern const struct iso_cases mntns_newns_cases;
extern const struct iso_cases mntns_locked_cases;

#endif
