// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat reasons: the exit-reason tables, and which reasons KVM handles.
 */
#include <getopt.h>
#include <stdio.h>

#include "builtin.h"
#include "json.h"
#include "usage.h"

static const char reasons_help[] =
	"usage: exitstat reasons [--isa vmx|svm] [--kernel 6.1|6.12] [--json]\n"
	"\n"
	"Lists every exit reason of Intel VMX (SDM Vol. 3, Appendix C) and AMD SVM\n"
	"(APM Vol. 2, Appendix C): the number in decimal and hex, KVM-style name,\n"
	"meaning, whether the manual defines it, and whether KVM of each kernel\n"
	"series has a handler for it (\"enabled\").  These are the numbers the\n"
	"CPUID leaves 0x4ffffffe/0x4fffffff take in ECX.\n"
	"\n"
	"Options:\n"
	"  -i, --isa ISA        only this table: vmx or svm (default: both)\n"
	"  -k, --kernel SERIES  only this kernel series: 6.1 or 6.12 (default: both)\n"
	"  -j, --json           one JSON array of tables instead of text\n"
	"  -h, --help           this text\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat reasons --isa vmx               # the SDM table, both kernels\n"
	"  exitstat reasons --isa svm --kernel 6.12 # APM codes KVM 6.12 handles\n"
	"  exitstat reasons --json | jq '.[0].reasons[] | select(.name==\"HLT\")'\n";

struct reasons_opts {
	bool isa[3]; /* indexed by enum es_isa */
	bool kernel[ES_KERNEL_NR];
	bool json;
};

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void text_table(const struct es_isa_table *t,
		       const struct reasons_opts *o)
{
	unsigned int slot;
	enum es_kernel k;

	printf("%s: %s\n", t->name, t->manual);
	printf("%10s  %-10s  %-26s  %-7s", "CODE", "HEX", "NAME", "DEFINED");
	for (k = 0; k < ES_KERNEL_NR; k++)
		if (o->kernel[k])
			printf("  %-4s", es_kernel_name(k));
	printf("  MEANING\n");

	for (slot = 0; slot < t->nr_slots; slot++) {
		const struct es_reason *r = es_slot_reason(t, slot);
		uint32_t code = es_slot_code(t, slot);

		printf("%10u  0x%-8x  %-26s  %-7s", code, code,
		       r->name ? r->name : "-", yes_no(r->name));
		for (k = 0; k < ES_KERNEL_NR; k++)
			if (o->kernel[k])
				printf("  %-4s",
				       yes_no(es_reason_enabled(t, k, code)));
		printf("  %s\n", r->meaning ? r->meaning : "-");
	}
}

static void json_reason(const struct es_isa_table *t, unsigned int slot,
			const struct reasons_opts *o)
{
	const struct es_reason *r = es_slot_reason(t, slot);
	uint32_t code = es_slot_code(t, slot);
	const char *sep = "";
	enum es_kernel k;

	printf("{\"code\":%u,\"hex\":\"0x%x\",\"name\":", code, code);
	json_string(stdout, r->name);
	printf(",\"meaning\":");
	json_string(stdout, r->meaning);
	printf(",\"defined\":%s,\"enabled\":{", r->name ? "true" : "false");
	for (k = 0; k < ES_KERNEL_NR; k++) {
		if (!o->kernel[k])
			continue;
		printf("%s\"%s\":%s", sep, es_kernel_name(k),
		       es_reason_enabled(t, k, code) ? "true" : "false");
		sep = ",";
	}
	printf("}}");
}

static void json_table(const struct es_isa_table *t,
		       const struct reasons_opts *o)
{
	unsigned int slot;

	printf("{\"isa\":");
	json_string(stdout, t->name);
	printf(",\"manual\":");
	json_string(stdout, t->manual);
	printf(",\"reasons\":[\n");
	for (slot = 0; slot < t->nr_slots; slot++) {
		json_reason(t, slot, o);
		printf(slot + 1 < t->nr_slots ? ",\n" : "\n");
	}
	printf("]}");
}

static int parse_reasons_opts(int argc, char **argv, struct reasons_opts *o)
{
	static const struct option longopts[] = {
		{ "isa", required_argument, NULL, 'i' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool any_isa = false, any_kernel = false;
	enum es_kernel k;
	enum es_isa isa;
	int c;

	while ((c = getopt_long(argc, argv, ":i:k:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_isa(optarg, &isa)) {
				usage_error(
					"reasons",
					"unknown ISA '%s' (expected vmx or svm)",
					optarg);
				return EXIT_USAGE;
			}
			o->isa[isa] = any_isa = true;
			break;
		case 'k':
			if (parse_kernel(optarg, &k)) {
				usage_error(
					"reasons",
					"unknown kernel series '%s' (expected 6.1 or 6.12)",
					optarg);
				return EXIT_USAGE;
			}
			o->kernel[k] = any_kernel = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			fputs(reasons_help, stdout);
			return -1;
		default:
			return usage_bad_option("reasons", c, argv);
		}
	}
	if (optind < argc) {
		usage_error(
			"reasons",
			"unexpected argument '%s' (see 'exitstat reasons --help')",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (!any_isa)
		o->isa[ES_ISA_VMX] = o->isa[ES_ISA_SVM] = true;
	for (k = 0; k < ES_KERNEL_NR && !any_kernel; k++)
		o->kernel[k] = true;
	return 0;
}

int cmd_reasons(int argc, char **argv)
{
	static const enum es_isa order[] = { ES_ISA_VMX, ES_ISA_SVM };
	struct reasons_opts o = { 0 };
	const char *sep = "";
	int ret = parse_reasons_opts(argc, argv, &o);
	size_t i;

	if (ret)
		return ret < 0 ? EXIT_OK : ret;

	if (o.json)
		printf("[");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!o.isa[order[i]])
			continue;
		printf("%s", sep);
		if (o.json) {
			json_table(es_isa_table(order[i]), &o);
			sep = ",\n";
		} else {
			text_table(es_isa_table(order[i]), &o);
			sep = "\n";
		}
	}
	printf(o.json ? "]\n" : "");
	return EXIT_OK;
}
