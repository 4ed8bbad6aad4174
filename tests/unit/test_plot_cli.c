// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat plot as a command: whole SVGs of the hand-made small.rec
 * (tests/fixtures/small.*.svg), the same bytes on every run, what the
 * charts hold (series, legend, ticks, bursts, resets, panels, bars), and
 * every command-line and run-time error with its exact line and status.
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

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* Runs `exitstat plot -o - ARGS... FIXTURE` and returns the SVG. */
static char *plot(const char *const args[], const char *fixture)
{
	char *path = fixture_path(fixture), *svg;
	const char *argv[24] = { "plot", "-o", "-" };
	struct cmd_result r;
	int i, n = 3;

	for (i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n++] = path;
	argv[n] = NULL;
	run_exitstat(argv, &r);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	assert_int_equal(strncmp(r.out, "<?xml version=\"1.0\"", 19), 0);
	assert_non_null(strstr(r.out, "</svg>\n"));
	svg = r.out;
	free(r.err);
	free(path);
	return svg;
}

static void golden(const char *const args[], const char *name)
{
	char *got = plot(args, "small.rec"), *want = fixture_text(name, NULL);

	if (strcmp(got, want))
		fail_msg("%s differs; got:\n%s", name, got);
	free(got);
	free(want);
}

static void test_golden(void **state)
{
	(void)state;
	golden(ARGS("--width", "800", "--height", "480"), "small.rate.svg");
	golden(ARGS("--latency", "--us", "--width", "800", "--height", "480"),
	       "small.latency.svg");
}

/* The same input gives the same bytes, to a file as to stdout. */
static void test_deterministic(void **state)
{
	char *dir = tmpdir_make(), *out = path_join(dir, "main.svg");
	char *rec = fixture_path("svm-6.1-main.rec"), *a, *b;
	struct cmd_result r;

	(void)state;
	a = plot(ARGS("--latency"), "svm-6.1-main.rec");
	run_exitstat(ARGS("plot", "--latency", "-o", out, rec), &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	cmd_result_free(&r);
	b = read_text(out, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = plot(ARGS("--top", "3"), "svm-6.1-main.rec");
	b = plot(ARGS("--top", "3"), "svm-6.1-main.rec");
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(rec);
	free(out);
	tmpdir_remove(dir);
}

/* small.rec: 3 reasons, 1 burst (2 s to 3 s), a reset (3 s to 4 s). */
static void test_rate_structure(void **state)
{
	char *svg = plot(ARGS("--width", "900"), "small.rec");

	(void)state;
	assert_non_null(strstr(svg, "width=\"900\" height=\"700\""));
	assert_non_null(strstr(
		svg,
		"<title>VM exits per second by reason: small.rec</title>"));
	assert_int_equal(count(svg, "class=\"area\""), 3);
	assert_int_equal(count(svg, "class=\"legend-label\""), 3);
	assert_int_equal(count(svg, "class=\"legend-note\""), 2);
	assert_non_null(strstr(svg, ">CPUID <tspan fill=\"#555555\">0x72 "
				    "\xc2\xb7 84.2%</tspan>"));
	assert_non_null(strstr(svg, ">IOIO <tspan"));
	assert_non_null(strstr(svg, ">HLT <tspan"));
	assert_int_equal(count(svg, "class=\"burst\""), 1);
	assert_int_equal(count(svg, "class=\"burst-mark\""), 1);
	assert_int_equal(count(svg, "class=\"reset\""), 1);
	assert_int_equal(count(svg, "class=\"absent\""), 0);
	assert_int_equal(count(svg, "class=\"tick-y\""), 7);
	assert_non_null(strstr(svg, "\"tick-y\" font-size=\"11\">1200</text>"));
	assert_int_equal(count(svg, "class=\"tick-x\""), 6);
	assert_non_null(strstr(svg, "\"tick-x\" font-size=\"11\">5</text>"));
	assert_non_null(strstr(svg, ">exits per second</text>"));
	assert_non_null(strstr(svg, ">seconds since the first sample</text>"));
	assert_non_null(strstr(svg, "1 of 5 intervals are bursts"));
	free(svg);
}

static void test_top_and_vm(void **state)
{
	char *svg = plot(ARGS("--top", "1"), "small.rec");

	(void)state;
	assert_int_equal(count(svg, "class=\"area\""), 2);
	assert_non_null(strstr(svg,
			       ">other (2 reasons) <tspan fill=\"#555555\">"
			       "15.8%</tspan>"));
	assert_non_null(strstr(svg, "fill=\"#999999\""));
	free(svg);
	svg = plot(ARGS("--per-vm", "2"), "small.rec");
	assert_non_null(strstr(svg, "<title>VM exits per second by reason: "
				    "small.rec, VM 2 (pid 200)</title>"));
	assert_int_equal(count(svg, "class=\"area\""), 1);
	assert_int_equal(count(svg, "class=\"absent\""), 1);
	assert_int_equal(count(svg, "class=\"burst\""), 1);
	assert_non_null(strstr(svg, ">VM not running</text>"));
	assert_non_null(
		strstr(svg, "1 of 4 intervals are bursts (median 110.0/s)"));
	free(svg);
	svg = plot(ARGS("--per-vm", "1"), "small.rec");
	assert_int_equal(count(svg, "class=\"burst\""), 0);
	assert_non_null(strstr(svg, "no burst (median 110.0/s)"));
	free(svg);
}

static void test_latency_structure(void **state)
{
	char *svg = plot(ARGS("--latency"), "small.rec");

	(void)state;
	assert_non_null(strstr(
		svg, "<title>VM exit latency by reason: small.rec</title>"));
	assert_int_equal(count(svg, "class=\"panel\""), 3);
	assert_int_equal(count(svg, "class=\"bar\""), 4);
	assert_int_equal(count(svg, "class=\"avg\""), 3);
	assert_non_null(strstr(svg,
			       "<tspan font-weight=\"bold\">CPUID</tspan> "
			       "<tspan fill=\"#555555\">0x72 \xc2\xb7 1230 "
			       "exits \xc2\xb7 avg 300 cycles \xc2\xb7 p50 "
			       "\xe2\x89\xa4 300 \xc2\xb7 p99 \xe2\x89\xa4 "
			       "300</tspan>"));
	assert_non_null(strstr(svg, "\"tick-x\" font-size=\"11\">128</text>"));
	assert_non_null(strstr(svg, "\"tick-x\" font-size=\"11\">2K</text>"));
	assert_non_null(strstr(svg, "(K = 1024)</text>"));
	free(svg);
	svg = plot(ARGS("-l", "--us", "-n", "1"), "small.rec");
	assert_int_equal(count(svg, "class=\"panel\""), 2);
	assert_non_null(strstr(svg, ">other (2 reasons)</tspan>"));
	assert_non_null(
		strstr(svg, "\"tick-x\" font-size=\"11\">128ns</text>"));
	assert_non_null(strstr(
		svg, "\"tick-x\" font-size=\"11\">1.02\xc2\xb5s</text>"));
	assert_non_null(strstr(svg, "avg 150ns"));
	free(svg);
	/* a snapshot: figures since load; one exit that never ended */
	svg = plot(ARGS("--latency", "--top", "7"), "svm-6.1-live.stats");
	assert_non_null(strstr(svg, "since load or reset (a snapshot)"));
	assert_non_null(strstr(svg, "1 exit \xc2\xb7 none ended: no latency"));
	free(svg);
}

static void test_title(void **state)
{
	char *svg =
		plot(ARGS("--title", "a<b & \"c\" 'd' \x01\xff"), "small.rec");

	(void)state;
	assert_non_null(
		strstr(svg, "<title>a&lt;b &amp; &quot;c&quot; &apos;d&apos; "
			    "\xef\xbf\xbd\xef\xbf\xbd</title>"));
	assert_null(strstr(svg, "a<b"));
	free(svg);
	svg = plot(ARGS("-t", ""), "small.rec");
	assert_non_null(strstr(svg, "<title></title>"));
	free(svg);
}

/* A recording of @n samples 0.1 s apart, VM 1 doing 10 IOIO exits each. */
static void write_long(const char *path, unsigned int n)
{
	size_t cap = 256 + (size_t)n * 600, len;
	char *text = malloc(cap);
	unsigned int i;

	assert_non_null(text);
	len = (size_t)snprintf(
		text, cap,
		"exitstat-recording 1 interval_ns=100000000 duration_ns=0\n");
	for (i = 1; i <= n; i++)
		len += (size_t)snprintf(
			text + len, cap - len,
			"sample %u mono_ns=%u00000000 real_ns=1\n"
			"exitstat-stats 1\nisa svm\nkernel 6.1\nscope vm\n"
			"tsc_khz 1000\nhist_buckets 32\ncpuid_missed 0\n"
			"unattributed 0\ntotal exits=%u cycles=0\n"
			"retired exits=0 cycles=0\n"
			"vm id=1 pid=1 stats_id=kvm-1 vcpus=1 exits=%u cycles=0\n"
			"vcpu vm=1 idx=0 id=0 tid=2 exits=%u cycles=0\n"
			"reason vm=1 vcpu=0 code=0x7b exits=%u cycles=%u "
			"min=100 max=100 hist=6:%u\nend\nsample-end %u\n",
			i, i, 10 * i, 10 * i, 10 * i, 10 * i, 1000 * i, 10 * i,
			i);
	assert_true(len < cap);
	write_text(path, text);
	free(text);
}

/* Sizes, and very long recordings: intervals merged into steps. */
static void test_sizes(void **state)
{
	char *svg =
		plot(ARGS("--width", "480", "--height", "320"), "small.rec");
	char *dir = tmpdir_make(), *f = path_join(dir, "long.rec");
	const char *argv[] = { "plot", "-o", "-", f, NULL };
	struct cmd_result r;

	(void)state;
	assert_non_null(strstr(svg, "viewBox=\"0 0 480 320\""));
	free(svg);
	svg = plot(ARGS("--width", "480", "--height", "320"),
		   "svm-6.1-main.rec");
	assert_int_equal(count(svg, "class=\"area\""), 5);
	assert_int_equal(count(svg, " H"), 5 * 40 + 1); /* and the axes */
	free(svg);
	write_long(f, 2000);
	run_exitstat(argv, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "1999 intervals drawn as 4"));
	assert_in_range(count(r.out, " H"), 400, 500);
	assert_non_null(strstr(r.out, "no burst (median 100.0/s)"));
	cmd_result_free(&r);
	free(f);
	tmpdir_remove(dir);
}

#define HELP " (see 'exitstat plot --help')\n"

static void test_usage_errors(void **state)
{
	(void)state;
	expect_exitstat_error(ARGS("plot"), 2,
			      "exitstat plot: no FILE to plot" HELP);
	expect_exitstat_error(ARGS("plot", "-o", "x.svg"), 2,
			      "exitstat plot: no FILE to plot" HELP);
	expect_exitstat_error(
		ARGS("plot", "f"), 2,
		"exitstat plot: no output file: give -o OUT.svg ('-' for standard output)\n");
	expect_exitstat_error(ARGS("plot", "-o", "x", "a", "b"), 2,
			      "exitstat plot: unexpected argument 'b'" HELP);
	expect_exitstat_error(ARGS("plot", "--us", "-o", "x", "f"), 2,
			      "exitstat plot: --us goes with --latency\n");
	expect_exitstat_error(
		ARGS("plot", "--top", "0", "-o", "x", "f"), 2,
		"exitstat plot: --top wants a number from 1 to 7, not '0'\n");
	expect_exitstat_error(
		ARGS("plot", "-n", "8", "-o", "x", "f"), 2,
		"exitstat plot: --top wants a number from 1 to 7, not '8'\n");
	expect_exitstat_error(
		ARGS("plot", "--top", "", "-o", "x", "f"), 2,
		"exitstat plot: --top wants a number from 1 to 7, not ''\n");
	expect_exitstat_error(
		ARGS("plot", "--top", "+3", "-o", "x", "f"), 2,
		"exitstat plot: --top wants a number from 1 to 7, not '+3'\n");
	expect_exitstat_error(
		ARGS("plot", "--width", "479", "f"), 2,
		"exitstat plot: --width wants a number of pixels from 480 to 10000, not '479'\n");
	expect_exitstat_error(
		ARGS("plot", "--width", "12x", "f"), 2,
		"exitstat plot: --width wants a number of pixels from 480 to 10000, not '12x'\n");
	expect_exitstat_error(
		ARGS("plot", "--height", "99999999999999999999", "f"), 2,
		"exitstat plot: --height wants a number of pixels from 320 to 10000, not '99999999999999999999'\n");
	expect_exitstat_error(
		ARGS("plot", "--per-vm", "0", "f"), 2,
		"exitstat plot: --per-vm wants a VM id (a number, as in 'exitstat report'), not '0'\n");
	expect_exitstat_error(
		ARGS("plot", "--per-vm", "-1", "f"), 2,
		"exitstat plot: --per-vm wants a VM id (a number, as in 'exitstat report'), not '-1'\n");
	expect_exitstat_error(ARGS("plot", "--bogus"), 2,
			      "exitstat plot: unknown option '--bogus'" HELP);
	expect_exitstat_error(ARGS("plot", "-x"), 2,
			      "exitstat plot: unknown option '-x'" HELP);
	expect_exitstat_error(ARGS("plot", "f", "-o"), 2,
			      "exitstat plot: option '-o' needs a value" HELP);
	expect_exitstat_error(
		ARGS("plot", "f", "--top"), 2,
		"exitstat plot: option '--top' needs a value" HELP);
	expect_exitstat_error(
		ARGS("plot", "--latency=1", "f"), 2,
		"exitstat plot: option '--latency' takes no value" HELP);
	expect_exitstat_error(
		ARGS("plot", "--us=yes", "f"), 2,
		"exitstat plot: option '--us' takes no value" HELP);
	expect_exitstat_error(ARGS("plot", "-lq", "f"), 2,
			      "exitstat plot: unknown option '-q'" HELP);
}

static void expect_run_error(const char *const args[], const char *fmt,
			     const char *path)
{
	char err[1024];

	snprintf(err, sizeof(err), fmt, path);
	expect_exitstat_error(args, 1, err);
}

static void test_run_errors(void **state)
{
	char *dir = tmpdir_make(), *f = path_join(dir, "f");
	char *out = path_join(dir, "out.svg"),
	     *bad = path_join(dir, "no/x.svg");
	char *live = fixture_path("svm-6.1-live.stats");
	char *small = fixture_path("small.rec");

	(void)state;
	expect_exitstat_error(
		ARGS("plot", "-o", out, "/nonexistent/rec"), 1,
		"exitstat: /nonexistent/rec: No such file or directory\n");
	write_text(f, "hello\n");
	expect_run_error(
		ARGS("plot", "-o", out, f),
		"exitstat: %s: line 1: not an exitstat recording or stats file\n",
		f);
	write_text(f, "exitstat-recording 1 interval_ns=1 duration_ns=0\n");
	expect_run_error(ARGS("plot", "-o", out, f),
			 "exitstat: %s: no sample\n", f);
	write_text(f, "exitstat-recording 1 interval_ns=1 duration_ns=0\n"
		      "sample 1 mono_ns=1 real_ns=1\nexitstat-stats 1\nisa");
	expect_run_error(
		ARGS("plot", "-l", "-o", out, f),
		"exitstat: %s: no complete sample (a torn one at line 2 is ignored)\n",
		f);
	expect_run_error(
		ARGS("plot", "-o", out, live),
		"exitstat: %s: a snapshot has no timeline: plot its latency with --latency\n",
		live);
	expect_run_error(
		ARGS("plot", "--per-vm", "9", "-o", out, small),
		"exitstat: %s: no VM 9 in it (see the VMs of 'exitstat report')\n",
		small);
	expect_run_error(ARGS("plot", "-o", bad, small),
			 "exitstat: %s: No such file or directory\n", bad);
	expect_exitstat_error(ARGS("plot", "-o", "/dev/full", small), 1,
			      "exitstat: /dev/full: No space left on device\n");
	/* nothing was written for the failures above */
	assert_null(fopen(out, "r"));
	free(out);
	free(bad);
	free(live);
	free(small);
	free(f);
	tmpdir_remove(dir);
}

/* One sample, tsc_khz 0, binary garbage: clear errors, no crash. */
static void test_odd_input(void **state)
{
	char *dir = tmpdir_make(), *f = path_join(dir, "f");
	char *text = fixture_text("small.rec", NULL), garbage[4096];
	size_t i;

	(void)state;
	*strstr(text, "sample 2 ") = '\0';
	write_text(f, text);
	expect_run_error(ARGS("plot", "-o", "-", f),
			 "exitstat: %s: one sample only: no interval to plot\n",
			 f);
	free(text);
	text = fixture_text("vmx.stats", NULL);
	memcpy(strstr(text, "tsc_khz 2400000"), "tsc_khz 0000000", 15);
	write_text(f, text);
	expect_run_error(
		ARGS("plot", "-l", "--us", "-o", "-", f),
		"exitstat: %s: tsc_khz is 0: --us cannot turn cycles into time\n",
		f);
	free(text);
	for (i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)(i * 7919 % 251);
	write_bytes(f, garbage, sizeof(garbage));
	{
		struct cmd_result r;

		run_exitstat(ARGS("plot", "-o", "-", f), &r);
		assert_int_equal(r.status, 1);
		assert_string_equal(r.out, "");
		assert_int_equal(strncmp(r.err, "exitstat: ", 10), 0);
		assert_non_null(strstr(r.err, ": line 1: "));
		assert_int_equal(count(r.err, "\n"), 1);
		cmd_result_free(&r);
	}
	free(f);
	tmpdir_remove(dir);
}

static void test_help(void **state)
{
	(void)state;
	expect_exitstat_help("plot");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_rate_structure),
		cmocka_unit_test(test_top_and_vm),
		cmocka_unit_test(test_latency_structure),
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_run_errors),
		cmocka_unit_test(test_odd_input),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
