#!/usr/bin/env bash
# Integration tests of the runner itself: command line, timeout, leak audit, crash,
# SIGINT, SIGKILL followed by `isobench cleanup`, non-root skips, schema validity.
source "$(dirname "$0")/lib.sh"
need_root
export ISOBENCH_SELFTEST=1

# ---- command line ----
"$ISOBENCH" --help >"$TMP/help" 2>&1; check "--help exits 0" [ $? -eq 0 ]
check "--help lists the commands" grep -q "cleanup" "$TMP/help"
"$ISOBENCH" --version >"$TMP/ver"; check "--version prints a version" grep -Eq '^isobench [0-9]+\.[0-9]+' "$TMP/ver"
"$ISOBENCH" frobnicate 2>"$TMP/e1"; rc=$?
check "unknown command exits 64" [ $rc -eq 64 ]
check "unknown command: one line" [ "$(wc -l <"$TMP/e1")" -eq 1 ]
"$ISOBENCH" run --bogus 2>"$TMP/e2"; rc=$?
check "unknown flag exits 64 with one line" [ $rc -eq 64 ] && [ "$(wc -l <"$TMP/e2")" -eq 1 ]
check "unknown flag named in the message" grep -q -- "--bogus" "$TMP/e2"
"$ISOBENCH" run --timeout-mul zero 2>"$TMP/e3"; rc=$?
check "bad --timeout-mul exits 64" [ $rc -eq 64 ] && grep -q "timeout-mul" "$TMP/e3"
"$ISOBENCH" run --out 2>/dev/null; check "missing value exits 64" [ $? -eq 64 ]
"$ISOBENCH" run extra 2>/dev/null; check "stray argument exits 64" [ $? -eq 64 ]
"$ISOBENCH" run --filter selftest.passes --out /proc/nope >/dev/null 2>"$TMP/e4"; rc=$?
check "unwritable --out: exit 2, one clear line" [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/e4")" -eq 1 ]
"$ISOBENCH" list >"$TMP/list"; check "list exits 0" [ $? -eq 0 ]
ISOBENCH_SELFTEST=0 "$ISOBENCH" list >"$TMP/list2"
check "selftest cases are hidden from users" bash -c "! grep -q selftest '$TMP/list2'"

alive_sleepers() { ps -eo stat=,comm= | awk '$2 == "isb-selftest" && $1 !~ /^Z/' | wc -l; }

# ---- a passing case, JSON valid against the schema, JUnit written ----
run_suite "$TMP/pass" --filter selftest.passes --junit "$TMP/pass.xml"; rc=$?
check "passing case exits 0" [ $rc -eq 0 ]
check "results.json validates against the schema" python3 "$SRC/reports/schema/validate.py" "$TMP/pass/results.json"
check "JUnit written" grep -q 'tests="1" failures="0"' "$TMP/pass.xml"
check "KTAP header and totals" grep -q "^# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0$" "$TMP/pass.ktap"

# ---- --with-controls, known deviations, --exclude, --env ----
run_suite "$TMP/wc" --with-controls --filter selftest.control_fails; rc=$?
check "with-controls: a case whose control fails exits 0" [ $rc -eq 0 ]
check "with-controls: KTAP has the case and its control" grep -q "^  ok 2 control_fails:control$" "$TMP/wc.ktap"
check "with-controls: JSON has the control" [ "$(json "$TMP/wc/results.json" 'd["cases"][0]["control"]["control_verdict"] + " " + d["run"]["mode"]')" = "fail cases+controls" ]
check "with-controls: valid against the schema" python3 "$SRC/reports/schema/validate.py" "$TMP/wc/results.json"
run_suite "$TMP/wp" --with-controls --filter selftest.passes; rc=$?
check "with-controls: a control that passes exits 1" [ $rc -eq 1 ]
check "with-controls: the control's line says so" grep -q "negative control passed" "$TMP/wp.ktap"
run_suite "$TMP/kd" --filter selftest.fails_as_known_deviation; rc=$?
check "known deviation: fail marked XFAIL, exit 0" [ $rc -eq 0 ] && grep -q "^  ok 1 fails_as_known_deviation # XFAIL known deviation: " "$TMP/kd.ktap"
check "known deviation: its reason before its line" [ "$(grep -B1 '^  ok 1 fails_as_known_deviation' "$TMP/kd.ktap" | head -1)" = "  # fail: the kernel deviates as declared" ]
check "known deviation: verdict fail with known_deviation in JSON" [ "$(json "$TMP/kd/results.json" 'd["cases"][0]["verdict"] + " " + d["cases"][0]["known_deviation"]["what"]')" = "fail self-test of known deviations" ]
run_suite "$TMP/ko" --filter selftest.fails_outside_known_range; rc=$?
check "a deviation declared for other kernels is a plain fail: exit 1" [ $rc -eq 1 ] && ! grep -q XFAIL "$TMP/ko.ktap" && grep -q "^  not ok 1 fails_outside_known_range$" "$TMP/ko.ktap"
run_suite "$TMP/ex" --filter 'selftest.*' --exclude 'selftest.[hcdsl]*' --exclude selftest.fails_outside_known_range --exclude selftest.fails_as_known_deviation --env vm=none --env box=test=1; rc=$?
check "--exclude leaves out what it matches" [ $rc -eq 0 ] && [ "$(json "$TMP/ex/results.json" '" ".join(c["id"] for c in d["cases"])')" = selftest.passes ]
check "--env stamps run.environment" [ "$(json "$TMP/ex/results.json" 'd["run"]["environment"]["vm"] + " " + d["run"]["environment"]["box"]')" = "none test=1" ]
"$ISOBENCH" run --env novalue 2>"$TMP/e5"; rc=$?
check "--env without '=' exits 64 with one line" [ $rc -eq 64 ] && [ "$(wc -l <"$TMP/e5")" -eq 1 ]
"$ISOBENCH" run --controls --with-controls 2>/dev/null; check "--controls with --with-controls exits 64" [ $? -eq 64 ]

# ---- a hanging case with an escaped child ----
before=$(alive_sleepers)
run_suite "$TMP/hang" --filter selftest.hangs; rc=$?
check "hanging case: exit 2" [ $rc -eq 2 ]
check "hanging case: verdict error, reason timeout" \
	[ "$(json "$TMP/hang/results.json" 'd["cases"][0]["verdict"] + " " + d["cases"][0]["reason"]')" = "error timeout after 1000 ms" ]
tag=$(tag_of "$TMP/hang/results.json")
check "hanging case: nothing of run $tag left" [ -z "$(leftovers_of "$tag")" ]
check "hanging case: escaped child killed" [ "$(alive_sleepers)" -le "$before" ]

# ---- a leaking case ----
run_suite "$TMP/leak" --filter selftest.leaks; rc=$?
reason=$(json "$TMP/leak/results.json" 'd["cases"][0]["reason"]')
check "leaking case: exit 2, verdict error" [ $rc -eq 2 ] && [ "$(json "$TMP/leak/results.json" 'd["cases"][0]["verdict"]')" = error ]
for what in "process" "named netns" "mount" "host network link" "cgroup"; do
	check "leaking case: $what leak reported" grep -q "$what" <<<"$reason"
done
if [ "$(json "$TMP/leak/results.json" 'd["cases"][0]["observed"]["named_hierarchy"]')" = leaked ]; then
	check "leaking case: named hierarchy leak reported" grep -q "named cgroup hierarchy isb" <<<"$reason"
	check "leaking case: the hierarchy is gone" bash -c "! grep -q 'name=isb$(tag_of "$TMP/leak/results.json")' /proc/self/cgroup"
else
	skip "leaking case: no v1 hierarchy can be mounted here"
fi
check "leaking case: one error, naming each object as the run's (isb<tag>, its state or cgroup)" \
	[ "$(grep -o 'left behind\|left running\|left in the host' <<<"$reason" | wc -l)" -ge 6 ]
tag=$(tag_of "$TMP/leak/results.json")
check "leaking case: leaks removed" [ -z "$(leftovers_of "$tag")" ]
check "leaking case: no host mount left" bash -c "! grep -q 'isobench/$tag' /proc/self/mountinfo"
check "leaking case: escaped child killed" [ "$(alive_sleepers)" -le "$before" ]

# ---- declared objects are no leak ----
run_suite "$TMP/decl" --filter selftest.declares_netns; rc=$?
check "declared netns: pass" [ $rc -eq 0 ]
tag=$(tag_of "$TMP/decl/results.json")
check "declared netns: removed by the runner" [ ! -e "/run/netns/isb${tag}ok" ]

# ---- a crashing case ----
run_suite "$TMP/crash" --filter selftest.crashes; rc=$?
check "crashing case: error with the signal" [ $rc -eq 2 ] && grep -q "signal 11" <<<"$(json "$TMP/crash/results.json" 'd["cases"][0]["reason"]')"

# ---- SIGINT: partial results marked incomplete, nothing left ----
"$ISOBENCH" run --filter selftest.sleeps --out "$TMP/int" >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid; rc=$?
check "SIGINT: exit 130" [ $rc -eq 130 ]
check "SIGINT: results.json says incomplete" [ "$(json "$TMP/int/results.json" 'd["run"]["complete"]')" = False ]
tag=$(tag_of "$TMP/int/results.json")
check "SIGINT: nothing of run $tag left" [ -z "$(leftovers_of "$tag")" ]

# ---- SIGKILL, then isobench cleanup ----
tag=$(killed_run "$TMP/kill")
check "SIGKILL: run state found" [ -n "$tag" ]
check "SIGKILL: no results.json passed off as complete" [ ! -e "$TMP/kill/results.json" ]
check "SIGKILL: the run left cgroups behind" [ -n "$(leftovers_of "$tag")" ]
check "SIGKILL: the escaped child survived the runner" [ "$(alive_sleepers)" -gt "$before" ]
"$ISOBENCH" cleanup >"$TMP/cleanup.out"; rc=$?
check "cleanup exits 0" [ $rc -eq 0 ]
sleep 0.2
check "cleanup: nothing of run $tag left" [ -z "$(leftovers_of "$tag")" ]
check "cleanup: escaped child killed" [ "$(alive_sleepers)" -le "$before" ]
"$ISOBENCH" cleanup >"$TMP/cleanup2.out"
check "second cleanup finds nothing of that run" bash -c "! grep -q '$tag' '$TMP/cleanup2.out'"

# ---- not root: cases that allow it run in a user namespace of their own (it_rootless.sh
# checks them); root-only ones skip saying what root is for; exit 0 ----
mkdir -p "$TMP/nr" && chmod 777 "$TMP" "$TMP/nr"
if command -v setpriv >/dev/null; then
	ISOBENCH_SELFTEST=0 setpriv --reuid=65534 --regid=65534 --clear-groups \
		env -u XDG_RUNTIME_DIR "$ISOBENCH" run --out "$TMP/nr/out" >"$TMP/nr.ktap" 2>"$TMP/nr.err"
	rc=$?
	check "non-root run exits 0" [ $rc -eq 0 ] || cat "$TMP/nr.err"
	check "non-root run: no case failed (known deviations aside) or errored" \
		[ "$(json "$TMP/nr/out/results.json" '[c["id"] for c in d["cases"] if c["verdict"] not in ("pass", "skip") and "known_deviation" not in c]')" = "[]" ]
	check "non-root run: root-only cases skip saying what root is for" \
		[ "$(json "$TMP/nr/out/results.json" 'all(c["verdict"] == "skip" and c["reason"].startswith(("needs CAP_SYS_ADMIN in the initial user namespace: ", "needs root, or ")) for c in d["cases"] if c["requirements"]["root"] and c["privilege"] == "none")')" = True ]
	check "non-root run: results valid" python3 "$SRC/reports/schema/validate.py" "$TMP/nr/out/results.json"
else
	bad "setpriv missing (util-linux)"
fi


# ---- selection from a skip file, list formats, repeat, shuffle ----
printf '# cases this box cannot run\nutsns.hostname*   # a comment after the glob\n\n  selftest.*\n' >"$TMP/skip.txt"
"$ISOBENCH" list --filter utsns --skip-file "$TMP/skip.txt" --format ids >"$TMP/ids" 2>&1
check "list --skip-file: the file's globs are excludes" [ "$(cat "$TMP/ids")" = "$(printf 'utsns:domainname_private_to_namespace\nutsns:setns_switches_view')" ]
run_suite "$TMP/sk" --filter utsns --skip-file "$TMP/skip.txt"
check "run --skip-file: 2 cases, excludes recorded" [ "$(json "$TMP/sk/results.json" 'len(d["cases"])')" = 2 ] && [ "$(json "$TMP/sk/results.json" '"utsns.hostname*" in d["run"]["excludes"]')" = True ]
printf 'two globs\n' >"$TMP/bad.txt"
"$ISOBENCH" run --skip-file "$TMP/bad.txt" >/dev/null 2>"$TMP/e"; rc=$?
check "a malformed skip file: usage error naming the line" [ $rc -eq 64 ] && grep -q "bad.txt:1" "$TMP/e"
"$ISOBENCH" run --skip-file "$TMP/none.txt" >/dev/null 2>"$TMP/e"; rc=$?
check "a missing skip file: usage error, one line" [ $rc -eq 64 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ]
"$ISOBENCH" list --format json --filter utsns >"$TMP/l.json"
check "list --format json: the same as --json" [ "$("$ISOBENCH" list --json --filter utsns | md5sum)" = "$(md5sum <"$TMP/l.json")" ]
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ISOBENCH" list --filter pods --format ktap >"$TMP/dry.ktap"
	check "list --format ktap as nobody: a dry run where root-only cases skip with the reason" \
		[ "$(grep -c '^  ok [0-9]* .* # SKIP needs CAP_SYS_ADMIN in the initial user namespace: ' "$TMP/dry.ktap")" -eq 4 ]
	if setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user true 2>/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ISOBENCH" list --filter utsns --format ktap >"$TMP/dry.ktap"
		check "list --format ktap as nobody: userns cases would run" [ "$(grep -c '^  ok [0-9]* [a-z_]*$' "$TMP/dry.ktap")" -eq 3 ]
	fi
fi
"$ISOBENCH" list --filter utsns --format ktap >"$TMP/dry.ktap"
check "list --format ktap as root: a plan and every case ok" grep -q '^1\.\.1$' "$TMP/dry.ktap" && [ "$(grep -c '^  ok [0-9]* [a-z_]*$' "$TMP/dry.ktap")" -eq 3 ]
ISOBENCH_SELFTEST=1 run_suite "$TMP/rep" --filter selftest.sometimes_fails --filter selftest.passes --repeat 4; rc=$?
check "--repeat 4: a case failing on every second run fails the run" [ $rc -eq 1 ]
check "--repeat: its reason says how many runs failed" grep -q "# fail: failed 2 of 4 runs" "$TMP/rep.ktap"
check "--repeat: JSON counts the runs" [ "$(json "$TMP/rep/results.json" '[c["repeats"] for c in d["cases"] if c["id"] == "selftest.sometimes_fails"][0]')" = '{"control_failed": 0, "failed": 2, "runs": 4}' ] && [ "$(json "$TMP/rep/results.json" 'd["run"]["repeat"]')" = 4 ]
check "--repeat: the marker of the flaky case is gone" [ -z "$(ls /tmp/isobench-selftest-flaky-* 2>/dev/null)" ]
run_suite "$TMP/sh1" --filter utsns --filter ipcns --shuffle --seed 11
run_suite "$TMP/sh2" --filter utsns --filter ipcns --shuffle --seed 11
check "--shuffle --seed: the seed is printed and recorded" grep -q "^# shuffled: .*--seed 11" "$TMP/sh1.ktap" && [ "$(json "$TMP/sh1/results.json" 'd["run"]["shuffle_seed"]')" = 11 ]
check "--shuffle --seed: one seed, one order" [ "$(json "$TMP/sh1/results.json" '[c["id"] for c in d["cases"]]')" = "$(json "$TMP/sh2/results.json" '[c["id"] for c in d["cases"]]')" ]
run_suite "$TMP/sh0" --filter utsns --filter ipcns
check "--shuffle: the order differs from the registry's (seed 11)" [ "$(json "$TMP/sh1/results.json" '[c["id"] for c in d["cases"]]')" != "$(json "$TMP/sh0/results.json" '[c["id"] for c in d["cases"]]')" ]
check "--shuffle: the same cases, the same verdicts" [ "$(json "$TMP/sh1/results.json" 'sorted((c["id"], c["verdict"]) for c in d["cases"])')" = "$(json "$TMP/sh0/results.json" 'sorted((c["id"], c["verdict"]) for c in d["cases"])')" ]
run_suite "$TMP/sh3" --filter utsns --seed 3; rc=$?
check "--seed without --shuffle: usage error" [ $rc -eq 64 ]

finish
