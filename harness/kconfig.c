// SPDX-License-Identifier: MIT
/* The kernel build configuration: parse once, look options up by name. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "iso.h"
#include "kconfig.h"

#define KCONFIG_PREFIX "CONFIG_"
#define KCONFIG_PREFIX_LEN (sizeof(KCONFIG_PREFIX) - 1)

struct kconfig_opt {
	const char *name; /* without CONFIG_, points into text */
	char val; /* 'y', 'm' or 'n' */
};

struct iso_kconfig {
	char source[256];
	char *text; /* the parsed copy; names point into it */
	size_t nopts;
	struct kconfig_opt *opts; /* sorted by name */
};

void iso_kconfig_free(struct iso_kconfig *k)
{
	if (!k)
		return;
	free(k->opts);
	free(k->text);
	free(k);
}

static int opt_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kconfig_opt *)a)->name, ((const struct kconfig_opt *)b)->name);
}

static const char *strip_prefix(const char *s)
{
	return strncmp(s, KCONFIG_PREFIX, KCONFIG_PREFIX_LEN) ? s : s + KCONFIG_PREFIX_LEN;
}

/*
 * Parses one line in place: "CONFIG_X=val" or "# CONFIG_X is not set". Returns
 * 1 with *o filled, or 0 for a line that sets nothing.
 */
static int parse_line(char *line, struct kconfig_opt *o)
{
	char *eq;

	if (line[0] == '#') {
		static const char tail[] = " is not set";
		size_t len, tlen = sizeof(tail) - 1;

		line++;
		while (*line == ' ')
			line++;
		if (strncmp(line, KCONFIG_PREFIX, KCONFIG_PREFIX_LEN))
			return 0;
		len = strlen(line);
		if (len <= KCONFIG_PREFIX_LEN + tlen || strcmp(line + len - tlen, tail))
			return 0;
		line[len - tlen] = '\0';
		o->name = line + KCONFIG_PREFIX_LEN;
		o->val = 'n';
		return 1;
	}
	if (strncmp(line, KCONFIG_PREFIX, KCONFIG_PREFIX_LEN))
		return 0;
	eq = strchr(line, '=');
	if (!eq || eq == line + KCONFIG_PREFIX_LEN)
		return 0;
	*eq = '\0';
	o->name = line + KCONFIG_PREFIX_LEN;
	if (!strcmp(eq + 1, "m"))
		o->val = 'm';
	else if (!strcmp(eq + 1, "n") || !eq[1])
		o->val = 'n';
	else
		o->val = 'y'; /* y, or a string / number value: the option is set */
	return 1;
}

/* Returns 0 or -ENOMEM. */
int iso_kconfig_parse(struct iso_kconfig **out, const char *text)
{
	struct iso_kconfig *k = calloc(1, sizeof(*k));
	size_t cap = 0;
	char *line, *save = NULL;

	if (!k)
		return -ENOMEM;
	k->text = strdup(text ? text : "");
	if (!k->text)
		goto nomem;
	for (line = strtok_r(k->text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		struct kconfig_opt o;

		if (!parse_line(line, &o))
			continue;
		if (k->nopts == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct kconfig_opt *n = realloc(k->opts, ncap * sizeof(*n));

			if (!n)
				goto nomem;
			k->opts = n;
			cap = ncap;
		}
		k->opts[k->nopts++] = o;
	}
	if (k->nopts)
		qsort(k->opts, k->nopts, sizeof(*k->opts), opt_cmp);
	*out = k;
	return 0;
nomem:
	iso_kconfig_free(k);
	return -ENOMEM;
}

/* Returns 'y', 'm', 'n', -ENOENT (k is NULL) or -EINVAL. */
int iso_kconfig_get(const struct iso_kconfig *k, const char *opt)
{
	struct kconfig_opt key, *hit;

	if (!k)
		return -ENOENT;
	if (!opt)
		return -EINVAL;
	key.name = strip_prefix(opt);
	if (!*key.name)
		return -EINVAL;
	if (!k->nopts)
		return 'n';
	hit = bsearch(&key, k->opts, k->nopts, sizeof(*k->opts), opt_cmp);
	return hit ? hit->val : 'n';
}

const char *iso_kconfig_source(const struct iso_kconfig *k)
{
	return k ? k->source : NULL;
}

/* Reads a gzip'd or plain file whole into a malloc'd string. Returns length or -errno. */
static ssize_t gz_read_all(const char *path, char **out)
{
	gzFile gz;
	size_t cap = 64 * 1024, got = 0;
	char *buf;
	int err = 0;

	errno = 0;
	gz = gzopen(path, "rb");
	if (!gz)
		return errno ? -errno : -ENOMEM;
	buf = malloc(cap);
	if (!buf) {
		gzclose(gz);
		return -ENOMEM;
	}
	for (;;) {
		int r;

		if (got + 1 >= cap) {
			char *n = realloc(buf, cap * 2);

			if (!n) {
				err = -ENOMEM;
				break;
			}
			buf = n;
			cap *= 2;
		}
		r = gzread(gz, buf + got, (unsigned int)(cap - 1 - got));
		if (r < 0) {
			int zerr;

			gzerror(gz, &zerr);
			err = zerr == Z_ERRNO && errno ? -errno : -EIO;
			break;
		}
		if (r == 0)
			break;
		got += r;
	}
	gzclose(gz);
	if (err) {
		free(buf);
		return err;
	}
	buf[got] = '\0';
	*out = buf;
	return got;
}

/* Parses the file at path into *out. Returns 0 or -errno. */
static int kconfig_load_path(struct iso_kconfig **out, const char *path)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n = gz_read_all(path, &text);
	int err;

	if (n < 0)
		return n;
	err = iso_kconfig_parse(out, text);
	if (err)
		return err;
	snprintf((*out)->source, sizeof((*out)->source), "%s", path);
	return 0;
}

/* Returns 0, -ENOENT when no configuration file exists, or -errno. */
int iso_kconfig_load(struct iso_kconfig **out)
{
	char boot[sizeof(((struct utsname *)0)->release) + 16];
	struct utsname u;
	int err, err2;

	err = kconfig_load_path(out, "/proc/config.gz");
	if (!err)
		return 0;
	if (uname(&u) < 0)
		return err == -ENOENT ? -errno : err;
	snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
	err2 = kconfig_load_path(out, boot);
	if (!err2)
		return 0;
	return err != -ENOENT ? err : err2;
}

/* The once-per-process cache of the host's configuration (documented exception to no globals). */
static pthread_once_t host_once = PTHREAD_ONCE_INIT;
static struct iso_kconfig *host_kconfig;

static void host_load(void)
{
	if (iso_kconfig_load(&host_kconfig) < 0)
		host_kconfig = NULL;
}

const struct iso_kconfig *iso_kconfig_host(void)
{
	pthread_once(&host_once, host_load);
	return host_kconfig;
}
