/* SPDX-License-Identifier: MIT */
/*
 * One selection grammar for list, run and bench: --filter GLOB (repeatable;
 * none selects everything) and --exclude GLOB of the same form. A GLOB is a
 * shell pattern on the full id ("pidns.*", "cgroup.memory.*"); a bare name
 * without * ? [ also selects everything below it ("pidns", "cgroup.memory",
 * "unshare"). An id is selected when some filter matches it (or there is none)
 * and no exclude does.
 */
#ifndef ISO_SELECT_H
#define ISO_SELECT_H

#include <stdbool.h>
#include <jansson.h>

#define ISO_SELECT_MAX 512
/* getopt value of --skip-file FILE, shared by list, run and bench (long option only). */
#define ISO_OPT_SKIP_FILE 1000

struct iso_select {
	const char *inc[ISO_SELECT_MAX];
	int ninc;
	const char *exc[ISO_SELECT_MAX];
	int nexc;
};

/* Adds a --filter (exclude false) or --exclude glob. Returns 0 or -E2BIG. */
int iso_select_add(struct iso_select *s, bool exclude, const char *glob);
/*
 * --skip-file FILE: one exclude glob a line, as kselftest's run_kselftest.sh -s
 * and LTP's skip files take them; blank lines and '#' comments (to the end of
 * the line) are ignored. Returns the number of globs added, or -errno (-E2BIG:
 * too many) after one error line naming cmd and the file.
 */
int iso_select_add_file(struct iso_select *s, const char *path, const char *cmd);
/* True if one glob matches id (or its alias, e.g. a benchmark's group; may be NULL). */
bool iso_glob_match(const char *glob, const char *id, const char *alias);
/* True if id is selected (alias: another name the item answers to, or NULL). */
bool iso_select_match(const struct iso_select *s, const char *id, const char *alias);
/*
 * An empty selection is a usage error: prints one line "isobench CMD: no WHAT
 * matches --filter 'A' --exclude 'B' (see 'isobench SEE')" and returns 64.
 */
int iso_select_empty(const struct iso_select *s, const char *cmd, const char *what,
		     const char *see);
/* {"filters": [...], "excludes": [...]}: parts of the results document's "run". */
json_t *iso_select_json(const struct iso_select *s, const char *which);

#endif
