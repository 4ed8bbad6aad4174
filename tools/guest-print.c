// SPDX-License-Identifier: GPL-2.0
/*
 * The guest reports as text, JSON and CSV (docs/guest-tool.md).
 */
#include <inttypes.h>
#include <string.h>

#include "guest.h"
#include "json.h"

/* One line of a report: the total, or one reason. */
struct fig {
	const struct guest_row *row; /* NULL for the total */
	char code[16]; /* as the manual writes it: 30 (VMX), 0x7b (SVM) */
	char hex[16];
	uint64_t exits;
	uint64_t cycles;
	double share; /* percent of all exits */
	double rate; /* exits per second, when the view has an interval */
};

static void fill(const struct guest_view *v, const struct guest_row *row,
		 struct fig *g)
{
	const struct guest_snap *s = v->snap;

	g->row = row;
	g->exits = row ? row->exits : s->exits;
	g->cycles = row ? row->cycles : s->cycles;
	g->share = s->exits ? 100.0 * (double)g->exits / (double)s->exits : 0;
	g->rate = v->seconds > 0 ? (double)g->exits / v->seconds : 0;
	g->code[0] = g->hex[0] = '\0';
	if (!row)
		return;
	snprintf(g->hex, sizeof(g->hex), "0x%" PRIx32, row->code);
	if (v->host->table->isa == ES_ISA_VMX)
		snprintf(g->code, sizeof(g->code), "%" PRIu32, row->code);
	else
		strcpy(g->code, g->hex);
}

static void text_header(FILE *f, const struct guest_view *v)
{
	fprintf(f, "%10s  %-25s %14s %7s", "CODE", "NAME", "EXITS", "SHARE");
	if (v->seconds > 0)
		fprintf(f, " %12s", "EXITS/S");
	fprintf(f, " %18s %10s\n", "CYCLES", "AVG");
}

static void text_row(FILE *f, const struct guest_view *v, const struct fig *g)
{
	fprintf(f, "%10s  %-25s %14" PRIu64 " %6.2f%%", g->code, g->row->name,
		g->exits, g->share);
	if (v->seconds > 0)
		fprintf(f, " %12.1f", g->rate);
	fprintf(f, " %18" PRIu64 " %10" PRIu64 "\n", g->cycles,
		guest_avg(g->cycles, g->exits));
}

/* "total: ..." and the table. */
static void text_body(FILE *f, const struct guest_view *v)
{
	const struct guest_snap *s = v->snap;
	struct fig g;
	unsigned int i;

	fill(v, NULL, &g);
	fprintf(f, "total: %" PRIu64 " exits", s->exits);
	if (v->seconds > 0)
		fprintf(f, " (%.1f/s)", g.rate);
	fprintf(f,
		", %" PRIu64 " cycles, %" PRIu64
		" cycles/exit; not counted: %" PRIu64
		" CPUID exits of exitstat's own queries\n",
		s->cycles, guest_avg(s->cycles, s->exits), s->own);
	if (!v->nr)
		return;
	fputc('\n', f);
	text_header(f, v);
	for (i = 0; i < v->nr; i++) {
		fill(v, v->rows[i], &g);
		text_row(f, v, &g);
	}
}

static void json_fig(FILE *f, const struct guest_view *v, const struct fig *g)
{
	fputc('{', f);
	if (g->row) {
		fprintf(f, "\"code\":%" PRIu32 ",\"hex\":\"%s\",\"name\":",
			g->row->code, g->hex);
		json_string(f, g->row->name);
		fprintf(f, ",");
	}
	fprintf(f, "\"exits\":%" PRIu64, g->exits);
	if (g->row)
		fprintf(f, ",\"share_pct\":%.2f", g->share);
	if (v->seconds > 0)
		fprintf(f, ",\"exits_per_s\":%.1f", g->rate);
	fprintf(f, ",\"cycles\":%" PRIu64 ",\"avg_cycles\":%" PRIu64 "}",
		g->cycles, guest_avg(g->cycles, g->exits));
}

static void json_host(FILE *f, const struct guest_host *h)
{
	fprintf(f, "\"host\":{\"isa\":\"%s\",\"abi\":%u,\"scope\":\"%s\"},",
		h->table->name, ES_INFO_VERSION(h->info), guest_scope_name(h));
	fprintf(f, "\"guest_vendor\":");
	json_string(f, h->vendor);
	fprintf(f, ",\"vendor_mismatch\":%s,",
		h->vendor_mismatch ? "true" : "false");
}

/* "own_exits", "total" and "reasons", then the closing brace. */
static void json_body(FILE *f, const struct guest_view *v)
{
	struct fig g;
	unsigned int i;

	fill(v, NULL, &g);
	fprintf(f, "\"own_exits\":%" PRIu64 ",\"total\":", v->snap->own);
	json_fig(f, v, &g);
	fprintf(f, ",\"reasons\":[");
	for (i = 0; i < v->nr; i++) {
		fill(v, v->rows[i], &g);
		if (i)
			fputc(',', f);
		json_fig(f, v, &g);
	}
	fprintf(f, "]}\n");
}

static void csv_header(FILE *f, const struct guest_view *v, const char *pre)
{
	fprintf(f, "%scode,hex,name,exits,share_pct,%scycles,avg_cycles\n", pre,
		v->seconds > 0 ? "exits_per_s," : "");
}

static void csv_fig(FILE *f, const struct guest_view *v, const char *pre,
		    const struct fig *g)
{
	fprintf(f, "%s%s,%s,%s,%" PRIu64 ",%.2f,", pre, g->code, g->hex,
		g->row ? g->row->name : "total", g->exits,
		g->row ? g->share : 100.0);
	if (v->seconds > 0)
		fprintf(f, "%.1f,", g->rate);
	fprintf(f, "%" PRIu64 ",%" PRIu64 "\n", g->cycles,
		guest_avg(g->cycles, g->exits));
}

/* The total, then the rows, each line starting with @pre. */
static void csv_body(FILE *f, const struct guest_view *v, const char *pre)
{
	struct fig g;
	unsigned int i;

	fill(v, NULL, &g);
	csv_fig(f, v, pre, &g);
	for (i = 0; i < v->nr; i++) {
		fill(v, v->rows[i], &g);
		csv_fig(f, v, pre, &g);
	}
}

void guest_print_snapshot(FILE *f, const struct guest_view *v,
			  enum guest_format fmt)
{
	const struct guest_host *h = v->host;

	switch (fmt) {
	case GUEST_TEXT:
		fprintf(f,
			"host: %s, exitstat ABI %u, scope %s; guest CPU: %s\n",
			guest_isa_title(h), ES_INFO_VERSION(h->info),
			guest_scope_name(h), h->vendor);
		text_body(f, v);
		break;
	case GUEST_JSON:
		fputc('{', f);
		json_host(f, h);
		json_body(f, v);
		break;
	case GUEST_CSV:
		csv_header(f, v, "");
		csv_body(f, v, "");
		break;
	}
}

static void time_of_day(const struct guest_time *t, char buf[16])
{
	struct tm tm;

	if (!localtime_r(&t->wall, &tm) || !strftime(buf, 16, "%H:%M:%S", &tm))
		strcpy(buf, "??:??:??");
}

static void print_reset(FILE *f, enum guest_format fmt, const char *when,
			double elapsed)
{
	if (fmt == GUEST_TEXT)
		fprintf(f,
			"%s  the host reset its counters: this interval is skipped\n\n",
			when);
	else if (fmt == GUEST_JSON)
		fprintf(f,
			"{\"time\":\"%s\",\"elapsed\":%.3f,\"reset\":true}\n",
			when, elapsed);
}

void guest_print_interval(FILE *f, const struct guest_view *v,
			  enum guest_format fmt, double elapsed, bool first)
{
	char when[16], pre[64];

	time_of_day(&v->snap->t, when);
	if (v->snap->reset) {
		print_reset(f, fmt, when, elapsed);
		return;
	}
	switch (fmt) {
	case GUEST_TEXT:
		fprintf(f, "%s  interval %.3f s\n", when, v->seconds);
		text_body(f, v);
		fputc('\n', f);
		break;
	case GUEST_JSON:
		fprintf(f,
			"{\"time\":\"%s\",\"elapsed\":%.3f,\"interval\":%.3f,",
			when, elapsed, v->seconds);
		json_body(f, v);
		break;
	case GUEST_CSV:
		if (first)
			csv_header(f, v, "time,elapsed,");
		snprintf(pre, sizeof(pre), "%s,%.3f,", when, elapsed);
		csv_body(f, v, pre);
		break;
	}
}

static void text_command(FILE *f, char *const argv[])
{
	int i;

	fputs("exitstat run: '", f);
	for (i = 0; argv[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", argv[i]);
	fputc('\'', f);
}

void guest_print_run(FILE *f, const struct guest_view *v, enum guest_format fmt,
		     char *const argv[], int status)
{
	int i;

	switch (fmt) {
	case GUEST_TEXT:
		text_command(f, argv);
		fprintf(f, " ended with status %d after %.3f s\n", status,
			v->seconds);
		text_body(f, v);
		break;
	case GUEST_JSON:
		fprintf(f, "{\"command\":[");
		for (i = 0; argv[i]; i++) {
			if (i)
				fputc(',', f);
			json_string(f, argv[i]);
		}
		fprintf(f, "],\"status\":%d,\"seconds\":%.3f,", status,
			v->seconds);
		json_host(f, v->host);
		json_body(f, v);
		break;
	case GUEST_CSV:
		csv_header(f, v, "");
		csv_body(f, v, "");
		break;
	}
}
