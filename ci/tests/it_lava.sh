#!/usr/bin/env bash
# LAVA jobs from the kernel matrix (ci/lava-jobs): every entry of ci/matrix.txt gives a job
# that LAVA's own schema (lava-common) accepts, and the monitors pattern turns isobench's
# KTAP into the right LAVA results (checked with Python's re, which LAVA's pexpect uses).
# With CI=true (like the kernel-matrix guest test) or ISOBENCH_LAVA=1 it also runs the 6.1
# pure-v2 job here with lava-run (ci/lava-local: installs lava-dispatcher, boots the guest
# under TCG, about 5 minutes here) and checks that the job completes and that LAVA's
# results agree with isobench's results.json case by case.
source "$(dirname "$0")/../../harness/tests/lib.sh"
cd "$SRC" || exit 1

ci/lava-jobs --out "$TMP/jobs" --no-build >"$TMP/gen.log" 2>&1; rc=$?
check "ci/lava-jobs writes a job per matrix entry" [ $rc -eq 0 ] && [ "$(ls "$TMP/jobs"/*.yaml | wc -l)" -eq "$(grep -cv '^\s*\(#\|$\)' ci/matrix.txt)" ]
if /usr/bin/python3 -c 'import lava_common.schemas' 2>/dev/null; then
	/usr/bin/python3 -c '
import sys, yaml
from lava_common.schemas import validate
for p in sys.argv[1:]:
    validate(yaml.safe_load(open(p)), strict=True)
' "$TMP"/jobs/*.yaml 2>"$TMP/val.err"
	check "every job validates with lava-common's job schema" [ $? -eq 0 ] || cat "$TMP/val.err"
else
	skip "lava-common is not installed (ISOBENCH_DEPS_EXTRA=lava-schema ci/install-deps)"
fi
ci/lava-jobs --out "$TMP/x" --only no-such-entry --no-build >/dev/null 2>&1; rc=$?
check "no entry selected: usage error 64" [ $rc -eq 64 ]

# The monitors pattern against KTAP as isobench prints it (with a serial line's \r\r\n).
python3 - "$TMP/jobs/6.1-v2.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
pat = re.search(r"pattern: '(.*)'\n", text).group(1).replace("''", "'")
fix = dict(re.findall(r"          '([^']+)': (\w+)", text))
ktap = "\r\r\n".join([
    "  KTAP version 1", "  # Subtest: s", "  1..6",
    "  # id: s.a", "  ok 1 a",
    "  # id: s.b", "  # fail: it deviates", "  not ok 2 b",
    "  # id: s.c", "  ok 3 c # SKIP needs root",
    "  # id: s.d", "  # fail: known", "  ok 4 d # XFAIL known deviation: x",
    "  # id: s.e", "  # error: killed", "  not ok 5 e # ERROR error: killed",
    "  # id: s.f", "  not ok 6 f # TIMEOUT after 10 s", "ok 1 s", "# Totals: pass:1"])
got = {m.group("test_case_id"): fix.get(m.group("result"), m.group("result"))
       for m in re.finditer(pat, ktap)}
want = {"s.a": "pass", "s.b": "fail", "s.c": "skip", "s.d": "pass", "s.e": "fail", "s.f": "fail"}
print("# monitors pattern gives", got)
sys.exit(got != want)
PY
check "the monitors pattern maps ok, not ok, SKIP, XFAIL, ERROR and TIMEOUT by full case id" [ $? -eq 0 ]

if [ "${ISOBENCH_LAVA:-}" = 1 ] || [ "${CI:-}" = true ]; then
	if ! ISOBENCH_DEPS_EXTRA="qemu lava" ci/install-deps >"$TMP/deps.log" 2>&1; then
		skip "lava-dispatcher could not be installed (apt-get): $(tail -1 "$TMP/deps.log")"
	else
		ci/lava-local --out "$TMP/local" >"$TMP/local.log" 2>&1; rc=$?
		check "ci/lava-local: the 6.1 v2 job completes and agrees with isobench (exit $rc)" [ $rc -eq 0 ]
		sed 's/^/# /' "$TMP/local.log" | tail -4
		[ $rc -eq 0 ] || grep -E '"lvl": "(error|results)"' "$TMP/local/lava.log" | grep -v '"result": "pass"' | tail -5
	fi
else
	echo "# the lava-run job itself runs with CI=true or ISOBENCH_LAVA=1 (ci/lava-local; see README)"
fi
finish
