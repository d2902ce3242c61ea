/*
 * db.c - crawl state in SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "xalloc.h"

enum {
	S_BEGIN, S_COMMIT, S_ADD, S_NEXT, S_DUE, S_SET, S_DELAY, S_COUNTS,
	S_RGET, S_RPUT, S_MGET, S_MSET, S_N
};

static const char *const sql[S_N] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ADD] = "INSERT OR IGNORE INTO urls(url, origin, depth, redirects, via)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_NEXT] = "SELECT id, url, origin, depth, tries, redirects, via FROM urls"
	    " WHERE state = 0 AND id > ?1 AND next_at <= ?2 ORDER BY id LIMIT ?3",
	[S_DUE] = "SELECT min(next_at) FROM urls WHERE state = 0",
	[S_SET] = "UPDATE urls SET state = ?2, tries = ?3, next_at = ?4,"
	    " status = ?5, reason = ?6, done_at = ?7 WHERE id = ?1",
	[S_DELAY] = "UPDATE urls SET next_at = max(next_at, ?2)"
	    " WHERE state = 0 AND origin = ?1",
	[S_COUNTS] = "SELECT state, count(*) FROM urls GROUP BY state",
	[S_RGET] = "SELECT fetched_at, status, tries, body FROM robots"
	    " WHERE origin = ?1",
	[S_RPUT] = "INSERT OR REPLACE INTO robots(origin, fetched_at, status,"
	    " tries, body) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_MGET] = "SELECT value FROM meta WHERE key = ?1",
	[S_MSET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
};

static const char schema[] =
"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value);"
"CREATE TABLE IF NOT EXISTS urls("
"  id INTEGER PRIMARY KEY,"
"  url TEXT NOT NULL UNIQUE,"
"  origin TEXT NOT NULL,"
"  depth INTEGER NOT NULL,"
"  state INTEGER NOT NULL DEFAULT 0,"
"  tries INTEGER NOT NULL DEFAULT 0,"
"  next_at REAL NOT NULL DEFAULT 0,"
"  redirects INTEGER NOT NULL DEFAULT 0,"
"  via TEXT,"
"  status INTEGER,"
"  reason TEXT,"
"  done_at REAL);"
"CREATE INDEX IF NOT EXISTS urls_queued ON urls(id) WHERE state = 0;"
"CREATE TABLE IF NOT EXISTS robots("
"  origin TEXT PRIMARY KEY,"
"  fetched_at REAL NOT NULL,"
"  status INTEGER NOT NULL,"
"  tries INTEGER NOT NULL DEFAULT 0,"
"  body BLOB);"
"INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', 1);";

struct db {
	sqlite3 *h;
	sqlite3_stmt *st[S_N];
};

void
db_url_release(struct db_url *u)
{
	free(u->url);
	free(u->origin);
	free(u->via);
	memset(u, 0, sizeof *u);
}

const char *
db_errmsg(struct db *d)
{
	return d && d->h ? sqlite3_errmsg(d->h) : "cannot open";
}

void
db_close(struct db *d)
{
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < S_N; i++)
		sqlite3_finalize(d->st[i]);
	sqlite3_close(d->h);
	free(d);
}

int
db_open(struct db **dp, const char *path, char *err, size_t errsz)
{
	struct db *d = xcalloc(1, sizeof *d);
	char *msg = NULL;
	int i, rc;
	int64_t v;

	*dp = NULL;
	if (sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	/* Exclusive locking: the lock taken by the first write is held until
	 * close, so a second crawl on this file fails at once. */
	if (sqlite3_exec(d->h, "PRAGMA locking_mode=EXCLUSIVE;"
	    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
	    "PRAGMA cache_size=-8192;", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(d->h, "BEGIN EXCLUSIVE", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(d->h, schema, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	if (sqlite3_exec(d->h, "UPDATE urls SET state = 0 WHERE state = 1;COMMIT",
	    NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	for (i = 0; i < S_N; i++)
		if (sqlite3_prepare_v3(d->h, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &d->st[i], NULL) != SQLITE_OK)
			goto fail;
	v = db_meta_get(d, "schema", 0);
	if (v != 1) {
		snprintf(err, errsz, "'%s': state schema version %lld, expected 1",
		    path, (long long)v);
		db_close(d);
		return PTK_EIO;
	}
	*dp = d;
	return 0;
fail:
	rc = d->h ? sqlite3_errcode(d->h) : SQLITE_CANTOPEN;
	snprintf(err, errsz, "'%s': %s", path, rc == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED ? "in use by another crawl (database is locked)" :
	    msg ? msg : d->h ? sqlite3_errmsg(d->h) : "cannot open");
	sqlite3_free(msg);
	db_close(d);
	return PTK_EIO;
}

static int
step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : PTK_EIO;
}

int
db_begin(struct db *d)
{
	return step_done(d->st[S_BEGIN]);
}

int
db_commit(struct db *d)
{
	return step_done(d->st[S_COMMIT]);
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int
db_add(struct db *d, const char *url, const char *origin, int depth,
    int redirects, const char *via)
{
	sqlite3_stmt *s = d->st[S_ADD];

	bind_text(s, 1, url);
	bind_text(s, 2, origin);
	sqlite3_bind_int(s, 3, depth);
	sqlite3_bind_int(s, 4, redirects);
	bind_text(s, 5, via);
	if (step_done(s) != 0)
		return PTK_EIO;
	return sqlite3_changes(d->h) > 0;
}

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int
db_next(struct db *d, int64_t after, double now, int max, struct db_url *out)
{
	sqlite3_stmt *s = d->st[S_NEXT];
	int n = 0, rc;

	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_double(s, 2, now);
	sqlite3_bind_int(s, 3, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max) {
		struct db_url *u = &out[n++];
		u->id = sqlite3_column_int64(s, 0);
		u->url = col_dup(s, 1);
		u->origin = col_dup(s, 2);
		u->depth = sqlite3_column_int(s, 3);
		u->tries = sqlite3_column_int(s, 4);
		u->redirects = sqlite3_column_int(s, 5);
		u->via = col_dup(s, 6);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		while (n > 0)
			db_url_release(&out[--n]);
		return PTK_EIO;
	}
	return n;
}

double
db_next_due(struct db *d)
{
	sqlite3_stmt *s = d->st[S_DUE];
	double v = -1;

	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_double(s, 0);
	sqlite3_reset(s);
	return v;
}

int
db_set(struct db *d, int64_t id, enum db_state state, int tries,
    double next_at, int status, const char *reason, double now)
{
	sqlite3_stmt *s = d->st[S_SET];

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, (int)state);
	sqlite3_bind_int(s, 3, tries);
	sqlite3_bind_double(s, 4, next_at);
	if (status)
		sqlite3_bind_int(s, 5, status);
	else
		sqlite3_bind_null(s, 5);
	bind_text(s, 6, reason);
	if (state == DB_DONE || state == DB_FAILED)
		sqlite3_bind_double(s, 7, now);
	else
		sqlite3_bind_null(s, 7);
	return step_done(s);
}

int
db_delay_origin(struct db *d, const char *origin, double next_at)
{
	sqlite3_stmt *s = d->st[S_DELAY];

	bind_text(s, 1, origin);
	sqlite3_bind_double(s, 2, next_at);
	return step_done(s);
}

int
db_counts(struct db *d, int64_t n[4])
{
	sqlite3_stmt *s = d->st[S_COUNTS];
	int rc;

	memset(n, 0, 4 * sizeof *n);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int st = sqlite3_column_int(s, 0);
		if (st >= 0 && st < 4)
			n[st] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : PTK_EIO;
}

int
db_robots_get(struct db *d, const char *origin, double *fetched_at,
    int *status, int *tries, struct buf *body)
{
	sqlite3_stmt *s = d->st[S_RGET];
	int rc, found = 0;

	bind_text(s, 1, origin);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(s, 3);
		int n = sqlite3_column_bytes(s, 3);
		*fetched_at = sqlite3_column_double(s, 0);
		*status = sqlite3_column_int(s, 1);
		*tries = sqlite3_column_int(s, 2);
		if (b && n > 0)
			buf_append(body, b, (size_t)n);
		found = 1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return PTK_EIO;
	return found;
}

int
db_robots_put(struct db *d, const char *origin, double fetched_at, int status,
    int tries, const void *body, size_t len)
{
	sqlite3_stmt *s = d->st[S_RPUT];

	bind_text(s, 1, origin);
	sqlite3_bind_double(s, 2, fetched_at);
	sqlite3_bind_int(s, 3, status);
	sqlite3_bind_int(s, 4, tries);
	sqlite3_bind_blob(s, 5, len ? body : "", (int)len, SQLITE_STATIC);
	return step_done(s);
}

int64_t
db_meta_get(struct db *d, const char *key, int64_t def)
{
	sqlite3_stmt *s = d->st[S_MGET];
	int64_t v = def;

	bind_text(s, 1, key);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return v;
}

int
db_meta_set(struct db *d, const char *key, int64_t v)
{
	sqlite3_stmt *s = d->st[S_MSET];

	bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, v);
	return step_done(s);
}
