// SPDX-License-Identifier: GPL-2.0
/*
 * Options and help of `exitstat guest` and `exitstat run`.
 */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "guest-opts.h"
#include "usage.h"

static const char guest_help[] =
	"usage: exitstat guest [--sort KEY] [--all] [--json|--csv] [INTERVAL [COUNT]]\n"
	"\n"
	"Run inside a KVM guest whose host has exitstat.ko loaded; no root needed.\n"
	"Reads the host's VM-exit figures through CPUID leaves 0x4ffffffc-0x4fffffff:\n"
	"total exits and cycles, then one row per exit reason with its exits, share\n"
	"of all exits, cycles and average cycles per exit, named after the host's ISA\n"
	"(Intel VMX or AMD SVM, from the discovery leaf).  Reasons without exits are\n"
	"left out unless --all.  'exitstat' without a command does the same.\n"
	"\n"
	"With INTERVAL (seconds, decimals allowed) it prints, every INTERVAL, what\n"
	"changed since the previous report, with exits per second; COUNT reports,\n"
	"or until interrupted.\n"
	"\n"
	"Its own CPUID exits are not counted.  Each CPUID exitstat executes is a\n"
	"CPUID exit, counted by the host before it answers: 2 at start, then for\n"
	"each report 3 + 2 per defined reason (163 on VMX, 355 on SVM).  A count\n"
	"answered by its k-th CPUID holds k of them, so k is taken off the total\n"
	"and off the CPUID row (and shown as 'not counted').  The host adds an\n"
	"exit's cycles after answering, so a cycles figure answered by the k-th\n"
	"CPUID holds the cost of the k-1 before it: exitstat measures that cost on\n"
	"the CPUID row, which it reads first and last in every report (a query it\n"
	"cannot measure counts as their average), and takes it off the same two\n"
	"figures.  Other rows are never corrected.  Details: docs/guest-tool.md.\n"
	"\n"
	"Options:\n"
	"  -s, --sort KEY  order rows by count (default), cycles, avg, code or name\n"
	"  -a, --all       also the reasons without exits\n"
	"  -j, --json      JSON: one object (one per line and interval when watching)\n"
	"  -c, --csv       CSV with a header line; the first row is the total\n"
	"  -h, --help      this text\n"
	"\n"
	"Exit status: 0; 1 when the leaves are not there (no exitstat.ko on the\n"
	"host, another hypervisor, bare metal); 2 for a bad command line.\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat guest                  # totals and the reasons with exits\n"
	"  exitstat guest --sort cycles    # where the host spends its time\n"
	"  exitstat guest --all --sort code\n"
	"  exitstat guest 1 10             # ten 1-second intervals, with rates\n"
	"  exitstat guest 0.5 --csv > exits.csv\n"
	"  exitstat guest --json | jq '.reasons[] | select(.name==\"HLT\")'\n";

static const char run_help[] =
	"usage: exitstat run [--sort KEY] [--all] [--json|--csv] [-o FILE] -- CMD [ARGS...]\n"
	"\n"
	"Runs CMD inside this KVM guest and reports the VM exits and cycles the host\n"
	"counted while it ran (total and per exit reason), read through the exitstat\n"
	"CPUID leaves before and after.  The report goes to stderr (or FILE), so\n"
	"CMD's own output is left alone.  exitstat then exits with CMD's status\n"
	"(128 + N when a signal N killed it; 126/127 when it could not be started).\n"
	"\n"
	"The figures are the whole VM's (with the host's default scope=vm) while\n"
	"CMD ran, starting it included, less exactly exitstat's own CPUID exits:\n"
	"it counts them (one per CPUID it executes, shown as 'not counted') and\n"
	"takes them off the total and the CPUID row.  Their cycles are measured\n"
	"on the CPUID row and taken off the same two figures.\n"
	"See 'exitstat guest --help' and docs/guest-tool.md.\n"
	"\n"
	"Options:\n"
	"  -s, --sort KEY     order rows by count (default), cycles, avg, code or name\n"
	"  -a, --all          also the reasons without exits\n"
	"  -j, --json         the report as one JSON object\n"
	"  -c, --csv          the report as CSV; the first row is the total\n"
	"  -o, --output FILE  write the report to FILE instead of stderr\n"
	"  -h, --help         this text\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat run -- dd if=/dev/zero of=/tmp/x bs=1M count=100\n"
	"  exitstat run --sort cycles -- make -j4\n"
	"  exitstat run --json -o exits.json -- ./benchmark --quick\n";

static const struct option guest_longopts[] = {
	{ "sort", required_argument, NULL, 's' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "csv", no_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option run_longopts[] = {
	{ "sort", required_argument, NULL, 's' },
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "csv", no_argument, NULL, 'c' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int set_format(const char *cmd, struct guest_opts *o,
		      enum guest_format fmt)
{
	if (o->fmt != GUEST_TEXT && o->fmt != fmt) {
		usage_error(cmd, "--json and --csv cannot be combined");
		return EXIT_USAGE;
	}
	o->fmt = fmt;
	return 0;
}

/* One option @c with @arg; 0, -1 after --help, or EXIT_USAGE. */
static int guest_option(const char *cmd, int c, char *arg, struct guest_opts *o,
			FILE *out, char **argv)
{
	switch (c) {
	case 's':
		if (!guest_parse_sort(arg, &o->sort))
			return 0;
		usage_error(
			cmd,
			"unknown sort key '%s' (expected count, cycles, avg, code or name)",
			arg);
		return EXIT_USAGE;
	case 'a':
		o->all = true;
		return 0;
	case 'j':
		return set_format(cmd, o, GUEST_JSON);
	case 'c':
		return set_format(cmd, o, GUEST_CSV);
	case 'o':
		o->output = arg;
		return 0;
	case 'h':
		fputs(strcmp(cmd, "run") ? guest_help : run_help, out);
		return -1;
	default:
		return usage_bad_option(cmd, c, argv);
	}
}

static int parse_interval(const char *s, double *out)
{
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return -1;
	if (strchr(s, 'x') || strchr(s, 'X'))
		return -1;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || v <= 0 || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

static int parse_count(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || !v || v == ULONG_MAX)
		return -1;
	*out = v;
	return 0;
}

/* guest: [INTERVAL [COUNT]] */
static int guest_positional(int argc, char **argv, struct guest_opts *o)
{
	if (optind < argc && parse_interval(argv[optind], &o->interval)) {
		usage_error(
			"guest",
			"invalid interval '%s' (expected a positive number of seconds)",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc && parse_count(argv[optind + 1], &o->count)) {
		usage_error(
			"guest",
			"invalid count '%s' (expected a positive whole number)",
			argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (optind + 2 < argc) {
		usage_error(
			"guest",
			"unexpected argument '%s' (see 'exitstat guest --help')",
			argv[optind + 2]);
		return EXIT_USAGE;
	}
	return 0;
}

int guest_parse_opts(const char *cmd, int argc, char **argv,
		     struct guest_opts *o, FILE *out)
{
	bool run = !strcmp(cmd, "run");
	int c, ret;

	memset(o, 0, sizeof(*o));
	optind = 0; /* glibc: start afresh, also for a second call */
	while ((c = getopt_long(argc, argv, run ? "+:s:ajco:h" : ":s:ajch",
				run ? run_longopts : guest_longopts, NULL)) !=
	       -1) {
		ret = guest_option(cmd, c, optarg, o, out, argv);
		if (ret)
			return ret;
	}
	if (!run)
		return guest_positional(argc, argv, o);
	if (optind >= argc) {
		usage_error(
			"run",
			"no command given (usage: exitstat run [OPTIONS] -- CMD [ARGS...])");
		return EXIT_USAGE;
	}
	o->command = argv + optind;
	return 0;
}
