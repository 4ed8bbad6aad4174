// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "load.h"

static int scan_into(struct source *src, const char *buf, size_t len, char *msg,
		     size_t size)
{
	struct parse_err e = { 0 };
	int ret;

	win_init(&src->w);
	ret = rec_scan(buf, len, win_add_sample, &src->w, &src->info, &e);
	if (ret) {
		snprintf(msg, size, "%s: %s", src->path, e.msg);
		return ret;
	}
	if (!src->info.nr_samples) {
		if (src->info.torn_line)
			snprintf(
				msg, size,
				"%s: no complete sample (a torn one at line %u is ignored)",
				src->path, src->info.torn_line);
		else
			snprintf(msg, size, "%s: no sample", src->path);
		return -ENODATA;
	}
	win_finish(&src->w);
	return 0;
}

int source_load(struct source *src, const char *file, const char *root,
		char *msg, size_t size)
{
	struct file_buf fb;
	int ret;

	memset(src, 0, sizeof(*src));
	src->live = !file;
	src->path = file ? strdup(file) : host_stats_path(root);
	if (!src->path) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	ret = file_buf_load(src->path, &fb);
	if (ret) {
		if (src->live)
			host_strerror(ret, src->path, msg, size);
		else
			snprintf(msg, size, "%s: %s", src->path,
				 strerror(-ret));
		source_free(src);
		return ret;
	}
	ret = scan_into(src, fb.data, fb.len, msg, size);
	file_buf_free(&fb);
	if (ret)
		source_free(src);
	return ret;
}

void source_free(struct source *src)
{
	win_free(&src->w);
	free(src->path);
	memset(src, 0, sizeof(*src));
}

const char *source_kind(const struct source *src)
{
	return src->w.timed ? "recording" : "snapshot";
}

double source_secs(const struct source *src)
{
	return (double)(src->w.last_ns - src->w.first_ns) / 1e9;
}

/* Without printf(): a report prints two for each of its intervals. */
const char *fmt_secs(uint64_t ns, char *buf)
{
	uint64_t s = ns / 1000000000, ms = ns % 1000000000 / 1000000;
	char digits[20], *p = digits + sizeof(digits);
	size_t n;

	do {
		*--p = (char)('0' + s % 10);
		s /= 10;
	} while (s);
	n = (size_t)(digits + sizeof(digits) - p);
	memcpy(buf, p, n);
	buf[n++] = '.';
	buf[n++] = (char)('0' + ms / 100);
	buf[n++] = (char)('0' + ms / 10 % 10);
	buf[n++] = (char)('0' + ms % 10);
	buf[n] = '\0';
	return buf;
}

const char *reason_label(const struct es_isa_table *t, uint64_t code)
{
	const char *name = stats_code_name(t, code);

	return name ? name : "-";
}

static int cmp_exits(const void *a, const void *b)
{
	const struct win_series *x = a, *y = b;

	if (x->acc.exits != y->acc.exits)
		return x->acc.exits > y->acc.exits ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

void sort_by_exits(struct win_map *m)
{
	if (m->nr > 1)
		qsort(m->v, m->nr, sizeof(*m->v), cmp_exits);
}

int out_fmt_pick(bool json, bool markdown, enum out_fmt *fmt)
{
	if (json && markdown)
		return -EINVAL;
	*fmt = json ? OUT_JSON : markdown ? OUT_MARKDOWN : OUT_TEXT;
	return 0;
}
