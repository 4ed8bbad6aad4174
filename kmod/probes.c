// SPDX-License-Identifier: GPL-2.0
/*
 * The hot path: probes on KVM's kvm_exit and kvm_entry tracepoints.
 *
 * kvm_exit counts the exit and notes its TSC; the next kvm_entry of the
 * same vCPU adds the cycles in between to the exit's reason.  Both run
 * with interrupts disabled, on the vCPU's own thread.
 *
 * The exit reason is read the way KVM's get_exit_info() reads it, since
 * kvm_x86_ops is not exported: on VMX with VMREAD of the current VMCS
 * (loaded on this CPU while the tracepoint runs), on SVM from the VMCB that
 * struct vcpu_svm points to right after its struct kvm_vcpu.  That layout
 * has held since Linux 5.12; arch/x86/kvm/svm/svm.h is not exported, so
 * it is mirrored here and checked by the tests on every kernel we test.
 */
#include <linux/tracepoint.h>
#include <asm/msr.h>
#include <asm/svm.h>
#include <asm/vmx.h>

#include "exitstat.h"

DECLARE_TRACEPOINT(kvm_exit);
DECLARE_TRACEPOINT(kvm_entry);

/* The first members of arch/x86/kvm/svm/svm.h's struct vcpu_svm. */
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

/* The vCPU's own thread zeroes its figures after a reset. */
static void es_vcpu_sync_reset(struct es_vcpu *v)
{
	unsigned int gen = READ_ONCE(es_reset_gen);

	if (likely(v->reset_gen == gen))
		return;
	memset(&v->s, 0, struct_size(&v->s, reasons, es_nr_slots));
	/* Readers that see the new generation see the zeroes before it. */
	smp_store_release(&v->reset_gen, gen);
}

static void es_probe_exit(void *data, struct kvm_vcpu *vcpu, u32 isa)
{
	u64 now = rdtsc();
	struct es_vcpu *v;
	unsigned int slot;

	if (unlikely(isa != es_table->isa))
		return;
	slot = es_slot_of(es_exit_code(vcpu, isa));

	rcu_read_lock();
	v = es_vcpu_find(vcpu);
	if (unlikely(!v))
		v = es_vcpu_attach(vcpu);
	if (likely(v)) {
		es_vcpu_sync_reset(v);
		es_record_exit(&v->s, slot, now);
	}
	rcu_read_unlock();
}

/*
 * force_immediate_exit is not used; it is declared because the tracepoint
 * passes it on the kernels we support (6.1.y since the stable backport,
 * 6.12), and a probe's prototype must match the tracepoint's.
 */
static void es_probe_entry(void *data, struct kvm_vcpu *vcpu,
			   bool force_immediate_exit)
{
	u64 now = rdtsc();
	struct es_vcpu *v;

	rcu_read_lock();
	v = es_vcpu_find(vcpu);
	if (v && es_vcpu_current(v))
		es_record_entry(&v->s, now);
	rcu_read_unlock();
}

int es_probes_init(void)
{
	int ret;

	ret = tracepoint_probe_register(&__tracepoint_kvm_entry,
					es_probe_entry, NULL);
	if (ret)
		return ret;
	ret = tracepoint_probe_register(&__tracepoint_kvm_exit, es_probe_exit,
					NULL);
	if (ret)
		goto err_entry;
	return 0;

err_entry:
	tracepoint_probe_unregister(&__tracepoint_kvm_entry, es_probe_entry,
				    NULL);
	tracepoint_synchronize_unregister();
	return ret;
}

void es_probes_exit(void)
{
	tracepoint_probe_unregister(&__tracepoint_kvm_exit, es_probe_exit,
				    NULL);
	tracepoint_probe_unregister(&__tracepoint_kvm_entry, es_probe_entry,
				    NULL);
	tracepoint_synchronize_unregister();
}
