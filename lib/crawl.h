/*
 * crawl.h - a polite, resumable crawler (libcurl multi interface, state in
 * SQLite) that writes doc records and, optionally, WARC/1.1 records.
 *
 * The frontier lives in the state database (lib/db.h), so memory does not
 * grow with it.  Records are buffered and written in batches (at most a
 * second or CRAWL_FLUSH_BYTES apart); after each batch is written the URLs
 * it holds are marked done, with the output and WARC sizes, in one
 * transaction.  A crawl killed at any moment is resumed by running it again
 * on the same state: URLs in flight or in an unwritten batch are fetched
 * again, URLs marked done never are, and an output file or WARC file that
 * grew past the committed size is cut back to it first, so no record is
 * written twice to a file.  A new crawl (the state holds no URL) starts an
 * -o file and the WARC file empty.  (Standard output that is a pipe cannot be cut
 * back: a kill between a batch's write and its commit, a window of
 * microseconds, repeats that batch there.)
 */
#ifndef PTK_CRAWL_H
#define PTK_CRAWL_H

#include <stddef.h>
#include <stdint.h>

#define CRAWL_FLUSH_BYTES ((size_t)1 << 20)
#define CRAWL_ROBOTS_TTL 86400.0	/* seconds a robots.txt is kept */
#define CRAWL_MAX_RETRY_AFTER 3600.0	/* longest Retry-After honoured */

enum crawl_scope {
	CRAWL_SCOPE_HOST = 0,	/* links to the page's host */
	CRAWL_SCOPE_DOMAIN,	/* to its registrable domain (Public Suffix List) */
	CRAWL_SCOPE_REGEX,	/* to URLs the PCRE2 pattern matches */
};

/* Why a URL failed: the summary's "errors by kind". */
enum crawl_err {
	CRAWL_E_ROBOTS,		/* disallowed by robots.txt (never requested) */
	CRAWL_E_ROBOTS_UNAVAIL,	/* robots.txt kept failing (5xx, unreachable) */
	CRAWL_E_HTTP4XX,
	CRAWL_E_HTTP5XX,	/* 5xx or 429, after the retries */
	CRAWL_E_TIMEOUT,
	CRAWL_E_CONNECT,	/* resolve, connect, send or receive failed */
	CRAWL_E_TOO_LARGE,	/* body over --max-bytes */
	CRAWL_E_TYPE,		/* content type not in --accept */
	CRAWL_E_REDIRECT,	/* too many redirects, or a bad Location */
	CRAWL_E_OTHER,
	CRAWL_E_N
};

const char *crawl_err_name(enum crawl_err e);

struct crawl_opts {
	const char *state;	/* state database path (required) */
	const char *user_agent;	/* header and robots.txt group name */
	const char *output;	/* NULL: stdout; else appended to */
	const char *warc;	/* NULL: no WARC */
	const char *accept;	/* comma-separated media types */
	const char *scope_regex;
	double delay;		/* seconds between requests to one origin */
	double max_crawl_delay;	/* cap on a robots.txt Crawl-delay */
	double timeout;		/* whole transfer, seconds */
	double connect_timeout;
	double retry_wait;	/* first backoff, seconds; doubles each try */
	uint64_t max_bytes;	/* body limit */
	uint64_t max_pages;	/* stop after this many records (0: no limit) */
	int max_connections;
	int per_host;
	int retries;		/* attempts after the first */
	int max_redirects;
	int follow;
	enum crawl_scope scope;
	int max_depth;
	int compress, level;
};

void	crawl_opts_init(struct crawl_opts *o);

struct crawl_stats {
	uint64_t pages;		/* doc records written */
	uint64_t bytes;		/* body bytes received */
	uint64_t requests;	/* HTTP requests made (robots.txt too) */
	uint64_t retries;
	uint64_t redirects;
	uint64_t failed[CRAWL_E_N];
	int64_t queued;		/* URLs waiting */
	int active;		/* transfers in flight */
	double elapsed;		/* seconds */
	uint64_t repaired;	/* invalid byte sequences replaced by U+FFFD */
};

struct crawl;

/*
 * Open the state, the output and the WARC file.  Returns 0, or a negative
 * enum ptk_err with crawl_errmsg() set (PTK_EIO: the state is locked or
 * cannot be opened, a file cannot be written; PTK_EAPI: a bad scope
 * pattern).  *c is set either way; free it with crawl_free().
 */
int	crawl_open(struct crawl **c, const struct crawl_opts *o);

/*
 * Add one seed URL (depth 0) unless the state knows it already.  Returns 0,
 * or PTK_EFORMAT for a line that is not an http, https or file URL.
 */
int	crawl_add_seed(struct crawl *c, const char *url, size_t len);

/*
 * Crawl until nothing is queued (or max_pages records were written).
 * tick(stats, arg) is called about twice a second and once at the end.
 * Returns 0, or PTK_EIO (state or output failure, message in
 * crawl_errmsg(); errno EPIPE when standard output was closed).
 */
int	crawl_run(struct crawl *c, void (*tick)(const struct crawl_stats *, void *),
	    void *arg);

const struct crawl_stats *crawl_stats(const struct crawl *c);
const char *crawl_errmsg(const struct crawl *c);
/* The run ended because standard output was closed (EPIPE). */
int	crawl_output_closed(const struct crawl *c);
/* Close everything; commit = 1 syncs and commits what was written. */
int	crawl_close(struct crawl *c, int commit);
void	crawl_free(struct crawl *c);

/*
 * The robots.txt decision alone, for --robots-test: parse body for the
 * user agent ua and say whether url (absolute) may be fetched.  Returns 1
 * allowed, 0 disallowed, PTK_EFORMAT for a bad URL.
 */
int	crawl_robots_test(const char *body, size_t len, const char *ua,
	    const char *url);

#endif
