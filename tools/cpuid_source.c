// SPDX-License-Identifier: GPL-2.0
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "cpuid_source.h"

static void native_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
			 struct es_regs *out)
{
	(void)ctx;
#if defined(__x86_64__) || defined(__i386__)
	__cpuid_count(leaf, subleaf, out->eax, out->ebx, out->ecx, out->edx);
#else
	(void)leaf;
	(void)subleaf;
	*out = (struct es_regs){ 0, 0, 0, 0 };
#endif
}

const struct cpuid_source cpuid_native = { native_cpuid, NULL };
