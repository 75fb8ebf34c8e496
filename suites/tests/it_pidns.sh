#!/usr/bin/env bash
# Integration test of the pidns suite on the real kernel: every case passes or skips (with
# a reason), every negative control fails as expected, every case is documented, every
# cell of the PID 1 signal matrix is reported, both runs are quick, and neither leaves
# anything of its run tag behind.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

check_suite pidns 23 10000 --filter 'pidns.*'
r=$TMP/pidns-run/results.json
undoc=$(json "$r" '" ".join(c["id"] for c in d["cases"] if not c.get("doc"))')
check "every pidns case has a doc line in results.json${undoc:+ (missing: $undoc)}" test -z "$undoc"
# Each signal case notes all six signals: SIGTERM SIGINT SIGHUP SIGUSR1 SIGKILL SIGSTOP.
sigs='("SIGTERM", "SIGINT", "SIGHUP", "SIGUSR1", "SIGKILL", "SIGSTOP")'
cells=$(json "$r" "sum(1 for c in d['cases'] if c['id'].startswith('pidns.init_signal_from_') and c['verdict'] == 'pass' for s in $sigs if s in c.get('observed', {}))")
check "the PID 1 signal matrix reports all 36 cells ($cells)" test "$cells" -eq 36
json "$r" "'\n'.join(c['id'][len('pidns.init_signal_from_'):] + ' ' + s + ': ' + c['observed'][s] for c in d['cases'] if c['id'].startswith('pidns.init_signal_from_') for s in $sigs if s in c.get('observed', {}))" |
	sed 's/^/# /'
finish
