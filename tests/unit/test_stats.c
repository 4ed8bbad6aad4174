// SPDX-License-Identifier: GPL-2.0
/*
 * tools/stats.c: the /proc/exitstat/stats parser (docs/host-interface.md,
 * version 1).  Every error has its exact message; captured files from the
 * module parse; no prefix or mutation of a good file makes it misbehave.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/host.h"
#include "../../tools/stats.h"
#include "host_fixture.h"

static const char *const base[] = {
	"exitstat-stats 1", /* 1 */
	"isa svm", /* 2 */
	"kernel 6.1", /* 3 */
	"scope vm", /* 4 */
	"tsc_khz 2000000", /* 5 */
	"hist_buckets 32", /* 6 */
	"cpuid_missed 0", /* 7 */
	"unattributed 0", /* 8 */
	"total exits=10 cycles=1000", /* 9 */
	"retired exits=4 cycles=400", /* 10 */
	"retired-reason code=0x7b exits=4 cycles=400 min=90 max=110 hist=6:4",
	"vm id=1 pid=100 stats_id=kvm-100 vcpus=1 exits=6 cycles=600", /* 12 */
	"vcpu vm=1 idx=0 id=0 tid=101 exits=6 cycles=600", /* 13 */
	"reason vm=1 vcpu=0 code=0x72 exits=6 cycles=600 min=100 max=100 hist=6:6",
	"end", /* 15 */
};

#define NR_BASE (sizeof(base) / sizeof(base[0]))

/* The base text with line @n (from 1) replaced ('r'), deleted ('d') or
 * with @s inserted before it ('i'); n = 0 for the base itself. */
static char *edited(unsigned int n, char mode, const char *s)
{
	char *text = calloc(1, 65536);
	unsigned int i;

	assert_non_null(text);
	for (i = 1; i <= NR_BASE; i++) {
		if (i == n && mode == 'i') {
			strcat(text, s);
			strcat(text, "\n");
		}
		if (i == n && mode == 'd')
			continue;
		strcat(text, i == n && mode == 'r' ? s : base[i - 1]);
		strcat(text, "\n");
	}
	return text;
}

static void expect_err_len(const char *buf, size_t len, const char *msg)
{
	struct stats_snap s;
	struct parse_err e;

	memset(&s, 0x5a, sizeof(s));
	if (!stats_parse(buf, len, 1, &s, &e))
		fail_msg("parsed, expected: %s", msg);
	assert_string_equal(e.msg, msg);
	assert_null(s.vms);
	assert_null(s.reasons);
	assert_int_equal(s.nr_vms, 0);
}

static void expect_err(unsigned int n, char mode, const char *s,
		       const char *msg)
{
	char *text = edited(n, mode, s);

	expect_err_len(text, strlen(text), msg);
	free(text);
}

static void parse_ok(const char *text, struct stats_snap *s)
{
	struct parse_err e = { 0 };

	if (stats_parse(text, strlen(text), 1, s, &e))
		fail_msg("unexpected error: %s", e.msg);
}

static void test_good(void **state)
{
	char *text = edited(0, 0, NULL);
	const struct stats_vcpu *v;
	struct stats_snap s;

	(void)state;
	parse_ok(text, &s);
	assert_int_equal(s.version, 1);
	assert_int_equal(s.isa, ES_ISA_SVM);
	assert_ptr_equal(s.table, &es_svm_table);
	assert_string_equal(s.kernel, "6.1");
	assert_string_equal(s.scope, "vm");
	assert_int_equal(s.tsc_khz, 2000000);
	assert_int_equal(s.hist_buckets, 32);
	assert_int_equal(s.total_exits, 10);
	assert_int_equal(s.total_cycles, 1000);
	assert_int_equal(s.retired_exits, 4);
	assert_int_equal(s.nr_retired, 1);
	assert_int_equal(s.retired[0].code, 0x7b);
	assert_int_equal(s.retired[0].f.hist[6], 4);
	assert_int_equal(s.retired[0].f.min, 90);
	assert_int_equal(s.retired[0].f.max, 110);
	assert_int_equal(s.nr_vms, 1);
	assert_int_equal(s.vms[0].pid, 100);
	assert_string_equal(s.vms[0].stats_id, "kvm-100");
	assert_int_equal(s.vms[0].nr_vcpus, 1);
	v = stats_find_vcpu(&s, 1, 0);
	assert_non_null(v);
	assert_int_equal(v->tid, 101);
	assert_int_equal(v->nr_reasons, 1);
	assert_int_equal(s.reasons[v->first_reason].code, 0x72);
	assert_int_equal(s.reasons[v->first_reason].f.exits, 6);
	assert_ptr_equal(stats_find_pid(&s, 100), &s.vms[0]);
	assert_null(stats_find_pid(&s, 101));
	assert_null(stats_find_vm(&s, 2));
	assert_null(stats_find_vcpu(&s, 1, 1));
	stats_free(&s);
	free(text);
}

static void test_header_errors(void **state)
{
	(void)state;
	expect_err_len("", 0, "empty (no 'exitstat-stats' line)");
	expect_err(
		1, 'r', "hello",
		"line 1: not an exitstat stats file (expected 'exitstat-stats 1')");
	expect_err(
		1, 'r', "exitstat-stats",
		"line 1: not an exitstat stats file (expected 'exitstat-stats 1')");
	expect_err(
		1, 'r', "exitstat-stats 2",
		"line 1: unsupported stats version '2' (this exitstat reads version 1)");
	expect_err(
		1, 'r', "exitstat-stats one",
		"line 1: unsupported stats version 'one' (this exitstat reads version 1)");
	expect_err(2, 'r', "isa arm",
		   "line 2: unknown isa 'arm' (expected vmx or svm)");
	expect_err(2, 'r', "isa", "line 2: isa: missing value");
	expect_err(3, 'i', "isa vmx",
		   "line 3: duplicate 'isa' line (first at line 2)");
	expect_err(10, 'i', "total exits=1 cycles=1",
		   "line 10: duplicate 'total' line (first at line 9)");
	expect_err(4, 'd', NULL, "line 14: no 'scope' line before 'end'");
	expect_err(10, 'd', NULL, "line 14: no 'retired' line before 'end'");
	expect_err(6, 'r', "hist_buckets 65",
		   "line 6: hist_buckets 65 out of range (1 to 64)");
	expect_err(6, 'r', "hist_buckets 0",
		   "line 6: hist_buckets 0 out of range (1 to 64)");
	expect_err(
		3, 'r',
		"kernel 0123456789012345678901234567890123456789012345678901234567890123",
		"line 3: kernel: value too long");
	expect_err(5, 'r', "tsc_khz 3 extra",
		   "line 5: tsc_khz: expected key=value, got 'extra'");
}

static void test_line_errors(void **state)
{
	char *long_line = malloc(KV_LINE_MAX + 16), *text;
	static const char nul[] = "exitstat-stats 1\nisa s\0m\n";

	(void)state;
	assert_non_null(long_line);
	memset(long_line, 'x', KV_LINE_MAX + 1);
	memcpy(long_line, "future ", 7);
	long_line[KV_LINE_MAX + 1] = '\0';
	expect_err(2, 'i', long_line, "line 2: line longer than 4096 bytes");
	long_line[KV_LINE_MAX] = '\0'; /* exactly the limit: an unknown line */
	text = edited(2, 'i', long_line);
	expect_err_len(text, strlen(text) - 4,
		       "truncated after line 15 (no 'end' line)");
	free(text);
	free(long_line);
	expect_err(2, 'r', "isa s\x01m", "line 2: unprintable byte 0x01");
	expect_err(2, 'r', "isa svm\r", "line 2: unprintable byte 0x0d");
	expect_err(2, 'r', "isa sv\xc3\xa9", "line 2: unprintable byte 0xc3");
	expect_err_len(nul, sizeof(nul) - 1, "line 2: unprintable byte 0x00");
	expect_err(3, 'i', "", "line 3: empty line");
	expect_err(3, 'i', "   ", "line 3: empty line");
	expect_err(3, 'i', "ISA svm", "line 3: not a keyword: 'ISA'");
	expect_err(3, 'i', "=x", "line 3: not a keyword: '=x'");
	expect_err(3, 'i', "9lives", "line 3: not a keyword: '9lives'");
	expect_err(15, 'd', NULL, "truncated after line 14 (no 'end' line)");
	text = edited(0, 0, NULL);
	strcat(text, "\n");
	expect_err_len(text, strlen(text), "line 16: data after 'end'");
	strcat(text, "vm id=2 pid=1 stats_id=x vcpus=0 exits=0 cycles=0\n");
	expect_err_len(text, strlen(text), "line 16: data after 'end'");
	free(text);
}

static void test_number_errors(void **state)
{
	(void)state;
	expect_err(5, 'r', "tsc_khz x", "line 5: tsc_khz: bad number 'x'");
	expect_err(5, 'r', "tsc_khz -1", "line 5: tsc_khz: bad number '-1'");
	expect_err(5, 'r', "tsc_khz 0x", "line 5: tsc_khz: bad number '0x'");
	expect_err(
		5, 'r', "tsc_khz 18446744073709551616",
		"line 5: tsc_khz: number '18446744073709551616' out of range");
	expect_err(9, 'r', "total exits=x cycles=1",
		   "line 9: total: bad number 'x' for 'exits'");
	expect_err(9, 'r', "total exits= cycles=1",
		   "line 9: total: bad number '' for 'exits'");
	expect_err(
		9, 'r', "total exits=1 cycles=99999999999999999999",
		"line 9: total: number '99999999999999999999' for 'cycles' out of range");
	expect_err(
		9, 'r', "total exits=0x10000000000000000 cycles=1",
		"line 9: total: number '0x10000000000000000' for 'exits' out of range");
	expect_err(
		14, 'r',
		"reason vm=1 vcpu=0 code=0x100000000 exits=1 cycles=1 min=1 max=1 hist=",
		"line 14: reason: number '0x100000000' for 'code' out of range");
	expect_err(
		14, 'r',
		"reason vm=1 vcpu=0 code=xyz exits=1 cycles=1 min=1 max=1 hist=",
		"line 14: reason: bad number 'xyz' for 'code'");
	expect_err(
		12, 'r',
		"vm id=1 pid=9223372036854775808 stats_id=a vcpus=1 exits=6 cycles=600",
		"line 12: vm: number '9223372036854775808' for 'pid' out of range");
	expect_err(12, 'r',
		   "vm id=1 pid=- stats_id=a vcpus=1 exits=6 cycles=600",
		   "line 12: vm: bad number '-' for 'pid'");
}

static void test_key_errors(void **state)
{
	(void)state;
	expect_err(12, 'r', "vm id=1 pid=100 stats_id=kvm-100 vcpus=1 exits=6",
		   "line 12: vm: missing key 'cycles'");
	expect_err(
		12, 'r',
		"vm id=1 pid=100 stats_id=kvm-100 vcpus=1 exits=6 exits=6 cycles=600",
		"line 12: vm: duplicate key 'exits'");
	expect_err(12, 'r', "vm id=1 foo pid=100",
		   "line 12: vm: expected key=value, got 'foo'");
	expect_err(12, 'r', "vm =1",
		   "line 12: vm: expected key=value, got '=1'");
	expect_err(
		12, 'r',
		"vm id=1 pid=100 stats_id=0123456789012345678901234567890123456789012345678901234567890123 vcpus=1 exits=6 cycles=600",
		"line 12: vm: value of 'stats_id' too long");
	expect_err(13, 'r', "vcpu vm=1 idx=0 id=0 exits=6 cycles=600",
		   "line 13: vcpu: missing key 'tid'");
	expect_err(9, 'r', "total cycles=1",
		   "line 9: total: missing key 'exits'");
	expect_err(11, 'r',
		   "retired-reason code=0x7b exits=4 cycles=400 min=90 max=110",
		   "line 11: retired-reason: missing key 'hist'");
	expect_err(
		14, 'r',
		"reason vcpu=0 code=0x72 exits=6 cycles=600 min=100 max=100 hist=6:6",
		"line 14: reason: missing key 'vm'");
}

static void test_hist_errors(void **state)
{
	(void)state;
	expect_err(
		11, 'r',
		"retired-reason code=0x7b exits=4 cycles=400 min=90 max=110 hist=6:2,x",
		"line 11: retired-reason: bad hist entry 'x'");
	expect_err(
		11, 'r',
		"retired-reason code=0x7b exits=4 cycles=400 min=90 max=110 hist=6:2,",
		"line 11: retired-reason: bad hist entry ''");
	expect_err(
		11, 'r',
		"retired-reason code=0x7b exits=4 cycles=400 min=90 max=110 hist=6:2,6:1",
		"line 11: retired-reason: duplicate hist bucket 6");
	expect_err(
		11, 'r',
		"retired-reason code=0x7b exits=4 cycles=400 min=90 max=110 hist=64:1",
		"line 11: retired-reason: bad hist entry '64:1'");
	expect_err(
		11, 'r',
		"retired-reason code=0x7b exits=4 cycles=400 min=90 max=110 hist=6:",
		"line 11: retired-reason: bad hist entry '6:'");
	expect_err(
		11, 'r',
		"retired-reason code=0x7b exits=4 cycles=400 min=90 max=110 hist=6:99999999999999999999",
		"line 11: retired-reason: bad hist entry '6:99999999999999999999'");
	expect_err(6, 'r', "hist_buckets 4",
		   "line 11: hist bucket 6 beyond hist_buckets 4");
	expect_err(
		14, 'r',
		"reason vm=1 vcpu=0 code=0x72 exits=6 cycles=600 min=100 max=100 hist=40:6",
		"line 14: hist bucket 40 beyond hist_buckets 32");
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_err(15, 'i',
		   "vm id=1 pid=7 stats_id=kvm-7 vcpus=0 exits=0 cycles=0",
		   "line 15: duplicate vm id=1 (first at line 12)");
	expect_err(15, 'i', "vcpu vm=1 idx=0 id=3 tid=3 exits=0 cycles=0",
		   "line 15: duplicate vcpu vm=1 idx=0 (first at line 13)");
	expect_err(
		15, 'i',
		"reason vm=1 vcpu=0 code=114 exits=1 cycles=1 min=1 max=1 hist=0:1",
		"line 15: duplicate reason vm=1 vcpu=0 code=0x72 (first at line 14)");
	expect_err(
		12, 'i',
		"retired-reason code=0x7b exits=1 cycles=1 min=1 max=1 hist=",
		"line 12: duplicate retired-reason code=0x7b (first at line 11)");
	expect_err(
		11, 'i',
		"retired-reason code=unknown exits=1 cycles=1 min=1 max=1 hist=\n"
		"retired-reason code=unknown exits=1 cycles=1 min=1 max=1 hist=",
		"line 12: duplicate retired-reason code=unknown (first at line 11)");
}

static void test_references(void **state)
{
	(void)state;
	expect_err(13, 'r', "vcpu vm=2 idx=0 id=0 tid=101 exits=6 cycles=600",
		   "line 13: vcpu refers to unknown vm 2");
	expect_err(
		14, 'r',
		"reason vm=3 vcpu=0 code=0x72 exits=6 cycles=600 min=100 max=100 hist=6:6",
		"line 14: reason refers to unknown vm 3");
	expect_err(
		14, 'r',
		"reason vm=1 vcpu=5 code=0x72 exits=6 cycles=600 min=100 max=100 hist=6:6",
		"line 14: reason refers to unknown vcpu 5 of vm 1");
	/* the earliest line is reported */
	expect_err(
		12, 'i',
		"reason vm=4 vcpu=0 code=1 exits=1 cycles=1 min=1 max=1 hist=",
		"line 12: reason refers to unknown vm 4");
}

/* Unknown keywords and keys are skipped; order of records is free. */
static void test_compat(void **state)
{
	struct stats_snap s;
	const struct stats_vm *vm;
	char *text;

	(void)state;
	text = calloc(1, 8192);
	assert_non_null(text);
	strcat(text, "exitstat-stats 1 flavour=x\nfuture-line a b c\n");
	strcat(text,
	       "reason vm=2 vcpu=1 code=unknown exits=3 cycles=9 min=3 max=3 hist=1:3 colour=blue\n");
	strcat(text, "vcpu vm=2 idx=1 id=1 tid=-1 exits=3 cycles=9 new=1\n");
	strcat(text,
	       "vm id=2 pid=-1 stats_id=kvm-x vcpus=1 exits=3 cycles=9\n");
	strcat(text,
	       "isa vmx\nkernel 6.12\nscope global\ntsc_khz 1\nhist_buckets 64\n");
	strcat(text,
	       "cpuid_missed 0\nunattributed 2\ntotal exits=3 cycles=9\n");
	strcat(text, "retired exits=0 cycles=0\nend");
	parse_ok(text, &s);
	assert_ptr_equal(s.table, &es_vmx_table);
	assert_string_equal(s.scope, "global");
	assert_int_equal(s.unattributed, 2);
	vm = stats_find_vm(&s, 2);
	assert_non_null(vm);
	assert_int_equal(vm->pid, -1);
	assert_int_equal(s.vcpus[vm->first_vcpu].tid, -1);
	assert_int_equal(s.reasons[0].code, STATS_CODE_UNKNOWN);
	assert_string_equal(stats_code_name(s.table, s.reasons[0].code),
			    "UNKNOWN");
	stats_free(&s);
	free(text);
}

/* Line numbers count from the first_line given (a sample in a file). */
static void test_first_line(void **state)
{
	char *text = edited(2, 'r', "isa arm");
	struct stats_snap s;
	struct parse_err e;

	(void)state;
	assert_int_equal(stats_parse(text, strlen(text), 40, &s, &e), -EINVAL);
	assert_string_equal(e.msg,
			    "line 41: unknown isa 'arm' (expected vmx or svm)");
	assert_int_equal(e.line, 41);
	free(text);
}

/* Every prefix of a good file is an error (or the file without '\n'). */
static void test_prefixes(void **state)
{
	size_t len, n;
	char *text = fixture_text("svm-6.1-live.stats", &len);
	struct stats_snap s;
	struct parse_err e;

	(void)state;
	for (n = 0; n < len; n++) {
		char *copy =
			malloc(n + 1); /* exact size: ASan sees overreads */

		assert_non_null(copy);
		memcpy(copy, text, n);
		if (n == len - 1) {
			assert_int_equal(stats_parse(copy, n, 1, &s, &e), 0);
			stats_free(&s);
		} else {
			assert_int_equal(stats_parse(copy, n, 1, &s, &e),
					 -EINVAL);
		}
		free(copy);
	}
	free(text);
}

/* Random byte changes: a result or an error, never a crash or a leak. */
static void test_mutations(void **state)
{
	size_t len, i;
	char *text = fixture_text("svm-6.1-live.stats", &len);
	static const char bytes[] = "0x1=:, \n\0-9az";
	unsigned int seed = 1, ok = 0;
	struct stats_snap s;
	struct parse_err e;

	(void)state;
	for (i = 0; i < 3000; i++) {
		char *copy = malloc(len);
		unsigned int k, nr = 1 + i % 4;

		assert_non_null(copy);
		memcpy(copy, text, len);
		for (k = 0; k < nr; k++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % len] =
				bytes[(seed >> 20) % (sizeof(bytes) - 1)];
		}
		if (!stats_parse(copy, len, 1, &s, &e)) {
			ok++;
			stats_free(&s);
		} else {
			assert_true(strlen(e.msg) > 0);
		}
		free(copy);
	}
	assert_true(ok > 0);
	free(text);
}

static void parse_fixture(const char *name, struct stats_snap *s)
{
	size_t len;
	char *text = fixture_text(name, &len);
	struct parse_err e;

	if (stats_parse(text, len, 1, s, &e))
		fail_msg("%s: %s", name, e.msg);
	free(text);
}

/* Files captured from exitstat.ko under nested KVM (tests/fixtures). */
static void test_captured(void **state)
{
	const struct stats_vm *vm;
	struct stats_snap s;

	(void)state;
	parse_fixture("svm-6.1-live.stats", &s);
	assert_int_equal(s.isa, ES_ISA_SVM);
	assert_int_equal(s.total_exits, 10818);
	assert_int_equal(s.nr_retired, 7);
	assert_int_equal(s.nr_vms, 2);
	vm = stats_find_vm(&s, 6);
	assert_non_null(vm);
	assert_int_equal(vm->nr_vcpus, 1);
	assert_int_equal(s.vcpus[vm->first_vcpu].nr_reasons, 4);
	assert_ptr_equal(stats_find_pid(&s, 150), vm); /* VM 7 has it too */
	assert_int_equal(stats_find_vm(&s, 7)->nr_vcpus, 1);
	assert_string_equal(stats_code_name(s.table, s.retired[5].code),
			    "SHUTDOWN");
	assert_int_equal(s.retired[5].f.max, 0); /* hist= empty */
	stats_free(&s);
	parse_fixture("svm-6.1-exitcheck.stats", &s);
	assert_int_equal(s.nr_vms, 0);
	assert_int_equal(s.total_exits, s.retired_exits);
	stats_free(&s);
	parse_fixture("svm-6.1-busy.stats", &s);
	assert_int_equal(s.nr_vms, 1);
	stats_free(&s);
}

static void test_host_strerror(void **state)
{
	char msg[256];

	(void)state;
	host_strerror(-EACCES, HOST_STATS_PATH, msg, sizeof(msg));
	assert_string_equal(
		msg,
		"/proc/exitstat/stats: permission denied (the host interface is root-only)");
	host_strerror(-EPERM, "/x/stats", msg, sizeof(msg));
	assert_string_equal(
		msg,
		"/x/stats: permission denied (the host interface is root-only)");
	host_strerror(-ENOENT, HOST_STATS_PATH, msg, sizeof(msg));
	assert_string_equal(
		msg,
		"/proc/exitstat/stats: not found (is exitstat.ko loaded?)");
	host_strerror(-EISDIR, "/x", msg, sizeof(msg));
	assert_string_equal(msg, "/x: Is a directory");
	host_strerror(-EFBIG, "/x", msg, sizeof(msg));
	assert_string_equal(msg, "/x: larger than 64 MiB");
}

static void test_numbers(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(kv_number("18446744073709551615", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(kv_number("0xffffffffffffffff", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(kv_number("0XfF", UINT64_MAX, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(kv_number("007", UINT64_MAX, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(kv_number("18446744073709551616", UINT64_MAX, &v),
			 -ERANGE);
	assert_int_equal(kv_number("256", 255, &v), -ERANGE);
	assert_int_equal(kv_number("0x", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(kv_number("", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(kv_number("+1", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(kv_number("1 ", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(kv_number("0xg", UINT64_MAX, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_line_errors),
		cmocka_unit_test(test_number_errors),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_hist_errors),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_compat),
		cmocka_unit_test(test_first_line),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_host_strerror),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
