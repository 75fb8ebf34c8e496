#!/usr/bin/env bash
# The regression gate end to end on real runs: an A/A pair passes, a run with an injected
# slowdown (bench --slow) is caught by compare, says so everywhere, and nothing else is
# flagged; bad --slow arguments are usage errors; compare refuses a run against a bench.
# The gate's measured false-alarm rate and power on a whole quick profile: bench/aa-check.
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root
invalid() { ! python3 "$SRC/reports/schema/validate.py" "$1" >/dev/null; }

b() { "$ISOBENCH" bench --profile quick --rounds 6 --budget 0 --filter unshare.pid "$@" >"$TMP/b.out" 2>"$TMP/b.err"; }
"$ISOBENCH" run --filter utsns --out "$TMP/run" >/dev/null 2>&1
b --out "$TMP/a"; rc=$?
check "A: exit 0" [ $rc -eq 0 ]
b --out "$TMP/b" --export-csv "$TMP/b.csv" --export-md "$TMP/b.md"; rc=$?
check "B: exit 0" [ $rc -eq 0 ]
b --out "$TMP/s" --slow unshare.pid.warm=300; rc=$?
check "slowed run: exit 0" [ $rc -eq 0 ]
check "slowed run: INJECTED on stderr and stdout" grep -q "^INJECTED: unshare.pid.warm" "$TMP/b.err" && grep -q "^INJECTED: unshare.pid.warm" "$TMP/b.out"
doc=$TMP/s/results.json
check "document records bench.injected" [ "$(json "$doc" 'd["bench"]["injected"]')" = '[{"op": "unshare.pid.warm", "pct": 300.0}]' ]
check "the slowed result carries its busy-wait" [ "$(json "$doc" "[r['injected']['busy_wait_ns'] > 0 for r in d['bench']['results'] if r['id'] == 'unshare.pid.warm'][0]")" = True ]
check "no other result is marked injected" [ "$(json "$doc" "[r['id'] for r in d['bench']['results'] if 'injected' in r and r['id'] != 'unshare.pid.warm']")" = "[]" ]
check "the slowed op ran about 4x its cost" python3 -c "
import json, sys
a = {r['id']: r for r in json.load(open('$TMP/a/results.json'))['bench']['results']}
s = {r['id']: r for r in json.load(open('$doc'))['bench']['results']}
x = s['unshare.pid.warm']['stats']['p50'] / a['unshare.pid.warm']['stats']['p50']
print('# unshare.pid.warm slowed/base p50', round(x, 2))
sys.exit(not 2.5 < x < 6)"

# Exports, read by their consumers: Python's csv module, cmark-gfm.
check "--export-csv: one row per result, units in the header" python3 -c "
import csv, json, sys
rows = list(csv.DictReader(open('$TMP/b.csv')))
res = json.load(open('$TMP/b/results.json'))['bench']['results']
ok = len(rows) == len(res) and 'p50_ns' in rows[0] and all(r['id'] == x['id'] for r, x in zip(rows, res))
ok = ok and all(abs(float(r['p50_ns']) - x['stats']['p50']) < 0.1 for r, x in zip(rows, res) if x['status'] == 'ok')
sys.exit(not ok)"
if command -v cmark-gfm >/dev/null; then
	check "--export-md: a CommonMark table with a row per result" [ "$(cmark-gfm -e table "$TMP/b.md" | grep -c '<tr>')" -eq $(($(json "$TMP/b/results.json" 'len(d["bench"]["results"])') + 1)) ]
else
	skip "--export-md: cmark-gfm not installed"
fi
"$ISOBENCH" report "$TMP/a" "$TMP/b" --out "$TMP/rep2" --export-csv "$TMP/r.csv" >/dev/null 2>&1
check "report --export-csv: both runs" [ "$(python3 -c "import csv; print(len(set(r['run'] for r in csv.DictReader(open('$TMP/r.csv')))))")" = 2 ]
"$ISOBENCH" report "$TMP/run" --out "$TMP/rep3" --export-csv "$TMP/x.csv" >/dev/null 2>"$TMP/e"; rc=$?
check "report --export-csv of a run without benchmarks: exit 2, one line" [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ]
"$ISOBENCH" compare "$TMP/a" "$TMP/b" --threshold 25 >"$TMP/aa.txt" 2>&1; rc=$?
check "A/A at a 25% threshold: the gate passes (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || cat "$TMP/aa.txt"
"$ISOBENCH" compare "$TMP/a" "$TMP/s" --threshold 25 --format json >"$TMP/as.json" 2>"$TMP/as.err"; rc=$?
check "A against the slowed run: exit 1" [ $rc -eq 1 ]
check "unshare.pid.warm is the regression" [ "$(json "$TMP/as.json" "[r['verdict'] for r in d['bench'] if r['id'] == 'unshare.pid.warm'][0]")" = regression ]
check "nothing else is a regression" [ "$(json "$TMP/as.json" "[r['id'] for r in d['bench'] if r['verdict'] == 'regression' and r['id'] != 'unshare.pid.warm']")" = "[]" ]
check "compare names the injection" grep -q "INJECTED" "$TMP/as.err"
"$ISOBENCH" report "$TMP/s" --out "$TMP/rep" >/dev/null 2>&1
check "report: banner in HTML and Markdown" grep -q "INJECTED SLOWDOWN" "$TMP/rep/index.html" && grep -q "INJECTED SLOWDOWN" "$TMP/rep/summary.md"

"$ISOBENCH" bench --profile smoke --slow no.such.op=10 >/dev/null 2>"$TMP/e"; rc=$?
check "--slow of an unknown op: usage error 64, one line" [ $rc -eq 64 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ]
"$ISOBENCH" bench --profile smoke --slow baseline.fork=0 >/dev/null 2>"$TMP/e"; rc=$?
check "--slow PCT 0: usage error 64" [ $rc -eq 64 ]
"$ISOBENCH" bench --profile smoke --slow baseline.fork >/dev/null 2>"$TMP/e"; rc=$?
check "--slow without =PCT: usage error 64" [ $rc -eq 64 ]

"$ISOBENCH" compare "$TMP/a" "$TMP/run" >/dev/null 2>"$TMP/e"; rc=$?
check "compare BENCH RUN: exit 2, one line" [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ]
"$ISOBENCH" compare "$TMP/run" "$TMP/a" >/dev/null 2>"$TMP/e"; rc=$?
check "compare RUN BENCH: exit 2, one line" [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ]
# The schema (v2) holds a bench document to its contents.
check "bench document: valid against the schema" python3 "$SRC/reports/schema/validate.py" "$TMP/a/results.json"
check "injected document: valid against the schema" python3 "$SRC/reports/schema/validate.py" "$doc"
python3 - "$TMP" <<'PY'
import json, sys
t = sys.argv[1]
d = json.load(open(t + "/a/results.json"))
for r in d["bench"]["results"]:
    r.pop("stats", None); r.pop("unit", None); r.pop("samples", None)
d["run"]["mode"] = "cases"
json.dump(d, open(t + "/gutted.json", "w"))
d = json.load(open(t + "/a/results.json"))
d["run"]["mode"] = "cases"
json.dump(d, open(t + "/mode.json", "w"))
d = json.load(open(t + "/a/results.json"))
r = [r for r in d["bench"]["results"] if r["status"] == "ok"][0]
r.pop("stats")
json.dump(d, open(t + "/nostats.json", "w"))
PY
check "bench results without stats, unit, samples and a mode of cases: invalid" invalid "$TMP/gutted.json"
check "a bench document whose mode says cases: invalid" invalid "$TMP/mode.json"
check "an ok result without stats: invalid" invalid "$TMP/nostats.json"
"$ISOBENCH" compare "$TMP/a" "$TMP/nostats.json" >/dev/null 2>"$TMP/e"; rc=$?
check "compare: an ok result without stats is refused, exit 2, one line" [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ]
check "nothing of these runs left behind" [ -z "$(leftovers)" ]
finish
