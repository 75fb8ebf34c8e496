/* SPDX-License-Identifier: MIT */
/*
 * The running kernel's build configuration, from /proc/config.gz or
 * /boot/config-$(uname -r). Options are looked up by name, with or without the
 * CONFIG_ prefix, and answer 'y', 'm' or 'n' ("# CONFIG_X is not set", or not
 * in the file at all).
 */
#ifndef ISO_KCONFIG_H
#define ISO_KCONFIG_H

struct iso_kconfig;

/*
 * Reads /proc/config.gz, or else /boot/config-$(uname -r). Returns 0, -ENOENT
 * when neither exists, or -errno; *out is freed with iso_kconfig_free().
 */
int iso_kconfig_load(struct iso_kconfig **out);
/* Parses the text of a .config (no I/O). Returns 0 or -errno (-ENOMEM). */
int iso_kconfig_parse(struct iso_kconfig **out, const char *text);
/*
 * Returns 'y', 'm' or 'n' for opt ("CONFIG_USER_NS" or "USER_NS"), -ENOENT when
 * k is NULL (configuration unknown), -EINVAL for an empty name. An option set to
 * a string or number (CONFIG_HZ=250) counts as 'y'.
 */
int iso_kconfig_get(const struct iso_kconfig *k, const char *opt);
/* Where k was read from ("/proc/config.gz", a /boot path, "" if parsed), or NULL for a NULL k. */
const char *iso_kconfig_source(const struct iso_kconfig *k);
/* Frees k; NULL is fine. */
void iso_kconfig_free(struct iso_kconfig *k);
/* The host's configuration, loaded once per process; NULL when unavailable. */
const struct iso_kconfig *iso_kconfig_host(void);

#endif
