// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "fake_stats.h"

void fake_stats_init(struct fake_stats *f, const struct es_host *host)
{
	memset(f, 0, sizeof(*f));
	f->host = host;
	assert_true(host->table->nr_slots <= FAKE_MAX_SLOTS);
}

void fake_stats_set(struct fake_stats *f, uint32_t code, uint64_t exits,
		    uint64_t cycles)
{
	unsigned int slot = es_reason_slot(f->host->table, code);

	assert_int_not_equal(slot, ES_NO_SLOT);
	f->reason[slot].exits = exits;
	f->reason[slot].cycles = cycles;
}

static void fake_total(const void *ctx, struct es_figures *out)
{
	const struct fake_stats *f = ctx;

	*out = f->total;
}

static void fake_reason(const void *ctx, unsigned int slot,
			struct es_figures *out)
{
	const struct fake_stats *f = ctx;
	const struct es_isa_table *t = f->host->table;
	uint32_t code;

	assert_true(slot < t->nr_slots);
	code = es_slot_code(t, slot);
	assert_non_null(es_reason_find(t, code));
	assert_true(es_reason_enabled(t, f->host->kernel, code));
	*out = f->reason[slot];
}

struct es_stats_source fake_stats_source(struct fake_stats *f)
{
	struct es_stats_source src = {
		.total = fake_total,
		.reason = fake_reason,
		.ctx = f,
	};

	return src;
}
