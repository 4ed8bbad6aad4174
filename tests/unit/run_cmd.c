// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "run_cmd.h"

extern char **environ;

static FILE *capture_file(int *fd)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	*fd = fileno(f);
	return f;
}

static char *slurp(FILE *f)
{
	long size;
	char *buf;

	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	return buf;
}

void run_exitstat(const char *const args[], struct cmd_result *r)
{
	const char *bin = getenv("EXITSTAT_BIN");
	posix_spawn_file_actions_t fa;
	char *argv[32];
	int out_fd, err_fd, wstatus, i;
	FILE *out, *err;
	pid_t pid;

	assert_non_null(bin);
	argv[0] = (char *)bin;
	for (i = 0; args[i]; i++) {
		assert_true(i + 2 < (int)(sizeof(argv) / sizeof(argv[0])));
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;

	out = capture_file(&out_fd);
	err = capture_file(&err_fd);
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	assert_int_equal(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);

	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
					 128 + WTERMSIG(wstatus);
	r->out = slurp(out);
	r->err = slurp(err);
}

void cmd_result_free(struct cmd_result *r)
{
	free(r->out);
	free(r->err);
}

void expect_exitstat_error(const char *const args[], int status,
			   const char *err)
{
	struct cmd_result r;

	run_exitstat(args, &r);
	assert_string_equal(r.err, err);
	assert_int_equal(r.status, status);
	assert_string_equal(r.out, "");
	cmd_result_free(&r);
}

void expect_exitstat_help(const char *cmd)
{
	char usage[64], listed[64];
	struct cmd_result r;

	snprintf(usage, sizeof(usage), "usage: exitstat %s ", cmd);
	snprintf(listed, sizeof(listed), "\n  %s ", cmd);
	run_exitstat(ARGS(cmd, "--help"), &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_int_equal(strncmp(r.out, usage, strlen(usage)), 0);
	assert_non_null(strstr(r.out, "\nEXAMPLES:\n  exitstat "));
	cmd_result_free(&r);
	run_exitstat(ARGS("--help"), &r);
	assert_non_null(strstr(r.out, listed));
	cmd_result_free(&r);
}
