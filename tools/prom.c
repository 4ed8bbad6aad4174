// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text exposition of a stats snapshot.  Built for speed: a
 * host with 1,000 vCPUs has some 10,000 reason lines and an exposition of
 * a hundred thousand lines or more, so lines are put together with memcpy
 * and digit loops, no printf, and a histogram's label set is formatted
 * once for its 34 lines.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"

#define PUT(tb, lit) textbuf_put(tb, lit, sizeof(lit) - 1)
#define BUCKET_HEAD "exitstat_exit_cycles_bucket{"

static void family(struct textbuf *tb, const char *name, const char *type,
		   const char *help)
{
	PUT(tb, "# HELP ");
	textbuf_puts(tb, name);
	textbuf_putc(tb, ' ');
	textbuf_puts(tb, help);
	PUT(tb, "\n# TYPE ");
	textbuf_puts(tb, name);
	textbuf_putc(tb, ' ');
	textbuf_puts(tb, type);
	textbuf_putc(tb, '\n');
}

/* A sample without labels: "NAME VALUE\n". */
static void sample(struct textbuf *tb, const char *name, uint64_t v)
{
	textbuf_puts(tb, name);
	textbuf_putc(tb, ' ');
	textbuf_u64(tb, v);
	textbuf_putc(tb, '\n');
}

void prom_label_value(struct textbuf *tb, const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		if (*p != '\\' && *p != '"' && *p != '\n')
			continue;
		textbuf_put(tb, s, (size_t)(p - s));
		if (*p == '\n')
			PUT(tb, "\\n");
		else
			textbuf_put(tb, (const char[]){ '\\', *p }, 2);
		s = p + 1;
	}
	textbuf_put(tb, s, (size_t)(p - s));
}

static void put_i64(struct textbuf *tb, int64_t v)
{
	if (v >= 0) {
		textbuf_u64(tb, (uint64_t)v);
		return;
	}
	textbuf_putc(tb, '-');
	textbuf_u64(tb, (uint64_t)0 - (uint64_t)v);
}

/* An exit code as in the stats file: "0x7b", or "unknown". */
static void put_code(struct textbuf *tb, uint64_t code)
{
	char d[20], *p = d + sizeof(d);

	if (code == STATS_CODE_UNKNOWN) {
		PUT(tb, "unknown");
		return;
	}
	do {
		*--p = "0123456789abcdef"[code & 15];
		code >>= 4;
	} while (code);
	*--p = 'x';
	*--p = '0';
	textbuf_put(tb, p, (size_t)(d + sizeof(d) - p));
}

/* vm="1",pid="150" */
static void vm_labels(struct textbuf *tb, const struct stats_vm *vm)
{
	PUT(tb, "vm=\"");
	textbuf_u64(tb, vm->id);
	PUT(tb, "\",pid=\"");
	put_i64(tb, vm->pid);
	textbuf_putc(tb, '"');
}

/* reason="IOIO",code="0x7b",isa="svm" */
static void reason_labels(struct textbuf *tb, const struct stats_snap *s,
			  uint64_t code)
{
	const char *name = stats_code_name(s->table, code);

	PUT(tb, "reason=\"");
	prom_label_value(tb, name ? name : "-");
	PUT(tb, "\",code=\"");
	put_code(tb, code);
	PUT(tb, "\",isa=\"");
	textbuf_puts(tb, s->table->name);
	textbuf_putc(tb, '"');
}

static void host_metrics(const struct stats_snap *s, struct textbuf *tb)
{
	family(tb, "exitstat_info", "gauge",
	       "The host's exitstat.ko: isa names the exit codes (vmx or svm), kernel the KVM handler list, scope its scope parameter. Always 1.");
	PUT(tb, "exitstat_info{isa=\"");
	textbuf_puts(tb, s->table->name);
	PUT(tb, "\",kernel=\"");
	prom_label_value(tb, s->kernel);
	PUT(tb, "\",scope=\"");
	prom_label_value(tb, s->scope);
	PUT(tb, "\"} 1\n");
	family(tb, "exitstat_tsc_frequency_hertz", "gauge",
	       "The host's TSC rate: cycles divided by it are seconds.");
	sample(tb, "exitstat_tsc_frequency_hertz",
	       s->tsc_khz > UINT64_MAX / 1000 ? UINT64_MAX : s->tsc_khz * 1000);
	family(tb, "exitstat_host_exits_total", "counter",
	       "VM exits of all VMs since exitstat.ko was loaded or reset, VMs that are gone included.");
	sample(tb, "exitstat_host_exits_total", s->total_exits);
	family(tb, "exitstat_host_exit_cycles_total", "counter",
	       "TSC cycles of the exits of all VMs since exitstat.ko was loaded or reset, VMs that are gone included.");
	sample(tb, "exitstat_host_exit_cycles_total", s->total_cycles);
	family(tb, "exitstat_unattributed_exits_total", "counter",
	       "VM exits not attributed to a vCPU (the module could not allocate the vCPU's figures).");
	sample(tb, "exitstat_unattributed_exits_total", s->unattributed);
	family(tb, "exitstat_cpuid_missed_total", "counter",
	       "Guest CPUID queries of exitstat's leaves the module's kprobe missed (should stay 0).");
	sample(tb, "exitstat_cpuid_missed_total", s->cpuid_missed);
}

static void retired_metrics(const struct stats_snap *s, struct textbuf *tb)
{
	static const char *const names[] = {
		"exitstat_retired_exits_total",
		"exitstat_retired_exit_cycles_total",
	};
	static const char *const helps[] = {
		"VM exits of the VMs that are gone, per exit reason.",
		"TSC cycles of the exits of the VMs that are gone, per exit reason.",
	};
	const struct stats_reason *r;
	size_t i, k;

	for (k = 0; k < 2; k++) {
		family(tb, names[k], "counter", helps[k]);
		for (i = 0; i < s->nr_retired; i++) {
			r = &s->retired[i];
			textbuf_puts(tb, names[k]);
			textbuf_putc(tb, '{');
			reason_labels(tb, s, r->code);
			PUT(tb, "} ");
			textbuf_u64(tb, k ? r->f.cycles : r->f.exits);
			textbuf_putc(tb, '\n');
		}
	}
}

static void vm_metrics(const struct stats_snap *s, struct textbuf *tb)
{
	const struct stats_vm *vm;
	size_t i;

	family(tb, "exitstat_vm_vcpus", "gauge",
	       "vCPUs of a live VM: vm is exitstat's id of the VM, pid the process that runs it, stats_id KVM's name for it.");
	for (i = 0; i < s->nr_vms; i++) {
		vm = &s->vms[i];
		PUT(tb, "exitstat_vm_vcpus{");
		vm_labels(tb, vm);
		PUT(tb, ",stats_id=\"");
		prom_label_value(tb, vm->stats_id);
		PUT(tb, "\"} ");
		textbuf_u64(tb, vm->vcpus);
		textbuf_putc(tb, '\n');
	}
}

/* One per-vCPU counter over every reason line: exits, or cycles. */
static void vcpu_counter(const struct stats_snap *s, struct textbuf *tb,
			 const char *name, bool cycles)
{
	const struct stats_reason *r;
	const struct stats_vcpu *v;
	const struct stats_vm *vm;
	size_t i, j, k;

	for (i = 0; i < s->nr_vms; i++) {
		vm = &s->vms[i];
		for (j = 0; j < vm->nr_vcpus; j++) {
			v = &s->vcpus[vm->first_vcpu + j];
			for (k = 0; k < v->nr_reasons; k++) {
				r = &s->reasons[v->first_reason + k];
				textbuf_puts(tb, name);
				textbuf_putc(tb, '{');
				vm_labels(tb, vm);
				PUT(tb, ",vcpu=\"");
				textbuf_u64(tb, v->idx);
				PUT(tb, "\",");
				reason_labels(tb, s, r->code);
				PUT(tb, "} ");
				textbuf_u64(tb,
					    cycles ? r->f.cycles : r->f.exits);
				textbuf_putc(tb, '\n');
			}
		}
	}
}

/* What the histogram of one VM and reason is made of. */
struct hist_ctx {
	const struct stats_snap *s;
	struct textbuf *tb;
	struct textbuf labels; /* of the histogram being written */
	size_t bucket_len; /* of its "..._bucket{LABELS,le=\"" at labels.buf */
	unsigned int buckets;
	char le[STATS_HIST_MAX][28]; /* bucket b: "2^(b+1)-1\"} " */
	size_t le_len[STATS_HIST_MAX];
	const struct stats_reason **rs; /* one VM's reasons, by code */
};

/* One _bucket line: the prefix, le and the count. */
static void bucket_line(struct hist_ctx *h, unsigned int b, uint64_t v)
{
	textbuf_put(h->tb, h->labels.buf, h->bucket_len);
	textbuf_put(h->tb, h->le[b], h->le_len[b]);
	textbuf_u64(h->tb, v);
	textbuf_putc(h->tb, '\n');
}

/* A _sum or _count line: "exitstat_exit_cycles@suffix{LABELS} V". */
static void total_line(struct hist_ctx *h, const char *suffix, uint64_t v)
{
	/* the labels are between BUCKET_HEAD and ",le=\"" */
	const char *lab = h->labels.buf + sizeof(BUCKET_HEAD) - 1;
	size_t n = h->bucket_len - (sizeof(BUCKET_HEAD) - 1) - 5;

	PUT(h->tb, "exitstat_exit_cycles");
	textbuf_puts(h->tb, suffix);
	textbuf_putc(h->tb, '{');
	textbuf_put(h->tb, lab, n);
	PUT(h->tb, "} ");
	textbuf_u64(h->tb, v);
	textbuf_putc(h->tb, '\n');
}

/* The histogram of VM @vm and the reasons @rs[0..@n), all of one code. */
static void vm_histogram(struct hist_ctx *h, const struct stats_vm *vm,
			 const struct stats_reason *const *rs, size_t n)
{
	uint64_t hist[STATS_HIST_MAX] = { 0 }, cycles = 0, cum = 0;
	unsigned int b, last = h->buckets - 1;
	size_t i;

	for (i = 0; i < n; i++) {
		cycles += rs[i]->f.cycles;
		for (b = 0; b <= last; b++)
			hist[b] += rs[i]->f.hist[b];
	}
	textbuf_reset(&h->labels);
	PUT(&h->labels, BUCKET_HEAD);
	vm_labels(&h->labels, vm);
	textbuf_putc(&h->labels, ',');
	reason_labels(&h->labels, h->s, rs[0]->code);
	PUT(&h->labels, ",le=\"");
	if (h->labels.err) {
		h->tb->err = h->labels.err;
		return;
	}
	h->bucket_len = h->labels.len;
	for (b = 0; b <= last; b++) {
		cum += hist[b];
		bucket_line(h, b, cum);
	}
	total_line(h, "_sum", cycles);
	total_line(h, "_count", cum);
}

static int cmp_code(const void *a, const void *b)
{
	const struct stats_reason *x = *(const struct stats_reason *const *)a;
	const struct stats_reason *y = *(const struct stats_reason *const *)b;

	return x->code < y->code ? -1 : x->code > y->code;
}

static void vm_histograms(struct hist_ctx *h, const struct stats_vm *vm)
{
	const struct stats_snap *s = h->s;
	const struct stats_vcpu *v;
	size_t i, j, n = 0;

	for (i = 0; i < vm->nr_vcpus; i++) {
		v = &s->vcpus[vm->first_vcpu + i];
		for (j = 0; j < v->nr_reasons; j++)
			h->rs[n++] = &s->reasons[v->first_reason + j];
	}
	/* each vCPU's reasons are sorted already */
	if (vm->nr_vcpus > 1)
		qsort(h->rs, n, sizeof(*h->rs), cmp_code);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && h->rs[j]->code == h->rs[i]->code; j++)
			;
		vm_histogram(h, vm, h->rs + i, j - i);
	}
}

static void histograms(const struct stats_snap *s, struct textbuf *tb)
{
	struct hist_ctx h = { .s = s, .tb = tb };
	unsigned int b;
	size_t i;

	family(tb, "exitstat_exit_cycles", "histogram",
	       "TSC cycles of one exit, from kvm_exit to the vCPU's next kvm_entry, per VM and exit reason (the module's log2 buckets: le is 2^(b+1)-1).");
	if (!s->nr_reasons)
		return;
	h.buckets = (unsigned int)s->hist_buckets;
	for (b = 0; b < h.buckets; b++) {
		if (b + 1 < h.buckets)
			snprintf(h.le[b], sizeof(h.le[b]), "%llu\"} ",
				 (2ull << b) - 1);
		else
			snprintf(h.le[b], sizeof(h.le[b]), "+Inf\"} ");
		h.le_len[b] = strlen(h.le[b]);
	}
	h.rs = malloc(s->nr_reasons * sizeof(*h.rs));
	if (!h.rs) {
		tb->err = -ENOMEM;
		return;
	}
	textbuf_init(&h.labels);
	for (i = 0; i < s->nr_vms && !tb->err; i++)
		vm_histograms(&h, &s->vms[i]);
	textbuf_free(&h.labels);
	free(h.rs);
}

static void up(struct textbuf *tb, bool ok)
{
	family(tb, "exitstat_up", "gauge",
	       "1 if the exit statistics could be read, 0 if not (exitstat.ko not loaded, no permission, not the stats format).");
	sample(tb, "exitstat_up", ok);
}

void prom_render(const struct stats_snap *s, struct textbuf *tb)
{
	up(tb, true);
	host_metrics(s, tb);
	retired_metrics(s, tb);
	vm_metrics(s, tb);
	family(tb, "exitstat_exits_total", "counter",
	       "VM exits per VM, vCPU and exit reason since the VM started or exitstat.ko was reset.");
	vcpu_counter(s, tb, "exitstat_exits_total", false);
	family(tb, "exitstat_exit_cycles_total", "counter",
	       "TSC cycles from kvm_exit to the vCPU's next kvm_entry per VM, vCPU and exit reason, since the VM started or exitstat.ko was reset.");
	vcpu_counter(s, tb, "exitstat_exit_cycles_total", true);
	histograms(s, tb);
}

void prom_render_down(struct textbuf *tb)
{
	up(tb, false);
}
