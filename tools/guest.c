// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery: are the exitstat CPUID leaves there, and for which ISA.
 */
#include <errno.h>
#include <string.h>

#include "guest.h"

/* Leaf 1, ECX: set by hypervisors (Intel SDM / AMD APM: reserved for). */
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_HV_LEAF 0x40000000u

struct es_regs guest_ask(struct guest_reader *r, uint32_t leaf,
			 uint32_t subleaf)
{
	struct es_regs regs = { 0, 0, 0, 0 };

	r->src->cpuid(r->src->ctx, leaf, subleaf, &regs);
	r->queries++;
	return regs;
}

/* Twelve characters of @regs as a string; unprintable ones become '.'. */
static void regs_string(char out[13], uint32_t a, uint32_t b, uint32_t c)
{
	int i;

	memcpy(out, &a, 4);
	memcpy(out + 4, &b, 4);
	memcpy(out + 8, &c, 4);
	out[12] = '\0';
	for (i = 0; i < 12 && out[i]; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '.';
}

/* The ISA a CPU vendor's virtualization uses; 0 if we cannot tell. */
static int vendor_isa(const char *vendor)
{
	static const struct {
		const char *vendor;
		enum es_isa isa;
	} vendors[] = {
		{ "GenuineIntel", ES_ISA_VMX }, { "CentaurHauls", ES_ISA_VMX },
		{ "  Shanghai  ", ES_ISA_VMX }, { "AuthenticAMD", ES_ISA_SVM },
		{ "HygonGenuine", ES_ISA_SVM },
	};
	size_t i;

	for (i = 0; i < ES_ARRAY_SIZE(vendors); i++)
		if (!strcmp(vendor, vendors[i].vendor))
			return vendors[i].isa;
	return 0;
}

bool guest_has_signature(const struct es_regs *regs)
{
	return regs->ebx == ES_SIGNATURE_EBX && regs->ecx == ES_SIGNATURE_ECX;
}

/* No signature: find out what there is instead, for the message. */
static int probe_absence(struct guest_reader *r)
{
	struct es_regs regs = guest_ask(r, 1, 0);

	r->host.hypervisor = regs.ecx & CPUID_1_ECX_HYPERVISOR;
	if (r->host.hypervisor) {
		regs = guest_ask(r, CPUID_HV_LEAF, 0);
		regs_string(r->host.hv_name, regs.ebx, regs.ecx, regs.edx);
	}
	return -ENODEV;
}

static uint32_t find_code(const struct es_isa_table *t, const char *name)
{
	unsigned int slot;

	for (slot = 0; slot < t->nr_slots; slot++) {
		const struct es_reason *e = es_slot_reason(t, slot);

		if (e->name && !strcmp(e->name, name))
			return es_slot_code(t, slot);
	}
	return ES_NO_SLOT;
}

int guest_open(struct guest_reader *r, const struct cpuid_source *src)
{
	struct es_regs regs;
	uint32_t isa;

	memset(r, 0, sizeof(*r));
	r->src = src;
	regs = guest_ask(r, 0, 0);
	regs_string(r->host.vendor, regs.ebx, regs.edx, regs.ecx);
	regs = guest_ask(r, ES_LEAF_TOTAL_EXITS, 0);
	if (!guest_has_signature(&regs))
		return probe_absence(r);

	r->host.info = regs.edx;
	isa = ES_INFO_ISA(regs.edx);
	if (!ES_INFO_VERSION(regs.edx) ||
	    (isa != ES_ISA_VMX && isa != ES_ISA_SVM))
		return -EPROTO;
	r->host.table = es_isa_table((enum es_isa)isa);
	if (r->host.table->nr_slots > GUEST_MAX_ROWS)
		return -E2BIG;
	r->cpuid_code = find_code(r->host.table, "CPUID");
	if (r->cpuid_code == ES_NO_SLOT)
		return -EPROTO;
	r->host.vendor_mismatch = vendor_isa(r->host.vendor) &&
				  vendor_isa(r->host.vendor) != (int)isa;
	/* The cost of these two queries: the first snapshot's average. */
	r->pending = r->queries;
	return 0;
}

void guest_print_error(FILE *f, const struct guest_reader *r, int err)
{
	const struct guest_host *h = &r->host;

	if (err == -ENODEV && h->table)
		fputs("exitstat: the exitstat CPUID leaves went away (exitstat.ko unloaded on the host?)\n",
		      f);
	else if (err == -ENODEV && !h->hypervisor)
		fputs("exitstat: no hypervisor present (CPUID.1:ECX bit 31 is clear): the exitstat CPUID leaves exist only in KVM guests of a host with exitstat.ko\n",
		      f);
	else if (err == -ENODEV && h->hv_name[0])
		fprintf(f,
			"exitstat: this guest's hypervisor (%s) does not provide the exitstat CPUID leaves (no exitstat.ko on the host?)\n",
			h->hv_name);
	else if (err == -ENODEV)
		fputs("exitstat: this guest's hypervisor does not provide the exitstat CPUID leaves (no exitstat.ko on the host?)\n",
		      f);
	else if (err == -EPROTO)
		fprintf(f,
			"exitstat: the host's exitstat.ko speaks ABI version %u with ISA %u, which this exitstat does not know\n",
			ES_INFO_VERSION(h->info), ES_INFO_ISA(h->info));
	else
		fprintf(f, "exitstat: %s\n", strerror(-err));
}

const char *guest_isa_title(const struct guest_host *h)
{
	return h->table->isa == ES_ISA_VMX ? "Intel VMX" : "AMD SVM";
}

const char *guest_scope_name(const struct guest_host *h)
{
	return h->info & ES_INFO_GLOBAL ? "global" : "vm";
}

void guest_print_notes(FILE *f, const struct guest_reader *r)
{
	if (r->host.vendor_mismatch)
		fprintf(f,
			"exitstat: note: the host reports %s exit reasons but this guest's CPU says '%s'; reasons are named after the host\n",
			guest_isa_title(&r->host), r->host.vendor);
}
