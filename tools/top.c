// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat top's model: series per vCPU and reason with their deltas,
 * aggregated into the rows of the view and sorted.  The drawing is in
 * top-screen.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "top.h"

int top_parse_by(const char *s, enum top_by *by)
{
	static const char *const names[] = { "vm", "vcpu", "reason" };
	unsigned int i;

	for (i = 0; i < ES_ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*by = (enum top_by)i;
			return 0;
		}
	}
	return -EINVAL;
}

int top_parse_sort(const char *s, enum top_sort *sort)
{
	static const char *const names[] = { "rate", "count", "cycles", "avg" };
	unsigned int i;

	for (i = 0; i < ES_ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*sort = (enum top_sort)i;
			return 0;
		}
	}
	return -EINVAL;
}

void top_init(struct top *t, const struct top_opts *o)
{
	memset(t, 0, sizeof(*t));
	t->o = o;
	textbuf_init(&t->out);
}

static void arr_free(struct top_arr *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

void top_free(struct top *t)
{
	arr_free(&t->cur);
	arr_free(&t->prev);
	arr_free(&t->host);
	arr_free(&t->host_prev);
	arr_free(&t->rows);
	arr_free(&t->vms);
	arr_free(&t->vms_prev);
	textbuf_free(&t->out);
}

/* Room for @need elements of @size bytes; the contents are kept. */
static int arr_reserve(struct top_arr *a, size_t need, size_t size)
{
	size_t cap = a->cap ? a->cap : 64;
	void *v;

	if (need <= a->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	v = realloc(a->v, cap * size);
	if (!v)
		return -ENOMEM;
	a->v = v;
	a->cap = cap;
	return 0;
}

static void arr_swap(struct top_arr *a, struct top_arr *b)
{
	struct top_arr tmp = *a;

	*a = *b;
	*b = tmp;
	a->nr = 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct top_series *x = a, *y = b;

	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	if (x->vcpu != y->vcpu)
		return x->vcpu < y->vcpu ? -1 : 1;
	return x->code < y->code ? -1 : x->code > y->code;
}

static uint64_t hist_sum(const struct stats_fig *f)
{
	uint64_t n = 0;
	unsigned int b;

	for (b = 0; b < STATS_HIST_MAX; b++)
		n += f->hist[b];
	return n;
}

static void series_set(struct top_series *d, uint64_t vm, int64_t pid,
		       uint64_t vcpu, const struct stats_reason *r)
{
	d->vm = vm;
	d->pid = pid;
	d->vcpu = vcpu;
	d->code = r->code;
	d->exits = r->f.exits;
	d->cycles = r->f.cycles;
	d->ended = hist_sum(&r->f);
	d->delta = 0;
}

/* The VM @vm's series into t->cur (in key order), and @vm into t->vms. */
static int take_vm(struct top *t, const struct stats_snap *s,
		   const struct stats_vm *vm)
{
	const struct stats_vcpu *v;
	struct top_series *d;
	struct top_vm *tv;
	size_t i, j, n = 0;

	for (i = 0; i < vm->nr_vcpus; i++)
		n += s->vcpus[vm->first_vcpu + i].nr_reasons;
	if (arr_reserve(&t->cur, t->cur.nr + n, sizeof(*d)) ||
	    arr_reserve(&t->vms, t->vms.nr + 1, sizeof(*tv)))
		return -ENOMEM;
	tv = (struct top_vm *)t->vms.v + t->vms.nr++;
	tv->id = vm->id;
	tv->pid = vm->pid;
	tv->vcpus = vm->nr_vcpus;
	d = t->cur.v;
	for (i = 0; i < vm->nr_vcpus; i++) {
		v = &s->vcpus[vm->first_vcpu + i];
		for (j = 0; j < v->nr_reasons; j++)
			series_set(&d[t->cur.nr++], vm->id, vm->pid, v->idx,
				   &s->reasons[v->first_reason + j]);
	}
	return 0;
}

/*
 * Sets the delta of every series of @cur against @prev (both in key
 * order): new series count from zero, and so do those that went down
 * (then it returns true).  On the first refresh there is no delta.
 */
static bool deltas(struct top_arr *cur, const struct top_arr *prev, bool first)
{
	const struct top_series *p = prev->v;
	struct top_series *c = cur->v;
	bool down = false;
	size_t i, j = 0;

	for (i = 0; i < cur->nr; i++) {
		while (j < prev->nr && cmp_key(&p[j], &c[i]) < 0)
			j++;
		if (first) {
			c[i].delta = 0;
		} else if (j == prev->nr || cmp_key(&p[j], &c[i])) {
			c[i].delta = c[i].exits;
		} else if (c[i].exits < p[j].exits) {
			c[i].delta = c[i].exits;
			down = true;
		} else {
			c[i].delta = c[i].exits - p[j].exits;
		}
	}
	return down;
}

/* Sorts @a by key and merges the series of equal keys: sums. */
static void merge_keys(struct top_arr *a)
{
	struct top_series *v = a->v, *out = v;
	size_t i;

	if (!a->nr)
		return;
	qsort(v, a->nr, sizeof(*v), cmp_key);
	for (i = 1; i < a->nr; i++) {
		if (!cmp_key(&v[i], out)) {
			out->exits += v[i].exits;
			out->cycles += v[i].cycles;
			out->ended += v[i].ended;
			out->delta += v[i].delta;
		} else {
			*++out = v[i];
		}
	}
	a->nr = (size_t)(out - v) + 1;
}

/* Host-wide series per code: the retired figures plus every live VM's. */
static int take_host(struct top *t, const struct stats_snap *s)
{
	struct top_series *d;
	size_t i;

	if (arr_reserve(&t->host, s->nr_retired + s->nr_reasons, sizeof(*d)))
		return -ENOMEM;
	d = t->host.v;
	for (i = 0; i < s->nr_retired; i++)
		series_set(d++, 0, 0, 0, &s->retired[i]);
	for (i = 0; i < s->nr_reasons; i++)
		series_set(d++, 0, 0, 0, &s->reasons[i]);
	t->host.nr = s->nr_retired + s->nr_reasons;
	merge_keys(&t->host);
	return 0;
}

static uint64_t avg(const struct top_series *r)
{
	return r->ended ? r->cycles / r->ended : 0;
}

static uint64_t sort_value(const struct top_series *r, enum top_sort k)
{
	switch (k) {
	case TOP_SORT_RATE:
		return r->delta;
	case TOP_SORT_CYCLES:
		return r->cycles;
	case TOP_SORT_AVG:
		return avg(r);
	default:
		return r->exits;
	}
}

/* The sort key, largest first; then exits, then the key. */
static int cmp_view(const void *a, const void *b, void *ctx)
{
	const struct top_series *x = a, *y = b;
	enum top_sort k = *(const enum top_sort *)ctx;
	uint64_t vx = sort_value(x, k), vy = sort_value(y, k);

	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (x->exits != y->exits)
		return x->exits > y->exits ? -1 : 1;
	return cmp_key(x, y);
}

/* t->rows from the series, aggregated for the view, in display order. */
static int build_rows(struct top *t)
{
	const struct top_opts *o = t->o;
	const struct top_arr *src =
		o->by == TOP_BY_REASON && !o->pid ? &t->host : &t->cur;
	struct top_series *r;
	size_t i;

	if (arr_reserve(&t->rows, src->nr, sizeof(*r)))
		return -ENOMEM;
	if (src->nr)
		memcpy(t->rows.v, src->v, src->nr * sizeof(*r));
	t->rows.nr = src->nr;
	r = t->rows.v;
	if (o->by != TOP_BY_VCPU && src == &t->cur) {
		for (i = 0; i < t->rows.nr; i++) {
			r[i].vcpu = 0;
			if (o->by == TOP_BY_REASON) {
				r[i].vm = 0;
				r[i].pid = 0;
			}
		}
		merge_keys(&t->rows);
	}
	if (t->rows.nr)
		qsort_r(r, t->rows.nr, sizeof(*r), cmp_view, (void *)&o->sort);
	return 0;
}

static void take_header(struct top *t, const struct stats_snap *s)
{
	t->table = s->table;
	memcpy(t->kernel, s->kernel, sizeof(t->kernel));
	memcpy(t->scope, s->scope, sizeof(t->scope));
	t->tsc_khz = s->tsc_khz;
	t->nr_vms = s->nr_vms;
	t->nr_vcpus = s->nr_vcpus;
}

int top_update(struct top *t, const struct stats_snap *s, uint64_t now_ns)
{
	const struct top_opts *o = t->o;
	bool first = !t->seq;
	size_t i;

	arr_swap(&t->cur, &t->prev);
	arr_swap(&t->vms, &t->vms_prev);
	take_header(t, s);
	t->dt_ns = first ? 0 : now_ns - t->now_ns;
	t->now_ns = now_ns;
	t->seq++;
	t->reset = !first && s->total_exits < t->total;
	t->total_delta = first	  ? 0 :
			 t->reset ? s->total_exits :
				    s->total_exits - t->total;
	t->total = s->total_exits;
	for (i = 0; i < s->nr_vms; i++)
		if ((!o->pid || s->vms[i].pid == o->pid) &&
		    take_vm(t, s, &s->vms[i]))
			return -ENOMEM;
	if (deltas(&t->cur, &t->prev, first))
		t->reset = true;
	if (o->by == TOP_BY_REASON && !o->pid) {
		arr_swap(&t->host, &t->host_prev);
		if (take_host(t, s))
			return -ENOMEM;
		if (deltas(&t->host, &t->host_prev, first))
			t->reset = true;
	}
	return build_rows(t);
}
