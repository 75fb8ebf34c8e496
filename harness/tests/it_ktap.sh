#!/usr/bin/env bash
# The KTAP stream as its consumer reads it: the kernel's own tools/testing/kunit/kunit_parser.py
# (with kunit_printer.py) parses a run of cases and controls that pass, skip, fail, fail as a
# known deviation and err. Every case is there with its status, every reason is filed under
# its own case (not the next), no name repeats the suite prefix, the parser finds no error,
# and its counts equal the run's. The parser's files: $KUNIT_PARSER_DIR, else what
# `ISOBENCH_DEPS_EXTRA=kunit ci/install-deps` puts in /usr/local/share/isobench/kunit;
# without them this test skips. Also: an empty selection is a usage error.
source "$(dirname "$0")/lib.sh"
need_root
export ISOBENCH_SELFTEST=1

# ---- an empty selection: exit 64 and one line, for run and list ----
"$ISOBENCH" run --filter nomatch --out "$TMP/none" >"$TMP/none.out" 2>"$TMP/none.err"; rc=$?
check "run --filter nomatch: exit 64 (rc $rc)" [ $rc -eq 64 ]
check "run --filter nomatch: one line 'no case matches', nothing on stdout" \
	bash -c "[ \$(wc -l <'$TMP/none.err') -eq 1 ] && grep -q '^isobench run: no case matches' '$TMP/none.err' && [ ! -s '$TMP/none.out' ]"
check "run --filter nomatch: no results folder" [ ! -e "$TMP/none" ]
"$ISOBENCH" list --filter nomatch >"$TMP/lnone.out" 2>"$TMP/lnone.err"; rc=$?
check "list --filter nomatch: exit 64, one line, nothing on stdout (rc $rc)" \
	bash -c "[ $rc -eq 64 ] && [ \$(wc -l <'$TMP/lnone.err') -eq 1 ] && [ ! -s '$TMP/lnone.out' ]"

dir=${KUNIT_PARSER_DIR:-/usr/local/share/isobench/kunit}
if [ ! -f "$dir/kunit_parser.py" ] || [ ! -f "$dir/kunit_printer.py" ]; then
	why="kunit_parser.py and kunit_printer.py not in $dir (set KUNIT_PARSER_DIR, or run ISOBENCH_DEPS_EXTRA=kunit ci/install-deps)"
	# ctest takes a "SKIP: " line as a skip whatever the exit code: only when all else passed.
	[ "$fails" -eq 0 ] && echo "SKIP: $why" || echo "# $why"
	finish
fi

# ---- a run with every kind of outcome, cases and controls ----
run_suite "$TMP/r" --with-controls --filter utsns --filter selftest.passes \
	--filter selftest.control_fails --filter selftest.skips --filter selftest.fails_outside_known_range \
	--filter selftest.fails_as_known_deviation --filter selftest.crashes -v
rc=$?
check "the run: exit 2 (a case errs; rc $rc)" [ $rc -eq 2 ]
check "kselftest's totals line, one known deviation as xfail" \
	grep -q '^# Totals: pass:[0-9]* fail:[0-9]* xfail:1 xpass:0 skip:[0-9]* error:[0-9]*$' "$TMP/r.ktap"

cat >"$TMP/check.py" <<'EOF'
import json, re, sys
sys.path.insert(0, sys.argv[1])
import kunit_parser
from kunit_parser import TestStatus

lines = open(sys.argv[2]).read().splitlines()
doc = json.load(open(sys.argv[3]))
small = sys.argv[4] == "small"  # the crafted run: every kind of outcome, known suites
main = kunit_parser.parse_run_tests(lines)
fails = 0

def check(what, cond):
    global fails
    print(("ok - " if cond else "not ok - ") + what)
    fails += not cond

def one_line(s):
    return s.replace("\n", " ")

check(f"parser: no errors ({main.counts.errors})", main.counts.errors == 0)
suites = {t.name: t for t in main.subtests}
check("parser: one subtest per suite of the run",
      sorted(suites) == sorted({c["suite"] for c in doc["cases"]}))
if small:
    check(f"parser: main status {main.status.name}", main.status == TestStatus.FAILURE)
expect = {}  # (suite, name) -> (status, the reason line it must carry, or None)
for c in doc["cases"]:
    short = c["id"][len(c["suite"]) + 1:]
    v, known = c["verdict"], "known_deviation" in c
    st = {"pass": TestStatus.SUCCESS, "skip": TestStatus.SKIPPED}.get(
        v, TestStatus.SUCCESS if known else TestStatus.FAILURE)
    expect[(c["suite"], short)] = (st, None if v in ("pass", "skip") else f"# {v}: {one_line(c['reason'])}")
    k = c.get("control")
    if k:
        v = k["verdict"]
        st = {"pass": TestStatus.SUCCESS, "skip": TestStatus.SKIPPED}.get(v, TestStatus.FAILURE)
        expect[(c["suite"], short + ":control")] = (
            st, None if v in ("pass", "skip") else f"# {v}: {one_line(k['reason'])}")
got = {}
for s in main.subtests:
    for t in s.subtests:
        got[(s.name, t.name)] = t
        check(f"{s.name}: '{t.name}' has no doubled prefix", not t.name.startswith(s.name + "."))
check(f"every case and control is there ({len(got)} parsed, {len(expect)} in results.json)",
      set(got) == set(expect))
reason_re = re.compile(r"^# (fail|error|broken): ")
for key, (st, reason) in sorted(expect.items()):
    t = got.get(key)
    if not t:
        continue
    name = f"{key[0]}: {key[1]}"
    check(f"{name}: status {t.status.name}, expected {st.name}", t.status == st)
    mine = [l.strip() for l in t.log if reason_re.match(l.strip())]
    if reason:
        check(f"{name}: carries its own reason ({mine})", mine == [reason])
    else:
        check(f"{name}: carries no fail/error reason ({mine})", mine == [])
    if not key[1].endswith(":control"):
        check(f"{name}: the full id is a diagnostic", f"# id: {key[0]}.{key[1]}" in [l.strip() for l in t.log])
statuses = {st for st, _ in expect.values()}
if small:
    check("the run has a pass, a skip and a failure",
          statuses >= {TestStatus.SUCCESS, TestStatus.SKIPPED, TestStatus.FAILURE})
    check("the XFAIL (known deviation) case parses as not a failure",
          got.get(("selftest", "fails_as_known_deviation")) is not None
          and got[("selftest", "fails_as_known_deviation")].status == TestStatus.SUCCESS)
# The parser's counts against the run's totals (KTAP line and results.json).
m = re.search(r"^# Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) skip:(\d+) error:(\d+)$",
              "\n".join(lines), re.M)
p, f, xf, xp, sk, er = map(int, m.groups())
sm, cs = doc["summary"], doc["summary"]["controls"]
check("Totals equal results.json's summary",
      (p, f, xf, xp, sk, er) == (sm["pass"] + cs["pass"], sm["fail"] - sm["known_deviations"] + cs["fail"],
                                 sm["known_deviations"], 0, sm["skip"] + cs["skip"],
                                 sm["broken"] + sm["error"] + cs["broken"] + cs["error"]))
n = main.counts
check(f"parser counts ({n}) equal the totals: passed=pass+xfail, failed=fail+error, skipped=skip",
      (n.passed, n.failed, n.skipped, n.crashed) == (p + xf, f + er, sk, 0))
print(f"{fails} of the parser checks failed")
sys.exit(1 if fails else 0)
EOF
python3 "$TMP/check.py" "$dir" "$TMP/r.ktap" "$TMP/r/results.json" small >"$TMP/py.out" 2>&1
rc=$?
sed 's/^/# /' "$TMP/py.out" | grep -v '^# ok - ' || true
check "kunit_parser.py reads the stream as the run has it (rc $rc)" [ $rc -eq 0 ]
if [ $rc -ne 0 ]; then
	echo "# the KTAP:"
	sed 's/^/#   /' "$TMP/r.ktap"
fi

# ---- a full run, cases and controls, as CI and KernelCI run it ----
ISOBENCH_SELFTEST=0 run_suite "$TMP/full" --with-controls --junit "$TMP/full.xml"
rc=$?
check "full run with controls: exit 0 or 1 (rc $rc)" [ $rc -le 1 ]
python3 "$TMP/check.py" "$dir" "$TMP/full.ktap" "$TMP/full/results.json" full >"$TMP/pyf.out" 2>&1
rc=$?
sed 's/^/# /' "$TMP/pyf.out" | grep -v '^# ok - ' || true
check "kunit_parser.py reads the full run: 0 errors, counts equal the totals, each reason under its case (rc $rc)" [ $rc -eq 0 ]
if command -v xmllint >/dev/null; then
	check "the full run's JUnit validates against junit-10.xsd" \
		xmllint --noout --schema "$SRC/reports/schema/junit-10.xsd" "$TMP/full.xml"
else
	skip "xmllint missing (libxml2-utils; ci/install-deps installs it)"
fi
finish
