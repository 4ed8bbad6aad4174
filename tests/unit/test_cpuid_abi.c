// SPDX-License-Identifier: GPL-2.0
/*
 * es_cpuid_answer(): the register values of every leaf, the undefined and
 * not-enabled rules over the whole 32-bit ECX range, 64-bit splits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fake_stats.h"

static const uint32_t edge_ecx[] = {
	0x0,	    0x1,	0xff,	    0x100,	0x3ff,
	0x400,	    0x403,	0x404,	    0x1000,	0xffff,
	0x10000,    0x7fffffff, 0x80000000, 0x80000001, 0xf0000000,
	0xfffffffc, 0xfffffffd, 0xfffffffe, 0xffffffff,
};

static struct es_regs ask(const struct es_host *host, struct fake_stats *f,
			  uint32_t leaf, uint32_t ecx)
{
	struct es_stats_source src = fake_stats_source(f);
	struct es_regs r = { 0xa5a5a5a5, 0xa5a5a5a5, 0xa5a5a5a5, 0xa5a5a5a5 };

	assert_true(es_cpuid_answer(leaf, ecx, host, &src, &r));
	return r;
}

static void assert_regs(struct es_regs r, uint32_t eax, uint32_t ebx,
			uint32_t ecx, uint32_t edx)
{
	assert_int_equal(r.eax, eax);
	assert_int_equal(r.ebx, ebx);
	assert_int_equal(r.ecx, ecx);
	assert_int_equal(r.edx, edx);
}

static void test_other_leaves_untouched(void **state)
{
	static const uint32_t leaves[] = {
		0x0,	    0x1,	0x40000000, 0x40000001,
		0x4ffffffb, 0x50000000, 0x80000000, 0xffffffff,
	};
	struct es_host host = { &es_svm_table, ES_KERNEL_6_1, ES_SCOPE_VM };
	struct fake_stats f;
	struct es_stats_source src;
	size_t i;

	(void)state;
	fake_stats_init(&f, &host);
	src = fake_stats_source(&f);
	for (i = 0; i < ES_ARRAY_SIZE(leaves); i++) {
		struct es_regs r = { 1, 2, 3, 4 };

		assert_false(es_cpuid_answer(leaves[i], 0, &host, &src, &r));
		assert_regs(r, 1, 2, 3, 4);
		assert_false(es_leaf_is_ours(leaves[i]));
	}
}

static void test_discovery_and_host_info(void **state)
{
	struct es_host vmx = { &es_vmx_table, ES_KERNEL_6_12, ES_SCOPE_VM };
	struct es_host svm = { &es_svm_table, ES_KERNEL_6_1, ES_SCOPE_GLOBAL };
	struct fake_stats f;

	(void)state;
	fake_stats_init(&f, &vmx);
	f.total.exits = 0x1234;
	assert_regs(ask(&vmx, &f, 0x4ffffffc, 0), 0x1234, 0x74697865,
		    0x74617473, 0x00000101);
	fake_stats_init(&f, &svm);
	f.total.exits = 0xffffffff;
	assert_regs(ask(&svm, &f, 0x4ffffffc, 0xffffffff), 0xffffffff,
		    0x74697865, 0x74617473, 0x00010201);
}

static void test_totals_split_64(void **state)
{
	struct es_host host = { &es_vmx_table, ES_KERNEL_6_1, ES_SCOPE_VM };
	struct fake_stats f;

	(void)state;
	fake_stats_init(&f, &host);
	f.total.exits = 0xfedcba9876543210ull;
	f.total.cycles = 0x0123456789abcdefull;
	assert_int_equal(ask(&host, &f, 0x4ffffffc, 0).eax, 0x76543210);
	assert_regs(ask(&host, &f, 0x4ffffffd, 0), 0xfedcba98, 0x01234567,
		    0x89abcdef, 0);
	/* ECX is not an input of the total leaves. */
	assert_regs(ask(&host, &f, 0x4ffffffd, 0x7b), 0xfedcba98, 0x01234567,
		    0x89abcdef, 0);
}

static void test_reason_split_64(void **state)
{
	struct es_host host = { &es_svm_table, ES_KERNEL_6_12, ES_SCOPE_VM };
	struct fake_stats f;

	(void)state;
	fake_stats_init(&f, &host);
	fake_stats_set(&f, 0x7b, 0x100000000ull, 0xffffffffull);
	assert_regs(ask(&host, &f, 0x4ffffffe, 0x7b), 0, 1, 0, 0);
	assert_regs(ask(&host, &f, 0x4fffffff, 0x7b), 0, 0, 0xffffffff, 0);
	fake_stats_set(&f, 0x7b, 0xffffffffull, 0x1ffffffffull);
	assert_regs(ask(&host, &f, 0x4ffffffe, 0x7b), 0xffffffff, 0, 0, 0);
	assert_regs(ask(&host, &f, 0x4fffffff, 0x7b), 0, 1, 0xffffffff, 0);
}

/* What the contract says for @code, derived from the tables. */
static void check_code(const struct es_host *host, struct fake_stats *f,
		       uint32_t code)
{
	const struct es_isa_table *t = host->table;
	struct es_regs n = ask(host, f, 0x4ffffffe, code);
	struct es_regs c = ask(host, f, 0x4fffffff, code);
	unsigned int slot;

	if (!es_reason_find(t, code)) {
		assert_regs(n, 0, 0, 0, 0xffffffff);
		assert_regs(c, 0, 0, 0, 0xffffffff);
	} else if (!es_reason_enabled(t, host->kernel, code)) {
		assert_regs(n, 0, 0, 0, 0);
		assert_regs(c, 0, 0, 0, 0);
	} else {
		slot = es_reason_slot(t, code);
		assert_regs(n, (uint32_t)f->reason[slot].exits,
			    (uint32_t)(f->reason[slot].exits >> 32), 0, 0);
		assert_regs(c, 0, (uint32_t)(f->reason[slot].cycles >> 32),
			    (uint32_t)f->reason[slot].cycles, 0);
	}
}

/* Every code 0..0x1100, every range edge and the edge values. */
static void sweep(const struct es_host *host)
{
	const struct es_isa_table *t = host->table;
	struct fake_stats f;
	unsigned int slot, i;
	uint32_t code;

	fake_stats_init(&f, host);
	for (slot = 0; slot < t->nr_slots; slot++) {
		f.reason[slot].exits = 0x100000000ull * slot + 7 * slot + 1;
		f.reason[slot].cycles = 0x300000000ull * slot + 11 * slot + 2;
	}
	for (code = 0; code <= 0x1100; code++)
		check_code(host, &f, code);
	for (i = 0; i < ES_ARRAY_SIZE(edge_ecx); i++)
		check_code(host, &f, edge_ecx[i]);
	for (i = 0; i < t->nr_ranges; i++) {
		check_code(host, &f, t->ranges[i].first - 1);
		check_code(host, &f, t->ranges[i].last + 1);
	}
}

static void test_sweep_every_table(void **state)
{
	static const enum es_isa isas[] = { ES_ISA_VMX, ES_ISA_SVM };
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < ES_ARRAY_SIZE(isas); i++) {
		for (k = 0; k < ES_KERNEL_NR; k++) {
			struct es_host host = { es_isa_table(isas[i]), k,
						ES_SCOPE_VM };

			sweep(&host);
		}
	}
}

static void test_named_cases(void **state)
{
	struct es_host vmx = { &es_vmx_table, ES_KERNEL_6_1, ES_SCOPE_VM };
	struct es_host svm = { &es_svm_table, ES_KERNEL_6_1, ES_SCOPE_VM };
	struct fake_stats f;

	(void)state;
	fake_stats_init(&f, &vmx);
	/* SDM: 35, 38 and 42 are not defined. */
	assert_regs(ask(&vmx, &f, 0x4ffffffe, 35), 0, 0, 0, 0xffffffff);
	assert_regs(ask(&vmx, &f, 0x4ffffffe, 38), 0, 0, 0, 0xffffffff);
	assert_regs(ask(&vmx, &f, 0x4fffffff, 42), 0, 0, 0, 0xffffffff);
	/* 33, VM-entry failure for invalid guest state: no handler. */
	assert_regs(ask(&vmx, &f, 0x4ffffffe, 33), 0, 0, 0, 0);
	/* 12 HLT: enabled, no exits yet. */
	assert_regs(ask(&vmx, &f, 0x4ffffffe, 12), 0, 0, 0, 0);

	fake_stats_init(&f, &svm);
	assert_regs(ask(&svm, &f, 0x4ffffffe, 0x01), 0, 0, 0, 0);
	assert_regs(ask(&svm, &f, 0x4ffffffe, 0xffffffff), 0, 0, 0, 0);
	assert_regs(ask(&svm, &f, 0x4ffffffe, 0x404), 0, 0, 0, 0xffffffff);
	assert_regs(ask(&svm, &f, 0x4fffffff, 0x80000000), 0, 0, 0, 0xffffffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_leaves_untouched),
		cmocka_unit_test(test_discovery_and_host_info),
		cmocka_unit_test(test_totals_split_64),
		cmocka_unit_test(test_reason_split_64),
		cmocka_unit_test(test_sweep_every_table),
		cmocka_unit_test(test_named_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
