#!/usr/bin/env bash
# isobench on a shared machine (issue 25): a neighbour program makes and removes its own
# cgroups (at the hierarchy roots and beside isobench's run cgroup, v1 and v2), named netns,
# host veth and dummy links and tmpfs mounts holding data, throughout a full
# `run --with-controls` and a `bench --profile smoke`. Afterwards every neighbour object that
# should exist exists with its data, isobench reports 0 errors and 0 leaks, and its verdicts
# equal a quiet run's. Then two whole-registry runs at once, and `isobench cleanup` after a
# SIGKILLed run with the neighbour's objects present (some named like isobench's own).
source "$(dirname "$0")/lib.sh"
need_root
NB="$TMP/nb" # the neighbour's manifest and mount points
mkdir -p "$NB/mnt"

# The cgroup directories the neighbour uses: every hierarchy's root, and the start cgroup
# (where isobench puts its run cgroup) when that is not the root.
cg_dirs() {
	local line hid ctrl path root
	while IFS= read -r line; do
		hid=${line%%:*}
		ctrl=${line#*:}
		ctrl=${ctrl%%:*}
		path=${line#*:*:}
		if [ "$hid" = 0 ]; then
			root=/sys/fs/cgroup
			[ -d /sys/fs/cgroup/unified ] && root=/sys/fs/cgroup/unified
		else
			case "$ctrl" in
			name=*) continue ;; # named hierarchies: no mount point to use
			esac
			root=/sys/fs/cgroup/${ctrl%%,*}
			[ -d "$root" ] || continue
		fi
		echo "$root"
		[ "$path" != / ] && [ -d "$root$path" ] && echo "$root$path"
	done </proc/self/cgroup | sort -u
}
mapfile -t CGD < <(cg_dirs)

have_dummy=0
if ip link add nbrprobe0 type dummy 2>/dev/null; then
	have_dummy=1
	ip link del nbrprobe0
fi

# neighbour_make I: one object of each kind, recorded in the manifest once it is complete
neighbour_make() {
	local i=$1 d
	for d in "${CGD[@]}"; do
		mkdir "$d/nbr$$c$i" 2>/dev/null && echo "cgroup $d/nbr$$c$i" >>"$NB/manifest"
	done
	# a cgroup whose name looks like isobench's own, of no run that exists
	mkdir "${CGD[0]}/isobench-ffff$(printf '%02x' $((i % 256)))" 2>/dev/null &&
		echo "cgroup ${CGD[0]}/isobench-ffff$(printf '%02x' $((i % 256)))" >>"$NB/manifest"
	ip netns add "nbr$$n$i" 2>/dev/null && echo "netns nbr$$n$i" >>"$NB/manifest"
	ip link add "nbr$$a$i" type veth peer name "nbr$$b$i" 2>/dev/null &&
		echo "link nbr$$a$i" >>"$NB/manifest" && echo "link nbr$$b$i" >>"$NB/manifest"
	if [ $have_dummy = 1 ]; then
		ip link add "nbr$$d$i" type dummy 2>/dev/null && echo "link nbr$$d$i" >>"$NB/manifest"
	fi
	mkdir -p "$NB/mnt/m$i"
	if mount -t tmpfs -o size=1m "nbr$$" "$NB/mnt/m$i"; then
		echo "neighbour data $i" >"$NB/mnt/m$i/data"
		echo "mount $NB/mnt/m$i" >>"$NB/manifest"
	fi
}

# neighbour_remove I: strikes what neighbour_make I made from the manifest, then removes it
neighbour_remove() {
	local i=$1 d
	grep -v -e "nbr$$c$i\$" -e "nbr$$n$i\$" -e "nbr$$[abd]$i\$" -e "/m$i\$" \
		-e "isobench-ffff$(printf '%02x' $((i % 256)))\$" "$NB/manifest" >"$NB/manifest.new"
	mv "$NB/manifest.new" "$NB/manifest"
	for d in "${CGD[@]}"; do rmdir "$d/nbr$$c$i" 2>/dev/null; done
	rmdir "${CGD[0]}/isobench-ffff$(printf '%02x' $((i % 256)))" 2>/dev/null
	ip netns del "nbr$$n$i" 2>/dev/null
	ip link del "nbr$$a$i" 2>/dev/null
	ip link del "nbr$$d$i" 2>/dev/null
	umount "$NB/mnt/m$i" 2>/dev/null
}

# The neighbour: every 0.5 s makes a set of objects and removes the set made 4 steps before,
# until $NB/stop appears (a signal could cut a step in half).
neighbour() {
	local i=0
	rm -f "$NB/stop"
	while [ ! -e "$NB/stop" ]; do
		neighbour_make $i
		[ $i -ge 4 ] && neighbour_remove $((i - 4))
		i=$((i + 1))
		sleep 0.5
	done
}

# neighbour_check: every object in the manifest exists, the mounts with their data
neighbour_check() {
	local kind what missing=0 i
	while read -r kind what; do
		case $kind in
		cgroup) [ -d "$what" ] || { echo "missing: cgroup $what"; missing=1; } ;;
		netns) ip netns list | grep -q "^$what\b" || { echo "missing: netns $what"; missing=1; } ;;
		link) ip link show "$what" >/dev/null 2>&1 || { echo "missing: link $what"; missing=1; } ;;
		mount)
			i=${what##*/m}
			mountpoint -q "$what" && [ "$(cat "$what/data" 2>/dev/null)" = "neighbour data $i" ] ||
				{ echo "missing: mount $what or its data"; missing=1; }
			;;
		esac
	done <"$NB/manifest"
	return $missing
}

neighbour_stop() {
	touch "$NB/stop"
	wait "$1" 2>/dev/null
}

neighbour_clean() {
	local i
	for i in $(seq 0 400); do neighbour_remove "$i"; done 2>/dev/null
	: >"$NB/manifest"
}

# verdicts FILE: "id verdict control-verdict" per case, sorted
verdicts() { json "$1" '"\n".join(sorted(c["id"] + " " + c["verdict"] + " " + c.get("control", {}).get("control_verdict", "-") for c in d["cases"]))'; }
# problems FILE: cases that are error or broken (case or control)
problems() { json "$1" '"\n".join(c["id"] + ": " + c["reason"] for c in d["cases"] if c["verdict"] in ("error", "broken") or c.get("control", {}).get("control_verdict") in ("error", "broken"))'; }

: >"$NB/manifest"

# ---- a quiet run: the verdicts to match ----
"$ISOBENCH" run --with-controls --out "$TMP/quiet" >"$TMP/quiet.ktap" 2>"$TMP/quiet.err"
quiet_rc=$?
check "quiet run: exit 0 or 1 (no error)" [ $quiet_rc -le 1 ]
verdicts "$TMP/quiet/results.json" >"$TMP/quiet.v"

# ---- the same run with a busy neighbour ----
neighbour &
npid=$!
sleep 1.2
"$ISOBENCH" run --with-controls --out "$TMP/busy" >"$TMP/busy.ktap" 2>"$TMP/busy.err"
busy_rc=$?
"$ISOBENCH" bench --profile smoke --out "$TMP/bench" >"$TMP/bench.out" 2>&1
bench_rc=$?
neighbour_stop $npid
check "neighbour: its objects all still there, mounts with their data" neighbour_check
check "neighbour: it made objects of every kind meanwhile" \
	bash -c "grep -q '^cgroup' '$NB/manifest' && grep -q '^netns' '$NB/manifest' && grep -q '^link' '$NB/manifest' && grep -q '^mount' '$NB/manifest'"
check "busy run: the exit status of the quiet run ($quiet_rc)" [ $busy_rc -eq $quiet_rc ]
p=$(problems "$TMP/busy/results.json")
check "busy run: 0 errors and 0 leaks" [ -z "$p" ]
[ -z "$p" ] || echo "$p"
check "busy run: no leftovers" [ "$(json "$TMP/busy/results.json" 'd["run"].get("leftovers", "")')" = "" ]
verdicts "$TMP/busy/results.json" >"$TMP/busy.v"
check "busy run: the verdicts of the quiet run" cmp -s "$TMP/quiet.v" "$TMP/busy.v"
cmp -s "$TMP/quiet.v" "$TMP/busy.v" || diff "$TMP/quiet.v" "$TMP/busy.v" | head -20
check "busy run: the neighbour's objects noted as not ours (run.foreign_changes)" \
	[ "$(json "$TMP/busy/results.json" 'd["run"].get("foreign_changes", {}).get("count", 0) > 0')" = True ]
check "busy run: results valid" python3 "$SRC/reports/schema/validate.py" "$TMP/busy/results.json"
check "bench --profile smoke beside the neighbour: exit 0" [ $bench_rc -eq 0 ] || tail -5 "$TMP/bench.out"
for f in quiet busy bench; do
	tag=$(tag_of "$TMP/$f/results.json")
	check "$f: nothing of run $tag left" [ -z "$(leftovers_of "$tag")" ]
done
neighbour_clean

# ---- two whole-registry runs at once, and a bench beside them ----
"$ISOBENCH" run --with-controls --out "$TMP/c1" >"$TMP/c1.ktap" 2>"$TMP/c1.err" &
p1=$!
"$ISOBENCH" run --with-controls --out "$TMP/c2" >"$TMP/c2.ktap" 2>"$TMP/c2.err" &
p2=$!
"$ISOBENCH" bench --profile smoke --out "$TMP/cb" >"$TMP/cb.out" 2>&1 &
p3=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
wait $p3; rc3=$?
check "a bench beside the two runs: exit 0, nothing of it left" [ $rc3 -eq 0 ] &&
	[ -z "$(leftovers_of "$(tag_of "$TMP/cb/results.json")")" ]
for c in 1 2; do
	rc=$((c == 1 ? rc1 : rc2))
	check "concurrent run $c: the exit status of a run alone ($quiet_rc)" [ $rc -eq $quiet_rc ]
	p=$(problems "$TMP/c$c/results.json")
	check "concurrent run $c: 0 errors" [ -z "$p" ]
	[ -z "$p" ] || echo "$p"
	verdicts "$TMP/c$c/results.json" >"$TMP/c$c.v"
	check "concurrent run $c: the verdicts of a run alone" cmp -s "$TMP/quiet.v" "$TMP/c$c.v"
	cmp -s "$TMP/quiet.v" "$TMP/c$c.v" || diff "$TMP/quiet.v" "$TMP/c$c.v" | head -20
	tag=$(tag_of "$TMP/c$c/results.json")
	check "concurrent run $c: nothing of run $tag left" [ -z "$(leftovers_of "$tag")" ]
	check "concurrent run $c: the other run not blamed" \
		bash -c "! grep -q 'leak' '$TMP/c$c.ktap'"
done

# ---- SIGKILL, then cleanup, with the neighbour's objects present ----
export ISOBENCH_SELFTEST=1
for i in 0 1 2; do neighbour_make $i; done
# objects named the way isobench names its own, of a run that never existed here
ip netns add isbfeed01x 2>/dev/null && echo "netns isbfeed01x" >>"$NB/manifest"
ip link add isbfeed01a type veth peer name isbfeed01b 2>/dev/null &&
	echo "link isbfeed01a" >>"$NB/manifest" && echo "link isbfeed01b" >>"$NB/manifest"
tag=$(killed_run "$TMP/kill")
check "SIGKILL: the run left its cgroups" [ -n "$tag" ] && [ -n "$(leftovers_of "$tag")" ]
"$ISOBENCH" cleanup >"$TMP/cleanup.out"
check "cleanup: nothing of run $tag left" [ -z "$(leftovers_of "$tag")" ]
check "cleanup: it named none of the neighbour's objects" \
	bash -c "! grep -q -e 'nbr' -e 'isbfeed' -e 'isobench-ffff' '$TMP/cleanup.out'"
check "cleanup: the neighbour's objects all still there" neighbour_check
ip netns del isbfeed01x 2>/dev/null
ip link del isbfeed01a 2>/dev/null
neighbour_clean

finish
