// SPDX-License-Identifier: GPL-2.0
/*
 * Lookups over the exit-reason tables.  Every function is total over its
 * 32-bit input: codes outside every range, and undefined codes inside one,
 * are answered, never indexed out of bounds.
 */
#include "reasons.h"

const struct es_isa_table *es_isa_table(enum es_isa isa)
{
	switch (isa) {
	case ES_ISA_VMX:
		return &es_vmx_table;
	case ES_ISA_SVM:
		return &es_svm_table;
	}
	return NULL;
}

unsigned int es_reason_slot(const struct es_isa_table *t, uint32_t code)
{
	unsigned int base = 0;
	unsigned int i;

	for (i = 0; i < t->nr_ranges; i++) {
		const struct es_reason_range *r = &t->ranges[i];

		if (code >= r->first && code <= r->last)
			return base + (code - r->first);
		base += r->last - r->first + 1;
	}
	return ES_NO_SLOT;
}

/* Range holding @slot; *offset receives the slot's index inside it. */
static const struct es_reason_range *slot_range(const struct es_isa_table *t,
						unsigned int slot,
						uint32_t *offset)
{
	unsigned int i;

	for (i = 0; i < t->nr_ranges; i++) {
		const struct es_reason_range *r = &t->ranges[i];
		unsigned int size = r->last - r->first + 1;

		if (slot < size) {
			*offset = slot;
			return r;
		}
		slot -= size;
	}
	return NULL;
}

uint32_t es_slot_code(const struct es_isa_table *t, unsigned int slot)
{
	uint32_t offset = 0;
	const struct es_reason_range *r = slot_range(t, slot, &offset);

	return r ? r->first + offset : 0;
}

const struct es_reason *es_slot_reason(const struct es_isa_table *t,
				       unsigned int slot)
{
	uint32_t offset = 0;
	const struct es_reason_range *r = slot_range(t, slot, &offset);

	return r ? &r->reasons[offset] : NULL;
}

const struct es_reason *es_reason_find(const struct es_isa_table *t,
				       uint32_t code)
{
	unsigned int slot = es_reason_slot(t, code);
	const struct es_reason *e;

	if (slot == ES_NO_SLOT)
		return NULL;
	e = es_slot_reason(t, slot);
	return e && e->name ? e : NULL;
}

bool es_reason_enabled(const struct es_isa_table *t, enum es_kernel k,
		       uint32_t code)
{
	const struct es_code_list *l;
	unsigned int lo = 0, hi;

	if ((unsigned int)k >= ES_KERNEL_NR || !es_reason_find(t, code))
		return false;
	l = &t->enabled[k];
	hi = l->nr;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (l->codes[mid] == code)
			return true;
		if (l->codes[mid] < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

enum es_kernel es_kernel_series(unsigned int major, unsigned int minor)
{
	if (major > 6 || (major == 6 && minor >= 12))
		return ES_KERNEL_6_12;
	return ES_KERNEL_6_1;
}

const char *es_kernel_name(enum es_kernel k)
{
	switch (k) {
	case ES_KERNEL_6_1:
		return "6.1";
	case ES_KERNEL_6_12:
		return "6.12";
	case ES_KERNEL_NR:
		break;
	}
	return NULL;
}
