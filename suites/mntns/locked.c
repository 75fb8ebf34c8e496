// SPDX-License-Identifier: MIT
/*
 * Less privileged mount namespaces (mount_namespaces(7), "Restrictions on mount
 * namespaces"): a forked child drops to an unprivileged uid and calls
 * unshare(CLONE_NEWUSER | CLONE_NEWNS). Its namespace is owned by a new user
 * namespace, so shared mounts are reduced to slaves [2], mounts copied or
 * propagated as a unit are locked together [3][4], and mount flags are locked [5].
 *
 * Every negative control runs the same child as root with CLONE_NEWNS alone: the
 * new namespace has the same owner, so nothing is locked and the assertion fails.
 */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mntns.h"

#define LK_UID 65534 /* "nobody": any uid without privileges will do */

/* What the child found, on a shared page. */
struct lk_report {
	int set;
	enum iso_verdict verdict;
	int err;
	char msg[400];
};

struct lk {
	struct iso_ctx *ctx;
	bool control;
	char root[PATH_MAX];
	struct lk_report *rep;
	struct iso_sync up[2], down[2]; /* child -> parent, parent -> child */
};

/* In the child: records a verdict (the first one wins) and returns it. */
static enum iso_verdict __attribute__((format(printf, 4, 5)))
lk_say(struct lk *l, enum iso_verdict v, int err, const char *fmt, ...)
{
	va_list ap;

	if (l->rep->set)
		return l->rep->verdict;
	va_start(ap, fmt);
	vsnprintf(l->rep->msg, sizeof(l->rep->msg), fmt, ap);
	va_end(ap);
	l->rep->err = err < 0 ? -err : err;
	l->rep->verdict = v;
	l->rep->set = 1;
	return v;
}

/* In the child: enters the less privileged namespace (or, in the control, a plain one). */
static enum iso_verdict lk_enter(struct lk *l)
{
	/*
	 * Rootless, the case is root of a user namespace of its own where only 0
	 * is mapped (and setgroups is denied): it stays 0, and the user namespace
	 * it makes below is as much less privileged than the mount namespace's.
	 */
	bool nested = iso_ctx_in_userns(l->ctx);
	int uid = nested ? 0 : LK_UID;
	char map[32];
	int r;

	if (chdir(l->root) < 0)
		return lk_say(l, ISO_BROKEN, errno, "chdir %s", l->root);
	if (l->control) {
		if (unshare(CLONE_NEWNS) < 0)
			return lk_say(l, ISO_BROKEN, errno, "unshare(CLONE_NEWNS)");
		return ISO_PASS;
	}
	if (!nested && (setgroups(0, NULL) < 0 || setresgid(LK_UID, LK_UID, LK_UID) < 0 ||
			setresuid(LK_UID, LK_UID, LK_UID) < 0))
		return lk_say(l, ISO_BROKEN, errno, "drop to uid %d", LK_UID);
	prctl(PR_SET_DUMPABLE, 1); /* so that /proc/self/uid_map stays ours to write */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		int e = errno;

		return lk_say(l, ISO_SKIP, 0,
			      "unprivileged unshare(CLONE_NEWUSER|CLONE_NEWNS) as uid %d failed: "
			      "%s (user namespaces restricted: check user.max_user_namespaces, "
			      "kernel.unprivileged_userns_clone, "
			      "kernel.apparmor_restrict_unprivileged_userns)",
			      uid, strerror(e));
	}
	snprintf(map, sizeof(map), "0 %d 1", uid);
	if ((r = iso_write_file("/proc/self/setgroups", "deny")) < 0 ||
	    (r = iso_write_file("/proc/self/uid_map", "%s", map)) < 0 ||
	    (r = iso_write_file("/proc/self/gid_map", "%s", map)) < 0 ||
	    (r = mntns_prop(".", MS_PRIVATE)) < 0) {
		/* E.g. AppArmor's restrict_unprivileged_userns: the namespace has no caps. */
		if (r == -EPERM || r == -EACCES)
			return lk_say(l, ISO_SKIP, 0,
				      "the new user namespace of uid %d holds no privileges over "
				      "its mount namespace (%s; an LSM such as AppArmor's "
				      "restrict_unprivileged_userns?)",
				      uid, strerror(-r));
		return lk_say(l, ISO_BROKEN, r, "set up the new user namespace");
	}
	return ISO_PASS;
}

/* In the child: is the path (relative to root) a mount point here? 1, 0 or -errno. */
static int lk_mounted(struct lk *l, const char *rel)
{
	char path[PATH_MAX];

	return mntns_mi_find(0, mntns_path(path, l->root, rel), NULL);
}

typedef enum iso_verdict (*lk_body_fn)(struct lk *l);
typedef enum iso_verdict (*lk_parent_fn)(struct lk *l, pid_t child);

/*
 * Runs body in a forked child inside the less privileged namespace, and parent
 * (may be NULL) in the case process while the child waits: the child wakes up[0]
 * once it is in its namespace and then waits for down[0]. Returns the verdict.
 */
static enum iso_verdict lk_run(struct iso_ctx *ctx, lk_body_fn body, lk_parent_fn parent,
			       struct lk *l)
{
	_cleanup_pid_ pid_t child = 0;
	enum iso_verdict v = ISO_PASS;
	int status = 0, r;

	l->ctx = ctx;
	l->control = iso_ctx_is_control(ctx);
	l->rep = mmap(NULL, sizeof(*l->rep), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (l->rep == MAP_FAILED)
		return iso_broken(ctx, -errno, "mmap");
	for (int i = 0; i < 2; i++)
		l->up[i] = l->down[i] = (struct iso_sync){ { -1, -1 } };
	for (int i = 0; i < 2; i++)
		if (iso_sync_init(&l->up[i]) < 0 || iso_sync_init(&l->down[i]) < 0) {
			v = iso_broken(ctx, -errno, "pipe");
			goto out;
		}
	child = fork();
	if (child < 0) {
		v = iso_broken(ctx, -errno, "fork");
		goto out;
	}
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (lk_enter(l) == ISO_PASS)
			lk_say(l, body(l), 0, "(no reason recorded)");
		iso_sync_wake(&l->up[0]); /* never leave the parent waiting */
		iso_sync_wake(&l->up[1]);
		_exit(0);
	}
	if (parent) {
		r = iso_sync_wait(&l->up[0], iso_ctx_ms(ctx, 5000));
		if (r < 0) {
			v = iso_broken(ctx, r, "wait for the child to enter its namespace");
			goto out;
		}
		if (!l->rep->set)
			v = parent(l, child);
		iso_sync_wake(&l->down[0]);
		iso_sync_wake(&l->down[1]);
	}
	r = iso_wait_timeout(child, &status, iso_ctx_ms(ctx, 5000));
	if (r < 0) {
		v = iso_broken(ctx, r, "wait for the child");
		goto out;
	}
	child = 0;
	if (v != ISO_PASS)
		goto out;
	if (!l->rep->set)
		v = iso_broken(ctx, 0, "the child exited with status %d without a verdict", status);
	else if (l->rep->verdict == ISO_BROKEN)
		v = iso_broken(ctx, -l->rep->err, "in the child: %s", l->rep->msg);
	else if (l->rep->verdict == ISO_FAIL)
		v = iso_fail(ctx, "%s", l->rep->msg);
	else if (l->rep->verdict == ISO_SKIP)
		v = iso_skip(ctx, "%s", l->rep->msg);
	else
		v = ISO_PASS;
out:
	for (int i = 0; i < 2; i++) {
		iso_sync_close(&l->up[i]);
		iso_sync_close(&l->down[i]);
	}
	munmap(l->rep, sizeof(*l->rep));
	return v;
}

/* Mounts a tmpfs at root/rel. Returns 0 or -errno. */
static int lk_tmpfs(struct lk *l, const char *rel)
{
	char path[PATH_MAX];

	return mntns_tmpfs(mntns_path(path, l->root, rel));
}

static int mkdirs_at(struct lk *l, const char *rel, const char *names)
{
	char path[PATH_MAX];

	return mntns_mkdirs(mntns_path(path, l->root, rel), names);
}

/* ---- [2] shared mounts are reduced to slave mounts ---- */

/*
 * The child's copy of shared S must be a slave of S's peer group (master:N, no
 * shared:), receive a mount made under S here, and not send one made under its
 * copy back.
 */
static enum iso_verdict slave_body(struct lk *l)
{
	int r;

	iso_sync_wake(&l->up[0]);
	if (iso_sync_wait(&l->down[0], iso_ctx_ms(l->ctx, 10000)) < 0)
		return lk_say(l, ISO_BROKEN, ETIMEDOUT, "wait for the parent");
	r = lk_tmpfs(l, "s/ev2");
	if (r < 0)
		return lk_say(l, ISO_BROKEN, r, "mount under the copy of S");
	iso_sync_wake(&l->up[1]);
	/* Stay (and keep the namespace) until the parent has looked. */
	iso_sync_wait(&l->down[1], iso_ctx_ms(l->ctx, 10000));
	return ISO_PASS;
}

static enum iso_verdict slave_parent(struct lk *l, pid_t child)
{
	char s[PATH_MAX], p[PATH_MAX], f[96], cf[96];
	struct mntns_mi orig, copy;
	int r;

	mntns_path(s, l->root, "s");
	if (mntns_mi_find(0, s, &orig) != 1 || mntns_mi_find(child, s, &copy) != 1)
		return iso_broken(l->ctx, 0, "S is missing from a mountinfo");
	mntns_mi_fields(&orig, f, sizeof(f));
	mntns_mi_fields(&copy, cf, sizeof(cf));
	iso_note(l->ctx, "fields_here", "%s", f);
	iso_note(l->ctx, "fields_less_privileged", "%s", cf);
	if (copy.shared || copy.master != orig.shared)
		return iso_fail(l->ctx,
				"the less privileged copy of shared S (%s) has fields '%s', not "
				"master:%d",
				f, cf, orig.shared);
	if ((r = lk_tmpfs(l, "s/ev1")) < 0)
		return iso_broken(l->ctx, r, "mount under S");
	if (mntns_mi_find(child, mntns_path(p, s, "ev1"), NULL) != 1)
		return iso_fail(l->ctx, "a mount under S did not reach its slave copy");
	iso_sync_wake(&l->down[0]);
	if ((r = iso_sync_wait(&l->up[1], iso_ctx_ms(l->ctx, 5000))) < 0)
		return iso_broken(l->ctx, r, "wait for the child's mount");
	if (l->rep->set)
		return ISO_PASS; /* the child's own verdict says why */
	if (mntns_mi_find(0, mntns_path(p, s, "ev2"), NULL) != 0)
		return iso_fail(l->ctx, "a mount made in the less privileged namespace reached "
					"the more privileged one");
	return ISO_PASS;
}

/*
 * A mount namespace owned by a less privileged user namespace gets the shared
 * mounts it copies as slave mounts (mount_namespaces(7), restriction [2]): its
 * copy of shared S is a slave of S, receives what is mounted under S and sends
 * nothing back (slave_body, slave_parent). Control: CLONE_NEWNS alone as root,
 * so the copy stays a peer of S.
 */
static enum iso_verdict less_privileged_copy_turns_shared_into_slave(struct iso_ctx *ctx)
{
	struct lk l = { 0 };
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, l.root, "s")) != ISO_PASS)
		return v;
	if ((r = lk_tmpfs(&l, "s")) < 0 || (r = mkdirs_at(&l, "s", "ev1 ev2")) < 0 ||
	    (r = mntns_prop(mntns_path((char[PATH_MAX]){ 0 }, l.root, "s"), MS_SHARED)) < 0)
		return iso_broken(ctx, r, "setup: shared S");
	return lk_run(ctx, slave_body, slave_parent, &l);
}

/* ---- [3] inherited mounts are locked ---- */

/*
 * umount2 of the inherited a/s fails with EINVAL, lazily too, and a/s stays; a
 * tmpfs stacked on it in the less privileged namespace can be unmounted again.
 */
static enum iso_verdict locked_body(struct lk *l)
{
	static const int how[] = { 0, MNT_DETACH };
	int r;

	for (size_t i = 0; i < ISO_ARRAY_SIZE(how); i++) {
		r = umount2("a/s", how[i]) ? -errno : 0;
		if (r == 0)
			return lk_say(l, ISO_FAIL, 0,
				      "umount2(a/s, %s) of an inherited mount succeeded in the %s "
				      "namespace",
				      how[i] ? "MNT_DETACH" : "0",
				      l->control ? "new (equally privileged)" : "less privileged");
		if (r != -EINVAL)
			return lk_say(l, ISO_FAIL, 0,
				      "umount2 of a locked mount failed with %s, not EINVAL",
				      strerror(-r));
	}
	if (lk_mounted(l, "a/s") != 1)
		return lk_say(l, ISO_FAIL, 0, "the refused umount still removed a/s");
	/* mount_namespaces(7): stacking on a locked mount, and unstacking, work. */
	if ((r = lk_tmpfs(l, "a/s")) < 0)
		return lk_say(l, ISO_FAIL, 0, "stacking a tmpfs on locked a/s failed: %s",
			      strerror(-r));
	if ((r = mntns_umount("a/s")) < 0)
		return lk_say(l, ISO_FAIL, 0, "unstacking the tmpfs from a/s failed: %s",
			      strerror(-r));
	if (lk_mounted(l, "a/s") != 1)
		return lk_say(l, ISO_FAIL, 0, "unstacking took the locked a/s away too");
	return ISO_PASS;
}

/*
 * Mounts that come as a single unit from a more privileged mount namespace are
 * locked together and cannot be unmounted apart (mount_namespaces(7), restriction
 * [3]): umount of the inherited a/s fails with EINVAL, but stacking a mount on it
 * works (locked_body). Control: CLONE_NEWNS alone as root, so a/s unmounts.
 */
static enum iso_verdict inherited_mount_is_locked_umount_fails_einval(struct iso_ctx *ctx)
{
	struct lk l = { 0 };
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, l.root, "a")) != ISO_PASS)
		return v;
	if ((r = lk_tmpfs(&l, "a")) < 0 || (r = mkdirs_at(&l, "a", "s")) < 0 ||
	    (r = lk_tmpfs(&l, "a/s")) < 0)
		return iso_broken(ctx, r, "setup: a with submount a/s");
	return lk_run(ctx, locked_body, NULL, &l);
}

/* ---- [4] a subtree propagated as a unit umounts only as a whole ---- */

/*
 * The parent rbinds x (with submount x/y) to s/ppp under shared S; the copy
 * propagates into the child's namespace as one unit. There umount of s/ppp/y
 * fails with EINVAL, and umount -l of s/ppp takes the whole subtree.
 */
static enum iso_verdict subtree_body(struct lk *l)
{
	int r;

	iso_sync_wake(&l->up[0]);
	if (iso_sync_wait(&l->down[0], iso_ctx_ms(l->ctx, 10000)) < 0)
		return lk_say(l, ISO_BROKEN, ETIMEDOUT, "wait for the parent");
	if (lk_mounted(l, "s/ppp") != 1 || lk_mounted(l, "s/ppp/y") != 1)
		return lk_say(l, ISO_FAIL, 0,
			      "the rbind under S did not propagate into the child's namespace");
	r = umount2("s/ppp/y", 0) ? -errno : 0;
	if (r == 0)
		return lk_say(l, ISO_FAIL, 0,
			      "umount of s/ppp/y, part of a subtree that propagated as a unit, "
			      "succeeded in the %s namespace",
			      l->control ? "new (equally privileged)" : "less privileged");
	if (r != -EINVAL)
		return lk_say(l, ISO_FAIL, 0, "umount of a locked part failed with %s, not EINVAL",
			      strerror(-r));
	r = umount2("s/ppp", MNT_DETACH) ? -errno : 0;
	if (r < 0)
		return lk_say(l, ISO_FAIL, 0,
			      "umount -l of the whole propagated subtree failed: %s", strerror(-r));
	if (lk_mounted(l, "s/ppp") != 0 || lk_mounted(l, "s/ppp/y") != 0)
		return lk_say(l, ISO_FAIL, 0, "umount -l of s/ppp left part of the subtree");
	return ISO_PASS;
}

static enum iso_verdict subtree_parent(struct lk *l, pid_t child)
{
	char x[PATH_MAX], ppp[PATH_MAX];
	int r;

	(void)child;
	r = mntns_rbind(mntns_path(x, l->root, "x"), mntns_path(ppp, l->root, "s/ppp"));
	if (r < 0)
		return iso_broken(l->ctx, r, "rbind x to s/ppp");
	return ISO_PASS;
}

/*
 * A subtree that propagates into a less privileged mount namespace is locked as a
 * unit (mount_namespaces(7), restriction [4]): part of it cannot be unmounted
 * (EINVAL), the whole can (subtree_body, subtree_parent). Control: CLONE_NEWNS
 * alone as root, so the part unmounts.
 */
static enum iso_verdict propagated_subtree_umounts_only_as_a_whole(struct iso_ctx *ctx)
{
	struct lk l = { 0 };
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, l.root, "s x")) != ISO_PASS)
		return v;
	if ((r = lk_tmpfs(&l, "s")) < 0 || (r = mkdirs_at(&l, "s", "ppp")) < 0 ||
	    (r = mntns_prop(mntns_path((char[PATH_MAX]){ 0 }, l.root, "s"), MS_SHARED)) < 0 ||
	    (r = lk_tmpfs(&l, "x")) < 0 || (r = mkdirs_at(&l, "x", "y")) < 0 ||
	    (r = lk_tmpfs(&l, "x/y")) < 0)
		return iso_broken(ctx, r, "setup: shared s, tree x/y");
	return lk_run(ctx, subtree_body, subtree_parent, &l);
}

/* ---- [5] mount flags are locked ---- */

/* Remounting the inherited read-only bind ro read-write fails with EPERM; it stays ro. */
static enum iso_verdict flags_body(struct lk *l)
{
	struct statvfs st;
	int r;

	r = mount(NULL, "ro", NULL, MS_REMOUNT | MS_BIND | MS_RELATIME, NULL) ? -errno : 0;
	if (r == 0)
		return lk_say(l, ISO_FAIL, 0,
			      "remounting an inherited read-only mount read-write succeeded in "
			      "the %s namespace",
			      l->control ? "new (equally privileged)" : "less privileged");
	if (r != -EPERM)
		return lk_say(l, ISO_FAIL, 0,
			      "clearing a locked MS_RDONLY failed with %s, not EPERM (mount(2))",
			      strerror(-r));
	if (statvfs("ro", &st) < 0)
		return lk_say(l, ISO_BROKEN, errno, "statvfs ro");
	if (!(st.f_flag & ST_RDONLY))
		return lk_say(l, ISO_FAIL, 0, "the refused remount still made ro writable");
	return ISO_PASS;
}

/*
 * Mount flags that come from a more privileged mount namespace are locked
 * (mount_namespaces(7), restriction [5]; mount(2) EPERM): the inherited read-only
 * bind cannot be remounted read-write (flags_body). Control: CLONE_NEWNS alone as
 * root, so the remount works.
 */
static enum iso_verdict inherited_read_only_flag_is_locked(struct iso_ctx *ctx)
{
	char src[PATH_MAX], ro[PATH_MAX];
	struct lk l = { 0 };
	enum iso_verdict v;

	if ((v = mntns_scratch_with(ctx, l.root, "src ro")) != ISO_PASS)
		return v;
	if (mount(mntns_path(src, l.root, "src"), mntns_path(ro, l.root, "ro"), NULL, MS_BIND,
		  NULL) < 0 ||
	    mount(NULL, ro, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_RELATIME, NULL) < 0)
		return iso_broken(ctx, -errno, "setup: read-only bind mount");
	return lk_run(ctx, flags_body, NULL, &l);
}

/* ---- mount(2) EINVAL: a non-recursive bind would reveal what locked submounts hide ---- */

static enum iso_verdict bind_body(struct lk *l)
{
	int r;

	r = mount("a", "o", NULL, MS_BIND, NULL) ? -errno : 0;
	if (r == 0)
		return lk_say(l, ISO_FAIL, 0,
			      "non-recursive bind of a tree with locked submounts succeeded in "
			      "the %s namespace",
			      l->control ? "new (equally privileged)" : "less privileged");
	if (r != -EINVAL)
		return lk_say(l, ISO_FAIL, 0,
			      "non-recursive bind of a locked tree failed with %s, not EINVAL",
			      strerror(-r));
	r = mount("a", "o", NULL, MS_BIND | MS_REC, NULL) ? -errno : 0;
	if (r < 0)
		return lk_say(l, ISO_FAIL, 0, "recursive bind of the same tree failed: %s",
			      strerror(-r));
	if (lk_mounted(l, "o/s") != 1)
		return lk_say(l, ISO_FAIL, 0, "the recursive bind did not copy the submount");
	return ISO_PASS;
}

/*
 * In a less privileged mount namespace a non-recursive bind of a mount with
 * locked submounts fails with EINVAL, since it would reveal what they cover
 * (mount(2)); MS_REC works (bind_body). Control: CLONE_NEWNS alone as root, so
 * nothing is locked and the plain bind works.
 */
static enum iso_verdict nonrecursive_bind_of_locked_tree_fails_einval(struct iso_ctx *ctx)
{
	struct lk l = { 0 };
	enum iso_verdict v;
	int r;

	if ((v = mntns_scratch_with(ctx, l.root, "a o")) != ISO_PASS)
		return v;
	if ((r = lk_tmpfs(&l, "a")) < 0 || (r = mkdirs_at(&l, "a", "s")) < 0 ||
	    (r = lk_tmpfs(&l, "a/s")) < 0)
		return iso_broken(ctx, r, "setup: a with submount a/s");
	return lk_run(ctx, bind_body, NULL, &l);
}

/* mount_namespaces(7), "Restrictions on mount namespaces" */
static const struct iso_case cases[] = {
	ISO_CASE(less_privileged_copy_turns_shared_into_slave,
		 .doc = "a mount namespace owned by a new user namespace gets shared mounts as slaves "
			"(mount_namespaces(7) restriction 2)",
		 .timeout_ms = 5000, .req = MNTNS_REQ_USERNS),
	ISO_CASE(inherited_mount_is_locked_umount_fails_einval,
		 .doc = "in a less privileged mount namespace an inherited mount cannot be unmounted "
			"(EINVAL) but can be stacked on (mount_namespaces(7) restriction 3)",
		 .timeout_ms = 5000, .req = MNTNS_REQ_USERNS),
	ISO_CASE(propagated_subtree_umounts_only_as_a_whole,
		 .doc = "a subtree propagated into a less privileged namespace cannot be unmounted in "
			"part (EINVAL), only as a whole (mount_namespaces(7) restriction 4)",
		 .timeout_ms = 5000, .req = MNTNS_REQ_USERNS),
	ISO_CASE(inherited_read_only_flag_is_locked,
		 .doc = "in a less privileged mount namespace an inherited MS_RDONLY cannot be cleared "
			"(EPERM) (mount_namespaces(7) restriction 5, mount(2))",
		 .timeout_ms = 5000, .req = MNTNS_REQ_USERNS),
	ISO_CASE(nonrecursive_bind_of_locked_tree_fails_einval,
		 .doc = "in a less privileged mount namespace a non-recursive bind of a mount with "
			"locked submounts fails with EINVAL; MS_REC works (mount(2))",
		 .timeout_ms = 5000, .req = MNTNS_REQ_USERNS),
};

const struct iso_cases mntns_locked_cases = ISO_CASES(cases);
