// SPDX-License-Identifier: GPL-2.0
/*
 * docs/abi.md and es_cpuid_answer() agree: every example line of the
 * document's abi-examples block is replayed through the function.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_stats.h"

struct scenario {
	struct es_host host;
	struct fake_stats stats;
	unsigned int checked;
};

static void parse_host(struct scenario *s, const char *line)
{
	char isa[8], kernel[8], scope[8];

	assert_int_equal(sscanf(line, "host isa=%7s kernel=%7s scope=%7s", isa,
				kernel, scope),
			 3);
	s->host.table =
		es_isa_table(!strcmp(isa, "vmx") ? ES_ISA_VMX : ES_ISA_SVM);
	s->host.kernel = !strcmp(kernel, "6.1") ? ES_KERNEL_6_1 :
						  ES_KERNEL_6_12;
	assert_string_equal(es_kernel_name(s->host.kernel), kernel);
	assert_string_equal(s->host.table->name, isa);
	s->host.scope = !strcmp(scope, "vm") ? ES_SCOPE_VM : ES_SCOPE_GLOBAL;
	fake_stats_init(&s->stats, &s->host);
}

static void check_example(struct scenario *s, const char *line)
{
	struct es_stats_source src = fake_stats_source(&s->stats);
	unsigned int leaf, ecx, eax_x, ebx_x, ecx_x, edx_x;
	struct es_regs r;

	if (sscanf(line, "%x %x -> %x %x %x %x", &leaf, &ecx, &eax_x, &ebx_x,
		   &ecx_x, &edx_x) != 6)
		fail_msg("docs/abi.md: cannot read example line: %s", line);
	assert_true(es_cpuid_answer(leaf, ecx, &s->host, &src, &r));
	if (r.eax != eax_x || r.ebx != ebx_x || r.ecx != ecx_x ||
	    r.edx != edx_x)
		fail_msg(
			"docs/abi.md says %s but the function answers %08x %08x %08x %08x",
			line, r.eax, r.ebx, r.ecx, r.edx);
	s->checked++;
}

static void parse_line(struct scenario *s, const char *line)
{
	unsigned long long exits, cycles;
	unsigned int code;

	if (!strncmp(line, "host ", 5)) {
		parse_host(s, line);
	} else if (sscanf(line, "total exits=%llx cycles=%llx", &exits,
			  &cycles) == 2) {
		s->stats.total.exits = exits;
		s->stats.total.cycles = cycles;
	} else if (sscanf(line, "reason %i exits=%llx cycles=%llx", &code,
			  &exits, &cycles) == 3) {
		fake_stats_set(&s->stats, code, exits, cycles);
	} else if (line[0] != '#' && line[0] != '\n') {
		assert_non_null(s->host.table);
		check_example(s, line);
	}
}

static void test_doc_examples(void **state)
{
	const char *path = getenv("EXITSTAT_ABI_DOC");
	struct scenario *s = calloc(1, sizeof(*s));
	bool in_block = false;
	char line[256];
	FILE *f;

	(void)state;
	assert_non_null(s);
	f = fopen(path ? path : "docs/abi.md", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "```abi-examples", 15))
			in_block = true;
		else if (in_block && !strncmp(line, "```", 3))
			break;
		else if (in_block)
			parse_line(s, line);
	}
	fclose(f);
	assert_true(in_block);
	assert_true(s->checked >= 20);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
