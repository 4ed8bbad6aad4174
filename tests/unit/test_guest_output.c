// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat guest` once, over a scripted host: sorting, --all, and the
 * exact text, JSON and CSV.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fake_host.h"

/* A VMX host: 600 I/O, 300 HLT, 100 CPUID exits; 1500 cycles a query. */
static void vmx_host(struct fake_host *h)
{
	fake_host_init(h, ES_ISA_VMX, ES_KERNEL_6_1, ES_SCOPE_VM);
	h->query_cycles = 1500;
	fake_host_add(h, 30, 600, 6000000);
	fake_host_add(h, 12, 300, 30000000);
	fake_host_add(h, 10, 100, 100000);
}

static void expect_guest(struct fake_host *h, const char *const args[],
			 const char *out)
{
	struct fake_env e;

	fake_env_init(&e, h);
	assert_int_equal(fake_guest(&e, args), 0);
	assert_string_equal(e.err, "");
	assert_string_equal(e.out, out);
	fake_env_free(&e);
}

static void test_text(void **state)
{
	struct fake_host h;

	(void)state;
	vmx_host(&h);
	expect_guest(
		&h, (const char *const[]){ NULL },
		"host: Intel VMX, exitstat ABI 1, scope vm; guest CPU: GenuineIntel\n"
		"total: 1000 exits, 36100000 cycles, 36100 cycles/exit; not counted: 4 CPUID exits of exitstat's own queries\n"
		"\n"
		"      CODE  NAME                               EXITS   SHARE             CYCLES        AVG\n"
		"        30  IO_INSTRUCTION                       600  60.00%            6000000      10000\n"
		"        12  HLT                                  300  30.00%           30000000     100000\n"
		"        10  CPUID                                100  10.00%             100000       1000\n");
	/*
	 * A second exitstat process: the first one's 165 CPUIDs (2 + 163 for
	 * a VMX snapshot) are history to it, like any other CPUID exits.
	 */
	expect_guest(
		&h, (const char *const[]){ "--sort", "cycles", NULL },
		"host: Intel VMX, exitstat ABI 1, scope vm; guest CPU: GenuineIntel\n"
		"total: 1165 exits, 36347500 cycles, 31199 cycles/exit; not counted: 4 CPUID exits of exitstat's own queries\n"
		"\n"
		"      CODE  NAME                               EXITS   SHARE             CYCLES        AVG\n"
		"        12  HLT                                  300  25.75%           30000000     100000\n"
		"        30  IO_INSTRUCTION                       600  51.50%            6000000      10000\n"
		"        10  CPUID                                265  22.75%             347500       1311\n");
}

static void test_json(void **state)
{
	struct fake_host h;

	(void)state;
	vmx_host(&h);
	expect_guest(
		&h, (const char *const[]){ "--json", NULL },
		"{\"host\":{\"isa\":\"vmx\",\"abi\":1,\"scope\":\"vm\"},"
		"\"guest_vendor\":\"GenuineIntel\",\"vendor_mismatch\":false,"
		"\"own_exits\":4,"
		"\"total\":{\"exits\":1000,\"cycles\":36100000,\"avg_cycles\":36100},"
		"\"reasons\":["
		"{\"code\":30,\"hex\":\"0x1e\",\"name\":\"IO_INSTRUCTION\",\"exits\":600,\"share_pct\":60.00,\"cycles\":6000000,\"avg_cycles\":10000},"
		"{\"code\":12,\"hex\":\"0xc\",\"name\":\"HLT\",\"exits\":300,\"share_pct\":30.00,\"cycles\":30000000,\"avg_cycles\":100000},"
		"{\"code\":10,\"hex\":\"0xa\",\"name\":\"CPUID\",\"exits\":100,\"share_pct\":10.00,\"cycles\":100000,\"avg_cycles\":1000}"
		"]}\n");
}

static void test_csv(void **state)
{
	struct fake_host h;

	(void)state;
	vmx_host(&h);
	expect_guest(&h, (const char *const[]){ "--csv", "-s", "code", NULL },
		     "code,hex,name,exits,share_pct,cycles,avg_cycles\n"
		     ",,total,1000,100.00,36100000,36100\n"
		     "10,0xa,CPUID,100,10.00,100000,1000\n"
		     "12,0xc,HLT,300,30.00,30000000,100000\n"
		     "30,0x1e,IO_INSTRUCTION,600,60.00,6000000,10000\n");
}

/* SVM codes are written in hex; 64-bit figures; scope global. */
static void test_svm(void **state)
{
	struct fake_host h;

	(void)state;
	fake_host_init(&h, ES_ISA_SVM, ES_KERNEL_6_12, ES_SCOPE_GLOBAL);
	fake_host_add(&h, 0x7b, 0x200000010ull, 0x300000020ull);
	fake_host_add(&h, 0x400, 0x10, 0x1000);
	expect_guest(
		&h, (const char *const[]){ NULL },
		"host: AMD SVM, exitstat ABI 1, scope global; guest CPU: AuthenticAMD\n"
		"total: 8589934624 exits, 12884906016 cycles, 1 cycles/exit; not counted: 4 CPUID exits of exitstat's own queries\n"
		"\n"
		"      CODE  NAME                               EXITS   SHARE             CYCLES        AVG\n"
		"      0x7b  IOIO                          8589934608 100.00%        12884901920          1\n"
		"     0x400  NPF                                   16   0.00%               4096        256\n");
	/* The first run's 357 CPUIDs are now history: a fresh host. */
	fake_host_init(&h, ES_ISA_SVM, ES_KERNEL_6_12, ES_SCOPE_GLOBAL);
	fake_host_add(&h, 0x7b, 0x200000010ull, 0x300000020ull);
	fake_host_add(&h, 0x400, 0x10, 0x1000);
	expect_guest(&h, (const char *const[]){ "-c", NULL },
		     "code,hex,name,exits,share_pct,cycles,avg_cycles\n"
		     ",,total,8589934624,100.00,12884906016,1\n"
		     "0x7b,0x7b,IOIO,8589934608,100.00,12884901920,1\n"
		     "0x400,0x400,NPF,16,0.00,4096,256\n");
}

static unsigned int count(const char *s, const char *needle)
{
	unsigned int n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

static void test_all(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	vmx_host(&h);
	fake_env_init(&e, &h);
	assert_int_equal(fake_guest(&e, (const char *const[]){ "-j", NULL }),
			 0);
	assert_int_equal(count(e.out, "\"code\":"), 3);
	fake_env_free(&e);

	vmx_host(&h);
	fake_env_init(&e, &h);
	assert_int_equal(
		fake_guest(&e, (const char *const[]){ "-j", "--all", NULL }),
		0);
	assert_int_equal(count(e.out, "\"code\":"),
			 defined_reasons(&es_vmx_table));
	/* Zero rows last under the default order, in code order. */
	assert_non_null(strstr(
		e.out,
		"\"avg_cycles\":1000},{\"code\":0,\"hex\":\"0x0\",\"name\":\"EXCEPTION_NMI\",\"exits\":0,\"share_pct\":0.00,\"cycles\":0,\"avg_cycles\":0},{\"code\":1,"));
	fake_env_free(&e);

	fake_env_init(&e, &h);
	assert_int_equal(fake_guest(&e, (const char *const[]){ "-ac", NULL }),
			 0);
	assert_int_equal(count(e.out, "\n"),
			 defined_reasons(&es_vmx_table) + 2);
	fake_env_free(&e);
}

/* Rows: code, name, exits, cycles (avg = cycles / exits). */
static const struct guest_row sort_rows[] = {
	{ 4, "D", 0, 0 },     { 3, "C", 5, 5000 }, { 1, "B", 10, 100 },
	{ 2, "A", 10, 1000 }, { 5, "E", 0, 0 },
};

static void expect_order(enum guest_sort sort, bool all, const char *order)
{
	static struct guest_snap s;
	struct guest_host host = { .table = &es_vmx_table };
	struct guest_view v;
	char got[16] = "";
	unsigned int i;

	s.nr_rows = ES_ARRAY_SIZE(sort_rows);
	memcpy(s.rows, sort_rows, sizeof(sort_rows));
	guest_view_init(&v, &host, &s, 0, sort, all);
	for (i = 0; i < v.nr; i++)
		strcat(got, v.rows[i]->name);
	assert_string_equal(got, order);
}

static void test_sort(void **state)
{
	static const char *const keys[] = { "count", "cycles", "avg", "code",
					    "name" };
	enum guest_sort sort;
	size_t i;

	(void)state;
	for (i = 0; i < ES_ARRAY_SIZE(keys); i++) {
		assert_int_equal(guest_parse_sort(keys[i], &sort), 0);
		assert_int_equal(sort, (enum guest_sort)i);
	}
	assert_int_equal(guest_parse_sort("Count", &sort), -EINVAL);
	assert_int_equal(guest_parse_sort("", &sort), -EINVAL);

	/* Descending by the figure, ties in code order. */
	expect_order(GUEST_SORT_COUNT, false, "BAC");
	expect_order(GUEST_SORT_CYCLES, false, "CAB");
	expect_order(GUEST_SORT_AVG, false, "CAB");
	expect_order(GUEST_SORT_CODE, false, "BAC");
	expect_order(GUEST_SORT_NAME, false, "ABC");
	expect_order(GUEST_SORT_COUNT, true, "BACDE");
	expect_order(GUEST_SORT_CODE, true, "BACDE");
	expect_order(GUEST_SORT_NAME, true, "ABCDE");
	expect_order(GUEST_SORT_AVG, true, "CABDE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text), cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),  cmocka_unit_test(test_svm),
		cmocka_unit_test(test_all),  cmocka_unit_test(test_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
