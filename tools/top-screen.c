// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat top's screen: a title, the host's (and -p's) totals, notes on
 * VMs that came or went and on resets, then the rows as a table, columns
 * two spaces apart, numbers right-aligned.  On a terminal the screen is
 * cut to its size and drawn from the top left over the previous one.
 */
#include <inttypes.h>
#include <stdio.h>

#include "load.h"
#include "top.h"

#define ESC_HOME "\033[H"
#define ESC_EOL "\033[K" /* clear to the end of the line */
#define ESC_EOS "\033[J" /* clear to the end of the screen */
#define MAX_VMS_NAMED 3 /* in a note, then "and N more" */

enum col_id {
	C_VM,
	C_PID,
	C_VCPU,
	C_REASON,
	C_CODE,
	C_EXITS,
	C_RATE,
	C_CYCLES,
	C_AVG,
	C_NR
};

static const struct {
	const char *head;
	bool num;
} col_defs[C_NR] = {
	[C_VM] = { "VM", true },       [C_PID] = { "PID", true },
	[C_VCPU] = { "VCPU", true },   [C_REASON] = { "REASON", false },
	[C_CODE] = { "CODE", false },  [C_EXITS] = { "EXITS", true },
	[C_RATE] = { "RATE/s", true }, [C_CYCLES] = { "CYCLES", true },
	[C_AVG] = { "AVG", true },
};

static const enum col_id cols_vm[] = { C_VM,	C_PID,	C_REASON, C_CODE,
				       C_EXITS, C_RATE, C_CYCLES, C_AVG };
static const enum col_id cols_vcpu[] = { C_VM,	   C_PID,    C_VCPU,
					 C_REASON, C_CODE,   C_EXITS,
					 C_RATE,   C_CYCLES, C_AVG };
static const enum col_id cols_reason[] = { C_REASON, C_CODE,   C_EXITS,
					   C_RATE,   C_CYCLES, C_AVG };

static const char *const by_names[] = { "vm", "vcpu", "reason" };
static const char *const sort_names[] = { "rate", "count", "cycles", "avg" };

/* What is being drawn. */
struct draw {
	struct top *t;
	const struct top_screen *scr;
	struct textbuf *tb;
	size_t line_start; /* where the current line starts in tb */
	unsigned int lines;
};

static void line_end(struct draw *d)
{
	struct textbuf *tb = d->tb;

	if (d->scr->width && tb->len - d->line_start > d->scr->width)
		tb->len = d->line_start + d->scr->width;
	if (d->scr->width)
		textbuf_puts(tb, ESC_EOL);
	textbuf_putc(tb, '\n');
	d->line_start = tb->len;
	d->lines++;
}

/* @delta exits over @t->dt_ns as "12.5", or "-" on the first refresh. */
static const char *fmt_rate(const struct top *t, uint64_t delta, char *buf)
{
	if (!t->dt_ns)
		return "-";
	snprintf(buf, 32, "%.1f", (double)delta * 1e9 / (double)t->dt_ns);
	return buf;
}

static const char *cell(const struct top *t, const struct top_series *r,
			enum col_id c, char *buf)
{
	const char *name;

	switch (c) {
	case C_VM:
		snprintf(buf, 32, "%" PRIu64, r->vm);
		break;
	case C_PID:
		snprintf(buf, 32, "%" PRId64, r->pid);
		break;
	case C_VCPU:
		snprintf(buf, 32, "%" PRIu64, r->vcpu);
		break;
	case C_REASON:
		name = stats_code_name(t->table, r->code);
		return name ? name : "-";
	case C_CODE:
		return stats_code_hex(r->code, buf);
	case C_EXITS:
		snprintf(buf, 32, "%" PRIu64, r->exits);
		break;
	case C_RATE:
		return fmt_rate(t, r->delta, buf);
	case C_CYCLES:
		snprintf(buf, 32, "%" PRIu64, r->cycles);
		break;
	default:
		if (!r->ended)
			return "-";
		snprintf(buf, 32, "%" PRIu64, r->cycles / r->ended);
	}
	return buf;
}

static void columns(const struct top *t, const enum col_id **cols, size_t *nr)
{
	switch (t->o->by) {
	case TOP_BY_VCPU:
		*cols = cols_vcpu;
		*nr = ES_ARRAY_SIZE(cols_vcpu);
		break;
	case TOP_BY_REASON:
		*cols = cols_reason;
		*nr = ES_ARRAY_SIZE(cols_reason);
		break;
	default:
		*cols = cols_vm;
		*nr = ES_ARRAY_SIZE(cols_vm);
	}
}

static void pad(struct textbuf *tb, size_t n)
{
	static const char spaces[] = "                                ";

	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		textbuf_put(tb, spaces, sizeof(spaces) - 1);
	textbuf_put(tb, spaces, n);
}

/* The heading (row -1) or row @i, in columns of widths @w. */
static void table_line(struct draw *d, const size_t *w, long i)
{
	const struct top_series *rows = d->t->rows.v;
	const enum col_id *cols;
	size_t nr, k, len;
	const char *s;
	char buf[32];

	columns(d->t, &cols, &nr);
	for (k = 0; k < nr; k++) {
		s = i < 0 ? col_defs[cols[k]].head :
			    cell(d->t, &rows[i], cols[k], buf);
		len = strlen(s);
		if (k)
			pad(d->tb, 2);
		if (col_defs[cols[k]].num)
			pad(d->tb, w[k] - len);
		textbuf_put(d->tb, s, len);
		if (!col_defs[cols[k]].num && k + 1 < nr)
			pad(d->tb, w[k] - len);
	}
	line_end(d);
}

static void table(struct draw *d, size_t shown)
{
	const struct top_series *rows = d->t->rows.v;
	const enum col_id *cols;
	size_t w[C_NR], nr, k, i, len;
	char buf[32];

	columns(d->t, &cols, &nr);
	for (k = 0; k < nr; k++) {
		w[k] = strlen(col_defs[cols[k]].head);
		for (i = 0; i < shown; i++) {
			len = strlen(cell(d->t, &rows[i], cols[k], buf));
			if (len > w[k])
				w[k] = len;
		}
	}
	table_line(d, w, -1);
	for (i = 0; i < shown; i++)
		table_line(d, w, (long)i);
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void title(struct draw *d)
{
	const struct top *t = d->t;
	const struct top_opts *o = t->o;
	char iv[32];

	fmt_secs(o->interval_ns, iv);
	if (d->scr->clock)
		textbuf_printf(
			d->tb,
			"exitstat top - %s, every %s s, by %s, sorted by %s (q quits)",
			d->scr->clock, iv, by_names[o->by],
			sort_names[o->sort]);
	else
		textbuf_printf(d->tb,
			       "exitstat top: refresh %" PRIu64
			       ", every %s s, by %s, sorted by %s",
			       t->seq, iv, by_names[o->by],
			       sort_names[o->sort]);
	line_end(d);
}

static void totals(struct draw *d)
{
	const struct top *t = d->t;
	const struct top_series *c = t->cur.v;
	const struct top_vm *vm = t->vms.v;
	uint64_t exits = 0, delta = 0, vcpus = 0;
	char rate[32];
	size_t i;

	textbuf_printf(d->tb,
		       "host: %s, kernel %s, scope %s, TSC %" PRIu64
		       " kHz; %zu VM%s, %zu vCPU%s; %" PRIu64 " exits, %s/s",
		       t->table->name, t->kernel, t->scope, t->tsc_khz,
		       t->nr_vms, plural(t->nr_vms), t->nr_vcpus,
		       plural(t->nr_vcpus), t->total,
		       fmt_rate(t, t->total_delta, rate));
	line_end(d);
	if (!t->o->pid)
		return;
	for (i = 0; i < t->cur.nr; i++) {
		exits += c[i].exits;
		delta += c[i].delta;
	}
	for (i = 0; i < t->vms.nr; i++)
		vcpus += vm[i].vcpus;
	if (!t->vms.nr)
		textbuf_printf(d->tb, "pid %" PRId64 ": no VM", t->o->pid);
	else
		textbuf_printf(d->tb,
			       "pid %" PRId64 ": %zu VM%s, %" PRIu64
			       " vCPU%s; %" PRIu64 " exits, %s/s",
			       t->o->pid, t->vms.nr, plural(t->vms.nr), vcpus,
			       plural(vcpus), exits, fmt_rate(t, delta, rate));
	line_end(d);
}

/* "note: WHAT: VM 8 (pid 150), ..." for the VMs of @a not in @b. */
static void vm_note(struct draw *d, const char *what, const struct top_arr *a,
		    const struct top_arr *b)
{
	const struct top_vm *x = a->v, *y = b->v;
	size_t i, j = 0, n = 0;

	for (i = 0; i < a->nr; i++) {
		while (j < b->nr && y[j].id < x[i].id)
			j++;
		if (j < b->nr && y[j].id == x[i].id)
			continue;
		if (!n)
			textbuf_printf(d->tb, "note: %s: ", what);
		if (n < MAX_VMS_NAMED)
			textbuf_printf(d->tb,
				       "%sVM %" PRIu64 " (pid %" PRId64 ")",
				       n ? ", " : "", x[i].id, x[i].pid);
		n++;
	}
	if (n > MAX_VMS_NAMED)
		textbuf_printf(d->tb, " and %zu more", n - MAX_VMS_NAMED);
	if (n)
		line_end(d);
}

static void notes(struct draw *d)
{
	const struct top *t = d->t;

	if (t->seq > 1) {
		vm_note(d, "appeared", &t->vms, &t->vms_prev);
		vm_note(d, "went away", &t->vms_prev, &t->vms);
	}
	if (t->reset) {
		textbuf_puts(
			d->tb,
			"note: counters went down (a reset): counted from zero");
		line_end(d);
	}
}

/* How many rows fit, leaving room for a "+N more rows" line. */
static size_t rows_shown(const struct draw *d)
{
	size_t n = d->t->rows.nr, shown = n, avail;
	unsigned int h = d->scr->height;

	if (d->t->o->max_rows && shown > d->t->o->max_rows)
		shown = d->t->o->max_rows;
	if (!h)
		return shown;
	/* the heading, and the last line left blank so nothing scrolls */
	avail = h > d->lines + 2 ? h - d->lines - 2 : 0;
	if (shown + (shown < n) > avail)
		shown = avail ? avail - 1 : 0;
	return shown;
}

int top_render(struct top *t, const struct top_screen *scr)
{
	struct draw d = { .t = t, .scr = scr, .tb = &t->out };
	size_t shown;

	textbuf_reset(&t->out);
	if (scr->height)
		textbuf_puts(&t->out, ESC_HOME);
	else if (t->seq > 1)
		textbuf_putc(&t->out, '\n');
	d.line_start = t->out.len;
	title(&d);
	totals(&d);
	notes(&d);
	shown = rows_shown(&d);
	table(&d, shown);
	if (shown < t->rows.nr && (!scr->height || d.lines + 1 < scr->height)) {
		textbuf_printf(&t->out, "+%zu more row%s", t->rows.nr - shown,
			       plural(t->rows.nr - shown));
		line_end(&d);
	}
	if (scr->height)
		textbuf_puts(&t->out, ESC_EOS);
	return t->out.err;
}
