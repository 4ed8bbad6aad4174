// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-log summary: every log_every exits (over all VMs), a summary
 * of the non-zero exit reasons with their names.
 *
 * A delayed work item looks at the global total every log_interval_ms and
 * logs when it has grown by log_every since the last summary; nothing is
 * done on the exit path.  At most one summary is logged per interval, so a
 * host with a million exits a second still gets one summary a second (by
 * default), not a hundred.
 */
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/workqueue.h>

#include "exitstat.h"

#define ES_LOG_INTERVAL_MIN_MS 100

static unsigned long log_every = 10000;
module_param(log_every, ulong, 0644);
MODULE_PARM_DESC(log_every, "Log a summary every this many exits (0: never)");

static unsigned int log_interval_ms = 1000;

static int es_interval_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;
	int ret = kstrtouint(val, 0, &ms);

	if (ret)
		return ret;
	if (ms < ES_LOG_INTERVAL_MIN_MS)
		return -EINVAL;
	WRITE_ONCE(log_interval_ms, ms);
	return 0;
}

static const struct kernel_param_ops es_interval_ops = {
	.set = es_interval_set,
	.get = param_get_uint,
};
module_param_cb(log_interval_ms, &es_interval_ops, &log_interval_ms, 0644);
MODULE_PARM_DESC(log_interval_ms, "At most one summary per this many ms (>= 100)");

static u64 es_logged_exits;	/* total at the last summary */

struct es_log_row {
	unsigned int slot;
	struct es_figures f;
};

static int es_row_cmp(const void *a, const void *b)
{
	const struct es_log_row *x = a, *y = b;

	if (x->f.exits != y->f.exits)
		return x->f.exits < y->f.exits ? 1 : -1;
	return x->slot < y->slot ? -1 : 1;
}

static const char *es_slot_name(unsigned int slot)
{
	const struct es_reason *r = es_slot_reason(es_table, slot);

	return r && r->name ? r->name : "UNKNOWN";
}

/* Collects the non-zero reasons under es_lock; returns how many. */
static unsigned int es_collect(struct es_log_row *rows, struct es_figures *all)
{
	unsigned int slot, n = 0;
	unsigned long flags;

	spin_lock_irqsave(&es_lock, flags);
	es_global_sum(ES_ALL_SLOTS, all);
	for (slot = 0; slot < es_nr_slots; slot++) {
		es_global_sum(slot, &rows[n].f);
		if (rows[n].f.exits)
			rows[n++].slot = slot;
	}
	spin_unlock_irqrestore(&es_lock, flags);
	return n;
}

static void es_log_summary(void)
{
	struct es_figures all;
	struct es_log_row *rows;
	unsigned int i, n;
	u64 sum = 0;

	rows = kvcalloc(es_nr_slots, sizeof(*rows), GFP_KERNEL);
	if (!rows)
		return;
	n = es_collect(rows, &all);
	sort(rows, n, sizeof(*rows), es_row_cmp, NULL);
	for (i = 0; i < n; i++)
		sum += rows[i].f.exits;
	pr_info("%llu exits (+%llu), %llu cycles, %u reasons:\n", all.exits,
		all.exits - es_logged_exits, all.cycles, n);
	for (i = 0; i < n; i++)
		pr_info("  %-26s %12llu exits %3llu.%llu%%  avg %llu cycles\n",
			es_slot_name(rows[i].slot), rows[i].f.exits,
			rows[i].f.exits * 100 / sum,
			rows[i].f.exits * 1000 / sum % 10,
			rows[i].f.cycles / rows[i].f.exits);
	es_logged_exits = all.exits;
	kvfree(rows);
}

static void es_log_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(es_log_work, es_log_work_fn);

static void es_log_work_fn(struct work_struct *work)
{
	unsigned long every = READ_ONCE(log_every);
	struct es_figures all;

	es_global_sum(ES_ALL_SLOTS, &all);

	/* After a reset the total starts again below the last summary. */
	if (all.exits < es_logged_exits)
		es_logged_exits = 0;
	if (every && all.exits - es_logged_exits >= every)
		es_log_summary();
	schedule_delayed_work(&es_log_work,
			      msecs_to_jiffies(READ_ONCE(log_interval_ms)));
}

int es_logsum_init(void)
{
	schedule_delayed_work(&es_log_work, msecs_to_jiffies(log_interval_ms));
	return 0;
}

void es_logsum_exit(void)
{
	cancel_delayed_work_sync(&es_log_work);
}
