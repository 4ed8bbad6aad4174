// SPDX-License-Identifier: GPL-2.0
/*
 * Positive control of tests/e2e/debug-kernel.sh: one bug of each kind the
 * debug kernel's checkers report, in an order where no report silences a
 * later one (lockdep and KASAN reports turn lockdep off).
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

struct ctl_obj {
	int v;
};

static struct ctl_obj __rcu *ctl_ptr;
static DEFINE_SPINLOCK(ctl_lock);
static DEFINE_MUTEX(ctl_a);
static DEFINE_MUTEX(ctl_b);
static void *ctl_leak[8];

/* PROVE_RCU: rcu_dereference() outside any RCU read-side section. */
static noinline void ctl_rcu(void)
{
	pr_info("rcu %p\n", rcu_dereference(ctl_ptr));
}

/* DEBUG_ATOMIC_SLEEP: might_sleep() with a spinlock held. */
static noinline void ctl_atomic_sleep(void)
{
	spin_lock(&ctl_lock);
	might_sleep();
	spin_unlock(&ctl_lock);
}

/* kmemleak: allocations whose only pointers are overwritten. */
static noinline void ctl_leak_memory(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ctl_leak); i++)
		WRITE_ONCE(ctl_leak[i], kmalloc(128, GFP_KERNEL));
	for (i = 0; i < ARRAY_SIZE(ctl_leak); i++)
		WRITE_ONCE(ctl_leak[i], NULL);
}

/* lockdep: A then B, later B then A (one thread: no real deadlock). */
static noinline void ctl_lock_inversion(void)
{
	mutex_lock(&ctl_a);
	mutex_lock(&ctl_b);
	mutex_unlock(&ctl_b);
	mutex_unlock(&ctl_a);
	mutex_lock(&ctl_b);
	mutex_lock(&ctl_a);
	mutex_unlock(&ctl_a);
	mutex_unlock(&ctl_b);
}

/* KASAN: a read one byte past a 16-byte kmalloc object. */
static noinline void ctl_out_of_bounds(void)
{
	volatile size_t n = 16;
	char *p = kmalloc(n, GFP_KERNEL);

	if (!p)
		return;
	pr_info("oob %d\n", ((volatile char *)p)[n]);
	kfree(p);
}

static int __init ctl_init(void)
{
	ctl_rcu();
	ctl_atomic_sleep();
	ctl_leak_memory();
	ctl_lock_inversion();
	ctl_out_of_bounds();
	return 0;
}

static void __exit ctl_exit(void)
{
}

module_init(ctl_init);
module_exit(ctl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("exitstat debug-kernel positive control: deliberate bugs");
