// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat record, run against a stats file in a temporary directory
 * (--root) that the test changes, removes or corrupts while it records:
 * every way of stopping, its one line and status, and that the recording
 * keeps every complete sample.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../tools/recording.h"
#include "host_fixture.h"
#include "run_cmd.h"

struct rec_env {
	char *dir; /* --root */
	char *stats; /* dir/stats */
	char *out; /* dir/out.rec */
	char *log; /* stdout and stderr of a background run */
	char *err;
};

static struct rec_env *env_new(const char *fixture)
{
	struct rec_env *env = calloc(1, sizeof(*env));
	char *text;

	assert_non_null(env);
	env->dir = tmpdir_make();
	env->stats = path_join(env->dir, "stats");
	env->out = path_join(env->dir, "out.rec");
	env->log = path_join(env->dir, "stdout");
	env->err = path_join(env->dir, "stderr");
	if (fixture) {
		text = fixture_text(fixture, NULL);
		write_text(env->stats, text);
		free(text);
	}
	return env;
}

static void env_free(struct rec_env *env)
{
	free(env->stats);
	free(env->out);
	free(env->log);
	free(env->err);
	tmpdir_remove(env->dir);
	free(env);
}

static int count_samples(void *ctx, struct rec_sample *s, struct parse_err *e)
{
	(void)s;
	(void)e;
	++*(size_t *)ctx;
	return 0;
}

/* Reads @env's recording: complete, with @stop as its stop line. */
static size_t check_recording(const struct rec_env *env, const char *stop)
{
	size_t len, nr = 0;
	char *text = read_text(env->out, &len);
	struct rec_info info;
	struct parse_err e;

	if (rec_scan(text, len, count_samples, &nr, &info, &e))
		fail_msg("%s: %s", env->out, e.msg);
	assert_int_equal(info.torn_line, 0);
	assert_string_equal(info.stop, stop);
	assert_int_equal(info.nr_samples, nr);
	free(text);
	return nr;
}

/*
 * Checks the stop line "exitstat record: stopped: WHY; kept N samples
 * (S s) in OUT" and returns N.
 */
static size_t check_stop_line(const char *err, const char *why, const char *out)
{
	char head[512], tail[512];
	unsigned int n;
	double secs;
	const char *p;

	snprintf(head, sizeof(head), "exitstat record: stopped: %s; kept ",
		 why);
	snprintf(tail, sizeof(tail), " s) in %s\n", out);
	if (strncmp(err, head, strlen(head)))
		fail_msg("stop line: %s, expected it to start with: %s", err,
			 head);
	p = err + strlen(head);
	assert_int_equal(sscanf(p, "%u sample", &n), 1);
	assert_non_null(strstr(p, n == 1 ? " sample (" : " samples ("));
	assert_int_equal(sscanf(strchr(p, '(') + 1, "%lf", &secs), 1);
	assert_true(strlen(err) > strlen(tail));
	assert_string_equal(err + strlen(err) - strlen(tail), tail);
	assert_int_equal(strchr(err, '\n') - err, strlen(err) - 1);
	return n;
}

static void test_duration(void **state)
{
	struct rec_env *env = env_new("svm-6.1-live.stats");
	struct cmd_result r;
	size_t n;

	(void)state;
	run_exitstat(ARGS("record", "-o", env->out, "--root", env->dir, "0.05",
			  "0.2"),
		     &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	n = check_stop_line(r.err, "duration reached", env->out);
	assert_true(n >= 2 && n <= 5);
	assert_int_equal(check_recording(env, "duration reached"), n);
	cmd_result_free(&r);
	env_free(env);
}

/* Runs record in the background, does @change after @ms, waits. */
static int record_bg(struct rec_env *env, const char *const args[],
		     unsigned int ms, void (*change)(struct rec_env *, pid_t))
{
	pid_t pid = spawn_exitstat(args, env->log, env->err);

	sleep_ms(ms);
	change(env, pid);
	return wait_exitstat(pid);
}

static void send_int(struct rec_env *env, pid_t pid)
{
	(void)env;
	assert_int_equal(kill(pid, SIGINT), 0);
}

static void send_term(struct rec_env *env, pid_t pid)
{
	(void)env;
	assert_int_equal(kill(pid, SIGTERM), 0);
}

static void remove_stats(struct rec_env *env, pid_t pid)
{
	(void)pid;
	assert_int_equal(unlink(env->stats), 0);
}

static void garble_stats(struct rec_env *env, pid_t pid)
{
	(void)pid;
	write_text(env->stats, "exitstat-stats 1\nisa svm\n");
}

static void vm_goes_away(struct rec_env *env, pid_t pid)
{
	char *text = fixture_text("svm-6.1-exitcheck.stats", NULL);

	(void)pid;
	write_text(env->stats, text);
	free(text);
}

static void check_bg(const char *fixture, const char *const args[],
		     void (*change)(struct rec_env *, pid_t), int status,
		     const char *why)
{
	struct rec_env *env = env_new(fixture);
	const char *argv[16];
	char *err, whybuf[512];
	size_t n, i;

	for (i = 0; args[i]; i++)
		argv[i] = !strcmp(args[i], "@OUT")  ? env->out :
			  !strcmp(args[i], "@ROOT") ? env->dir :
						      args[i];
	argv[i] = NULL;
	assert_int_equal(record_bg(env, argv, 300, change), status);
	err = read_text(env->err, NULL);
	snprintf(whybuf, sizeof(whybuf), why, env->stats);
	n = check_stop_line(err, whybuf, env->out);
	assert_true(n >= 2);
	assert_int_equal(check_recording(env, whybuf), n);
	free(err);
	env_free(env);
}

static void test_stops(void **state)
{
	(void)state;
	check_bg("svm-6.1-live.stats",
		 ARGS("record", "-o", "@OUT", "--root", "@ROOT", "0.05"),
		 send_int, 0, "interrupted (SIGINT)");
	check_bg("svm-6.1-live.stats",
		 ARGS("record", "-o", "@OUT", "--root", "@ROOT", "0.05", "60"),
		 send_term, 0, "terminated (SIGTERM)");
	check_bg("svm-6.1-live.stats",
		 ARGS("record", "--root", "@ROOT", "-o", "@OUT", "0.05"),
		 remove_stats, 1, "%s: not found (is exitstat.ko loaded?)");
	check_bg("svm-6.1-live.stats",
		 ARGS("record", "--root", "@ROOT", "-o", "@OUT", "0.05"),
		 garble_stats, 1, "%s: truncated after line 2 (no 'end' line)");
	check_bg("svm-6.1-live.stats",
		 ARGS("record", "-p", "150", "--root", "@ROOT", "-o", "@OUT",
		      "0.05"),
		 vm_goes_away, 0, "VM 6 (pid 150) went away");
}

/* A full disk: the first write fails, nothing is kept, status 1. */
static void test_enospc(void **state)
{
	struct rec_env *env = env_new("svm-6.1-live.stats");
	struct cmd_result r;

	(void)state;
	if (access("/dev/full", W_OK)) {
		env_free(env);
		skip();
	}
	run_exitstat(ARGS("record", "-o", "/dev/full", "--root", env->dir,
			  "0.05", "1"),
		     &r);
	assert_int_equal(r.status, 1);
	assert_string_equal(
		r.err,
		"exitstat record: stopped: /dev/full: No space left on device; kept 0 samples (0.000 s) in /dev/full\n");
	cmd_result_free(&r);
	env_free(env);
}

static void expect_start_error(struct rec_env *env, const char *const args[],
			       const char *err)
{
	struct cmd_result r;

	run_exitstat(args, &r);
	assert_string_equal(r.err, err);
	assert_int_equal(r.status, 1);
	assert_int_equal(access(env->out, F_OK), -1); /* no recording */
	cmd_result_free(&r);
}

/* Errors before the first sample: plain errors, no recording made. */
static void test_start_errors(void **state)
{
	struct rec_env *env = env_new(NULL);
	char err[512], *text;

	(void)state;
	snprintf(err, sizeof(err),
		 "exitstat: %s: not found (is exitstat.ko loaded?)\n",
		 env->stats);
	expect_start_error(
		env, ARGS("record", "-o", env->out, "--root", env->dir), err);
	write_text(env->stats, "exitstat-stats 2\n");
	snprintf(
		err, sizeof(err),
		"exitstat: %s: line 1: unsupported stats version '2' (this exitstat reads version 1)\n",
		env->stats);
	expect_start_error(
		env, ARGS("record", "-o", env->out, "--root", env->dir), err);
	text = fixture_text("svm-6.1-live.stats", NULL);
	write_text(env->stats, text);
	free(text);
	snprintf(err, sizeof(err), "exitstat: no VM of process 999 in %s\n",
		 env->stats);
	expect_start_error(env,
			   ARGS("record", "-p", "999", "-o", env->out, "--root",
				env->dir),
			   err);
	expect_start_error(
		env,
		ARGS("record", "-o", "/nonexistent/out.rec", "--root",
		     env->dir),
		"exitstat: /nonexistent/out.rec: No such file or directory\n");
	env_free(env);
}

static void test_usage_errors(void **state)
{
	(void)state;
	expect_exitstat_error(
		ARGS("record"), 2,
		"exitstat record: no output file (use -o FILE)\n");
	expect_exitstat_error(
		ARGS("record", "1"), 2,
		"exitstat record: no output file (use -o FILE)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "0"), 2,
		"exitstat record: bad interval '0' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "0.0009"), 2,
		"exitstat record: bad interval '0.0009' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "x"), 2,
		"exitstat record: bad interval 'x' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "1.2.3"), 2,
		"exitstat record: bad interval '1.2.3' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "0.0000000001"), 2,
		"exitstat record: bad interval '0.0000000001' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "99999999999"), 2,
		"exitstat record: bad interval '99999999999' (expected seconds >= 0.001, e.g. 1 or 0.5)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "1", "0"), 2,
		"exitstat record: bad duration '0' (expected seconds > 0, e.g. 60)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "1", "1m"), 2,
		"exitstat record: bad duration '1m' (expected seconds > 0, e.g. 60)\n");
	expect_exitstat_error(
		ARGS("record", "-o", "f", "1", "2", "3"), 2,
		"exitstat record: unexpected argument '3' (see 'exitstat record --help')\n");
	expect_exitstat_error(ARGS("record", "-o", "f", "-p", "x"), 2,
			      "exitstat record: bad PID 'x'\n");
	expect_exitstat_error(ARGS("record", "-o", "f", "--pid=0"), 2,
			      "exitstat record: bad PID '0'\n");
	expect_exitstat_error(
		ARGS("record", "-o"), 2,
		"exitstat record: option '-o' needs a value (see 'exitstat record --help')\n");
	expect_exitstat_error(
		ARGS("record", "--root"), 2,
		"exitstat record: option '--root' needs a value (see 'exitstat record --help')\n");
	expect_exitstat_error(
		ARGS("record", "--count", "3"), 2,
		"exitstat record: unknown option '--count' (see 'exitstat record --help')\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_stops),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
