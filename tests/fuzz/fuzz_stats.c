// SPDX-License-Identifier: GPL-2.0
/*
 * stats_parse() over any bytes (docs/host-interface.md).  libFuzzer's copy
 * of the input has no NUL after it, so ASan sees any read past the end.
 * A failed parse must leave an error message and nothing to free; a
 * snapshot that parses must keep the promises of tools/stats.h, checked
 * through the lookups: sorted, unique, every vCPU linked to its VM and
 * every reason to its vCPU, each found where it is.  Any broken promise
 * aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_stats: %s\n", what);
	abort();
}

/*
 * Reasons in (vm, vcpu, code) order without duplicates; every code has a
 * name or none, and a hex spelling.
 */
static void check_codes(const struct stats_snap *s,
			const struct stats_reason *r, size_t nr)
{
	char hex[16];
	size_t i;

	for (i = 0; i < nr; i++) {
		stats_code_name(s->table, r[i].code);
		check(strlen(stats_code_hex(r[i].code, hex)) < sizeof(hex),
		      "code hex");
		check(!i || r[i - 1].code < r[i].code ||
			      r[i - 1].vm != r[i].vm ||
			      r[i - 1].vcpu != r[i].vcpu,
		      "reasons sorted");
	}
}

static void check_vcpu(const struct stats_snap *s, const struct stats_vm *vm,
		       const struct stats_vcpu *v)
{
	const struct stats_reason *r;
	const struct stats_vcpu *next;
	size_t i;

	check(v->vm == vm->id, "vcpu of another vm");
	check(stats_find_vcpu(s, v->vm, v->idx) == v, "vcpu lookup");
	next = v->idx < UINT64_MAX ? stats_find_vcpu(s, v->vm, v->idx + 1) :
				     NULL;
	check(!next || next == v + 1, "lookup of the next idx");
	if (!v->nr_reasons)
		return;
	check(v->first_reason < s->nr_reasons &&
		      v->nr_reasons <= s->nr_reasons - v->first_reason,
	      "vcpu reasons in bounds");
	r = &s->reasons[v->first_reason];
	for (i = 0; i < v->nr_reasons; i++)
		check(r[i].vm == v->vm && r[i].vcpu == v->idx,
		      "reason of another vcpu");
	check_codes(s, r, v->nr_reasons);
}

/* Each VM, its vCPUs and their reasons; all of them, exactly once. */
static void check_links(const struct stats_snap *s)
{
	const struct stats_vm *vm, *next;
	size_t i, j, vcpus = 0, reasons = 0;

	for (i = 0; i < s->nr_vms; i++) {
		vm = &s->vms[i];
		check(!i || s->vms[i - 1].id < vm->id, "vms sorted, unique");
		check(stats_find_vm(s, vm->id) == vm, "vm lookup");
		next = vm->id < UINT64_MAX ? stats_find_vm(s, vm->id + 1) :
					     NULL;
		check(!next || next == vm + 1, "lookup of the next id");
		check(stats_find_pid(s, vm->pid)->pid == vm->pid, "pid lookup");
		check(memchr(vm->stats_id, 0, sizeof(vm->stats_id)) != NULL,
		      "stats_id terminated");
		check(!vm->nr_vcpus ||
			      (vm->first_vcpu < s->nr_vcpus &&
			       vm->nr_vcpus <= s->nr_vcpus - vm->first_vcpu),
		      "vm vcpus in bounds");
		for (j = 0; j < vm->nr_vcpus; j++) {
			check_vcpu(s, vm, &s->vcpus[vm->first_vcpu + j]);
			reasons += s->vcpus[vm->first_vcpu + j].nr_reasons;
		}
		vcpus += vm->nr_vcpus;
	}
	check(vcpus == s->nr_vcpus, "every vcpu linked");
	check(reasons == s->nr_reasons, "every reason linked");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_err e = { 0, "" };
	struct stats_snap s;

	if (stats_parse((const char *)data, size, 1, &s, &e)) {
		check(e.msg[0] && memchr(e.msg, 0, sizeof(e.msg)),
		      "no message");
		check(!s.vms && !s.vcpus && !s.reasons && !s.retired,
		      "something left after a failure");
		return 0;
	}
	check(s.version == STATS_VERSION && s.table, "header");
	check(s.hist_buckets >= 1 && s.hist_buckets <= STATS_HIST_MAX,
	      "hist_buckets");
	check_links(&s);
	check_codes(&s, s.retired, s.nr_retired);
	stats_free(&s);
	check(!s.vms && !s.nr_vms, "stats_free");
	return 0;
}
