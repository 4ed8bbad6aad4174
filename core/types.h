/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-width types for core/, which is compiled both into exitstat.ko and
 * into the userspace tools: the kernel's <linux/types.h> or the freestanding
 * C headers, never libc.
 */
#ifndef EXITSTAT_CORE_TYPES_H
#define EXITSTAT_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#define ES_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* EXITSTAT_CORE_TYPES_H */
