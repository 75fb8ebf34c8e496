#!/usr/bin/env bash
# Integration test of ci/kernel-matrix: the CI entry (conformance suites and their negative
# controls in a pure cgroup v2 guest on Debian's 6.1 kernel, TCG when nested KVM does not
# work) must pass within its budget, and the runner must fail loudly on guests that panic,
# hang, send truncated results or report error verdicts.
# Runs only when ISOBENCH_KMATRIX=1 or CI=true (it boots guests: minutes under TCG);
# otherwise prints SKIP. Needs qemu-system-x86, busybox-static and either the Debian
# archive (apt-get download) or the kernels already in ci/kernels/cache/.
source "$(dirname "$0")/../../harness/tests/lib.sh"
if [ "${ISOBENCH_KMATRIX:-}" != 1 ] && [ "${CI:-}" != true ]; then
	echo "SKIP: kernel matrix guests run only with ISOBENCH_KMATRIX=1 or CI=true"
	exit 0
fi
KM="$SRC/ci/kernel-matrix"
budget=${ISOBENCH_KMATRIX_BUDGET:-900}

missing=""
for t in qemu-system-x86_64 python3 apt-get dpkg-deb depmod xz; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -x /bin/busybox ] || command -v busybox >/dev/null || missing="$missing busybox"
if [ -n "$missing" ]; then
	echo "not ok - tools missing:$missing (install: ISOBENCH_DEPS_EXTRA=qemu ci/install-deps)"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- usage errors ----
"$KM" >/dev/null 2>"$TMP/u1"; rc=$?
check "no mode: exit 64 with a message" [ $rc -eq 64 ] && grep -q -- "--matrix" "$TMP/u1"
printf 'bad 6.1 v3 smp2\n' >"$TMP/bad.txt"
"$KM" --matrix "$TMP/bad.txt" --list >/dev/null 2>"$TMP/u2"; rc=$?
check "bad cgroup mode in a matrix: exit 64 naming the line" [ $rc -eq 64 ] && grep -q "bad.txt:1" "$TMP/u2"
"$KM" --matrix "$SRC/ci/matrix.txt" --list >"$TMP/list" 2>&1; rc=$?
check "ci/matrix.txt parses and its kernels resolve" [ $rc -eq 0 ]
check "ci/matrix.txt spans 6.1 and 6.12, v1 and v2" \
	bash -c "grep -q 'linux-image-6.1\\..*cgroup=v1' '$TMP/list' && grep -q 'linux-image-6.12.*cgroup=v2' '$TMP/list'"

# ---- the CI entry ----
t0=$(date +%s)
"$KM" --ci --isobench "$ISOBENCH" --out "$TMP/ci" >"$TMP/ci.out" 2>&1; rc=$?
t1=$(date +%s)
cat "$TMP/ci.out" | sed -n '/^entry /,$p'
check "--ci exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -40 "$TMP/ci.out"
check "--ci took $((t1 - t0)) s, within ${budget} s" [ $((t1 - t0)) -le "$budget" ]
r="$TMP/ci/ci-6.1-v2/results.json"
check "results.json came back" [ -s "$r" ]
if [ -s "$r" ]; then
	if python3 -c 'import jsonschema' 2>/dev/null; then
		check "results.json validates against the schema" python3 "$SRC/reports/schema/validate.py" "$r"
	fi
	check "guest ran pure cgroup v2" [ "$(json "$r" 'd["sysinfo"]["cgroup"]["mode"]')" = v2 ]
	rel=$(json "$r" 'd["sysinfo"]["kernel"]["release"]')
	check "guest ran a 6.1 kernel ($rel)" bash -c "[[ '$rel' == 6.1.* ]]"
	vm=$(json "$r" 'd["run"]["environment"]["vm"]')
	check "run.environment.vm is qemu-tcg or qemu-kvm ($vm)" bash -c "[ '$vm' = qemu-tcg ] || [ '$vm' = qemu-kvm ]"
	if [ "$vm" = qemu-tcg ]; then
		check "TCG results are labelled emulated" [ "$(json "$r" 'd["run"]["environment"].get("emulated")')" = tcg ]
	fi
	check "cases ran" [ "$(json "$r" 'd["summary"]["total"]')" -gt 0 ]
	not_verdicts "$r" pass skip >"$TMP/bad"
	check "every case passes or skips in the guest" [ ! -s "$TMP/bad" ]
	sed 's/^/#   /' "$TMP/bad"
	c="$TMP/ci/ci-6.1-v2/controls.json"
	check "controls came back" [ -s "$c" ]
	[ -s "$c" ] && not_verdicts "$c" pass skip >"$TMP/cbad"
	check "every negative control fails as expected in the guest" [ ! -s "$TMP/cbad" ]
	sed 's/^/#   /' "$TMP/cbad"
	echo "# guest: $(json "$r" 'd["summary"]'), entry $(json "$r" 'd["run"]["environment"]["matrix_entry"]')"
	# Rootless (issue 17): the cgroup suites as nobody, started in a cgroup v2 subtree that
	# the guest's init delegated to it (chowned as systemd's Delegate=yes does).
	g="$TMP/ci/ci-6.1-v2/rootless.json"
	check "rootless results came back" [ -s "$g" ]
	if [ -s "$g" ]; then
		check "rootless: run.privilege is rootless, the run had a cgroup of its own" \
			[ "$(json "$g" 'd["run"]["privilege"] == "rootless" and d["sysinfo"]["containment"] == "cgroup"')" = True ]
		for s in memory pids cpu; do
			n=$(json "$g" "sum(c['verdict'] == 'pass' and c['privilege'] == 'delegated' for c in d['cases'] if c['suite'] == 'cgroup.$s')")
			check "rootless: cgroup.$s cases pass as nobody in the delegated subtree ($n)" [ "$n" -ge 3 ]
		done
		check "rootless: no cgroup.memory/pids/cpu case that allows delegation failed or skipped" \
			[ "$(json "$g" "[c['id'] for c in d['cases'] if c['suite'] in ('cgroup.memory', 'cgroup.pids', 'cgroup.cpu') and c['requirements'].get('deleg_ok') and c['verdict'] != 'pass' and not c['reason'].startswith('pids.events here counts')]")" = "[]" ]
		check "rootless: every control of a passing case failed as expected" \
			[ "$(json "$g" "[c['id'] for c in d['cases'] if c['verdict'] == 'pass' and c['control']['verdict'] != 'pass']")" = "[]" ]
		check "rootless: the cases that need real root say what for" \
			[ "$(json "$g" "[c['id'] for c in d['cases'] if c['privilege'] == 'none' and not c['reason'].startswith('needs CAP_SYS_ADMIN in the initial user namespace: ')]")" = "[]" ]
		check "rootless: the delegated subtree is as it was after the run" \
			grep -q "isobench-user holds 0 cgroups, subtree_control ''" "$TMP/ci/ci-6.1-v2/console.log"
		echo "# rootless: $(json "$g" 'd["summary"]')"
	fi
fi

# ---- the runner fails loudly ----
cat >"$TMP/neg.txt" <<'EOF'
panic  6.1 v2 up crash=panic timeout=300
cut    6.1 v2 up crash=cut timeout=300
hang   6.1 v2 up crash=hang timeout=45
errors 6.1 v2 up env=ISOBENCH_SELFTEST=1 filter=selftest.crashes,selftest.passes timeout=300
EOF
for n in panic cut hang errors; do
	"$KM" --matrix "$TMP/neg.txt" --only "$n" --isobench "$ISOBENCH" --out "$TMP/neg" >"$TMP/$n.out" 2>&1
	echo $? >"$TMP/$n.rc"
done
check "a panicking guest: exit 2, 'panicked'" bash -c "[ \$(cat '$TMP/panic.rc') = 2 ] && grep -q 'FAILED: guest kernel panicked' '$TMP/panic.out'"
check "truncated results: exit 2, 'truncated'" bash -c "[ \$(cat '$TMP/cut.rc') = 2 ] && grep -q 'FAILED: results transfer truncated' '$TMP/cut.out'"
check "a hanging guest: exit 2, 'timed out'" bash -c "[ \$(cat '$TMP/hang.rc') = 2 ] && grep -q 'FAILED: guest timed out after 45 s' '$TMP/hang.out'"
check "an error verdict in the guest: exit 1, case named" bash -c "[ \$(cat '$TMP/errors.rc') = 1 ] && grep -q 'selftest.crashes: error' '$TMP/errors.out'"
for n in panic cut hang errors; do
	[ "$(cat "$TMP/$n.rc")" = 0 ] && tail -20 "$TMP/$n.out"
done
finish
