// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "load.h"
#include "plot.h"

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

static uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* Gives every code's iv room for one more interval. */
static int tl_grow(struct plot_data *d)
{
	size_t ncap = d->cap_iv ? d->cap_iv * 2 : 64, i;
	uint64_t *n;

	if (d->nr_iv < d->cap_iv)
		return 0;
	for (i = 0; i < d->nr_codes; i++) {
		n = realloc(d->codes[i].iv, ncap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		memset(n + d->cap_iv, 0, (ncap - d->cap_iv) * sizeof(*n));
		d->codes[i].iv = n;
	}
	d->cap_iv = ncap;
	return 0;
}

/* The code's entry, inserted (no exits so far) if new. */
static struct tl_code *tl_get(struct plot_data *d, uint64_t code)
{
	size_t lo = 0, hi = d->nr_codes, mid;
	struct tl_code *c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->codes[mid].code == code)
			return &d->codes[mid];
		if (d->codes[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (d->nr_codes == d->cap_codes) {
		size_t ncap = d->cap_codes ? d->cap_codes * 2 : 16;

		c = realloc(d->codes, ncap * sizeof(*c));
		if (!c)
			return NULL;
		d->codes = c;
		d->cap_codes = ncap;
	}
	c = &d->codes[lo];
	memmove(c + 1, c, (d->nr_codes - lo) * sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->code = code;
	c->iv = calloc(d->cap_iv ? d->cap_iv : 1, sizeof(*c->iv));
	if (!c->iv) {
		memmove(c, c + 1, (d->nr_codes - lo) * sizeof(*c));
		return NULL;
	}
	d->nr_codes++;
	return c;
}

/* A series' window exits so far, as window.c counts them. */
static uint64_t series_exits(const struct win_series *s)
{
	return sat_add(s->acc.exits, sat_sub(s->last.exits, s->base.exits));
}

/* After a sample: each code's exits since the previous one. */
static int tl_note(struct plot_data *d)
{
	const struct win_map *m = d->vm == WIN_ALL ? &d->w.host : &d->w.live;
	struct tl_code *c;
	size_t i;

	for (i = 0; i < d->nr_codes; i++)
		d->codes[i].now = 0;
	for (i = 0; i < m->nr; i++) {
		if (d->vm != WIN_ALL && m->v[i].vm != d->vm)
			continue;
		c = tl_get(d, m->v[i].code);
		if (!c)
			return -ENOMEM;
		c->now = sat_add(c->now, series_exits(&m->v[i]));
	}
	if (d->w.nr_samples > 1) {
		if (tl_grow(d))
			return -ENOMEM;
		for (i = 0; i < d->nr_codes; i++)
			d->codes[i].iv[d->nr_iv] =
				sat_sub(d->codes[i].now, d->codes[i].prev);
		d->nr_iv++;
	}
	for (i = 0; i < d->nr_codes; i++)
		d->codes[i].prev = d->codes[i].now;
	return 0;
}

static int add_sample(void *ctx, struct rec_sample *s, struct parse_err *e)
{
	struct plot_data *d = ctx;
	int ret = win_add(&d->w, s, e);

	if (ret)
		return ret;
	ret = tl_note(d);
	if (ret)
		parse_err_set(e, s->line, "out of memory");
	return ret;
}

/*
 * A VM's own bursts, by window.c's rule, over the intervals it was seen
 * in: a window holding only those intervals and no series, finished.
 */
static void vm_bursts(struct plot_data *d)
{
	struct window tmp;

	win_init(&tmp);
	tmp.iv = d->iv + d->first_iv;
	tmp.nr_iv = d->end_iv - d->first_iv;
	win_finish(&tmp);
	d->median_rate = tmp.median_rate;
	d->nr_bursts = tmp.nr_bursts;
}

static const struct win_vm *find_vm(const struct window *w, uint64_t id)
{
	size_t i;

	for (i = 0; i < w->nr_vms; i++)
		if (w->vms[i].id == id)
			return &w->vms[i];
	return NULL;
}

/* The VM's intervals: its exits in them, and its bursts. */
static void vm_intervals(struct plot_data *d)
{
	struct win_interval *iv;
	size_t i, k;
	double secs;

	d->first_iv = d->wvm->first ? d->wvm->first - 1 : 0;
	d->end_iv = d->wvm->last;
	for (i = 0; i < d->nr_iv; i++) {
		iv = &d->iv[i];
		iv->exits = 0;
		for (k = 0; k < d->nr_codes; k++)
			iv->exits = sat_add(iv->exits, d->codes[k].iv[i]);
		secs = (double)(iv->to_ns - iv->from_ns) / 1e9;
		iv->rate = secs > 0 ? (double)iv->exits / secs : 0;
		iv->burst = false;
	}
	vm_bursts(d);
}

static int pick_intervals(struct plot_data *d, char *msg, size_t size)
{
	d->iv = malloc((d->nr_iv ? d->nr_iv : 1) * sizeof(*d->iv));
	if (!d->iv) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	if (d->nr_iv)
		memcpy(d->iv, d->w.iv, d->nr_iv * sizeof(*d->iv));
	d->end_iv = d->nr_iv;
	d->median_rate = d->w.median_rate;
	d->nr_bursts = d->w.nr_bursts;
	if (d->vm == WIN_ALL)
		return 0;
	d->wvm = find_vm(&d->w, d->vm);
	if (!d->wvm) {
		snprintf(msg, size,
			 "%s: no VM %" PRIu64
			 " in it (see the VMs of 'exitstat report')",
			 d->path, d->vm);
		return -ENOENT;
	}
	vm_intervals(d);
	return 0;
}

/* After the scan: messages as `exitstat report` words them. */
static int check_scan(struct plot_data *d, int ret, const struct parse_err *e,
		      char *msg, size_t size)
{
	if (ret) {
		snprintf(msg, size, "%s: %s", d->path, e->msg);
		return ret;
	}
	if (!d->info.nr_samples) {
		if (d->info.torn_line)
			snprintf(
				msg, size,
				"%s: no complete sample (a torn one at line %u is ignored)",
				d->path, d->info.torn_line);
		else
			snprintf(msg, size, "%s: no sample", d->path);
		return -ENODATA;
	}
	win_finish(&d->w);
	return pick_intervals(d, msg, size);
}

int plot_load(struct plot_data *d, const char *path, uint64_t vm, char *msg,
	      size_t size)
{
	struct parse_err e = { 0 };
	struct file_buf fb;
	int ret;

	memset(d, 0, sizeof(*d));
	win_init(&d->w);
	d->vm = vm;
	d->path = strdup(path);
	if (!d->path) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	ret = file_buf_load(path, &fb);
	if (ret) {
		snprintf(msg, size, "%s: %s", path, strerror(-ret));
		plot_free(d);
		return ret;
	}
	ret = rec_scan(fb.data, fb.len, add_sample, d, &d->info, &e);
	file_buf_free(&fb);
	ret = check_scan(d, ret, &e, msg, size);
	if (ret)
		plot_free(d);
	return ret;
}

void plot_free(struct plot_data *d)
{
	size_t i;

	for (i = 0; i < d->nr_codes; i++)
		free(d->codes[i].iv);
	free(d->codes);
	free(d->iv);
	free(d->path);
	win_free(&d->w);
	memset(d, 0, sizeof(*d));
}

static void series_init(struct plot_series *s, const struct plot_data *d,
			uint64_t code, unsigned int idx)
{
	const char *name = stats_code_name(d->w.table, code);
	char hex[16];

	s->code = code;
	stats_code_hex(code, hex);
	snprintf(s->label, sizeof(s->label), "%s", name ? name : hex);
	snprintf(s->hex, sizeof(s->hex), "%s", hex);
	s->colour = svg_palette[idx];
}

static void other_init(struct plot_set *set)
{
	struct plot_series *s = &set->s[set->nr++];

	s->code = PLOT_OTHER;
	snprintf(s->label, sizeof(s->label), "other (%zu reason%s)",
		 set->nr_other, set->nr_other == 1 ? "" : "s");
	s->colour = SVG_OTHER_COLOUR;
}

/* Each series' exits per interval, from the codes' own. */
static int set_intervals(const struct plot_data *d, struct plot_set *set)
{
	struct plot_series *to;
	size_t i, k;

	for (i = 0; i < set->nr; i++) {
		set->s[i].iv =
			calloc(d->nr_iv ? d->nr_iv : 1, sizeof(uint64_t));
		if (!set->s[i].iv)
			return -ENOMEM;
	}
	for (k = 0; k < d->nr_codes; k++) {
		to = NULL;
		for (i = 0; i < set->nr && !to; i++)
			if (set->s[i].code == d->codes[k].code)
				to = &set->s[i];
		if (!to && set->nr_other)
			to = &set->s[set->nr - 1];
		for (i = 0; to && i < d->nr_iv; i++)
			to->iv[i] = sat_add(to->iv[i], d->codes[k].iv[i]);
	}
	return 0;
}

int plot_top(const struct plot_data *d, unsigned int top, struct plot_set *set)
{
	struct stats_fig other = { 0 };
	struct win_map m;
	size_t i;
	int ret;

	memset(set, 0, sizeof(*set));
	if (top > PLOT_TOP_MAX)
		top = PLOT_TOP_MAX;
	ret = win_sum(&d->w, d->vm, WIN_ALL, &m);
	if (ret)
		return ret;
	sort_by_exits(&m);
	for (i = 0; i < m.nr && m.v[i].acc.exits; i++) {
		set->exits = sat_add(set->exits, m.v[i].acc.exits);
		if (set->nr < top) {
			series_init(&set->s[set->nr], d, m.v[i].code, set->nr);
			set->s[set->nr++].fig = m.v[i].acc;
		} else {
			fig_add(&other, &m.v[i].acc);
			set->nr_other++;
		}
	}
	win_map_free(&m);
	if (set->nr_other) {
		other_init(set);
		set->s[set->nr - 1].fig = other;
	}
	ret = set_intervals(d, set);
	if (ret)
		plot_set_free(set);
	return ret;
}

void plot_set_free(struct plot_set *set)
{
	unsigned int i;

	for (i = 0; i < set->nr; i++)
		free(set->s[i].iv);
	memset(set, 0, sizeof(*set));
}

static void bin_fill(const struct plot_data *d, const struct plot_set *set,
		     size_t lo, size_t hi, struct plot_bin *b)
{
	uint64_t sum[PLOT_TOP_MAX + 1] = { 0 };
	double secs;
	size_t i;
	unsigned int k;

	memset(b, 0, sizeof(*b));
	b->from_ns = d->iv[lo].from_ns;
	b->to_ns = d->iv[hi - 1].to_ns;
	for (i = lo; i < hi; i++) {
		b->burst |= d->iv[i].burst;
		b->reset |= d->iv[i].reset;
		for (k = 0; k < set->nr; k++)
			sum[k] = sat_add(sum[k], set->s[k].iv[i]);
	}
	secs = (double)(b->to_ns - b->from_ns) / 1e9;
	for (k = 0; k < set->nr; k++) {
		b->rate[k] = secs > 0 ? (double)sum[k] / secs : 0;
		b->total += b->rate[k];
	}
}

int plot_bins(const struct plot_data *d, const struct plot_set *set,
	      size_t max_bins, struct plot_bin **bins, size_t *nr)
{
	size_t n = d->nr_iv, nb = n < max_bins ? n : max_bins, j;

	if (!nb && n)
		nb = 1;
	*nr = 0;
	*bins = calloc(nb ? nb : 1, sizeof(**bins));
	if (!*bins)
		return -ENOMEM;
	for (j = 0; j < nb; j++)
		bin_fill(d, set, j * n / nb, (j + 1) * n / nb, &(*bins)[j]);
	*nr = nb;
	return 0;
}

const char *plot_what(const struct plot_data *d, char *buf, size_t size)
{
	const char *base = strrchr(d->path, '/');

	base = base && base[1] ? base + 1 : d->path;
	if (d->wvm)
		snprintf(buf, size, "%s, VM %" PRIu64 " (pid %" PRId64 ")",
			 base, d->wvm->id, d->wvm->pid);
	else
		snprintf(buf, size, "%s", base);
	return buf;
}

#define TITLE_SIZE 16.0
#define SUB_SIZE 12.0

/* @text, cut with an ellipsis to fit @width pixels at @size, into @buf. */
const char *plot_fit(const char *text, double width, double size, char *buf,
		     size_t bufsize)
{
	size_t n;

	snprintf(buf, bufsize, "%s", text);
	n = strlen(buf);
	while (n > 1 && svg_text_width(buf, size) > width) {
		do
			n--;
		while (n > 1 &&
		       (buf[n] & 0xc0) == 0x80); /* a whole character */
		if (n + 4 <= bufsize)
			memcpy(buf + n, "\xe2\x80\xa6", 4); /* an ellipsis */
	}
	return buf;
}

void plot_join(const char *const parts[], unsigned int nr, double room,
	       double size, char *buf, size_t bufsize)
{
	unsigned int i;
	size_t n;

	buf[0] = '\0';
	for (i = 0; i < nr; i++) {
		n = strlen(buf);
		snprintf(buf + n, bufsize - n, "%s%s", n ? " \xc2\xb7 " : "",
			 parts[i]);
		if (svg_text_width(buf, size) > room) {
			buf[n] = '\0'; /* what fits, whole parts only */
			break;
		}
	}
}

void plot_heading(struct svg *s, const struct plot_opts *o, const char *def,
		  const char *const parts[], unsigned int nr)
{
	double room = o->width - 32.0;
	const char *title = o->title ? o->title : def;
	char buf[1024];

	svg_begin(s, o->width, o->height, title);
	svg_text(s, 16, 26, "start",
		 "class=\"title\" font-size=\"16\" font-weight=\"bold\"",
		 plot_fit(title, room, TITLE_SIZE, buf, sizeof(buf)));
	plot_join(parts, nr, room, SUB_SIZE, buf, sizeof(buf));
	svg_text(s, 16, 46, "start", "class=\"subtitle\" fill=\"#444444\"",
		 buf);
}

void plot_ytitle(struct svg *s, double x, double y0, double y1,
		 const char *text)
{
	double y = (y0 + y1) / 2;
	char attrs[128], buf[256];

	snprintf(attrs, sizeof(attrs),
		 "class=\"axis-title\" transform=\"rotate(-90 %.1f %.1f)\"", x,
		 y);
	svg_text(s, x, y, "middle", attrs,
		 plot_fit(text, y1 - y0, 12, buf, sizeof(buf)));
}
