// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "table.h"

void table_init(struct table *t, const struct col *cols, unsigned int nr)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->nr_cols = nr;
}

#define TABLE_LOST SIZE_MAX /* a cell that did not fit in memory */

/*
 * Ends the cell that starts at @start in the text: its offset, or
 * TABLE_LOST if the text ran out of memory.
 */
static size_t end_cell(struct table *t, size_t start)
{
	textbuf_putc(&t->text, '\0');
	return t->text.err ? TABLE_LOST : start;
}

/* Makes room for one more cell; false, with the error set, if there is none. */
static bool cell_room(struct table *t)
{
	size_t ncap;
	size_t *c;

	if (t->nr_cells < t->cap)
		return true;
	ncap = t->cap ? t->cap * 2 : 64;
	c = realloc(t->cells, ncap * sizeof(*c));
	if (!c) {
		t->err = -ENOMEM;
		return false;
	}
	t->cells = c;
	t->cap = ncap;
	return true;
}

static void push_cell(struct table *t, size_t cell)
{
	if (cell == TABLE_LOST)
		t->err = -ENOMEM;
	t->cells[t->nr_cells++] = cell;
}

void table_add(struct table *t, const char *fmt, ...)
{
	size_t start = t->text.len;
	va_list ap;

	if (!cell_room(t))
		return;
	va_start(ap, fmt);
	textbuf_vprintf(&t->text, fmt, ap);
	va_end(ap);
	push_cell(t, end_cell(t, start));
}

void table_add_str(struct table *t, const char *s)
{
	size_t start = t->text.len;

	if (!cell_room(t))
		return;
	textbuf_puts(&t->text, s);
	push_cell(t, end_cell(t, start));
}

size_t table_rows(const struct table *t)
{
	return t->nr_cols ? t->nr_cells / t->nr_cols : 0;
}

static const char *cell(const struct table *t, size_t row, unsigned int col)
{
	size_t i = row * t->nr_cols + col;

	return i < t->nr_cells && t->cells[i] != TABLE_LOST ?
		       t->text.buf + t->cells[i] :
		       "-";
}

static bool shown(const struct table *t, unsigned int c, enum out_fmt fmt)
{
	unsigned int f = t->cols[c].flags;

	if (fmt == OUT_JSON)
		return !(f & (COL_HUMAN | COL_TEXT));
	if (f & COL_JSON)
		return false;
	return fmt == OUT_TEXT || !(f & COL_TEXT);
}

static size_t text_widths(const struct table *t, size_t *w)
{
	size_t rows = table_rows(t), r, n, len = 1;
	unsigned int c;

	for (c = 0; c < t->nr_cols; c++) {
		w[c] = 0;
		if (!shown(t, c, OUT_TEXT))
			continue;
		w[c] = strlen(t->cols[c].head);
		for (r = 0; r < rows; r++) {
			n = strlen(cell(t, r, c));
			if (n > w[c])
				w[c] = n;
		}
		len += w[c] + 2;
	}
	return len;
}

/* @s in a column of width @w, then two spaces; returns where it ends. */
static char *text_cell(char *out, const char *s, size_t w, bool right)
{
	size_t n = strlen(s);

	if (right) {
		memset(out, ' ', w - n);
		out += w - n;
	}
	memcpy(out, s, n);
	out += n;
	if (!right) {
		memset(out, ' ', w - n);
		out += w - n;
	}
	memcpy(out, "  ", 2);
	return out + 2;
}

/* Columns two spaces apart, numbers right-aligned, no trailing blanks. */
static int print_text(const struct table *t, const char *indent)
{
	size_t *w = calloc(t->nr_cols + 1, sizeof(*w)), rows, r, ind;
	unsigned int c;
	char *line, *end;

	if (!w)
		return -ENOMEM;
	ind = strlen(indent);
	line = malloc(ind + text_widths(t, w) + 1);
	if (line)
		memcpy(line, indent, ind);
	rows = table_rows(t);
	for (r = 0; line && r <= rows; r++) {
		end = line + ind;
		for (c = 0; c < t->nr_cols; c++) {
			const char *s = r ? cell(t, r - 1, c) : t->cols[c].head;

			if (shown(t, c, OUT_TEXT))
				end = text_cell(end, s, w[c],
						t->cols[c].flags & COL_NUM);
		}
		while (end > line + ind && end[-1] == ' ')
			end--;
		*end++ = '\n';
		fwrite(line, 1, (size_t)(end - line), stdout);
	}
	free(w);
	free(line);
	return line ? 0 : -ENOMEM;
}

/* A Markdown cell: '|' would end it early. */
static void md_cell(const char *s)
{
	fputs("| ", stdout);
	for (; *s; s++) {
		if (*s == '|')
			putchar('\\');
		putchar(*s);
	}
	putchar(' ');
}

static void print_markdown(const struct table *t)
{
	size_t rows = table_rows(t), r;
	unsigned int c;

	for (r = 0; r <= rows + 1; r++) {
		for (c = 0; c < t->nr_cols; c++) {
			const struct col *col = &t->cols[c];

			if (!shown(t, c, OUT_MARKDOWN))
				continue;
			if (!r)
				printf("| %s ", col->head);
			else if (r == 1)
				fputs(col->flags & COL_NUM ? "| ---: " :
							     "| --- ",
				      stdout);
			else
				md_cell(cell(t, r - 2, c));
		}
		fputs("|\n", stdout);
	}
}

void table_print_json_row(const struct table *t, size_t row)
{
	const char *sep = "";
	unsigned int c;

	putchar('{');
	for (c = 0; c < t->nr_cols; c++) {
		const char *s = cell(t, row, c);

		if (!shown(t, c, OUT_JSON))
			continue;
		fputs(sep, stdout);
		json_string(stdout, t->cols[c].key);
		putchar(':');
		if (!strcmp(s, "-"))
			fputs("null", stdout);
		else if (t->cols[c].flags & COL_NUM)
			fputs(s, stdout);
		else
			json_string(stdout, s);
		sep = ",";
	}
	putchar('}');
}

int table_print(const struct table *t, enum out_fmt fmt, const char *indent)
{
	size_t r;
	int ret;

	switch (fmt) {
	case OUT_TEXT:
		ret = print_text(t, indent);
		if (ret)
			return ret;
		break;
	case OUT_MARKDOWN:
		print_markdown(t);
		break;
	case OUT_JSON:
		putchar('[');
		for (r = 0; r < table_rows(t); r++) {
			if (r)
				putchar(',');
			table_print_json_row(t, r);
		}
		putchar(']');
		break;
	}
	return t->err;
}

void table_free(struct table *t)
{
	textbuf_free(&t->text);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
