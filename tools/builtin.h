/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exitstat subcommands.  Each takes the arguments after its own name
 * (argv[0] is the subcommand) and returns the process exit status.
 */
#ifndef EXITSTAT_TOOLS_BUILTIN_H
#define EXITSTAT_TOOLS_BUILTIN_H

int cmd_reasons(int argc, char **argv);
int cmd_guest(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif /* EXITSTAT_TOOLS_BUILTIN_H */
