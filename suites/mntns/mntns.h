/* SPDX-License-Identifier: MIT */
/*
 * The mount-namespace suite: shared helpers (mountinfo parsing, a scratch tmpfs,
 * namespace holders) and the case tables. Tables are X-macros: suite.c builds the
 * case array from them, the case files define the functions from the same rows.
 *
 * Sources: mount_namespaces(7), Documentation/filesystems/sharedsubtree.rst
 * (section numbers below refer to it), mount(2), umount(2), mount_setattr(2),
 * proc(5) (/proc/PID/mountinfo).
 */
#ifndef MNTNS_H
#define MNTNS_H

#include <limits.h>
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
 * joins it with setns(2). Returns op's result (0 or -errno) or -errno.
 */
int mntns_in_ns(pid_t pid, int (*op)(void *arg), void *arg);
/* Ops for mntns_in_ns: arg is the path. Return 0 or -errno. */
int mntns_op_tmpfs(void *path);
int mntns_op_umount(void *path);

/* Joins a and b with a slash into buf (PATH_MAX) and returns buf. */
char *mntns_path(char *buf, const char *a, const char *b);

/*
 * ---- the propagation matrix (propagation.c) ----
 *
 * X(prefix, outcome, source type, observer, event namespace, observer namespace,
 *   reaches, control, what, sharedsubtree.rst section)
 *
 * Each row is two cases, prefix_mount_outcome and prefix_umount_outcome: a tmpfs is
 * mounted at A/ev, or the mount at A/u is unmounted, where A is a mount of the
 * given type, and the case asserts whether the event shows up in the observer.
 * Observers: SELF (A's own copy in the other namespace), PEER (rbind of A), SLAVE
 * (rbind of A made slave), PRIVATE_COPY (rbind of A made private), BIND (rbind of
 * A as it is), FORMER_PEER (rbind of A taken while A was still shared), MASTER
 * (the mount A is a slave of). Controls: SRC_PRIVATE (A made private instead),
 * NO_NEWNS (the "other" namespace is the same one), NO_CUT (skip the operation
 * that cuts propagation: make-slave, make-private or make-unbindable).
 */
enum mntns_obs {
	OBS_SELF,
	OBS_PEER,
	OBS_SLAVE,
	OBS_PRIVATE_COPY,
	OBS_BIND,
	OBS_FORMER_PEER,
	OBS_MASTER
};
enum mntns_where { MNS_HERE, MNS_OTHER };
enum mntns_ctl { CTL_SRC_PRIVATE, CTL_NO_NEWNS, CTL_NO_CUT, CTL_DEST_PRIVATE, CTL_DEST_SHARED };

#define MNTNS_PROP_ROWS(X)                                                                         \
	X(shared, reaches_peer, MNS_SHARED, OBS_PEER, MNS_HERE, MNS_HERE, true, CTL_SRC_PRIVATE,   \
	  "under a shared mount reaches its peer (a bind of it)", "5a(1), 5b.6")                   \
	X(shared, reaches_slave, MNS_SHARED, OBS_SLAVE, MNS_HERE, MNS_HERE, true, CTL_SRC_PRIVATE, \
	  "under a shared mount reaches its slave", "2b, 5a(2)")                                   \
	X(shared, skips_private_copy, MNS_SHARED, OBS_PRIVATE_COPY, MNS_HERE, MNS_HERE, false,     \
	  CTL_NO_CUT, "under a shared mount does not reach a bind of it made private", "5a(4)")    \
	X(shared, reaches_peer_in_other_ns, MNS_SHARED, OBS_SELF, MNS_HERE, MNS_OTHER, true,       \
	  CTL_SRC_PRIVATE, "under a shared mount reaches its copy in a CLONE_NEWNS namespace",     \
	  "5g")                                                                                    \
	X(shared, in_other_ns_reaches_here, MNS_SHARED, OBS_SELF, MNS_OTHER, MNS_HERE, true,       \
	  CTL_SRC_PRIVATE, "under the CLONE_NEWNS copy of a shared mount reaches the original",    \
	  "5g")                                                                                    \
	X(shared, reaches_slave_in_other_ns, MNS_SHARED, OBS_SLAVE, MNS_HERE, MNS_OTHER, true,     \
	  CTL_SRC_PRIVATE, "under a shared mount reaches the CLONE_NEWNS copy of its slave", "5g") \
	X(slave, skips_master, MNS_SLAVE, OBS_MASTER, MNS_HERE, MNS_HERE, false, CTL_NO_CUT,       \
	  "under a slave mount does not reach its master", "2b, 5a(2)")                            \
	X(slave, skips_sibling_bind, MNS_SLAVE, OBS_BIND, MNS_HERE, MNS_HERE, false, CTL_NO_CUT,   \
	  "under a slave mount does not reach a bind of it (a fellow slave)", "5b.7")              \
	X(slave, skips_copy_in_other_ns, MNS_SLAVE, OBS_SELF, MNS_HERE, MNS_OTHER, false,          \
	  CTL_NO_NEWNS, "under a slave mount does not reach its CLONE_NEWNS copy", "5g")           \
	X(slave, in_other_ns_skips_master, MNS_SLAVE, OBS_MASTER, MNS_OTHER, MNS_HERE, false,      \
	  CTL_NO_CUT, "under the CLONE_NEWNS copy of a slave mount does not reach its master",     \
	  "5g")                                                                                    \
	X(shared_slave, skips_master, MNS_SHARED_SLAVE, OBS_MASTER, MNS_HERE, MNS_HERE, false,     \
	  CTL_NO_CUT, "under a shared-and-slave mount does not reach its master", "5a(3)")         \
	X(shared_slave, reaches_peer, MNS_SHARED_SLAVE, OBS_PEER, MNS_HERE, MNS_HERE, true,        \
	  CTL_SRC_PRIVATE, "under a shared-and-slave mount reaches its peer", "5a(3)")             \
	X(shared_slave, reaches_slave, MNS_SHARED_SLAVE, OBS_SLAVE, MNS_HERE, MNS_HERE, true,      \
	  CTL_SRC_PRIVATE, "under a shared-and-slave mount reaches its own slave", "5a(3)")        \
	X(shared_slave, skips_private_copy, MNS_SHARED_SLAVE, OBS_PRIVATE_COPY, MNS_HERE,          \
	  MNS_HERE, false, CTL_NO_CUT,                                                             \
	  "under a shared-and-slave mount does not reach a bind of it made private", "5a(3)")      \
	X(shared_slave, reaches_peer_in_other_ns, MNS_SHARED_SLAVE, OBS_SELF, MNS_HERE, MNS_OTHER, \
	  true, CTL_SRC_PRIVATE, "under a shared-and-slave mount reaches its CLONE_NEWNS copy",    \
	  "5g")                                                                                    \
	X(private, skips_bind_copy, MNS_PRIVATE, OBS_BIND, MNS_HERE, MNS_HERE, false, CTL_NO_CUT,  \
	  "under a private mount does not reach a bind of it", "5a(4), 5b.5")                      \
	X(private, skips_former_peer, MNS_PRIVATE, OBS_FORMER_PEER, MNS_HERE, MNS_HERE, false,     \
	  CTL_NO_CUT, "under a mount made private does not reach its former peer", "5a(4)")        \
	X(private, skips_copy_in_other_ns, MNS_PRIVATE, OBS_SELF, MNS_HERE, MNS_OTHER, false,      \
	  CTL_NO_NEWNS, "under a private mount does not reach its CLONE_NEWNS copy", "5g")         \
	X(unbindable, skips_former_peer, MNS_UNBINDABLE, OBS_FORMER_PEER, MNS_HERE, MNS_HERE,      \
	  false, CTL_NO_CUT, "under a mount made unbindable does not reach its former peer",       \
	  "5a(5)")                                                                                 \
	X(unbindable, skips_copy_in_other_ns, MNS_UNBINDABLE, OBS_SELF, MNS_HERE, MNS_OTHER,       \
	  false, CTL_NO_NEWNS, "under an unbindable mount does not reach its CLONE_NEWNS copy",    \
	  "5g")

/*
 * ---- recursive propagation changes (tree.c) ----
 * X(id, type set, via mount_setattr(2) instead of mount(2), doc)
 */
#define MNTNS_REC_ROWS(X)                                                                         \
	X(rec_shared_reaches_every_submount, MNS_SHARED, false,                                   \
	  "mount(MS_REC|MS_SHARED) makes every submount shared (mount(2), sharedsubtree.rst 3)")  \
	X(rec_slave_reaches_every_submount, MNS_SLAVE, false,                                     \
	  "mount(MS_REC|MS_SLAVE) makes every submount a slave (mount(2), sharedsubtree.rst 4B)") \
	X(rec_private_reaches_every_submount, MNS_PRIVATE, false,                                 \
	  "mount(MS_REC|MS_PRIVATE) makes every submount private (mount(2))")                     \
	X(rec_unbindable_reaches_every_submount, MNS_UNBINDABLE, false,                           \
	  "mount(MS_REC|MS_UNBINDABLE) makes every submount unbindable (mount(2))")               \
	X(setattr_rec_shared_reaches_every_submount, MNS_SHARED, true,                            \
	  "mount_setattr(AT_RECURSIVE, propagation=MS_SHARED) makes every submount shared "       \
	  "(mount_setattr(2))")                                                                   \
	X(setattr_rec_slave_reaches_every_submount, MNS_SLAVE, true,                              \
	  "mount_setattr(AT_RECURSIVE, propagation=MS_SLAVE) makes every submount a slave "       \
	  "(mount_setattr(2))")                                                                   \
	X(setattr_rec_private_reaches_every_submount, MNS_PRIVATE, true,                          \
	  "mount_setattr(AT_RECURSIVE, propagation=MS_PRIVATE) makes every submount private "     \
	  "(mount_setattr(2))")                                                                   \
	X(setattr_rec_unbindable_reaches_every_submount, MNS_UNBINDABLE, true,                    \
	  "mount_setattr(AT_RECURSIVE, propagation=MS_UNBINDABLE) makes every submount "          \
	  "unbindable (mount_setattr(2))")

/*
 * ---- move semantics, sharedsubtree.rst 5d (tree.c) ----
 * X(id, source type, destination shared, control, doc)
 */
#define MNTNS_MOVE_ROWS(X)                                                                        \
	X(move_shared_under_shared_joins_dest_propagation, MNS_SHARED, true, CTL_DEST_PRIVATE,    \
	  "MS_MOVE of a shared mount under a shared mount keeps its peer group and copies it to " \
	  "the destination's peers (sharedsubtree.rst 5d.1)")                                     \
	X(move_private_under_shared_becomes_shared, MNS_PRIVATE, true, CTL_DEST_PRIVATE,          \
	  "MS_MOVE of a private mount under a shared mount makes it shared, with copies at the "  \
	  "destination's peers (sharedsubtree.rst 5d.2)")                                         \
	X(move_slave_under_shared_becomes_shared_and_slave, MNS_SLAVE, true, CTL_DEST_PRIVATE,    \
	  "MS_MOVE of a slave mount under a shared mount makes it shared and slave "              \
	  "(sharedsubtree.rst 5d.3)")                                                             \
	X(move_unbindable_under_shared_fails_einval, MNS_UNBINDABLE, true, CTL_DEST_PRIVATE,      \
	  "MS_MOVE of an unbindable mount under a shared mount fails with EINVAL "                \
	  "(sharedsubtree.rst 5d.4)")                                                             \
	X(move_shared_under_private_stays_shared, MNS_SHARED, false, CTL_SRC_PRIVATE,             \
	  "MS_MOVE of a shared mount under a private mount keeps it in its peer group "           \
	  "(sharedsubtree.rst 5d.6)")                                                             \
	X(move_private_under_private_stays_private, MNS_PRIVATE, false, CTL_DEST_SHARED,          \
	  "MS_MOVE of a private mount under a private mount keeps it private "                    \
	  "(sharedsubtree.rst 5d.5)")                                                             \
	X(move_slave_under_private_stays_slave, MNS_SLAVE, false, CTL_DEST_SHARED,                \
	  "MS_MOVE of a slave mount under a private mount keeps it a slave of its master "        \
	  "(sharedsubtree.rst 5d.7)")                                                             \
	X(move_unbindable_under_private_stays_unbindable, MNS_UNBINDABLE, false, CTL_DEST_SHARED, \
	  "MS_MOVE of an unbindable mount under a private mount keeps it unbindable "             \
	  "(sharedsubtree.rst 5d.8)")

/* ---- case functions: NAME runs the case, NAME_ctl its negative control ---- */

#define MNTNS_DECL(id)                                    \
	enum iso_verdict mntns_##id(struct iso_ctx *ctx); \
	enum iso_verdict mntns_##id##_ctl(struct iso_ctx *ctx);
#define MNTNS_DECL_PROP(prefix, outcome, ...) \
	MNTNS_DECL(prefix##_mount_##outcome) MNTNS_DECL(prefix##_umount_##outcome)
#define MNTNS_DECL_ROW(id, ...) MNTNS_DECL(id)

MNTNS_PROP_ROWS(MNTNS_DECL_PROP)
MNTNS_REC_ROWS(MNTNS_DECL_ROW)
MNTNS_MOVE_ROWS(MNTNS_DECL_ROW)

/* tree.c */
MNTNS_DECL(move_from_shared_parent_fails_einval)
MNTNS_DECL(bind_of_unbindable_fails_einval)
MNTNS_DECL(rbind_prunes_unbindable_submounts)
MNTNS_DECL(umount_spares_peer_copy_with_submounts)
MNTNS_DECL(umount_with_submounts_fails_ebusy)
/* newns.c */
MNTNS_DECL(clone_newns_copies_mount_table)
MNTNS_DECL(later_mounts_affect_one_side)
MNTNS_DECL(proc_mount_files_are_per_namespace)
MNTNS_DECL(clone_newns_copy_of_unbindable_is_unbindable)
/* locked.c */
MNTNS_DECL(less_privileged_copy_turns_shared_into_slave)
MNTNS_DECL(inherited_mount_is_locked_umount_fails_einval)
MNTNS_DECL(propagated_subtree_umounts_only_as_a_whole)
MNTNS_DECL(inherited_read_only_flag_is_locked)
MNTNS_DECL(nonrecursive_bind_of_locked_tree_fails_einval)

#endif
