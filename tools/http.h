/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HTTP server of `exitstat export --listen`: GET /metrics, 404
 * elsewhere, on libmicrohttpd (Debian's libmicrohttpd-dev) in a thread of
 * its own.  The library's functions are weak references, so that the
 * static exitstat (`make static`, copied into guests) links without the
 * library; it has no server, and http_start() says so with -ENOSYS.
 */
#ifndef EXITSTAT_TOOLS_HTTP_H
#define EXITSTAT_TOOLS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

/* An ADDR:PORT to listen on. */
struct http_addr {
	int family; /* AF_INET, AF_INET6, or AF_UNSPEC: every address */
	unsigned char ip[16]; /* in network order */
	unsigned int port; /* 0: any free port */
};

/*
 * Parses "IPV4:PORT", "[IPV6]:PORT", "localhost:PORT" or ":PORT" (every
 * address, IPv6 and IPv4).  Names other than localhost are refused, so
 * that starting never waits for a resolver.  -EINVAL for anything else.
 */
int http_parse_addr(const char *s, struct http_addr *a);

/*
 * A listening TCP socket on @a, in *@fd.  0 with the address bound (e.g.
 * "127.0.0.1:9100", "[::1]:9100") in @msg, or -errno with a one-line
 * message in @msg.
 */
int http_listen(const struct http_addr *a, int *fd, char *msg, size_t size);

/* Whether this exitstat has the HTTP server (see above). */
bool http_available(void);

/*
 * Builds the body of GET /metrics: *@body is malloc'ed (the server frees
 * it) and holds *@len bytes.  0 or -errno (the client gets a 500).
 */
typedef int (*http_metrics_fn)(void *ctx, char **body, size_t *len);

struct http_server;

/*
 * Serves /metrics on the listening socket @fd, which it then owns, from a
 * thread of its own; @fn is called there, one request at a time.  0,
 * -ENOSYS without libmicrohttpd, or -EIO if the server did not start.
 */
int http_start(struct http_server **hs, int fd, http_metrics_fn fn, void *ctx);

/* Stops the server and closes its socket. */
void http_stop(struct http_server *hs);

#endif /* EXITSTAT_TOOLS_HTTP_H */
