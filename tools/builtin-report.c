// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat report: totals, rate over time with bursts, reasons from most
 * to least frequent and their latency, for a recording or one snapshot.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "host.h"
#include "json.h"
#include "load.h"
#include "usage.h"

static const char report_help[] =
	"usage: exitstat report [--per-vm] [--per-vcpu] [--json | --markdown] [FILE]\n"
	"\n"
	"Reports on FILE: a recording made by 'exitstat record', or one snapshot (a\n"
	"captured /proc/exitstat/stats); without FILE, on the live figures.\n"
	"  - exits and cycles in all, and exits per second;\n"
	"  - the exit rate of every interval between two samples, bursts marked: a\n"
	"    burst is an interval whose rate is more than 3 x the median interval\n"
	"    rate (any interval with exits when the median is 0);\n"
	"  - every exit reason, most frequent first, with its share and latency in\n"
	"    TSC cycles: avg, min, max and p50/p90/p99.  Percentiles come from the\n"
	"    module's log2 histograms: the upper edge of the bucket holding them, so\n"
	"    the true value lies within a factor of 2 below.  min and max are exact\n"
	"    when the counters started inside the recording (and for a snapshot),\n"
	"    else accurate to their bucket;\n"
	"  - the VMs seen, and when they appeared or went away.\n"
	"Counters that go down (a reset) start a new baseline, which the report\n"
	"says.  Names are those of the recording's ISA (see 'exitstat reasons').\n"
	"\n"
	"Options:\n"
	"      --per-vm     also the reasons of each VM\n"
	"      --per-vcpu   also the reasons of each vCPU\n"
	"  -j, --json       one JSON object\n"
	"  -m, --markdown   Markdown: headings, bullet lines and tables\n"
	"      --root DIR   without FILE: read DIR/stats, not /proc/exitstat/stats\n"
	"  -h, --help       this text\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat record -o boot.rec 0.5 120   # while the guest boots, then\n"
	"  exitstat report boot.rec              # rates, bursts, reasons, latency\n"
	"  exitstat report --per-vm --markdown boot.rec >boot.md\n"
	"  exitstat report --json boot.rec | jq '.reasons[0]'\n"
	"  exitstat report                       # the host now: since load or reset\n"
	"  exitstat report --root /tmp/capture   # a copy in /tmp/capture/stats\n";

struct report_opts {
	const char *file;
	const char *root;
	bool per_vm;
	bool per_vcpu;
	enum out_fmt fmt;
};

struct report {
	const struct report_opts *o;
	const struct source *src;
	const struct window *w;
	struct win_map all; /* host-wide, most exits first */
	struct stats_fig total; /* all reasons together */
};

static const struct col reason_cols[] = {
	{ "REASON", "name", 0 },
	{ "CODE", "hex", 0 },
	{ "", "code", COL_NUM | COL_JSON },
	{ "EXITS", "exits", COL_NUM },
	{ "SHARE%", "share", COL_NUM },
	{ "", "cycles", COL_NUM | COL_JSON },
	{ "AVG", "avg", COL_NUM },
	{ "MIN", "min", COL_NUM },
	{ "MAX", "max", COL_NUM },
	{ "P50", "p50", COL_NUM },
	{ "", "p50_lo", COL_NUM | COL_JSON },
	{ "P90", "p90", COL_NUM },
	{ "", "p90_lo", COL_NUM | COL_JSON },
	{ "P99", "p99", COL_NUM },
	{ "", "p99_lo", COL_NUM | COL_JSON },
};

static void heading(const struct report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void heading(const struct report *r, const char *fmt, ...)
{
	va_list ap;

	fputs(r->o->fmt == OUT_MARKDOWN ? "\n## " : "\n", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs(r->o->fmt == OUT_MARKDOWN ? "\n\n" : ":\n", stdout);
}

static void line(const struct report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void line(const struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->o->fmt == OUT_MARKDOWN)
		fputs("- ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void fig_row(struct table *t, const struct window *w, const char *name,
		    const char *hex, const char *code,
		    const struct stats_fig *f, uint64_t total)
{
	struct latency l;

	table_add(t, "%s", name);
	table_add(t, "%s", hex);
	table_add(t, "%s", code);
	table_add(t, "%" PRIu64, f->exits);
	table_add(t, "%.1f", total ? 100.0 * (double)f->exits / total : 0.0);
	table_add(t, "%" PRIu64, f->cycles);
	if (!fig_latency(f, (unsigned int)w->hist_buckets, &l)) {
		for (unsigned int i = 0; i < 9; i++)
			table_add(t, "-");
		return;
	}
	table_add(t, "%" PRIu64, l.avg);
	table_add(t, "%" PRIu64, l.min);
	table_add(t, "%" PRIu64, l.max);
	table_add(t, "%" PRIu64, l.p50.hi);
	table_add(t, "%" PRIu64, l.p50.lo);
	table_add(t, "%" PRIu64, l.p90.hi);
	table_add(t, "%" PRIu64, l.p90.lo);
	table_add(t, "%" PRIu64, l.p99.hi);
	table_add(t, "%" PRIu64, l.p99.lo);
}

/* Rows of the non-zero reasons of @m (sorted), then an "all" row. */
static void reason_table(struct table *t, const struct window *w,
			 const struct win_map *m, struct stats_fig *total)
{
	char hex[16], code[16];
	size_t i;

	table_init(t, reason_cols, ES_ARRAY_SIZE(reason_cols));
	memset(total, 0, sizeof(*total));
	for (i = 0; i < m->nr; i++)
		fig_add(total, &m->v[i].acc);
	for (i = 0; i < m->nr && m->v[i].acc.exits; i++) {
		uint64_t c = m->v[i].code;

		snprintf(code, sizeof(code), "%" PRIu64, c);
		fig_row(t, w, reason_label(w->table, c), stats_code_hex(c, hex),
			c == STATS_CODE_UNKNOWN ? "-" : code, &m->v[i].acc,
			total->exits);
	}
	fig_row(t, w, "all", "-", "-", total, total->exits);
}

static const char *label(const struct window *w, uint64_t code, char *hex)
{
	const char *name = stats_code_name(w->table, code);

	return name ? name : stats_code_hex(code, hex);
}

static void most_least(const struct report *r, const struct win_map *m,
		       uint64_t total)
{
	const struct win_series *most, *least;
	char hex[16], hex2[16];
	size_t i;

	if (!m->nr || !m->v[0].acc.exits) {
		line(r, "no exits");
		return;
	}
	most = least = &m->v[0];
	for (i = 1; i < m->nr && m->v[i].acc.exits; i++)
		least = &m->v[i];
	line(r, "most frequent: %s (%s), %" PRIu64 " exit%s (%.1f%%)",
	     label(r->w, most->code, hex), stats_code_hex(most->code, hex2),
	     most->acc.exits, most->acc.exits == 1 ? "" : "s",
	     100.0 * (double)most->acc.exits / total);
	line(r, "least frequent: %s (%s), %" PRIu64 " exit%s (%.1f%%)",
	     label(r->w, least->code, hex), stats_code_hex(least->code, hex2),
	     least->acc.exits, least->acc.exits == 1 ? "" : "s",
	     100.0 * (double)least->acc.exits / total);
}

/* Text and Markdown: a reasons table, then most and least frequent. */
static int human_reasons(const struct report *r, const struct win_map *m)
{
	struct stats_fig total;
	struct table t;
	int ret;

	reason_table(&t, r->w, m, &total);
	ret = table_print(&t, r->o->fmt, "  ");
	table_free(&t);
	if (r->o->fmt == OUT_MARKDOWN)
		putchar('\n');
	most_least(r, m, total.exits);
	return ret;
}

/* JSON: "reasons":[...],"all":{...},"most_frequent":...,"least_frequent":... */
static int json_reasons(const struct report *r, const struct win_map *m)
{
	const struct win_series *least = NULL;
	struct stats_fig total;
	struct table t;
	char hex[16];
	size_t i, rows;
	int ret;

	reason_table(&t, r->w, m, &total);
	rows = table_rows(&t);
	printf("\"reasons\":[");
	for (i = 0; i + 1 < rows; i++) {
		printf(i ? "," : "");
		table_print_json_row(&t, i);
		least = &m->v[i];
	}
	printf("],\"all\":");
	table_print_json_row(&t, rows - 1);
	printf(",\"most_frequent\":");
	json_string(stdout, least ? label(r->w, m->v[0].code, hex) : NULL);
	printf(",\"least_frequent\":");
	json_string(stdout, least ? label(r->w, least->code, hex) : NULL);
	ret = t.err;
	table_free(&t);
	return ret;
}

static const struct col interval_cols[] = {
	{ "FROM_S", "from_s", COL_NUM },
	{ "TO_S", "to_s", COL_NUM },
	{ "EXITS", "exits", COL_NUM },
	{ "RATE/S", "rate", COL_NUM },
	{ "", "burst", COL_NUM | COL_JSON },
	{ "", "reset", COL_NUM | COL_JSON },
	{ "NOTE", "note", COL_HUMAN },
	{ "", "bar", COL_TEXT },
};

static void interval_table(struct table *t, const struct window *w)
{
	double top = 0;
	char a[32], b[32], bar[41];
	size_t i;

	table_init(t, interval_cols, ES_ARRAY_SIZE(interval_cols));
	for (i = 0; i < w->nr_iv; i++)
		if (w->iv[i].rate > top)
			top = w->iv[i].rate;
	for (i = 0; i < w->nr_iv; i++) {
		const struct win_interval *iv = &w->iv[i];
		size_t n = top > 0 ? (size_t)(iv->rate / top * 40 + 0.5) : 0;

		memset(bar, '#', n);
		bar[n] = '\0';
		table_add_str(t, fmt_secs(iv->from_ns, a));
		table_add_str(t, fmt_secs(iv->to_ns, b));
		table_add(t, "%" PRIu64, iv->exits);
		table_add(t, "%.1f", iv->rate);
		table_add_str(t, iv->burst ? "true" : "false");
		table_add_str(t, iv->reset ? "true" : "false");
		table_add_str(t, iv->burst ? "burst" :
				 iv->reset ? "reset" :
					     "");
		table_add_str(t, bar);
	}
}

/* Fewer intervals than this say nothing about a pattern. */
#define MIN_PATTERN_INTERVALS 3

static const char *pattern(const struct window *w)
{
	if (w->nr_iv - w->nr_resets < MIN_PATTERN_INTERVALS)
		return NULL;
	return w->nr_bursts ? "bursty" : "steady";
}

static int human_rates(const struct report *r)
{
	const struct window *w = r->w;
	struct table t;
	int ret;

	heading(r,
		"Exit rate per interval (burst: more than %d x the median rate, %.1f/s)",
		WIN_BURST_FACTOR, w->median_rate);
	interval_table(&t, w);
	ret = table_print(&t, r->o->fmt, "  ");
	table_free(&t);
	if (r->o->fmt == OUT_MARKDOWN)
		putchar('\n');
	if (!pattern(w))
		line(r, "pattern: too short to tell (fewer than %d intervals)",
		     MIN_PATTERN_INTERVALS);
	else if (w->nr_bursts)
		line(r, "pattern: bursty, %zu of %zu intervals are bursts",
		     w->nr_bursts, w->nr_iv);
	else
		line(r, "pattern: steady, no interval is a burst");
	return ret;
}

static uint64_t vm_exits(const struct window *w, uint64_t vm, uint64_t vcpu)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < w->live.nr; i++)
		if (w->live.v[i].vm == vm &&
		    (vcpu == WIN_ALL || w->live.v[i].vcpu == vcpu))
			n += w->live.v[i].acc.exits;
	return n;
}

static const struct col vm_cols[] = {
	{ "VM", "id", COL_NUM },
	{ "PID", "pid", COL_NUM },
	{ "STATS_ID", "stats_id", 0 },
	{ "FIRST_S", "first_s", COL_NUM },
	{ "LAST_S", "last_s", COL_NUM },
	{ "EXITS", "exits", COL_NUM },
	{ "", "appeared", COL_NUM | COL_JSON },
	{ "", "gone", COL_NUM | COL_JSON },
	{ "NOTE", "note", COL_HUMAN },
};

/* Time of sample @k since the first. */
static uint64_t sample_ns(const struct window *w, size_t k)
{
	return k && k <= w->nr_iv ? w->iv[k - 1].to_ns : 0;
}

static const char *vm_note(bool appeared, bool gone)
{
	if (appeared && gone)
		return "appeared, gone";
	return appeared ? "appeared" : gone ? "gone" : "";
}

static void vm_table(struct table *t, const struct window *w)
{
	char a[32], b[32];
	size_t i;

	table_init(t, vm_cols, ES_ARRAY_SIZE(vm_cols));
	for (i = 0; i < w->nr_vms; i++) {
		const struct win_vm *vm = &w->vms[i];
		bool appeared = vm->first > 0;
		bool gone = vm->last + 1 < w->nr_samples;

		table_add(t, "%" PRIu64, vm->id);
		table_add(t, "%" PRId64, vm->pid);
		table_add(t, "%s", vm->stats_id);
		table_add(t, "%s",
			  w->timed ? fmt_secs(sample_ns(w, vm->first), a) :
				     "-");
		table_add(t, "%s",
			  w->timed ? fmt_secs(sample_ns(w, vm->last), b) : "-");
		table_add(t, "%" PRIu64, vm_exits(w, vm->id, WIN_ALL));
		table_add(t, "%s", appeared ? "true" : "false");
		table_add(t, "%s", gone ? "true" : "false");
		table_add(t, "%s", vm_note(appeared, gone));
	}
}

static int human_vms(const struct report *r)
{
	struct table t;
	int ret;

	heading(r, "VMs");
	vm_table(&t, r->w);
	ret = table_print(&t, r->o->fmt, "  ");
	table_free(&t);
	return ret;
}

static void human_notes(const struct report *r)
{
	const struct window *w = r->w;
	size_t gone = 0, i;

	for (i = 0; i < w->nr_vms; i++)
		gone += w->vms[i].last + 1 < w->nr_samples;
	if (w->nr_resets)
		line(r,
		     "note: counters went down (a reset) in %zu interval(s): counted from zero there, their exits from before the reset are lost",
		     w->nr_resets);
	if (gone)
		line(r,
		     "note: %zu VM(s) went away: their exits after their last sample count in the host figures only",
		     gone);
	if (w->timed && !w->nr_iv)
		line(r,
		     "note: only one sample: figures are what changed between samples, so all are 0");
	if (r->src->info.torn_line)
		line(r, "note: a torn last sample (line %u) was ignored",
		     r->src->info.torn_line);
	if (w->cpuid_missed)
		line(r, "note: the module missed %" PRIu64 " CPUID answers",
		     w->cpuid_missed);
	if (w->unattributed)
		line(r, "note: %" PRIu64 " exits were not attributed to a vCPU",
		     w->unattributed);
}

static void human_summary(const struct report *r)
{
	const struct source *src = r->src;
	const struct window *w = r->w;
	double secs = source_secs(src);
	char a[32];

	printf(r->o->fmt == OUT_MARKDOWN ? "# exitstat report: %s\n\n" :
					   "exitstat report: %s\n",
	       src->path);
	if (w->timed)
		line(r,
		     "recording: %zu sample%s over %.3f s (interval %s s)%s%s",
		     w->nr_samples, w->nr_samples == 1 ? "" : "s", secs,
		     fmt_secs(src->info.interval_ns, a),
		     *src->info.stop ? "; stopped: " : "", src->info.stop);
	else
		line(r,
		     "snapshot: figures since exitstat.ko was loaded or reset");
	line(r, "host: %s, kernel %s, scope %s, TSC %" PRIu64 " kHz",
	     w->table->name, w->kernel, w->scope, w->tsc_khz);
	if (w->timed)
		line(r, "exits: %" PRIu64 " (%.1f/s), %" PRIu64 " cycles",
		     r->total.exits,
		     secs > 0 ? (double)r->total.exits / secs : 0,
		     r->total.cycles);
	else
		line(r, "exits: %" PRIu64 ", %" PRIu64 " cycles",
		     r->total.exits, r->total.cycles);
	human_notes(r);
}

static int human_per(const struct report *r, uint64_t vm, uint64_t vcpu)
{
	struct win_map m;
	int ret = win_sum(r->w, vm, vcpu, &m);

	if (ret)
		return ret;
	sort_by_exits(&m);
	ret = human_reasons(r, &m);
	win_map_free(&m);
	return ret;
}

static int human_per_vm(const struct report *r)
{
	const struct window *w = r->w;
	const struct win_vm *vm;
	size_t i;
	int ret = 0;

	for (i = 0; i < w->nr_vms && !ret; i++) {
		vm = &w->vms[i];
		heading(r,
			"VM %" PRIu64 " (pid %" PRId64 ", %s), %" PRIu64
			" exits",
			vm->id, vm->pid, vm->stats_id,
			vm_exits(w, vm->id, WIN_ALL));
		ret = human_per(r, vm->id, WIN_ALL);
	}
	return ret;
}

static int human_per_vcpu(const struct report *r)
{
	const struct window *w = r->w;
	const struct win_vcpu *v;
	size_t i;
	int ret = 0;

	for (i = 0; i < w->nr_vcpus && !ret; i++) {
		v = &w->vcpus[i];
		heading(r,
			"VM %" PRIu64 " vCPU %" PRIu64 " (id %" PRId64
			", tid %" PRId64 "), %" PRIu64 " exits",
			v->vm, v->idx, v->id, v->tid,
			vm_exits(w, v->vm, v->idx));
		ret = human_per(r, v->vm, v->idx);
	}
	return ret;
}

static int print_human(const struct report *r)
{
	int ret = 0;

	human_summary(r);
	if (r->w->nr_iv)
		ret = human_rates(r);
	if (!ret) {
		heading(r,
			"Exit reasons, most frequent first (latency in TSC cycles)");
		ret = human_reasons(r, &r->all);
	}
	if (!ret && r->w->nr_vms)
		ret = human_vms(r);
	if (!ret && r->o->per_vm)
		ret = human_per_vm(r);
	if (!ret && r->o->per_vcpu)
		ret = human_per_vcpu(r);
	return ret;
}

static void json_num_or_null(const char *key, bool ok, double v)
{
	printf(",\"%s\":", key);
	if (ok)
		printf("%.3f", v);
	else
		printf("null");
}

static void json_summary(const struct report *r)
{
	const struct source *src = r->src;
	const struct window *w = r->w;
	double secs = source_secs(src);

	printf("{\"file\":");
	json_string(stdout, src->path);
	printf(",\"kind\":\"%s\",\"samples\":%zu", source_kind(src),
	       w->nr_samples);
	json_num_or_null("duration_s", w->timed, secs);
	json_num_or_null("interval_s", w->timed,
			 (double)src->info.interval_ns / 1e9);
	printf(",\"stopped\":");
	json_string(stdout, *src->info.stop ? src->info.stop : NULL);
	printf(",\"torn_line\":");
	if (src->info.torn_line)
		printf("%u", src->info.torn_line);
	else
		printf("null");
	printf(",\"isa\":\"%s\",\"kernel\":", w->table->name);
	json_string(stdout, w->kernel);
	printf(",\"scope\":");
	json_string(stdout, w->scope);
	printf(",\"tsc_khz\":%" PRIu64 ",\"cpuid_missed\":%" PRIu64
	       ",\"unattributed\":%" PRIu64 ",\"exits\":%" PRIu64
	       ",\"cycles\":%" PRIu64,
	       w->tsc_khz, w->cpuid_missed, w->unattributed, r->total.exits,
	       r->total.cycles);
	json_num_or_null("rate", w->timed && secs > 0,
			 secs > 0 ? (double)r->total.exits / secs : 0);
	printf(",\"resets\":%zu", w->nr_resets);
}

static int json_rates(const struct report *r)
{
	const struct window *w = r->w;
	struct table t;
	int ret;

	printf(",\"median_rate\":%.1f,\"bursts\":%zu,\"pattern\":",
	       w->median_rate, w->nr_bursts);
	json_string(stdout, pattern(w));
	printf(",\"intervals\":");
	interval_table(&t, w);
	ret = table_print(&t, OUT_JSON, "");
	table_free(&t);
	return ret;
}

static int json_per(const struct report *r, uint64_t vm, uint64_t vcpu)
{
	struct win_map m;
	int ret = win_sum(r->w, vm, vcpu, &m);

	if (ret)
		return ret;
	sort_by_exits(&m);
	ret = json_reasons(r, &m);
	win_map_free(&m);
	return ret;
}

static int json_per_vm(const struct report *r)
{
	size_t i;
	int ret = 0;

	printf(",\"per_vm\":[");
	for (i = 0; i < r->w->nr_vms && !ret; i++) {
		printf("%s{\"vm\":%" PRIu64 ",", i ? "," : "", r->w->vms[i].id);
		ret = json_per(r, r->w->vms[i].id, WIN_ALL);
		putchar('}');
	}
	putchar(']');
	return ret;
}

static int json_per_vcpu(const struct report *r)
{
	const struct win_vcpu *v;
	size_t i;
	int ret = 0;

	printf(",\"per_vcpu\":[");
	for (i = 0; i < r->w->nr_vcpus && !ret; i++) {
		v = &r->w->vcpus[i];
		printf("%s{\"vm\":%" PRIu64 ",\"vcpu\":%" PRIu64
		       ",\"id\":%" PRId64 ",\"tid\":%" PRId64 ",",
		       i ? "," : "", v->vm, v->idx, v->id, v->tid);
		ret = json_per(r, v->vm, v->idx);
		putchar('}');
	}
	putchar(']');
	return ret;
}

static int print_json(const struct report *r)
{
	struct table t;
	int ret = 0;

	json_summary(r);
	if (r->w->timed)
		ret = json_rates(r);
	putchar(',');
	if (!ret)
		ret = json_reasons(r, &r->all);
	printf(",\"vms\":");
	vm_table(&t, r->w);
	if (!ret)
		ret = table_print(&t, OUT_JSON, "");
	table_free(&t);
	if (!ret && r->o->per_vm)
		ret = json_per_vm(r);
	if (!ret && r->o->per_vcpu)
		ret = json_per_vcpu(r);
	printf("}\n");
	return ret;
}

/* What follows the options: FILE, and the choices that exclude others. */
static int report_args(int argc, char **argv, struct report_opts *o, bool json,
		       bool md)
{
	if (out_fmt_pick(json, md, &o->fmt)) {
		usage_error("report",
			    "--json and --markdown exclude each other");
		return EXIT_USAGE;
	}
	if (optind < argc)
		o->file = argv[optind++];
	if (optind < argc) {
		usage_error(
			"report",
			"unexpected argument '%s' (see 'exitstat report --help')",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (o->file && o->root) {
		usage_error(
			"report",
			"--root reads DIR/stats: give either FILE or --root");
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_report_opts(int argc, char **argv, struct report_opts *o)
{
	enum { OPT_PER_VM = 256, OPT_PER_VCPU, OPT_ROOT };
	static const struct option longopts[] = {
		{ "per-vm", no_argument, NULL, OPT_PER_VM },
		{ "per-vcpu", no_argument, NULL, OPT_PER_VCPU },
		{ "json", no_argument, NULL, 'j' },
		{ "markdown", no_argument, NULL, 'm' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, md = false;
	int c;

	while ((c = getopt_long(argc, argv, ":jmh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PER_VM:
			o->per_vm = true;
			break;
		case OPT_PER_VCPU:
			o->per_vcpu = true;
			break;
		case 'j':
			json = true;
			break;
		case 'm':
			md = true;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case 'h':
			fputs(report_help, stdout);
			return -1;
		default:
			return usage_bad_option("report", c, argv);
		}
	}
	return report_args(argc, argv, o, json, md);
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o = { 0 };
	struct report r = { .o = &o };
	struct source src;
	char msg[512];
	int ret = parse_report_opts(argc, argv, &o);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (source_load(&src, o.file, o.root, msg, sizeof(msg))) {
		run_error("%s", msg);
		return EXIT_FAILURE_RUN;
	}
	r.src = &src;
	r.w = &src.w;
	ret = win_sum(&src.w, WIN_ALL, WIN_ALL, &r.all);
	if (!ret) {
		sort_by_exits(&r.all);
		for (size_t i = 0; i < r.all.nr; i++)
			fig_add(&r.total, &r.all.v[i].acc);
		ret = o.fmt == OUT_JSON ? print_json(&r) : print_human(&r);
	}
	win_map_free(&r.all);
	source_free(&src);
	if (ret) {
		run_error("out of memory");
		return EXIT_FAILURE_RUN;
	}
	return EXIT_OK;
}
