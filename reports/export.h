/* SPDX-License-Identifier: MIT */
/*
 * Benchmark figures as CSV and Markdown tables (hyperfine's --export-csv and
 * --export-markdown, google/benchmark's --benchmark_format=csv): one row per
 * result, units in the header.
 */
#ifndef ISO_EXPORT_H
#define ISO_EXPORT_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

/* The benchmark results of nruns runs (each a bench "results" array), labelled. */
struct iso_export {
	size_t nruns;
	const char *labels[16];
	json_t *results[16];
};

/*
 * Text for a Markdown table cell: '|' and CommonMark's inline markers
 * (* _ ` < > [ ] and backslash) escaped, a line break as a space.
 */
void iso_md_cell(FILE *f, const char *s);

/*
 * Writes csv and/or md (either may be NULL), each atomically (FILE.tmp then
 * rename). Returns 0, or -errno after one error line naming cmd and the file.
 */
int iso_export_write(const struct iso_export *e, const char *csv, const char *md, const char *cmd);

#endif
