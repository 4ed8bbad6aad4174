/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scripted host for the guest tools: a CPUID source that behaves like a
 * KVM host with (or without) exitstat.ko.  With the module, every CPUID the
 * guest executes is a CPUID exit: counted before the answer (which comes
 * from es_cpuid_answer() over the scripted figures), its cycles added after.
 * And a guest_env around it: a clock, sleep and run that advance the host
 * by scripted activity, output captured in memory.
 */
#ifndef EXITSTAT_TESTS_FAKE_HOST_H
#define EXITSTAT_TESTS_FAKE_HOST_H

#include "../../tools/guest.h"
#include "fake_stats.h"

struct fake_host {
	struct es_host host;
	struct fake_stats stats;
	bool module; /* exitstat.ko answers the leaves */
	bool hypervisor; /* CPUID.1:ECX bit 31 */
	const char *vendor; /* leaf 0 */
	const char *hv_name; /* leaf 0x40000000 */
	uint32_t info; /* if non-zero: EDX of leaf 0x4ffffffc */
	uint64_t query_cycles; /* host cycles of each CPUID exit */
	uint64_t queries; /* CPUIDs the guest executed */
	/* Called before each CPUID (query = its number): other activity. */
	void (*hook)(struct fake_host *h, uint64_t query);
	struct cpuid_source source;
};

/* A KVM host of @isa with exitstat.ko, no exits yet, 1000 cycles a query. */
void fake_host_init(struct fake_host *h, enum es_isa isa, enum es_kernel k,
		    enum es_scope scope);

/* @exits exits of reason @code taking @cycles cycles: reason and total. */
void fake_host_add(struct fake_host *h, uint32_t code, uint64_t exits,
		   uint64_t cycles);

/* Figures of reason @code. */
struct es_figures fake_host_reason(const struct fake_host *h, uint32_t code);

/* The host's CPUID code (10 on VMX, 0x72 on SVM). */
uint32_t fake_host_cpuid_code(const struct fake_host *h);

struct fake_env;

/* Activity of the host during an interval or a command. */
typedef void fake_activity_fn(struct fake_env *e, unsigned int n);

struct fake_env {
	struct guest_env env;
	struct fake_host *host;
	struct guest_time now; /* starts at 1000 s, wall 12:00:00 UTC */
	double run_seconds; /* how long a command takes */
	unsigned int sleeps; /* sleep calls so far */
	unsigned int max_sleeps; /* the next one returns -EINTR */
	fake_activity_fn *activity; /* in each sleep, and in run */
	int run_ret; /* run's return: 0 or -errno */
	int run_status;
	const char *run_arg0; /* what run was asked to run */
	int run_argc;
	char *out, *err;
	size_t out_len, err_len;
};

/* Output to memory; hooks over @host. */
void fake_env_init(struct fake_env *e, struct fake_host *host);

/* Closes the streams: e->out and e->err hold everything printed. */
void fake_env_finish(struct fake_env *e);

void fake_env_free(struct fake_env *e);

/* Runs guest_command() or guest_run_command() over @e with @args. */
int fake_guest(struct fake_env *e, const char *const args[]);
int fake_run(struct fake_env *e, const char *const args[]);

/* The number of reasons the ISA's table defines. */
unsigned int defined_reasons(const struct es_isa_table *t);

#endif /* EXITSTAT_TESTS_FAKE_HOST_H */
