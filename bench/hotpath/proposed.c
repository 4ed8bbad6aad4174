// SPDX-License-Identifier: GPL-2.0
/*
 * A proposed hot path for kmod/probes.c, measured next to the real one.
 * It records with core/record.h unchanged and finds vCPUs in the module's
 * own registry (kmod/registry.c); what differs, each measured in
 * bench/results.md:
 *
 * 1. No rcu_read_lock()/rcu_read_unlock().  A tracepoint calls its probes
 *    between preempt_disable_notrace() and preempt_enable_notrace(), and
 *    since the RCU flavours were consolidated (4.20) a preemption-disabled
 *    region is a read-side critical section for call_rcu() and
 *    synchronize_rcu(); hlist_for_each_entry_rcu()'s lockdep check accepts
 *    it (rcu_read_lock_any_held()).  With CONFIG_PREEMPT_RCU (Debian) each
 *    pair is two out-of-line calls per probe.
 * 2. A per-CPU one-entry cache {vcpu, es_vcpu} in front of es_vcpu_find():
 *    the kvm_entry that follows a kvm_exit, and the next kvm_exit, nearly
 *    always come from the same vCPU on the same CPU.  In the module,
 *    es_vm_retire() must clear the entries of the VM's vCPUs (under
 *    es_lock, before call_rcu()); no probe of that VM can run then (its
 *    vCPUs are gone), and other VMs' probes only write their own entries.
 *    A miss (migration, another vCPU on this CPU) falls back to the hash.
 * 3. Exit code to slot through a table built at load time for codes below
 *    PR_FAST_CODES (all of VMX, SVM up to 0x407: NPF, AVIC...), instead of
 *    the out-of-line range walk of es_reason_slot() for every exit.
 */
#include <linux/tracepoint.h>
#include <asm/msr.h>
#include <asm/svm.h>
#include <asm/vmx.h>

#include "exitstat.h"
#include "proposed.h"

DECLARE_TRACEPOINT(kvm_exit);
DECLARE_TRACEPOINT(kvm_entry);

#define PR_FAST_CODES 0x410

struct pr_last {
	const struct kvm_vcpu *key;
	struct es_vcpu *v;
};

/* DEFINE_PER_CPU(struct pr_last, pr_last): %gs-relative in the kernel. */
static __thread struct pr_last pr_last;
static u16 pr_fast_slot[PR_FAST_CODES];

/* As in kmod/probes.c. */
struct es_vcpu_svm_head {
	struct kvm_vcpu vcpu;
	struct vmcb *vmcb;
};

static u32 es_vmx_basic_exit_reason(void)
{
	unsigned long value;

	asm volatile("vmread %[field], %[value]"
		     : [value] "=r"(value)
		     : [field] "r"((unsigned long)VM_EXIT_REASON)
		     : "cc");
	return value & 0xffff;
}

static u32 es_exit_code(struct kvm_vcpu *vcpu, u32 isa)
{
	const struct es_vcpu_svm_head *svm;

	if (isa == ES_ISA_VMX)
		return es_vmx_basic_exit_reason();
	svm = container_of(vcpu, struct es_vcpu_svm_head, vcpu);
	return READ_ONCE(svm->vmcb)->control.exit_code;
}

static unsigned int es_slot_of(u32 code)
{
	unsigned int slot = es_reason_slot(es_table, code);

	return slot == ES_NO_SLOT ? es_table->nr_slots : slot;
}

static void es_vcpu_sync_reset(struct es_vcpu *v)
{
	unsigned int gen = READ_ONCE(es_reset_gen);

	if (likely(v->reset_gen == gen))
		return;
	memset(&v->s, 0, struct_size(&v->s, reasons, es_nr_slots));
	/* Readers that see the new generation see the zeroes before it. */
	smp_store_release(&v->reset_gen, gen);
}

/* The rest is new. */
static __always_inline unsigned int pr_slot_of(u32 code)
{
	if (likely(code < PR_FAST_CODES))
		return pr_fast_slot[code];
	return es_slot_of(code);
}

static __always_inline struct es_vcpu *pr_vcpu_cached(struct kvm_vcpu *vcpu)
{
	struct es_vcpu *v;

	if (likely(pr_last.key == vcpu)) {
		v = pr_last.v;
		if (likely(v))
			return v;
	}
	v = es_vcpu_find(vcpu);
	if (v) {
		pr_last.key = vcpu;
		pr_last.v = v;
	}
	return v;
}

static void pr_probe_exit(void *data, struct kvm_vcpu *vcpu, u32 isa)
{
	u64 now = rdtsc();
	struct es_vcpu *v;
	unsigned int slot;

	if (unlikely(isa != es_table->isa))
		return;
	slot = pr_slot_of(es_exit_code(vcpu, isa));
	v = pr_vcpu_cached(vcpu);
	if (unlikely(!v))
		v = es_vcpu_attach(vcpu);
	if (likely(v)) {
		es_vcpu_sync_reset(v);
		es_record_exit(&v->s, slot, now);
	}
}

static void pr_probe_entry(void *data, struct kvm_vcpu *vcpu,
			   bool force_immediate_exit)
{
	u64 now = rdtsc();
	struct es_vcpu *v = pr_vcpu_cached(vcpu);

	if (v && es_vcpu_current(v))
		es_record_entry(&v->s, now);
}

int pr_probes_init(void)
{
	unsigned int code;
	int ret;

	for (code = 0; code < PR_FAST_CODES; code++)
		pr_fast_slot[code] = es_slot_of(code);
	ret = tracepoint_probe_register(&__tracepoint_kvm_entry,
					pr_probe_entry, NULL);
	if (ret)
		return ret;
	ret = tracepoint_probe_register(&__tracepoint_kvm_exit, pr_probe_exit,
					NULL);
	if (ret)
		tracepoint_probe_unregister(&__tracepoint_kvm_entry,
					    pr_probe_entry, NULL);
	return ret;
}

void pr_probes_exit(void)
{
	tracepoint_probe_unregister(&__tracepoint_kvm_exit, pr_probe_exit,
				    NULL);
	tracepoint_probe_unregister(&__tracepoint_kvm_entry, pr_probe_entry,
				    NULL);
	tracepoint_synchronize_unregister();
}
