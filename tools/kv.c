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

int kv_next_line(struct kv_cursor *c, char *out, bool *nl, struct parse_err *e)
{
	size_t n = 0;

	if (c->pos >= c->len)
		return 0;
	c->line++;
	for (; c->pos < c->len; c->pos++, n++) {
		unsigned char ch = (unsigned char)c->buf[c->pos];

		if (ch == '\n')
			break;
		if (n == KV_LINE_MAX) {
			parse_err_set(e, c->line, "line longer than %d bytes",
				      KV_LINE_MAX);
			return -EINVAL;
		}
		if (ch < 0x20 || ch > 0x7e) {
			parse_err_set(e, c->line, "unprintable byte 0x%02x",
				      ch);
			return -EINVAL;
		}
		out[n] = (char)ch;
	}
	out[n] = '\0';
	*nl = c->pos < c->len;
	if (*nl)
		c->pos++;
	return 1;
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
	end = strchr(w, ' ');
	if (end) {
		*end = '\0';
		*s = end + 1;
	} else {
		*s = w + strlen(w);
	}
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

int kv_number(const char *s, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	int d;

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
	char *colon = strchr(ent, ':');
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
		comma = strchr(ent, ',');
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

static const struct kv_spec *kv_find(const struct kv_spec *spec,
				     unsigned int nr, const char *key)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(spec[i].key, key))
			return &spec[i];
	return NULL;
}

int kv_parse(char *s, const struct kv_spec *spec, unsigned int nr,
	     const char *what, unsigned int line, struct parse_err *e)
{
	uint64_t seen = 0;
	const struct kv_spec *sp;
	char *w, *eq;
	unsigned int i;
	int ret;

	while ((w = kv_word(&s))) {
		eq = strchr(w, '=');
		if (!eq || eq == w) {
			parse_err_set(e, line,
				      "%s: expected key=value, got '%s'", what,
				      w);
			return -EINVAL;
		}
		*eq = '\0';
		sp = kv_find(spec, nr, w);
		if (!sp)
			continue;
		i = (unsigned int)(sp - spec);
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
