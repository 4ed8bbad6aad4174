// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http.h"
#include "prom.h"

/* Resolved at run time; NULL in the static exitstat (see http.h). */
#pragma weak MHD_start_daemon
#pragma weak MHD_stop_daemon
#pragma weak MHD_create_response_from_buffer_with_free_callback
#pragma weak MHD_add_response_header
#pragma weak MHD_queue_response
#pragma weak MHD_destroy_response

#define LISTEN_BACKLOG 64
#define CONN_LIMIT 64
#define CONN_TIMEOUT_S 30

struct http_server {
	struct MHD_Daemon *d;
	http_metrics_fn fn;
	void *ctx;
};

static int parse_port(const char *s, unsigned int *port)
{
	size_t n = strlen(s), i;
	unsigned int v = 0;

	if (!n || n > 5)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

/* The host part, @n bytes at @host; @v6 when it was in brackets. */
static int parse_host(const char *host, size_t n, bool v6, struct http_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!n && !v6) {
		a->family = AF_UNSPEC;
		return 0;
	}
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (!v6 && !strcmp(buf, "localhost"))
		strcpy(buf, "127.0.0.1");
	a->family = v6 ? AF_INET6 : AF_INET;
	return inet_pton(a->family, buf, a->ip) == 1 ? 0 : -EINVAL;
}

int http_parse_addr(const char *s, struct http_addr *a)
{
	const char *colon;
	bool v6 = *s == '[';

	memset(a, 0, sizeof(*a));
	if (v6) {
		colon = strchr(s, ']');
		if (!colon || colon[1] != ':')
			return -EINVAL;
		if (parse_host(s + 1, (size_t)(colon - s - 1), true, a))
			return -EINVAL;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon || parse_host(s, (size_t)(colon - s), false, a))
			return -EINVAL;
	}
	return parse_port(colon + 1, &a->port);
}

/* "127.0.0.1:9100" or "[::1]:9100" of the socket @fd into @out. */
static void bound_name(int fd, char *out, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	char ip[INET6_ADDRSTRLEN] = "?";

	memset(&ss, 0, sizeof(ss));
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(out, size, "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else {
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, ntohs(s4->sin_port));
	}
}

/* A listening socket of @family on @a: the fd, or -errno. */
static int bind_one(const struct http_addr *a, int family)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0, err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)a->port);
		memcpy(&s6->sin6_addr, a->ip, sizeof(s6->sin6_addr));
		/* every address: IPv4 too */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)a->port);
		memcpy(&s4->sin_addr, a->ip, sizeof(s4->sin_addr));
	}
	if (bind(fd, (struct sockaddr *)&ss, sizeof(ss)) ||
	    listen(fd, LISTEN_BACKLOG)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int http_listen(const struct http_addr *a, int *fd, char *msg, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "";
	int ret;

	if (a->family != AF_UNSPEC) {
		ret = bind_one(a, a->family);
	} else {
		/* every address: IPv6 and IPv4, or IPv4 alone without IPv6 */
		ret = bind_one(a, AF_INET6);
		if (ret == -EAFNOSUPPORT)
			ret = bind_one(a, AF_INET);
	}
	if (ret < 0) {
		if (a->family != AF_UNSPEC)
			inet_ntop(a->family, a->ip, ip, sizeof(ip));
		snprintf(msg, size,
			 a->family == AF_INET6 ? "[%s]:%u: %s" : "%s:%u: %s",
			 ip, a->port, strerror(-ret));
		return ret;
	}
	*fd = ret;
	bound_name(*fd, msg, size);
	return 0;
}

bool http_available(void)
{
	return MHD_start_daemon;
}

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned int status,
			       char *body, size_t len, bool must_free,
			       const char *type)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer_with_free_callback(
		len, body, must_free ? free : NULL);
	if (!resp) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
					"GET, HEAD");
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result respond_text(struct MHD_Connection *conn,
				    unsigned int status, const char *text)
{
	return respond(conn, status, (char *)text, strlen(text), false,
		       "text/plain; charset=utf-8");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct http_server *hs = cls;
	size_t len;
	char *body;

	(void)version;
	(void)upload_data;
	/* the first call has the headers: answer when the request is all in */
	if (!*con_cls) {
		*con_cls = hs;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0; /* a body: ignored */
		return MHD_YES;
	}
	if (strcmp(url, "/metrics"))
		return respond_text(conn, MHD_HTTP_NOT_FOUND,
				    "404 page not found\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return respond_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				    "405 method not allowed\n");
	if (hs->fn(hs->ctx, &body, &len))
		return respond_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				    "500 out of memory\n");
	return respond(conn, MHD_HTTP_OK, body, len, true, PROM_CONTENT_TYPE);
}

int http_start(struct http_server **hsp, int fd, http_metrics_fn fn, void *ctx)
{
	struct http_server *hs;

	if (!http_available()) {
		close(fd);
		return -ENOSYS;
	}
	hs = calloc(1, sizeof(*hs));
	if (!hs) {
		close(fd);
		return -ENOMEM;
	}
	hs->fn = fn;
	hs->ctx = ctx;
	hs->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL,
				 handle, hs, MHD_OPTION_LISTEN_SOCKET, fd,
				 MHD_OPTION_CONNECTION_LIMIT,
				 (unsigned int)CONN_LIMIT,
				 MHD_OPTION_CONNECTION_TIMEOUT,
				 (unsigned int)CONN_TIMEOUT_S, MHD_OPTION_END);
	if (!hs->d) {
		close(fd);
		free(hs);
		return -EIO;
	}
	*hsp = hs;
	return 0;
}

void http_stop(struct http_server *hs)
{
	if (!hs)
		return;
	MHD_stop_daemon(hs->d); /* closes the listening socket too */
	free(hs);
}
