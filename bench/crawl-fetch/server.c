/*
 * server.c - a fast loopback HTTP/1.1 server for the crawl-fetch benchmark
 * (127.0.0.1 only; one epoll thread, keep-alive).
 *
 * usage: server PORTFILE LIMIT FANOUT LIFETIME
 *   /gen/N        an HTML page of about 1.6 KiB linking to /gen/(N*FANOUT+1)
 *                 ... /gen/(N*FANOUT+FANOUT), those below LIMIT
 *   /robots.txt   allows everything but /private/
 *   else          404
 * The chosen port goes to PORTFILE; the server exits after LIFETIME seconds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int fd;
	char in[8192];
	size_t nin;
};

static long long limit, fanout;
static char body[1 << 22], resp[1 << 22];

static size_t
make_page(long long n)
{
	size_t len = 0;
	long long k;
	int i;

	len += (size_t)snprintf(body + len, sizeof body - len,
	    "<!DOCTYPE html><html><head><title>Page %lld</title></head><body>"
	    "<nav><a href=\"/gen/0\">home</a></nav><h1>Page %lld</h1>", n, n);
	for (i = 0; i < 12; i++)
		len += (size_t)snprintf(body + len, sizeof body - len,
		    "<p>Paragraph %d of page %lld: the quick brown fox jumps over the "
		    "lazy dog while the crawler counts pages and bytes.</p>\n", i, n);
	len += (size_t)snprintf(body + len, sizeof body - len, "<ul>");
	for (k = n * fanout + 1; k <= n * fanout + fanout && k < limit &&
	    len + 64 < sizeof body; k++)
		len += (size_t)snprintf(body + len, sizeof body - len,
		    "<li><a href=\"/gen/%lld\">page %lld</a></li>", k, k);
	len += (size_t)snprintf(body + len, sizeof body - len,
	    "</ul><footer>bench</footer></body></html>\n");
	return len;
}

static void
respond(int fd, const char *path)
{
	size_t blen, n;
	int code = 200;
	const char *type = "text/html; charset=utf-8";

	if (strncmp(path, "/gen/", 5) == 0) {
		blen = make_page(atoll(path + 5));
	} else if (strcmp(path, "/robots.txt") == 0) {
		blen = (size_t)snprintf(body, sizeof body,
		    "User-agent: *\nDisallow: /private/\n");
		type = "text/plain";
	} else {
		blen = (size_t)snprintf(body, sizeof body, "not found\n");
		code = 404;
		type = "text/plain";
	}
	n = (size_t)snprintf(resp, sizeof resp, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n\r\n", code, code == 200 ? "OK" : "Not Found",
	    type, blen);
	memcpy(resp + n, body, blen);
	n += blen;
	for (size_t off = 0; off < n; ) {
		ssize_t w = write(fd, resp + off, n - off);
		if (w < 0) {
			if (errno == EAGAIN) {
				struct timespec ts = { 0, 100000 };
				nanosleep(&ts, NULL);
				continue;
			}
			return;
		}
		off += (size_t)w;
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in a;
	socklen_t al = sizeof a;
	int ls, ep, one = 1;
	time_t end;
	FILE *f;

	if (argc != 5) {
		fprintf(stderr, "usage: server PORTFILE LIMIT FANOUT LIFETIME\n");
		return 2;
	}
	limit = atoll(argv[2]);
	fanout = atoll(argv[3]);
	end = time(NULL) + atol(argv[4]);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 512) != 0) {
		perror("server");
		return 1;
	}
	getsockname(ls, (struct sockaddr *)&a, &al);
	f = fopen(argv[1], "w");
	fprintf(f, "%d\n", ntohs(a.sin_port));
	fclose(f);
	ep = epoll_create1(0);
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
		epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	}
	while (time(NULL) < end) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 1000), i;
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c == NULL) {
				int fd;
				while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					struct epoll_event ev = { .events = EPOLLIN };
					c = calloc(1, sizeof *c);
					c->fd = fd;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					ev.data.ptr = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			for (;;) {
				ssize_t r = read(c->fd, c->in + c->nin, sizeof c->in - c->nin - 1);
				char *e;
				if (r == 0 || (r < 0 && errno != EAGAIN) ||
				    c->nin + 1 >= sizeof c->in) {
					close(c->fd);
					free(c);
					break;
				}
				if (r < 0)
					break;
				c->nin += (size_t)r;
				c->in[c->nin] = '\0';
				while ((e = strstr(c->in, "\r\n\r\n")) != NULL) {
					char path[1024] = "";
					size_t used = (size_t)(e + 4 - c->in);
					sscanf(c->in, "GET %1023s", path);
					respond(c->fd, path);
					memmove(c->in, c->in + used, c->nin - used + 1);
					c->nin -= used;
				}
			}
		}
	}
	return 0;
}
