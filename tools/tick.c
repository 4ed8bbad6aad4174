// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "tick.h"

#define MAX_SECS 1000000000ull /* 31 years: ns fit in 64 bits */

int secs_parse(const char *s, uint64_t *ns)
{
	uint64_t secs = 0, frac = 0, scale = TICK_NSEC_PER_SEC;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		secs = secs * 10 + (uint64_t)(*p - '0');
		if (secs > MAX_SECS)
			return -EINVAL;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -EINVAL;
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p)
		return -EINVAL;
	*ns = secs * TICK_NSEC_PER_SEC + frac;
	return 0;
}

int count_parse(const char *s, uint64_t max, uint64_t *n)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	if (!v)
		return -EINVAL;
	*n = v;
	return 0;
}

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * TICK_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

int tick_init(struct tick *t, uint64_t interval_ns, bool winch)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (winch)
		sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	t->sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (t->sfd < 0)
		return -errno;
	t->interval_ns = interval_ns;
	t->t0 = mono_ns();
	return 0;
}

static enum tick_event take_signal(struct tick *t, int *sig)
{
	struct signalfd_siginfo si;

	if (read(t->sfd, &si, sizeof(si)) != sizeof(si))
		return TICK_DUE; /* cannot happen: poll said readable */
	*sig = (int)si.ssi_signo;
	return *sig == SIGWINCH ? TICK_RESIZE : TICK_STOP;
}

enum tick_event tick_wait(struct tick *t, int in_fd, int *sig)
{
	uint64_t now = mono_ns(), k, due, left;
	struct pollfd fds[2] = { { .fd = t->sfd, .events = POLLIN },
				 { .fd = in_fd, .events = POLLIN } };
	struct timespec ts;
	int n;

	k = (now - t->t0) / t->interval_ns + 1;
	due = t->t0 + k * t->interval_ns;
	for (;;) {
		now = mono_ns();
		if (now >= due)
			return TICK_DUE;
		left = due - now;
		ts.tv_sec = (time_t)(left / TICK_NSEC_PER_SEC);
		ts.tv_nsec = (long)(left % TICK_NSEC_PER_SEC);
		n = ppoll(fds, in_fd >= 0 ? 2 : 1, &ts, NULL);
		if (n < 0 && errno != EINTR)
			return TICK_DUE;
		if (n > 0 && (fds[0].revents & POLLIN))
			return take_signal(t, sig);
		if (n > 0 && fds[1].revents)
			return TICK_INPUT;
	}
}

void tick_free(struct tick *t)
{
	if (t->sfd >= 0)
		close(t->sfd);
	t->sfd = -1;
}
