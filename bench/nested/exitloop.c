// SPDX-License-Identifier: GPL-2.0
/*
 * exitloop: exits per second of a guest loop, for bench/nested.
 *
 * One VM, one vCPU (tests/vmm's libvmm), one guest call per workload:
 * guest_cpuid_loop (CPUID exits, handled inside KVM) or guest_out_loop
 * (OUT to port 0x80: port I/O exits, each a round trip to this process).
 * The time is taken around that one call only, so what runs before or
 * after (perf starting, the module loading) is not in it.  One line per
 * workload on stdout:
 *
 *   BENCH mode=M round=R workload=cpuid exits=100000 ns=123456789 eps=810000 module=0
 *
 * module=1 when the exitstat CPUID leaves answer in this guest (signature
 * in 0x4ffffffc), so the guest script can check each mode is what it says.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest.h"
#include "vmm.h"

#define ES_LEAF_TOTAL_EXITS 0x4ffffffcu
#define ES_SIGNATURE_EBX 0x74697865u /* "exit" */
#define ES_SIGNATURE_ECX 0x74617473u /* "stat" */
#define WARMUP_EXITS 2000

struct loop {
	const char *name;
	const char *fn;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: exitloop [OPTIONS]\n"
		"\n"
		"Times N guest exits of each workload in a VM of its own and prints\n"
		"one BENCH line per workload.  Needs /dev/kvm.\n"
		"\n"
		"  -n, --exits N       exits per workload (default 100000)\n"
		"  -w, --workload W    cpuid, io or both (default both)\n"
		"  -m, --mode NAME     label for the BENCH lines (default none)\n"
		"  -r, --round R       round number for the BENCH lines (default 0)\n"
		"  -h, --help          this help\n"
		"\n"
		"EXAMPLES\n"
		"  exitloop -n 100000 -m exitstat -r 3\n"
		"  perf kvm stat record -o /tmp/p.data -- exitloop -m perf\n");
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int die(const char *what, int err)
{
	fprintf(stderr, "exitloop: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "exits", required_argument, NULL, 'n' },
		{ "workload", required_argument, NULL, 'w' },
		{ "mode", required_argument, NULL, 'm' },
		{ "round", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct loop loops[] = {
		{ "cpuid", guest_cpuid_loop },
		{ "io", guest_out_loop },
	};
	const char *mode = "none", *workload = "both";
	unsigned long exits = 100000, round = 0;
	struct vmm_regs regs;
	struct vmm_vcpu *vcpu;
	struct vmm_vm *vm;
	uint64_t blob;
	unsigned int i;
	int c, ret, module;
	double t0, ns;
	char *end;

	while ((c = getopt_long(argc, argv, "n:w:m:r:h", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			exits = strtoul(optarg, &end, 10);
			if (*end || !exits || exits > 0xffffffffu)
				goto bad;
			break;
		case 'w':
			workload = optarg;
			if (strcmp(workload, "cpuid") &&
			    strcmp(workload, "io") && strcmp(workload, "both"))
				goto bad;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'r':
			round = strtoul(optarg, &end, 10);
			if (*end)
				goto bad;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;

	ret = vmm_vm_create(&vm, VMM_MEM_DEFAULT);
	if (ret)
		return die("vmm_vm_create", ret);
	ret = vmm_vcpu_add(vm, &vcpu);
	if (ret)
		return die("vmm_vcpu_add", ret);
	ret = vmm_load(vm, guest_blob_start, guest_blob_end - guest_blob_start,
		       &blob);
	if (ret)
		return die("vmm_load", ret);

	regs = (struct vmm_regs){ .eax = ES_LEAF_TOTAL_EXITS };
	ret = vmm_vcpu_call(vcpu, guest_addr(blob, guest_cpuid), &regs);
	if (ret)
		return die("cpuid 0x4ffffffc", ret);
	module = regs.ebx == ES_SIGNATURE_EBX && regs.ecx == ES_SIGNATURE_ECX;

	for (i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
		uint64_t fn = guest_addr(blob, loops[i].fn);

		if (strcmp(workload, "both") && strcmp(workload, loops[i].name))
			continue;
		regs = (struct vmm_regs){ .ecx = WARMUP_EXITS };
		ret = vmm_vcpu_call(vcpu, fn, &regs);
		if (ret)
			return die(loops[i].name, ret);
		regs = (struct vmm_regs){ .ecx = exits };
		t0 = now_ns();
		ret = vmm_vcpu_call(vcpu, fn, &regs);
		ns = now_ns() - t0;
		if (ret) {
			fprintf(stderr, "exitloop: %s: %s\n", loops[i].name,
				vmm_vcpu_exit_str(vcpu));
			return 1;
		}
		printf("BENCH mode=%s round=%lu workload=%s exits=%lu ns=%.0f eps=%.0f module=%d\n",
		       mode, round, loops[i].name, exits, ns, exits * 1e9 / ns,
		       module);
		fflush(stdout);
	}
	vmm_vm_destroy(vm);
	return 0;
bad:
	fprintf(stderr, "exitloop: bad arguments (see --help)\n");
	return 2;
}
