#!/usr/bin/env bash
# Integration test of the container-composition suites (rootfs, overlay, privileges, pods,
# netdev) on the real kernel: every case passes or skips (with a reason), every negative
# control fails as expected, and neither run leaves anything of its run tag behind.
# shellcheck source=../../harness/tests/lib.sh
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

SUITES="rootfs overlay privileges pods netdev"
filters=()
for s in $SUITES; do filters+=(--filter "$s.*"); done

count_of() { # RESULTS.json SUITE
	json "$1" "len([c for c in d['cases'] if c['suite'] == '$2'])"
}
skips() { # RESULTS.json
	json "$1" '"\n".join(c["id"] + ": " + c["reason"] for c in d["cases"] if c["verdict"] == "skip")' |
		sed -n 's/^./# skip: &/p'
}

# ---- the cases ----
run_suite "$TMP/run" "${filters[@]}" -v
rc=$?
check "isobench run exits 0 (rc $rc)" test "$rc" -eq 0
check "results.json written" test -s "$TMP/run/results.json"
for s in $SUITES; do
	n=$(count_of "$TMP/run/results.json" "$s")
	check "suite $s has cases ($n)" test "$n" -ge 3
done
bad=$(not_verdicts "$TMP/run/results.json" pass skip)
[ -z "$bad" ] || printf '%s\n' "$bad"
check "every case passes or skips" test -z "$bad"
skips "$TMP/run/results.json"
check "KTAP reports the totals" grep -q '^# Totals: ' "$TMP/run.ktap"
tag=$(tag_of "$TMP/run/results.json")
left=$(leftovers_of "$tag")
[ -z "$left" ] || printf 'leftover: %s\n' $left
check "no leftovers of run $tag" test -z "$left"
n=$(json "$TMP/run/results.json" 'len(d["cases"])')
ms=$(json "$TMP/run/results.json" 'int(d["run"]["wall_ms"])')
echo "# cases: $n in $ms ms"

# ---- the negative controls: each must fail, which the runner reports as pass ----
run_suite "$TMP/ctl" "${filters[@]}" --controls -v
rc=$?
check "isobench run --controls exits 0 (rc $rc)" test "$rc" -eq 0
bad=$(not_verdicts "$TMP/ctl/results.json" pass skip)
[ -z "$bad" ] || printf '%s\n' "$bad"
check "every negative control fails as expected" test -z "$bad"
nc=$(json "$TMP/ctl/results.json" 'len(d["cases"])')
check "controls ran for every case ($nc of $n)" test "$nc" -eq "$n"
# A control skips only where its case skips too.
extra=$(python3 -c 'import json,sys
run = {c["id"]: c["verdict"] for c in json.load(open(sys.argv[1]))["cases"]}
for c in json.load(open(sys.argv[2]))["cases"]:
    if c["verdict"] == "skip" and run.get(c["id"]) != "skip":
        print(c["id"], c["reason"])' "$TMP/run/results.json" "$TMP/ctl/results.json")
[ -z "$extra" ] || printf '%s\n' "$extra"
check "no control skips where its case ran" test -z "$extra"
tag=$(tag_of "$TMP/ctl/results.json")
left=$(leftovers_of "$tag")
[ -z "$left" ] || printf 'leftover: %s\n' $left
check "no leftovers of controls run $tag" test -z "$left"
ms=$(json "$TMP/ctl/results.json" 'int(d["run"]["wall_ms"])')
echo "# controls: $nc in $ms ms"

finish
