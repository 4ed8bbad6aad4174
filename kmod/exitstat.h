/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitstat.ko internals shared between its files.
 *
 * Every VM exit is counted in the struct es_vcpu of the vCPU that exited.
 * Only that vCPU's thread writes it (KVM runs a vCPU on one thread at a
 * time), so the hot path takes no lock and touches no shared cache line;
 * readers sum over vCPUs.  es_vcpu and es_vm are found under RCU and freed
 * after a grace period when KVM destroys the VM.
 */
#ifndef EXITSTAT_KMOD_H
#define EXITSTAT_KMOD_H

#include <linux/kvm_host.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "core/cpuid_abi.h"
#include "core/record.h"

struct es_vm;

struct es_vcpu {
	struct hlist_node hnode;	/* es_vcpu_hash, keyed by @key */
	struct list_head vm_node;	/* es_vm.vcpus */
	const struct kvm_vcpu *key;	/* never dereferenced */
	struct es_vm *vm;
	int vcpu_id;
	int vcpu_idx;
	pid_t tid;

	/* Written by the vCPU's thread only. */
	unsigned int reset_gen;
	struct es_vcpu_stats s;		/* last: ends in es_nr_slots reasons */
};

struct es_vm {
	struct list_head node;		/* es_vms */
	struct llist_node dead_node;	/* es_dead_vms, once dead */
	bool dead;			/* KVM is destroying it */
	struct list_head vcpus;
	const struct kvm *key;		/* never dereferenced */
	u64 id;				/* 1, 2, ... in order of discovery */
	pid_t pid;			/* process that runs the VM */
	char stats_id[KVM_STATS_NAME_SIZE];
	struct rcu_head rcu;
};

/* registry.c: what exists, and the figures. */
extern const struct es_isa_table *es_table;
extern struct es_host es_host;
extern unsigned int es_nr_slots;	/* table slots + 1 for unknown codes */
extern struct list_head es_vms;
extern spinlock_t es_lock;
extern unsigned int es_reset_gen;

int es_registry_init(void);
void es_registry_exit(void);
struct es_vcpu *es_vcpu_find(const struct kvm_vcpu *vcpu);
struct es_vcpu *es_vcpu_attach(struct kvm_vcpu *vcpu);
void es_vm_retire(const struct kvm *kvm);
void es_reset(void);
u64 es_unattributed(void);
void es_live_objects(long *vms, long *vcpus);
void es_vm_sum(const struct es_vm *vm, unsigned int slot, struct es_figures *s);
void es_global_sum(unsigned int slot, struct es_figures *s);
void es_reason_merge(struct es_reason_stats *to,
		     const struct es_reason_stats *from);
const struct es_reason_stats *es_retired_reason(unsigned int slot);

/* False while a reset is pending for @v: it then counts as zero. */
static inline bool es_vcpu_current(const struct es_vcpu *v)
{
	/* Pairs with the release in es_vcpu_sync_reset(). */
	return smp_load_acquire(&v->reset_gen) == READ_ONCE(es_reset_gen);
}

/* Sum over all slots, for es_vm_sum()/es_global_sum(). */
#define ES_ALL_SLOTS (~0u)

/* probes.c: kvm_exit and kvm_entry. */
int es_probes_init(void);
void es_probes_exit(void);
void es_probes_forget(const struct es_vcpu *v);

/* cpuid.c: the guest's leaves. */
int es_cpuid_init(void);
void es_cpuid_exit(void);
unsigned long es_cpuid_missed(void);

/* vmlife.c: VM destruction. */
int es_vmlife_init(void);
void es_vmlife_exit(void);

/* hostif.c: /proc/exitstat. */
int es_hostif_init(void);
void es_hostif_exit(void);

/* logsum.c: periodic kernel-log summary. */
int es_logsum_init(void);
void es_logsum_exit(void);

#endif /* EXITSTAT_KMOD_H */
