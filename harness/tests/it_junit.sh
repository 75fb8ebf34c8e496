#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# JUnit output (`isobench run --junit`) as its consumers read it: valid against the Jenkins
# xunit plugin's junit-10.xsd (reports/schema/junit-10.xsd, a copy, so no ../shared is
# needed), counts per suite that match results.json, reasons as failure messages and body
# text, diagnostics in system-out, controls as their own testcases.
source "$(dirname "$0")/lib.sh"
need_root
export ISOBENCH_SELFTEST=1
XSD="$SRC/reports/schema/junit-10.xsd"

if ! command -v xmllint >/dev/null; then
	bad "xmllint missing (libxml2-utils: ci/install-deps)"
	finish
fi
# valid FILE: xmllint accepts it against the schema in the repository, and against the
# consumers' copy beside the repository where there is one
valid() {
	xmllint --noout --schema "$XSD" "$1" 2>&1 | grep -v ' validates$'
	[ "${PIPESTATUS[0]}" -eq 0 ] || return 1
	if [ -f "$SRC/../shared/consumers/junit-10.xsd" ]; then
		xmllint --noout --schema "$SRC/../shared/consumers/junit-10.xsd" "$1" 2>&1 |
			grep -v ' validates$'
		[ "${PIPESTATUS[0]}" -eq 0 ] || return 1
	fi
}
# junit XML JSON: checks the JUnit against the run's results.json; prints what differs
junit() {
	python3 - "$1" "$2" <<'PY'
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
d = json.load(open(sys.argv[2]))
bad = []
def tag(tc):
    for k in ("failure", "error", "skipped"):
        if tc.find(k) is not None:
            return k
    return "pass"
want = {}
for c in d["cases"]:
    v = c["verdict"]
    want[c["id"]] = ("skipped" if v == "fail" and "known_deviation" in c else
                     {"pass": "pass", "fail": "failure", "skip": "skipped"}.get(v, "error"), c)
    if "control" in c:
        cv = c["control"]["verdict"]
        want[c["id"] + ":control"] = ({"pass": "pass", "fail": "failure", "skip": "skipped"}.get(cv, "error"),
                                      dict(c, verdict=cv, reason=c["control"]["reason"]))
seen = set()
tot = {"tests": 0, "failures": 0, "errors": 0}
for ts in root.findall("testsuite"):
    cases = ts.findall("testcase")
    n = {"tests": len(cases), "failures": sum(tag(t) == "failure" for t in cases),
         "errors": sum(tag(t) == "error" for t in cases), "skipped": sum(tag(t) == "skipped" for t in cases)}
    for k, v in n.items():
        if ts.get(k) != str(v):
            bad.append(f"suite {ts.get('name')}: {k}={ts.get(k)}, {v} testcases say so")
        if k in tot:
            tot[k] += v
    for k in ("time", "timestamp", "hostname"):
        if not ts.get(k):
            bad.append(f"suite {ts.get('name')}: no {k}")
    for tc in cases:
        name = tc.get("name"); seen.add(name)
        if name not in want:
            bad.append(f"{name}: not in results.json"); continue
        t, c = want[name]
        if tag(tc) != t:
            bad.append(f"{name}: <{tag(tc)}>, verdict {c['verdict']} wants <{t}>")
        el = tc.find(t) if t != "pass" else None
        if el is not None and el.get("message") is None:
            bad.append(f"{name}: <{t}> without message")
        if t in ("failure", "error") and (el.text or "") != c["reason"]:
            bad.append(f"{name}: <{t}> body {el.text!r} is not the reason {c['reason']!r}")
        out = tc.findtext("system-out") or ""
        if c["reason"] and c["reason"] not in out:
            bad.append(f"{name}: system-out lacks the reason")
        if "known_deviation" in c and not name.endswith(":control") and "known deviation" not in out:
            bad.append(f"{name}: system-out does not say known deviation")
for k, v in tot.items():
    if root.get(k) != str(v):
        bad.append(f"testsuites: {k}={root.get(k)}, {v} testcases say so")
for name in set(want) - seen:
    bad.append(f"{name}: no testcase")
if bad:
    print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
# xp FILE XPATH: prints what an XPath expression gives
xp() { xmllint --xpath "$2" "$1" 2>/dev/null; }

# ---- as root, with controls: a failing case, a passing control, an error, a known deviation ----
sel=(--filter selftest.passes --filter selftest.control_fails --filter selftest.fails_as_known_deviation
	--filter selftest.fails_outside_known_range --filter selftest.crashes --filter utsns)
run_suite "$TMP/wc" --with-controls "${sel[@]}" --junit "$TMP/wc.xml"; rc=$?
check "with-controls run: exit 2 (an error)" [ $rc -eq 2 ]
check "with-controls: JUnit validates against junit-10.xsd" valid "$TMP/wc.xml"
check "with-controls: JUnit agrees with results.json" junit "$TMP/wc.xml" "$TMP/wc/results.json"
check "with-controls: a control that passes is a failure" \
	[ "$(xp "$TMP/wc.xml" 'string(//testcase[@name="selftest.passes:control"]/failure/@type)')" = control-passed ]
check "with-controls: a control that fails as expected passes" \
	[ "$(xp "$TMP/wc.xml" 'count(//testcase[@name="selftest.control_fails:control"]/*[self::failure or self::error or self::skipped])')" = 0 ]
check "a fail: <failure> with the reason as message and body" \
	[ "$(xp "$TMP/wc.xml" 'string(//testcase[@name="selftest.fails_outside_known_range"]/failure)')" = "the kernel deviates as declared" ]
check "a known deviation is no failure" \
	[ "$(xp "$TMP/wc.xml" 'string(//testcase[@name="selftest.fails_as_known_deviation"]/skipped/@type)')" = known-deviation ]
check "a crash: <error>" \
	[ -n "$(xp "$TMP/wc.xml" 'string(//testcase[@name="selftest.crashes"]/error/@message)')" ]
notes() { xp "$TMP/wc.xml" 'string(//testcase[@name="selftest.passes"]/system-out)' | grep -q "selftest = passed"; }
check "the case's notes in system-out" notes
check "per-suite counts" \
	[ "$(xp "$TMP/wc.xml" 'concat(//testsuite[@name="selftest"]/@tests, " ", //testsuite[@name="selftest"]/@failures, " ", //testsuite[@name="selftest"]/@errors)')" = "10 2 2" ]

# ---- not root: a failing, a skipped and an errored case, cases only ----
mkdir -p "$TMP/nr" && chmod 777 "$TMP" "$TMP/nr"
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups env -u XDG_RUNTIME_DIR \
		"$ISOBENCH" run --out "$TMP/nr/out" --junit "$TMP/nr/out.xml" --filter selftest.passes \
		--filter selftest.fails_outside_known_range --filter selftest.leaks \
		--filter selftest.crashes >"$TMP/nr.ktap" 2>"$TMP/nr.err"
	rc=$?
	check "fail, skip, error: exit 2" [ $rc -eq 2 ] || cat "$TMP/nr.err"
	check "fail, skip, error: JUnit validates against junit-10.xsd" valid "$TMP/nr/out.xml"
	check "fail, skip, error: JUnit agrees with results.json" junit "$TMP/nr/out.xml" "$TMP/nr/out/results.json"
	check "a skip: <skipped> with its reason (the one results.json gives)" \
		[ "$(xp "$TMP/nr/out.xml" 'string(//testcase[@name="selftest.leaks"]/skipped/@message)')" = "$(json "$TMP/nr/out/results.json" '[c["reason"] for c in d["cases"] if c["id"] == "selftest.leaks"][0]')" ]
	check "fail, skip, error: counts" \
		[ "$(xp "$TMP/nr/out.xml" 'concat(/testsuites/testsuite/@tests, " ", /testsuites/testsuite/@failures, " ", /testsuites/testsuite/@errors, " ", /testsuites/testsuite/@skipped)')" = "4 1 1 1" ]
else
	bad "setpriv missing (util-linux)"
fi

# ---- an empty selection: no JUnit, or a valid one ----
run_suite "$TMP/none" --filter 'selftest.no_such_case' --junit "$TMP/none.xml"
check "empty selection: no JUnit or a valid one" bash -c "[ ! -e '$TMP/none.xml' ] || xmllint --noout --schema '$XSD' '$TMP/none.xml' 2>/dev/null"

finish
