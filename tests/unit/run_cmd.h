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

/* Runs exitstat with the NULL-terminated @args (after the program name). */
void run_exitstat(const char *const args[], struct cmd_result *r);

void cmd_result_free(struct cmd_result *r);

#endif /* EXITSTAT_TESTS_RUN_CMD_H */
