// SPDX-License-Identifier: GPL-2.0
/*
 * TAP runner: each test runs in a forked child; the child sends its verdict
 * ("F" or "S" plus one line) through a pipe and exits with 0, 1 or
 * TEST_EXIT_SKIP.  A crash or a timeout of one test cannot take the others
 * down, and the parent always prints exactly one TAP line per test.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

#define TEST_EXIT_SKIP 4 /* as kselftest's KSFT_SKIP */
#define TEST_TIMEOUT_DEFAULT 120
#define TEST_MSG_MAX 512

enum test_result { TEST_PASS, TEST_FAIL, TEST_SKIP };

/* The child's end of the verdict pipe; -1 outside test_main(). */
static int test_result_fd = -1;

/* test_run_one()'s test, for its failure and signal lines. */
static const char *test_one_name;
static int test_one_ended; /* atomic: a verdict line is printed */
static char test_one_timeout_msg[TEST_MSG_MAX];

/* The "not ok" line of test_run_one(); one only, whichever thread. */
static void __attribute__((noreturn)) test_one_end(char kind, const char *msg)
{
	if (__atomic_exchange_n(&test_one_ended, 1, __ATOMIC_ACQ_REL))
		for (;;)
			pause(); /* the first thread exits for us */
	if (kind == 'S')
		printf("ok - %s # SKIP %s\n", test_one_name, msg);
	else
		printf("not ok - %s: %s\n", test_one_name, msg);
	fflush(stdout);
	_exit(kind == 'S' ? 0 : 1);
}

static void test_one_write(const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, s, len);
		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

static const char *test_one_signame(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "11 (SIGSEGV)";
	case SIGBUS:
		return "7 (SIGBUS)";
	case SIGILL:
		return "4 (SIGILL)";
	case SIGFPE:
		return "8 (SIGFPE)";
	case SIGABRT:
		return "6 (SIGABRT)";
	}
	return "?";
}

/* Async-signal-safe: write(), no stdio; then dies of the signal. */
static void test_one_signal(int sig)
{
	if (!__atomic_exchange_n(&test_one_ended, 1, __ATOMIC_ACQ_REL)) {
		if (sig == SIGALRM) {
			test_one_write(test_one_timeout_msg);
			_exit(1);
		}
		test_one_write("not ok - ");
		test_one_write(test_one_name);
		test_one_write(": killed by signal ");
		test_one_write(test_one_signame(sig));
		test_one_write("\n");
	}
	if (sig == SIGALRM)
		_exit(1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void __attribute__((noreturn, format(printf, 2, 0)))
test_end(char kind, const char *fmt, va_list ap)
{
	char msg[TEST_MSG_MAX];
	int len;

	msg[0] = kind;
	len = vsnprintf(msg + 1, sizeof(msg) - 2, fmt, ap) + 1;
	if (len > (int)sizeof(msg) - 2)
		len = sizeof(msg) - 2;
	msg[len++] = '\n';
	fflush(stdout);
	if (test_one_name) {
		msg[len - 1] = '\0';
		test_one_end(kind, msg + 1);
	} else if (test_result_fd >= 0) {
		/* One write below PIPE_BUF: atomic even if threads race. */
		if (write(test_result_fd, msg, len) != len)
			_exit(1);
	} else {
		fprintf(stderr, "%s: %.*s", kind == 'S' ? "skip" : "error",
			len - 1, msg + 1);
	}
	_exit(kind == 'S' ? TEST_EXIT_SKIP : 1);
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	char where[TEST_MSG_MAX];
	va_list ap;

	snprintf(where, sizeof(where), "%s:%d: %s", file, line, fmt);
	va_start(ap, fmt);
	test_end('F', where, ap);
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	test_end('S', fmt, ap);
}

void test_note(const char *fmt, ...)
{
	va_list ap;

	flockfile(stdout);
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	funlockfile(stdout);
}

static void __attribute__((noreturn))
test_child(const struct test_case *t, int fd, unsigned int timeout)
{
	test_result_fd = fd;
	alarm(timeout);
	t->fn();
	fflush(stdout);
	_exit(0);
}

/* Reads the child's verdict line (without '\n') into @msg. */
static void test_read_verdict(int fd, char *msg, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1) {
		n = read(fd, msg + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	msg[len] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
}

static enum test_result test_judge(int status, const char *verdict,
				   unsigned int timeout, char *msg, size_t size)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		snprintf(msg, size, "timed out after %u s", timeout);
		return TEST_FAIL;
	}
	if (WIFSIGNALED(status)) {
		snprintf(msg, size, "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
		return TEST_FAIL;
	}
	snprintf(msg, size, "%s", verdict[0] ? verdict + 1 : "");
	if (WEXITSTATUS(status) == 0 && !verdict[0])
		return TEST_PASS;
	if (WEXITSTATUS(status) == TEST_EXIT_SKIP && verdict[0] == 'S')
		return TEST_SKIP;
	if (!verdict[0])
		snprintf(msg, size, "exited with status %d",
			 WEXITSTATUS(status));
	return TEST_FAIL;
}

static enum test_result test_run(const struct test_case *t,
				 unsigned int timeout, char *msg, size_t size)
{
	char verdict[TEST_MSG_MAX];
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(msg, size, "pipe: %s", strerror(errno));
		return TEST_FAIL;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(msg, size, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return TEST_FAIL;
	}
	if (!pid) {
		close(fds[0]);
		test_child(t, fds[1], timeout);
	}
	close(fds[1]);
	test_read_verdict(fds[0], verdict, sizeof(verdict));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return test_judge(status, verdict, timeout, msg, size);
}

int test_run_one(const struct test_case *t, unsigned int timeout)
{
	static const int sigs[] = { SIGSEGV, SIGBUS,  SIGILL,
				    SIGFPE,  SIGABRT, SIGALRM };
	unsigned int i;

	test_one_name = t->name;
	snprintf(test_one_timeout_msg, sizeof(test_one_timeout_msg),
		 "not ok - %s: timed out after %u s\n", t->name, timeout);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], test_one_signal);
	alarm(timeout);
	t->fn();
	alarm(0);
	fflush(stdout);
	return 0;
}

static void test_usage(const char *prog, const char *usage,
		       const struct test_case *tests, unsigned int nr)
{
	unsigned int i;

	printf("Usage: %s [--list] [--timeout SEC] [TEST]...\n%s\n"
	       "Options:\n"
	       "  -l, --list         list the tests and exit\n"
	       "  -t, --timeout SEC  time limit of each test (default %u)\n"
	       "  -h, --help         this text\n\nTests:\n",
	       prog, usage, TEST_TIMEOUT_DEFAULT);
	for (i = 0; i < nr; i++)
		printf("  %-12s %s\n", tests[i].name, tests[i].doc);
}

static const struct test_case *test_find(const struct test_case *tests,
					 unsigned int nr, const char *name)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(tests[i].name, name))
			return &tests[i];
	return NULL;
}

/* Returns the number of failed tests. */
static unsigned int test_run_all(const struct test_case **sel, unsigned int nr,
				 unsigned int timeout)
{
	unsigned int i, count[3] = { 0 };
	char msg[TEST_MSG_MAX];
	enum test_result res;

	printf("TAP version 13\n1..%u\n", nr);
	for (i = 0; i < nr; i++) {
		res = test_run(sel[i], timeout, msg, sizeof(msg));
		count[res]++;
		if (res == TEST_PASS)
			printf("ok %u - %s\n", i + 1, sel[i]->name);
		else if (res == TEST_SKIP)
			printf("ok %u - %s # SKIP %s\n", i + 1, sel[i]->name,
			       msg);
		else
			printf("not ok %u - %s: %s\n", i + 1, sel[i]->name,
			       msg);
	}
	printf("# %u passed, %u failed, %u skipped\n", count[TEST_PASS],
	       count[TEST_FAIL], count[TEST_SKIP]);
	return count[TEST_FAIL];
}

static int test_parse_args(int argc, char **argv, const char *usage,
			   const struct test_case *tests, unsigned int nr,
			   unsigned int *timeout)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "lt:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			for (i = 0; i < nr; i++)
				printf("%s\n", tests[i].name);
			return 0;
		case 't':
			*timeout = strtoul(optarg, &end, 10);
			if (*end || !*timeout || *timeout > 86400) {
				fprintf(stderr, "bad --timeout '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			test_usage(argv[0], usage, tests, nr);
			return 0;
		default:
			fprintf(stderr, "try '%s --help'\n", argv[0]);
			return 2;
		}
	}
	return -1;
}

int test_main(int argc, char **argv, const char *usage,
	      const struct test_case *tests, unsigned int nr_tests)
{
	unsigned int i, nr = 0, timeout = TEST_TIMEOUT_DEFAULT;
	const struct test_case **sel;
	int ret;

	ret = test_parse_args(argc, argv, usage, tests, nr_tests, &timeout);
	if (ret >= 0)
		return ret;
	sel = calloc(nr_tests + argc, sizeof(*sel));
	if (!sel)
		return 1;
	for (i = optind; i < (unsigned int)argc; i++) {
		sel[nr] = test_find(tests, nr_tests, argv[i]);
		if (!sel[nr++]) {
			fprintf(stderr, "unknown test '%s' (try --list)\n",
				argv[i]);
			free(sel);
			return 2;
		}
	}
	if (!nr) {
		for (i = 0; i < nr_tests; i++)
			sel[i] = &tests[i];
		nr = nr_tests;
	}
	ret = test_run_all(sel, nr, timeout) ? 1 : 0;
	free(sel);
	return ret;
}
