#!/usr/bin/env bash
# Integration test of the userns, utsns, ipcns, cgroupns, timens and nsgeneric suites on the
# real kernel: every case passes or skips (with a reason), every negative control fails as
# expected, and the runs leave nothing of theirs behind, nor change what the cases must not
# touch on the host (hostname, domain name, SysV IPC, cgroup2 options, user.* limits).
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

SUITES=(userns utsns ipcns cgroupns timens nsgeneric)
FILTERS=()
for s in "${SUITES[@]}"; do FILTERS+=(--filter "$s.*"); done

# host_state: what the cases work around but must leave as it is.
host_state() {
	hostname
	cat /proc/sys/kernel/domainname
	# SysV objects with the ipcns cases' key (0x15b0c0de), which they create only in
	# namespaces of their own
	cat /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg 2>/dev/null |
		awk '$1 == 364953822 {print "sysv", $1, $2}'
	awk '$3 == "cgroup2" {print $2, $4}' /proc/self/mounts
	grep -H . /proc/sys/user/max_*_namespaces 2>/dev/null
	readlink /proc/self/ns/uts /proc/self/ns/ipc /proc/self/ns/time
}

before=$(host_state)
check_suite nsmisc 30 15000 "${FILTERS[@]}"
slow=$(json "$TMP/nsmisc-run/results.json" \
	"' '.join('%s=%.0fms' % (c['id'], c['duration_ms']) for c in d['cases'] if c['duration_ms'] > 1000)")
check "every case takes under 1 s ${slow:+($slow)}" test -z "$slow"
after=$(host_state)
[ "$before" != "$after" ] && diff <(echo "$before") <(echo "$after") | sed 's/^/# host changed: /'
check "the host's names, SysV IPC, cgroup2 options and user.* limits are unchanged" \
	test "$before" = "$after"
finish
