/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs the exitstat binary under test ($EXITSTAT_BIN) and captures what it
 * printed and how it exited.
 */
#ifndef EXITSTAT_TESTS_RUN_CMD_H
#define EXITSTAT_TESTS_RUN_CMD_H

struct cmd_result {
	int status; /* exit status; 128 + signal if killed */
	char *out; /* all of stdout, NUL-terminated */
	char *err; /* all of stderr, NUL-terminated */
};

/* A NULL-terminated argument list, for the functions below. */
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Runs exitstat with the NULL-terminated @args (after the program name). */
void run_exitstat(const char *const args[], struct cmd_result *r);

void cmd_result_free(struct cmd_result *r);

/* exitstat @args exits with @status, @err on stderr and nothing on stdout. */
void expect_exitstat_error(const char *const args[], int status,
			   const char *err);

/*
 * exitstat @cmd --help: status 0, nothing on stderr, "usage: exitstat @cmd "
 * and an EXAMPLES block on stdout; and exitstat --help lists @cmd.
 */
void expect_exitstat_help(const char *cmd);

#endif /* EXITSTAT_TESTS_RUN_CMD_H */
