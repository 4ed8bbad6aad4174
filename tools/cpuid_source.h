/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the guest side of exitstat gets its CPUID answers: the CPU it runs
 * on, or a fake host in the unit tests.  Each call stands for one CPUID
 * instruction, which in a KVM guest is one CPUID exit.
 */
#ifndef EXITSTAT_TOOLS_CPUID_SOURCE_H
#define EXITSTAT_TOOLS_CPUID_SOURCE_H

#include "../core/cpuid_abi.h"

struct cpuid_source {
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf,
		      struct es_regs *out);
	void *ctx;
};

/* The CPUID instruction itself (all zeros when not built for x86). */
extern const struct cpuid_source cpuid_native;

#endif /* EXITSTAT_TOOLS_CPUID_SOURCE_H */
