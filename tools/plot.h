/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `exitstat plot` draws, worked out from a recording: the window of
 * tools/window.c (resets, VMs that come and go, bursts: the same figures
 * as `exitstat report`), plus the exits of every exit reason in every
 * interval, for the whole host or one VM.  The chart's series are the top
 * N reasons by exits and "other" for the rest.
 */
#ifndef EXITSTAT_TOOLS_PLOT_H
#define EXITSTAT_TOOLS_PLOT_H

#include "svg.h"
#include "window.h"

#define PLOT_TOP_MAX SVG_NR_COLOURS /* one colour each */
#define PLOT_TOP_DEFAULT 6
#define PLOT_OTHER UINT64_MAX /* the code of the "other" series */

/* One exit reason's exits in each interval. */
struct tl_code {
	uint64_t code;
	uint64_t prev; /* window exits up to the previous sample */
	uint64_t now; /* scratch */
	uint64_t *iv; /* [nr_iv] */
};

struct plot_data {
	char *path;
	uint64_t vm; /* WIN_ALL: the whole host */
	const struct win_vm *wvm; /* the VM, when one was asked for */
	struct rec_info info;
	struct window w;
	struct tl_code *codes; /* by code */
	size_t nr_codes, cap_codes;
	size_t nr_iv, cap_iv; /* of every code's iv */
	/* the intervals as plotted: w.iv, with a VM's own bursts for a VM */
	struct win_interval *iv;
	double median_rate;
	size_t nr_bursts;
	size_t first_iv, end_iv; /* the VM's intervals: [first_iv, end_iv) */
};

/*
 * Reads the recording or snapshot @path, for VM @vm (WIN_ALL: the host).
 * 0, or -errno with a one-line "PATH: what" in @msg.
 */
int plot_load(struct plot_data *d, const char *path, uint64_t vm, char *msg,
	      size_t size);

void plot_free(struct plot_data *d);

/* A series of a chart: one of the top reasons, or "other". */
struct plot_series {
	uint64_t code; /* PLOT_OTHER for the rest */
	char label[64]; /* the reason's name, its code if it has none */
	char hex[16]; /* "0x7b"; "" for other */
	const char *colour;
	struct stats_fig fig; /* window figures */
	uint64_t *iv; /* exits in each interval: [nr_iv] */
};

struct plot_set {
	struct plot_series s[PLOT_TOP_MAX + 1];
	unsigned int nr;
	uint64_t exits; /* all of them */
	size_t nr_other; /* reasons with exits in "other" */
};

/*
 * The @top reasons of @d with the most exits (fewer if fewer had any),
 * most first, and "other" with the rest if they had exits.  -ENOMEM.
 */
int plot_top(const struct plot_data *d, unsigned int top, struct plot_set *set);

void plot_set_free(struct plot_set *set);

/* A stretch of time drawn as one step: an interval, or several merged. */
struct plot_bin {
	uint64_t from_ns; /* since the first sample */
	uint64_t to_ns;
	bool burst; /* any of its intervals is a burst */
	bool reset; /* any had a reset */
	double rate[PLOT_TOP_MAX + 1]; /* exits per second of each series */
	double total;
};

/*
 * The intervals of @d as at most @max_bins bins (consecutive intervals
 * merged evenly when there are more): rates are exits / time of the bin.
 * *@bins is malloc'ed.  -ENOMEM.
 */
int plot_bins(const struct plot_data *d, const struct plot_set *set,
	      size_t max_bins, struct plot_bin **bins, size_t *nr);

/* What a chart looks like. */
struct plot_opts {
	const char *title; /* NULL: one that says what and from where */
	unsigned int width; /* pixels */
	unsigned int height;
	unsigned int top; /* reasons of their own, the rest are "other" */
	bool us; /* latency in time, not cycles */
};

/* The exit rate over time, stacked by reason, into @s.  -errno. */
int plot_rate(const struct plot_data *d, const struct plot_opts *o,
	      struct svg *s);

/* The latency histogram of each reason, into @s.  -errno. */
int plot_latency(const struct plot_data *d, const struct plot_opts *o,
		 struct svg *s);

/* Shared by the two charts. */

#define PLOT_PART_MAX 8

/* The start of the SVG: title (@o's or @def) and the subtitle @parts. */
void plot_heading(struct svg *s, const struct plot_opts *o, const char *def,
		  const char *const parts[], unsigned int nr);

/* "FILE" or "FILE, VM 2 (pid 200)": what a chart shows, into @buf. */
const char *plot_what(const struct plot_data *d, char *buf, size_t size);

/* @text, cut with an ellipsis to fit @width pixels at @size, into @buf. */
const char *plot_fit(const char *text, double width, double size, char *buf,
		     size_t bufsize);

/* The @parts joined with " · ", as many as fit @room pixels, into @buf. */
void plot_join(const char *const parts[], unsigned int nr, double room,
	       double size, char *buf, size_t bufsize);

/* The y-axis title, rotated, centred on [@y0, @y1] at @x. */
void plot_ytitle(struct svg *s, double x, double y0, double y1,
		 const char *text);

#endif /* EXITSTAT_TOOLS_PLOT_H */
