// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat guest: the host's VM-exit figures, read from inside the guest
 * through the exitstat CPUID leaves; once, or every INTERVAL seconds.
 */
#include <errno.h>

#include "builtin.h"
#include "guest-opts.h"
#include "usage.h"

static int guest_once(struct guest_reader *r, const struct guest_opts *o,
		      const struct guest_env *env)
{
	struct guest_snap s;
	struct guest_view v;
	struct guest_time t;
	int ret;

	env->now(env->ctx, &t);
	ret = guest_snapshot(r, &s, &t);
	if (ret)
		return ret;
	guest_view_init(&v, &r->host, &s, 0, o->sort, o->all);
	guest_print_snapshot(env->out, &v, o->fmt);
	return 0;
}

/* Snapshots in @snap[0] (the previous one) and @snap[1]. */
struct guest_watch {
	struct guest_snap snap[2];
	struct guest_snap delta;
	struct guest_view view;
	struct guest_time start;
};

static int guest_watch_one(struct guest_reader *r, const struct guest_opts *o,
			   const struct guest_env *env, struct guest_watch *w,
			   bool *header)
{
	struct guest_snap *prev = &w->snap[0], *cur = &w->snap[1];
	struct guest_time t;
	int ret;

	env->now(env->ctx, &t);
	ret = guest_snapshot(r, cur, &t);
	if (ret)
		return ret;
	guest_delta(prev, cur, &w->delta);
	guest_view_init(&w->view, &r->host, &w->delta,
			guest_seconds(&prev->t, &cur->t), o->sort, o->all);
	guest_print_interval(env->out, &w->view, o->fmt,
			     guest_seconds(&w->start, &cur->t), *header);
	fflush(env->out);
	if (!w->delta.reset)
		*header = false;
	*prev = *cur;
	return 0;
}

static int guest_watch(struct guest_reader *r, const struct guest_opts *o,
		       const struct guest_env *env)
{
	struct guest_watch w;
	bool header = true;
	unsigned long n;
	int ret;

	env->now(env->ctx, &w.start);
	ret = guest_snapshot(r, &w.snap[0], &w.start);
	for (n = 0; !ret && (!o->count || n < o->count); n++) {
		ret = env->sleep(env->ctx, o->interval);
		if (ret == -EINTR)
			return 0;
		if (!ret)
			ret = guest_watch_one(r, o, env, &w, &header);
	}
	return ret;
}

int guest_command(int argc, char **argv, const struct guest_env *env)
{
	struct guest_reader r;
	struct guest_opts o;
	int ret = guest_parse_opts("guest", argc, argv, &o, env->out);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = guest_open(&r, env->cpuid);
	if (!ret) {
		guest_print_notes(env->err, &r);
		ret = o.interval > 0 ? guest_watch(&r, &o, env) :
				       guest_once(&r, &o, env);
	}
	if (ret) {
		guest_print_error(env->err, &r, ret);
		return EXIT_FAILURE_RUN;
	}
	return EXIT_OK;
}

int cmd_guest(int argc, char **argv)
{
	struct guest_env env;

	guest_env_native(&env);
	return guest_command(argc, argv, &env);
}
