#!/usr/bin/env bash
# Integration test of the composition suites (rootfs, overlay, privileges, pods, netdev) on
# the real kernel: every case passes or skips (with a reason), every negative control fails
# as expected, and neither run leaves anything of its tag behind.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

SUITES=(rootfs overlay privileges pods netdev)
FILTERS=()
for s in "${SUITES[@]}"; do FILTERS+=(--filter "$s.*"); done
check_suite compose 25 30000 "${FILTERS[@]}"
finish
