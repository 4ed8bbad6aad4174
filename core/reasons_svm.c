// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM intercept exit codes: AMD64 Architecture Programmer's Manual
 * Vol. 2 (publication 24593), Appendix C, Table C-1 ("SVM Intercept
 * Codes"), Rev. 3.45, July 2026.
 *
 * Names are Linux's SVM_EXIT_* identifiers (arch/x86/include/uapi/asm/
 * svm.h) without the prefix; where Linux has no macro the name is derived
 * from the APM's VMEXIT_* name in the same style.  Exception intercepts
 * are EXCP_<mnemonic>, or EXCP_<vector> for vectors without one.
 * See docs/exit-reasons.md for sources and the judgement calls.
 *
 * The code space is sparse, so the table is three dense ranges:
 *   0x000-0x0a6            intercepts with a bit in the intercept vector
 *   0x400-0x407            NPF, AVIC, VMGEXIT, PML_FULL (0x404-0x406: none)
 *   0xfffffffc-0xffffffff  the negative codes -4 .. -1, as 32-bit values
 */
#include "reasons.h"

#define SVM_LOW_FIRST	0x000u
#define SVM_LOW_LAST	0x0a6u
#define SVM_HIGH_FIRST	0x400u
#define SVM_HIGH_LAST	0x407u
#define SVM_NEG_FIRST	0xfffffffcu	/* -4 */
#define SVM_NEG_LAST	0xffffffffu	/* -1 */

#define CR_READ(n)	{ "READ_CR" #n, "Read of CR" #n }
#define CR_WRITE(n)	{ "WRITE_CR" #n, "Write of CR" #n }
#define DR_READ(n)	{ "READ_DR" #n, "Read of DR" #n }
#define DR_WRITE(n)	{ "WRITE_DR" #n, "Write of DR" #n }
#define EXCP(v, mnem, what)						\
	{ "EXCP_" mnem, "Exception vector " #v " (" what ")" }
#define CR_WRITE_TRAP(n)						\
	{ "CR" #n "_WRITE_TRAP",					\
	  "Write of CR" #n " (trap, after the instruction)" }

static const struct es_reason svm_low[] = {
	[0x00] = CR_READ(0),
	[0x01] = CR_READ(1),
	[0x02] = CR_READ(2),
	[0x03] = CR_READ(3),
	[0x04] = CR_READ(4),
	[0x05] = CR_READ(5),
	[0x06] = CR_READ(6),
	[0x07] = CR_READ(7),
	[0x08] = CR_READ(8),
	[0x09] = CR_READ(9),
	[0x0a] = CR_READ(10),
	[0x0b] = CR_READ(11),
	[0x0c] = CR_READ(12),
	[0x0d] = CR_READ(13),
	[0x0e] = CR_READ(14),
	[0x0f] = CR_READ(15),

	[0x10] = CR_WRITE(0),
	[0x11] = CR_WRITE(1),
	[0x12] = CR_WRITE(2),
	[0x13] = CR_WRITE(3),
	[0x14] = CR_WRITE(4),
	[0x15] = CR_WRITE(5),
	[0x16] = CR_WRITE(6),
	[0x17] = CR_WRITE(7),
	[0x18] = CR_WRITE(8),
	[0x19] = CR_WRITE(9),
	[0x1a] = CR_WRITE(10),
	[0x1b] = CR_WRITE(11),
	[0x1c] = CR_WRITE(12),
	[0x1d] = CR_WRITE(13),
	[0x1e] = CR_WRITE(14),
	[0x1f] = CR_WRITE(15),

	[0x20] = DR_READ(0),
	[0x21] = DR_READ(1),
	[0x22] = DR_READ(2),
	[0x23] = DR_READ(3),
	[0x24] = DR_READ(4),
	[0x25] = DR_READ(5),
	[0x26] = DR_READ(6),
	[0x27] = DR_READ(7),
	[0x28] = DR_READ(8),
	[0x29] = DR_READ(9),
	[0x2a] = DR_READ(10),
	[0x2b] = DR_READ(11),
	[0x2c] = DR_READ(12),
	[0x2d] = DR_READ(13),
	[0x2e] = DR_READ(14),
	[0x2f] = DR_READ(15),

	[0x30] = DR_WRITE(0),
	[0x31] = DR_WRITE(1),
	[0x32] = DR_WRITE(2),
	[0x33] = DR_WRITE(3),
	[0x34] = DR_WRITE(4),
	[0x35] = DR_WRITE(5),
	[0x36] = DR_WRITE(6),
	[0x37] = DR_WRITE(7),
	[0x38] = DR_WRITE(8),
	[0x39] = DR_WRITE(9),
	[0x3a] = DR_WRITE(10),
	[0x3b] = DR_WRITE(11),
	[0x3c] = DR_WRITE(12),
	[0x3d] = DR_WRITE(13),
	[0x3e] = DR_WRITE(14),
	[0x3f] = DR_WRITE(15),

	[0x40] = EXCP(0,  "DE",  "#DE, divide-by-zero error"),
	[0x41] = EXCP(1,  "DB",  "#DB, debug"),
	[0x42] = EXCP(2,  "NMI", "NMI, non-maskable interrupt"),
	[0x43] = EXCP(3,  "BP",  "#BP, breakpoint"),
	[0x44] = EXCP(4,  "OF",  "#OF, overflow"),
	[0x45] = EXCP(5,  "BR",  "#BR, bound range"),
	[0x46] = EXCP(6,  "UD",  "#UD, invalid opcode"),
	[0x47] = EXCP(7,  "NM",  "#NM, device not available"),
	[0x48] = EXCP(8,  "DF",  "#DF, double fault"),
	[0x49] = EXCP(9,  "9",   "coprocessor segment overrun"),
	[0x4a] = EXCP(10, "TS",  "#TS, invalid TSS"),
	[0x4b] = EXCP(11, "NP",  "#NP, segment not present"),
	[0x4c] = EXCP(12, "SS",  "#SS, stack"),
	[0x4d] = EXCP(13, "GP",  "#GP, general protection"),
	[0x4e] = EXCP(14, "PF",  "#PF, page fault"),
	[0x4f] = EXCP(15, "15",  "reserved"),
	[0x50] = EXCP(16, "MF",  "#MF, x87 floating-point"),
	[0x51] = EXCP(17, "AC",  "#AC, alignment check"),
	[0x52] = EXCP(18, "MC",  "#MC, machine check"),
	[0x53] = EXCP(19, "XF",  "#XF, SIMD floating-point"),
	[0x54] = EXCP(20, "20",  "reserved"),
	[0x55] = EXCP(21, "CP",  "#CP, control protection"),
	[0x56] = EXCP(22, "22",  "reserved"),
	[0x57] = EXCP(23, "23",  "reserved"),
	[0x58] = EXCP(24, "24",  "reserved"),
	[0x59] = EXCP(25, "25",  "reserved"),
	[0x5a] = EXCP(26, "26",  "reserved"),
	[0x5b] = EXCP(27, "27",  "reserved"),
	[0x5c] = EXCP(28, "HV",  "#HV, hypervisor injection"),
	[0x5d] = EXCP(29, "VC",  "#VC, VMM communication"),
	[0x5e] = EXCP(30, "SX",  "#SX, security"),
	[0x5f] = EXCP(31, "31",  "reserved"),

	[0x60] = { "INTR",		"Physical INTR (maskable interrupt)" },
	[0x61] = { "NMI",		"Physical NMI" },
	[0x62] = { "SMI",		"Physical SMI" },
	[0x63] = { "INIT",		"Physical INIT" },
	[0x64] = { "VINTR",		"Virtual INTR" },
	[0x65] = { "CR0_SEL_WRITE",
		   "Write of CR0 changing bits other than CR0.TS or CR0.MP" },
	[0x66] = { "IDTR_READ",		"Read of IDTR" },
	[0x67] = { "GDTR_READ",		"Read of GDTR" },
	[0x68] = { "LDTR_READ",		"Read of LDTR" },
	[0x69] = { "TR_READ",		"Read of TR" },
	[0x6a] = { "IDTR_WRITE",	"Write of IDTR" },
	[0x6b] = { "GDTR_WRITE",	"Write of GDTR" },
	[0x6c] = { "LDTR_WRITE",	"Write of LDTR" },
	[0x6d] = { "TR_WRITE",		"Write of TR" },
	[0x6e] = { "RDTSC",		"RDTSC instruction" },
	[0x6f] = { "RDPMC",		"RDPMC instruction" },
	[0x70] = { "PUSHF",		"PUSHF instruction" },
	[0x71] = { "POPF",		"POPF instruction" },
	[0x72] = { "CPUID",		"CPUID instruction" },
	[0x73] = { "RSM",		"RSM instruction" },
	[0x74] = { "IRET",		"IRET instruction" },
	[0x75] = { "SWINT",		"Software interrupt (INTn)" },
	[0x76] = { "INVD",		"INVD instruction" },
	[0x77] = { "PAUSE",		"PAUSE instruction" },
	[0x78] = { "HLT",		"HLT instruction" },
	[0x79] = { "INVLPG",		"INVLPG instruction" },
	[0x7a] = { "INVLPGA",		"INVLPGA instruction" },
	[0x7b] = { "IOIO",		"IN or OUT accessing protected port" },
	[0x7c] = { "MSR",
		   "RDMSR or WRMSR access to a protected MSR" },
	[0x7d] = { "TASK_SWITCH",	"Task switch" },
	[0x7e] = { "FERR_FREEZE",
		   "Processor frozen in an x87/MMX instruction (FERR freeze)" },
	[0x7f] = { "SHUTDOWN",		"Shutdown" },
	[0x80] = { "VMRUN",		"VMRUN instruction" },
	[0x81] = { "VMMCALL",		"VMMCALL instruction" },
	[0x82] = { "VMLOAD",		"VMLOAD instruction" },
	[0x83] = { "VMSAVE",		"VMSAVE instruction" },
	[0x84] = { "STGI",		"STGI instruction" },
	[0x85] = { "CLGI",		"CLGI instruction" },
	[0x86] = { "SKINIT",		"SKINIT instruction" },
	[0x87] = { "RDTSCP",		"RDTSCP instruction" },
	[0x88] = { "ICEBP",		"ICEBP instruction" },
	[0x89] = { "WBINVD",		"WBINVD or WBNOINVD instruction" },
	[0x8a] = { "MONITOR",		"MONITOR or MONITORX instruction" },
	[0x8b] = { "MWAIT",		"MWAIT or MWAITX instruction" },
	[0x8c] = { "MWAIT_COND",
		   "MWAIT or MWAITX instruction, monitor hardware armed" },
	[0x8d] = { "XSETBV",		"XSETBV instruction" },
	[0x8e] = { "RDPRU",		"RDPRU instruction" },
	[0x8f] = { "EFER_WRITE_TRAP",
		   "Write of EFER (trap, after the instruction)" },

	[0x90] = CR_WRITE_TRAP(0),
	[0x91] = CR_WRITE_TRAP(1),
	[0x92] = CR_WRITE_TRAP(2),
	[0x93] = CR_WRITE_TRAP(3),
	[0x94] = CR_WRITE_TRAP(4),
	[0x95] = CR_WRITE_TRAP(5),
	[0x96] = CR_WRITE_TRAP(6),
	[0x97] = CR_WRITE_TRAP(7),
	[0x98] = CR_WRITE_TRAP(8),
	[0x99] = CR_WRITE_TRAP(9),
	[0x9a] = CR_WRITE_TRAP(10),
	[0x9b] = CR_WRITE_TRAP(11),
	[0x9c] = CR_WRITE_TRAP(12),
	[0x9d] = CR_WRITE_TRAP(13),
	[0x9e] = CR_WRITE_TRAP(14),
	[0x9f] = CR_WRITE_TRAP(15),

	[0xa0] = { "INVLPGB",		"INVLPGB instruction" },
	[0xa1] = { "INVLPGB_ILLEGAL",	"Illegal INVLPGB instruction" },
	[0xa2] = { "INVPCID",		"INVPCID instruction" },
	[0xa3] = { "MCOMMIT",		"MCOMMIT instruction" },
	[0xa4] = { "TLBSYNC",		"TLBSYNC instruction" },
	[0xa5] = { "BUS_LOCK",
		   "Bus lock while the bus lock threshold counter is 0" },
	[0xa6] = { "IDLE_HLT",
		   "HLT instruction while no virtual interrupt is pending" },
};

static const struct es_reason svm_high[] = {
	[0x400 - SVM_HIGH_FIRST] = { "NPF",
		"Nested page fault (host-level page fault)" },
	[0x401 - SVM_HIGH_FIRST] = { "AVIC_INCOMPLETE_IPI",
		"AVIC: virtual IPI delivery not completed" },
	[0x402 - SVM_HIGH_FIRST] = { "AVIC_UNACCELERATED_ACCESS",
		"AVIC: guest vAPIC register access not handled by AVIC" },
	[0x403 - SVM_HIGH_FIRST] = { "VMGEXIT",
		"VMGEXIT instruction" },
	[0x407 - SVM_HIGH_FIRST] = { "PML_FULL",
		"Page-modification log buffer full" },
};

static const struct es_reason svm_neg[] = {
	[0xfffffffcu - SVM_NEG_FIRST] = { "INVALID_PMC",
		"-4: invalid PMC state" },
	[0xfffffffdu - SVM_NEG_FIRST] = { "IDLE_REQUIRED",
		"-3: the sibling thread is not in an idle state" },
	[0xfffffffeu - SVM_NEG_FIRST] = { "BUSY",
		"-2: BUSY bit was set in the VMSA" },
	[0xffffffffu - SVM_NEG_FIRST] = { "ERR",
		"-1: invalid guest state in the VMCB (VMEXIT_INVALID)" },
};

_Static_assert(ES_ARRAY_SIZE(svm_low) == SVM_LOW_LAST - SVM_LOW_FIRST + 1,
	       "svm_low must cover 0x000-0x0a6");
_Static_assert(ES_ARRAY_SIZE(svm_high) == SVM_HIGH_LAST - SVM_HIGH_FIRST + 1,
	       "svm_high must cover 0x400-0x407");
_Static_assert(ES_ARRAY_SIZE(svm_neg) == SVM_NEG_LAST - SVM_NEG_FIRST + 1,
	       "svm_neg must cover -4 .. -1");

static const struct es_reason_range svm_ranges[] = {
	{ SVM_LOW_FIRST,  SVM_LOW_LAST,  svm_low },
	{ SVM_HIGH_FIRST, SVM_HIGH_LAST, svm_high },
	{ SVM_NEG_FIRST,  SVM_NEG_LAST,  svm_neg },
};

const struct es_isa_table es_svm_table = {
	.isa		= ES_ISA_SVM,
	.name		= "svm",
	.manual		= "AMD64 APM Vol. 2 (24593), Appendix C (Rev. 3.45, July 2026)",
	.ranges		= svm_ranges,
	.nr_ranges	= ES_ARRAY_SIZE(svm_ranges),
	.nr_slots	= ES_ARRAY_SIZE(svm_low) + ES_ARRAY_SIZE(svm_high) +
			  ES_ARRAY_SIZE(svm_neg),
	.enabled	= es_kvm_svm_handlers,
};
