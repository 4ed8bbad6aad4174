// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat run -- CMD: the VM exits and cycles while CMD ran, without
 * exitstat's own CPUID exits; exits with CMD's status.
 */
#include <errno.h>
#include <string.h>

#include "builtin.h"
#include "guest-opts.h"
#include "usage.h"

/* The status of a command that could not be started, as env(1) has it. */
static int spawn_failure(const struct guest_env *env, char *const argv[],
			 int err)
{
	fprintf(env->err, "exitstat run: cannot run '%s': %s\n", argv[0],
		strerror(-err));
	return err == -ENOENT ? 127 : 126;
}

/* Runs the command between two snapshots; *status is its exit status. */
static int run_measured(struct guest_reader *r, const struct guest_opts *o,
			const struct guest_env *env, FILE *report, int *status)
{
	struct guest_snap before, after, delta;
	struct guest_view v;
	struct guest_time t;
	int ret;

	env->now(env->ctx, &t);
	ret = guest_snapshot(r, &before, &t);
	if (ret)
		return ret;
	ret = env->run(env->ctx, o->command, status);
	if (ret) {
		*status = spawn_failure(env, o->command, ret);
		return 0;
	}
	env->now(env->ctx, &t);
	ret = guest_snapshot(r, &after, &t);
	if (ret)
		return ret;
	if (after.reset) {
		fputs("exitstat run: the host reset its counters while the command ran: no figures\n",
		      env->err);
		return 0;
	}
	guest_delta(&before, &after, &delta);
	guest_view_init(&v, &r->host, &delta,
			guest_seconds(&before.t, &after.t), o->sort, o->all);
	guest_print_run(report, &v, o->fmt, o->command, *status);
	return 0;
}

static int run_open(const struct guest_opts *o, const struct guest_env *env,
		    FILE **report)
{
	*report = env->err;
	if (!o->output)
		return 0;
	*report = fopen(o->output, "w");
	if (*report)
		return 0;
	fprintf(env->err, "exitstat run: cannot write '%s': %s\n", o->output,
		strerror(errno));
	return -1;
}

int guest_run_command(int argc, char **argv, const struct guest_env *env)
{
	struct guest_reader r;
	struct guest_opts o;
	FILE *report;
	int status = EXIT_FAILURE_RUN;
	int ret = guest_parse_opts("run", argc, argv, &o, env->out);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = guest_open(&r, env->cpuid);
	if (ret) {
		guest_print_error(env->err, &r, ret);
		return EXIT_FAILURE_RUN;
	}
	guest_print_notes(env->err, &r);
	if (run_open(&o, env, &report))
		return EXIT_FAILURE_RUN;
	ret = run_measured(&r, &o, env, report, &status);
	if (ret)
		guest_print_error(env->err, &r, ret);
	if (report != env->err && fclose(report))
		fprintf(env->err, "exitstat run: cannot write '%s': %s\n",
			o.output, strerror(errno));
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct guest_env env;

	guest_env_native(&env);
	return guest_run_command(argc, argv, &env);
}
