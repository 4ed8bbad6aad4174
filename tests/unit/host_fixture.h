/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests of the host tools: temporary directories with files,
 * fixtures in tests/fixtures ($EXITSTAT_FIXTURES), and exitstat started in
 * the background so that a test can change its input or signal it.
 */
#ifndef EXITSTAT_TESTS_HOST_FIXTURE_H
#define EXITSTAT_TESTS_HOST_FIXTURE_H

#include <stddef.h>
#include <sys/types.h>

/* A new empty directory; free with tmpdir_remove(). */
char *tmpdir_make(void);

/* Removes @dir, the files in it, and frees it. */
void tmpdir_remove(char *dir);

/* "@dir/@name", malloc'ed. */
char *path_join(const char *dir, const char *name);

/* Replaces @path with @len bytes of @text atomically (write, rename). */
void write_bytes(const char *path, const char *text, size_t len);
void write_text(const char *path, const char *text);

/* All of @path, NUL-terminated; *@len without the NUL (may be NULL). */
char *read_text(const char *path, size_t *len);

/* The fixture @name: "$EXITSTAT_FIXTURES/@name", malloc'ed. */
char *fixture_path(const char *name);

/* The fixture @name's contents. */
char *fixture_text(const char *name, size_t *len);

/* Starts $EXITSTAT_BIN with @args, stdout and stderr to the two files. */
pid_t spawn_exitstat(const char *const args[], const char *out_path,
		     const char *err_path);

/* Waits for @pid: its exit status, or 128 + the signal that killed it. */
int wait_exitstat(pid_t pid);

/* Sleeps @ms milliseconds. */
void sleep_ms(unsigned int ms);

#endif /* EXITSTAT_TESTS_HOST_FIXTURE_H */
