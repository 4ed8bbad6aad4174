// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
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

static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

void table_add(struct table *t, const char *fmt, ...)
{
	char *cell;
	va_list ap;

	if (t->nr_cells == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		char **c = realloc(t->cells, ncap * sizeof(*c));

		if (!c) {
			t->err = -ENOMEM;
			return;
		}
		t->cells = c;
		t->cap = ncap;
	}
	va_start(ap, fmt);
	cell = vformat(fmt, ap);
	va_end(ap);
	if (!cell)
		t->err = -ENOMEM;
	t->cells[t->nr_cells++] = cell;
}

size_t table_rows(const struct table *t)
{
	return t->nr_cols ? t->nr_cells / t->nr_cols : 0;
}

static const char *cell(const struct table *t, size_t row, unsigned int col)
{
	size_t i = row * t->nr_cols + col;

	return i < t->nr_cells && t->cells[i] ? t->cells[i] : "-";
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
	size_t rows = table_rows(t), r, len = 1;
	unsigned int c;

	for (c = 0; c < t->nr_cols; c++) {
		w[c] = 0;
		if (!shown(t, c, OUT_TEXT))
			continue;
		w[c] = strlen(t->cols[c].head);
		for (r = 0; r < rows; r++)
			if (strlen(cell(t, r, c)) > w[c])
				w[c] = strlen(cell(t, r, c));
		len += w[c] + 2;
	}
	return len;
}

/* Columns two spaces apart, numbers right-aligned, no trailing blanks. */
static int print_text(const struct table *t, const char *indent)
{
	size_t *w = calloc(t->nr_cols + 1, sizeof(*w)), rows, r, len, n;
	unsigned int c;
	char *line;

	if (!w)
		return -ENOMEM;
	len = text_widths(t, w);
	line = malloc(len);
	rows = table_rows(t);
	for (r = 0; line && r <= rows; r++) {
		n = 0;
		for (c = 0; c < t->nr_cols; c++) {
			const char *s = r ? cell(t, r - 1, c) : t->cols[c].head;

			if (!shown(t, c, OUT_TEXT))
				continue;
			n += (size_t)snprintf(
				line + n, len - n,
				t->cols[c].flags & COL_NUM ? "%*s  " : "%-*s  ",
				(int)w[c], s);
		}
		while (n && line[n - 1] == ' ')
			n--;
		line[n] = '\0';
		printf("%s%s\n", indent, line);
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
		printf("%s", sep);
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
	size_t i;

	for (i = 0; i < t->nr_cells; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
