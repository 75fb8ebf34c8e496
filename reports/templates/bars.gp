# Medians side by side: one bar per series (a run, or a run's CPU placement) for each
# operation, with the bootstrap 95% confidence interval of the median as error bar; log
# scale, bars start at @XMIN@. Data (@DATA@): series row p50 ci95_lo ci95_hi (seconds).
set title @TITLE@
@SERIES@
hh = 0.38 / nser
off(s) = (s - 1 - (nser - 1) / 2.0) * (0.8 / nser)
y(s) = $2 + off(s)
set logscale x 10
set format x lat_format
set mxtics 10
set grid xtics mxtics noytics
set xlabel @XLABEL@
set xrange [@XMIN@:*]
set yrange [@NROWS@ - 0.5 : -0.5]
set ytics @YTICS@ scale 0
set key outside bottom center horizontal
plot for [s=1:nser] '@DATA@' using ($1 == s ? $3 : NaN):(y(s)):(@XMIN@):3:(y(s) - hh):(y(s) + hh) \
	with boxxyerror fc rgb scolor[s] title slabel[s], \
  for [s=1:nser] '@DATA@' using ($1 == s ? $3 : NaN):(y(s)):4:5 \
	with xerrorbars pt -1 lw 1 lc rgb "#222222" notitle, \
  keyentry with xerrorbars pt -1 lc rgb "#222222" title "95% CI of the median"
