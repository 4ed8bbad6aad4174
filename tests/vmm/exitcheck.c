// SPDX-License-Identifier: GPL-2.0
/*
 * exitcheck: checks exitstat's CPUID leaves end to end.  It runs on a host
 * (normally itself a guest, under nested virtualisation) where exitstat.ko
 * is loaded, starts its own small VMs with the VMM of vmm.c and compares
 * what their guests read from leaves 0x4ffffffc-0x4fffffff with what the
 * guests did and with the contract, es_cpuid_answer() of core/cpuid_abi.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <cpuid.h>

#include "cpuid_abi.h"
#include "guest.h"
#include "test_util.h"
#include "vmm.h"

#define NR_LOOPS 1000 /* exits per workload */
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

struct query {
	uint32_t leaf;
	uint32_t subleaf;
};

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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the host ---------------------------------------------------------- */

static enum es_isa host_isa(char vendor[13])
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	TEST_ASSERT(f, "/proc/cpuinfo: %s", strerror(errno));
	vendor[0] = '\0';
	while (!vendor[0] && fgets(line, sizeof(line), f))
		sscanf(line, "vendor_id : %12s", vendor);
	fclose(f);
	if (!strcmp(vendor, "GenuineIntel"))
		return ES_ISA_VMX;
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
		return ES_ISA_SVM;
	test_fail(__FILE__, __LINE__,
		  "unknown CPU vendor '%s' in /proc/cpuinfo", vendor);
}

static enum es_kernel host_kernel(void)
{
	unsigned int major, minor;
	struct utsname u;

	TEST_ASSERT(!uname(&u), "uname: %s", strerror(errno));
	TEST_ASSERT(sscanf(u.release, "%u.%u", &major, &minor) == 2,
		    "cannot parse kernel release '%s'", u.release);
	return es_kernel_series(major, minor);
}

/* Returns false when the module parameter cannot be read. */
static bool host_scope(enum es_scope *scope)
{
	FILE *f = fopen(SCOPE_PARAM, "r");
	char buf[16] = "";
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "%15s", buf) == 1;
	fclose(f);
	if (ok && !strcmp(buf, "vm"))
		*scope = ES_SCOPE_VM;
	else if (ok && !strcmp(buf, "global"))
		*scope = ES_SCOPE_GLOBAL;
	else
		test_fail(__FILE__, __LINE__, "%s: unexpected value '%s'",
			  SCOPE_PARAM, buf);
	return true;
}

static void host_detect(struct host *h)
{
	memset(h, 0, sizeof(*h));
	h->es.table = es_isa_table(host_isa(h->vendor));
	h->es.kernel = host_kernel();
	h->es.scope = ES_SCOPE_VM;
	h->scope_known = host_scope(&h->es.scope);
}

static uint32_t host_reason(const struct host *h, int w)
{
	return workload_reason[h->es.table->isa][w];
}

/* ---- guests ------------------------------------------------------------ */

static void guest_add_vcpu(const struct guest *g, struct guest *g2)
{
	*g2 = *g;
	TEST_ASSERT_RET(vmm_vcpu_add(g->vm, &g2->vcpu));
	TEST_ASSERT_RET(vmm_alloc(g->vm, SCRATCH_SIZE, &g2->scratch));
}

static void guest_create(struct guest *g)
{
	struct guest first = { 0 };

	TEST_ASSERT_RET(vmm_vm_create(&first.vm, VMM_MEM_DEFAULT));
	TEST_ASSERT_RET(vmm_load(first.vm, guest_blob_start,
				 guest_blob_end - guest_blob_start,
				 &first.blob));
	guest_add_vcpu(&first, g);
}

static void guest_call(const struct guest *g, const char *fn,
		       struct vmm_regs *r)
{
	int ret = vmm_vcpu_call(g->vcpu, guest_addr(g->blob, fn), r);

	TEST_ASSERT(!ret, "guest call failed: %s: %s", strerror(-ret),
		    vmm_vcpu_exit_str(g->vcpu));
}

static void call_cpuid(const struct guest *g, uint32_t leaf, uint32_t subleaf,
		       struct es_regs *out)
{
	struct vmm_regs r = { .eax = leaf, .ecx = subleaf };

	guest_call(g, guest_cpuid, &r);
	*out = (struct es_regs){ r.eax, r.ebx, r.ecx, r.edx };
}

/*
 * Writes the query table into scratch memory and returns where the answers
 * go: @copies x @nr of them.
 */
static uint64_t guest_put_queries(const struct guest *g, const struct query *q,
				  uint32_t nr, unsigned int copies)
{
	size_t table = sizeof(nr) + nr * sizeof(*q);
	uint64_t out = g->scratch + ((table + 15) & ~(size_t)15);

	TEST_ASSERT(out + copies * nr * sizeof(struct es_regs) <=
			    g->scratch + SCRATCH_SIZE,
		    "%u queries do not fit", nr);
	TEST_ASSERT_RET(vmm_write(g->vm, g->scratch, &nr, sizeof(nr)));
	TEST_ASSERT_RET(
		vmm_write(g->vm, g->scratch + sizeof(nr), q, nr * sizeof(*q)));
	return out;
}

/* One CPUID per query, all in one guest run. */
static void call_query(const struct guest *g, const struct query *q,
		       uint32_t nr, struct es_regs *out)
{
	uint64_t gpa = guest_put_queries(g, q, nr, 1);
	struct vmm_regs r = { .esi = g->scratch, .edi = gpa };

	guest_call(g, guest_query, &r);
	TEST_ASSERT_RET(vmm_read(g->vm, gpa, out, nr * sizeof(*out)));
}

/*
 * The queries, @fn(@n), the queries again, in one guest run: between the
 * two answers to a query lie the workload and exactly @nr CPUID exits.
 */
static void call_measure(const struct guest *g, const char *fn, uint32_t n,
			 const struct query *q, uint32_t nr,
			 struct es_regs *before, struct es_regs *after)
{
	uint64_t gpa = guest_put_queries(g, q, nr, 2);
	struct vmm_regs r = {
		.ebx = guest_addr(g->blob, fn),
		.ecx = n,
		.esi = g->scratch,
		.edi = gpa,
	};

	guest_call(g, guest_measure, &r);
	TEST_ASSERT_RET(vmm_read(g->vm, gpa, before, nr * sizeof(*before)));
	TEST_ASSERT_RET(vmm_read(g->vm, gpa + nr * sizeof(*before), after,
				 nr * sizeof(*after)));
}

static bool has_signature(const struct es_regs *r)
{
	return r->ebx == ES_SIGNATURE_EBX && r->ecx == ES_SIGNATURE_ECX;
}

/* TEST_REQUIRE for the tests that read the leaves. */
static void guest_require_exitstat(const struct guest *g)
{
	struct es_regs r;

	call_cpuid(g, ES_LEAF_TOTAL_EXITS, 0, &r);
	TEST_REQUIRE(has_signature(&r), NO_MODULE);
}

/* ---- the contract ------------------------------------------------------ */

static void fill_total(const void *ctx, struct es_figures *f)
{
	f->exits = f->cycles = *(const uint64_t *)ctx;
}

static void fill_reason(const void *ctx, unsigned int slot,
			struct es_figures *f)
{
	(void)slot;
	fill_total(ctx, f);
}

/*
 * The answer the contract gives for any figures: the bits that are the
 * same whether every figure is 0 or all ones are fixed (@mask), the others
 * carry figures.
 */
struct expect {
	struct es_regs val;
	struct es_regs mask;
};

static void expect_answer(const struct es_host *host, uint32_t leaf,
			  uint32_t subleaf, struct expect *e)
{
	static const uint64_t zero, ones = ~0ull;
	const struct es_stats_source s0 = { fill_total, fill_reason, &zero };
	const struct es_stats_source s1 = { fill_total, fill_reason, &ones };
	struct es_regs a, b;

	TEST_ASSERT(es_cpuid_answer(leaf, subleaf, host, &s0, &a) &&
			    es_cpuid_answer(leaf, subleaf, host, &s1, &b),
		    "es_cpuid_answer() does not know leaf 0x%x", leaf);
	e->val = a;
	e->mask = (struct es_regs){ ~(a.eax ^ b.eax), ~(a.ebx ^ b.ebx),
				    ~(a.ecx ^ b.ecx), ~(a.edx ^ b.edx) };
}

static bool expect_match(const struct expect *e, const struct es_regs *r)
{
	return !((r->eax ^ e->val.eax) & e->mask.eax) &&
	       !((r->ebx ^ e->val.ebx) & e->mask.ebx) &&
	       !((r->ecx ^ e->val.ecx) & e->mask.ecx) &&
	       !((r->edx ^ e->val.edx) & e->mask.edx);
}

/* "0x00000000" for a fixed register, "figure" for one that holds data. */
static const char *expect_reg(uint32_t val, uint32_t mask, char *buf)
{
	if (!mask)
		return "figure";
	sprintf(buf, "0x%08x", val);
	return buf;
}

static void expect_str(const struct expect *e, char *buf, size_t size)
{
	char a[12], b[12], c[12], d[12];

	snprintf(buf, size, "%s %s %s %s",
		 expect_reg(e->val.eax, e->mask.eax, a),
		 expect_reg(e->val.ebx, e->mask.ebx, b),
		 expect_reg(e->val.ecx, e->mask.ecx, c),
		 expect_reg(e->val.edx, e->mask.edx, d));
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

/* Codes past the sweep: powers of two, sign bits, the negative SVM codes. */
static const uint32_t edge_codes[] = {
	0x7ff,	    0x800,	0xfff,	    0x1000,	0xffff,
	0x10000,    0x7fffffff, 0x80000000, 0x80000001, 0xfffffffb,
	0xfffffffc, 0xfffffffd, 0xfffffffe, 0xffffffff,
};

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

static void answer_str(const struct query *q, const struct es_regs *r,
		       const char *exp, char *buf, size_t size)
{
	snprintf(
		buf, size,
		"leaf 0x%x code 0x%x: expected %s, got 0x%08x 0x%08x 0x%08x 0x%08x",
		q->leaf, q->subleaf, exp, r->eax, r->ebx, r->ecx, r->edx);
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
	uint32_t outs; /* OUTs the guest counted */
};

static void *noisy_run(void *arg)
{
	struct noisy *n = arg;
	struct vmm_regs r = { .ebx = n->flag };

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
};

static const char usage[] =
	"Checks exitstat's CPUID leaves with small VMs of its own. Run it\n"
	"where exitstat.ko is loaded (with no other VM running for the exact\n"
	"counts); prints TAP, exits non-zero if a test fails.\n";

int main(int argc, char **argv)
{
	return test_main(argc, argv, usage, tests, ES_ARRAY_SIZE(tests));
}
