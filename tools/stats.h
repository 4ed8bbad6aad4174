/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of /proc/exitstat/stats (docs/host-interface.md, format
 * version 1) as structs.  The parser takes a buffer and its length, never
 * reads past it, and refuses anything that is not exactly that format with
 * a one-line message naming the line; unknown keywords and keys are
 * skipped, as the format asks.
 */
#ifndef EXITSTAT_TOOLS_STATS_H
#define EXITSTAT_TOOLS_STATS_H

#include "../core/reasons.h"
#include "kv.h"

#define STATS_VERSION 1
#define STATS_HIST_MAX KV_HIST_MAX
#define STATS_STR_MAX 64
#define STATS_CODE_UNKNOWN KV_CODE_UNKNOWN /* "code=unknown" */
#define STATS_MAX_RECORDS (1u << 20) /* vm, vcpu and reason lines */

/* The figures of one exit reason (a reason or retired-reason line). */
struct stats_fig {
	uint64_t exits;
	uint64_t cycles;
	uint64_t min; /* 0: no exit has ended */
	uint64_t max;
	uint64_t hist[STATS_HIST_MAX]; /* log2 buckets of cycles */
};

struct stats_reason {
	uint64_t vm; /* 0 in a retired-reason line */
	uint64_t vcpu; /* vCPU idx; 0 in a retired-reason line */
	uint64_t code; /* exit reason, or STATS_CODE_UNKNOWN */
	unsigned int line;
	struct stats_fig f;
};

struct stats_vcpu {
	uint64_t vm;
	uint64_t idx;
	int64_t id;
	int64_t tid;
	uint64_t exits;
	uint64_t cycles;
	unsigned int line;
	size_t first_reason; /* its reasons: snap->reasons[first_reason..] */
	size_t nr_reasons;
};

struct stats_vm {
	uint64_t id;
	int64_t pid;
	char stats_id[STATS_STR_MAX];
	uint64_t vcpus;
	uint64_t exits;
	uint64_t cycles;
	unsigned int line;
	size_t first_vcpu; /* its vCPUs: snap->vcpus[first_vcpu..] */
	size_t nr_vcpus;
};

/* Arrays are sorted: vms by id, vcpus by (vm, idx), reasons by (vm, vcpu,
 * code), retired by code; each VM's vCPUs and each vCPU's reasons are
 * contiguous. */
struct stats_snap {
	unsigned int version;
	enum es_isa isa;
	const struct es_isa_table *table;
	char kernel[STATS_STR_MAX];
	char scope[STATS_STR_MAX];
	uint64_t tsc_khz;
	uint64_t hist_buckets;
	uint64_t cpuid_missed;
	uint64_t unattributed;
	uint64_t total_exits;
	uint64_t total_cycles;
	uint64_t retired_exits;
	uint64_t retired_cycles;
	struct stats_reason *retired;
	size_t nr_retired;
	struct stats_vm *vms;
	size_t nr_vms;
	struct stats_vcpu *vcpus;
	size_t nr_vcpus;
	struct stats_reason *reasons;
	size_t nr_reasons;
};

/*
 * Parses the @len bytes at @buf (no NUL needed) into @s, numbering lines
 * from @first_line (1 for a file of its own).  0, or -EINVAL with @e set
 * (-ENOMEM likewise); @s then holds nothing to free.  On success free @s
 * with stats_free().
 */
int stats_parse(const char *buf, size_t len, unsigned int first_line,
		struct stats_snap *s, struct parse_err *e);

void stats_free(struct stats_snap *s);

/* The VM with id @id, or NULL. */
const struct stats_vm *stats_find_vm(const struct stats_snap *s, uint64_t id);

/* The VM run by process @pid, or NULL. */
const struct stats_vm *stats_find_pid(const struct stats_snap *s, int64_t pid);

/* The vCPU @idx of VM @vm, or NULL. */
const struct stats_vcpu *stats_find_vcpu(const struct stats_snap *s,
					 uint64_t vm, uint64_t idx);

/* Name of @code in @t ("UNKNOWN" for STATS_CODE_UNKNOWN); NULL when the
 * manual does not define it. */
const char *stats_code_name(const struct es_isa_table *t, uint64_t code);

/* "0x7b", or "unknown", into @buf of 16 bytes. */
const char *stats_code_hex(uint64_t code, char *buf);

#endif /* EXITSTAT_TOOLS_STATS_H */
