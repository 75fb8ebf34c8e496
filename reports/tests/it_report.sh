#!/usr/bin/env bash
# isobench report from the committed example documents (reports/examples/): one run (a
# folder in ci/main's layout, and the same two files given separately), two runs side by
# side, an emulated run; every expected plot exists as SVG and PNG, gnuplot exited 0 (the
# command exits 0), index.html references nothing over the network; bad input exits 2
# with one line naming the file, usage errors 64, a missing gnuplot still writes the
# documents and exits 1.
source "$(dirname "$0")/../../harness/tests/lib.sh"
EX="$SRC/reports/examples"
A="$EX/vm-hybrid-a"
B="$EX/vm-hybrid-b"
rep() { "$ISOBENCH" report "$@" >"$TMP/out" 2>"$TMP/err"; }

# plots expected from a run with conformance and quick benchmarks
single=(ratios latency-baseline latency-unshare latency-clone latency-clone3 latency-setns
	latency-netns latency-cgroup-mkdir latency-cgroup-attach latency-other placement cgroup-gap
	scaling)
multi=("${single[@]}" conformance compare-baseline compare-unshare compare-clone compare-clone3
	compare-setns compare-netns compare-cgroup-mkdir compare-cgroup-attach compare-other)

# check_report DIR PLOTS...: documents and plots present, non-empty, and no network references
check_report() {
	local dir=$1 p missing=() urls
	shift
	check "$dir: index.html and summary.md non-empty" [ -s "$dir/index.html" ] && [ -s "$dir/summary.md" ]
	for p in "$@"; do
		[ -s "$dir/plots/$p.svg" ] && [ -s "$dir/plots/$p.png" ] || missing+=("$p")
		grep -q "plots/$p.png" "$dir/summary.md" || missing+=("$p (not linked in summary.md)")
		grep -q "id=\"plot-$p\"" "$dir/index.html" || missing+=("$p (not in index.html)")
	done
	check "$dir: every plot as SVG and PNG, in both documents${missing:+ (missing: ${missing[*]})}" \
		[ ${#missing[@]} -eq 0 ]
	check "$dir: PNG files are PNG images" \
		bash -c 'for f in "$1"/plots/*.png; do head -c 8 "$f" | od -An -c | grep -q "P   N   G" || exit 1; done' _ "$dir"
	# No http(s) URL inside a tag (attributes: src, href, xmlns...); plain text may name one.
	urls=$(python3 - "$dir/index.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
bad = [m.group(0)[:80] for m in re.finditer(r"<[^>]*https?://[^>]*>", html)]
bad += [m.group(0)[:80] for m in re.finditer(r"url\(\s*['\"]?https?:", html)]
print("\n".join(bad))
PY
)
	check "$dir: index.html has no network references${urls:+ ($urls)}" [ -z "$urls" ]
	check "$dir: index.html has the plots inline as SVG" \
		[ "$(grep -c '<svg' "$dir/index.html")" -ge $# ]
	check "$dir: no <script> and no external stylesheet" \
		bash -c '! grep -Eqi "<script|<link[^>]*stylesheet" "$1"' _ "$dir/index.html"
}

t0=$(date +%s)
rep "$A" --out "$TMP/one"; rc=$?
check "one run (ci/main folder): exit 0 (gnuplot exited 0 for every plot)" [ $rc -eq 0 ] || cat "$TMP/err"
check "one run: says 1 run" grep -q "1 run, ${#single[@]} of ${#single[@]} plots rendered" "$TMP/out"
check_report "$TMP/one" "${single[@]}"
check "one run: identity in the header (kernel, cgroup mode, CPU, topology, load)" \
	bash -c 'for w in 6.18 hybrid Xeon "2 PUs" "Load average" "spectre_v2" "isobench"; do grep -q "$w" "$1" || exit 1; done' _ "$TMP/one/index.html"
check "one run: summary.md has the conformance totals and the failing cases with reasons" \
	bash -c 'grep -q "^| run | pass | fail" "$1" && grep -q "^| \`mntns\..* | fail | " "$1"' _ "$TMP/one/summary.md"
check "one run: summary.md has the benchmark table with p50 and ratios" \
	grep -q "^| \`baseline.fork\` | .* µs | .* | .* | 1.00 |" "$TMP/one/summary.md"
check "one run: tooltips carry the reasons" grep -q 'title="no cgroup v2' "$TMP/one/index.html"

rep "$A/run/results.json" "$A/bench/results.json" --out "$TMP/files"; rc=$?
check "conformance + bench files of one boot: one run, exit 0" [ $rc -eq 0 ] && grep -q " 1 run," "$TMP/out"

rep "$A" "$B" --out "$TMP/two" --label first --label second; rc=$?
check "two runs: exit 0" [ $rc -eq 0 ] || cat "$TMP/err"
check "two runs: says 2 runs" grep -q "2 runs, ${#multi[@]} of ${#multi[@]} plots rendered" "$TMP/out"
check_report "$TMP/two" "${multi[@]}"
check "two runs: labels in the tables" grep -q "<th>second</th>" "$TMP/two/index.html"
check "two runs: conformance matrix data has both columns" \
	[ "$(awk '!/^#/ {print $1}' "$TMP/two/plots/conformance.dat" | sort -u | wc -l)" -eq 2 ]

# An emulated run (as ci/kernel-matrix labels a TCG guest) is said to be one.
python3 - "$A/bench/results.json" "$TMP/tcg.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["run"]["environment"] = {"vm": "qemu-tcg", "emulated": "tcg", "matrix_entry": "debian-6.1-v2-tcg"}
json.dump(d, open(sys.argv[2], "w"))
PY
rep "$A" "$TMP/tcg.json" --out "$TMP/tcg"; rc=$?
check "emulated run: exit 0, labelled by its matrix entry and as not comparable" \
	[ $rc -eq 0 ] && grep -q "debian-6.1-v2-tcg</b> ran emulated" "$TMP/tcg/index.html" &&
	grep -q "not comparable to hardware" "$TMP/tcg/summary.md"

# A rootless run of the same kernel beside the root one (run.privilege "rootless", each case
# "userns", "delegated" or "none"): labelled, counted in the header, a marker after each of
# its verdicts; the root run (an older document, without the keys) reads as root.
python3 - "$A/run/results.json" "$TMP/rootless.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["run"]["privilege"] = "rootless"
for i, c in enumerate(d["cases"]):
    c["privilege"] = "none" if c["verdict"] == "skip" else "delegated" if i % 5 == 0 else "userns"
json.dump(d, open(sys.argv[2], "w"))
PY
# same_cells HTML: every row of every table spans as many columns as the others (a cell of
# rowspan N counts in the N rows it covers; a colspan="99" row fills any width).
same_cells() {
	python3 - "$1" <<'PY'
import sys
from html.parser import HTMLParser
class Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open, self.bad = [], []  # per open table: [row widths, rowspans still to cover]
    def handle_starttag(self, tag, attrs):
        t = self.open[-1] if self.open else None
        a = dict(attrs)
        if tag == "table":
            self.open.append([[], []])
        elif tag == "tr" and t:
            t[0].append(len(t[1]))
            t[1] = [n - 1 for n in t[1] if n > 1]
        elif tag in ("td", "th") and t and t[0] and t[0][-1] is not None:
            # colspan="99": a row that fills the table whatever its width
            span = int(a.get("colspan") or 1)
            t[0][-1] = None if span == 99 else t[0][-1] + span
            if int(a.get("rowspan") or 1) > 1:
                t[1].append(int(a["rowspan"]) - 1)
    def handle_endtag(self, tag):
        if tag == "table" and self.open:
            n = {w for w in self.open.pop()[0] if w is not None}
            if len(n) > 1:
                self.bad.append(sorted(n))
p = Rows()
p.feed(open(sys.argv[1], encoding="utf-8").read())
sys.exit(1 if p.bad else 0)
PY
}
rep "$A/run/results.json" "$TMP/rootless.json" --out "$TMP/rl"; rc=$?
H="$TMP/rl/index.html"
M="$TMP/rl/summary.md"
check "root and rootless run: exit 0" [ $rc -eq 0 ] || cat "$TMP/err"
check "rootless: the label says rootless, the root run's does not" \
	grep -q "<th>vm 6.18.44-fc-v669</th><th>vm 6.18.44-fc-v669 (rootless)</th>" "$H"
check "rootless: the header's privilege row (root; rootless with its cases counted)" \
	grep -Eq "<tr><th>Privilege</th><td>root</td><td>rootless; cases: [0-9]+ userns .*[0-9]+ delegated .*12 none" "$H"
check "rootless: a note says what the run and its markers are" \
	grep -q "<b>vm 6.18.44-fc-v669 (rootless)</b> ran rootless" "$H"
n=$(grep -o '">userns</span>' "$H" | wc -l)
check "rootless: a userns marker after each verdict of a userns case ($n)" [ "$n" -gt 150 ]
check "rootless: skipped cases are marked none, delegated ones delegated" \
	grep -q '<b>skip</b> <span class="priv" title="did not run (skipped)">none</span>' "$H" &&
	grep -q '">delegated</span>' "$H"
check "rootless: every table row has as many cells as its table's others" same_cells "$H"
check "rootless: summary.md says the run ran rootless, with a ran-as column" \
	grep -q '^> \*\*vm 6.18.44-fc-v669 (rootless)\*\* ran rootless' "$M" &&
	grep -q '^| case | run | verdict | ran as | reason |' "$M" &&
	grep -q '(rootless) | skip | none | ' "$M"
check "rootless: summary.md lists how each case ran, side by side" \
	grep -q '^| `utsns.domainname_private_to_namespace` | pass (root) | pass (userns) |$' "$M"
if command -v cmark-gfm >/dev/null; then
	cmark-gfm -e table "$M" >"$TMP/rl.html"
	check "rootless: cmark-gfm renders summary.md's tables, the ran-as column included" \
		[ "$(grep -c '<table>' "$TMP/rl.html")" -ge 4 ] && grep -q '<th>ran as</th>' "$TMP/rl.html"
	check "rootless: no ** left open in summary.md" [ "$(grep -c '\*\*' "$TMP/rl.html")" -eq 0 ]
else
	skip "rootless: cmark-gfm not installed (ci/install-deps installs it)"
fi
check "root run alone: privilege root, no markers, no ran-as column" \
	grep -q '<tr><th>Privilege</th><td>root</td></tr>' "$TMP/one/index.html" &&
	! grep -q 'class="priv"' "$TMP/one/index.html" && ! grep -q 'ran as' "$TMP/one/summary.md"
check "root run alone: every table row has as many cells as its table's others" \
	same_cells "$TMP/one/index.html"

# No gnuplot: the documents are still written, say so, one line on stderr, exit 1.
ISOBENCH_GNUPLOT=/nonexistent/gnuplot rep "$A" --out "$TMP/nogp"; rc=$?
check "no gnuplot: exit 1 with one line" [ $rc -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	grep -q "gnuplot.*not found" "$TMP/err"
check "no gnuplot: index.html and summary.md written and say there are no plots" \
	grep -q "No plots in this report" "$TMP/nogp/index.html" &&
	grep -q "No plots in this report" "$TMP/nogp/summary.md"

# Bad input: exit 2, one line naming the file.
head -c 5000 "$A/run/results.json" >"$TMP/truncated.json"
echo '{"schema": "isobench-results", "schema_version": 3}' >"$TMP/futureschema.json"
echo '{"hello": "world"}' >"$TMP/notours.json"
echo 'not json' >"$TMP/garbage.json"
for f in truncated futureschema notours garbage; do
	rep "$A" "$TMP/$f.json" --out "$TMP/bad"; rc=$?
	check "bad input $f: exit 2 with one line naming the file" \
		[ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "$f.json" "$TMP/err"
done
rep "$TMP/missing.json"; rc=$?
check "missing file: exit 2" [ $rc -eq 2 ]
rep; rc=$?
check "no argument: usage error 64" [ $rc -eq 64 ]
rep "$A" --bogus; rc=$?
check "unknown option: usage error 64" [ $rc -eq 64 ]
rep "$A" --label a --label b --out "$TMP/x"; rc=$?
check "more labels than runs: usage error 64" [ $rc -eq 64 ]
echo "# report tests took $(($(date +%s) - t0)) s"
finish
