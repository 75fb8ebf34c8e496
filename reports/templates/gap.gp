# The cgroup attach gap sweep: attach latency (median solid, p90 dashed) against the pause
# before each attach, one line per hierarchy (and run). The gaps are categories.
# Data (@DATA@): series gap_index latency(seconds).
set title @TITLE@
@SERIES@
set xrange [-0.3 : @NX@ - 0.7]
set xtics @XTICS@
set xlabel "pause before each attach (categories, not to scale)"
set logscale y 10
set format y lat_format
set mytics 10
set ylabel "attach latency (log scale)"
set grid ytics mytics noxtics
set key outside right top vertical
plot for [s=1:nser] '@DATA@' using ($1 == s ? $2 : NaN):3 \
	with linespoints lw 2 pt spoint[s] ps 1.2 dt sdash[s] lc rgb scolor[s] title slabel[s]
