/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny VMM over /dev/kvm for in-guest tests, in the spirit of the KVM
 * selftests.  Guests run in flat 32-bit protected mode without paging, with
 * interrupts disabled and no in-kernel irqchip, so HLT and port I/O exit to
 * this library.  See README.md for the report protocol.
 *
 * Every function returns 0 or a negative errno.  Several VMs and several
 * vCPUs per VM may be used at once, one thread per running vCPU.
 *
 * The port numbers and the guest physical layout are also used by guest
 * assembly (guest.S), so they come first and stay assembler-safe.
 */
#ifndef VMM_H
#define VMM_H

/* An OUT to this port is one port I/O exit; the VMM counts it, resumes. */
#define VMM_PORT_NOP 0x80
/* An OUT to this port is the guest's report: vmm_vcpu_run() returns. */
#define VMM_PORT_DONE 0xe9

/* Guest physical layout: GDT, TSS and the return stub in the first pages. */
#define VMM_GPA_GDT 0x1000
#define VMM_GPA_TSS 0x1100
#define VMM_GPA_STUB 0x1200
#define VMM_GPA_FREE 0x2000 /* vmm_alloc() starts here */
#define VMM_STACK_SIZE 0x4000 /* per vCPU */
#define VMM_MEM_DEFAULT (2u << 20)
#define VMM_MAX_VCPUS 8

/* Selectors of the flat GDT. */
#define VMM_SEL_CODE 0x08
#define VMM_SEL_DATA 0x10
#define VMM_SEL_TSS 0x18

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

struct vmm_vm;
struct vmm_vcpu;

/* General registers of a call into guest code, in and out. */
struct vmm_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
};

/* Exits this library handled and resumed for a vCPU, since its creation. */
struct vmm_exit_stats {
	uint64_t nop_io; /* OUTs to VMM_PORT_NOP */
	uint64_t hlt; /* KVM_EXIT_HLT */
};

/* A VM with @mem_size bytes of memory at guest physical address 0. */
int vmm_vm_create(struct vmm_vm **vmp, size_t mem_size);
/* Closes the VM and its vCPUs; no vCPU of it may be running. */
void vmm_vm_destroy(struct vmm_vm *vm);

/* Reserves @size bytes of guest memory, 16-byte aligned, at *@gpa. */
int vmm_alloc(struct vmm_vm *vm, size_t size, uint64_t *gpa);
/* Host address of [@gpa, @gpa + @len), or NULL if outside guest memory. */
void *vmm_mem(struct vmm_vm *vm, uint64_t gpa, size_t len);
int vmm_write(struct vmm_vm *vm, uint64_t gpa, const void *src, size_t len);
int vmm_read(struct vmm_vm *vm, uint64_t gpa, void *dst, size_t len);
/* vmm_alloc() + vmm_write(): copies guest code, returns where. */
int vmm_load(struct vmm_vm *vm, const void *code, size_t size, uint64_t *gpa);

/* A vCPU in flat protected mode with its own stack and the host's CPUID. */
int vmm_vcpu_add(struct vmm_vm *vm, struct vmm_vcpu **vcpup);
int vmm_vcpu_get_regs(struct vmm_vcpu *vcpu, struct kvm_regs *regs);
int vmm_vcpu_set_regs(struct vmm_vcpu *vcpu, const struct kvm_regs *regs);

/*
 * Runs until the guest reports (OUT to VMM_PORT_DONE).  Resumes after HLT
 * and OUT to VMM_PORT_NOP; any other exit returns -EIO, described by
 * vmm_vcpu_exit_str().
 */
int vmm_vcpu_run(struct vmm_vcpu *vcpu);

/*
 * Calls the guest function at @entry with the registers in @regs, on the
 * vCPU's stack, and returns its registers in @regs: the function's `ret`
 * lands on a stub that reports.
 */
int vmm_vcpu_call(struct vmm_vcpu *vcpu, uint64_t entry, struct vmm_regs *regs);

/* Safe to call from any thread while the vCPU runs. */
void vmm_vcpu_stats(struct vmm_vcpu *vcpu, struct vmm_exit_stats *stats);
/* The last exit vmm_vcpu_run() refused, e.g. "KVM_EXIT_SHUTDOWN at ..." */
const char *vmm_vcpu_exit_str(struct vmm_vcpu *vcpu);

#endif /* __ASSEMBLER__ */
#endif /* VMM_H */
