# isobench report: placement (template bars.gp, data placement.dat).
# Re-render with: cd plots && gnuplot placement.gp
set terminal svg size 1100,1294 font "DejaVu Sans,10" noenhanced background rgb "white"
set output "placement.svg"
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
# Medians side by side: one bar per series (a run, or a run's CPU placement) for each
# operation, with the bootstrap 95% confidence interval of the median as error bar; log
# scale, bars start at 1.000000e-05. Data (placement.dat): series row p50 ci95_lo ci95_hi (seconds).
set title "The same operation across CPU placements"
nser = 2
array slabel[2] = ["same_pu", "same_cache"]
array scolor[2] = ["#1f77b4", "#2ca02c"]
array sdash[2] = [1, 1]
array spoint[2] = [7, 7]
hh = 0.38 / nser
off(s) = (s - 1 - (nser - 1) / 2.0) * (0.8 / nser)
y(s) = $2 + off(s)
set logscale x 10
set format x lat_format
set mxtics 10
set grid xtics mxtics noytics
set xlabel "median latency (log scale)"
set xrange [1.000000e-05:*]
set yrange [44 - 0.5 : -0.5]
set ytics ("baseline.fork" 0, "baseline.vfork" 1, "clone.mnt.to_running" 2, "clone.mnt.to_reaped" 3, "clone.uts.to_running" 4, "clone.uts.to_reaped" 5, "clone.ipc.to_running" 6, "clone.ipc.to_reaped" 7, "clone.pid.to_running" 8, "clone.pid.to_reaped" 9, "clone.net.to_running" 10, "clone.net.to_reaped" 11, "clone.user.to_running" 12, "clone.user.to_reaped" 13, "clone.cgroup.to_running" 14, "clone.cgroup.to_reaped" 15, "clone.runtime.to_running" 16, "clone.runtime.to_reaped" 17, "clone.runtime_user.to_running" 18, "clone.runtime_user.to_reaped" 19, "clone.runtime_cgroup.to_running" 20, "clone.runtime_cgroup.to_reaped" 21, "clone3.mnt.to_running" 22, "clone3.mnt.to_reaped" 23, "clone3.uts.to_running" 24, "clone3.uts.to_reaped" 25, "clone3.ipc.to_running" 26, "clone3.ipc.to_reaped" 27, "clone3.pid.to_running" 28, "clone3.pid.to_reaped" 29, "clone3.net.to_running" 30, "clone3.net.to_reaped" 31, "clone3.user.to_running" 32, "clone3.user.to_reaped" 33, "clone3.cgroup.to_running" 34, "clone3.cgroup.to_reaped" 35, "clone3.time.to_running" 36, "clone3.time.to_reaped" 37, "clone3.runtime.to_running" 38, "clone3.runtime.to_reaped" 39, "clone3.runtime_user.to_running" 40, "clone3.runtime_user.to_reaped" 41, "clone3.runtime_cgroup.to_running" 42, "clone3.runtime_cgroup.to_reaped" 43) scale 0
set key outside bottom center horizontal
plot for [s=1:nser] 'placement.dat' using ($1 == s ? $3 : NaN):(y(s)):(1.000000e-05):3:(y(s) - hh):(y(s) + hh) \
	with boxxyerror fc rgb scolor[s] title slabel[s], \
  for [s=1:nser] 'placement.dat' using ($1 == s ? $3 : NaN):(y(s)):4:5 \
	with xerrorbars pt -1 lw 1 lc rgb "#222222" notitle, \
  keyentry with xerrorbars pt -1 lc rgb "#222222" title "95% CI of the median"

unset output

set terminal pngcairo size 1100,1294 font "DejaVu Sans,9" noenhanced background rgb "white"
set output "placement.png"
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
# Medians side by side: one bar per series (a run, or a run's CPU placement) for each
# operation, with the bootstrap 95% confidence interval of the median as error bar; log
# scale, bars start at 1.000000e-05. Data (placement.dat): series row p50 ci95_lo ci95_hi (seconds).
set title "The same operation across CPU placements"
nser = 2
array slabel[2] = ["same_pu", "same_cache"]
array scolor[2] = ["#1f77b4", "#2ca02c"]
array sdash[2] = [1, 1]
array spoint[2] = [7, 7]
hh = 0.38 / nser
off(s) = (s - 1 - (nser - 1) / 2.0) * (0.8 / nser)
y(s) = $2 + off(s)
set logscale x 10
set format x lat_format
set mxtics 10
set grid xtics mxtics noytics
set xlabel "median latency (log scale)"
set xrange [1.000000e-05:*]
set yrange [44 - 0.5 : -0.5]
set ytics ("baseline.fork" 0, "baseline.vfork" 1, "clone.mnt.to_running" 2, "clone.mnt.to_reaped" 3, "clone.uts.to_running" 4, "clone.uts.to_reaped" 5, "clone.ipc.to_running" 6, "clone.ipc.to_reaped" 7, "clone.pid.to_running" 8, "clone.pid.to_reaped" 9, "clone.net.to_running" 10, "clone.net.to_reaped" 11, "clone.user.to_running" 12, "clone.user.to_reaped" 13, "clone.cgroup.to_running" 14, "clone.cgroup.to_reaped" 15, "clone.runtime.to_running" 16, "clone.runtime.to_reaped" 17, "clone.runtime_user.to_running" 18, "clone.runtime_user.to_reaped" 19, "clone.runtime_cgroup.to_running" 20, "clone.runtime_cgroup.to_reaped" 21, "clone3.mnt.to_running" 22, "clone3.mnt.to_reaped" 23, "clone3.uts.to_running" 24, "clone3.uts.to_reaped" 25, "clone3.ipc.to_running" 26, "clone3.ipc.to_reaped" 27, "clone3.pid.to_running" 28, "clone3.pid.to_reaped" 29, "clone3.net.to_running" 30, "clone3.net.to_reaped" 31, "clone3.user.to_running" 32, "clone3.user.to_reaped" 33, "clone3.cgroup.to_running" 34, "clone3.cgroup.to_reaped" 35, "clone3.time.to_running" 36, "clone3.time.to_reaped" 37, "clone3.runtime.to_running" 38, "clone3.runtime.to_reaped" 39, "clone3.runtime_user.to_running" 40, "clone3.runtime_user.to_reaped" 41, "clone3.runtime_cgroup.to_running" 42, "clone3.runtime_cgroup.to_reaped" 43) scale 0
set key outside bottom center horizontal
plot for [s=1:nser] 'placement.dat' using ($1 == s ? $3 : NaN):(y(s)):(1.000000e-05):3:(y(s) - hh):(y(s) + hh) \
	with boxxyerror fc rgb scolor[s] title slabel[s], \
  for [s=1:nser] 'placement.dat' using ($1 == s ? $3 : NaN):(y(s)):4:5 \
	with xerrorbars pt -1 lw 1 lc rgb "#222222" notitle, \
  keyentry with xerrorbars pt -1 lc rgb "#222222" title "95% CI of the median"

unset output
