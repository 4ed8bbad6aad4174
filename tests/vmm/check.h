/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What exitcheck's tests and modes share (check.c): the host they run on
 * and what the contract promises there, small VMs holding the guest blob,
 * and the answer es_cpuid_answer() (core/cpuid_abi.c) gives for any
 * figures.  The helpers end the test with TEST_ASSERT*() or TEST_REQUIRE()
 * when something is wrong, from any thread.
 */
#ifndef VMM_CHECK_H
#define VMM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuid_abi.h"
#include "vmm.h"

#define SCRATCH_SIZE (128u << 10) /* per vCPU: query tables, answers */
#define SCOPE_PARAM "/sys/module/exitstat/parameters/scope"
#define NO_MODULE "exitstat leaves not present (no module?)"

/* What the machine we run on is, and so what the contract promises. */
struct host {
	struct es_host es;
	bool scope_known; /* es.scope read from SCOPE_PARAM */
	char vendor[13];
};

/* One vCPU of a VM holding the guest blob, with its own scratch memory. */
struct guest {
	struct vmm_vm *vm;
	struct vmm_vcpu *vcpu;
	uint64_t blob;
	uint64_t scratch;
};

/* One entry of guest_query's table: CPUID(leaf, subleaf). */
struct query {
	uint32_t leaf;
	uint32_t subleaf;
};

/*
 * The answer the contract gives for any figures: the bits that are the
 * same whether every figure is 0 or all ones are fixed (@mask), the others
 * carry figures.
 */
struct expect {
	struct es_regs val;
	struct es_regs mask;
};

/* Reason codes past the 0..0x500 sweep: powers of two, sign bits, -1.. */
#define NR_EDGE_CODES 14
extern const uint32_t edge_codes[NR_EDGE_CODES];

/* CLOCK_MONOTONIC in seconds. */
double now(void);

/* ---- the host ---------------------------------------------------------- */

/* The ISA of /proc/cpuinfo's vendor_id, which goes to @vendor. */
enum es_isa host_isa(char vendor[13]);
/* The table series of the running kernel (uname -r). */
enum es_kernel host_kernel(void);
/* The module's scope parameter; false when it cannot be read. */
bool host_scope(enum es_scope *scope);
/* All of the above into @h (scope vm when unknown). */
void host_detect(struct host *h);

/* ---- guests ------------------------------------------------------------ */

/* A VM holding the guest blob, with one vCPU and its scratch memory. */
void guest_create(struct guest *g);
/* Another vCPU of @g's VM, with scratch memory of its own, into @g2. */
void guest_add_vcpu(const struct guest *g, struct guest *g2);
/* Calls guest function @fn; fails the test if the call does. */
void guest_call(const struct guest *g, const char *fn, struct vmm_regs *r);
/* One CPUID(@leaf, @subleaf) in the guest. */
void call_cpuid(const struct guest *g, uint32_t leaf, uint32_t subleaf,
		struct es_regs *out);
/* Writes a query table to scratch; returns where @copies x @nr answers go. */
uint64_t guest_put_queries(const struct guest *g, const struct query *q,
			   uint32_t nr, unsigned int copies);
/* One CPUID per query, all in one guest run. */
void call_query(const struct guest *g, const struct query *q, uint32_t nr,
		struct es_regs *out);
/* The queries, @fn(@n), the queries again, all in one guest run. */
void call_measure(const struct guest *g, const char *fn, uint32_t n,
		  const struct query *q, uint32_t nr, struct es_regs *before,
		  struct es_regs *after);
/* EBX:ECX of @r hold the "exitstat" signature. */
bool has_signature(const struct es_regs *r);
/* TEST_REQUIRE for the tests that read the leaves. */
void guest_require_exitstat(const struct guest *g);

/* ---- the contract ------------------------------------------------------ */

/* es_stats_source total(): every figure is *(uint64_t *)@ctx. */
void fill_total(const void *ctx, struct es_figures *f);
/* es_stats_source reason(): the same for every slot. */
void fill_reason(const void *ctx, unsigned int slot, struct es_figures *f);
/* What CPUID(@leaf, @subleaf) must answer on @host, for any figures. */
void expect_answer(const struct es_host *host, uint32_t leaf, uint32_t subleaf,
		   struct expect *e);
/* Whether @r has the bits @e fixes. */
bool expect_match(const struct expect *e, const struct es_regs *r);
/* "0x00000000" for a fixed register, "figure" for one that holds data. */
const char *expect_reg(uint32_t val, uint32_t mask, char *buf);
/* The four registers of @e, as expect_reg() shows them. */
void expect_str(const struct expect *e, char *buf, size_t size);
/* "leaf L code C: expected @exp, got A B C D" for a wrong answer. */
void answer_str(const struct query *q, const struct es_regs *r, const char *exp,
		char *buf, size_t size);

/* ---- mode: hostile (hostile.c) ----------------------------------------- */

#define HOSTILE_RANDOM_MAX 100000000u /* random ECX values per vCPU */

extern unsigned int hostile_random; /* random ECX values per vCPU */
extern unsigned int hostile_vcpus; /* 1..VMM_MAX_VCPUS, over two VMs */
extern bool hostile_seeded; /* hostile_seed given, not drawn */
extern uint64_t hostile_seed; /* vCPU i draws from hostile_seed + i */

/* The time limit of mode_hostile(), from the number of queries. */
unsigned int hostile_timeout(void);
/* exitcheck hostile RANDOM VCPUS [SEED]: the leaves under fire. */
void mode_hostile(void);

#endif /* VMM_CHECK_H */
