// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tick.h"
#include "usage.h"

void usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "exitstat %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_bad_option(const char *cmd, int ret, char **argv)
{
	const char *word = argv[optind - 1];
	int len = (int)strcspn(word, "=");
	char letter[3] = { '-', (char)optopt, 0 };

	if (ret == ':') {
		usage_error(
			cmd,
			"option '%s' needs a value (see 'exitstat %s --help')",
			word, cmd);
	} else if (strncmp(word, "--", 2)) {
		usage_error(cmd,
			    "unknown option '%s' (see 'exitstat %s --help')",
			    letter, cmd);
	} else if (optopt && word[len]) {
		/* A known long option given "=VALUE" it does not take. */
		usage_error(
			cmd,
			"option '%.*s' takes no value (see 'exitstat %s --help')",
			len, word, cmd);
	} else {
		usage_error(cmd,
			    "unknown option '%.*s' (see 'exitstat %s --help')",
			    len, word, cmd);
	}
	return EXIT_USAGE;
}

int usage_interval(const char *cmd, const char *arg, uint64_t *ns)
{
	if (!secs_parse(arg, ns) && *ns >= TICK_MIN_NS)
		return 0;
	usage_error(
		cmd,
		"bad interval '%s' (expected seconds >= 0.001, e.g. 1 or 0.5)",
		arg);
	return EXIT_USAGE;
}

int usage_count(const char *cmd, const char *arg, uint64_t max, uint64_t *n)
{
	if (!count_parse(arg, max, n))
		return 0;
	usage_error(cmd, "bad count '%s' (expected a whole number > 0)", arg);
	return EXIT_USAGE;
}

int usage_no_more(const char *cmd, int argc, char **argv)
{
	if (optind >= argc)
		return 0;
	usage_error(cmd, "unexpected argument '%s' (see 'exitstat %s --help')",
		    argv[optind], cmd);
	return EXIT_USAGE;
}

int parse_isa(const char *s, enum es_isa *isa)
{
	if (!strcmp(s, "vmx"))
		*isa = ES_ISA_VMX;
	else if (!strcmp(s, "svm"))
		*isa = ES_ISA_SVM;
	else
		return -EINVAL;
	return 0;
}

int parse_kernel(const char *s, enum es_kernel *k)
{
	enum es_kernel i;

	for (i = 0; i < ES_KERNEL_NR; i++) {
		if (!strcmp(s, es_kernel_name(i))) {
			*k = i;
			return 0;
		}
	}
	return -EINVAL;
}
