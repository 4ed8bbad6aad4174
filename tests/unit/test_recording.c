// SPDX-License-Identifier: GPL-2.0
/*
 * tools/recording.c: reading recordings (docs/recording-format.md).  Every
 * complete sample is kept, a torn last one ignored wherever the write
 * stopped, and anything else that is wrong is an error with its line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/recording.h"
#include "host_fixture.h"

/* 6 lines */
#define SNAP(total)                                                    \
	"exitstat-stats 1\nisa vmx\nkernel 6.1\nscope vm\ntsc_khz 1\n" \
	"hist_buckets 32\ncpuid_missed 0\nunattributed 0\n"            \
	"total exits=" total " cycles=0\nretired exits=0 cycles=0\nend\n"

#define HEAD "exitstat-recording 1 interval_ns=1000000000 duration_ns=0\n"
#define SAMPLE(n, t, total)                                                  \
	"sample " n " mono_ns=" t " real_ns=5\n" SNAP(total) "sample-end " n \
							     "\n"

/* lines: header 1, each sample 13 */
static const char good[] =
	HEAD SAMPLE("1", "100", "1") "unknown-thing 1\n" SAMPLE("2", "200", "2")
		SAMPLE("3", "300", "3");

struct seen {
	size_t nr;
	uint64_t seq[64];
	uint64_t mono[64];
	uint64_t total[64];
	bool untimed;
};

static int collect(void *ctx, struct rec_sample *s, struct parse_err *e)
{
	struct seen *seen = ctx;

	(void)e;
	assert_true(seen->nr < 64);
	seen->seq[seen->nr] = s->seq;
	seen->mono[seen->nr] = s->mono_ns;
	seen->total[seen->nr] = s->snap.total_exits;
	seen->untimed = s->untimed;
	seen->nr++;
	return 0;
}

static int scan(const char *buf, size_t len, struct seen *seen,
		struct rec_info *info, struct parse_err *e)
{
	char *copy = malloc(len + 1); /* exact size for ASan */
	int ret;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	memset(seen, 0, sizeof(*seen));
	ret = rec_scan(copy, len, collect, seen, info, e);
	assert_int_equal(info->nr_samples, seen->nr);
	free(copy);
	return ret;
}

static void expect_err(const char *buf, const char *msg)
{
	struct rec_info info;
	struct parse_err e;
	struct seen seen;

	if (!scan(buf, strlen(buf), &seen, &info, &e))
		fail_msg("scanned, expected: %s", msg);
	assert_string_equal(e.msg, msg);
}

static void test_good(void **state)
{
	char *text = malloc(sizeof(good) + 64);
	struct rec_info info;
	struct parse_err e;
	struct seen seen;

	(void)state;
	assert_non_null(text);
	snprintf(text, sizeof(good) + 64, "%sstop duration reached\n", good);
	assert_int_equal(scan(text, strlen(text), &seen, &info, &e), 0);
	assert_int_equal(info.version, 1);
	assert_int_equal(info.interval_ns, 1000000000);
	assert_int_equal(info.duration_ns, 0);
	assert_int_equal(seen.nr, 3);
	assert_int_equal(seen.seq[2], 3);
	assert_int_equal(seen.mono[1], 200);
	assert_int_equal(seen.total[2], 3);
	assert_false(seen.untimed);
	assert_int_equal(info.torn_line, 0);
	assert_string_equal(info.stop, "duration reached");
	free(text);
}

/* A write cut anywhere in the last sample loses only that sample. */
static void test_torn(void **state)
{
	size_t len = sizeof(good) - 1, cut,
	       start = strstr(good, "sample 3") - good;
	struct rec_info info;
	struct parse_err e;
	struct seen seen;

	(void)state;
	for (cut = start; cut <= len; cut++) {
		assert_int_equal(scan(good, cut, &seen, &info, &e), 0);
		if (cut >= len - 1) {
			assert_int_equal(seen.nr, 3);
			assert_int_equal(info.torn_line, 0);
		} else {
			assert_int_equal(seen.nr, 2);
			assert_int_equal(info.torn_line, cut == start ? 0 : 29);
		}
	}
}

/* What a crash can leave after the last write: zeroed blocks. */
static void test_zero_tail(void **state)
{
	char buf[sizeof(good) + 16];
	struct rec_info info;
	struct parse_err e;
	struct seen seen;

	(void)state;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, good, sizeof(good) - 1);
	assert_int_equal(scan(buf, sizeof(buf), &seen, &info, &e), 0);
	assert_int_equal(seen.nr, 3);
	assert_int_equal(info.torn_line, 42);
	/* zeroes inside the last sample */
	memcpy(buf, good, sizeof(good) - 1);
	memset(strstr(buf, "sample 3") + 40, 0,
	       sizeof(good) - 1 - (strstr(good, "sample 3") - good) - 40);
	assert_int_equal(scan(buf, sizeof(buf), &seen, &info, &e), 0);
	assert_int_equal(seen.nr, 2);
	assert_int_equal(info.torn_line, 29);
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("", "empty (not an exitstat recording or stats file)");
	expect_err("hello\n",
		   "line 1: not an exitstat recording or stats file");
	expect_err("exitstat-recording\n",
		   "line 1: not an exitstat recording or stats file");
	expect_err(
		"exitstat-recording 2 interval_ns=1 duration_ns=0\n",
		"line 1: unsupported recording version '2' (this exitstat reads version 1)");
	expect_err("exitstat-recording 1 interval_ns=1\n",
		   "line 1: exitstat-recording: missing key 'duration_ns'");
	expect_err(HEAD SAMPLE("2", "100", "1"),
		   "line 2: sample 2 out of order (expected 1)");
	expect_err(HEAD SAMPLE("1", "100", "1") SAMPLE("3", "200", "1"),
		   "line 15: sample 3 out of order (expected 2)");
	expect_err(
		HEAD SAMPLE("1", "100", "1") SAMPLE("2", "100", "1"),
		"line 15: sample 2: mono_ns not after the previous sample's");
	expect_err(HEAD "sample x mono_ns=1 real_ns=1\n",
		   "line 2: sample: bad sample number 'x'");
	expect_err(HEAD "sample 1 mono_ns=1\n" SNAP("1") "sample-end 1\n",
		   "line 2: sample: missing key 'real_ns'");
	expect_err(HEAD "sample 1 mono_ns=1 real_ns=1\n" SNAP("1")
			   SAMPLE("2", "200", "1"),
		   "line 2: sample 1: no 'sample-end 1' line");
	expect_err(HEAD "sample-end 1\n",
		   "line 2: 'sample-end' outside its place");
	expect_err(HEAD "end\n", "line 2: 'end' outside its place");
	expect_err(HEAD SAMPLE("1", "100", "1") HEAD,
		   "line 15: 'exitstat-recording' outside its place");
	expect_err(HEAD "\n", "line 2: empty line");
	expect_err(HEAD "Sample 1\n", "line 2: not a keyword: 'Sample'");
	/* a snapshot error names the line in the recording */
	expect_err(HEAD SAMPLE("1", "100", "1") SAMPLE("2", "200", "x"),
		   "line 24: total: bad number 'x' for 'exits'");
	expect_err(
		HEAD
		"sample 1 mono_ns=1 real_ns=1\nexitstat-stats 1\nend\nsample-end 1\n",
		"line 4: no 'isa' line before 'end'");
}

static void test_bare_snapshot(void **state)
{
	size_t len;
	char *text = fixture_text("svm-6.1-live.stats", &len);
	struct rec_info info;
	struct parse_err e;
	struct seen seen;

	(void)state;
	assert_int_equal(scan(text, len, &seen, &info, &e), 0);
	assert_int_equal(info.version, 0);
	assert_int_equal(seen.nr, 1);
	assert_true(seen.untimed);
	assert_int_equal(seen.total[0], 10818);
	free(text);
	expect_err("exitstat-stats 1\nisa svm\n",
		   "truncated after line 2 (no 'end' line)");
}

static void check_captured(const char *name, size_t nr, uint64_t interval,
			   const char *stop)
{
	size_t len;
	char *text = fixture_text(name, &len);
	struct rec_info info;
	struct parse_err e;
	struct seen seen;

	if (scan(text, len, &seen, &info, &e))
		fail_msg("%s: %s", name, e.msg);
	assert_int_equal(seen.nr, nr);
	assert_int_equal(info.torn_line, 0);
	assert_string_equal(info.stop, stop);
	assert_int_equal(info.interval_ns, interval);
	free(text);
}

/* Recordings that `exitstat record` made in a nested-KVM guest. */
static void test_captured(void **state)
{
	(void)state;
	check_captured("svm-6.1-main.rec", 41, 250000000, "duration reached");
	check_captured("svm-6.1-pid.rec", 7, 250000000,
		       "VM 53 (pid 251) went away");
	check_captured(
		"svm-6.1-rmmod.rec", 4, 200000000,
		"/proc/exitstat/stats: not found (is exitstat.ko loaded?)");
}

/* Every cut of a real recording: the complete samples before the cut. */
static void test_every_cut(void **state)
{
	size_t len, cut, ends[16], nr_ends = 0, want, i;
	char *text = fixture_text("svm-6.1-pid.rec", &len), *p = text;
	size_t head = strchr(text, '\n') - text + 1;
	struct rec_info info;
	struct parse_err e;
	struct seen seen;

	(void)state;
	while ((p = strstr(p, "\nsample-end "))) {
		p = strchr(p + 1, '\n');
		assert_true(nr_ends < 16);
		ends[nr_ends++] = p - text; /* its '\n' */
	}
	for (cut = head; cut <= len; cut++) {
		if (scan(text, cut, &seen, &info, &e))
			fail_msg("cut at %zu: %s", cut, e.msg);
		for (want = 0, i = 0; i < nr_ends; i++)
			want += ends[i] <= cut;
		assert_int_equal(seen.nr, want);
	}
	free(text);
}

static void test_mutations(void **state)
{
	size_t len, i;
	char *text = fixture_text("svm-6.1-pid.rec", &len);
	static const char bytes[] = "0x1=:, \n\0-9aze";
	struct rec_info info;
	unsigned int seed = 7;
	struct parse_err e;
	struct seen seen;

	(void)state;
	for (i = 0; i < 500; i++) {
		char *copy = malloc(len);
		unsigned int k;

		assert_non_null(copy);
		memcpy(copy, text, len);
		for (k = 0; k < 1 + i % 3; k++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % len] =
				bytes[(seed >> 20) % (sizeof(bytes) - 1)];
		}
		if (scan(copy, len, &seen, &info, &e))
			assert_true(strlen(e.msg) > 0);
		free(copy);
	}
	free(text);
}

static int fail_second(void *ctx, struct rec_sample *s, struct parse_err *e)
{
	(void)ctx;
	if (s->seq == 2) {
		parse_err_set(e, s->line, "stop here");
		return -E2BIG;
	}
	return 0;
}

static void test_callback_error(void **state)
{
	struct rec_info info;
	struct parse_err e;

	(void)state;
	assert_int_equal(rec_scan(good, sizeof(good) - 1, fail_second, NULL,
				  &info, &e),
			 -E2BIG);
	assert_string_equal(e.msg, "line 16: stop here");
}

static void test_header_line(void **state)
{
	char buf[128];
	int n;

	(void)state;
	n = rec_header_line(buf, sizeof(buf), 250000000, 0);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(
		buf,
		"exitstat-recording 1 interval_ns=250000000 duration_ns=0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_torn),
		cmocka_unit_test(test_zero_tail),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bare_snapshot),
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_every_cut),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_callback_error),
		cmocka_unit_test(test_header_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
