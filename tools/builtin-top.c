// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat top: a live view of the host's VM exits per VM, vCPU or
 * reason, refreshed every interval.  On a terminal it redraws one screen
 * with ANSI codes (no curses: home, clear to end of line and of screen,
 * and the alternate screen are all it needs, and every terminal emulator
 * has them); anything else gets plain text, one block per refresh.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "host.h"
#include "tick.h"
#include "top.h"
#include "usage.h"

#define ESC_ALT "\033[?1049h" /* the alternate screen */
#define ESC_MAIN "\033[?1049l"
#define ESC_CLEAR "\033[H\033[2J"
#define ESC_HIDE "\033[?25l" /* the cursor */
#define ESC_SHOW "\033[?25h"
#define MAX_COUNT 1000000000ull

static const char top_help[] =
	"usage: exitstat top [-p PID] [-s KEY] [--by WHAT] [-n ROWS] [--root DIR]\n"
	"                    [-i SECS] [interval] [count]\n"
	"\n"
	"A live view of the host's VM exits: a row per VM and exit reason (--by\n"
	"vcpu: per vCPU and reason; --by reason: per reason for the whole host),\n"
	"with the exits and cycles since the VM started or the module was reset,\n"
	"the exit rate since the previous refresh and the average cycles per exit.\n"
	"It refreshes every interval seconds (default 1), count times (default:\n"
	"until q, Ctrl-C or SIGTERM).  On a terminal it redraws one screen;\n"
	"otherwise (a pipe, a file) it prints every refresh in full, a blank line\n"
	"between them.\n"
	"\n"
	"Rates are exits per second between two refreshes ('-' on the first).  A VM\n"
	"that appears counts from zero, one that goes away takes its rows with it,\n"
	"and counters that go down (a reset) count from zero again; notes say so.\n"
	"Host-wide rows (--by reason) include the VMs that are gone.\n"
	"\n"
	"Options:\n"
	"  -p, --pid PID       only the VMs of process PID (QEMU's pid)\n"
	"  -s, --sort KEY      rate (default), count, cycles or avg\n"
	"      --by WHAT       vm (default), vcpu or reason\n"
	"  -n, --rows N        at most N rows a refresh (default: all; on a\n"
	"                      terminal, what fits)\n"
	"  -i, --interval SECS the interval; then the only argument is the count\n"
	"      --root DIR      read DIR/stats, not /proc/exitstat/stats\n"
	"  -h, --help          this text\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat top                      # every second, the busiest first\n"
	"  exitstat top -s avg --by vcpu     # the slowest exits, per vCPU\n"
	"  exitstat top -p \"$(pidof qemu-system-x86_64)\" 0.5\n"
	"  exitstat top --by reason 5 12 >top.log   # a minute as plain text\n"
	"  exitstat top -n 10 -s cycles 1 1  # the ten costliest, once\n";

struct top_cli {
	struct top_opts o;
	const char *root;
	const char *iv_arg; /* -i */
	uint64_t count; /* refreshes; 0: until stopped */
};

static int top_interval(struct top_cli *c, const char *s)
{
	return usage_interval("top", s, &c->o.interval_ns);
}

/* What follows the options: [interval] [count], or [count] after -i. */
static int top_args(int argc, char **argv, struct top_cli *c)
{
	if (c->iv_arg && top_interval(c, c->iv_arg))
		return EXIT_USAGE;
	if (!c->iv_arg && optind < argc && top_interval(c, argv[optind++]))
		return EXIT_USAGE;
	if (optind < argc &&
	    usage_count("top", argv[optind++], MAX_COUNT, &c->count))
		return EXIT_USAGE;
	return usage_no_more("top", argc, argv);
}

static int top_option(struct top_cli *c, int opt, const char *arg)
{
	uint64_t n;

	switch (opt) {
	case 'p':
		if (!count_parse(arg, INT32_MAX, &n)) {
			c->o.pid = (int64_t)n;
			return 0;
		}
		usage_error("top", "bad PID '%s'", arg);
		break;
	case 's':
		if (!top_parse_sort(arg, &c->o.sort))
			return 0;
		usage_error(
			"top",
			"bad sort key '%s' (expected rate, count, cycles or avg)",
			arg);
		break;
	case 'b':
		if (!top_parse_by(arg, &c->o.by))
			return 0;
		usage_error("top",
			    "bad --by '%s' (expected vm, vcpu or reason)", arg);
		break;
	default: /* 'n' */
		if (!count_parse(arg, SIZE_MAX >> 8, &n)) {
			c->o.max_rows = (size_t)n;
			return 0;
		}
		usage_error("top",
			    "bad row count '%s' (expected a whole number > 0)",
			    arg);
	}
	return EXIT_USAGE;
}

static int parse_top_opts(int argc, char **argv, struct top_cli *c)
{
	enum { OPT_ROOT = 256, OPT_BY };
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "sort", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, OPT_BY },
		{ "rows", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret;

	c->o.interval_ns = TICK_NSEC_PER_SEC;
	while ((opt = getopt_long(argc, argv, ":p:s:n:i:h", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'p':
		case 's':
		case 'n':
		case OPT_BY:
			ret = top_option(c, opt == OPT_BY ? 'b' : opt, optarg);
			if (ret)
				return ret;
			break;
		case 'i':
			c->iv_arg = optarg;
			break;
		case OPT_ROOT:
			c->root = optarg;
			break;
		case 'h':
			fputs(top_help, stdout);
			return -1;
		default:
			return usage_bad_option("top", opt, argv);
		}
	}
	return top_args(argc, argv, c);
}

struct top_run {
	const struct top_cli *c;
	struct top t;
	char *path; /* the stats file */
	bool tty; /* stdout is a terminal */
	bool raw; /* stdin's terminal settings changed: restore @saved */
	struct termios saved;
	int in_fd; /* stdin when keys are read from it, else -1 */
	struct tick tick;
	char why[512]; /* what went wrong */
};

/* Reads a snapshot and updates the view. */
static int take(struct top_run *r)
{
	uint64_t now = mono_ns();
	struct parse_err e = { 0 };
	struct stats_snap snap;
	size_t len;
	char *buf;
	int ret;

	ret = read_file(r->path, &buf, &len);
	if (ret) {
		host_strerror(ret, r->path, r->why, sizeof(r->why));
		return ret;
	}
	ret = stats_parse(buf, len, 1, &snap, &e);
	free(buf);
	if (ret) {
		snprintf(r->why, sizeof(r->why), "%s: %s", r->path, e.msg);
		return ret;
	}
	ret = top_update(&r->t, &snap, now);
	stats_free(&snap);
	if (ret)
		snprintf(r->why, sizeof(r->why), "out of memory");
	return ret;
}

static void screen_size(struct top_screen *scr)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col) {
		scr->width = ws.ws_col;
		scr->height = ws.ws_row;
	} else {
		scr->width = 80;
		scr->height = 24;
	}
}

static int draw(struct top_run *r)
{
	struct top_screen scr = { 0 };
	char clock[16] = "";
	time_t now;
	struct tm tm;
	int ret;

	if (r->tty) {
		screen_size(&scr);
		now = time(NULL);
		if (localtime_r(&now, &tm))
			strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
		scr.clock = clock;
	}
	ret = top_render(&r->t, &scr);
	if (ret) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return ret;
	}
	ret = textbuf_write(&r->t.out, STDOUT_FILENO);
	if (ret)
		snprintf(r->why, sizeof(r->why), "stdout: %s", strerror(-ret));
	return ret;
}

/*
 * Until stopped, the view is drawn on the alternate screen, and what was
 * on the terminal comes back at the end, as with top(1); with a count,
 * on the terminal itself, so that the last refresh stays.  No cursor,
 * and keys without Enter.
 */
static void screen_enter(struct top_run *r)
{
	struct termios raw;

	if (!r->tty)
		return;
	fputs(r->c->count ? ESC_CLEAR ESC_HIDE : ESC_ALT ESC_HIDE, stdout);
	fflush(stdout);
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &r->saved))
		return;
	raw = r->saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &raw)) {
		r->raw = true;
		r->in_fd = STDIN_FILENO;
	}
}

static void screen_leave(struct top_run *r)
{
	if (r->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &r->saved);
	if (r->tty) {
		fputs(r->c->count ? ESC_SHOW : ESC_SHOW ESC_MAIN, stdout);
		fflush(stdout);
	}
}

/* Keys typed: true for q (quit). */
static bool keys(struct top_run *r)
{
	char buf[64];
	ssize_t n = read(r->in_fd, buf, sizeof(buf));

	if (n <= 0) {
		r->in_fd = -1; /* end of input: no more keys */
		return false;
	}
	return memchr(buf, 'q', (size_t)n) || memchr(buf, 'Q', (size_t)n);
}

static int top_loop(struct top_run *r)
{
	enum tick_event ev;
	int sig, ret = draw(r);

	while (!ret && (!r->c->count || r->t.seq < r->c->count)) {
		ev = tick_wait(&r->tick, r->in_fd, &sig);
		if (ev == TICK_STOP || (ev == TICK_INPUT && keys(r)))
			break;
		if (ev == TICK_RESIZE)
			ret = draw(r);
		else if (ev == TICK_DUE && !(ret = take(r)))
			ret = draw(r);
	}
	return ret;
}

/* The first snapshot: its errors are plain errors, before any screen. */
static int top_start(struct top_run *r)
{
	int ret = tick_init(&r->tick, r->c->o.interval_ns, r->tty);

	if (ret) {
		run_error("signalfd: %s", strerror(-ret));
		return ret;
	}
	ret = take(r);
	if (ret) {
		run_error("%s", r->why);
		return ret;
	}
	if (r->c->o.pid && !r->t.vms.nr) {
		run_error("no VM of process %" PRId64 " in %s", r->c->o.pid,
			  r->path);
		return -ESRCH;
	}
	return 0;
}

int cmd_top(int argc, char **argv)
{
	struct top_cli c = { 0 };
	struct top_run r = { .c = &c, .in_fd = -1, .tick = { .sfd = -1 } };
	int ret = parse_top_opts(argc, argv, &c);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	r.path = host_stats_path(c.root);
	if (!r.path) {
		run_error("out of memory");
		return EXIT_FAILURE_RUN;
	}
	r.tty = isatty(STDOUT_FILENO);
	top_init(&r.t, &c.o);
	ret = top_start(&r);
	if (!ret) {
		screen_enter(&r);
		ret = top_loop(&r);
		screen_leave(&r);
		if (ret)
			run_error("%s", r.why);
	}
	tick_free(&r.tick);
	top_free(&r.t);
	free(r.path);
	return ret ? EXIT_FAILURE_RUN : EXIT_OK;
}
