// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat export: the exposition of a captured snapshot byte for byte,
 * label escaping, the histogram's cumulative buckets, the textfile written
 * atomically, the HTTP server (GET /metrics, 404, 405) over a real
 * socket, and every command-line error with its exact line and status.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../tools/http.h"
#include "../../tools/prom.h"
#include "host_fixture.h"
#include "run_cmd.h"

/* A host of one VM with two vCPUs, one reason in both: for histograms. */
static const char two_vcpus[] =
	"exitstat-stats 1\nisa svm\nkernel 6.1\nscope global\n"
	"tsc_khz 1000\nhist_buckets 32\ncpuid_missed 2\nunattributed 3\n"
	"total exits=45 cycles=9000\nretired exits=0 cycles=0\n"
	"vm id=4 pid=77 stats_id=kvm-77 vcpus=2 exits=45 cycles=9000\n"
	"vcpu vm=4 idx=0 id=0 tid=78 exits=20 cycles=5000\n"
	"vcpu vm=4 idx=1 id=1 tid=79 exits=25 cycles=4000\n"
	"reason vm=4 vcpu=0 code=0x7b exits=10 cycles=5000 min=0 max=3000000000 hist=0:1,1:2,5:3,31:4\n"
	"reason vm=4 vcpu=1 code=0x7b exits=15 cycles=4000 min=2 max=2000000000 hist=1:10,30:5\n"
	"reason vm=4 vcpu=1 code=0x12345 exits=10 cycles=0 min=0 max=0 hist=\n"
	"end\n";

/* Writes @text as DIR/stats of a new directory; free with tmpdir_remove(). */
static char *host_dir(const char *text)
{
	char *dir = tmpdir_make(), *stats = path_join(dir, "stats");

	write_text(stats, text);
	free(stats);
	return dir;
}

static void expect_line(const char *out, const char *line)
{
	char *want = malloc(strlen(line) + 3);

	assert_non_null(want);
	sprintf(want, "\n%s\n", line);
	if (!strstr(out, want))
		fail_msg("no line '%s' in:\n%s", line, out);
	free(want);
}

/* The captured snapshot's exposition, as tests/fixtures/svm-6.1-live.prom. */
static void test_golden(void **state)
{
	char *text = fixture_text("svm-6.1-live.stats", NULL);
	char *want = fixture_text("svm-6.1-live.prom", NULL);
	char *dir = host_dir(text);
	struct cmd_result r;

	(void)state;
	free(text);
	run_exitstat(ARGS("export", "--root", dir), &r);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	if (strcmp(r.out, want))
		fail_msg("svm-6.1-live.prom differs; got:\n%s", r.out);
	cmd_result_free(&r);
	free(want);
	tmpdir_remove(dir);
}

/* Buckets summed over the VM's vCPUs and made cumulative; +Inf = _count. */
static void test_histogram(void **state)
{
	char *dir = host_dir(two_vcpus);
	struct cmd_result r;
	const char *lab = "vm=\"4\",pid=\"77\",reason=\"IOIO\",code=\"0x7b\","
			  "isa=\"svm\"";
	static const char *const les[][2] = {
		{ "1", "1" },		{ "3", "13" },
		{ "7", "13" },		{ "31", "13" },
		{ "63", "16" },		{ "127", "16" },
		{ "1073741823", "16" }, { "2147483647", "21" },
		{ "+Inf", "25" },
	};
	char line[256];
	size_t i;

	(void)state;
	run_exitstat(ARGS("export", "--root", dir), &r);
	assert_int_equal(r.status, 0);
	for (i = 0; i < ES_ARRAY_SIZE(les); i++) {
		snprintf(line, sizeof(line),
			 "exitstat_exit_cycles_bucket{%s,le=\"%s\"} %s", lab,
			 les[i][0], les[i][1]);
		expect_line(r.out, line);
	}
	snprintf(line, sizeof(line), "exitstat_exit_cycles_sum{%s} 9000", lab);
	expect_line(r.out, line);
	snprintf(line, sizeof(line), "exitstat_exit_cycles_count{%s} 25", lab);
	expect_line(r.out, line);
	/* 32 buckets: 31 edges and +Inf, for each VM and reason */
	assert_int_equal(strstr(r.out, "le=\"4294967295\""), NULL);
	/* a code the manual does not define, whose exits never ended */
	expect_line(
		r.out,
		"exitstat_exits_total{vm=\"4\",pid=\"77\",vcpu=\"1\",reason=\"-\",code=\"0x12345\",isa=\"svm\"} 10");
	expect_line(
		r.out,
		"exitstat_exit_cycles_bucket{vm=\"4\",pid=\"77\",reason=\"-\",code=\"0x12345\",isa=\"svm\",le=\"+Inf\"} 0");
	expect_line(r.out, "exitstat_cpuid_missed_total 2");
	expect_line(r.out, "exitstat_unattributed_exits_total 3");
	expect_line(r.out, "exitstat_tsc_frequency_hertz 1000000");
	expect_line(
		r.out,
		"exitstat_info{isa=\"svm\",kernel=\"6.1\",scope=\"global\"} 1");
	cmd_result_free(&r);
	tmpdir_remove(dir);
}

/* Fewer buckets: the edges follow hist_buckets. */
static void test_few_buckets(void **state)
{
	char *dir = host_dir(
		"exitstat-stats 1\nisa vmx\nkernel 6.12\nscope vm\n"
		"tsc_khz 1\nhist_buckets 3\ncpuid_missed 0\nunattributed 0\n"
		"total exits=3 cycles=30\nretired exits=3 cycles=30\n"
		"retired-reason code=unknown exits=3 cycles=30 min=1 max=20 hist=0:1,2:2\n"
		"vm id=1 pid=9 stats_id=kvm-9 vcpus=1 exits=3 cycles=12\n"
		"vcpu vm=1 idx=0 id=0 tid=9 exits=3 cycles=12\n"
		"reason vm=1 vcpu=0 code=0xc exits=3 cycles=12 min=1 max=5 hist=0:1,2:2\n"
		"end\n");
	struct cmd_result r;

	(void)state;
	run_exitstat(ARGS("export", "--root", dir), &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(
		r.out,
		"\nexitstat_exit_cycles_bucket{vm=\"1\",pid=\"9\",reason=\"HLT\",code=\"0xc\",isa=\"vmx\",le=\"1\"} 1\n"
		"exitstat_exit_cycles_bucket{vm=\"1\",pid=\"9\",reason=\"HLT\",code=\"0xc\",isa=\"vmx\",le=\"3\"} 1\n"
		"exitstat_exit_cycles_bucket{vm=\"1\",pid=\"9\",reason=\"HLT\",code=\"0xc\",isa=\"vmx\",le=\"+Inf\"} 3\n"
		"exitstat_exit_cycles_sum{vm=\"1\",pid=\"9\",reason=\"HLT\",code=\"0xc\",isa=\"vmx\"} 12\n"
		"exitstat_exit_cycles_count{vm=\"1\",pid=\"9\",reason=\"HLT\",code=\"0xc\",isa=\"vmx\"} 3\n"));
	expect_line(
		r.out,
		"exitstat_retired_exits_total{reason=\"UNKNOWN\",code=\"unknown\",isa=\"vmx\"} 3");
	cmd_result_free(&r);
	tmpdir_remove(dir);
}

static void test_escaping(void **state)
{
	static const char *const cases[][2] = {
		{ "plain", "plain" },
		{ "a\"b", "a\\\"b" },
		{ "back\\slash", "back\\\\slash" },
		{ "new\nline", "new\\nline" },
		{ "\"\\\n", "\\\"\\\\\\n" },
		{ "", "" },
	};
	char *dir = host_dir(
		"exitstat-stats 1\nisa svm\nkernel 6.1\"x\\y\nscope vm\n"
		"tsc_khz 1\nhist_buckets 32\ncpuid_missed 0\nunattributed 0\n"
		"total exits=0 cycles=0\nretired exits=0 cycles=0\n"
		"vm id=1 pid=-1 stats_id=kvm\"1\\2 vcpus=0 exits=0 cycles=0\n"
		"end\n");
	struct cmd_result r;
	struct textbuf tb;
	size_t i;

	(void)state;
	for (i = 0; i < ES_ARRAY_SIZE(cases); i++) {
		textbuf_init(&tb);
		prom_label_value(&tb, cases[i][0]);
		assert_string_equal(textbuf_str(&tb), cases[i][1]);
		textbuf_free(&tb);
	}
	run_exitstat(ARGS("export", "--root", dir), &r);
	assert_int_equal(r.status, 0);
	expect_line(
		r.out,
		"exitstat_info{isa=\"svm\",kernel=\"6.1\\\"x\\\\y\",scope=\"vm\"} 1");
	expect_line(
		r.out,
		"exitstat_vm_vcpus{vm=\"1\",pid=\"-1\",stats_id=\"kvm\\\"1\\\\2\"} 0");
	assert_string_equal(r.err, "");
	cmd_result_free(&r);
	tmpdir_remove(dir);
}

static const char down[] =
	"# HELP exitstat_up 1 if the exit statistics could be read, 0 if not (exitstat.ko not loaded, no permission, not the stats format).\n"
	"# TYPE exitstat_up gauge\n"
	"exitstat_up 0\n";

static ino_t inode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* PATH.tmp written, then renamed over PATH: never PATH half-written. */
static void test_textfile(void **state)
{
	char *text = fixture_text("svm-6.1-live.stats", NULL);
	char *want = fixture_text("svm-6.1-live.prom", NULL);
	char *dir = host_dir(text), *prom = path_join(dir, "m.prom");
	char *tmp = path_join(dir, "m.prom.tmp");
	char *stats = path_join(dir, "stats"), err[512], *got;
	ino_t before;

	(void)state;
	write_text(prom, "old\n");
	before = inode(prom);
	expect_exitstat_error(ARGS("export", "--textfile", prom, "--root", dir),
			      0, "");
	got = read_text(prom, NULL);
	assert_string_equal(got, want);
	free(got);
	assert_true(inode(prom) != before); /* a new file, renamed */
	assert_int_equal(access(tmp, F_OK), -1);
	/* PATH.tmp cannot be written: PATH stays as it was */
	write_text(prom, "old\n");
	assert_int_equal(mkdir(tmp, 0700), 0);
	snprintf(err, sizeof(err), "exitstat: %s: Is a directory\n", tmp);
	expect_exitstat_error(ARGS("export", "--textfile", prom, "--root", dir),
			      1, err);
	got = read_text(prom, NULL);
	assert_string_equal(got, "old\n");
	free(got);
	assert_int_equal(rmdir(tmp), 0);
	/* no figures: exitstat_up 0 is written all the same */
	unlink(stats);
	snprintf(err, sizeof(err),
		 "exitstat: %s: not found (is exitstat.ko loaded?)\n", stats);
	expect_exitstat_error(ARGS("export", "--textfile", prom, "--root", dir),
			      1, err);
	got = read_text(prom, NULL);
	assert_string_equal(got, down);
	free(got);
	free(text);
	free(want);
	free(prom);
	free(tmp);
	free(stats);
	tmpdir_remove(dir);
}

/* With an interval: rewritten count times; read errors told once. */
static void test_textfile_periodic(void **state)
{
	char *text = fixture_text("svm-6.1-live.stats", NULL);
	char *want = fixture_text("svm-6.1-live.prom", NULL);
	char *dir = host_dir(text), *prom = path_join(dir, "m.prom");
	char *stats = path_join(dir, "stats"), err[512], *got;

	(void)state;
	expect_exitstat_error(ARGS("export", "--root", dir, "--textfile", prom,
				   "0.01", "3"),
			      0, "");
	got = read_text(prom, NULL);
	assert_string_equal(got, want);
	free(got);
	unlink(stats);
	snprintf(
		err, sizeof(err),
		"exitstat export: %s: not found (is exitstat.ko loaded?); exitstat_up is 0\n",
		stats);
	expect_exitstat_error(ARGS("export", "--root", dir, "--textfile", prom,
				   "0.01", "3"),
			      0, err);
	got = read_text(prom, NULL);
	assert_string_equal(got, down);
	free(got);
	free(text);
	free(want);
	free(prom);
	free(stats);
	tmpdir_remove(dir);
}

/* The port in "exitstat export: serving http://127.0.0.1:PORT/metrics". */
static int server_port(const char *err_path)
{
	const char *p;
	char *err;
	int i, port = 0;

	for (i = 0; i < 500 && !port; i++) {
		err = read_text(err_path, NULL);
		p = strstr(err, "serving http://127.0.0.1:");
		if (p)
			port = atoi(p + strlen("serving http://127.0.0.1:"));
		free(err);
		if (!port)
			sleep_ms(10);
	}
	assert_true(port > 0);
	return port;
}

/* Sends @req to 127.0.0.1:@port and returns all of the answer. */
static char *http(int port, const char *req)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t r;

	assert_non_null(buf);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((r = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)r;
		if (cap - n < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	close(fd);
	buf[n] = '\0';
	return buf;
}

static void expect_http(int port, const char *req, const char *status,
			const char *type, const char *body)
{
	char *ans = http(port, req), *p = strstr(ans, "\r\n\r\n");

	/* "HTTP/1.1 200 OK": the server speaks 1.1 to a 1.0 client too */
	if (strncmp(ans, "HTTP/1.", 7) ||
	    strncmp(ans + 9, status, strlen(status)))
		fail_msg("%s: got %s", req, ans);
	assert_non_null(p);
	*p = '\0';
	assert_non_null(strstr(ans, type));
	assert_string_equal(p + 4, body);
	free(ans);
}

/* The server's stderr: where it serves, and the read error told once. */
static void check_told(const char *errp, int port, const char *stats)
{
	char line[512], *err = read_text(errp, NULL);
	const char *p;

	snprintf(line, sizeof(line),
		 "exitstat export: serving http://127.0.0.1:%d/metrics\n",
		 port);
	assert_int_equal(strncmp(err, line, strlen(line)), 0);
	snprintf(
		line, sizeof(line),
		"exitstat export: %s: not found (is exitstat.ko loaded?); exitstat_up is 0\n",
		stats);
	p = strstr(err, line);
	assert_non_null(p);
	assert_null(strstr(p + strlen(line), "exitstat_up"));
	snprintf(line, sizeof(line), "exitstat export: %s read again\n", stats);
	assert_non_null(strstr(err, line));
	free(err);
}

/* The server of test_listen, stopped by listen_teardown() if it failed. */
static pid_t server;

static int listen_teardown(void **state)
{
	(void)state;
	if (server > 0) {
		kill(server, SIGKILL);
		wait_exitstat(server);
	}
	server = 0;
	return 0;
}

static void test_listen(void **state)
{
	char *text = fixture_text("svm-6.1-live.stats", NULL);
	char *want = fixture_text("svm-6.1-live.prom", NULL);
	char *dir = host_dir(text), *out = path_join(dir, "out");
	char *errp = path_join(dir, "err"), *stats = path_join(dir, "stats");
	const char *get = "GET /metrics HTTP/1.0\r\n\r\n";
	pid_t pid;
	int port;

	(void)state;
	pid = spawn_exitstat(ARGS("export", "--listen", "127.0.0.1:0", "--root",
				  dir),
			     out, errp);
	server = pid;
	port = server_port(errp);
	expect_http(port, get, "200 OK",
		    "Content-Type: text/plain; version=0.0.4; charset=utf-8",
		    want);
	expect_http(port, "HEAD /metrics HTTP/1.0\r\n\r\n", "200 OK",
		    "Content-Type: text/plain; version=0.0.4", "");
	expect_http(port, "GET / HTTP/1.0\r\n\r\n", "404 Not Found",
		    "text/plain", "404 page not found\n");
	expect_http(port, "GET /metrics/x HTTP/1.0\r\n\r\n", "404 Not Found",
		    "text/plain", "404 page not found\n");
	expect_http(port,
		    "POST /metrics HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi",
		    "405 Method Not Allowed", "Allow: GET, HEAD",
		    "405 method not allowed\n");
	/* the module goes away and comes back: told once each */
	rename(stats, out);
	expect_http(port, get, "200 OK", "version=0.0.4", down);
	expect_http(port, get, "200 OK", "version=0.0.4", down);
	rename(out, stats);
	expect_http(port, get, "200 OK", "version=0.0.4", want);
	kill(pid, SIGTERM);
	server = 0;
	assert_int_equal(wait_exitstat(pid), 0);
	check_told(errp, port, stats);
	free(text);
	free(want);
	free(out);
	free(errp);
	free(stats);
	tmpdir_remove(dir);
}

/* A port that is taken: one line, status 1. */
static void test_listen_busy(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char addr[32], err[128];

	(void)state;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", ntohs(sa.sin_port));
	snprintf(err, sizeof(err),
		 "exitstat: --listen %s: Address already in use\n", addr);
	expect_exitstat_error(ARGS("export", "--listen", addr), 1, err);
	close(fd);
}

static void test_parse_addr(void **state)
{
	static const struct {
		const char *s;
		int family;
		const char *ip;
		unsigned int port;
	} good[] = {
		{ "127.0.0.1:9100", AF_INET, "127.0.0.1", 9100 },
		{ "[::1]:0", AF_INET6, "::1", 0 },
		{ ":9469", AF_UNSPEC, NULL, 9469 },
		{ "localhost:080", AF_INET, "127.0.0.1", 80 },
		{ "[::ffff:10.0.0.1]:65535", AF_INET6, "::ffff:10.0.0.1",
		  65535 },
	};
	static const char *const bad[] = {
		"9100",		"::1:80",      "[::1]",	    "[]:80",
		"host:80",	"1.2.3:80",    "1.2.3.4:",  "1.2.3.4:65536",
		"1.2.3.4:-1",	"1.2.3.4:1x",  "[::1]x:80", "[1.2.3.4]:80",
		"[::1]:123456", " 1.2.3.4:80", "",
	};
	char ip[INET6_ADDRSTRLEN];
	struct http_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < ES_ARRAY_SIZE(good); i++) {
		if (http_parse_addr(good[i].s, &a))
			fail_msg("'%s' not parsed", good[i].s);
		assert_int_equal(a.family, good[i].family);
		assert_int_equal(a.port, good[i].port);
		if (!good[i].ip)
			continue;
		assert_non_null(inet_ntop(a.family, a.ip, ip, sizeof(ip)));
		assert_string_equal(ip, good[i].ip);
	}
	for (i = 0; i < ES_ARRAY_SIZE(bad); i++)
		if (http_parse_addr(bad[i], &a) != -EINVAL)
			fail_msg("'%s' parsed", bad[i]);
}

static void test_usage_errors(void **state)
{
	(void)state;
	expect_exitstat_error(
		ARGS("export", "--listen", ":1", "--textfile", "f"), 2,
		"exitstat export: --listen and --textfile exclude each other\n");
	expect_exitstat_error(
		ARGS("export", "--listen", "9100"), 2,
		"exitstat export: bad address '9100' for --listen (expected IPV4:PORT, [IPV6]:PORT, localhost:PORT or :PORT)\n");
	expect_exitstat_error(
		ARGS("export", "--listen", "::1:9100"), 2,
		"exitstat export: bad address '::1:9100' for --listen (expected IPV4:PORT, [IPV6]:PORT, localhost:PORT or :PORT)\n");
	expect_exitstat_error(
		ARGS("export", "--listen", "h:70000"), 2,
		"exitstat export: bad address 'h:70000' for --listen (expected IPV4:PORT, [IPV6]:PORT, localhost:PORT or :PORT)\n");
	expect_exitstat_error(
		ARGS("export", "--listen", "example.org:80"), 2,
		"exitstat export: bad address 'example.org:80' for --listen (expected IPV4:PORT, [IPV6]:PORT, localhost:PORT or :PORT)\n");
	expect_exitstat_error(
		ARGS("export", "5"), 2,
		"exitstat export: an interval goes with --textfile only (got '5')\n");
	expect_exitstat_error(
		ARGS("export", "--listen", ":1", "5"), 2,
		"exitstat export: an interval goes with --textfile only (got '5')\n");
	expect_exitstat_error(
		ARGS("export", "--textfile", "f", "0"), 2,
		"exitstat export: bad interval '0' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("export", "--textfile", "f", "1s"), 2,
		"exitstat export: bad interval '1s' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("export", "--textfile", "f", "1", "0"), 2,
		"exitstat export: bad count '0' (expected a whole number > 0)\n");
	expect_exitstat_error(
		ARGS("export", "--textfile", "f", "1", "x"), 2,
		"exitstat export: bad count 'x' (expected a whole number > 0)\n");
	expect_exitstat_error(
		ARGS("export", "--textfile", "f", "1", "2", "3"), 2,
		"exitstat export: unexpected argument '3' (see 'exitstat export --help')\n");
	expect_exitstat_error(
		ARGS("export", "--textfile", ""), 2,
		"exitstat export: --textfile needs a file name\n");
	expect_exitstat_error(
		ARGS("export", "--bogus"), 2,
		"exitstat export: unknown option '--bogus' (see 'exitstat export --help')\n");
	expect_exitstat_error(
		ARGS("export", "-x"), 2,
		"exitstat export: unknown option '-x' (see 'exitstat export --help')\n");
	expect_exitstat_error(
		ARGS("export", "--listen"), 2,
		"exitstat export: option '--listen' needs a value (see 'exitstat export --help')\n");
	expect_exitstat_error(
		ARGS("export", "--root"), 2,
		"exitstat export: option '--root' needs a value (see 'exitstat export --help')\n");
}

static void test_run_errors(void **state)
{
	char *dir = tmpdir_make(), *stats = path_join(dir, "stats");
	char err[512];

	(void)state;
	snprintf(err, sizeof(err),
		 "exitstat: %s: not found (is exitstat.ko loaded?)\n", stats);
	expect_exitstat_error(ARGS("export", "--root", dir), 1, err);
	write_text(stats, "hello\n");
	snprintf(err, sizeof(err), "exitstat: %s: line 1: ", stats);
	{
		struct cmd_result r;

		run_exitstat(ARGS("export", "--root", dir), &r);
		assert_int_equal(r.status, 1);
		assert_string_equal(r.out, "");
		assert_int_equal(strncmp(r.err, err, strlen(err)), 0);
		cmd_result_free(&r);
	}
	free(stats);
	tmpdir_remove(dir);
}

static void test_help(void **state)
{
	(void)state;
	expect_exitstat_help("export");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_few_buckets),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_textfile),
		cmocka_unit_test(test_textfile_periodic),
		cmocka_unit_test_teardown(test_listen, listen_teardown),
		cmocka_unit_test(test_listen_busy),
		cmocka_unit_test(test_parse_addr),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_run_errors),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
