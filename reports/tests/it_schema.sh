#!/usr/bin/env bash
# The schema against every results document the project ships (reports/examples,
# reports/published) and against fresh ones it writes (a run with controls, a run with
# repeats and shuffle); the stripped and contradictory bench documents fail (it_gate.sh).
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root
mapfile -t shipped < <(find "$SRC/reports/examples" "$SRC/reports/published" -name '*.json' \
	-exec grep -l '"schema": *"isobench-results"' {} + 2>/dev/null)
check "the project ships results documents (${#shipped[@]})" [ ${#shipped[@]} -gt 0 ]
python3 "$SRC/reports/schema/validate.py" "${shipped[@]}" >"$TMP/shipped.out" 2>&1
check "every shipped results document validates" [ $? -eq 0 ] || grep -v ': valid$' "$TMP/shipped.out" | head
"$ISOBENCH" run --with-controls --filter utsns --filter ipcns --out "$TMP/wc" >/dev/null 2>&1
"$ISOBENCH" run --repeat 2 --shuffle --filter utsns --out "$TMP/rs" >/dev/null 2>&1
check "fresh documents (with controls; repeat and shuffle) validate" \
	python3 "$SRC/reports/schema/validate.py" "$TMP/wc/results.json" "$TMP/rs/results.json"
check "fresh documents are schema version 2" [ "$(json "$TMP/wc/results.json" 'd["schema_version"]')" = 2 ]
python3 - "$TMP" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/wc/results.json"))
d["bench"] = {"profile": "quick", "rounds": 1, "results": [], "placements": []}
json.dump(d, open(sys.argv[1] + "/runbench.json", "w"))
d = json.load(open(sys.argv[1] + "/wc/results.json"))
d["schema_version"] = 3
json.dump(d, open(sys.argv[1] + "/v3.json", "w"))
PY
check "a conformance run that carries a bench section: invalid" bash -c "! python3 '$SRC/reports/schema/validate.py' '$TMP/runbench.json' >/dev/null"
check "an unknown schema version: invalid" bash -c "! python3 '$SRC/reports/schema/validate.py' '$TMP/v3.json' >/dev/null"
finish
