/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for the kernel interfaces kmod/probes.c and
 * kmod/registry.c use, so that bench/hotpath compiles those two files
 * unmodified.  Every shim/linux/X.h and shim/asm/X.h includes this file.
 *
 * Two kinds of definitions:
 *
 * - Copied from Debian's 6.1 headers (the config the module is built for):
 *   the hashtable, hlist and list macros, hash_64(), READ_ONCE and friends,
 *   rdtsc(), struct vmcb_control_area up to exit_code.  These are the code
 *   the hot path really runs, so they match the kernel's.
 * - Stand-ins, implemented in bench/hotpath/shim.c: rcu_read_lock() as
 *   CONFIG_PREEMPT_RCU builds it (out-of-line __rcu_read_lock() and
 *   __rcu_read_unlock() on current's nesting count), `current` as a
 *   thread-local variable (%fs instead of %gs), per-CPU data with one copy
 *   per benchmark thread reached through %gs as in the kernel (see
 *   "per-CPU data" below), allocation, spinlocks, work items, tracepoint
 *   registration; irq_work, llist, seqcount and atomic_long_t minimally, for
 *   the retirement of VMs, which the benchmark never does.  On the hot path: this_cpu_read()/this_cpu_write(), and
 *   `current` and the RCU calls where the code uses them.
 *
 * Compiled with __KERNEL__ defined, so core/types.h takes this path too.
 */
#ifndef BENCH_SHIM_KERNEL_H
#define BENCH_SHIM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- types ---------------------------------------------------------------- */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
typedef int pid_t;
typedef long ssize_t;
typedef unsigned int gfp_t;

/* ---- errno (include/uapi/asm-generic/errno-base.h) --------------------- */
#ifndef ENOMEM
#define E2BIG 7
#define ENOMEM 12
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#endif

/* ---- compiler ------------------------------------------------------------- */
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" : : : "memory")
#ifndef __always_inline /* glibc's <sys/cdefs.h> has it too */
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define __maybe_unused __attribute__((__unused__))
#define noinline __attribute__((__noinline__))
/* include/asm-generic/rwonce.h, compiler_types.h */
#define __scalar_type_to_expr_cases(type) \
	unsigned type : (unsigned type)0, signed type : (signed type)0
#define __unqual_scalar_typeof(x)                                   \
	__typeof__(_Generic((x), char : (char)0,                    \
			    __scalar_type_to_expr_cases(char),      \
			    __scalar_type_to_expr_cases(short),     \
			    __scalar_type_to_expr_cases(int),       \
			    __scalar_type_to_expr_cases(long),      \
			    __scalar_type_to_expr_cases(long long), \
			    default : (x)))
#define READ_ONCE(x) ({ *(const volatile __unqual_scalar_typeof(x) *)&(x); })
#define WRITE_ONCE(x, val)                                     \
	do {                                                   \
		*(volatile __typeof__(x) *)&(x) = (val);       \
	} while (0)
/* x86 (TSO): acquire and release are compiler barriers. */
#define smp_load_acquire(p)                                          \
	({                                                           \
		__unqual_scalar_typeof(*(p)) ___p1 = READ_ONCE(*(p)); \
		barrier();                                           \
		___p1;                                               \
	})
#define smp_store_release(p, v)          \
	do {                             \
		barrier();               \
		WRITE_ONCE(*(p), (v));   \
	} while (0)
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ilog2(n) (63 - __builtin_clzll(n))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define struct_size(p, member, count) \
	(sizeof(*(p)) + sizeof(*(p)->member) * (size_t)(count))
#define memset(s, c, n) __builtin_memset(s, c, n)

/*
 * Kernel-side objects keep the stack 8-byte aligned, as Kbuild builds
 * them (-mpreferred-stack-boundary=3); the shim.c functions they call
 * realign it before calling the C library.
 */
#define SHIM_LIBC __attribute__((__force_align_arg_pointer__))

SHIM_LIBC ssize_t strscpy(char *dst, const char *src, size_t count);

/* ---- lists (include/linux/list.h, rculist.h) -------------------------------- */
struct list_head {
	struct list_head *next, *prev;
};

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	list->prev = list;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	WRITE_ONCE(prev->next, n);
}

static inline void list_add_tail_rcu(struct list_head *n,
				     struct list_head *head)
{
	struct list_head *prev = head->prev;

	n->next = head;
	n->prev = prev;
	smp_store_release(&prev->next, n);
	head->prev = n;
}

static inline void list_del(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	WRITE_ONCE(entry->prev->next, entry->next);
	entry->next = NULL;
	entry->prev = NULL;
}

static inline void list_del_rcu(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	WRITE_ONCE(entry->prev->next, entry->next);
	entry->prev = NULL;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) \
	list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))
#define list_for_each_entry(pos, head, member)                            \
	for (pos = list_first_entry(head, __typeof__(*pos), member);      \
	     !list_entry_is_head(pos, head, member);                       \
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)                    \
	for (pos = list_first_entry(head, __typeof__(*pos), member),      \
	    n = list_next_entry(pos, member);                              \
	     !list_entry_is_head(pos, head, member);                       \
	     pos = n, n = list_next_entry(n, member))
#define rcu_dereference_raw(p) READ_ONCE(p)
#define rcu_assign_pointer(p, v) smp_store_release(&(p), (v))
#define list_entry_rcu(ptr, type, member) container_of(READ_ONCE(ptr), type, member)
#define __list_check_rcu(dummy, cond, extra...) ((void)0)
#define list_for_each_entry_rcu(pos, head, member, cond...)             \
	for (__list_check_rcu(dummy, ##cond, 0),                          \
	     pos = list_entry_rcu((head)->next, __typeof__(*pos), member); \
	     &pos->member != (head);                                       \
	     pos = list_entry_rcu(pos->member.next, __typeof__(*pos), member))

#define hlist_entry(ptr, type, member) container_of(ptr, type, member)
#define hlist_entry_safe(ptr, type, member)                       \
	({                                                        \
		__typeof__(ptr) ____ptr = (ptr);                  \
		____ptr ? hlist_entry(____ptr, type, member) : NULL; \
	})
#define hlist_first_rcu(head) (*((struct hlist_node **)(&(head)->first)))
#define hlist_next_rcu(node) (*((struct hlist_node **)(&(node)->next)))
#define hlist_for_each_entry_rcu(pos, head, member, cond...)              \
	for (__list_check_rcu(dummy, ##cond, 0),                            \
	     pos = hlist_entry_safe(rcu_dereference_raw(hlist_first_rcu(head)), \
				    __typeof__(*(pos)), member);             \
	     pos;                                                            \
	     pos = hlist_entry_safe(rcu_dereference_raw(hlist_next_rcu(      \
					    &(pos)->member)),                \
				    __typeof__(*(pos)), member))

static inline void hlist_add_head_rcu(struct hlist_node *n,
				      struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	WRITE_ONCE(n->pprev, &h->first);
	rcu_assign_pointer(hlist_first_rcu(h), n);
	if (first)
		WRITE_ONCE(first->pprev, &n->next);
}

static inline void hlist_del_init_rcu(struct hlist_node *n)
{
	if (n->pprev) {
		struct hlist_node *next = n->next;
		struct hlist_node **pprev = n->pprev;

		WRITE_ONCE(*pprev, next);
		if (next)
			WRITE_ONCE(next->pprev, pprev);
		WRITE_ONCE(n->pprev, NULL);
	}
}

/* ---- hashtable (include/linux/hashtable.h, hash.h; 64-bit) ----------------- */
#define GOLDEN_RATIO_64 0x61C8864680B583EBull

static __always_inline u32 hash_64_generic(u64 val, unsigned int bits)
{
	return val * GOLDEN_RATIO_64 >> (64 - bits);
}

static inline u32 hash_32(u32 val, unsigned int bits)
{
	return (val * 0x61C88647u) >> (32 - bits);
}

#define hash_64 hash_64_generic
#define hash_long(val, bits) hash_64(val, bits)
#define DEFINE_HASHTABLE(name, bits) struct hlist_head name[1 << (bits)]
#define HASH_SIZE(name) (ARRAY_SIZE(name))
#define HASH_BITS(name) ilog2(HASH_SIZE(name))
#define hash_min(val, bits) \
	(sizeof(val) <= 4 ? hash_32(val, bits) : hash_long(val, bits))
#define hash_add_rcu(hashtable, node, key) \
	hlist_add_head_rcu(node, &hashtable[hash_min(key, HASH_BITS(hashtable))])
#define hash_del_rcu(node) hlist_del_init_rcu(node)
#define hash_for_each_possible_rcu(name, obj, member, key, cond...)        \
	hlist_for_each_entry_rcu(obj, &name[hash_min(key, HASH_BITS(name))], \
				 member, ##cond)

/* ---- current, RCU (CONFIG_PREEMPT_RCU=y, as Debian's 6.1 and 6.12) --------- */
struct task_struct {
	int rcu_read_lock_nesting;
	union {
		struct {
			u8 blocked;
			u8 need_qs;
			u8 exp_hint;
			u8 need_mb;
		} b;
		u32 s;
	} rcu_read_unlock_special;
	pid_t pid;
	pid_t tgid;
};

/* The kernel reads the per-CPU current_task with one %gs-relative load. */
extern __thread struct task_struct *shim_current;
#define current (shim_current)
#define task_pid_nr(t) ((t)->pid)
#define task_tgid_nr(t) ((t)->tgid)

/* Out of line, in kvm.c, as kernel/rcu/tree_plugin.h has them. */
void __rcu_read_lock(void);
void __rcu_read_unlock(void);
/* Never reached in the bench (shim.c aborts). */
SHIM_LIBC void shim_rcu_read_unlock_special(struct task_struct *t);
SHIM_LIBC void shim_preempt_schedule(void);

static __always_inline void rcu_read_lock(void)
{
	__rcu_read_lock();
}

static inline void rcu_read_unlock(void)
{
	__rcu_read_unlock();
}

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

SHIM_LIBC void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
SHIM_LIBC void rcu_barrier(void);
#define lockdep_is_held(l) 1
#define lockdep_assert_held(l) ((void)(l))

/* ---- per-CPU data: one slot ("CPU") per benchmark thread --------------------
 *
 * As x86-64 Linux does it, with %gs: DEFINE_PER_CPU puts the variable in a
 * section (shim_percpu) that serves as the template; shim.c gives each of
 * SHIM_NR_CPUS CPUs its own page-aligned copy of that section at start-up,
 * shim_per_cpu_offset[cpu] = copy - template (the kernel's
 * __per_cpu_offset[]), and hp_thread_init() makes a benchmark thread CPU
 * @cpu by setting its %gs base to that offset (arch_prctl(ARCH_SET_GS);
 * glibc leaves %gs alone on x86-64, and threads inherit the main thread's
 * CPU 0 until they set their own).  So this_cpu_read()/this_cpu_write() of
 * a per-CPU variable, or of a member of one, compile to the same single
 * %gs-relative mov (`mov %gs:es_last(%rip),%rax`) as in the module, and
 * this_cpu_inc() to one %gs-relative add; per_cpu_ptr() and
 * for_each_possible_cpu() walk the copies.  Chosen over the alternatives
 * because those cost more on the hot path than the kernel: a __thread
 * pointer to the thread's slot, or a __thread offset, is a %fs-relative
 * load plus the access (2 instructions per read), and a __thread variable
 * itself (one %fs-relative mov) cannot be reached from other threads by
 * per_cpu_ptr() (es_probes_forget(), es_global_sum()), nor outlive the
 * benchmark threads, which come and go every run.  valgrind handles %gs.
 *
 * Accesses through these macros use the address space __seg_gs (as the
 * kernel's percpu.h does with CONFIG_USE_X86_SEG_SUPPORT); volatile, as
 * 6.1's this_cpu_*() are asm volatile: one access each, never merged.
 */
#define SHIM_NR_CPUS 8
extern unsigned long shim_per_cpu_offset[SHIM_NR_CPUS];
/* Makes the calling thread CPU @cpu (< SHIM_NR_CPUS); aborts if it cannot. */
SHIM_LIBC void shim_set_cpu(unsigned int cpu);

#define DEFINE_PER_CPU(type, name) \
	__attribute__((__section__("shim_percpu"))) __typeof__(type) name
#define SHIM_THIS_CPU(pcp) \
	(*(volatile __typeof__(pcp) __seg_gs *)(uintptr_t)&(pcp))
#define this_cpu_read(pcp) (SHIM_THIS_CPU(pcp))
#define this_cpu_write(pcp, val)                \
	do {                                    \
		SHIM_THIS_CPU(pcp) = (val);     \
	} while (0)
/* asm/percpu.h: one add to a %gs operand ("add%z0": of its size). */
#define this_cpu_add(pcp, val)                                          \
	do {                                                            \
		__asm__ __volatile__("add%z0 %1, %%gs:%0"               \
				     : "+m"(pcp)                        \
				     : "er"((__typeof__(pcp))(val)));   \
	} while (0)
#define this_cpu_inc(pcp) this_cpu_add(pcp, 1)
#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))((uintptr_t)(ptr) + shim_per_cpu_offset[cpu]))
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), cpu))
#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < SHIM_NR_CPUS; (cpu)++)

/* ---- allocation, locks, work items ------------------------------------------ */
#define GFP_KERNEL 0x1u
#define GFP_ATOMIC 0x2u
#define __GFP_NOWARN 0x4u

/* Page-aligned when >= 4 KiB, as kmalloc's large allocations are. */
SHIM_LIBC void *kzalloc(size_t size, gfp_t flags);
SHIM_LIBC void *kvzalloc(size_t size, gfp_t flags);
SHIM_LIBC void *kvcalloc(size_t n, size_t size, gfp_t flags);
SHIM_LIBC void kfree(const void *p);
SHIM_LIBC void kvfree(const void *p);

typedef struct {
	int locked;
} spinlock_t;
#define DEFINE_SPINLOCK(x) spinlock_t x = { 0 }
SHIM_LIBC void shim_spin_lock(spinlock_t *l);
SHIM_LIBC void shim_spin_unlock(spinlock_t *l);
#define spin_lock_irqsave(l, flags)      \
	do {                             \
		(flags) = 0;             \
		shim_spin_lock(l);       \
	} while (0)
#define spin_unlock_irqrestore(l, flags) \
	do {                             \
		(void)(flags);           \
		shim_spin_unlock(l);     \
	} while (0)

#define spin_lock(l) shim_spin_lock(l)
#define spin_unlock(l) shim_spin_unlock(l)

typedef struct {
	long counter;
} atomic_long_t;
#define atomic_long_inc(v) __atomic_add_fetch(&(v)->counter, 1, __ATOMIC_RELAXED)
#define atomic_long_dec(v) __atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_RELAXED)
#define atomic_long_read(v) __atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)

/* Sequence counts as the kernel's, without lockdep. */
typedef struct {
	unsigned int sequence;
} seqcount_spinlock_t;
#define SEQCNT_SPINLOCK_ZERO(name, lock) { 0 }
#define write_seqcount_begin(s) \
	__atomic_add_fetch(&(s)->sequence, 1, __ATOMIC_RELEASE)
#define write_seqcount_end(s) \
	__atomic_add_fetch(&(s)->sequence, 1, __ATOMIC_RELEASE)
static inline unsigned int raw_read_seqcount_begin(seqcount_spinlock_t *s)
{
	unsigned int seq;

	while ((seq = __atomic_load_n(&s->sequence, __ATOMIC_ACQUIRE)) & 1)
		__builtin_ia32_pause();
	return seq;
}
static inline bool read_seqcount_retry(seqcount_spinlock_t *s,
				       unsigned int start)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&s->sequence, __ATOMIC_RELAXED) != start;
}

/* linux/llist.h: lock-less lists (the bench never retires a VM). */
struct llist_node {
	struct llist_node *next;
};
struct llist_head {
	struct llist_node *first;
};
#define LLIST_HEAD(name) struct llist_head name = { NULL }
static inline bool llist_add(struct llist_node *n, struct llist_head *h)
{
	n->next = __atomic_exchange_n(&h->first, n, __ATOMIC_ACQ_REL);
	return !n->next;
}
static inline struct llist_node *llist_del_all(struct llist_head *h)
{
	return __atomic_exchange_n(&h->first, NULL, __ATOMIC_ACQ_REL);
}
#define llist_entry(ptr, type, member) container_of(ptr, type, member)
#define member_address_is_nonnull(ptr, member) \
	((uintptr_t)(ptr) + offsetof(__typeof__(*(ptr)), member) != 0)
#define llist_for_each_entry(pos, node, member)                           \
	for ((pos) = llist_entry((node), __typeof__(*(pos)), member);     \
	     member_address_is_nonnull(pos, member);                      \
	     (pos) = llist_entry((pos)->member.next, __typeof__(*(pos)), member))
#define llist_for_each_entry_safe(pos, n, node, member)                   \
	for (pos = llist_entry((node), __typeof__(*pos), member);         \
	     member_address_is_nonnull(pos, member) &&                    \
	     (n = llist_entry(pos->member.next, __typeof__(*n), member), true); \
	     pos = n)

/* irq_work: run at once (the kernel runs it as soon as IRQs are on). */
struct irq_work {
	void (*func)(struct irq_work *work);
};
#define DEFINE_IRQ_WORK(name, f) struct irq_work name = { .func = (f) }
static inline bool irq_work_queue(struct irq_work *w)
{
	w->func(w);
	return true;
}
#define irq_work_sync(w) ((void)(w))

struct work_struct {
	void (*func)(struct work_struct *work);
	int pending;
};
#define DECLARE_WORK(n, f) struct work_struct n = { .func = (f) }
/* Queued, then run by shim_run_work() outside the timed loops. */
SHIM_LIBC bool schedule_work(struct work_struct *work);
SHIM_LIBC bool cancel_work_sync(struct work_struct *work);
void shim_run_work(void);

/* ---- the CPU, the kernel version ------------------------------------------ */
#define X86_FEATURE_VMX 1
#define X86_FEATURE_SVM 2
SHIM_LIBC bool shim_cpu_has(int feature);
#define boot_cpu_has(f) shim_cpu_has(f)
#define LINUX_VERSION_MAJOR 6
#define LINUX_VERSION_PATCHLEVEL 1

/* asm/msr.h with x86-64's DECLARE_ARGS/EAX_EDX_VAL: 64-bit halves. */
static __always_inline unsigned long long rdtsc(void)
{
	unsigned long low, high;

	__asm__ __volatile__("rdtsc" : "=a"(low), "=d"(high));
	return low | high << 32;
}

/* ---- KVM (arch/x86/include/asm/svm.h, vmx.h; linux/kvm_host.h) ------------ */
#define VM_EXIT_REASON 0x00004402

/* Up to exit_code as in Debian's 6.1 asm/svm.h (MAX_INTERCEPT = 6). */
struct __attribute__((__packed__)) vmcb_control_area {
	u32 intercepts[6];
	u32 reserved_1[15 - 6];
	u16 pause_filter_thresh;
	u16 pause_filter_count;
	u64 iopm_base_pa;
	u64 msrpm_base_pa;
	u64 tsc_offset;
	u32 asid;
	u8 tlb_ctl;
	u8 reserved_2[3];
	u32 int_ctl;
	u32 int_vector;
	u32 int_state;
	u8 reserved_3[4];
	u32 exit_code;
	u32 exit_code_hi;
	u64 exit_info_1;
	u64 exit_info_2;
	u8 rest[0x400 - 0x88];
};

struct vmcb {
	struct vmcb_control_area control;
	u8 save[0xc00];
};

#define KVM_STATS_NAME_SIZE 48

struct kvm {
	char pad[256];
	char stats_id[KVM_STATS_NAME_SIZE];
};

/*
 * An opaque stand-in for struct kvm_vcpu: only the fields the module reads
 * exist, but the size is the real one of Debian's 6.1.0-*-amd64, so that
 * the vmcb pointer of struct vcpu_svm, right after it, is where the module
 * reads it (`mov 0x1998(%rsi),%rax` in exitstat.ko's es_probe_exit).
 */
#define SHIM_KVM_VCPU_SIZE 0x1998
struct kvm_vcpu {
	struct kvm *kvm;
	int cpu;
	int vcpu_id;
	int vcpu_idx;
	char pad[SHIM_KVM_VCPU_SIZE - 24];
};

/* ---- tracepoints: registration only; shim.c keeps the probe ----------------- */
struct tracepoint_func {
	void *func;
	void *data;
};

struct tracepoint {
	const char *name;
	struct tracepoint_func *funcs;
	struct tracepoint_func func;
};

#define DECLARE_TRACEPOINT(tp) extern struct tracepoint __tracepoint_##tp
int tracepoint_probe_register(struct tracepoint *tp, void *probe, void *data);
int tracepoint_probe_unregister(struct tracepoint *tp, void *probe, void *data);
void tracepoint_synchronize_unregister(void);

#endif /* BENCH_SHIM_KERNEL_H */
