# isobench report: ratios (template ratios.gp, data ratios.dat).
# Re-render with: cd plots && gnuplot ratios.gp
set terminal svg size 1300,2669 font "DejaVu Sans,10" noenhanced background rgb "white"
set output "ratios.svg"
# isobench report: settings shared by every plot. `isobench report` writes one script per
# plot: a preamble naming the data files and the terminal, then this file, then the plot's
# template with its @PLACEHOLDERS@ filled in. Latencies in the data files are in seconds,
# so "%.0s %cs" labels the axes in ns, µs, ms or s.
reset
set encoding utf8
set micro
set termoption noenhanced
set border 3 lw 1 lc rgb "#555555"
set tics nomirror out scale 0.6 textcolor rgb "#222222"
set style fill solid 0.8 border lc rgb "#333333"
set grid lc rgb "#e0e0e0" lw 1 dt 1
set key textcolor rgb "#222222" samplen 3 spacing 1.1 noopaque
set title font ",13"
# One colour per run (or per series), in this order.
palette8 = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 #17becf"
color(i) = word(palette8, (int(i) % 8) + 1)
lat_format = "%.0s %cs"
# Every operation as a multiple of the baselines measured in the same run: median / median
# of getpid(2) (left panel) and of fork + exit + wait (right panel). Bars start at 1 (as
# fast as the baseline), log scale. Data (ratios.dat): run row ratio_getpid ratio_fork.
nruns = 1
array runlabel[1] = ["vm 6.18.44-fc-v669"]
hh = 0.38 / nruns
off(r) = (r - (nruns - 1) / 2.0) * (0.8 / nruns)
y(r) = $2 + off(r)
lm = 0.201
mid = lm + (0.97 - lm) / 2
set multiplot title "Every operation as a multiple of the baselines" font ",13"
set logscale x 10
set xtics ("10^-5" 1e-5, "10^-4" 1e-4, "0.001" 1e-3, "0.01" 0.01, "0.1" 0.1, "1" 1, "10" 10, \
	"100" 100, "1000" 1e3, "10^4" 1e4, "10^5" 1e5, "10^6" 1e6, "10^7" 1e7, "10^8" 1e8)
set mxtics 10
set grid xtics noytics
set yrange [147 - 0.5 : -0.5]
set tmargin 3
set bmargin 5
set key outside bottom center horizontal
if (nruns == 1) unset key
set lmargin at screen lm
set rmargin at screen mid - 0.025
set ytics ("baseline.clock_pair" 0, "baseline.getpid" 1, "baseline.unshare0" 2, "baseline.fork" 3, "baseline.vfork" 4, "unshare.mnt.cold" 5, "unshare.mnt.warm" 6, "unshare.uts.cold" 7, "unshare.uts.warm" 8, "unshare.ipc.cold" 9, "unshare.ipc.warm" 10, "unshare.pid.cold" 11, "unshare.pid.warm" 12, "unshare.net.cold" 13, "unshare.net.warm" 14, "unshare.user.cold" 15, "unshare.user.warm" 16, "unshare.cgroup.cold" 17, "unshare.cgroup.warm" 18, "unshare.time.cold" 19, "unshare.time.warm" 20, "unshare.runtime.cold" 21, "unshare.runtime.warm" 22, "unshare.runtime_user.cold" 23, "unshare.runtime_user.warm" 24, "unshare.runtime_cgroup.cold" 25, "unshare.runtime_cgroup.warm" 26, "clone.mnt.to_running" 27, "clone.mnt.to_reaped" 28, "clone.uts.to_running" 29, "clone.uts.to_reaped" 30, "clone.ipc.to_running" 31, "clone.ipc.to_reaped" 32, "clone.pid.to_running" 33, "clone.pid.to_reaped" 34, "clone.net.to_running" 35, "clone.net.to_reaped" 36, "clone.user.to_running" 37, "clone.user.to_reaped" 38, "clone.cgroup.to_running" 39, "clone.cgroup.to_reaped" 40, "clone.runtime.to_running" 41, "clone.runtime.to_reaped" 42, "clone.runtime_user.to_running" 43, "clone.runtime_user.to_reaped" 44, "clone.runtime_cgroup.to_running" 45, "clone.runtime_cgroup.to_reaped" 46, "clone3.mnt.to_running" 47, "clone3.mnt.to_reaped" 48, "clone3.uts.to_running" 49, "clone3.uts.to_reaped" 50, "clone3.ipc.to_running" 51, "clone3.ipc.to_reaped" 52, "clone3.pid.to_running" 53, "clone3.pid.to_reaped" 54, "clone3.net.to_running" 55, "clone3.net.to_reaped" 56, "clone3.user.to_running" 57, "clone3.user.to_reaped" 58, "clone3.cgroup.to_running" 59, "clone3.cgroup.to_reaped" 60, "clone3.time.to_running" 61, "clone3.time.to_reaped" 62, "clone3.runtime.to_running" 63, "clone3.runtime.to_reaped" 64, "clone3.runtime_user.to_running" 65, "clone3.runtime_user.to_reaped" 66, "clone3.runtime_cgroup.to_running" 67, "clone3.runtime_cgroup.to_reaped" 68, "setns.fd.mnt" 69, "setns.fd.uts" 70, "setns.fd.ipc" 71, "setns.fd.pid" 72, "setns.fd.net" 73, "setns.fd.user" 74, "setns.fd.cgroup" 75, "setns.fd.time" 76, "setns.pidfd.runtime" 77, "setns.pidfd.runtime_user" 78, "setns.pidfd.runtime_cgroup" 79, "netns.create" 80, "netns.gone" 81, "veth.create" 82, "veth.move" 83, "veth.delete" 84, "cgroup.mkdir_rmdir.v2.mkdir" 85, "cgroup.mkdir_rmdir.v2.rmdir" 86, "cgroup.mkdir_rmdir.v1.cpu.mkdir" 87, "cgroup.mkdir_rmdir.v1.cpu.rmdir" 88, "cgroup.mkdir_rmdir.v1.cpuset.mkdir" 89, "cgroup.mkdir_rmdir.v1.cpuset.rmdir" 90, "cgroup.mkdir_rmdir.v1.memory.mkdir" 91, "cgroup.mkdir_rmdir.v1.memory.rmdir" 92, "cgroup.mkdir_rmdir.v1.pids.mkdir" 93, "cgroup.mkdir_rmdir.v1.pids.rmdir" 94, "cgroup.mkdir_rmdir.v1.freezer.mkdir" 95, "cgroup.mkdir_rmdir.v1.freezer.rmdir" 96, "cgroup.mkdir_rmdir.v1.blkio.mkdir" 97, "cgroup.mkdir_rmdir.v1.blkio.rmdir" 98, "cgroup.mkdir_rmdir.v1.devices.mkdir" 99, "cgroup.mkdir_rmdir.v1.devices.rmdir" 100, "cgroup.attach.v2.gap0ms" 101, "cgroup.attach.v2.gap1ms" 102, "cgroup.attach.v2.gap20ms" 103, "cgroup.attach.v2.gap100ms" 104, "cgroup.attach.v1.gap0ms" 105, "cgroup.attach.v1.gap1ms" 106, "cgroup.attach.v1.gap20ms" 107, "cgroup.attach.v1.gap100ms" 108, "cgroup.spawn.fork_write.v2.placed" 109, "cgroup.spawn.fork_write.v2.reaped" 110, "cgroup.spawn.clone_into.v2.placed" 111, "cgroup.spawn.clone_into.v2.reaped" 112, "cgroup.attach.v2.siblings1" 113, "cgroup.attach.v2.siblings10" 114, "cgroup.attach.v2.siblings100" 115, "cgroup.attach.v1_memory.siblings1" 116, "cgroup.attach.v1_memory.siblings10" 117, "cgroup.attach.v1_memory.siblings100" 118, "cgroup.attach.v2.threads1" 119, "cgroup.attach.v2.threads4" 120, "cgroup.attach.v2.threads16" 121, "cgroup.attach.v2.threads64" 122, "cgroup.attach.v1.threads1" 123, "cgroup.attach.v1.threads4" 124, "cgroup.attach.v1.threads16" 125, "cgroup.attach.v1.threads64" 126, "container.overlay_mount.lowers1" 127, "container.overlay_mount.lowers2" 128, "container.overlay_mount.lowers4" 129, "container.overlay_mount.lowers8" 130, "container.overlay_mount.lowers16" 131, "container.overlay_mount.lowers32" 132, "container.overlay_mount.lowers64" 133, "container.copy_up.4k" 134, "container.copy_up.64k" 135, "container.copy_up.1m" 136, "container.copy_up.16m" 137, "container.pivot_root.call" 138, "container.pivot_root.detach_old" 139, "container.start.step.clone" 140, "container.start.step.cgroup_attach" 141, "container.start.step.rootfs" 142, "container.start.step.pivot_root" 143, "container.start.step.drop_caps" 144, "container.start.step.exec" 145, "container.start.total" 146) scale 0
set xrange [0.1:1e+06]
set xlabel "multiple of getpid(2): median / median of getpid (log scale)"
plot for [r=0:nruns-1] 'ratios.dat' using ($1 == r ? $3 : NaN):(y(r)):($3 < 1 ? $3 : 1):($3 < 1 ? 1 : $3):(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "median / getpid")
set lmargin at screen mid + 0.025
set rmargin at screen 0.97
set ytics format "" scale 0
set ytics ()
set xrange [0.0001:1000]
set xlabel "multiple of fork + exit + wait: median / median of fork (log scale)"
plot for [r=0:nruns-1] 'ratios.dat' using ($1 == r ? $4 : NaN):(y(r)):($4 < 1 ? $4 : 1):($4 < 1 ? 1 : $4):(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "median / fork")
unset multiplot

unset output

set terminal pngcairo size 1300,2669 font "DejaVu Sans,9" noenhanced background rgb "white"
set output "ratios.png"
# isobench report: settings shared by every plot. `isobench report` writes one script per
# plot: a preamble naming the data files and the terminal, then this file, then the plot's
# template with its @PLACEHOLDERS@ filled in. Latencies in the data files are in seconds,
# so "%.0s %cs" labels the axes in ns, µs, ms or s.
reset
set encoding utf8
set micro
set termoption noenhanced
set border 3 lw 1 lc rgb "#555555"
set tics nomirror out scale 0.6 textcolor rgb "#222222"
set style fill solid 0.8 border lc rgb "#333333"
set grid lc rgb "#e0e0e0" lw 1 dt 1
set key textcolor rgb "#222222" samplen 3 spacing 1.1 noopaque
set title font ",13"
# One colour per run (or per series), in this order.
palette8 = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 #17becf"
color(i) = word(palette8, (int(i) % 8) + 1)
lat_format = "%.0s %cs"
# Every operation as a multiple of the baselines measured in the same run: median / median
# of getpid(2) (left panel) and of fork + exit + wait (right panel). Bars start at 1 (as
# fast as the baseline), log scale. Data (ratios.dat): run row ratio_getpid ratio_fork.
nruns = 1
array runlabel[1] = ["vm 6.18.44-fc-v669"]
hh = 0.38 / nruns
off(r) = (r - (nruns - 1) / 2.0) * (0.8 / nruns)
y(r) = $2 + off(r)
lm = 0.201
mid = lm + (0.97 - lm) / 2
set multiplot title "Every operation as a multiple of the baselines" font ",13"
set logscale x 10
set xtics ("10^-5" 1e-5, "10^-4" 1e-4, "0.001" 1e-3, "0.01" 0.01, "0.1" 0.1, "1" 1, "10" 10, \
	"100" 100, "1000" 1e3, "10^4" 1e4, "10^5" 1e5, "10^6" 1e6, "10^7" 1e7, "10^8" 1e8)
set mxtics 10
set grid xtics noytics
set yrange [147 - 0.5 : -0.5]
set tmargin 3
set bmargin 5
set key outside bottom center horizontal
if (nruns == 1) unset key
set lmargin at screen lm
set rmargin at screen mid - 0.025
set ytics ("baseline.clock_pair" 0, "baseline.getpid" 1, "baseline.unshare0" 2, "baseline.fork" 3, "baseline.vfork" 4, "unshare.mnt.cold" 5, "unshare.mnt.warm" 6, "unshare.uts.cold" 7, "unshare.uts.warm" 8, "unshare.ipc.cold" 9, "unshare.ipc.warm" 10, "unshare.pid.cold" 11, "unshare.pid.warm" 12, "unshare.net.cold" 13, "unshare.net.warm" 14, "unshare.user.cold" 15, "unshare.user.warm" 16, "unshare.cgroup.cold" 17, "unshare.cgroup.warm" 18, "unshare.time.cold" 19, "unshare.time.warm" 20, "unshare.runtime.cold" 21, "unshare.runtime.warm" 22, "unshare.runtime_user.cold" 23, "unshare.runtime_user.warm" 24, "unshare.runtime_cgroup.cold" 25, "unshare.runtime_cgroup.warm" 26, "clone.mnt.to_running" 27, "clone.mnt.to_reaped" 28, "clone.uts.to_running" 29, "clone.uts.to_reaped" 30, "clone.ipc.to_running" 31, "clone.ipc.to_reaped" 32, "clone.pid.to_running" 33, "clone.pid.to_reaped" 34, "clone.net.to_running" 35, "clone.net.to_reaped" 36, "clone.user.to_running" 37, "clone.user.to_reaped" 38, "clone.cgroup.to_running" 39, "clone.cgroup.to_reaped" 40, "clone.runtime.to_running" 41, "clone.runtime.to_reaped" 42, "clone.runtime_user.to_running" 43, "clone.runtime_user.to_reaped" 44, "clone.runtime_cgroup.to_running" 45, "clone.runtime_cgroup.to_reaped" 46, "clone3.mnt.to_running" 47, "clone3.mnt.to_reaped" 48, "clone3.uts.to_running" 49, "clone3.uts.to_reaped" 50, "clone3.ipc.to_running" 51, "clone3.ipc.to_reaped" 52, "clone3.pid.to_running" 53, "clone3.pid.to_reaped" 54, "clone3.net.to_running" 55, "clone3.net.to_reaped" 56, "clone3.user.to_running" 57, "clone3.user.to_reaped" 58, "clone3.cgroup.to_running" 59, "clone3.cgroup.to_reaped" 60, "clone3.time.to_running" 61, "clone3.time.to_reaped" 62, "clone3.runtime.to_running" 63, "clone3.runtime.to_reaped" 64, "clone3.runtime_user.to_running" 65, "clone3.runtime_user.to_reaped" 66, "clone3.runtime_cgroup.to_running" 67, "clone3.runtime_cgroup.to_reaped" 68, "setns.fd.mnt" 69, "setns.fd.uts" 70, "setns.fd.ipc" 71, "setns.fd.pid" 72, "setns.fd.net" 73, "setns.fd.user" 74, "setns.fd.cgroup" 75, "setns.fd.time" 76, "setns.pidfd.runtime" 77, "setns.pidfd.runtime_user" 78, "setns.pidfd.runtime_cgroup" 79, "netns.create" 80, "netns.gone" 81, "veth.create" 82, "veth.move" 83, "veth.delete" 84, "cgroup.mkdir_rmdir.v2.mkdir" 85, "cgroup.mkdir_rmdir.v2.rmdir" 86, "cgroup.mkdir_rmdir.v1.cpu.mkdir" 87, "cgroup.mkdir_rmdir.v1.cpu.rmdir" 88, "cgroup.mkdir_rmdir.v1.cpuset.mkdir" 89, "cgroup.mkdir_rmdir.v1.cpuset.rmdir" 90, "cgroup.mkdir_rmdir.v1.memory.mkdir" 91, "cgroup.mkdir_rmdir.v1.memory.rmdir" 92, "cgroup.mkdir_rmdir.v1.pids.mkdir" 93, "cgroup.mkdir_rmdir.v1.pids.rmdir" 94, "cgroup.mkdir_rmdir.v1.freezer.mkdir" 95, "cgroup.mkdir_rmdir.v1.freezer.rmdir" 96, "cgroup.mkdir_rmdir.v1.blkio.mkdir" 97, "cgroup.mkdir_rmdir.v1.blkio.rmdir" 98, "cgroup.mkdir_rmdir.v1.devices.mkdir" 99, "cgroup.mkdir_rmdir.v1.devices.rmdir" 100, "cgroup.attach.v2.gap0ms" 101, "cgroup.attach.v2.gap1ms" 102, "cgroup.attach.v2.gap20ms" 103, "cgroup.attach.v2.gap100ms" 104, "cgroup.attach.v1.gap0ms" 105, "cgroup.attach.v1.gap1ms" 106, "cgroup.attach.v1.gap20ms" 107, "cgroup.attach.v1.gap100ms" 108, "cgroup.spawn.fork_write.v2.placed" 109, "cgroup.spawn.fork_write.v2.reaped" 110, "cgroup.spawn.clone_into.v2.placed" 111, "cgroup.spawn.clone_into.v2.reaped" 112, "cgroup.attach.v2.siblings1" 113, "cgroup.attach.v2.siblings10" 114, "cgroup.attach.v2.siblings100" 115, "cgroup.attach.v1_memory.siblings1" 116, "cgroup.attach.v1_memory.siblings10" 117, "cgroup.attach.v1_memory.siblings100" 118, "cgroup.attach.v2.threads1" 119, "cgroup.attach.v2.threads4" 120, "cgroup.attach.v2.threads16" 121, "cgroup.attach.v2.threads64" 122, "cgroup.attach.v1.threads1" 123, "cgroup.attach.v1.threads4" 124, "cgroup.attach.v1.threads16" 125, "cgroup.attach.v1.threads64" 126, "container.overlay_mount.lowers1" 127, "container.overlay_mount.lowers2" 128, "container.overlay_mount.lowers4" 129, "container.overlay_mount.lowers8" 130, "container.overlay_mount.lowers16" 131, "container.overlay_mount.lowers32" 132, "container.overlay_mount.lowers64" 133, "container.copy_up.4k" 134, "container.copy_up.64k" 135, "container.copy_up.1m" 136, "container.copy_up.16m" 137, "container.pivot_root.call" 138, "container.pivot_root.detach_old" 139, "container.start.step.clone" 140, "container.start.step.cgroup_attach" 141, "container.start.step.rootfs" 142, "container.start.step.pivot_root" 143, "container.start.step.drop_caps" 144, "container.start.step.exec" 145, "container.start.total" 146) scale 0
set xrange [0.1:1e+06]
set xlabel "multiple of getpid(2): median / median of getpid (log scale)"
plot for [r=0:nruns-1] 'ratios.dat' using ($1 == r ? $3 : NaN):(y(r)):($3 < 1 ? $3 : 1):($3 < 1 ? 1 : $3):(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "median / getpid")
set lmargin at screen mid + 0.025
set rmargin at screen 0.97
set ytics format "" scale 0
set ytics ()
set xrange [0.0001:1000]
set xlabel "multiple of fork + exit + wait: median / median of fork (log scale)"
plot for [r=0:nruns-1] 'ratios.dat' using ($1 == r ? $4 : NaN):(y(r)):($4 < 1 ? $4 : 1):($4 < 1 ? 1 : $4):(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "median / fork")
unset multiplot

unset output
