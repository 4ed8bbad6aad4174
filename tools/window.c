// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "window.h"

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

static uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static bool fig_has_lat(const struct stats_fig *f)
{
	unsigned int b;

	for (b = 0; b < STATS_HIST_MAX; b++)
		if (f->hist[b])
			return true;
	return false;
}

static void fig_extremes(struct stats_fig *to, const struct stats_fig *f)
{
	if (!f->min && !f->max)
		return;
	if (!to->min || (f->min && f->min < to->min))
		to->min = f->min;
	if (f->max > to->max)
		to->max = f->max;
}

void fig_add(struct stats_fig *to, const struct stats_fig *f)
{
	unsigned int b;

	to->exits = sat_add(to->exits, f->exits);
	to->cycles = sat_add(to->cycles, f->cycles);
	for (b = 0; b < STATS_HIST_MAX; b++)
		to->hist[b] = sat_add(to->hist[b], f->hist[b]);
	fig_extremes(to, f);
}

/* acc += last - base; min and max from last if an exit ended in between. */
static void fig_delta(struct stats_fig *acc, const struct stats_fig *last,
		      const struct stats_fig *base)
{
	struct stats_fig d = { 0 };
	unsigned int b;

	d.exits = sat_sub(last->exits, base->exits);
	d.cycles = sat_sub(last->cycles, base->cycles);
	for (b = 0; b < STATS_HIST_MAX; b++)
		d.hist[b] = sat_sub(last->hist[b], base->hist[b]);
	if (fig_has_lat(&d)) {
		d.min = last->min;
		d.max = last->max;
	}
	fig_add(acc, &d);
}

static int cmp_key(uint64_t vm, uint64_t vcpu, uint64_t code,
		   const struct win_series *s)
{
	if (vm != s->vm)
		return vm < s->vm ? -1 : 1;
	if (vcpu != s->vcpu)
		return vcpu < s->vcpu ? -1 : 1;
	if (code != s->code)
		return code < s->code ? -1 : 1;
	return 0;
}

/*
 * The series with this key, inserted zeroed if missing (*created).  The
 * series of a sample come in order: the one after the last found first.
 */
static struct win_series *map_get(struct win_map *m, uint64_t vm, uint64_t vcpu,
				  uint64_t code, bool *created)
{
	size_t lo = 0, hi = m->nr, mid = m->next;
	struct win_series *s;
	int c;

	if (mid >= m->nr)
		mid = lo + (hi - lo) / 2;
	while (lo < hi) {
		c = cmp_key(vm, vcpu, code, &m->v[mid]);
		if (!c) {
			*created = false;
			m->next = mid + 1;
			return &m->v[mid];
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
		mid = lo + (hi - lo) / 2;
	}
	if (m->nr == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 32;
		void *n = realloc(m->v, ncap * sizeof(*m->v));

		if (!n)
			return NULL;
		m->v = n;
		m->cap = ncap;
	}
	s = &m->v[lo];
	memmove(s + 1, s, (m->nr - lo) * sizeof(*s));
	m->nr++;
	memset(s, 0, sizeof(*s));
	s->vm = vm;
	s->vcpu = vcpu;
	s->code = code;
	*created = true;
	m->next = lo + 1;
	return s;
}

void win_map_free(struct win_map *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* A series seen in a sample: the first sample is the baseline. */
static int map_apply(struct win_map *m, uint64_t vm, uint64_t vcpu,
		     uint64_t code, const struct stats_fig *f, bool first)
{
	bool created;
	struct win_series *s = map_get(m, vm, vcpu, code, &created);

	if (!s)
		return -ENOMEM;
	if (created && first)
		s->base = *f;
	s->last = *f;
	return 0;
}

/* Ends an epoch: at a reset (@zero: start the next from zero) or the end. */
static void map_close(struct win_map *m, bool zero)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		struct win_series *s = &m->v[i];

		fig_delta(&s->acc, &s->last, &s->base);
		if (zero)
			memset(&s->last, 0, sizeof(s->last));
		s->base = s->last;
	}
}

void win_init(struct window *w)
{
	memset(w, 0, sizeof(*w));
}

void win_free(struct window *w)
{
	win_map_free(&w->host);
	win_map_free(&w->live);
	stats_free(&w->prev);
	free(w->iv);
	free(w->vms);
	free(w->vcpus);
	memset(w, 0, sizeof(*w));
}

/* Counters went down from @a to @b: a reset in between. */
static bool is_reset(const struct stats_snap *a, const struct stats_snap *b)
{
	const struct stats_vcpu *va;
	size_t i;

	if (b->total_exits < a->total_exits ||
	    b->retired_exits < a->retired_exits)
		return true;
	for (i = 0; i < b->nr_vcpus; i++) {
		va = stats_find_vcpu(a, b->vcpus[i].vm, b->vcpus[i].idx);
		if (va && b->vcpus[i].exits < va->exits)
			return true;
	}
	return false;
}

/*
 * Host-wide figures by code: retired + every live vCPU, summed into the
 * series' last values of the codes in this sample; returns exits.
 */
static int host_apply(struct window *w, const struct stats_snap *s, bool first,
		      uint64_t *exits)
{
	size_t now = w->nr_samples + 1, i;
	struct win_series *t;
	bool created;

	*exits = 0;
	for (i = 0; i < s->nr_retired + s->nr_reasons; i++) {
		const struct stats_reason *r =
			i < s->nr_retired ? &s->retired[i] :
					    &s->reasons[i - s->nr_retired];

		t = map_get(&w->host, 0, 0, r->code, &created);
		if (!t)
			return -ENOMEM;
		if (t->seen == now) {
			fig_add(&t->last, &r->f);
		} else {
			t->last = r->f;
			t->seen = now;
		}
		*exits = sat_add(*exits, r->f.exits);
	}
	for (i = 0; first && i < w->host.nr; i++)
		w->host.v[i].base = w->host.v[i].last;
	return 0;
}

static int grow(void **arr, size_t *cap, size_t nr, size_t size)
{
	size_t ncap;
	void *n;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	n = realloc(*arr, ncap * size);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

static int note_vm(struct window *w, const struct stats_vm *vm)
{
	size_t i = w->nr_vms;
	struct win_vm *v;

	while (i && w->vms[i - 1].id > vm->id)
		i--;
	if (!i || w->vms[i - 1].id != vm->id) {
		if (grow((void **)&w->vms, &w->cap_vms, w->nr_vms, sizeof(*v)))
			return -ENOMEM;
		v = &w->vms[i];
		memmove(v + 1, v, (w->nr_vms - i) * sizeof(*v));
		w->nr_vms++;
		v->id = vm->id;
		v->first = w->nr_samples;
	} else {
		v = &w->vms[i - 1];
	}
	v->pid = vm->pid;
	memcpy(v->stats_id, vm->stats_id, sizeof(v->stats_id));
	v->last = w->nr_samples;
	return 0;
}

static int note_vcpu(struct window *w, const struct stats_vcpu *vc)
{
	size_t i = w->nr_vcpus;
	struct win_vcpu *v;

	while (i &&
	       (w->vcpus[i - 1].vm > vc->vm || (w->vcpus[i - 1].vm == vc->vm &&
						w->vcpus[i - 1].idx > vc->idx)))
		i--;
	if (!i || w->vcpus[i - 1].vm != vc->vm ||
	    w->vcpus[i - 1].idx != vc->idx) {
		if (grow((void **)&w->vcpus, &w->cap_vcpus, w->nr_vcpus,
			 sizeof(*v)))
			return -ENOMEM;
		v = &w->vcpus[i];
		memmove(v + 1, v, (w->nr_vcpus - i) * sizeof(*v));
		w->nr_vcpus++;
		v->vm = vc->vm;
		v->idx = vc->idx;
	} else {
		v = &w->vcpus[i - 1];
	}
	v->id = vc->id;
	v->tid = vc->tid;
	return 0;
}

static int live_apply(struct window *w, const struct stats_snap *s, bool first)
{
	const struct stats_reason *r;
	size_t i;

	for (i = 0; i < s->nr_vms; i++)
		if (note_vm(w, &s->vms[i]))
			return -ENOMEM;
	for (i = 0; i < s->nr_vcpus; i++)
		if (note_vcpu(w, &s->vcpus[i]))
			return -ENOMEM;
	for (i = 0; i < s->nr_reasons; i++) {
		r = &s->reasons[i];
		if (map_apply(&w->live, r->vm, r->vcpu, r->code, &r->f, first))
			return -ENOMEM;
	}
	return 0;
}

static int add_interval(struct window *w, uint64_t mono_ns, uint64_t exits,
			bool reset)
{
	struct win_interval *iv;
	double secs;

	if (grow((void **)&w->iv, &w->cap_iv, w->nr_iv, sizeof(*iv)))
		return -ENOMEM;
	iv = &w->iv[w->nr_iv++];
	memset(iv, 0, sizeof(*iv));
	iv->from_ns = w->last_ns - w->first_ns;
	iv->to_ns = mono_ns - w->first_ns;
	iv->reset = reset;
	iv->exits = reset ? exits : sat_sub(exits, w->prev_exits);
	secs = (double)(iv->to_ns - iv->from_ns) / 1e9;
	iv->rate = secs > 0 ? (double)iv->exits / secs : 0;
	return 0;
}

static int check_same(const struct window *w, const struct rec_sample *s,
		      struct parse_err *e)
{
	if (s->snap.isa != w->isa) {
		parse_err_set(e, s->line, "sample %" PRIu64 ": isa changed",
			      s->seq);
		return -EINVAL;
	}
	if (s->snap.hist_buckets != w->hist_buckets) {
		parse_err_set(e, s->line,
			      "sample %" PRIu64 ": hist_buckets changed",
			      s->seq);
		return -EINVAL;
	}
	return 0;
}

static void take_header(struct window *w, const struct rec_sample *s)
{
	const struct stats_snap *n = &s->snap;

	if (!w->nr_samples) {
		w->isa = n->isa;
		w->table = n->table;
		w->hist_buckets = n->hist_buckets;
		w->first_ns = s->mono_ns;
		w->last_ns = s->mono_ns;
		w->timed = !s->untimed;
	}
	memcpy(w->kernel, n->kernel, sizeof(w->kernel));
	memcpy(w->scope, n->scope, sizeof(w->scope));
	w->tsc_khz = n->tsc_khz;
	w->cpuid_missed = n->cpuid_missed;
	w->unattributed = n->unattributed;
}

int win_add(struct window *w, struct rec_sample *s, struct parse_err *e)
{
	/* A snapshot's figures count from zero: they are its window. */
	bool first = !w->nr_samples && !s->untimed, reset = false;
	uint64_t exits;
	int ret;

	if (w->nr_samples) {
		ret = check_same(w, s, e);
		if (ret)
			return ret;
		reset = is_reset(&w->prev, &s->snap);
	}
	take_header(w, s);
	if (reset) {
		map_close(&w->host, true);
		map_close(&w->live, true);
		w->nr_resets++;
	}
	ret = host_apply(w, &s->snap, first, &exits);
	if (!ret)
		ret = live_apply(w, &s->snap, first);
	if (!ret && w->nr_samples)
		ret = add_interval(w, s->mono_ns, exits, reset);
	if (ret) {
		parse_err_set(e, s->line, "out of memory");
		return ret;
	}
	stats_free(&w->prev);
	w->prev = s->snap;
	memset(&s->snap, 0, sizeof(s->snap));
	w->prev_exits = exits;
	w->last_ns = s->mono_ns;
	w->nr_samples++;
	return 0;
}

int win_add_sample(void *ctx, struct rec_sample *s, struct parse_err *e)
{
	return win_add(ctx, s, e);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, size_t nr)
{
	if (!nr)
		return 0;
	qsort(v, nr, sizeof(*v), cmp_double);
	return nr % 2 ? v[nr / 2] : (v[nr / 2 - 1] + v[nr / 2]) / 2;
}

static void find_bursts(struct window *w)
{
	double *rates = malloc((w->nr_iv + 1) * sizeof(*rates));
	size_t i, n = 0;

	w->median_rate = 0;
	w->nr_bursts = 0;
	if (!rates)
		return; /* no median, no bursts */
	for (i = 0; i < w->nr_iv; i++)
		if (!w->iv[i].reset)
			rates[n++] = w->iv[i].rate;
	w->median_rate = median(rates, n);
	free(rates);
	for (i = 0; i < w->nr_iv; i++) {
		struct win_interval *iv = &w->iv[i];

		iv->burst = !iv->reset &&
			    iv->rate > WIN_BURST_FACTOR * w->median_rate;
		w->nr_bursts += iv->burst;
	}
}

void win_finish(struct window *w)
{
	map_close(&w->host, false);
	map_close(&w->live, false);
	find_bursts(w);
}

int win_sum(const struct window *w, uint64_t vm, uint64_t vcpu,
	    struct win_map *out)
{
	const struct win_map *m = vm == WIN_ALL ? &w->host : &w->live;
	struct win_series *t;
	bool created;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < m->nr; i++) {
		const struct win_series *s = &m->v[i];

		if ((vm != WIN_ALL && s->vm != vm) ||
		    (vcpu != WIN_ALL && s->vcpu != vcpu))
			continue;
		t = map_get(out, 0, 0, s->code, &created);
		if (!t) {
			win_map_free(out);
			return -ENOMEM;
		}
		fig_add(&t->acc, &s->acc);
	}
	return 0;
}

static uint64_t bucket_lo(unsigned int b)
{
	return b ? (uint64_t)1 << b : 0;
}

static uint64_t bucket_hi(unsigned int b, unsigned int buckets)
{
	if (b + 1 >= buckets || b >= 63)
		return UINT64_MAX;
	return ((uint64_t)1 << (b + 1)) - 1;
}

struct lat_range hist_percentile(const uint64_t *hist, unsigned int buckets,
				 uint64_t n, unsigned int pct)
{
	/* ceil(pct * n / 100) without overflow */
	uint64_t rank = (n / 100) * pct + ((n % 100) * pct + 99) / 100;
	struct lat_range r = { 0, 0 };
	uint64_t sum = 0;
	unsigned int b;

	if (!rank)
		rank = 1;
	for (b = 0; b < buckets; b++) {
		sum = sat_add(sum, hist[b]);
		if (hist[b] && sum >= rank) {
			r.lo = bucket_lo(b);
			r.hi = bucket_hi(b, buckets);
			break;
		}
	}
	return r;
}

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static struct lat_range pct_range(const struct stats_fig *f,
				  unsigned int buckets, uint64_t n,
				  unsigned int pct, const struct latency *l)
{
	struct lat_range r = hist_percentile(f->hist, buckets, n, pct);

	r.lo = clamp(r.lo, l->min, l->max);
	r.hi = clamp(r.hi, l->min, l->max);
	return r;
}

bool fig_latency(const struct stats_fig *f, unsigned int buckets,
		 struct latency *l)
{
	unsigned int b, lo = 0, hi = 0;

	memset(l, 0, sizeof(*l));
	if (buckets > STATS_HIST_MAX)
		buckets = STATS_HIST_MAX;
	for (b = 0; b < buckets; b++) {
		if (!f->hist[b])
			continue;
		if (!l->n)
			lo = b;
		hi = b;
		l->n = sat_add(l->n, f->hist[b]);
	}
	if (!l->n)
		return false;
	l->avg = f->cycles / l->n;
	l->min = clamp(f->min, bucket_lo(lo), bucket_hi(lo, buckets));
	l->max = clamp(f->max, bucket_lo(hi), bucket_hi(hi, buckets));
	if (l->max < l->min)
		l->max = l->min;
	l->p50 = pct_range(f, buckets, l->n, 50, l);
	l->p90 = pct_range(f, buckets, l->n, 90, l);
	l->p99 = pct_range(f, buckets, l->n, 99, l);
	return true;
}
