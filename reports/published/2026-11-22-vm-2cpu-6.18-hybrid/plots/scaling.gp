# isobench report: scaling (template scaling.gp, data scaling.dat).
# Re-render with: cd plots && gnuplot scaling.gp
set terminal svg size 1250,560 font "DejaVu Sans,10" noenhanced background rgb "white"
set output "scaling.svg"
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
# Concurrency sweeps: throughput of all workers (left) and p99 latency of one operation
# (right, log scale) against the number of concurrent workers; one colour per operation,
# one dash pattern per run. Data (scaling.dat): run op(1..nops) workers throughput(ops/s) p99(s).
nruns = 1
array runlabel[1] = ["vm 6.18.44-fc-v669"]
nops = 4
array oplabel[4] = ["scale.unshare_net", "scale.cgroup_mkdir_rmdir.v2", "scale.cgroup_attach.v2", "scale.cgroup_attach.v1"]
set multiplot layout 1, 2 margins 0.07, 0.72, 0.12, 0.88 spacing 0.08, 0 title "Concurrency scaling" font ",13"
set xlabel "concurrent workers"
set xtics 1
set mxtics 1
set offsets 0.2, 0.2, 0, 0
set grid xtics ytics
set key at screen 0.74, screen 0.86 left top vertical Left reverse
set ylabel "throughput, all workers (operations/s)"
set yrange [0:121978]
set format y "%.0s%c"
plot for [o=1:nops] for [r=0:nruns-1] 'scaling.dat' using ($1 == r && $2 == o ? $3 : NaN):4 \
	with linespoints lw 2 pt 7 dt 1+r lc rgb color(o - 1) notitle, \
  for [o=1:nops] keyentry with linespoints lw 2 pt 7 lc rgb color(o - 1) title oplabel[o], \
  for [r=0:nruns-1] keyentry with lines lw 2 dt 1+r lc rgb "#444444" title (nruns > 1 ? runlabel[r + 1] : "")
unset key
set logscale y 10
set format y lat_format
set yrange [1.000000e-05:1.000000e-01]
set mytics 10
set ylabel "p99 latency of one operation (log scale)"
plot for [o=1:nops] for [r=0:nruns-1] 'scaling.dat' using ($1 == r && $2 == o ? $3 : NaN):5 \
	with linespoints lw 2 pt 7 dt 1+r lc rgb color(o - 1) notitle
unset multiplot

unset output

set terminal pngcairo size 1250,560 font "DejaVu Sans,9" noenhanced background rgb "white"
set output "scaling.png"
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
# Concurrency sweeps: throughput of all workers (left) and p99 latency of one operation
# (right, log scale) against the number of concurrent workers; one colour per operation,
# one dash pattern per run. Data (scaling.dat): run op(1..nops) workers throughput(ops/s) p99(s).
nruns = 1
array runlabel[1] = ["vm 6.18.44-fc-v669"]
nops = 4
array oplabel[4] = ["scale.unshare_net", "scale.cgroup_mkdir_rmdir.v2", "scale.cgroup_attach.v2", "scale.cgroup_attach.v1"]
set multiplot layout 1, 2 margins 0.07, 0.72, 0.12, 0.88 spacing 0.08, 0 title "Concurrency scaling" font ",13"
set xlabel "concurrent workers"
set xtics 1
set mxtics 1
set offsets 0.2, 0.2, 0, 0
set grid xtics ytics
set key at screen 0.74, screen 0.86 left top vertical Left reverse
set ylabel "throughput, all workers (operations/s)"
set yrange [0:121978]
set format y "%.0s%c"
plot for [o=1:nops] for [r=0:nruns-1] 'scaling.dat' using ($1 == r && $2 == o ? $3 : NaN):4 \
	with linespoints lw 2 pt 7 dt 1+r lc rgb color(o - 1) notitle, \
  for [o=1:nops] keyentry with linespoints lw 2 pt 7 lc rgb color(o - 1) title oplabel[o], \
  for [r=0:nruns-1] keyentry with lines lw 2 dt 1+r lc rgb "#444444" title (nruns > 1 ? runlabel[r + 1] : "")
unset key
set logscale y 10
set format y lat_format
set yrange [1.000000e-05:1.000000e-01]
set mytics 10
set ylabel "p99 latency of one operation (log scale)"
plot for [o=1:nops] for [r=0:nruns-1] 'scaling.dat' using ($1 == r && $2 == o ? $3 : NaN):5 \
	with linespoints lw 2 pt 7 dt 1+r lc rgb color(o - 1) notitle
unset multiplot

unset output
