// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat plot --latency: for each top reason and "other", a panel with
 * the module's log2 histogram of exit cycles (one bar per bucket, so the
 * x axis is logarithmic), all panels on one x axis, the average marked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "plot.h"

#define TICK_SIZE 11.0
#define TOP_Y 64.0 /* where the panels start */
#define HEADER_H 22.0 /* a panel's header line */
#define PANEL_GAP 10.0

struct lat_chart {
	const struct plot_data *d;
	const struct plot_opts *o;
	const struct plot_set *set;
	struct svg *s;
	unsigned int buckets; /* of the recording */
	unsigned int b0, b1; /* buckets shown */
	bool any; /* any exit with a latency */
	double x0, x1, y1; /* left, right, bottom of the panels */
	double ph; /* a panel's height */
	double bw; /* a bucket's width */
	struct axis_ticks yt[PLOT_TOP_MAX + 1];
};

/* Top of panel @k's bars, and their baseline. */
static double bars_top(const struct lat_chart *c, unsigned int k)
{
	return TOP_Y + k * c->ph + HEADER_H;
}

static double bars_base(const struct lat_chart *c, unsigned int k)
{
	return TOP_Y + (k + 1) * c->ph - PANEL_GAP;
}

static double bucket_x(const struct lat_chart *c, double b)
{
	return c->x0 + (b - c->b0) * c->bw;
}

/* The buckets any series filled, with one more on each side if there. */
static void bucket_range(struct lat_chart *c)
{
	unsigned int b, k, lo = c->buckets, hi = 0;

	for (k = 0; k < c->set->nr; k++) {
		for (b = 0; b < c->buckets; b++) {
			if (!c->set->s[k].fig.hist[b])
				continue;
			lo = b < lo ? b : lo;
			hi = b > hi ? b : hi;
		}
	}
	c->any = lo <= hi;
	if (!c->any) {
		lo = 0;
		hi = c->buckets - 1;
	}
	c->b0 = lo ? lo - 1 : 0;
	c->b1 = hi + 1 < c->buckets ? hi + 1 : hi;
}

/* The label of bucket edge @e: "0", 2^e cycles or time, "∞" at the top. */
static const char *edge_label(const struct lat_chart *c, unsigned int e,
			      char *buf, size_t size)
{
	double us;

	if (!e)
		return "0";
	if (e >= c->buckets)
		return "\xe2\x88\x9e";
	if (!c->o->us)
		return pow2_label(e, buf);
	us = (double)((uint64_t)1 << e) * 1000.0 / (double)c->d->w.tsc_khz;
	return time_label(us, buf, size);
}

/* Ticks at least 28 pixels apart; two where they fit, one else. */
static unsigned int ticks_for(double bar_h)
{
	if (bar_h >= 84)
		return (unsigned int)(bar_h / 28);
	return bar_h >= 40 ? 2 : 1;
}

static void layout(struct lat_chart *c)
{
	double lw = 0, w, bar_h;
	unsigned int k, i;
	char buf[32];

	c->buckets = (unsigned int)c->d->w.hist_buckets;
	if (c->buckets > STATS_HIST_MAX)
		c->buckets = STATS_HIST_MAX;
	if (!c->buckets)
		c->buckets = 1;
	bucket_range(c);
	c->y1 = c->o->height - 56.0;
	c->ph = (c->y1 - TOP_Y) / (c->set->nr ? c->set->nr : 1);
	bar_h = c->ph - HEADER_H - PANEL_GAP;
	for (k = 0; k < c->set->nr; k++) {
		uint64_t top = 0;

		for (i = c->b0; i <= c->b1; i++)
			if (c->set->s[k].fig.hist[i] > top)
				top = c->set->s[k].fig.hist[i];
		axis_nice((double)top, ticks_for(bar_h), 1, true, &c->yt[k]);
		for (i = 0; i < c->yt[k].nr; i++) {
			w = svg_text_width(axis_label(&c->yt[k], c->yt[k].v[i],
						      buf),
					   TICK_SIZE);
			lw = w > lw ? w : lw;
		}
	}
	c->x0 = 16 + 18 + lw + 10;
	c->x1 = c->o->width - 32.0;
	c->bw = (c->x1 - c->x0) / (c->b1 - c->b0 + 1);
}

/* Labels every @k-th edge so that they do not touch; gridlines there. */
static void x_axis(struct lat_chart *c)
{
	unsigned int e, k = 1;
	double maxw = 0, w, x;
	char buf[32];

	for (e = c->b0; e <= c->b1 + 1; e++) {
		w = svg_text_width(edge_label(c, e, buf, sizeof(buf)),
				   TICK_SIZE);
		maxw = w > maxw ? w : maxw;
	}
	while (k * c->bw < maxw + 10)
		k++;
	for (e = c->b0; e <= c->b1 + 1; e++) {
		x = bucket_x(c, e);
		svg_printf(
			c->s,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"%s\"/>\n",
			x, e % k ? c->y1 : TOP_Y, x, c->y1 + (e % k ? 3 : 5),
			e % k ? "#333333" : "#e4e4e4");
		if (e % k)
			continue;
		svg_printf(
			c->s,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#333333\"/>\n",
			x, c->y1, x, c->y1 + 5);
		svg_text(c->s, x, c->y1 + 18, "middle",
			 "class=\"tick-x\" font-size=\"11\"",
			 edge_label(c, e, buf, sizeof(buf)));
	}
}

static void axis_titles(struct lat_chart *c)
{
	char buf[160], fitted[160];

	if (c->o->us)
		snprintf(
			buf, sizeof(buf),
			"exit latency: kvm_exit to the next kvm_entry, log2 buckets of TSC cycles at %.3f MHz",
			(double)c->d->w.tsc_khz / 1000);
	else
		snprintf(
			buf, sizeof(buf),
			"exit latency: TSC cycles from kvm_exit to the next kvm_entry, log2 buckets (K = 1024)");
	svg_text(c->s, (c->x0 + c->x1) / 2, c->y1 + 40, "middle",
		 "class=\"axis-title\"",
		 plot_fit(buf, c->o->width - 32.0, 12, fitted, sizeof(fitted)));
	plot_ytitle(c->s, 22, TOP_Y, c->y1, "exits per bucket");
}

/* "avg 48.7µs" or "avg 102246 cycles" style figures into @buf. */
static const char *cycles_text(const struct lat_chart *c, uint64_t cycles,
			       char *buf, size_t size)
{
	if (!c->o->us) {
		snprintf(buf, size, "%" PRIu64, cycles);
		return buf;
	}
	return time_label((double)cycles * 1000.0 / (double)c->d->w.tsc_khz,
			  buf, size);
}

static void header(struct lat_chart *c, unsigned int k, const struct latency *l,
		   bool timed)
{
	const struct plot_series *ps = &c->set->s[k];
	char p[5][64], detail[320], v[32];
	const char *parts[5] = { p[0], p[1], p[2], p[3], p[4] };
	const char *unit = c->o->us ? "" : " cycles";
	unsigned int n = 0;
	double room;

	if (*ps->hex)
		snprintf(p[n++], sizeof(p[0]), "%s", ps->hex);
	snprintf(p[n++], sizeof(p[0]), "%" PRIu64 " exit%s", ps->fig.exits,
		 ps->fig.exits == 1 ? "" : "s");
	if (timed) {
		snprintf(p[n++], sizeof(p[0]), "avg %s%s",
			 cycles_text(c, l->avg, v, sizeof(v)), unit);
		snprintf(p[n++], sizeof(p[0]), "p50 \xe2\x89\xa4 %s",
			 cycles_text(c, l->p50.hi, v, sizeof(v)));
		snprintf(p[n++], sizeof(p[0]), "p99 \xe2\x89\xa4 %s",
			 cycles_text(c, l->p99.hi, v, sizeof(v)));
	} else {
		snprintf(p[n++], sizeof(p[0]), "none ended: no latency");
	}
	room = c->x1 - c->x0 - svg_text_width(ps->label, 12) * 1.1 - 6;
	plot_join(parts, n, room, 12, detail, sizeof(detail));
	svg_printf(c->s,
		   "<text class=\"panel-title\" x=\"%.1f\" y=\"%.1f\">"
		   "<tspan font-weight=\"bold\">",
		   c->x0, bars_top(c, k) - 7);
	svg_escape(c->s, ps->label);
	svg_printf(c->s, "</tspan> <tspan fill=\"#555555\">");
	svg_escape(c->s, detail);
	svg_printf(c->s, "</tspan></text>\n");
}

static void y_ticks(struct lat_chart *c, unsigned int k)
{
	const struct axis_ticks *t = &c->yt[k];
	double top = bars_top(c, k), base = bars_base(c, k), y;
	char buf[32];
	unsigned int i;

	for (i = 0; i < t->nr; i++) {
		y = base - t->v[i] / t->top * (base - top);
		svg_printf(
			c->s,
			"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"%s\"/>\n",
			c->x0 - 4, y, c->x1, y, i ? "#e4e4e4" : "#333333");
		if (i || base - top >= 28) /* 0 only where there is room */
			svg_text(c->s, c->x0 - 7, y + 4, "end",
				 "class=\"tick-y\" font-size=\"11\"",
				 axis_label(t, t->v[i], buf));
	}
}

static void bars(struct lat_chart *c, unsigned int k)
{
	const struct plot_series *ps = &c->set->s[k];
	double top = bars_top(c, k), base = bars_base(c, k), h;
	double gap = c->bw > 6 ? 1 : 0;
	unsigned int b;

	for (b = c->b0; b <= c->b1; b++) {
		if (!ps->fig.hist[b])
			continue;
		h = (double)ps->fig.hist[b] / c->yt[k].top * (base - top);
		if (h < 2)
			h = 2; /* not zero: to be seen */
		svg_printf(
			c->s,
			"<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"%s\"/>\n",
			bucket_x(c, b) + gap, base - h, c->bw - 2 * gap, h,
			ps->colour);
	}
}

static void avg_mark(struct lat_chart *c, unsigned int k, uint64_t avg)
{
	double x = bucket_x(c, log2_u64(avg ? avg : 1));

	if (x < c->x0 || x > c->x1)
		return;
	svg_printf(
		c->s,
		"<line class=\"avg\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		"y2=\"%.1f\" stroke=\"#000000\" stroke-dasharray=\"4,3\"/>\n",
		x, bars_top(c, k), x, bars_base(c, k));
	if (bars_base(c, k) - bars_top(c, k) >= 28)
		svg_text(c->s, x + 3, bars_top(c, k) + 9, "start",
			 "class=\"avg-label\" font-size=\"10\"", "avg");
}

static void panel(struct lat_chart *c, unsigned int k)
{
	struct latency l;
	bool timed = fig_latency(&c->set->s[k].fig, c->buckets, &l);

	svg_printf(c->s, "<g class=\"panel\" id=\"panel-%u\">\n", k);
	header(c, k, &l, timed);
	y_ticks(c, k);
	bars(c, k);
	if (timed)
		avg_mark(c, k, l.avg);
	svg_printf(c->s, "</g>\n");
}

static void heading(struct lat_chart *c)
{
	const struct plot_data *d = c->d;
	char what[128], title[256], p[4][128];
	const char *parts[4] = { p[0], p[1], p[2], p[3] };
	unsigned int n = 0;

	snprintf(title, sizeof(title), "VM exit latency by reason: %s",
		 plot_what(d, what, sizeof(what)));
	snprintf(p[n++], sizeof(p[0]), "%s, kernel %s", d->w.table->name,
		 d->w.kernel);
	snprintf(p[n++], sizeof(p[0]), "TSC %.3f MHz",
		 (double)d->w.tsc_khz / 1000);
	if (d->w.timed)
		snprintf(p[n++], sizeof(p[0]),
			 "%" PRIu64 " exits in %zu samples over %.3f s",
			 c->set->exits, d->w.nr_samples,
			 (double)(d->w.last_ns - d->w.first_ns) / 1e9);
	else
		snprintf(p[n++], sizeof(p[0]),
			 "%" PRIu64 " exits since load or reset (a snapshot)",
			 c->set->exits);
	snprintf(p[n++], sizeof(p[0]),
		 "bars: exits per log2 bucket, p50/p99: bucket upper edge");
	plot_heading(c->s, c->o, title, parts, n);
}

int plot_latency(const struct plot_data *d, const struct plot_opts *o,
		 struct svg *s)
{
	struct lat_chart c = { .d = d, .o = o, .s = s };
	struct plot_set set;
	unsigned int k;
	int ret = plot_top(d, o->top, &set);

	if (ret)
		return ret;
	c.set = &set;
	layout(&c);
	heading(&c);
	if (c.any)
		x_axis(&c);
	for (k = 0; k < set.nr; k++)
		panel(&c, k);
	axis_titles(&c);
	if (!c.any)
		svg_text(s, (c.x0 + c.x1) / 2, (TOP_Y + c.y1) / 2, "middle",
			 "class=\"empty\" fill=\"#555555\"",
			 set.nr ? "no exit ended: no latency to show" :
				  "no exits in this recording");
	svg_end(s);
	ret = s->err;
	plot_set_free(&set);
	return ret;
}
