// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat report and exitstat diff: whole outputs for small fixtures in
 * the three formats (the .txt, .json and .md files of tests/fixtures), and every
 * command-line and run-time error with its exact line and status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host_fixture.h"
#include "run_cmd.h"

/* @s with every @from replaced by @to, malloc'ed. */
static char *replace(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	char *out = malloc(strlen(s) * (nt > nf ? nt / nf + 2 : 1) + 1);
	const char *p;

	assert_non_null(out);
	while ((p = strstr(s, from))) {
		memcpy(out + n, s, (size_t)(p - s));
		n += (size_t)(p - s);
		memcpy(out + n, to, nt);
		n += nt;
		s = p + nf;
	}
	strcpy(out + n, s);
	return out;
}

/*
 * Runs exitstat with @args, where "@A" / "@B" stand for fixtures @a and
 * @b, and compares stdout, with their paths back as FILE / FILE_A /
 * FILE_B, to the fixture @golden.
 */
static void golden(const char *const args[], const char *a, const char *b,
		   const char *name)
{
	char *pa = a ? fixture_path(a) : NULL, *pb = b ? fixture_path(b) : NULL;
	char *want = fixture_text(name, NULL), *got, *tmp;
	const char *argv[16];
	struct cmd_result r;
	int i;

	for (i = 0; args[i]; i++)
		argv[i] = !strcmp(args[i], "@A") ? pa :
			  !strcmp(args[i], "@B") ? pb :
						   args[i];
	argv[i] = NULL;
	run_exitstat(argv, &r);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	got = replace(r.out, pa, b ? "FILE_A" : "FILE");
	if (pb) {
		tmp = replace(got, pb, "FILE_B");
		free(got);
		got = tmp;
	}
	if (strcmp(got, want))
		fail_msg("%s differs; got:\n%s", name, got);
	free(got);
	free(want);
	free(pa);
	free(pb);
	cmd_result_free(&r);
}

static void test_report_golden(void **state)
{
	(void)state;
	golden((const char *const[]){ "report", "@A", NULL }, "small.rec", NULL,
	       "small.report.txt");
	golden((const char *const[]){ "report", "--per-vm", "--per-vcpu", "@A",
				      NULL },
	       "small.rec", NULL, "small.report-per.txt");
	golden((const char *const[]){ "report", "--json", "--per-vm",
				      "--per-vcpu", "@A", NULL },
	       "small.rec", NULL, "small.report.json");
	golden((const char *const[]){ "report", "-m", "--per-vm", "@A", NULL },
	       "small.rec", NULL, "small.report.md");
	golden((const char *const[]){ "report", "@A", NULL },
	       "svm-6.1-live.stats", NULL, "live.report.txt");
}

static void test_diff_golden(void **state)
{
	(void)state;
	golden((const char *const[]){ "diff", "@A", "@B", NULL }, "small.rec",
	       "svm-6.1-live.stats", "small-live.diff.txt");
	golden((const char *const[]){ "diff", "-j", "@A", "@B", NULL },
	       "small.rec", "svm-6.1-live.stats", "small-live.diff.json");
	golden((const char *const[]){ "diff", "--markdown", "@A", "@B", NULL },
	       "small.rec", "svm-6.1-live.stats", "small-live.diff.md");
}

static void test_usage_errors(void **state)
{
	(void)state;
	expect_exitstat_error(
		ARGS("report", "--json", "--markdown", "x"), 2,
		"exitstat report: --json and --markdown exclude each other\n");
	expect_exitstat_error(
		ARGS("report", "a", "b"), 2,
		"exitstat report: unexpected argument 'b' (see 'exitstat report --help')\n");
	expect_exitstat_error(
		ARGS("report", "--root", "/x", "f"), 2,
		"exitstat report: --root reads DIR/stats: give either FILE or --root\n");
	expect_exitstat_error(
		ARGS("report", "--bogus"), 2,
		"exitstat report: unknown option '--bogus' (see 'exitstat report --help')\n");
	expect_exitstat_error(
		ARGS("report", "-x"), 2,
		"exitstat report: unknown option '-x' (see 'exitstat report --help')\n");
	expect_exitstat_error(
		ARGS("report", "--root"), 2,
		"exitstat report: option '--root' needs a value (see 'exitstat report --help')\n");
	expect_exitstat_error(
		ARGS("diff"), 2,
		"exitstat diff: nothing to compare (see 'exitstat diff --help')\n");
	expect_exitstat_error(
		ARGS("diff", "a", "b", "c"), 2,
		"exitstat diff: unexpected argument 'c' (see 'exitstat diff --help')\n");
	expect_exitstat_error(
		ARGS("diff", "-j", "-m", "a"), 2,
		"exitstat diff: --json and --markdown exclude each other\n");
	expect_exitstat_error(
		ARGS("diff", "--root", "/x", "a", "b"), 2,
		"exitstat diff: --root reads DIR/stats: give either B or --root\n");
	expect_exitstat_error(
		ARGS("diff", "--per-vm", "a"), 2,
		"exitstat diff: unknown option '--per-vm' (see 'exitstat diff --help')\n");
}

static void test_run_errors(void **state)
{
	char *dir = tmpdir_make(), *f = path_join(dir, "f"), err[512];
	char *live = fixture_path("svm-6.1-live.stats");
	char *vmx = fixture_path("vmx.stats");

	(void)state;
	expect_exitstat_error(
		ARGS("report", "/nonexistent/rec"), 1,
		"exitstat: /nonexistent/rec: No such file or directory\n");
	snprintf(err, sizeof(err),
		 "exitstat: %s/stats: not found (is exitstat.ko loaded?)\n",
		 dir);
	expect_exitstat_error(ARGS("report", "--root", dir), 1, err);
	expect_exitstat_error(ARGS("diff", live, "--root", dir), 1, err);
	write_text(f, "hello\n");
	snprintf(
		err, sizeof(err),
		"exitstat: %s: line 1: not an exitstat recording or stats file\n",
		f);
	expect_exitstat_error(ARGS("report", f), 1, err);
	expect_exitstat_error(ARGS("diff", live, f), 1, err);
	write_text(f, "exitstat-recording 1 interval_ns=1 duration_ns=0\n");
	snprintf(err, sizeof(err), "exitstat: %s: no sample\n", f);
	expect_exitstat_error(ARGS("report", f), 1, err);
	write_text(f, "exitstat-recording 1 interval_ns=1 duration_ns=0\n"
		      "sample 1 mono_ns=1 real_ns=1\nexitstat-stats 1\nisa");
	snprintf(
		err, sizeof(err),
		"exitstat: %s: no complete sample (a torn one at line 2 is ignored)\n",
		f);
	expect_exitstat_error(ARGS("report", f), 1, err);
	snprintf(err, sizeof(err),
		 "exitstat: %s is svm, %s is vmx: their exit reasons differ\n",
		 live, vmx);
	expect_exitstat_error(ARGS("diff", live, vmx), 1, err);
	free(f);
	free(live);
	free(vmx);
	tmpdir_remove(dir);
}

/* Without FILE, report reads the host interface: DIR/stats with --root. */
static void test_live(void **state)
{
	char *dir = tmpdir_make(), *stats = path_join(dir, "stats");
	char *text = fixture_text("svm-6.1-live.stats", NULL);
	char *live = fixture_path("svm-6.1-live.stats");
	struct cmd_result r, want;

	(void)state;
	write_text(stats, text);
	run_exitstat(ARGS("report", "--root", dir), &r);
	run_exitstat(ARGS("report", stats), &want);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, want.out);
	cmd_result_free(&r);
	cmd_result_free(&want);
	/* diff A against now: nothing changed */
	run_exitstat(ARGS("diff", live, "--root", dir), &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "(live)"));
	assert_non_null(
		strstr(r.out, "  IOIO      0x7b      4161     4161   1.00"));
	cmd_result_free(&r);
	free(text);
	free(live);
	free(stats);
	tmpdir_remove(dir);
}

/* A torn last sample: reported on without it, with a note. */
static void test_torn(void **state)
{
	char *dir = tmpdir_make(), *f = path_join(dir, "torn.rec");
	size_t len;
	char *text = fixture_text("small.rec", &len);
	struct cmd_result r;

	(void)state;
	*strstr(text, "sample-end 6") = '\0';
	write_text(f, text);
	run_exitstat(ARGS("report", f), &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "recording: 5 samples over 4.000 s"));
	assert_non_null(strstr(
		r.out, "note: a torn last sample (line 94) was ignored\n"));
	cmd_result_free(&r);
	run_exitstat(ARGS("report", "--json", f), &r);
	assert_non_null(strstr(r.out, "\"torn_line\":94,"));
	cmd_result_free(&r);
	free(text);
	free(f);
	tmpdir_remove(dir);
}

/* A real recording, made by `exitstat record` in a nested-KVM guest. */
static void test_captured(void **state)
{
	char *f = fixture_path("svm-6.1-main.rec");
	struct cmd_result r;

	(void)state;
	run_exitstat(ARGS("report", f), &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(
		r.out,
		"recording: 41 samples over 10.001 s (interval 0.250 s); stopped: duration reached\n"));
	assert_non_null(strstr(
		r.out, "note: counters went down (a reset) in 1 interval(s)"));
	assert_non_null(strstr(r.out, "pattern: bursty"));
	assert_non_null(strstr(r.out, "most frequent: IOIO (0x7b)"));
	cmd_result_free(&r);
	free(f);
}

/* A host without any exit: every output still well-formed. */
static void test_empty(void **state)
{
	char *dir = tmpdir_make(), *stats = path_join(dir, "stats");
	static const char *const fmts[] = { "--json", "--markdown", "-h" };
	struct cmd_result r;
	size_t i;

	(void)state;
	write_text(stats,
		   "exitstat-stats 1\nisa svm\nkernel 6.1\nscope vm\n"
		   "tsc_khz 1\nhist_buckets 32\ncpuid_missed 0\n"
		   "unattributed 0\ntotal exits=0 cycles=0\n"
		   "retired exits=0 cycles=0\n"
		   "vm id=1 pid=5 stats_id=a|b vcpus=0 exits=0 cycles=0\n"
		   "end\n");
	run_exitstat(ARGS("report", "--per-vm", stats), &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\nno exits\n"));
	cmd_result_free(&r);
	for (i = 0; i < 2; i++) {
		run_exitstat(ARGS("report", "--per-vm", "--per-vcpu", fmts[i],
				  "--root", dir),
			     &r);
		assert_int_equal(r.status, 0);
		assert_string_equal(r.err, "");
		cmd_result_free(&r);
	}
	run_exitstat(ARGS("report", "--markdown", stats), &r);
	assert_non_null(strstr(r.out, "| 1 | 5 | a\\|b | - | - | 0 |  |\n"));
	cmd_result_free(&r);
	run_exitstat(ARGS("report", "--json", stats), &r);
	assert_non_null(
		strstr(r.out, "\"reasons\":[],\"all\":{\"name\":\"all\""));
	assert_non_null(strstr(r.out, "\"most_frequent\":null,"));
	cmd_result_free(&r);
	run_exitstat(ARGS("diff", stats, stats), &r);
	assert_int_equal(r.status, 0);
	assert_non_null(
		strstr(r.out, "  all     -           0        0      -"));
	cmd_result_free(&r);
	free(stats);
	tmpdir_remove(dir);
}

static void test_help(void **state)
{
	(void)state;
	expect_exitstat_help("report");
	expect_exitstat_help("diff");
	expect_exitstat_help("record");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_golden),
		cmocka_unit_test(test_diff_golden),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_run_errors),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_torn),
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
