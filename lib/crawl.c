/*
 * crawl.c - the crawl loop: frontier in SQLite, transfers on a libcurl
 * multi handle, politeness per origin, robots.txt, retries, redirects,
 * text extraction, doc and WARC output.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <xxhash.h>
#include <zstd.h>

#include "buf.h"
#include "crawl.h"
#include "db.h"
#include "html.h"
#include "http.h"
#include "json.h"
#include "robots.h"
#include "utf8.h"
#include "warc.h"
#include "xalloc.h"

#ifndef PTK_VERSION
#define PTK_VERSION "0"
#endif

#define HOST_CAP 8192		/* origins kept in memory before eviction */
#define SCAN_BATCH 256		/* queued URLs read per query */
#define FLUSH_SECONDS 1.0

static const char *const err_names[CRAWL_E_N] = {
	"robots", "robots-unavailable", "http-4xx", "http-5xx", "timeout",
	"connect", "too-large", "content-type", "redirect", "other",
};

const char *
crawl_err_name(enum crawl_err e)
{
	return e < CRAWL_E_N ? err_names[e] : "?";
}

void
crawl_opts_init(struct crawl_opts *o)
{
	memset(o, 0, sizeof *o);
	o->user_agent = "ptk-crawl/" PTK_VERSION;
	o->accept = "text/html,text/plain";
	o->delay = 1.0;
	o->max_crawl_delay = 60;
	o->timeout = 30;
	o->connect_timeout = 10;
	o->retry_wait = 2;
	o->max_bytes = (uint64_t)10 << 20;
	o->max_connections = 16;
	o->per_host = 1;
	o->retries = 3;
	o->max_redirects = 5;
	o->scope = CRAWL_SCOPE_HOST;
	o->max_depth = 5;
	o->compress = 1;
	o->level = 3;
}

static double
now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- origins ---- */

enum robots_phase { RB_UNKNOWN, RB_FETCHING, RB_READY };

struct host {
	char *origin;
	int active;		/* transfers in flight */
	double next_at;		/* earliest start of the next request */
	double delay;		/* effective delay */
	enum robots_phase phase;
	struct robots rb;
	double rb_fetched;	/* when robots.txt was fetched */
	double rb_retry_at;	/* DISALLOW_ALL: when to ask again */
	int rb_tries;
};

struct hosts {
	struct host **slot;
	size_t cap, n;
};

static uint64_t
hash_str(const char *s)
{
	return XXH3_64bits(s, strlen(s));
}

static void
host_free(struct host *h)
{
	free(h->origin);
	robots_release(&h->rb);
	free(h);
}

static void
hosts_insert(struct hosts *t, struct host *h)
{
	size_t i = hash_str(h->origin) & (t->cap - 1);

	while (t->slot[i])
		i = (i + 1) & (t->cap - 1);
	t->slot[i] = h;
	t->n++;
}

/* Drop idle origins (robots.txt comes back from the state when needed). */
static void
hosts_evict(struct hosts *t, double now)
{
	struct host **old = t->slot;
	size_t cap = t->cap, i;

	t->slot = xcalloc(t->cap, sizeof *t->slot);
	t->n = 0;
	for (i = 0; i < cap; i++) {
		struct host *h = old[i];
		if (h == NULL)
			continue;
		if (h->active > 0 || h->phase == RB_FETCHING || h->next_at > now)
			hosts_insert(t, h);
		else
			host_free(h);
	}
	free(old);
}

static struct host *
hosts_get(struct hosts *t, const char *origin, double delay, double now)
{
	size_t i;
	struct host *h;

	if (t->cap == 0) {
		t->cap = 2 * HOST_CAP;
		t->slot = xcalloc(t->cap, sizeof *t->slot);
	}
	for (i = hash_str(origin) & (t->cap - 1); t->slot[i]; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->slot[i]->origin, origin) == 0)
			return t->slot[i];
	if (t->n >= HOST_CAP) {
		hosts_evict(t, now);
		if (t->n >= HOST_CAP)
			return NULL;	/* all busy: try this URL later */
	}
	h = xcalloc(1, sizeof *h);
	h->origin = xstrdup(origin);
	h->delay = delay;
	robots_init(&h->rb, ROBOTS_ALLOW_ALL);
	hosts_insert(t, h);
	return h;
}

static void
hosts_free(struct hosts *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		if (t->slot[i])
			host_free(t->slot[i]);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/* ---- transfers ---- */

enum xfer_kind { X_PAGE, X_ROBOTS };

struct xfer {
	CURL *e;
	enum xfer_kind kind;
	struct db_url u;
	struct host *h;
	struct crawl *c;
	struct buf head;	/* raw response header block */
	struct buf body;	/* raw body, transfer coding still on */
	struct buf req;		/* raw request, for WARC */
	int too_big, bad_type, checked;
	char errbuf[CURL_ERROR_SIZE];
	struct xfer *next;	/* idle list */
	struct xfer *all;	/* every transfer made */
	int in_multi;
};

/* A finished page waiting for its batch to be written. */
struct pending {
	int64_t id;
	int status;
};

struct crawl {
	struct crawl_opts o;
	char ua_token[ROBOTS_MAX_TOKEN + 1];
	struct db *db;
	CURLM *multi;
	struct hosts hosts;
	struct xfer *idle;
	struct xfer *all;
	int active;
	int64_t cursor;		/* scan position in the queue */
	struct crawl_stats st;
	double start;
	int out_fd;
	int own_out;		/* out_fd was opened by us */
	uint64_t out_size;	/* bytes of output written */
	int64_t out_dev, out_ino;
	struct buf out;		/* the batch being built */
	struct pending *pend;
	size_t npend, cappend;
	double last_flush;
	ZSTD_CCtx *cctx;
	struct buf frame;
	struct warc_writer *warc;
	int64_t warc_dev, warc_ino;
	char warcinfo_id[48];
	pcre2_code *re;
	pcre2_match_data *md;
	char **accept;
	size_t naccept;
	int in_txn;
	int epipe;		/* standard output was closed */
	char err[512];
	/* scratch */
	struct buf s1, s2, s3, s4, rec, text;
	struct html_doc doc;
};

static void
seterr(struct crawl *c, const char *fmt, const char *a, const char *b)
{
	snprintf(c->err, sizeof c->err, fmt, a, b);
}

const char *
crawl_errmsg(const struct crawl *c)
{
	return c->err;
}

int
crawl_output_closed(const struct crawl *c)
{
	return c->epipe;
}

const struct crawl_stats *
crawl_stats(const struct crawl *c)
{
	return &c->st;
}

static int
db_fail(struct crawl *c)
{
	if (!c->err[0])
		seterr(c, "state database: %s%s", db_errmsg(c->db), "");
	return PTK_EIO;
}

static void
parse_accept(struct crawl *c)
{
	const char *p = c->o.accept;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p), i;
		while (n > 0 && *p == ' ') {
			p++;
			n--;
		}
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n > 0) {
			c->accept = xreallocarray(c->accept, c->naccept + 1, sizeof *c->accept);
			c->accept[c->naccept] = xmemdup(p, n);
			for (i = 0; i < n; i++)
				c->accept[c->naccept][i] = (char)tolower(
				    (unsigned char)c->accept[c->naccept][i]);
			c->naccept++;
		}
		p += n;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
	}
}

static int
accepted(struct crawl *c, const char *mime)
{
	size_t i;

	for (i = 0; i < c->naccept; i++) {
		const char *a = c->accept[i];
		size_t al = strlen(a);
		if (strcmp(a, mime) == 0 || strcmp(a, "*/*") == 0)
			return 1;
		/* a "type/" prefix ending in a star */
		if (al >= 2 && a[al - 1] == '*' && a[al - 2] == '/' &&
		    strncmp(a, mime, al - 1) == 0)
			return 1;
	}
	return 0;
}

/*
 * Open the output.  A new crawl (fresh: the state held no URL) starts an
 * -o FILE empty; a resumed one cuts the file it wrote before (same device
 * and inode) back to the committed size.  Any other file is appended to.
 */
static int
open_output(struct crawl *c, int fresh)
{
	struct stat st;
	int64_t keep = db_meta_get(c->db, "out_size", -1);
	int64_t dev = db_meta_get(c->db, "out_dev", 0);
	int64_t ino = db_meta_get(c->db, "out_ino", 0);

	if (c->o.output && strcmp(c->o.output, "-") != 0) {
		c->out_fd = open(c->o.output, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0666);
		if (c->out_fd < 0) {
			seterr(c, "cannot open '%s': %s", c->o.output, strerror(errno));
			return PTK_EIO;
		}
		c->own_out = 1;
	} else {
		c->out_fd = 1;
	}
	c->out_dev = c->out_ino = 0;
	c->out_size = 0;
	if (fstat(c->out_fd, &st) == 0 && S_ISREG(st.st_mode)) {
		c->out_dev = (int64_t)st.st_dev;
		c->out_ino = (int64_t)st.st_ino;
		if (fresh && c->own_out)
			keep = 0;
		else if (dev != c->out_dev || ino != c->out_ino)
			keep = -1;
		/* The same file as the last run: drop what was not committed. */
		if (keep >= 0 && st.st_size > keep) {
			if (ftruncate(c->out_fd, keep) != 0) {
				seterr(c, "cannot cut back the output: %s%s",
				    strerror(errno), "");
				return PTK_EIO;
			}
			lseek(c->out_fd, 0, SEEK_END);
			st.st_size = keep;
		}
		c->out_size = (uint64_t)st.st_size;
	}
	return 0;
}

static int
warc_info(struct crawl *c)
{
	struct buf b = BUF_INIT, r = BUF_INIT;
	struct warc_rec w = { 0 };
	char date[21];
	const char *slash = strrchr(c->o.warc, '/');
	int rc;

	warc_new_id(c->warcinfo_id);
	warc_date(time(NULL), date);
	buf_printf(&b, "software: ptk crawl-fetch %s\r\n"
	    "format: WARC File Format 1.1\r\n"
	    "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
	    "robots: obey\r\n"
	    "http-header-user-agent: %s\r\n", PTK_VERSION, c->o.user_agent);
	w.type = "warcinfo";
	w.id = c->warcinfo_id;
	w.date = date;
	w.filename = slash ? slash + 1 : c->o.warc;
	w.content_type = "application/warc-fields";
	rc = warc_format(&r, &w, b.p, b.len, NULL, 0);
	if (rc == 0 && warc_writer_put(c->warc, r.p, r.len, NULL) != 0) {
		seterr(c, "cannot write '%s': %s", c->o.warc, strerror(errno));
		rc = PTK_EIO;
	}
	buf_release(&b);
	buf_release(&r);
	return rc;
}

int
crawl_open(struct crawl **cp, const struct crawl_opts *o)
{
	struct crawl *c = xcalloc(1, sizeof *c);
	char err[400];
	int64_t n[4];
	int rc, fresh;

	*cp = c;
	c->o = *o;
	c->out_fd = -1;
	c->start = now_real();
	c->last_flush = c->start;
	robots_product_token(o->user_agent, c->ua_token);
	parse_accept(c);
	html_doc_init(&c->doc);
	c->doc.text.max = (size_t)256 << 20;
	if (o->scope == CRAWL_SCOPE_REGEX) {
		int e;
		PCRE2_SIZE off;
		c->re = pcre2_compile((PCRE2_SPTR)o->scope_regex, PCRE2_ZERO_TERMINATED,
		    PCRE2_UTF, &e, &off, NULL);
		if (c->re == NULL) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(e, msg, sizeof msg);
			seterr(c, "bad --scope pattern: %s%s", (char *)msg, "");
			return PTK_EAPI;
		}
		pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
		c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
	}
	if (db_open(&c->db, o->state, err, sizeof err) != 0) {
		seterr(c, "state %s%s", err, "");
		return PTK_EIO;
	}
	if (db_counts(c->db, n) != 0)
		return db_fail(c);
	fresh = n[0] + n[1] + n[2] + n[3] == 0;
	if ((rc = open_output(c, fresh)) != 0)
		return rc;
	if (o->warc) {
		/* As the output: a new crawl starts the WARC file empty, a
		 * resumed one cuts its own file back to the committed size. */
		struct stat st;
		int64_t keep = -1;
		if (fresh)
			keep = 0;
		else if (stat(o->warc, &st) == 0 &&
		    (int64_t)st.st_dev == db_meta_get(c->db, "warc_dev", -1) &&
		    (int64_t)st.st_ino == db_meta_get(c->db, "warc_ino", -1))
			keep = db_meta_get(c->db, "warc_size", -1);
		if (warc_writer_open(&c->warc, o->warc, keep, o->compress, o->level) != 0 ||
		    stat(o->warc, &st) != 0) {
			seterr(c, "cannot open '%s': %s", o->warc, strerror(errno));
			return PTK_EIO;
		}
		c->warc_dev = (int64_t)st.st_dev;
		c->warc_ino = (int64_t)st.st_ino;
		if ((rc = warc_info(c)) != 0)
			return rc;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		seterr(c, "cannot initialise libcurl%s%s", "", "");
		return PTK_EIO;
	}
	c->multi = curl_multi_init();
	curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)o->max_connections);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)o->per_host);
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)o->max_connections * 2);
	c->st.queued = n[DB_QUEUED];
	if (db_begin(c->db) != 0)
		return db_fail(c);
	c->in_txn = 1;
	return 0;
}

int
crawl_add_seed(struct crawl *c, const char *url, size_t len)
{
	int rc;

	if (http_url_resolve_in(NULL, url, len, &c->s1, &c->s2, NULL) != 0)
		return PTK_EFORMAT;
	rc = db_add(c->db, c->s1.p, c->s2.p, 0, 0, NULL);
	if (rc < 0)
		return db_fail(c);
	c->st.queued += rc;
	return 0;
}

/* ---- curl callbacks ---- */

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	/* A new status line (after a 1xx) starts a new header block. */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
		buf_reset(&x->head);
	if (x->head.len + len > WARC_MAX_HEAD * 4)
		return 0;
	if (buf_append(&x->head, p, len) != 0)
		return 0;
	return len;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;
	struct crawl *c = x->c;

	if (x->kind == X_PAGE && !x->checked) {
		long code = 0;
		const char *v;
		size_t vl;
		x->checked = 1;
		curl_easy_getinfo(x->e, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 200 && code < 300 && x->head.len > 0) {
			/* Without a Content-Type the body is sniffed at the end. */
			if (http_header_find(x->head.p, x->head.len, "content-type", &v, &vl) &&
			    (http_content_type(v, vl, &c->s3, &c->s4), c->s3.len > 0) &&
			    !accepted(c, c->s3.p)) {
				x->bad_type = 1;
				return 0;
			}
		}
	}
	if (x->body.len + len > x->body.max) {
		x->too_big = 1;
		return 0;
	}
	if (buf_append(&x->body, p, len) != 0) {
		x->too_big = 1;
		return 0;
	}
	return len;
}

static int
on_debug(CURL *e, curl_infotype type, char *p, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (type == CURLINFO_HEADER_OUT && x->req.len + n < WARC_MAX_HEAD)
		buf_append(&x->req, p, n);
	return 0;
}

static struct xfer *
xfer_get(struct crawl *c)
{
	struct xfer *x = c->idle;

	if (x) {
		c->idle = x->next;
		curl_easy_reset(x->e);
	} else {
		x = xcalloc(1, sizeof *x);
		x->e = curl_easy_init();
		if (x->e == NULL) {
			free(x);
			return NULL;
		}
		x->c = c;
		x->all = c->all;
		c->all = x;
	}
	buf_reset(&x->head);
	buf_reset(&x->body);
	buf_reset(&x->req);
	x->too_big = x->bad_type = x->checked = 0;
	x->errbuf[0] = '\0';
	x->next = NULL;
	x->h = NULL;
	memset(&x->u, 0, sizeof x->u);
	return x;
}

static void
xfer_put(struct crawl *c, struct xfer *x)
{
	db_url_release(&x->u);
	/* Do not keep a huge body's memory around. */
	if (x->body.cap > ((size_t)1 << 20))
		buf_release(&x->body);
	x->next = c->idle;
	c->idle = x;
}

static int
xfer_start(struct crawl *c, struct xfer *x, const char *url)
{
	CURL *e = x->e;
	long ms = (long)(c->o.timeout * 1000);
	long cms = (long)(c->o.connect_timeout * 1000);

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->o.user_agent);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, cms < ms ? cms : ms);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	if (x->kind == X_ROBOTS) {
		/* RFC 9309 2.3.1.2: follow at least five redirects. */
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
		curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
		x->body.max = ROBOTS_MAX_BYTES;
	} else {
		x->body.max = c->o.max_bytes;
		/* Keep the chunked coding: the WARC record holds the bytes as
		 * received, and we remove it ourselves for the payload. */
		curl_easy_setopt(e, CURLOPT_HTTP_TRANSFER_DECODING, 0L);
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->o.max_bytes);
		if (c->warc) {
			curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
			curl_easy_setopt(e, CURLOPT_DEBUGDATA, x);
			curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
		}
	}
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
		return PTK_EIO;
	x->in_multi = 1;
	c->active++;
	c->st.requests++;
	return 0;
}

/* ---- robots.txt ---- */

static void
host_apply_robots(struct crawl *c, struct host *h)
{
	double d = c->o.delay;

	if (h->rb.crawl_delay > d)
		d = h->rb.crawl_delay < c->o.max_crawl_delay ? h->rb.crawl_delay :
		    c->o.max_crawl_delay;
	h->delay = d;
	h->phase = RB_READY;
}

static double
backoff(struct crawl *c, int tries)
{
	double w = c->o.retry_wait * pow(2, tries > 20 ? 20 : tries);

	return w > CRAWL_MAX_RETRY_AFTER ? CRAWL_MAX_RETRY_AFTER : w;
}

/* Load a robots.txt from the state if it is fresh.  1 loaded, 0 not. */
static int
robots_from_db(struct crawl *c, struct host *h, double now)
{
	double at;
	int status, tries, rc;

	buf_reset(&c->s3);
	rc = db_robots_get(c->db, h->origin, &at, &status, &tries, &c->s3);
	if (rc <= 0)
		return rc;
	h->rb_tries = tries;
	if (now - at > CRAWL_ROBOTS_TTL || at > now + 60)
		return 0;
	/* A failed fetch is asked again once its backoff has passed. */
	if (status == ROBOTS_DISALLOW_ALL && now >= at + backoff(c, tries - 1))
		return 0;
	robots_release(&h->rb);
	if (status == ROBOTS_PARSED)
		robots_parse(&h->rb, c->s3.p ? c->s3.p : "", c->s3.len, c->ua_token);
	else
		robots_init(&h->rb, (enum robots_status)status);
	h->rb_fetched = at;
	h->rb_retry_at = status == ROBOTS_DISALLOW_ALL ? at + backoff(c, tries - 1) : 0;
	host_apply_robots(c, h);
	return 1;
}

static int
robots_start(struct crawl *c, struct host *h)
{
	struct xfer *x = xfer_get(c);

	if (x == NULL)
		return PTK_EIO;
	x->kind = X_ROBOTS;
	x->h = h;
	buf_reset(&c->s3);
	buf_printf(&c->s3, "%s/robots.txt", h->origin);
	h->phase = RB_FETCHING;
	h->active++;
	if (xfer_start(c, x, c->s3.p) != 0) {
		xfer_put(c, x);
		return PTK_EIO;
	}
	return 0;
}

static int
fail_origin(struct crawl *c, const char *origin, double now)
{
	/* Every queued URL of the origin fails: walk them in id order. */
	struct db_url u[SCAN_BATCH];
	int64_t after = 0;
	int n, i;

	for (;;) {
		n = db_next(c->db, after, 1e300, SCAN_BATCH, u);
		if (n < 0)
			return db_fail(c);
		if (n == 0)
			return 0;
		for (i = 0; i < n; i++) {
			if (strcmp(u[i].origin, origin) == 0) {
				if (db_set(c->db, u[i].id, DB_FAILED, u[i].tries, 0, 0,
				    "robots.txt unavailable", now) != 0)
					return db_fail(c);
				c->st.failed[CRAWL_E_ROBOTS_UNAVAIL]++;
				c->st.queued--;
			}
			after = u[i].id;
			db_url_release(&u[i]);
		}
	}
}

static int
robots_done(struct crawl *c, struct xfer *x, CURLcode res, double now)
{
	struct host *h = x->h;
	long code = 0;
	enum robots_status st;

	curl_easy_getinfo(x->e, CURLINFO_RESPONSE_CODE, &code);
	h->active--;
	if ((res == CURLE_OK || (res == CURLE_WRITE_ERROR && x->too_big)) &&
	    code >= 200 && code < 300)
		st = ROBOTS_PARSED;	/* (a body over the cap is cut there) */
	else if (res == CURLE_TOO_MANY_REDIRECTS ||
	    (res == CURLE_OK && code >= 300 && code < 500 && code != 429))
		st = ROBOTS_ALLOW_ALL;
	else
		st = ROBOTS_DISALLOW_ALL;	/* 5xx, 429, unreachable */
	robots_release(&h->rb);
	if (st == ROBOTS_PARSED)
		robots_parse(&h->rb, x->body.p ? x->body.p : "", x->body.len,
		    c->ua_token);
	else
		robots_init(&h->rb, st);
	h->rb_fetched = now;
	h->rb_tries = st == ROBOTS_DISALLOW_ALL ? h->rb_tries + 1 : 0;
	if (db_robots_put(c->db, h->origin, now, st, h->rb_tries,
	    st == ROBOTS_PARSED ? x->body.p : NULL,
	    st == ROBOTS_PARSED ? x->body.len : 0) != 0)
		return db_fail(c);
	host_apply_robots(c, h);
	h->next_at = now + h->delay;
	if (st == ROBOTS_DISALLOW_ALL) {
		if (h->rb_tries > c->o.retries) {
			/* Give up on the origin, and ask afresh next time. */
			h->rb_tries = 0;
			h->phase = RB_UNKNOWN;
			if (db_robots_put(c->db, h->origin, 0, st, 0, NULL, 0) != 0)
				return db_fail(c);
			return fail_origin(c, h->origin, now);
		}
		h->rb_retry_at = now + backoff(c, h->rb_tries - 1);
		c->st.retries++;
		if (db_delay_origin(c->db, h->origin, h->rb_retry_at) != 0)
			return db_fail(c);
	}
	return 0;
}

/* ---- pages ---- */

static int
page_start(struct crawl *c, struct db_url *u, struct host *h, double now)
{
	struct xfer *x = xfer_get(c);

	if (x == NULL)
		return PTK_EIO;
	x->kind = X_PAGE;
	x->u = *u;
	memset(u, 0, sizeof *u);
	x->h = h;
	h->active++;
	h->next_at = now + h->delay;
	if (db_set(c->db, x->u.id, DB_IN_FLIGHT, x->u.tries, 0, 0, NULL, now) != 0)
		return db_fail(c);
	c->st.queued--;
	if (xfer_start(c, x, x->u.url) != 0) {
		h->active--;
		xfer_put(c, x);
		return PTK_EIO;
	}
	return 0;
}

static int
url_fail(struct crawl *c, struct xfer *x, enum crawl_err kind, int status,
    const char *reason, double now)
{
	c->st.failed[kind]++;
	if (db_set(c->db, x->u.id, DB_FAILED, x->u.tries, 0, status, reason, now) != 0)
		return db_fail(c);
	return 0;
}

static int
url_retry(struct crawl *c, struct xfer *x, enum crawl_err kind, int status,
    const char *reason, double wait, double now)
{
	double b;

	if (x->u.tries >= c->o.retries)
		return url_fail(c, x, kind, status, reason, now);
	b = backoff(c, x->u.tries);
	if (wait > b)
		b = wait > CRAWL_MAX_RETRY_AFTER ? CRAWL_MAX_RETRY_AFTER : wait;
	c->st.retries++;
	c->st.queued++;
	if (db_set(c->db, x->u.id, DB_QUEUED, x->u.tries + 1, now + b, status, reason,
	    now) != 0)
		return db_fail(c);
	return 0;
}

/*
 * Whether link (normalised, on host lhost) is in scope for a page on
 * phost (pdomain: its registrable domain, for CRAWL_SCOPE_DOMAIN).
 */
static int
in_scope(struct crawl *c, int page_is_file, const char *phost,
    const char *pdomain, const char *link, const char *lhost)
{
	if (http_url_is_file(link) != page_is_file)
		return 0;
	switch (c->o.scope) {
	case CRAWL_SCOPE_HOST:
		return strcmp(phost, lhost) == 0;
	case CRAWL_SCOPE_DOMAIN: {
		struct buf b = BUF_INIT;
		int same;
		http_registrable_domain(lhost, &b);
		same = strcmp(pdomain, b.p) == 0;
		buf_release(&b);
		return same;
	}
	case CRAWL_SCOPE_REGEX:
		return pcre2_match(c->re, (PCRE2_SPTR)link, strlen(link), 0, 0, c->md,
		    NULL) >= 0;
	}
	return 0;
}

static int
add_links(struct crawl *c, struct xfer *x)
{
	struct http_base *base = NULL;
	struct buf phost = BUF_INIT, pdomain = BUF_INIT, lhost = BUF_INIT;
	const char *l;
	size_t i;
	int rc = 0, page_is_file = http_url_is_file(x->u.url);

	if (!c->o.follow || x->u.depth >= c->o.max_depth || c->doc.nofollow ||
	    c->doc.nlinks == 0)
		return 0;
	if (c->doc.base.len > 0 &&
	    http_url_resolve(x->u.url, c->doc.base.p, c->doc.base.len, &c->s1) == 0)
		base = http_base_new(c->s1.p);
	if (base == NULL && (base = http_base_new(x->u.url)) == NULL)
		return 0;
	if (http_url_host(x->u.url, &phost) != 0)
		goto out;
	if (c->o.scope == CRAWL_SCOPE_DOMAIN)
		http_registrable_domain(phost.p, &pdomain);
	for (i = 0, l = c->doc.links.p; i < c->doc.nlinks; i++, l += strlen(l) + 1) {
		int added;
		if (http_url_resolve_in(base, l, strlen(l), &c->s1, &c->s2, &lhost) != 0)
			continue;
		if (!in_scope(c, page_is_file, phost.p, pdomain.p ? pdomain.p : "",
		    c->s1.p, lhost.p))
			continue;
		added = db_add(c->db, c->s1.p, c->s2.p, x->u.depth + 1, 0, NULL);
		if (added < 0) {
			rc = db_fail(c);
			break;
		}
		c->st.queued += added;
	}
out:
	http_base_free(base);
	buf_release(&phost);
	buf_release(&pdomain);
	buf_release(&lhost);
	return rc;
}

/*
 * The media type of a body that came without one (a simplified WHATWG
 * sniff): HTML when it starts, after white space, with a tag that only HTML
 * starts with; text when its first 512 bytes hold no binary control bytes;
 * else application/octet-stream.
 */
static const char *
sniff_type(const char *p, size_t n)
{
	static const char *const tags[] = {
		"<!doctype html", "<html", "<head", "<body", "<title", "<script",
		"<p", "<div", "<table", "<h1", "<a ", "<br", "<!--",
	};
	size_t i = 0, k, lim = n < 512 ? n : 512;

	while (i < lim && strchr(" \t\r\n\f", p[i]) && p[i])
		i++;
	for (k = 0; k < sizeof tags / sizeof tags[0]; k++) {
		size_t tl = strlen(tags[k]);
		if (n - i >= tl && strncasecmp(p + i, tags[k], tl) == 0)
			return "text/html";
	}
	for (i = 0; i < lim; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch <= 0x08 || ch == 0x0B || (ch >= 0x0E && ch <= 0x1A) ||
		    (ch >= 0x1C && ch <= 0x1F))
			return "application/octet-stream";
	}
	return "text/plain";
}

/* The media type of a file: URL from its extension, NULL to sniff. */
static const char *
file_type(const char *url)
{
	const char *dot = strrchr(url, '.'), *slash = strrchr(url, '/');

	if (dot == NULL || (slash && dot < slash))
		return NULL;
	if (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0 ||
	    strcasecmp(dot, ".xhtml") == 0)
		return "text/html";
	if (strcasecmp(dot, ".txt") == 0 || strcasecmp(dot, ".text") == 0 ||
	    strcasecmp(dot, ".md") == 0)
		return "text/plain";
	if (strcasecmp(dot, ".pdf") == 0 || strcasecmp(dot, ".png") == 0 ||
	    strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".gif") == 0 ||
	    strcasecmp(dot, ".zip") == 0 || strcasecmp(dot, ".gz") == 0 ||
	    strcasecmp(dot, ".zst") == 0)
		return "application/octet-stream";
	return NULL;
}

static void
json_key_str(struct buf *o, const char *key, const char *v, size_t n)
{
	buf_printf(o, ",\"%s\":", key);
	json_write_string(o, v, n);
}

/* Write the WARC records of a page; *off gets the response's offset. */
static int
page_warc(struct crawl *c, struct xfer *x, const char *payload, size_t plen,
    const char *date, const char *mime, uint64_t *off)
{
	struct warc_rec w = { 0 };
	char req_id[48], resp_id[48], pd[38];
	char *ip = NULL;
	int rc = 0;

	warc_new_id(resp_id);
	curl_easy_getinfo(x->e, CURLINFO_PRIMARY_IP, &ip);
	w.id = resp_id;
	w.date = date;
	w.target_uri = x->u.url;
	w.warcinfo_id = c->warcinfo_id;
	buf_reset(&c->rec);
	if (http_url_is_file(x->u.url)) {
		w.type = "resource";
		w.content_type = mime;
		rc = warc_format(&c->rec, &w, x->body.p, x->body.len, NULL, 0);
	} else {
		warc_digest(payload, plen, pd);
		w.type = "response";
		w.ip = ip && *ip ? ip : NULL;
		w.content_type = "application/http;msgtype=response";
		w.payload_digest = pd;
		rc = warc_format(&c->rec, &w, x->head.p, x->head.len, x->body.p,
		    x->body.len);
	}
	if (rc != 0)
		return rc;
	if (warc_writer_put(c->warc, c->rec.p, c->rec.len, off) != 0)
		goto io;
	if (!http_url_is_file(x->u.url) && x->req.len > 0) {
		struct warc_rec q = { 0 };
		warc_new_id(req_id);
		q.type = "request";
		q.id = req_id;
		q.date = date;
		q.target_uri = x->u.url;
		q.concurrent_to = resp_id;
		q.warcinfo_id = c->warcinfo_id;
		q.ip = w.ip;
		q.content_type = "application/http;msgtype=request";
		buf_reset(&c->rec);
		if ((rc = warc_format(&c->rec, &q, x->req.p, x->req.len, NULL, 0)) != 0)
			return rc;
		if (warc_writer_put(c->warc, c->rec.p, c->rec.len, NULL) != 0)
			goto io;
	}
	return 0;
io:
	seterr(c, "cannot write '%s': %s", c->o.warc, strerror(errno));
	return PTK_EIO;
}

static int
page_ok(struct crawl *c, struct xfer *x, long code, double now)
{
	const char *v, *payload;
	size_t vl, plen;
	struct buf dechunked = BUF_INIT, mime = BUF_INIT, cs = BUF_INIT;
	char date[21];
	int is_html, rc = 0;
	long repaired = 0;
	uint64_t warc_off = 0;
	XXH128_hash_t hh;
	const char *enc_used;

	payload = x->body.p ? x->body.p : "";
	plen = x->body.len;
	if (http_url_is_file(x->u.url)) {
		const char *t = file_type(x->u.url);
		if (t == NULL)
			t = sniff_type(payload, plen);
		buf_append(&mime, t, strlen(t));
		if (!accepted(c, mime.p)) {
			rc = url_fail(c, x, CRAWL_E_TYPE, 0, "content-type", now);
			goto out;
		}
	} else {
		if (http_header_find(x->head.p, x->head.len, "transfer-encoding", &v, &vl) &&
		    vl >= 7 && strncasecmp(v + vl - 7, "chunked", 7) == 0) {
			dechunked.max = c->o.max_bytes;
			if (http_dechunk(payload, plen, &dechunked) != 0) {
				rc = url_retry(c, x, CRAWL_E_CONNECT, (int)code,
				    "bad chunked body", 0, now);
				goto out;
			}
			payload = dechunked.p ? dechunked.p : "";
			plen = dechunked.len;
		}
		if (http_header_find(x->head.p, x->head.len, "content-encoding", &v, &vl) &&
		    !(vl == 8 && strncasecmp(v, "identity", 8) == 0)) {
			rc = url_fail(c, x, CRAWL_E_TYPE, (int)code, "content-encoding", now);
			goto out;
		}
		if (http_header_find(x->head.p, x->head.len, "content-type", &v, &vl))
			http_content_type(v, vl, &mime, &cs);
		if (mime.len == 0) {
			const char *t = sniff_type(payload, plen);
			buf_reset(&mime);
			buf_append(&mime, t, strlen(t));
		}
		if (!accepted(c, mime.p)) {
			rc = url_fail(c, x, CRAWL_E_TYPE, (int)code, "content-type", now);
			goto out;
		}
	}
	is_html = strcmp(mime.p, "text/html") == 0 ||
	    strcmp(mime.p, "application/xhtml+xml") == 0;
	/* Encoding: a BOM, then the HTTP header, then <meta>, then UTF-8 if
	 * the bytes are valid UTF-8, else windows-1252 (WHATWG's default). */
	html_sniff_charset(payload, plen, 0, &c->s3);
	if (c->s3.len == 0) {
		if (cs.len > 0 && html_charset_name(cs.p))
			buf_append(&c->s3, cs.p, cs.len);
		else if (is_html)
			html_sniff_charset(payload, plen, 1, &c->s3);
	}
	if (c->s3.len == 0 || html_charset_name(c->s3.p) == NULL) {
		buf_reset(&c->s3);
		if (utf8_valid_prefix((const unsigned char *)payload, plen) == plen)
			buf_append(&c->s3, "utf-8", 5);
		else
			buf_append(&c->s3, "windows-1252", 12);
	}
	enc_used = html_charset_name(c->s3.p);
	buf_reset(&c->text);
	if ((rc = html_to_utf8(payload, plen, c->s3.p, &c->text, &repaired)) != 0)
		goto out;
	c->st.repaired += (uint64_t)repaired;
	if (is_html) {
		if (html_extract(c->text.p ? c->text.p : "", c->text.len, &c->doc) != 0) {
			rc = url_fail(c, x, CRAWL_E_TOO_LARGE, (int)code, "text too large",
			    now);
			goto out;
		}
	} else {
		buf_reset(&c->doc.text);
		buf_reset(&c->doc.title);
		buf_append(&c->doc.text, c->text.p ? c->text.p : "", c->text.len);
		c->doc.nlinks = 0;
	}
	warc_date((time_t)now, date);
	if (c->warc && (rc = page_warc(c, x, payload, plen, date, mime.p,
	    &warc_off)) != 0)
		goto out;
	/* The record. */
	hh = XXH3_128bits(x->u.url, strlen(x->u.url));
	buf_printf(&c->out, "{\"id\":\"%016llx%016llx\"",
	    (unsigned long long)hh.high64, (unsigned long long)hh.low64);
	json_key_str(&c->out, "text", c->doc.text.p ? c->doc.text.p : "",
	    c->doc.text.len);
	json_key_str(&c->out, "url", x->u.url, strlen(x->u.url));
	buf_printf(&c->out, ",\"metadata\":{");
	if (code)
		buf_printf(&c->out, "\"status\":%ld,", code);
	buf_printf(&c->out, "\"content_type\":");
	json_write_string(&c->out, mime.p, mime.len);
	buf_printf(&c->out, ",\"charset\":\"%s\"", enc_used ? enc_used : "UTF-8");
	buf_printf(&c->out, ",\"fetch_time\":\"%s\"", date);
	json_key_str(&c->out, "title", c->doc.title.p ? c->doc.title.p : "",
	    c->doc.title.len);
	buf_printf(&c->out, ",\"depth\":%d", x->u.depth);
	if (is_html && c->doc.cut)
		buf_printf(&c->out, ",\"html_cut\":true");
	if (x->u.via)
		json_key_str(&c->out, "redirected_from", x->u.via, strlen(x->u.via));
	if (c->warc)
		buf_printf(&c->out, ",\"warc_offset\":%llu",
		    (unsigned long long)warc_off);
	buf_printf(&c->out, "}}\n");
	if ((rc = add_links(c, x)) != 0)
		goto out;
	if (c->npend == c->cappend) {
		c->cappend = c->cappend ? c->cappend * 2 : 64;
		c->pend = xreallocarray(c->pend, c->cappend, sizeof *c->pend);
	}
	c->pend[c->npend].id = x->u.id;
	c->pend[c->npend].status = (int)code;
	c->npend++;
	c->st.pages++;
out:
	buf_release(&dechunked);
	buf_release(&mime);
	buf_release(&cs);
	return rc;
}

static int
page_done(struct crawl *c, struct xfer *x, CURLcode res, double now)
{
	long code = 0;
	char reason[300];
	const char *v;
	size_t vl;

	curl_easy_getinfo(x->e, CURLINFO_RESPONSE_CODE, &code);
	x->h->active--;
	if (x->h->next_at < now + x->h->delay)
		x->h->next_at = now + x->h->delay;
	c->st.bytes += x->body.len;
	if (x->too_big || res == CURLE_FILESIZE_EXCEEDED)
		return url_fail(c, x, CRAWL_E_TOO_LARGE, (int)code, "too-large", now);
	if (x->bad_type)
		return url_fail(c, x, CRAWL_E_TYPE, (int)code, "content-type", now);
	if (res != CURLE_OK) {
		snprintf(reason, sizeof reason, "%s", x->errbuf[0] ? x->errbuf :
		    curl_easy_strerror(res));
		if (res == CURLE_OPERATION_TIMEDOUT)
			return url_retry(c, x, CRAWL_E_TIMEOUT, 0, reason, 0, now);
		if (res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST ||
		    res == CURLE_RECV_ERROR || res == CURLE_SEND_ERROR ||
		    res == CURLE_GOT_NOTHING || res == CURLE_PARTIAL_FILE ||
		    res == CURLE_SSL_CONNECT_ERROR)
			return url_retry(c, x, CRAWL_E_CONNECT, 0, reason, 0, now);
		if (res == CURLE_FILE_COULDNT_READ_FILE)
			return url_fail(c, x, CRAWL_E_HTTP4XX, 0, reason, now);
		return url_fail(c, x, CRAWL_E_OTHER, 0, reason, now);
	}
	if (code == 429 || (code >= 500 && code < 600)) {
		double wait = 0;
		if (http_header_find(x->head.p, x->head.len, "retry-after", &v, &vl))
			wait = http_retry_after(v, vl, (time_t)now);
		snprintf(reason, sizeof reason, "http %ld", code);
		return url_retry(c, x, CRAWL_E_HTTP5XX, (int)code, reason, wait, now);
	}
	if (code >= 300 && code < 400 &&
	    http_header_find(x->head.p, x->head.len, "location", &v, &vl)) {
		int added;
		c->st.redirects++;
		if (x->u.redirects >= c->o.max_redirects)
			return url_fail(c, x, CRAWL_E_REDIRECT, (int)code,
			    "too many redirects", now);
		struct http_base *b = http_base_new(x->u.url);
		int bad = b == NULL ||
		    http_url_resolve_in(b, v, vl, &c->s1, &c->s2, NULL) != 0 ||
		    http_url_is_file(c->s1.p);
		http_base_free(b);
		if (bad)
			return url_fail(c, x, CRAWL_E_REDIRECT, (int)code,
			    "bad redirect", now);
		added = db_add(c->db, c->s1.p, c->s2.p, x->u.depth, x->u.redirects + 1,
		    x->u.via ? x->u.via : x->u.url);
		if (added < 0)
			return db_fail(c);
		c->st.queued += added;
		snprintf(reason, sizeof reason, "redirect%s %.140s",
		    added ? "" : " to a known URL", c->s1.p);
		if (db_set(c->db, x->u.id, DB_DONE, x->u.tries, 0, (int)code, reason,
		    now) != 0)
			return db_fail(c);
		return 0;
	}
	if (code >= 300 && code < 600) {
		snprintf(reason, sizeof reason, "http %ld", code);
		return url_fail(c, x, code >= 400 ? CRAWL_E_HTTP4XX : CRAWL_E_REDIRECT,
		    (int)code, reason, now);
	}
	return page_ok(c, x, code, now);
}

/* ---- output batches ---- */

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return PTK_EIO;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Write the batch, then mark its URLs done with the new file sizes and
 * commit: the order that makes a kill at any point safe (see crawl.h).
 */
static int
flush(struct crawl *c, double now)
{
	size_t i;
	const char *p = c->out.p;
	size_t n = c->out.len;

	if (n > 0 && c->o.compress) {
		size_t got;
		if (c->cctx == NULL) {
			c->cctx = ZSTD_createCCtx();
			ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_compressionLevel, c->o.level);
			ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_checksumFlag, 1);
		}
		buf_reset(&c->frame);
		buf_grow(&c->frame, ZSTD_compressBound(n));
		got = ZSTD_compress2(c->cctx, c->frame.p, c->frame.cap, p, n);
		if (ZSTD_isError(got)) {
			seterr(c, "zstd: %s%s", ZSTD_getErrorName(got), "");
			return PTK_EIO;
		}
		p = c->frame.p;
		n = got;
	}
	if (n > 0 && write_all(c->out_fd, p, n) != 0) {
		int e = errno;
		c->epipe = e == EPIPE && !c->own_out;
		seterr(c, "cannot write %s: %s", c->own_out ? c->o.output :
		    "standard output", strerror(e));
		errno = e;
		return PTK_EIO;
	}
	c->out_size += n;
	buf_reset(&c->out);
	for (i = 0; i < c->npend; i++)
		if (db_set(c->db, c->pend[i].id, DB_DONE, 0, 0, c->pend[i].status, NULL,
		    now) != 0)
			return db_fail(c);
	c->npend = 0;
	if (db_meta_set(c->db, "out_size", (int64_t)c->out_size) != 0 ||
	    db_meta_set(c->db, "out_dev", c->out_dev) != 0 ||
	    db_meta_set(c->db, "out_ino", c->out_ino) != 0 ||
	    (c->warc && (db_meta_set(c->db, "warc_size",
	    (int64_t)warc_writer_size(c->warc)) != 0 ||
	    db_meta_set(c->db, "warc_dev", c->warc_dev) != 0 ||
	    db_meta_set(c->db, "warc_ino", c->warc_ino) != 0)))
		return db_fail(c);
	if (db_commit(c->db) != 0)
		return db_fail(c);
	c->in_txn = 0;
	if (db_begin(c->db) != 0)
		return db_fail(c);
	c->in_txn = 1;
	c->last_flush = now;
	return 0;
}

/* ---- the loop ---- */

/*
 * Start what may start: scan the queue from the cursor, skip URLs whose
 * origin is busy or must wait, fetch robots.txt first where needed.
 */
static int
fill(struct crawl *c, double now, double *wake)
{
	struct db_url u[SCAN_BATCH];
	int n, i, rc = 0, scanned = 0, wrapped = c->cursor == 0;

	while (c->active < c->o.max_connections && scanned < 4 * SCAN_BATCH) {
		if (c->o.max_pages && c->st.pages + (uint64_t)c->active >= c->o.max_pages)
			break;
		n = db_next(c->db, c->cursor, now, SCAN_BATCH, u);
		if (n < 0)
			return db_fail(c);
		scanned += n;
		for (i = 0; i < n; i++) {
			struct host *h;
			if (rc != 0 || c->active >= c->o.max_connections ||
			    (c->o.max_pages && c->st.pages + (uint64_t)c->active >=
			    c->o.max_pages)) {
				db_url_release(&u[i]);
				continue;
			}
			c->cursor = u[i].id;
			h = hosts_get(&c->hosts, u[i].origin, c->o.delay, now);
			if (h == NULL) {
				db_url_release(&u[i]);
				continue;
			}
			if (http_url_is_file(u[i].url) && h->phase != RB_READY) {
				robots_init(&h->rb, ROBOTS_ALLOW_ALL);
				h->delay = 0;
				h->phase = RB_READY;
			}
			if (h->phase == RB_READY && !http_url_is_file(u[i].url) &&
			    ((h->rb.status == ROBOTS_DISALLOW_ALL && now >= h->rb_retry_at) ||
			    now - h->rb_fetched > CRAWL_ROBOTS_TTL) && h->active == 0)
				h->phase = RB_UNKNOWN;
			if (h->phase == RB_UNKNOWN) {
				int got = robots_from_db(c, h, now);
				if (got < 0) {
					rc = db_fail(c);
				} else if (!got && h->active == 0) {
					rc = robots_start(c, h);
				}
				if (got <= 0) {
					db_url_release(&u[i]);
					continue;
				}
			}
			if (h->phase != RB_READY) {
				db_url_release(&u[i]);
				continue;
			}
			if (h->rb.status == ROBOTS_DISALLOW_ALL) {
				/* robots.txt failed: wait for its retry (the
				 * origin's queue was pushed back when it failed). */
				db_url_release(&u[i]);
				continue;
			}
			if (http_url_path(u[i].url, &c->s3) == 0 &&
			    !robots_allowed(&h->rb, c->s3.p, c->s3.len)) {
				c->st.failed[CRAWL_E_ROBOTS]++;
				c->st.queued--;
				if (db_set(c->db, u[i].id, DB_FAILED, u[i].tries, 0, 0,
				    "disallowed by robots.txt", now) != 0)
					rc = db_fail(c);
				db_url_release(&u[i]);
				continue;
			}
			if (h->active >= c->o.per_host || now < h->next_at) {
				if (h->active < c->o.per_host && h->next_at < *wake)
					*wake = h->next_at;
				db_url_release(&u[i]);
				continue;
			}
			rc = page_start(c, &u[i], h, now);
			db_url_release(&u[i]);
		}
		if (rc != 0)
			return rc;
		if (n < SCAN_BATCH) {
			/* The end of the queue: go round once from the start. */
			c->cursor = 0;
			if (wrapped)
				break;
			wrapped = 1;
		}
	}
	return rc;
}

int
crawl_run(struct crawl *c, void (*tick)(const struct crawl_stats *, void *),
    void *arg)
{
	double last_tick = 0, now, wake;
	int rc = 0;

	if (flush(c, now_real()) != 0)	/* commit the seeds */
		return PTK_EIO;
	for (;;) {
		CURLMsg *m;
		int left, still, done;
		long wait_ms;

		now = now_real();
		wake = now + 0.2;
		if (!(c->o.max_pages && c->st.pages >= c->o.max_pages) &&
		    (rc = fill(c, now, &wake)) != 0)
			break;
		if (c->active == 0) {
			double due;
			if (c->o.max_pages && c->st.pages >= c->o.max_pages)
				break;
			due = db_next_due(c->db);
			if (due < 0)
				break;
			/* Everything waits: for a retry time or an origin's
			 * delay.  Sleep until the first may start (at most
			 * 0.2 s, at least 1 ms), then scan again. */
			if (due > now && due < wake)
				wake = due;
		}
		wait_ms = (long)((wake - now) * 1000);
		if (wait_ms < 1)
			wait_ms = 1;
		if (wait_ms > 200)
			wait_ms = 200;
		curl_multi_perform(c->multi, &still);
		done = 0;
		while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
			struct xfer *x;
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			curl_multi_remove_handle(c->multi, x->e);
			x->in_multi = 0;
			c->active--;
			now = now_real();
			if (rc == 0)
				rc = x->kind == X_ROBOTS ? robots_done(c, x, m->data.result, now) :
				    page_done(c, x, m->data.result, now);
			xfer_put(c, x);
			done++;
		}
		if (rc != 0)
			break;
		now = now_real();
		if (c->out.len >= CRAWL_FLUSH_BYTES || (now - c->last_flush >= FLUSH_SECONDS))
			if ((rc = flush(c, now)) != 0)
				break;
		if (tick && now - last_tick >= 0.5) {
			c->st.active = c->active;
			c->st.elapsed = now - c->start;
			tick(&c->st, arg);
			last_tick = now;
		}
		/* Transfers that ended free room for others: no sleep then. */
		if (done == 0)
			curl_multi_poll(c->multi, NULL, 0, (int)wait_ms, NULL);
	}
	if (rc == 0)
		rc = flush(c, now_real());
	c->st.active = c->active;
	c->st.elapsed = now_real() - c->start;
	if (tick)
		tick(&c->st, arg);
	return rc;
}

int
crawl_close(struct crawl *c, int commit)
{
	int rc = 0;

	if (c->warc) {
		if (warc_writer_close(c->warc, commit) != 0 && commit) {
			seterr(c, "cannot write '%s': %s", c->o.warc, strerror(errno));
			rc = PTK_EIO;
		}
		c->warc = NULL;
	}
	if (c->own_out && c->out_fd >= 0) {
		if (commit && fsync(c->out_fd) != 0 && rc == 0) {
			seterr(c, "cannot write '%s': %s", c->o.output, strerror(errno));
			rc = PTK_EIO;
		}
		close(c->out_fd);
	}
	c->out_fd = -1;
	return rc;
}

void
crawl_free(struct crawl *c)
{
	size_t i;

	if (c == NULL)
		return;
	while (c->all) {
		struct xfer *x = c->all;
		c->all = x->all;
		if (x->in_multi)
			curl_multi_remove_handle(c->multi, x->e);
		curl_easy_cleanup(x->e);
		db_url_release(&x->u);
		buf_release(&x->head);
		buf_release(&x->body);
		buf_release(&x->req);
		free(x);
	}
	c->idle = NULL;
	if (c->multi) {
		curl_multi_cleanup(c->multi);
		curl_global_cleanup();
	}
	crawl_close(c, 0);
	db_close(c->db);	/* an open transaction is rolled back */
	hosts_free(&c->hosts);
	for (i = 0; i < c->naccept; i++)
		free(c->accept[i]);
	free(c->accept);
	free(c->pend);
	ZSTD_freeCCtx(c->cctx);
	pcre2_match_data_free(c->md);
	pcre2_code_free(c->re);
	buf_release(&c->out);
	buf_release(&c->frame);
	buf_release(&c->s1);
	buf_release(&c->s2);
	buf_release(&c->s3);
	buf_release(&c->s4);
	buf_release(&c->rec);
	buf_release(&c->text);
	html_doc_release(&c->doc);
	free(c);
}

int
crawl_robots_test(const char *body, size_t len, const char *ua, const char *url)
{
	struct robots r;
	struct buf norm = BUF_INIT, path = BUF_INIT;
	char tok[ROBOTS_MAX_TOKEN + 1];
	int rc;

	robots_product_token(ua, tok);
	if (http_url_resolve(NULL, url, strlen(url), &norm) != 0 ||
	    http_url_path(norm.p, &path) != 0) {
		buf_release(&norm);
		buf_release(&path);
		return PTK_EFORMAT;
	}
	robots_parse(&r, body, len, tok);
	rc = robots_allowed(&r, path.p, path.len);
	robots_release(&r);
	buf_release(&norm);
	buf_release(&path);
	return rc;
}
