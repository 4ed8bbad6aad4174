// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID contract of docs/abi.md, in one function.
 */
#include "cpuid_abi.h"

static uint32_t lo32(uint64_t v)
{
	return (uint32_t)v;
}

static uint32_t hi32(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

static uint32_t host_info(const struct es_host *host)
{
	uint32_t edx = ES_ABI_VERSION | ((uint32_t)host->table->isa << 8);

	if (host->scope == ES_SCOPE_GLOBAL)
		edx |= ES_INFO_GLOBAL;
	return edx;
}

/* Leaves 0x4ffffffe and 0x4fffffff: figures of the reason in @code. */
static void answer_reason(uint32_t leaf, uint32_t code,
			  const struct es_host *host,
			  const struct es_stats_source *src,
			  struct es_regs *out)
{
	struct es_figures f;

	if (!es_reason_find(host->table, code)) {
		out->edx = ES_UNDEFINED_EDX;
		return;
	}
	if (!es_reason_enabled(host->table, host->kernel, code))
		return;

	src->reason(src->ctx, es_reason_slot(host->table, code), &f);
	if (leaf == ES_LEAF_REASON_EXITS) {
		out->eax = lo32(f.exits);
		out->ebx = hi32(f.exits);
	} else {
		out->ebx = hi32(f.cycles);
		out->ecx = lo32(f.cycles);
	}
}

bool es_cpuid_answer(uint32_t leaf, uint32_t subleaf,
		     const struct es_host *host,
		     const struct es_stats_source *src, struct es_regs *out)
{
	struct es_regs r = { 0, 0, 0, 0 };
	struct es_figures total;

	if (!es_leaf_is_ours(leaf))
		return false;

	switch (leaf) {
	case ES_LEAF_TOTAL_EXITS:
		src->total(src->ctx, &total);
		r.eax = lo32(total.exits);
		r.ebx = ES_SIGNATURE_EBX;
		r.ecx = ES_SIGNATURE_ECX;
		r.edx = host_info(host);
		break;
	case ES_LEAF_TOTAL_CYCLES:
		src->total(src->ctx, &total);
		r.eax = hi32(total.exits);
		r.ebx = hi32(total.cycles);
		r.ecx = lo32(total.cycles);
		break;
	default:
		answer_reason(leaf, subleaf, host, src, &r);
		break;
	}
	*out = r;
	return true;
}
