// SPDX-License-Identifier: GPL-2.0
/*
 * Guest programs, one position-independent blob copied into guest memory
 * (see guest.h).  They run in flat 32-bit protected mode with interrupts
 * disabled and are called with vmm_vcpu_call(): arguments in registers,
 * results in registers, `ret` to the VMM's report stub.  Like i386 C
 * functions they preserve %ebx, %esi, %edi and %ebp unless they say
 * otherwise, so one can be the workload of guest_measure.
 */
#include "vmm.h"

#define GUEST_FUNC(name)	.globl name; name:

	.section .rodata.guest, "a"
	.code32
	.p2align 4
	.globl guest_blob_start
guest_blob_start:

/* %ecx = N: N x OUT to VMM_PORT_NOP, one port I/O exit each. */
GUEST_FUNC(guest_out_loop)
	jecxz	2f
1:	outb	%al, $VMM_PORT_NOP
	loop	1b
2:	ret

/* %ecx = N: N x CPUID with EAX = 0, ECX = 0. */
GUEST_FUNC(guest_cpuid_loop)
	push	%ebx
	push	%esi
	mov	%ecx, %esi
	test	%esi, %esi
	jz	2f
1:	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%esi
	jnz	1b
2:	pop	%esi
	pop	%ebx
	ret

/* %ecx = N: N x HLT with interrupts disabled; each one exits. */
GUEST_FUNC(guest_hlt_loop)
	cli
	jecxz	2f
1:	hlt
	loop	1b
2:	ret

/* %ecx = N: N iterations of an empty loop (no exits of its own). */
GUEST_FUNC(guest_spin)
	jecxz	2f
1:	loop	1b
2:	ret

/* %eax = leaf, %ecx = subleaf: returns CPUID's %eax, %ebx, %ecx, %edx. */
GUEST_FUNC(guest_cpuid)
	cpuid
	ret

/*
 * %ebx = address of a 32-bit stop flag, %edx = N: OUT to VMM_PORT_NOP,
 * then N iterations of an empty loop, until the flag is non-zero.
 * Returns %ecx = number of OUTs.
 */
GUEST_FUNC(guest_out_until_stop)
	push	%esi
	xor	%esi, %esi
1:	outb	%al, $VMM_PORT_NOP
	inc	%esi
	mov	%edx, %ecx
	jecxz	3f
2:	loop	2b
3:	cmpl	$0, (%ebx)
	je	1b
	mov	%esi, %ecx
	pop	%esi
	ret

/*
 * %esi = query table: u32 nr, then nr x { u32 leaf, u32 subleaf }.
 * %edi = output: nr x { u32 eax, ebx, ecx, edx }, one CPUID per entry.
 * Returns %edi advanced past the output.
 */
GUEST_FUNC(guest_query)
.Lquery:				/* local: no relocation, no PLT */
	push	%ebx
	push	%esi
	push	%ebp
	mov	(%esi), %ebp
	add	$4, %esi
	test	%ebp, %ebp
	jz	2f
1:	mov	(%esi), %eax
	mov	4(%esi), %ecx
	cpuid
	mov	%eax, (%edi)
	mov	%ebx, 4(%edi)
	mov	%ecx, 8(%edi)
	mov	%edx, 12(%edi)
	add	$8, %esi
	add	$16, %edi
	dec	%ebp
	jnz	1b
2:	pop	%ebp
	pop	%esi
	pop	%ebx
	ret

/*
 * %ebx = workload (a guest function), %ecx = its N, %esi = query table,
 * %edi = output (2 x nr entries): guest_query, the workload, guest_query
 * again, all in one guest run, so no report exit lies in between.
 */
GUEST_FUNC(guest_measure)
	push	%ecx
	call	.Lquery
	pop	%ecx
	call	*%ebx
	call	.Lquery
	ret

	.globl guest_blob_end
guest_blob_end:

	.section .note.GNU-stack, "", @progbits
