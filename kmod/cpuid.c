// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's CPUID leaves 0x4ffffffc-0x4fffffff.
 *
 * kvm_emulate_cpuid() (and KVM's instruction emulator) calls the exported
 * kvm_cpuid(vcpu, &eax, &ebx, &ecx, &edx, exact_only) out of line and then
 * writes the four values into the guest's registers.  A kprobe on its entry
 * looks at the leaf in *eax: for any other leaf it returns at once and
 * kvm_cpuid() runs; for ours it points the return of the probe at
 * es_kvm_cpuid(), which takes the call in kvm_cpuid()'s place (same
 * arguments, same return address: the documented way for a kprobe to
 * change the execution path) and answers with the core contract function.
 * es_kvm_cpuid() then runs in the caller's own context, never in the
 * probe's (an NMI-like int3 where kprobes do not go through ftrace).
 * KVM's kvm_cpuid trace event does not see our leaves.
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

/* es_stats_source over everything: no lock (see registry.c). */
static void es_all_total(const void *ctx, struct es_figures *out)
{
	es_global_sum(ES_ALL_SLOTS, out);
}

static void es_all_reason(const void *ctx, unsigned int slot,
			  struct es_figures *out)
{
	es_global_sum(slot, out);
}

static void es_answer(const struct kvm_vcpu *vcpu, u32 leaf, u32 subleaf,
		      struct es_regs *out)
{
	struct es_host host = es_host;
	struct es_stats_source src;
	const struct es_vcpu *v;

	host.scope = READ_ONCE(es_host.scope);
	if (host.scope == ES_SCOPE_GLOBAL) {
		src = (struct es_stats_source){ es_all_total, es_all_reason };
		es_cpuid_answer(leaf, subleaf, &host, &src, out);
		return;
	}
	rcu_read_lock();
	v = es_vcpu_find(vcpu);
	src = (struct es_stats_source){ es_vm_total, es_vm_reason,
					v ? v->vm : NULL };
	es_cpuid_answer(leaf, subleaf, &host, &src, out);
	rcu_read_unlock();
}

/* kvm_cpuid() for our leaves: same prototype, called in its place. */
static bool es_kvm_cpuid(struct kvm_vcpu *vcpu, u32 *eax, u32 *ebx,
			 u32 *ecx, u32 *edx, bool exact_only)
{
	struct es_regs out;

	es_answer(vcpu, *eax, *ecx, &out);
	*eax = out.eax;
	*ebx = out.ebx;
	*ecx = out.ecx;
	*edx = out.edx;
	return true;
}

static int es_cpuid_pre(struct kprobe *p, struct pt_regs *regs)
{
	const u32 *eax = (const u32 *)regs_get_kernel_argument(regs, 1);

	if (likely(!es_leaf_is_ours(*eax)))
		return 0;
	instruction_pointer_set(regs, (unsigned long)es_kvm_cpuid);
	return 1;	/* the execution path changed: no single-step */
}

static struct kprobe es_cpuid_probe = {
	.symbol_name = "kvm_cpuid",
	.pre_handler = es_cpuid_pre,
};

unsigned long es_cpuid_missed(void)
{
	return es_cpuid_probe.nmissed;
}

int es_cpuid_init(void)
{
	return register_kprobe(&es_cpuid_probe);
}

void es_cpuid_exit(void)
{
	unregister_kprobe(&es_cpuid_probe);
}
