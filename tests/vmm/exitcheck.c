// SPDX-License-Identifier: GPL-2.0
/*
 * exitcheck: checks exitstat's CPUID leaves end to end.  It runs on a host
 * (normally itself a guest, under nested virtualisation) where exitstat.ko
 * is loaded, starts its own small VMs with the VMM of vmm.c and compares
 * what their guests read from leaves 0x4ffffffc-0x4fffffff with what the
 * guests did and with the contract, es_cpuid_answer() of core/cpuid_abi.c,
 * and what the host shows in /proc/exitstat/stats with what a guest read.
 * Three modes for the e2e scripts: busy and churn make load, hostile
 * (hostile.c) fires every kind of query at the leaves from two VMs at
 * once.  The helpers they share (the host, guests, the contract) are in
 * check.c.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>

#include "check.h"
#include "cpuid_abi.h"
#include "guest.h"
#include "hostif.h"
#include "test_util.h"
#include "vmm.h"

#define NR_LOOPS 1000 /* exits per workload */

/* The three workloads; the tables below are indexed by them. */
enum { W_IO, W_CPUID, W_HLT, NR_W };

static const char *const workload_fn[NR_W] = {
	[W_IO] = guest_out_loop,
	[W_CPUID] = guest_cpuid_loop,
	[W_HLT] = guest_hlt_loop,
};

static const char *const workload_name[NR_W] = {
	[W_IO] = "OUT",
	[W_CPUID] = "CPUID",
	[W_HLT] = "HLT",
};

/* Reason numbers of the workloads' exits, indexed by enum es_isa. */
static const uint32_t workload_reason[][NR_W] = {
	[ES_ISA_VMX] = { [W_IO] = 30, [W_CPUID] = 10, [W_HLT] = 12 },
	[ES_ISA_SVM] = { [W_IO] = 0x7b, [W_CPUID] = 0x72, [W_HLT] = 0x78 },
};

static uint64_t u64_of(uint32_t hi, uint32_t lo)
{
	return (uint64_t)hi << 32 | lo;
}

/* The reason number of workload @w's exits on @h. */
static uint32_t host_reason(const struct host *h, int w)
{
	return workload_reason[h->es.table->isa][w];
}

/* ---- test: vmm --------------------------------------------------------- */

struct vmm_job {
	struct guest g;
	uint32_t n;
};

static void vmm_check_vendor(const struct guest *g)
{
	unsigned int eax, ebx, ecx, edx;
	struct es_regs r;

	__cpuid(0, eax, ebx, ecx, edx);
	call_cpuid(g, 0, 0, &r);
	TEST_ASSERT(r.ebx == ebx && r.ecx == ecx && r.edx == edx,
		    "guest CPUID(0) vendor %.4s%.4s%.4s, host %.4s%.4s%.4s",
		    (char *)&r.ebx, (char *)&r.edx, (char *)&r.ecx,
		    (char *)&ebx, (char *)&edx, (char *)&ecx);
	(void)eax;
}

/* Loops on one vCPU; checks the VMM saw each exit once. */
static void *vmm_job_run(void *arg)
{
	struct vmm_job *job = arg;
	struct vmm_exit_stats st;
	struct vmm_regs r = { .ecx = job->n };

	guest_call(&job->g, guest_out_loop, &r);
	r.ecx = job->n / 2;
	guest_call(&job->g, guest_hlt_loop, &r);
	vmm_vcpu_stats(job->g.vcpu, &st);
	TEST_ASSERT(st.nop_io == job->n && st.hlt == job->n / 2,
		    "vCPU saw %llu OUTs and %llu HLTs, expected %u and %u",
		    (unsigned long long)st.nop_io, (unsigned long long)st.hlt,
		    job->n, job->n / 2);
	vmm_check_vendor(&job->g);
	return NULL;
}

/* Guest memory and the workload call of guest_measure. */
static void vmm_check_measure(const struct guest *g)
{
	const struct query q[2] = { { 0, 0 }, { 1, 0 } };
	struct es_regs before[2], after[2], r;

	call_cpuid(g, 0, 0, &r);
	call_measure(g, guest_out_loop, 10, q, 2, before, after);
	TEST_ASSERT(!memcmp(&before[0], &r, sizeof(r)) &&
			    !memcmp(&after[0], &r, sizeof(r)),
		    "guest_measure: CPUID(0) answers differ from guest_cpuid");
}

/* A fault without IDT is a triple fault: the call must fail, saying so. */
static void vmm_check_fault(void)
{
	static const uint8_t ud2[] = { 0x0f, 0x0b };
	struct vmm_regs r = { 0 };
	struct guest g;
	uint64_t gpa;
	int ret;

	guest_create(&g);
	TEST_ASSERT_RET(vmm_load(g.vm, ud2, sizeof(ud2), &gpa));
	ret = vmm_vcpu_call(g.vcpu, gpa, &r);
	TEST_ASSERT(ret == -EIO && strstr(vmm_vcpu_exit_str(g.vcpu),
					  "KVM_EXIT_SHUTDOWN"),
		    "ud2 in the guest: got %d (%s), expected -EIO, shutdown",
		    ret, vmm_vcpu_exit_str(g.vcpu));
	vmm_vm_destroy(g.vm);
}

static void test_vmm(void)
{
	struct vmm_job jobs[2] = { { .n = 300 }, { .n = 500 } };
	pthread_t threads[2];
	unsigned int i;

	guest_create(&jobs[0].g);
	guest_add_vcpu(&jobs[0].g, &jobs[1].g);
	for (i = 0; i < 2; i++)
		TEST_ASSERT(!pthread_create(&threads[i], NULL, vmm_job_run,
					    &jobs[i]),
			    "pthread_create");
	for (i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	vmm_check_measure(&jobs[0].g);
	vmm_vm_destroy(jobs[0].g.vm);
	vmm_check_fault();
}

/* ---- test: discovery --------------------------------------------------- */

static const char *isa_name(uint32_t isa)
{
	const struct es_isa_table *t = es_isa_table(isa);

	return t ? t->name : "unknown";
}

static void check_leaf(const struct host *h, const struct es_regs *r,
		       uint32_t leaf, uint32_t ignore_edx)
{
	struct expect e;
	char exp[64];

	expect_answer(&h->es, leaf, 0, &e);
	e.mask.edx &= ~ignore_edx;
	expect_str(&e, exp, sizeof(exp));
	TEST_ASSERT(expect_match(&e, r),
		    "leaf 0x%x: expected %s, got 0x%08x 0x%08x 0x%08x 0x%08x",
		    leaf, exp, r->eax, r->ebx, r->ecx, r->edx);
}

static void test_discovery(void)
{
	struct es_regs r, r2;
	struct guest g;
	struct host h;
	uint32_t isa;

	host_detect(&h);
	guest_create(&g);
	call_cpuid(&g, ES_LEAF_TOTAL_EXITS, 0, &r);
	TEST_ASSERT(has_signature(&r),
		    NO_MODULE
		    ": EBX:ECX = 0x%08x:0x%08x, expected 0x%08x:0x%08x",
		    r.ebx, r.ecx, ES_SIGNATURE_EBX, ES_SIGNATURE_ECX);
	isa = ES_INFO_ISA(r.edx);
	TEST_ASSERT(isa == h.es.table->isa,
		    "EDX 0x%08x names ISA %u (%s), but the CPU is %s (%s)",
		    r.edx, isa, isa_name(isa), h.vendor, h.es.table->name);
	TEST_ASSERT_EQ(ES_INFO_VERSION(r.edx), ES_ABI_VERSION, "ABI version");
	if (!h.scope_known)
		test_note("%s unreadable: scope bit not checked", SCOPE_PARAM);
	check_leaf(&h, &r, ES_LEAF_TOTAL_EXITS,
		   h.scope_known ? 0 : ES_INFO_GLOBAL);
	call_cpuid(&g, ES_LEAF_TOTAL_CYCLES, 0, &r2);
	check_leaf(&h, &r2, ES_LEAF_TOTAL_CYCLES, 0);
	test_note("%s host, kernel series %s, scope %s, total exits %u",
		  h.es.table->name, es_kernel_name(h.es.kernel),
		  r.edx & ES_INFO_GLOBAL ? "global" : "vm", r.eax);
	vmm_vm_destroy(g.vm);
}

/* ---- tests: io, cpuid, hlt, total, cycles ------------------------------ */

/* Queries of a snapshot; the per-reason ones come before the totals. */
enum {
	Q_EXITS,
	Q_CYCLES = Q_EXITS + NR_W,
	Q_TOTAL = Q_CYCLES + NR_W,
	Q_TOTAL_HI,
	NR_Q
};

struct snap {
	uint64_t exits[NR_W];
	uint64_t cycles[NR_W];
	uint64_t total;
	uint64_t total_cycles;
};

/* Before and after each workload, in the order they ran. */
struct run {
	struct snap s[NR_W][2];
};

static void snap_decode(const struct es_regs *r, struct snap *s)
{
	uint32_t lo = r[Q_TOTAL].eax, hi = r[Q_TOTAL_HI].eax;
	int i;

	for (i = 0; i < NR_W; i++) {
		s->exits[i] = u64_of(r[Q_EXITS + i].ebx, r[Q_EXITS + i].eax);
		s->cycles[i] = u64_of(r[Q_CYCLES + i].ebx, r[Q_CYCLES + i].ecx);
	}
	/* docs/abi.md: the count moved by one between the two reads. */
	s->total = u64_of(lo == 0xffffffff ? hi - 1 : hi, lo);
	s->total_cycles = u64_of(r[Q_TOTAL_HI].ebx, r[Q_TOTAL_HI].ecx);
}

static void run_workloads(const struct host *h, struct run *run)
{
	struct es_regs before[NR_Q], after[NR_Q];
	struct query q[NR_Q];
	struct guest g;
	int w, i;

	for (i = 0; i < NR_W; i++) {
		q[Q_EXITS + i] = (struct query){ ES_LEAF_REASON_EXITS,
						 host_reason(h, i) };
		q[Q_CYCLES + i] = (struct query){ ES_LEAF_REASON_CYCLES,
						  host_reason(h, i) };
	}
	q[Q_TOTAL] = (struct query){ ES_LEAF_TOTAL_EXITS, 0 };
	q[Q_TOTAL_HI] = (struct query){ ES_LEAF_TOTAL_CYCLES, 0 };

	guest_create(&g);
	guest_require_exitstat(&g);
	for (w = 0; w < NR_W; w++) {
		call_measure(&g, workload_fn[w], NR_LOOPS, q, NR_Q, before,
			     after);
		snap_decode(before, &run->s[w][0]);
		snap_decode(after, &run->s[w][1]);
	}
	vmm_vm_destroy(g.vm);
}

static uint64_t delta(const struct run *run, int w, int reason)
{
	return run->s[w][1].exits[reason] - run->s[w][0].exits[reason];
}

/* Exits of @reason that workload @w must add: its own, plus the queries. */
static uint64_t expected_delta(int w, int reason)
{
	return (w == reason ? NR_LOOPS : 0) + (reason == W_CPUID ? NR_Q : 0);
}

static void check_deltas(int reason)
{
	struct run run;
	struct host h;
	int w;

	host_detect(&h);
	run_workloads(&h, &run);
	for (w = 0; w < NR_W; w++)
		TEST_ASSERT(
			delta(&run, w, reason) == expected_delta(w, reason),
			"%s exits (reason 0x%x) across %u x %s and %u queries: expected +%llu, got +%llu",
			workload_name[reason], host_reason(&h, reason),
			NR_LOOPS, workload_name[w], NR_Q,
			(unsigned long long)expected_delta(w, reason),
			(unsigned long long)delta(&run, w, reason));
}

static void test_io(void)
{
	check_deltas(W_IO);
}

static void test_cpuid(void)
{
	check_deltas(W_CPUID);
}

static void test_hlt(void)
{
	check_deltas(W_HLT);
}

static void test_total(void)
{
	unsigned long long sum, total;
	struct run run;
	struct host h;
	int w, i;

	host_detect(&h);
	run_workloads(&h, &run);
	for (w = 0; w < NR_W; w++) {
		for (sum = 0, i = 0; i < NR_W; i++)
			sum += delta(&run, w, i);
		total = run.s[w][1].total - run.s[w][0].total;
		test_note(
			"%u x %s: OUT/CPUID/HLT exits +%llu/+%llu/+%llu, total +%llu",
			NR_LOOPS, workload_name[w],
			(unsigned long long)delta(&run, w, W_IO),
			(unsigned long long)delta(&run, w, W_CPUID),
			(unsigned long long)delta(&run, w, W_HLT), total);
		TEST_ASSERT(
			total >= sum,
			"total exits across %u x %s rose by %llu, less than the sum of the reasons, %llu",
			NR_LOOPS, workload_name[w], total, sum);
	}
}

static void check_snap_cycles(const struct snap *s, const struct snap *prev,
			      unsigned int nr)
{
	int i;

	for (i = 0; i < NR_W; i++) {
		TEST_ASSERT(s->cycles[i] <= s->total_cycles,
			    "snapshot %u: %s cycles %llu > total cycles %llu",
			    nr, workload_name[i],
			    (unsigned long long)s->cycles[i],
			    (unsigned long long)s->total_cycles);
		TEST_ASSERT(
			!prev || s->cycles[i] >= prev->cycles[i],
			"snapshot %u: %s cycles went back from %llu to %llu",
			nr, workload_name[i],
			(unsigned long long)prev->cycles[i],
			(unsigned long long)s->cycles[i]);
	}
	TEST_ASSERT(!prev || s->total_cycles >= prev->total_cycles,
		    "snapshot %u: total cycles went back from %llu to %llu", nr,
		    (unsigned long long)prev->total_cycles,
		    (unsigned long long)s->total_cycles);
}

static void test_cycles(void)
{
	const struct snap *s, *prev = NULL;
	unsigned long long d;
	struct run run;
	struct host h;
	int w, i;

	host_detect(&h);
	run_workloads(&h, &run);
	for (w = 0; w < NR_W; w++) {
		for (i = 0; i < 2; i++, prev = s) {
			s = &run.s[w][i];
			check_snap_cycles(s, prev, 2 * w + i);
		}
		d = s->cycles[w] - run.s[w][0].cycles[w];
		TEST_ASSERT(d > 0,
			    "%s cycles did not rise across %u x %s: %llu",
			    workload_name[w], NR_LOOPS, workload_name[w],
			    (unsigned long long)s->cycles[w]);
		test_note("%u x %s: %llu cycles, %llu per exit", NR_LOOPS,
			  workload_name[w], d, d / NR_LOOPS);
	}
	TEST_ASSERT(prev->total_cycles > 0, "total cycles are 0");
}

/* ---- tests: undefined, disabled, enabled ------------------------------- */

enum reason_class { RC_UNDEFINED, RC_DISABLED, RC_ENABLED };

static const char *const class_name[] = {
	[RC_UNDEFINED] = "undefined",
	[RC_DISABLED] = "defined, not enabled",
	[RC_ENABLED] = "enabled",
};

static enum reason_class classify(const struct es_host *host, uint32_t code)
{
	if (!es_reason_find(host->table, code))
		return RC_UNDEFINED;
	if (!es_reason_enabled(host->table, host->kernel, code))
		return RC_DISABLED;
	return RC_ENABLED;
}

#define SWEEP_LAST 0x500u

#define MAX_CODES (SWEEP_LAST + 1 + ES_ARRAY_SIZE(edge_codes) + 64)

static bool in_sweep(uint32_t code)
{
	unsigned int i;

	for (i = 0; i < ES_ARRAY_SIZE(edge_codes); i++)
		if (edge_codes[i] == code)
			return true;
	return code <= SWEEP_LAST;
}

static void add_code(const struct es_host *host, enum reason_class cls,
		     uint32_t code, uint32_t *codes, unsigned int *nr)
{
	if (classify(host, code) != cls)
		return;
	TEST_ASSERT(*nr < MAX_CODES, "too many codes");
	codes[(*nr)++] = code;
}

/* The sweep, plus every code of the table outside it, of class @cls. */
static unsigned int collect_codes(const struct es_host *host,
				  enum reason_class cls, uint32_t *codes)
{
	const struct es_isa_table *t = host->table;
	unsigned int i, nr = 0;
	uint32_t code;

	for (code = 0; code <= SWEEP_LAST; code++)
		add_code(host, cls, code, codes, &nr);
	for (i = 0; i < ES_ARRAY_SIZE(edge_codes); i++)
		add_code(host, cls, edge_codes[i], codes, &nr);
	for (i = 0; i < t->nr_slots; i++) {
		code = es_slot_code(t, i);
		if (!in_sweep(code))
			add_code(host, cls, code, codes, &nr);
	}
	return nr;
}

/* Counts the answers that break the contract; notes the first few. */
static unsigned int count_mismatches(const struct es_host *host,
				     const struct query *q,
				     const struct es_regs *r, unsigned int nr,
				     char *first, size_t size)
{
	unsigned int i, bad = 0;
	char exp[64], msg[256];
	struct expect e;

	for (i = 0; i < nr; i++) {
		expect_answer(host, q[i].leaf, q[i].subleaf, &e);
		if (expect_match(&e, &r[i]))
			continue;
		expect_str(&e, exp, sizeof(exp));
		answer_str(&q[i], &r[i], exp, msg, sizeof(msg));
		if (!bad)
			snprintf(first, size, "%s", msg);
		if (bad++ < 10)
			test_note("%s", msg);
	}
	return bad;
}

/* Asks both per-reason leaves for every code of class @cls. */
static void check_class(enum reason_class cls)
{
	static uint32_t codes[MAX_CODES];
	static struct query q[2 * MAX_CODES];
	static struct es_regs r[2 * MAX_CODES];
	unsigned int i, nr, bad;
	char first[256];
	struct guest g;
	struct host h;

	host_detect(&h);
	nr = collect_codes(&h.es, cls, codes);
	TEST_REQUIRE(nr, "no %s reason in the %s table for kernel %s",
		     class_name[cls], h.es.table->name,
		     es_kernel_name(h.es.kernel));
	for (i = 0; i < nr; i++) {
		q[2 * i] = (struct query){ ES_LEAF_REASON_EXITS, codes[i] };
		q[2 * i + 1] =
			(struct query){ ES_LEAF_REASON_CYCLES, codes[i] };
	}
	guest_create(&g);
	guest_require_exitstat(&g);
	call_query(&g, q, 2 * nr, r);
	vmm_vm_destroy(g.vm);
	bad = count_mismatches(&h.es, q, r, 2 * nr, first, sizeof(first));
	TEST_ASSERT(!bad,
		    "%u of %u answers for %s %s reasons are wrong; first: %s",
		    bad, 2 * nr, h.es.table->name, class_name[cls], first);
	test_note("%u %s %s reasons answered as the contract says", nr,
		  h.es.table->name, class_name[cls]);
}

/* Holes every edition of the manuals has: the table must agree. */
static void check_known_holes(const struct es_isa_table *t)
{
	static const uint32_t vmx[] = { 35, 38, 42 };
	static const uint32_t svm[] = { 0x3ff, 0x7fffffff };
	const uint32_t *holes = t->isa == ES_ISA_VMX ? vmx : svm;
	unsigned int i, nr = t->isa == ES_ISA_VMX ? ES_ARRAY_SIZE(vmx) :
						    ES_ARRAY_SIZE(svm);

	for (i = 0; i < nr; i++)
		TEST_ASSERT(!es_reason_find(t, holes[i]),
			    "core table %s defines 0x%x, undefined in %s",
			    t->name, holes[i], t->manual);
}

static void test_undefined(void)
{
	struct host h;

	host_detect(&h);
	check_known_holes(h.es.table);
	check_class(RC_UNDEFINED);
}

static void test_disabled(void)
{
	check_class(RC_DISABLED);
}

static void test_enabled(void)
{
	check_class(RC_ENABLED);
}

/* ---- test: isolation --------------------------------------------------- */

#define ISOLATION_SECS 30
#define ISOLATION_ZERO_ROUNDS 20 /* rounds with nothing in between */

struct noisy {
	struct guest g;
	uint64_t flag; /* guest address of the stop flag */
	uint32_t spin; /* empty loop turns after each OUT */
	uint32_t outs; /* OUTs the guest counted */
};

static void *noisy_run(void *arg)
{
	struct noisy *n = arg;
	struct vmm_regs r = { .ebx = n->flag, .edx = n->spin };

	guest_call(&n->g, guest_out_until_stop, &r);
	n->outs = r.ecx;
	return NULL;
}

static uint64_t noisy_outs(const struct noisy *n)
{
	struct vmm_exit_stats st;

	vmm_vcpu_stats(n->g.vcpu, &st);
	return st.nop_io;
}

static void noisy_start(struct noisy *n, pthread_t *thread)
{
	double deadline = now() + ISOLATION_SECS;

	guest_create(&n->g);
	TEST_ASSERT_RET(vmm_alloc(n->g.vm, sizeof(uint32_t), &n->flag));
	TEST_ASSERT(!pthread_create(thread, NULL, noisy_run, n),
		    "pthread_create");
	while (noisy_outs(n) < 100)
		TEST_ASSERT(now() < deadline, "VM A made %llu OUTs in %u s",
			    (unsigned long long)noisy_outs(n), ISOLATION_SECS);
}

static void noisy_stop(struct noisy *n, pthread_t thread)
{
	uint32_t *flag = vmm_mem(n->g.vm, n->flag, sizeof(*flag));

	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	test_note("VM A did %u OUTs", n->outs);
	vmm_vm_destroy(n->g.vm);
}

/* Iterations of guest_spin between B's two reads in round @round. */
static uint32_t spin_of(unsigned int round)
{
	unsigned int shift;

	if (round < ISOLATION_ZERO_ROUNDS)
		return 0;
	shift = 10 + round - ISOLATION_ZERO_ROUNDS;
	return 1u << (shift < 26 ? shift : 26);
}

/*
 * Returns true when the round settles the verdict: with scope=vm B's count
 * must never move and A must be seen running meanwhile; with scope=global
 * it must move.
 */
static bool isolation_round(const struct guest *b, const struct noisy *a,
			    const struct host *h, unsigned int round)
{
	const struct query q = { ES_LEAF_REASON_EXITS, host_reason(h, W_IO) };
	struct es_regs before, after;
	uint64_t a0, a1, d;

	a0 = noisy_outs(a);
	call_measure(b, guest_spin, spin_of(round), &q, 1, &before, &after);
	a1 = noisy_outs(a);
	d = u64_of(after.ebx, after.eax) - u64_of(before.ebx, before.eax);
	if (h->es.scope == ES_SCOPE_GLOBAL) {
		if (d)
			test_note(
				"round %u: VM B saw IO +%llu while VM A did %llu OUTs",
				round, (unsigned long long)d,
				(unsigned long long)(a1 - a0));
		return d > 0;
	}
	TEST_ASSERT(
		!d,
		"scope=vm: VM B's IO count rose by %llu between two reads while VM A did %llu OUTs; expected +0",
		(unsigned long long)d, (unsigned long long)(a1 - a0));
	return round >= ISOLATION_ZERO_ROUNDS && a1 - a0 >= 100;
}

static void test_isolation(void)
{
	double deadline = now() + ISOLATION_SECS;
	struct noisy a = { 0 };
	unsigned int round;
	const char *why;
	pthread_t thread;
	struct guest b;
	struct host h;

	host_detect(&h);
	TEST_REQUIRE(h.scope_known, "cannot read %s", SCOPE_PARAM);
	why = h.es.scope == ES_SCOPE_GLOBAL ?
		      "scope=global: VM B never saw VM A's exits" :
		      "scope=vm: VM A barely ran during VM B's reads";
	guest_create(&b);
	guest_require_exitstat(&b);
	noisy_start(&a, &thread);
	for (round = 0; !isolation_round(&b, &a, &h, round); round++)
		TEST_ASSERT(now() < deadline, "%s (%u rounds in %u s)", why,
			    round + 1, ISOLATION_SECS);
	test_note("verdict after %u rounds", round + 1);
	noisy_stop(&a, thread);
	vmm_vm_destroy(b.vm);
}

/* ---- test: hostif ----------------------------------------------------- */

/*
 * The guest reads its figures, reports, and while its vCPU is stopped in
 * userspace the host's /proc/exitstat/stats must say the same, give or
 * take the exits that came after each read: the queries after it and the
 * report.  Exits the VMM cannot foresee (interrupts, nested page faults)
 * are read by the guest too; when one of them lands after the guest's
 * reads the totals cannot agree, so the round is repeated.
 */

#define HIF_LOOPS 100
#define HIF_ATTEMPTS 10
#define HIF_MAX_OTHER 24 /* reasons besides the workloads' */
#define HIF_MAX_Q (2 * NR_W + HIF_MAX_OTHER + 2)

/* Queries: exits and cycles of the workloads, other reasons, totals. */
enum { HQ_EXITS = 0, HQ_CYCLES = NR_W, HQ_OTHER = 2 * NR_W };

struct hif {
	struct host h;
	struct guest g;
	pid_t pid;
	pid_t tid;
	/* Exits the VMM knows the guest made since the VM was created. */
	uint64_t reports; /* OUT to VMM_PORT_DONE: one per call */
	uint64_t cpuids;
	/* Other reasons seen on the host: the guest asks for them too. */
	uint32_t other[HIF_MAX_OTHER];
	unsigned int nr_other;
	/* The last round: what the guest asked and read. */
	struct query q[HIF_MAX_Q];
	struct es_regs r[HIF_MAX_Q];
	unsigned int nr_q;
	/* What the host said after it, and the time before. */
	struct hostif_stats st;
	struct hostif_stats prev;
	bool global; /* the leaves answer for all VMs */
	const struct hostif_vm *vm;
	const struct hostif_vcpu *vcpu;
};

static void hif_call(struct hif *x, const char *fn, struct vmm_regs *r,
		     uint64_t cpuids)
{
	guest_call(&x->g, fn, r);
	x->reports++;
	x->cpuids += cpuids;
}

static void hif_query(struct hif *x)
{
	uint64_t gpa = guest_put_queries(&x->g, x->q, x->nr_q, 1);
	struct vmm_regs r = { .esi = x->g.scratch, .edi = gpa };

	hif_call(x, guest_query, &r, x->nr_q);
	TEST_ASSERT_RET(vmm_read(x->g.vm, gpa, x->r, x->nr_q * sizeof(*x->r)));
}

static void hif_read_stats(struct hif *x)
{
	unsigned int i, nr;
	char err[256];
	int ret;

	hostif_free(&x->prev);
	x->prev = x->st;
	ret = hostif_read(HOSTIF_STATS_PATH, &x->st, err, sizeof(err));
	TEST_ASSERT(!ret, "%s%s", err,
		    ret == -ENOENT ? " (exitstat.ko not loaded?)" : "");
	x->vm = hostif_vm_of_pid(&x->st, x->pid, &nr);
	TEST_ASSERT(nr == 1,
		    "%s lists %u VMs of pid %d, expected 1 (this process's)",
		    HOSTIF_STATS_PATH, nr, x->pid);
	x->vcpu = NULL;
	for (i = 0, nr = 0; i < x->st.nr_vcpus; i++) {
		if (x->st.vcpus[i].vm != x->vm->id)
			continue;
		x->vcpu = &x->st.vcpus[i];
		nr++;
	}
	TEST_ASSERT(nr == 1 && x->vm->vcpus == 1,
		    "vm id=%llu (ours): vcpus=%u and %u vcpu lines, expected 1",
		    (unsigned long long)x->vm->id, x->vm->vcpus, nr);
	x->global = !strcmp(x->st.scope, "global");
}

/* A reason line the leaves count: our VM's, or any with scope=global. */
static bool hif_counts(const struct hif *x, const struct hostif_reason *r)
{
	return x->global || r->vm == x->vm->id;
}

/*
 * The figures of a reason (@code, or the unknown codes) in @st that the
 * leaves count: its VM's, or all VMs' with scope=global.
 */
static struct hostif_figures hif_figures(const struct hif *x,
					 const struct hostif_stats *st,
					 bool unknown, uint32_t code)
{
	struct hostif_figures f = { 0 };
	const struct hostif_reason *r;
	unsigned int i;

	for (i = 0; i < st->nr_reasons + st->nr_retired_reasons; i++) {
		r = i < st->nr_reasons ?
			    &st->reasons[i] :
			    &st->retired_reasons[i - st->nr_reasons];
		if (r->unknown != unknown || (!unknown && r->code != code))
			continue;
		if (r->vcpu >= 0 ? !hif_counts(x, r) : !x->global)
			continue;
		f.exits += r->exits;
		f.cycles += r->cycles;
	}
	return f;
}

/* What the leaves must say about @code. */
static struct hostif_figures hif_reason(const struct hif *x, uint32_t code)
{
	return hif_figures(x, &x->st, false, code);
}

static struct hostif_figures hif_total(const struct hif *x)
{
	if (x->global)
		return x->st.total;
	return (struct hostif_figures){ x->vm->exits, x->vm->cycles };
}

static int hif_workload_of(const struct hif *x, uint32_t code)
{
	int w;

	for (w = 0; w < NR_W; w++)
		if (host_reason(&x->h, w) == code)
			return w;
	return -1;
}

static int hif_other_pos(const struct hif *x, uint32_t code)
{
	unsigned int i;

	for (i = 0; i < x->nr_other; i++)
		if (x->other[i] == code)
			return i;
	return -1;
}

/*
 * Whether the leaves give the count of @r: not for codes the contract
 * calls undefined or not enabled (the guest reads 0 while the host may
 * count some, see docs/abi.md), nor for code=unknown.
 */
static bool hif_itemized(const struct hif *x, const struct hostif_reason *r)
{
	return !r->unknown && classify(&x->h.es, r->code) == RC_ENABLED;
}

/* Adds every reason the host has that the guest does not ask for yet. */
static unsigned int hif_learn_reasons(struct hif *x)
{
	const struct hostif_reason *r;
	unsigned int i, added = 0;

	for (i = 0; i < x->st.nr_reasons + x->st.nr_retired_reasons; i++) {
		r = i < x->st.nr_reasons ?
			    &x->st.reasons[i] :
			    &x->st.retired_reasons[i - x->st.nr_reasons];
		if (!hif_itemized(x, r) ||
		    (r->vcpu >= 0 && !hif_counts(x, r)) ||
		    (r->vcpu < 0 && !x->global) ||
		    hif_workload_of(x, r->code) >= 0 ||
		    hif_other_pos(x, r->code) >= 0)
			continue;
		TEST_ASSERT(x->nr_other < HIF_MAX_OTHER,
			    "more than %u exit reasons on the host",
			    HIF_MAX_OTHER);
		x->other[x->nr_other++] = r->code;
		added++;
	}
	return added;
}

static void hif_build_queries(struct hif *x)
{
	unsigned int i;
	int w;

	for (w = 0; w < NR_W; w++) {
		x->q[HQ_EXITS + w] = (struct query){ ES_LEAF_REASON_EXITS,
						     host_reason(&x->h, w) };
		x->q[HQ_CYCLES + w] = (struct query){ ES_LEAF_REASON_CYCLES,
						      host_reason(&x->h, w) };
	}
	for (i = 0; i < x->nr_other; i++)
		x->q[HQ_OTHER + i] =
			(struct query){ ES_LEAF_REASON_EXITS, x->other[i] };
	x->nr_q = HQ_OTHER + x->nr_other + 2;
	x->q[x->nr_q - 2] = (struct query){ ES_LEAF_TOTAL_EXITS, 0 };
	x->q[x->nr_q - 1] = (struct query){ ES_LEAF_TOTAL_CYCLES, 0 };
}

/* Queries answered after query @pos: CPUID exits the guest did not see. */
static unsigned int hif_after(const struct hif *x, unsigned int pos)
{
	return x->nr_q - 1 - pos;
}

static uint64_t hif_g_exits(const struct hif *x, unsigned int pos)
{
	return u64_of(x->r[pos].ebx, x->r[pos].eax);
}

static uint64_t hif_g_cycles(const struct hif *x, unsigned int pos)
{
	return u64_of(x->r[pos].ebx, x->r[pos].ecx);
}

static uint64_t hif_g_total(const struct hif *x)
{
	uint32_t lo = x->r[x->nr_q - 2].eax, hi = x->r[x->nr_q - 1].eax;

	/* docs/abi.md: the count moved by one between the two reads. */
	return u64_of(lo == 0xffffffff ? hi - 1 : hi, lo);
}

/*
 * The workloads' reasons: exact whatever else happens, since interrupts
 * and page faults are never OUT, CPUID or HLT exits.
 */
static void hif_check_workloads(const struct hif *x)
{
	struct vmm_exit_stats vs;
	struct hostif_figures f;
	uint64_t g, expect;
	char what[128];
	int w;

	vmm_vcpu_stats(x->g.vcpu, &vs);
	for (w = 0; w < NR_W; w++) {
		f = hif_reason(x, host_reason(&x->h, w));
		g = hif_g_exits(x, HQ_EXITS + w);
		/* OUT: the report. CPUID: the later queries. HLT: none. */
		expect = g + (w == W_IO	   ? 1 :
			      w == W_CPUID ? hif_after(x, HQ_EXITS + w) :
					     0);
		snprintf(
			what, sizeof(what),
			"%s exits (reason 0x%x): host vs guest's %llu + exits after its read",
			workload_name[w], host_reason(&x->h, w),
			(unsigned long long)g);
		TEST_ASSERT_EQ(f.exits, expect, what);
		g = hif_g_cycles(x, HQ_CYCLES + w);
		/* Exits after the read that ended: only CPUID ones. */
		TEST_ASSERT(
			w == W_CPUID ? f.cycles >= g : f.cycles == g,
			"%s cycles: host %llu, guest read %llu, expected %s",
			workload_name[w], (unsigned long long)f.cycles,
			(unsigned long long)g,
			w == W_CPUID ? ">=" : "the same");
	}
	if (x->global)
		return;
	/* Our VM alone: every such exit is one the VMM saw the guest make. */
	f = hif_reason(x, host_reason(&x->h, W_IO));
	TEST_ASSERT_EQ(f.exits, vs.nop_io + x->reports,
		       "OUT exits vs the VMM's OUTs to port 0x80 + reports");
	f = hif_reason(x, host_reason(&x->h, W_CPUID));
	TEST_ASSERT_EQ(f.exits, x->cpuids, "CPUID exits vs CPUIDs run");
	f = hif_reason(x, host_reason(&x->h, W_HLT));
	TEST_ASSERT_EQ(f.exits, vs.hlt, "HLT exits vs the VMM's HLT exits");
}

/*
 * The other reasons: exits after the guest's read of them make the round
 * useless for the totals, and so do, since they may have come late, all
 * exits of a reason it did not ask for yet and those of reasons it cannot
 * read (not enabled, undefined, code=unknown) since the host's previous
 * read.  Returns how many, and describes them in @why.
 */
static uint64_t hif_late_exits(struct hif *x, char *why, size_t size)
{
	const struct hostif_reason *r;
	uint64_t late = 0, host, g;
	size_t len = 0;
	unsigned int i;

	why[0] = '\0';
	for (i = 0; i < x->nr_other; i++) {
		host = hif_reason(x, x->other[i]).exits;
		g = hif_g_exits(x, HQ_OTHER + i);
		TEST_ASSERT(
			host >= g,
			"reason 0x%x: host has %llu exits, less than the %llu the guest read before",
			x->other[i], (unsigned long long)host,
			(unsigned long long)g);
		if (host == g)
			continue;
		late += host - g;
		len += snprintf(why + len, len < size ? size - len : 0,
				" 0x%x+%llu", x->other[i],
				(unsigned long long)(host - g));
	}
	for (i = 0; i < x->st.nr_reasons; i++) {
		r = &x->st.reasons[i];
		if (!hif_counts(x, r) ||
		    (!r->unknown && (hif_workload_of(x, r->code) >= 0 ||
				     hif_other_pos(x, r->code) >= 0)))
			continue;
		if (hif_itemized(x, r)) {
			/* Not asked for yet: when its exits came is unknown. */
			late += r->exits;
			len += snprintf(why + len, len < size ? size - len : 0,
					" 0x%x:%llu(new)", r->code,
					(unsigned long long)r->exits);
			continue;
		}
		/* The guest cannot read it: only a round without any is sure. */
		host = r->exits;
		g = hif_figures(x, &x->prev, r->unknown, r->code).exits;
		if (host == g)
			continue;
		late += host - g;
		if (r->unknown)
			len += snprintf(why + len, len < size ? size - len : 0,
					" unknown+%llu",
					(unsigned long long)(host - g));
		else
			len += snprintf(why + len, len < size ? size - len : 0,
					" 0x%x+%llu(not in the leaves)",
					r->code,
					(unsigned long long)(host - g));
	}
	return late;
}

static void hif_check_reason_line(const struct hostif_reason *r)
{
	unsigned __int128 lo = (unsigned __int128)r->hist_sum * r->min;
	unsigned __int128 hi = (unsigned __int128)r->hist_sum * r->max;
	char code[16];

	snprintf(code, sizeof(code), r->unknown ? "unknown" : "0x%x", r->code);
	TEST_ASSERT(r->hist_sum <= r->exits,
		    "reason %s: hist sums to %llu, more than its %llu exits",
		    code, (unsigned long long)r->hist_sum,
		    (unsigned long long)r->exits);
	TEST_ASSERT(r->min <= r->max, "reason %s: min %llu > max %llu", code,
		    (unsigned long long)r->min, (unsigned long long)r->max);
	if (!r->hist_sum)
		return;
	TEST_ASSERT(
		r->cycles >= lo && r->cycles <= hi,
		"reason %s: cycles %llu outside %llu x [min %llu, max %llu]",
		code, (unsigned long long)r->cycles,
		(unsigned long long)r->hist_sum, (unsigned long long)r->min,
		(unsigned long long)r->max);
	TEST_ASSERT(
		hostif_bucket(r->min, HOSTIF_HIST_MAX) == r->hist_lo &&
			hostif_bucket(r->max, HOSTIF_HIST_MAX) == r->hist_hi,
		"reason %s: min %llu / max %llu are not in the lowest / highest hist buckets %d / %d",
		code, (unsigned long long)r->min, (unsigned long long)r->max,
		r->hist_lo, r->hist_hi);
}

/* The stats file agrees with itself, and with what we know of the host. */
static void hif_check_consistency(const struct hif *x)
{
	const struct hostif_stats *st = &x->st;
	uint64_t exits = 0, cycles = 0, timed = 0, io_exits = 0, io_timed = 0;
	struct hostif_figures retired = { 0 };
	const struct hostif_reason *r;
	char stats_id[32];
	unsigned int i;

	TEST_ASSERT(!strcmp(st->isa, x->h.es.table->name),
		    "isa %s, but the CPU is %s (%s)", st->isa, x->h.vendor,
		    x->h.es.table->name);
	TEST_ASSERT(!strcmp(st->kernel, es_kernel_name(x->h.es.kernel)),
		    "kernel %s, expected %s", st->kernel,
		    es_kernel_name(x->h.es.kernel));
	TEST_ASSERT(!x->h.scope_known ||
			    x->global == (x->h.es.scope == ES_SCOPE_GLOBAL),
		    "scope %s, but %s says otherwise", st->scope, SCOPE_PARAM);
	TEST_ASSERT(st->tsc_khz > 0, "tsc_khz 0");
	TEST_ASSERT_EQ(st->cpuid_missed, 0, "cpuid_missed");
	if (st->unattributed)
		test_note("unattributed %llu",
			  (unsigned long long)st->unattributed);

	snprintf(stats_id, sizeof(stats_id), "kvm-%d", x->pid);
	TEST_ASSERT(!strcmp(x->vm->stats_id, stats_id),
		    "vm id=%llu: stats_id=%s, expected %s",
		    (unsigned long long)x->vm->id, x->vm->stats_id, stats_id);
	TEST_ASSERT(x->vcpu->idx == 0 && x->vcpu->id == 0 &&
			    x->vcpu->tid == x->tid,
		    "vcpu idx=%d id=%d tid=%d, expected 0, 0, %d", x->vcpu->idx,
		    x->vcpu->id, x->vcpu->tid, x->tid);
	TEST_ASSERT_EQ(x->vm->exits, x->vcpu->exits, "vm exits vs its vCPU's");
	TEST_ASSERT_EQ(x->vm->cycles, x->vcpu->cycles,
		       "vm cycles vs its vCPU's");

	for (i = 0; i < st->nr_reasons; i++) {
		r = &st->reasons[i];
		if (r->vm != x->vm->id)
			continue;
		hif_check_reason_line(r);
		exits += r->exits;
		cycles += r->cycles;
		timed += r->hist_sum;
		if (!r->unknown && r->code == host_reason(&x->h, W_IO)) {
			io_exits = r->exits;
			io_timed = r->hist_sum;
		}
	}
	TEST_ASSERT_EQ(exits, x->vcpu->exits, "vcpu exits vs its reasons'");
	TEST_ASSERT_EQ(cycles, x->vcpu->cycles, "vcpu cycles vs its reasons'");
	/* Stopped after the report: every exit ended but that last OUT. */
	TEST_ASSERT_EQ(
		timed, x->vcpu->exits - 1,
		"exits that ended (hist) of the stopped vCPU, vs its exits - 1");
	TEST_ASSERT_EQ(io_timed, io_exits - 1,
		       "OUT exits that ended (hist), vs OUT exits - 1");

	for (i = 0; i < st->nr_retired_reasons; i++) {
		hif_check_reason_line(&st->retired_reasons[i]);
		retired.exits += st->retired_reasons[i].exits;
		retired.cycles += st->retired_reasons[i].cycles;
	}
	TEST_ASSERT_EQ(retired.exits, st->retired.exits,
		       "retired exits vs the sum of retired-reason lines");
	TEST_ASSERT_EQ(retired.cycles, st->retired.cycles,
		       "retired cycles vs the sum of retired-reason lines");
	exits = st->retired.exits + st->unattributed;
	for (i = 0; i < st->nr_vms; i++)
		exits += st->vms[i].exits;
	/* Exact only if no other VM can exit between the lines. */
	TEST_ASSERT(st->nr_vms > 1 ? st->total.exits <= exits :
				     st->total.exits == exits,
		    "total exits %llu, retired + unattributed + VMs = %llu",
		    (unsigned long long)st->total.exits,
		    (unsigned long long)exits);
}

/* Our VM's lines, as notes: what the checks below are about. */
static void hif_note_stats(const struct hif *x)
{
	const struct hostif_reason *r;
	unsigned int i;

	test_note(
		"stats: vm id=%llu pid=%d stats_id=%s vcpus=%u exits=%llu cycles=%llu",
		(unsigned long long)x->vm->id, x->vm->pid, x->vm->stats_id,
		x->vm->vcpus, (unsigned long long)x->vm->exits,
		(unsigned long long)x->vm->cycles);
	test_note("stats: vcpu idx=%d id=%d tid=%d exits=%llu cycles=%llu",
		  x->vcpu->idx, x->vcpu->id, x->vcpu->tid,
		  (unsigned long long)x->vcpu->exits,
		  (unsigned long long)x->vcpu->cycles);
	for (i = 0; i < x->st.nr_reasons; i++) {
		r = &x->st.reasons[i];
		if (r->vm != x->vm->id)
			continue;
		test_note(
			"stats: reason code=0x%x%s exits=%llu cycles=%llu min=%llu max=%llu ended=%llu",
			r->code, r->unknown ? "(unknown)" : "",
			(unsigned long long)r->exits,
			(unsigned long long)r->cycles,
			(unsigned long long)r->min, (unsigned long long)r->max,
			(unsigned long long)r->hist_sum);
	}
}

/* One round: the guest reads, reports, the host reads.  True if clean. */
static bool hif_round(struct hif *x, unsigned int round)
{
	struct hostif_figures total;
	uint64_t g_total, late;
	char why[256];

	hif_build_queries(x);
	hif_query(x);
	hif_read_stats(x);
	hif_note_stats(x);
	TEST_ASSERT(has_signature(&x->r[x->nr_q - 2]), NO_MODULE);
	TEST_ASSERT(!(x->r[x->nr_q - 2].edx & ES_INFO_GLOBAL) == !x->global,
		    "the guest's leaf says scope %s, %s says %s",
		    x->r[x->nr_q - 2].edx & ES_INFO_GLOBAL ? "global" : "vm",
		    HOSTIF_STATS_PATH, x->st.scope);
	hif_check_workloads(x);
	late = hif_late_exits(x, why, sizeof(why));
	total = hif_total(x);
	g_total = hif_g_total(x);
	/* After the total: one query (its high half) and the report. */
	TEST_ASSERT(
		total.exits >= g_total + 2 && total.exits <= g_total + 2 + late,
		"total exits: host %llu, guest read %llu; expected + 2 (+ up to %llu late:%s)",
		(unsigned long long)total.exits, (unsigned long long)g_total,
		(unsigned long long)late, why);
	if (late) {
		test_note("round %u: %llu exits the guest could not see:%s",
			  round, (unsigned long long)late, why);
		hif_learn_reasons(x);
		return false;
	}
	TEST_ASSERT_EQ(total.exits, g_total + 2,
		       "total exits: host vs guest's + 2 (query, report)");
	TEST_ASSERT(total.cycles >= hif_g_cycles(x, x->nr_q - 1),
		    "total cycles: host %llu < %llu the guest read",
		    (unsigned long long)total.cycles,
		    (unsigned long long)hif_g_cycles(x, x->nr_q - 1));
	hif_check_consistency(x);
	test_note(
		"round %u: %s exits %llu = guest's %llu + 2; OUT/CPUID/HLT %llu/%llu/%llu; %u other reasons asked",
		round, x->global ? "all" : "VM",
		(unsigned long long)total.exits, (unsigned long long)g_total,
		(unsigned long long)hif_reason(x, host_reason(&x->h, W_IO))
			.exits,
		(unsigned long long)hif_reason(x, host_reason(&x->h, W_CPUID))
			.exits,
		(unsigned long long)hif_reason(x, host_reason(&x->h, W_HLT))
			.exits,
		x->nr_other);
	return true;
}

static void test_hostif(void)
{
	static struct hif x;
	struct vmm_regs r = { .ecx = HIF_LOOPS };
	unsigned int round, i;

	host_detect(&x.h);
	/* Before any VM: say clearly when the module is not there. */
	TEST_ASSERT(!access(HOSTIF_STATS_PATH, R_OK),
		    "%s: %s (exitstat.ko not loaded?)", HOSTIF_STATS_PATH,
		    strerror(errno));
	x.pid = getpid();
	x.tid = gettid();
	guest_create(&x.g);
	hif_call(&x, guest_out_loop, &r, 0);
	r.ecx = HIF_LOOPS;
	hif_call(&x, guest_cpuid_loop, &r, HIF_LOOPS);
	r.ecx = HIF_LOOPS;
	hif_call(&x, guest_hlt_loop, &r, 0);
	/* Touch the query table and answers at their largest: no NPF later. */
	for (i = 0; i < HIF_MAX_Q; i++)
		x.q[i] = (struct query){ ES_LEAF_TOTAL_EXITS, 0 };
	x.nr_q = HIF_MAX_Q;
	hif_query(&x);
	hif_read_stats(&x);
	hif_learn_reasons(&x);
	for (round = 1; !hif_round(&x, round); round++)
		TEST_ASSERT(
			round < HIF_ATTEMPTS,
			"%u rounds, each with exits after the guest's reads",
			round);
	hostif_free(&x.st);
	hostif_free(&x.prev);
	vmm_vm_destroy(x.g.vm);
}

/* ---- mode: busy -------------------------------------------------------- */

#define BUSY_STALL_SECS 10 /* seconds without an exit that fail busy */

static unsigned int busy_secs, busy_spin;
static volatile sig_atomic_t busy_stop; /* SIGUSR1: stop now, as if done */

static void busy_on_usr1(int sig)
{
	(void)sig;
	busy_stop = 1;
}

struct busy {
	struct noisy n;
	int done; /* atomic: the vCPU thread returned */
};

static void *busy_run(void *arg)
{
	struct busy *b = arg;

	noisy_run(&b->n);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * One vCPU doing port I/O exits until told to stop, a progress line every
 * second.  Needs no module: KVM runs on while exitstat.ko comes and goes.
 */
static void mode_busy(void)
{
	unsigned int sec, stalled = 0;
	struct busy b = { 0 };
	struct timespec start, t;
	uint64_t exits, last = 0;
	pthread_t thread;
	uint32_t *flag;
	sigset_t usr1;

	b.n.spin = busy_spin;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	signal(SIGUSR1, busy_on_usr1);
	guest_create(&b.n.g);
	TEST_ASSERT_RET(vmm_alloc(b.n.g.vm, sizeof(uint32_t), &b.n.flag));
	flag = vmm_mem(b.n.g.vm, b.n.flag, sizeof(*flag));
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* SIGUSR1 is for this thread, not the vCPU's (KVM_RUN would stop). */
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	TEST_ASSERT(!pthread_create(&thread, NULL, busy_run, &b),
		    "pthread_create");
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	for (sec = 1; sec <= busy_secs && !busy_stop; sec++) {
		t = start;
		t.tv_sec += sec;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t,
				       NULL) == EINTR &&
		       !busy_stop)
			;
		TEST_ASSERT(!__atomic_load_n(&b.done, __ATOMIC_ACQUIRE),
			    "the guest stopped by itself after %u s", sec);
		exits = noisy_outs(&b.n);
		test_note("busy: %llu exits so far", (unsigned long long)exits);
		stalled = exits == last ? stalled + 1 : 0;
		TEST_ASSERT(stalled < BUSY_STALL_SECS,
			    "no exit for %u s, %llu exits so far", stalled,
			    (unsigned long long)exits);
		last = exits;
	}
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	exits = noisy_outs(&b.n);
	/* The guest counts in 32 bits. */
	TEST_ASSERT_EQ(b.n.outs, (uint32_t)exits,
		       "OUTs the guest counted vs the VMM's");
	vmm_vm_destroy(b.n.g.vm);
	printf("ok - busy ran %u s, %llu exits\n", sec - 1,
	       (unsigned long long)exits);
}

/* ---- mode: churn ------------------------------------------------------- */

/*
 * Creating and destroying a VM is mostly waiting in the kernel (on 6.1
 * under TCG: KVM_CREATE_VM takes 16 ms for 1.6 ms of CPU, the last close
 * 43 ms for 11 ms), so several lanes, each with one VM at a time, create,
 * run and destroy VMs side by side.
 */
#define CHURN_OUTS 10 /* OUTs per vCPU, then the report */
#define CHURN_LANES 8

static unsigned int churn_vms, churn_vcpus = 2;
/* The I/O exit code to ask for, or 0: no check (no module, scope=global). */
static uint32_t churn_io_code;

struct churn_lane;

struct churn_worker {
	struct churn_lane *lane;
	unsigned int idx;
	pthread_t thread;
};

/* A lane: its VM of the moment, and the threads that run its vCPUs. */
struct churn_lane {
	pthread_t thread;
	pthread_barrier_t go;
	pthread_barrier_t done;
	struct guest g[VMM_MAX_VCPUS];
	struct churn_worker w[VMM_MAX_VCPUS];
	bool quit;
	unsigned int vms; /* to create */
	double create, run, all; /* seconds spent */
};

/*
 * A VM starts from zero even where KVM reuses a freed VM's memory: its I/O
 * count can only hold its own vCPUs' OUTs, never an earlier VM's on top.
 * This vCPU has made CHURN_OUTS and a report; each vCPU, at most those and
 * the report of this check.
 */
static void churn_check_fresh(const struct guest *g, unsigned int idx)
{
	uint32_t most = churn_vcpus * (CHURN_OUTS + 2);
	struct es_regs a;

	if (!churn_io_code)
		return;
	call_cpuid(g, ES_LEAF_REASON_EXITS, churn_io_code, &a);
	TEST_ASSERT(
		a.eax >= CHURN_OUTS && a.eax <= most && !a.ebx,
		"vCPU %u: a new VM reads %u I/O exits, expected %u to %u: figures of an earlier VM?",
		idx, a.eax, CHURN_OUTS, most);
}

static void *churn_work(void *arg)
{
	struct churn_worker *w = arg;
	struct churn_lane *l = w->lane;
	struct vmm_exit_stats st;
	struct vmm_regs r;

	for (;;) {
		pthread_barrier_wait(&l->go);
		if (l->quit)
			return NULL;
		r = (struct vmm_regs){ .ecx = CHURN_OUTS };
		guest_call(&l->g[w->idx], guest_out_loop, &r);
		vmm_vcpu_stats(l->g[w->idx].vcpu, &st);
		TEST_ASSERT(
			st.nop_io == CHURN_OUTS && !st.hlt,
			"vCPU %u: %llu OUTs and %llu HLTs, expected %u and 0",
			w->idx, (unsigned long long)st.nop_io,
			(unsigned long long)st.hlt, CHURN_OUTS);
		churn_check_fresh(&l->g[w->idx], w->idx);
		pthread_barrier_wait(&l->done);
	}
}

/* A VM just big enough: the low pages, the blob, the vCPUs' stacks. */
static void churn_create(struct churn_lane *l)
{
	size_t blob = guest_blob_end - guest_blob_start;
	struct guest first = { 0 };
	unsigned int i;

	TEST_ASSERT_RET(
		vmm_vm_create(&first.vm, VMM_GPA_FREE + blob + 16 +
						 churn_vcpus * VMM_STACK_SIZE));
	TEST_ASSERT_RET(
		vmm_load(first.vm, guest_blob_start, blob, &first.blob));
	for (i = 0; i < churn_vcpus; i++) {
		l->g[i] = first;
		TEST_ASSERT_RET(vmm_vcpu_add(first.vm, &l->g[i].vcpu));
	}
}

static void *churn_lane_run(void *arg)
{
	struct churn_lane *l = arg;
	double t0, t1, t2;
	unsigned int i;

	pthread_barrier_init(&l->go, NULL, churn_vcpus + 1);
	pthread_barrier_init(&l->done, NULL, churn_vcpus + 1);
	for (i = 0; i < churn_vcpus; i++) {
		l->w[i] = (struct churn_worker){ .lane = l, .idx = i };
		TEST_ASSERT(!pthread_create(&l->w[i].thread, NULL, churn_work,
					    &l->w[i]),
			    "pthread_create");
	}
	t0 = now();
	for (i = 0; i < l->vms; i++) {
		t1 = now();
		churn_create(l);
		t2 = now();
		pthread_barrier_wait(&l->go);
		pthread_barrier_wait(&l->done);
		l->create += t2 - t1;
		l->run += now() - t2;
		vmm_vm_destroy(l->g[0].vm);
	}
	l->all = now() - t0;
	l->quit = true;
	pthread_barrier_wait(&l->go);
	for (i = 0; i < churn_vcpus; i++)
		pthread_join(l->w[i].thread, NULL);
	return NULL;
}

/* Retired OUT exits the module reports, or -1 without the module. */
static long long churn_retired_outs(struct hostif_stats *st, bool keep)
{
	uint32_t code;
	long long n = 0;
	unsigned int i;
	char err[256];
	int ret;

	ret = hostif_read(HOSTIF_STATS_PATH, st, err, sizeof(err));
	if (ret == -ENOENT || ret == -EACCES) {
		if (keep)
			test_note("%s: module not checked", err);
		return -1;
	}
	TEST_ASSERT(!ret, "%s", err);
	code = workload_reason[strcmp(st->isa, "svm") ? ES_ISA_VMX : ES_ISA_SVM]
			      [W_IO];
	for (i = 0; i < st->nr_retired_reasons; i++)
		if (!st->retired_reasons[i].unknown &&
		    st->retired_reasons[i].code == code)
			n = st->retired_reasons[i].exits;
	if (!keep)
		hostif_free(st);
	return n;
}

/*
 * With the module there: every VM of ours must be gone from its list.  The
 * retired OUT exits are only noted: other VMs, a reset or a reload of the
 * module in the meantime change them.
 */
static void churn_check_module(long long outs_before)
{
	struct hostif_stats st;
	long long outs;
	unsigned int nr;

	outs = churn_retired_outs(&st, true);
	if (outs < 0)
		return;
	hostif_vm_of_pid(&st, getpid(), &nr);
	TEST_ASSERT(!nr, "%s still lists %u VMs of this process, all destroyed",
		    HOSTIF_STATS_PATH, nr);
	test_note(
		"churn: module: %u VMs listed, %llu unattributed exits, retired OUT exits +%lld (the VMs made %u)",
		st.nr_vms, (unsigned long long)st.unattributed,
		outs_before < 0 ? outs : outs - outs_before,
		churn_vms * churn_vcpus * (CHURN_OUTS + 1));
	hostif_free(&st);
}

/* The I/O exit code when the leaves show this VM only, else 0. */
static uint32_t churn_fresh_code(void)
{
	enum es_scope scope;
	char vendor[13];

	if (!host_scope(&scope) || scope != ES_SCOPE_VM)
		return 0;
	return host_isa(vendor) == ES_ISA_SVM ? 0x7b : 30;
}

static void mode_churn(void)
{
	static struct churn_lane lanes[CHURN_LANES];
	unsigned int i, nr = CHURN_LANES;
	double start, secs, create = 0, run = 0, all = 0;
	struct hostif_stats st;
	long long outs;

	if (nr > churn_vms)
		nr = churn_vms;
	churn_io_code = churn_fresh_code();
	outs = churn_retired_outs(&st, false);
	start = now();
	for (i = 0; i < nr; i++) {
		lanes[i].vms = churn_vms / nr + (i < churn_vms % nr);
		TEST_ASSERT(!pthread_create(&lanes[i].thread, NULL,
					    churn_lane_run, &lanes[i]),
			    "pthread_create");
	}
	for (i = 0; i < nr; i++) {
		pthread_join(lanes[i].thread, NULL);
		create += lanes[i].create;
		run += lanes[i].run;
		all += lanes[i].all;
	}
	secs = now() - start;
	test_note(
		"churn: %u VMs x %u vCPUs in %.2f s, %u at a time: %.1f VMs/s (each: create %.1f ms, run %.1f ms, destroy %.1f ms)",
		churn_vms, churn_vcpus, secs, nr, churn_vms / secs,
		create * 1e3 / churn_vms, run * 1e3 / churn_vms,
		(all - create - run) * 1e3 / churn_vms);
	churn_check_module(outs);
	printf("ok - churn %u VMs x %u vCPUs\n", churn_vms, churn_vcpus);
}

/* ---- main -------------------------------------------------------------- */

static const struct test_case tests[] = {
	{ "vmm", "the VMM itself: exits, threads, guest memory, faults",
	  test_vmm },
	{ "discovery", "signature, ABI version, ISA and scope in 0x4ffffffc",
	  test_discovery },
	{ "io", "N OUTs raise the I/O count by exactly N", test_io },
	{ "cpuid", "N CPUIDs raise the CPUID count by N + queries",
	  test_cpuid },
	{ "hlt", "N HLTs raise the HLT count by exactly N", test_hlt },
	{ "total", "total exits rise by at least the sum of the reasons",
	  test_total },
	{ "cycles", "cycles non-zero, monotonic, per reason <= total",
	  test_cycles },
	{ "undefined", "undefined reasons: 0 0 0 0xffffffff (sweep)",
	  test_undefined },
	{ "disabled", "defined reasons without KVM handler: all zeros",
	  test_disabled },
	{ "enabled", "enabled reasons: the registers the contract fixes",
	  test_enabled },
	{ "isolation", "scope=vm hides VM A's exits from VM B, global not",
	  test_isolation },
	{ "hostif", "/proc/exitstat/stats agrees exactly with the guest",
	  test_hostif },
};

static const char usage[] =
	"   or: exitcheck busy SECONDS [SPIN]\n"
	"   or: exitcheck churn VMS [VCPUS]\n"
	"   or: exitcheck hostile RANDOM VCPUS [SEED]\n"
	"Checks exitstat's CPUID leaves with small VMs of its own. Run it\n"
	"where exitstat.ko is loaded (with no other VM running for the exact\n"
	"counts); prints TAP, exits non-zero if a test fails.\n"
	"\n"
	"Modes, for the e2e scripts (\"# \" lines, then one \"ok - \" or\n"
	"\"not ok - \" line; exit status 0 or 1, 2 for a usage error):\n"
	"  busy SECONDS [SPIN]\n"
	"                     one vCPU doing port I/O exits for SECONDS s,\n"
	"                     SPIN turns of an empty loop after each (default\n"
	"                     0: where the clock counts instructions, as Bochs'\n"
	"                     does, exits make time crawl), \"# busy: N exits\n"
	"                     so far\" every second; SIGUSR1 ends it early;\n"
	"                     needs no module, so it runs on across\n"
	"                     rmmod/insmod\n"
	"  churn VMS [VCPUS]  VMS times: create a VM with VCPUS vCPUs (default\n"
	"                     2, at most 8), 10 OUTs on each in threads,\n"
	"                     destroy it; prints the rate; with the module,\n"
	"                     checks no VM of this process is left in its list\n"
	"  hostile RANDOM VCPUS [SEED]\n"
	"                     VCPUS vCPUs (1..8) over two VMs, in threads, ask\n"
	"                     each leaf for every ECX 0..0x1000, RANDOM random\n"
	"                     ECX values (from SEED, noted when drawn) and the\n"
	"                     edge codes, while another thread reads stats in\n"
	"                     a loop: every answer must match the contract,\n"
	"                     the leaves around ours stay untouched, and no\n"
	"                     10 s may pass without a read of stats ending\n";

/* A decimal number in @min..@max. */
static bool parse_range(const char *s, unsigned int min, unsigned int max,
			unsigned int *v)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || s[0] < '0' || s[0] > '9' || n < min || n > max)
		return false;
	*v = n;
	return true;
}

static bool parse_count(const char *s, unsigned int max, unsigned int *v)
{
	return parse_range(s, 1, max, v);
}

/* A 64-bit number, decimal or 0x hex. */
static bool parse_seed(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end || s[0] < '0' || s[0] > '9')
		return false;
	*v = n;
	return true;
}

static int main_hostile(int argc, char **argv)
{
	static const struct test_case hostile = { "hostile", "", mode_hostile };

	if (argc < 4 || argc > 5 ||
	    !parse_range(argv[2], 0, HOSTILE_RANDOM_MAX, &hostile_random) ||
	    !parse_count(argv[3], VMM_MAX_VCPUS, &hostile_vcpus) ||
	    (argc == 5 && !parse_seed(argv[4], &hostile_seed))) {
		fprintf(stderr,
			"usage: %s hostile RANDOM VCPUS [SEED] (RANDOM 0..%u, VCPUS 1..%d)\n",
			argv[0], HOSTILE_RANDOM_MAX, VMM_MAX_VCPUS);
		return 2;
	}
	hostile_seeded = argc == 5;
	/* Even at 1000 CPUID exits/s; the e2e scripts set their own limits. */
	return test_run_one(&hostile, hostile_timeout());
}

static int main_mode(int argc, char **argv)
{
	static const struct test_case busy = { "busy", "", mode_busy };
	static const struct test_case churn = { "churn", "", mode_churn };

	if (!strcmp(argv[1], "busy")) {
		if (argc < 3 || argc > 4 ||
		    !parse_count(argv[2], 86400, &busy_secs) ||
		    (argc == 4 &&
		     !parse_range(argv[3], 0, 100000000, &busy_spin))) {
			fprintf(stderr,
				"usage: %s busy SECONDS [SPIN] (SECONDS 1..86400, SPIN 0..100000000)\n",
				argv[0]);
			return 2;
		}
		return test_run_one(&busy, busy_secs + 60);
	}
	if (!strcmp(argv[1], "hostile"))
		return main_hostile(argc, argv);
	if (argc < 3 || argc > 4 ||
	    !parse_count(argv[2], 1000000, &churn_vms) ||
	    (argc == 4 && !parse_count(argv[3], VMM_MAX_VCPUS, &churn_vcpus))) {
		fprintf(stderr, "usage: %s churn VMS [VCPUS] (VCPUS 1..%d)\n",
			argv[0], VMM_MAX_VCPUS);
		return 2;
	}
	/* Even at 10 VMs/s; the e2e scripts set their own limits. */
	return test_run_one(&churn, 60 + churn_vms / 10);
}

int main(int argc, char **argv)
{
	if (argc > 1 &&
	    (!strcmp(argv[1], "busy") || !strcmp(argv[1], "churn") ||
	     !strcmp(argv[1], "hostile")))
		return main_mode(argc, argv);
	return test_main(argc, argv, usage, tests, ES_ARRAY_SIZE(tests));
}
