// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny VMM over /dev/kvm: flat 32-bit protected mode guests, no paging,
 * no in-kernel irqchip.
 *
 * Protected mode rather than real mode: under VMX without unrestricted
 * guest (ept=0, or CPUs without it) KVM runs real mode in vm86 or emulates
 * it instruction by instruction, and emulated instructions are no VM exits.
 * Flat protected mode without paging is valid guest state everywhere: KVM
 * maps it with its identity page table (EPT) or shadow pages (ept=0, npt=0).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm.h"

/* Where KVM may put its real-mode TSS (3 pages), as QEMU does. */
#define VMM_TSS_ADDR 0xfffbd000
#define VMM_MEM_MAX 0xc0000000ul

#define X86_CR0_PE (1u << 0)
#define X86_CR0_ET (1u << 4)
#define X86_CR0_NE (1u << 5)
#define X86_RFLAGS_FIXED 0x2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define GDT_ENTRIES 4 /* null, code, data, TSS */

struct vmm_vm {
	int kvm_fd;
	int fd;
	uint8_t *mem;
	size_t mem_size;
	size_t run_size;
	struct kvm_cpuid2 *cpuid;
	pthread_mutex_t lock; /* brk, vcpus, nr_vcpus */
	uint64_t brk;
	struct vmm_vcpu *vcpus[VMM_MAX_VCPUS];
	unsigned int nr_vcpus;
};

struct vmm_vcpu {
	struct vmm_vm *vm;
	int fd;
	struct kvm_run *run;
	uint64_t stack_top;
	uint64_t nop_io; /* atomic */
	uint64_t hlt; /* atomic */
	char exit_str[160];
};

static const struct kvm_segment vmm_seg_code = {
	.limit = 0xffffffff,
	.selector = VMM_SEL_CODE,
	.type = 0xb,
	.present = 1,
	.db = 1,
	.s = 1,
	.g = 1,
};

static const struct kvm_segment vmm_seg_data = {
	.limit = 0xffffffff,
	.selector = VMM_SEL_DATA,
	.type = 0x3,
	.present = 1,
	.db = 1,
	.s = 1,
	.g = 1,
};

/* 32-bit busy TSS: VMX requires a usable TR even in our ring-0 guest. */
static const struct kvm_segment vmm_seg_tss = {
	.base = VMM_GPA_TSS,
	.limit = 0x67,
	.selector = VMM_SEL_TSS,
	.type = 0xb,
	.present = 1,
};

/* out %al, $VMM_PORT_DONE; jmp back to it */
static const uint8_t vmm_stub[] = { 0xe6, VMM_PORT_DONE, 0xeb, 0xfc };

static uint64_t gdt_desc(const struct kvm_segment *s)
{
	uint64_t limit = s->g ? s->limit >> 12 : s->limit;
	uint64_t access = s->type | s->s << 4 | s->dpl << 5 | s->present << 7;
	uint64_t flags = s->avl | s->l << 1 | s->db << 2 | s->g << 3;

	return (limit & 0xffff) | (uint64_t)(s->base & 0xffffff) << 16 |
	       access << 40 | ((limit >> 16) & 0xf) << 48 | flags << 52 |
	       (uint64_t)(s->base >> 24) << 56;
}

static int vm_write_gdt(struct vmm_vm *vm)
{
	uint64_t gdt[GDT_ENTRIES] = {
		0,
		gdt_desc(&vmm_seg_code),
		gdt_desc(&vmm_seg_data),
		gdt_desc(&vmm_seg_tss),
	};
	int ret;

	ret = vmm_write(vm, VMM_GPA_GDT, gdt, sizeof(gdt));
	if (ret)
		return ret;
	return vmm_write(vm, VMM_GPA_STUB, vmm_stub, sizeof(vmm_stub));
}

static int kvm_get_supported_cpuid(int kvm_fd, struct kvm_cpuid2 **cpuidp)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int nent;
	size_t size;

	for (nent = 64; nent <= 4096; nent *= 2) {
		size = sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]);
		cpuid = calloc(1, size);
		if (!cpuid)
			return -ENOMEM;
		cpuid->nent = nent;
		if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid)) {
			*cpuidp = cpuid;
			return 0;
		}
		free(cpuid);
		if (errno != E2BIG)
			return -errno;
	}
	return -E2BIG;
}

static int vm_open(struct vmm_vm *vm)
{
	int ret;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return -errno;
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return -ENOTSUP;
	ret = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret < 0)
		return -errno;
	vm->run_size = ret;
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -errno;
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
	    ioctl(vm->fd, KVM_SET_TSS_ADDR, VMM_TSS_ADDR) < 0)
		return -errno;
	return kvm_get_supported_cpuid(vm->kvm_fd, &vm->cpuid);
}

static int vm_map_memory(struct vmm_vm *vm, size_t mem_size)
{
	struct kvm_userspace_memory_region region = { 0 };
	void *mem;

	mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	vm->mem = mem;
	vm->mem_size = mem_size;
	region.memory_size = mem_size;
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -errno;
	return 0;
}

int vmm_vm_create(struct vmm_vm **vmp, size_t mem_size)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vmm_vm *vm;
	int ret;

	mem_size = (mem_size + page - 1) & ~(size_t)(page - 1);
	if (mem_size < VMM_GPA_FREE + VMM_STACK_SIZE || mem_size > VMM_MEM_MAX)
		return -EINVAL;
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->kvm_fd = -1;
	vm->fd = -1;
	vm->brk = VMM_GPA_FREE;
	pthread_mutex_init(&vm->lock, NULL);
	ret = vm_open(vm);
	if (!ret)
		ret = vm_map_memory(vm, mem_size);
	if (!ret)
		ret = vm_write_gdt(vm);
	if (ret) {
		vmm_vm_destroy(vm);
		return ret;
	}
	*vmp = vm;
	return 0;
}

static void vcpu_free(struct vmm_vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->vm->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	free(vcpu);
}

void vmm_vm_destroy(struct vmm_vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_free(vm->vcpus[i]);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm->cpuid);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

int vmm_alloc(struct vmm_vm *vm, size_t size, uint64_t *gpa)
{
	uint64_t start;
	int ret = -ENOMEM;

	pthread_mutex_lock(&vm->lock);
	start = (vm->brk + 15) & ~15ull;
	if (size <= vm->mem_size && start <= vm->mem_size - size) {
		vm->brk = start + size;
		*gpa = start;
		ret = 0;
	}
	pthread_mutex_unlock(&vm->lock);
	return ret;
}

void *vmm_mem(struct vmm_vm *vm, uint64_t gpa, size_t len)
{
	if (gpa > vm->mem_size || len > vm->mem_size - gpa)
		return NULL;
	return vm->mem + gpa;
}

int vmm_write(struct vmm_vm *vm, uint64_t gpa, const void *src, size_t len)
{
	void *dst = vmm_mem(vm, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int vmm_read(struct vmm_vm *vm, uint64_t gpa, void *dst, size_t len)
{
	const void *src = vmm_mem(vm, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int vmm_load(struct vmm_vm *vm, const void *code, size_t size, uint64_t *gpa)
{
	int ret = vmm_alloc(vm, size, gpa);

	return ret ? ret : vmm_write(vm, *gpa, code, size);
}

static int vcpu_set_protected_mode(struct vmm_vcpu *vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rflags = X86_RFLAGS_FIXED };

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	sregs.cs = vmm_seg_code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = vmm_seg_data;
	sregs.tr = vmm_seg_tss;
	sregs.ldt = (struct kvm_segment){ .type = 0x2, .unusable = 1 };
	sregs.gdt = (struct kvm_dtable){ .base = VMM_GPA_GDT,
					 .limit = GDT_ENTRIES * 8 - 1 };
	/* No IDT: any exception ends in a triple fault, KVM_EXIT_SHUTDOWN. */
	sregs.idt = (struct kvm_dtable){ 0 };
	sregs.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;
	return vmm_vcpu_set_regs(vcpu, &regs);
}

static int vcpu_init(struct vmm_vcpu *vcpu, unsigned int id)
{
	struct vmm_vm *vm = vcpu->vm;
	void *run;

	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return -errno;
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED)
		return -errno;
	vcpu->run = run;
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, vm->cpuid) < 0)
		return -errno;
	return vcpu_set_protected_mode(vcpu);
}

int vmm_vcpu_add(struct vmm_vm *vm, struct vmm_vcpu **vcpup)
{
	struct vmm_vcpu *vcpu;
	int ret;

	vcpu = calloc(1, sizeof(*vcpu));
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->fd = -1;
	ret = vmm_alloc(vm, VMM_STACK_SIZE, &vcpu->stack_top);
	vcpu->stack_top += VMM_STACK_SIZE;
	pthread_mutex_lock(&vm->lock);
	if (!ret && vm->nr_vcpus == VMM_MAX_VCPUS)
		ret = -ENOSPC;
	if (!ret)
		ret = vcpu_init(vcpu, vm->nr_vcpus);
	if (!ret)
		vm->vcpus[vm->nr_vcpus++] = vcpu;
	pthread_mutex_unlock(&vm->lock);
	if (ret) {
		vcpu_free(vcpu);
		return ret;
	}
	*vcpup = vcpu;
	return 0;
}

int vmm_vcpu_get_regs(struct vmm_vcpu *vcpu, struct kvm_regs *regs)
{
	return ioctl(vcpu->fd, KVM_GET_REGS, regs) < 0 ? -errno : 0;
}

int vmm_vcpu_set_regs(struct vmm_vcpu *vcpu, const struct kvm_regs *regs)
{
	return ioctl(vcpu->fd, KVM_SET_REGS, regs) < 0 ? -errno : 0;
}

static const char *const kvm_exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
	[KVM_EXIT_IO] = "KVM_EXIT_IO",
	[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
	[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
	[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
	[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN (triple fault?)",
	[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
	[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
};

/* Fills vcpu->exit_str for an exit vmm_vcpu_run() does not handle. */
static int vcpu_unexpected_exit(struct vmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	const char *name = NULL;
	struct kvm_regs regs;
	char detail[64] = "";

	if (run->exit_reason < ARRAY_SIZE(kvm_exit_names))
		name = kvm_exit_names[run->exit_reason];
	if (run->exit_reason == KVM_EXIT_IO)
		snprintf(detail, sizeof(detail),
			 " %s port 0x%x size %u count %u",
			 run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			 run->io.port, run->io.size, run->io.count);
	else if (run->exit_reason == KVM_EXIT_MMIO)
		snprintf(detail, sizeof(detail), " %s gpa 0x%llx",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr);
	else if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		snprintf(detail, sizeof(detail), " hardware reason 0x%llx",
			 (unsigned long long)
				 run->fail_entry.hardware_entry_failure_reason);
	else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		snprintf(detail, sizeof(detail), " suberror %u",
			 run->internal.suberror);
	if (vmm_vcpu_get_regs(vcpu, &regs))
		regs.rip = ~0ull;
	snprintf(vcpu->exit_str, sizeof(vcpu->exit_str),
		 "%s%s (exit reason %u) at rip 0x%llx",
		 name ? name : "unknown exit", detail, run->exit_reason,
		 (unsigned long long)regs.rip);
	return -EIO;
}

/* 1: resume the guest, 0: the guest reported, < 0: error. */
static int vcpu_handle_exit(struct vmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_HLT:
		__atomic_add_fetch(&vcpu->hlt, 1, __ATOMIC_RELAXED);
		return 1;
	case KVM_EXIT_INTR:
		return 1;
	case KVM_EXIT_IO:
		if (run->io.direction != KVM_EXIT_IO_OUT || run->io.count != 1)
			break;
		if (run->io.port == VMM_PORT_DONE)
			return 0;
		if (run->io.port == VMM_PORT_NOP) {
			__atomic_add_fetch(&vcpu->nop_io, 1, __ATOMIC_RELAXED);
			return 1;
		}
		break;
	}
	return vcpu_unexpected_exit(vcpu);
}

int vmm_vcpu_run(struct vmm_vcpu *vcpu)
{
	int ret;

	do {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(vcpu->exit_str, sizeof(vcpu->exit_str),
				 "KVM_RUN failed: %s", strerror(errno));
			return -errno;
		}
		ret = vcpu_handle_exit(vcpu);
	} while (ret > 0);
	return ret;
}

int vmm_vcpu_call(struct vmm_vcpu *vcpu, uint64_t entry, struct vmm_regs *r)
{
	uint32_t ret_addr = VMM_GPA_STUB;
	struct kvm_regs regs = {
		.rax = r->eax,
		.rbx = r->ebx,
		.rcx = r->ecx,
		.rdx = r->edx,
		.rsi = r->esi,
		.rdi = r->edi,
		.rbp = r->ebp,
		.rsp = vcpu->stack_top - sizeof(ret_addr),
		.rip = entry,
		.rflags = X86_RFLAGS_FIXED,
	};
	int ret;

	ret = vmm_write(vcpu->vm, regs.rsp, &ret_addr, sizeof(ret_addr));
	if (!ret)
		ret = vmm_vcpu_set_regs(vcpu, &regs);
	if (!ret)
		ret = vmm_vcpu_run(vcpu);
	if (!ret)
		ret = vmm_vcpu_get_regs(vcpu, &regs);
	if (ret)
		return ret;
	*r = (struct vmm_regs){
		.eax = regs.rax,
		.ebx = regs.rbx,
		.ecx = regs.rcx,
		.edx = regs.rdx,
		.esi = regs.rsi,
		.edi = regs.rdi,
		.ebp = regs.rbp,
	};
	return 0;
}

void vmm_vcpu_stats(struct vmm_vcpu *vcpu, struct vmm_exit_stats *stats)
{
	stats->nop_io = __atomic_load_n(&vcpu->nop_io, __ATOMIC_RELAXED);
	stats->hlt = __atomic_load_n(&vcpu->hlt, __ATOMIC_RELAXED);
}

const char *vmm_vcpu_exit_str(struct vmm_vcpu *vcpu)
{
	return vcpu->exit_str;
}
