// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of /proc/exitstat/stats, format version 1 (hostif.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostif.h"

#define MAX_TOKENS 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct parser {
	struct hostif_stats *st;
	unsigned int line;
	char *err;
	size_t err_size;
	unsigned int seen; /* header keywords, bit per entry of headers[] */
	bool ended;
};

static int __attribute__((format(printf, 2, 3)))
perr(struct parser *p, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (p->line)
		len = snprintf(p->err, p->err_size, "line %u: ", p->line);
	else
		len = snprintf(p->err, p->err_size, "at the end: ");
	if (len < p->err_size) {
		va_start(ap, fmt);
		vsnprintf(p->err + len, p->err_size - len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Decimal, or hex when written 0x...; nothing else. */
static bool parse_u64(const char *s, uint64_t *v)
{
	const char *digits = "0123456789";
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
		digits = "0123456789abcdefABCDEF";
	}
	/* Digits only: strtoull() would also take blanks, signs, 0x again. */
	if (!*s || s[strspn(s, digits)])
		return false;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !errno && !*end;
}

static bool parse_int(const char *s, int *v)
{
	uint64_t u;

	if (!parse_u64(s, &u) || u > INT_MAX)
		return false;
	*v = u;
	return true;
}

/* Grows @*arr by one zeroed element of @size, returns it. */
static void *grow(void *arr_p, unsigned int *nr, size_t size)
{
	void **arr = arr_p;
	unsigned int n = *nr;
	char *a = *arr;

	/* Capacity is the next power of two: reallocate at 0, 1, 2, 4, ... */
	if (!(n & (n - 1))) {
		a = realloc(a, (n ? 2 * n : 1) * size);
		if (!a)
			return NULL;
		*arr = a;
	}
	memset(a + n * size, 0, size);
	(*nr)++;
	return a + n * size;
}

/* ---- key=value lines --------------------------------------------------- */

enum kv_type { KV_U64, KV_INT, KV_STR, KV_CODE, KV_HIST };

struct kv {
	const char *key;
	enum kv_type type;
	void *dst;
	size_t size; /* KV_STR */
	bool seen;
};

static int parse_code(struct parser *p, const char *val,
		      struct hostif_reason *r)
{
	uint64_t code;

	if (!strcmp(val, "unknown")) {
		r->unknown = true;
		return 0;
	}
	if (!parse_u64(val, &code) || code > UINT32_MAX)
		return perr(p, "bad code '%s'", val);
	r->code = code;
	return 0;
}

static int parse_hist(struct parser *p, char *val, struct hostif_reason *r)
{
	uint64_t bucket, count;
	char *tok, *save, *colon;

	r->hist_lo = r->hist_hi = -1;
	for (tok = strtok_r(val, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		colon = strchr(tok, ':');
		if (!colon)
			return perr(p, "hist entry '%s' is not bucket:count",
				    tok);
		*colon = '\0';
		if (!parse_u64(tok, &bucket) || !parse_u64(colon + 1, &count))
			return perr(p, "bad hist entry '%s:%s'", tok,
				    colon + 1);
		if (bucket >= HOSTIF_HIST_MAX)
			return perr(p, "hist bucket %llu out of range",
				    (unsigned long long)bucket);
		if (r->hist[bucket] || !count)
			return perr(p, "hist bucket %llu %s",
				    (unsigned long long)bucket,
				    count ? "listed twice" :
					    "listed with count 0");
		if (r->hist_hi >= (int)bucket)
			return perr(p, "hist buckets not in ascending order");
		r->hist[bucket] = count;
		r->hist_sum += count;
		if (r->hist_lo < 0)
			r->hist_lo = bucket;
		r->hist_hi = bucket;
	}
	return 0;
}

static int parse_kv(struct parser *p, char **tok, int nr, struct kv *kv,
		    unsigned int nr_kv, struct hostif_reason *r)
{
	unsigned int k;
	char *eq;
	int i, ret;

	for (i = 0; i < nr; i++) {
		eq = strchr(tok[i], '=');
		if (!eq || eq == tok[i])
			return perr(p, "'%s' is not key=value", tok[i]);
		*eq = '\0';
		for (k = 0; k < nr_kv && strcmp(kv[k].key, tok[i]); k++)
			;
		if (k == nr_kv)
			continue; /* unknown keys are ignored */
		if (kv[k].seen)
			return perr(p, "key '%s' given twice", kv[k].key);
		kv[k].seen = true;
		ret = 0;
		switch (kv[k].type) {
		case KV_U64:
			if (!parse_u64(eq + 1, kv[k].dst))
				ret = perr(p, "%s: bad number '%s'", kv[k].key,
					   eq + 1);
			break;
		case KV_INT:
			if (!parse_int(eq + 1, kv[k].dst))
				ret = perr(p, "%s: bad number '%s'", kv[k].key,
					   eq + 1);
			break;
		case KV_STR:
			if (strlen(eq + 1) >= kv[k].size || !eq[1])
				ret = perr(p, "%s: bad value '%s'", kv[k].key,
					   eq + 1);
			else
				strcpy(kv[k].dst, eq + 1);
			break;
		case KV_CODE:
			ret = parse_code(p, eq + 1, r);
			break;
		case KV_HIST:
			ret = parse_hist(p, eq + 1, r);
			break;
		}
		if (ret)
			return ret;
	}
	for (k = 0; k < nr_kv; k++)
		if (!kv[k].seen)
			return perr(p, "key '%s' missing", kv[k].key);
	return 0;
}

#define KV(k, t, d)                           \
	{                                     \
		.key = k, .type = t, .dst = d \
	}

/* ---- the lines --------------------------------------------------------- */

static const struct hostif_vm *find_vm(const struct hostif_stats *st,
				       uint64_t id)
{
	unsigned int i;

	for (i = 0; i < st->nr_vms; i++)
		if (st->vms[i].id == id)
			return &st->vms[i];
	return NULL;
}

static const struct hostif_vcpu *find_vcpu(const struct hostif_stats *st,
					   uint64_t vm, int idx)
{
	unsigned int i;

	for (i = 0; i < st->nr_vcpus; i++)
		if (st->vcpus[i].vm == vm && st->vcpus[i].idx == idx)
			return &st->vcpus[i];
	return NULL;
}

static bool same_code(const struct hostif_reason *a,
		      const struct hostif_reason *b)
{
	return a->unknown == b->unknown && (a->unknown || a->code == b->code);
}

static int line_vm(struct parser *p, char **tok, int nr)
{
	struct hostif_stats *st = p->st;
	struct hostif_vm vm = { 0 };
	int vcpus;
	struct kv kv[] = {
		KV("id", KV_U64, &vm.id),
		KV("pid", KV_INT, &vm.pid),
		{ "stats_id", KV_STR, vm.stats_id, sizeof(vm.stats_id), 0 },
		KV("vcpus", KV_INT, &vcpus),
		KV("exits", KV_U64, &vm.exits),
		KV("cycles", KV_U64, &vm.cycles),
	};
	struct hostif_vm *slot;
	int ret;

	ret = parse_kv(p, tok, nr, kv, ARRAY_SIZE(kv), NULL);
	if (ret)
		return ret;
	vm.vcpus = vcpus;
	if (!vm.id)
		return perr(p, "vm id=0");
	if (find_vm(st, vm.id))
		return perr(p, "vm id=%llu listed twice",
			    (unsigned long long)vm.id);
	slot = grow(&st->vms, &st->nr_vms, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	*slot = vm;
	return 0;
}

static int line_vcpu(struct parser *p, char **tok, int nr)
{
	struct hostif_stats *st = p->st;
	struct hostif_vcpu v = { 0 };
	struct kv kv[] = {
		KV("vm", KV_U64, &v.vm),       KV("idx", KV_INT, &v.idx),
		KV("id", KV_INT, &v.id),       KV("tid", KV_INT, &v.tid),
		KV("exits", KV_U64, &v.exits), KV("cycles", KV_U64, &v.cycles),
	};
	struct hostif_vcpu *slot;
	int ret;

	ret = parse_kv(p, tok, nr, kv, ARRAY_SIZE(kv), NULL);
	if (ret)
		return ret;
	if (!find_vm(st, v.vm))
		return perr(p, "vcpu of vm=%llu, which has no vm line before",
			    (unsigned long long)v.vm);
	if (find_vcpu(st, v.vm, v.idx))
		return perr(p, "vcpu vm=%llu idx=%d listed twice",
			    (unsigned long long)v.vm, v.idx);
	slot = grow(&st->vcpus, &st->nr_vcpus, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	*slot = v;
	return 0;
}

/* "reason vm= vcpu= code= ..." or, @retired, "retired-reason code= ..." */
static int line_reason(struct parser *p, char **tok, int nr, bool retired)
{
	struct hostif_stats *st = p->st;
	struct hostif_reason r = { .vcpu = -1, .hist_lo = -1, .hist_hi = -1 };
	struct kv kv[] = {
		KV("code", KV_CODE, NULL),	 KV("exits", KV_U64, &r.exits),
		KV("cycles", KV_U64, &r.cycles), KV("min", KV_U64, &r.min),
		KV("max", KV_U64, &r.max),	 KV("hist", KV_HIST, NULL),
		KV("vm", KV_U64, &r.vm),	 KV("vcpu", KV_INT, &r.vcpu),
	};
	struct hostif_reason *list, *slot;
	unsigned int i, *nr_list;
	int ret;

	/* retired-reason lines have no vm= and vcpu=: not asked for. */
	ret = parse_kv(p, tok, nr, kv, ARRAY_SIZE(kv) - (retired ? 2 : 0), &r);
	if (ret)
		return ret;
	if (!retired && !find_vcpu(st, r.vm, r.vcpu))
		return perr(
			p,
			"reason of vm=%llu vcpu=%d, which has no vcpu line before",
			(unsigned long long)r.vm, r.vcpu);
	list = retired ? st->retired_reasons : st->reasons;
	nr_list = retired ? &st->nr_retired_reasons : &st->nr_reasons;
	for (i = 0; i < *nr_list; i++)
		if (list[i].vm == r.vm && list[i].vcpu == r.vcpu &&
		    same_code(&list[i], &r))
			return perr(p, "reason listed twice");
	slot = grow(retired ? &st->retired_reasons : &st->reasons, nr_list,
		    sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	*slot = r;
	return 0;
}

/* "total exits= cycles=", "retired exits= cycles=" */
static int line_figures(struct parser *p, char **tok, int nr,
			struct hostif_figures *f)
{
	struct kv kv[] = {
		KV("exits", KV_U64, &f->exits),
		KV("cycles", KV_U64, &f->cycles),
	};

	return parse_kv(p, tok, nr, kv, ARRAY_SIZE(kv), NULL);
}

/* Header lines of one value: each must be there, once. */
enum {
	H_ISA,
	H_KERNEL,
	H_SCOPE,
	H_TSC,
	H_BUCKETS,
	H_MISSED,
	H_UNATTR,
	H_TOTAL,
	H_RETIRED,
	NR_H
};

static const char *const headers[NR_H] = {
	[H_ISA] = "isa",
	[H_KERNEL] = "kernel",
	[H_SCOPE] = "scope",
	[H_TSC] = "tsc_khz",
	[H_BUCKETS] = "hist_buckets",
	[H_MISSED] = "cpuid_missed",
	[H_UNATTR] = "unattributed",
	[H_TOTAL] = "total",
	[H_RETIRED] = "retired",
};

static int line_str(struct parser *p, const char *val, char *dst, size_t size,
		    const char *const *allowed)
{
	if (strlen(val) >= size)
		return perr(p, "value '%s' too long", val);
	for (; allowed && *allowed; allowed++)
		if (!strcmp(*allowed, val))
			break;
	if (allowed && !*allowed)
		return perr(p, "unexpected value '%s'", val);
	strcpy(dst, val);
	return 0;
}

static int line_header(struct parser *p, int h, char **tok, int nr)
{
	static const char *const isas[] = { "vmx", "svm", NULL };
	static const char *const scopes[] = { "vm", "global", NULL };
	struct hostif_stats *st = p->st;
	uint64_t *num[NR_H] = {
		[H_TSC] = &st->tsc_khz,
		[H_BUCKETS] = &st->hist_buckets,
		[H_MISSED] = &st->cpuid_missed,
		[H_UNATTR] = &st->unattributed,
	};

	if (p->seen & 1u << h)
		return perr(p, "'%s' given twice", headers[h]);
	p->seen |= 1u << h;
	if (h == H_TOTAL)
		return line_figures(p, tok, nr, &st->total);
	if (h == H_RETIRED)
		return line_figures(p, tok, nr, &st->retired);
	/* One value; anything after it must be key=value (ignored). */
	if (nr < 1 || strchr(tok[0], '='))
		return perr(p, "'%s' without a value", headers[h]);
	if (parse_kv(p, tok + 1, nr - 1, NULL, 0, NULL))
		return -EINVAL;
	switch (h) {
	case H_ISA:
		return line_str(p, tok[0], st->isa, sizeof(st->isa), isas);
	case H_KERNEL:
		return line_str(p, tok[0], st->kernel, sizeof(st->kernel),
				NULL);
	case H_SCOPE:
		return line_str(p, tok[0], st->scope, sizeof(st->scope),
				scopes);
	}
	if (!parse_u64(tok[0], num[h]))
		return perr(p, "%s: bad number '%s'", headers[h], tok[0]);
	return 0;
}

static int parse_line(struct parser *p, char *line)
{
	char *tok[MAX_TOKENS], *save, *t;
	int nr = 0, h;
	uint64_t version;

	for (t = strtok_r(line, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		if (nr == MAX_TOKENS)
			return perr(p, "more than %d fields", MAX_TOKENS);
		tok[nr++] = t;
	}
	if (p->ended)
		return perr(p, "text after the 'end' line");
	if (!nr)
		return perr(p, "empty line");
	if (p->line == 1) {
		if (strcmp(tok[0], "exitstat-stats") || nr != 2 ||
		    !parse_u64(tok[1], &version))
			return perr(
				p,
				"not an exitstat stats file: first line is not 'exitstat-stats VERSION'");
		if (version != HOSTIF_VERSION)
			return perr(p,
				    "format version %llu, this reader knows %d",
				    (unsigned long long)version,
				    HOSTIF_VERSION);
		p->st->version = version;
		return 0;
	}
	if (!strcmp(tok[0], "end")) {
		if (nr != 1)
			return perr(p, "'end' with values");
		p->ended = true;
		return 0;
	}
	if (!strcmp(tok[0], "vm"))
		return line_vm(p, tok + 1, nr - 1);
	if (!strcmp(tok[0], "vcpu"))
		return line_vcpu(p, tok + 1, nr - 1);
	if (!strcmp(tok[0], "reason"))
		return line_reason(p, tok + 1, nr - 1, false);
	if (!strcmp(tok[0], "retired-reason"))
		return line_reason(p, tok + 1, nr - 1, true);
	for (h = 0; h < NR_H; h++)
		if (!strcmp(tok[0], headers[h]))
			return line_header(p, h, tok + 1, nr - 1);
	return 0; /* unknown keywords are ignored */
}

/* What can only be checked once everything is read. */
static int parse_finish(struct parser *p)
{
	const struct hostif_stats *st = p->st;
	unsigned int i;
	int h;

	if (!p->ended)
		return perr(p, "no 'end' line: truncated");
	for (h = 0; h < NR_H; h++)
		if (!(p->seen & 1u << h))
			return perr(p, "no '%s' line", headers[h]);
	if (!st->hist_buckets || st->hist_buckets > HOSTIF_HIST_MAX)
		return perr(p, "hist_buckets %llu: this reader takes 1..%d",
			    (unsigned long long)st->hist_buckets,
			    HOSTIF_HIST_MAX);
	for (i = 0; i < st->nr_reasons; i++)
		if (st->reasons[i].hist_hi >= (int)st->hist_buckets)
			return perr(
				p,
				"a reason of vm=%llu has hist bucket %d >= hist_buckets",
				(unsigned long long)st->reasons[i].vm,
				st->reasons[i].hist_hi);
	for (i = 0; i < st->nr_retired_reasons; i++)
		if (st->retired_reasons[i].hist_hi >= (int)st->hist_buckets)
			return perr(
				p,
				"a retired reason has hist bucket %d >= hist_buckets",
				st->retired_reasons[i].hist_hi);
	return 0;
}

int hostif_parse(const char *text, struct hostif_stats *st, char *err,
		 size_t err_size)
{
	struct parser p = { .st = st, .err = err, .err_size = err_size };
	char *copy, *line, *next;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (err_size)
		err[0] = '\0';
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	for (line = copy; !ret && *line; line = next) {
		next = strchr(line, '\n');
		p.line++;
		if (!next) {
			ret = perr(&p, "no newline at the end: truncated");
			break;
		}
		*next++ = '\0';
		ret = parse_line(&p, line);
	}
	st->nr_lines = p.line;
	if (!ret) {
		p.line = 0; /* messages say "at the end" */
		ret = parse_finish(&p);
	}
	free(copy);
	return ret;
}

int hostif_read(const char *path, struct hostif_stats *st, char *err,
		size_t err_size)
{
	size_t len = 0, size = 1 << 16;
	char *buf = malloc(size), *tmp;
	ssize_t n;
	int fd, ret;

	memset(st, 0, sizeof(*st));
	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		free(buf);
		return ret;
	}
	for (;;) {
		if (len + 1 == size) {
			tmp = realloc(buf, size *= 2);
			if (!tmp) {
				ret = -ENOMEM;
				goto out;
			}
			buf = tmp;
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, err_size, "%s: read: %s", path,
				 strerror(errno));
			goto out;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		snprintf(err, err_size, "%s: NUL byte in the text", path);
		ret = -EINVAL;
		goto out;
	}
	ret = hostif_parse(buf, st, err, err_size);
out:
	close(fd);
	free(buf);
	return ret;
}

void hostif_free(struct hostif_stats *st)
{
	free(st->retired_reasons);
	free(st->vms);
	free(st->vcpus);
	free(st->reasons);
	memset(st, 0, sizeof(*st));
}

const struct hostif_vm *hostif_vm_of_pid(const struct hostif_stats *st,
					 pid_t pid, unsigned int *nr)
{
	const struct hostif_vm *first = NULL;
	unsigned int i;

	*nr = 0;
	for (i = 0; i < st->nr_vms; i++) {
		if (st->vms[i].pid != pid)
			continue;
		if (!(*nr)++)
			first = &st->vms[i];
	}
	return first;
}

int hostif_bucket(uint64_t cycles, uint64_t nr_buckets)
{
	int b = cycles > 1 ? 63 - __builtin_clzll(cycles) : 0;

	return (uint64_t)b < nr_buckets ? b : (int)nr_buckets - 1;
}
