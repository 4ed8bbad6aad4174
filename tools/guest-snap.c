// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots over the CPUID leaves, corrected for exitstat's own queries
 * (docs/guest-tool.md, "Its own CPUID exits"):
 *
 * - Every CPUID is a CPUID exit, counted by the host before it answers.
 *   A count answered by the reader's k-th query holds k - base of ours:
 *   taken off the total and the CPUID row.  Exact.
 * - An exit's cycles are added when the guest resumes, after the answer,
 *   so a cycles figure answered by query k holds the cost of queries
 *   base+1 .. k-1.  Each snapshot reads the CPUID row's cycles first and
 *   last: the difference is the cost of its queries but the last, and
 *   their average stands for each query not measured that way.  That cost
 *   is taken off the total and the CPUID row.
 */
#include <errno.h>

#include "guest.h"

/* The raw figures of one snapshot and the queries that answered them. */
struct guest_raw {
	uint64_t first, k_first; /* CPUID row's cycles, first query */
	uint64_t last, k_last; /* the same, last query */
	uint64_t exits, k_exits; /* total exits, query of the low half */
	uint64_t cycles, k_cycles; /* total cycles */
	uint64_t cpuid_exits, k_cpuid; /* CPUID row's exits */
};

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t hi_lo(uint32_t hi, uint32_t lo)
{
	return (uint64_t)hi << 32 | lo;
}

static uint64_t cpuid_row_cycles(struct guest_reader *r, uint64_t *k)
{
	struct es_regs regs =
		guest_ask(r, ES_LEAF_REASON_CYCLES, r->cpuid_code);

	*k = r->queries;
	return hi_lo(regs.ebx, regs.ecx);
}

/*
 * Total exits and cycles.  The low half of the exit count comes first;
 * the high half is read one CPUID exit later, so if the low half was
 * 0xffffffff the high half already counts the carry (docs/abi.md).
 */
static int read_totals(struct guest_reader *r, struct guest_raw *raw)
{
	struct es_regs regs = guest_ask(r, ES_LEAF_TOTAL_EXITS, 0);
	uint32_t lo = regs.eax;
	uint32_t hi;

	if (!guest_has_signature(&regs))
		return -ENODEV;
	raw->k_exits = r->queries;
	regs = guest_ask(r, ES_LEAF_TOTAL_CYCLES, 0);
	raw->k_cycles = r->queries;
	raw->cycles = hi_lo(regs.ebx, regs.ecx);
	hi = regs.eax;
	if (lo == 0xffffffffu && hi)
		hi--;
	raw->exits = hi_lo(hi, lo);
	return 0;
}

/* Every defined reason of the table, in slot order. */
static void read_rows(struct guest_reader *r, struct guest_snap *s,
		      struct guest_raw *raw)
{
	const struct es_isa_table *t = r->host.table;
	unsigned int slot;

	s->nr_rows = 0;
	for (slot = 0; slot < t->nr_slots; slot++) {
		const struct es_reason *e = es_slot_reason(t, slot);
		struct guest_row *row = &s->rows[s->nr_rows];
		struct es_regs regs;

		if (!e->name)
			continue;
		row->code = es_slot_code(t, slot);
		row->name = e->name;
		regs = guest_ask(r, ES_LEAF_REASON_EXITS, row->code);
		row->exits = hi_lo(regs.ebx, regs.eax);
		row->cycles = 0;
		if (row->code == r->cpuid_code) {
			raw->cpuid_exits = row->exits;
			raw->k_cpuid = r->queries;
		} else {
			regs = guest_ask(r, ES_LEAF_REASON_CYCLES, row->code);
			row->cycles = hi_lo(regs.ebx, regs.ecx);
		}
		s->nr_rows++;
	}
}

/* Counters that went back were reset on the host, before this snapshot. */
static void check_reset(struct guest_reader *r, const struct guest_raw *raw,
			struct guest_snap *s)
{
	s->reset = r->have_last && raw->exits < r->last_raw;
	if (s->reset) {
		r->base = raw->k_first - 1;
		r->own_cycles = 0;
		r->pending = 0;
	}
	r->last_raw = raw->exits;
	r->have_last = true;
}

static void correct(struct guest_reader *r, const struct guest_raw *raw,
		    struct guest_snap *s)
{
	uint64_t n = raw->k_last - raw->k_first;
	uint64_t m = sub_sat(raw->last, raw->first);
	uint64_t avg = (m + n / 2) / n;
	uint64_t pre = r->own_cycles + r->pending * avg;
	unsigned int i;

	s->own = raw->k_exits - r->base;
	s->exits = sub_sat(raw->exits, s->own);
	s->cycles = sub_sat(raw->cycles,
			    pre + (raw->k_cycles - raw->k_first) * avg);
	for (i = 0; i < s->nr_rows; i++) {
		struct guest_row *row = &s->rows[i];

		if (row->code != r->cpuid_code)
			continue;
		row->exits = sub_sat(raw->cpuid_exits, raw->k_cpuid - r->base);
		row->cycles = sub_sat(raw->first, pre);
	}
	r->own_cycles = pre + m;
	r->pending = 1;
}

int guest_snapshot(struct guest_reader *r, struct guest_snap *s,
		   const struct guest_time *t)
{
	struct guest_raw raw = { 0 };
	int ret;

	s->t = *t;
	raw.first = cpuid_row_cycles(r, &raw.k_first);
	ret = read_totals(r, &raw);
	if (ret)
		return ret;
	read_rows(r, s, &raw);
	raw.last = cpuid_row_cycles(r, &raw.k_last);
	check_reset(r, &raw, s);
	correct(r, &raw, s);
	return 0;
}

void guest_delta(const struct guest_snap *a, const struct guest_snap *b,
		 struct guest_snap *d)
{
	unsigned int i;

	d->exits = sub_sat(b->exits, a->exits);
	d->cycles = sub_sat(b->cycles, a->cycles);
	d->own = sub_sat(b->own, a->own);
	d->reset = b->reset;
	d->t = b->t;
	d->nr_rows = b->nr_rows < a->nr_rows ? b->nr_rows : a->nr_rows;
	for (i = 0; i < d->nr_rows; i++) {
		d->rows[i] = b->rows[i];
		d->rows[i].exits = sub_sat(b->rows[i].exits, a->rows[i].exits);
		d->rows[i].cycles =
			sub_sat(b->rows[i].cycles, a->rows[i].cycles);
	}
}

double guest_seconds(const struct guest_time *a, const struct guest_time *b)
{
	return (double)(b->mono.tv_sec - a->mono.tv_sec) +
	       (double)(b->mono.tv_nsec - a->mono.tv_nsec) / 1e9;
}
