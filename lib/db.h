/*
 * db.h - the crawl state in SQLite (WAL mode): the frontier, every URL's
 * state, cached robots.txt bodies, and how much output was committed.
 *
 * The database is held with an exclusive lock while open, so two crawls
 * can never share one state file.  Every change is made inside a
 * transaction that the caller commits; a process killed at any point
 * leaves the last committed state, and db_open() puts URLs that were in
 * flight back in the queue.
 *
 * Tables (schema version 1):
 *   urls(id, url UNIQUE, origin, depth, state, tries, next_at, redirects,
 *        via, status, reason, done_at)   state: 0 queued, 1 in flight,
 *                                         2 done, 3 failed
 *   robots(origin PRIMARY KEY, fetched_at, status, body, tries, retry_at)
 *   meta(key PRIMARY KEY, value)
 */
#ifndef PTK_DB_H
#define PTK_DB_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum db_state {
	DB_QUEUED = 0,
	DB_IN_FLIGHT = 1,
	DB_DONE = 2,
	DB_FAILED = 3,
};

struct db;

/* One URL of the frontier, as db_next() hands it out. */
struct db_url {
	int64_t id;
	char *url;		/* normalised */
	char *origin;		/* scheme://host[:port] */
	char *via;		/* first URL of the redirect chain, or NULL */
	int depth;		/* links from a seed */
	int tries;		/* failed attempts so far */
	int redirects;		/* redirects followed to reach it */
};

void	db_url_release(struct db_url *u);

/*
 * Open or create the state database at path, lock it, create the schema
 * and requeue in-flight URLs.  Returns 0, or PTK_EIO with a message in
 * err[errsz] (another crawl holds it, cannot create, not a state file).
 */
int	db_open(struct db **d, const char *path, char *err, size_t errsz);
void	db_close(struct db *d);			/* NULL: no-op */
const char *db_errmsg(struct db *d);

int	db_begin(struct db *d);
int	db_commit(struct db *d);

/*
 * Add a URL to the queue unless it is known already.  Returns 1 added,
 * 0 known, or PTK_EIO.
 */
int	db_add(struct db *d, const char *url, const char *origin, int depth,
	    int redirects, const char *via);

/*
 * Up to max queued URLs due at or before now with id > after, in id order,
 * into out[] (release each with db_url_release()).  Returns the count or
 * PTK_EIO.
 */
int	db_next(struct db *d, int64_t after, double now, int max,
	    struct db_url *out);

/* The earliest next_at among queued URLs, or -1 when the queue is empty. */
double	db_next_due(struct db *d);

/*
 * Change a URL's state.  reason may be NULL; status 0 stores NULL.
 * Returns 0 or PTK_EIO.
 */
int	db_set(struct db *d, int64_t id, enum db_state state, int tries,
	    double next_at, int status, const char *reason, double now);

/* Put every queued URL of origin back to next_at (robots.txt retry). */
int	db_delay_origin(struct db *d, const char *origin, double next_at);

/* Counts of URLs per state, into n[4]. */
int	db_counts(struct db *d, int64_t n[4]);

/*
 * The cached robots.txt of origin: 1 with fields set (body appended to
 * *body), 0 when none is stored, or PTK_EIO.
 */
int	db_robots_get(struct db *d, const char *origin, double *fetched_at,
	    int *status, int *tries, struct buf *body);
int	db_robots_put(struct db *d, const char *origin, double fetched_at,
	    int status, int tries, const void *body, size_t len);

/* Integer values in the meta table; get returns def when absent. */
int64_t	db_meta_get(struct db *d, const char *key, int64_t def);
int	db_meta_set(struct db *d, const char *key, int64_t v);

#endif
