#!/usr/bin/env bash
# Integration test of the cgroup.cpu, cgroup.cpuset, cgroup.io and cgroup.attach suites on
# the real kernel: every case passes or skips (with a reason), every negative control fails
# as expected, and the runs leave nothing of theirs behind (cgroups, state, loop devices).
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

SUITES=(cgroup.cpu cgroup.cpuset cgroup.io cgroup.attach)
FILTERS=()
for s in "${SUITES[@]}"; do FILTERS+=(--filter "$s.*"); done

# Loop devices bound to a file of this run's state directory (there should be none after it).
loops_of() { losetup -a 2>/dev/null | grep -- "/run/isobench/$1/" || true; }

# expect_cases FILE: every suite contributed cases
expect_cases() {
	local f=$1 s n
	for s in "${SUITES[@]}"; do
		n=$(json "$f" "len([c for c in d['cases'] if c['id'].startswith('$s.')])")
		check "$s has cases in $(basename "$(dirname "$f")")" test "$n" -gt 0
	done
}

t0=$(date +%s.%N)
run_suite "$TMP/run" "${FILTERS[@]}"
rc=$?
t1=$(date +%s.%N)
check "run exits 0 (rc=$rc)" test "$rc" -eq 0
expect_cases "$TMP/run/results.json"
bad=$(not_verdicts "$TMP/run/results.json" pass skip)
[ -n "$bad" ] && echo "$bad" | sed 's/^/# not pass or skip: /'
check "every case passes or skips" test -z "$bad"
json "$TMP/run/results.json" \
	"'\n'.join('# skip: %s: %s' % (c['id'], c['reason']) for c in d['cases'] if c['verdict'] == 'skip')"
grep '^# Totals' "$TMP/run.ktap" | sed 's/^/# run /'
echo "# run wall time: $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
tag=$(tag_of "$TMP/run/results.json")
check "no leftovers of run $tag" test -z "$(leftovers_of "$tag")"
check "no loop devices of run $tag" test -z "$(loops_of "$tag")"

t0=$(date +%s.%N)
run_suite "$TMP/ctl" --controls "${FILTERS[@]}"
rc=$?
t1=$(date +%s.%N)
check "controls run exits 0 (rc=$rc)" test "$rc" -eq 0
expect_cases "$TMP/ctl/results.json"
bad=$(not_verdicts "$TMP/ctl/results.json" pass skip)
[ -n "$bad" ] && echo "$bad" | sed 's/^/# control did not fail: /'
check "every negative control fails as expected (or skips)" test -z "$bad"
# A control that ran must have failed as expected, not passed for another reason.
odd=$(json "$TMP/ctl/results.json" \
	"'\n'.join(c['id'] for c in d['cases'] if c['verdict'] == 'pass' and not c['reason'].startswith('negative control failed as expected'))")
check "passing controls are the ones that failed as expected" test -z "$odd"
grep '^# Totals' "$TMP/ctl.ktap" | sed 's/^/# controls /'
echo "# controls wall time: $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
tag=$(tag_of "$TMP/ctl/results.json")
check "no leftovers of controls run $tag" test -z "$(leftovers_of "$tag")"
check "no loop devices of controls run $tag" test -z "$(loops_of "$tag")"

finish
