// SPDX-License-Identifier: GPL-2.0
/*
 * core/record.h: the hot path's arithmetic (counts, cycles, min/max, the
 * log2 histogram), as exitstat.ko runs it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../core/record.h"

#define SLOTS 4

static struct es_vcpu_stats *new_stats(void)
{
	struct es_vcpu_stats *s =
		calloc(1, sizeof(*s) + SLOTS * sizeof(s->reasons[0]));

	assert_non_null(s);
	return s;
}

static void test_hist_bucket(void **state)
{
	(void)state;
	assert_int_equal(es_hist_bucket(0), 0);
	assert_int_equal(es_hist_bucket(1), 0);
	assert_int_equal(es_hist_bucket(2), 1);
	assert_int_equal(es_hist_bucket(3), 1);
	assert_int_equal(es_hist_bucket(4), 2);
	assert_int_equal(es_hist_bucket(1023), 9);
	assert_int_equal(es_hist_bucket(1024), 10);
	assert_int_equal(es_hist_bucket(0x7fffffffull), 30);
	assert_int_equal(es_hist_bucket(0x80000000ull), 31);
	assert_int_equal(es_hist_bucket(~0ull), 31);
}

static void test_exit_then_entry(void **state)
{
	struct es_vcpu_stats *s = new_stats();

	(void)state;
	es_record_exit(s, 2, 1000);
	assert_int_equal(s->exits, 1);
	assert_int_equal(s->reasons[2].exits, 1);
	assert_int_equal(s->reasons[2].cycles, 0);
	es_record_entry(s, 1700);
	assert_int_equal(s->cycles, 700);
	assert_int_equal(s->reasons[2].cycles, 700);
	assert_int_equal(s->reasons[2].min, 700);
	assert_int_equal(s->reasons[2].max, 700);
	assert_int_equal(s->reasons[2].hist[9], 1);
	assert_int_equal(s->exit_tsc, 0);

	es_record_exit(s, 2, 5000);
	es_record_entry(s, 5100);
	es_record_exit(s, 1, 6000);
	es_record_entry(s, 6000 + 0x100000000ull);
	assert_int_equal(s->exits, 3);
	assert_int_equal(s->reasons[2].exits, 2);
	assert_int_equal(s->reasons[2].cycles, 800);
	assert_int_equal(s->reasons[2].min, 100);
	assert_int_equal(s->reasons[2].max, 700);
	assert_int_equal(s->reasons[2].hist[6], 1);
	assert_int_equal(s->reasons[1].cycles, 0x100000000ull);
	assert_int_equal(s->reasons[1].hist[31], 1);
	assert_int_equal(s->cycles, 800 + 0x100000000ull);
	free(s);
}

static void test_entry_without_exit(void **state)
{
	struct es_vcpu_stats *s = new_stats();

	(void)state;
	/* The first entry after loading, or a failed VM entry: no exit. */
	es_record_entry(s, 12345);
	es_record_exit(s, 0, 100);
	es_record_entry(s, 200);
	es_record_entry(s, 900);
	assert_int_equal(s->cycles, 100);
	assert_int_equal(s->reasons[0].hist[6], 1);
	free(s);
}

static void test_tsc_going_backwards(void **state)
{
	struct es_vcpu_stats *s = new_stats();

	(void)state;
	/* The vCPU migrated to a CPU whose TSC is a little behind. */
	es_record_exit(s, 3, 10000);
	es_record_entry(s, 9990);
	assert_int_equal(s->cycles, 0);
	assert_int_equal(s->reasons[3].max, 0);
	assert_int_equal(s->reasons[3].hist[0], 1);
	free(s);
}

static void test_counts_past_32_bits(void **state)
{
	struct es_vcpu_stats *s = new_stats();

	(void)state;
	/* Counters are 64-bit: no wrap where a 32-bit view would. */
	s->exits = 0xffffffffull;
	s->reasons[1].exits = 0xffffffffull;
	s->cycles = s->reasons[1].cycles = 0xfffffff0ull;
	es_record_exit(s, 1, 100);
	es_record_entry(s, 132);
	assert_int_equal(s->exits, 0x100000000ull);
	assert_int_equal(s->reasons[1].exits, 0x100000000ull);
	assert_int_equal(s->cycles, 0x100000010ull);
	assert_int_equal(s->reasons[1].cycles, 0x100000010ull);
	free(s);
}

static void test_tsc_wrapping(void **state)
{
	struct es_vcpu_stats *s = new_stats();

	(void)state;
	/*
	 * A TSC that wraps at 2^64 (centuries away at any clock rate) reads
	 * as going backwards: the exit counts, its time as 0, never as
	 * ~2^64 cycles.
	 */
	es_record_exit(s, 0, ~0ull - 10);
	es_record_entry(s, 5);
	assert_int_equal(s->exits, 1);
	assert_int_equal(s->cycles, 0);
	assert_int_equal(s->reasons[0].max, 0);
	/* The largest time there is lands in the last bucket. */
	es_record_exit(s, 0, 1);
	es_record_entry(s, ~0ull);
	assert_int_equal(s->cycles, ~0ull - 1);
	assert_int_equal(s->reasons[0].hist[ES_HIST_BUCKETS - 1], 1);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_bucket),
		cmocka_unit_test(test_exit_then_entry),
		cmocka_unit_test(test_entry_without_exit),
		cmocka_unit_test(test_tsc_going_backwards),
		cmocka_unit_test(test_counts_past_32_bits),
		cmocka_unit_test(test_tsc_wrapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
