// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VMX basic exit reasons: Intel SDM Vol. 3, Appendix C, Table C-1
 * ("Basic Exit Reasons"), order number 325462-093US, September 2026.
 *
 * Names are Linux's EXIT_REASON_* identifiers (arch/x86/include/uapi/asm/
 * vmx.h) without the prefix; where Linux has no macro the name is derived
 * from the SDM's wording in the same style.  Numbers the SDM leaves
 * undefined (35, 38, 42, 71, 82, 83) have no entry, so their name is NULL.
 * See docs/exit-reasons.md for sources and the judgement calls.
 *
 * Note the classic mistake this table exists to avoid: 12 is HLT, 28 is a
 * control-register access, 30 is an I/O instruction, 31 is RDMSR and 32 is
 * WRMSR.
 */
#include "reasons.h"

static const struct es_reason vmx_basic[] = {
	[0]  = { "EXCEPTION_NMI",	"Exception or non-maskable interrupt" },
	[1]  = { "EXTERNAL_INTERRUPT",	"External interrupt" },
	[2]  = { "TRIPLE_FAULT",	"Triple fault" },
	[3]  = { "INIT_SIGNAL",		"INIT signal" },
	[4]  = { "SIPI_SIGNAL",		"Start-up IPI (SIPI)" },
	[5]  = { "IO_SMI",		"I/O system-management interrupt" },
	[6]  = { "OTHER_SMI",		"Other SMI (not an I/O SMI)" },
	[7]  = { "INTERRUPT_WINDOW",	"Interrupt window" },
	[8]  = { "NMI_WINDOW",		"NMI window" },
	[9]  = { "TASK_SWITCH",		"Task switch" },
	[10] = { "CPUID",		"Attempt to execute CPUID" },
	[11] = { "GETSEC",		"Attempt to execute GETSEC" },
	[12] = { "HLT",			"Attempt to execute HLT" },
	[13] = { "INVD",		"Attempt to execute INVD" },
	[14] = { "INVLPG",		"Attempt to execute INVLPG" },
	[15] = { "RDPMC",		"Attempt to execute RDPMC" },
	[16] = { "RDTSC",		"Attempt to execute RDTSC" },
	[17] = { "RSM",			"Attempt to execute RSM in SMM" },
	[18] = { "VMCALL",		"VMCALL was executed" },
	[19] = { "VMCLEAR",		"Attempt to execute VMCLEAR" },
	[20] = { "VMLAUNCH",		"Attempt to execute VMLAUNCH" },
	[21] = { "VMPTRLD",		"Attempt to execute VMPTRLD" },
	[22] = { "VMPTRST",		"Attempt to execute VMPTRST" },
	[23] = { "VMREAD",		"Attempt to execute VMREAD" },
	[24] = { "VMRESUME",		"Attempt to execute VMRESUME" },
	[25] = { "VMWRITE",		"Attempt to execute VMWRITE" },
	[26] = { "VMOFF",		"Attempt to execute VMXOFF" },
	[27] = { "VMON",		"Attempt to execute VMXON" },
	[28] = { "CR_ACCESS",
		 "Control-register accesses (CLTS, LMSW, MOV CR)" },
	[29] = { "DR_ACCESS",		"MOV to or from a debug register" },
	[30] = { "IO_INSTRUCTION",	"I/O instruction (IN/OUT/INS/OUTS)" },
	[31] = { "MSR_READ",
		 "Attempt to execute RDMSR (MSR index in ECX)" },
	[32] = { "MSR_WRITE",
		 "Attempt to execute WRMSR or WRMSRNS (MSR index in ECX)" },
	[33] = { "INVALID_STATE",
		 "VM-entry failure due to invalid guest state" },
	[34] = { "MSR_LOAD_FAIL",	"VM-entry failure due to MSR loading" },
	[36] = { "MWAIT_INSTRUCTION",	"Attempt to execute MWAIT" },
	[37] = { "MONITOR_TRAP_FLAG",	"Monitor trap flag" },
	[39] = { "MONITOR_INSTRUCTION",	"Attempt to execute MONITOR" },
	[40] = { "PAUSE_INSTRUCTION",	"Attempt to execute PAUSE" },
	[41] = { "MCE_DURING_VMENTRY",
		 "VM-entry failure due to machine-check event" },
	[43] = { "TPR_BELOW_THRESHOLD",	"TPR below threshold" },
	[44] = { "APIC_ACCESS",		"APIC access" },
	[45] = { "EOI_INDUCED",		"Virtualized EOI" },
	[46] = { "GDTR_IDTR",		"Access to GDTR or IDTR" },
	[47] = { "LDTR_TR",		"Access to LDTR or TR" },
	[48] = { "EPT_VIOLATION",	"EPT violation" },
	[49] = { "EPT_MISCONFIG",	"EPT misconfiguration" },
	[50] = { "INVEPT",		"Attempt to execute INVEPT" },
	[51] = { "RDTSCP",		"Attempt to execute RDTSCP" },
	[52] = { "PREEMPTION_TIMER",	"VMX-preemption timer expired" },
	[53] = { "INVVPID",		"Attempt to execute INVVPID" },
	[54] = { "WBINVD",		"Attempt to execute WBINVD/WBNOINVD" },
	[55] = { "XSETBV",		"Attempt to execute XSETBV" },
	[56] = { "APIC_WRITE",		"APIC write" },
	[57] = { "RDRAND",		"Attempt to execute RDRAND" },
	[58] = { "INVPCID",		"Attempt to execute INVPCID" },
	[59] = { "VMFUNC",
		 "VMFUNC: VM function not enabled or it caused the exit" },
	[60] = { "ENCLS",		"Attempt to execute ENCLS" },
	[61] = { "RDSEED",		"Attempt to execute RDSEED" },
	[62] = { "PML_FULL",		"Page-modification log full" },
	[63] = { "XSAVES",		"Attempt to execute XSAVES" },
	[64] = { "XRSTORS",		"Attempt to execute XRSTORS" },
	[65] = { "PCONFIG",		"Attempt to execute PCONFIG" },
	[66] = { "SPP",
		 "SPP-related event (sub-page write permissions)" },
	[67] = { "UMWAIT",		"Attempt to execute UMWAIT" },
	[68] = { "TPAUSE",		"Attempt to execute TPAUSE" },
	[69] = { "LOADIWKEY",		"Attempt to execute LOADIWKEY" },
	[70] = { "ENCLV",		"Attempt to execute ENCLV" },
	[72] = { "ENQCMD_PASID_FAIL",	"ENQCMD PASID translation failure" },
	[73] = { "ENQCMDS_PASID_FAIL",	"ENQCMDS PASID translation failure" },
	[74] = { "BUS_LOCK",		"Bus lock" },
	[75] = { "NOTIFY",		"Instruction timeout (notify window)" },
	[76] = { "SEAMCALL",		"Attempt to execute SEAMCALL" },
	[77] = { "TDCALL",		"Attempt to execute TDCALL" },
	[78] = { "RDMSRLIST",		"Attempt to execute RDMSRLIST" },
	[79] = { "WRMSRLIST",		"Attempt to execute WRMSRLIST" },
	[80] = { "URDMSR",		"Attempt to execute URDMSR" },
	[81] = { "UWRMSR",		"Attempt to execute UWRMSR" },
	[84] = { "MSR_READ_IMM",
		 "Attempt to execute RDMSR with an immediate MSR index" },
	[85] = { "MSR_WRITE_IMM",
		 "Attempt to execute WRMSRNS with an immediate MSR index" },
};

_Static_assert(ES_ARRAY_SIZE(vmx_basic) == 86,
	       "VMX table must end at the highest defined basic exit reason");

static const struct es_reason_range vmx_ranges[] = {
	{ 0, ES_ARRAY_SIZE(vmx_basic) - 1, vmx_basic },
};

const struct es_isa_table es_vmx_table = {
	.isa		= ES_ISA_VMX,
	.name		= "vmx",
	.manual		= "Intel SDM Vol. 3, Appendix C (325462-093US, September 2026)",
	.ranges		= vmx_ranges,
	.nr_ranges	= ES_ARRAY_SIZE(vmx_ranges),
	.nr_slots	= ES_ARRAY_SIZE(vmx_basic),
	.enabled	= es_kvm_vmx_handlers,
};
