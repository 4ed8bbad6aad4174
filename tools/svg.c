// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

const char *const svg_palette[SVG_NR_COLOURS] = {
	"#0072B2", /* blue */
	"#E69F00", /* orange */
	"#009E73", /* bluish green */
	"#CC79A7", /* reddish purple */
	"#56B4E9", /* sky blue */
	"#D55E00", /* vermillion */
	"#F0E442", /* yellow */
};

void svg_init(struct svg *s)
{
	memset(s, 0, sizeof(*s));
}

void svg_free(struct svg *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

static bool reserve(struct svg *s, size_t more)
{
	size_t ncap;
	char *n;

	if (s->err)
		return false;
	if (s->len + more + 1 <= s->cap)
		return true;
	ncap = s->cap ? s->cap : 4096;
	while (ncap < s->len + more + 1)
		ncap *= 2;
	n = realloc(s->buf, ncap);
	if (!n) {
		s->err = -ENOMEM;
		return false;
	}
	s->buf = n;
	s->cap = ncap;
	return true;
}

static void put(struct svg *s, const char *p, size_t n)
{
	if (!reserve(s, n))
		return;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

void svg_printf(struct svg *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(s, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

/* Bytes of the UTF-8 sequence at @p that XML allows, or 0. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n, i;

	if (c < 0x80)
		return c >= 0x20 && c != 0x7f;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
		return 0; /* overlong, a surrogate, above U+10FFFF */
	if (c == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
		return 0; /* U+FFFE, U+FFFF */
	return n;
}

void svg_escape(struct svg *s, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n;

	while (*p) {
		n = utf8_len(p);
		if (!n) {
			put(s, "\xef\xbf\xbd", 3); /* U+FFFD */
			p++;
		} else if (*p == '&') {
			put(s, "&amp;", 5);
		} else if (*p == '<') {
			put(s, "&lt;", 4);
		} else if (*p == '>') {
			put(s, "&gt;", 4);
		} else if (*p == '"') {
			put(s, "&quot;", 6);
		} else if (*p == '\'') {
			put(s, "&apos;", 6);
		} else {
			put(s, (const char *)p, n);
		}
		if (n)
			p += n;
	}
}

void svg_begin(struct svg *s, unsigned int width, unsigned int height,
	       const char *title)
{
	svg_printf(
		s,
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		"width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
		"font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" "
		"font-size=\"12\">\n<title>",
		width, height, width, height);
	svg_escape(s, title);
	svg_printf(
		s,
		"</title>\n"
		"<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n",
		width, height);
}

void svg_end(struct svg *s)
{
	svg_printf(s, "</svg>\n");
}

void svg_text(struct svg *s, double x, double y, const char *anchor,
	      const char *attrs, const char *text)
{
	svg_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s>", x,
		   y, anchor, *attrs ? " " : "", attrs);
	svg_escape(s, text);
	svg_printf(s, "</text>\n");
}

/* Advance widths in em of DejaVu Sans (Verdana is alike, Arial narrower). */
static double char_em(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return 0.64;
	if (c == 'I' || c == 'i' || c == 'l' || c == 'j' || c == '.' ||
	    c == ',' || c == ':' || c == ' ' || c == '\'' || c == '|')
		return 0.32;
	if (c == 'M' || c == 'W' || c == 'm' || c == 'w' || c == '%')
		return 0.95;
	if (c >= 'A' && c <= 'Z')
		return 0.72;
	if (c == 'f' || c == 't' || c == 'r' || c == '(' || c == ')' ||
	    c == '-' || c == '[' || c == ']')
		return 0.42;
	if (c >= 0x80 && c < 0xc0)
		return 0; /* a continuation byte */
	return 0.62;
}

double svg_text_width(const char *text, double size)
{
	const unsigned char *p = (const unsigned char *)text;
	double em = 0;

	for (; *p; p++)
		em += char_em(*p);
	return em * size;
}

/* The largest power of ten not above @x > 0. */
static double pow10_floor(double x)
{
	double p = 1;

	while (p * 10 <= x)
		p *= 10;
	while (p > x)
		p /= 10;
	return p;
}

void axis_nice(double max, unsigned int want, double min_step, bool cover,
	       struct axis_ticks *t)
{
	double raw, p, f, step;
	unsigned int n, i;

	if (!(max > 0) || max > 1e300)
		max = 1;
	if (!want)
		want = 1;
	if (want > AXIS_TICKS_MAX - 2)
		want = AXIS_TICKS_MAX - 2;
	raw = max / want;
	p = pow10_floor(raw);
	f = raw / p;
	step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
	if (step < min_step)
		step = min_step;
	n = (unsigned int)(max / step + 1e-9);
	if (cover && n * step < max - step * 1e-9)
		n++;
	if (n > AXIS_TICKS_MAX - 1)
		n = AXIS_TICKS_MAX - 1;
	for (i = 0; i <= n; i++)
		t->v[i] = i * step;
	t->nr = n + 1;
	t->step = step;
	t->top = n * step;
}

/* Decimals that show @x (> 0) exactly enough: 0 to 6. */
static int decimals(double x)
{
	int d;

	if (x >= 1e15)
		return 0;
	for (d = 0; d < 6; d++) {
		double r = (double)(long long)(x + 0.5);

		if (x - r < 1e-6 * x && r - x < 1e-6 * x)
			break;
		x *= 10;
	}
	return d;
}

const char *axis_label(const struct axis_ticks *t, double v, char *buf)
{
	static const struct {
		double from, unit;
		const char *suffix;
	} units[] = { { 1e9, 1e9, "G" }, { 1e6, 1e6, "M" }, { 1e4, 1e3, "k" } };
	double unit = 1;
	const char *suffix = "";
	size_t i;

	if (v == 0) {
		snprintf(buf, 32, "0");
		return buf;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (t->top >= units[i].from) {
			unit = units[i].unit;
			suffix = units[i].suffix;
			break;
		}
	}
	snprintf(buf, 32, "%.*f%s", decimals(t->step / unit), v / unit, suffix);
	return buf;
}

const char *pow2_label(unsigned int b, char *buf)
{
	static const char suffix[] = " KMGTPE";

	if (b > 63)
		b = 63;
	if (b < 10)
		snprintf(buf, 16, "%u", 1u << b);
	else
		snprintf(buf, 16, "%u%c", 1u << (b % 10), suffix[b / 10]);
	return buf;
}

const char *time_label(double us, char *buf, size_t size)
{
	static const struct {
		double below, per;
		const char *unit;
	} units[] = {
		{ 0.9995, 1e-3, "ns" },
		{ 999.5, 1, "\xc2\xb5s" }, /* µs */
		{ 999.5e3, 1e3, "ms" },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (us < units[i].below) {
			snprintf(buf, size, "%.3g%s", us / units[i].per,
				 units[i].unit);
			return buf;
		}
	}
	snprintf(buf, size, "%.3gs", us / 1e6);
	return buf;
}

double log2_u64(uint64_t v)
{
	int b, i;
	double y, r, f = 0.5;

	if (!v)
		return 0;
	b = 63 - __builtin_clzll(v);
	y = (double)v / (double)((uint64_t)1 << b);
	r = b;
	for (i = 0; i < 24; i++) {
		y *= y;
		if (y >= 2) {
			y /= 2;
			r += f;
		}
		f /= 2;
	}
	return r;
}
