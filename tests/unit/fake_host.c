// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_host.h"

#define WALL_NOON 1699963200 /* 2023-11-14 12:00:00 UTC */

uint32_t fake_host_cpuid_code(const struct fake_host *h)
{
	return h->host.table->isa == ES_ISA_VMX ? 10 : 0x72;
}

void fake_host_add(struct fake_host *h, uint32_t code, uint64_t exits,
		   uint64_t cycles)
{
	unsigned int slot = es_reason_slot(h->host.table, code);

	assert_int_not_equal(slot, ES_NO_SLOT);
	h->stats.reason[slot].exits += exits;
	h->stats.reason[slot].cycles += cycles;
	h->stats.total.exits += exits;
	h->stats.total.cycles += cycles;
}

struct es_figures fake_host_reason(const struct fake_host *h, uint32_t code)
{
	unsigned int slot = es_reason_slot(h->host.table, code);

	assert_int_not_equal(slot, ES_NO_SLOT);
	return h->stats.reason[slot];
}

static uint32_t word(const char *s, int i)
{
	uint32_t w = 0;

	if (s)
		memcpy(&w, s + 4 * i, 4);
	return w;
}

/* Leaves that are not exitstat's. */
static void other_leaf(const struct fake_host *h, uint32_t leaf,
		       struct es_regs *out)
{
	if (leaf == 0) {
		*out = (struct es_regs){ 0xd, word(h->vendor, 0),
					 word(h->vendor, 2),
					 word(h->vendor, 1) };
	} else if (leaf == 1) {
		out->ecx = h->hypervisor ? 1u << 31 : 0;
	} else if (leaf == 0x40000000 && h->hypervisor) {
		*out = (struct es_regs){ 0x40000001, word(h->hv_name, 0),
					 word(h->hv_name, 1),
					 word(h->hv_name, 2) };
	} else if (es_leaf_is_ours(leaf)) {
		/* What Intel CPUs answer: the highest basic leaf's values. */
		*out = (struct es_regs){ 0x00000001, 0x12345678, 0x9abcdef0,
					 0x0fedcba9 };
	}
}

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		       struct es_regs *out)
{
	struct fake_host *h = ctx;
	struct es_stats_source src = fake_stats_source(&h->stats);

	h->queries++;
	if (h->hook)
		h->hook(h, h->queries);
	if (h->module) /* counted at the exit, before the answer */
		fake_host_add(h, fake_host_cpuid_code(h), 1, 0);
	*out = (struct es_regs){ 0, 0, 0, 0 };
	if (h->module && es_cpuid_answer(leaf, subleaf, &h->host, &src, out)) {
		if (leaf == ES_LEAF_TOTAL_EXITS && h->info)
			out->edx = h->info;
	} else {
		other_leaf(h, leaf, out);
	}
	if (h->module) /* at the next entry, after the answer */
		fake_host_add(h, fake_host_cpuid_code(h), 0, h->query_cycles);
}

void fake_host_init(struct fake_host *h, enum es_isa isa, enum es_kernel k,
		    enum es_scope scope)
{
	memset(h, 0, sizeof(*h));
	h->host.table = es_isa_table(isa);
	h->host.kernel = k;
	h->host.scope = scope;
	fake_stats_init(&h->stats, &h->host);
	h->module = true;
	h->hypervisor = true;
	h->vendor = isa == ES_ISA_VMX ? "GenuineIntel" : "AuthenticAMD";
	h->hv_name = "KVMKVMKVM\0\0\0";
	h->query_cycles = 1000;
	h->source.cpuid = fake_cpuid;
	h->source.ctx = h;
}

unsigned int defined_reasons(const struct es_isa_table *t)
{
	unsigned int slot, n = 0;

	for (slot = 0; slot < t->nr_slots; slot++)
		n += es_slot_reason(t, slot)->name != NULL;
	return n;
}

static void advance(struct fake_env *e, double seconds)
{
	long ns = e->now.mono.tv_nsec + (long)(seconds * 1e9 + 0.5);

	e->now.mono.tv_sec += ns / 1000000000;
	e->now.mono.tv_nsec = ns % 1000000000;
	e->now.wall = WALL_NOON + (e->now.mono.tv_sec - 1000);
}

static void env_now(void *ctx, struct guest_time *t)
{
	*t = ((struct fake_env *)ctx)->now;
}

static int env_sleep(void *ctx, double seconds)
{
	struct fake_env *e = ctx;

	if (e->max_sleeps && e->sleeps == e->max_sleeps)
		return -EINTR;
	e->sleeps++;
	advance(e, seconds);
	if (e->activity)
		e->activity(e, e->sleeps);
	return 0;
}

static int env_run(void *ctx, char *const argv[], int *status)
{
	struct fake_env *e = ctx;

	for (e->run_argc = 0; argv[e->run_argc]; e->run_argc++)
		;
	e->run_arg0 = argv[0];
	if (e->run_ret)
		return e->run_ret;
	if (e->activity)
		e->activity(e, 0);
	advance(e, e->run_seconds);
	*status = e->run_status;
	return 0;
}

void fake_env_init(struct fake_env *e, struct fake_host *host)
{
	memset(e, 0, sizeof(*e));
	setenv("TZ", "UTC0", 1);
	tzset();
	e->host = host;
	e->now.mono.tv_sec = 1000;
	e->now.wall = WALL_NOON;
	e->run_seconds = 2.0;
	e->env.cpuid = &host->source;
	e->env.now = env_now;
	e->env.sleep = env_sleep;
	e->env.run = env_run;
	e->env.ctx = e;
	e->env.out = open_memstream(&e->out, &e->out_len);
	e->env.err = open_memstream(&e->err, &e->err_len);
	assert_non_null(e->env.out);
	assert_non_null(e->env.err);
}

void fake_env_finish(struct fake_env *e)
{
	if (e->env.out)
		fclose(e->env.out);
	if (e->env.err)
		fclose(e->env.err);
	e->env.out = e->env.err = NULL;
}

void fake_env_free(struct fake_env *e)
{
	fake_env_finish(e);
	free(e->out);
	free(e->err);
	e->out = e->err = NULL;
}

static int call(int (*fn)(int, char **, const struct guest_env *),
		const char *name, struct fake_env *e, const char *const args[])
{
	char *argv[32];
	int argc = 0, ret;

	argv[argc++] = (char *)name;
	for (; args[argc - 1]; argc++) {
		assert_true(argc + 1 < (int)ES_ARRAY_SIZE(argv));
		argv[argc] = (char *)args[argc - 1];
	}
	argv[argc] = NULL;
	ret = fn(argc, argv, &e->env);
	fake_env_finish(e);
	return ret;
}

int fake_guest(struct fake_env *e, const char *const args[])
{
	return call(guest_command, "guest", e, args);
}

int fake_run(struct fake_env *e, const char *const args[])
{
	return call(guest_run_command, "run", e, args);
}
