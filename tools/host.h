/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the host tools read from: /proc/exitstat/stats, or DIR/stats with
 * --root DIR (a captured copy, for tests and for looking at another
 * machine's figures), and the one-line messages for what can go wrong.
 */
#ifndef EXITSTAT_TOOLS_HOST_H
#define EXITSTAT_TOOLS_HOST_H

#include <stdbool.h>
#include <stddef.h>

#define HOST_STATS_PATH "/proc/exitstat/stats"
#define HOST_READ_MAX ((size_t)64 << 20) /* largest file the tools read */

/* Prints "exitstat: MESSAGE" on stderr: a run-time error. */
void run_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* DIR/stats for --root DIR, else HOST_STATS_PATH; free() it.  NULL: ENOMEM. */
char *host_stats_path(const char *root);

/*
 * Reads all of @path (up to HOST_READ_MAX bytes) into a NUL-terminated
 * buffer *@buf of *@len bytes (without the NUL); free() it.  -errno;
 * -EFBIG for a larger file.
 */
int read_file(const char *path, char **buf, size_t *len);

/* A file's contents: read into memory, or mapped (regular files). */
struct file_buf {
	const char *data;
	size_t len;
	bool mapped;
};

/*
 * All of @path: a regular file is mapped read-only, whatever its size, so
 * recordings of days need no copy in memory; anything else (the /proc
 * files, pipes) is read as read_file() does.  -errno.
 */
int file_buf_load(const char *path, struct file_buf *fb);

void file_buf_free(struct file_buf *fb);

/*
 * "PATH: what" for error -@err of reading @path, into @out: a permission
 * error says the interface is root-only, a missing file asks whether the
 * module is loaded.
 */
void host_strerror(int err, const char *path, char *out, size_t size);

#endif /* EXITSTAT_TOOLS_HOST_H */
