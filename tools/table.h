/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of the host tools in three formats: aligned text, Markdown and
 * JSON.  A table is filled cell by cell, row by row, and printed as text
 * columns, a Markdown table or a JSON array of objects.
 */
#ifndef EXITSTAT_TOOLS_TABLE_H
#define EXITSTAT_TOOLS_TABLE_H

#include <stddef.h>

#include "textbuf.h"

enum out_fmt {
	OUT_TEXT,
	OUT_MARKDOWN,
	OUT_JSON,
};

#define COL_NUM 1u /* right-aligned; a JSON number */
#define COL_JSON 2u /* only in JSON */
#define COL_HUMAN 4u /* only in text and Markdown */
#define COL_TEXT 8u /* only in text */

struct col {
	const char *head; /* text and Markdown heading */
	const char *key; /* JSON key */
	unsigned int flags;
};

struct table {
	const struct col *cols;
	unsigned int nr_cols;
	struct textbuf text; /* the cells' strings, each NUL-ended */
	size_t *cells; /* row by row: where each starts in text (SIZE_MAX: lost) */
	size_t nr_cells, cap;
	int err; /* -ENOMEM if a cell was lost */
};

void table_init(struct table *t, const struct col *cols, unsigned int nr);

/* Appends the next cell.  A cell "-" is null in JSON. */
void table_add(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends the next cell: @s as it is, faster than table_add("%s", s). */
void table_add_str(struct table *t, const char *s);

size_t table_rows(const struct table *t);

/*
 * Prints @t to stdout: text lines starting with @indent, a Markdown table,
 * or a JSON array of row objects (no newline after it).  Returns t->err.
 */
int table_print(const struct table *t, enum out_fmt fmt, const char *indent);

/* Prints row @row of @t as one JSON object. */
void table_print_json_row(const struct table *t, size_t row);

void table_free(struct table *t);

#endif /* EXITSTAT_TOOLS_TABLE_H */
