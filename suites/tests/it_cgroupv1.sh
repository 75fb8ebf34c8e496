#!/usr/bin/env bash
# Integration test of the cgroupv1 suite (hierarchy rules, release agent, clone_children) on
# the real kernel, plus the rule this suite is most likely to break: no named hierarchy of
# its runs may outlive them, and the host's own hierarchies keep their cgroups.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root
before=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d ! -name 'isobench-*' 2>/dev/null | sort)
check_suite cgroupv1 'cgroupv1.*' 9 30000
for m in run ctl; do
	tag=$(tag_of "$TMP/cgroupv1-$m/results.json")
	check "cgroupv1 $m: no named hierarchy of run $tag left" bash -c "! grep -q 'name=isb$tag' /proc/self/cgroup"
done
after=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d ! -name 'isobench-*' 2>/dev/null | sort)
check "the host's top-level cgroups are untouched" test "$before" = "$after"
finish
