// SPDX-License-Identifier: GPL-2.0
/*
 * The host interface, root only (docs/host-interface.md):
 *   /proc/exitstat/stats    every figure, versioned line format for tools
 *   /proc/exitstat/summary  the same for people
 *   /proc/exitstat/reset    write anything to zero every figure
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <asm/tsc.h>

#include "exitstat.h"

#define ES_STATS_VERSION 1

static struct proc_dir_entry *es_proc_dir;

static unsigned int es_vm_nr_vcpus(const struct es_vm *vm)
{
	const struct es_vcpu *v;
	unsigned int n = 0;

	list_for_each_entry_rcu(v, &vm->vcpus, vm_node)
		n++;
	return n;
}

static void es_show_code(struct seq_file *m, unsigned int slot)
{
	if (slot < es_table->nr_slots)
		seq_printf(m, "code=0x%x", es_slot_code(es_table, slot));
	else
		seq_puts(m, "code=unknown");
}

static void es_show_reason(struct seq_file *m, const char *prefix,
			   unsigned int slot, const struct es_reason_stats *r)
{
	const char *sep = "";
	int b;

	seq_puts(m, prefix);
	es_show_code(m, slot);
	seq_printf(m, " exits=%llu cycles=%llu min=%llu max=%llu hist=",
		   r->exits, r->cycles, r->min, r->max);
	for (b = 0; b < ES_HIST_BUCKETS; b++) {
		if (!r->hist[b])
			continue;
		seq_printf(m, "%s%d:%llu", sep, b, r->hist[b]);
		sep = ",";
	}
	seq_puts(m, "\n");
}

static void es_show_vcpu(struct seq_file *m, const struct es_vcpu *v)
{
	struct es_reason_stats r;
	unsigned int slot;
	char prefix[48];

	seq_printf(m, "vcpu vm=%llu idx=%d id=%d tid=%d exits=%llu cycles=%llu\n",
		   v->vm->id, v->vcpu_idx, v->vcpu_id, v->tid,
		   READ_ONCE(v->s.exits), READ_ONCE(v->s.cycles));
	snprintf(prefix, sizeof(prefix), "reason vm=%llu vcpu=%d ", v->vm->id,
		 v->vcpu_idx);
	for (slot = 0; slot < es_nr_slots; slot++) {
		if (!READ_ONCE(v->s.reasons[slot].exits))
			continue;
		memset(&r, 0, sizeof(r));
		es_reason_merge(&r, &v->s.reasons[slot]);
		es_show_reason(m, prefix, slot, &r);
	}
}

static void es_show_vm(struct seq_file *m, const struct es_vm *vm)
{
	struct es_figures f = { 0 };
	const struct es_vcpu *v;

	es_vm_sum(vm, ES_ALL_SLOTS, &f);
	seq_printf(m, "vm id=%llu pid=%d stats_id=%s vcpus=%u exits=%llu cycles=%llu\n",
		   vm->id, vm->pid, vm->stats_id, es_vm_nr_vcpus(vm), f.exits,
		   f.cycles);
	list_for_each_entry_rcu(v, &vm->vcpus, vm_node)
		if (es_vcpu_current(v))
			es_show_vcpu(m, v);
}

/* Global lines, read under es_lock so they are consistent. */
static void es_show_global(struct seq_file *m)
{
	struct es_figures total, retired;
	unsigned long flags;
	unsigned int slot;
	long vms, vcpus;

	spin_lock_irqsave(&es_lock, flags);
	es_global_sum(ES_ALL_SLOTS, &total);
	seq_printf(m, "unattributed %llu\n", es_unattributed());
	es_live_objects(&vms, &vcpus);
	seq_printf(m, "allocated vms=%ld vcpus=%ld\n", vms, vcpus);
	seq_printf(m, "total exits=%llu cycles=%llu\n", total.exits,
		   total.cycles);
	retired = (struct es_figures){ 0 };
	for (slot = 0; slot < es_nr_slots; slot++) {
		retired.exits += es_retired_reason(slot)->exits;
		retired.cycles += es_retired_reason(slot)->cycles;
	}
	seq_printf(m, "retired exits=%llu cycles=%llu\n", retired.exits,
		   retired.cycles);
	for (slot = 0; slot < es_nr_slots; slot++)
		if (es_retired_reason(slot)->exits)
			es_show_reason(m, "retired-reason ", slot,
				       es_retired_reason(slot));
	spin_unlock_irqrestore(&es_lock, flags);
}

static int es_stats_show(struct seq_file *m, void *unused)
{
	const struct es_vm *vm;

	seq_printf(m, "exitstat-stats %d\n", ES_STATS_VERSION);
	seq_printf(m, "isa %s\nkernel %s\nscope %s\n", es_table->name,
		   es_kernel_name(es_host.kernel),
		   READ_ONCE(es_host.scope) == ES_SCOPE_GLOBAL ? "global" : "vm");
	seq_printf(m, "tsc_khz %u\nhist_buckets %d\ncpuid_missed %lu\n",
		   tsc_khz, ES_HIST_BUCKETS, es_cpuid_missed());
	es_show_global(m);
	rcu_read_lock();
	list_for_each_entry_rcu(vm, &es_vms, node)
		es_show_vm(m, vm);
	rcu_read_unlock();
	seq_puts(m, "end\n");
	return 0;
}

static int es_summary_show(struct seq_file *m, void *unused)
{
	struct es_figures total;
	const struct es_vm *vm;

	es_global_sum(ES_ALL_SLOTS, &total);

	seq_printf(m, "exitstat: %s exits, kernel series %s, scope=%s\n",
		   es_table->name, es_kernel_name(es_host.kernel),
		   READ_ONCE(es_host.scope) == ES_SCOPE_GLOBAL ? "global" : "vm");
	seq_printf(m, "all VMs since load or reset: %llu exits, %llu cycles\n",
		   total.exits, total.cycles);
	rcu_read_lock();
	list_for_each_entry_rcu(vm, &es_vms, node) {
		struct es_figures f = { 0 };
		unsigned int slot;

		es_vm_sum(vm, ES_ALL_SLOTS, &f);
		seq_printf(m, "\nVM %llu (pid %d, %s): %u vCPUs, %llu exits, %llu cycles\n",
			   vm->id, vm->pid, vm->stats_id, es_vm_nr_vcpus(vm),
			   f.exits, f.cycles);
		for (slot = 0; slot < es_nr_slots; slot++) {
			const struct es_reason *r;
			struct es_figures rf = { 0 };

			es_vm_sum(vm, slot, &rf);
			if (!rf.exits)
				continue;
			r = es_slot_reason(es_table, slot);
			seq_printf(m, "  %-26s %12llu exits  avg %llu cycles\n",
				   r && r->name ? r->name : "UNKNOWN",
				   rf.exits, rf.cycles / rf.exits);
		}
	}
	rcu_read_unlock();
	return 0;
}

static ssize_t es_reset_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	if (!count)
		return -EINVAL;
	es_reset();
	return count;
}

static const struct proc_ops es_reset_ops = {
	.proc_write = es_reset_write,
	.proc_lseek = noop_llseek,
};

int es_hostif_init(void)
{
	es_proc_dir = proc_mkdir_mode("exitstat", 0500, NULL);
	if (!es_proc_dir)
		return -ENOMEM;
	if (!proc_create_single("stats", 0400, es_proc_dir, es_stats_show) ||
	    !proc_create_single("summary", 0400, es_proc_dir,
				es_summary_show) ||
	    !proc_create("reset", 0200, es_proc_dir, &es_reset_ops)) {
		proc_remove(es_proc_dir);
		return -ENOMEM;
	}
	return 0;
}

void es_hostif_exit(void)
{
	proc_remove(es_proc_dir);
}
