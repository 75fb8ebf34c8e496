/* SPDX-License-Identifier: MIT */
/*
 * The app: the verbs of the command line and the lists of what exists. It sits
 * on top of every layer; nothing below includes this header.
 */
#ifndef ISO_APP_H
#define ISO_APP_H

#include "bench.h"
#include "iso.h"

/* The suites (registry.c), NULL-terminated. */
extern const struct iso_suite *const iso_app_suites[];
/* The names suites.def gives them, in the same order (check_registry: they agree). */
extern const char *const iso_app_suite_names[];
/* The benchmark tables (registry.c), NULL-terminated; each ends with an entry whose id is NULL. */
extern const struct iso_bench *const iso_app_bench_tables[];

int iso_app_main(int argc, char **argv);

#endif
