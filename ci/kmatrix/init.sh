#!/bin/sh
# SPDX-License-Identifier: MIT
# PID 1 of an isobench kernel-matrix guest (busybox sh), built into the initramfs by
# ci/kernel-matrix. It runs twice: first from the initramfs (rootfs), where it copies
# itself onto a tmpfs and switch_roots into it (pivot_root, mount propagation and
# statfs then behave as on a real root); then from the tmpfs, where it mounts the
# pseudo filesystems and the cgroup hierarchies asked for on the kernel command line,
# loads modules, runs isobench and sends /results back on the second serial port
# (ttyS1) as base64 of a tar.gz between BEGIN/END markers, then powers off.
#
# Kernel command line parameters (all optional):
#   isobench.cgroup=v2|v1|hybrid    cgroup layout to mount (default v2)
#   isobench.tmul=N                 isobench run --timeout-mul N (default 10)
#   isobench.filter=G1,G2           isobench run --filter G1 --filter G2
#   isobench.controls=1             also run the negative controls (--controls)
#   isobench.bench=smoke|quick|full also run isobench bench --profile ...
#   isobench.rootless=1|G1,G2       then run --with-controls as nobody (all cases, or those
#                                   filters), started in a delegated cgroup v2 subtree that
#                                   root prepares as systemd's Delegate=yes does
#   isobench.budget=SECONDS         stop isobench (SIGTERM) when the guest has been up this
#                                   long (default 3000), so partial results still come back
#   isobench.name=ENTRY             matrix entry name (hostname, log prefix)
#   isobench.disk=1|0               /dev/vda is a scratch disk: mounted on /var/tmp (default 1)
#   isobench.swap=1|0               the next virtio disk is swap (default 1)
#   isobench.env=ISOBENCH_X=V       export an ISOBENCH_* variable to isobench (repeatable)
#   isobench.stamp=KEY=VALUE        isobench run/bench --env KEY=VALUE: a fact about where the
#                                   guest runs, in every results document (repeatable)
#   isobench.xfer=ttyS1|console     where the results go (default ttyS1; console for LAVA)
#   isobench.crash=panic|hang|cut   self-test of ci/kernel-matrix: panic the kernel, hang,
#                                   or send truncated results, instead of running isobench
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb

log() { echo "kmatrix: $*"; }

if [ ! -e /.kmatrix-stage2 ]; then
	# Stage 1: rootfs cannot be pivot_root'ed or bind-propagated like a real root.
	mount -t proc proc /proc
	mkdir -p /newroot
	mount -t tmpfs -o mode=0755 root /newroot
	for e in /* /.[!.]*; do
		case "$e" in
		/newroot | /proc | /sys | /dev | '/.[!.]*') ;;
		*) cp -a "$e" /newroot/ ;;
		esac
	done
	mkdir -p /newroot/proc /newroot/sys /newroot/dev
	: >/newroot/.kmatrix-stage2
	umount /proc
	# If exec fails the shell exits, PID 1 dies and the host sees the panic.
	# shellcheck disable=SC2093
	exec switch_root /newroot /init
	echo "kmatrix: FATAL switch_root failed"
	poweroff -f
fi

# Stage 2: a tmpfs root.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /tmp /run /results /root /var/tmp /sys/fs/cgroup
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t tmpfs -o mode=0755 run /run
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# systemd makes every mount shared; do the same so cases see what they see on a host.
mount --make-rshared / || log "mount --make-rshared / failed"
ln -sf /proc/self/fd /dev/fd 2>/dev/null
ln -sf /proc/mounts /etc/mtab 2>/dev/null

as='' cgroup=v2 tmul=10 filter='' controls=0 bench=0 rootless=0 budget=3000 name=guest crash='' disk=0 swap=0 stamps='' xfer=ttyS1
for w in $(cat /proc/cmdline); do
	case "$w" in
	isobench.cgroup=*) cgroup=${w#*=} ;;
	isobench.tmul=*) tmul=${w#*=} ;;
	isobench.filter=*) filter=${w#*=} ;;
	isobench.controls=*) controls=${w#*=} ;;
	isobench.bench=*) bench=${w#*=} ;;
	isobench.rootless=*) rootless=${w#*=} ;;
	isobench.budget=*) budget=${w#*=} ;;
	isobench.name=*) name=${w#*=} ;;
	isobench.env=ISOBENCH_*=*) export "${w#*=}" ;;
	isobench.stamp=*=*) stamps="$stamps ${w#isobench.stamp=}" ;;
	isobench.crash=*) crash=${w#*=} ;;
	isobench.disk=*) disk=${w#*=} ;;
	isobench.swap=*) swap=${w#*=} ;;
	isobench.xfer=*) xfer=${w#*=} ;;
	esac
done
hostname "kmatrix-$name"
log "entry $name: kernel $(uname -r), cgroup $cgroup, $(nproc) cpus, timeout-mul $tmul"

# Modules in dependency order (ci/kernel-matrix wrote the list; paths relative to the tree).
kdir=/lib/modules/$(uname -r)
if [ -f "$kdir/kmatrix.order" ]; then
	while read -r m; do
		[ -n "$m" ] || continue
		mn=${m##*/}
		mn=${mn%.ko}
		grep -q "^$mn " /proc/modules && continue
		insmod "$kdir/$m" 2>/tmp/insmod.err || log "insmod $m failed: $(cat /tmp/insmod.err)"
	done <"$kdir/kmatrix.order"
fi
log "modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"

# A disk-backed /var/tmp (reclaimable page cache, unlike tmpfs) and swap, as on a real host.
swapdev=/dev/vda
if [ "$disk" = 1 ]; then
	swapdev=/dev/vdb
	if [ ! -b /dev/vda ]; then
		log "no /dev/vda: /var/tmp stays on tmpfs"
	elif mount -t ext4 /dev/vda /var/tmp 2>/dev/null || { mke2fs -q /dev/vda && mount /dev/vda /var/tmp; }; then
		chmod 1777 /var/tmp
		log "/var/tmp on /dev/vda ($(grep ' /var/tmp ' /proc/mounts | cut -d' ' -f3))"
	else
		log "cannot mount /dev/vda on /var/tmp"
	fi
fi
if [ "$swap" = 1 ]; then
	if [ -b "$swapdev" ] && mkswap "$swapdev" >/dev/null && swapon "$swapdev"; then
		log "swap on $swapdev: $(awk '/SwapTotal/ { print $2 " kB" }' /proc/meminfo)"
	else
		log "no swap ($swapdev missing or mkswap/swapon failed)"
	fi
fi

# Controllers the kernel has and enables (4th column of /proc/cgroups).
v1_controllers() {
	while read -r c _ _ en; do
		case "$c" in '#'*) continue ;; esac
		[ "$en" = 1 ] && echo "$c"
	done </proc/cgroups
}
mount_v1() {
	for c in $(v1_controllers); do
		mkdir -p "/sys/fs/cgroup/$c"
		if ! mount -t cgroup -o "rw,nosuid,nodev,noexec,relatime,$c" cgroup "/sys/fs/cgroup/$c" 2>/tmp/mnt.err; then
			log "cgroup v1 $c: not mountable ($(cat /tmp/mnt.err))"
			rmdir "/sys/fs/cgroup/$c"
		fi
	done
	# The named hierarchy systemd keeps on v1 and hybrid hosts (no controllers).
	mkdir -p /sys/fs/cgroup/systemd
	mount -t cgroup -o rw,nosuid,nodev,noexec,relatime,none,name=systemd cgroup /sys/fs/cgroup/systemd ||
		rmdir /sys/fs/cgroup/systemd
}
# Mount options systemd uses for cgroup2, falling back to none on kernels without them.
mount_v2() {
	mount -t cgroup2 -o rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot cgroup2 "$1" 2>/dev/null ||
		mount -t cgroup2 -o rw,nosuid,nodev,noexec,relatime,nsdelegate cgroup2 "$1" 2>/dev/null ||
		mount -t cgroup2 cgroup2 "$1"
}
case "$cgroup" in
v2)
	mount_v2 /sys/fs/cgroup || log "FATAL: cannot mount cgroup2"
	for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
		echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || log "cannot enable $c in the root's subtree_control"
	done
	log "cgroup2 at /sys/fs/cgroup, subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
	;;
v1)
	mount -t tmpfs -o rw,nosuid,nodev,noexec,mode=0755 cgroup /sys/fs/cgroup
	mount_v1
	log "cgroup v1 hierarchies: $(ls /sys/fs/cgroup | tr '\n' ' ')"
	;;
hybrid)
	mount -t tmpfs -o rw,nosuid,nodev,noexec,mode=0755 cgroup /sys/fs/cgroup
	mount_v1
	mkdir -p /sys/fs/cgroup/unified
	mount_v2 /sys/fs/cgroup/unified || log "cannot mount cgroup2 at /sys/fs/cgroup/unified"
	log "hybrid: v1 $(ls /sys/fs/cgroup | tr '\n' ' '); unified controllers: $(cat /sys/fs/cgroup/unified/cgroup.controllers)"
	;;
*) log "unknown isobench.cgroup=$cgroup: nothing mounted" ;;
esac
ip link set lo up 2>/dev/null

case "$crash" in
panic)
	log "self-test: panicking the kernel"
	echo 1 >/proc/sys/kernel/sysrq
	echo c >/proc/sysrq-trigger
	;;
hang)
	log "self-test: hanging"
	while :; do sleep 3600; done
	;;
cut)
	log "self-test: sending truncated results"
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	printf 'ISOBENCH-KMATRIX-BEGIN 100 %064d\nH4sIAAAAAAAAA\n' 0 >/dev/ttyS1
	sleep 1
	poweroff -f
	;;
esac

# Run isobench. Each step's exit code goes to /results/status.
cd /results || poweroff -f
echo "cgroup=$cgroup" >status
echo "kernel=$(uname -r)" >>status
isobench sysinfo --json >sysinfo.json 2>sysinfo.err
echo "sysinfo=$?" >>status
# The stamps (no spaces in a value) as --env options of every step.
envs=
for kv in $stamps; do envs="$envs --env $kv"; done
set --
if [ -n "$filter" ]; then
	IFS_SAVE=$IFS
	IFS=,
	for g in $filter; do set -- "$@" --filter "$g"; done
	IFS=$IFS_SAVE
fi
# step NAME ARGS...: runs isobench ARGS with the time budget, KTAP/log to the console and NAME.log
step() {
	s=$1
	shift
	log "running isobench $*"
	t0=$(cut -d' ' -f1 /proc/uptime)
	# The budget covers every step together: each gets what the earlier ones left.
	left=$(awk "BEGIN { l = int($budget - $t0); print (l < 10 ? 10 : l) }")
	(
		timeout -s TERM -k 30 "$left" $as isobench "$@" 2>&1
		echo $? >"/tmp/$s.rc"
	) | tee "$s.log"
	rc=$(cat "/tmp/$s.rc" 2>/dev/null || echo 255)
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "$s=$rc" >>status
	echo "${s}_s=$(awk "BEGIN{print $t1 - $t0}")" >>status
	log "isobench $s exited $rc"
}
# shellcheck disable=SC2086 # $envs: one word per option
step run run --timeout-mul "$tmul" --out /results/run $envs "$@"
# shellcheck disable=SC2086
[ "$controls" = 1 ] && step controls run --controls --timeout-mul "$tmul" --out /results/controls $envs "$@"
case "$bench" in
# shellcheck disable=SC2086
smoke | quick | full) step bench bench --profile "$bench" --out /results/bench $envs ;;
esac

# Rootless: nobody, started alone in a cgroup v2 directory root made and chowned to it
# (the directory, cgroup.procs, cgroup.threads, cgroup.subtree_control: cgroup-v2.rst
# "Delegation"), as `systemd-run --user --scope -p Delegate=yes` would start it.
if [ "$rootless" != 0 ]; then
	deleg=
	case "$cgroup" in
	v2) deleg=/sys/fs/cgroup/isobench-user ;;
	hybrid) deleg=/sys/fs/cgroup/unified/isobench-user ;;
	esac
	if [ -n "$deleg" ] && mkdir -p "$deleg"; then
		chown 65534:65534 "$deleg" "$deleg/cgroup.procs" "$deleg/cgroup.threads" "$deleg/cgroup.subtree_control"
		log "delegated to nobody: $deleg (controllers: $(cat "$deleg/cgroup.controllers"))"
	else
		deleg=/nonexistent
		log "no cgroup v2 hierarchy to delegate: the rootless run has no cgroup"
	fi
	# as-nobody CMD ARGS: CMD as uid 65534, alone in the delegated cgroup
	cat >/tmp/as-nobody <<EOS
#!/bin/sh
[ -d $deleg ] && echo \$\$ >$deleg/cgroup.procs
exec su -s /bin/sh -c 'exec "\$@"' -- nobody sh "\$@"
EOS
	chmod 755 /tmp/as-nobody
	mkdir -p /results/rootless
	chown 65534:65534 /results/rootless
	set --
	if [ "$rootless" != 1 ]; then
		IFS_SAVE=$IFS
		IFS=,
		for g in $rootless; do set -- "$@" --filter "$g"; done
		IFS=$IFS_SAVE
	fi
	as=/tmp/as-nobody
	# shellcheck disable=SC2086
	step rootless run --with-controls --timeout-mul "$tmul" --out /results/rootless $envs "$@"
	as=
	[ -d "$deleg" ] && log "after the rootless run: $deleg holds $(find "$deleg" -mindepth 1 -type d | wc -l) cgroups, subtree_control '$(cat "$deleg/cgroup.subtree_control")'"
fi

dmesg >dmesg.txt 2>&1
cat /proc/self/mountinfo >mountinfo.txt
cat /proc/cgroups >proc-cgroups.txt
cat /proc/modules >modules.txt
echo "uptime_s=$(cut -d' ' -f1 /proc/uptime)" >>status
log "status: $(tr '\n' ' ' <status)"

# Send /results to the host on ttyS1 (not the console: no kernel messages mixed in), or on
# the console where the host has no second port (isobench.xfer=console: a LAVA job).
tar -C /results -czf /tmp/results.tgz . 2>/dev/null
size=$(wc -c </tmp/results.tgz)
sum=$(sha256sum /tmp/results.tgz | cut -d' ' -f1)
port=/dev/ttyS1
if [ "$xfer" = console ]; then
	port=/dev/console
	echo 1 >/proc/sys/kernel/printk 2>/dev/null
else
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
fi
{
	echo "ISOBENCH-KMATRIX-BEGIN $size $sum"
	base64 /tmp/results.tgz
	echo "ISOBENCH-KMATRIX-END"
} >"$port"
# close() on a serial port waits until its output has drained; sleep for the emulated UART.
sleep 1
log "sent $size bytes of results; powering off"
sync
poweroff -f
