/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the benchmark driver (hotpath.c, ordinary userspace C) and the
 * code compiled like the module (kvm.c with kmod/probes.c, kmod/registry.c
 * and core/, built with the kernel's code generation flags and
 * the shim/ headers).  Plain C types only: both sides include it.
 */
#ifndef BENCH_HOTPATH_H
#define BENCH_HOTPATH_H

#include <stdint.h>

enum hp_variant {
	HP_NONE,	/* KVM with its tracepoints off: nothing recorded */
	HP_ATOMIC,	/* course solution: one atomic add on a global array */
	HP_ATOMIC_TSC,	/* course solution that also times: 2 atomic adds */
	HP_PERCPU,	/* per-CPU array of plain counters */
	HP_TP_EMPTY,	/* tracepoints on, probes that do nothing */
	HP_TP_TSC,	/* tracepoints on, probes that only time (2 rdtsc) */
	HP_EXITSTAT,	/* kmod/probes.c + kmod/registry.c as compiled */
	HP_NR_VARIANTS,
};

/* Codes the course-solution arrays cover (SVM 0x0-0x407). */
#define HP_COURSE_CODES 0x408

struct hp_vcpu;

/* es_registry_init() and friends; 0 or -errno. */
int hp_init(void);
/* Per thread: `current`, the per-CPU slot, preempt count as in KVM's run loop. */
void hp_thread_init(unsigned int cpu, int pid, int tgid);
/* Before a thread ends: folds its per-CPU counters into the totals. */
void hp_thread_exit(void);
/* vCPU @id of VM @vm (a fresh struct kvm per VM number). */
struct hp_vcpu *hp_vcpu_create(unsigned int vm, unsigned int id);

/* Registers the variant's probes (tracepoint variants); 0 or -errno. */
int hp_variant_start(enum hp_variant v);
void hp_variant_stop(enum hp_variant v);

/*
 * @n exits of @vcpu: for each, the "hardware" writes codes[i & mask] into
 * the VMCB, then KVM's kvm_exit and kvm_entry points run with @v's code.
 */
void hp_loop(enum hp_variant v, struct hp_vcpu *vcpu, const uint32_t *codes,
	     unsigned int mask, unsigned long n);

/* Runs the work items the registry queued (its pool refill), as a kworker would. */
void shim_run_work(void);

/* What exitstat counted, over all vCPUs: all codes, or one code. */
uint64_t hp_exitstat_exits(void);
uint64_t hp_exitstat_code_exits(uint32_t code);
uint64_t hp_exitstat_cycles(void);

/* Sum of the course-solution counters (to check they ran). */
uint64_t hp_course_exits(enum hp_variant v);

#endif /* BENCH_HOTPATH_H */
