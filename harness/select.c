// SPDX-License-Identifier: MIT
/* The selection grammar shared by list, run and bench (select.h). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "select.h"

int iso_select_add(struct iso_select *s, bool exclude, const char *glob)
{
	int *n = exclude ? &s->nexc : &s->ninc;
	const char **v = exclude ? s->exc : s->inc;

	if (*n == ISO_SELECT_MAX)
		return -E2BIG;
	v[(*n)++] = glob;
	return 0;
}

/* The globs read from skip files live as long as the process (reachable from here). */
static char *file_globs[ISO_SELECT_MAX];
static int nfile_globs;

int iso_select_add_file(struct iso_select *s, const char *path, const char *cmd)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	int n = 0, lineno = 0, err = 0;

	if (!f) {
		err = errno;
		fprintf(stderr, "isobench %s: --skip-file %s: %s\n", cmd, path, strerror(err));
		return -err;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *e, *hash = strchr(line, '#');

		lineno++;
		if (hash)
			*hash = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = 0;
		if (!*p)
			continue;
		if (strpbrk(p, " \t")) {
			fprintf(stderr,
				"isobench %s: --skip-file %s:%d: one glob a line, not '%s'\n", cmd,
				path, lineno, p);
			err = EINVAL;
			break;
		}
		p = nfile_globs < ISO_SELECT_MAX ? strdup(p) : NULL;
		if (p)
			file_globs[nfile_globs++] = p;
		if (!p || iso_select_add(s, true, p) < 0) {
			err = p ? E2BIG : ENOMEM;
			fprintf(stderr,
				"isobench %s: --skip-file %s: %s (at most %d globs in all)\n", cmd,
				path, p ? "too many globs" : "out of memory", ISO_SELECT_MAX);
			break;
		}
		n++;
	}
	if (!err && ferror(f)) {
		err = EIO;
		fprintf(stderr, "isobench %s: --skip-file %s: read error\n", cmd, path);
	}
	fclose(f);
	return err ? -err : n;
}

static bool one(const char *glob, const char *id)
{
	size_t n = strlen(glob);

	if (!fnmatch(glob, id, 0))
		return true;
	/* A bare name ("pidns", "cgroup.memory") selects everything below it. */
	return !strpbrk(glob, "*?[") && !strncmp(id, glob, n) && id[n] == '.';
}

bool iso_glob_match(const char *glob, const char *id, const char *alias)
{
	return one(glob, id) || (alias && one(glob, alias));
}

bool iso_select_match(const struct iso_select *s, const char *id, const char *alias)
{
	bool in = s->ninc == 0;

	for (int i = 0; i < s->ninc && !in; i++)
		in = iso_glob_match(s->inc[i], id, alias);
	for (int i = 0; i < s->nexc && in; i++)
		in = !iso_glob_match(s->exc[i], id, alias);
	return in;
}

json_t *iso_select_json(const struct iso_select *s, const char *which)
{
	bool exc = !strcmp(which, "excludes");
	json_t *a = json_array();

	for (int i = 0; i < (exc ? s->nexc : s->ninc); i++)
		json_array_append_new(a, json_string(exc ? s->exc[i] : s->inc[i]));
	return a;
}

int iso_select_empty(const struct iso_select *s, const char *cmd, const char *what, const char *see)
{
	fprintf(stderr, "isobench %s: no %s matches", cmd, what);
	for (int i = 0; i < s->ninc + s->nexc; i++) {
		bool exc = i >= s->ninc;

		fprintf(stderr, " --%s '%s'", exc ? "exclude" : "filter",
			exc ? s->exc[i - s->ninc] : s->inc[i]);
	}
	if (!s->ninc && !s->nexc)
		fputs(" this selection", stderr);
	fprintf(stderr, " (see 'isobench %s')\n", see);
	return ISO_EXIT_USAGE;
}
