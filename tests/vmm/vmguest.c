// SPDX-License-Identifier: GPL-2.0
/*
 * vmguest: `exitstat guest` as seen from inside a VM of this VMM.
 *
 * It starts a VM with one vCPU, makes it do a known number of port I/O,
 * HLT and CPUID exits, then runs the guest side of exitstat (the code of
 * `exitstat guest`, tools/builtin-guest.c) with every CPUID it asks for
 * executed by that vCPU.  So the table it prints is what a guest of this
 * host would read, with the names of the host's ISA, and its figures can
 * be checked exactly: with scope=vm the VM's HLT and CPUID rows hold only
 * what was asked for here.
 *
 *   vmguest [--io N] [--hlt N] [--cpuid N] [-- GUEST-ARGS...]
 *
 * On stderr, one line "vmguest: calls=K": the guest calls made in all,
 * each of which ends with one port I/O exit (the guest's report).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "vmm.h"
#include "../../tools/guest.h"

struct vm_cpuid {
	struct vmm_vcpu *vcpu;
	uint64_t base; /* where the guest blob is loaded */
	uint64_t calls; /* vmm_vcpu_call()s so far */
	int err; /* the first failure, 0 if none */
};

static int vm_call(struct vm_cpuid *c, const char *fn, struct vmm_regs *r)
{
	int ret = vmm_vcpu_call(c->vcpu, guest_addr(c->base, fn), r);

	c->calls++;
	if (ret && !c->err) {
		c->err = ret;
		fprintf(stderr, "vmguest: guest call failed: %s (%s)\n",
			strerror(-ret), vmm_vcpu_exit_str(c->vcpu));
	}
	return ret;
}

/* One CPUID instruction, executed by the vCPU. */
static void vm_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		     struct es_regs *out)
{
	struct vmm_regs r = { .eax = leaf, .ecx = subleaf };

	if (vm_call(ctx, guest_cpuid, &r)) {
		memset(out, 0, sizeof(*out));
		return;
	}
	out->eax = r.eax;
	out->ebx = r.ebx;
	out->ecx = r.ecx;
	out->edx = r.edx;
}

static int loop(struct vm_cpuid *c, const char *fn, unsigned long n)
{
	struct vmm_regs r = { .ecx = (uint32_t)n };

	return n ? vm_call(c, fn, &r) : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: vmguest [--io N] [--hlt N] [--cpuid N] "
			"[-- GUEST-ARGS...]\n");
	return 2;
}

/* Parses the counts; returns the index of the guest's arguments, or -1. */
static int parse_counts(int argc, char **argv, unsigned long n[3])
{
	static const char *const opt[3] = { "--io", "--hlt", "--cpuid" };
	int i, k;
	char *end;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i += 2) {
		for (k = 0; k < 3 && strcmp(argv[i], opt[k]); k++)
			;
		if (k == 3 || i + 1 == argc)
			return -1;
		errno = 0;
		n[k] = strtoul(argv[i + 1], &end, 0);
		if (errno || *end || !*argv[i + 1] || n[k] > UINT32_MAX)
			return -1;
	}
	return i;
}

int main(int argc, char **argv)
{
	static char guest_name[] = "guest";
	static const char *const fn[3] = { guest_out_loop, guest_hlt_loop,
					   guest_cpuid_loop };
	unsigned long n[3] = { 0 };
	struct cpuid_source src = { vm_cpuid, NULL };
	struct vm_cpuid c = { 0 };
	struct guest_env env;
	struct vmm_vm *vm;
	int first, k, ret;

	first = parse_counts(argc, argv, n);
	if (first < 0)
		return usage();
	/* guest_command() parses from argv[1]: "guest", then what follows --. */
	if (first == argc)
		argv[--first] = guest_name;
	else
		argv[first] = guest_name;
	ret = vmm_vm_create(&vm, VMM_MEM_DEFAULT);
	if (!ret)
		ret = vmm_vcpu_add(vm, &c.vcpu);
	if (!ret)
		ret = vmm_load(vm, guest_blob_start,
			       guest_blob_end - guest_blob_start, &c.base);
	for (k = 0; !ret && k < 3; k++)
		ret = loop(&c, fn[k], n[k]);
	if (ret) {
		fprintf(stderr, "vmguest: %s\n", strerror(-ret));
		return 1;
	}
	src.ctx = &c;
	guest_env_native(&env);
	env.cpuid = &src;
	ret = guest_command(argc - first, argv + first, &env);
	fprintf(stderr, "vmguest: calls=%llu\n", (unsigned long long)c.calls);
	vmm_vm_destroy(vm);
	return c.err ? 1 : ret;
}
