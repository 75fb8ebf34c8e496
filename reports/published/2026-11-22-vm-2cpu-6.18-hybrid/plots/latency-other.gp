# isobench report: latency-other (template latency.gp, data latency-other.dat).
# Re-render with: cd plots && gnuplot latency-other.gp
set terminal svg size 1100,550 font "DejaVu Sans,10" noenhanced background rgb "white"
set output "latency-other.svg"
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
# Latency distribution per operation: one horizontal box per operation (and run), drawn
# from the raw samples: box = 25th..75th percentile, thick bar = median, whiskers = 1st..99th
# percentile. Dashed vertical lines: the baselines (getpid, fork + exit + wait; p50) of each
# run. Data (latency-other.dat): run row p1 p25 p50 p75 p99 (seconds); baselines (latency-other-baselines.dat): run p50 name.
set title "Other operations"
set logscale x 10
set format x lat_format
set xlabel "latency per operation (log scale)"
set mxtics 10
set grid xtics mxtics noytics
set yrange [20 - 0.5 : -0.7]
set ytics ("container.overlay_mount.lowers1" 0, "container.overlay_mount.lowers2" 1, "container.overlay_mount.lowers4" 2, "container.overlay_mount.lowers8" 3, "container.overlay_mount.lowers16" 4, "container.overlay_mount.lowers32" 5, "container.overlay_mount.lowers64" 6, "container.copy_up.4k" 7, "container.copy_up.64k" 8, "container.copy_up.1m" 9, "container.copy_up.16m" 10, "container.pivot_root.call" 11, "container.pivot_root.detach_old" 12, "container.start.step.clone" 13, "container.start.step.cgroup_attach" 14, "container.start.step.rootfs" 15, "container.start.step.pivot_root" 16, "container.start.step.drop_caps" 17, "container.start.step.exec" 18, "container.start.total" 19) scale 0
set key outside bottom center horizontal maxcols 4
nruns = 1
array runlabel[1] = ["vm 6.18.44-fc-v669"]
hh = 0.36 / nruns
off(r) = (r - (nruns - 1) / 2.0) * (0.8 / nruns)
y(r) = $2 + off(r)
plot \
  for [r=0:nruns-1] 'latency-other.dat' using ($1 == r ? $4 : NaN):(y(r)):3:7 \
	with xerrorbars pt -1 lw 1 lc rgb "#555555" notitle, \
  for [r=0:nruns-1] 'latency-other.dat' using ($1 == r ? ($4 + $6) / 2 : NaN):(y(r)):4:6:(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "25th..75th percentile"), \
  for [r=0:nruns-1] 'latency-other.dat' using ($1 == r ? $5 : NaN):(y(r) - hh):(0):(2 * hh) \
	with vectors nohead lw 3 lc rgb "#111111" title (r == 0 ? "median" : ""), \
  keyentry with xerrorbars pt -1 lc rgb "#555555" title "1st..99th percentile", \
  for [r=0:nruns-1] 'latency-other-baselines.dat' using ($1 == r ? $2 : NaN):(20 - 0.5):(0):(-20 - 0.2) \
	with vectors nohead dt 2 lw 1.5 lc rgb (nruns > 1 ? color(r) : "#444444") notitle, \
  'latency-other-baselines.dat' using ($1 == 0 ? $2 : NaN):(-0.7):3 with labels left offset 0.3,-0.6 \
	font ",9" textcolor rgb "#444444" notitle, \
  keyentry with lines dt 2 lw 1.5 lc rgb "#444444" title "baselines (p50)"

unset output

set terminal pngcairo size 1100,550 font "DejaVu Sans,9" noenhanced background rgb "white"
set output "latency-other.png"
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
# Latency distribution per operation: one horizontal box per operation (and run), drawn
# from the raw samples: box = 25th..75th percentile, thick bar = median, whiskers = 1st..99th
# percentile. Dashed vertical lines: the baselines (getpid, fork + exit + wait; p50) of each
# run. Data (latency-other.dat): run row p1 p25 p50 p75 p99 (seconds); baselines (latency-other-baselines.dat): run p50 name.
set title "Other operations"
set logscale x 10
set format x lat_format
set xlabel "latency per operation (log scale)"
set mxtics 10
set grid xtics mxtics noytics
set yrange [20 - 0.5 : -0.7]
set ytics ("container.overlay_mount.lowers1" 0, "container.overlay_mount.lowers2" 1, "container.overlay_mount.lowers4" 2, "container.overlay_mount.lowers8" 3, "container.overlay_mount.lowers16" 4, "container.overlay_mount.lowers32" 5, "container.overlay_mount.lowers64" 6, "container.copy_up.4k" 7, "container.copy_up.64k" 8, "container.copy_up.1m" 9, "container.copy_up.16m" 10, "container.pivot_root.call" 11, "container.pivot_root.detach_old" 12, "container.start.step.clone" 13, "container.start.step.cgroup_attach" 14, "container.start.step.rootfs" 15, "container.start.step.pivot_root" 16, "container.start.step.drop_caps" 17, "container.start.step.exec" 18, "container.start.total" 19) scale 0
set key outside bottom center horizontal maxcols 4
nruns = 1
array runlabel[1] = ["vm 6.18.44-fc-v669"]
hh = 0.36 / nruns
off(r) = (r - (nruns - 1) / 2.0) * (0.8 / nruns)
y(r) = $2 + off(r)
plot \
  for [r=0:nruns-1] 'latency-other.dat' using ($1 == r ? $4 : NaN):(y(r)):3:7 \
	with xerrorbars pt -1 lw 1 lc rgb "#555555" notitle, \
  for [r=0:nruns-1] 'latency-other.dat' using ($1 == r ? ($4 + $6) / 2 : NaN):(y(r)):4:6:(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "25th..75th percentile"), \
  for [r=0:nruns-1] 'latency-other.dat' using ($1 == r ? $5 : NaN):(y(r) - hh):(0):(2 * hh) \
	with vectors nohead lw 3 lc rgb "#111111" title (r == 0 ? "median" : ""), \
  keyentry with xerrorbars pt -1 lc rgb "#555555" title "1st..99th percentile", \
  for [r=0:nruns-1] 'latency-other-baselines.dat' using ($1 == r ? $2 : NaN):(20 - 0.5):(0):(-20 - 0.2) \
	with vectors nohead dt 2 lw 1.5 lc rgb (nruns > 1 ? color(r) : "#444444") notitle, \
  'latency-other-baselines.dat' using ($1 == 0 ? $2 : NaN):(-0.7):3 with labels left offset 0.3,-0.6 \
	font ",9" textcolor rgb "#444444" notitle, \
  keyentry with lines dt 2 lw 1.5 lc rgb "#444444" title "baselines (p50)"

unset output
