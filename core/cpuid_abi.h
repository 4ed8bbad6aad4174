/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-visible CPUID contract (docs/abi.md).  es_cpuid_answer() is the
 * only place the rule lives: exitstat.ko calls it to answer the guest, the
 * tools and tests call it to know what the guest must see.
 */
#ifndef EXITSTAT_CORE_CPUID_ABI_H
#define EXITSTAT_CORE_CPUID_ABI_H

#include "reasons.h"

#define ES_LEAF_TOTAL_EXITS	0x4ffffffcu
#define ES_LEAF_TOTAL_CYCLES	0x4ffffffdu
#define ES_LEAF_REASON_EXITS	0x4ffffffeu
#define ES_LEAF_REASON_CYCLES	0x4fffffffu

/* Extension: "exitstat" in EBX:ECX of leaf 0x4ffffffc, little-endian. */
#define ES_SIGNATURE_EBX	0x74697865u	/* "exit" */
#define ES_SIGNATURE_ECX	0x74617473u	/* "stat" */
#define ES_ABI_VERSION		1u

/* Extension: EDX of leaf 0x4ffffffc. */
#define ES_INFO_VERSION(edx)	((edx) & 0xffu)
#define ES_INFO_ISA(edx)	(((edx) >> 8) & 0xffu)
#define ES_INFO_GLOBAL		(1u << 16)

/* EDX for a reason number the SDM/APM does not define. */
#define ES_UNDEFINED_EDX	0xffffffffu

enum es_scope {
	ES_SCOPE_VM,
	ES_SCOPE_GLOBAL,
};

struct es_regs {
	uint32_t eax;
	uint32_t ebx;
	uint32_t ecx;
	uint32_t edx;
};

/* Count and cycles of one reason, or of all of them. */
struct es_figures {
	uint64_t exits;
	uint64_t cycles;
};

/*
 * Where the figures come from: the module sums its per-vCPU counters for
 * the VM (or for all VMs); tests pass fixed values.  @reason is only asked
 * for slots of defined, enabled reasons.
 */
struct es_stats_source {
	void (*total)(const void *ctx, struct es_figures *out);
	void (*reason)(const void *ctx, unsigned int slot,
		       struct es_figures *out);
	const void *ctx;
};

/* What the host is; fixed for the life of the module. */
struct es_host {
	const struct es_isa_table *table;
	enum es_kernel kernel;
	enum es_scope scope;
};

static inline bool es_leaf_is_ours(uint32_t leaf)
{
	return leaf >= ES_LEAF_TOTAL_EXITS && leaf <= ES_LEAF_REASON_CYCLES;
}

/*
 * Fill @out with the answer to CPUID(@leaf, @subleaf).  Returns false, and
 * leaves @out untouched, for a leaf outside 0x4ffffffc-0x4fffffff.
 */
bool es_cpuid_answer(uint32_t leaf, uint32_t subleaf,
		     const struct es_host *host,
		     const struct es_stats_source *src, struct es_regs *out);

#endif /* EXITSTAT_CORE_CPUID_ABI_H */
