// SPDX-License-Identifier: GPL-2.0
/*
 * `exitstat run -- CMD` over a scripted host: exactly the exits the
 * command caused, exitstat's own subtracted; its exit status passed on.
 * And the real spawn-and-wait underneath.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_host.h"

static void vmx_host(struct fake_host *h)
{
	fake_host_init(h, ES_ISA_VMX, ES_KERNEL_6_1, ES_SCOPE_VM);
	h->query_cycles = 1500;
	fake_host_add(h, 30, 600, 6000000);
	fake_host_add(h, 12, 300, 30000000);
	fake_host_add(h, 10, 100, 100000);
}

/* The command: 7 CPUIDs of 1000 cycles, 40 EPT violations of 2000. */
static void command(struct fake_env *e, unsigned int n)
{
	(void)n;
	fake_host_add(e->host, 10, 7, 7000);
	fake_host_add(e->host, 48, 40, 80000);
}

static int run(struct fake_host *h, struct fake_env *e, int status,
	       const char *const args[])
{
	vmx_host(h);
	fake_env_init(e, h);
	e->activity = command;
	e->run_status = status;
	return fake_run(e, args);
}

static void test_text(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	assert_int_equal(
		run(&h, &e, 3,
		    (const char *const[]){ "--", "sh", "-c", "exit 3", NULL }),
		3);
	assert_string_equal(e.run_arg0, "sh");
	assert_int_equal(e.run_argc, 3);
	assert_string_equal(e.out, "");
	assert_string_equal(
		e.err,
		"exitstat run: 'sh -c exit 3' ended with status 3 after 2.000 s\n"
		"total: 47 exits (23.5/s), 87000 cycles, 1851 cycles/exit; not counted: 163 CPUID exits of exitstat's own queries\n"
		"\n"
		"      CODE  NAME                               EXITS   SHARE      EXITS/S             CYCLES        AVG\n"
		"        48  EPT_VIOLATION                         40  85.11%         20.0              80000       2000\n"
		"        10  CPUID                                  7  14.89%          3.5               7000       1000\n");
	/* The host counted all of exitstat's CPUIDs: 2 + 2 snapshots. */
	assert_int_equal(h.queries, 2 + 2 * 163);
	assert_int_equal(fake_host_reason(&h, 10).exits, 100 + 7 + 2 + 2 * 163);
	fake_env_free(&e);
}

static void test_json(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	assert_int_equal(run(&h, &e, 0,
			     (const char *const[]){ "--json", "-s", "code",
						    "--", "./bench", "--quick",
						    NULL }),
			 0);
	assert_string_equal(
		e.err,
		"{\"command\":[\"./bench\",\"--quick\"],\"status\":0,\"seconds\":2.000,"
		"\"host\":{\"isa\":\"vmx\",\"abi\":1,\"scope\":\"vm\"},"
		"\"guest_vendor\":\"GenuineIntel\",\"vendor_mismatch\":false,\"own_exits\":163,"
		"\"total\":{\"exits\":47,\"exits_per_s\":23.5,\"cycles\":87000,\"avg_cycles\":1851},"
		"\"reasons\":["
		"{\"code\":10,\"hex\":\"0xa\",\"name\":\"CPUID\",\"exits\":7,\"share_pct\":14.89,\"exits_per_s\":3.5,\"cycles\":7000,\"avg_cycles\":1000},"
		"{\"code\":48,\"hex\":\"0x30\",\"name\":\"EPT_VIOLATION\",\"exits\":40,\"share_pct\":85.11,\"exits_per_s\":20.0,\"cycles\":80000,\"avg_cycles\":2000}]}\n");
	fake_env_free(&e);
}

static void test_csv_all(void **state)
{
	struct fake_host h;
	struct fake_env e;
	const char *p;
	unsigned int lines = 0;

	(void)state;
	assert_int_equal(
		run(&h, &e, 0,
		    (const char *const[]){ "-ac", "--", "true", NULL }),
		0);
	assert_int_equal(
		strncmp(e.err,
			"code,hex,name,exits,share_pct,exits_per_s,cycles,avg_cycles\n"
			",,total,47,100.00,23.5,87000,1851\n"
			"48,0x30,EPT_VIOLATION,40,85.11,20.0,80000,2000\n"
			"10,0xa,CPUID,7,14.89,3.5,7000,1000\n"
			"0,0x0,EXCEPTION_NMI,0,0.00,0.0,0,0\n",
			strlen("code,hex,name,exits,share_pct,exits_per_s,cycles,avg_cycles\n"
			       ",,total,47,100.00,23.5,87000,1851\n"
			       "48,0x30,EPT_VIOLATION,40,85.11,20.0,80000,2000\n"
			       "10,0xa,CPUID,7,14.89,3.5,7000,1000\n"
			       "0,0x0,EXCEPTION_NMI,0,0.00,0.0,0,0\n")),
		0);
	for (p = e.err; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 2 + defined_reasons(&es_vmx_table));
	fake_env_free(&e);
}

/* Options after the command are the command's. */
static void test_command_options(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	assert_int_equal(
		run(&h, &e, 0,
		    (const char *const[]){ "-j", "ls", "-l", "--json", NULL }),
		0);
	assert_string_equal(e.run_arg0, "ls");
	assert_int_equal(e.run_argc, 3);
	assert_int_equal(strncmp(e.err,
				 "{\"command\":[\"ls\",\"-l\",\"--json\"]", 31),
			 0);
	fake_env_free(&e);
}

static void test_status(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	/* Killed by SIGKILL: 128 + 9, reported like any status. */
	assert_int_equal(run(&h, &e, 137,
			     (const char *const[]){ "--", "sleep", "9", NULL }),
			 137);
	assert_non_null(strstr(e.err, "ended with status 137 after"));
	fake_env_free(&e);

	/* Could not be started: as env(1), and no report. */
	vmx_host(&h);
	fake_env_init(&e, &h);
	e.run_ret = -ENOENT;
	assert_int_equal(
		fake_run(&e, (const char *const[]){ "--", "nosuch", NULL }),
		127);
	assert_string_equal(
		e.err,
		"exitstat run: cannot run 'nosuch': No such file or directory\n");
	fake_env_free(&e);

	vmx_host(&h);
	fake_env_init(&e, &h);
	e.run_ret = -EACCES;
	assert_int_equal(
		fake_run(&e,
			 (const char *const[]){ "--", "/etc/passwd", NULL }),
		126);
	assert_string_equal(
		e.err,
		"exitstat run: cannot run '/etc/passwd': Permission denied\n");
	fake_env_free(&e);
}

/* The host's root resets the counters while the command runs. */
static void reset(struct fake_env *e, unsigned int n)
{
	(void)n;
	memset(&e->host->stats.total, 0, sizeof(e->host->stats.total));
	memset(e->host->stats.reason, 0, sizeof(e->host->stats.reason));
}

static void test_reset(void **state)
{
	struct fake_host h;
	struct fake_env e;

	(void)state;
	vmx_host(&h);
	fake_env_init(&e, &h);
	e.activity = reset;
	e.run_status = 4;
	assert_int_equal(
		fake_run(&e, (const char *const[]){ "--", "make", NULL }), 4);
	assert_string_equal(
		e.err,
		"exitstat run: the host reset its counters while the command ran: no figures\n");
	fake_env_free(&e);
}

static void test_output_file(void **state)
{
	char path[] = "/tmp/exitstat-run-XXXXXX";
	struct fake_host h;
	struct fake_env e;
	char buf[256] = "";
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run(&h, &e, 5,
			     (const char *const[]){ "-c", "-o", path, "--",
						    "make", NULL }),
			 5);
	assert_string_equal(e.err, "");
	fake_env_free(&e);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	unlink(path);
	assert_string_equal(
		buf,
		"code,hex,name,exits,share_pct,exits_per_s,cycles,avg_cycles\n"
		",,total,47,100.00,23.5,87000,1851\n"
		"48,0x30,EPT_VIOLATION,40,85.11,20.0,80000,2000\n"
		"10,0xa,CPUID,7,14.89,3.5,7000,1000\n");

	/* A report that cannot be written: said before the command runs. */
	vmx_host(&h);
	fake_env_init(&e, &h);
	assert_int_equal(fake_run(&e,
				  (const char *const[]){ "-o", "/nonexistent/r",
							 "--", "make", NULL }),
			 1);
	assert_null(e.run_arg0);
	assert_string_equal(
		e.err,
		"exitstat run: cannot write '/nonexistent/r': No such file or directory\n");
	fake_env_free(&e);
}

static int spawn(const struct guest_env *env, const char *const args[],
		 int *status)
{
	char *argv[8];
	int i;

	for (i = 0; args[i]; i++)
		argv[i] = (char *)args[i];
	argv[i] = NULL;
	return env->run(env->ctx, argv, status);
}

/* The real spawn and wait, and the real sleep. */
static void test_native(void **state)
{
	struct sigaction before, after;
	struct guest_env env;
	int status = -1;

	(void)state;
	assert_int_equal(sigaction(SIGINT, NULL, &before), 0);
	guest_env_native(&env);
	assert_ptr_equal(env.cpuid, &cpuid_native);
	assert_int_equal(
		spawn(&env, (const char *const[]){ "sh", "-c", "exit 3", NULL },
		      &status),
		0);
	assert_int_equal(status, 3);
	assert_int_equal(spawn(&env,
			       (const char *const[]){ "sh", "-c",
						      "kill -TERM $$", NULL },
			       &status),
			 0);
	assert_int_equal(status, 128 + SIGTERM);
	/* The command gets Ctrl-C with its default action... */
	assert_int_equal(
		spawn(&env,
		      (const char *const[]){ "sh", "-c", "kill -INT $$", NULL },
		      &status),
		0);
	assert_int_equal(status, 128 + SIGINT);
	/* ... and exitstat's own handling is restored afterwards. */
	assert_int_equal(sigaction(SIGINT, NULL, &after), 0);
	assert_ptr_equal(after.sa_handler, before.sa_handler);
	assert_int_equal(
		spawn(&env, (const char *const[]){ "/nonexistent/cmd", NULL },
		      &status),
		-ENOENT);
	assert_int_equal(env.sleep(env.ctx, 0.001), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv_all),
		cmocka_unit_test(test_command_options),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_output_file),
		cmocka_unit_test(test_native),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
