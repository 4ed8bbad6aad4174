/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `report` and `diff` read: a recording, a captured stats file, or
 * (without a file) the live /proc/exitstat/stats or DIR/stats of --root,
 * turned into a finished struct window.  Also the helpers both print with.
 */
#ifndef EXITSTAT_TOOLS_LOAD_H
#define EXITSTAT_TOOLS_LOAD_H

#include "table.h"
#include "window.h"

struct source {
	char *path; /* the file read */
	bool live; /* the host interface (no FILE given) */
	struct rec_info info;
	struct window w;
};

/*
 * Loads @file, or without it the host interface under @root (NULL:
 * /proc/exitstat).  0, or -errno with a one-line "PATH: what" in @msg.
 */
int source_load(struct source *src, const char *file, const char *root,
		char *msg, size_t size);

void source_free(struct source *src);

/* "recording" or "snapshot" */
const char *source_kind(const struct source *src);

/* Seconds of @src's window (0 for a snapshot). */
double source_secs(const struct source *src);

/* @ns as seconds with 3 decimals, into @buf of 32 bytes. */
const char *fmt_secs(uint64_t ns, char *buf);

/* The reason's name for the table, or "-" when the manual has none. */
const char *reason_label(const struct es_isa_table *t, uint64_t code);

/* Sorts the series of @m: most exits first, then by code. */
void sort_by_exits(struct win_map *m);

/* Parses --json / --markdown style choices: -EINVAL when both are set. */
int out_fmt_pick(bool json, bool markdown, enum out_fmt *fmt);

#endif /* EXITSTAT_TOOLS_LOAD_H */
