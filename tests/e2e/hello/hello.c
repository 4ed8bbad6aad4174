// SPDX-License-Identifier: GPL-2.0
/*
 * hello.ko - trivial out-of-tree module used by the e2e smoke test to prove
 * that modules built against the cached Debian headers load and unload in
 * the QEMU guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/utsname.h>

static int __init hello_init(void)
{
	pr_info("EXITSTAT-E2E-HELLO loaded on %s\n", init_utsname()->release);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("EXITSTAT-E2E-HELLO unloaded\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_DESCRIPTION("exitstat e2e fixture: out-of-tree module load/unload");
MODULE_LICENSE("GPL");
