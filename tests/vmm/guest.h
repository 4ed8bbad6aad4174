/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest programs of guest.S.  The blob [guest_blob_start,
 * guest_blob_end) is position-independent: load it anywhere with
 * vmm_load() and call a function at load address + (fn - guest_blob_start).
 */
#ifndef VMM_GUEST_H
#define VMM_GUEST_H

#include <stdint.h>

extern const char guest_blob_start[], guest_blob_end[];

extern const char guest_out_loop[];
extern const char guest_cpuid_loop[];
extern const char guest_hlt_loop[];
extern const char guest_spin[];
extern const char guest_cpuid[];
extern const char guest_out_until_stop[];
extern const char guest_query[];
extern const char guest_measure[];

/* Guest physical address of @fn in a blob loaded at @base. */
static inline uint64_t guest_addr(uint64_t base, const char *fn)
{
	return base + (uint64_t)(fn - guest_blob_start);
}

#endif /* VMM_GUEST_H */
