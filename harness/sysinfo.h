/* SPDX-License-Identifier: MIT */
/*
 * What a result is worth knowing about the machine it came from: kernel,
 * distribution, cgroup layout, CPU (libcpuid), topology (hwloc), mitigations,
 * sysctls, namespaces, kernel config. Recorded in results.json and printed by
 * `isobench sysinfo`. Anything that cannot be read is JSON null, never guessed.
 */
#ifndef ISO_SYSINFO_H
#define ISO_SYSINFO_H

#include <jansson.h>
#include <stdio.h>

/*
 * Collects the description of this host as a new JSON object (the caller owns
 * the reference). Returns NULL only when memory runs out.
 */
json_t *iso_sysinfo_collect(void);
/* Prints si (from iso_sysinfo_collect) as aligned "key: value" sections. */
void iso_sysinfo_print(FILE *f, const json_t *si);

#endif
