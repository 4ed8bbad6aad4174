// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat plot: the exit rate over time as a stacked step area, one layer
 * per top reason and "other", bursts (as `exitstat report` finds them)
 * hatched and marked above the plot, resets as dashed lines.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "plot.h"

#define TICK_SIZE 11.0
#define LEGEND_SIZE 12.0
#define LEGEND_ROW 20.0

struct rate_chart {
	const struct plot_data *d;
	const struct plot_opts *o;
	const struct plot_set *set;
	struct svg *s;
	struct plot_bin *bins;
	size_t nr_bins;
	double legend_w;
	double x0, x1, y0, y1; /* the plot area */
	double secs; /* the x axis: 0 to secs */
	struct axis_ticks yt, xt;
};

static double xpos(const struct rate_chart *c, uint64_t ns)
{
	double f = c->secs > 0 ? (double)ns / 1e9 / c->secs : 0;

	return c->x0 + f * (c->x1 - c->x0);
}

static double ypos(const struct rate_chart *c, double v)
{
	return c->y1 - v / c->yt.top * (c->y1 - c->y0);
}

/* Time of sample @k (from 0) since the first. */
static uint64_t sample_ns(const struct plot_data *d, size_t k)
{
	return k && k <= d->nr_iv ? d->iv[k - 1].to_ns : 0;
}

/* "0x7b · 76.7%": what the legend says after a series' name. */
static void legend_detail(const struct rate_chart *c, unsigned int k, char *buf,
			  size_t size)
{
	const struct plot_series *ps = &c->set->s[k];
	double share = c->set->exits ?
			       100.0 * (double)ps->fig.exits / c->set->exits :
			       0;

	snprintf(buf, size, "%s%s%.1f%%", ps->hex, *ps->hex ? " \xc2\xb7 " : "",
		 share);
}

static const char burst_text[] = "burst: rate > 3 \xc3\x97 median";
static const char reset_text[] = "reset: counted from zero";
static const char absent_text[] = "VM not running";

static bool any_reset(const struct rate_chart *c)
{
	size_t i;

	for (i = 0; i < c->nr_bins; i++)
		if (c->bins[i].reset)
			return true;
	return false;
}

static double legend_width(const struct rate_chart *c)
{
	char buf[160], detail[64];
	double w = svg_text_width("exits by reason", LEGEND_SIZE), t;
	unsigned int k;

	for (k = 0; k < c->set->nr; k++) {
		legend_detail(c, k, detail, sizeof(detail));
		snprintf(buf, sizeof(buf), "%s %s", c->set->s[k].label, detail);
		t = svg_text_width(buf, LEGEND_SIZE);
		w = t > w ? t : w;
	}
	t = svg_text_width(burst_text, LEGEND_SIZE);
	w = t > w ? t : w;
	t = svg_text_width(reset_text, LEGEND_SIZE);
	w = t > w ? t : w;
	return w + 20 + 18 + 8; /* gap, swatch, margin */
}

static void y_axis(struct rate_chart *c)
{
	double top = 0, w, lw = 0;
	char buf[32];
	size_t i;

	for (i = 0; i < c->nr_bins; i++)
		top = c->bins[i].total > top ? c->bins[i].total : top;
	if (top > 0)
		axis_nice(top, (unsigned int)((c->y1 - c->y0) / 55), 0, true,
			  &c->yt);
	else /* no exits: an axis from 0 to 1 */
		axis_nice(1, 1, 1, true, &c->yt);
	for (i = 0; i < c->yt.nr; i++) {
		w = svg_text_width(axis_label(&c->yt, c->yt.v[i], buf),
				   TICK_SIZE);
		lw = w > lw ? w : lw;
	}
	c->x0 = 16 + 18 + lw + 8;
}

static int layout(struct rate_chart *c)
{
	const struct plot_data *d = c->d;
	double room;
	int ret;

	c->legend_w = legend_width(c);
	c->x1 = c->o->width - 16 - c->legend_w;
	c->y0 = 76;
	c->y1 = c->o->height - 52;
	c->secs = d->nr_iv ? (double)d->iv[d->nr_iv - 1].to_ns / 1e9 : 0;
	room = c->x1 - 100;
	ret = plot_bins(d, c->set, room > 2 ? (size_t)(room / 2) : 1, &c->bins,
			&c->nr_bins);
	if (ret)
		return ret;
	y_axis(c);
	axis_nice(c->secs, (unsigned int)((c->x1 - c->x0) / 90), 0, false,
		  &c->xt);
	return 0;
}

static void defs(struct rate_chart *c)
{
	svg_printf(
		c->s,
		"<defs>\n<pattern id=\"burst-hatch\" patternUnits=\"userSpaceOnUse\" "
		"width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
		"<rect x=\"0\" y=\"0\" width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
		"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#bbbbbb\" "
		"stroke-width=\"3\"/></pattern>\n</defs>\n");
}

static void band(struct rate_chart *c, const char *cls, const char *fill,
		 double xa, double xb, double ya, double yb)
{
	svg_printf(c->s,
		   "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		   "height=\"%.1f\" fill=\"%s\"/>\n",
		   cls, xa, ya, xb - xa, yb - ya, fill);
}

/* With one VM: grey where it was not running. */
static void absent(struct rate_chart *c)
{
	const struct plot_data *d = c->d;

	if (!d->wvm)
		return;
	if (d->wvm->first)
		band(c, "absent", "#eeeeee", c->x0,
		     xpos(c, sample_ns(d, d->wvm->first - 1)), c->y0, c->y1);
	if (d->wvm->last + 1 < d->w.nr_samples)
		band(c, "absent", "#eeeeee",
		     xpos(c, sample_ns(d, d->wvm->last)), c->x1, c->y0, c->y1);
}

/* Each run of burst bins: hatched behind the areas, a mark above. */
static void bursts(struct rate_chart *c)
{
	size_t i = 0, j;
	double xa, xb;

	while (i < c->nr_bins) {
		if (!c->bins[i].burst) {
			i++;
			continue;
		}
		for (j = i; j + 1 < c->nr_bins && c->bins[j + 1].burst; j++)
			;
		xa = xpos(c, c->bins[i].from_ns);
		xb = xpos(c, c->bins[j].to_ns);
		band(c, "burst", "url(#burst-hatch)", xa, xb, c->y0, c->y1);
		band(c, "burst-mark", "#333333", xa, xb, c->y0 - 9, c->y0 - 4);
		i = j + 1;
	}
}

static void grid(struct rate_chart *c)
{
	unsigned int i;

	for (i = 1; i < c->yt.nr; i++)
		svg_printf(
			c->s,
			"<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"#dddddd\" stroke-width=\"1\"/>\n",
			c->x0, ypos(c, c->yt.v[i]), c->x1, ypos(c, c->yt.v[i]));
}

/* Layer @k: from 0 up to the sum of series 0..k, as steps. */
static void area(struct rate_chart *c, unsigned int k)
{
	double v;
	size_t i;
	unsigned int j;

	svg_printf(
		c->s,
		"<path class=\"area\" id=\"series-%u\" fill=\"%s\" d=\"M%.1f,%.1f",
		k, c->set->s[k].colour, xpos(c, c->bins[0].from_ns), c->y1);
	for (i = 0; i < c->nr_bins; i++) {
		for (v = 0, j = 0; j <= k; j++)
			v += c->bins[i].rate[j];
		svg_printf(c->s, " V%.1f H%.1f", ypos(c, v),
			   xpos(c, c->bins[i].to_ns));
	}
	svg_printf(c->s, " V%.1f Z\"/>\n", c->y1);
}

static void areas(struct rate_chart *c)
{
	unsigned int k = c->set->nr;

	if (!c->nr_bins)
		return;
	while (k--) /* the top layer first, each lower one over it */
		area(c, k);
}

static void resets(struct rate_chart *c)
{
	double x, last = -1e9;
	size_t i;

	for (i = 0; i < c->nr_bins; i++) {
		if (!c->bins[i].reset)
			continue;
		x = (xpos(c, c->bins[i].from_ns) + xpos(c, c->bins[i].to_ns)) /
		    2;
		svg_printf(
			c->s,
			"<line class=\"reset\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"#000000\" stroke-width=\"1.5\" "
			"stroke-dasharray=\"5,3\"/>\n",
			x, c->y0, x, c->y1);
		if (x - last > 44) {
			svg_text(c->s, x + 4, c->y0 + 12, "start",
				 "class=\"reset-label\" font-size=\"11\"",
				 "reset");
			last = x;
		}
	}
}

static void x_ticks(struct rate_chart *c)
{
	char buf[32];
	double x;
	unsigned int i;

	for (i = 0; i < c->xt.nr; i++) {
		x = c->x0 +
		    c->xt.v[i] / (c->secs > 0 ? c->secs : 1) * (c->x1 - c->x0);
		svg_printf(
			c->s,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#333333\"/>\n",
			x, c->y1, x, c->y1 + 5);
		svg_text(c->s, x, c->y1 + 18, "middle",
			 "class=\"tick-x\" font-size=\"11\"",
			 axis_label(&c->xt, c->xt.v[i], buf));
	}
	svg_text(c->s, (c->x0 + c->x1) / 2, c->y1 + 40, "middle",
		 "class=\"axis-title\"", "seconds since the first sample");
}

static void axes(struct rate_chart *c)
{
	char buf[32];
	double y;
	unsigned int i;

	svg_printf(
		c->s,
		"<path class=\"axes\" d=\"M%.1f,%.1f V%.1f H%.1f\" fill=\"none\" "
		"stroke=\"#333333\" stroke-width=\"1\"/>\n",
		c->x0, c->y0, c->y1, c->x1);
	for (i = 0; i < c->yt.nr; i++) {
		y = ypos(c, c->yt.v[i]);
		svg_printf(
			c->s,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#333333\"/>\n",
			c->x0 - 5, y, c->x0, y);
		svg_text(c->s, c->x0 - 8, y + 4, "end",
			 "class=\"tick-y\" font-size=\"11\"",
			 axis_label(&c->yt, c->yt.v[i], buf));
	}
	plot_ytitle(c->s, 22, c->y0, c->y1, "exits per second");
	x_ticks(c);
}

static void legend_row(struct rate_chart *c, double y, const char *swatch,
		       const char *name, const char *detail)
{
	const char *cls = detail ? "legend-label" : "legend-note";
	double x = c->x1 + 20;

	svg_printf(c->s,
		   "<rect class=\"swatch\" x=\"%.1f\" y=\"%.1f\" width=\"12\" "
		   "height=\"12\" %s/>\n",
		   x, y - 10, swatch);
	svg_printf(c->s, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\">", cls,
		   x + 18, y);
	svg_escape(c->s, name);
	if (detail) {
		svg_printf(c->s, " <tspan fill=\"#555555\">");
		svg_escape(c->s, detail);
		svg_printf(c->s, "</tspan>");
	}
	svg_printf(c->s, "</text>\n");
}

static void legend(struct rate_chart *c)
{
	char swatch[64], detail[64];
	double y = c->y0 + 4;
	unsigned int k;

	svg_printf(c->s, "<g class=\"legend\">\n");
	svg_text(c->s, c->x1 + 20, y, "start",
		 "class=\"legend-title\" font-weight=\"bold\"",
		 "exits by reason");
	for (k = 0; k < c->set->nr; k++) {
		y += LEGEND_ROW;
		legend_detail(c, k, detail, sizeof(detail));
		snprintf(swatch, sizeof(swatch), "fill=\"%s\"",
			 c->set->s[k].colour);
		legend_row(c, y, swatch, c->set->s[k].label, detail);
	}
	y += LEGEND_ROW / 2;
	if (c->d->nr_bursts) {
		y += LEGEND_ROW;
		legend_row(c, y,
			   "fill=\"url(#burst-hatch)\" stroke=\"#333333\"",
			   burst_text, NULL);
	}
	if (any_reset(c)) {
		y += LEGEND_ROW;
		legend_row(
			c, y,
			"fill=\"#ffffff\" stroke=\"#000000\" stroke-dasharray=\"3,2\"",
			reset_text, NULL);
	}
	if (c->d->wvm &&
	    (c->d->wvm->first || c->d->wvm->last + 1 < c->d->w.nr_samples)) {
		y += LEGEND_ROW;
		legend_row(c, y, "fill=\"#eeeeee\" stroke=\"#bbbbbb\"",
			   absent_text, NULL);
	}
	svg_printf(c->s, "</g>\n");
}

static void heading(struct rate_chart *c)
{
	const struct plot_data *d = c->d;
	char what[128], title[256], p[5][128];
	const char *parts[5] = { p[0], p[1], p[2], p[3], p[4] };
	unsigned int n = 0;

	snprintf(title, sizeof(title), "VM exits per second by reason: %s",
		 plot_what(d, what, sizeof(what)));
	snprintf(p[n++], sizeof(p[0]), "%s, kernel %s", d->w.table->name,
		 d->w.kernel);
	snprintf(p[n++], sizeof(p[0]), "%zu samples over %.3f s",
		 d->w.nr_samples, c->secs);
	snprintf(p[n++], sizeof(p[0]), "%" PRIu64 " exits (%.1f/s)",
		 c->set->exits,
		 c->secs > 0 ? (double)c->set->exits / c->secs : 0);
	if (d->nr_bursts)
		snprintf(p[n++], sizeof(p[0]),
			 "%zu of %zu intervals are bursts (median %.1f/s)",
			 d->nr_bursts, d->end_iv - d->first_iv, d->median_rate);
	else
		snprintf(p[n++], sizeof(p[0]), "no burst (median %.1f/s)",
			 d->median_rate);
	if (c->nr_bins < d->nr_iv)
		snprintf(p[n++], sizeof(p[0]),
			 "%zu intervals drawn as %zu steps", d->nr_iv,
			 c->nr_bins);
	plot_heading(c->s, c->o, title, parts, n);
}

int plot_rate(const struct plot_data *d, const struct plot_opts *o,
	      struct svg *s)
{
	struct rate_chart c = { .d = d, .o = o, .s = s };
	struct plot_set set;
	int ret = plot_top(d, o->top, &set);

	if (ret)
		return ret;
	c.set = &set;
	ret = layout(&c);
	if (!ret) {
		heading(&c);
		defs(&c);
		absent(&c);
		bursts(&c);
		grid(&c);
		areas(&c);
		resets(&c);
		axes(&c);
		legend(&c);
		if (!set.exits)
			svg_text(s, (c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2,
				 "middle", "class=\"empty\" fill=\"#555555\"",
				 "no exits in this recording");
		svg_end(s);
		ret = s->err;
	}
	free(c.bins);
	plot_set_free(&set);
	return ret;
}
