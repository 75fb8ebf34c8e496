# Conformance matrix: each case (row) in each run (column), coloured by verdict.
# Data (@DATA@): column row rgb.
set title @TITLE@
set border 0
unset grid
set xrange [-0.5 : @NCOLS@ - 0.5]
set x2range [-0.5 : @NCOLS@ - 0.5]
set yrange [@NROWS@ - 0.5 : -0.5]
unset xtics
set x2tics @XTICS@ scale 0 font ",10"
set ytics @YTICS@ scale 0 font ",9"
set key outside bottom center horizontal maxcols 3
set tmargin 5
set style fill solid 1.0 border lc rgb "white"
plot '@DATA@' using 1:2:(0.5):(0.5):3 with boxxyerror fc rgb variable notitle, \
  keyentry with boxes fc rgb "#4caf50" title "pass", \
  keyentry with boxes fc rgb "#e53935" title "fail", \
  keyentry with boxes fc rgb "#c8c8c8" title "skip", \
  keyentry with boxes fc rgb "#8e24aa" title "broken", \
  keyentry with boxes fc rgb "#fb8c00" title "error", \
  keyentry with boxes fc rgb "#f0f0f0" title "not run"
