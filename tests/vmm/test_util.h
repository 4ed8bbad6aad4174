/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assertions and a TAP runner for test programs, after the KVM selftests'
 * test_util.h and kselftest_harness.h.
 *
 * test_main() runs each selected test in a forked child with a timeout and
 * prints one TAP line per test.  Inside a test, a failed TEST_ASSERT*()
 * ends the test as "not ok" with file:line and what was expected; a failed
 * TEST_REQUIRE() ends it as skipped.  Both may be called from any thread
 * of the test.  Outside test_main() they print to stderr and exit.
 */
#ifndef VMM_TEST_UTIL_H
#define VMM_TEST_UTIL_H

#include <stdbool.h>
#include <string.h>

struct test_case {
	const char *name;
	const char *doc; /* one line for --list */
	void (*fn)(void);
};

/* exitcheck-style main: [--list] [--timeout SEC] [--help] [TEST...] */
int test_main(int argc, char **argv, const char *usage,
	      const struct test_case *tests, unsigned int nr_tests);

/*
 * Runs one test in this process, without TAP framing, for programs with
 * modes that are not tests (so that the VMs it makes belong to the pid its
 * caller started).  The test prints its own "ok - ..." line when it
 * passes; when it fails, crashes or runs out of @timeout seconds this
 * prints "not ok - NAME: why" and exits 1, when it is skipped
 * "ok - NAME # SKIP why" and exits 0.  Returns 0 when the test returns.
 */
int test_run_one(const struct test_case *t, unsigned int timeout);

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void test_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* A "# ..." diagnostic line in the TAP output. */
void test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TEST_ASSERT(cond, fmt, ...)                                        \
	do {                                                               \
		if (!(cond))                                               \
			test_fail(__FILE__, __LINE__, fmt, ##__VA_ARGS__); \
	} while (0)

/* Compares as unsigned 64-bit; @what names the value in the message. */
#define TEST_ASSERT_EQ(got, expected, what)                                      \
	do {                                                                     \
		unsigned long long __g = (got), __e = (expected);                \
                                                                                 \
		if (__g != __e)                                                  \
			test_fail(                                               \
				__FILE__, __LINE__,                              \
				"%s: expected %llu (0x%llx), got %llu (0x%llx)", \
				what, __e, __e, __g, __g);                       \
	} while (0)

/* For calls returning 0 or -errno. */
#define TEST_ASSERT_RET(call)                                              \
	do {                                                               \
		int __r = (call);                                          \
                                                                           \
		if (__r)                                                   \
			test_fail(__FILE__, __LINE__, "%s: errno %d (%s)", \
				  #call, -__r, strerror(-__r));            \
	} while (0)

#define TEST_REQUIRE(cond, fmt, ...)                   \
	do {                                           \
		if (!(cond))                           \
			test_skip(fmt, ##__VA_ARGS__); \
	} while (0)

#endif /* VMM_TEST_UTIL_H */
