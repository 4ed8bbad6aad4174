// SPDX-License-Identifier: GPL-2.0
/*
 * The real system under `exitstat guest` and `exitstat run`: the CPUID
 * instruction, clocks, sleeping, and running a command.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "guest.h"

extern char **environ;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void native_now(void *ctx, struct guest_time *t)
{
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &t->mono);
	t->wall = time(NULL);
}

/* Sleeps; SIGINT or SIGTERM ends it (and watch mode) with -EINTR. */
static int native_sleep(void *ctx, double seconds)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec ts;

	(void)ctx;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (!interrupted && nanosleep(&ts, &ts))
		if (errno != EINTR)
			return -errno;
	return interrupted ? -EINTR : 0;
}

static int wait_child(pid_t pid, int *status)
{
	int wstatus;

	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
				       128 + WTERMSIG(wstatus);
	return 0;
}

/*
 * Like system(): while the command runs, Ctrl-C and Ctrl-\ are its
 * business (it gets them with their default actions); exitstat waits and
 * reports.
 */
static int native_run(void *ctx, char *const argv[], int *status)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	posix_spawnattr_t attr;
	sigset_t deflt;
	pid_t pid;
	int ret;

	(void)ctx;
	sigemptyset(&ign.sa_mask);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGQUIT);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	ret = -posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ);
	if (!ret)
		ret = wait_child(pid, status);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	posix_spawnattr_destroy(&attr);
	return ret;
}

void guest_env_native(struct guest_env *env)
{
	env->cpuid = &cpuid_native;
	env->now = native_now;
	env->sleep = native_sleep;
	env->run = native_run;
	env->ctx = NULL;
	env->out = stdout;
	env->err = stderr;
}
