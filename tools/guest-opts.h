/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of `exitstat guest` and `exitstat run`.
 */
#ifndef EXITSTAT_TOOLS_GUEST_OPTS_H
#define EXITSTAT_TOOLS_GUEST_OPTS_H

#include "guest.h"

struct guest_opts {
	enum guest_sort sort;
	enum guest_format fmt;
	bool all;
	double interval; /* guest: seconds between reports; 0: one report */
	unsigned long count; /* guest: reports to print; 0: no limit */
	const char *output; /* run: where the report goes; NULL: stderr */
	char **command; /* run: the command and its arguments */
};

/*
 * Parses the options of @cmd ("guest" or "run") into @o.  Returns 0, -1
 * when --help was printed to @out, or EXIT_USAGE after a one-line error.
 */
int guest_parse_opts(const char *cmd, int argc, char **argv,
		     struct guest_opts *o, FILE *out);

#endif /* EXITSTAT_TOOLS_GUEST_OPTS_H */
