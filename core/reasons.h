/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit-reason tables: Intel VMX basic exit reasons (SDM Vol. 3, Appendix C)
 * and AMD SVM exit codes (APM Vol. 2, Appendix C), plus which of them KVM
 * handles on each kernel series we test.
 *
 * A table is a short list of dense code ranges.  Every code inside a range
 * has an entry; codes the manual leaves undefined have a NULL name.  Each
 * entry of every range also has a "slot": its position when the ranges are
 * laid end to end.  Slots index the per-reason statistics arrays, so that a
 * sparse code space (SVM uses 0x0-0xa6, 0x400-0x407 and -4..-1) maps to a
 * small dense array in constant time.
 */
#ifndef EXITSTAT_CORE_REASONS_H
#define EXITSTAT_CORE_REASONS_H

#include "types.h"

/* Values match the isa argument of KVM's kvm_exit tracepoint. */
enum es_isa {
	ES_ISA_VMX = 1,
	ES_ISA_SVM = 2,
};

/* Kernel series whose KVM exit handlers we derived from source. */
enum es_kernel {
	ES_KERNEL_6_1,
	ES_KERNEL_6_12,
	ES_KERNEL_NR,
};

struct es_reason {
	const char *name;	/* KVM-style identifier, NULL: undefined */
	const char *meaning;	/* one line, after the manual's wording */
};

struct es_reason_range {
	uint32_t first;
	uint32_t last;
	const struct es_reason *reasons;	/* last - first + 1 entries */
};

/* Sorted list of the codes KVM has an exit handler for. */
struct es_code_list {
	const uint32_t *codes;
	unsigned int nr;
};

struct es_isa_table {
	enum es_isa isa;
	const char *name;			/* "vmx" or "svm" */
	const char *manual;			/* where the table comes from */
	const struct es_reason_range *ranges;	/* ascending, disjoint */
	unsigned int nr_ranges;
	unsigned int nr_slots;			/* entries over all ranges */
	const struct es_code_list *enabled;	/* [ES_KERNEL_NR] */
};

/* Slot value meaning "this code lies outside every range". */
#define ES_NO_SLOT (~0u)

extern const struct es_isa_table es_vmx_table;
extern const struct es_isa_table es_svm_table;

/* Generated from kernel sources by scripts/kvm-exit-handlers.sh. */
extern const struct es_code_list es_kvm_vmx_handlers[ES_KERNEL_NR];
extern const struct es_code_list es_kvm_svm_handlers[ES_KERNEL_NR];

/* NULL for an ISA value that is neither VMX nor SVM. */
const struct es_isa_table *es_isa_table(enum es_isa isa);

/* Slot of @code, or ES_NO_SLOT.  Undefined codes inside a range have one. */
unsigned int es_reason_slot(const struct es_isa_table *t, uint32_t code);

/* Code stored in @slot (slot < t->nr_slots). */
uint32_t es_slot_code(const struct es_isa_table *t, unsigned int slot);

/* Entry of @code, or NULL when the manual does not define it. */
const struct es_reason *es_reason_find(const struct es_isa_table *t,
				       uint32_t code);

/* Entry held in @slot; its name is NULL for an undefined code. */
const struct es_reason *es_slot_reason(const struct es_isa_table *t,
				       unsigned int slot);

/* Whether KVM of series @k has a handler for @code. */
bool es_reason_enabled(const struct es_isa_table *t, enum es_kernel k,
		       uint32_t code);

/*
 * Series whose handler list describes kernel @major.@minor: 6.12 for 6.12
 * and newer, 6.1 for everything older (see docs/abi.md).
 */
enum es_kernel es_kernel_series(unsigned int major, unsigned int minor);

/* "6.1" or "6.12"; NULL for an out-of-range value. */
const char *es_kernel_name(enum es_kernel k);

#endif /* EXITSTAT_CORE_REASONS_H */
