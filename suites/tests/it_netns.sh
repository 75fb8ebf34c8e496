#!/usr/bin/env bash
# Integration test of the netns suite: every case passes or skips, every negative control
# fails as expected, and nothing of either run is left behind; in particular no link named
# isb* is in the host's network namespace (the cases only configure namespaces they made).
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

# host_isb_links: links named isb* in the host network namespace (netlink via ip, and sysfs)
host_isb_links() {
	{
		ip -o link 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//'
		ls /sys/class/net 2>/dev/null
	} | grep '^isb' | sort -u || true
}

ncases=$("$ISOBENCH" list --filter 'netns.*' | awk '/ cases$/ {print $1}')
check "netns suite has cases (${ncases:-0})" test "${ncases:-0}" -gt 0

t0=$(date +%s%N)
run_suite "$TMP/run" --filter 'netns.*' -v
rc=$?
t1=$(date +%s%N)
check "run exits 0 (rc=$rc)" test "$rc" -eq 0
check "run wrote results.json" test -s "$TMP/run/results.json"
got=$(json "$TMP/run/results.json" 'len(d["cases"])')
check "run has all $ncases cases ($got)" test "$got" = "$ncases"
bad_cases=$(not_verdicts "$TMP/run/results.json" pass skip)
[ -n "$bad_cases" ] && echo "$bad_cases" | sed 's/^/# /'
check "every case passes or skips" test -z "$bad_cases"
json "$TMP/run/results.json" '"\n".join(c["id"] + ": " + c["reason"] for c in d["cases"] if c["verdict"] == "skip")' |
	grep . | sed 's/^/# skip: /'
grep -E '^# Totals' "$TMP/run.ktap" | sed 's/^/# run: /'
echo "# run wall time: $(((t1 - t0) / 1000000)) ms"
tag=$(tag_of "$TMP/run/results.json")
left=$(leftovers_of "$tag")
[ -n "$left" ] && echo "$left" | sed 's/^/# left: /'
check "no leftovers of run $tag" test -z "$left"
links=$(host_isb_links)
[ -n "$links" ] && echo "$links" | sed 's/^/# host link: /'
check "no isb* link in the host netns after the run" test -z "$links"

t0=$(date +%s%N)
run_suite "$TMP/controls" --filter 'netns.*' --controls -v
rc=$?
t1=$(date +%s%N)
check "controls run exits 0 (rc=$rc)" test "$rc" -eq 0
got=$(json "$TMP/controls/results.json" 'len(d["cases"])')
check "controls run has all $ncases cases ($got)" test "$got" = "$ncases"
bad_ctl=$(python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["cases"]:
    if c["verdict"] == "skip":
        continue
    if c["verdict"] != "pass" or c.get("control_verdict") != "fail":
        print(c["id"], c["verdict"], c.get("control_verdict"), c["reason"])' "$TMP/controls/results.json")
[ -n "$bad_ctl" ] && echo "$bad_ctl" | sed 's/^/# /'
check "every negative control fails as expected" test -z "$bad_ctl"
grep -E '^# Totals' "$TMP/controls.ktap" | sed 's/^/# controls: /'
echo "# controls wall time: $(((t1 - t0) / 1000000)) ms"
tag=$(tag_of "$TMP/controls/results.json")
left=$(leftovers_of "$tag")
[ -n "$left" ] && echo "$left" | sed 's/^/# left: /'
check "no leftovers of controls run $tag" test -z "$left"
links=$(host_isb_links)
[ -n "$links" ] && echo "$links" | sed 's/^/# host link: /'
check "no isb* link in the host netns after the controls" test -z "$links"

finish
