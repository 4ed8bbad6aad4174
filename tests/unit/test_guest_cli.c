// SPDX-License-Identifier: GPL-2.0
/*
 * The real exitstat binary: the command lines of `guest` and `run`, their
 * one-line errors (status 2), help, and what happens on this machine,
 * which has no exitstat.ko under it: one line, status 1, no numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "run_cmd.h"

static void test_guest_errors(void **state)
{
	(void)state;
	expect_exitstat_error(
		(const char *const[]){ "guest", "--sort", "size", NULL }, 2,
		"exitstat guest: unknown sort key 'size' (expected count, cycles, avg, code or name)\n");
	expect_exitstat_error(
		(const char *const[]){ "guest", "--sort", NULL }, 2,
		"exitstat guest: option '--sort' needs a value (see 'exitstat guest --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "guest", "-s", NULL }, 2,
		"exitstat guest: option '-s' needs a value (see 'exitstat guest --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "guest", "--json", "--csv", NULL }, 2,
		"exitstat guest: --json and --csv cannot be combined\n");
	expect_exitstat_error(
		(const char *const[]){ "guest", "-cj", NULL }, 2,
		"exitstat guest: --json and --csv cannot be combined\n");
	expect_exitstat_error(
		(const char *const[]){ "guest", "--bogus", NULL }, 2,
		"exitstat guest: unknown option '--bogus' (see 'exitstat guest --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "guest", "-x", NULL }, 2,
		"exitstat guest: unknown option '-x' (see 'exitstat guest --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "guest", "--output", "f", NULL }, 2,
		"exitstat guest: unknown option '--output' (see 'exitstat guest --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "guest", "-1", NULL }, 2,
		"exitstat guest: unknown option '-1' (see 'exitstat guest --help')\n");
}

static void test_guest_positional_errors(void **state)
{
	static const char *const bad_intervals[] = {
		"0", "0.0", "abc", "1s", "", "inf", "nan", "0x10", " 1", "1e7",
	};
	static const char *const bad_counts[] = {
		"0", "1.5", "x", "+3", "", "99999999999999999999999",
	};
	char err[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_intervals) / sizeof(bad_intervals[0]); i++) {
		snprintf(
			err, sizeof(err),
			"exitstat guest: invalid interval '%s' (expected a positive number of seconds)\n",
			bad_intervals[i]);
		expect_exitstat_error((const char *const[]){ "guest",
							     bad_intervals[i],
							     NULL },
				      2, err);
	}
	for (i = 0; i < sizeof(bad_counts) / sizeof(bad_counts[0]); i++) {
		snprintf(
			err, sizeof(err),
			"exitstat guest: invalid count '%s' (expected a positive whole number)\n",
			bad_counts[i]);
		expect_exitstat_error((const char *const[]){ "guest", "1",
							     bad_counts[i],
							     NULL },
				      2, err);
	}
	expect_exitstat_error(
		(const char *const[]){ "guest", "1", "2", "3", NULL }, 2,
		"exitstat guest: unexpected argument '3' (see 'exitstat guest --help')\n");
}

static void test_run_errors(void **state)
{
	(void)state;
	expect_exitstat_error(
		(const char *const[]){ "run", NULL }, 2,
		"exitstat run: no command given (usage: exitstat run [OPTIONS] -- CMD [ARGS...])\n");
	expect_exitstat_error(
		(const char *const[]){ "run", "--json", "--", NULL }, 2,
		"exitstat run: no command given (usage: exitstat run [OPTIONS] -- CMD [ARGS...])\n");
	expect_exitstat_error(
		(const char *const[]){ "run", "--bogus", "--", "true", NULL },
		2,
		"exitstat run: unknown option '--bogus' (see 'exitstat run --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "run", "-o", NULL }, 2,
		"exitstat run: option '-o' needs a value (see 'exitstat run --help')\n");
	expect_exitstat_error(
		(const char *const[]){ "run", "--sort=x", "--", "true", NULL },
		2,
		"exitstat run: unknown sort key 'x' (expected count, cycles, avg, code or name)\n");
	expect_exitstat_error(
		(const char *const[]){ "run", "-c", "-j", "--", "true", NULL },
		2, "exitstat run: --json and --csv cannot be combined\n");
}

/* This machine: whatever is under it, it is not exitstat.ko. */
static void expect_not_provided(const char *const args[])
{
	struct cmd_result r;

	run_exitstat(args, &r);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_int_equal(strncmp(r.err, "exitstat: ", 10), 0);
	assert_non_null(strstr(r.err, "exitstat CPUID leaves"));
	assert_ptr_equal(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
	cmd_result_free(&r);
}

static void test_not_provided(void **state)
{
	(void)state;
	expect_not_provided((const char *const[]){ NULL });
	expect_not_provided((const char *const[]){ "guest", NULL });
	expect_not_provided((const char *const[]){ "guest", "--json", NULL });
	expect_not_provided(
		(const char *const[]){ "guest", "-c", "0.1", "3", NULL });
	/* run does not run the command. */
	expect_not_provided((const char *const[]){ "run", "--", "sh", "-c",
						   "echo ran", NULL });
}

/* The correction for its own queries is stated in --help. */
static void expect_help(const char *cmd)
{
	struct cmd_result r;

	expect_exitstat_help(cmd);
	run_exitstat(ARGS(cmd, "--help"), &r);
	assert_non_null(strstr(r.out, "own CPUID exits"));
	cmd_result_free(&r);
}

static void test_help(void **state)
{
	struct cmd_result r;

	(void)state;
	expect_help("guest");
	expect_help("run");
	run_exitstat((const char *const[]){ "--help", NULL }, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\n  guest "));
	assert_non_null(strstr(r.out, "\n  run "));
	assert_non_null(strstr(r.out, "Without a command"));
	cmd_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_errors),
		cmocka_unit_test(test_guest_positional_errors),
		cmocka_unit_test(test_run_errors),
		cmocka_unit_test(test_not_provided),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
