// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kv.h"

void parse_err_set(struct parse_err *e, unsigned int line, const char *fmt, ...)
{
	size_t off = 0;
	va_list ap;

	e->line = line;
	if (line)
		off = (size_t)snprintf(e->msg, sizeof(e->msg),
				       "line %u: ", line);
	va_start(ap, fmt);
	vsnprintf(e->msg + off, sizeof(e->msg) - off, fmt, ap);
	va_end(ap);
}

void kv_cursor_init(struct kv_cursor *c, const char *buf, size_t len,
		    unsigned int first_line)
{
	c->buf = buf;
	c->len = len;
	c->pos = 0;
	c->line = first_line - 1;
}

static bool printable(char c)
{
	return (unsigned char)(c - 0x20) <= 0x7e - 0x20;
}

/*
 * Copies the @n bytes at @s to @out up to the first that is not printable
 * ASCII (0x20 to 0x7e; a '\n' is not): returns where that one is, or @n.
 * A word of 8 at a time: a word has a byte below 0x20 if and only if
 * (w - 0x2020...) & ~w has a top bit set, and one above 0x7e if and only
 * if (w + 0x0101...) | w has.
 */
static size_t copy_printable(char *out, const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, tops = ones << 7;
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		memcpy(out + i, &w, sizeof(w));
		if ((((w - 0x20 * ones) & ~w) | ((w + ones) | w)) & tops)
			break;
	}
	for (; i < n && printable(s[i]); i++)
		out[i] = s[i];
	return i;
}

int kv_next_line(struct kv_cursor *c, char *out, bool *nl, struct parse_err *e)
{
	const char *s = c->buf + c->pos;
	size_t avail = c->len - c->pos, max, n;

	if (c->pos >= c->len)
		return 0;
	c->line++;
	/* up to the byte after KV_LINE_MAX: a '\n' there still ends it */
	max = avail < KV_LINE_MAX + 1 ? avail : KV_LINE_MAX + 1;
	n = copy_printable(out, s, max);
	*nl = n < max && s[n] == '\n';
	if (!*nl && n < max && n < KV_LINE_MAX) {
		c->pos += n;
		parse_err_set(e, c->line, "unprintable byte 0x%02x",
			      (unsigned char)s[n]);
		return -EINVAL;
	}
	if (!*nl && (n < max || n > KV_LINE_MAX)) { /* not the buffer's end */
		c->pos += KV_LINE_MAX;
		parse_err_set(e, c->line, "line longer than %d bytes",
			      KV_LINE_MAX);
		return -EINVAL;
	}
	out[n] = '\0';
	c->pos += n + *nl;
	return 1;
}

/* strchr() for the short words of a line, without a call into libc. */
static char *word_chr(char *s, char c)
{
	for (; *s; s++)
		if (*s == c)
			return s;
	return NULL;
}

char *kv_word(char **s)
{
	char *w = *s, *end;

	while (*w == ' ')
		w++;
	if (!*w) {
		*s = w;
		return NULL;
	}
	for (end = w; *end && *end != ' '; end++)
		;
	*s = *end ? end + 1 : end;
	*end = '\0';
	return w;
}

bool kv_is_keyword(const char *w)
{
	if (*w < 'a' || *w > 'z')
		return false;
	for (; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9') ||
		      *w == '_' || *w == '-'))
			return false;
	return true;
}

static int digit_value(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned int)v < base ? v : -1;
}

static bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/*
 * The decimal digits at @s into *@v, if there are 1 to 19 (a value no
 * uint64_t overflows; more wrap around, and are refused): returns where
 * they end, else NULL.
 */
static const char *plain_decimal(const char *s, uint64_t *v)
{
	const char *p;
	uint64_t n = 0;

	for (p = s; is_digit(*p); p++)
		n = n * 10 + (uint64_t)(*p - '0');
	*v = n;
	return p > s && p - s <= 19 ? p : NULL;
}

int kv_number(const char *s, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v;
	const char *end = plain_decimal(s, &v);
	int d;

	if (end && !*end) { /* the common case, in one pass */
		if (v > max)
			return -ERANGE;
		*out = v;
		return 0;
	}
	v = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = digit_value(*s, base);
		if (d < 0)
			return -EINVAL;
		if ((uint64_t)d > max || v > (max - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static int kv_signed(const char *s, int64_t *out)
{
	uint64_t v;
	int ret;

	if (*s == '-') {
		ret = kv_number(s + 1, (uint64_t)INT64_MAX + 1, &v);
		if (!ret)
			*out = v ? -(int64_t)(v - 1) - 1 : 0;
		return ret;
	}
	ret = kv_number(s, INT64_MAX, &v);
	if (!ret)
		*out = (int64_t)v;
	return ret;
}

static int hist_entry(char *ent, uint64_t *hist, uint64_t *named,
		      const char *what, unsigned int line, struct parse_err *e)
{
	char *colon = word_chr(ent, ':');
	uint64_t b, count;

	if (!colon) {
		parse_err_set(e, line, "%s: bad hist entry '%s'", what, ent);
		return -EINVAL;
	}
	*colon = '\0';
	if (kv_number(ent, KV_HIST_MAX - 1, &b) ||
	    kv_number(colon + 1, UINT64_MAX, &count)) {
		*colon = ':';
		parse_err_set(e, line, "%s: bad hist entry '%s'", what, ent);
		return -EINVAL;
	}
	if (*named & (1ull << b)) {
		parse_err_set(e, line, "%s: duplicate hist bucket %u", what,
			      (unsigned int)b);
		return -EINVAL;
	}
	*named |= 1ull << b;
	hist[b] = count;
	return 0;
}

/* "13:3000,14:900" (or "") into @hist. */
static int kv_hist(char *s, uint64_t *hist, const char *what, unsigned int line,
		   struct parse_err *e)
{
	char *ent = s, *comma;
	uint64_t named = 0;
	int ret;

	memset(hist, 0, KV_HIST_MAX * sizeof(*hist));
	while (*s) {
		comma = word_chr(ent, ',');
		if (comma)
			*comma = '\0';
		ret = hist_entry(ent, hist, &named, what, line, e);
		if (ret)
			return ret;
		if (!comma)
			break;
		ent = comma + 1;
		if (!*ent) {
			parse_err_set(e, line, "%s: bad hist entry ''", what);
			return -EINVAL;
		}
	}
	return 0;
}

static int kv_value(const struct kv_spec *sp, char *val, const char *what,
		    unsigned int line, struct parse_err *e)
{
	int ret = 0;

	switch (sp->type) {
	case KV_U64:
		ret = kv_number(val, UINT64_MAX, sp->dst);
		break;
	case KV_U32:
		ret = kv_number(val, UINT32_MAX, sp->dst);
		break;
	case KV_I64:
		ret = kv_signed(val, sp->dst);
		break;
	case KV_CODE:
		if (!strcmp(val, "unknown"))
			*(uint64_t *)sp->dst = KV_CODE_UNKNOWN;
		else
			ret = kv_number(val, UINT32_MAX, sp->dst);
		break;
	case KV_STR:
		if (strlen(val) >= sp->size) {
			parse_err_set(e, line, "%s: value of '%s' too long",
				      what, sp->key);
			return -EINVAL;
		}
		strcpy(sp->dst, val);
		break;
	case KV_HIST:
		return kv_hist(val, sp->dst, what, line, e);
	}
	if (ret == -ERANGE)
		parse_err_set(e, line, "%s: number '%s' for '%s' out of range",
			      what, val, sp->key);
	else if (ret)
		parse_err_set(e, line, "%s: bad number '%s' for '%s'", what,
			      val, sp->key);
	return ret ? -EINVAL : 0;
}

/*
 * The entry of @spec for @key, looked for from entry @from on: the keys of
 * a line usually come in the order of @spec.
 */
static const struct kv_spec *kv_find(const struct kv_spec *spec,
				     unsigned int nr, const char *key,
				     unsigned int from)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		j = from + i < nr ? from + i : from + i - nr;
		if (kv_eq(spec[j].key, key))
			return &spec[j];
	}
	return NULL;
}

/*
 * The common case of kv_parse(), in one pass: @s holds the keys of @spec
 * in their order, one space apart, each once, with values in their plain
 * form (decimal numbers of up to 19 digits, codes in hexadecimal).  The
 * plain_*() functions parse a value there and return where it ends, or
 * NULL for anything else: kv_parse() then takes the long way, which
 * gives the same figures or the error.
 */

/* The end of a value: a space or the end of the line. */
static bool value_end(const char *s)
{
	return *s == ' ' || !*s;
}

static const char *plain_u64(const char *s, uint64_t max, uint64_t *dst)
{
	const char *end = plain_decimal(s, dst);

	return end && value_end(end) && *dst <= max ? end : NULL;
}

static const char *plain_i64(const char *s, int64_t *dst)
{
	uint64_t v;
	const char *end = plain_u64(s, INT64_MAX, &v);

	if (end)
		*dst = (int64_t)v;
	return end;
}

/* "0x" and 1 to 8 hexadecimal digits, or a decimal number. */
static const char *plain_code(const char *s, uint64_t *dst)
{
	const char *p = s + 2;
	uint64_t v = 0;
	int d;

	if (s[0] != '0' || s[1] != 'x')
		return plain_u64(s, UINT32_MAX, dst);
	for (; p - s < 10 && (d = digit_value(*p, 16)) >= 0; p++)
		v = v * 16 + (uint64_t)d;
	*dst = v;
	return p > s + 2 && value_end(p) ? p : NULL;
}

static const char *plain_str(const char *s, char *dst, size_t size)
{
	size_t n = 0;

	while (!value_end(s + n))
		n++;
	if (n >= size)
		return NULL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return s + n;
}

/* "13:3000,14:900" (or ""): buckets named once, in decimal. */
static const char *plain_hist(const char *s, uint64_t *hist)
{
	uint64_t b, named = 0;

	memset(hist, 0, KV_HIST_MAX * sizeof(*hist));
	if (value_end(s))
		return s;
	for (;;) {
		s = plain_decimal(s, &b);
		if (!s || *s != ':' || b >= KV_HIST_MAX ||
		    (named & (1ull << b)))
			return NULL;
		named |= 1ull << b;
		s = plain_decimal(s + 1, &hist[b]);
		if (!s || value_end(s))
			return s;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *plain_value(const struct kv_spec *sp, const char *s)
{
	switch (sp->type) {
	case KV_U64:
		return plain_u64(s, UINT64_MAX, sp->dst);
	case KV_U32:
		return plain_u64(s, UINT32_MAX, sp->dst);
	case KV_I64:
		return plain_i64(s, sp->dst);
	case KV_CODE:
		return plain_code(s, sp->dst);
	case KV_STR:
		return plain_str(s, sp->dst, sp->size);
	case KV_HIST:
		return plain_hist(s, sp->dst);
	}
	return NULL;
}

/* "KEY=" at @s: where the value starts, or NULL. */
static const char *plain_key(const char *s, const char *key)
{
	for (; *key; s++, key++)
		if (*s != *key)
			return NULL;
	return *s == '=' ? s + 1 : NULL;
}

/* Whether @s is all plain: then the destinations hold its values. */
static bool kv_parse_plain(const char *s, const struct kv_spec *spec,
			   unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (i && *s++ != ' ')
			return false;
		s = plain_key(s, spec[i].key);
		if (s)
			s = plain_value(&spec[i], s);
		if (!s)
			return false;
	}
	return !*s;
}

int kv_parse(char *s, const struct kv_spec *spec, unsigned int nr,
	     const char *what, unsigned int line, struct parse_err *e)
{
	uint64_t seen = 0;
	const struct kv_spec *sp;
	char *w, *eq;
	unsigned int i, next = 0;
	int ret;

	if (kv_parse_plain(s, spec, nr))
		return 0;
	while ((w = kv_word(&s))) {
		eq = word_chr(w, '=');
		if (!eq || eq == w) {
			parse_err_set(e, line,
				      "%s: expected key=value, got '%s'", what,
				      w);
			return -EINVAL;
		}
		*eq = '\0';
		sp = kv_find(spec, nr, w, next);
		if (!sp)
			continue;
		i = (unsigned int)(sp - spec);
		next = i + 1 < nr ? i + 1 : 0;
		if (seen & (1ull << i)) {
			parse_err_set(e, line, "%s: duplicate key '%s'", what,
				      w);
			return -EINVAL;
		}
		seen |= 1ull << i;
		ret = kv_value(sp, eq + 1, what, line, e);
		if (ret)
			return ret;
	}
	for (i = 0; i < nr; i++) {
		if (!(seen & (1ull << i))) {
			parse_err_set(e, line, "%s: missing key '%s'", what,
				      spec[i].key);
			return -EINVAL;
		}
	}
	return 0;
}
