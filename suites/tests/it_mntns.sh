#!/usr/bin/env bash
# Integration test of the mntns suite on the real kernel: every case passes or skips (with
# a reason; listed kernel deviations aside), every negative control fails as expected, both
# runs are quick, and neither leaves anything of its run tag behind.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

# Kernel behaviour that contradicts the documentation a case asserts, found by this suite.
KNOWN_DEVIATIONS='
mntns.clone_newns_copy_of_unbindable_is_unbindable|copy of an unbindable mount is not unbindable|seen on 6.18: the CLONE_NEWNS copy loses MNT_UNBINDABLE (sharedsubtree.rst 5g says it keeps it)
'

check_suite mntns 60 20000 --filter 'mntns.*'
finish
