// SPDX-License-Identifier: GPL-2.0
/*
 * The cold half of the kernel stand-ins (shim/kernel.h), in ordinary
 * userspace C: per-CPU areas, allocation, spinlocks, work items, RCU
 * callbacks.  None of it runs inside the timed loops.
 */
#include <asm/prctl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim/kernel.h"

#define SHIM_MAX_WORK 8

static struct work_struct *shim_work[SHIM_MAX_WORK];
static unsigned int shim_nr_work;

/*
 * Per-CPU areas (shim/kernel.h, "per-CPU data"): the DEFINE_PER_CPU
 * variables of all objects sit in the section shim_percpu, whose bounds
 * the linker provides.  Each CPU gets a page-aligned copy of it, made
 * before main() (so before any probe or registry code runs); the section
 * itself, like the kernel's, is only the template.
 */
extern char __start_shim_percpu[], __stop_shim_percpu[];
unsigned long shim_per_cpu_offset[SHIM_NR_CPUS];
/* Each CPU's own number: checks that %gs and per_cpu_ptr() agree. */
static DEFINE_PER_CPU(unsigned int, shim_cpu_number);

static __attribute__((constructor)) void shim_percpu_init(void)
{
	size_t size = __stop_shim_percpu - __start_shim_percpu;
	size_t rounded = (size + 4095) & ~(size_t)4095;
	unsigned int cpu;

	for (cpu = 0; cpu < SHIM_NR_CPUS; cpu++) {
		char *area = aligned_alloc(4096, rounded ? rounded : 4096);

		if (!area) {
			fprintf(stderr, "hotpath: no memory for per-CPU areas\n");
			abort();
		}
		memcpy(area, __start_shim_percpu, size);
		shim_per_cpu_offset[cpu] =
			(uintptr_t)area - (uintptr_t)__start_shim_percpu;
	}
	shim_set_cpu(0);
}

void shim_set_cpu(unsigned int cpu)
{
	if (cpu >= SHIM_NR_CPUS ||
	    syscall(SYS_arch_prctl, ARCH_SET_GS, shim_per_cpu_offset[cpu])) {
		fprintf(stderr, "hotpath: cannot make this thread CPU %u: %s\n",
			cpu,
			cpu >= SHIM_NR_CPUS ? "no such CPU" : strerror(errno));
		abort();
	}
	this_cpu_write(shim_cpu_number, cpu + 1);
	if (per_cpu(shim_cpu_number, cpu) != cpu + 1 ||
	    shim_cpu_number /* the template */) {
		fprintf(stderr,
			"hotpath: %%gs does not reach CPU %u's per-CPU area\n",
			cpu);
		abort();
	}
}

void *kzalloc(size_t size, gfp_t flags)
{
	size_t align = size >= 4096 ? 4096 : 64;
	size_t rounded = (size + align - 1) & ~(align - 1);
	void *p = aligned_alloc(align, rounded);

	(void)flags;
	if (p)
		memset(p, 0, rounded);
	return p;
}

void *kvzalloc(size_t size, gfp_t flags)
{
	return kzalloc(size, flags);
}

void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kzalloc(n * size, flags);
}

void kfree(const void *p)
{
	free((void *)p);
}

void kvfree(const void *p)
{
	free((void *)p);
}

ssize_t strscpy(char *dst, const char *src, size_t count)
{
	size_t len;

	if (!count)
		return -E2BIG;
	len = strnlen(src, count);
	if (len == count) {
		memcpy(dst, src, count - 1);
		dst[count - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

void shim_spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

void shim_spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* Work is only queued from es_lock-holding code, which the bench serialises. */
bool schedule_work(struct work_struct *work)
{
	if (work->pending || shim_nr_work == SHIM_MAX_WORK)
		return false;
	work->pending = 1;
	shim_work[shim_nr_work++] = work;
	return true;
}

bool cancel_work_sync(struct work_struct *work)
{
	(void)work;
	return false;
}

void shim_run_work(void)
{
	while (shim_nr_work) {
		struct work_struct *w = shim_work[--shim_nr_work];

		w->pending = 0;
		w->func(w);
	}
}

/* The bench retires nothing while probes run: no grace period needed. */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	func(head);
}

void rcu_barrier(void)
{
}

bool shim_cpu_has(int feature)
{
	return feature == X86_FEATURE_SVM;
}

void shim_rcu_read_unlock_special(struct task_struct *t)
{
	(void)t;
	fprintf(stderr, "hotpath: unexpected rcu_read_unlock_special\n");
	abort();
}

void shim_preempt_schedule(void)
{
	fprintf(stderr, "hotpath: unexpected preempt_schedule\n");
	abort();
}
