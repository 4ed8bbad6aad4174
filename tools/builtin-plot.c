// SPDX-License-Identifier: GPL-2.0
/*
 * exitstat plot: a recording as an SVG chart, the exit rate over time
 * stacked by reason with bursts marked, or (--latency) the latency
 * histogram of each reason.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "host.h"
#include "plot.h"
#include "usage.h"

#define WIDTH_MIN 480
#define HEIGHT_MIN 320
#define SIZE_MAX_PX 10000

static const char plot_help[] =
	"usage: exitstat plot [--latency [--us]] [--top N] [--per-vm ID] [--title TEXT]\n"
	"                     [--width PX] [--height PX] -o OUT.svg FILE\n"
	"\n"
	"Draws FILE, a recording made by 'exitstat record', as an SVG chart:\n"
	"  - by default the exit rate over time: exits per second in each interval\n"
	"    between two samples, stacked by reason (the N most frequent and\n"
	"    \"other\"); bursts, as 'exitstat report' finds them (an interval whose\n"
	"    rate is more than 3 x the median), hatched and marked above the plot;\n"
	"    resets as dashed lines.  Very long recordings are drawn with\n"
	"    neighbouring intervals merged, two pixels a step at least;\n"
	"  - with --latency, for each of those reasons the module's log2 histogram\n"
	"    of exit latency in TSC cycles (from kvm_exit to the next kvm_entry),\n"
	"    or with --us in time, by the recording's tsc_khz.  FILE may also be a\n"
	"    snapshot (a captured /proc/exitstat/stats) here.\n"
	"Names are those of the recording's ISA (see 'exitstat reasons').  The\n"
	"colours are told apart with colour blindness too; the same input always\n"
	"gives the same bytes.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE  write the SVG to FILE ('-': standard output)\n"
	"  -l, --latency      the latency histograms instead of the rate\n"
	"      --us           latency in ns/\xc2\xb5s/ms, not cycles (with --latency)\n"
	"  -n, --top N        reasons of their own, 1 to 7 (default 6); the rest\n"
	"                     are \"other\"\n"
	"      --per-vm ID    only the exits of VM ID (the VM column of 'exitstat\n"
	"                     report'); bursts are then the VM's own\n"
	"  -t, --title TEXT   the title (default: what is drawn, and from where)\n"
	"      --width PX     the size in pixels, 480 to 10000 (default 1200)\n"
	"      --height PX    320 to 10000 (default 700)\n"
	"  -h, --help         this text\n"
	"\n"
	"EXAMPLES:\n"
	"  exitstat record -o boot.rec 0.5 120     # while the guest boots, then\n"
	"  exitstat plot -o boot.svg boot.rec      # exit rate by reason, bursts\n"
	"  exitstat plot --latency --us -o lat.svg boot.rec\n"
	"  exitstat plot --top 3 --per-vm 2 --title 'VM 2 at boot' -o vm2.svg boot.rec\n"
	"  exitstat plot --width 800 --height 450 -o - boot.rec >small.svg\n"
	"  cp /proc/exitstat/stats now.stats && exitstat plot -l -o now.svg now.stats\n";

struct plot_args {
	const char *file;
	const char *out;
	bool latency;
	uint64_t vm;
	struct plot_opts o;
};

/* A whole decimal number from @min to @max, or -EINVAL. */
static int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long n;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return -EINVAL;
	*v = n;
	return 0;
}

static int size_arg(const char *name, const char *s, unsigned int min,
		    unsigned int *px)
{
	uint64_t v;

	if (parse_uint(s, min, SIZE_MAX_PX, &v)) {
		usage_error(
			"plot",
			"--%s wants a number of pixels from %u to %u, not '%s'",
			name, min, SIZE_MAX_PX, s);
		return EXIT_USAGE;
	}
	*px = (unsigned int)v;
	return 0;
}

static int top_arg(const char *s, unsigned int *top)
{
	uint64_t v;

	if (parse_uint(s, 1, PLOT_TOP_MAX, &v)) {
		usage_error("plot",
			    "--top wants a number from 1 to %u, not '%s'",
			    PLOT_TOP_MAX, s);
		return EXIT_USAGE;
	}
	*top = (unsigned int)v;
	return 0;
}

static int vm_arg(const char *s, uint64_t *vm)
{
	if (parse_uint(s, 1, UINT64_MAX - 1, vm)) {
		usage_error(
			"plot",
			"--per-vm wants a VM id (a number, as in 'exitstat report'), not '%s'",
			s);
		return EXIT_USAGE;
	}
	return 0;
}

/* What follows the options, and the choices that need others. */
static int plot_rest(int argc, char **argv, struct plot_args *a)
{
	if (optind < argc)
		a->file = argv[optind++];
	if (optind < argc) {
		usage_error(
			"plot",
			"unexpected argument '%s' (see 'exitstat plot --help')",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (a->o.us && !a->latency) {
		usage_error("plot", "--us goes with --latency");
		return EXIT_USAGE;
	}
	if (!a->file) {
		usage_error("plot",
			    "no FILE to plot (see 'exitstat plot --help')");
		return EXIT_USAGE;
	}
	if (!a->out) {
		usage_error(
			"plot",
			"no output file: give -o OUT.svg ('-' for standard output)");
		return EXIT_USAGE;
	}
	return 0;
}

enum { OPT_US = 256, OPT_PER_VM, OPT_WIDTH, OPT_HEIGHT };

static int plot_opt(int c, struct plot_args *a)
{
	switch (c) {
	case 'o':
		a->out = optarg;
		return 0;
	case 'l':
		a->latency = true;
		return 0;
	case OPT_US:
		a->o.us = true;
		return 0;
	case 'n':
		return top_arg(optarg, &a->o.top);
	case OPT_PER_VM:
		return vm_arg(optarg, &a->vm);
	case 't':
		a->o.title = optarg;
		return 0;
	case OPT_WIDTH:
		return size_arg("width", optarg, WIDTH_MIN, &a->o.width);
	case OPT_HEIGHT:
		return size_arg("height", optarg, HEIGHT_MIN, &a->o.height);
	}
	return -EINVAL;
}

/* "--latency=1": getopt_long() names it by its short option, if any. */
static int bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1], *eq = strchr(arg, '=');

	if (c == '?' && optopt && !strncmp(arg, "--", 2) && eq) {
		usage_error(
			"plot",
			"option '%.*s' takes no value (see 'exitstat plot --help')",
			(int)(eq - arg), arg);
		return EXIT_USAGE;
	}
	return usage_bad_option("plot", c, argv);
}

static int parse_plot_args(int argc, char **argv, struct plot_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "latency", no_argument, NULL, 'l' },
		{ "us", no_argument, NULL, OPT_US },
		{ "top", required_argument, NULL, 'n' },
		{ "per-vm", required_argument, NULL, OPT_PER_VM },
		{ "title", required_argument, NULL, 't' },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "height", required_argument, NULL, OPT_HEIGHT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, ":o:ln:t:h", longopts, NULL)) !=
	       -1) {
		if (c == 'h') {
			fputs(plot_help, stdout);
			return -1;
		}
		ret = plot_opt(c, a);
		if (ret == -EINVAL)
			return bad_option(c, argv);
		if (ret)
			return ret;
	}
	return plot_rest(argc, argv, a);
}

/* What the input must have for the chart asked for. */
static int check_input(const struct plot_args *a, const struct plot_data *d)
{
	if (!a->latency && !d->w.timed) {
		run_error(
			"%s: a snapshot has no timeline: plot its latency with --latency",
			a->file);
		return -EINVAL;
	}
	if (!a->latency && !d->nr_iv) {
		run_error("%s: one sample only: no interval to plot", a->file);
		return -EINVAL;
	}
	if (a->o.us && !d->w.tsc_khz) {
		run_error("%s: tsc_khz is 0: --us cannot turn cycles into time",
			  a->file);
		return -EINVAL;
	}
	return 0;
}

static int write_out(const char *path, const struct svg *s)
{
	bool to_stdout = !strcmp(path, "-");
	FILE *f;
	int err = 0;

	errno = 0;
	f = to_stdout ? stdout : fopen(path, "w");
	if (!f) {
		err = errno;
	} else {
		if (fwrite(s->buf, 1, s->len, f) != s->len)
			err = errno ? errno : EIO;
		if ((to_stdout ? fflush(f) : fclose(f)) && !err)
			err = errno ? errno : EIO;
	}
	if (err)
		run_error("%s: %s", to_stdout ? "standard output" : path,
			  strerror(err));
	return -err;
}

static int draw(const struct plot_args *a, const struct plot_data *d)
{
	struct svg s;
	int ret;

	svg_init(&s);
	ret = a->latency ? plot_latency(d, &a->o, &s) : plot_rate(d, &a->o, &s);
	if (ret)
		run_error("out of memory");
	else
		ret = write_out(a->out, &s);
	svg_free(&s);
	return ret;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_args a = {
		.vm = WIN_ALL,
		.o = { .width = 1200, .height = 700, .top = PLOT_TOP_DEFAULT }
	};
	struct plot_data d;
	char msg[512];
	int ret = parse_plot_args(argc, argv, &a);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (plot_load(&d, a.file, a.vm, msg, sizeof(msg))) {
		run_error("%s", msg);
		return EXIT_FAILURE_RUN;
	}
	ret = check_input(&a, &d);
	if (!ret)
		ret = draw(&a, &d);
	plot_free(&d);
	return ret ? EXIT_FAILURE_RUN : EXIT_OK;
}
