/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timing of the periodic host tools (top, export --textfile): intervals
 * given in seconds, and a ticker due at t0 + k * interval on
 * CLOCK_MONOTONIC (no drift; ticks missed by a slow refresh are skipped)
 * that also reports SIGINT, SIGTERM, SIGWINCH and input, so a tool stops
 * between two refreshes, never in the middle of one.
 */
#ifndef EXITSTAT_TOOLS_TICK_H
#define EXITSTAT_TOOLS_TICK_H

#include <stdbool.h>
#include <stdint.h>

#define TICK_NSEC_PER_SEC 1000000000ull
#define TICK_MIN_NS 1000000ull /* 1 ms */

/*
 * Seconds as "N" or "N.FFF" (up to 9 decimals, at most 10^9 s) into
 * nanoseconds; -EINVAL for anything else.
 */
int secs_parse(const char *s, uint64_t *ns);

/* A whole number from 1 to @max; -EINVAL otherwise. */
int count_parse(const char *s, uint64_t max, uint64_t *n);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t mono_ns(void);

struct tick {
	uint64_t t0; /* the first tick, when tick_init() was called */
	uint64_t interval_ns;
	int sfd; /* signalfd of the signals taken */
};

enum tick_event {
	TICK_DUE, /* the next tick */
	TICK_STOP, /* SIGINT or SIGTERM */
	TICK_RESIZE, /* SIGWINCH */
	TICK_INPUT, /* the fd given to tick_wait() is readable */
};

/*
 * Blocks SIGINT and SIGTERM (and SIGWINCH with @winch) and takes them
 * through a signalfd.  0 or -errno.
 */
int tick_init(struct tick *t, uint64_t interval_ns, bool winch);

/*
 * Waits for the next tick, a signal (*@sig is its number) or, when
 * @in_fd >= 0, input on @in_fd.
 */
enum tick_event tick_wait(struct tick *t, int in_fd, int *sig);

void tick_free(struct tick *t);

#endif /* EXITSTAT_TOOLS_TICK_H */
