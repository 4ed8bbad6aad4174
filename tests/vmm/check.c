// SPDX-License-Identifier: GPL-2.0
/*
 * What exitcheck's tests and modes share, see check.h: the host, guests
 * holding the guest blob, and the contract's answer for any figures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "check.h"
#include "guest.h"
#include "test_util.h"

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Codes past the sweep: powers of two, sign bits, the negative SVM codes.
 * NR_EDGE_CODES (check.h) counts them.
 */
const uint32_t edge_codes[NR_EDGE_CODES] = {
	0x7ff,	    0x800,	0xfff,	    0x1000,	0xffff,
	0x10000,    0x7fffffff, 0x80000000, 0x80000001, 0xfffffffb,
	0xfffffffc, 0xfffffffd, 0xfffffffe, 0xffffffff,
};

/* ---- the host ---------------------------------------------------------- */

enum es_isa host_isa(char vendor[13])
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

enum es_kernel host_kernel(void)
{
	unsigned int major, minor;
	struct utsname u;

	TEST_ASSERT(!uname(&u), "uname: %s", strerror(errno));
	TEST_ASSERT(sscanf(u.release, "%u.%u", &major, &minor) == 2,
		    "cannot parse kernel release '%s'", u.release);
	return es_kernel_series(major, minor);
}

/* Returns false when the module parameter cannot be read. */
bool host_scope(enum es_scope *scope)
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

void host_detect(struct host *h)
{
	memset(h, 0, sizeof(*h));
	h->es.table = es_isa_table(host_isa(h->vendor));
	h->es.kernel = host_kernel();
	h->es.scope = ES_SCOPE_VM;
	h->scope_known = host_scope(&h->es.scope);
}

/* ---- guests ------------------------------------------------------------ */

void guest_add_vcpu(const struct guest *g, struct guest *g2)
{
	*g2 = *g;
	TEST_ASSERT_RET(vmm_vcpu_add(g->vm, &g2->vcpu));
	TEST_ASSERT_RET(vmm_alloc(g->vm, SCRATCH_SIZE, &g2->scratch));
}

void guest_create(struct guest *g)
{
	struct guest first = { 0 };

	TEST_ASSERT_RET(vmm_vm_create(&first.vm, VMM_MEM_DEFAULT));
	TEST_ASSERT_RET(vmm_load(first.vm, guest_blob_start,
				 guest_blob_end - guest_blob_start,
				 &first.blob));
	guest_add_vcpu(&first, g);
}

void guest_call(const struct guest *g, const char *fn, struct vmm_regs *r)
{
	int ret = vmm_vcpu_call(g->vcpu, guest_addr(g->blob, fn), r);

	TEST_ASSERT(!ret, "guest call failed: %s: %s", strerror(-ret),
		    vmm_vcpu_exit_str(g->vcpu));
}

void call_cpuid(const struct guest *g, uint32_t leaf, uint32_t subleaf,
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
uint64_t guest_put_queries(const struct guest *g, const struct query *q,
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
void call_query(const struct guest *g, const struct query *q, uint32_t nr,
		struct es_regs *out)
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
void call_measure(const struct guest *g, const char *fn, uint32_t n,
		  const struct query *q, uint32_t nr, struct es_regs *before,
		  struct es_regs *after)
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

bool has_signature(const struct es_regs *r)
{
	return r->ebx == ES_SIGNATURE_EBX && r->ecx == ES_SIGNATURE_ECX;
}

/* TEST_REQUIRE for the tests that read the leaves. */
void guest_require_exitstat(const struct guest *g)
{
	struct es_regs r;

	call_cpuid(g, ES_LEAF_TOTAL_EXITS, 0, &r);
	TEST_REQUIRE(has_signature(&r), NO_MODULE);
}

/* ---- the contract ------------------------------------------------------ */

void fill_total(const void *ctx, struct es_figures *f)
{
	f->exits = f->cycles = *(const uint64_t *)ctx;
}

void fill_reason(const void *ctx, unsigned int slot, struct es_figures *f)
{
	(void)slot;
	fill_total(ctx, f);
}

void expect_answer(const struct es_host *host, uint32_t leaf, uint32_t subleaf,
		   struct expect *e)
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

bool expect_match(const struct expect *e, const struct es_regs *r)
{
	return !((r->eax ^ e->val.eax) & e->mask.eax) &&
	       !((r->ebx ^ e->val.ebx) & e->mask.ebx) &&
	       !((r->ecx ^ e->val.ecx) & e->mask.ecx) &&
	       !((r->edx ^ e->val.edx) & e->mask.edx);
}

/* "0x00000000" for a fixed register, "figure" for one that holds data. */
const char *expect_reg(uint32_t val, uint32_t mask, char *buf)
{
	if (!mask)
		return "figure";
	sprintf(buf, "0x%08x", val);
	return buf;
}

void expect_str(const struct expect *e, char *buf, size_t size)
{
	char a[12], b[12], c[12], d[12];

	snprintf(buf, size, "%s %s %s %s",
		 expect_reg(e->val.eax, e->mask.eax, a),
		 expect_reg(e->val.ebx, e->mask.ebx, b),
		 expect_reg(e->val.ecx, e->mask.ecx, c),
		 expect_reg(e->val.edx, e->mask.edx, d));
}

void answer_str(const struct query *q, const struct es_regs *r, const char *exp,
		char *buf, size_t size)
{
	snprintf(
		buf, size,
		"leaf 0x%x code 0x%x: expected %s, got 0x%08x 0x%08x 0x%08x 0x%08x",
		q->leaf, q->subleaf, exp, r->eax, r->ebx, r->ecx, r->edx);
}
