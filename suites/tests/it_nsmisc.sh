#!/usr/bin/env bash
# Integration test of the userns, utsns, ipcns, cgroupns, timens and nsgeneric suites on the
# real kernel: every case passes or skips (with a reason), every negative control fails as
# expected, and the runs leave nothing of theirs behind, nor change what the cases must not
# touch on the host (hostname, domain name, SysV IPC, cgroup2 options, user.* limits).
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

SUITES=(userns utsns ipcns cgroupns timens nsgeneric)
FILTERS=()
for s in "${SUITES[@]}"; do FILTERS+=(--filter "$s.*"); done

# host_state: what the cases work around but must leave as it is.
host_state() {
	hostname
	cat /proc/sys/kernel/domainname
	# SysV objects with the ipcns cases' key (0x15b0c0de), which they create only in
	# namespaces of their own
	cat /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg 2>/dev/null |
		awk '$1 == 364953822 {print "sysv", $1, $2}'
	awk '$3 == "cgroup2" {print $2, $4}' /proc/self/mounts
	grep -H . /proc/sys/user/max_*_namespaces 2>/dev/null
	readlink /proc/self/ns/uts /proc/self/ns/ipc /proc/self/ns/time
}

# expect_cases FILE: every suite contributed cases
expect_cases() {
	local f=$1 s n
	for s in "${SUITES[@]}"; do
		n=$(json "$f" "len([c for c in d['cases'] if c['id'].startswith('$s.')])")
		check "$s has cases in $(basename "$(dirname "$f")") ($n)" test "$n" -gt 0
	done
}

before=$(host_state)

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
slow=$(json "$TMP/run/results.json" \
	"' '.join('%s=%.0fms' % (c['id'], c['duration_ms']) for c in d['cases'] if c['duration_ms'] > 1000)")
check "every case takes under 1 s ${slow:+($slow)}" test -z "$slow"
tag=$(tag_of "$TMP/run/results.json")
check "no leftovers of run $tag" test -z "$(leftovers_of "$tag")"

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
# Skips are the same in both modes: a case and its control need the same things.
skips() { json "$1" "' '.join(sorted(c['id'] for c in d['cases'] if c['verdict'] == 'skip'))"; }
check "the same cases skip in both modes" test "$(skips "$TMP/run/results.json")" = "$(skips "$TMP/ctl/results.json")"
grep '^# Totals' "$TMP/ctl.ktap" | sed 's/^/# controls /'
echo "# controls wall time: $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
tag=$(tag_of "$TMP/ctl/results.json")
check "no leftovers of controls run $tag" test -z "$(leftovers_of "$tag")"

after=$(host_state)
[ "$before" != "$after" ] && diff <(echo "$before") <(echo "$after") | sed 's/^/# host changed: /'
check "the host's names, SysV IPC, cgroup2 options and user.* limits are unchanged" \
	test "$before" = "$after"

finish
