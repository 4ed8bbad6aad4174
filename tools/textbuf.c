// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "textbuf.h"

void textbuf_init(struct textbuf *tb)
{
	memset(tb, 0, sizeof(*tb));
}

void textbuf_free(struct textbuf *tb)
{
	free(tb->buf);
	textbuf_init(tb);
}

int textbuf_grow(struct textbuf *tb, size_t more)
{
	size_t cap = tb->cap ? tb->cap : 4096;
	char *nb;

	if (tb->err)
		return tb->err;
	if (more >= SIZE_MAX / 2 - tb->len) {
		tb->err = -ENOMEM;
		return tb->err;
	}
	while (cap - tb->len <= more)
		cap *= 2;
	if (cap == tb->cap)
		return 0;
	nb = realloc(tb->buf, cap);
	if (!nb) {
		tb->err = -ENOMEM;
		return tb->err;
	}
	tb->buf = nb;
	tb->cap = cap;
	return 0;
}

void textbuf_u64(struct textbuf *tb, uint64_t v)
{
	char digits[20], *p = digits + sizeof(digits);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	textbuf_put(tb, p, (size_t)(digits + sizeof(digits) - p));
}

/* Formatted in place; formatted again only if it did not fit. */
void textbuf_vprintf(struct textbuf *tb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (textbuf_grow(tb, 64))
		return;
	va_copy(ap2, ap);
	n = vsnprintf(tb->buf + tb->len, tb->cap - tb->len, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n >= tb->cap - tb->len) {
		if (textbuf_grow(tb, (size_t)n))
			return;
		vsnprintf(tb->buf + tb->len, tb->cap - tb->len, fmt, ap);
	}
	tb->len += (size_t)n;
}

void textbuf_printf(struct textbuf *tb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	textbuf_vprintf(tb, fmt, ap);
	va_end(ap);
}

const char *textbuf_str(struct textbuf *tb)
{
	if (tb->err || (!tb->buf && textbuf_grow(tb, 0)))
		return "";
	tb->buf[tb->len] = '\0';
	return tb->buf;
}

char *textbuf_steal(struct textbuf *tb, size_t *len)
{
	char *s = NULL;

	if (!tb->err && (tb->buf || !textbuf_grow(tb, 0))) {
		tb->buf[tb->len] = '\0';
		s = tb->buf;
		*len = tb->len;
		tb->buf = NULL;
	}
	textbuf_free(tb);
	return s;
}

int textbuf_write(const struct textbuf *tb, int fd)
{
	const char *p = tb->buf;
	size_t n = tb->len;
	ssize_t w;

	if (tb->err)
		return tb->err;
	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
