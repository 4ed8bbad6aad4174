/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading line formats of "keyword value key=value ..." lines, shared by
 * the stats snapshot parser (docs/host-interface.md) and the recording
 * reader (docs/recording-format.md): a line cursor over a buffer that
 * refuses overlong lines and unprintable bytes, strict numbers, and
 * key=value lists in which unknown keys are skipped.
 */
#ifndef EXITSTAT_TOOLS_KV_H
#define EXITSTAT_TOOLS_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KV_LINE_MAX 4096 /* bytes in a line, without its '\n' */
#define KV_HIST_MAX 64 /* buckets a hist= value may name */

/* What went wrong, as one line: "line N: what" (or just "what"). */
struct parse_err {
	unsigned int line; /* 0: not about one line */
	char msg[256];
};

void parse_err_set(struct parse_err *e, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Walks @buf line by line; @line is the number of the last line read. */
struct kv_cursor {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned int line;
};

void kv_cursor_init(struct kv_cursor *c, const char *buf, size_t len,
		    unsigned int first_line);

/*
 * Copies the next line, without its '\n', NUL-terminated, into @out
 * (KV_LINE_MAX + 1 bytes).  Returns 1 for a line, 0 at the end of the
 * buffer, -EINVAL (with @e set) for an overlong line or a byte outside
 * printable ASCII.  *@nl tells whether the line ended with '\n' (false
 * only for the last line of a buffer).
 */
int kv_next_line(struct kv_cursor *c, char *out, bool *nl, struct parse_err *e);

/* Splits off the next space-separated word of *@s; NULL when none left. */
char *kv_word(char **s);

/* strcmp() == 0 for the short words of a line, without a call into libc. */
static inline bool kv_eq(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	return *a == *b;
}

/* Whether @w is a keyword: [a-z][a-z0-9_-]*. */
bool kv_is_keyword(const char *w);

/*
 * A decimal or 0x-prefixed hexadecimal number no larger than @max.
 * -EINVAL if @s is not one, -ERANGE if it is larger.
 */
int kv_number(const char *s, uint64_t max, uint64_t *out);

enum kv_type {
	KV_U64, /* uint64_t */
	KV_U32, /* uint64_t, at most 0xffffffff */
	KV_I64, /* int64_t, may start with '-' */
	KV_CODE, /* uint64_t: a uint32_t, or "unknown" = KV_CODE_UNKNOWN */
	KV_STR, /* char[size]: any word that fits */
	KV_HIST, /* uint64_t[KV_HIST_MAX]: "bucket:count,..." or empty */
};

#define KV_CODE_UNKNOWN ((uint64_t)1 << 32)

struct kv_spec {
	const char *key;
	enum kv_type type;
	void *dst;
	size_t size; /* KV_STR only */
};

/*
 * Parses the rest of a line, @s, as space-separated key=value words into
 * the destinations of @spec.  Keys not in @spec are skipped; every key of
 * @spec must appear exactly once.  @what names the line in messages.
 */
int kv_parse(char *s, const struct kv_spec *spec, unsigned int nr,
	     const char *what, unsigned int line, struct parse_err *e);

#endif /* EXITSTAT_TOOLS_KV_H */
