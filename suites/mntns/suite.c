// SPDX-License-Identifier: MIT
/*
 * The mount-namespace suite "mntns": mount propagation (shared, slave,
 * shared-and-slave, private, unbindable) within and across mount namespaces,
 * recursive changes, bind/rbind/move semantics, locked mounts in less privileged
 * namespaces, and the copy a new namespace starts with. Every case builds its tree
 * on tmpfs mounts below its own directory, inside the private mount namespace the
 * runner gave it; nothing touches the host's mounts.
 *
 * The cases live in propagation.c (the matrix, sharedsubtree.rst 5a-5g), tree.c,
 * newns.c and locked.c, each file with its own table.
 */
#include "mntns.h"

const struct iso_suite iso_suite_mntns = ISO_SUITE_PARTS("mntns", &mntns_propagation_cases,
							 &mntns_tree_cases, &mntns_newns_cases,
							 &mntns_locked_cases);
