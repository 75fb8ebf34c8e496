/* SPDX-License-Identifier: MIT */
/* Flame graphs of folded kernel stacks (bench --attribute), as SVG that needs no script. */
#ifndef ISO_FLAME_H
#define ISO_FLAME_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

/* Layout, in SVG pixels. */
#define ISO_FLAME_PAD 10 /* left and right margin */
#define ISO_FLAME_ROW 16 /* height of a frame */
#define ISO_FLAME_CHAR 6.6 /* width of a character of the 11 px monospace font */
#define ISO_FLAME_MIN_W 0.3 /* frames narrower than this are not drawn */

/*
 * Writes folded ([{"stack": "root;...;leaf", "samples": n}], attribution.folded)
 * as a flame graph: the root at the bottom, each frame a rect as wide as its
 * samples' share of width - 2 x ISO_FLAME_PAD, siblings in name order, names
 * truncated with ".." where the rect is narrow, every frame's full name and
 * count in a <title> (the browser's tooltip). inline_svg: no XML prolog, for
 * an HTML page. Returns 0, -ENODATA (no samples) or -EIO.
 */
int iso_flame_svg(FILE *f, json_t *folded, const char *title, double width, bool inline_svg);

#endif
