# Concurrency sweeps: throughput of all workers (left) and p99 latency of one operation
# (right, log scale) against the number of concurrent workers; one line per operation
# (dash per run). Data (@DATA@): series workers throughput(ops/s) p99(seconds).
@SERIES@
set multiplot layout 1,2 title @TITLE@ font ",13"
set xlabel "concurrent workers"
set xtics 1
set mxtics 1
set offsets 0.2, 0.2, 0, 0
set grid xtics ytics
set bmargin 4 + ceil(nser / 2.0)
set key at screen 0.5, screen 0.01 center bottom horizontal maxcols 2 width 2
set ylabel "throughput, all workers (operations/s)"
set yrange [0:*]
set format y "%.0s%c"
plot for [s=1:nser] '@DATA@' using ($1 == s ? $2 : NaN):3 \
	with linespoints lw 2 pt spoint[s] dt sdash[s] lc rgb scolor[s] title slabel[s]
set logscale y 10
set format y lat_format
set yrange [*:*]
set mytics 10
set ylabel "p99 latency of one operation (log scale)"
set key off
plot for [s=1:nser] '@DATA@' using ($1 == s ? $2 : NaN):4 \
	with linespoints lw 2 pt spoint[s] dt sdash[s] lc rgb scolor[s] notitle
unset multiplot
