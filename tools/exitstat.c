// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat: one command, subcommands dispatched from a table.
 */
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "usage.h"

#ifndef EXITSTAT_VERSION
#define EXITSTAT_VERSION "unknown"
#endif

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd_struct commands[] = {
	{ "reasons", cmd_reasons,
	  "list the VMX and SVM exit reasons and which ones KVM handles" },
	{ "guest", cmd_guest,
	  "in a guest: the host's exit counts and cycles per reason (default)" },
	{ "run", cmd_run,
	  "in a guest: the exits and cycles while a command runs" },
	{ "record", cmd_record,
	  "on the host: record the exit statistics over time to a file" },
	{ "report", cmd_report,
	  "on the host: rates, bursts, reasons and latency of a recording" },
	{ "diff", cmd_diff,
	  "on the host: two recordings or snapshots side by side per reason" },
	{ "plot", cmd_plot,
	  "on the host: a recording as an SVG chart: rate by reason, latency" },
	{ "top", cmd_top,
	  "on the host: a live view of exits per VM, vCPU or reason" },
	{ "export", cmd_export,
	  "on the host: the figures for Prometheus (/metrics or a textfile)" },
};

static void print_usage(FILE *f)
{
	size_t i;

	fputs("usage: exitstat [--version] [--help] [COMMAND [ARGS]]\n\n"
	      "Counts of KVM VM exits per exit reason, and what they cost.\n\n"
	      "Commands:\n",
	      f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\nWithout a command, exitstat runs 'exitstat guest'.\n", f);
	fputs("\n'exitstat COMMAND --help' tells more about one command.\n", f);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	size_t i;

	if (!name) /* no command: what a guest owner wants to see */
		return cmd_guest(argc, argv);
	if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
	    !strcmp(name, "help")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version")) {
		printf("exitstat %s\n", EXITSTAT_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);

	fprintf(stderr,
		"exitstat: unknown command '%s' (see 'exitstat --help')\n",
		name);
	return EXIT_USAGE;
}
