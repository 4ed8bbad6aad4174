// SPDX-License-Identifier: GPL-2.0
/*
 * The exitstat command line: dispatch, `reasons` output, and the exact
 * one-line errors with exit status 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/reasons.h"
#include "run_cmd.h"

static void test_errors(void **state)
{
	(void)state;
	expect_exitstat_error(
		(const char *const[]){ "frobnicate", NULL }, 2,
		"exitstat: unknown command 'frobnicate' (see 'exitstat --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "--isa", "arm", NULL }, 2,
		"exitstat reasons: unknown ISA 'arm' (expected vmx or svm)\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "--kernel=5.10", NULL }, 2,
		"exitstat reasons: unknown kernel series '5.10' (expected 6.1 or 6.12)\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "--bogus", NULL }, 2,
		"exitstat reasons: unknown option '--bogus' (see 'exitstat reasons --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "--json=1", NULL }, 2,
		"exitstat reasons: option '--json' takes no value (see 'exitstat reasons --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "--bogus=1", NULL }, 2,
		"exitstat reasons: unknown option '--bogus' (see 'exitstat reasons --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "-x", NULL }, 2,
		"exitstat reasons: unknown option '-x' (see 'exitstat reasons --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "--isa", NULL }, 2,
		"exitstat reasons: option '--isa' needs a value (see 'exitstat reasons --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "-k", NULL }, 2,
		"exitstat reasons: option '-k' needs a value (see 'exitstat reasons --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "reasons", "extra", NULL }, 2,
		"exitstat reasons: unexpected argument 'extra' (see 'exitstat reasons --help')\n");
}

static void test_no_command(void **state)
{
	struct cmd_result r;

	(void)state;
	/*
	 * No command runs `exitstat guest`: here, without exitstat.ko under
	 * this machine, one line and status 1 (see test_guest_cli.c).
	 */
	run_exitstat((const char *const[]){ NULL }, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "exitstat CPUID leaves"));
	assert_string_equal(r.out, "");
	cmd_result_free(&r);
}

static void test_help(void **state)
{
	struct cmd_result r;

	(void)state;
	run_exitstat((const char *const[]){ "--help", NULL }, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "reasons"));
	cmd_result_free(&r);

	run_exitstat((const char *const[]){ "reasons", "--help", NULL }, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: exitstat reasons"));
	assert_non_null(strstr(r.out, "EXAMPLES:"));
	assert_string_equal(r.err, "");
	cmd_result_free(&r);
}

static unsigned int count(const char *s, const char *needle)
{
	unsigned int n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

static void test_reasons_json(void **state)
{
	struct cmd_result r;

	(void)state;
	run_exitstat((const char *const[]){ "reasons", "--isa", "vmx", "--json",
					    NULL },
		     &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_int_equal(strncmp(r.out, "[{\"isa\":\"vmx\"", 13), 0);
	assert_int_equal(count(r.out, "\"code\":"), es_vmx_table.nr_slots);
	assert_non_null(strstr(
		r.out,
		"{\"code\":30,\"hex\":\"0x1e\",\"name\":\"IO_INSTRUCTION\","));
	assert_non_null(strstr(
		r.out,
		"{\"code\":35,\"hex\":\"0x23\",\"name\":null,\"meaning\":null,\"defined\":false,\"enabled\":{\"6.1\":false,\"6.12\":false}}"));
	assert_null(strstr(r.out, "\"isa\":\"svm\""));
	cmd_result_free(&r);

	run_exitstat((const char *const[]){ "reasons", "-i", "svm", "-k",
					    "6.12", "-j", NULL },
		     &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(count(r.out, "\"code\":"), es_svm_table.nr_slots);
	assert_non_null(strstr(
		r.out, "{\"code\":123,\"hex\":\"0x7b\",\"name\":\"IOIO\","));
	assert_non_null(strstr(r.out, "\"enabled\":{\"6.12\":true}}"));
	assert_null(strstr(r.out, "\"6.1\":"));
	cmd_result_free(&r);
}

static void test_reasons_text(void **state)
{
	struct cmd_result r;

	(void)state;
	run_exitstat((const char *const[]){ "reasons", NULL }, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "vmx: Intel SDM"));
	assert_non_null(strstr(r.out, "svm: AMD"));
	assert_int_equal(count(r.out, "\n"),
			 es_vmx_table.nr_slots + es_svm_table.nr_slots + 5);
	cmd_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_reasons_json),
		cmocka_unit_test(test_reasons_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
