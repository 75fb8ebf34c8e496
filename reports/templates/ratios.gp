# Every operation as a multiple of the baselines measured in the same run: median / median
# of getpid(2) (left panel) and of fork + exit + wait (right panel). Bars start at 1 (as
# fast as the baseline), log scale. Data (@DATA@): run row ratio_getpid ratio_fork.
nruns = @NRUNS@
@RUNLABELS@
hh = 0.38 / nruns
off(r) = (r - (nruns - 1) / 2.0) * (0.8 / nruns)
y(r) = $2 + off(r)
lm = @LMARGIN@
mid = lm + (0.97 - lm) / 2
set multiplot title @TITLE@ font ",13"
set logscale x 10
set xtics ("10^-5" 1e-5, "10^-4" 1e-4, "0.001" 1e-3, "0.01" 0.01, "0.1" 0.1, "1" 1, "10" 10, \
	"100" 100, "1000" 1e3, "10^4" 1e4, "10^5" 1e5, "10^6" 1e6, "10^7" 1e7, "10^8" 1e8)
set mxtics 10
set grid xtics noytics
set yrange [@NROWS@ - 0.5 : -0.5]
set tmargin 3
set bmargin 5
set key outside bottom center horizontal
if (nruns == 1) unset key
set lmargin at screen lm
set rmargin at screen mid - 0.025
set ytics @YTICS@ scale 0
set xrange @GRANGE@
set xlabel "multiple of getpid(2): median / median of getpid (log scale)"
plot for [r=0:nruns-1] '@DATA@' using ($1 == r ? $3 : NaN):(y(r)):($3 < 1 ? $3 : 1):($3 < 1 ? 1 : $3):(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "median / getpid")
set lmargin at screen mid + 0.025
set rmargin at screen 0.97
set ytics format "" scale 0
set ytics ()
set xrange @FRANGE@
set xlabel "multiple of fork + exit + wait: median / median of fork (log scale)"
plot for [r=0:nruns-1] '@DATA@' using ($1 == r ? $4 : NaN):(y(r)):($4 < 1 ? $4 : 1):($4 < 1 ? 1 : $4):(y(r) - hh):(y(r) + hh) \
	with boxxyerror fc rgb color(r) title (nruns > 1 ? runlabel[r + 1] : "median / fork")
unset multiplot
