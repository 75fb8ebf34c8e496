#!/usr/bin/env bash
# Integration test of the netns suite: every case passes or skips, every negative control
# fails as expected, and nothing of either run is left behind; in particular no link named
# isb* is in the host's network namespace (the cases only configure namespaces they made).
source "$(dirname "$0")/../../harness/tests/lib.sh"
need_root

# extra_leftovers TAG: links of the run in the host network namespace (via ip, and sysfs)
extra_leftovers() {
	{
		ip -o link 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//'
		ls /sys/class/net 2>/dev/null
	} | grep "^isb$1" | sort -u || true
}
ncases=$("$ISOBENCH" list --filter 'netns.*' --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check_suite netns "$ncases" 20000 --filter 'netns.*'
check "no isb* link at all in the host netns" test -z "$(ip -o link | awk -F': ' '{print $2}' | grep '^isb')"
finish
