/*
 * crawl-fetch - fetch seed URLs (and, with --follow, the pages they link
 * to) politely and resumably, and write one doc record per page; with
 * --warc, also the WARC/1.1 request and response records.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "crawl.h"
#include "xalloc.h"
#include "zio.h"

enum {
	OPT_STATE = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_USER_AGENT,
	OPT_DELAY,
	OPT_FOLLOW,
	OPT_SCOPE,
	OPT_MAX_DEPTH,
	OPT_WARC,
	OPT_MAX_CONNECTIONS,
	OPT_PER_HOST,
	OPT_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_MAX_BYTES,
	OPT_ACCEPT,
	OPT_RETRIES,
	OPT_RETRY_WAIT,
	OPT_MAX_REDIRECTS,
	OPT_MAX_PAGES,
	OPT_MAX_CRAWL_DELAY,
	OPT_ROBOTS_TEST,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "state", required_argument, NULL, OPT_STATE },
	{ "user-agent", required_argument, NULL, OPT_USER_AGENT },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "warc", required_argument, NULL, OPT_WARC },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "per-host", required_argument, NULL, OPT_PER_HOST },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
	{ "accept", required_argument, NULL, OPT_ACCEPT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "retry-wait", required_argument, NULL, OPT_RETRY_WAIT },
	{ "max-redirects", required_argument, NULL, OPT_MAX_REDIRECTS },
	{ "max-pages", required_argument, NULL, OPT_MAX_PAGES },
	{ "max-crawl-delay", required_argument, NULL, OPT_MAX_CRAWL_DELAY },
	{ "robots-test", required_argument, NULL, OPT_ROBOTS_TEST },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Crawl: fetch the seed URLs (operands: files of URLs, one per line, or URLs;\n"
"none: standard input) and write one doc record per page fetched.\n"
"Running again with the same --state resumes the crawl.\n"
"\n"
"      --state FILE          crawl state (SQLite; created if missing; required)\n"
"      --user-agent UA       User-Agent header and robots.txt group name\n"
"                            (default ptk-crawl/VERSION)\n"
"      --delay SECONDS       between requests to one origin (default 1)\n"
"      --max-crawl-delay S   cap on a robots.txt Crawl-delay (default 60)\n"
"      --max-connections N   transfers at once (default 16)\n"
"      --per-host N          transfers at once to one origin (default 1)\n"
"      --follow              follow links from HTML pages\n"
"      --scope S             same-host (default), same-domain or a PCRE2 pattern\n"
"                            that followed URLs must match\n"
"      --max-depth D         links from a seed (default 5)\n"
"      --warc FILE           also write WARC/1.1 records to FILE (one zstd\n"
"                            frame per record unless --no-compress)\n"
"      --accept LIST         media types kept (default text/html,text/plain)\n"
"      --max-bytes N         body limit (default 10M; K/M/G)\n"
"      --timeout SECONDS     per transfer (default 30)\n"
"      --connect-timeout S   (default 10)\n"
"      --retries N           retries of timeouts, connection errors, 429, 5xx\n"
"                            (default 3)\n"
"      --retry-wait SECONDS  first backoff, doubled each retry (default 2);\n"
"                            Retry-After is honoured up to an hour\n"
"      --max-redirects N     (default 5)\n"
"      --max-pages N         stop after N records (default: no limit)\n"
"      --robots-test FILE    print 'allow URL' or 'disallow URL' for each URL\n"
"                            on standard input under robots.txt FILE; no crawl\n"
"\n"
"-o FILE and the WARC file start empty for a new crawl and are continued by a\n"
"resumed one; -j has no effect\n"
"(one event loop).  A summary goes to stderr unless -q.\n";

/* Operands that name no file but look like URLs are seeds themselves. */
static int
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 ||
	    strncmp(s, "file://", 7) == 0;
}

static int
add_seeds(struct crawl *c, const char *path, size_t max)
{
	struct zio_reader *z;
	struct buf scratch = BUF_INIT;
	const char *line;
	size_t len;
	uint64_t off, n = 0;
	int rc, ours = 0;

	if ((rc = zio_reader_open(&z, path)) != 0) {
		cli_error("%s", zio_errmsg(z));
		zio_reader_free(z);
		return rc;
	}
	while ((rc = zio_getline(z, &scratch, max, &line, &len, &off)) == 1) {
		size_t a = 0;
		n++;
		while (a < len && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r'))
			a++;
		if (a == len || line[a] == '#')
			continue;
		if ((rc = crawl_add_seed(c, line + a, len - a)) != 0) {
			ours = 1;
			if (rc == PTK_EFORMAT)
				cli_error("%s: line %llu at byte %llu: not an http, https or"
				    " file URL of at most 8192 bytes", zio_name(z),
				    (unsigned long long)n, (unsigned long long)off);
			else
				cli_error("%s", crawl_errmsg(c));
			break;
		}
	}
	if (rc < 0 && !ours)
		cli_error("%s", zio_errmsg(z));
	zio_reader_free(z);
	buf_release(&scratch);
	return rc < 0 ? rc : 0;
}

struct ticker {
	int progress;
};

static void
tick(const struct crawl_stats *s, void *arg)
{
	struct ticker *t = arg;
	uint64_t failed = 0;
	int i;

	if (!t->progress)
		return;
	for (i = 0; i < CRAWL_E_N; i++)
		failed += s->failed[i];
	fprintf(stderr, "\r%s: %llu pages, %.1f pages/s, %.1f KiB/s, queue %lld,"
	    " active %d, failed %llu", cli_prog, (unsigned long long)s->pages,
	    s->elapsed > 0 ? (double)s->pages / s->elapsed : 0.0,
	    s->elapsed > 0 ? (double)s->bytes / 1024 / s->elapsed : 0.0,
	    (long long)s->queued, s->active, (unsigned long long)failed);
	for (i = 0; i < CRAWL_E_N; i++)
		if (s->failed[i])
			fprintf(stderr, " %s=%llu", crawl_err_name((enum crawl_err)i),
			    (unsigned long long)s->failed[i]);
	fputs("   ", stderr);
}

static void
summary(const struct crawl_stats *s)
{
	int i;

	fprintf(stderr, "%s: %llu pages, %llu bytes in %.1f s (%.1f pages/s),"
	    " %llu requests, %llu retries, %llu redirects, %lld queued",
	    cli_prog, (unsigned long long)s->pages, (unsigned long long)s->bytes,
	    s->elapsed, s->elapsed > 0 ? (double)s->pages / s->elapsed : 0.0,
	    (unsigned long long)s->requests, (unsigned long long)s->retries,
	    (unsigned long long)s->redirects, (long long)s->queued);
	for (i = 0; i < CRAWL_E_N; i++)
		if (s->failed[i])
			fprintf(stderr, ", %s %llu", crawl_err_name((enum crawl_err)i),
			    (unsigned long long)s->failed[i]);
	if (s->repaired)
		fprintf(stderr, ", %llu bytes repaired", (unsigned long long)s->repaired);
	fputc('\n', stderr);
}

static int
robots_test(const char *file, const char *ua)
{
	struct zio_reader *z;
	struct buf body = BUF_INIT, scratch = BUF_INIT;
	const unsigned char *p;
	const char *line;
	ssize_t n;
	size_t len;
	uint64_t off, no = 0;
	int rc = 0;

	if (zio_reader_open(&z, file) != 0) {
		cli_error("%s", zio_errmsg(z));
		zio_reader_free(z);
		return PTK_EIO;
	}
	while ((n = zio_fill(z, 65536, &p)) > 0) {
		buf_append(&body, p, (size_t)n);
		zio_consume(z, (size_t)n);
	}
	if (n < 0) {
		cli_error("%s", zio_errmsg(z));
		rc = (int)n;
	}
	zio_reader_free(z);
	if (rc == 0 && zio_reader_open(&z, "-") == 0) {
		while ((rc = zio_getline(z, &scratch, 1 << 20, &line, &len, &off)) == 1) {
			char *u = xmemdup(line, len);
			int a;
			no++;
			if (len == 0) {
				free(u);
				continue;
			}
			a = crawl_robots_test(body.p ? body.p : "", body.len, ua, u);
			if (a < 0) {
				cli_error("%s: line %llu at byte %llu: not an http, https or"
				    " file URL", zio_name(z), (unsigned long long)no,
				    (unsigned long long)off);
				free(u);
				rc = PTK_EFORMAT;
				break;
			}
			printf("%s %s\n", a ? "allow" : "disallow", u);
			free(u);
		}
		if (rc < 0 && rc != PTK_EFORMAT)
			cli_error("%s", zio_errmsg(z));
		zio_reader_free(z);
	}
	buf_release(&body);
	buf_release(&scratch);
	return rc < 0 ? rc : 0;
}

int
main(int argc, char *argv[])
{
	struct cli_common cc = CLI_COMMON_INIT;
	struct crawl_opts o;
	struct crawl *c = NULL;
	struct ticker t;
	const char *robots_file = NULL, *scope = "same-host";
	char *stdin_only[] = { "-" };
	int ch, rc = 0, i, no_seeds = 0;

	crawl_opts_init(&o);
	cli_init(argv, "usage: crawl-fetch --state FILE [options] [seeds ...]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&cc, ch, optarg))
			continue;
		switch (ch) {
		case OPT_STATE:
			o.state = optarg;
			break;
		case OPT_USER_AGENT:
			if (optarg[0] == '\0' || strpbrk(optarg, "\r\n"))
				cli_usage_error("bad --user-agent '%s'", optarg);
			o.user_agent = optarg;
			break;
		case OPT_DELAY:
			o.delay = cli_real(optarg, "--delay", 0, 86400);
			break;
		case OPT_MAX_CRAWL_DELAY:
			o.max_crawl_delay = cli_real(optarg, "--max-crawl-delay", 0, 86400);
			break;
		case OPT_FOLLOW:
			o.follow = 1;
			break;
		case OPT_SCOPE:
			scope = optarg;
			break;
		case OPT_MAX_DEPTH:
			o.max_depth = (int)cli_num(optarg, "--max-depth", 0, 1000000);
			break;
		case OPT_WARC:
			o.warc = optarg;
			break;
		case OPT_MAX_CONNECTIONS:
			o.max_connections = (int)cli_num(optarg, "--max-connections", 1, 10000);
			break;
		case OPT_PER_HOST:
			o.per_host = (int)cli_num(optarg, "--per-host", 1, 10000);
			break;
		case OPT_TIMEOUT:
			o.timeout = cli_real(optarg, "--timeout", 0.001, 86400);
			break;
		case OPT_CONNECT_TIMEOUT:
			o.connect_timeout = cli_real(optarg, "--connect-timeout", 0.001, 86400);
			break;
		case OPT_MAX_BYTES:
			o.max_bytes = (uint64_t)cli_num(optarg, "--max-bytes", 1, 1LL << 31);
			break;
		case OPT_ACCEPT:
			if (optarg[0] == '\0')
				cli_usage_error("--accept wants a list of media types");
			o.accept = optarg;
			break;
		case OPT_RETRIES:
			o.retries = (int)cli_num(optarg, "--retries", 0, 100);
			break;
		case OPT_RETRY_WAIT:
			o.retry_wait = cli_real(optarg, "--retry-wait", 0, 86400);
			break;
		case OPT_MAX_REDIRECTS:
			o.max_redirects = (int)cli_num(optarg, "--max-redirects", 0, 100);
			break;
		case OPT_MAX_PAGES:
			o.max_pages = (uint64_t)cli_num(optarg, "--max-pages", 1, LLONG_MAX);
			break;
		case OPT_ROBOTS_TEST:
			robots_file = optarg;
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (robots_file) {
		if (argc > 0)
			cli_usage_error("--robots-test reads URLs from standard input");
		return cli_finish(robots_test(robots_file, o.user_agent), NULL);
	}
	if (o.state == NULL)
		cli_usage_error("--state FILE is required");
	if (strcmp(scope, "same-host") == 0) {
		o.scope = CRAWL_SCOPE_HOST;
	} else if (strcmp(scope, "same-domain") == 0) {
		o.scope = CRAWL_SCOPE_DOMAIN;
	} else {
		o.scope = CRAWL_SCOPE_REGEX;
		o.scope_regex = scope;
	}
	o.output = cc.output;
	o.compress = cc.compress;
	o.level = cc.level;
	if (o.compress && !cc.force && (o.output == NULL || strcmp(o.output, "-") == 0) &&
	    isatty(1))
		cli_usage_error("compressed output to a terminal (use --no-compress,"
		    " -o FILE or --force)");
	if (argc == 0) {
		/* Resuming with nothing to add: a terminal on stdin adds nothing. */
		if (isatty(0))
			no_seeds = 1;
		argc = 1;
		argv = stdin_only;
	}
	/* libcurl may write to a closed socket; stdout's EPIPE is ours to see. */
	signal(SIGPIPE, SIG_IGN);
	rc = crawl_open(&c, &o);
	if (rc == PTK_EAPI)
		cli_usage_error("%s", crawl_errmsg(c));
	if (rc != 0)
		cli_error("%s", crawl_errmsg(c));
	for (i = 0; rc == 0 && !no_seeds && i < argc; i++) {
		struct stat st;
		if (is_url(argv[i]) && stat(argv[i], &st) != 0) {
			if ((rc = crawl_add_seed(c, argv[i], strlen(argv[i]))) == PTK_EFORMAT)
				cli_error("not an http, https or file URL of at most 8192"
				    " bytes: '%s'", argv[i]);
			else if (rc != 0)
				cli_error("%s", crawl_errmsg(c));
		} else {
			rc = add_seeds(c, argv[i], cc.max_record ? cc.max_record : 1 << 20);
		}
	}
	t.progress = cli_show_progress(&cc);
	if (rc == 0) {
		rc = crawl_run(c, tick, &t);
		if (t.progress)
			fputc('\n', stderr);
		if (rc != 0 && crawl_output_closed(c)) {
			/* Downstream closed: end as a plain filter would. */
			crawl_free(c);
			signal(SIGPIPE, SIG_DFL);
			raise(SIGPIPE);
			return CLI_EXIT_IO;
		}
		if (rc != 0)
			cli_error("%s", crawl_errmsg(c));
		if (crawl_close(c, rc == 0) != 0 && rc == 0) {
			cli_error("%s", crawl_errmsg(c));
			rc = PTK_EIO;
		}
		if (!cc.quiet)
			summary(crawl_stats(c));
	}
	crawl_free(c);
	return cli_finish(rc, NULL);
}
