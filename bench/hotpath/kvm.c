// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM side of an exit, as far as the recording code sees it, compiled
 * with the module's code generation flags and the shim/ headers:
 *
 * - struct vcpu_svm: struct kvm_vcpu, then the vmcb pointer, at the offset
 *   Debian's 6.1 has (0x1998: `mov 0x1998(%rsi),%rax` in es_probe_exit of
 *   exitstat.ko built against linux-headers-6.1.0-*-amd64).  The "hardware"
 *   writes the exit code into the VMCB before each kvm_exit.
 * - trace_kvm_exit()/trace_kvm_entry(): __DO_TRACE of 6.1's
 *   <linux/tracepoint.h> with one probe: preempt_disable_notrace(), load
 *   tp->funcs, call the probe with its data, preempt_enable_notrace().  The
 *   kernel calls the probe through a static call (a patched direct call);
 *   here it is an indirect call through the registered pointer.  With the
 *   tracepoint off the kernel executes a 5-byte NOP (static key), as here.
 * - The course solutions sit inline in KVM's exit handler, as their patches
 *   to svm.c/vmx.c do.
 */
#include <linux/kvm_host.h>
#include <linux/tracepoint.h>
#include <asm/msr.h>
#include <asm/svm.h>

#include "exitstat.h"
#include "hotpath.h"

/* arch/x86/kvm/svm/svm.h */
struct vcpu_svm {
	struct kvm_vcpu vcpu;
	struct vmcb *vmcb;
	/* Course solution with timing: the exit in progress. */
	u64 course_tsc;
	u32 course_code;
	/* tp-tsc variant: the sum of exit times. */
	u64 tsc_sum;
};

_Static_assert(__builtin_offsetof(struct vcpu_svm, vmcb) == 0x1998,
	       "vmcb pointer where Debian 6.1's struct vcpu_svm has it");

struct hp_vcpu {
	struct vcpu_svm svm;
};

__thread struct task_struct *shim_current;
/* x86 __preempt_count: KVM's run loop holds one; PREEMPT_NEED_RESCHED clear. */
static __thread unsigned int shim_preempt_count;
static __thread struct task_struct shim_task;

struct tracepoint __tracepoint_kvm_exit = { .name = "kvm_exit" };
struct tracepoint __tracepoint_kvm_entry = { .name = "kvm_entry" };

typedef void (*kvm_exit_probe_t)(void *data, struct kvm_vcpu *vcpu, u32 isa);
typedef void (*kvm_entry_probe_t)(void *data, struct kvm_vcpu *vcpu,
				  bool force_immediate_exit);

int tracepoint_probe_register(struct tracepoint *tp, void *probe, void *data)
{
	if (tp->funcs)
		return -EEXIST;
	tp->func.func = probe;
	tp->func.data = data;
	/* rcu_assign_pointer(): the probe is visible before the pointer */
	smp_store_release(&tp->funcs, &tp->func);
	return 0;
}

int tracepoint_probe_unregister(struct tracepoint *tp, void *probe, void *data)
{
	WRITE_ONCE(tp->funcs, NULL);
	return 0;
}

void tracepoint_synchronize_unregister(void)
{
}

/* kernel/rcu/tree_plugin.h, CONFIG_PREEMPT_RCU: out of line. */
void __rcu_read_lock(void)
{
	WRITE_ONCE(current->rcu_read_lock_nesting,
		   READ_ONCE(current->rcu_read_lock_nesting) + 1);
	barrier();
}

void __rcu_read_unlock(void)
{
	struct task_struct *t = current;
	int nesting;

	barrier();
	nesting = READ_ONCE(t->rcu_read_lock_nesting) - 1;
	WRITE_ONCE(t->rcu_read_lock_nesting, nesting);
	if (nesting == 0) {
		barrier();
		if (unlikely(READ_ONCE(t->rcu_read_unlock_special.s)))
			shim_rcu_read_unlock_special(t);
	}
}

static __always_inline void preempt_disable_notrace(void)
{
	shim_preempt_count++;
	barrier();
}

static __always_inline void preempt_enable_notrace(void)
{
	barrier();
	if (unlikely(--shim_preempt_count == 0))
		shim_preempt_schedule();
}

/* The static key in its off state: a 5-byte NOP. */
static __always_inline void static_key_off(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x44, 0x00, 0x00");
}

static __always_inline void trace_kvm_exit(struct kvm_vcpu *vcpu, u32 isa)
{
	struct tracepoint_func *it;

	preempt_disable_notrace();
	it = rcu_dereference_raw(__tracepoint_kvm_exit.funcs);
	if (it)
		((kvm_exit_probe_t)it->func)(it->data, vcpu, isa);
	preempt_enable_notrace();
}

static __always_inline void trace_kvm_entry(struct kvm_vcpu *vcpu)
{
	struct tracepoint_func *it;

	preempt_disable_notrace();
	it = rcu_dereference_raw(__tracepoint_kvm_entry.funcs);
	if (it)
		((kvm_entry_probe_t)it->func)(it->data, vcpu, false);
	preempt_enable_notrace();
}

/* ---- course solutions ------------------------------------------------------- */
static u64 course_counts[HP_COURSE_CODES];
static u64 course_cycles[HP_COURSE_CODES];
static __thread u64 percpu_counts[HP_COURSE_CODES];
static u64 percpu_folded;

static __always_inline void atomic64_inc(u64 *v)
{
	__atomic_fetch_add(v, 1, __ATOMIC_RELAXED);
}

static __always_inline void atomic64_add(u64 n, u64 *v)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

static __always_inline u32 svm_exit_code(struct vcpu_svm *svm)
{
	return READ_ONCE(svm->vmcb)->control.exit_code;
}

static __always_inline void course_atomic(struct vcpu_svm *svm)
{
	u32 code = svm_exit_code(svm);

	if (code < HP_COURSE_CODES)
		atomic64_inc(&course_counts[code]);
}

static __always_inline void course_atomic_tsc_exit(struct vcpu_svm *svm)
{
	u32 code = svm_exit_code(svm);

	svm->course_tsc = rdtsc();
	svm->course_code = code;
	if (code < HP_COURSE_CODES)
		atomic64_inc(&course_counts[code]);
}

static __always_inline void course_atomic_tsc_entry(struct vcpu_svm *svm)
{
	u32 code = svm->course_code;

	if (code < HP_COURSE_CODES)
		atomic64_add(rdtsc() - svm->course_tsc, &course_cycles[code]);
}

static __always_inline void course_percpu(struct vcpu_svm *svm)
{
	u32 code = svm_exit_code(svm);

	if (code < HP_COURSE_CODES)
		percpu_counts[code]++;	/* this_cpu_inc(): one %gs-relative add */
}

/* ---- the loops: one function per variant (callgrind counts them) ----------- */
#define HP_LOOP(name, on_exit, on_entry)                                     \
	static noinline void name(struct vcpu_svm *svm, const u32 *codes,   \
				  unsigned int mask, unsigned long n)       \
	{                                                                    \
		unsigned long i;                                             \
		/* barriers: keep each event where KVM has it */             \
		for (i = 0; i < n; i++) {                                    \
			WRITE_ONCE(READ_ONCE(svm->vmcb)->control.exit_code,  \
				   codes[i & mask]);                         \
			barrier();                                           \
			on_exit;                                             \
			barrier();                                           \
			on_entry;                                            \
			barrier();                                           \
		}                                                            \
	}

HP_LOOP(hp_loop_none, static_key_off(), static_key_off())
HP_LOOP(hp_loop_atomic, (static_key_off(), course_atomic(svm)),
	static_key_off())
HP_LOOP(hp_loop_atomic_tsc, (static_key_off(), course_atomic_tsc_exit(svm)),
	(course_atomic_tsc_entry(svm), static_key_off()))
HP_LOOP(hp_loop_percpu, (static_key_off(), course_percpu(svm)),
	static_key_off())
HP_LOOP(hp_loop_tracepoints, trace_kvm_exit(&svm->vcpu, 2),
	trace_kvm_entry(&svm->vcpu))

void hp_loop(enum hp_variant v, struct hp_vcpu *vcpu, const uint32_t *codes,
	     unsigned int mask, unsigned long n)
{
	struct vcpu_svm *svm = &vcpu->svm;

	switch (v) {
	case HP_NONE:
		hp_loop_none(svm, codes, mask, n);
		break;
	case HP_ATOMIC:
		hp_loop_atomic(svm, codes, mask, n);
		break;
	case HP_ATOMIC_TSC:
		hp_loop_atomic_tsc(svm, codes, mask, n);
		break;
	case HP_PERCPU:
		hp_loop_percpu(svm, codes, mask, n);
		break;
	case HP_TP_EMPTY:
	case HP_TP_TSC:
	case HP_EXITSTAT:
		hp_loop_tracepoints(svm, codes, mask, n);
		break;
	case HP_NR_VARIANTS:
		break;
	}
}

/* ---- set-up ------------------------------------------------------------------ */
static noinline void hp_empty_exit(void *data, struct kvm_vcpu *vcpu, u32 isa)
{
	barrier();
}

static noinline void hp_empty_entry(void *data, struct kvm_vcpu *vcpu,
				    bool force_immediate_exit)
{
	barrier();
}

/* The floor of any design that times exits: one rdtsc per event. */
static noinline void hp_tsc_exit(void *data, struct kvm_vcpu *vcpu, u32 isa)
{
	struct vcpu_svm *svm = container_of(vcpu, struct vcpu_svm, vcpu);

	svm->course_tsc = rdtsc();
}

static noinline void hp_tsc_entry(void *data, struct kvm_vcpu *vcpu,
				  bool force_immediate_exit)
{
	struct vcpu_svm *svm = container_of(vcpu, struct vcpu_svm, vcpu);

	svm->tsc_sum += rdtsc() - svm->course_tsc;
}

int hp_init(void)
{
	return es_registry_init();
}

void hp_thread_init(unsigned int cpu, int pid, int tgid)
{
	shim_task.pid = pid;
	shim_task.tgid = tgid;
	shim_current = &shim_task;
	shim_set_cpu(cpu);
	shim_preempt_count = 0x80000001u;
}

void hp_thread_exit(void)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < HP_COURSE_CODES; i++) {
		sum += percpu_counts[i];
		percpu_counts[i] = 0;
	}
	__atomic_fetch_add(&percpu_folded, sum, __ATOMIC_RELAXED);
}

#define HP_MAX_VMS 16
static struct kvm *hp_vms[HP_MAX_VMS];

struct hp_vcpu *hp_vcpu_create(unsigned int vm, unsigned int id)
{
	struct hp_vcpu *v;

	if (vm >= HP_MAX_VMS)
		return NULL;
	if (!hp_vms[vm]) {
		hp_vms[vm] = kzalloc(sizeof(struct kvm), GFP_KERNEL);
		if (!hp_vms[vm])
			return NULL;
		hp_vms[vm]->stats_id[0] = 'k';
	}
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return NULL;
	v->svm.vmcb = kzalloc(sizeof(struct vmcb), GFP_KERNEL);
	if (!v->svm.vmcb) {
		kfree(v);
		return NULL;
	}
	v->svm.vcpu.kvm = hp_vms[vm];
	v->svm.vcpu.vcpu_id = id;
	v->svm.vcpu.vcpu_idx = id;
	return v;
}

int hp_variant_start(enum hp_variant v)
{
	int ret;

	switch (v) {
	case HP_TP_EMPTY:
		ret = tracepoint_probe_register(&__tracepoint_kvm_entry,
						hp_empty_entry, NULL);
		if (!ret)
			ret = tracepoint_probe_register(&__tracepoint_kvm_exit,
							hp_empty_exit, NULL);
		return ret;
	case HP_TP_TSC:
		ret = tracepoint_probe_register(&__tracepoint_kvm_entry,
						hp_tsc_entry, NULL);
		if (!ret)
			ret = tracepoint_probe_register(&__tracepoint_kvm_exit,
							hp_tsc_exit, NULL);
		return ret;
	case HP_EXITSTAT:
		return es_probes_init();
	default:
		return 0;
	}
}

void hp_variant_stop(enum hp_variant v)
{
	switch (v) {
	case HP_TP_EMPTY:
	case HP_TP_TSC:
		tracepoint_probe_unregister(&__tracepoint_kvm_exit, NULL, NULL);
		tracepoint_probe_unregister(&__tracepoint_kvm_entry, NULL, NULL);
		break;
	case HP_EXITSTAT:
		es_probes_exit();
		break;
	default:
		break;
	}
}

uint64_t hp_exitstat_exits(void)
{
	struct es_figures f = { 0 };

	es_global_sum(ES_ALL_SLOTS, &f);
	return f.exits;
}

uint64_t hp_exitstat_cycles(void)
{
	struct es_figures f = { 0 };

	es_global_sum(ES_ALL_SLOTS, &f);
	return f.cycles;
}

uint64_t hp_exitstat_code_exits(uint32_t code)
{
	struct es_figures f = { 0 };
	unsigned int slot = es_reason_slot(es_table, code);

	if (slot == ES_NO_SLOT)
		slot = es_table->nr_slots;
	es_global_sum(slot, &f);
	return f.exits;
}

uint64_t hp_course_exits(enum hp_variant v)
{
	u64 sum = 0;
	unsigned int i;

	if (v == HP_PERCPU)
		return READ_ONCE(percpu_folded);
	for (i = 0; i < HP_COURSE_CODES; i++)
		sum += READ_ONCE(course_counts[i]);
	return sum;
}
