/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recordings made by `exitstat record` (docs/recording-format.md): a
 * header line, then samples, each a "sample" line, the raw stats snapshot
 * and a "sample-end" line.  The reader hands each complete sample to a
 * callback, so a long recording needs memory for one snapshot only, and
 * ignores a torn last sample.  It also takes a bare stats snapshot (a
 * captured /proc/exitstat/stats) as a recording of one untimed sample.
 */
#ifndef EXITSTAT_TOOLS_RECORDING_H
#define EXITSTAT_TOOLS_RECORDING_H

#include "stats.h"

#define REC_VERSION 1

struct rec_sample {
	uint64_t seq; /* 1, 2, ... */
	uint64_t mono_ns; /* CLOCK_MONOTONIC just before the read */
	uint64_t real_ns; /* CLOCK_REALTIME likewise */
	unsigned int line; /* of its "sample" line */
	bool untimed; /* a bare snapshot: no times, figures since load */
	struct stats_snap snap;
};

struct rec_info {
	unsigned int version; /* 0: a bare stats snapshot */
	uint64_t interval_ns;
	uint64_t duration_ns; /* 0: until stopped */
	size_t nr_samples;
	unsigned int torn_line; /* where an ignored torn sample starts, or 0 */
	char stop[256]; /* why the recorder stopped (its "stop" line), or "" */
};

/*
 * Called for every complete sample, in order.  It may keep the snapshot
 * (move it out and zero s->snap); what is left is freed after the call.
 * A -errno return ends the scan and is returned by rec_scan().
 */
typedef int (*rec_sample_fn)(void *ctx, struct rec_sample *s,
			     struct parse_err *e);

/* 0, or -errno with @e set.  @info is filled in either way. */
int rec_scan(const char *buf, size_t len, rec_sample_fn fn, void *ctx,
	     struct rec_info *info, struct parse_err *e);

/* The header line, with its '\n'.  Returns its length. */
int rec_header_line(char *buf, size_t size, uint64_t interval_ns,
		    uint64_t duration_ns);

#endif /* EXITSTAT_TOOLS_RECORDING_H */
