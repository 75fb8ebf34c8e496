# Concurrency sweeps: throughput of all workers (left) and p99 latency of one operation
# (right, log scale) against the number of concurrent workers; one colour per operation,
# one dash pattern per run. Data (@DATA@): run op(1..nops) workers throughput(ops/s) p99(s).
nruns = @NRUNS@
@RUNLABELS@
nops = @NOPS@
@OPLABELS@
set multiplot layout 1, 2 margins 0.07, 0.72, 0.12, 0.88 spacing 0.08, 0 title @TITLE@ font ",13"
set xlabel "concurrent workers"
set xtics 1
set mxtics 1
set offsets 0.2, 0.2, 0, 0
set grid xtics ytics
set key at screen 0.74, screen 0.86 left top vertical Left reverse
set ylabel "throughput, all workers (operations/s)"
set yrange @TRANGE@
set format y "%.0s%c"
plot for [o=1:nops] for [r=0:nruns-1] '@DATA@' using ($1 == r && $2 == o ? $3 : NaN):4 \
	with linespoints lw 2 pt 7 dt 1+r lc rgb color(o - 1) notitle, \
  for [o=1:nops] keyentry with linespoints lw 2 pt 7 lc rgb color(o - 1) title oplabel[o], \
  for [r=0:nruns-1] keyentry with lines lw 2 dt 1+r lc rgb "#444444" title (nruns > 1 ? runlabel[r + 1] : "")
unset key
set logscale y 10
set format y lat_format
set yrange @PRANGE@
set mytics 10
set ylabel "p99 latency of one operation (log scale)"
plot for [o=1:nops] for [r=0:nruns-1] '@DATA@' using ($1 == r && $2 == o ? $3 : NaN):5 \
	with linespoints lw 2 pt 7 dt 1+r lc rgb color(o - 1) notitle
unset multiplot
