#!/usr/bin/env bash
# isobench compare against crafted documents: A/A gives no regression, a 20% slowdown is
# caught, 3% noise is not flagged, a verdict flip is caught, a root and a rootless run are
# said to differ, bad inputs exit 2 with one line.
source "$(dirname "$0")/../../harness/tests/lib.sh"
python3 "$SRC/reports/tests/make_docs.py" "$TMP" || { bad "make_docs.py"; finish; }
cmp() { "$ISOBENCH" compare "$@" >"$TMP/out" 2>"$TMP/err"; }

cmp "$TMP/base.json" "$TMP/same.json"; rc=$?
check "A/A: exit 0" [ $rc -eq 0 ]
check "A/A: no regression reported" grep -q "^0 regressions" "$TMP/out"

cmp "$TMP/base.json" "$TMP/slow20.json"; rc=$?
check "20% slowdown: exit 1" [ $rc -eq 1 ]
check "20% slowdown: the operation is flagged" grep -Eq "^unshare.net.warm .* regression " "$TMP/out"
check "20% slowdown: only that operation" [ "$(grep -c ' regression ' "$TMP/out")" -eq 1 ]
check "20% slowdown: values carry units" grep -Eq "^unshare.net.warm +[0-9.]+ us +[0-9.]+ us" "$TMP/out"
cmp "$TMP/base.json" "$TMP/slow20.json" --threshold 25; rc=$?
check "20% slowdown under a 25% threshold: exit 0" [ $rc -eq 0 ]

cmp "$TMP/base.json" "$TMP/noise3.json"; rc=$?
check "3% noise: exit 0, nothing flagged" [ $rc -eq 0 ] && ! grep -q ' regression ' "$TMP/out"

cmp "$TMP/base.json" "$TMP/flip.json"; rc=$?
check "verdict flip: exit 1" [ $rc -eq 1 ]
check "verdict flip: pass -> fail listed as regression" grep -Eq "^pidns.b +regression +pass +fail" "$TMP/out"
check "new skip listed with its reason" grep -Eq "^mntns.c +new skip .*needs kernel 9.9" "$TMP/out"

cmp "$TMP/base.json" "$TMP/slow20.json" --format json; rc=$?
check "json format parses, counts 1 regression" [ "$(json "$TMP/out" 'd["regressions"]')" = 1 ]
cmp "$TMP/base.json" "$TMP/flip.json" --format md
check "markdown format has a table" grep -q "^| case | change" "$TMP/out"
# CommonMark, checked by a CommonMark implementation (cmark-gfm, with its table extension).
for d in flip slow20 injected; do
	cmp "$TMP/base.json" "$TMP/$d.json" --format md
	if command -v cmark-gfm >/dev/null; then
		cmark-gfm -e table "$TMP/out" >"$TMP/out.html"
		check "md ($d): cmark-gfm renders the tables" grep -q "<table>" "$TMP/out.html"
		check "md ($d): no ** left open (no literal ** in the HTML)" [ "$(grep -c '\*\*' "$TMP/out.html")" -eq 0 ]
		check "md ($d): the summary is bold" grep -q "<strong>[0-9]* regression" "$TMP/out.html"
	else
		skip "md ($d): cmark-gfm not installed (ci/install-deps installs it)"
	fi
done

cmp "$TMP/benchonly.json" "$TMP/runonly.json"; rc=$?
check "a bench against a run: exit 2, one line" [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ]
cmp "$TMP/runonly.json" "$TMP/benchonly.json"; rc=$?
check "a run against a bench: exit 2, one line" [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ]
cmp "$TMP/base.json" "$TMP/dropped.json"; rc=$?
check "an op of BASE missing in NEW: exit 1, named" [ $rc -eq 1 ] && grep -Eq "^clone.newpid.to_reaped .* missing" "$TMP/out"
cmp "$TMP/base.json" "$TMP/dropped.json" --allow-missing; rc=$?
check "--allow-missing: exit 0" [ $rc -eq 0 ]
cmp "$TMP/base.json" "$TMP/injected.json"; rc=$?
check "injected NEW: said on stdout and stderr" grep -q "INJECTED SLOWDOWN in NEW: unshare.net.warm" "$TMP/out" && grep -q "INJECTED" "$TMP/err"
python3 - "$TMP" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/base.json"))
d["sysinfo"]["kernel"]["release"] = "6.12.0"
d["bench"]["profile"] = "smoke"
json.dump(d, open(sys.argv[1] + "/otherkernel.json", "w"))
PY
cmp "$TMP/base.json" "$TMP/otherkernel.json"; rc=$?
check "another kernel and profile: one warning line naming both" [ $rc -eq 0 ] && [ "$(grep -c warning "$TMP/err")" -eq 1 ] && grep -q "kernel 6.1.0 / 6.12.0" "$TMP/err" && grep -q "profile quick / smoke" "$TMP/err"
python3 - "$TMP" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/base.json"))
d["run"]["privilege"] = "rootless"
for c in d["cases"]:
    c["privilege"] = "userns"
json.dump(d, open(sys.argv[1] + "/rootless.json", "w"))
d["run"]["privilege"] = "root"
json.dump(d, open(sys.argv[1] + "/root.json", "w"))
PY
cmp "$TMP/base.json" "$TMP/rootless.json"; rc=$?
check "a root run (no run.privilege) against a rootless one: one warning line naming it" \
	[ $rc -eq 0 ] && [ "$(grep -c warning "$TMP/err")" -eq 1 ] && grep -q "privilege root / rootless" "$TMP/err"
cmp "$TMP/rootless.json" "$TMP/otherkernel.json"; rc=$?
check "rootless against root on another kernel: the warning names both" \
	grep -q "kernel 6.1.0 / 6.12.0" "$TMP/err" && grep -q "privilege rootless / root" "$TMP/err"
cmp "$TMP/base.json" "$TMP/root.json" --format json; rc=$?
check "run.privilege root against a document without it: no difference" \
	[ $rc -eq 0 ] && ! grep -q warning "$TMP/err" && [ "$(json "$TMP/out" 'd["differences"]')" = "" ]

for f in truncated futureschema incomplete notours; do
	cmp "$TMP/base.json" "$TMP/$f.json"; rc=$?
	check "bad input $f: exit 2 with one line naming the file" \
		[ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "$f.json" "$TMP/err"
done
cmp "$TMP/base.json" "$TMP/slow20.json" --relative-to no.such.op; rc=$?
check "--relative-to an operation not in the runs: exit 2 with one line" \
	[ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "no.such.op" "$TMP/err"
cmp "$TMP/base.json" "$TMP/slow20.json" --relative-to baseline.getpid; rc=$?
check "--relative-to baseline.getpid: the 20% slowdown of one op is still caught" [ $rc -eq 1 ]
cmp "$TMP/base.json" "$TMP/missing.json"; rc=$?
check "missing file: exit 2" [ $rc -eq 2 ]
cmp "$TMP/base.json"; rc=$?
check "one argument: usage error 64" [ $rc -eq 64 ]
cmp "$TMP/base.json" "$TMP/same.json" --threshold x; rc=$?
check "bad --threshold: 64" [ $rc -eq 64 ]
finish
