// SPDX-License-Identifier: GPL-2.0
/*
 * VM destruction: a kprobe on kvm_arch_destroy_vm().
 *
 * KVM destroys a VM when its last reference is dropped; every vCPU file
 * holds one, so no vCPU of the VM can run any more.  The probe marks the
 * VM dead, so nothing finds it any more and a new VM at the same address
 * starts from zero; its figures are folded into the retired totals just
 * after (registry.c) and its state is freed after an RCU grace period.
 */
#include <linux/kprobes.h>
#include <linux/ptrace.h>

#include "exitstat.h"

static int es_destroy_vm_pre(struct kprobe *p, struct pt_regs *regs)
{
	es_vm_retire((const struct kvm *)regs_get_kernel_argument(regs, 0));
	return 0;
}

static struct kprobe es_destroy_vm_probe = {
	.symbol_name = "kvm_arch_destroy_vm",
	.pre_handler = es_destroy_vm_pre,
};

int es_vmlife_init(void)
{
	return register_kprobe(&es_destroy_vm_probe);
}

void es_vmlife_exit(void)
{
	unregister_kprobe(&es_destroy_vm_probe);
}
