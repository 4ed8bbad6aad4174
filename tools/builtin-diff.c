// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat diff: two recordings or snapshots side by side, per reason.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "host.h"
#include "json.h"
#include "load.h"
#include "usage.h"

static const char diff_help[] =
	"usage: exitstat diff [--json | --markdown] A [B]\n"
	"\n"
	"Compares A and B per exit reason: exits in A and in B, their ratio B/A,\n"
	"and the average cycles per exit in A and in B and their ratio.  A and B\n"
	"are recordings made by 'exitstat record' (their figures between the first\n"
	"and the last sample, as 'exitstat report' counts them) or snapshots (a\n"
	"captured /proc/exitstat/stats: figures since load or reset).  Without B,\n"
	"A is compared with the live figures.  Both must come from the same ISA.\n"
	"A ratio is '-' (null in JSON) where A has no exits or no cycles.\n"
	"\n"
	"Options:\n"
	"  -j, --json       one JSON object\n"
	"  -m, --markdown   a Markdown table\n"
	"      --root DIR   without B: read DIR/stats, not /proc/exitstat/stats\n"
	"  -h, --help       this text\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat diff npt-on.rec npt-off.rec      # what nested paging changes\n"
	"  exitstat diff --markdown before.stats after.stats >changes.md\n"
	"  cp /proc/exitstat/stats base; ...; exitstat diff base   # base vs now\n"
	"  exitstat diff --json a.rec b.rec | jq '.reasons[] | select(.ratio > 2)'\n";

struct diff_opts {
	const char *a;
	const char *b;
	const char *root;
	enum out_fmt fmt;
};

struct diff_row {
	uint64_t code;
	const struct stats_fig *a; /* NULL: no exits of it in A */
	const struct stats_fig *b;
};

static const struct col diff_cols[] = {
	{ "REASON", "name", 0 },
	{ "CODE", "hex", 0 },
	{ "", "code", COL_NUM | COL_JSON },
	{ "EXITS_A", "exits_a", COL_NUM },
	{ "EXITS_B", "exits_b", COL_NUM },
	{ "RATIO", "ratio", COL_NUM },
	{ "AVG_A", "avg_a", COL_NUM },
	{ "AVG_B", "avg_b", COL_NUM },
	{ "AVG_RATIO", "avg_ratio", COL_NUM },
};

static uint64_t row_max(const struct diff_row *r)
{
	uint64_t a = r->a ? r->a->exits : 0, b = r->b ? r->b->exits : 0;

	return a > b ? a : b;
}

static int cmp_rows(const void *x, const void *y)
{
	const struct diff_row *a = x, *b = y;

	if (row_max(a) != row_max(b))
		return row_max(a) > row_max(b) ? -1 : 1;
	return a->code < b->code ? -1 : a->code > b->code;
}

/* Rows for the codes with exits in A or B (both maps sorted by code). */
static struct diff_row *merge(const struct win_map *a, const struct win_map *b,
			      size_t *nr)
{
	struct diff_row *rows = calloc(a->nr + b->nr + 1, sizeof(*rows));
	size_t i = 0, j = 0, n = 0;

	if (!rows)
		return NULL;
	while (i < a->nr || j < b->nr) {
		struct diff_row *r = &rows[n];

		if (j == b->nr || (i < a->nr && a->v[i].code < b->v[j].code)) {
			*r = (struct diff_row){ a->v[i].code, &a->v[i].acc,
						NULL };
			i++;
		} else if (i == a->nr || b->v[j].code < a->v[i].code) {
			*r = (struct diff_row){ b->v[j].code, NULL,
						&b->v[j].acc };
			j++;
		} else {
			*r = (struct diff_row){ a->v[i].code, &a->v[i].acc,
						&b->v[j].acc };
			i++;
			j++;
		}
		if (row_max(r))
			n++;
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_rows);
	*nr = n;
	return rows;
}

/* Average cycles per ended exit; false if none ended. */
static bool avg_of(const struct stats_fig *f, unsigned int buckets,
		   uint64_t *avg)
{
	struct latency l;

	if (!f || !fig_latency(f, buckets, &l))
		return false;
	*avg = l.avg;
	return true;
}

static void ratio_cell(struct table *t, bool ok, uint64_t a, uint64_t b)
{
	if (ok && a)
		table_add(t, "%.2f", (double)b / (double)a);
	else
		table_add(t, "-");
}

static void diff_row(struct table *t, const struct window *w, const char *name,
		     const char *hex, const char *code,
		     const struct stats_fig *a, const struct stats_fig *b)
{
	unsigned int buckets = (unsigned int)w->hist_buckets;
	uint64_t ea = a ? a->exits : 0, eb = b ? b->exits : 0, va = 0, vb = 0;
	bool has_a = avg_of(a, buckets, &va), has_b = avg_of(b, buckets, &vb);

	table_add(t, "%s", name);
	table_add(t, "%s", hex);
	table_add(t, "%s", code);
	table_add(t, "%" PRIu64, ea);
	table_add(t, "%" PRIu64, eb);
	ratio_cell(t, true, ea, eb);
	if (has_a)
		table_add(t, "%" PRIu64, va);
	else
		table_add(t, "-");
	if (has_b)
		table_add(t, "%" PRIu64, vb);
	else
		table_add(t, "-");
	ratio_cell(t, has_a && has_b, has_a ? va : 0, has_b ? vb : 0);
}

static void diff_table(struct table *t, const struct window *w,
		       const struct diff_row *rows, size_t nr,
		       const struct stats_fig *ta, const struct stats_fig *tb)
{
	char hex[16], code[16];
	size_t i;

	table_init(t, diff_cols, ES_ARRAY_SIZE(diff_cols));
	for (i = 0; i < nr; i++) {
		uint64_t c = rows[i].code;

		snprintf(code, sizeof(code), "%" PRIu64, c);
		diff_row(t, w, reason_label(w->table, c),
			 stats_code_hex(c, hex),
			 c == STATS_CODE_UNKNOWN ? "-" : code, rows[i].a,
			 rows[i].b);
	}
	diff_row(t, w, "all", "-", "-", ta, tb);
}

static void describe(const struct source *s, char *buf, size_t size)
{
	if (s->w.timed)
		snprintf(buf, size, "%s: recording, %zu samples over %.3f s",
			 s->path, s->w.nr_samples, source_secs(s));
	else
		snprintf(buf, size, "%s: snapshot%s", s->path,
			 s->live ? " (live)" : "");
}

static void json_side(const char *key, const struct source *s,
		      const struct stats_fig *total)
{
	printf("\"%s\":{\"file\":", key);
	json_string(stdout, s->path);
	printf(",\"kind\":\"%s\",\"samples\":%zu,\"duration_s\":",
	       source_kind(s), s->w.nr_samples);
	if (s->w.timed)
		printf("%.3f", source_secs(s));
	else
		printf("null");
	printf(",\"exits\":%" PRIu64 "}", total->exits);
}

static int print_json(const struct source *a, const struct source *b,
		      const struct table *t, const struct stats_fig *ta,
		      const struct stats_fig *tb)
{
	size_t i, rows = table_rows(t);

	putchar('{');
	json_side("a", a, ta);
	putchar(',');
	json_side("b", b, tb);
	printf(",\"isa\":\"%s\",\"reasons\":[", a->w.table->name);
	for (i = 0; i + 1 < rows; i++) {
		printf(i ? "," : "");
		table_print_json_row(t, i);
	}
	printf("],\"all\":");
	table_print_json_row(t, rows - 1);
	printf("}\n");
	return t->err;
}

static int print_human(const struct diff_opts *o, const struct source *a,
		       const struct source *b, const struct table *t)
{
	bool md = o->fmt == OUT_MARKDOWN;
	char da[600], db[600];

	describe(a, da, sizeof(da));
	describe(b, db, sizeof(db));
	printf(md ? "# exitstat diff\n\n- A: %s\n- B: %s\n- ISA: %s\n\n" :
		    "exitstat diff\nA: %s\nB: %s\nISA: %s\n\n",
	       da, db, a->w.table->name);
	return table_print(t, o->fmt, "  ");
}

static int diff_print(const struct diff_opts *o, const struct source *a,
		      const struct source *b, const struct win_map *ma,
		      const struct win_map *mb)
{
	struct stats_fig ta = { 0 }, tb = { 0 };
	struct diff_row *rows;
	struct table t;
	size_t nr, i;
	int ret;

	rows = merge(ma, mb, &nr);
	if (!rows)
		return -ENOMEM;
	for (i = 0; i < ma->nr; i++)
		fig_add(&ta, &ma->v[i].acc);
	for (i = 0; i < mb->nr; i++)
		fig_add(&tb, &mb->v[i].acc);
	diff_table(&t, &a->w, rows, nr, &ta, &tb);
	if (o->fmt == OUT_JSON)
		ret = print_json(a, b, &t, &ta, &tb);
	else
		ret = print_human(o, a, b, &t);
	table_free(&t);
	free(rows);
	return ret;
}

static int diff(const struct diff_opts *o, const struct source *a,
		const struct source *b)
{
	struct win_map ma, mb;
	int ret;

	if (a->w.isa != b->w.isa || a->w.hist_buckets != b->w.hist_buckets) {
		run_error("%s is %s, %s is %s: their exit reasons differ",
			  a->path, a->w.table->name, b->path, b->w.table->name);
		return EXIT_FAILURE_RUN;
	}
	ret = win_sum(&a->w, WIN_ALL, WIN_ALL, &ma);
	if (ret)
		goto oom;
	ret = win_sum(&b->w, WIN_ALL, WIN_ALL, &mb);
	if (!ret) {
		ret = diff_print(o, a, b, &ma, &mb);
		win_map_free(&mb);
	}
	win_map_free(&ma);
	if (!ret)
		return EXIT_OK;
oom:
	run_error("out of memory");
	return EXIT_FAILURE_RUN;
}

/* What follows the options: A and B, and choices that exclude others. */
static int diff_args(int argc, char **argv, struct diff_opts *o, bool json,
		     bool md)
{
	if (out_fmt_pick(json, md, &o->fmt)) {
		usage_error("diff", "--json and --markdown exclude each other");
		return EXIT_USAGE;
	}
	if (optind == argc) {
		usage_error("diff",
			    "nothing to compare (see 'exitstat diff --help')");
		return EXIT_USAGE;
	}
	o->a = argv[optind++];
	if (optind < argc)
		o->b = argv[optind++];
	if (optind < argc) {
		usage_error(
			"diff",
			"unexpected argument '%s' (see 'exitstat diff --help')",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (o->b && o->root) {
		usage_error("diff",
			    "--root reads DIR/stats: give either B or --root");
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_diff_opts(int argc, char **argv, struct diff_opts *o)
{
	enum { OPT_ROOT = 256 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "markdown", no_argument, NULL, 'm' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, md = false;
	int c;

	while ((c = getopt_long(argc, argv, ":jmh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'm':
			md = true;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case 'h':
			fputs(diff_help, stdout);
			return -1;
		default:
			return usage_bad_option("diff", c, argv);
		}
	}
	return diff_args(argc, argv, o, json, md);
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o = { 0 };
	struct source a, b;
	char msg[512];
	int ret = parse_diff_opts(argc, argv, &o);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (source_load(&a, o.a, NULL, msg, sizeof(msg))) {
		run_error("%s", msg);
		return EXIT_FAILURE_RUN;
	}
	if (source_load(&b, o.b, o.root, msg, sizeof(msg))) {
		run_error("%s", msg);
		source_free(&a);
		return EXIT_FAILURE_RUN;
	}
	ret = diff(&o, &a, &b);
	source_free(&a);
	source_free(&b);
	return ret;
}
