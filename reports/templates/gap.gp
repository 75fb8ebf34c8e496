# The cgroup attach gap sweep: attach latency against the pause before each attach, one
# panel per hierarchy (v2, v1), one colour per run; median solid, 90th percentile dashed.
# The gaps are categories (not to scale).
# Data (@DATA@): run hierarchy(1..nhier) metric(0 median, 1 p90) gap_index latency(seconds).
nruns = @NRUNS@
@RUNLABELS@
nhier = @NHIER@
@HIERLABELS@
set multiplot layout 1, nhier margins 0.08, 0.74, 0.13, 0.86 spacing 0.05, 0 title @TITLE@ font ",13"
set xrange [-0.3 : @NX@ - 0.7]
set xtics @XTICS@
set xlabel "pause before each attach (not to scale)"
set logscale y 10
set yrange [@YMIN@ : @YMAX@]
set format y lat_format
set mytics 10
set ylabel "attach latency (log scale)"
set grid ytics mytics noxtics
set key at screen 0.76, screen 0.84 left top vertical Left reverse
do for [h=1:nhier] {
	set title hlabel[h] font ",11"
	plot for [r=0:nruns-1] for [m=0:1] '@DATA@' using ($1 == r && $2 == h && $3 == m ? $4 : NaN):5 \
		with linespoints lw 2 pt 7 ps 1.1 dt 1+m lc rgb color(r) notitle, \
	  for [r=0:nruns-1] keyentry with linespoints lw 2 pt 7 lc rgb color(r) \
		title (nruns > 1 ? runlabel[r + 1] : "median"), \
	  keyentry with lines lw 2 dt 2 lc rgb (nruns > 1 ? "#444444" : color(0)) title "90th percentile", \
	  keyentry with lines lw 2 dt 1 lc rgb "#444444" title (nruns > 1 ? "median" : "")
	unset key
	unset ylabel
	set format y ""
}
unset multiplot
