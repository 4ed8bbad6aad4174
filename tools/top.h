/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model and the screen of `exitstat top`: successive snapshots of
 * /proc/exitstat/stats turned into rows per VM, per vCPU or per exit
 * reason, with the exits since the previous refresh as a rate, sorted,
 * and drawn as text.
 *
 * Rates are deltas between two refreshes, taken per vCPU and reason and
 * then summed, so a VM that goes away takes its rows with it and does not
 * make any other row go down.  A series seen for the first time (a new VM,
 * a reason's first exit) counts from zero; one that went down was reset
 * and counts from zero too.  Host-wide rows per reason are the retired
 * figures plus the live VMs', which lose nothing when a VM goes away.
 *
 * Memory: the arrays are kept and reused from one refresh to the next, so
 * a long run allocates only when the host grows beyond what it has seen.
 */
#ifndef EXITSTAT_TOOLS_TOP_H
#define EXITSTAT_TOOLS_TOP_H

#include "stats.h"
#include "textbuf.h"

enum top_by {
	TOP_BY_VM, /* a row per VM and reason */
	TOP_BY_VCPU, /* a row per vCPU and reason */
	TOP_BY_REASON, /* a row per reason */
};

enum top_sort {
	TOP_SORT_RATE, /* exits per second since the previous refresh */
	TOP_SORT_COUNT, /* exits */
	TOP_SORT_CYCLES, /* cycles */
	TOP_SORT_AVG, /* cycles per exit */
};

/* "vm" / "vcpu" / "reason"; -EINVAL for anything else. */
int top_parse_by(const char *s, enum top_by *by);

/* "rate" / "count" / "cycles" / "avg"; -EINVAL for anything else. */
int top_parse_sort(const char *s, enum top_sort *sort);

struct top_opts {
	enum top_by by;
	enum top_sort sort;
	int64_t pid; /* only the VMs of this process; 0: all */
	uint64_t interval_ns; /* for the header */
	size_t max_rows; /* 0: all */
};

/* The figures of one series: a vCPU's reason, or an aggregate of them. */
struct top_series {
	uint64_t vm; /* 0 in a row per reason */
	int64_t pid;
	uint64_t vcpu; /* 0 but in a row per vCPU */
	uint64_t code;
	uint64_t exits; /* since the VM started or the module was reset */
	uint64_t cycles;
	uint64_t ended; /* exits that ended: the histogram's sum */
	uint64_t delta; /* exits since the previous refresh */
};

struct top_vm {
	uint64_t id;
	int64_t pid;
	uint64_t vcpus;
};

/* A growable array of @size-byte elements. */
struct top_arr {
	void *v;
	size_t nr;
	size_t cap;
};

struct top {
	const struct top_opts *o;
	uint64_t seq; /* refreshes so far */
	uint64_t now_ns, dt_ns; /* dt_ns: since the previous refresh, or 0 */
	const struct es_isa_table *table;
	char kernel[STATS_STR_MAX];
	char scope[STATS_STR_MAX];
	uint64_t tsc_khz;
	size_t nr_vms, nr_vcpus; /* on the host */
	uint64_t total, total_delta; /* the host's exits */
	bool reset; /* counters went down since the previous refresh */
	struct top_arr cur, prev; /* top_series per (vm, vcpu, code) */
	struct top_arr host, host_prev; /* top_series per code, host-wide */
	struct top_arr rows; /* top_series shown, sorted */
	struct top_arr vms, vms_prev; /* top_vm of -p, by id */
	struct textbuf out;
};

/* What top_render() may use of the terminal; zeros: not a terminal. */
struct top_screen {
	unsigned int width;
	unsigned int height;
	const char *clock; /* "12:34:56" for the title line, or NULL */
};

void top_init(struct top *t, const struct top_opts *o);

/* The next snapshot, read at @now_ns (CLOCK_MONOTONIC).  0 or -ENOMEM. */
int top_update(struct top *t, const struct stats_snap *s, uint64_t now_ns);

/*
 * Draws the view into t->out (replacing what it held): on a terminal
 * @scr, cut to its size, with ANSI codes to draw it from the top left;
 * else plain lines.  0 or -ENOMEM.
 */
int top_render(struct top *t, const struct top_screen *scr);

void top_free(struct top *t);

#endif /* EXITSTAT_TOOLS_TOP_H */
