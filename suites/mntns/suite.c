// SPDX-License-Identifier: MIT
/*
 * The mount-namespace suite "mntns": mount propagation (shared, slave,
 * shared-and-slave, private, unbindable) within and across mount namespaces,
 * recursive changes, bind/rbind/move semantics, locked mounts in less privileged
 * namespaces, and the copy a new namespace starts with. Every case builds its tree
 * on tmpfs mounts below its own directory, inside the private mount namespace the
 * runner gave it; nothing touches the host's mounts.
 */
#include <sched.h>

#include "mntns.h"

#define MNS_REQ                                 \
	{                                       \
		.root = true, .ns = CLONE_NEWNS \
	}
#define MNS_REQ_USERNS                                           \
	{                                                        \
		.root = true, .ns = CLONE_NEWNS | CLONE_NEWUSER, \
		.sysctl = "user.max_user_namespaces>=1"          \
	}
#define MNS_CASE(name, text, ...)        \
	{ .id = #name,                   \
	  .doc = text,                   \
	  .run = mntns_##name,           \
	  .control = mntns_##name##_ctl, \
	  .timeout_ms = 5000,            \
	  .req = __VA_ARGS__ },
#define MNS_PROP_CASES(prefix, outcome, src, obs, ev_ns, obs_ns, reaches, ctl, what, sec)         \
	MNS_CASE(prefix##_mount_##outcome, "a mount " what " (sharedsubtree.rst " sec ", 5e)",    \
		 MNS_REQ)                                                                         \
	MNS_CASE(prefix##_umount_##outcome, "an umount " what " (sharedsubtree.rst " sec ", 5f)", \
		 MNS_REQ)
#define MNS_REC_CASE(id, type, setattr, doc) MNS_CASE(id, doc, MNS_REQ)
#define MNS_MOVE_CASE(id, src, dest_shared, ctl, doc) MNS_CASE(id, doc, MNS_REQ)

/* The array is built from macro tables, which clang-format cannot lay out. */
/* clang-format off */
static const struct iso_case cases[] = {
	/* propagation.c: the matrix, sharedsubtree.rst 5a-5g */
	MNTNS_PROP_ROWS(MNS_PROP_CASES)
	/* tree.c */
	MNTNS_REC_ROWS(MNS_REC_CASE)
	MNTNS_MOVE_ROWS(MNS_MOVE_CASE)
	MNS_CASE(move_from_shared_parent_fails_einval,
		 "MS_MOVE of a mount residing under a shared mount fails with EINVAL "
		 "(sharedsubtree.rst 5d note, mount(2))",
		 MNS_REQ)
	MNS_CASE(bind_of_unbindable_fails_einval,
		 "bind and rbind of an unbindable mount fail with EINVAL (sharedsubtree.rst 2d, "
		 "5b.8, mount(2))",
		 MNS_REQ)
	MNS_CASE(rbind_prunes_unbindable_submounts,
		 "rbind copies a tree without its unbindable submounts and what is under them "
		 "(sharedsubtree.rst 5c)",
		 MNS_REQ)
	MNS_CASE(umount_spares_peer_copy_with_submounts,
		 "umount propagation skips a peer's copy that has submounts and removes the rest "
		 "(sharedsubtree.rst 5f)",
		 MNS_REQ)
	MNS_CASE(umount_with_submounts_fails_ebusy,
		 "umount of a mount with submounts fails with EBUSY and removes nothing "
		 "(sharedsubtree.rst 5f, umount(2))",
		 MNS_REQ)
	/* newns.c */
	MNS_CASE(clone_newns_copies_mount_table,
		 "clone(CLONE_NEWNS) starts the namespace with a copy of the parent's mount "
		 "list: same mounts, new mount IDs (mount_namespaces(7))",
		 MNS_REQ)
	MNS_CASE(later_mounts_affect_one_side,
		 "after the copy, mounts and umounts on private mounts affect only their own "
		 "namespace (mount_namespaces(7))",
		 MNS_REQ)
	MNS_CASE(proc_mount_files_are_per_namespace,
		 "/proc/PID/mounts, mountinfo and mountstats list the mounts of PID's mount "
		 "namespace (proc(5), mount_namespaces(7))",
		 MNS_REQ)
	{ .id = "clone_newns_copy_of_unbindable_is_unbindable",
	  .doc = "the CLONE_NEWNS copy of an unbindable mount is unbindable: mountinfo says so and "
		 "bind of it fails with EINVAL (sharedsubtree.rst 5g)",
	  .run = mntns_clone_newns_copy_of_unbindable_is_unbindable,
	  .control = mntns_clone_newns_copy_of_unbindable_is_unbindable_ctl,
	  .timeout_ms = 5000, .req = MNS_REQ,
	  .known = (const struct iso_known[]){
		{ .from = "6.13",
		  .reason = "the CLONE_NEWNS copy of an unbindable mount is not unbindable",
		  .what = "seen on 6.18 (passes on 6.1 and 6.12): the copy loses MNT_UNBINDABLE, "
			  "sharedsubtree.rst 5g says it keeps it" },
		{ 0 } } },
	/* locked.c: mount_namespaces(7) "Restrictions on mount namespaces" */
	MNS_CASE(less_privileged_copy_turns_shared_into_slave,
		 "a mount namespace owned by a new user namespace gets shared mounts as slaves "
		 "(mount_namespaces(7) restriction 2)",
		 MNS_REQ_USERNS)
	MNS_CASE(inherited_mount_is_locked_umount_fails_einval,
		 "in a less privileged mount namespace an inherited mount cannot be unmounted "
		 "(EINVAL) but can be stacked on (mount_namespaces(7) restriction 3)",
		 MNS_REQ_USERNS)
	MNS_CASE(propagated_subtree_umounts_only_as_a_whole,
		 "a subtree propagated into a less privileged namespace cannot be unmounted in "
		 "part (EINVAL), only as a whole (mount_namespaces(7) restriction 4)",
		 MNS_REQ_USERNS)
	MNS_CASE(inherited_read_only_flag_is_locked,
		 "in a less privileged mount namespace an inherited MS_RDONLY cannot be cleared "
		 "(EPERM) (mount_namespaces(7) restriction 5, mount(2))",
		 MNS_REQ_USERNS)
	MNS_CASE(nonrecursive_bind_of_locked_tree_fails_einval,
		 "in a less privileged mount namespace a non-recursive bind of a mount with "
		 "locked submounts fails with EINVAL; MS_REC works (mount(2))",
		 MNS_REQ_USERNS)
};
/* clang-format on */

const struct iso_suite iso_suite_mntns = ISO_SUITE("mntns", cases);
