// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"

void run_error(const char *fmt, ...)
{
	va_list ap;

	fputs("exitstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *host_stats_path(const char *root)
{
	size_t n;
	char *p;

	if (!root)
		return strdup(HOST_STATS_PATH);
	n = strlen(root) + sizeof("/stats");
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s/stats", root);
	return p;
}

static int read_fd(int fd, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *b = NULL, *nb;
	ssize_t r;

	for (;;) {
		if (cap - n < 4096) {
			if (cap >= HOST_READ_MAX) {
				free(b);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return -errno;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	if (n > HOST_READ_MAX) {
		free(b);
		return -EFBIG;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int read_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = read_fd(fd, buf, len);
	close(fd);
	return ret;
}

int file_buf_load(const char *path, struct file_buf *fb)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;
	struct stat st;
	char *buf;
	void *m;

	memset(fb, 0, sizeof(*fb));
	if (fd < 0)
		return -errno;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= SIZE_MAX) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
		if (m != MAP_FAILED) {
			close(fd);
			fb->data = m;
			fb->len = (size_t)st.st_size;
			fb->mapped = true;
			return 0;
		}
	}
	ret = read_fd(fd, &buf, &fb->len);
	close(fd);
	if (!ret)
		fb->data = buf;
	return ret;
}

void file_buf_free(struct file_buf *fb)
{
	if (fb->mapped)
		munmap((void *)fb->data, fb->len);
	else
		free((void *)fb->data);
	memset(fb, 0, sizeof(*fb));
}

void host_strerror(int err, const char *path, char *out, size_t size)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		snprintf(
			out, size,
			"%s: permission denied (the host interface is root-only)",
			path);
		break;
	case -ENOENT:
		snprintf(out, size, "%s: not found (is exitstat.ko loaded?)",
			 path);
		break;
	case -EFBIG:
		snprintf(out, size, "%s: larger than %zu MiB", path,
			 HOST_READ_MAX >> 20);
		break;
	default:
		snprintf(out, size, "%s: %s", path, strerror(-err));
	}
}
