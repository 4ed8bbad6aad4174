// SPDX-License-Identifier: GPL-2.0
/*
 * hotpath: the cost of recording one VM exit, in userspace.
 *
 * Runs a stream of SVM exit codes through KVM's exit/entry points (kvm.c)
 * with each way of recording them, one vCPU per thread, and prints the
 * time per exit (median of several runs) and the 1 -> 2 thread scaling.
 * The exitstat variant is kmod/probes.c + kmod/registry.c + core/ as the
 * module compiles them; see bench/results.md for what is real and what is
 * a stand-in.  Instruction counts come from callgrind (run.sh), with
 * --instr VARIANT.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "hotpath.h"

#define HP_STREAM_LEN 16384u /* codes per vCPU stream, a power of 2 */
#define HP_MAX_THREADS 2
#define HP_IDLE_VCPUS 14 /* other vCPUs the registry knows */
#define HP_MAX_RUNS 99
#define HP_CODE_SPACE 0x410
#define HP_INSTR_WARM 10000

static const char *const hp_names[HP_NR_VARIANTS] = {
	[HP_NONE] = "none",
	[HP_ATOMIC] = "atomic",
	[HP_ATOMIC_TSC] = "atomic-tsc",
	[HP_PERCPU] = "percpu",
	[HP_TP_EMPTY] = "tp-empty",
	[HP_TP_TSC] = "tp-tsc",
	[HP_EXITSTAT] = "exitstat",
};

static const char *const hp_docs[HP_NR_VARIANTS] = {
	[HP_NONE] = "no recording (tracepoints off: a NOP each)",
	[HP_ATOMIC] = "course solution: 1 atomic add on a global array",
	[HP_ATOMIC_TSC] = "course solution + TSC: 2 atomic adds, 2 rdtsc",
	[HP_PERCPU] = "per-CPU (per-thread) array of plain counters",
	[HP_TP_EMPTY] = "tracepoints on, empty probes (dispatch cost only)",
	[HP_TP_TSC] = "tracepoints on, probes that only read the TSC",
	[HP_EXITSTAT] = "exitstat.ko's probes, registry and core/record.h",
};

/* SVM exit codes and their share (per mille) of the stream. */
static const struct {
	uint32_t code;
	unsigned int permille;
} hp_mix[] = {
	{ 0x060, 220 }, /* INTR */
	{ 0x07b, 200 }, /* IOIO */
	{ 0x400, 180 }, /* NPF */
	{ 0x078, 120 }, /* HLT */
	{ 0x07c, 100 }, /* MSR */
	{ 0x072, 80 }, /* CPUID */
	{ 0x064, 50 }, /* VINTR */
	{ 0x077, 30 }, /* PAUSE */
	{ 0x081, 20 }, /* VMMCALL */
};

struct hp_opts {
	unsigned long exits;
	unsigned int runs;
	unsigned int threads[2];
	unsigned int nr_threads;
	bool want[HP_NR_VARIANTS];
	int instr; /* variant for --instr, or -1 */
};

struct hp_worker {
	pthread_t thread;
	unsigned int cpu;
	struct hp_vcpu *vcpu;
	const uint32_t *codes;
	enum hp_variant v;
	unsigned long warm, n;
	pthread_barrier_t *start;
	double wall, cpu_secs;
};

/* One run of one variant at one thread count. */
struct hp_sample {
	double wall; /* slowest thread, seconds */
	double cpu; /* mean thread CPU time, seconds */
	double conc; /* sum of CPU times / wall: 2.0 = ran side by side */
};

static uint32_t hp_streams[HP_MAX_THREADS][HP_STREAM_LEN];
static struct hp_vcpu *hp_vcpus[HP_MAX_THREADS];
/* What the exitstat registry should hold: the exitstat runs. */
static uint64_t hp_expect[HP_CODE_SPACE];
static uint64_t hp_expect_course[HP_NR_VARIANTS];
static unsigned int hp_ncpus;

static void usage(FILE *f)
{
	unsigned int v;

	fprintf(f,
		"Usage: hotpath [OPTIONS]\n"
		"\n"
		"Time per VM exit of each way of recording it, 1 and 2 threads\n"
		"(one vCPU each), median of RUNS runs of EXITS exits per thread.\n"
		"\n"
		"  -n, --exits N       exits per thread and run (default 10000000)\n"
		"  -r, --runs R        runs (default 7)\n"
		"  -t, --threads LIST  1, 2 or 1,2 (default 1,2)\n"
		"  -V, --variants LIST comma-separated (default: all)\n"
		"      --instr VARIANT one run of EXITS exits on one thread, for\n"
		"                      callgrind --toggle-collect=hp_loop_*\n"
		"  -l, --list          list the variants\n"
		"  -h, --help          this help\n"
		"\n"
		"Variants:\n");
	for (v = 0; v < HP_NR_VARIANTS; v++)
		fprintf(f, "  %-11s %s\n", hp_names[v], hp_docs[v]);
	fprintf(f,
		"\n"
		"EXAMPLES\n"
		"  hotpath                       # the full table\n"
		"  hotpath -n 200000 -r 1        # a smoke run\n"
		"  valgrind --tool=callgrind --toggle-collect='hp_loop_*' \\\n"
		"      hotpath --instr exitstat -n 100000\n");
}

static int variant_of(const char *name)
{
	unsigned int v;

	for (v = 0; v < HP_NR_VARIANTS; v++)
		if (!strcmp(name, hp_names[v]))
			return v;
	return -1;
}

static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || end == s || *end || !*out ? -EINVAL : 0;
}

static int parse_args(int argc, char **argv, struct hp_opts *o)
{
	static const struct option longopts[] = {
		{ "exits", required_argument, NULL, 'n' },
		{ "runs", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' },
		{ "variants", required_argument, NULL, 'V' },
		{ "instr", required_argument, NULL, 'I' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned long val;
	char *tok, *save;
	int c, v;
	bool any = false;

	while ((c = getopt_long(argc, argv, "n:r:t:V:lh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			if (parse_ulong(optarg, &o->exits))
				goto bad;
			break;
		case 'r':
			if (parse_ulong(optarg, &val) || val > HP_MAX_RUNS)
				goto bad;
			o->runs = val;
			break;
		case 't':
			o->nr_threads = 0;
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (parse_ulong(tok, &val) ||
				    val > HP_MAX_THREADS || o->nr_threads == 2)
					goto bad;
				o->threads[o->nr_threads++] = val;
			}
			if (!o->nr_threads)
				goto bad;
			break;
		case 'V':
			memset(o->want, 0, sizeof(o->want));
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				v = variant_of(tok);
				if (v < 0) {
					fprintf(stderr,
						"hotpath: no variant '%s' (see --list)\n",
						tok);
					return -EINVAL;
				}
				o->want[v] = true;
				any = true;
			}
			if (!any)
				goto bad;
			break;
		case 'I':
			o->instr = variant_of(optarg);
			if (o->instr < 0) {
				fprintf(stderr,
					"hotpath: no variant '%s' (see --list)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'l':
			for (v = 0; v < HP_NR_VARIANTS; v++)
				printf("%-11s %s\n", hp_names[v], hp_docs[v]);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind == argc)
		return 0;
bad:
	fprintf(stderr, "hotpath: bad arguments (see --help)\n");
	return -EINVAL;
}

/* xorshift64*: the same streams on every run and machine. */
static uint64_t hp_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static void make_stream(uint32_t *codes, uint64_t seed)
{
	unsigned int i, k;

	for (i = 0; i < HP_STREAM_LEN; i++) {
		unsigned int r = hp_rand(&seed) % 1000;

		for (k = 0; r >= hp_mix[k].permille; k++)
			r -= hp_mix[k].permille;
		codes[i] = hp_mix[k].code;
	}
}

static void expect_codes(const uint32_t *codes, unsigned long n)
{
	unsigned long full = n / HP_STREAM_LEN, i;
	unsigned int rem = n % HP_STREAM_LEN;

	for (i = 0; i < HP_STREAM_LEN; i++)
		hp_expect[codes[i]] += full + (i < rem);
}

static double clock_secs(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_secs(void)
{
	return clock_secs(CLOCK_MONOTONIC);
}

static void *worker_fn(void *arg)
{
	struct hp_worker *w = arg;
	cpu_set_t set;
	double t0, c0;

	if (w->cpu < hp_ncpus) {
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	hp_thread_init(w->cpu, gettid(), getpid());
	hp_loop(w->v, w->vcpu, w->codes, HP_STREAM_LEN - 1, w->warm);
	pthread_barrier_wait(w->start);
	t0 = now_secs();
	c0 = clock_secs(CLOCK_THREAD_CPUTIME_ID);
	hp_loop(w->v, w->vcpu, w->codes, HP_STREAM_LEN - 1, w->n);
	w->cpu_secs = clock_secs(CLOCK_THREAD_CPUTIME_ID) - c0;
	w->wall = now_secs() - t0;
	hp_thread_exit();
	return NULL;
}

/* A loop of @n exits, which starts at the beginning of the stream. */
static void account(enum hp_variant v, unsigned int t, unsigned long n)
{
	if (v == HP_EXITSTAT)
		expect_codes(hp_streams[t], n);
	hp_expect_course[v] += n;
}

/* One run: @nt threads, @warm exits each to warm up, then @n exits each, timed. */
static int run_once(enum hp_variant v, unsigned int nt, unsigned long warm,
		    unsigned long n, struct hp_sample *out)
{
	struct hp_worker w[HP_MAX_THREADS];
	pthread_barrier_t start;
	unsigned int t;
	int ret;

	ret = hp_variant_start(v);
	if (ret) {
		fprintf(stderr, "hotpath: %s: start failed: %d\n", hp_names[v],
			ret);
		return ret;
	}
	pthread_barrier_init(&start, NULL, nt);
	for (t = 0; t < nt; t++) {
		w[t] = (struct hp_worker){ .cpu = t,
					   .vcpu = hp_vcpus[t],
					   .codes = hp_streams[t],
					   .v = v,
					   .warm = warm,
					   .n = n,
					   .start = &start };
		ret = pthread_create(&w[t].thread, NULL, worker_fn, &w[t]);
		if (ret) {
			fprintf(stderr, "hotpath: pthread_create: %s\n",
				strerror(ret));
			exit(1);
		}
	}
	*out = (struct hp_sample){ 0 };
	for (t = 0; t < nt; t++) {
		pthread_join(w[t].thread, NULL);
		if (w[t].wall > out->wall)
			out->wall = w[t].wall;
		out->cpu += w[t].cpu_secs / nt;
		out->conc += w[t].cpu_secs;
		account(v, t, warm);
		account(v, t, n);
	}
	out->conc /= out->wall;
	pthread_barrier_destroy(&start);
	hp_variant_stop(v);
	shim_run_work();
	return 0;
}

/* The registry must hold exactly the exits the exitstat runs made. */
static int check_counts(void)
{
	uint64_t want = 0, got = hp_exitstat_exits();
	unsigned int code;
	int bad = 0;

	for (code = 0; code < HP_CODE_SPACE; code++) {
		want += hp_expect[code];
		if (hp_exitstat_code_exits(code) != hp_expect[code]) {
			fprintf(stderr,
				"hotpath: code 0x%x: exitstat counted %llu, expected %llu\n",
				code,
				(unsigned long long)hp_exitstat_code_exits(
					code),
				(unsigned long long)hp_expect[code]);
			bad = 1;
		}
	}
	if (got != want) {
		fprintf(stderr,
			"hotpath: exitstat counted %llu exits, expected %llu\n",
			(unsigned long long)got, (unsigned long long)want);
		bad = 1;
	}
	if (want && !hp_exitstat_cycles()) {
		fprintf(stderr, "hotpath: exitstat measured no cycles\n");
		bad = 1;
	}
	if (hp_course_exits(HP_ATOMIC) !=
	    hp_expect_course[HP_ATOMIC] + hp_expect_course[HP_ATOMIC_TSC]) {
		fprintf(stderr, "hotpath: atomic counters disagree\n");
		bad = 1;
	}
	if (hp_course_exits(HP_PERCPU) != hp_expect_course[HP_PERCPU]) {
		fprintf(stderr, "hotpath: per-CPU counters disagree\n");
		bad = 1;
	}
	if (!bad)
		printf("# check: exitstat's registry holds all %llu exits it saw, per code\n",
		       (unsigned long long)want);
	return bad;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* TSC ticks per ns, over @secs of wall time. */
static double tsc_per_ns(void)
{
	double t0 = now_secs(), t1;
	uint64_t c0 = __rdtsc(), c1;

	do
		t1 = now_secs();
	while (t1 - t0 < 0.05);
	c1 = __rdtsc();
	return (c1 - c0) / ((t1 - t0) * 1e9);
}

static int attach_idle_vcpus(void)
{
	unsigned int i;
	int ret = hp_variant_start(HP_EXITSTAT);

	if (ret)
		return ret;
	hp_thread_init(0, getpid(), getpid());
	for (i = 0; i < HP_IDLE_VCPUS; i++) {
		struct hp_vcpu *vc = hp_vcpu_create(1 + i / 4, i % 4);

		if (!vc)
			return -ENOMEM;
		hp_loop(HP_EXITSTAT, vc, hp_streams[0], HP_STREAM_LEN - 1, 1);
		expect_codes(hp_streams[0], 1);
		shim_run_work();
	}
	hp_variant_stop(HP_EXITSTAT);
	return 0;
}

struct hp_stat {
	double med, lo, hi;
};

static struct hp_stat stat_of(const struct hp_sample *smp, unsigned int runs,
			      size_t field, double scale)
{
	double v[HP_MAX_RUNS];
	struct hp_stat st;
	unsigned int r;

	for (r = 0; r < runs; r++)
		v[r] = *(const double *)((const char *)&smp[r] + field) * scale;
	st.med = median(v, runs);
	st.lo = v[0];
	st.hi = v[runs - 1];
	return st;
}

static void report(struct hp_sample (*samples)[HP_MAX_THREADS + 1][HP_MAX_RUNS],
		   const struct hp_opts *o)
{
	struct hp_stat cpu[HP_NR_VARIANTS][HP_MAX_THREADS + 1];
	struct hp_stat wall[HP_NR_VARIANTS][HP_MAX_THREADS + 1];
	struct hp_stat conc;
	double ns = 1e9 / o->exits, tpn;
	unsigned int v, t, nt;

	for (v = 0; v < HP_NR_VARIANTS; v++)
		for (t = 0; o->want[v] && t < o->nr_threads; t++) {
			nt = o->threads[t];
			cpu[v][nt] = stat_of(samples[v][nt], o->runs,
					     offsetof(struct hp_sample, cpu),
					     ns);
			wall[v][nt] = stat_of(samples[v][nt], o->runs,
					      offsetof(struct hp_sample, wall),
					      ns);
		}
	tpn = tsc_per_ns();
	printf("# hotpath: %lu exits per thread and run, %u runs; TSC %.3f GHz\n",
	       o->exits, o->runs, tpn);
	printf("# ns/exit: thread CPU time per exit, median [min-max]; net: minus none's median\n");
	printf("# scaling: 2-thread over 1-thread throughput, from wall time and from CPU time;\n");
	printf("# concurrency: sum of thread CPU times / wall time (2.00: the two threads ran side by side)\n");
	printf("| variant | threads | ns/exit | net ns/exit | net TSC cycles | wall ns/exit | scaling wall | scaling CPU | concurrency |\n");
	printf("|---|---|---|---|---|---|---|---|---|\n");
	for (v = 0; v < HP_NR_VARIANTS; v++) {
		for (t = 0; o->want[v] && t < o->nr_threads; t++) {
			char net[32] = "-", cyc[32] = "-", sw[32] = "-",
			     sc[32] = "-";
			char cc[32] = "-";

			nt = o->threads[t];
			if (o->want[HP_NONE]) {
				double d =
					cpu[v][nt].med - cpu[HP_NONE][nt].med;

				snprintf(net, sizeof(net), "%.2f", d);
				snprintf(cyc, sizeof(cyc), "%.0f", d * tpn);
			}
			if (nt == 2 && o->threads[0] == 1) {
				snprintf(sw, sizeof(sw), "%.2fx",
					 2 * wall[v][1].med / wall[v][2].med);
				snprintf(sc, sizeof(sc), "%.2fx",
					 2 * cpu[v][1].med / cpu[v][2].med);
			}
			if (nt == 2) {
				conc = stat_of(samples[v][nt], o->runs,
					       offsetof(struct hp_sample, conc),
					       1);
				snprintf(cc, sizeof(cc), "%.2f", conc.med);
			}
			printf("| %s | %u | %.2f [%.2f-%.2f] | %s | %s | %.2f | %s | %s | %s |\n",
			       hp_names[v], nt, cpu[v][nt].med, cpu[v][nt].lo,
			       cpu[v][nt].hi, net, cyc, wall[v][nt].med, sw, sc,
			       cc);
		}
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static struct hp_sample samples[HP_NR_VARIANTS][HP_MAX_THREADS + 1]
				       [HP_MAX_RUNS];
	struct hp_opts o = { .exits = 10000000,
			     .runs = 7,
			     .threads = { 1, 2 },
			     .nr_threads = 2,
			     .instr = -1 };
	unsigned int v, t, r, nt;
	unsigned long warm;
	int ret;

	for (v = 0; v < HP_NR_VARIANTS; v++)
		o.want[v] = true;
	if (parse_args(argc, argv, &o))
		return 2;
	hp_ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	for (t = 0; t < HP_MAX_THREADS; t++)
		make_stream(hp_streams[t], 0x9e3779b97f4a7c15ull * (t + 1));
	ret = hp_init();
	if (ret) {
		fprintf(stderr, "hotpath: es_registry_init: %d\n", ret);
		return 1;
	}
	for (t = 0; t < HP_MAX_THREADS; t++) {
		hp_vcpus[t] = hp_vcpu_create(0, t);
		if (!hp_vcpus[t])
			return 1;
	}
	if (attach_idle_vcpus()) {
		fprintf(stderr, "hotpath: could not attach the idle vCPUs\n");
		return 1;
	}

	if (o.instr >= 0) {
		/*
		 * callgrind counts all of hp_loop_*, the warm-up too: run.sh
		 * takes the difference of two runs with different EXITS.
		 */
		if (run_once(o.instr, 1, HP_INSTR_WARM, o.exits,
			     &samples[0][0][0]))
			return 1;
		printf("# instr variant=%s exits=%lu\n", hp_names[o.instr],
		       o.exits);
		return check_counts();
	}

	/* Runs interleave the variants, so that drift hits them all alike. */
	warm = o.exits / 10 < 100000 ? o.exits / 10 : 100000;
	for (r = 0; r < o.runs; r++)
		for (t = 0; t < o.nr_threads; t++)
			for (v = 0; v < HP_NR_VARIANTS; v++) {
				if (!o.want[v])
					continue;
				nt = o.threads[t];
				if (run_once(v, nt, warm, o.exits,
					     &samples[v][nt][r]))
					return 1;
			}
	report(samples, &o);
	return check_counts();
}
