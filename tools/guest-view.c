// SPDX-License-Identifier: GPL-2.0
/*
 * Which rows of a snapshot or delta to show, and in what order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

static const char *const sort_names[] = {
	[GUEST_SORT_COUNT] = "count", [GUEST_SORT_CYCLES] = "cycles",
	[GUEST_SORT_AVG] = "avg",     [GUEST_SORT_CODE] = "code",
	[GUEST_SORT_NAME] = "name",
};

int guest_parse_sort(const char *s, enum guest_sort *sort)
{
	size_t i;

	for (i = 0; i < ES_ARRAY_SIZE(sort_names); i++) {
		if (!strcmp(s, sort_names[i])) {
			*sort = (enum guest_sort)i;
			return 0;
		}
	}
	return -EINVAL;
}

uint64_t guest_avg(uint64_t cycles, uint64_t exits)
{
	return exits ? cycles / exits : 0;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_code(const struct guest_row *a, const struct guest_row *b)
{
	return a->code < b->code ? -1 : a->code > b->code ? 1 : 0;
}

static uint64_t row_exits(const struct guest_row *r)
{
	return r->exits;
}

static uint64_t row_cycles(const struct guest_row *r)
{
	return r->cycles;
}

static uint64_t row_avg(const struct guest_row *r)
{
	return guest_avg(r->cycles, r->exits);
}

/* Descending by @key; ties in code order. */
static int by_key(const void *pa, const void *pb,
		  uint64_t (*key)(const struct guest_row *))
{
	const struct guest_row *a = *(const struct guest_row *const *)pa;
	const struct guest_row *b = *(const struct guest_row *const *)pb;
	int c = cmp_u64_desc(key(a), key(b));

	return c ? c : cmp_code(a, b);
}

static int by_count(const void *pa, const void *pb)
{
	return by_key(pa, pb, row_exits);
}

static int by_cycles(const void *pa, const void *pb)
{
	return by_key(pa, pb, row_cycles);
}

static int by_avg(const void *pa, const void *pb)
{
	return by_key(pa, pb, row_avg);
}

static int by_code(const void *pa, const void *pb)
{
	return cmp_code(*(const struct guest_row *const *)pa,
			*(const struct guest_row *const *)pb);
}

static int by_name(const void *pa, const void *pb)
{
	const struct guest_row *a = *(const struct guest_row *const *)pa;
	const struct guest_row *b = *(const struct guest_row *const *)pb;
	int c = strcmp(a->name, b->name);

	return c ? c : cmp_code(a, b);
}

void guest_view_init(struct guest_view *v, const struct guest_host *h,
		     const struct guest_snap *s, double seconds,
		     enum guest_sort sort, bool all)
{
	static int (*const cmp[])(const void *, const void *) = {
		[GUEST_SORT_COUNT] = by_count, [GUEST_SORT_CYCLES] = by_cycles,
		[GUEST_SORT_AVG] = by_avg,     [GUEST_SORT_CODE] = by_code,
		[GUEST_SORT_NAME] = by_name,
	};
	unsigned int i;

	v->host = h;
	v->snap = s;
	v->seconds = seconds;
	v->nr = 0;
	for (i = 0; i < s->nr_rows; i++)
		if (all || s->rows[i].exits || s->rows[i].cycles)
			v->rows[v->nr++] = &s->rows[i];
	qsort(v->rows, v->nr, sizeof(v->rows[0]), cmp[sort]);
}
