// SPDX-License-Identifier: GPL-2.0
/*
 * The guest reader against a scripted host: discovery, the correction for
 * exitstat's own CPUID exits (exact numbers), 64-bit values read in two
 * halves, a host-side reset.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_host.h"

static const struct guest_time t0 = { { 1000, 0 }, 0 };

/* A VMX host: 600 I/O, 300 HLT, 100 CPUID exits; 1500 cycles a query. */
static void vmx_host(struct fake_host *h)
{
	fake_host_init(h, ES_ISA_VMX, ES_KERNEL_6_1, ES_SCOPE_VM);
	h->query_cycles = 1500;
	fake_host_add(h, 30, 600, 6000000);
	fake_host_add(h, 12, 300, 30000000);
	fake_host_add(h, 10, 100, 100000);
}

static const struct guest_row *row(const struct guest_snap *s, uint32_t code)
{
	unsigned int i;

	for (i = 0; i < s->nr_rows; i++)
		if (s->rows[i].code == code)
			return &s->rows[i];
	fail_msg("no row for code %u", code);
	return NULL;
}

static void assert_row(const struct guest_snap *s, uint32_t code,
		       uint64_t exits, uint64_t cycles)
{
	const struct guest_row *r = row(s, code);

	assert_int_equal(r->exits, exits);
	assert_int_equal(r->cycles, cycles);
}

/* CPUIDs in one snapshot: CPUID row cycles twice, two totals, 2 a reason
 * but the CPUID row's cycles. */
static uint64_t snapshot_queries(const struct es_isa_table *t)
{
	return 2 * (uint64_t)defined_reasons(t) + 3;
}

static void test_discovery_present(void **state)
{
	struct fake_host h;
	struct guest_reader r;

	(void)state;
	fake_host_init(&h, ES_ISA_SVM, ES_KERNEL_6_12, ES_SCOPE_GLOBAL);
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_ptr_equal(r.host.table, &es_svm_table);
	assert_int_equal(r.cpuid_code, 0x72);
	assert_string_equal(r.host.vendor, "AuthenticAMD");
	assert_false(r.host.vendor_mismatch);
	assert_string_equal(guest_scope_name(&r.host), "global");
	assert_string_equal(guest_isa_title(&r.host), "AMD SVM");
	/* Two CPUIDs: the vendor and the discovery leaf. */
	assert_int_equal(r.queries, 2);
	assert_int_equal(h.queries, 2);

	fake_host_init(&h, ES_ISA_VMX, ES_KERNEL_6_1, ES_SCOPE_VM);
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_ptr_equal(r.host.table, &es_vmx_table);
	assert_int_equal(r.cpuid_code, 10);
	assert_string_equal(guest_scope_name(&r.host), "vm");
}

static void expect_open_error(struct fake_host *h, int err, const char *line)
{
	struct guest_reader r;
	struct fake_env e;
	int ret;

	assert_int_equal(guest_open(&r, &h->source), err);

	/* The command: one line on stderr, nothing on stdout, status 1. */
	fake_env_init(&e, h);
	ret = fake_guest(&e, (const char *const[]){ "--json", NULL });
	assert_int_equal(ret, 1);
	assert_string_equal(e.out, "");
	assert_string_equal(e.err, line);
	fake_env_free(&e);

	fake_env_init(&e, h);
	ret = fake_run(&e, (const char *const[]){ "--", "true", NULL });
	assert_int_equal(ret, 1);
	assert_null(e.run_arg0); /* the command was not run */
	assert_string_equal(e.out, "");
	assert_string_equal(e.err, line);
	fake_env_free(&e);
}

static void test_discovery_absent(void **state)
{
	struct fake_host h;

	(void)state;
	/* KVM without the module, Intel-style answers for unknown leaves. */
	fake_host_init(&h, ES_ISA_VMX, ES_KERNEL_6_1, ES_SCOPE_VM);
	h.module = false;
	expect_open_error(
		&h, -ENODEV,
		"exitstat: this guest's hypervisor (KVMKVMKVM) does not provide the exitstat CPUID leaves (no exitstat.ko on the host?)\n");

	/* Another hypervisor that names itself. */
	h.hv_name = "Microsoft Hv";
	expect_open_error(
		&h, -ENODEV,
		"exitstat: this guest's hypervisor (Microsoft Hv) does not provide the exitstat CPUID leaves (no exitstat.ko on the host?)\n");

	/* One that does not. */
	h.hv_name = NULL;
	expect_open_error(
		&h, -ENODEV,
		"exitstat: this guest's hypervisor does not provide the exitstat CPUID leaves (no exitstat.ko on the host?)\n");

	/* Bare metal. */
	h.hypervisor = false;
	expect_open_error(
		&h, -ENODEV,
		"exitstat: no hypervisor present (CPUID.1:ECX bit 31 is clear): the exitstat CPUID leaves exist only in KVM guests of a host with exitstat.ko\n");
}

static void test_discovery_wrong_isa(void **state)
{
	struct fake_host h;

	(void)state;
	fake_host_init(&h, ES_ISA_SVM, ES_KERNEL_6_1, ES_SCOPE_VM);
	h.info = 0x00000301; /* ABI 1, ISA 3 */
	expect_open_error(
		&h, -EPROTO,
		"exitstat: the host's exitstat.ko speaks ABI version 1 with ISA 3, which this exitstat does not know\n");
	h.info = 0x00000200; /* ABI 0 */
	expect_open_error(
		&h, -EPROTO,
		"exitstat: the host's exitstat.ko speaks ABI version 0 with ISA 2, which this exitstat does not know\n");
	h.info = 0x00010002; /* ISA 0 */
	expect_open_error(
		&h, -EPROTO,
		"exitstat: the host's exitstat.ko speaks ABI version 2 with ISA 0, which this exitstat does not know\n");
}

static void test_vendor_mismatch(void **state)
{
	struct fake_host h;
	struct guest_reader r;
	struct fake_env e;

	(void)state;
	fake_host_init(&h, ES_ISA_SVM, ES_KERNEL_6_1, ES_SCOPE_VM);
	h.vendor = "GenuineIntel";
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_true(r.host.vendor_mismatch);
	assert_ptr_equal(r.host.table, &es_svm_table);

	fake_env_init(&e, &h);
	assert_int_equal(fake_guest(&e, (const char *const[]){ NULL }), 0);
	assert_string_equal(
		e.err,
		"exitstat: note: the host reports AMD SVM exit reasons but this guest's CPU says 'GenuineIntel'; reasons are named after the host\n");
	fake_env_free(&e);

	/* A vendor we cannot place is no mismatch. */
	h.vendor = "VIA VIA VIA ";
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_false(r.host.vendor_mismatch);
	h.vendor = "HygonGenuine";
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_false(r.host.vendor_mismatch);
}

static void test_correction(void **state)
{
	uint64_t n = snapshot_queries(&es_vmx_table);
	struct guest_reader r;
	struct guest_snap s;
	struct fake_host h;
	unsigned int i;

	(void)state;
	/* As 'exitstat guest --help' and docs/guest-tool.md say. */
	assert_int_equal(n, 163);
	assert_int_equal(snapshot_queries(&es_svm_table), 355);
	vmx_host(&h);
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_int_equal(guest_snapshot(&r, &s, &t0), 0);
	assert_int_equal(r.queries, 2 + n);
	assert_int_equal(h.queries, 2 + n);
	/* The host did count every query, and their cycles ... */
	assert_int_equal(h.stats.total.exits, 1000 + 2 + n);
	assert_int_equal(fake_host_reason(&h, 10).exits, 100 + 2 + n);
	assert_int_equal(h.stats.total.cycles, 36100000 + 1500 * (2 + n));
	/* ... and the snapshot shows the host as it was before exitstat. */
	assert_int_equal(s.exits, 1000);
	assert_int_equal(s.cycles, 36100000);
	assert_int_equal(s.own, 4); /* the total was answered by query 4 */
	assert_row(&s, 10, 100, 100000);
	assert_row(&s, 30, 600, 6000000);
	assert_row(&s, 12, 300, 30000000);
	assert_int_equal(s.nr_rows, defined_reasons(&es_vmx_table));
	for (i = 0; i < s.nr_rows; i++)
		if (s.rows[i].code != 10 && s.rows[i].code != 30 &&
		    s.rows[i].code != 12)
			assert_int_equal(s.rows[i].exits + s.rows[i].cycles, 0);

	/* Again, and again: still the same, though the host counts on. */
	assert_int_equal(guest_snapshot(&r, &s, &t0), 0);
	assert_int_equal(guest_snapshot(&r, &s, &t0), 0);
	assert_int_equal(s.exits, 1000);
	assert_int_equal(s.cycles, 36100000);
	assert_int_equal(s.own, 4 + 2 * n);
	assert_row(&s, 10, 100, 100000);
	assert_int_equal(h.stats.total.exits, 1000 + 2 + 3 * n);
}

/* Scripted activity during a snapshot: a foreign CPUID and an HLT exit. */
static void busy_hook(struct fake_host *h, uint64_t query)
{
	if (query == 4) /* the snapshot's first CPUID has been answered */
		fake_host_add(h, 10, 1, 0);
	if (query == 6)
		fake_host_add(h, 12, 1, 5000);
}

static void test_correction_busy(void **state)
{
	struct guest_reader r;
	struct guest_snap s;
	struct fake_host h;

	(void)state;
	vmx_host(&h);
	h.hook = busy_hook;
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_int_equal(guest_snapshot(&r, &s, &t0), 0);
	/* Real exits are kept, where they were read after they happened. */
	assert_int_equal(s.exits, 1001);
	assert_row(&s, 10, 101, 100000);
	assert_row(&s, 12, 301, 30005000);
	assert_int_equal(s.own, 4);
}

static void test_split_64(void **state)
{
	static const uint64_t totals[] = {
		0xfffffffbull, /* low half 0xffffffff when read */
		0xfffffffcull, /* low half wrapped to 0 when read */
		0xfffffffaull, 0x1fffffffbull, 0x123456789abcdefull,
	};
	struct guest_reader r;
	struct guest_snap s;
	struct fake_host h;
	size_t i;

	(void)state;
	for (i = 0; i < ES_ARRAY_SIZE(totals); i++) {
		fake_host_init(&h, ES_ISA_SVM, ES_KERNEL_6_1, ES_SCOPE_VM);
		fake_host_add(&h, 0x7b, totals[i] - 5, 0x300000020ull);
		fake_host_add(&h, 0x72, 5, 0x123456789ull);
		assert_int_equal(guest_open(&r, &h.source), 0);
		assert_int_equal(guest_snapshot(&r, &s, &t0), 0);
		assert_int_equal(s.exits, totals[i]);
		assert_int_equal(s.cycles, 0x300000020ull + 0x123456789ull);
		assert_row(&s, 0x7b, totals[i] - 5, 0x300000020ull);
		assert_row(&s, 0x72, 5, 0x123456789ull);
	}
	/* Per-reason counts over 32 bits (EAX low, EBX high). */
	fake_host_init(&h, ES_ISA_VMX, ES_KERNEL_6_12, ES_SCOPE_GLOBAL);
	fake_host_add(&h, 30, 0x200000010ull, 0xfffffffeull);
	fake_host_add(&h, 48, 0x100000000ull, 0x100000000ull);
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_int_equal(guest_snapshot(&r, &s, &t0), 0);
	assert_row(&s, 30, 0x200000010ull, 0xfffffffeull);
	assert_row(&s, 48, 0x100000000ull, 0x100000000ull);
	assert_int_equal(s.exits, 0x300000010ull);
}

static void test_reset(void **state)
{
	struct guest_snap s, d, prev;
	struct guest_reader r;
	struct fake_host h;

	(void)state;
	vmx_host(&h);
	assert_int_equal(guest_open(&r, &h.source), 0);
	assert_int_equal(guest_snapshot(&r, &prev, &t0), 0);
	assert_false(prev.reset);

	/* The host's root writes /proc/exitstat/reset; then 7 I/O exits. */
	memset(&h.stats.total, 0, sizeof(h.stats.total));
	memset(h.stats.reason, 0, sizeof(h.stats.reason));
	fake_host_add(&h, 30, 7, 70000);
	assert_int_equal(guest_snapshot(&r, &s, &t0), 0);
	assert_true(s.reset);
	assert_int_equal(s.exits, 7);
	assert_int_equal(s.cycles, 70000);
	assert_row(&s, 10, 0, 0);
	assert_row(&s, 30, 7, 70000);

	/* From then on, as before. */
	prev = s;
	fake_host_add(&h, 12, 2, 200);
	assert_int_equal(guest_snapshot(&r, &s, &t0), 0);
	assert_false(s.reset);
	guest_delta(&prev, &s, &d);
	assert_int_equal(d.exits, 2);
	assert_int_equal(d.cycles, 200);
	assert_row(&d, 12, 2, 200);
	assert_row(&d, 10, 0, 0);
	assert_int_equal(d.own, snapshot_queries(&es_vmx_table));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery_present),
		cmocka_unit_test(test_discovery_absent),
		cmocka_unit_test(test_discovery_wrong_isa),
		cmocka_unit_test(test_vendor_mismatch),
		cmocka_unit_test(test_correction),
		cmocka_unit_test(test_correction_busy),
		cmocka_unit_test(test_split_64),
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
