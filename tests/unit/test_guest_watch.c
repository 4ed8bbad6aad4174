// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat guest INTERVAL [COUNT]` over a scripted host and clock:
 * per-interval deltas and rates, in text, JSON and CSV; interruption, a
 * host-side reset, the leaves going away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fake_host.h"

static void vmx_host(struct fake_host *h)
{
	fake_host_init(h, ES_ISA_VMX, ES_KERNEL_6_1, ES_SCOPE_VM);
	h->query_cycles = 1500;
	fake_host_add(h, 30, 600, 6000000);
	fake_host_add(h, 12, 300, 30000000);
	fake_host_add(h, 10, 100, 100000);
}

/* Interval n: 50n I/O exits of 10000 cycles, 3 CPUIDs of 1000 elsewhere. */
static void activity(struct fake_env *e, unsigned int n)
{
	fake_host_add(e->host, 30, 50 * n, 500000 * n);
	fake_host_add(e->host, 10, 3, 3000);
}

static int watch(struct fake_host *h, struct fake_env *e,
		 const char *const args[])
{
	vmx_host(h);
	fake_env_init(e, h);
	e->activity = activity;
	return fake_guest(e, args);
}

static void test_text(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	assert_int_equal(watch(&h, &e, (const char *const[]){ "1", "2", NULL }),
			 0);
	assert_string_equal(e.err, "");
	assert_string_equal(
		e.out,
		"12:00:01  interval 1.000 s\n"
		"total: 53 exits (53.0/s), 503000 cycles, 9490 cycles/exit; not counted: 163 CPUID exits of exitstat's own queries\n"
		"\n"
		"      CODE  NAME                               EXITS   SHARE      EXITS/S             CYCLES        AVG\n"
		"        30  IO_INSTRUCTION                        50  94.34%         50.0             500000      10000\n"
		"        10  CPUID                                  3   5.66%          3.0               3000       1000\n"
		"\n"
		"12:00:02  interval 1.000 s\n"
		"total: 103 exits (103.0/s), 1003000 cycles, 9737 cycles/exit; not counted: 163 CPUID exits of exitstat's own queries\n"
		"\n"
		"      CODE  NAME                               EXITS   SHARE      EXITS/S             CYCLES        AVG\n"
		"        30  IO_INSTRUCTION                       100  97.09%        100.0            1000000      10000\n"
		"        10  CPUID                                  3   2.91%          3.0               3000       1000\n"
		"\n");
	assert_int_equal(e.sleeps, 2);
	fake_env_free(&e);
}

static void test_json(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	assert_int_equal(watch(&h, &e,
			       (const char *const[]){ "-j", "1", "2", NULL }),
			 0);
	assert_string_equal(
		e.out,
		"{\"time\":\"12:00:01\",\"elapsed\":1.000,\"interval\":1.000,\"own_exits\":163,"
		"\"total\":{\"exits\":53,\"exits_per_s\":53.0,\"cycles\":503000,\"avg_cycles\":9490},"
		"\"reasons\":["
		"{\"code\":30,\"hex\":\"0x1e\",\"name\":\"IO_INSTRUCTION\",\"exits\":50,\"share_pct\":94.34,\"exits_per_s\":50.0,\"cycles\":500000,\"avg_cycles\":10000},"
		"{\"code\":10,\"hex\":\"0xa\",\"name\":\"CPUID\",\"exits\":3,\"share_pct\":5.66,\"exits_per_s\":3.0,\"cycles\":3000,\"avg_cycles\":1000}]}\n"
		"{\"time\":\"12:00:02\",\"elapsed\":2.000,\"interval\":1.000,\"own_exits\":163,"
		"\"total\":{\"exits\":103,\"exits_per_s\":103.0,\"cycles\":1003000,\"avg_cycles\":9737},"
		"\"reasons\":["
		"{\"code\":30,\"hex\":\"0x1e\",\"name\":\"IO_INSTRUCTION\",\"exits\":100,\"share_pct\":97.09,\"exits_per_s\":100.0,\"cycles\":1000000,\"avg_cycles\":10000},"
		"{\"code\":10,\"hex\":\"0xa\",\"name\":\"CPUID\",\"exits\":3,\"share_pct\":2.91,\"exits_per_s\":3.0,\"cycles\":3000,\"avg_cycles\":1000}]}\n");
	fake_env_free(&e);
}

static void test_csv(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	assert_int_equal(watch(&h, &e,
			       (const char *const[]){ "0.5", "--csv", "2", "-s",
						      "name", NULL }),
			 0);
	assert_string_equal(
		e.out,
		"time,elapsed,code,hex,name,exits,share_pct,exits_per_s,cycles,avg_cycles\n"
		"12:00:00,0.500,,,total,53,100.00,106.0,503000,9490\n"
		"12:00:00,0.500,10,0xa,CPUID,3,5.66,6.0,3000,1000\n"
		"12:00:00,0.500,30,0x1e,IO_INSTRUCTION,50,94.34,100.0,500000,10000\n"
		"12:00:01,1.000,,,total,103,100.00,206.0,1003000,9737\n"
		"12:00:01,1.000,10,0xa,CPUID,3,2.91,6.0,3000,1000\n"
		"12:00:01,1.000,30,0x1e,IO_INSTRUCTION,100,97.09,200.0,1000000,10000\n");
	fake_env_free(&e);
}

/* Without COUNT it runs until interrupted (SIGINT ends the sleep). */
static void test_interrupted(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	vmx_host(&h);
	fake_env_init(&e, &h);
	e.activity = activity;
	e.max_sleeps = 3;
	assert_int_equal(
		fake_guest(&e, (const char *const[]){ "-c", "2", NULL }), 0);
	/* Header and three intervals of a total and two rows. */
	assert_non_null(strstr(e.out, "12:00:06,6.000,,,total,153,"));
	assert_null(strstr(e.out, "12:00:08"));
	assert_string_equal(e.err, "");
	fake_env_free(&e);
}

/* Interval 1: the host's root resets the counters, then 5 HLT exits. */
static void reset_activity(struct fake_env *e, unsigned int n)
{
	if (n == 1) {
		memset(&e->host->stats.total, 0, sizeof(e->host->stats.total));
		memset(e->host->stats.reason, 0, sizeof(e->host->stats.reason));
	}
	fake_host_add(e->host, 12, 5, 500000);
}

static void test_reset(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	vmx_host(&h);
	fake_env_init(&e, &h);
	e.activity = reset_activity;
	assert_int_equal(
		fake_guest(&e, (const char *const[]){ "-j", "1", "2", NULL }),
		0);
	assert_string_equal(
		e.out,
		"{\"time\":\"12:00:01\",\"elapsed\":1.000,\"reset\":true}\n"
		"{\"time\":\"12:00:02\",\"elapsed\":2.000,\"interval\":1.000,\"own_exits\":163,"
		"\"total\":{\"exits\":5,\"exits_per_s\":5.0,\"cycles\":500000,\"avg_cycles\":100000},"
		"\"reasons\":[{\"code\":12,\"hex\":\"0xc\",\"name\":\"HLT\",\"exits\":5,\"share_pct\":100.00,\"exits_per_s\":5.0,\"cycles\":500000,\"avg_cycles\":100000}]}\n");
	fake_env_free(&e);

	vmx_host(&h);
	fake_env_init(&e, &h);
	e.activity = reset_activity;
	assert_int_equal(
		fake_guest(&e, (const char *const[]){ "1", "1", NULL }), 0);
	assert_string_equal(
		e.out,
		"12:00:01  the host reset its counters: this interval is skipped\n\n");
	fake_env_free(&e);
}

/* Interval 2: exitstat.ko is unloaded. */
static void unload_activity(struct fake_env *e, unsigned int n)
{
	activity(e, n);
	if (n == 2)
		e->host->module = false;
}

static void test_leaves_gone(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	vmx_host(&h);
	fake_env_init(&e, &h);
	e.activity = unload_activity;
	assert_int_equal(
		fake_guest(&e, (const char *const[]){ "-j", "1", "5", NULL }),
		1);
	assert_non_null(strstr(e.out, "\"time\":\"12:00:01\""));
	assert_null(strstr(e.out, "\"time\":\"12:00:02\""));
	assert_string_equal(
		e.err,
		"exitstat: the exitstat CPUID leaves went away (exitstat.ko unloaded on the host?)\n");
	fake_env_free(&e);
}

static void test_delta(void **state)
{
	static struct guest_snap a, b, d;

	(void)state;
	a.exits = 10;
	a.cycles = 1000;
	a.own = 5;
	a.nr_rows = 2;
	a.rows[0] = (struct guest_row){ 1, "X", 4, 400 };
	a.rows[1] = (struct guest_row){ 2, "Y", 6, 600 };
	b = a;
	b.exits = 15;
	b.cycles = 990; /* an estimate that went back a little: 0, not -10 */
	b.own = 12;
	b.rows[0].exits = 9;
	b.rows[0].cycles = 900;
	b.t.mono.tv_sec = 7;
	guest_delta(&a, &b, &d);
	assert_int_equal(d.exits, 5);
	assert_int_equal(d.cycles, 0);
	assert_int_equal(d.own, 7);
	assert_int_equal(d.nr_rows, 2);
	assert_int_equal(d.rows[0].exits, 5);
	assert_int_equal(d.rows[0].cycles, 500);
	assert_string_equal(d.rows[0].name, "X");
	assert_int_equal(d.rows[1].exits, 0);
	assert_int_equal(d.t.mono.tv_sec, 7);
	assert_true(guest_seconds(&a.t, &b.t) == 7.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_interrupted),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_leaves_gone),
		cmocka_unit_test(test_delta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
