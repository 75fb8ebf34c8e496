# Latency distribution per operation: one horizontal box per operation (and run), drawn
# from the raw samples: box = 25th..75th percentile, thick bar = median, whiskers = 1st..99th
# percentile. Dashed vertical lines: the baselines (getpid, fork + exit + wait; p50) of each
# run. Data (@DATA@): run row p1 p25 p50 p75 p99 (seconds); baselines (@BASE@): run p50 name.
set title @TITLE@
set logscale x 10
set format x lat_format
set xlabel "latency per operation (log scale)"
set mxtics 10
set grid xtics mxtics noytics
set yrange [@NROWS@ - 0.5 : -0.7]
set ytics @YTICS@ scale 0
set key outside bottom center horizontal maxcols 4
nruns = @NRUNS@
@RUNLABELS@
hh = 0.36 / nruns
off(r) = (r - (nruns - 1) / 2.0) * (0.8 / nruns)
y(r) = $2 + off(r)
plot \
  for [r=0:nruns-1] '@DATA@' using ($1 == r ? $4 : NaN):(y(r)):3:7 \
	with xerrorbars pt -1 lw 1 lc rgb "#555555" notitle, \
  for [r=0:nruns-1] '@DATA@' using ($1 == r ? ($4 + $6) / 2 : NaN):(y(r)):4:6:(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "25th..75th percentile"), \
  for [r=0:nruns-1] '@DATA@' using ($1 == r ? $5 : NaN):(y(r) - hh):(0):(2 * hh) \
	with vectors nohead lw 3 lc rgb "#111111" title (r == 0 ? "median" : ""), \
  keyentry with xerrorbars pt -1 lc rgb "#555555" title "1st..99th percentile", \
  for [r=0:nruns-1] '@BASE@' using ($1 == r ? $2 : NaN):(@NROWS@ - 0.5):(0):(-@NROWS@ - 0.2) \
	with vectors nohead dt 2 lw 1.5 lc rgb (nruns > 1 ? color(r) : "#444444") notitle, \
  '@BASE@' using ($1 == 0 ? $2 : NaN):(-0.7):3 with labels left offset 0.3,-0.6 \
	font ",9" textcolor rgb "#444444" notitle, \
  keyentry with lines dt 2 lw 1.5 lc rgb "#444444" title "baselines (p50)"
