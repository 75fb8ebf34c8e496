/* SPDX-License-Identifier: MIT */
/* The verbs of the reports layer: they read results documents and nothing else. */
#ifndef ISO_REPORTS_H
#define ISO_REPORTS_H

/* isobench report DIR|FILE.json... [--out DIR] */
int iso_cmd_report(int argc, char **argv);
/* isobench compare BASE.json NEW.json [...] */
int iso_cmd_compare(int argc, char **argv);

#endif
