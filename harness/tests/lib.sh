#!/usr/bin/env bash
# Shared helpers for the integration tests of the tool itself (it_*.sh; the suites are
# ctest entries over `isobench run --with-controls`, see CMakeLists.txt). Each is called as
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
skip() { checks=$((checks + 1)); echo "ok - # SKIP $*"; }
need_root() { if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 0; fi; }

# json FILE EXPR: prints a Python expression evaluated on the document as `d`.
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print(r if not isinstance(r,(list,dict)) else json.dumps(r))' "$1" "$2"; }

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

# killed_run OUTDIR: starts the selftest case that sleeps, SIGKILLs the runner 1.5 s in and
# prints the tag of the run it leaves (the new state dir under /run/isobench). Needs
# ISOBENCH_SELFTEST=1.
killed_run() {
	local pid
	ls /run/isobench 2>/dev/null | sort >"$TMP/runs.before"
	"$ISOBENCH" run --filter selftest.sleeps --out "$1" >/dev/null 2>&1 &
	pid=$!
	sleep 1.5
	kill -KILL $pid
	wait $pid 2>/dev/null
	ls /run/isobench | sort | comm -13 "$TMP/runs.before" - | head -1
}

finish() {
	echo "# $checks checks, $fails failed"
	echo "$((checks - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
	exit $?
}
