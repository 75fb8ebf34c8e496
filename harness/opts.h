/* SPDX-License-Identifier: MIT */
/* Shared pieces of the command line: every verb uses them (core). */
#ifndef ISO_OPTS_H
#define ISO_OPTS_H

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>

enum {
	ISO_EXIT_OK = 0,
	ISO_EXIT_FAIL = 1,
	ISO_EXIT_BROKEN = 2,
	ISO_EXIT_USAGE = 64,
	ISO_EXIT_INTERRUPTED = 130,
};

/* Prints "isobench CMD: <message> (see 'isobench CMD --help')" and returns 64. */
int iso_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_long that prints our one-line errors; longopts' flag must be NULL. Sets *bad. */
int iso_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
	       const struct option *longopts, int *bad);
/* Parses a whole number in [lo, hi]. Returns 0 or -EINVAL. */
int iso_parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out);
/* mkdir -p. Returns 0 or -errno. */
int iso_mkdir_p(const char *path, mode_t mode);
/* ./isobench-results/<YYYYmmdd-HHMMSS>-<what>-<tag> */
void iso_default_out(char *dir, size_t len, const char *what, const char *tag);
/* A fresh 6-hex-digit run tag. */
void iso_random_tag(char tag[8]);
/* SIGINT/SIGTERM/SIGHUP set iso_interrupted; SIGPIPE is ignored. */
void iso_install_signal_handlers(void);

/* Writes s with <, >, & and " escaped, for XML and HTML; control characters become '?'. */
void iso_markup_escape(FILE *f, const char *s);

#endif
