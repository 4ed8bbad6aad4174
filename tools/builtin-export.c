// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat export: the host's exit statistics for Prometheus, served on
 * /metrics, written for node_exporter's textfile collector, or printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "host.h"
#include "http.h"
#include "prom.h"
#include "tick.h"
#include "usage.h"

#define MAX_COUNT 1000000000ull
#define MMAP_ABOVE (32 << 20) /* see keep_memory(); glibc's largest */
#define TRIM_ABOVE (256 << 20)
#define NO_SERVER                                                                    \
	"this exitstat has no HTTP server (a static build, without libmicrohttpd); " \
	"use --textfile"

static const char export_help[] =
	"usage: exitstat export [--listen ADDR:PORT | --textfile PATH [interval [count]]]\n"
	"                       [--root DIR]\n"
	"\n"
	"The host's exit statistics for Prometheus, in its text exposition format\n"
	"0.0.4.  With --listen, served on http://ADDR:PORT/metrics (404 elsewhere)\n"
	"until SIGINT or SIGTERM, each scrape reading /proc/exitstat/stats afresh.\n"
	"With --textfile, written for node_exporter's textfile collector: to\n"
	"PATH.tmp, then renamed over PATH, so the collector never reads half a\n"
	"file; once, or every interval seconds, count times (default: until\n"
	"stopped).  Without either, printed once on stdout.\n"
	"\n"
	"Metrics: exitstat_exits_total and exitstat_exit_cycles_total (counters) per\n"
	"VM, vCPU and exit reason, labelled vm, pid, vcpu, reason, code and isa; the\n"
	"histogram exitstat_exit_cycles per VM and reason from the module's log2\n"
	"buckets (le=\"1\", \"3\", \"7\", ... 2^(b+1)-1 cycles, \"+Inf\"); host-wide\n"
	"exitstat_host_exits_total, exitstat_host_exit_cycles_total, the figures of\n"
	"VMs that are gone (exitstat_retired_exits_total, ..._exit_cycles_total),\n"
	"exitstat_unattributed_exits_total, exitstat_cpuid_missed_total,\n"
	"exitstat_vm_vcpus, exitstat_tsc_frequency_hertz, exitstat_info{isa,kernel,\n"
	"scope} and exitstat_up: 0, and nothing else, when the figures cannot be\n"
	"read (exitstat.ko not loaded).  Such an error is told once on stderr.\n"
	"\n"
	"Options:\n"
	"      --listen ADDR:PORT  serve /metrics: 127.0.0.1:9469, [::1]:9469,\n"
	"                          localhost:9469, :9469 (every address); port\n"
	"                          0: any free one, printed on stderr\n"
	"      --textfile PATH     write PATH, atomically\n"
	"      --root DIR          read DIR/stats, not /proc/exitstat/stats\n"
	"  -h, --help              this text\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat export | grep 'reason=\"IOIO\"'   # what Prometheus would see\n"
	"  exitstat export --listen 127.0.0.1:9469  # then scrape 127.0.0.1:9469\n"
	"  exitstat export --textfile /var/lib/prometheus/node-exporter/exitstat.prom 15\n"
	"  exitstat export --root /tmp/capture     # a copy in /tmp/capture/stats\n";

struct export_opts {
	const char *listen;
	struct http_addr addr;
	const char *textfile;
	const char *root;
	uint64_t interval_ns; /* 0: once */
	uint64_t count; /* 0: until stopped */
};

struct exporter {
	const struct export_opts *o;
	char *path; /* the stats file */
	size_t hint; /* the size of the last exposition */
	char why[512]; /* why the last read failed, or "" */
	char told[512]; /* the error last told on stderr, or "" */
};

/* The interval, and the count after it: with --textfile only. */
static int export_args(int argc, char **argv, struct export_opts *o)
{
	if (optind < argc && !o->textfile) {
		usage_error("export",
			    "an interval goes with --textfile only (got '%s')",
			    argv[optind]);
		return EXIT_USAGE;
	}
	if (optind < argc &&
	    usage_interval("export", argv[optind++], &o->interval_ns))
		return EXIT_USAGE;
	if (optind < argc &&
	    usage_count("export", argv[optind++], MAX_COUNT, &o->count))
		return EXIT_USAGE;
	return usage_no_more("export", argc, argv);
}

static int check_modes(struct export_opts *o)
{
	if (o->listen && o->textfile) {
		usage_error("export",
			    "--listen and --textfile exclude each other");
		return EXIT_USAGE;
	}
	if (o->listen && http_parse_addr(o->listen, &o->addr)) {
		usage_error(
			"export",
			"bad address '%s' for --listen (expected IPV4:PORT, [IPV6]:PORT, localhost:PORT or :PORT)",
			o->listen);
		return EXIT_USAGE;
	}
	if (o->textfile && !*o->textfile) {
		usage_error("export", "--textfile needs a file name");
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_export_opts(int argc, char **argv, struct export_opts *o)
{
	enum { OPT_LISTEN = 256, OPT_TEXTFILE, OPT_ROOT };
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "textfile", required_argument, NULL, OPT_TEXTFILE },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			o->listen = optarg;
			break;
		case OPT_TEXTFILE:
			o->textfile = optarg;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case 'h':
			fputs(export_help, stdout);
			return -1;
		default:
			return usage_bad_option("export", c, argv);
		}
	}
	c = check_modes(o);
	return c ? c : export_args(argc, argv, o);
}

/*
 * The exposition of the figures now into @tb; if they cannot be read,
 * that of exitstat_up 0, with x->why saying why.  0, or -errno of the
 * read (the exposition is there either way).
 */
static int render(struct exporter *x, struct textbuf *tb)
{
	struct parse_err e = { 0 };
	struct stats_snap snap;
	size_t len;
	char *buf;
	int ret;

	x->why[0] = '\0';
	ret = read_file(x->path, &buf, &len);
	if (ret) {
		host_strerror(ret, x->path, x->why, sizeof(x->why));
		prom_render_down(tb);
		return ret;
	}
	ret = stats_parse(buf, len, 1, &snap, &e);
	free(buf);
	if (ret) {
		snprintf(x->why, sizeof(x->why), "%s: %s", x->path, e.msg);
		prom_render_down(tb);
		return ret;
	}
	prom_render(&snap, tb);
	stats_free(&snap);
	return 0;
}

/*
 * A server or a periodic writer builds about the same snapshot and
 * exposition (tens of MB for 1,000 vCPUs) again and again: keeping that
 * memory in the heap between two, rather than mapping it afresh and
 * taking a page fault for every 4 KiB, saves a fifth of a scrape.  The
 * process then holds on to its largest scrape's memory.
 */
static void keep_memory(void)
{
#ifdef M_TRIM_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, MMAP_ABOVE);
	mallopt(M_TRIM_THRESHOLD, TRIM_ABOVE);
#endif
}

/* A server or a periodic writer tells each new read error once. */
static void tell(struct exporter *x)
{
	if (!strcmp(x->why, x->told))
		return;
	if (*x->why)
		fprintf(stderr, "exitstat export: %s; exitstat_up is 0\n",
			x->why);
	else
		fprintf(stderr, "exitstat export: %s read again\n", x->path);
	memcpy(x->told, x->why, sizeof(x->told));
}

/* Called by the server's thread for each GET /metrics. */
static int scrape(void *ctx, char **body, size_t *len)
{
	struct exporter *x = ctx;
	struct textbuf tb;

	textbuf_init(&tb);
	if (x->hint)
		textbuf_grow(&tb, x->hint);
	render(x, &tb);
	tell(x);
	x->hint = tb.len + tb.len / 8;
	*body = textbuf_steal(&tb, len);
	return *body ? 0 : -ENOMEM;
}

static int serve(struct exporter *x)
{
	struct http_server *hs;
	char name[512];
	sigset_t sigs;
	int fd, sig, ret;

	if (!http_available()) {
		run_error("--listen: %s", NO_SERVER);
		return EXIT_FAILURE_RUN;
	}
	ret = http_listen(&x->o->addr, &fd, name, sizeof(name));
	if (ret) {
		run_error("--listen %s", name);
		return EXIT_FAILURE_RUN;
	}
	/* blocked before the server's thread starts, so that it keeps them so */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN); /* a client that went away is not fatal */
	ret = http_start(&hs, fd, scrape, x);
	if (ret) {
		run_error("--listen %s: %s", name,
			  ret == -ENOSYS ? NO_SERVER :
					   "the HTTP server did not start");
		return EXIT_FAILURE_RUN;
	}
	fprintf(stderr, "exitstat export: serving http://%s/metrics\n", name);
	while (sigwait(&sigs, &sig))
		;
	http_stop(hs);
	return EXIT_OK;
}

/* @tb into PATH.tmp, renamed over PATH.  0 or -errno with @why set. */
static int textfile_write(const char *path, const struct textbuf *tb, char *why,
			  size_t size)
{
	size_t n = strlen(path) + sizeof(".tmp");
	char *tmp = malloc(n);
	int fd, ret;

	if (!tmp) {
		snprintf(why, size, "out of memory");
		return -ENOMEM;
	}
	snprintf(tmp, n, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ret = fd < 0 ? -errno : textbuf_write(tb, fd);
	if (fd >= 0 && close(fd) && !ret)
		ret = -errno;
	if (ret) {
		snprintf(why, size, "%s: %s", tmp, strerror(-ret));
	} else if (rename(tmp, path)) {
		ret = -errno;
		snprintf(why, size, "%s: %s", path, strerror(-ret));
	}
	if (ret && fd >= 0)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* Writes one textfile: 0, or -errno of a failed write (told); a failed
 * read leaves its message in x->why. */
static int textfile_once(struct exporter *x, struct textbuf *tb)
{
	char why[512];
	int ret;

	textbuf_reset(tb);
	render(x, tb);
	ret = textfile_write(x->o->textfile, tb, why, sizeof(why));
	if (ret)
		run_error("%s", why);
	return ret;
}

static int textfile_loop(struct exporter *x, struct textbuf *tb)
{
	const struct export_opts *o = x->o;
	struct tick tick = { .sfd = -1 };
	uint64_t n = 1;
	int ret, sig;

	ret = tick_init(&tick, o->interval_ns, false);
	if (ret) {
		run_error("signalfd: %s", strerror(-ret));
		return ret;
	}
	ret = textfile_once(x, tb);
	while (!ret) {
		tell(x);
		if ((o->count && n >= o->count) ||
		    tick_wait(&tick, -1, &sig) != TICK_DUE)
			break;
		ret = textfile_once(x, tb);
		n++;
	}
	tick_free(&tick);
	return ret;
}

static int textfile(struct exporter *x)
{
	struct textbuf tb;
	int ret;

	textbuf_init(&tb);
	if (x->o->interval_ns) {
		ret = textfile_loop(x, &tb);
	} else {
		ret = textfile_once(x, &tb);
		if (!ret && *x->why) {
			run_error("%s", x->why);
			ret = -EIO;
		}
	}
	textbuf_free(&tb);
	return ret ? EXIT_FAILURE_RUN : EXIT_OK;
}

static int print_once(struct exporter *x)
{
	struct textbuf tb;
	int ret;

	textbuf_init(&tb);
	ret = render(x, &tb);
	if (ret) {
		run_error("%s", x->why);
	} else {
		ret = textbuf_write(&tb, STDOUT_FILENO);
		if (ret)
			run_error("stdout: %s", strerror(-ret));
	}
	textbuf_free(&tb);
	return ret ? EXIT_FAILURE_RUN : EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o = { 0 };
	struct exporter x = { .o = &o };
	int ret = parse_export_opts(argc, argv, &o);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	x.path = host_stats_path(o.root);
	if (!x.path) {
		run_error("out of memory");
		return EXIT_FAILURE_RUN;
	}
	if (o.listen || o.interval_ns)
		keep_memory();
	if (o.listen)
		ret = serve(&x);
	else if (o.textfile)
		ret = textfile(&x);
	else
		ret = print_once(&x);
	free(x.path);
	return ret;
}
