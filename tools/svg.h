/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-written SVG 1.1 for `exitstat plot`: a growing text buffer, XML
 * escaping, the colour palette, "nice" axis ticks and their labels, and a
 * text width estimate for laying labels out without a font engine.  No
 * floating-point library call (the tools link without libm), and nothing
 * that depends on the locale or the clock, so output is reproducible.
 */
#ifndef EXITSTAT_TOOLS_SVG_H
#define EXITSTAT_TOOLS_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct svg {
	char *buf; /* NUL-terminated */
	size_t len;
	size_t cap;
	int err; /* -ENOMEM once anything was lost */
};

void svg_init(struct svg *s);
void svg_free(struct svg *s);

/* Appends formatted text as it is (markup: callers escape what they add). */
void svg_printf(struct svg *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Appends @text escaped for XML character data and attribute values: &, <,
 * >, " and ' as entities, control characters and bytes that are not UTF-8
 * as U+FFFD, so any input yields well-formed XML.
 */
void svg_escape(struct svg *s, const char *text);

/* The XML declaration and <svg> start tag with <title>, and the background. */
void svg_begin(struct svg *s, unsigned int width, unsigned int height,
	       const char *title);

void svg_end(struct svg *s);

/* <text> at (x, y) anchored "start", "middle" or "end", @text escaped. */
void svg_text(struct svg *s, double x, double y, const char *anchor,
	      const char *attrs, const char *text);

/* Estimated width in pixels of @text at font size @size (a sans-serif). */
double svg_text_width(const char *text, double size);

/*
 * Colour-blind-friendly series colours (Okabe & Ito), one per top reason,
 * and the grey of "other".
 */
#define SVG_NR_COLOURS 7
extern const char *const svg_palette[SVG_NR_COLOURS];
#define SVG_OTHER_COLOUR "#999999"

#define AXIS_TICKS_MAX 64

/* Axis ticks 0, step, 2 step, ... up to top. */
struct axis_ticks {
	double step;
	double top; /* the last tick: at least the maximum asked for */
	unsigned int nr;
	double v[AXIS_TICKS_MAX];
};

/*
 * Ticks from 0 to at least @max with a step of 1, 2 or 5 times a power of
 * ten and at least @min_step, about @want of them (at least 1 step).  With
 * @cover false the last tick is the largest multiple of the step not above
 * @max (an axis that ends at @max), else the first at or above it.
 */
void axis_nice(double max, unsigned int want, double min_step, bool cover,
	       struct axis_ticks *t);

/*
 * A tick label: @v scaled by the unit of @t (k for a top from 10 000, M
 * from 10^6, G from 10^9) with the decimals the step needs, into @buf of
 * 32 bytes.  "0" for 0.
 */
const char *axis_label(const struct axis_ticks *t, double v, char *buf);

/* 2^@b cycles as "1", "512", "1K", "64K", "2M", "1G" into @buf of 16. */
const char *pow2_label(unsigned int b, char *buf);

/* @us microseconds with 3 significant digits: "488ns", "1.95µs", "12.5ms". */
const char *time_label(double us, char *buf, size_t size);

/* log2(@v) for @v > 0, without libm; 0 for 0. */
double log2_u64(uint64_t v);

#endif /* EXITSTAT_TOOLS_SVG_H */
