// SPDX-License-Identifier: MIT
/*
 * The propagation matrix: for a mount A of each propagation type and each event
 * below it (a mount at A/ev, an umount of A/u), whether the event shows up in a
 * peer, a slave, the master, a bind copy, or A's copy in another mount namespace
 * (CLONE_NEWNS; peer groups span namespaces). Expected outcomes come from
 * Documentation/filesystems/sharedsubtree.rst (5a mount states, 5b bind, 5e mount,
 * 5f umount, 5g clone namespace) and mount_namespaces(7) "Shared subtrees".
 *
 * Each case also reads the optional fields of /proc/PID/mountinfo (shared:N,
 * master:N, unbindable), notes them, and checks that they predict what was seen:
 * an event under A propagates to B exactly when A is shared and B is in A's peer
 * group (same shared:N) or a slave of it (master:N with A's N).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mntns.h"

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

enum prop_event { EV_MOUNT, EV_UMOUNT };

/* A case of the matrix: one row and one event (ISO_VARIANT's arg). */
struct prop_row {
	enum prop_event ev;
	enum mntns_type src;
	enum mntns_obs obs;
	enum mntns_where ev_ns, obs_ns;
	bool reaches;
	enum mntns_ctl ctl;
	const char *what, *sec;
};

static const char *obs_name(enum mntns_obs o)
{
	switch (o) {
	case OBS_SELF:
		return "its own copy";
	case OBS_PEER:
		return "its peer";
	case OBS_SLAVE:
		return "its slave";
	case OBS_PRIVATE_COPY:
		return "its private bind copy";
	case OBS_BIND:
		return "its bind copy";
	case OBS_FORMER_PEER:
		return "its former peer";
	case OBS_MASTER:
		return "its master";
	}
	return "?";
}

struct prop_tree {
	char r[PATH_MAX], m[PATH_MAX], a[PATH_MAX], o[PATH_MAX];
	const char *step; /* the setup step that failed */
};

/* Runs one setup step; returns 0 or -errno and remembers the step's name. */
static int step(struct prop_tree *t, const char *name, int r)
{
	if (r < 0)
		t->step = name;
	return r;
}

/*
 * Builds the tree for row below t->r: A at r/a (and its master M at r/m for the
 * slave types), the observer at r/o. Each tmpfs has the directories ev and u, and
 * a tmpfs at u copied everywhere before the observers are made. Returns 0 or -errno.
 */
static int prop_build(const struct prop_row *row, bool control, struct prop_tree *t)
{
	bool src_private = control && row->ctl == CTL_SRC_PRIVATE;
	bool nocut = control && row->ctl == CTL_NO_CUT;
	bool slave_type = row->src == MNS_SLAVE || row->src == MNS_SHARED_SLAVE;
	char p[PATH_MAX];
	int r;

	mntns_path(t->m, t->r, "m");
	mntns_path(t->a, t->r, "a");
	mntns_path(t->o, t->r, "o");
	if ((r = step(t, "mkdir m a o", mntns_mkdirs(t->r, "m a o"))) < 0)
		return r;
	if (slave_type) {
		/* M shared with a submount at M/u; A = rbind M made slave (then shared). */
		if ((r = step(t, "mount master", mntns_tmpfs(t->m))) < 0 ||
		    (r = step(t, "mkdir in master", mntns_mkdirs(t->m, "ev u"))) < 0 ||
		    (r = step(t, "make master shared", mntns_prop(t->m, MS_SHARED))) < 0 ||
		    (r = step(t, "mount master/u", mntns_tmpfs(mntns_path(p, t->m, "u")))) < 0 ||
		    (r = step(t, "rbind master to A", mntns_rbind(t->m, t->a))) < 0)
			return r;
		if (src_private) {
			if ((r = step(t, "make A private", mntns_prop(t->a, MS_PRIVATE))) < 0)
				return r;
		} else {
			if (!nocut && (r = step(t, "make A slave", mntns_prop(t->a, MS_SLAVE))) < 0)
				return r;
			if (row->src == MNS_SHARED_SLAVE &&
			    (r = step(t, "make A shared", mntns_prop(t->a, MS_SHARED))) < 0)
				return r;
		}
	} else {
		/* A shared (private and unbindable are set after the former peer exists). */
		if ((r = step(t, "mount A", mntns_tmpfs(t->a))) < 0 ||
		    (r = step(t, "mkdir in A", mntns_mkdirs(t->a, "ev u"))) < 0 ||
		    (r = step(t, "make A shared",
			      mntns_prop(t->a, src_private ? MS_PRIVATE : MS_SHARED))) < 0 ||
		    (r = step(t, "mount A/u", mntns_tmpfs(mntns_path(p, t->a, "u")))) < 0)
			return r;
	}
	if (row->obs == OBS_FORMER_PEER && (r = step(t, "rbind A", mntns_rbind(t->a, t->o))) < 0)
		return r;
	if ((row->src == MNS_PRIVATE || row->src == MNS_UNBINDABLE) && !nocut &&
	    (r = step(t, "set A's type", mntns_prop(t->a, mntns_type_flag(row->src)))) < 0)
		return r;
	switch (row->obs) {
	case OBS_PEER:
	case OBS_BIND:
		return step(t, "rbind A", mntns_rbind(t->a, t->o));
	case OBS_SLAVE:
		if ((r = step(t, "rbind A", mntns_rbind(t->a, t->o))) < 0)
			return r;
		return step(t, "make the copy slave", mntns_prop(t->o, MS_SLAVE));
	case OBS_PRIVATE_COPY:
		if ((r = step(t, "rbind A", mntns_rbind(t->a, t->o))) < 0)
			return r;
		return nocut ? 0 : step(t, "make the copy private", mntns_prop(t->o, MS_PRIVATE));
	case OBS_SELF:
	case OBS_FORMER_PEER:
	case OBS_MASTER:
		break;
	}
	return 0;
}

/* Does the mountinfo of observer say that events under src reach it? */
static bool fields_predict(const struct mntns_mi *src, const struct mntns_mi *obs)
{
	return src->shared && (obs->shared == src->shared || obs->master == src->shared);
}

/*
 * One body for the matrix (the variant is a struct prop_row): an event under A of
 * the row's type, mounted or unmounted here or in a CLONE_NEWNS namespace, reaches
 * the observer exactly as sharedsubtree.rst (the row's section, and 5e for mount,
 * 5f for umount) says, and the optional fields of mountinfo predict it. The
 * control leaves out what the row names: A made private, no CLONE_NEWNS, or no
 * operation that cuts propagation.
 */
static enum iso_verdict prop_case(struct iso_ctx *ctx)
{
	const struct prop_row *row = iso_ctx_arg(ctx);
	enum prop_event ev = row->ev;
	bool control = iso_ctx_is_control(ctx);
	const char *evname = ev == EV_MOUNT ? "mount" : "umount";
	bool other = row->ev_ns == MNS_OTHER || row->obs_ns == MNS_OTHER;
	bool newns = !(control && row->ctl == CTL_NO_NEWNS);
	struct prop_tree t = { .step = "" };
	_cleanup_pid_ pid_t holder = 0;
	pid_t ev_pid, obs_pid;
	struct mntns_mi src, obs;
	char src_f[96], obs_f[96], evp[PATH_MAX], obsp[PATH_MAX];
	const char *obs_root;
	bool reached, predicted;
	int r;

	r = mntns_scratch(ctx, t.r, sizeof(t.r));
	if (r == -ENODEV)
		return iso_skip(ctx, "tmpfs is not available (CONFIG_TMPFS)");
	if (r < 0)
		return iso_broken(ctx, r, "mount a scratch tmpfs at %s", t.r);
	r = prop_build(row, control, &t);
	if (r < 0)
		return iso_broken(ctx, r, "setup: %s", t.step);
	if (other) {
		holder = mntns_holder(newns);
		if (holder < 0)
			return iso_broken(ctx, holder, "clone(%s)", newns ? "CLONE_NEWNS" : "0");
		if (newns && iso_ns_ino(holder, "mnt") == iso_ns_ino(0, "mnt"))
			return iso_broken(ctx, 0,
					  "clone(CLONE_NEWNS) left the child in our namespace");
	}
	ev_pid = row->ev_ns == MNS_OTHER ? holder : 0;
	obs_pid = row->obs_ns == MNS_OTHER ? holder : 0;
	obs_root = row->obs == OBS_SELF ? t.a : row->obs == OBS_MASTER ? t.m : t.o;

	/* What mountinfo says about the two mounts, before the event. */
	if (mntns_mi_find(ev_pid, t.a, &src) != 1)
		return iso_broken(ctx, 0, "%s is not in the mountinfo of pid %d", t.a, (int)ev_pid);
	if (mntns_mi_find(obs_pid, obs_root, &obs) != 1)
		return iso_broken(ctx, 0, "%s is not in the mountinfo of pid %d", obs_root,
				  (int)obs_pid);
	mntns_mi_fields(&src, src_f, sizeof(src_f));
	mntns_mi_fields(&obs, obs_f, sizeof(obs_f));
	iso_note(ctx, "source_fields", "%s", src_f);
	iso_note(ctx, "observer_fields", "%s", obs_f);
	iso_note(ctx, "namespaces", "event %s, observer %s", ev_pid ? "other" : "here",
		 obs_pid ? "other" : "here");
	predicted = fields_predict(&src, &obs);

	if (ev == EV_MOUNT) {
		mntns_path(evp, t.a, "ev");
		mntns_path(obsp, obs_root, "ev");
	} else {
		mntns_path(evp, t.a, "u");
		mntns_path(obsp, obs_root, "u");
		if (mntns_mi_find(obs_pid, obsp, NULL) != 1)
			return iso_broken(ctx, 0, "setup: %s is not mounted before the umount",
					  obsp);
	}
	r = mntns_in_ns(ctx, ev_pid, ev == EV_MOUNT ? mntns_op_tmpfs : mntns_op_umount, evp);
	if (r < 0)
		return iso_broken(ctx, r, "%s %s%s", evname, evp,
				  ev_pid ? " (other namespace)" : "");
	r = mntns_mi_find(obs_pid, obsp, NULL);
	if (r < 0)
		return iso_broken(ctx, r, "read the observer's mountinfo");
	reached = ev == EV_MOUNT ? r == 1 : r == 0;
	iso_note(ctx, "reached", "%s", reached ? "yes" : "no");

	if (reached != row->reaches)
		return iso_fail(ctx,
				"%s under %s A (%s) %s %s (%s)%s; sharedsubtree.rst %s says it %s",
				evname, mntns_type_name(row->src), src_f,
				reached ? "reached" : "did not reach", obs_name(row->obs), obs_f,
				other ? " across mount namespaces" : "", row->sec,
				row->reaches ? "does" : "does not");
	if (predicted != reached)
		return iso_fail(
			ctx,
			"mountinfo disagrees with behaviour: source %s, observer %s predict "
			"%s, but the %s %s",
			src_f, obs_f, predicted ? "propagation" : "none", evname,
			reached ? "propagated" : "did not propagate");
	if (!mntns_fields_are(&src, row->src))
		return iso_fail(ctx,
				"the source's mountinfo fields '%s' are not those of a %s mount",
				src_f, mntns_type_name(row->src));
	/* The copy of an unbindable mount: clone_newns_copy_of_unbindable_is_unbindable. */
	if (row->obs == OBS_SELF && (src.shared != obs.shared || src.master != obs.master))
		return iso_fail(ctx,
				"the CLONE_NEWNS copy has fields '%s', the original '%s': a cloned "
				"namespace keeps each mount's groups (sharedsubtree.rst 5g)",
				obs_f, src_f);
	return ISO_PASS;
}

/*
 * The matrix, sharedsubtree.rst 5a-5g:
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
#define PROP_ROWS(X)                                                                               \
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

/* One row of PROP_ROWS: the mount case (sharedsubtree.rst 5e), then the umount case (5f). */
#define PROP_CASE(id, ev, event, sec_ev, src, obs, ev_ns, obs_ns, reaches, ctl, what, sec)    \
	ISO_VARIANT(id, prop_case,                                                            \
		    ISO_ARG(struct prop_row, ev, src, obs, ev_ns, obs_ns, reaches, ctl, what, \
			    sec),                                                             \
		    .doc = event " " what " (sharedsubtree.rst " sec ", " sec_ev ")",         \
		    .timeout_ms = 5000, .req = MNTNS_REQ),
#define PROP_CASES(prefix, outcome, ...)                                            \
	PROP_CASE(prefix##_mount_##outcome, EV_MOUNT, "a mount", "5e", __VA_ARGS__) \
	PROP_CASE(prefix##_umount_##outcome, EV_UMOUNT, "an umount", "5f", __VA_ARGS__)

static const struct iso_case cases[] = { PROP_ROWS(PROP_CASES) };

const struct iso_cases mntns_propagation_cases = ISO_CASES(cases);
