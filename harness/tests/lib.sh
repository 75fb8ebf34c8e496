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

# Kernel behaviour that contradicts the documentation a case asserts, found by a suite: a
# listed case may fail, but only with a reason matching the pattern (grep -E), and it is
# printed either way. One line each: case id | reason pattern | what is known.
KNOWN_DEVIATIONS=${KNOWN_DEVIATIONS:-}

known_deviation() { # ID REASON: succeeds (and says so) if the failure is a listed deviation
	local id=$1 reason=$2 line pat
	while IFS= read -r line; do
		[ -n "$line" ] && [ "${line%%|*}" = "$id" ] || continue
		pat=${line#*|}
		pat=${pat%%|*}
		if printf '%s' "$reason" | grep -Eq -- "$pat"; then
			echo "# known kernel deviation: $id: ${line##*|}"
			return 0
		fi
	done <<<"$KNOWN_DEVIATIONS"
	return 1
}

# unexpected FILE: "id verdict reason" of cases neither pass nor skip, known deviations aside
unexpected() {
	python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["cases"]:
    if c["verdict"] not in ("pass", "skip"):
        print(c["id"] + "\t" + c["verdict"] + "\t" + c["reason"])' "$1" |
		while IFS=$'\t' read -r id verdict reason; do
			[ "$verdict" = fail ] && known_deviation "$id" "$reason" >&2 && continue
			printf '%s %s %s\n' "$id" "$verdict" "$reason"
		done
}

# check_suite NAME MIN_CASES MAX_MS RUN_ARGS...: runs `isobench run RUN_ARGS` (the suite's
# --filter options) and then the same with --controls, and checks: a results.json, at least
# MIN_CASES cases, every case passes or skips (known deviations aside; skips are printed
# with their reasons), every control fails as expected (reported as pass) and ran for every
# case, the same cases skip in both modes, each suite named in SUITES (if set) has cases,
# each run is under MAX_MS, and nothing of either run's tag is left (plus whatever the
# function extra_leftovers TAG prints, if the test defines it). Results stay in
# $TMP/NAME-run and $TMP/NAME-ctl for further checks.
check_suite() {
	local name=$1 min=$2 max_ms=$3 mode out rc n nrun=0 bad left ms tag s
	shift 3
	for mode in run ctl; do
		out="$TMP/$name-$mode"
		if [ $mode = run ]; then run_suite "$out" "$@"; else run_suite "$out" --controls "$@"; fi
		rc=$?
		check "$name $mode: exit $([ $mode = run ] && [ -n "$KNOWN_DEVIATIONS" ] && echo '0 or 1' || echo 0) (rc $rc), results.json written" \
			test -s "$out/results.json" -a \( "$rc" -eq 0 -o \( "$rc" -eq 1 -a $mode = run -a -n "$KNOWN_DEVIATIONS" \) \)
		[ -s "$out/results.json" ] || continue
		n=$(json "$out/results.json" 'len(d["cases"])')
		if [ $mode = run ]; then
			nrun=$n
			check "$name: at least $min cases ($n)" test "$n" -ge "$min"
		else
			check "$name: a control for every case ($n of $nrun)" test "$n" -eq "$nrun"
		fi
		for s in ${SUITES[@]+"${SUITES[@]}"}; do
			n=$(json "$out/results.json" "len([c for c in d['cases'] if c['suite'] == '$s'])")
			check "$name $mode: suite $s has cases ($n)" test "$n" -gt 0
		done
		if [ $mode = run ]; then
			bad=$(unexpected "$out/results.json")
			check "$name run: every case passes or skips${KNOWN_DEVIATIONS:+ (known deviations aside)}" test -z "$bad"
		else
			bad=$(not_verdicts "$out/results.json" pass skip)
			check "$name ctl: every control fails as expected" test -z "$bad"
			bad=$bad$(json "$out/results.json" '"\n".join(c["id"] for c in d["cases"] if c["verdict"] == "pass" and not c["reason"].startswith("negative control failed as expected"))')
			check "$name ctl: every pass is a control that failed" test -z "$bad"
		fi
		[ -z "$bad" ] || printf '%s\n' "$bad"
		json "$out/results.json" '"\n".join(c["id"] + ": " + c["reason"] for c in d["cases"] if c["verdict"] == "skip")' | sed -n 's/^./# skip: &/p'
		grep '^# Totals: ' "$out.ktap"
		ms=$(json "$out/results.json" 'int(d["run"]["wall_ms"])')
		check "$name $mode: under $max_ms ms ($ms ms)" test "$ms" -lt "$max_ms"
		tag=$(tag_of "$out/results.json")
		left=$(leftovers_of "$tag")
		declare -F extra_leftovers >/dev/null && left=$left$(extra_leftovers "$tag")
		[ -z "$left" ] || printf 'leftover: %s\n' $left
		check "$name $mode: nothing of run $tag left" test -z "$left"
	done
	skips() { json "$1" "' '.join(sorted(c['id'] for c in d['cases'] if c['verdict'] == 'skip'))"; }
	check "$name: the same cases skip in both modes" test "$(skips "$TMP/$name-run/results.json")" = "$(skips "$TMP/$name-ctl/results.json")"
}

finish() {
	echo "# $checks checks, $fails failed"
	echo "$((checks - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
	exit $?
}
