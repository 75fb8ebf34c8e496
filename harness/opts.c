// SPDX-License-Identifier: MIT
/* Command-line helpers every verb uses: one-line usage errors, getopt, numbers, folders. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "opts.h"
#include "runner.h"

/* Prints one usage error line and returns 64. */
int iso_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "isobench%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'isobench%s%s --help')\n", cmd ? " " : "", cmd ? cmd : "");
	return ISO_EXIT_USAGE;
}

/* getopt_long with our own one-line messages. Returns the option or -1; sets *bad. */
int iso_getopt(int argc, char **argv, const char *cmd, const char *shortopts,
	       const struct option *longopts, int *bad)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == '?') {
		if (optopt)
			iso_usage_error(cmd, "unknown option '-%c'", optopt);
		else
			iso_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		*bad = 1;
	} else if (c == ':') {
		iso_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		*bad = 1;
	}
	return c;
}

/* Parses a positive integer in [lo, hi]. Returns 0 or -EINVAL. */
int iso_parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* mkdir -p. Returns 0 or -errno. */
int iso_mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Fills dir with the default output folder ./isobench-results/<time>-<tag>. */
void iso_default_out(char *dir, size_t len, const char *what, const char *tag)
{
	time_t t = time(NULL);
	struct tm tm;
	char stamp[32];

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(dir, len, "isobench-results/%s-%s-%s", stamp, what, tag);
}

static void on_signal(int sig)
{
	(void)sig;
	iso_interrupted = 1;
}

void iso_install_signal_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
