#!/usr/bin/env bash
# Integration test of the cgroup.cpu, cgroup.cpuset, cgroup.io and cgroup.attach suites on
# the real kernel: every case passes or skips (with a reason), every negative control fails
# as expected, and the runs leave nothing of theirs behind (cgroups, state, loop devices).
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

SUITES=(cgroup.cpu cgroup.cpuset cgroup.io cgroup.attach)
FILTERS=()
for s in "${SUITES[@]}"; do FILTERS+=(--filter "$s.*"); done

# extra_leftovers TAG: loop devices bound to a file of the run's state directory
extra_leftovers() { losetup -a 2>/dev/null | grep -- "/run/isobench/$1/" || true; }
check_suite cgcpu 20 40000 "${FILTERS[@]}"
finish
