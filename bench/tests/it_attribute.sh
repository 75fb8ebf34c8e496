#!/usr/bin/env bash
# Integration test of `isobench bench --attribute`: a profiled repetition per operation
# after the timed rounds gives each result an attribution (kernel functions on CPU, waits
# off CPU, kworker time after), valid against the schema; the report draws its flame
# graph; without permission it says why in one line per operation and the timings run.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

out=$TMP/attr
"$ISOBENCH" bench --attribute --profile smoke --filter unshare.net.cold \
	--filter cgroup.attach.v2.gap0ms --out "$out" >"$TMP/attr.txt" 2>"$TMP/attr.err"
rc=$?
check "bench --attribute exits 0 (rc $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$TMP/attr.err"
doc=$out/results.json
check "results.json validates against the schema" python3 "$SRC/reports/schema/validate.py" "$doc"
check "bench.attribute is true" [ "$(json "$doc" 'd["bench"]["attribute"]')" = True ]
check "baselines carry no attribution" [ "$(json "$doc" "any('attribution' in r for r in d['bench']['results'] if r['group'] in ('baseline', 'harness'))")" = False ]
st=$(json "$doc" "[r['attribution']['status'] for r in d['bench']['results'] if r['id']=='unshare.net.cold'][0]")
if [ "$st" = skip ]; then
	skip "the profiler cannot run here: $(json "$doc" "[r['attribution']['reason'] for r in d['bench']['results'] if r['id']=='unshare.net.cold'][0]")"
	finish
fi
a="[r['attribution'] for r in d['bench']['results'] if r['id']=='unshare.net.cold'][0]"
check "unshare.net.cold: attribution ok" [ "$st" = ok ]
check "unshare.net.cold: hundreds of on-CPU samples" [ "$(json "$doc" "$a['samples'] >= 200")" = True ]
check "unshare.net.cold: >= 80% of the samples in named kernel functions" [ "$(json "$doc" "$a['named_share'] >= 0.8")" = True ]
check "unshare.net.cold: setup_net or ops_init among the top functions" [ "$(json "$doc" "any(f['function'] in ('setup_net', 'ops_init', 'copy_net_ns') for f in $a['on_cpu']['top_cumulative'])")" = True ]
check "unshare.net.cold: the folded stacks add up to the samples" [ "$(json "$doc" "sum(s['samples'] for s in $a['folded']) == $a['samples']")" = True ]
check "unshare.net.cold: off CPU recorded (or why not)" [ "$(json "$doc" "'waits' in $a['off_cpu'] or bool($a['off_cpu'].get('skipped'))")" = True ]
check "unshare.net.cold: kworker time recorded (or why not)" [ "$(json "$doc" "'works' in $a['deferred'] or bool($a['deferred'].get('skipped'))")" = True ]
check "one attribution line per operation on stderr" [ "$(grep -c '^attribution ' "$TMP/attr.err")" -eq 2 ]
check "the timed figures do not count the profiled repetition" [ "$(json "$doc" "[r['reps'] for r in d['bench']['results'] if r['id']=='unshare.net.cold'][0] == d['bench']['rounds']")" = True ]
tag=$(tag_of "$doc")
left=$(leftovers_of "$tag")
check "no leftovers of run $tag" [ -z "$left" ]
check "no tracefs left mounted by it" [ "$(grep -c ' tracefs ' /proc/self/mounts)" = "$(grep -c ' tracefs ' /proc/1/mounts)" ]

"$ISOBENCH" report "$out" --out "$TMP/rep" >/dev/null 2>"$TMP/rep.err"
svg=$(ls "$TMP"/rep/flame/*unshare.net.cold*.svg 2>/dev/null | head -1)
check "report: a flame graph file for unshare.net.cold" [ -s "$svg" ]
check "report: the flame graph has no script" bash -c '! grep -qi "<script" "$1"' _ "$svg"
check "report: 'Where the time goes' in index.html and summary.md" \
	bash -c 'grep -q "Where the time goes" "$1/index.html" && grep -q "Where the time goes" "$1/summary.md"' _ "$TMP/rep"
check "report: index.html has no script" bash -c '! grep -qi "<script" "$1/index.html"' _ "$TMP/rep"
"$ISOBENCH" compare "$doc" "$doc" >"$TMP/cmp.txt" 2>&1
check "compare of an attributed document with itself passes" [ $? -eq 0 ]

# Without permission: a user that is not root gets one line per operation saying why, and
# the timings still run (a baseline, named by --filter: attributed, and it needs no root).
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	mkdir -p "$TMP/nr" && chmod 777 "$TMP" "$TMP/nr"
	bin=$(readlink -f "$ISOBENCH")
	(cd "$TMP/nr" && setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		"$bin" bench --attribute --profile smoke --filter baseline.getpid \
		--out "$TMP/nr/out" >"$TMP/nr.txt" 2>"$TMP/nr.err")
	rc=$?
	r="[r for r in d['bench']['results'] if r['id']=='baseline.getpid'][0]"
	par=$(cat /proc/sys/kernel/perf_event_paranoid)
	if [ "$par" -le 0 ]; then
		skip "not root: kernel.perf_event_paranoid is $par here, so a user may profile"
	else
		check "not root: exit 0 (rc $rc)" [ "$rc" -eq 0 ]
		check "not root: the timings ran" [ "$(json "$TMP/nr/out/results.json" "$r['status']")" = ok ]
		check "not root: attribution skipped with a reason" [ "$(json "$TMP/nr/out/results.json" "$r['attribution']['status'] == 'skip' and 'perf_event_paranoid' in $r['attribution']['reason']")" = True ]
		check "not root: one line saying why" grep -q '^attribution baseline.getpid: skip: perf_event_open' "$TMP/nr.err"
		check "not root: only the operation named is attributed" [ "$(grep -c '^attribution ' "$TMP/nr.err")" -eq 1 ]
	fi
fi
finish
