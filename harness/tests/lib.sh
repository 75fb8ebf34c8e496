#!/usr/bin/env bash
# Shared helpers for the integration tests (it_*.sh). Each test is called by ctest as
#   bash it_X.sh /path/to/isobench /path/to/source
# and sources this file. Tests talk to the real kernel; they need root for most checks.
set -u
ISOBENCH=${1:?usage: it_X.sh ISOBENCH SOURCE_DIR}
SRC=${2:?usage: it_X.sh ISOBENCH SOURCE_DIR}
TMP=$(mktemp -d /tmp/isobench-it.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fails=0
checks=0

ok() { checks=$((checks + 1)); echo "ok - $*"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: passes if the command succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
need_root() { if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 0; fi; }

# json FILE EXPR: prints a Python expression evaluated on the document as `d`.
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print(r if not isinstance(r,(list,dict)) else json.dumps(r))' "$1" "$2"; }

# verdicts FILE: "id verdict" lines
verdicts() { python3 -c 'import json,sys; [print(c["id"], c["verdict"]) for c in json.load(open(sys.argv[1]))["cases"]]' "$1"; }

# not_verdicts FILE V1 [V2...]: prints cases whose verdict is none of the given ones, with reasons
not_verdicts() { python3 -c 'import json,sys; ok=sys.argv[2:]; [print(c["id"], c["verdict"], c["reason"]) for c in json.load(open(sys.argv[1]))["cases"] if c["verdict"] not in ok]' "$@"; }

# run_suite OUTDIR ARGS...: runs `isobench run --out OUTDIR ARGS`, prints KTAP to OUTDIR/ktap, returns the exit code
run_suite() { local out=$1; shift; "$ISOBENCH" run --out "$out" "$@" >"$out.ktap" 2>"$out.err"; }

# leftovers: prints isobench objects still present on the host (cgroups, state, netns, links)
leftovers() {
	local d
	for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		find "$d" -maxdepth 3 -type d -name 'isobench-*' 2>/dev/null
	done | sort -u
	ls /run/netns 2>/dev/null | grep '^isb' || true
	ip -o link 2>/dev/null | awk -F': ' '{print $2}' | grep '^isb' || true
	ls /run/isobench 2>/dev/null || true
}
# leftovers_of TAG: only objects of one run (other runs may be going on concurrently)
leftovers_of() { leftovers | grep -- "$1" || true; }
# tag_of FILE: the run tag in a results.json
tag_of() { json "$1" 'd["run"]["tag"]'; }

# check_suite NAME FILTER MIN_CASES MAX_MS: runs the cases of FILTER and then their negative
# controls, and checks: exit 0, at least MIN_CASES cases, every case passes or skips (skips
# are printed with their reasons), every control fails as expected (reported as pass),
# controls ran for every case, each run under MAX_MS, and nothing of either run's tag left.
# Leaves the results in $TMP/NAME-run and $TMP/NAME-ctl for further checks.
check_suite() {
	local name=$1 filter=$2 min=$3 max_ms=$4 mode out rc n nrun=0 bad left ms tag
	for mode in run ctl; do
		out="$TMP/$name-$mode"
		if [ $mode = run ]; then run_suite "$out" --filter "$filter"; else run_suite "$out" --filter "$filter" --controls; fi
		rc=$?
		check "$name $mode: exit 0 (rc $rc) with results.json" test "$rc" -eq 0 -a -s "$out/results.json"
		[ -s "$out/results.json" ] || continue
		n=$(json "$out/results.json" 'len(d["cases"])')
		if [ $mode = run ]; then
			nrun=$n
			check "$name: at least $min cases ($n)" test "$n" -ge "$min"
		else
			check "$name: a control for every case ($n of $nrun)" test "$n" -eq "$nrun"
		fi
		bad=$(not_verdicts "$out/results.json" pass skip)
		[ -z "$bad" ] || printf '%s\n' "$bad"
		check "$name $mode: every ${mode/ctl/control} ${mode/run/passes or skips}${mode/ctl/ fails as expected}" test -z "$bad"
		[ $mode = ctl ] && bad=$(json "$out/results.json" '" ".join(c["id"] for c in d["cases"] if c["verdict"] == "pass" and not c["reason"].startswith("negative control failed as expected"))') &&
			check "$name ctl: every pass is a control that failed${bad:+ (not: $bad)}" test -z "$bad"
		json "$out/results.json" '"\n".join(c["id"] + ": " + c["reason"] for c in d["cases"] if c["verdict"] == "skip")' | sed -n 's/^./# skip: &/p'
		grep '^# Totals: ' "$out.ktap"
		ms=$(json "$out/results.json" 'int(d["run"]["wall_ms"])')
		check "$name $mode: under $max_ms ms ($ms ms)" test "$ms" -lt "$max_ms"
		tag=$(tag_of "$out/results.json")
		left=$(leftovers_of "$tag")
		[ -z "$left" ] || printf 'leftover: %s\n' $left
		check "$name $mode: nothing of run $tag left" test -z "$left"
	done
}

finish() {
	echo "# $checks checks, $fails failed"
	echo "$((checks - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
	exit $?
}
