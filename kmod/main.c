// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat.ko: counts every KVM VM exit per exit reason, measures its cost
 * in TSC cycles, answers the guest's CPUID leaves 0x4ffffffc-0x4fffffff,
 * logs summaries and exposes /proc/exitstat.  See docs/.
 */
#include <linux/module.h>

#include "exitstat.h"

static int __init es_init(void)
{
	int ret;

	ret = es_registry_init();
	if (ret)
		return ret;
	ret = es_hostif_init();
	if (ret)
		goto err_registry;
	ret = es_logsum_init();
	if (ret)
		goto err_hostif;
	ret = es_vmlife_init();
	if (ret)
		goto err_logsum;
	ret = es_cpuid_init();
	if (ret)
		goto err_vmlife;
	ret = es_probes_init();
	if (ret)
		goto err_cpuid;
	pr_info("counting %s exits, kernel series %s\n", es_table->name,
		es_kernel_name(es_host.kernel));
	return 0;

err_cpuid:
	es_cpuid_exit();
err_vmlife:
	es_vmlife_exit();
err_logsum:
	es_logsum_exit();
err_hostif:
	es_hostif_exit();
err_registry:
	es_registry_exit();
	return ret;
}

static void __exit es_exit(void)
{
	es_probes_exit();
	es_cpuid_exit();
	es_vmlife_exit();
	es_logsum_exit();
	es_hostif_exit();
	es_registry_exit();
}

module_init(es_init);
module_exit(es_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Counts and times KVM VM exits per exit reason");
MODULE_SOFTDEP("pre: kvm");
