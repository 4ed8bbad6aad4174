// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat record: snapshots of /proc/exitstat/stats at a fixed interval,
 * appended to a recording (docs/recording-format.md) one write(2) per
 * sample, until the duration is over, a signal, or an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "host.h"
#include "recording.h"
#include "tick.h"
#include "usage.h"

static const char record_help[] =
	"usage: exitstat record -o FILE [-p PID] [--root DIR] [interval] [duration]\n"
	"\n"
	"Records the host's exit statistics to FILE: a snapshot of\n"
	"/proc/exitstat/stats every interval seconds (default 1; fractions such as\n"
	"0.5 work) for duration seconds (default: until interrupted).  Each sample\n"
	"is written with one write(2) and the file is fsync'ed at the end, so a\n"
	"crash loses at most the sample being written (docs/recording-format.md).\n"
	"Read recordings with 'exitstat report' and 'exitstat diff'.\n"
	"\n"
	"It stops keeping every complete sample, and says why in one line on\n"
	"stderr, with exit status 0 when the duration is over, on SIGINT or SIGTERM,\n"
	"and when the VM followed with -p goes away; with status 1 when the stats\n"
	"cannot be read any more (exitstat.ko unloaded) or a write fails (a full\n"
	"disk).  Without -p, VMs may come and go: the recording shows them.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE  the recording to write (created or truncated)\n"
	"  -p, --pid PID      follow the VM of process PID (QEMU's pid), stop when\n"
	"                     it goes away\n"
	"      --root DIR     read DIR/stats instead of /proc/exitstat/stats\n"
	"  -h, --help         this text\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat record -o host.rec                # every second until Ctrl-C\n"
	"  exitstat record -o boot.rec 0.1 60         # ten samples a second, 1 min\n"
	"  exitstat record -o vm.rec -p \"$(pidof qemu-system-x86_64)\" 1\n"
	"  exitstat record -o t.rec --root /tmp/capture 0.2 2  # from a copy\n"
	"  exitstat report boot.rec                   # then look at it\n";

struct record_opts {
	const char *out;
	const char *root;
	const char *pid_arg;
	int64_t pid;
	uint64_t interval_ns;
	uint64_t duration_ns; /* 0: until stopped */
};

struct recorder {
	const struct record_opts *o;
	char *path; /* the stats file */
	int fd;
	off_t good; /* bytes of complete samples written */
	uint64_t seq;
	uint64_t first_mono, last_mono;
	uint64_t vm; /* -p: the VM followed */
	sigset_t sigs;
	int status;
	bool write_failed;
	char why[512];
};

static int record_args(int argc, char **argv, struct record_opts *o)
{
	uint64_t pid;

	if (optind < argc &&
	    usage_interval("record", argv[optind++], &o->interval_ns))
		return EXIT_USAGE;
	if (optind < argc &&
	    (secs_parse(argv[optind], &o->duration_ns) || !o->duration_ns)) {
		usage_error("record",
			    "bad duration '%s' (expected seconds > 0, e.g. 60)",
			    argv[optind]);
		return EXIT_USAGE;
	}
	if (optind < argc)
		optind++;
	if (usage_no_more("record", argc, argv))
		return EXIT_USAGE;
	if (o->pid_arg && (kv_number(o->pid_arg, INT32_MAX, &pid) || !pid)) {
		usage_error("record", "bad PID '%s'", o->pid_arg);
		return EXIT_USAGE;
	}
	o->pid = o->pid_arg ? (int64_t)pid : 0;
	if (!o->out) {
		usage_error("record", "no output file (use -o FILE)");
		return EXIT_USAGE;
	}
	return 0;
}

static int parse_record_opts(int argc, char **argv, struct record_opts *o)
{
	enum { OPT_ROOT = 256 };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->interval_ns = TICK_NSEC_PER_SEC;
	while ((c = getopt_long(argc, argv, ":o:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'p':
			o->pid_arg = optarg;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case 'h':
			fputs(record_help, stdout);
			return -1;
		default:
			return usage_bad_option("record", c, argv);
		}
	}
	return record_args(argc, argv, o);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * TICK_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Reads and checks one snapshot; on failure @rc->why says why. */
static int take(struct recorder *rc, char **buf, size_t *len,
		struct stats_snap *snap)
{
	struct parse_err e = { 0 };
	int ret = read_file(rc->path, buf, len);

	if (ret) {
		host_strerror(ret, rc->path, rc->why, sizeof(rc->why));
		return ret;
	}
	ret = stats_parse(*buf, *len, 1, snap, &e);
	if (ret) {
		snprintf(rc->why, sizeof(rc->why), "%s: %s", rc->path, e.msg);
		free(*buf);
		*buf = NULL;
	}
	return ret;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes @n bytes; on failure cuts the file back to its complete samples. */
static int put(struct recorder *rc, const char *p, size_t n)
{
	int ret = write_all(rc->fd, p, n), cut;

	if (ret) {
		/* Best effort: a reader ignores a torn end anyway. */
		cut = ftruncate(rc->fd, rc->good);
		(void)cut;
		snprintf(rc->why, sizeof(rc->why), "%s: %s", rc->o->out,
			 strerror(-ret));
		rc->write_failed = true;
		return ret;
	}
	rc->good += (off_t)n;
	return 0;
}

static int put_sample(struct recorder *rc, const char *snap, size_t len,
		      uint64_t mono, uint64_t real)
{
	size_t cap = len + 160, n;
	char *s = malloc(cap);
	int ret;

	if (!s) {
		snprintf(rc->why, sizeof(rc->why), "out of memory");
		return -ENOMEM;
	}
	rc->seq++;
	n = (size_t)snprintf(s, cap,
			     "sample %" PRIu64 " mono_ns=%" PRIu64
			     " real_ns=%" PRIu64 "\n",
			     rc->seq, mono, real);
	memcpy(s + n, snap, len);
	n += len;
	if (len && snap[len - 1] != '\n')
		s[n++] = '\n';
	n += (size_t)snprintf(s + n, cap - n, "sample-end %" PRIu64 "\n",
			      rc->seq);
	ret = put(rc, s, n);
	free(s);
	if (ret)
		rc->seq--;
	else
		rc->last_mono = mono;
	return ret;
}

/* -p: whether the VM followed is gone from @snap (then says so). */
static bool vm_gone(struct recorder *rc, const struct stats_snap *snap)
{
	if (!rc->o->pid || stats_find_vm(snap, rc->vm))
		return false;
	snprintf(rc->why, sizeof(rc->why),
		 "VM %" PRIu64 " (pid %" PRId64 ") went away", rc->vm,
		 rc->o->pid);
	return true;
}

/* Until @deadline (CLOCK_MONOTONIC) or SIGINT/SIGTERM: the signal or 0. */
static int wait_until(struct recorder *rc, uint64_t deadline)
{
	struct timespec ts;
	uint64_t now, left;
	int sig;

	for (;;) {
		now = now_ns(CLOCK_MONOTONIC);
		left = now < deadline ? deadline - now : 0;
		ts.tv_sec = (time_t)(left / TICK_NSEC_PER_SEC);
		ts.tv_nsec = (long)(left % TICK_NSEC_PER_SEC);
		sig = sigtimedwait(&rc->sigs, NULL, &ts);
		if (sig > 0)
			return sig;
		if (errno == EAGAIN && now_ns(CLOCK_MONOTONIC) >= deadline)
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return 0;
	}
}

/* Takes and writes one sample; 1 when recording should stop. */
static int sample(struct recorder *rc)
{
	uint64_t mono = now_ns(CLOCK_MONOTONIC), real = now_ns(CLOCK_REALTIME);
	struct stats_snap snap;
	bool gone = false;
	char *buf = NULL;
	size_t len;
	int ret;

	ret = take(rc, &buf, &len, &snap);
	if (ret) {
		rc->status = EXIT_FAILURE_RUN;
		return 1;
	}
	ret = put_sample(rc, buf, len, mono, real);
	if (ret)
		rc->status = EXIT_FAILURE_RUN;
	else
		gone = vm_gone(rc, &snap);
	stats_free(&snap);
	free(buf);
	return ret || gone;
}

static void record_loop(struct recorder *rc)
{
	const struct record_opts *o = rc->o;
	uint64_t k, now;
	int sig;

	do {
		now = now_ns(CLOCK_MONOTONIC);
		k = (now - rc->first_mono) / o->interval_ns + 1;
		if (o->duration_ns && k * o->interval_ns > o->duration_ns) {
			snprintf(rc->why, sizeof(rc->why), "duration reached");
			return;
		}
		sig = wait_until(rc, rc->first_mono + k * o->interval_ns);
		if (sig) {
			snprintf(rc->why, sizeof(rc->why), "%s (%s)",
				 sig == SIGINT ? "interrupted" : "terminated",
				 sig == SIGINT ? "SIGINT" : "SIGTERM");
			return;
		}
	} while (!sample(rc));
}

/* The stop line, fsync and close; then the one line on stderr. */
static void record_end(struct recorder *rc)
{
	char line[600];
	int n;

	if (!rc->write_failed) {
		n = snprintf(line, sizeof(line), "stop %s\n", rc->why);
		put(rc, line, (size_t)n);
	}
	if (!rc->write_failed && fsync(rc->fd) && errno != EINVAL &&
	    errno != EROFS && errno != EOPNOTSUPP) {
		snprintf(rc->why, sizeof(rc->why), "%s: fsync: %s", rc->o->out,
			 strerror(errno));
		rc->write_failed = true;
	}
	close(rc->fd);
	if (rc->write_failed)
		rc->status = EXIT_FAILURE_RUN;
	fprintf(stderr,
		"exitstat record: stopped: %s; kept %" PRIu64
		" sample%s (%.3f s) in %s\n",
		rc->why, rc->seq, rc->seq == 1 ? "" : "s",
		rc->seq ? (double)(rc->last_mono - rc->first_mono) / 1e9 : 0.0,
		rc->o->out);
}

/* The first sample: errors here are plain errors, no recording is made. */
static int record_start(struct recorder *rc, char **buf, size_t *len,
			struct stats_snap *snap)
{
	const struct stats_vm *vm;

	rc->first_mono = now_ns(CLOCK_MONOTONIC);
	if (take(rc, buf, len, snap)) {
		run_error("%s", rc->why);
		return -1;
	}
	if (rc->o->pid) {
		vm = stats_find_pid(snap, rc->o->pid);
		if (!vm) {
			run_error("no VM of process %" PRId64 " in %s",
				  rc->o->pid, rc->path);
			return -1;
		}
		rc->vm = vm->id;
	}
	rc->fd = open(rc->o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		      0666);
	if (rc->fd < 0) {
		run_error("%s: %s", rc->o->out, strerror(errno));
		return -1;
	}
	return 0;
}

static int record(struct recorder *rc)
{
	uint64_t real = now_ns(CLOCK_REALTIME);
	struct stats_snap snap = { 0 };
	char *buf = NULL, head[128];
	size_t len = 0;
	int n;

	if (record_start(rc, &buf, &len, &snap)) {
		rc->status = EXIT_FAILURE_RUN;
		goto out;
	}
	n = rec_header_line(head, sizeof(head), rc->o->interval_ns,
			    rc->o->duration_ns);
	if (put(rc, head, (size_t)n) ||
	    put_sample(rc, buf, len, rc->first_mono, real))
		rc->status = EXIT_FAILURE_RUN;
	else if (!vm_gone(rc, &snap))
		record_loop(rc);
	record_end(rc);
out:
	stats_free(&snap);
	free(buf);
	return rc->status;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o = { 0 };
	struct recorder rc = { .o = &o, .fd = -1 };
	int ret = parse_record_opts(argc, argv, &o);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	rc.path = host_stats_path(o.root);
	if (!rc.path) {
		run_error("out of memory");
		return EXIT_FAILURE_RUN;
	}
	/* Taken by sigtimedwait() between samples, never asynchronously. */
	sigemptyset(&rc.sigs);
	sigaddset(&rc.sigs, SIGINT);
	sigaddset(&rc.sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &rc.sigs, NULL);
	ret = record(&rc);
	free(rc.path);
	return ret;
}
