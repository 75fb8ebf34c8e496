#!/usr/bin/env bash
# Integration test of the cgroupv1 suite (hierarchy rules, release agent, clone_children) on
# the real kernel, plus the rule this suite is most likely to break: no named hierarchy of
# its runs may outlive them, and the host's own hierarchies keep their cgroups.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root
before=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d ! -name 'isobench-*' 2>/dev/null | sort)
extra_leftovers() { grep "name=isb$1" /proc/self/cgroup || true; }
check_suite cgroupv1 9 30000 --filter 'cgroupv1.*'
after=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d ! -name 'isobench-*' 2>/dev/null | sort)
check "the host's top-level cgroups are untouched" test "$before" = "$after"
finish
