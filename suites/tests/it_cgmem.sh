#!/usr/bin/env bash
# Integration test of the cgroup.memory, cgroup.pids and cgroup.freezer suites on the real
# kernel: every case passes or skips (with a reason), every negative control fails as
# expected (so each passing case is shown able to fail), and neither run leaves anything.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

FILTER=(--filter 'cgroup.memory.*' --filter 'cgroup.pids.*' --filter 'cgroup.freezer.*')
listed=$("$ISOBENCH" list --json "${FILTER[@]}" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

# verdict_reasons FILE VERDICT: "id: reason" of the cases with that verdict
verdict_reasons() { python3 -c 'import json,sys; [print("#   %s: %s" % (c["id"], c["reason"])) for c in json.load(open(sys.argv[1]))["cases"] if c["verdict"] == sys.argv[2]]' "$1" "$2"; }

t0=$(date +%s.%N)
run_suite "$TMP/run" "${FILTER[@]}"
rc=$?
t1=$(date +%s.%N)
echo "# run: $(tail -n 2 "$TMP/run.err" | head -n 1)"
check "run exits 0" [ "$rc" -eq 0 ]
check "run wrote results.json" [ -s "$TMP/run/results.json" ]
n=$(json "$TMP/run/results.json" 'len(d["cases"])')
check "all $listed listed cases ran ($n)" [ "$n" -eq "$listed" ]
others=$(not_verdicts "$TMP/run/results.json" pass skip)
[ -n "$others" ] && echo "$others" | sed 's/^/#   /'
check "every case passes or skips" [ -z "$others" ]
echo "# skipped:"
verdict_reasons "$TMP/run/results.json" skip
noreason=$(python3 -c 'import json,sys; [print(c["id"]) for c in json.load(open(sys.argv[1]))["cases"] if c["verdict"] != "pass" and not c["reason"]]' "$TMP/run/results.json")
check "every skip has a reason" [ -z "$noreason" ]
check "KTAP totals line" grep -q '^# Totals: ' "$TMP/run.ktap"
tag=$(tag_of "$TMP/run/results.json")
left=$(leftovers_of "$tag")
[ -n "$left" ] && echo "$left" | sed 's/^/#   left: /'
check "no leftovers of run $tag" [ -z "$left" ]

run_suite "$TMP/ctl" --controls "${FILTER[@]}"
rc=$?
t2=$(date +%s.%N)
echo "# controls: $(tail -n 2 "$TMP/ctl.err" | head -n 1)"
check "controls run exits 0" [ "$rc" -eq 0 ]
others=$(not_verdicts "$TMP/ctl/results.json" pass skip)
[ -n "$others" ] && echo "$others" | sed 's/^/#   /'
check "every control fails as expected or skips" [ -z "$others" ]
unproven=$(python3 -c '
import json,sys
run = {c["id"]: c["verdict"] for c in json.load(open(sys.argv[1]))["cases"]}
for c in json.load(open(sys.argv[2]))["cases"]:
    if run.get(c["id"]) == "pass" and not (c["verdict"] == "pass" and c["reason"].startswith("negative control failed as expected")):
        print(c["id"], c["verdict"], c["reason"])' "$TMP/run/results.json" "$TMP/ctl/results.json")
[ -n "$unproven" ] && echo "$unproven" | sed 's/^/#   /'
check "every case that passed has a control that failed" [ -z "$unproven" ]
tag=$(tag_of "$TMP/ctl/results.json")
left=$(leftovers_of "$tag")
[ -n "$left" ] && echo "$left" | sed 's/^/#   left: /'
check "no leftovers of controls run $tag" [ -z "$left" ]
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "# wall: run %.1f s, controls %.1f s\n", b - a, c - b }'
finish
