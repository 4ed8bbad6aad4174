// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's CPUID leaves 0x4ffffffc-0x4fffffff.
 *
 * kvm_emulate_cpuid() calls kvm_cpuid(vcpu, &eax, &ebx, &ecx, &edx, ...)
 * out of line and then writes the four values into the guest's registers.
 * A kretprobe notes the pointers and the input leaf on entry and, for our
 * leaves only, overwrites the values on return with the answer of the core
 * contract function.
 */
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/ptrace.h>
#include <linux/string.h>

#include "exitstat.h"

static int es_scope_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "vm"))
		WRITE_ONCE(es_host.scope, ES_SCOPE_VM);
	else if (sysfs_streq(val, "global"))
		WRITE_ONCE(es_host.scope, ES_SCOPE_GLOBAL);
	else
		return -EINVAL;
	return 0;
}

static int es_scope_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", READ_ONCE(es_host.scope) ==
				   ES_SCOPE_GLOBAL ? "global" : "vm");
}

static const struct kernel_param_ops es_scope_ops = {
	.set = es_scope_set,
	.get = es_scope_get,
};
module_param_cb(scope, &es_scope_ops, NULL, 0644);
MODULE_PARM_DESC(scope, "What a guest sees: vm (its own VM, default) or global (all VMs)");

struct es_cpuid_call {
	const struct kvm_vcpu *vcpu;
	u32 *eax, *ebx, *ecx, *edx;
	u32 leaf;
	u32 subleaf;
};

/* es_stats_source over one VM (or none): rcu_read_lock() held. */
static void es_vm_total(const void *ctx, struct es_figures *out)
{
	*out = (struct es_figures){ 0 };
	if (ctx)
		es_vm_sum(ctx, ES_ALL_SLOTS, out);
}

static void es_vm_reason(const void *ctx, unsigned int slot,
			 struct es_figures *out)
{
	*out = (struct es_figures){ 0 };
	if (ctx)
		es_vm_sum(ctx, slot, out);
}

/* es_stats_source over everything: es_lock held. */
static void es_all_total(const void *ctx, struct es_figures *out)
{
	es_global_sum(ES_ALL_SLOTS, out);
}

static void es_all_reason(const void *ctx, unsigned int slot,
			  struct es_figures *out)
{
	es_global_sum(slot, out);
}

static void es_answer(const struct es_cpuid_call *c, struct es_regs *out)
{
	struct es_host host = es_host;
	struct es_stats_source src;
	const struct es_vcpu *v;
	unsigned long flags;

	host.scope = READ_ONCE(es_host.scope);
	if (host.scope == ES_SCOPE_GLOBAL) {
		src = (struct es_stats_source){ es_all_total, es_all_reason };
		spin_lock_irqsave(&es_lock, flags);
		es_cpuid_answer(c->leaf, c->subleaf, &host, &src, out);
		spin_unlock_irqrestore(&es_lock, flags);
		return;
	}
	rcu_read_lock();
	v = es_vcpu_find(c->vcpu);
	src = (struct es_stats_source){ es_vm_total, es_vm_reason,
					v ? v->vm : NULL };
	es_cpuid_answer(c->leaf, c->subleaf, &host, &src, out);
	rcu_read_unlock();
}

static int es_cpuid_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct es_cpuid_call *c = (struct es_cpuid_call *)ri->data;

	c->vcpu = (const struct kvm_vcpu *)regs_get_kernel_argument(regs, 0);
	c->eax = (u32 *)regs_get_kernel_argument(regs, 1);
	c->ebx = (u32 *)regs_get_kernel_argument(regs, 2);
	c->ecx = (u32 *)regs_get_kernel_argument(regs, 3);
	c->edx = (u32 *)regs_get_kernel_argument(regs, 4);
	c->leaf = *c->eax;
	c->subleaf = *c->ecx;
	/* Non-zero: no return handler for leaves that are not ours. */
	return !es_leaf_is_ours(c->leaf);
}

static int es_cpuid_return(struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	const struct es_cpuid_call *c = (const struct es_cpuid_call *)ri->data;
	struct es_regs out;

	es_answer(c, &out);
	*c->eax = out.eax;
	*c->ebx = out.ebx;
	*c->ecx = out.ecx;
	*c->edx = out.edx;
	return 0;
}

static struct kretprobe es_cpuid_probe = {
	.kp.symbol_name = "kvm_cpuid",
	.entry_handler = es_cpuid_entry,
	.handler = es_cpuid_return,
	.data_size = sizeof(struct es_cpuid_call),
};

unsigned long es_cpuid_missed(void)
{
	return es_cpuid_probe.nmissed + es_cpuid_probe.kp.nmissed;
}

int es_cpuid_init(void)
{
	/* kvm_cpuid() does not sleep, but vCPU threads can be preempted. */
	es_cpuid_probe.maxactive = max_t(int, 64, 4 * num_possible_cpus());
	return register_kretprobe(&es_cpuid_probe);
}

void es_cpuid_exit(void)
{
	unregister_kretprobe(&es_cpuid_probe);
}
