#!/usr/bin/env bash
# Integration test of `isobench bench`: the smoke profile produces a results.json with the
# baselines, ratios and statistics, in under 15 s, and leaves no cgroups behind; a killed
# run is cleaned up by `isobench cleanup`.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

out=$TMP/smoke
t0=$(date +%s.%N)
"$ISOBENCH" bench --profile smoke --out "$out" >"$TMP/smoke.txt" 2>"$TMP/smoke.err"
rc=$?
t1=$(date +%s.%N)
check "bench --profile smoke exits 0 (rc $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$TMP/smoke.err"
wall=$(python3 -c "print(round($t1 - $t0, 1))")
echo "# smoke wall time ${wall}s"
check "smoke profile takes under 15 s (${wall}s)" python3 -c "import sys; sys.exit(not $t1 - $t0 < 15)"
doc=$out/results.json
check "results.json written" [ -s "$doc" ]
check "same document structure as run" \
	[ "$(json "$doc" '",".join(k for k in ["schema","schema_version","run","sysinfo","summary","cases","bench"] if k in d)')" = "schema,schema_version,run,sysinfo,summary,cases,bench" ]
check "cases is an empty array" [ "$(json "$doc" 'd["cases"] == []')" = True ]
check "run mode is bench" [ "$(json "$doc" 'd["run"]["mode"]')" = bench ]
check "sysinfo has the CPU" [ "$(json "$doc" '"cpu" in d["sysinfo"]')" = True ]
for id in baseline.clock_pair baseline.getpid baseline.unshare0 baseline.fork baseline.vfork; do
	check "$id: ok, n > 0, p50 > 0" [ "$(json "$doc" "[r for r in d['bench']['results'] if r['id']=='$id' and r['status']=='ok' and r['n']>0 and r['stats']['p50']>0] != []")" = True ]
done
check "every ok result has ratios to getpid and fork" [ "$(json "$doc" "all(isinstance(r['ratio']['getpid'], float) and isinstance(r['ratio']['fork'], float) for r in d['bench']['results'] if r['status']=='ok')")" = True ]
check "getpid ratio of getpid is 1" [ "$(json "$doc" "[round(r['ratio']['getpid'],6) for r in d['bench']['results'] if r['id']=='baseline.getpid'][0]")" = 1.0 ]
check "statistics complete" [ "$(json "$doc" "all(set(['min','p50','p90','p99','max','mean','stddev','mad','ci95_lo','ci95_hi','outliers','cv_reps']) <= set(r['stats']) and r['stats']['min'] <= r['stats']['p50'] <= r['stats']['max'] for r in d['bench']['results'] if r['status']=='ok')")" = True ]
check "raw samples kept (n of them, at most 2000)" [ "$(json "$doc" "all(len(r['samples']) == min(r['n'], 2000) for r in d['bench']['results'] if r['status']=='ok')")" = True ]
check "skips carry a reason" [ "$(json "$doc" "all(r['reason'] for r in d['bench']['results'] if r['status']!='ok')")" = True ]
check "harness overhead at most a quarter of getpid" [ "$(json "$doc" 'd["bench"]["overhead_ok"]')" = True ]
check "a cgroup benchmark ran" [ "$(json "$doc" "[r['status'] for r in d['bench']['results'] if r['id']=='cgroup.attach.v2.gap0ms'][0]")" != error ]
check "table printed" grep -q '^baseline.getpid' "$TMP/smoke.txt"
check "repetitions interleaved: every ok result has one per round" [ "$(json "$doc" "d['bench']['rounds'] >= 2 and all(r['reps'] == d['bench']['rounds'] for r in d['bench']['results'] if r['status']=='ok')")" = True ]
check "workers run with a fixed address-space layout by default" [ "$(json "$doc" 'd["bench"]["aslr"]')" = False ]
check "no bench worker process remains" [ -z "$(pgrep -f '__bench-worker' || true)" ]
"$ISOBENCH" __bench-worker >/dev/null 2>"$TMP/worker.err"
rc=$?
check "the worker command alone: exit 64 and one line (rc $rc)" [ "$rc" -eq 64 ] && [ "$(wc -l <"$TMP/worker.err")" -eq 1 ]
"$ISOBENCH" bench --profile smoke --filter clone3.pid --aslr --rounds 6 --out "$TMP/aslr" >/dev/null 2>&1
check "--aslr keeps randomization and says so" [ "$(json "$TMP/aslr/results.json" 'd["bench"]["aslr"]')" = True ]
check "--rounds 6: six repetitions, CIs over repetitions" [ "$(json "$TMP/aslr/results.json" "d['bench']['rounds'] == 6 and all(r['reps'] == 6 and r['stats']['ci_unit'] == 'repetition' for r in d['bench']['results'] if r['status']=='ok')")" = True ]
check "smoke (2 rounds): CIs over samples" [ "$(json "$doc" "all(r['stats']['ci_unit'] == 'sample' for r in d['bench']['results'] if r['status']=='ok')")" = True ]
"$ISOBENCH" bench --rounds 1 >/dev/null 2>"$TMP/rounds.err"
rc=$?
check "--rounds 1: exit 64, one line (rc $rc)" [ "$rc" -eq 64 ] && [ "$(wc -l <"$TMP/rounds.err")" -eq 1 ]
tag=$(tag_of "$doc")
left=$(leftovers_of "$tag")
check "no leftovers of run $tag" [ -z "$left" ]
[ -z "$left" ] || echo "$left"

# A run killed in the middle leaves its cgroups to `isobench cleanup`.
"$ISOBENCH" bench --profile smoke --filter cgroup --out "$TMP/killed" >/dev/null 2>&1 &
pid=$!
sleep 0.6
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
"$ISOBENCH" cleanup >"$TMP/cleanup.txt" 2>&1
check "a killed run leaves no worker process behind" [ -z "$(pgrep -f '__bench-worker' || true)" ]
check "cleanup after a killed run leaves no bench cgroups of dead runs" \
	[ -z "$(leftovers | grep -- '-bench$' | while read -r d; do t=${d##*isobench-}; t=${t%%-*}; [ -d "/run/isobench/$t" ] || echo "$d"; done)" ]
finish
