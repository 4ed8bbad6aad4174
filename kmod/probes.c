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
#include <linux/percpu.h>
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

static unsigned int es_slot_slow(u32 code)
{
	unsigned int slot = es_reason_slot(es_table, code);

	return slot == ES_NO_SLOT ? es_table->nr_slots : slot;
}

/*
 * Exit code to slot without walking the table's ranges: a table for the
 * codes below ES_FAST_CODES (all of VMX's, SVM's up to 0x407), filled by
 * es_probes_init().
 */
#define ES_FAST_CODES 0x410
static u16 es_fast_slot[ES_FAST_CODES];

static unsigned int es_slot_of(u32 code)
{
	if (likely(code < ES_FAST_CODES))
		return es_fast_slot[code];
	return es_slot_slow(code);
}

/*
 * The vCPU this CPU's probes found last.  A kvm_exit and the kvm_entry
 * after it, and the next kvm_exit, nearly always come from the same vCPU
 * on the same CPU, so the hash is only searched after a migration or when
 * another vCPU ran here.  es_probes_forget() clears the entries of a vCPU
 * whose VM is retired.
 */
struct es_last {
	const struct kvm_vcpu *key;
	struct es_vcpu *v;
};

static DEFINE_PER_CPU(struct es_last, es_last);

/*
 * Probes run between the tracepoint's preempt_disable_notrace() and
 * preempt_enable_notrace(), which is an RCU read-side critical section
 * (RCU flavours are one since 4.20): no rcu_read_lock() needed, and
 * hlist_for_each_entry_rcu()'s lockdep check accepts it.
 */
static struct es_vcpu *es_vcpu_get(const struct kvm_vcpu *vcpu)
{
	struct es_vcpu *v;

	if (likely(this_cpu_read(es_last.key) == vcpu)) {
		v = this_cpu_read(es_last.v);
		if (likely(v))
			return v;
	}
	v = es_vcpu_find(vcpu);
	if (v) {
		this_cpu_write(es_last.key, vcpu);
		this_cpu_write(es_last.v, v);
	}
	return v;
}

/*
 * Called with es_lock held when @v's VM is retired.  No probe of that VM
 * runs any more (its vCPUs are gone), and other probes only ever write
 * their own vCPU, so once this returns no CPU holds @v.
 */
void es_probes_forget(const struct es_vcpu *v)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct es_last *l = per_cpu_ptr(&es_last, cpu);

		if (READ_ONCE(l->v) == v) {
			WRITE_ONCE(l->key, NULL);
			WRITE_ONCE(l->v, NULL);
		}
	}
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

	v = es_vcpu_get(vcpu);
	if (unlikely(!v))
		v = es_vcpu_attach(vcpu);
	if (likely(v)) {
		es_vcpu_sync_reset(v);
		es_record_exit(&v->s, slot, now);
	}
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
	struct es_vcpu *v = es_vcpu_get(vcpu);

	if (v && es_vcpu_current(v))
		es_record_entry(&v->s, now);
}

int es_probes_init(void)
{
	unsigned int code;
	int ret;

	for (code = 0; code < ES_FAST_CODES; code++)
		es_fast_slot[code] = es_slot_slow(code);
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
