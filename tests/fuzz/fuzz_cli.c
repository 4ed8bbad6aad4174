// SPDX-License-Identifier: GPL-2.0
/*
 * The exitstat command line, in process.  The first byte picks the
 * subcommand (its low 5 bits % 9, in the order of subs[] below; bits 5-7
 * describe the fake host of guest and run, see below); the rest of the
 * input, cut at INPUT_MAX bytes, is its arguments: words separated by NUL
 * or newline, at most ARGS_MAX of them, every '/' turned into '_'.  The
 * subcommand's cmd_*() runs as tools/exitstat.c's main() would call it,
 * without main() itself (nine strcmp()s, and libFuzzer has a main).
 *
 * Nothing may loop, wait, listen or write outside a scratch directory,
 * and the option parsers are static functions of their cmd_*(), so each
 * subcommand runs whole, made safe as follows:
 *   - every call runs in a scratch directory holding copies of fixtures
 *     (a.rec, b.stats, v.stats, and stats for --root .); no word has a
 *     '/', so every path an argument names is in there.  Files a command
 *     writes there (plot -o, run -o) are removed after it and fixtures it
 *     changed are put back.  report and diff without a file, and export
 *     without --root, read /proc/exitstat/stats once;
 *   - guest and run go through guest_command() and guest_run_command()
 *     with a fake system: CPUID answered by es_cpuid_answer() over made-up
 *     figures (bit 7 of the first byte: an SVM host, else VMX; bit 6: no
 *     exitstat.ko; bit 5: kernel 6.12), a clock that moves 1 s a reading,
 *     a sleep that is interrupted at its fourth call (so watch mode ends),
 *     and a run that starts nothing;
 *   - record and top get "--root=missing" twice after the input's words
 *     (twice, so that one of them is parsed as an option even after an
 *     option that takes a value, and both are surplus arguments after a
 *     "--"): their first read fails, so they end before any loop and
 *     record opens no file.  Their options are all parsed, but what they
 *     do with stats that can be read is not covered here (the unit tests
 *     have it);
 *   - export runs only without a word starting with "--t" (any spelling
 *     of --textfile, whose loop has no end); it is linked without
 *     libmicrohttpd, as the static build is, so --listen fails at once:
 *     its address parser and the one-shot exposition are covered, the
 *     server and the textfile writer are not.
 * After each call: the working directory, optind and the signal mask are
 * restored, and every file descriptor the command opened must be closed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tools/builtin.h"
#include "../../tools/guest.h"

#define INPUT_MAX 4096
#define ARGS_MAX 16
#define FIXTURE_MAX 8192

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fixture {
	const char *from; /* in tests/fixtures */
	const char *name; /* in the scratch directory */
	size_t len;
	char text[FIXTURE_MAX];
};

static struct fixture fixtures[] = {
	{ .from = "small.rec", .name = "a.rec" },
	{ .from = "svm-6.1-live.stats", .name = "b.stats" },
	{ .from = "vmx.stats", .name = "v.stats" },
	{ .from = "svm-6.1-busy.stats", .name = "stats" },
};

static char top_dir[PATH_MAX]; /* holds work/ and nothing else */
static char work[PATH_MAX]; /* the scratch directory */
static int home_fd = -1; /* the working directory to come back to */
static FILE *devnull; /* guest and run print there */

/* The fake system under guest and run. */
struct fake {
	struct es_host host;
	bool module;
	uint64_t queries;
	unsigned int sleeps;
	struct guest_time now;
	struct cpuid_source cpuid;
	struct guest_env env;
};

static struct fake fake;

static void die(const char *what) __attribute__((noreturn));

static void die(const char *what)
{
	fprintf(stderr, "fuzz_cli: %s: %s\n", what, strerror(errno));
	abort();
}

static void fake_total(const void *ctx, struct es_figures *out)
{
	const struct fake *f = ctx;
	uint64_t n = f->host.table->nr_slots;

	out->exits = f->queries * n * (n + 1) / 2;
	out->cycles = out->exits * 64;
}

/* Slot s has (s + 1) exits a query: CPUID has at least the queries. */
static void fake_reason(const void *ctx, unsigned int slot,
			struct es_figures *out)
{
	const struct fake *f = ctx;

	out->exits = f->queries * (slot + 1);
	out->cycles = out->exits * 64;
}

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
		       struct es_regs *out)
{
	struct fake *f = ctx;
	struct es_stats_source src = { fake_total, fake_reason, f };

	f->queries++;
	*out = (struct es_regs){ 0, 0, 0, 0 };
	if (f->module && es_cpuid_answer(leaf, subleaf, &f->host, &src, out))
		return;
	if (leaf == 1)
		out->ecx = 1u << 31; /* a hypervisor, without the leaves */
}

static void fake_now(void *ctx, struct guest_time *t)
{
	struct fake *f = ctx;

	f->now.mono.tv_sec++;
	f->now.wall++;
	*t = f->now;
}

static int fake_sleep(void *ctx, double seconds)
{
	struct fake *f = ctx;

	(void)seconds;
	return ++f->sleeps > 3 ? -EINTR : 0;
}

static int fake_run(void *ctx, char *const argv[], int *status)
{
	(void)ctx;
	(void)argv;
	*status = 0;
	return 0;
}

/* A fresh fake system, as bits 5-7 of @how say. */
static void fake_reset(uint8_t how)
{
	memset(&fake, 0, sizeof(fake));
	fake.host.table = es_isa_table(how & 0x80 ? ES_ISA_SVM : ES_ISA_VMX);
	fake.host.kernel = how & 0x20 ? ES_KERNEL_6_12 : ES_KERNEL_6_1;
	fake.host.scope = ES_SCOPE_VM;
	fake.module = !(how & 0x40);
	fake.now.mono.tv_sec = 1000;
	fake.now.wall = 1699963200;
	fake.cpuid = (struct cpuid_source){ fake_cpuid, &fake };
	fake.env = (struct guest_env){ .cpuid = &fake.cpuid,
				       .now = fake_now,
				       .sleep = fake_sleep,
				       .run = fake_run,
				       .ctx = &fake,
				       .out = devnull,
				       .err = devnull };
}

static int fuzz_guest(int argc, char **argv)
{
	return guest_command(argc, argv, &fake.env);
}

static int fuzz_run(int argc, char **argv)
{
	return guest_run_command(argc, argv, &fake.env);
}

enum {
	SUB_GUARD = 1, /* "--root=missing" twice after the words */
	SUB_NO_TEXTFILE = 2, /* not with a word starting "--t" */
};

static const struct sub {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned int flags;
} subs[] = {
	{ "reasons", cmd_reasons, 0 },
	{ "guest", fuzz_guest, 0 },
	{ "run", fuzz_run, 0 },
	{ "record", cmd_record, SUB_GUARD },
	{ "report", cmd_report, 0 },
	{ "diff", cmd_diff, 0 },
	{ "plot", cmd_plot, 0 },
	{ "top", cmd_top, SUB_GUARD },
	{ "export", cmd_export, SUB_NO_TEXTFILE },
};

/* Fixture @fx from $EXITSTAT_FIXTURES or the tree it was built in. */
static void load_fixture(struct fixture *fx)
{
	const char *dir = getenv("EXITSTAT_FIXTURES");
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : FUZZ_FIXTURES,
		 fx->from);
	f = fopen(path, "r");
	if (!f)
		die(path);
	fx->len = fread(fx->text, 1, sizeof(fx->text), f);
	if (ferror(f) || fgetc(f) != EOF) {
		errno = ferror(f) ? EIO : EFBIG;
		die(path);
	}
	fclose(f);
}

static void write_fixture(const struct fixture *fx)
{
	FILE *f = fopen(fx->name, "w");

	if (!f || fwrite(fx->text, 1, fx->len, f) != fx->len || fclose(f))
		die(fx->name);
}

/* Whether the file @name (in the working directory) is a fixture as is. */
static bool fixture_intact(const char *name)
{
	const struct fixture *fx;
	char buf[FIXTURE_MAX + 1];
	size_t i, n = 0;
	FILE *f;

	for (i = 0; i < ES_ARRAY_SIZE(fixtures); i++)
		if (!strcmp(name, fixtures[i].name))
			break;
	if (i == ES_ARRAY_SIZE(fixtures))
		return false;
	fx = &fixtures[i];
	f = fopen(name, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	return n == fx->len && !memcmp(buf, fx->text, n);
}

/* Empties the working directory but for the fixtures as they were. */
static void clean_work(bool keep)
{
	DIR *d = opendir(".");
	struct dirent *de;

	if (!d)
		die("opendir");
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    !(keep && fixture_intact(de->d_name)) && unlink(de->d_name))
			die(de->d_name);
	}
	closedir(d);
}

/* The working directory back as the commands get it. */
static void restore_work(void)
{
	size_t i;

	clean_work(true);
	for (i = 0; i < ES_ARRAY_SIZE(fixtures); i++)
		if (access(fixtures[i].name, F_OK))
			write_fixture(&fixtures[i]);
}

static void remove_work(void)
{
	if (chdir(work))
		return;
	clean_work(false);
	if (!fchdir(home_fd) && !rmdir(work))
		rmdir(top_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	size_t i;

	(void)argc;
	(void)argv;
	snprintf(top_dir, sizeof(top_dir), "%s/exitstat-fuzz-cli.XXXXXX",
		 tmp ? tmp : "/tmp");
	home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	devnull = fopen("/dev/null", "w");
	if (home_fd < 0 || !devnull || !mkdtemp(top_dir))
		die(top_dir);
	snprintf(work, sizeof(work), "%s/work", top_dir);
	if (mkdir(work, 0700) || chdir(work))
		die(work);
	atexit(remove_work);
	for (i = 0; i < ES_ARRAY_SIZE(fixtures); i++) {
		load_fixture(&fixtures[i]);
		write_fixture(&fixtures[i]);
	}
	if (fchdir(home_fd))
		die("fchdir");
	return 0;
}

/*
 * The words of @data into @words, each in a buffer of its own (so that
 * ASan sees a read past one).  Returns how many.
 */
static int split(const uint8_t *data, size_t size, char **words)
{
	size_t start = 0, i;
	int nr = 0;
	char *w;

	for (i = 0; i <= size && nr < ARGS_MAX; i++) {
		if (i < size && data[i] && data[i] != '\n')
			continue;
		if (i == size && start == size)
			break; /* a separator at the end starts no word */
		w = malloc(i - start + 1);
		if (!w)
			die("malloc");
		memcpy(w, data + start, i - start);
		w[i - start] = '\0';
		for (char *p = strchr(w, '/'); p; p = strchr(p, '/'))
			*p = '_';
		words[nr++] = w;
		start = i + 1;
	}
	return nr;
}

static bool any_prefix(char **words, int nr, const char *prefix)
{
	int i;

	for (i = 0; i < nr; i++)
		if (!strncmp(words[i], prefix, strlen(prefix)))
			return true;
	return false;
}

/* The lowest file descriptor free. */
static int lowest_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("/dev/null");
	close(fd);
	return fd;
}

static void run(const struct sub *sub, int argc, char **argv)
{
	int fd = lowest_fd();
	sigset_t mask;

	sigprocmask(SIG_SETMASK, NULL, &mask);
	if (chdir(work))
		die(work);
	optind = 0; /* glibc: start afresh */
	sub->fn(argc, argv);
	fflush(stdout);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	restore_work();
	if (fchdir(home_fd))
		die("fchdir");
	if (lowest_fd() != fd) {
		fprintf(stderr, "fuzz_cli: %s: a file descriptor left open\n",
			sub->name);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char guard[] = "--root=missing";
	char *words[ARGS_MAX], *argv[1 + ARGS_MAX + 2 + 1];
	const struct sub *sub;
	int nr, argc = 0, i;

	if (!size)
		return 0;
	sub = &subs[(data[0] & 0x1f) % ES_ARRAY_SIZE(subs)];
	nr = split(data + 1, (size < INPUT_MAX ? size : INPUT_MAX) - 1, words);
	if (!(sub->flags & SUB_NO_TEXTFILE) || !any_prefix(words, nr, "--t")) {
		/* getopt_long() permutes argv: @words keeps what to free */
		argv[argc++] = (char *)sub->name;
		for (i = 0; i < nr; i++)
			argv[argc++] = words[i];
		if (sub->flags & SUB_GUARD) {
			argv[argc++] = guard;
			argv[argc++] = guard;
		}
		argv[argc] = NULL;
		fake_reset(data[0]);
		run(sub, argc, argv);
	}
	for (i = 0; i < nr; i++)
		free(words[i]);
	return 0;
}
