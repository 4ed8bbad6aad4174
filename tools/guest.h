/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest side of exitstat: read the host's VM-exit figures through the
 * CPUID leaves of docs/abi.md, without counting exitstat's own queries.
 * See docs/guest-tool.md for the correction rule.
 */
#ifndef EXITSTAT_TOOLS_GUEST_H
#define EXITSTAT_TOOLS_GUEST_H

#include <stdio.h>
#include <time.h>

#include "cpuid_source.h"

/* More than the slots of either table (VMX 77, SVM 179). */
#define GUEST_MAX_ROWS 256

struct guest_time {
	struct timespec mono; /* CLOCK_MONOTONIC: intervals and rates */
	time_t wall; /* printed as the time of day */
};

/* What discovery found out about the host and the guest CPU. */
struct guest_host {
	const struct es_isa_table *table; /* names the host's exit reasons */
	uint32_t info; /* EDX of leaf 0x4ffffffc */
	char vendor[13]; /* the guest CPU's vendor string (leaf 0) */
	bool vendor_mismatch; /* it belongs to the other ISA */
	bool hypervisor; /* CPUID.1:ECX bit 31, asked when the leaves are absent */
	char hv_name[13]; /* leaf 0x40000000, when there is a hypervisor */
};

/*
 * Reads snapshots and counts every CPUID it executes.  Query number k is
 * the k-th CPUID of the reader; those up to @base happened before the host
 * last reset its counters and are no longer in them.
 */
struct guest_reader {
	const struct cpuid_source *src;
	struct guest_host host;
	uint32_t cpuid_code; /* the CPUID exit reason of the host's ISA */
	uint64_t queries; /* CPUIDs executed so far */
	uint64_t base; /* of them, before the last reset */
	uint64_t own_cycles; /* cost of queries base+1 .. queries-pending */
	uint64_t pending; /* latest queries whose cost is not measured yet */
	uint64_t last_raw; /* total exits as read by the last snapshot */
	bool have_last;
};

struct guest_row {
	uint32_t code;
	const char *name;
	uint64_t exits;
	uint64_t cycles;
};

/* The figures at one moment, or the change between two (guest_delta()). */
struct guest_snap {
	uint64_t exits; /* total, without exitstat's own CPUID exits */
	uint64_t cycles;
	uint64_t own; /* exitstat's own CPUID exits taken off */
	bool reset; /* the host reset its counters before this snapshot */
	struct guest_time t; /* when it was taken */
	unsigned int nr_rows;
	struct guest_row rows[GUEST_MAX_ROWS]; /* defined reasons, slot order */
};

/*
 * Discovery: 0 when the leaves are there; -ENODEV when they are not
 * (r->host.hypervisor and hv_name say what is there instead); -EPROTO when
 * the host speaks an ABI version or ISA this exitstat does not know.
 */
int guest_open(struct guest_reader *r, const struct cpuid_source *src);

/* One CPUID through the reader's source, counted. */
struct es_regs guest_ask(struct guest_reader *r, uint32_t leaf,
			 uint32_t subleaf);

/* Whether @regs, from leaf 0x4ffffffc, carry the "exitstat" signature. */
bool guest_has_signature(const struct es_regs *regs);

/* Prints the one line that explains a failure of guest_open/_snapshot. */
void guest_print_error(FILE *f, const struct guest_reader *r, int err);

/* Prints a note when the guest CPU's vendor is not the host's ISA. */
void guest_print_notes(FILE *f, const struct guest_reader *r);

/*
 * One snapshot of every defined reason, corrected for the reader's own
 * queries.  @t is stored in it.  -ENODEV when the leaves went away.
 */
int guest_snapshot(struct guest_reader *r, struct guest_snap *s,
		   const struct guest_time *t);

/* @d = @b - @a, per figure; negative differences become 0. */
void guest_delta(const struct guest_snap *a, const struct guest_snap *b,
		 struct guest_snap *d);

/* Seconds from @a to @b (monotonic clock). */
double guest_seconds(const struct guest_time *a, const struct guest_time *b);

/* "vmx"/"svm", "Intel VMX"/"AMD SVM", "vm"/"global". */
const char *guest_isa_title(const struct guest_host *h);
const char *guest_scope_name(const struct guest_host *h);

enum guest_sort {
	GUEST_SORT_COUNT,
	GUEST_SORT_CYCLES,
	GUEST_SORT_AVG,
	GUEST_SORT_CODE,
	GUEST_SORT_NAME,
};

enum guest_format {
	GUEST_TEXT,
	GUEST_JSON,
	GUEST_CSV,
};

/* Parse "count", "cycles", "avg", "code", "name"; 0 or -EINVAL. */
int guest_parse_sort(const char *s, enum guest_sort *sort);

/* The rows to show, in order, over a snapshot or a delta. */
struct guest_view {
	const struct guest_host *host;
	const struct guest_snap *snap;
	double seconds; /* the interval; 0: a snapshot, no rates */
	unsigned int nr;
	const struct guest_row *rows[GUEST_MAX_ROWS];
};

void guest_view_init(struct guest_view *v, const struct guest_host *h,
		     const struct guest_snap *s, double seconds,
		     enum guest_sort sort, bool all);

/* Cycles per exit, rounded down; 0 without exits. */
uint64_t guest_avg(uint64_t cycles, uint64_t exits);

/* The one-shot report: host line, totals, table. */
void guest_print_snapshot(FILE *f, const struct guest_view *v,
			  enum guest_format fmt);

/*
 * One interval of watch mode; @elapsed is the time since the first
 * snapshot, @first says whether this is the first interval printed.
 */
void guest_print_interval(FILE *f, const struct guest_view *v,
			  enum guest_format fmt, double elapsed, bool first);

/* What `exitstat run` measured for @argv, which ended with @status. */
void guest_print_run(FILE *f, const struct guest_view *v, enum guest_format fmt,
		     char *const argv[], int status);

/*
 * The system under the commands: the CPUID instruction, clocks, sleep,
 * running a command, and where to print.  Tests replace all of it.
 */
struct guest_env {
	const struct cpuid_source *cpuid;
	void (*now)(void *ctx, struct guest_time *t);
	/* 0, or -EINTR when interrupted (watch mode then stops). */
	int (*sleep)(void *ctx, double seconds);
	/*
	 * Runs @argv and waits for it: 0 and *status (its exit status, or
	 * 128 + the signal that killed it), or -errno when it did not start.
	 */
	int (*run)(void *ctx, char *const argv[], int *status);
	void *ctx;
	FILE *out;
	FILE *err;
};

/* The real system, printing to stdout and stderr. */
void guest_env_native(struct guest_env *env);

/* `exitstat guest` and `exitstat run` over @env; the exit status. */
int guest_command(int argc, char **argv, const struct guest_env *env);
int guest_run_command(int argc, char **argv, const struct guest_env *env);

#endif /* EXITSTAT_TOOLS_GUEST_H */
