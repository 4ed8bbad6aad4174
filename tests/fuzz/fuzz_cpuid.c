// SPDX-License-Identifier: GPL-2.0
/*
 * es_cpuid_answer() against the contract of docs/abi.md, worked out here
 * without the lookups of core/reasons.c: the tables are walked range by
 * range and the handler lists searched linearly.  Any difference aborts.
 *
 * The input, little-endian, missing bytes read as 0:
 *   byte 0      bit 0: SVM (else VMX), bit 1: kernel 6.12 (else 6.1),
 *               bit 2: scope global, bit 3: the leaf is any 32-bit value
 *               (else one of ours, by its low 2 bits), bit 4: ECX names
 *               the code of slot ECX % nr_slots (else any 32-bit value)
 *   bytes 1-4   leaf;  bytes 5-8  ECX
 *   bytes 9-24  the view's total: exits, cycles (64 bits each)
 *   the rest    exits and cycles of slot 0, 1, ... (16 bytes a slot)
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../core/cpuid_abi.h"

#define VIEW_SLOTS 256 /* more than either table has (VMX 77, SVM 179) */
#define CANARY 0xa5a5a5a5u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

/* The next @n bytes (up to 8) as a little-endian number. */
static uint64_t take(struct input *in, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++, in->pos++)
		if (in->pos < in->size)
			v |= (uint64_t)in->data[in->pos] << (8 * i);
	return v;
}

/* What the contract function asked of the view. */
struct calls {
	unsigned int total;
	unsigned int reason;
	unsigned int slot; /* of the last reason call */
};

/* The stats view handed to es_cpuid_answer(), through its callbacks. */
struct view {
	struct es_figures total;
	struct es_figures fig[VIEW_SLOTS];
	struct calls *calls;
};

static void view_total(const void *ctx, struct es_figures *out)
{
	const struct view *v = ctx;

	v->calls->total++;
	*out = v->total;
}

static void view_reason(const void *ctx, unsigned int slot,
			struct es_figures *out)
{
	const struct view *v = ctx;

	v->calls->reason++;
	v->calls->slot = slot;
	*out = slot < VIEW_SLOTS ? v->fig[slot] : (struct es_figures){ 0, 0 };
}

static void check(bool ok, const char *what, uint32_t leaf, uint32_t ecx)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_cpuid: leaf %#x ECX %#x: %s\n", leaf, ecx, what);
	abort();
}

/* The entry of @code and its slot, walking the ranges; NULL: no range. */
static const struct es_reason *ref_entry(const struct es_isa_table *t,
					 uint32_t code, unsigned int *slot)
{
	const struct es_reason_range *r;
	unsigned int i, base = 0;

	for (i = 0; i < t->nr_ranges; i++) {
		r = &t->ranges[i];
		if (code >= r->first && code <= r->last) {
			*slot = base + (code - r->first);
			return &r->reasons[code - r->first];
		}
		base += r->last - r->first + 1;
	}
	return NULL;
}

static bool ref_enabled(const struct es_isa_table *t, enum es_kernel k,
			uint32_t code)
{
	const struct es_code_list *l = &t->enabled[k];
	unsigned int i;

	for (i = 0; i < l->nr; i++)
		if (l->codes[i] == code)
			return true;
	return false;
}

/* Leaves 0x4ffffffe/0x4fffffff: the registers, and the slot asked for. */
static struct es_regs ref_reason(uint32_t leaf, uint32_t code,
				 const struct es_host *h, const struct view *v,
				 unsigned int *slot)
{
	const struct es_reason *e = ref_entry(h->table, code, slot);
	struct es_regs r = { 0, 0, 0, 0 };
	struct es_figures f;

	if (!e || !e->name) {
		r.edx = 0xffffffffu; /* undefined */
		*slot = ES_NO_SLOT;
		return r;
	}
	if (!ref_enabled(h->table, h->kernel, code)) {
		*slot = ES_NO_SLOT;
		return r;
	}
	f = v->fig[*slot];
	if (leaf == ES_LEAF_REASON_EXITS) {
		r.eax = (uint32_t)f.exits;
		r.ebx = (uint32_t)(f.exits >> 32);
	} else {
		r.ebx = (uint32_t)(f.cycles >> 32);
		r.ecx = (uint32_t)f.cycles;
	}
	return r;
}

/* EDX of 0x4ffffffc: ABI version 1, ISA in bits 15:8, scope in bit 16. */
static uint32_t ref_info(const struct es_host *h)
{
	uint32_t info = 1u | (uint32_t)h->table->isa << 8;

	if (h->scope == ES_SCOPE_GLOBAL)
		info |= 1u << 16;
	return info;
}

/* The whole answer of docs/abi.md; *@slot: ES_NO_SLOT if none is read. */
static struct es_regs ref_answer(uint32_t leaf, uint32_t ecx,
				 const struct es_host *h, const struct view *v,
				 unsigned int *slot)
{
	uint64_t exits = v->total.exits, cycles = v->total.cycles;

	*slot = ES_NO_SLOT;
	if (leaf == ES_LEAF_TOTAL_EXITS)
		return (struct es_regs){ (uint32_t)exits, 0x74697865u,
					 0x74617473u, ref_info(h) };
	if (leaf == ES_LEAF_TOTAL_CYCLES)
		return (struct es_regs){ (uint32_t)(exits >> 32),
					 (uint32_t)(cycles >> 32),
					 (uint32_t)cycles, 0 };
	return ref_reason(leaf, ecx, h, v, slot);
}

/* A leaf outside ours: false, @out untouched, the view never read. */
static void check_not_ours(uint32_t leaf, uint32_t ecx, const struct es_host *h,
			   const struct es_stats_source *src,
			   const struct calls *calls)
{
	struct es_regs r = { CANARY, CANARY, CANARY, CANARY };

	check(!es_leaf_is_ours(leaf), "es_leaf_is_ours", leaf, ecx);
	check(!es_cpuid_answer(leaf, ecx, h, src, &r), "answered", leaf, ecx);
	check(r.eax == CANARY && r.ebx == CANARY && r.ecx == CANARY &&
		      r.edx == CANARY,
	      "registers touched", leaf, ecx);
	check(!calls->total && !calls->reason, "view read", leaf, ecx);
}

static void check_ours(uint32_t leaf, uint32_t ecx, const struct es_host *h,
		       const struct es_stats_source *src, const struct view *v)
{
	struct es_regs r = { CANARY, CANARY, CANARY, CANARY }, want;
	bool total = leaf <= ES_LEAF_TOTAL_CYCLES;
	unsigned int slot;

	want = ref_answer(leaf, ecx, h, v, &slot);
	check(es_leaf_is_ours(leaf), "es_leaf_is_ours", leaf, ecx);
	check(es_cpuid_answer(leaf, ecx, h, src, &r), "not answered", leaf,
	      ecx);
	check(r.eax == want.eax, "EAX", leaf, ecx);
	check(r.ebx == want.ebx, "EBX", leaf, ecx);
	check(r.ecx == want.ecx, "ECX", leaf, ecx);
	check(r.edx == want.edx, "EDX", leaf, ecx);
	check(v->calls->total == total, "total read", leaf, ecx);
	check(v->calls->reason == (slot != ES_NO_SLOT), "reason read", leaf,
	      ecx);
	check(slot == ES_NO_SLOT || v->calls->slot == slot, "slot", leaf, ecx);
	if (leaf == ES_LEAF_TOTAL_EXITS)
		check(ES_INFO_VERSION(r.edx) == ES_ABI_VERSION &&
			      ES_INFO_ISA(r.edx) == h->table->isa &&
			      !(r.edx >> 17),
		      "host info", leaf, ecx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct view v;
	struct input in = { data, size, 0 };
	struct calls calls = { 0, 0, 0 };
	struct es_stats_source src = { view_total, view_reason, &v };
	unsigned int flags = (unsigned int)take(&in, 1), i;
	uint32_t leaf = (uint32_t)take(&in, 4), ecx = (uint32_t)take(&in, 4);
	struct es_host h = {
		es_isa_table(flags & 1 ? ES_ISA_SVM : ES_ISA_VMX),
		flags & 2 ? ES_KERNEL_6_12 : ES_KERNEL_6_1,
		flags & 4 ? ES_SCOPE_GLOBAL : ES_SCOPE_VM,
	};

	check(h.table->nr_slots <= VIEW_SLOTS, "VIEW_SLOTS too small", 0, 0);
	if (!(flags & 8))
		leaf = ES_LEAF_TOTAL_EXITS + (leaf & 3);
	if (flags & 16)
		ecx = es_slot_code(h.table, ecx % h.table->nr_slots);
	v.calls = &calls;
	v.total.exits = take(&in, 8);
	v.total.cycles = take(&in, 8);
	for (i = 0; i < h.table->nr_slots; i++) {
		v.fig[i].exits = take(&in, 8);
		v.fig[i].cycles = take(&in, 8);
	}
	if (leaf >= 0x4ffffffcu && leaf <= 0x4fffffffu)
		check_ours(leaf, ecx, &h, &src, &v);
	else
		check_not_ours(leaf, ecx, &h, &src, &calls);
	return 0;
}
