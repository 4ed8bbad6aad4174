// SPDX-License-Identifier: GPL-2.0
/*
 * tools/window.c: what `report` and `diff` compute from samples: window
 * figures across resets and VMs that come and go, interval rates, the
 * median and bursts, and latency percentiles from log2 histograms.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/window.h"
#include "host_fixture.h"

#define HEAD                                                              \
	"exitstat-stats 1\nisa svm\nkernel 6.1\nscope vm\ntsc_khz 1000\n" \
	"hist_buckets 32\ncpuid_missed 0\nunattributed 0\n"

/* Adds a sample at @t_s seconds whose lines after the header are @body. */
static void add(struct window *w, uint64_t t_s, const char *body)
{
	struct rec_sample s = { .seq = w->nr_samples + 1,
				.mono_ns = t_s * 1000000000ull };
	char text[4096];
	struct parse_err e;

	snprintf(text, sizeof(text), HEAD "%send\n", body);
	if (stats_parse(text, strlen(text), 1, &s.snap, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(win_add(w, &s, &e), 0);
	stats_free(&s.snap);
}

/* A sample with VM 1 (one vCPU) having @io IOIO exits of 100 cycles. */
static void add_io(struct window *w, uint64_t t_s, uint64_t io)
{
	char body[1024];

	snprintf(
		body, sizeof(body),
		"total exits=%llu cycles=0\nretired exits=0 cycles=0\n"
		"vm id=1 pid=1 stats_id=kvm-1 vcpus=1 exits=%llu cycles=0\n"
		"vcpu vm=1 idx=0 id=0 tid=2 exits=%llu cycles=0\n"
		"reason vm=1 vcpu=0 code=0x7b exits=%llu cycles=%llu min=100 max=100 hist=6:%llu\n",
		(unsigned long long)io, (unsigned long long)io,
		(unsigned long long)io, (unsigned long long)io,
		(unsigned long long)io * 100, (unsigned long long)io);
	add(w, t_s, body);
}

static const struct win_series *find(const struct win_map *m, uint64_t code)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (m->v[i].code == code)
			return &m->v[i];
	return NULL;
}

static void test_percentile(void **state)
{
	uint64_t h[64] = { 0 };
	struct lat_range r;

	(void)state;
	h[3] = 50;
	h[10] = 49;
	h[20] = 1;
	r = hist_percentile(h, 32, 100, 50);
	assert_int_equal(r.lo, 8);
	assert_int_equal(r.hi, 15);
	r = hist_percentile(h, 32, 100, 51);
	assert_int_equal(r.lo, 1024);
	assert_int_equal(r.hi, 2047);
	r = hist_percentile(h, 32, 100, 99);
	assert_int_equal(r.lo, 1024);
	r = hist_percentile(h, 32, 100, 100);
	assert_int_equal(r.lo, 1 << 20);
	assert_int_equal(r.hi, (1 << 21) - 1);
	memset(h, 0, sizeof(h));
	h[0] = 1;
	r = hist_percentile(h, 32, 1, 50);
	assert_int_equal(r.lo, 0);
	assert_int_equal(r.hi, 1);
	h[0] = 0;
	h[31] = 3;
	r = hist_percentile(h, 32, 3, 99);
	assert_int_equal(r.lo, 1ull << 31);
	assert_true(r.hi == UINT64_MAX);
	h[31] = 0;
	h[63] = 1;
	r = hist_percentile(h, 64, 1, 50);
	assert_true(r.lo == 1ull << 63 && r.hi == UINT64_MAX);
	/* rank ceil(p * n / 100) without overflow */
	memset(h, 0, sizeof(h));
	h[1] = UINT64_MAX / 2;
	h[2] = UINT64_MAX / 2;
	r = hist_percentile(h, 32, UINT64_MAX - 1, 50);
	assert_int_equal(r.lo, 2);
	r = hist_percentile(h, 32, UINT64_MAX - 1, 51);
	assert_int_equal(r.lo, 4);
}

static void test_latency(void **state)
{
	struct stats_fig f = { .cycles = 18500, .min = 9000, .max = 9500 };
	struct latency l;

	(void)state;
	f.hist[13] = 2;
	assert_true(fig_latency(&f, 32, &l));
	assert_int_equal(l.n, 2);
	assert_int_equal(l.avg, 9250);
	assert_int_equal(l.min, 9000);
	assert_int_equal(l.max, 9500);
	assert_int_equal(l.p50.lo, 9000); /* bucket [8192, 16383] clamped */
	assert_int_equal(l.p50.hi, 9500);
	assert_int_equal(l.p99.hi, 9500);

	memset(&f, 0, sizeof(f));
	f.hist[6] = 1;
	f.hist[20] = 1;
	f.min = 5; /* from before the window: brought into bucket 6 */
	f.max = 5000000; /* likewise into bucket 20 */
	f.cycles = 1000100;
	assert_true(fig_latency(&f, 32, &l));
	assert_int_equal(l.min, 64);
	assert_int_equal(l.max, 2097151);
	assert_int_equal(l.p50.lo, 64);
	assert_int_equal(l.p50.hi, 127);
	assert_int_equal(l.p90.lo, 1 << 20);
	assert_int_equal(l.p90.hi, 2097151);

	memset(&f, 0, sizeof(f));
	f.exits = 3; /* exits that never ended: no latency */
	assert_false(fig_latency(&f, 32, &l));
}

static void test_median(void **state)
{
	double a[] = { 3, 1, 2 }, b[] = { 4, 1, 3, 2 };

	(void)state;
	assert_true(median(a, 0) == 0);
	assert_true(median(a, 3) == 2);
	assert_true(median(b, 4) == 2.5);
}

/* The hand-made recording of tests/fixtures (see its README). */
static void test_small(void **state)
{
	struct window *w = calloc(1, sizeof(*w));
	struct rec_info info;
	size_t len;
	char *text = fixture_text("small.rec", &len);
	struct win_map m;
	struct parse_err e;

	(void)state;
	assert_non_null(w);
	win_init(w);
	assert_int_equal(rec_scan(text, len, win_add_sample, w, &info, &e), 0);
	win_finish(w);
	assert_true(w->timed);
	assert_int_equal(w->nr_iv, 5);
	assert_int_equal(w->iv[0].exits, 110);
	assert_int_equal(w->iv[1].exits, 210);
	assert_int_equal(w->iv[2].exits, 1011);
	assert_int_equal(w->iv[3].exits, 20);
	assert_true(w->iv[3].reset);
	assert_int_equal(w->iv[4].exits, 110);
	assert_true(w->median_rate == 160);
	assert_int_equal(w->nr_bursts, 1);
	assert_true(w->iv[2].burst);
	assert_int_equal(w->nr_resets, 1);
	/* host: nothing lost; VM 1's last 11 exits only in the host figures */
	assert_int_equal(find(&w->host, 0x7b)->acc.exits, 210);
	assert_int_equal(find(&w->host, 0x78)->acc.exits, 21);
	assert_int_equal(find(&w->host, 0x72)->acc.exits, 1230);
	assert_int_equal(win_sum(w, 1, WIN_ALL, &m), 0);
	assert_int_equal(find(&m, 0x7b)->acc.exits, 200);
	assert_int_equal(find(&m, 0x78)->acc.exits, 20);
	win_map_free(&m);
	assert_int_equal(win_sum(w, 2, 0, &m), 0);
	assert_int_equal(find(&m, 0x72)->acc.exits, 1170);
	win_map_free(&m);
	assert_int_equal(win_sum(w, 2, 1, &m), 0);
	assert_int_equal(find(&m, 0x72)->acc.exits, 60);
	win_map_free(&m);
	assert_int_equal(w->nr_vms, 2);
	assert_int_equal(w->vms[0].first, 0);
	assert_int_equal(w->vms[0].last, 2);
	assert_int_equal(w->vms[1].first, 2);
	assert_int_equal(w->vms[1].last, 5);
	assert_int_equal(w->nr_vcpus, 3);
	win_free(w);
	free(w);
	free(text);
}

/* Mostly idle: median 0, so any interval with exits is a burst. */
static void test_idle_bursts(void **state)
{
	struct window w;

	(void)state;
	win_init(&w);
	add_io(&w, 1, 0);
	add_io(&w, 2, 0);
	add_io(&w, 3, 0);
	add_io(&w, 4, 0);
	add_io(&w, 5, 5);
	win_finish(&w);
	assert_true(w.median_rate == 0);
	assert_int_equal(w.nr_bursts, 1);
	assert_true(w.iv[3].burst);
	assert_false(w.iv[0].burst);
	win_free(&w);

	win_init(&w); /* steady */
	add_io(&w, 1, 0);
	add_io(&w, 2, 100);
	add_io(&w, 3, 250);
	add_io(&w, 4, 300);
	add_io(&w, 5, 400);
	win_finish(&w);
	assert_true(w.median_rate == 100);
	assert_int_equal(w.nr_bursts, 0);
	win_free(&w);
}

/* One vCPU going down is a reset even when the total grew. */
static void test_reset_by_vcpu(void **state)
{
	static const char s1[] =
		"total exits=100 cycles=0\nretired exits=0 cycles=0\n"
		"vm id=1 pid=1 stats_id=a vcpus=1 exits=50 cycles=0\n"
		"vcpu vm=1 idx=0 id=0 tid=1 exits=50 cycles=0\n"
		"reason vm=1 vcpu=0 code=0x7b exits=50 cycles=0 min=0 max=0 hist=\n"
		"vm id=2 pid=2 stats_id=b vcpus=1 exits=50 cycles=0\n"
		"vcpu vm=2 idx=0 id=0 tid=2 exits=50 cycles=0\n"
		"reason vm=2 vcpu=0 code=0x7b exits=50 cycles=0 min=0 max=0 hist=\n";
	static const char s2[] =
		"total exits=300 cycles=0\nretired exits=0 cycles=0\n"
		"vm id=1 pid=1 stats_id=a vcpus=1 exits=10 cycles=0\n"
		"vcpu vm=1 idx=0 id=0 tid=1 exits=10 cycles=0\n"
		"reason vm=1 vcpu=0 code=0x7b exits=10 cycles=0 min=0 max=0 hist=\n"
		"vm id=2 pid=2 stats_id=b vcpus=1 exits=290 cycles=0\n"
		"vcpu vm=2 idx=0 id=0 tid=2 exits=290 cycles=0\n"
		"reason vm=2 vcpu=0 code=0x7b exits=290 cycles=0 min=0 max=0 hist=\n";
	struct window w;

	(void)state;
	win_init(&w);
	add(&w, 1, s1);
	add(&w, 2, s2);
	win_finish(&w);
	assert_int_equal(w.nr_resets, 1);
	assert_true(w.iv[0].reset);
	assert_int_equal(w.iv[0].exits, 300);
	assert_int_equal(find(&w.host, 0x7b)->acc.exits, 300);
	win_free(&w);
}

/* Only retired figures (all VMs gone): the window still counts them. */
static void test_retired_only(void **state)
{
	struct window w;

	(void)state;
	win_init(&w);
	add(&w, 1,
	    "total exits=5 cycles=50\nretired exits=5 cycles=50\n"
	    "retired-reason code=0x72 exits=5 cycles=50 min=10 max=10 hist=3:5\n");
	add(&w, 3,
	    "total exits=9 cycles=90\nretired exits=9 cycles=90\n"
	    "retired-reason code=0x72 exits=9 cycles=90 min=10 max=10 hist=3:9\n");
	win_finish(&w);
	assert_int_equal(find(&w.host, 0x72)->acc.exits, 4);
	assert_int_equal(find(&w.host, 0x72)->acc.hist[3], 4);
	assert_true(w.iv[0].rate == 2);
	win_free(&w);
}

static void test_changed_isa(void **state)
{
	struct rec_sample s = { .seq = 2, .mono_ns = 2, .line = 30 };
	static const char vmx[] =
		"exitstat-stats 1\nisa vmx\nkernel 6.1\nscope vm\ntsc_khz 1\n"
		"hist_buckets 32\ncpuid_missed 0\nunattributed 0\n"
		"total exits=0 cycles=0\nretired exits=0 cycles=0\nend\n";
	struct parse_err e;
	struct window w;

	(void)state;
	win_init(&w);
	add_io(&w, 1, 1);
	assert_int_equal(stats_parse(vmx, sizeof(vmx) - 1, 1, &s.snap, &e), 0);
	assert_int_equal(win_add(&w, &s, &e), -EINVAL);
	assert_string_equal(e.msg, "line 30: sample 2: isa changed");
	stats_free(&s.snap);
	win_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_idle_bursts),
		cmocka_unit_test(test_reset_by_vcpu),
		cmocka_unit_test(test_retired_only),
		cmocka_unit_test(test_changed_isa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
