// SPDX-License-Identifier: GPL-2.0
/*
 * tools/svg.c and tools/plot.c: axis ticks and their labels, bucket and
 * time labels, XML escaping, fitting text, and what `exitstat plot` works
 * out of a recording: each reason's exits per interval across a reset and
 * VMs that come and go, top N + "other", a VM's own bursts, merged bins.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/plot.h"
#include "host_fixture.h"

static void expect_ticks(double max, unsigned int want, double min_step,
			 bool cover, double step, double top, unsigned int nr)
{
	struct axis_ticks t;

	axis_nice(max, want, min_step, cover, &t);
	if (t.step != step || t.top != top || t.nr != nr)
		fail_msg(
			"axis_nice(%g, %u, %g, %d): step %g top %g nr %u, want %g %g %u",
			max, want, min_step, cover, t.step, t.top, t.nr, step,
			top, nr);
	assert_true(t.v[0] == 0);
	assert_true(t.v[t.nr - 1] == t.top);
}

static void test_ticks(void **state)
{
	(void)state;
	expect_ticks(12532.7, 10, 0, true, 2000, 14000, 8);
	expect_ticks(12532.7, 5, 0, true, 5000, 15000, 4);
	expect_ticks(1200, 10, 0, true, 200, 1200, 7);
	expect_ticks(1799.0, 9, 0, false, 200, 1600, 9);
	expect_ticks(10.001, 11, 0, false, 1, 10, 11);
	expect_ticks(5.0, 10, 0, false, 0.5, 5, 11);
	expect_ticks(0.3, 3, 0, true, 0.1, 0.30000000000000004, 4);
	expect_ticks(7, 1, 0, true, 10, 10, 2);
	expect_ticks(3, 10, 1, true, 1, 3, 4); /* counts: steps of 1 at least */
	expect_ticks(0, 5, 0, true, 0.2, 1, 6); /* nothing: 0 to 1 */
	expect_ticks(-5, 0, 0, true, 1, 1, 2);
	expect_ticks(3e6, 6, 0, true, 5e5, 3e6, 7);
}

static void expect_label(double top, double step, double v, const char *want)
{
	struct axis_ticks t = { .step = step, .top = top };
	char buf[32];

	assert_string_equal(axis_label(&t, v, buf), want);
}

static void test_tick_labels(void **state)
{
	(void)state;
	expect_label(14000, 2000, 2000, "2k");
	expect_label(14000, 2000, 14000, "14k");
	expect_label(15000, 2500, 7500, "7.5k");
	expect_label(2000, 500, 1500, "1500");
	expect_label(1.0, 0.1, 0.3, "0.3");
	expect_label(1.0, 0.1, 0, "0");
	expect_label(1e6, 2e5, 4e5, "0.4M");
	expect_label(3e6, 5e5, 2.5e6, "2.5M");
	expect_label(5e6, 1e6, 5e6, "5M");
	expect_label(2e9, 5e8, 1.5e9, "1.5G");
	expect_label(10, 1, 10, "10");
	expect_label(5, 0.5, 2.5, "2.5");
	expect_label(5, 0.5, 2, "2.0");
}

static void test_bucket_labels(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(pow2_label(0, buf), "1");
	assert_string_equal(pow2_label(9, buf), "512");
	assert_string_equal(pow2_label(10, buf), "1K");
	assert_string_equal(pow2_label(16, buf), "64K");
	assert_string_equal(pow2_label(20, buf), "1M");
	assert_string_equal(pow2_label(31, buf), "2G");
	assert_string_equal(time_label(0.488, buf, sizeof(buf)), "488ns");
	assert_string_equal(time_label(1.953125, buf, sizeof(buf)),
			    "1.95\xc2\xb5s");
	assert_string_equal(time_label(999.4, buf, sizeof(buf)),
			    "999\xc2\xb5s");
	assert_string_equal(time_label(999.6, buf, sizeof(buf)), "1ms");
	assert_string_equal(time_label(12500, buf, sizeof(buf)), "12.5ms");
	assert_string_equal(time_label(2e6, buf, sizeof(buf)), "2s");
	assert_true(log2_u64(0) == 0);
	assert_true(log2_u64(1) == 0);
	assert_true(log2_u64(1024) == 10);
	assert_true(log2_u64(3) > 1.5849 && log2_u64(3) < 1.5850);
	assert_true(log2_u64(UINT64_MAX) > 63.99 && log2_u64(UINT64_MAX) <= 64);
}

static void expect_escaped(const char *in, const char *want)
{
	struct svg s;

	svg_init(&s);
	svg_escape(&s, in);
	assert_int_equal(s.err, 0);
	assert_string_equal(s.buf ? s.buf : "", want);
	svg_free(&s);
}

#define FFFD "\xef\xbf\xbd"

static void test_escape(void **state)
{
	(void)state;
	expect_escaped("", "");
	expect_escaped("IOIO", "IOIO");
	expect_escaped("a<b>&\"c'", "a&lt;b&gt;&amp;&quot;c&apos;");
	expect_escaped("&amp;", "&amp;amp;");
	expect_escaped("tab\there\n", "tab" FFFD "here" FFFD);
	expect_escaped("\x7f", FFFD);
	expect_escaped("\xc2\xb5s \xc3\x97 \xe2\x89\xa4 \xf0\x9f\x99\x82",
		       "\xc2\xb5s \xc3\x97 \xe2\x89\xa4 \xf0\x9f\x99\x82");
	expect_escaped("\xff", FFFD);
	expect_escaped("\xc0\xaf", FFFD FFFD); /* overlong */
	expect_escaped("\xed\xa0\x80", FFFD FFFD FFFD); /* a surrogate */
	expect_escaped("\xef\xbf\xbe", FFFD FFFD FFFD); /* U+FFFE */
	expect_escaped("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	expect_escaped("a\xe2\x82", "a" FFFD FFFD); /* cut short */
}

static void test_text_fit(void **state)
{
	const char *parts[] = { "svm, kernel 6.1", "41 samples", "bursts" };
	char buf[64];

	(void)state;
	assert_true(svg_text_width("WWW", 12) > svg_text_width("iii", 12));
	assert_true(svg_text_width("\xc2\xb5", 12) == svg_text_width("a", 12));
	assert_string_equal(plot_fit("short", 500, 12, buf, sizeof(buf)),
			    "short");
	plot_fit("EXTERNAL_INTERRUPT and more", 60, 12, buf, sizeof(buf));
	assert_true(svg_text_width(buf, 12) <= 60);
	assert_non_null(strstr(buf, "\xe2\x80\xa6"));
	assert_int_equal(strncmp(buf, "EXT", 3), 0);
	plot_join(parts, 3, 1000, 12, buf, sizeof(buf));
	assert_string_equal(
		buf, "svm, kernel 6.1 \xc2\xb7 41 samples \xc2\xb7 bursts");
	plot_join(parts, 3, svg_text_width("svm, kernel 6.1 \xc2\xb7 41 s", 12),
		  12, buf, sizeof(buf));
	assert_string_equal(buf, "svm, kernel 6.1");
}

static void load(struct plot_data *d, const char *name, uint64_t vm)
{
	char *path = fixture_path(name), msg[512];

	if (plot_load(d, path, vm, msg, sizeof(msg)))
		fail_msg("%s", msg);
	free(path);
}

static void expect_iv(const uint64_t *iv, const uint64_t *want, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (iv[i] != want[i])
			fail_msg("interval %zu: %llu, want %llu", i,
				 (unsigned long long)iv[i],
				 (unsigned long long)want[i]);
}

/*
 * small.rec (tests/fixtures/README.md): intervals of 110, 210, 1011
 * (burst), 20 (reset) and 110 exits; CPUID 1230, IOIO 210, HLT 21.
 */
static void test_top_other(void **state)
{
	static const uint64_t cpuid[] = { 0, 100, 1000, 20, 110 };
	static const uint64_t rest[] = { 110, 110, 11, 0, 0 };
	struct plot_data d;
	struct plot_set set;

	(void)state;
	load(&d, "small.rec", WIN_ALL);
	assert_int_equal(d.nr_iv, 5);
	assert_int_equal(d.nr_bursts, 1);
	assert_true(d.iv[2].burst && d.iv[3].reset);
	assert_int_equal(plot_top(&d, 1, &set), 0);
	assert_int_equal(set.nr, 2);
	assert_int_equal(set.exits, 1461);
	assert_int_equal(set.nr_other, 2);
	assert_string_equal(set.s[0].label, "CPUID");
	assert_string_equal(set.s[0].hex, "0x72");
	assert_int_equal(set.s[0].fig.exits, 1230);
	assert_string_equal(set.s[0].colour, svg_palette[0]);
	expect_iv(set.s[0].iv, cpuid, 5);
	assert_string_equal(set.s[1].label, "other (2 reasons)");
	assert_string_equal(set.s[1].hex, "");
	assert_string_equal(set.s[1].colour, SVG_OTHER_COLOUR);
	assert_int_equal(set.s[1].code, PLOT_OTHER);
	assert_int_equal(set.s[1].fig.exits, 231);
	assert_int_equal(set.s[1].fig.hist[9] + set.s[1].fig.hist[11], 231);
	expect_iv(set.s[1].iv, rest, 5);
	plot_set_free(&set);
	/* more than there are: no "other" */
	assert_int_equal(plot_top(&d, 6, &set), 0);
	assert_int_equal(set.nr, 3);
	assert_int_equal(set.nr_other, 0);
	assert_string_equal(set.s[1].label, "IOIO");
	assert_string_equal(set.s[2].label, "HLT");
	plot_set_free(&set);
	plot_free(&d);
}

/* VM 2 of small.rec: appears in sample 3, its own median and bursts. */
static void test_per_vm(void **state)
{
	static const uint64_t cpuid[] = { 0, 100, 1000, 20, 110 };
	struct plot_data d;
	struct plot_set set;

	(void)state;
	load(&d, "small.rec", 2);
	assert_non_null(d.wvm);
	assert_int_equal(d.first_iv, 1);
	assert_int_equal(d.end_iv, 5);
	assert_true(d.median_rate == 110); /* of 100, 1000, 110 */
	assert_int_equal(d.nr_bursts, 1);
	assert_true(d.iv[2].burst);
	assert_false(d.iv[0].burst || d.iv[1].burst || d.iv[4].burst);
	assert_int_equal(plot_top(&d, 6, &set), 0);
	assert_int_equal(set.nr, 1);
	assert_int_equal(set.exits, 1230);
	expect_iv(set.s[0].iv, cpuid, 5);
	plot_set_free(&set);
	plot_free(&d);
	/* VM 1 is gone after sample 3: no burst among 90+100 */
	load(&d, "small.rec", 1);
	assert_int_equal(d.first_iv, 0);
	assert_int_equal(d.end_iv, 2);
	assert_int_equal(d.nr_bursts, 0);
	plot_free(&d);
}

static void test_bins(void **state)
{
	struct plot_data d;
	struct plot_set set;
	struct plot_bin *b;
	size_t nr;

	(void)state;
	load(&d, "small.rec", WIN_ALL);
	assert_int_equal(plot_top(&d, 1, &set), 0);
	assert_int_equal(plot_bins(&d, &set, 100, &b, &nr), 0);
	assert_int_equal(nr, 5);
	assert_true(b[2].burst && !b[2].reset && b[3].reset);
	assert_true(b[2].rate[0] == 1000 && b[2].rate[1] == 11);
	assert_true(b[2].total == 1011);
	free(b);
	assert_int_equal(plot_bins(&d, &set, 2, &b, &nr), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(b[0].from_ns, 0);
	assert_int_equal(b[0].to_ns, 2000000000);
	assert_int_equal(b[1].to_ns, 5000000000);
	assert_false(b[0].burst || b[0].reset);
	assert_true(b[1].burst && b[1].reset);
	assert_true(b[0].rate[0] == 50 && b[0].rate[1] == 110);
	assert_true(b[1].rate[0] > 376.66 && b[1].rate[0] < 376.67);
	free(b);
	plot_set_free(&set);
	plot_free(&d);
}

/* The captured recording: per-reason intervals add up to report's. */
static void test_captured_sums(void **state)
{
	struct plot_data d;
	struct plot_set set;
	uint64_t sum;
	size_t i;
	unsigned int k;

	(void)state;
	load(&d, "svm-6.1-main.rec", WIN_ALL);
	assert_int_equal(d.nr_iv, 40);
	assert_int_equal(d.nr_bursts, 19);
	assert_int_equal(plot_top(&d, 2, &set), 0);
	assert_int_equal(set.exits, 36474);
	for (i = 0; i < d.nr_iv; i++) {
		for (sum = 0, k = 0; k < set.nr; k++)
			sum += set.s[k].iv[i];
		if (sum != d.iv[i].exits)
			fail_msg("interval %zu: %llu, report says %llu", i,
				 (unsigned long long)sum,
				 (unsigned long long)d.iv[i].exits);
	}
	plot_set_free(&set);
	plot_free(&d);
}

static void test_load_errors(void **state)
{
	char *dir = tmpdir_make(), *f = path_join(dir, "f"), msg[512];
	char want[512];
	struct plot_data d;

	(void)state;
	assert_int_equal(plot_load(&d, "/nonexistent/x", WIN_ALL, msg,
				   sizeof(msg)),
			 -ENOENT);
	assert_string_equal(msg, "/nonexistent/x: No such file or directory");
	write_bytes(f, "\x89PNG\r\n\x1a\n\0\0\0", 11);
	assert_int_equal(plot_load(&d, f, WIN_ALL, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, ": line 1: "));
	write_text(f, "exitstat-recording 1 interval_ns=1 duration_ns=0\n");
	assert_int_equal(plot_load(&d, f, WIN_ALL, msg, sizeof(msg)), -ENODATA);
	snprintf(want, sizeof(want), "%s: no sample", f);
	assert_string_equal(msg, want);
	free(f);
	tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_tick_labels),
		cmocka_unit_test(test_bucket_labels),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_text_fit),
		cmocka_unit_test(test_top_other),
		cmocka_unit_test(test_per_vm),
		cmocka_unit_test(test_bins),
		cmocka_unit_test(test_captured_sums),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
