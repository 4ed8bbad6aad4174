/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stats source with figures set by the test, which also checks that the
 * contract function only asks for slots of defined, enabled reasons.
 */
#ifndef EXITSTAT_TESTS_FAKE_STATS_H
#define EXITSTAT_TESTS_FAKE_STATS_H

#include "../../core/cpuid_abi.h"

#define FAKE_MAX_SLOTS 1024

struct fake_stats {
	const struct es_host *host;
	struct es_figures total;
	struct es_figures reason[FAKE_MAX_SLOTS];
};

/* Zeroes @f and binds it to @host. */
void fake_stats_init(struct fake_stats *f, const struct es_host *host);

/* Sets the figures of reason @code, which must have a slot. */
void fake_stats_set(struct fake_stats *f, uint32_t code, uint64_t exits,
		    uint64_t cycles);

/* A source reading @f. */
struct es_stats_source fake_stats_source(struct fake_stats *f);

#endif /* EXITSTAT_TESTS_FAKE_STATS_H */
