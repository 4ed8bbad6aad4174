/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exit statistics in the Prometheus text exposition format, version
 * 0.0.4: what `exitstat export` serves on /metrics and writes for
 * node_exporter's textfile collector.  docs/top-export.md lists the
 * metrics.
 *
 * Per VM, vCPU and exit reason: the counters exitstat_exits_total and
 * exitstat_exit_cycles_total.  Per VM and exit reason (the vCPUs summed,
 * so that the series grow with VMs, not with 32 buckets x vCPUs): the
 * histogram exitstat_exit_cycles from the module's log2 buckets.  Bucket b
 * holds exits of 2^b to 2^(b+1)-1 cycles, so its cumulative count is that
 * of le="2^(b+1)-1" exactly (cycles are whole numbers); the last bucket
 * has no upper edge and is +Inf.
 */
#ifndef EXITSTAT_TOOLS_PROM_H
#define EXITSTAT_TOOLS_PROM_H

#include "stats.h"
#include "textbuf.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Appends the exposition of @s to @tb: exitstat_up 1 and every metric. */
void prom_render(const struct stats_snap *s, struct textbuf *tb);

/* Appends the exposition of a failed read: exitstat_up 0, nothing else. */
void prom_render_down(struct textbuf *tb);

/* Appends @s as the inside of a label value: \, " and newline escaped. */
void prom_label_value(struct textbuf *tb, const char *s);

#endif /* EXITSTAT_TOOLS_PROM_H */
