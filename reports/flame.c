// SPDX-License-Identifier: MIT
/*
 * A flame graph in plain SVG: the folded stacks become a tree (one node per
 * distinct path), each node a rect whose width is its share of the samples.
 * No script: hovering a frame shows its <title>, as any SVG viewer does.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flame.h"
#include "opts.h"

struct node {
	char *name;
	uint64_t w;
	int first, next; /* first child, next sibling; -1 none */
	int depth;
};

struct tree {
	struct node *v;
	size_t n, cap;
	int maxdepth;
};

static int node_new(struct tree *t, const char *name, size_t len, int depth)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct node *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n] = (struct node){ strndup(name, len), 0, -1, -1, depth };
	if (!t->v[t->n].name)
		return -1;
	if (depth > t->maxdepth)
		t->maxdepth = depth;
	return (int)t->n++;
}

/* The child of p named name[0..len), made in name order if new. */
static int child(struct tree *t, int p, const char *name, size_t len)
{
	int prev = -1, c, k;

	for (c = t->v[p].first; c >= 0; prev = c, c = t->v[c].next) {
		int cmp = strncmp(t->v[c].name, name, len);

		if (cmp == 0 && t->v[c].name[len] == 0)
			return c;
		if (cmp > 0 || (cmp == 0 && t->v[c].name[len] != 0))
			break;
	}
	k = node_new(t, name, len, t->v[p].depth + 1);
	if (k < 0)
		return -1;
	t->v[k].next = c;
	if (prev < 0)
		t->v[p].first = k;
	else
		t->v[prev].next = k;
	return k;
}

/* The first n bytes of s, escaped for XML (the core's escaper, on a cut copy). */
static void esc(FILE *f, const char *s, size_t n)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) - 1 ? n : sizeof(buf) - 1), s);
	iso_markup_escape(f, buf);
}

/* A warm colour from the name (stable from one report to the next). */
static void colour(const char *name, int *r, int *g, int *b)
{
	uint32_t h = 2166136261u;

	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	*r = 205 + (int)(h % 50);
	*g = 80 + (int)((h >> 8) % 150);
	*b = (int)((h >> 16) % 55);
}

struct draw {
	FILE *f;
	struct tree *t;
	double scale; /* px per sample */
	double height;
	uint64_t total;
};

static void draw(struct draw *d, int k, double x)
{
	const struct node *n = &d->t->v[k];
	double w = (double)n->w * d->scale;
	double y = d->height - ISO_FLAME_PAD - (n->depth + 1) * ISO_FLAME_ROW;
	int r, g, b;

	if (w < ISO_FLAME_MIN_W)
		return;
	colour(n->name, &r, &g, &b);
	fputs("<g><title>", d->f);
	esc(d->f, n->name, strlen(n->name));
	fprintf(d->f,
		" (%llu samples, %.2f%%)</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
		"height=\"%d\" fill=\"rgb(%d,%d,%d)\" rx=\"2\"/>",
		(unsigned long long)n->w, 100.0 * (double)n->w / (double)d->total, x, y, w,
		ISO_FLAME_ROW - 1, r, g, b);
	if (w >= 3 * ISO_FLAME_CHAR + 6) {
		size_t fit = (size_t)((w - 6) / ISO_FLAME_CHAR), len = strlen(n->name);

		fprintf(d->f, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + ISO_FLAME_ROW - 4.5);
		if (len <= fit) {
			esc(d->f, n->name, len);
		} else {
			esc(d->f, n->name, fit - 2);
			fputs("..", d->f);
		}
		fputs("</text>", d->f);
	}
	fputs("</g>\n", d->f);
	for (int c = n->first; c >= 0; c = d->t->v[c].next) {
		draw(d, c, x);
		x += (double)d->t->v[c].w * d->scale;
	}
}

int iso_flame_svg(FILE *f, json_t *folded, const char *title, double width, bool inline_svg)
{
	struct tree t = { 0 };
	struct draw d = { .f = f, .t = &t };
	size_t i;
	json_t *e;
	int rc = 0;

	if (node_new(&t, "all", 3, 0) < 0)
		return -ENOMEM;
	t.maxdepth = 0;
	json_array_foreach(folded, i, e)
	{
		const char *s = json_string_value(json_object_get(e, "stack"));
		json_int_t w = json_integer_value(json_object_get(e, "samples"));
		int p = 0;

		if (!s || w <= 0)
			continue;
		t.v[0].w += (uint64_t)w;
		while (*s) {
			size_t len = strcspn(s, ";");

			if (len) {
				p = child(&t, p, s, len);
				if (p < 0) {
					rc = -ENOMEM;
					goto out;
				}
				t.v[p].w += (uint64_t)w;
			}
			s += len;
			if (*s == ';')
				s++;
		}
	}
	if (!t.v[0].w) {
		rc = -ENODATA;
		goto out;
	}
	d.total = t.v[0].w;
	d.scale = (width - 2 * ISO_FLAME_PAD) / (double)d.total;
	d.height = (t.maxdepth + 1) * ISO_FLAME_ROW + 2 * ISO_FLAME_PAD + 24;
	if (!inline_svg)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	/* Inline in HTML the namespace is implied (and the page names no URL in a tag). */
	fprintf(f,
		"<svg%s width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"11\" "
		"role=\"img\">\n",
		inline_svg ? "" : " xmlns=\"http://www.w3.org/2000/svg\"", width, d.height, width,
		d.height);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fdfdf6\"/>\n");
	fprintf(f, "<text x=\"%.1f\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">", width / 2);
	esc(f, title ? title : "", title ? strlen(title) : 0);
	fprintf(f, " (%llu samples; width: share of samples)</text>\n",
		(unsigned long long)d.total);
	draw(&d, 0, ISO_FLAME_PAD);
	fputs("</svg>\n", f);
	if (ferror(f))
		rc = -EIO;
out:
	for (size_t k = 0; k < t.n; k++)
		free(t.v[k].name);
	free(t.v);
	return rc;
}
