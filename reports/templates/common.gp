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
