#!/usr/bin/env bash
# Integration test of the pidns suite on the real kernel: every case passes or skips (with
# a reason), every negative control fails as expected, every case is documented, every
# cell of the PID 1 signal matrix is reported, both runs are quick, and neither leaves
# anything of its run tag behind.
# shellcheck source=../../harness/tests/lib.sh
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

count_of() { json "$1" "len([c for c in d['cases'] if c['suite'] == 'pidns'])"; }

# ---- the cases ----
run_suite "$TMP/run" --filter 'pidns.*' -v
rc=$?
check "isobench run exits 0 (rc $rc) with a results.json" test "$rc" -eq 0 -a -s "$TMP/run/results.json"
n=$(count_of "$TMP/run/results.json")
check "the suite has its cases ($n)" test "$n" -ge 23
bad=$(not_verdicts "$TMP/run/results.json" pass skip)
[ -z "$bad" ] || printf '%s\n' "$bad"
check "every pidns case passes or skips" test -z "$bad"
json "$TMP/run/results.json" '"\n".join(c["id"] + ": " + c["reason"] for c in d["cases"] if c["verdict"] == "skip")' |
	sed -n 's/^./# skip: &/p'
undoc=$(json "$TMP/run/results.json" '" ".join(c["id"] for c in d["cases"] if c["suite"] == "pidns" and not c.get("doc"))')
check "every pidns case has a doc line in results.json${undoc:+ (missing: $undoc)}" test -z "$undoc"
# Each signal case notes all six signals: SIGTERM SIGINT SIGHUP SIGUSR1 SIGKILL SIGSTOP.
cells=$(json "$TMP/run/results.json" 'sum(1 for c in d["cases"] if c["id"].startswith("pidns.init_signal_from_") and c["verdict"] == "pass" for s in ("SIGTERM", "SIGINT", "SIGHUP", "SIGUSR1", "SIGKILL", "SIGSTOP") if s in c.get("observed", {}))')
check "the PID 1 signal matrix reports all 36 cells ($cells)" test "$cells" -eq 36
json "$TMP/run/results.json" '"\n".join(c["id"][len("pidns.init_signal_from_"):] + " " + s + ": " + c["observed"][s] for c in d["cases"] if c["id"].startswith("pidns.init_signal_from_") for s in ("SIGTERM", "SIGINT", "SIGHUP", "SIGUSR1", "SIGKILL", "SIGSTOP") if s in c.get("observed", {}))' |
	sed 's/^/# /'
check "KTAP reports the totals" grep -q '^# Totals: ' "$TMP/run.ktap"
grep '^# Totals: ' "$TMP/run.ktap"
tag=$(tag_of "$TMP/run/results.json")
left=$(leftovers_of "$tag")
[ -z "$left" ] || printf 'leftover: %s\n' $left
check "no leftovers of run $tag" test -z "$left"
ms=$(json "$TMP/run/results.json" 'int(d["run"]["wall_ms"])')
echo "# cases: $n in $ms ms"
check "the cases run in under 10 s ($ms ms)" test "$ms" -lt 10000

# ---- the negative controls: each must fail, which the runner reports as pass ----
run_suite "$TMP/ctl" --filter 'pidns.*' --controls -v
rc=$?
check "isobench run --controls exits 0 (rc $rc)" test "$rc" -eq 0
bad=$(not_verdicts "$TMP/ctl/results.json" pass skip)
[ -z "$bad" ] || printf '%s\n' "$bad"
check "every negative control fails as expected" test -z "$bad"
nc=$(count_of "$TMP/ctl/results.json")
check "controls ran for every case ($nc of $n)" test "$nc" -eq "$n"
raw=$(json "$TMP/ctl/results.json" '" ".join(c["id"] for c in d["cases"] if c["verdict"] == "pass" and not c["reason"].startswith("negative control failed as expected"))')
check "every control that passed did so by failing${raw:+ (not: $raw)}" test -z "$raw"
grep '^# Totals: ' "$TMP/ctl.ktap"
tag=$(tag_of "$TMP/ctl/results.json")
left=$(leftovers_of "$tag")
[ -z "$left" ] || printf 'leftover: %s\n' $left
check "no leftovers of controls run $tag" test -z "$left"
ms=$(json "$TMP/ctl/results.json" 'int(d["run"]["wall_ms"])')
echo "# controls: $nc in $ms ms"
check "the controls run in under 10 s ($ms ms)" test "$ms" -lt 10000

finish
