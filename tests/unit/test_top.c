// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat top: the model and the screen on snapshots at given times
 * (rates, VMs that appear and go away, a reset, -p, every sort key and
 * grouping, a terminal's size), memory that stays flat over refreshes,
 * the plain output of the command for a captured snapshot, and every
 * command-line error with its exact line and status.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/top.h"
#include "host_fixture.h"
#include "run_cmd.h"

#define SEC 1000000000ull

#define HEAD                                                                 \
	"exitstat-stats 1\nisa svm\nkernel 6.1\nscope vm\ntsc_khz 2000000\n" \
	"hist_buckets 32\ncpuid_missed 0\nunattributed 0\n"

/* t = 0: VM 1 (pid 100, two vCPUs) and VM 2 (pid 200). */
static const char snap_a[] = HEAD
	"total exits=1100 cycles=1330000\nretired exits=0 cycles=0\n"
	"vm id=1 pid=100 stats_id=kvm-100 vcpus=2 exits=1000 cycles=1300000\n"
	"vcpu vm=1 idx=0 id=0 tid=101 exits=600 cycles=900000\n"
	"vcpu vm=1 idx=1 id=1 tid=102 exits=400 cycles=400000\n"
	"reason vm=1 vcpu=0 code=0x7b exits=500 cycles=500000 min=1000 max=1000 hist=9:500\n"
	"reason vm=1 vcpu=0 code=0x78 exits=100 cycles=400000 min=4000 max=4000 hist=11:100\n"
	"reason vm=1 vcpu=1 code=0x7b exits=400 cycles=400000 min=1000 max=1000 hist=9:400\n"
	"vm id=2 pid=200 stats_id=kvm-200 vcpus=1 exits=100 cycles=30000\n"
	"vcpu vm=2 idx=0 id=0 tid=201 exits=100 cycles=30000\n"
	"reason vm=2 vcpu=0 code=0x72 exits=100 cycles=30000 min=300 max=300 hist=8:100\n"
	"end\n";

/* t = 2 s: VM 2 went away after 20 more exits, VM 3 appeared. */
static const char snap_b[] = HEAD
	"total exits=1580 cycles=1791000\nretired exits=120 cycles=36000\n"
	"retired-reason code=0x72 exits=120 cycles=36000 min=300 max=300 hist=8:120\n"
	"vm id=1 pid=100 stats_id=kvm-100 vcpus=2 exits=1410 cycles=1740000\n"
	"vcpu vm=1 idx=0 id=0 tid=101 exits=810 cycles=1140000\n"
	"vcpu vm=1 idx=1 id=1 tid=102 exits=600 cycles=600000\n"
	"reason vm=1 vcpu=0 code=0x7b exits=700 cycles=700000 min=1000 max=1000 hist=9:700\n"
	"reason vm=1 vcpu=0 code=0x78 exits=110 cycles=440000 min=4000 max=4000 hist=11:110\n"
	"reason vm=1 vcpu=1 code=0x7b exits=600 cycles=600000 min=1000 max=1000 hist=9:600\n"
	"vm id=3 pid=300 stats_id=kvm-300 vcpus=1 exits=50 cycles=15000\n"
	"vcpu vm=3 idx=0 id=0 tid=301 exits=50 cycles=15000\n"
	"reason vm=3 vcpu=0 code=0x72 exits=50 cycles=15000 min=300 max=300 hist=8:50\n"
	"end\n";

/* t = 3 s: after a reset. */
static const char snap_c[] = HEAD
	"total exits=7 cycles=5600\nretired exits=0 cycles=0\n"
	"vm id=1 pid=100 stats_id=kvm-100 vcpus=2 exits=5 cycles=5000\n"
	"vcpu vm=1 idx=0 id=0 tid=101 exits=5 cycles=5000\n"
	"vcpu vm=1 idx=1 id=1 tid=102 exits=0 cycles=0\n"
	"reason vm=1 vcpu=0 code=0x7b exits=5 cycles=5000 min=1000 max=1000 hist=9:5\n"
	"vm id=3 pid=300 stats_id=kvm-300 vcpus=1 exits=2 cycles=600\n"
	"vcpu vm=3 idx=0 id=0 tid=301 exits=2 cycles=600\n"
	"reason vm=3 vcpu=0 code=0x72 exits=2 cycles=600 min=300 max=300 hist=8:2\n"
	"end\n";

static const char *const snaps[] = { snap_a, snap_b, snap_c };
static const uint64_t times[] = { 0, 2 * SEC, 3 * SEC };

static void update(struct top *t, const char *text, uint64_t now)
{
	struct stats_snap s;
	struct parse_err e;

	if (stats_parse(text, strlen(text), 1, &s, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(top_update(t, &s, now), 0);
	stats_free(&s);
}

/* Feeds the first @n snapshots to a top of @o; the plain screen of each. */
static void run_model(const struct top_opts *o, size_t n, const char **want)
{
	static const struct top_screen plain = { 0 };
	struct top t;
	size_t i;

	top_init(&t, o);
	for (i = 0; i < n; i++) {
		update(&t, snaps[i], times[i]);
		assert_int_equal(top_render(&t, &plain), 0);
		if (want[i] && strcmp(textbuf_str(&t.out), want[i]))
			fail_msg("refresh %zu:\n%s\nexpected:\n%s", i + 1,
				 textbuf_str(&t.out), want[i]);
	}
	top_free(&t);
}

#define TITLE(n, by, sort)                                    \
	"exitstat top: refresh " #n ", every 1.000 s, by " by \
	", sorted by " sort "\n"
#define HOST_A                                                               \
	"host: svm, kernel 6.1, scope vm, TSC 2000000 kHz; 2 VMs, 3 vCPUs; " \
	"1100 exits, -/s\n"
#define HOST_B                                                               \
	"host: svm, kernel 6.1, scope vm, TSC 2000000 kHz; 2 VMs, 3 vCPUs; " \
	"1580 exits, 240.0/s\n"
#define HOST_C                                                               \
	"host: svm, kernel 6.1, scope vm, TSC 2000000 kHz; 2 VMs, 3 vCPUs; " \
	"7 exits, 7.0/s\n"
#define CAME_WENT                          \
	"note: appeared: VM 3 (pid 300)\n" \
	"note: went away: VM 2 (pid 200)\n"
#define RESET "note: counters went down (a reset): counted from zero\n"

/*
 * Rates over the time between refreshes; a VM that appears counts from
 * zero, one that goes away takes its rows along; a reset counts from zero.
 */
static void test_by_vm(void **state)
{
	const struct top_opts o = { .interval_ns = SEC };
	const char *want[] = {
		TITLE(1, "vm", "rate") HOST_A
		"VM  PID  REASON  CODE  EXITS  RATE/s  CYCLES   AVG\n"
		" 1  100  IOIO    0x7b    900       -  900000  1000\n"
		" 1  100  HLT     0x78    100       -  400000  4000\n"
		" 2  200  CPUID   0x72    100       -   30000   300\n",
		"\n" TITLE(2, "vm", "rate") HOST_B CAME_WENT
		"VM  PID  REASON  CODE  EXITS  RATE/s   CYCLES   AVG\n"
		" 1  100  IOIO    0x7b   1300   200.0  1300000  1000\n"
		" 3  300  CPUID   0x72     50    25.0    15000   300\n"
		" 1  100  HLT     0x78    110     5.0   440000  4000\n",
		"\n" TITLE(3, "vm", "rate") HOST_C RESET
		"VM  PID  REASON  CODE  EXITS  RATE/s  CYCLES   AVG\n"
		" 1  100  IOIO    0x7b      5     5.0    5000  1000\n"
		" 3  300  CPUID   0x72      2     2.0     600   300\n",
	};

	(void)state;
	run_model(&o, 3, want);
}

/* Host-wide per reason: retired + live, so a VM going away loses nothing. */
static void test_by_reason(void **state)
{
	const struct top_opts o = { .by = TOP_BY_REASON, .interval_ns = SEC };
	const char *want[] = {
		NULL,
		"\n" TITLE(2, "reason", "rate") HOST_B CAME_WENT
		"REASON  CODE  EXITS  RATE/s   CYCLES   AVG\n"
		"IOIO    0x7b   1300   200.0  1300000  1000\n"
		"CPUID   0x72    170    35.0    51000   300\n"
		"HLT     0x78    110     5.0   440000  4000\n",
		"\n" TITLE(3, "reason", "rate") HOST_C RESET
		"REASON  CODE  EXITS  RATE/s  CYCLES   AVG\n"
		"IOIO    0x7b      5     5.0    5000  1000\n"
		"CPUID   0x72      2     2.0     600   300\n",
	};

	(void)state;
	run_model(&o, 3, want);
}

static void test_by_vcpu(void **state)
{
	const struct top_opts o = { .by = TOP_BY_VCPU,
				    .sort = TOP_SORT_CYCLES,
				    .interval_ns = SEC };
	const char *want[] = {
		NULL,
		"\n" TITLE(2, "vcpu", "cycles") HOST_B CAME_WENT
		"VM  PID  VCPU  REASON  CODE  EXITS  RATE/s  CYCLES   AVG\n"
		" 1  100     0  IOIO    0x7b    700   100.0  700000  1000\n"
		" 1  100     1  IOIO    0x7b    600   100.0  600000  1000\n"
		" 1  100     0  HLT     0x78    110     5.0  440000  4000\n"
		" 3  300     0  CPUID   0x72     50    25.0   15000   300\n",
	};

	(void)state;
	run_model(&o, 2, want);
}

/* -p: only that process's VMs, and its own totals. */
static void test_pid(void **state)
{
	const struct top_opts o100 = { .by = TOP_BY_REASON,
				       .sort = TOP_SORT_COUNT,
				       .pid = 100,
				       .interval_ns = SEC };
	const struct top_opts o200 = { .by = TOP_BY_REASON,
				       .pid = 200,
				       .interval_ns = SEC };
	const char *want100[] = {
		NULL,
		"\n" TITLE(2, "reason", "count") HOST_B
		"pid 100: 1 VM, 2 vCPUs; 1410 exits, 205.0/s\n"
		"REASON  CODE  EXITS  RATE/s   CYCLES   AVG\n"
		"IOIO    0x7b   1300   200.0  1300000  1000\n"
		"HLT     0x78    110     5.0   440000  4000\n",
	};
	const char *want200[] = {
		TITLE(1, "reason", "rate") HOST_A
		"pid 200: 1 VM, 1 vCPU; 100 exits, -/s\n"
		"REASON  CODE  EXITS  RATE/s  CYCLES  AVG\n"
		"CPUID   0x72    100       -   30000  300\n",
		"\n" TITLE(2, "reason", "rate") HOST_B
		"pid 200: no VM\n"
		"note: went away: VM 2 (pid 200)\n"
		"REASON  CODE  EXITS  RATE/s  CYCLES  AVG\n",
	};

	(void)state;
	run_model(&o100, 2, want100);
	run_model(&o200, 2, want200);
}

/* The order of the rows of refresh 2 for @sort: by their reasons. */
static void expect_order(enum top_sort sort, const char *a, const char *b,
			 const char *c)
{
	const struct top_opts o = { .sort = sort, .interval_ns = SEC };
	static const struct top_screen plain = { 0 };
	const char *out, *pa, *pb, *pc;
	struct top t;

	top_init(&t, &o);
	update(&t, snap_a, 0);
	update(&t, snap_b, 2 * SEC);
	assert_int_equal(top_render(&t, &plain), 0);
	out = strstr(textbuf_str(&t.out), "\nVM ");
	assert_non_null(out);
	pa = strstr(out, a);
	pb = strstr(out, b);
	pc = strstr(out, c);
	if (!pa || !pb || !pc || pa > pb || pb > pc)
		fail_msg("expected %s, %s, %s in:\n%s", a, b, c, out);
	top_free(&t);
}

static void test_sort(void **state)
{
	(void)state;
	expect_order(TOP_SORT_RATE, "IOIO", "CPUID", "HLT");
	expect_order(TOP_SORT_COUNT, "IOIO", "HLT", "CPUID");
	expect_order(TOP_SORT_CYCLES, "IOIO", "HLT", "CPUID");
	expect_order(TOP_SORT_AVG, "HLT", "IOIO", "CPUID");
}

static void test_max_rows(void **state)
{
	const struct top_opts o = { .sort = TOP_SORT_AVG,
				    .max_rows = 2,
				    .interval_ns = SEC };
	const char *want[] = {
		NULL,
		"\n" TITLE(2, "vm", "avg") HOST_B CAME_WENT
		"VM  PID  REASON  CODE  EXITS  RATE/s   CYCLES   AVG\n"
		" 1  100  HLT     0x78    110     5.0   440000  4000\n"
		" 1  100  IOIO    0x7b   1300   200.0  1300000  1000\n"
		"+1 more row\n",
	};

	(void)state;
	run_model(&o, 2, want);
}

/* On a terminal: drawn from the top left, cut to its width and height. */
static void test_terminal(void **state)
{
	const struct top_opts o = { .interval_ns = SEC };
	const struct top_screen scr = { .width = 40,
					.height = 7,
					.clock = "12:00:00" };
	static const char want1[] =
		"\033[Hexitstat top - 12:00:00, every 1.000 s, \033[K\n"
		"host: svm, kernel 6.1, scope vm, TSC 200\033[K\n"
		"VM  PID  REASON  CODE  EXITS  RATE/s  CY\033[K\n"
		" 1  100  IOIO    0x7b    900       -  90\033[K\n"
		" 1  100  HLT     0x78    100       -  40\033[K\n"
		" 2  200  CPUID   0x72    100       -   3\033[K\n"
		"\033[J";
	static const char want2[] =
		"\033[Hexitstat top - 12:00:00, every 1.000 s, \033[K\n"
		"host: svm, kernel 6.1, scope vm, TSC 200\033[K\n"
		"note: appeared: VM 3 (pid 300)\033[K\n"
		"note: went away: VM 2 (pid 200)\033[K\n"
		"VM  PID  REASON  CODE  EXITS  RATE/s  CY\033[K\n"
		"+3 more rows\033[K\n"
		"\033[J";
	struct top t;

	(void)state;
	top_init(&t, &o);
	update(&t, snap_a, 0);
	assert_int_equal(top_render(&t, &scr), 0);
	assert_string_equal(textbuf_str(&t.out), want1);
	update(&t, snap_b, 2 * SEC);
	assert_int_equal(top_render(&t, &scr), 0);
	assert_string_equal(textbuf_str(&t.out), want2);
	top_free(&t);
}

/*
 * Memory stays flat: after the largest snapshot has been seen, refreshes
 * allocate nothing more however long top runs.
 */
static void test_memory_flat(void **state)
{
	static const enum top_by bys[] = { TOP_BY_VM, TOP_BY_VCPU,
					   TOP_BY_REASON };
	static const struct top_screen plain = { 0 };
	struct top_opts o = { .interval_ns = SEC };
	size_t caps[8], i, b;
	struct top t;

	(void)state;
	for (b = 0; b < ES_ARRAY_SIZE(bys); b++) {
		o.by = bys[b];
		top_init(&t, &o);
		for (i = 0; i < 3000; i++) {
			update(&t, snaps[i % 3], i * SEC);
			assert_int_equal(top_render(&t, &plain), 0);
			if (i == 5) {
				caps[0] = t.cur.cap;
				caps[1] = t.prev.cap;
				caps[2] = t.host.cap;
				caps[3] = t.host_prev.cap;
				caps[4] = t.rows.cap;
				caps[5] = t.vms.cap;
				caps[6] = t.vms_prev.cap;
				caps[7] = t.out.cap;
			}
		}
		assert_int_equal(t.cur.cap, caps[0]);
		assert_int_equal(t.prev.cap, caps[1]);
		assert_int_equal(t.host.cap, caps[2]);
		assert_int_equal(t.host_prev.cap, caps[3]);
		assert_int_equal(t.rows.cap, caps[4]);
		assert_int_equal(t.vms.cap, caps[5]);
		assert_int_equal(t.vms_prev.cap, caps[6]);
		assert_int_equal(t.out.cap, caps[7]);
		top_free(&t);
	}
}

static void test_parse_keys(void **state)
{
	enum top_sort sort;
	enum top_by by;

	(void)state;
	assert_int_equal(top_parse_sort("avg", &sort), 0);
	assert_int_equal(sort, TOP_SORT_AVG);
	assert_int_equal(top_parse_sort("Rate", &sort), -EINVAL);
	assert_int_equal(top_parse_by("vcpu", &by), 0);
	assert_int_equal(by, TOP_BY_VCPU);
	assert_int_equal(top_parse_by("vms", &by), -EINVAL);
}

/* The command, not on a terminal: every refresh in full, exactly. */
static void test_command(void **state)
{
	char *dir = tmpdir_make(), *stats = path_join(dir, "stats");
	char *text = fixture_text("svm-6.1-live.stats", NULL);
	char *want = fixture_text("live.top.txt", NULL);
	struct cmd_result r;

	(void)state;
	write_text(stats, text);
	run_exitstat(ARGS("top", "--root", dir, "0.01", "2"), &r);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	if (strcmp(r.out, want))
		fail_msg("live.top.txt differs; got:\n%s", r.out);
	cmd_result_free(&r);
	run_exitstat(ARGS("top", "--by", "vcpu", "-p", "150", "-n", "3", "-s",
			  "avg", "-i", "0.01", "--root", dir, "--", "1"),
		     &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(
		r.out,
		"exitstat top: refresh 1, every 0.010 s, by vcpu, sorted by avg\n"
		"host: svm, kernel 6.1, scope vm, TSC 2100001 kHz; 2 VMs, 2 vCPUs; 10818 exits, -/s\n"
		"pid 150: 2 VMs, 2 vCPUs; 387 exits, -/s\n"
		"VM  PID  VCPU  REASON  CODE   EXITS  RATE/s     CYCLES       AVG\n"
		" 7  150     0  NPF     0x400      2       -   26742978  13371489\n"
		" 6  150     0  IOIO    0x7b      24       -  178375358   7432306\n"
		" 7  150     0  IOIO    0x7b     307       -   81993360    267079\n"
		"+4 more rows\n");
	cmd_result_free(&r);
	free(want);
	free(text);
	free(stats);
	tmpdir_remove(dir);
}

/* Stopped by SIGTERM between refreshes: status 0, whole blocks only. */
static void test_signal(void **state)
{
	char *dir = tmpdir_make(), *stats = path_join(dir, "stats");
	char *text = fixture_text("svm-6.1-live.stats", NULL);
	char *out = path_join(dir, "out"), *err = path_join(dir, "err");
	bool done = false;
	char *got;
	pid_t pid;
	int i;

	(void)state;
	write_text(stats, text);
	/* a count, so that it ends by itself if the test fails */
	pid = spawn_exitstat(ARGS("top", "--root", dir, "0.05", "200"), out,
			     err);
	for (i = 0; i < 1000; i++) { /* until refresh 2 is all out */
		got = read_text(out, NULL);
		done = strstr(got, "refresh 3,");
		free(got);
		if (done)
			break;
		sleep_ms(10);
	}
	kill(pid, SIGTERM);
	assert_int_equal(wait_exitstat(pid), 0);
	got = read_text(out, NULL);
	assert_non_null(strstr(got, "refresh 2,"));
	assert_string_equal(got + strlen(got) - 4, "704\n");
	free(got);
	got = read_text(err, NULL);
	assert_string_equal(got, "");
	free(got);
	free(out);
	free(err);
	free(text);
	free(stats);
	tmpdir_remove(dir);
}

static void test_run_errors(void **state)
{
	char *dir = tmpdir_make(), *stats = path_join(dir, "stats");
	char *text = fixture_text("svm-6.1-live.stats", NULL);
	char err[512];

	(void)state;
	snprintf(err, sizeof(err),
		 "exitstat: %s: not found (is exitstat.ko loaded?)\n", stats);
	expect_exitstat_error(ARGS("top", "--root", dir, "0.01", "1"), 1, err);
	write_text(stats, text);
	snprintf(err, sizeof(err), "exitstat: no VM of process 151 in %s\n",
		 stats);
	expect_exitstat_error(ARGS("top", "-p", "151", "--root", dir), 1, err);
	write_text(stats, "exitstat-stats 2\n");
	snprintf(
		err, sizeof(err),
		"exitstat: %s: line 1: unsupported stats version '2' (this exitstat reads version 1)\n",
		stats);
	expect_exitstat_error(ARGS("top", "--root", dir), 1, err);
	free(text);
	free(stats);
	tmpdir_remove(dir);
}

static void test_usage_errors(void **state)
{
	(void)state;
	expect_exitstat_error(
		ARGS("top", "-s", "size"), 2,
		"exitstat top: bad sort key 'size' (expected rate, count, cycles or avg)\n");
	expect_exitstat_error(
		ARGS("top", "--by", "host"), 2,
		"exitstat top: bad --by 'host' (expected vm, vcpu or reason)\n");
	expect_exitstat_error(ARGS("top", "-p", "0"), 2,
			      "exitstat top: bad PID '0'\n");
	expect_exitstat_error(ARGS("top", "--pid", "12x"), 2,
			      "exitstat top: bad PID '12x'\n");
	expect_exitstat_error(
		ARGS("top", "-n", "0"), 2,
		"exitstat top: bad row count '0' (expected a whole number > 0)\n");
	expect_exitstat_error(
		ARGS("top", "0"), 2,
		"exitstat top: bad interval '0' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("top", "-i", "0.0001"), 2,
		"exitstat top: bad interval '0.0001' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("top", "-i", "1", "2", "3"), 2,
		"exitstat top: unexpected argument '3' (see 'exitstat top --help')\n");
	expect_exitstat_error(
		ARGS("top", "-i", "1", "0.5"), 2,
		"exitstat top: bad count '0.5' (expected a whole number > 0)\n");
	expect_exitstat_error(
		ARGS("top", "1", "-1"), 2,
		"exitstat top: unknown option '-1' (see 'exitstat top --help')\n");
	expect_exitstat_error(
		ARGS("top", "1", "x"), 2,
		"exitstat top: bad count 'x' (expected a whole number > 0)\n");
	expect_exitstat_error(
		ARGS("top", "1", "2", "3"), 2,
		"exitstat top: unexpected argument '3' (see 'exitstat top --help')\n");
	expect_exitstat_error(
		ARGS("top", "--sort"), 2,
		"exitstat top: option '--sort' needs a value (see 'exitstat top --help')\n");
	expect_exitstat_error(
		ARGS("top", "-p"), 2,
		"exitstat top: option '-p' needs a value (see 'exitstat top --help')\n");
	expect_exitstat_error(
		ARGS("top", "--bogus"), 2,
		"exitstat top: unknown option '--bogus' (see 'exitstat top --help')\n");
}

static void test_help(void **state)
{
	(void)state;
	expect_exitstat_help("top");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_vm),
		cmocka_unit_test(test_by_reason),
		cmocka_unit_test(test_by_vcpu),
		cmocka_unit_test(test_pid),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_max_rows),
		cmocka_unit_test(test_terminal),
		cmocka_unit_test(test_memory_flat),
		cmocka_unit_test(test_parse_keys),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_run_errors),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
