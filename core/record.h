/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What happens on every VM exit and entry: the recording code of
 * exitstat.ko's hot path, in a header so that the module and the
 * userspace benchmark (bench/hotpath) compile exactly the same code.
 *
 * One struct es_vcpu_stats belongs to one vCPU and is written only by that
 * vCPU's thread, so nothing here is atomic or locked; readers sum several
 * vCPUs' figures and may see them a moment apart.
 */
#ifndef EXITSTAT_CORE_RECORD_H
#define EXITSTAT_CORE_RECORD_H

#include "types.h"

/* Bucket b counts exits of [2^b, 2^(b+1)) cycles; 0 and 1 go to bucket 0. */
#define ES_HIST_BUCKETS 32

struct es_reason_stats {
	uint64_t exits;
	uint64_t cycles;	/* of the exits that ended (the vCPU re-entered) */
	uint64_t min;		/* meaningful once an exit has ended */
	uint64_t max;
	uint64_t hist[ES_HIST_BUCKETS];
};

struct es_vcpu_stats {
	uint64_t exit_tsc;	/* TSC at the kvm_exit in progress; 0: none */
	unsigned int exit_slot;	/* its slot */
	uint64_t exits;
	uint64_t cycles;
	struct es_reason_stats reasons[];	/* one per slot */
};

static inline unsigned int es_hist_bucket(uint64_t cycles)
{
	unsigned int b = cycles > 1 ? 63 - __builtin_clzll(cycles) : 0;

	return b < ES_HIST_BUCKETS ? b : ES_HIST_BUCKETS - 1;
}

/* kvm_exit: one more exit of @slot, which started at @tsc. */
static inline void es_record_exit(struct es_vcpu_stats *s, unsigned int slot,
				  uint64_t tsc)
{
	s->exits++;
	s->reasons[slot].exits++;
	s->exit_slot = slot;
	s->exit_tsc = tsc;
}

/* kvm_entry at @tsc: the exit in progress, if any, took until now. */
static inline void es_record_entry(struct es_vcpu_stats *s, uint64_t tsc)
{
	struct es_reason_stats *r;
	uint64_t cycles;

	if (!s->exit_tsc)
		return;
	/* TSCs of different CPUs can disagree a little: never go negative. */
	cycles = tsc > s->exit_tsc ? tsc - s->exit_tsc : 0;
	s->exit_tsc = 0;
	s->cycles += cycles;
	r = &s->reasons[s->exit_slot];
	r->cycles += cycles;
	if (!r->min || cycles < r->min)
		r->min = cycles;
	if (cycles > r->max)
		r->max = cycles;
	r->hist[es_hist_bucket(cycles)]++;
}

#endif /* EXITSTAT_CORE_RECORD_H */
