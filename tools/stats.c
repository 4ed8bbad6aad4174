// SPDX-License-Identifier: GPL-2.0
/*
 * The stats snapshot parser: one pass over the lines into flat arrays,
 * then sorting, duplicate checks and linking of vCPUs to VMs and reasons
 * to vCPUs, so that lookups are binary searches and a hostile input costs
 * O(n log n).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

enum hdr {
	H_ISA,
	H_KERNEL,
	H_SCOPE,
	H_TSC,
	H_BUCKETS,
	H_CPUID,
	H_UNATTR,
	H_TOTAL,
	H_RETIRED,
	H_NR,
};

struct parser {
	struct kv_cursor cur;
	struct stats_snap *s;
	struct parse_err *e;
	bool failed;
	unsigned int hdr_line[H_NR];
	size_t cap_retired, cap_vms, cap_vcpus, cap_reasons;
	size_t nr_records;
	char text[KV_LINE_MAX + 1];
};

typedef int (*line_fn)(struct parser *p, const char *kw, char *rest, size_t off,
		       size_t off2);

struct line_type {
	const char *kw;
	int hdr; /* enum hdr, or -1 for records */
	line_fn fn;
	size_t off, off2; /* where in struct stats_snap the values go */
};

#define SNAP_OFF(field) offsetof(struct stats_snap, field)

static void *snap_field(struct parser *p, size_t off)
{
	return (char *)p->s + off;
}

/* Remembers the error of the earliest line (for checks after the pass). */
static void note(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct parser *p, unsigned int line, const char *fmt, ...)
{
	char msg[sizeof(p->e->msg)];
	va_list ap;

	if (p->failed && p->e->line <= line)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	parse_err_set(p->e, line, "%s", msg);
	p->failed = true;
}

static int line_word(struct parser *p, const char *kw, char *rest, size_t off,
		     size_t off2)
{
	char *w = kv_word(&rest);
	unsigned int line = p->cur.line;

	(void)off2;
	if (!w) {
		parse_err_set(p->e, line, "%s: missing value", kw);
		return -EINVAL;
	}
	if (!strcmp(kw, "isa")) {
		if (!strcmp(w, "vmx")) {
			p->s->isa = ES_ISA_VMX;
		} else if (!strcmp(w, "svm")) {
			p->s->isa = ES_ISA_SVM;
		} else {
			parse_err_set(p->e, line,
				      "unknown isa '%s' (expected vmx or svm)",
				      w);
			return -EINVAL;
		}
		p->s->table = es_isa_table(p->s->isa);
	} else if (strlen(w) >= STATS_STR_MAX) {
		parse_err_set(p->e, line, "%s: value too long", kw);
		return -EINVAL;
	} else {
		strcpy(snap_field(p, off), w);
	}
	return kv_parse(rest, NULL, 0, kw, line, p->e);
}

static int line_number(struct parser *p, const char *kw, char *rest, size_t off,
		       size_t off2)
{
	char *w = kv_word(&rest);
	uint64_t *v = snap_field(p, off);
	unsigned int line = p->cur.line;
	int ret;

	(void)off2;
	if (!w) {
		parse_err_set(p->e, line, "%s: missing value", kw);
		return -EINVAL;
	}
	ret = kv_number(w, UINT64_MAX, v);
	if (ret) {
		parse_err_set(p->e, line,
			      ret == -ERANGE ? "%s: number '%s' out of range" :
					       "%s: bad number '%s'",
			      kw, w);
		return -EINVAL;
	}
	if (!strcmp(kw, "hist_buckets") && (!*v || *v > STATS_HIST_MAX)) {
		parse_err_set(p->e, line,
			      "hist_buckets %" PRIu64 " out of range (1 to %d)",
			      *v, STATS_HIST_MAX);
		return -EINVAL;
	}
	return kv_parse(rest, NULL, 0, kw, line, p->e);
}

static int line_figures(struct parser *p, const char *kw, char *rest,
			size_t off, size_t off2)
{
	const struct kv_spec spec[] = {
		{ "exits", KV_U64, snap_field(p, off), 0 },
		{ "cycles", KV_U64, snap_field(p, off2), 0 },
	};

	return kv_parse(rest, spec, ES_ARRAY_SIZE(spec), kw, p->cur.line, p->e);
}

/* Counts a vm, vcpu or reason line: there may be STATS_MAX_RECORDS. */
static int count_record(struct parser *p)
{
	if (++p->nr_records > STATS_MAX_RECORDS) {
		parse_err_set(p->e, p->cur.line, "more than %u records",
			      STATS_MAX_RECORDS);
		return -EINVAL;
	}
	return 0;
}

/* Makes room for one more element of @size bytes in *@arr. */
static int room(struct parser *p, void **arr, size_t *cap, size_t nr,
		size_t size)
{
	size_t ncap;
	void *n;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	n = realloc(*arr, ncap * size);
	if (!n) {
		parse_err_set(p->e, p->cur.line, "out of memory");
		return -ENOMEM;
	}
	*arr = n;
	*cap = ncap;
	return 0;
}

/* A record line parsed: counts it and makes room for it in *@arr. */
static int grow(struct parser *p, void **arr, size_t *cap, size_t nr,
		size_t size)
{
	int ret = count_record(p);

	return ret ? ret : room(p, arr, cap, nr, size);
}

/* The keys of a reason line's figures, after @nr keys already in @spec. */
static unsigned int fig_spec(struct stats_reason *r, struct kv_spec *spec,
			     unsigned int nr)
{
	const struct kv_spec fig[] = {
		{ "code", KV_CODE, &r->code, 0 },
		{ "exits", KV_U64, &r->f.exits, 0 },
		{ "cycles", KV_U64, &r->f.cycles, 0 },
		{ "min", KV_U64, &r->f.min, 0 },
		{ "max", KV_U64, &r->f.max, 0 },
		{ "hist", KV_HIST, r->f.hist, 0 },
	};

	memcpy(spec + nr, fig, sizeof(fig));
	return nr + ES_ARRAY_SIZE(fig);
}

/* Reasons are parsed in place, at the end of their array. */
static int line_reason(struct parser *p, const char *kw, char *rest, size_t off,
		       size_t off2)
{
	bool retired = kv_eq(kw, "retired-reason");
	struct stats_snap *s = p->s;
	struct stats_reason **arr = retired ? &s->retired : &s->reasons;
	size_t *nr_arr = retired ? &s->nr_retired : &s->nr_reasons;
	struct kv_spec spec[8];
	struct stats_reason *r;
	unsigned int nr = 0;
	int ret;

	(void)off;
	(void)off2;
	ret = room(p, (void **)arr, retired ? &p->cap_retired : &p->cap_reasons,
		   *nr_arr, sizeof(**arr));
	if (ret)
		return ret;
	r = &(*arr)[*nr_arr];
	r->vm = 0; /* kv_parse() sets all the other fields */
	r->vcpu = 0;
	r->line = p->cur.line;
	if (!retired) {
		spec[nr++] = (struct kv_spec){ "vm", KV_U64, &r->vm, 0 };
		spec[nr++] = (struct kv_spec){ "vcpu", KV_U64, &r->vcpu, 0 };
	}
	nr = fig_spec(r, spec, nr);
	ret = kv_parse(rest, spec, nr, kw, r->line, p->e);
	if (!ret)
		ret = count_record(p);
	if (!ret)
		(*nr_arr)++;
	return ret;
}

static int line_vm(struct parser *p, const char *kw, char *rest, size_t off,
		   size_t off2)
{
	struct stats_snap *s = p->s;
	struct stats_vm vm = { .line = p->cur.line };
	const struct kv_spec spec[] = {
		{ "id", KV_U64, &vm.id, 0 },
		{ "pid", KV_I64, &vm.pid, 0 },
		{ "stats_id", KV_STR, vm.stats_id, sizeof(vm.stats_id) },
		{ "vcpus", KV_U64, &vm.vcpus, 0 },
		{ "exits", KV_U64, &vm.exits, 0 },
		{ "cycles", KV_U64, &vm.cycles, 0 },
	};
	int ret;

	(void)off;
	(void)off2;
	ret = kv_parse(rest, spec, ES_ARRAY_SIZE(spec), kw, vm.line, p->e);
	if (!ret)
		ret = grow(p, (void **)&s->vms, &p->cap_vms, s->nr_vms,
			   sizeof(vm));
	if (!ret)
		s->vms[s->nr_vms++] = vm;
	return ret;
}

static int line_vcpu(struct parser *p, const char *kw, char *rest, size_t off,
		     size_t off2)
{
	struct stats_snap *s = p->s;
	struct stats_vcpu v = { .line = p->cur.line };
	const struct kv_spec spec[] = {
		{ "vm", KV_U64, &v.vm, 0 },
		{ "idx", KV_U64, &v.idx, 0 },
		{ "id", KV_I64, &v.id, 0 },
		{ "tid", KV_I64, &v.tid, 0 },
		{ "exits", KV_U64, &v.exits, 0 },
		{ "cycles", KV_U64, &v.cycles, 0 },
	};
	int ret;

	(void)off;
	(void)off2;
	ret = kv_parse(rest, spec, ES_ARRAY_SIZE(spec), kw, v.line, p->e);
	if (!ret)
		ret = grow(p, (void **)&s->vcpus, &p->cap_vcpus, s->nr_vcpus,
			   sizeof(v));
	if (!ret)
		s->vcpus[s->nr_vcpus++] = v;
	return ret;
}

/* The most frequent lines first: they are looked up in this order. */
static const struct line_type line_types[] = {
	{ "reason", -1, line_reason, 0, 0 },
	{ "vcpu", -1, line_vcpu, 0, 0 },
	{ "vm", -1, line_vm, 0, 0 },
	{ "retired-reason", -1, line_reason, 0, 0 },
	{ "isa", H_ISA, line_word, 0, 0 },
	{ "kernel", H_KERNEL, line_word, SNAP_OFF(kernel), 0 },
	{ "scope", H_SCOPE, line_word, SNAP_OFF(scope), 0 },
	{ "tsc_khz", H_TSC, line_number, SNAP_OFF(tsc_khz), 0 },
	{ "hist_buckets", H_BUCKETS, line_number, SNAP_OFF(hist_buckets), 0 },
	{ "cpuid_missed", H_CPUID, line_number, SNAP_OFF(cpuid_missed), 0 },
	{ "unattributed", H_UNATTR, line_number, SNAP_OFF(unattributed), 0 },
	{ "total", H_TOTAL, line_figures, SNAP_OFF(total_exits),
	  SNAP_OFF(total_cycles) },
	{ "retired", H_RETIRED, line_figures, SNAP_OFF(retired_exits),
	  SNAP_OFF(retired_cycles) },
};

/* One line after the first: 1 for "end", 0 for others, -errno. */
static int parse_line(struct parser *p)
{
	char *rest = p->text, *kw = kv_word(&rest);
	unsigned int line = p->cur.line;
	const struct line_type *lt;
	size_t i;

	if (!kw) {
		parse_err_set(p->e, line, "empty line");
		return -EINVAL;
	}
	if (!kv_is_keyword(kw)) {
		parse_err_set(p->e, line, "not a keyword: '%s'", kw);
		return -EINVAL;
	}
	if (kv_eq(kw, "end"))
		return 1;
	for (i = 0; i < ES_ARRAY_SIZE(line_types); i++)
		if (kv_eq(kw, line_types[i].kw))
			break;
	if (i == ES_ARRAY_SIZE(line_types))
		return 0; /* unknown keywords are for newer readers */
	lt = &line_types[i];
	if (lt->hdr >= 0) {
		if (p->hdr_line[lt->hdr]) {
			parse_err_set(p->e, line,
				      "duplicate '%s' line (first at line %u)",
				      kw, p->hdr_line[lt->hdr]);
			return -EINVAL;
		}
		p->hdr_line[lt->hdr] = line;
	}
	return lt->fn(p, kw, rest, lt->off, lt->off2);
}

static int parse_first(struct parser *p)
{
	char *rest = p->text, *kw, *ver;
	unsigned int line;
	uint64_t v;
	bool nl;
	int ret = kv_next_line(&p->cur, p->text, &nl, p->e);

	if (ret <= 0) {
		if (!ret)
			parse_err_set(p->e, 0,
				      "empty (no 'exitstat-stats' line)");
		return -EINVAL;
	}
	line = p->cur.line;
	kw = kv_word(&rest);
	ver = kv_word(&rest);
	if (!kw || strcmp(kw, "exitstat-stats") || !ver) {
		parse_err_set(
			p->e, line,
			"not an exitstat stats file (expected 'exitstat-stats %d')",
			STATS_VERSION);
		return -EINVAL;
	}
	if (kv_number(ver, UINT32_MAX, &v) || v != STATS_VERSION) {
		parse_err_set(
			p->e, line,
			"unsupported stats version '%s' (this exitstat reads version %d)",
			ver, STATS_VERSION);
		return -EINVAL;
	}
	p->s->version = (unsigned int)v;
	return kv_parse(rest, NULL, 0, "exitstat-stats", line, p->e);
}

static int parse_lines(struct parser *p)
{
	bool nl;
	int ret = parse_first(p);

	while (!ret) {
		ret = kv_next_line(&p->cur, p->text, &nl, p->e);
		if (ret < 0)
			return ret;
		if (!ret) {
			parse_err_set(p->e, 0,
				      "truncated after line %u (no 'end' line)",
				      p->cur.line);
			return -EINVAL;
		}
		ret = parse_line(p);
	}
	if (ret < 0)
		return ret;
	if (kv_next_line(&p->cur, p->text, &nl, p->e)) {
		parse_err_set(p->e, p->cur.line, "data after 'end'");
		return -EINVAL;
	}
	return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_vm(const void *a, const void *b)
{
	return cmp_u64(((const struct stats_vm *)a)->id,
		       ((const struct stats_vm *)b)->id);
}

static int cmp_vcpu(const void *a, const void *b)
{
	const struct stats_vcpu *x = a, *y = b;

	return x->vm != y->vm ? cmp_u64(x->vm, y->vm) : cmp_u64(x->idx, y->idx);
}

static int cmp_reason(const void *a, const void *b)
{
	const struct stats_reason *x = a, *y = b;

	if (x->vm != y->vm)
		return cmp_u64(x->vm, y->vm);
	if (x->vcpu != y->vcpu)
		return cmp_u64(x->vcpu, y->vcpu);
	return cmp_u64(x->code, y->code);
}

/*
 * qsort(), which must not be given NULL even for no elements, unless the
 * elements are in order already (as the module writes them).
 */
static void sort(void *base, size_t nr, size_t size,
		 int (*cmp)(const void *, const void *))
{
	const char *a = base;
	size_t i;

	for (i = 1; i < nr; i++)
		if (cmp(a + (i - 1) * size, a + i * size) > 0)
			break;
	if (i < nr)
		qsort(base, nr, size, cmp);
}

static unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static unsigned int max_u(unsigned int a, unsigned int b)
{
	return a > b ? a : b;
}

static void check_dups(struct parser *p)
{
	const struct stats_snap *s = p->s;
	char code[16];
	size_t i;

	for (i = 1; i < s->nr_vms; i++) {
		const struct stats_vm *a = &s->vms[i - 1], *b = &s->vms[i];

		if (a->id == b->id)
			note(p, max_u(a->line, b->line),
			     "duplicate vm id=%" PRIu64 " (first at line %u)",
			     a->id, min_u(a->line, b->line));
	}
	for (i = 1; i < s->nr_vcpus; i++) {
		const struct stats_vcpu *a = &s->vcpus[i - 1],
					*b = &s->vcpus[i];

		if (!cmp_vcpu(a, b))
			note(p, max_u(a->line, b->line),
			     "duplicate vcpu vm=%" PRIu64 " idx=%" PRIu64
			     " (first at line %u)",
			     a->vm, a->idx, min_u(a->line, b->line));
	}
	for (i = 1; i < s->nr_reasons; i++) {
		const struct stats_reason *a = &s->reasons[i - 1];
		const struct stats_reason *b = &s->reasons[i];

		if (!cmp_reason(a, b))
			note(p, max_u(a->line, b->line),
			     "duplicate reason vm=%" PRIu64 " vcpu=%" PRIu64
			     " code=%s (first at line %u)",
			     a->vm, a->vcpu, stats_code_hex(a->code, code),
			     min_u(a->line, b->line));
	}
	for (i = 1; i < s->nr_retired; i++) {
		const struct stats_reason *a = &s->retired[i - 1];
		const struct stats_reason *b = &s->retired[i];

		if (a->code == b->code)
			note(p, max_u(a->line, b->line),
			     "duplicate retired-reason code=%s (first at line %u)",
			     stats_code_hex(a->code, code),
			     min_u(a->line, b->line));
	}
}

static void link_vcpus(struct parser *p)
{
	struct stats_snap *s = p->s;
	struct stats_vm *vm;
	size_t i;

	for (i = 0; i < s->nr_vcpus; i++) {
		vm = (struct stats_vm *)stats_find_vm(s, s->vcpus[i].vm);
		if (!vm) {
			note(p, s->vcpus[i].line,
			     "vcpu refers to unknown vm %" PRIu64,
			     s->vcpus[i].vm);
			continue;
		}
		if (!vm->nr_vcpus++)
			vm->first_vcpu = i;
	}
}

static void link_reasons(struct parser *p)
{
	struct stats_snap *s = p->s;
	const struct stats_reason *r;
	struct stats_vcpu *v;
	size_t i;

	for (i = 0; i < s->nr_reasons; i++) {
		r = &s->reasons[i];
		v = (struct stats_vcpu *)stats_find_vcpu(s, r->vm, r->vcpu);
		if (v) {
			if (!v->nr_reasons++)
				v->first_reason = i;
		} else if (!stats_find_vm(s, r->vm)) {
			note(p, r->line, "reason refers to unknown vm %" PRIu64,
			     r->vm);
		} else {
			note(p, r->line,
			     "reason refers to unknown vcpu %" PRIu64
			     " of vm %" PRIu64,
			     r->vcpu, r->vm);
		}
	}
}

/* Whether @f counts exits in a bucket from @from on. */
static bool hist_from(const struct stats_fig *f, uint64_t from)
{
	uint64_t any = 0, b;

	for (b = from; b < STATS_HIST_MAX; b++)
		any |= f->hist[b];
	return any;
}

static void check_hist(struct parser *p, const struct stats_reason *r,
		       size_t nr)
{
	uint64_t b;
	size_t i;

	for (i = 0; i < nr; i++) {
		if (!hist_from(&r[i].f, p->s->hist_buckets))
			continue;
		for (b = p->s->hist_buckets; b < STATS_HIST_MAX; b++)
			if (r[i].f.hist[b])
				note(p, r[i].line,
				     "hist bucket %" PRIu64
				     " beyond hist_buckets %" PRIu64,
				     b, p->s->hist_buckets);
	}
}

static const char *const hdr_names[H_NR] = {
	"isa",		"kernel",	"scope", "tsc_khz", "hist_buckets",
	"cpuid_missed", "unattributed", "total", "retired",
};

static int finish(struct parser *p)
{
	struct stats_snap *s = p->s;
	unsigned int h;

	for (h = 0; h < H_NR; h++) {
		if (!p->hdr_line[h]) {
			parse_err_set(p->e, p->cur.line,
				      "no '%s' line before 'end'",
				      hdr_names[h]);
			return -EINVAL;
		}
	}
	check_hist(p, s->retired, s->nr_retired);
	check_hist(p, s->reasons, s->nr_reasons);
	if (p->failed)
		return -EINVAL;
	sort(s->vms, s->nr_vms, sizeof(*s->vms), cmp_vm);
	sort(s->vcpus, s->nr_vcpus, sizeof(*s->vcpus), cmp_vcpu);
	sort(s->reasons, s->nr_reasons, sizeof(*s->reasons), cmp_reason);
	sort(s->retired, s->nr_retired, sizeof(*s->retired), cmp_reason);
	check_dups(p);
	if (p->failed)
		return -EINVAL;
	link_vcpus(p);
	link_reasons(p);
	return p->failed ? -EINVAL : 0;
}

int stats_parse(const char *buf, size_t len, unsigned int first_line,
		struct stats_snap *s, struct parse_err *e)
{
	struct parser *p = malloc(sizeof(*p));
	int ret;

	memset(s, 0, sizeof(*s));
	if (!p) {
		parse_err_set(e, 0, "out of memory");
		return -ENOMEM;
	}
	memset(p, 0, offsetof(struct parser, text)); /* text: written first */
	kv_cursor_init(&p->cur, buf, len, first_line);
	p->s = s;
	p->e = e;
	ret = parse_lines(p);
	if (!ret)
		ret = finish(p);
	free(p);
	if (ret)
		stats_free(s);
	return ret;
}

void stats_free(struct stats_snap *s)
{
	free(s->retired);
	free(s->vms);
	free(s->vcpus);
	free(s->reasons);
	memset(s, 0, sizeof(*s));
}

const struct stats_vm *stats_find_vm(const struct stats_snap *s, uint64_t id)
{
	const struct stats_vm key = { .id = id };

	if (!s->nr_vms)
		return NULL;
	return bsearch(&key, s->vms, s->nr_vms, sizeof(key), cmp_vm);
}

const struct stats_vm *stats_find_pid(const struct stats_snap *s, int64_t pid)
{
	size_t i;

	for (i = 0; i < s->nr_vms; i++)
		if (s->vms[i].pid == pid)
			return &s->vms[i];
	return NULL;
}

const struct stats_vcpu *stats_find_vcpu(const struct stats_snap *s,
					 uint64_t vm, uint64_t idx)
{
	const struct stats_vcpu key = { .vm = vm, .idx = idx };

	if (!s->nr_vcpus)
		return NULL;
	return bsearch(&key, s->vcpus, s->nr_vcpus, sizeof(key), cmp_vcpu);
}

const char *stats_code_name(const struct es_isa_table *t, uint64_t code)
{
	const struct es_reason *r;

	if (code == STATS_CODE_UNKNOWN)
		return "UNKNOWN";
	r = es_reason_find(t, (uint32_t)code);
	return r ? r->name : NULL;
}

const char *stats_code_hex(uint64_t code, char *buf)
{
	if (code == STATS_CODE_UNKNOWN)
		strcpy(buf, "unknown");
	else
		snprintf(buf, 16, "0x%" PRIx64, code);
	return buf;
}
