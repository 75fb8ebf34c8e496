#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Puts the cgroup layout on the kernel command line; Vagrant reboots the box afterwards.
#   cgroup-mode.sh v1|v2|hybrid|native
# v2      systemd.unified_cgroup_hierarchy=1            cgroup2 at /sys/fs/cgroup
# hybrid  systemd.unified_cgroup_hierarchy=0             v1 controllers + cgroup2 at ./unified
# v1      ... =0 systemd.legacy_systemd_cgroup_controller=1   v1 only (no cgroup2 mount)
# native  none of ours: the image's default
# systemd 256-257 boot v1/hybrid only with SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE=1 (added here);
# systemd 258 and later cannot run v1 or hybrid at all: the script fails with that reason.
set -euo pipefail
mode=${1:?usage: cgroup-mode.sh v1|v2|hybrid|native}
ours="systemd.unified_cgroup_hierarchy systemd.legacy_systemd_cgroup_controller SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE"
sd=$(systemctl --version | awk 'NR == 1 { print $2 }')
case "$mode" in
v2) args="systemd.unified_cgroup_hierarchy=1" ;;
hybrid) args="systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0" ;;
v1) args="systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=1" ;;
native) args="" ;;
*)
	echo "cgroup-mode.sh: unknown mode '$mode' (v1, v2, hybrid, native)" >&2
	exit 64
	;;
esac
if [ "$mode" = v1 ] || [ "$mode" = hybrid ]; then
	if [ "${sd%%.*}" -ge 258 ]; then
		echo "cgroup-mode.sh: systemd $sd has no cgroup v1 support; this box cannot run $mode" >&2
		exit 1
	fi
	if [ "${sd%%.*}" -ge 256 ]; then
		echo "cgroup-mode.sh: systemd $sd deprecates v1: adding SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE=1"
		args="$args SYSTEMD_CGROUP_ENABLE_LEGACY_FORCE=1"
	fi
fi

now=$(stat -fc %T /sys/fs/cgroup)
if [ "$now" = cgroup2fs ]; then
	now=v2
elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	now=hybrid
else
	now=v1
fi
echo "cgroup-mode.sh: box runs $now now; asked for $mode (kernel args: ${args:-none of ours})"

if command -v grubby >/dev/null; then
	# Fedora, EL: edit every installed kernel's entry.
	grubby --update-kernel=ALL --remove-args="$ours"
	[ -z "$args" ] || grubby --update-kernel=ALL --args="$args"
elif [ -d /etc/default ] && command -v update-grub >/dev/null; then
	# Debian, Ubuntu: a drop-in read after the image's own (50-cloudimg-settings.cfg, ...).
	mkdir -p /etc/default/grub.d
	f=/etc/default/grub.d/99-isobench-cgroup.cfg
	if [ -n "$args" ]; then
		# shellcheck disable=SC2016 # $GRUB_CMDLINE_LINUX is for grub-mkconfig to expand
		printf '# written by isobench vagrant/provision/cgroup-mode.sh\nGRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX %s"\n' "$args" >"$f"
	else
		rm -f "$f"
	fi
	update-grub 2>&1 | tail -2
else
	echo "cgroup-mode.sh: neither grubby nor update-grub here: cannot set kernel arguments" >&2
	exit 1
fi
echo "$mode" >/etc/isobench-cgroup-mode
echo "cgroup-mode.sh: rebooting into $mode"
