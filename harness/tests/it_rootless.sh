#!/usr/bin/env bash
# Rootless runs (issue 17): as nobody, the cases that allow it run as root of a user
# namespace of their own and pass, their controls fail as expected, the others skip with
# what they need root for, the state is the user's own (0700) and nothing is left behind;
# `isobench cleanup` as nobody removes only that user's objects.
source "$(dirname "$0")/lib.sh"
need_root
command -v setpriv >/dev/null || { bad "setpriv missing (util-linux)"; finish; }
NB=65534
ISOBENCH=$(readlink -f "$ISOBENCH")
as_nobody() { setpriv --reuid=$NB --regid=$NB --clear-groups env -u XDG_RUNTIME_DIR "$@"; }
chmod 755 "$TMP"
mkdir -p "$TMP/nb" && chown $NB:$NB "$TMP/nb"
STATE=/tmp/isobench-$NB
# sleepers: live escaped sleepers of selftest cases run as nobody
sleepers() { ps -u $NB -o stat=,comm= | awk '$2 == "isb-selftest" && $1 !~ /^Z/' | wc -l; }
# own_procs TAG: processes of nobody that still carry the run's state path (none may)
own_procs() { pgrep -u $NB -a 2>/dev/null | grep -c -- "$1" || true; }

if ! as_nobody unshare --user true 2>/dev/null; then
	skip "unprivileged user namespaces are disabled on this host"
	finish
fi

# ---- the whole registry with controls, as nobody ----
(cd "$TMP/nb" && ISOBENCH_SELFTEST=0 as_nobody "$ISOBENCH" run --with-controls --out "$TMP/nb/all" \
	>"$TMP/nb/all.ktap" 2>"$TMP/nb/all.err")
rc=$?
R=$TMP/nb/all/results.json
check "rootless run exits 0 or 1 (rc $rc)" [ $rc -eq 0 ] || [ $rc -eq 1 ] || cat "$TMP/nb/all.err"
check "rootless run: results valid" python3 "$SRC/reports/schema/validate.py" "$R"
npass=$(json "$R" 'sum(c["verdict"] == "pass" for c in d["cases"])')
echo "# rootless: $npass cases pass as uid $NB"
check "rootless run: at least 60 cases pass ($npass)" [ "$npass" -ge 60 ]
check "rootless run: every control of a passing case failed as expected" \
	[ "$(json "$R" '[c["id"] for c in d["cases"] if c["verdict"] == "pass" and c["control"]["verdict"] != "pass"]')" = "[]" ]
check "rootless run: no case broken or erred" [ -z "$(not_verdicts "$R" pass skip fail)" ]
check "rootless run: what ran, ran in a user namespace of its own" \
	[ "$(json "$R" 'all(c["privilege"] == "userns" for c in d["cases"] if c["verdict"] != "skip")')" = True ]
check "rootless run: run.privilege is rootless" [ "$(json "$R" 'd["run"]["privilege"]')" = rootless ]
check "rootless run: KTAP names the privilege" grep -q '^  # privilege: userns$' "$TMP/nb/all.ktap"
check "rootless run: root-only cases say what root is for" \
	[ "$(json "$R" '[c["id"] for c in d["cases"] if c["privilege"] == "none" and not c["reason"].startswith(("needs CAP_SYS_ADMIN in the initial user namespace: ", "needs root, or a delegated cgroup v2 subtree"))]')" = "[]" ]
check "rootless run: cgroup cases say how to get a delegated subtree, or what root is for" \
	[ "$(json "$R" '[c["id"] for c in d["cases"] if c["suite"].startswith("cgroup.") and c["verdict"] == "skip" and "Delegate=yes" not in c["reason"] and not c["reason"].startswith("needs CAP_SYS_ADMIN in the initial user namespace: ")]')" = "[]" ]
check "rootless run: every case that allows a delegated subtree says how to get one" \
	[ "$(json "$R" '[c["id"] for c in d["cases"] if c["requirements"].get("deleg_ok") and "Delegate=yes" not in c["reason"]]')" = "[]" ]
tag=$(tag_of "$R")
check "rootless run: nothing of run $tag left (cgroups, netns, links)" [ -z "$(leftovers_of "$tag")" ]
check "rootless run: its state dir is gone" [ ! -e "$STATE/$tag" ]
check "rootless run: the state base is nobody's, mode 0700" [ "$(stat -c '%u %a' "$STATE")" = "$NB 700" ]
check "rootless run: no process of it left" [ "$(own_procs "$STATE/$tag")" -eq 0 ]
check "rootless run: no cgroup made without a delegated subtree" \
	[ "$(json "$R" 'd["sysinfo"]["containment"]')" = "process-group+subreaper" ]

# ---- a delegated cgroup v2 subtree, prepared by root as systemd's Delegate=yes does ----
# (cgroup-v2.rst "Delegation": the directory, cgroup.procs, cgroup.threads and
# cgroup.subtree_control chowned to the user), below this test's own v2 cgroup.
v2mnt=$(awk '$9 == "cgroup2" && $4 == "/" { print $5; exit }' /proc/self/mountinfo)
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
D=${v2mnt}${own%/}/isobench-it-deleg-$$
if [ -n "$v2mnt" ] && mkdir "$D" 2>/dev/null; then
	chown $NB:$NB "$D" "$D/cgroup.procs" "$D/cgroup.threads" "$D/cgroup.subtree_control"
	sc_before=$(cat "$D/cgroup.subtree_control")
	# in_deleg ARGS: isobench ARGS as nobody, started in D (as `systemd-run --scope` starts it)
	in_deleg() {
		(cd "$TMP/nb" && sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$D" \
			setpriv --reuid=$NB --regid=$NB --clear-groups env -u XDG_RUNTIME_DIR "$ISOBENCH" "$@")
	}
	in_deleg run --with-controls --filter 'cgroup.*' --out "$TMP/nb/deleg" >"$TMP/nb/deleg.ktap" 2>"$TMP/nb/deleg.err"
	rc=$?
	G=$TMP/nb/deleg/results.json
	check "delegated run: exits 0 or 1 (rc $rc)" [ $rc -eq 0 ] || [ $rc -eq 1 ] || cat "$TMP/nb/deleg.err"
	check "delegated run: results valid" python3 "$SRC/reports/schema/validate.py" "$G"
	check "delegated run: the run has a cgroup of its own" [ "$(json "$G" 'd["sysinfo"]["containment"]')" = cgroup ]
	ndel=$(json "$G" 'sum(c["verdict"] == "pass" and c["privilege"] == "delegated" for c in d["cases"])')
	echo "# delegated: $ndel cgroup cases pass as uid $NB in $D"
	check "delegated run: the attach cases that need no controller pass as the user ($ndel)" [ "$ndel" -ge 5 ]
	check "delegated run: what ran, ran as the user in the delegated subtree" \
		[ "$(json "$G" 'all(c["privilege"] == "delegated" for c in d["cases"] if c["verdict"] != "skip")')" = True ]
	check "delegated run: every control of a passing case failed as expected" \
		[ "$(json "$G" '[c["id"] for c in d["cases"] if c["verdict"] == "pass" and c["control"]["verdict"] != "pass"]')" = "[]" ]
	check "delegated run: no case broken or erred" [ -z "$(not_verdicts "$G" pass skip fail)" ]
	check "delegated run: KTAP names the privilege" grep -q '^  # privilege: delegated$' "$TMP/nb/deleg.ktap"
	check "delegated run: the subtree is as it was (subtree_control, no child, no process)" \
		[ "$(cat "$D/cgroup.subtree_control")" = "$sc_before" ] && [ -z "$(find "$D" -mindepth 1 -type d)" ] && [ ! -s "$D/cgroup.procs" ]
	check "delegated run: nothing of run $(tag_of "$G") left" [ -z "$(leftovers_of "$(tag_of "$G")")" ]
	# Another process in the start cgroup: no controllers can be handed down; say so.
	sh -c 'echo $$ >"$1/cgroup.procs" && exec setpriv --reuid='$NB' --regid='$NB' --clear-groups sleep 30' sh "$D" &
	spid=$!
	sleep 0.3
	in_deleg run --filter 'cgroup.attach.*' --out "$TMP/nb/deleg2" >/dev/null 2>"$TMP/nb/deleg2.err"
	rc=$?
	kill $spid 2>/dev/null
	wait $spid 2>/dev/null
	check "delegated start cgroup shared with another process: exit 0 (rc $rc), one line naming it" \
		[ $rc -eq 0 ] && grep -q "holds 1 process besides isobench" "$TMP/nb/deleg2.err"
	check "delegated start cgroup shared: the cases skip with that reason" \
		[ "$(json "$TMP/nb/deleg2/results.json" 'all(c["verdict"] == "skip" and "holds 1 process besides isobench" in c["reason"] for c in d["cases"] if c["requirements"].get("deleg_ok"))')" = True ]
	check "delegated start cgroup shared: nothing made in it" [ -z "$(find "$D" -mindepth 1 -type d)" ]
	rmdir "$D"
else
	skip "no cgroup v2 hierarchy to delegate a subtree of ($v2mnt$own)"
fi

# ---- the same kernel as root: a rootless pass is a root pass ----
run_suite "$TMP/root" --with-controls --filter utsns --filter timens --filter ipcns
check "root run: privilege root, per case and for the run" \
	[ "$(json "$TMP/root/results.json" 'd["run"]["privilege"] == "root" and all(c["privilege"] == "root" for c in d["cases"])')" = True ]
check "root and rootless runs agree where both ran" \
	[ "$(python3 -c 'import json,sys; a={c["id"]:c["verdict"] for c in json.load(open(sys.argv[1]))["cases"]}; b={c["id"]:c["verdict"] for c in json.load(open(sys.argv[2]))["cases"] if c["verdict"] != "skip"}; print([i for i in a if i in b and a[i] != b[i]])' "$TMP/root/results.json" "$R")" = "[]" ]

# ---- XDG_RUNTIME_DIR: the state lives there ----
mkdir -p "$TMP/xdg" && chown $NB:$NB "$TMP/xdg" && chmod 700 "$TMP/xdg"
(cd "$TMP/nb" && setpriv --reuid=$NB --regid=$NB --clear-groups env XDG_RUNTIME_DIR="$TMP/xdg" \
	"$ISOBENCH" run --filter utsns --out "$TMP/nb/xdg" >/dev/null 2>&1)
rc=$?
check "XDG_RUNTIME_DIR run: exit 0" [ $rc -eq 0 ]
check "XDG_RUNTIME_DIR run: state base in it, empty after" [ -d "$TMP/xdg/isobench" ] && [ -z "$(ls -A "$TMP/xdg/isobench")" ]

# ---- a state base someone else made is refused ----
mkdir -p "$TMP/xdg2/isobench" && chmod 777 "$TMP/xdg2" "$TMP/xdg2/isobench"
(cd "$TMP/nb" && setpriv --reuid=$NB --regid=$NB --clear-groups env XDG_RUNTIME_DIR="$TMP/xdg2" \
	"$ISOBENCH" run --filter utsns --out "$TMP/nb/xdg2" >/dev/null 2>"$TMP/nb/xdg2.err")
rc=$?
check "a state base of another user: refused (rc $rc)" [ $rc -ne 0 ] && [ $rc -ne 1 ] && grep -q "not a directory of uid $NB" "$TMP/nb/xdg2.err"

# ---- timeout and escaped processes without a cgroup ----
(cd "$TMP/nb" && ISOBENCH_SELFTEST=1 as_nobody "$ISOBENCH" run --filter selftest.hangs --out "$TMP/nb/hang" >/dev/null 2>&1)
rc=$?
check "rootless hanging case: exit 2, timeout" [ $rc -eq 2 ] && [ "$(json "$TMP/nb/hang/results.json" 'd["cases"][0]["reason"]')" = "timeout after 1000 ms" ]
sleep 0.3
check "rootless hanging case: its escaped child killed" [ "$(sleepers)" -eq 0 ]

# ---- SIGKILL, then isobench cleanup as nobody; another user's objects stay ----
fake=fa1e17
mkdir -p /run/isobench/$fake && echo "999999 1" >/run/isobench/$fake/owner
cgdir=""
for d in /sys/fs/cgroup/pids /sys/fs/cgroup/unified /sys/fs/cgroup; do
	if [ -w "$d" ] && mkdir "$d/isobench-$fake" 2>/dev/null; then cgdir=$d/isobench-$fake; break; fi
done
(cd "$TMP/nb" && ISOBENCH_SELFTEST=1 exec setpriv --reuid=$NB --regid=$NB --clear-groups env -u XDG_RUNTIME_DIR \
	"$ISOBENCH" run --filter selftest.sleeps --out "$TMP/nb/kill" >/dev/null 2>&1) &
pid=$!
sleep 1.5
ktag=$(ls "$STATE" 2>/dev/null | grep -E '^[0-9a-f]{6}$' | head -1)
kill -KILL $pid
wait $pid 2>/dev/null
check "rootless SIGKILL: its state is left ($ktag)" [ -n "$ktag" ] && [ -d "$STATE/$ktag" ]
(cd "$TMP/nb" && as_nobody "$ISOBENCH" cleanup >"$TMP/nb/cleanup.out" 2>&1)
rc=$?
check "rootless cleanup: exits 0" [ $rc -eq 0 ]
check "rootless cleanup: the dead run's state removed" [ -n "$ktag" ] && [ ! -e "$STATE/$ktag" ]
check "rootless cleanup: root's dead run untouched" [ -d /run/isobench/$fake ]
[ -n "$cgdir" ] && check "rootless cleanup: root's cgroup untouched" [ -d "$cgdir" ]
check "rootless SIGKILL: its escaped sleeper outlives it (no cgroup names it)" [ "$(sleepers)" -ge 1 ]
check "rootless cleanup: never names another user's objects" bash -c "! grep -q '$fake' '$TMP/nb/cleanup.out'"
rm -rf /run/isobench/$fake
[ -n "$cgdir" ] && rmdir "$cgdir"
# The escaped sleeper of the killed run: without a cgroup nothing names it (README, Rootless).
for p in $(pgrep -u $NB -x isb-selftest); do kill -KILL "$p"; done

finish
