// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recording.h"

struct scan {
	const char *buf;
	size_t len;
	struct kv_cursor cur;
	rec_sample_fn fn;
	void *ctx;
	struct rec_info *info;
	struct parse_err *e;
	uint64_t last_mono;
	char text[KV_LINE_MAX + 1];
};

/* End of the line that starts at @pos: the offset of its '\n' or len. */
static size_t line_end(const struct scan *sc, size_t pos)
{
	const char *nl = memchr(sc->buf + pos, '\n', sc->len - pos);

	return nl ? (size_t)(nl - sc->buf) : sc->len;
}

/*
 * Whether no complete line from @pos (a line start) on is a "sample-end"
 * line: the rest of the file is then what a torn last write left.
 */
static bool tail_torn(const struct scan *sc, size_t pos)
{
	static const char key[] = "sample-end ";
	const size_t n = sizeof(key) - 1;
	size_t end;

	for (; pos < sc->len; pos = end + 1) {
		end = line_end(sc, pos);
		if (end < sc->len && end - pos >= n &&
		    !memcmp(sc->buf + pos, key, n))
			return false;
	}
	return true;
}

/* Finds the line "sample-end SEQ" from @pos on; false if there is none. */
static bool find_sample_end(const struct scan *sc, uint64_t seq, size_t *at,
			    unsigned int *at_line)
{
	unsigned int line = sc->cur.line;
	size_t pos = sc->cur.pos, end;
	char want[48];
	int n = snprintf(want, sizeof(want), "sample-end %" PRIu64, seq);

	for (; pos < sc->len; pos = end + 1) {
		line++;
		end = line_end(sc, pos);
		if (end - pos == (size_t)n &&
		    !memcmp(sc->buf + pos, want, end - pos)) {
			*at = pos;
			*at_line = line;
			return true;
		}
	}
	return false;
}

static int sample_line(struct scan *sc, char *rest, struct rec_sample *s)
{
	const struct kv_spec spec[] = {
		{ "mono_ns", KV_U64, &s->mono_ns, 0 },
		{ "real_ns", KV_U64, &s->real_ns, 0 },
	};
	uint64_t want = sc->info->nr_samples + 1;
	char *w = kv_word(&rest);
	int ret;

	s->line = sc->cur.line;
	if (!w || kv_number(w, UINT64_MAX, &s->seq)) {
		parse_err_set(sc->e, s->line, "sample: bad sample number '%s'",
			      w ? w : "");
		return -EINVAL;
	}
	ret = kv_parse(rest, spec, ES_ARRAY_SIZE(spec), "sample", s->line,
		       sc->e);
	if (ret)
		return ret;
	if (s->seq != want) {
		parse_err_set(sc->e, s->line,
			      "sample %" PRIu64
			      " out of order (expected %" PRIu64 ")",
			      s->seq, want);
		return -EINVAL;
	}
	if (want > 1 && s->mono_ns <= sc->last_mono) {
		parse_err_set(sc->e, s->line,
			      "sample %" PRIu64
			      ": mono_ns not after the previous sample's",
			      s->seq);
		return -EINVAL;
	}
	return 0;
}

/* A sample, after its "sample" line: 1 if it was torn (the end), 0, -errno. */
static int scan_sample(struct scan *sc, char *rest)
{
	struct rec_sample s;
	unsigned int end_line;
	size_t at, start;
	int ret;

	memset(&s, 0, sizeof(s));
	ret = sample_line(sc, rest, &s);
	if (ret)
		return ret;
	start = sc->cur.pos;
	if (!find_sample_end(sc, s.seq, &at, &end_line)) {
		if (tail_torn(sc, start)) {
			sc->info->torn_line = s.line;
			return 1;
		}
		parse_err_set(sc->e, s.line,
			      "sample %" PRIu64 ": no 'sample-end %" PRIu64
			      "' line",
			      s.seq, s.seq);
		return -EINVAL;
	}
	ret = stats_parse(sc->buf + start, at - start, s.line + 1, &s.snap,
			  sc->e);
	if (ret)
		return ret;
	at = line_end(sc, at);
	sc->cur.pos = at < sc->len ? at + 1 : sc->len;
	sc->cur.line = end_line;
	sc->last_mono = s.mono_ns;
	sc->info->nr_samples++;
	ret = sc->fn(sc->ctx, &s, sc->e);
	stats_free(&s.snap);
	return ret < 0 ? ret : 0;
}

/* A line between samples; 1 when the scan is over. */
static int scan_line(struct scan *sc)
{
	char *rest = sc->text, *kw = kv_word(&rest);
	unsigned int line = sc->cur.line;

	if (!kw) {
		parse_err_set(sc->e, line, "empty line");
		return -EINVAL;
	}
	if (!strcmp(kw, "sample"))
		return scan_sample(sc, rest);
	if (!strcmp(kw, "stop")) {
		while (*rest == ' ')
			rest++;
		snprintf(sc->info->stop, sizeof(sc->info->stop), "%s", rest);
		return 0;
	}
	if (!strcmp(kw, "sample-end") || !strcmp(kw, "exitstat-recording") ||
	    !strcmp(kw, "exitstat-stats") || !strcmp(kw, "end")) {
		parse_err_set(sc->e, line, "'%s' outside its place", kw);
		return -EINVAL;
	}
	if (!kv_is_keyword(kw)) {
		parse_err_set(sc->e, line, "not a keyword: '%s'", kw);
		return -EINVAL;
	}
	return 0; /* for newer readers */
}

static int scan_lines(struct scan *sc)
{
	size_t start;
	bool nl;
	int ret;

	for (;;) {
		start = sc->cur.pos;
		ret = kv_next_line(&sc->cur, sc->text, &nl, sc->e);
		if (!ret)
			return 0;
		if ((ret < 0 || !nl) && tail_torn(sc, start)) {
			sc->info->torn_line = sc->cur.line;
			return 0;
		}
		if (ret < 0)
			return ret;
		ret = scan_line(sc);
		if (ret)
			return ret < 0 ? ret : 0;
	}
}

static int scan_header(struct scan *sc)
{
	const struct kv_spec spec[] = {
		{ "interval_ns", KV_U64, &sc->info->interval_ns, 0 },
		{ "duration_ns", KV_U64, &sc->info->duration_ns, 0 },
	};
	char *rest = sc->text, *kw = kv_word(&rest), *ver = kv_word(&rest);
	uint64_t v;

	if (!kw || strcmp(kw, "exitstat-recording") || !ver) {
		parse_err_set(sc->e, 1,
			      "not an exitstat recording or stats file");
		return -EINVAL;
	}
	if (kv_number(ver, UINT32_MAX, &v) || v != REC_VERSION) {
		parse_err_set(
			sc->e, 1,
			"unsupported recording version '%s' (this exitstat reads version %d)",
			ver, REC_VERSION);
		return -EINVAL;
	}
	sc->info->version = (unsigned int)v;
	return kv_parse(rest, spec, ES_ARRAY_SIZE(spec), "exitstat-recording",
			1, sc->e);
}

/* A captured /proc/exitstat/stats: one sample without times. */
static int scan_bare(struct scan *sc)
{
	struct rec_sample s = { .seq = 1, .line = 1, .untimed = true };
	int ret = stats_parse(sc->buf, sc->len, 1, &s.snap, sc->e);

	if (ret)
		return ret;
	sc->info->nr_samples = 1;
	ret = sc->fn(sc->ctx, &s, sc->e);
	stats_free(&s.snap);
	return ret;
}

int rec_scan(const char *buf, size_t len, rec_sample_fn fn, void *ctx,
	     struct rec_info *info, struct parse_err *e)
{
	static const char bare[] = "exitstat-stats ";
	struct scan *sc = calloc(1, sizeof(*sc));
	bool nl;
	int ret;

	memset(info, 0, sizeof(*info));
	if (!sc) {
		parse_err_set(e, 0, "out of memory");
		return -ENOMEM;
	}
	*sc = (struct scan){ .buf = buf,
			     .len = len,
			     .fn = fn,
			     .ctx = ctx,
			     .info = info,
			     .e = e };
	kv_cursor_init(&sc->cur, buf, len, 1);
	if (len >= sizeof(bare) - 1 && !memcmp(buf, bare, sizeof(bare) - 1)) {
		ret = scan_bare(sc);
	} else {
		ret = kv_next_line(&sc->cur, sc->text, &nl, e);
		if (!ret)
			parse_err_set(
				e, 0,
				"empty (not an exitstat recording or stats file)");
		if (ret > 0)
			ret = scan_header(sc);
		else if (!ret)
			ret = -EINVAL;
		if (!ret)
			ret = scan_lines(sc);
	}
	free(sc);
	return ret;
}

int rec_header_line(char *buf, size_t size, uint64_t interval_ns,
		    uint64_t duration_ns)
{
	return snprintf(buf, size,
			"exitstat-recording %d interval_ns=%" PRIu64
			" duration_ns=%" PRIu64 "\n",
			REC_VERSION, interval_ns, duration_ns);
}
