// SPDX-License-Identifier: GPL-2.0
/*
 * exitcheck hostile RANDOM VCPUS [SEED]: the leaves under fire.  VCPUS
 * vCPUs over two VMs, each in a thread of its own, ask each of the four
 * leaves for every ECX from 0 to 0x1000, for RANDOM random ECX values and
 * for the edge codes, one guest run per batch, while another thread reads
 * /proc/exitstat/stats in a loop.  Every answer must have the bits the
 * contract fixes (the figures move meanwhile); the leaves on either side
 * of ours, asked twice in a row in every batch, must give the same answer
 * twice and never the signature (the module leaves them alone); and the
 * host must keep serving the reader, at most 10 s between two reads.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "guest.h"
#include "hostif.h"
#include "test_util.h"

#define HOSTILE_LEAVES 4 /* 0x4ffffffc..0x4fffffff */
#define HOSTILE_SWEEP_LAST 0x1000u /* every ECX up to this, on each leaf */
#define HOSTILE_SWEEP (HOSTILE_LEAVES * (HOSTILE_SWEEP_LAST + 1))
#define HOSTILE_EDGE (HOSTILE_LEAVES * NR_EDGE_CODES)
#define HOSTILE_BELOW (ES_LEAF_TOTAL_EXITS - 1) /* 0x4ffffffb */
#define HOSTILE_ABOVE (ES_LEAF_REASON_CYCLES + 1) /* 0x50000000 */
#define HOSTILE_OUTSIDE 4 /* per batch: BELOW, BELOW, ABOVE, ABOVE */
/* Queries per guest run: the table and the answers fill the scratch. */
#define HOSTILE_BATCH \
	((SCRATCH_SIZE - 16) / (sizeof(struct query) + sizeof(struct es_regs)))
#define HOSTILE_PER_RUN (HOSTILE_BATCH - HOSTILE_OUTSIDE) /* of the plan */
#define HOSTILE_MAX_GAP 10.0 /* s between two reads of stats, at most */
#define HOSTILE_MIN_RATE 1000 /* CPUID exits/s the time limit allows for */
#define HOSTILE_NOTES 10 /* wrong answers shown as notes */
#define HOSTILE_PROGRESS 10 /* s between progress notes */
#define HOSTILE_TICK_NS 100000000 /* the main thread's watch: 100 ms */

unsigned int hostile_random;
unsigned int hostile_vcpus;
bool hostile_seeded;
uint64_t hostile_seed;

/* One vCPU, its thread and its share of the queries. */
struct hostile_vcpu {
	struct guest g;
	unsigned int idx;
	char vm; /* 'A' or 'B' */
	uint64_t rng; /* splitmix64 state, from the seed */
	uint64_t next; /* next query of the plan */
	uint64_t answers; /* atomic: checked so far */
	int done; /* atomic: the thread returned */
	pthread_t thread;
	struct query q[HOSTILE_BATCH];
	struct es_regs r[HOSTILE_BATCH];
};

/* The thread that reads stats while the vCPUs ask. */
struct hostile_reader {
	pthread_t thread;
	double start;
	int stop; /* atomic: the vCPUs are done */
	int done; /* atomic: the thread returned */
	uint64_t reads; /* atomic */
	uint64_t last_ns; /* atomic: when the last read ended, since start */
	double gap; /* the longest, s; the reader's own until it returns */
};

static struct host hostile_host;
static pthread_mutex_t hostile_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t hostile_bad; /* under hostile_lock */
static char hostile_first[400]; /* the first wrong answer */

_Static_assert(HOSTILE_BATCH > HOSTILE_OUTSIDE, "no room for queries");

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Queries of one vCPU's plan: the sweep, the random ones, the edges. */
static uint64_t hostile_plan_size(void)
{
	return HOSTILE_SWEEP + (uint64_t)hostile_random + HOSTILE_EDGE;
}

/* Queries one vCPU runs: its plan and the outside ones of each batch. */
static uint64_t hostile_queries(void)
{
	uint64_t plan = hostile_plan_size();

	return plan +
	       (plan + HOSTILE_PER_RUN - 1) / HOSTILE_PER_RUN * HOSTILE_OUTSIDE;
}

unsigned int hostile_timeout(void)
{
	return 60 + (unsigned int)(hostile_vcpus * hostile_queries() /
				   HOSTILE_MIN_RATE);
}

/*
 * Query @k of the plan; the leaves take turns in each part.  The random
 * ECX values come from the vCPU's generator, in order, so a seed gives
 * the same queries again.
 */
static struct query hostile_plan(struct hostile_vcpu *v, uint64_t k)
{
	uint32_t leaf;

	if (k < HOSTILE_SWEEP)
		return (struct query){ ES_LEAF_TOTAL_EXITS + k % HOSTILE_LEAVES,
				       k / HOSTILE_LEAVES };
	k -= HOSTILE_SWEEP;
	leaf = ES_LEAF_TOTAL_EXITS + k % HOSTILE_LEAVES;
	if (k < hostile_random)
		return (struct query){ leaf, (uint32_t)splitmix64(&v->rng) };
	k -= hostile_random;
	leaf = ES_LEAF_TOTAL_EXITS + k % HOSTILE_LEAVES;
	return (struct query){ leaf, edge_codes[k / HOSTILE_LEAVES] };
}

/* Counts a wrong answer; the first few become notes. */
static void hostile_wrong(const struct hostile_vcpu *v, const char *msg)
{
	pthread_mutex_lock(&hostile_lock);
	if (!hostile_bad)
		snprintf(hostile_first, sizeof(hostile_first),
			 "vCPU %u (VM %c): %s", v->idx, v->vm, msg);
	if (hostile_bad++ < HOSTILE_NOTES)
		test_note("vCPU %u (VM %c): %s", v->idx, v->vm, msg);
	pthread_mutex_unlock(&hostile_lock);
}

/* One guest run: a CPUID per query of the batch. */
static void hostile_run(struct hostile_vcpu *v, uint32_t nr)
{
	uint64_t gpa = guest_put_queries(&v->g, v->q, nr, 1);
	struct vmm_regs r = { .esi = v->g.scratch, .edi = gpa };
	int ret;

	ret = vmm_vcpu_call(v->g.vcpu, guest_addr(v->g.blob, guest_query), &r);
	TEST_ASSERT(
		!ret,
		"vCPU %u (VM %c): guest call failed after %llu queries: %s: %s",
		v->idx, v->vm, (unsigned long long)v->answers, strerror(-ret),
		vmm_vcpu_exit_str(v->g.vcpu));
	/* guest_query returns EDI past the answers: it ran them all. */
	TEST_ASSERT(
		r.edi == gpa + nr * sizeof(struct es_regs),
		"vCPU %u (VM %c): guest_query stopped at 0x%x, expected 0x%llx",
		v->idx, v->vm, r.edi,
		(unsigned long long)(gpa + nr * sizeof(struct es_regs)));
	TEST_ASSERT_RET(vmm_read(v->g.vm, gpa, v->r, nr * sizeof(*v->r)));
}

/* Query @i of the batch against the contract. */
static void hostile_check_ours(struct hostile_vcpu *v, unsigned int i)
{
	char exp[64], msg[256];
	struct expect e;

	expect_answer(&hostile_host.es, v->q[i].leaf, v->q[i].subleaf, &e);
	/* As in the discovery test: no module parameter, no scope bit. */
	if (v->q[i].leaf == ES_LEAF_TOTAL_EXITS && !hostile_host.scope_known)
		e.mask.edx &= ~ES_INFO_GLOBAL;
	if (expect_match(&e, &v->r[i]))
		return;
	expect_str(&e, exp, sizeof(exp));
	answer_str(&v->q[i], &v->r[i], exp, msg, sizeof(msg));
	hostile_wrong(v, msg);
}

/* Queries @i and @i + 1 of the batch: a leaf not ours, asked twice. */
static void hostile_check_outside(struct hostile_vcpu *v, unsigned int i)
{
	const struct es_regs *a = &v->r[i], *b = &v->r[i + 1];
	char msg[256];

	if (!memcmp(a, b, sizeof(*a)) && !has_signature(a))
		return;
	snprintf(
		msg, sizeof(msg),
		"leaf 0x%x ECX 0x%x (not ours): %s: 0x%08x 0x%08x 0x%08x 0x%08x, then 0x%08x 0x%08x 0x%08x 0x%08x",
		v->q[i].leaf, v->q[i].subleaf,
		has_signature(a) || has_signature(b) ?
			"the exitstat signature" :
			"two answers in a row differ",
		a->eax, a->ebx, a->ecx, a->edx, b->eax, b->ebx, b->ecx, b->edx);
	hostile_wrong(v, msg);
}

static void *hostile_vcpu_run(void *arg)
{
	struct hostile_vcpu *v = arg;
	uint64_t plan = hostile_plan_size();
	unsigned int i, n;
	uint32_t ecx;

	while (v->next < plan) {
		n = plan - v->next < HOSTILE_PER_RUN ? plan - v->next :
						       HOSTILE_PER_RUN;
		for (i = 0; i < n; i++)
			v->q[i] = hostile_plan(v, v->next + i);
		/* The leaves around ours, with an ECX of this batch. */
		ecx = v->q[0].subleaf;
		v->q[n] = v->q[n + 1] = (struct query){ HOSTILE_BELOW, ecx };
		v->q[n + 2] = v->q[n + 3] =
			(struct query){ HOSTILE_ABOVE, ecx };
		hostile_run(v, n + HOSTILE_OUTSIDE);
		for (i = 0; i < n; i++)
			hostile_check_ours(v, i);
		for (i = n; i < n + HOSTILE_OUTSIDE; i += 2)
			hostile_check_outside(v, i);
		v->next += n;
		__atomic_add_fetch(&v->answers, n + HOSTILE_OUTSIDE,
				   __ATOMIC_RELAXED);
	}
	__atomic_store_n(&v->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Reads the whole of stats (parsed: it must stay well formed) in a loop. */
static void *hostile_read_run(void *arg)
{
	struct hostile_reader *rd = arg;
	double last = rd->start, t;
	struct hostif_stats st;
	char err[256];
	int ret;

	do {
		snprintf(err, sizeof(err), "%s: out of memory",
			 HOSTIF_STATS_PATH);
		ret = hostif_read(HOSTIF_STATS_PATH, &st, err, sizeof(err));
		hostif_free(&st);
		TEST_ASSERT(!ret, "reading stats under load: %s", err);
		t = now();
		if (t - last > rd->gap)
			rd->gap = t - last;
		last = t;
		__atomic_store_n(&rd->last_ns,
				 (uint64_t)((t - rd->start) * 1e9),
				 __ATOMIC_RELEASE);
		__atomic_add_fetch(&rd->reads, 1, __ATOMIC_RELEASE);
	} while (!__atomic_load_n(&rd->stop, __ATOMIC_ACQUIRE));
	__atomic_store_n(&rd->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* The vCPUs: ceil(VCPUS / 2) in VM A, the rest in VM B. */
static unsigned int hostile_create(struct hostile_vcpu *v)
{
	unsigned int i, nr_a = (hostile_vcpus + 1) / 2;

	guest_create(&v[0].g);
	guest_require_exitstat(&v[0].g);
	for (i = 0; i < hostile_vcpus; i++) {
		v[i].idx = i;
		v[i].vm = i < nr_a ? 'A' : 'B';
		if (i == nr_a)
			guest_create(&v[i].g);
		else if (i)
			guest_add_vcpu(&v[i < nr_a ? 0 : nr_a].g, &v[i].g);
	}
	return hostile_vcpus > nr_a ? 2 : 1;
}

/* A seed nobody chose, unless one was given; each vCPU's is noted. */
static void hostile_seed_vcpus(struct hostile_vcpu *v)
{
	uint64_t s = (uint64_t)(now() * 1e9) ^ (uint64_t)getpid() << 32;
	unsigned int i;

	if (!hostile_seeded)
		hostile_seed = splitmix64(&s);
	test_note(
		"hostile: seed 0x%016llx, vCPU i draws from seed + i; again: exitcheck hostile %u %u 0x%llx",
		(unsigned long long)hostile_seed, hostile_random, hostile_vcpus,
		(unsigned long long)hostile_seed);
	for (i = 0; i < hostile_vcpus; i++) {
		v[i].rng = hostile_seed + i;
		test_note(
			"hostile: vCPU %u in VM %c: seed 0x%016llx, %llu queries",
			i, v[i].vm, (unsigned long long)v[i].rng,
			(unsigned long long)hostile_queries());
	}
}

static uint64_t hostile_answers(const struct hostile_vcpu *v)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < hostile_vcpus; i++)
		n += __atomic_load_n(&v[i].answers, __ATOMIC_RELAXED);
	return n;
}

static bool hostile_vcpus_done(const struct hostile_vcpu *v)
{
	unsigned int i;

	for (i = 0; i < hostile_vcpus; i++)
		if (!__atomic_load_n(&v[i].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/*
 * Until the vCPUs and then the reader are done: fails as soon as no read
 * of stats has ended for HOSTILE_MAX_GAP, notes the progress now and then.
 */
static void hostile_watch(const struct hostile_vcpu *v,
			  struct hostile_reader *rd)
{
	const struct timespec tick = { 0, HOSTILE_TICK_NS };
	double t, since, next_note = rd->start + HOSTILE_PROGRESS;
	uint64_t total = hostile_vcpus * hostile_queries();

	while (!__atomic_load_n(&rd->done, __ATOMIC_ACQUIRE)) {
		nanosleep(&tick, NULL);
		t = now();
		since = t - rd->start -
			__atomic_load_n(&rd->last_ns, __ATOMIC_ACQUIRE) / 1e9;
		TEST_ASSERT(
			since <= HOSTILE_MAX_GAP ||
				__atomic_load_n(&rd->done, __ATOMIC_ACQUIRE),
			"host unresponsive: no read of %s ended for %.1f s (limit %.0f s), %llu reads before",
			HOSTIF_STATS_PATH, since, HOSTILE_MAX_GAP,
			(unsigned long long)__atomic_load_n(&rd->reads,
							    __ATOMIC_ACQUIRE));
		if (hostile_vcpus_done(v))
			__atomic_store_n(&rd->stop, 1, __ATOMIC_RELEASE);
		if (t < next_note)
			continue;
		next_note += HOSTILE_PROGRESS;
		test_note("hostile: %llu of %llu answers, %llu stats reads",
			  (unsigned long long)hostile_answers(v),
			  (unsigned long long)total,
			  (unsigned long long)__atomic_load_n(
				  &rd->reads, __ATOMIC_ACQUIRE));
	}
}

void mode_hostile(void)
{
	static struct hostile_vcpu v[VMM_MAX_VCPUS];
	static struct hostile_reader rd;
	unsigned int i, vms;
	uint64_t answers;
	double secs;

	host_detect(&hostile_host);
	vms = hostile_create(v);
	hostile_seed_vcpus(v);
	test_note(
		"hostile: %u vCPU%s in %u VM%s; each asks the %u leaves in turn for ECX 0..0x%x, %u random ECX and %u edge codes, in runs of %u queries + %u outside our leaves",
		hostile_vcpus, hostile_vcpus > 1 ? "s" : "", vms,
		vms > 1 ? "s" : "", HOSTILE_LEAVES, HOSTILE_SWEEP_LAST,
		hostile_random, NR_EDGE_CODES, (unsigned int)HOSTILE_PER_RUN,
		HOSTILE_OUTSIDE);

	rd.start = now();
	TEST_ASSERT(!pthread_create(&rd.thread, NULL, hostile_read_run, &rd),
		    "pthread_create");
	for (i = 0; i < hostile_vcpus; i++)
		TEST_ASSERT(!pthread_create(&v[i].thread, NULL,
					    hostile_vcpu_run, &v[i]),
			    "pthread_create");
	hostile_watch(v, &rd);
	for (i = 0; i < hostile_vcpus; i++)
		pthread_join(v[i].thread, NULL);
	pthread_join(rd.thread, NULL);
	secs = now() - rd.start;
	answers = hostile_answers(v);

	TEST_ASSERT(!hostile_bad,
		    "%llu of %llu answers are wrong (seed 0x%llx); first: %s",
		    (unsigned long long)hostile_bad,
		    (unsigned long long)answers,
		    (unsigned long long)hostile_seed, hostile_first);
	TEST_ASSERT(
		rd.gap <= HOSTILE_MAX_GAP,
		"host unresponsive: %.0f ms between two reads of %s (limit %.0f s)",
		rd.gap * 1e3, HOSTIF_STATS_PATH, HOSTILE_MAX_GAP);
	vmm_vm_destroy(v[0].g.vm);
	if (vms > 1) /* the last vCPU is VM B's */
		vmm_vm_destroy(v[hostile_vcpus - 1].g.vm);
	test_note("hostile: %.0f CPUID exits/s over all vCPUs", answers / secs);
	printf("ok - hostile: %llu answers from %u vCPU%s in %u VM%s matched the contract (%llu stats reads, longest gap %.0f ms, %.1f s)\n",
	       (unsigned long long)answers, hostile_vcpus,
	       hostile_vcpus > 1 ? "s" : "", vms, vms > 1 ? "s" : "",
	       (unsigned long long)rd.reads, rd.gap * 1e3, secs);
}
