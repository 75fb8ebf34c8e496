// SPDX-License-Identifier: MIT
/*
 * Operations on mount trees: recursive propagation changes (MS_REC, mount_setattr
 * AT_RECURSIVE), unbindable mounts under bind and rbind, move semantics, and the
 * umount rules for copies with submounts (Documentation/filesystems/sharedsubtree.rst,
 * mount(2), umount(2), mount_setattr(2)).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mntns.h"

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442 /* the same on every architecture */
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* struct mount_attr of mount_setattr(2), MOUNT_ATTR_SIZE_VER0. */
struct mns_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* Returns 0 or -errno. */
static int setattr_propagation(const char *path, unsigned int flags, unsigned long prop)
{
	struct mns_mount_attr attr = { .propagation = prop };

	return syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &attr, sizeof(attr)) ? -errno : 0;
}

/* Does an event mounted at from/name show up at to/name? Returns 1, 0 or -errno. */
static int event_reaches(const char *from, const char *to, const char *name)
{
	char a[PATH_MAX], b[PATH_MAX];
	int r = mntns_tmpfs(mntns_path(a, from, name));

	return r < 0 ? r : mntns_mi_find(0, mntns_path(b, to, name), NULL);
}

/* ---- recursive propagation changes ---- */

/* A recursive change (ISO_VARIANT's arg): the type set, and how. */
struct rec_row {
	enum mntns_type type;
	bool setattr; /* mount_setattr(2) AT_RECURSIVE instead of mount(2) MS_REC */
};

/*
 * A tree A, A/s1, A/s1/s2 (shared with a peer tree P first, unless the type to set
 * is shared) gets a propagation type recursively; every level must show it in
 * mountinfo, and the deepest level must behave like it. The control leaves out
 * MS_REC / AT_RECURSIVE, so only A changes.
 */
static enum iso_verdict rec_case(struct iso_ctx *ctx)
{
	const struct rec_row *row = iso_ctx_arg(ctx);
	bool control = iso_ctx_is_control(ctx);
	static const char *const level_keys[] = { "fields_a", "fields_s1", "fields_s2" };
	char r_[PATH_MAX], a[PATH_MAX], s1[PATH_MAX], s2[PATH_MAX], p[PATH_MAX], q[PATH_MAX];
	char ps2[PATH_MAX], qs2[PATH_MAX];
	const char *levels[] = { a, s1, s2 };
	const char *how = row->setattr ? "mount_setattr(AT_RECURSIVE)" : "mount(MS_REC)";
	unsigned long flag = mntns_type_flag(row->type);
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, r_, "p q")) != ISO_PASS)
		return v;
	mntns_path(p, r_, "p");
	mntns_path(q, r_, "q");
	if ((r = mntns_tmpfs_at(r_, "a", "s1 ev ev2", a)) < 0 ||
	    (r = mntns_tmpfs_at(a, "s1", "s2 ev ev2", s1)) < 0 ||
	    (r = mntns_tmpfs_at(s1, "s2", "ev ev2", s2)) < 0)
		return iso_broken(ctx, r, "setup: build the tree A/s1/s2");
	if (row->type != MNS_SHARED &&
	    ((r = mntns_prop(a, MS_REC | MS_SHARED)) < 0 || (r = mntns_rbind(a, p)) < 0))
		return iso_broken(ctx, r, "setup: make the tree shared with a peer tree");
	if (row->setattr) {
		r = setattr_propagation(a, control ? 0 : AT_RECURSIVE, flag);
		if (r == -ENOSYS)
			return iso_skip(ctx,
					"mount_setattr(2) is missing (ENOSYS): needs Linux 5.12");
	} else {
		r = mntns_prop(a, flag | (control ? 0 : MS_REC));
	}
	if (r < 0)
		return iso_fail(ctx, "%s with propagation %s failed: %s", how,
				mntns_type_name(row->type), strerror(-r));
	for (int i = 0; i < 3; i++) {
		struct mntns_mi m;
		char f[96];

		if (mntns_find_noted(ctx, level_keys[i], levels[i], &m) != 1)
			return iso_broken(ctx, 0, "%s vanished from mountinfo", levels[i]);
		if (!mntns_fields_are(&m, row->type)) {
			mntns_mi_fields(&m, f, sizeof(f));
			return iso_fail(ctx, "after %s %s on A, %s has fields '%s'", how,
					mntns_type_name(row->type), i ? "submount" : "A", f);
		}
	}
	/* The deepest submount behaves like its fields say. */
	snprintf(ps2, sizeof(ps2), "%s/s1/s2", p);
	snprintf(qs2, sizeof(qs2), "%s/s1/s2", q);
	switch (row->type) {
	case MNS_SHARED:
		if ((r = mntns_rbind(a, q)) < 0)
			return iso_broken(ctx, r, "rbind A after the change");
		r = event_reaches(s2, qs2, "ev");
		if (r == 0)
			return iso_fail(ctx, "a mount under shared A/s1/s2 did not reach its peer");
		break;
	case MNS_SLAVE:
		r = event_reaches(ps2, s2, "ev");
		if (r == 0)
			return iso_fail(ctx,
					"a mount under the master of A/s1/s2 did not reach it");
		if (r > 0)
			r = event_reaches(s2, ps2, "ev2");
		if (r > 0)
			return iso_fail(ctx, "a mount under slave A/s1/s2 reached its master");
		break;
	case MNS_PRIVATE:
		r = event_reaches(s2, ps2, "ev");
		if (r > 0)
			return iso_fail(ctx,
					"a mount under private A/s1/s2 reached its former peer");
		break;
	case MNS_UNBINDABLE:
		r = mount(s2, q, NULL, MS_BIND, NULL) ? -errno : 0;
		if (r == 0)
			return iso_fail(ctx, "bind of unbindable A/s1/s2 succeeded");
		if (r != -EINVAL)
			return iso_fail(ctx,
					"bind of unbindable A/s1/s2 failed with %s, not EINVAL",
					strerror(-r));
		r = 0;
		break;
	case MNS_SHARED_SLAVE:
		break;
	}
	if (r < 0)
		return iso_broken(ctx, r, "mount an event below A/s1/s2");
	return ISO_PASS;
}

/* ---- move semantics (sharedsubtree.rst 5d) ---- */

/* A move (ISO_VARIANT's arg): the source's type, the destination's, the control. */
struct move_row {
	enum mntns_type src;
	bool dest_shared;
	enum mntns_ctl ctl;
};

/*
 * A (of the row's type; a slave's master is Z, a shared A has a peer P) is moved
 * to D/mp, where D is shared with a peer DP, or private with a private copy DP.
 * The outcome must follow the move table of 5d: the type A ends up with, whether a
 * copy appears at DP/mp, and how A propagates afterwards. Controls flip the
 * destination's type, or make the shared source private.
 */
static enum iso_verdict move_case(struct iso_ctx *ctx)
{
	const struct move_row *row = iso_ctx_arg(ctx);
	bool control = iso_ctx_is_control(ctx);
	enum mntns_type src = control && row->ctl == CTL_SRC_PRIVATE ? MNS_PRIVATE : row->src;
	bool dest_shared = row->dest_shared;
	char r_[PATH_MAX], d[PATH_MAX], dp[PATH_MAX], a[PATH_MAX], p[PATH_MAX], z[PATH_MAX];
	char mp[PATH_MAX], dpmp[PATH_MAX], f_before[96], f_after[96];
	const char *tname = mntns_type_name(row->src),
		   *dname = row->dest_shared ? "shared" : "private";
	struct mntns_mi before, after, copy;
	enum iso_verdict v;
	int r, has_copy;

	if (control && row->ctl == CTL_DEST_PRIVATE)
		dest_shared = false;
	if (control && row->ctl == CTL_DEST_SHARED)
		dest_shared = true;
	if ((v = mntns_scratch_with(ctx, r_, "a p")) != ISO_PASS)
		return v;
	mntns_path(dp, r_, "dp");
	mntns_path(a, r_, "a");
	mntns_path(p, r_, "p");
	r = mntns_tmpfs_with_copy(r_, "d", "dp", "mp", dest_shared ? MS_SHARED : 0, d);
	if (r < 0)
		return iso_broken(ctx, r, "setup: destination D and its copy");
	mntns_path(mp, d, "mp");
	mntns_path(dpmp, dp, "mp");
	if (src == MNS_SLAVE) {
		if ((r = mntns_tmpfs_at(r_, "z", "ev", z)) < 0 ||
		    (r = mntns_prop(z, MS_SHARED)) < 0 || (r = mntns_rbind(z, a)) < 0 ||
		    (r = mntns_prop(a, MS_SLAVE)) < 0)
			return iso_broken(ctx, r, "setup: slave A of master Z");
	} else {
		if ((r = mntns_tmpfs_at(r_, "a", "ev", a)) < 0)
			return iso_broken(ctx, r, "setup: mount A");
		if (src == MNS_SHARED &&
		    ((r = mntns_prop(a, MS_SHARED)) < 0 || (r = mntns_rbind(a, p)) < 0))
			return iso_broken(ctx, r, "setup: shared A with a peer P");
		if (src == MNS_UNBINDABLE && (r = mntns_prop(a, MS_UNBINDABLE)) < 0)
			return iso_broken(ctx, r, "setup: make A unbindable");
	}
	if (mntns_mi_find(0, a, &before) != 1)
		return iso_broken(ctx, 0, "A is not in mountinfo");
	mntns_mi_fields(&before, f_before, sizeof(f_before));
	iso_note(ctx, "fields_before", "%s", f_before);

	r = mount(a, mp, NULL, MS_MOVE, NULL) ? -errno : 0;
	iso_note(ctx, "move", "%s", r ? strerror(-r) : "ok");
	if (row->src == MNS_UNBINDABLE && row->dest_shared) {
		if (r == 0)
			return iso_fail(ctx, "MS_MOVE of an unbindable mount under a shared mount "
					     "succeeded (sharedsubtree.rst 5d.4: invalid)");
		if (r != -EINVAL)
			return iso_fail(ctx,
					"MS_MOVE of an unbindable mount under a shared mount "
					"failed with %s, not EINVAL",
					strerror(-r));
		if (mntns_mi_find(0, a, NULL) != 1)
			return iso_fail(ctx, "the failed MS_MOVE still took A away");
		return ISO_PASS;
	}
	if (r < 0)
		return iso_fail(ctx, "MS_MOVE of the %s mount under a %s mount failed: %s",
				mntns_type_name(src), dest_shared ? "shared" : "private",
				strerror(-r));
	if (mntns_mi_find(0, mp, &after) != 1)
		return iso_fail(ctx, "after MS_MOVE nothing is mounted at the destination");
	mntns_mi_fields(&after, f_after, sizeof(f_after));
	iso_note(ctx, "fields_after", "%s", f_after);
	has_copy = mntns_mi_find(0, dpmp, &copy);
	iso_note(ctx, "copy_at_dest_peer", "%s", has_copy == 1 ? "yes" : "no");

	if (row->dest_shared) {
		/* 5d.1-3: copies at every mount that receives from D, in A's peer group. */
		if (has_copy != 1)
			return iso_fail(ctx,
					"MS_MOVE of a %s mount under a %s mount made no copy at "
					"the destination's peer",
					tname, dname);
		if (!copy.shared || copy.shared != after.shared)
			return iso_fail(ctx,
					"the copy at the destination's peer is not a peer of "
					"the moved mount (fields '%s')",
					f_after);
		if (row->src == MNS_SHARED && after.shared != before.shared)
			return iso_fail(ctx,
					"the moved shared mount left its peer group (%s -> %s)",
					f_before, f_after);
		if (!mntns_fields_are(&after,
				      row->src == MNS_SLAVE ? MNS_SHARED_SLAVE : MNS_SHARED))
			return iso_fail(ctx, "the moved %s mount has fields '%s'", tname, f_after);
		if (row->src == MNS_SLAVE && after.master != before.master)
			return iso_fail(ctx, "the moved slave changed master (%s -> %s)", f_before,
					f_after);
		r = event_reaches(mp, dpmp, "ev");
		if (r == 0)
			return iso_fail(ctx,
					"a mount under the moved mount did not reach the copy");
	} else {
		/* 5d.5-8: the moved mount keeps its type; nothing is copied. */
		if (has_copy == 1)
			return iso_fail(ctx, "MS_MOVE under a private mount made a copy at %s",
					dpmp);
		if (!mntns_fields_are(&after, row->src))
			return iso_fail(ctx,
					"the %s mount moved under a private mount has fields '%s'",
					tname, f_after);
		if (row->src == MNS_SHARED || row->src == MNS_SLAVE) {
			if (after.shared != before.shared || after.master != before.master)
				return iso_fail(ctx, "the moved mount changed groups (%s -> %s)",
						f_before, f_after);
			if (row->src == MNS_SHARED)
				r = event_reaches(mp, p, "ev");
			else
				r = event_reaches(z, mp, "ev");
			if (r == 0)
				return iso_fail(ctx, "after the move, %s",
						row->src == MNS_SHARED ?
							"a mount under A did not reach its peer" :
							"a mount under A's master did not reach A");
		}
	}
	if (r < 0)
		return iso_broken(ctx, r, "mount an event after the move");
	return ISO_PASS;
}

/*
 * "Moving a mount residing under a shared mount is invalid" (sharedsubtree.rst 5d,
 * note; mount(2) EINVAL). Control: the parent is private, so the move succeeds.
 */
static enum iso_verdict move_from_shared_parent_fails_einval(struct iso_ctx *ctx)
{
	bool control = iso_ctx_is_control(ctx);
	char r_[PATH_MAX], d[PATH_MAX], mp[PATH_MAX], x[PATH_MAX];
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, r_, "x")) != ISO_PASS)
		return v;
	r = mntns_tmpfs_with_copy(r_, "d", "dp", "", control ? MS_PRIVATE : MS_SHARED, d);
	if (r < 0 || (r = mntns_tmpfs_at(d, "mp", "", mp)) < 0)
		return iso_broken(ctx, r, "setup: D with a peer and a mount at D/mp");
	mntns_find_noted(ctx, "parent_fields", d, NULL);
	r = mount(mp, mntns_path(x, r_, "x"), NULL, MS_MOVE, NULL) ? -errno : 0;
	return iso_expect_errno(ctx, r, EINVAL, "MS_MOVE of a mount residing under a %s mount",
				control ? "private" : "shared");
}

/* ---- unbindable ---- */

/*
 * Binding an unbindable mount is invalid (sharedsubtree.rst 2d, 5b.8; mount(2)
 * EINVAL), recursively or not. Control: the mount is private, so the bind works.
 */
static enum iso_verdict bind_of_unbindable_fails_einval(struct iso_ctx *ctx)
{
	bool control = iso_ctx_is_control(ctx);
	char r_[PATH_MAX], a[PATH_MAX], o[PATH_MAX];
	static const unsigned long how[] = { MS_BIND, MS_BIND | MS_REC };
	struct mntns_mi m;
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, r_, "o")) != ISO_PASS)
		return v;
	if ((r = mntns_tmpfs_at(r_, "a", "", a)) < 0 ||
	    (r = mntns_prop(a, control ? MS_PRIVATE : MS_UNBINDABLE)) < 0)
		return iso_broken(ctx, r, "setup: unbindable A");
	if (mntns_find_noted(ctx, "fields", a, &m) != 1)
		return iso_broken(ctx, 0, "A is not in mountinfo");
	mntns_path(o, r_, "o");
	for (size_t i = 0; i < ISO_ARRAY_SIZE(how); i++) {
		r = mount(a, o, NULL, how[i], NULL) ? -errno : 0;
		v = iso_expect_errno(ctx, r, EINVAL, "%s of an unbindable mount",
				     how[i] & MS_REC ? "MS_BIND|MS_REC" : "MS_BIND");
		if (v != ISO_PASS)
			return v;
	}
	if (!mntns_fields_are(&m, MNS_UNBINDABLE))
		return iso_fail(ctx, "bind was refused, but mountinfo does not say unbindable");
	return ISO_PASS;
}

/*
 * rbind of a tree prunes the subtree under an unbindable submount (sharedsubtree.rst
 * 5c, the A/B/C example: C unbindable, B and its children copied). Control: C is
 * private, so it is copied.
 */
static enum iso_verdict rbind_prunes_unbindable_submounts(struct iso_ctx *ctx)
{
	bool control = iso_ctx_is_control(ctx);
	char r_[PATH_MAX], a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], x[PATH_MAX], z[PATH_MAX];
	static const char *const want[] = { "", "b", "b/d" };
	static const char *const pruned[] = { "c", "c/g" };
	char path[PATH_MAX];
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, r_, "z")) != ISO_PASS)
		return v;
	if ((r = mntns_tmpfs_at(r_, "a", "", a)) < 0 || (r = mntns_tmpfs_at(a, "b", "", b)) < 0 ||
	    (r = mntns_tmpfs_at(b, "d", "", x)) < 0 || (r = mntns_tmpfs_at(a, "c", "", c)) < 0 ||
	    (r = mntns_tmpfs_at(c, "g", "", x)) < 0 ||
	    (r = mntns_prop(c, control ? MS_PRIVATE : MS_UNBINDABLE)) < 0)
		return iso_broken(ctx, r, "setup: tree A/{b/d,c/g} with c unbindable");
	r = mntns_rbind(a, mntns_path(z, r_, "z"));
	if (r < 0)
		return iso_fail(ctx, "rbind of a tree with an unbindable submount failed: %s",
				strerror(-r));
	for (size_t i = 0; i < ISO_ARRAY_SIZE(pruned); i++)
		if (mntns_mi_find(0, mntns_path(path, z, pruned[i]), NULL) == 1)
			return iso_fail(ctx,
					"rbind copied %s, which is (under) an unbindable mount",
					pruned[i]);
	for (size_t i = 0; i < ISO_ARRAY_SIZE(want); i++) {
		snprintf(path, sizeof(path), "%s%s%s", z, *want[i] ? "/" : "", want[i]);
		if (mntns_mi_find(0, path, NULL) != 1)
			return iso_fail(ctx, "rbind did not copy the bindable mount %s",
					*want[i] ? want[i] : "A");
	}
	iso_note(ctx, "pruned", "c c/g");
	return ISO_PASS;
}

/* ---- umount semantics (sharedsubtree.rst 5f) ---- */

/* The tree of the umount cases: shared A with peer P, and A/u (with dirs) propagated to P/u. */
struct umount_tree {
	char root[PATH_MAX], a[PATH_MAX], au[PATH_MAX], pu[PATH_MAX];
};

/* Builds t in the scratch tmpfs. Returns ISO_PASS or the verdict to return (skip, broken). */
static enum iso_verdict umount_tree(struct iso_ctx *ctx, struct umount_tree *t, const char *dirs)
{
	enum iso_verdict v = mntns_scratch_with(ctx, t->root, "");
	int r;

	if (v != ISO_PASS)
		return v;
	mntns_path(t->pu, t->root, "p/u");
	if ((r = mntns_tmpfs_with_copy(t->root, "a", "p", "", MS_SHARED, t->a)) < 0 ||
	    (r = mntns_tmpfs_at(t->a, "u", dirs, t->au)) < 0)
		return iso_broken(ctx, r, "setup: shared A with peer P and A/u");
	return ISO_PASS;
}

/*
 * Shared A with peer P, A/u propagated to P/u, and P/u has a submount of its own:
 * umount of A/u succeeds and takes the copies without submounts, but P/u stays.
 * Control: no submount under P/u, so P/u goes too.
 */
static enum iso_verdict umount_spares_peer_copy_with_submounts(struct iso_ctx *ctx)
{
	bool control = iso_ctx_is_control(ctx);
	struct umount_tree t;
	enum iso_verdict v = umount_tree(ctx, &t, "x");
	char pux[PATH_MAX];
	int r;

	if (v != ISO_PASS)
		return v;
	if (mntns_mi_find(0, t.pu, NULL) != 1)
		return iso_fail(ctx, "the mount at A/u did not propagate to peer P");
	if ((r = mntns_prop(t.pu, MS_PRIVATE)) < 0 ||
	    (!control && (r = mntns_tmpfs_at(t.pu, "x", "", pux)) < 0))
		return iso_broken(ctx, r, "setup: a submount under P/u only");
	r = mntns_umount(t.au);
	if (r < 0)
		return iso_fail(ctx, "umount of A/u failed (%s) although A/u has no submounts",
				strerror(-r));
	if (mntns_mi_find(0, t.au, NULL) != 0)
		return iso_fail(ctx, "A/u is still mounted after its umount");
	if (mntns_mi_find(0, t.pu, NULL) != 1)
		return iso_fail(ctx, "the umount propagated to P/u%s",
				control ? "" : ", which has a submount");
	return ISO_PASS;
}

/*
 * umount of a mount that has submounts fails entirely (sharedsubtree.rst 5f;
 * umount(2) EBUSY): neither it nor its peers' copies go. Control: no submount.
 */
static enum iso_verdict umount_with_submounts_fails_ebusy(struct iso_ctx *ctx)
{
	struct umount_tree t;
	enum iso_verdict v = umount_tree(ctx, &t, "");
	char x[PATH_MAX];
	int r;

	if (v != ISO_PASS)
		return v;
	if (!iso_ctx_is_control(ctx) && (r = mntns_tmpfs_at(t.au, "x", "", x)) < 0)
		return iso_broken(ctx, r, "setup: a submount under A/u");
	v = iso_expect_errno(ctx, mntns_umount(t.au), EBUSY, "umount of A/u with a submount");
	if (v == ISO_PASS &&
	    (mntns_mi_find(0, t.au, NULL) != 1 || mntns_mi_find(0, t.pu, NULL) != 1))
		return iso_fail(ctx, "the failed umount still removed A/u or its copy in P");
	return v;
}

/*
 * The recursive changes (rec_case) set a type with mount(2) MS_REC or with
 * mount_setattr(2) AT_RECURSIVE; the moves (move_case) follow the table of
 * sharedsubtree.rst 5d.
 */
static const struct iso_case cases[] = {
	ISO_VARIANT(rec_shared_reaches_every_submount, rec_case,
		    ISO_ARG(struct rec_row, MNS_SHARED, false),
		    .doc = "mount(MS_REC|MS_SHARED) makes every submount shared (mount(2), "
			   "sharedsubtree.rst 3)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(rec_slave_reaches_every_submount, rec_case,
		    ISO_ARG(struct rec_row, MNS_SLAVE, false),
		    .doc = "mount(MS_REC|MS_SLAVE) makes every submount a slave (mount(2), "
			   "sharedsubtree.rst 4B)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(rec_private_reaches_every_submount, rec_case,
		    ISO_ARG(struct rec_row, MNS_PRIVATE, false),
		    .doc = "mount(MS_REC|MS_PRIVATE) makes every submount private (mount(2))",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(rec_unbindable_reaches_every_submount, rec_case,
		    ISO_ARG(struct rec_row, MNS_UNBINDABLE, false),
		    .doc = "mount(MS_REC|MS_UNBINDABLE) makes every submount unbindable "
			   "(mount(2))",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(setattr_rec_shared_reaches_every_submount, rec_case,
		    ISO_ARG(struct rec_row, MNS_SHARED, true),
		    .doc = "mount_setattr(AT_RECURSIVE, propagation=MS_SHARED) makes every "
			   "submount shared (mount_setattr(2))",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(setattr_rec_slave_reaches_every_submount, rec_case,
		    ISO_ARG(struct rec_row, MNS_SLAVE, true),
		    .doc = "mount_setattr(AT_RECURSIVE, propagation=MS_SLAVE) makes every "
			   "submount a slave (mount_setattr(2))",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(setattr_rec_private_reaches_every_submount, rec_case,
		    ISO_ARG(struct rec_row, MNS_PRIVATE, true),
		    .doc = "mount_setattr(AT_RECURSIVE, propagation=MS_PRIVATE) makes every "
			   "submount private (mount_setattr(2))",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(setattr_rec_unbindable_reaches_every_submount, rec_case,
		    ISO_ARG(struct rec_row, MNS_UNBINDABLE, true),
		    .doc = "mount_setattr(AT_RECURSIVE, propagation=MS_UNBINDABLE) makes every "
			   "submount unbindable (mount_setattr(2))",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(move_shared_under_shared_joins_dest_propagation, move_case,
		    ISO_ARG(struct move_row, MNS_SHARED, true, CTL_DEST_PRIVATE),
		    .doc = "MS_MOVE of a shared mount under a shared mount keeps its peer "
			   "group and copies it to the destination's peers (sharedsubtree.rst "
			   "5d.1)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(move_private_under_shared_becomes_shared, move_case,
		    ISO_ARG(struct move_row, MNS_PRIVATE, true, CTL_DEST_PRIVATE),
		    .doc = "MS_MOVE of a private mount under a shared mount makes it shared, "
			   "with copies at the destination's peers (sharedsubtree.rst 5d.2)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(move_slave_under_shared_becomes_shared_and_slave, move_case,
		    ISO_ARG(struct move_row, MNS_SLAVE, true, CTL_DEST_PRIVATE),
		    .doc = "MS_MOVE of a slave mount under a shared mount makes it shared and "
			   "slave (sharedsubtree.rst 5d.3)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(move_unbindable_under_shared_fails_einval, move_case,
		    ISO_ARG(struct move_row, MNS_UNBINDABLE, true, CTL_DEST_PRIVATE),
		    .doc = "MS_MOVE of an unbindable mount under a shared mount fails with "
			   "EINVAL (sharedsubtree.rst 5d.4)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(move_shared_under_private_stays_shared, move_case,
		    ISO_ARG(struct move_row, MNS_SHARED, false, CTL_SRC_PRIVATE),
		    .doc = "MS_MOVE of a shared mount under a private mount keeps it in its "
			   "peer group (sharedsubtree.rst 5d.6)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(move_private_under_private_stays_private, move_case,
		    ISO_ARG(struct move_row, MNS_PRIVATE, false, CTL_DEST_SHARED),
		    .doc = "MS_MOVE of a private mount under a private mount keeps it private "
			   "(sharedsubtree.rst 5d.5)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(move_slave_under_private_stays_slave, move_case,
		    ISO_ARG(struct move_row, MNS_SLAVE, false, CTL_DEST_SHARED),
		    .doc = "MS_MOVE of a slave mount under a private mount keeps it a slave of "
			   "its master (sharedsubtree.rst 5d.7)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_VARIANT(move_unbindable_under_private_stays_unbindable, move_case,
		    ISO_ARG(struct move_row, MNS_UNBINDABLE, false, CTL_DEST_SHARED),
		    .doc = "MS_MOVE of an unbindable mount under a private mount keeps it "
			   "unbindable (sharedsubtree.rst 5d.8)",
		    .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_CASE(move_from_shared_parent_fails_einval,
		 .doc = "MS_MOVE of a mount residing under a shared mount fails with EINVAL "
			"(sharedsubtree.rst 5d note, mount(2))",
		 .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_CASE(bind_of_unbindable_fails_einval,
		 .doc = "bind and rbind of an unbindable mount fail with EINVAL (sharedsubtree.rst 2d, "
			"5b.8, mount(2))",
		 .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_CASE(rbind_prunes_unbindable_submounts,
		 .doc = "rbind copies a tree without its unbindable submounts and what is under them "
			"(sharedsubtree.rst 5c)",
		 .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_CASE(umount_spares_peer_copy_with_submounts,
		 .doc = "umount propagation skips a peer's copy that has submounts and removes the rest "
			"(sharedsubtree.rst 5f)",
		 .timeout_ms = 5000, .req = MNTNS_REQ),
	ISO_CASE(umount_with_submounts_fails_ebusy,
		 .doc = "umount of a mount with submounts fails with EBUSY and removes nothing "
			"(sharedsubtree.rst 5f, umount(2))",
		 .timeout_ms = 5000, .req = MNTNS_REQ),
};

const struct iso_cases mntns_tree_cases = ISO_CASES(cases);
