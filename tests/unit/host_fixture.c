// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "host_fixture.h"

extern char **environ;

char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	dir = path_join(base && *base ? base : "/tmp", "exitstat-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

void tmpdir_remove(char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *p;

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = path_join(dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	assert_int_equal(rmdir(dir), 0);
	free(dir);
}

char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

void write_bytes(const char *path, const char *text, size_t len)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	FILE *f;

	assert_non_null(tmp);
	snprintf(tmp, n, "%s.new", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0);
	free(tmp);
}

void write_text(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096, n = 0, r;
	char *buf = malloc(cap);

	if (!f)
		fail_msg("cannot open %s", path);
	assert_non_null(buf);
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *fixture_path(const char *name)
{
	const char *dir = getenv("EXITSTAT_FIXTURES");

	return path_join(dir ? dir : "tests/fixtures", name);
}

char *fixture_text(const char *name, size_t *len)
{
	char *p = fixture_path(name), *text = read_text(p, len);

	free(p);
	return text;
}

pid_t spawn_exitstat(const char *const args[], const char *out_path,
		     const char *err_path)
{
	const char *bin = getenv("EXITSTAT_BIN");
	posix_spawn_file_actions_t fa;
	char *argv[32];
	pid_t pid;
	int i;

	assert_non_null(bin);
	argv[0] = (char *)bin;
	for (i = 0; args[i]; i++) {
		assert_true(i + 2 < (int)(sizeof(argv) / sizeof(argv[0])));
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_int_equal(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

int wait_exitstat(pid_t pid)
{
	int wstatus;

	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
				    128 + WTERMSIG(wstatus);
}

void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts))
		;
}
