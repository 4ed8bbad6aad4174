/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit statuses and one-line error reporting shared by the subcommands.
 */
#ifndef EXITSTAT_TOOLS_USAGE_H
#define EXITSTAT_TOOLS_USAGE_H

#include "../core/reasons.h"

#define EXIT_OK 0
#define EXIT_FAILURE_RUN 1 /* the command ran and failed */
#define EXIT_USAGE 2 /* bad command line */

/* Prints "exitstat CMD: MESSAGE" on stderr. */
void usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Reports what getopt_long() rejected, called with its return value (':'
 * for a missing value, '?' for an unknown option; the option string must
 * start with ':'), and argv.  Always returns EXIT_USAGE.
 */
int usage_bad_option(const char *cmd, int ret, char **argv);

/*
 * The positional arguments of the periodic tools, each parsed from @arg
 * with a one-line error for @cmd: an interval in seconds (at least 1 ms),
 * a count from 1 to @max.  0, or EXIT_USAGE after the error.
 */
int usage_interval(const char *cmd, const char *arg, uint64_t *ns);
int usage_count(const char *cmd, const char *arg, uint64_t max, uint64_t *n);

/* EXIT_USAGE, after the error, if argv[optind] is an argument too many. */
int usage_no_more(const char *cmd, int argc, char **argv);

/* Parse "vmx" / "svm"; 0 on success, -EINVAL otherwise. */
int parse_isa(const char *s, enum es_isa *isa);

/* Parse "6.1" / "6.12"; 0 on success, -EINVAL otherwise. */
int parse_kernel(const char *s, enum es_kernel *k);

#endif /* EXITSTAT_TOOLS_USAGE_H */
