#!/usr/bin/env bash
# Integration test of the cgroup.memory, cgroup.pids and cgroup.freezer suites on the real
# kernel: every case passes or skips (with a reason), every negative control fails as
# expected, the limited groups never take the runner with them, and nothing is left behind.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

SUITES=(cgroup.memory cgroup.pids cgroup.freezer)
FILTERS=()
for s in "${SUITES[@]}"; do FILTERS+=(--filter "$s.*"); done
listed=$("$ISOBENCH" list --json "${FILTERS[@]}" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check_suite cgmem "$listed" 30000 "${FILTERS[@]}"
noreason=$(json "$TMP/cgmem-run/results.json" '" ".join(c["id"] for c in d["cases"] if c["verdict"] != "pass" and not c["reason"])')
check "every skip has a reason${noreason:+ (not: $noreason)}" test -z "$noreason"
finish
