/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader of /proc/exitstat/stats, format version 1, for the tests (see
 * docs/host-interface.md).  Deliberately independent of the tools' parser:
 * a second reading of the documented format, so the two check each other.
 *
 * Strict about what the format promises (first line "exitstat-stats 1",
 * last line "end", the documented header lines and keys present, numbers
 * well formed, vcpu and reason lines naming a VM and vCPU listed before
 * them), lenient where it must be: unknown keywords and keys are ignored.
 */
#ifndef VMM_HOSTIF_H
#define VMM_HOSTIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HOSTIF_STATS_PATH "/proc/exitstat/stats"
#define HOSTIF_VERSION 1
#define HOSTIF_HIST_MAX 64 /* buckets this reader can hold */

struct hostif_figures {
	uint64_t exits;
	uint64_t cycles;
};

/* A "reason" line (one reason of one vCPU) or a "retired-reason" line. */
struct hostif_reason {
	uint64_t vm; /* 0 for retired-reason */
	int vcpu; /* vCPU idx; -1 for retired-reason */
	bool unknown; /* code=unknown */
	uint32_t code;
	uint64_t exits;
	uint64_t cycles;
	uint64_t min;
	uint64_t max;
	uint64_t hist[HOSTIF_HIST_MAX];
	uint64_t hist_sum; /* exits that ended */
	int hist_lo; /* lowest non-zero bucket, -1 if none */
	int hist_hi; /* highest non-zero bucket, -1 if none */
};

struct hostif_vcpu {
	uint64_t vm;
	int idx;
	int id;
	pid_t tid;
	uint64_t exits;
	uint64_t cycles;
};

struct hostif_vm {
	uint64_t id;
	pid_t pid;
	char stats_id[64];
	unsigned int vcpus;
	uint64_t exits;
	uint64_t cycles;
};

struct hostif_stats {
	unsigned int version;
	char isa[16];
	char kernel[16];
	char scope[16];
	uint64_t tsc_khz;
	uint64_t hist_buckets;
	uint64_t cpuid_missed;
	uint64_t unattributed;
	struct hostif_figures total;
	struct hostif_figures retired;
	struct hostif_reason *retired_reasons;
	unsigned int nr_retired_reasons;
	struct hostif_vm *vms;
	unsigned int nr_vms;
	struct hostif_vcpu *vcpus;
	unsigned int nr_vcpus;
	struct hostif_reason *reasons;
	unsigned int nr_reasons;
	unsigned int nr_lines;
};

/*
 * Parses the text of a stats file into @st (hostif_free() it, also after
 * an error).  Returns 0, -EINVAL with a message in @err (which line, what
 * is wrong) or -ENOMEM.
 */
int hostif_parse(const char *text, struct hostif_stats *st, char *err,
		 size_t err_size);
/* Reads and parses @path; -errno of open/read with the message in @err. */
int hostif_read(const char *path, struct hostif_stats *st, char *err,
		size_t err_size);
void hostif_free(struct hostif_stats *st);

/* The VMs run by process @pid: the first one, *@nr of them. */
const struct hostif_vm *hostif_vm_of_pid(const struct hostif_stats *st,
					 pid_t pid, unsigned int *nr);
/* Bucket of a cycle count, as the module sorts exits into hist. */
int hostif_bucket(uint64_t cycles, uint64_t nr_buckets);

#endif /* VMM_HOSTIF_H */
