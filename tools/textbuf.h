/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable text buffer for output built in memory and written at once:
 * a screen of `exitstat top`, a Prometheus exposition.  It keeps its
 * memory across textbuf_reset(), so a loop that refills it allocates only
 * while its output grows.  A failed allocation is sticky: later appends
 * do nothing and tb->err is -ENOMEM until the next reset.
 */
#ifndef EXITSTAT_TOOLS_TEXTBUF_H
#define EXITSTAT_TOOLS_TEXTBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct textbuf {
	char *buf; /* NUL-terminated after textbuf_str() */
	size_t len;
	size_t cap;
	int err;
};

void textbuf_init(struct textbuf *tb);
void textbuf_free(struct textbuf *tb);

/* Makes room for @more bytes and a NUL; 0 or -ENOMEM (then sticky). */
int textbuf_grow(struct textbuf *tb, size_t more);

static inline void textbuf_reset(struct textbuf *tb)
{
	tb->len = 0;
	tb->err = 0;
}

static inline void textbuf_put(struct textbuf *tb, const char *s, size_t n)
{
	if (tb->cap - tb->len <= n && textbuf_grow(tb, n))
		return;
	memcpy(tb->buf + tb->len, s, n);
	tb->len += n;
}

static inline void textbuf_puts(struct textbuf *tb, const char *s)
{
	textbuf_put(tb, s, strlen(s));
}

static inline void textbuf_putc(struct textbuf *tb, char c)
{
	textbuf_put(tb, &c, 1);
}

/* @v in decimal. */
void textbuf_u64(struct textbuf *tb, uint64_t v);

void textbuf_printf(struct textbuf *tb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void textbuf_vprintf(struct textbuf *tb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The text, NUL-terminated ("" when empty or after a failure). */
const char *textbuf_str(struct textbuf *tb);

/*
 * Hands the buffer over (malloc'ed, NUL-terminated, *@len bytes before the
 * NUL; free() it) and leaves @tb empty.  NULL after a failure.
 */
char *textbuf_steal(struct textbuf *tb, size_t *len);

/* Writes the text to @fd, all of it (retrying short writes).  0 or -errno. */
int textbuf_write(const struct textbuf *tb, int fd);

#endif /* EXITSTAT_TOOLS_TEXTBUF_H */
