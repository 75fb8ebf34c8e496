# isobench report: cgroup-gap (template gap.gp, data cgroup-gap.dat).
# Re-render with: cd plots && gnuplot cgroup-gap.gp
set terminal svg size 1200,560 font "DejaVu Sans,10" noenhanced background rgb "white"
set output "cgroup-gap.svg"
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
# The cgroup attach gap sweep: attach latency against the pause before each attach, one
# panel per hierarchy (v2, v1), one colour per run; median solid, 90th percentile dashed.
# The gaps are categories (not to scale).
# Data (cgroup-gap.dat): run hierarchy(1..nhier) metric(0 median, 1 p90) gap_index latency(seconds).
nruns = 1
array runlabel[1] = ["vm 6.18.44-fc-v669"]
nhier = 2
array hlabel[2] = ["v2: the unified hierarchy", "v1: one write per controller hierarchy"]
set multiplot layout 1, nhier margins 0.08, 0.74, 0.13, 0.86 spacing 0.05, 0 title "cgroup attach latency against the gap between attaches" font ",13"
set xrange [-0.3 : 4 - 0.7]
set xtics ("0 ms" 0, "1 ms" 1, "20 ms" 2, "100 ms" 3)
set xlabel "pause before each attach (not to scale)"
set logscale y 10
set yrange [1.000000e-06 : 1.000000e-01]
set format y lat_format
set mytics 10
set ylabel "attach latency (log scale)"
set grid ytics mytics noxtics
set key at screen 0.76, screen 0.84 left top vertical Left reverse
do for [h=1:nhier] {
	set title hlabel[h] font ",11"
	plot for [r=0:nruns-1] for [m=0:1] 'cgroup-gap.dat' using ($1 == r && $2 == h && $3 == m ? $4 : NaN):5 \
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

unset output

set terminal pngcairo size 1200,560 font "DejaVu Sans,9" noenhanced background rgb "white"
set output "cgroup-gap.png"
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
# The cgroup attach gap sweep: attach latency against the pause before each attach, one
# panel per hierarchy (v2, v1), one colour per run; median solid, 90th percentile dashed.
# The gaps are categories (not to scale).
# Data (cgroup-gap.dat): run hierarchy(1..nhier) metric(0 median, 1 p90) gap_index latency(seconds).
nruns = 1
array runlabel[1] = ["vm 6.18.44-fc-v669"]
nhier = 2
array hlabel[2] = ["v2: the unified hierarchy", "v1: one write per controller hierarchy"]
set multiplot layout 1, nhier margins 0.08, 0.74, 0.13, 0.86 spacing 0.05, 0 title "cgroup attach latency against the gap between attaches" font ",13"
set xrange [-0.3 : 4 - 0.7]
set xtics ("0 ms" 0, "1 ms" 1, "20 ms" 2, "100 ms" 3)
set xlabel "pause before each attach (not to scale)"
set logscale y 10
set yrange [1.000000e-06 : 1.000000e-01]
set format y lat_format
set mytics 10
set ylabel "attach latency (log scale)"
set grid ytics mytics noxtics
set key at screen 0.76, screen 0.84 left top vertical Left reverse
do for [h=1:nhier] {
	set title hlabel[h] font ",11"
	plot for [r=0:nruns-1] for [m=0:1] 'cgroup-gap.dat' using ($1 == r && $2 == h && $3 == m ? $4 : NaN):5 \
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

unset output
