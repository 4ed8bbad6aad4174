// SPDX-License-Identifier: GPL-2.0
/*
 * The exit-reason tables against a second, independent transcription of
 * the Intel SDM (Vol. 3, Appendix C) and the AMD APM (Vol. 2, Appendix C),
 * their structure, the lookups at every boundary, and the handler lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../core/reasons.h"

struct expect {
	uint32_t code;
	const char *name;
};

/* SDM Table C-1, every defined basic exit reason. */
static const struct expect sdm[] = {
	{ 0, "EXCEPTION_NMI" },
	{ 1, "EXTERNAL_INTERRUPT" },
	{ 2, "TRIPLE_FAULT" },
	{ 3, "INIT_SIGNAL" },
	{ 4, "SIPI_SIGNAL" },
	{ 5, "IO_SMI" },
	{ 6, "OTHER_SMI" },
	{ 7, "INTERRUPT_WINDOW" },
	{ 8, "NMI_WINDOW" },
	{ 9, "TASK_SWITCH" },
	{ 10, "CPUID" },
	{ 11, "GETSEC" },
	{ 12, "HLT" },
	{ 13, "INVD" },
	{ 14, "INVLPG" },
	{ 15, "RDPMC" },
	{ 16, "RDTSC" },
	{ 17, "RSM" },
	{ 18, "VMCALL" },
	{ 19, "VMCLEAR" },
	{ 20, "VMLAUNCH" },
	{ 21, "VMPTRLD" },
	{ 22, "VMPTRST" },
	{ 23, "VMREAD" },
	{ 24, "VMRESUME" },
	{ 25, "VMWRITE" },
	{ 26, "VMOFF" },
	{ 27, "VMON" },
	{ 28, "CR_ACCESS" },
	{ 29, "DR_ACCESS" },
	{ 30, "IO_INSTRUCTION" },
	{ 31, "MSR_READ" },
	{ 32, "MSR_WRITE" },
	{ 33, "INVALID_STATE" },
	{ 34, "MSR_LOAD_FAIL" },
	{ 36, "MWAIT_INSTRUCTION" },
	{ 37, "MONITOR_TRAP_FLAG" },
	{ 39, "MONITOR_INSTRUCTION" },
	{ 40, "PAUSE_INSTRUCTION" },
	{ 41, "MCE_DURING_VMENTRY" },
	{ 43, "TPR_BELOW_THRESHOLD" },
	{ 44, "APIC_ACCESS" },
	{ 45, "EOI_INDUCED" },
	{ 46, "GDTR_IDTR" },
	{ 47, "LDTR_TR" },
	{ 48, "EPT_VIOLATION" },
	{ 49, "EPT_MISCONFIG" },
	{ 50, "INVEPT" },
	{ 51, "RDTSCP" },
	{ 52, "PREEMPTION_TIMER" },
	{ 53, "INVVPID" },
	{ 54, "WBINVD" },
	{ 55, "XSETBV" },
	{ 56, "APIC_WRITE" },
	{ 57, "RDRAND" },
	{ 58, "INVPCID" },
	{ 59, "VMFUNC" },
	{ 60, "ENCLS" },
	{ 61, "RDSEED" },
	{ 62, "PML_FULL" },
	{ 63, "XSAVES" },
	{ 64, "XRSTORS" },
	{ 65, "PCONFIG" },
	{ 66, "SPP" },
	{ 67, "UMWAIT" },
	{ 68, "TPAUSE" },
	{ 69, "LOADIWKEY" },
	{ 70, "ENCLV" },
	{ 72, "ENQCMD_PASID_FAIL" },
	{ 73, "ENQCMDS_PASID_FAIL" },
	{ 74, "BUS_LOCK" },
	{ 75, "NOTIFY" },
	{ 76, "SEAMCALL" },
	{ 77, "TDCALL" },
	{ 78, "RDMSRLIST" },
	{ 79, "WRMSRLIST" },
	{ 80, "URDMSR" },
	{ 81, "UWRMSR" },
	{ 84, "MSR_READ_IMM" },
	{ 85, "MSR_WRITE_IMM" },
};

/* APM Table C-1 from 0x60 on (CR, DR and exception codes are below). */
static const struct expect apm[] = {
	{ 0x60, "INTR" },
	{ 0x61, "NMI" },
	{ 0x62, "SMI" },
	{ 0x63, "INIT" },
	{ 0x64, "VINTR" },
	{ 0x65, "CR0_SEL_WRITE" },
	{ 0x66, "IDTR_READ" },
	{ 0x67, "GDTR_READ" },
	{ 0x68, "LDTR_READ" },
	{ 0x69, "TR_READ" },
	{ 0x6a, "IDTR_WRITE" },
	{ 0x6b, "GDTR_WRITE" },
	{ 0x6c, "LDTR_WRITE" },
	{ 0x6d, "TR_WRITE" },
	{ 0x6e, "RDTSC" },
	{ 0x6f, "RDPMC" },
	{ 0x70, "PUSHF" },
	{ 0x71, "POPF" },
	{ 0x72, "CPUID" },
	{ 0x73, "RSM" },
	{ 0x74, "IRET" },
	{ 0x75, "SWINT" },
	{ 0x76, "INVD" },
	{ 0x77, "PAUSE" },
	{ 0x78, "HLT" },
	{ 0x79, "INVLPG" },
	{ 0x7a, "INVLPGA" },
	{ 0x7b, "IOIO" },
	{ 0x7c, "MSR" },
	{ 0x7d, "TASK_SWITCH" },
	{ 0x7e, "FERR_FREEZE" },
	{ 0x7f, "SHUTDOWN" },
	{ 0x80, "VMRUN" },
	{ 0x81, "VMMCALL" },
	{ 0x82, "VMLOAD" },
	{ 0x83, "VMSAVE" },
	{ 0x84, "STGI" },
	{ 0x85, "CLGI" },
	{ 0x86, "SKINIT" },
	{ 0x87, "RDTSCP" },
	{ 0x88, "ICEBP" },
	{ 0x89, "WBINVD" },
	{ 0x8a, "MONITOR" },
	{ 0x8b, "MWAIT" },
	{ 0x8c, "MWAIT_COND" },
	{ 0x8d, "XSETBV" },
	{ 0x8e, "RDPRU" },
	{ 0x8f, "EFER_WRITE_TRAP" },
	{ 0xa0, "INVLPGB" },
	{ 0xa1, "INVLPGB_ILLEGAL" },
	{ 0xa2, "INVPCID" },
	{ 0xa3, "MCOMMIT" },
	{ 0xa4, "TLBSYNC" },
	{ 0xa5, "BUS_LOCK" },
	{ 0xa6, "IDLE_HLT" },
	{ 0x400, "NPF" },
	{ 0x401, "AVIC_INCOMPLETE_IPI" },
	{ 0x402, "AVIC_UNACCELERATED_ACCESS" },
	{ 0x403, "VMGEXIT" },
	{ 0x407, "PML_FULL" },
	{ 0xfffffffc, "INVALID_PMC" },
	{ 0xfffffffd, "IDLE_REQUIRED" },
	{ 0xfffffffe, "BUSY" },
	{ 0xffffffff, "ERR" },
};

/* Exception intercepts 0x40 + vector; NULL: named by the vector. */
static const char *const excp[32] = {
	"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", NULL, "TS",
	"NP", "SS", "GP",  "PF", NULL, "MF", "AC", "MC", "XF", NULL, "CP",
	NULL, NULL, NULL,  NULL, NULL, NULL, "HV", "VC", "SX", NULL,
};

static void assert_name(const struct es_isa_table *t, uint32_t code,
			const char *name)
{
	const struct es_reason *r = es_reason_find(t, code);

	if (!r)
		fail_msg("%s code 0x%x: expected %s, table says undefined",
			 t->name, code, name);
	if (strcmp(r->name, name))
		fail_msg("%s code 0x%x: expected %s, table says %s", t->name,
			 code, name, r->name);
	assert_non_null(r->meaning);
}

/* Every defined code of @t is in @list (or generated), and vice versa. */
static void assert_defined_count(const struct es_isa_table *t,
				 unsigned int expected)
{
	unsigned int slot, defined = 0;

	for (slot = 0; slot < t->nr_slots; slot++)
		defined += es_slot_reason(t, slot)->name != NULL;
	assert_int_equal(defined, expected);
}

static void test_vmx_matches_sdm(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ES_ARRAY_SIZE(sdm); i++)
		assert_name(&es_vmx_table, sdm[i].code, sdm[i].name);
	assert_defined_count(&es_vmx_table, ES_ARRAY_SIZE(sdm));
	assert_int_equal(es_vmx_table.nr_slots, 86);
}

static void test_svm_matches_apm(void **state)
{
	char name[32];
	unsigned int n;
	size_t i;

	(void)state;
	for (n = 0; n < 16; n++) {
		snprintf(name, sizeof(name), "READ_CR%u", n);
		assert_name(&es_svm_table, 0x00 + n, name);
		snprintf(name, sizeof(name), "WRITE_CR%u", n);
		assert_name(&es_svm_table, 0x10 + n, name);
		snprintf(name, sizeof(name), "READ_DR%u", n);
		assert_name(&es_svm_table, 0x20 + n, name);
		snprintf(name, sizeof(name), "WRITE_DR%u", n);
		assert_name(&es_svm_table, 0x30 + n, name);
		snprintf(name, sizeof(name), "CR%u_WRITE_TRAP", n);
		assert_name(&es_svm_table, 0x90 + n, name);
	}
	for (n = 0; n < 32; n++) {
		if (excp[n])
			snprintf(name, sizeof(name), "EXCP_%s", excp[n]);
		else
			snprintf(name, sizeof(name), "EXCP_%u", n);
		assert_name(&es_svm_table, 0x40 + n, name);
	}
	for (i = 0; i < ES_ARRAY_SIZE(apm); i++)
		assert_name(&es_svm_table, apm[i].code, apm[i].name);
	assert_defined_count(&es_svm_table, 5 * 16 + 32 + ES_ARRAY_SIZE(apm));
}

/* The classic wrong tables: 28 is not HLT, 30 is not MSR_WRITE. */
static void test_classic_mistakes(void **state)
{
	(void)state;
	assert_name(&es_vmx_table, 12, "HLT");
	assert_name(&es_vmx_table, 28, "CR_ACCESS");
	assert_name(&es_vmx_table, 30, "IO_INSTRUCTION");
	assert_name(&es_vmx_table, 32, "MSR_WRITE");
}

static void check_structure(const struct es_isa_table *t)
{
	unsigned int i, slots = 0;

	assert_true(t->nr_ranges > 0);
	for (i = 0; i < t->nr_ranges; i++) {
		const struct es_reason_range *r = &t->ranges[i];

		assert_true(r->first <= r->last);
		if (i)
			assert_true(t->ranges[i - 1].last < r->first);
		slots += r->last - r->first + 1;
		/* Ranges start and end on defined codes. */
		assert_non_null(es_reason_find(t, r->first));
		assert_non_null(es_reason_find(t, r->last));
	}
	assert_int_equal(slots, t->nr_slots);
	for (i = 0; i < t->nr_slots; i++) {
		const struct es_reason *r = es_slot_reason(t, i);
		uint32_t code = es_slot_code(t, i);
		unsigned int j;

		assert_int_equal(es_reason_slot(t, code), i);
		assert_true((r->name == NULL) == (r->meaning == NULL));
		for (j = 0; r->name && j < i; j++) {
			const struct es_reason *o = es_slot_reason(t, j);

			if (o->name && !strcmp(o->name, r->name))
				fail_msg("%s: name %s used twice", t->name,
					 r->name);
		}
	}
	assert_null(es_slot_reason(t, t->nr_slots));
}

static void test_structure(void **state)
{
	(void)state;
	check_structure(&es_vmx_table);
	check_structure(&es_svm_table);
	assert_ptr_equal(es_isa_table(ES_ISA_VMX), &es_vmx_table);
	assert_ptr_equal(es_isa_table(ES_ISA_SVM), &es_svm_table);
	assert_null(es_isa_table((enum es_isa)0));
	assert_null(es_isa_table((enum es_isa)3));
}

static void test_boundaries(void **state)
{
	const struct es_isa_table *v = &es_vmx_table, *s = &es_svm_table;

	(void)state;
	/* The first undefined number after each defined range. */
	assert_null(es_reason_find(v, 35));
	assert_null(es_reason_find(v, 86));
	assert_int_equal(es_reason_slot(v, 86), ES_NO_SLOT);
	assert_null(es_reason_find(s, 0xa7));
	assert_null(es_reason_find(s, 0x404));
	assert_null(es_reason_find(s, 0x408));
	assert_null(es_reason_find(s, 0xfffffffb));
	assert_int_equal(es_reason_slot(s, 0x3ff), ES_NO_SLOT);
	/* Edge values. */
	assert_non_null(es_reason_find(v, 0));
	assert_non_null(es_reason_find(s, 0));
	assert_null(es_reason_find(v, 0xffffffff));
	assert_null(es_reason_find(v, 0x80000000));
	assert_null(es_reason_find(v, 0x8000000c)); /* entry-failure bit */
	assert_null(es_reason_find(s, 0x80000000));
	assert_null(es_reason_find(s, 0x7fffffff));
	assert_non_null(es_reason_find(s, 0xffffffff));
	assert_int_equal(es_reason_slot(s, 0xffffffff), s->nr_slots - 1);
	assert_int_equal(es_slot_code(s, s->nr_slots - 1), 0xffffffff);
}

static void check_handlers(const struct es_isa_table *t)
{
	int k;

	for (k = 0; k < ES_KERNEL_NR; k++) {
		const struct es_code_list *l = &t->enabled[k];
		unsigned int i;

		assert_true(l->nr > 20);
		for (i = 0; i < l->nr; i++) {
			if (!es_reason_find(t, l->codes[i]))
				fail_msg("%s %s: handler for undefined 0x%x",
					 t->name, es_kernel_name(k),
					 l->codes[i]);
			if (i)
				assert_true(l->codes[i - 1] < l->codes[i]);
			assert_true(es_reason_enabled(t, k, l->codes[i]));
		}
	}
}

static void test_handler_lists(void **state)
{
	static const uint32_t vmx_on[] = { 0,  1,  10, 12, 28, 30,
					   31, 32, 48, 49, 52 };
	static const uint32_t svm_on[] = { 0x60, 0x72,	0x78, 0x7b,
					   0x7c, 0x400, 0x403 };
	int k;
	size_t i;

	(void)state;
	check_handlers(&es_vmx_table);
	check_handlers(&es_svm_table);
	for (k = 0; k < ES_KERNEL_NR; k++) {
		for (i = 0; i < ES_ARRAY_SIZE(vmx_on); i++)
			assert_true(
				es_reason_enabled(&es_vmx_table, k, vmx_on[i]));
		for (i = 0; i < ES_ARRAY_SIZE(svm_on); i++)
			assert_true(
				es_reason_enabled(&es_svm_table, k, svm_on[i]));
		/* Handled outside the handler arrays, or never. */
		assert_false(es_reason_enabled(&es_vmx_table, k, 33));
		assert_false(es_reason_enabled(&es_vmx_table, k, 35));
		assert_false(es_reason_enabled(&es_svm_table, k, 0x01));
		assert_false(es_reason_enabled(&es_svm_table, k, 0xffffffff));
		assert_false(es_reason_enabled(&es_svm_table, k, 0x404));
	}
	assert_false(es_reason_enabled(&es_vmx_table, ES_KERNEL_NR, 10));
}

static void test_kernel_series(void **state)
{
	(void)state;
	assert_int_equal(es_kernel_series(5, 15), ES_KERNEL_6_1);
	assert_int_equal(es_kernel_series(6, 1), ES_KERNEL_6_1);
	assert_int_equal(es_kernel_series(6, 11), ES_KERNEL_6_1);
	assert_int_equal(es_kernel_series(6, 12), ES_KERNEL_6_12);
	assert_int_equal(es_kernel_series(6, 18), ES_KERNEL_6_12);
	assert_int_equal(es_kernel_series(7, 0), ES_KERNEL_6_12);
	assert_string_equal(es_kernel_name(ES_KERNEL_6_1), "6.1");
	assert_string_equal(es_kernel_name(ES_KERNEL_6_12), "6.12");
	assert_null(es_kernel_name(ES_KERNEL_NR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmx_matches_sdm),
		cmocka_unit_test(test_svm_matches_apm),
		cmocka_unit_test(test_classic_mistakes),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_handler_lists),
		cmocka_unit_test(test_kernel_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
