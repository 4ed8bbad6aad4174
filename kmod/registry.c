// SPDX-License-Identifier: GPL-2.0
/*
 * The VMs and vCPUs seen so far, their figures, and the figures of VMs that
 * are gone.
 *
 * A vCPU is attached on its first exit.  Its buffer comes from a small pool
 * that a work item refills in process context, so no exit allocates; only
 * when a burst of new vCPUs empties the pool does the first exit of one
 * fall back to an atomic allocation, and if that fails too its exits are
 * counted as unattributed (global totals stay right, the loss is visible).
 *
 * Writers (attach, retire, reset) hold es_lock; readers use RCU, and
 * readers of global figures also es_seq, so that a VM being folded into the
 * retired totals is never counted twice or not at all.  The probes that
 * read global figures (kvm_cpuid) or retire a VM (kvm_arch_destroy_vm) take
 * no lock: where kprobes fire from int3 (no KPROBES_ON_FTRACE) they run in
 * NMI context.  A dying VM is marked dead there and retired by an irq_work,
 * which runs as soon as the CPU takes interrupts again: before KVM frees the
 * VM, so a new VM at the same address never meets the old figures.
 */
#include <linux/hashtable.h>
#include <linux/irq_work.h>
#include <linux/llist.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/version.h>
#include <linux/workqueue.h>
#include <asm/cpufeature.h>

#include "exitstat.h"

#define ES_POOL_SIZE 4

const struct es_isa_table *es_table;
struct es_host es_host;
unsigned int es_nr_slots;
LIST_HEAD(es_vms);
DEFINE_SPINLOCK(es_lock);
static seqcount_spinlock_t es_seq = SEQCNT_SPINLOCK_ZERO(es_seq, &es_lock);

static DEFINE_HASHTABLE(es_vcpu_hash, 10);
static u64 es_last_vm_id;
unsigned int es_reset_gen;

static struct es_reason_stats *es_retired;	/* [es_nr_slots] */
static struct es_figures es_retired_total;

/* es_vm and attached es_vcpu structures not freed yet (not the pool). */
static atomic_long_t es_live_vms, es_live_vcpus;

static DEFINE_PER_CPU(u64, es_unattributed_exits);
static u64 es_unattributed_base;

static LLIST_HEAD(es_dead_vms);
static void es_retire_dead(struct irq_work *work);
static DEFINE_IRQ_WORK(es_retire_work, es_retire_dead);

static struct es_vcpu *es_pool[ES_POOL_SIZE];
static unsigned int es_pool_nr;
static void es_pool_refill(struct work_struct *work);
static DECLARE_WORK(es_pool_work, es_pool_refill);

static size_t es_vcpu_size(void)
{
	return struct_size((struct es_vcpu *)NULL, s.reasons, es_nr_slots);
}

static void es_pool_refill(struct work_struct *work)
{
	struct es_vcpu *v;
	unsigned long flags;
	bool full = false;

	while (!full) {
		v = kvzalloc(es_vcpu_size(), GFP_KERNEL);
		if (!v)
			return;
		spin_lock_irqsave(&es_lock, flags);
		full = es_pool_nr == ES_POOL_SIZE;
		if (!full)
			es_pool[es_pool_nr++] = v;
		spin_unlock_irqrestore(&es_lock, flags);
	}
	kvfree(v);
}

/* Called with es_lock held. */
static struct es_vcpu *es_vcpu_alloc(void)
{
	struct es_vcpu *v = NULL;

	if (es_pool_nr)
		v = es_pool[--es_pool_nr];
	schedule_work(&es_pool_work);
	if (!v)
		v = kzalloc(es_vcpu_size(), GFP_ATOMIC | __GFP_NOWARN);
	return v;
}

/* The live VM of @kvm: under rcu_read_lock() or es_lock. */
static struct es_vm *es_vm_find(const struct kvm *kvm)
{
	struct es_vm *vm;

	list_for_each_entry_rcu(vm, &es_vms, node, lockdep_is_held(&es_lock))
		if (vm->key == kvm && !READ_ONCE(vm->dead))
			return vm;
	return NULL;
}

/* Called with es_lock held, from the VM's own vCPU thread. */
static struct es_vm *es_vm_get(struct kvm *kvm)
{
	struct es_vm *vm = es_vm_find(kvm);

	if (vm)
		return vm;
	vm = kzalloc(sizeof(*vm), GFP_ATOMIC | __GFP_NOWARN);
	if (!vm)
		return NULL;
	INIT_LIST_HEAD(&vm->vcpus);
	vm->key = kvm;
	vm->id = ++es_last_vm_id;
	vm->pid = task_tgid_nr(current);
	strscpy(vm->stats_id, kvm->stats_id, sizeof(vm->stats_id));
	list_add_tail_rcu(&vm->node, &es_vms);
	atomic_long_inc(&es_live_vms);
	return vm;
}

struct es_vcpu *es_vcpu_find(const struct kvm_vcpu *vcpu)
{
	struct es_vcpu *v;

	hash_for_each_possible_rcu(es_vcpu_hash, v, hnode, (unsigned long)vcpu)
		if (v->key == vcpu && !READ_ONCE(v->vm->dead))
			return v;
	return NULL;
}

struct es_vcpu *es_vcpu_attach(struct kvm_vcpu *vcpu)
{
	struct es_vcpu *v;
	struct es_vm *vm;
	unsigned long flags;

	spin_lock_irqsave(&es_lock, flags);
	v = es_vcpu_find(vcpu);
	if (v)
		goto out;
	vm = es_vm_get(vcpu->kvm);
	if (!vm)
		goto out;
	v = es_vcpu_alloc();
	if (!v)
		goto out;
	v->key = vcpu;
	v->vm = vm;
	v->vcpu_id = vcpu->vcpu_id;
	v->vcpu_idx = vcpu->vcpu_idx;
	v->tid = task_pid_nr(current);
	v->reset_gen = es_reset_gen;
	list_add_tail_rcu(&v->vm_node, &vm->vcpus);
	hash_add_rcu(es_vcpu_hash, &v->hnode, (unsigned long)vcpu);
	atomic_long_inc(&es_live_vcpus);
out:
	if (!v)
		this_cpu_inc(es_unattributed_exits);
	spin_unlock_irqrestore(&es_lock, flags);
	return v;
}

void es_reason_merge(struct es_reason_stats *to,
		     const struct es_reason_stats *from)
{
	u64 exits = READ_ONCE(from->exits);
	u64 timed = 0;
	int b;

	for (b = 0; b < ES_HIST_BUCKETS; b++) {
		u64 n = READ_ONCE(from->hist[b]);

		to->hist[b] += n;
		timed += n;
	}
	to->exits += exits;
	to->cycles += READ_ONCE(from->cycles);
	if (!timed)
		return;
	if (!to->min || READ_ONCE(from->min) < to->min)
		to->min = READ_ONCE(from->min);
	to->max = max(to->max, READ_ONCE(from->max));
}

static void es_sum_add(struct es_figures *s, u64 exits, u64 cycles)
{
	s->exits += exits;
	s->cycles += cycles;
}

/* Caller holds rcu_read_lock() or es_lock. */
void es_vm_sum(const struct es_vm *vm, unsigned int slot, struct es_figures *s)
{
	const struct es_vcpu *v;

	list_for_each_entry_rcu(v, &vm->vcpus, vm_node,
				lockdep_is_held(&es_lock)) {
		if (!es_vcpu_current(v))
			continue;
		if (slot == ES_ALL_SLOTS)
			es_sum_add(s, READ_ONCE(v->s.exits),
				   READ_ONCE(v->s.cycles));
		else
			es_sum_add(s, READ_ONCE(v->s.reasons[slot].exits),
				   READ_ONCE(v->s.reasons[slot].cycles));
	}
}

u64 es_unattributed(void)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(es_unattributed_exits, cpu);
	return n - READ_ONCE(es_unattributed_base);
}

static void es_global_sum_once(unsigned int slot, struct es_figures *s)
{
	const struct es_vm *vm;

	if (slot == ES_ALL_SLOTS) {
		*s = es_retired_total;
		s->exits += es_unattributed();
	} else {
		*s = (struct es_figures){ es_retired[slot].exits,
					  es_retired[slot].cycles };
	}
	list_for_each_entry_rcu(vm, &es_vms, node, lockdep_is_held(&es_lock))
		es_vm_sum(vm, slot, s);
}

/* Takes no lock: safe from any context, es_lock held or not. */
void es_global_sum(unsigned int slot, struct es_figures *s)
{
	unsigned int seq;

	rcu_read_lock();
	do {
		seq = raw_read_seqcount_begin(&es_seq);
		es_global_sum_once(slot, s);
	} while (read_seqcount_retry(&es_seq, seq));
	rcu_read_unlock();
}

/* Caller holds es_lock. */
const struct es_reason_stats *es_retired_reason(unsigned int slot)
{
	return &es_retired[slot];
}

static void es_vm_free(struct es_vm *vm)
{
	struct es_vcpu *v, *tmp;

	list_for_each_entry_safe(v, tmp, &vm->vcpus, vm_node) {
		kvfree(v);
		atomic_long_dec(&es_live_vcpus);
	}
	kfree(vm);
	atomic_long_dec(&es_live_vms);
}

void es_live_objects(long *vms, long *vcpus)
{
	*vms = atomic_long_read(&es_live_vms);
	*vcpus = atomic_long_read(&es_live_vcpus);
}

static void es_vm_free_rcu(struct rcu_head *rcu)
{
	es_vm_free(container_of(rcu, struct es_vm, rcu));
}

/* Unlinks a dead VM's vCPU and folds its figures in: es_seq write side. */
static void es_vcpu_retire(struct es_vcpu *v)
{
	unsigned int slot;

	hash_del_rcu(&v->hnode);
	es_probes_forget(v);
	if (!es_vcpu_current(v))
		return;
	es_sum_add(&es_retired_total, v->s.exits, v->s.cycles);
	for (slot = 0; slot < es_nr_slots; slot++)
		es_reason_merge(&es_retired[slot], &v->s.reasons[slot]);
}

/* Folds the dead VMs into the retired totals; in hardirq context. */
static void es_retire_dead(struct irq_work *work)
{
	struct llist_node *dead = llist_del_all(&es_dead_vms);
	struct es_vm *vm, *tmp;
	struct es_vcpu *v;

	spin_lock(&es_lock);
	write_seqcount_begin(&es_seq);
	llist_for_each_entry(vm, dead, dead_node) {
		list_del_rcu(&vm->node);
		list_for_each_entry(v, &vm->vcpus, vm_node)
			es_vcpu_retire(v);
	}
	write_seqcount_end(&es_seq);
	spin_unlock(&es_lock);
	llist_for_each_entry_safe(vm, tmp, dead, dead_node)
		call_rcu(&vm->rcu, es_vm_free_rcu);
}

/* KVM is destroying @kvm: takes no lock, may run in NMI context. */
void es_vm_retire(const struct kvm *kvm)
{
	struct es_vm *vm;

	rcu_read_lock();
	vm = es_vm_find(kvm);
	if (vm) {
		WRITE_ONCE(vm->dead, true);
		llist_add(&vm->dead_node, &es_dead_vms);
		irq_work_queue(&es_retire_work);
	}
	rcu_read_unlock();
}

void es_reset(void)
{
	unsigned long flags;
	int cpu;

	spin_lock_irqsave(&es_lock, flags);
	write_seqcount_begin(&es_seq);
	WRITE_ONCE(es_reset_gen, es_reset_gen + 1);
	memset(es_retired, 0, es_nr_slots * sizeof(*es_retired));
	memset(&es_retired_total, 0, sizeof(es_retired_total));
	es_unattributed_base = 0;
	for_each_possible_cpu(cpu)
		es_unattributed_base += per_cpu(es_unattributed_exits, cpu);
	write_seqcount_end(&es_seq);
	spin_unlock_irqrestore(&es_lock, flags);
}

static int es_host_init(void)
{
	if (boot_cpu_has(X86_FEATURE_SVM))
		es_table = &es_svm_table;
	else if (boot_cpu_has(X86_FEATURE_VMX))
		es_table = &es_vmx_table;
	else
		return -ENODEV;
	es_host.table = es_table;
	es_host.kernel = es_kernel_series(LINUX_VERSION_MAJOR,
					  LINUX_VERSION_PATCHLEVEL);
	es_nr_slots = es_table->nr_slots + 1;
	return 0;
}

int es_registry_init(void)
{
	int ret = es_host_init();

	if (ret)
		return ret;
	es_retired = kvcalloc(es_nr_slots, sizeof(*es_retired), GFP_KERNEL);
	if (!es_retired)
		return -ENOMEM;
	es_pool_refill(NULL);
	return 0;
}

/* Called once nothing can attach, retire or read any more. */
void es_registry_exit(void)
{
	struct es_vm *vm, *tmp;

	cancel_work_sync(&es_pool_work);
	irq_work_sync(&es_retire_work);
	rcu_barrier();
	list_for_each_entry_safe(vm, tmp, &es_vms, node) {
		list_del(&vm->node);
		es_vm_free(vm);
	}
	while (es_pool_nr)
		kvfree(es_pool[--es_pool_nr]);
	kvfree(es_retired);
}
