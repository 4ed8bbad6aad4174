/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The figures of a recording's window: what happened between its first
 * and its last sample, per exit reason for the whole host, per VM and per
 * vCPU, and the exit rate of every interval between two samples.
 *
 * Counters only grow, except at a reset (docs/host-interface.md), which
 * shows as counters going down: the interval is then counted from zero
 * (a new baseline), and its exits from before the reset are lost.  A
 * VM's figures move to the retired totals when it goes away, so host-wide
 * figures are taken from retired + live VMs and lose nothing; per-VM
 * figures cover the samples the VM was seen in.  A VM first seen after the
 * first sample started after it, and is counted from zero.
 */
#ifndef EXITSTAT_TOOLS_WINDOW_H
#define EXITSTAT_TOOLS_WINDOW_H

#include "recording.h"

#define WIN_BURST_FACTOR 3 /* burst: rate > 3 x the median interval rate */

/* One counter series: a reason of a vCPU, or of the host (vm = vcpu = 0). */
struct win_series {
	uint64_t vm;
	uint64_t vcpu;
	uint64_t code;
	struct stats_fig base; /* value at the start of the current epoch */
	struct stats_fig last; /* value when last seen */
	struct stats_fig acc; /* the window's figures of closed epochs */
	size_t seen; /* host series: the last sample (from 1) with the code */
};

/* Series sorted by (vm, vcpu, code). */
struct win_map {
	struct win_series *v;
	size_t nr;
	size_t cap;
	size_t next; /* where a lookup looks first: after the last found */
};

struct win_interval {
	uint64_t from_ns; /* since the first sample */
	uint64_t to_ns;
	uint64_t exits;
	double rate; /* exits per second */
	bool reset; /* counters went down: counted from zero */
	bool burst;
};

struct win_vm {
	uint64_t id;
	int64_t pid;
	char stats_id[STATS_STR_MAX];
	size_t first; /* samples (from 0) it was first and last seen in */
	size_t last;
};

struct win_vcpu {
	uint64_t vm;
	uint64_t idx;
	int64_t id;
	int64_t tid;
};

struct window {
	bool timed; /* a recording, not a snapshot */
	enum es_isa isa;
	const struct es_isa_table *table;
	char kernel[STATS_STR_MAX];
	char scope[STATS_STR_MAX];
	uint64_t tsc_khz;
	uint64_t hist_buckets;
	uint64_t cpuid_missed; /* of the last sample */
	uint64_t unattributed;
	size_t nr_samples;
	uint64_t first_ns; /* mono_ns of the first and the last sample */
	uint64_t last_ns;
	struct win_map host; /* by code */
	struct win_map live; /* by vm, vcpu, code */
	struct win_interval *iv;
	size_t nr_iv, cap_iv;
	struct win_vm *vms; /* by id */
	size_t nr_vms, cap_vms;
	struct win_vcpu *vcpus; /* by vm, idx */
	size_t nr_vcpus, cap_vcpus;
	size_t nr_resets;
	double median_rate; /* of the intervals without a reset */
	size_t nr_bursts;
	/* while adding samples */
	struct stats_snap prev;
	uint64_t prev_exits;
};

void win_init(struct window *w);

/* Adds the next sample; takes its snapshot.  0 or -errno with @e set. */
int win_add(struct window *w, struct rec_sample *s, struct parse_err *e);

/* After the last sample: closes the figures, finds the bursts. */
void win_finish(struct window *w);

void win_free(struct window *w);

/* A rec_sample_fn adding to the struct window @ctx. */
int win_add_sample(void *ctx, struct rec_sample *s, struct parse_err *e);

#define WIN_ALL UINT64_MAX

/*
 * Sums the window figures (acc) of @w's series of VM @vm and vCPU @vcpu
 * (WIN_ALL for any) into @out by code, acc holding the sums.  -ENOMEM.
 */
int win_sum(const struct window *w, uint64_t vm, uint64_t vcpu,
	    struct win_map *out);

void win_map_free(struct win_map *m);

/* Adds @f to @to: sums, and the smaller min / larger max. */
void fig_add(struct stats_fig *to, const struct stats_fig *f);

/* A latency bound from a log2 histogram: the true value is in [lo, hi]. */
struct lat_range {
	uint64_t lo;
	uint64_t hi;
};

struct latency {
	uint64_t n; /* exits that ended: the histogram's sum */
	uint64_t avg; /* cycles / n */
	uint64_t min; /* exact, or within the lowest / highest bucket */
	uint64_t max;
	struct lat_range p50, p90, p99;
};

/*
 * The bucket holding the @pct-th percentile (rank ceil(pct * n / 100)) of
 * @hist with @buckets buckets and sum @n > 0, as [lo, hi]: bucket b holds
 * 2^b .. 2^(b+1)-1 cycles, bucket 0 also 0, the last one everything up.
 */
struct lat_range hist_percentile(const uint64_t *hist, unsigned int buckets,
				 uint64_t n, unsigned int pct);

/*
 * Latency of @f: false if no exit ended.  min and max are f's, brought
 * into the lowest / highest non-empty bucket; percentiles are clamped to
 * [min, max].
 */
bool fig_latency(const struct stats_fig *f, unsigned int buckets,
		 struct latency *l);

/* Median of @nr values (the mean of the middle two for even @nr); 0 if none. */
double median(double *v, size_t nr);

#endif /* EXITSTAT_TOOLS_WINDOW_H */
