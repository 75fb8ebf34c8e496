#!/usr/bin/env bash
# isobench compare against crafted documents: A/A gives no regression, a 20% slowdown is
# caught, 3% noise is not flagged, a verdict flip is caught, bad inputs exit 2 with one line.
source "$(dirname "$0")/../../harness/tests/lib.sh"
python3 "$SRC/reports/tests/make_docs.py" "$TMP" || { bad "make_docs.py"; finish; }
cmp() { "$ISOBENCH" compare "$@" >"$TMP/out" 2>"$TMP/err"; }

cmp "$TMP/base.json" "$TMP/same.json"; rc=$?
check "A/A: exit 0" [ $rc -eq 0 ]
check "A/A: no regression reported" grep -q "^0 regressions" "$TMP/out"

cmp "$TMP/base.json" "$TMP/slow20.json"; rc=$?
check "20% slowdown: exit 1" [ $rc -eq 1 ]
check "20% slowdown: the operation is flagged" grep -Eq "^unshare.net.warm .* regression$" "$TMP/out"
check "20% slowdown: only that operation" [ "$(grep -c ' regression$' "$TMP/out")" -eq 1 ]
cmp "$TMP/base.json" "$TMP/slow20.json" --threshold 25; rc=$?
check "20% slowdown under a 25% threshold: exit 0" [ $rc -eq 0 ]

cmp "$TMP/base.json" "$TMP/noise3.json"; rc=$?
check "3% noise: exit 0, nothing flagged" [ $rc -eq 0 ] && ! grep -q ' regression$' "$TMP/out"

cmp "$TMP/base.json" "$TMP/flip.json"; rc=$?
check "verdict flip: exit 1" [ $rc -eq 1 ]
check "verdict flip: pass -> fail listed as regression" grep -Eq "^pidns.b +regression +pass +fail" "$TMP/out"
check "new skip listed with its reason" grep -Eq "^mntns.c +new skip .*needs kernel 9.9" "$TMP/out"

cmp "$TMP/base.json" "$TMP/slow20.json" --format json; rc=$?
check "json format parses, counts 1 regression" [ "$(json "$TMP/out" 'd["regressions"]')" = 1 ]
cmp "$TMP/base.json" "$TMP/flip.json" --format md
check "markdown format has a table" grep -q "^| case | change" "$TMP/out"

for f in truncated v2schema incomplete notours; do
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
