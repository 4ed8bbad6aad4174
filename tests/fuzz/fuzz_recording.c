// SPDX-License-Identifier: GPL-2.0
/*
 * rec_scan() over any bytes (docs/recording-format.md): a recording, a
 * bare stats snapshot, or neither.  The callback reads every sample it is
 * given and checks the reader's promises: samples numbered 1, 2, ... with
 * mono_ns strictly increasing, each a snapshot that parsed.  It keeps
 * every second snapshot, as a caller may (moving it out of the sample),
 * and inputs whose length is a multiple of 7 end the scan with an error
 * at the second sample, so that both of those paths are taken too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/recording.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct scan_ctx {
	size_t nr; /* samples seen */
	uint64_t last_mono;
	bool stop_at_2;
	struct stats_snap kept;
};

static void check(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_recording: %s\n", what);
	abort();
}

/* Reads all of @s: the sums must not be optimised away. */
static uint64_t snap_sum(const struct stats_snap *s)
{
	uint64_t sum = s->total_exits;
	size_t i;

	for (i = 0; i < s->nr_vms; i++)
		sum += stats_find_vm(s, s->vms[i].id)->exits;
	for (i = 0; i < s->nr_vcpus; i++)
		sum += s->vcpus[i].cycles;
	for (i = 0; i < s->nr_reasons; i++)
		sum += s->reasons[i].f.hist[s->hist_buckets - 1];
	for (i = 0; i < s->nr_retired; i++)
		sum += s->retired[i].f.max;
	return sum;
}

static int on_sample(void *ctx, struct rec_sample *s, struct parse_err *e)
{
	struct scan_ctx *c = ctx;
	volatile uint64_t sum = snap_sum(&s->snap);

	(void)sum;
	check(s->seq == ++c->nr, "sample numbers");
	check(s->line > 0, "sample line");
	check(s->snap.table && s->snap.version == STATS_VERSION,
	      "sample snapshot");
	if (s->untimed) {
		check(s->seq == 1, "untimed sample after the first");
	} else {
		check(s->seq == 1 || s->mono_ns > c->last_mono,
		      "mono_ns not increasing");
		c->last_mono = s->mono_ns;
	}
	if (s->seq % 2 == 0) {
		stats_free(&c->kept);
		c->kept = s->snap;
		memset(&s->snap, 0, sizeof(s->snap));
	}
	if (!c->stop_at_2 || s->seq != 2)
		return 0;
	parse_err_set(e, s->line, "stopped by the callback");
	return -ECANCELED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_ctx c = { .stop_at_2 = size % 7 == 0 };
	struct parse_err e = { 0, "" };
	struct rec_info info;
	int ret;

	ret = rec_scan((const char *)data, size, on_sample, &c, &info, &e);
	stats_free(&c.kept);
	check(info.nr_samples == c.nr, "nr_samples");
	check(memchr(info.stop, 0, sizeof(info.stop)) != NULL,
	      "stop terminated");
	check((ret == -ECANCELED) == (c.stop_at_2 && c.nr == 2),
	      "the callback's error");
	if (ret) {
		check(e.msg[0] && memchr(e.msg, 0, sizeof(e.msg)),
		      "no message");
		return 0;
	}
	check(info.version == REC_VERSION || (!info.version && c.nr == 1),
	      "version");
	return 0;
}
