/*
 * dedup.c - sign, merge and filter (see dedup.h and docs/dedup.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <omp.h>
#include <sqlite3.h>
#include <xxhash.h>

#include "dedup.h"
#include "dedup_sort.h"
#include "doc.h"
#include "err.h"
#include "json.h"
#include "textnorm.h"
#include "xalloc.h"

#define DUP_INDEX (1ull << 63)	/* dec.dup names an index row, not a document */
#define NONE UINT64_MAX
#define BUCKET_REPS 8		/* bucket members each new member is compared with */
#define CLUSTER_KEPT_MAX 1024	/* kept members a cluster member is compared with */
#define KEEP_VERSION 1

enum { L_KEEP, L_EXACT, L_NEAR, L_LINES };
static const char *const level_name[] = { "kept", "exact", "near", "lines" };

struct dedup_ctx {
	struct dedup_opts o;
	struct mh mh;
	struct dedup_stats st;
	sqlite3 *db;
	int in_tx;
	char err[2048];
};

static int
fail(struct dedup_ctx *c, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	return rc;
}

struct dedup_ctx *
dedup_ctx_new(const struct dedup_opts *o)
{
	struct dedup_ctx *c = xcalloc(1, sizeof *c);

	c->o = *o;
	if (c->o.jobs < 1)
		c->o.jobs = 1;
	if (mh_init(&c->mh, &o->p.mh) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

int
dedup_ctx_finish(struct dedup_ctx *c, int commit)
{
	int rc = 0;

	if (c->db && c->in_tx) {
		if (sqlite3_exec(c->db, commit ? "COMMIT" : "ROLLBACK", NULL, NULL,
		    NULL) != SQLITE_OK) {
			rc = fail(c, PTK_EIO, "index '%s': %s", c->o.index,
			    sqlite3_errmsg(c->db));
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		}
		c->in_tx = 0;
	}
	return rc;
}

void
dedup_ctx_free(struct dedup_ctx *c)
{
	if (c == NULL)
		return;
	if (c->db) {
		dedup_ctx_finish(c, 0);
		sqlite3_close(c->db);
	}
	mh_release(&c->mh);
	free(c);
}

const char *
dedup_errmsg(const struct dedup_ctx *c)
{
	return c->err;
}

const struct dedup_stats *
dedup_stats(const struct dedup_ctx *c)
{
	return &c->st;
}

void
dedup_summary(const struct dedup_ctx *c, char *out, size_t n)
{
	const struct dedup_stats *s = &c->st;
	size_t len;
	int i;

	len = (size_t)snprintf(out, n,
	    "docs in %llu, kept %llu, removed %llu (exact %llu, near %llu, lines %llu; "
	    "%llu matching the index); lines removed %llu, docs trimmed %llu; "
	    "near clusters %llu, sizes",
	    (unsigned long long)s->docs, (unsigned long long)s->kept,
	    (unsigned long long)(s->removed[0] + s->removed[1] + s->removed[2]),
	    (unsigned long long)s->removed[0], (unsigned long long)s->removed[1],
	    (unsigned long long)s->removed[2], (unsigned long long)s->vs_index,
	    (unsigned long long)s->lines_removed, (unsigned long long)s->trimmed,
	    (unsigned long long)s->clusters);
	for (i = 0; i < DEDUP_HIST_BINS && len < n; i++) {
		unsigned long long lo = (1ull << i) + 1, hi = 1ull << (i + 1);
		if (s->hist[i] == 0)
			continue;
		if (lo == hi)
			len += (size_t)snprintf(out + len, n - len, " %llu:%llu", lo,
			    (unsigned long long)s->hist[i]);
		else
			len += (size_t)snprintf(out + len, n - len, " %llu-%llu:%llu",
			    lo, hi, (unsigned long long)s->hist[i]);
	}
	if (s->clusters == 0 && len < n)
		len += (size_t)snprintf(out + len, n - len, " -");
	if (c->o.index && len < n)
		snprintf(out + len, n - len, "; added to index %llu",
		    (unsigned long long)s->indexed);
}

/* ---- units: lines or paragraphs (the same split for sign and filter) ---- */

struct units {
	const char *t;
	size_t n, pos;
	int para, done;
};

static void
units_init(struct units *u, const char *t, size_t n, int para)
{
	u->t = t;
	u->n = n;
	u->pos = 0;
	u->para = para;
	u->done = 0;
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/*
 * Next unit: 1 with text [*s, *e) and its separator [*e, *se), 0 when done.
 * A line ends at '\n'.  A paragraph ends at a run of white space holding at
 * least two '\n' (a blank line); the run, with the white space ending the
 * last line, is the separator.  Text ending in a separator has a last, empty
 * unit, so units joined with their separators give back the text.
 */
static int
units_next(struct units *u, size_t *s, size_t *e, size_t *se)
{
	const char *t = u->t;
	size_t p = u->pos, q = p, n = u->n;

	if (u->done)
		return 0;
	for (;;) {
		const char *nl = q < n ? memchr(t + q, '\n', n - q) : NULL;
		size_t a, b;
		int nls = 1;

		if (nl == NULL) {
			*s = p;
			*e = *se = n;
			u->done = 1;
			return 1;
		}
		a = (size_t)(nl - t);
		if (!u->para) {
			*s = p;
			*e = a;
			*se = u->pos = a + 1;
			return 1;
		}
		for (b = a + 1; b < n && is_blank(t[b]); b++)
			nls += t[b] == '\n';
		if (nls >= 2) {
			while (a > p && (t[a - 1] == ' ' || t[a - 1] == '\t' ||
			    t[a - 1] == '\r'))
				a--;
			*s = p;
			*e = a;
			*se = u->pos = b;
			return 1;
		}
		q = b;
	}
}

static size_t
units_count(const char *t, size_t n, int para)
{
	struct units u;
	size_t s, e, se, k = 0;

	if (!para) {
		const char *p = t, *end = t + n;
		k = 1;
		while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			k++;
			p++;
		}
		return k;
	}
	units_init(&u, t, n, para);
	while (units_next(&u, &s, &e, &se))
		k++;
	return k;
}

/* ---- sign ---- */

struct sign_doc {
	size_t text_off, text_len, id_off, id_len, line_off;
	uint32_t nlines, nwords;
	uint64_t exact[2];
};

struct sign_thread {
	struct buf norm;
	struct mh_scratch ms;
};

#define SIGN_BATCH_DOCS 4096
#define SIGN_BATCH_BYTES ((size_t)16 << 20)

static void
sign_one(const struct dedup_ctx *c, struct sign_thread *th, const char *text,
    struct sign_doc *d, uint32_t *sig, uint64_t *lines)
{
	const struct dedup_params *p = &c->o.p;
	XXH128_hash_t h;

	tn_normalize(text + d->text_off, d->text_len, p->lowercase ? TN_LOWER : 0,
	    &th->norm);
	h = XXH3_128bits(th->norm.p ? th->norm.p : "", th->norm.len);
	d->exact[0] = h.low64;
	d->exact[1] = h.high64;
	d->nwords = 0;
	if (p->levels & DEDUP_NEAR) {
		tn_normalize(text + d->text_off, d->text_len, TN_LOWER | TN_NOPUNCT,
		    &th->norm);
		d->nwords = (uint32_t)mh_sign(&c->mh, th->norm.p ? th->norm.p : "",
		    th->norm.len, sig, &th->ms);
	}
	if (p->levels & DEDUP_LINES) {
		struct units u;
		size_t s, e, se, k = 0;

		units_init(&u, text + d->text_off, d->text_len, p->paragraphs);
		while (units_next(&u, &s, &e, &se)) {
			uint64_t hv = 0;
			tn_normalize(text + d->text_off + s, e - s,
			    TN_LOWER | TN_NOPUNCT | TN_DIGITS, &th->norm);
			if (th->norm.len > 0) {
				hv = XXH3_64bits(th->norm.p, th->norm.len);
				hv += hv == 0;
			}
			lines[k++] = hv;
		}
	}
}

int
dedup_sign(struct dedup_ctx *c, const char *in, const char *sig_path)
{
	const struct dedup_params *p = &c->o.p;
	struct doc_reader *r = NULL;
	struct dsig_writer *w = NULL;
	struct buf text = BUF_INIT, ids = BUF_INIT;
	struct sign_doc *docs = xcalloc(SIGN_BATCH_DOCS, sizeof *docs);
	struct sign_thread *th = xcalloc((size_t)c->o.jobs, sizeof *th);
	size_t k = (p->levels & DEDUP_NEAR) ? (size_t)c->mh.words : 0;
	uint32_t *sigs = xmalloc(SIGN_BATCH_DOCS * (k ? k : 1) * sizeof *sigs);
	uint64_t *lines = NULL;
	size_t lines_cap = 0;
	int rc, eof = 0, t;

	if ((rc = doc_reader_open(&r, in, c->o.doc_flags, c->o.max_record)) != 0) {
		fail(c, rc, "%s", doc_reader_errmsg(r));
		goto out;
	}
	if ((rc = dsig_writer_open(&w, sig_path, p, c->err, sizeof c->err)) != 0)
		goto out;
	while (!eof) {
		size_t n = 0, nlines = 0, i;
		struct doc d;

		buf_reset(&text);
		buf_reset(&ids);
		while (n < SIGN_BATCH_DOCS && text.len < SIGN_BATCH_BYTES) {
			if ((rc = doc_read(r, &d)) < 0) {
				fail(c, rc, "%s", doc_reader_errmsg(r));
				goto out;
			}
			if (rc == 0) {
				eof = 1;
				break;
			}
			docs[n].text_off = text.len;
			docs[n].text_len = d.text_len;
			docs[n].id_off = ids.len;
			docs[n].id_len = d.id_len;
			if ((rc = buf_append(&text, d.text, d.text_len)) != 0 ||
			    (rc = buf_append(&ids, d.id, d.id_len)) != 0) {
				fail(c, rc, "%s: out of buffer space", in ? in : "-");
				goto out;
			}
			docs[n].line_off = nlines;
			docs[n].nlines = 0;
			if (p->levels & DEDUP_LINES) {
				size_t u = units_count(d.text, d.text_len, p->paragraphs);
				if (u > UINT32_MAX) {
					rc = fail(c, PTK_ELIMIT, "%s: record %llu: too many lines",
					    doc_reader_name(r),
					    (unsigned long long)doc_reader_records(r));
					goto out;
				}
				docs[n].nlines = (uint32_t)u;
				nlines += u;
			}
			c->st.docs++;
			n++;
		}
		if (nlines > lines_cap) {
			lines_cap = nlines * 2;
			lines = xreallocarray(lines, lines_cap, sizeof *lines);
		}
		/* Documents are independent; each thread has its own scratch,
		 * and the results are written in input order below. */
#pragma omp parallel for schedule(dynamic, 8) num_threads(c->o.jobs)
		for (i = 0; i < n; i++)
			sign_one(c, &th[omp_get_thread_num()], text.p, &docs[i],
			    sigs + i * k, lines + docs[i].line_off);
		if (c->o.progress)
			c->o.progress(c->o.progress_arg, zio_offset(doc_reader_zio(r)),
			    doc_reader_records(r));
		for (i = 0; i < n; i++) {
			struct dsig_rec sr = {
				.exact = { docs[i].exact[0], docs[i].exact[1] },
				.nwords = docs[i].nwords,
				.nlines = docs[i].nlines,
				.mh = k ? sigs + i * k : NULL,
				.lines = lines + docs[i].line_off,
				.id = ids.p + docs[i].id_off,
				.id_len = docs[i].id_len,
			};
			if ((rc = dsig_write(w, &sr)) != 0) {
				fail(c, rc, "cannot write '%s': %s", sig_path,
				    strerror(errno));
				goto out;
			}
		}
	}
	c->st.bytes += zio_offset(doc_reader_zio(r));
	rc = dsig_writer_close(w, 1, c->err, sizeof c->err);
	w = NULL;
out:
	dsig_writer_close(w, 0, NULL, 0);
	doc_reader_free(r);
	for (t = 0; t < c->o.jobs; t++) {
		buf_release(&th[t].norm);
		mh_scratch_release(&th[t].ms);
	}
	free(th);
	free(docs);
	free(sigs);
	free(lines);
	buf_release(&text);
	buf_release(&ids);
	return rc;
}

/* ---- merge ---- */

struct dec {
	uint64_t dup;	/* document number, DUP_INDEX | index row, or NONE */
	float sim;
	uint8_t level;
};

struct merge {
	struct dedup_ctx *c;
	struct dsig_file **f;
	uint64_t *base;		/* (n + 1) first document number of each shard */
	int n;
	uint64_t total;
	int k;			/* signature length in uint32 words */
	struct dec *dec;	/* (total) */
	uint32_t *parent;	/* (total) union-find, root = smallest member */
	sqlite3_stmt *q_exact, *q_band, *q_sig, *q_id, *i_doc, *i_band;
};

static void
get(const struct merge *m, uint64_t g, struct dsig_rec *r)
{
	int lo = 0, hi = m->n - 1;

	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (m->base[mid] <= g)
			lo = mid;
		else
			hi = mid - 1;
	}
	dsig_get(m->f[lo], g - m->base[lo], r);
}

static uint32_t
uf_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void
uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

static double
sim_docs(struct merge *m, uint64_t a, uint64_t b)
{
	struct dsig_rec ra, rb;

	get(m, a, &ra);
	get(m, b, &rb);
	m->c->st.pairs++;
	return mh_similarity(&m->c->mh, ra.mh, rb.mh);
}

/* ---- the index (SQLite) ---- */

static const char index_schema[] =
"CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
"CREATE TABLE IF NOT EXISTS docs(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL,"
" exact BLOB NOT NULL UNIQUE, sig BLOB);"
"CREATE TABLE IF NOT EXISTS bands(key INTEGER NOT NULL, doc INTEGER NOT NULL,"
" PRIMARY KEY(key, doc)) WITHOUT ROWID;";

static int
db_fail(struct dedup_ctx *c)
{
	int code = sqlite3_errcode(c->db);

	return fail(c, code == SQLITE_CORRUPT || code == SQLITE_NOTADB ?
	    PTK_EFORMAT : PTK_EIO, "index '%s': %s", c->o.index,
	    sqlite3_errmsg(c->db));
}

static int
index_open(struct merge *m)
{
	struct dedup_ctx *c = m->c;
	const struct dedup_params *p = &c->o.p;
	char want[256];
	sqlite3_stmt *st = NULL;
	int rc;

	snprintf(want, sizeof want,
	    "ngram=%d bands=%d rows=%d bins=%d seed=%llu lowercase=%d",
	    p->mh.ngram, p->mh.bands, p->mh.rows, p->mh.bins,
	    (unsigned long long)p->mh.seed, p->lowercase);
	if (sqlite3_open_v2(c->o.index, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return db_fail(c);
	sqlite3_busy_timeout(c->db, 30000);
	if (sqlite3_exec(c->db, "PRAGMA cache_size=-65536", NULL, NULL, NULL) ||
	    sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return db_fail(c);
	c->in_tx = 1;
	if (sqlite3_exec(c->db, index_schema, NULL, NULL, NULL) ||
	    sqlite3_prepare_v2(c->db, "SELECT value FROM meta WHERE name='params'",
	    -1, &st, NULL))
		return db_fail(c);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *have = (const char *)sqlite3_column_text(st, 0);
		if (have == NULL || strcmp(have, want) != 0) {
			rc = fail(c, PTK_EFORMAT, "index '%s' was built with %s, not %s",
			    c->o.index, have ? have : "(none)", want);
			sqlite3_finalize(st);
			return rc;
		}
	} else if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		st = NULL;
		if (sqlite3_prepare_v2(c->db, "INSERT INTO meta VALUES('params', ?)",
		    -1, &st, NULL) || sqlite3_bind_text(st, 1, want, -1,
		    SQLITE_TRANSIENT) || sqlite3_step(st) != SQLITE_DONE) {
			rc = db_fail(c);
			sqlite3_finalize(st);
			return rc;
		}
	} else {
		rc = db_fail(c);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(c->db, "SELECT rowid FROM docs WHERE exact=?", -1,
	    &m->q_exact, NULL) ||
	    sqlite3_prepare_v2(c->db, "SELECT doc FROM bands WHERE key=? ORDER BY doc",
	    -1, &m->q_band, NULL) ||
	    sqlite3_prepare_v2(c->db, "SELECT sig FROM docs WHERE rowid=?", -1,
	    &m->q_sig, NULL) ||
	    sqlite3_prepare_v2(c->db, "SELECT id FROM docs WHERE rowid=?", -1,
	    &m->q_id, NULL) ||
	    sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO docs(id, exact, sig)"
	    " VALUES(?, ?, ?)", -1, &m->i_doc, NULL) ||
	    sqlite3_prepare_v2(c->db, "INSERT OR IGNORE INTO bands VALUES(?, ?)", -1,
	    &m->i_band, NULL))
		return db_fail(c);
	return 0;
}

static void
index_stmts_free(struct merge *m)
{
	sqlite3_finalize(m->q_exact);
	sqlite3_finalize(m->q_band);
	sqlite3_finalize(m->q_sig);
	sqlite3_finalize(m->q_id);
	sqlite3_finalize(m->i_doc);
	sqlite3_finalize(m->i_band);
}

/* Index row holding exact hash h, or 0; < 0 on error. */
static int64_t
index_exact(struct merge *m, const uint64_t h[2])
{
	int64_t row = 0;
	int rc;

	sqlite3_reset(m->q_exact);
	sqlite3_bind_blob(m->q_exact, 1, h, 16, SQLITE_STATIC);
	rc = sqlite3_step(m->q_exact);
	if (rc == SQLITE_ROW)
		row = sqlite3_column_int64(m->q_exact, 0);
	else if (rc != SQLITE_DONE)
		return db_fail(m->c);
	sqlite3_reset(m->q_exact);
	return row;
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * The first index row (in insertion order) whose signature is within the
 * threshold of sig, among those sharing a band with it: 0 if none, < 0 on
 * error; *sim gets the similarity.
 */
static int64_t
index_near(struct merge *m, const uint32_t *sig, double *sim)
{
	int64_t cand[256];
	size_t nc = 0, i;
	int b, rc;

	for (b = 0; b < m->c->mh.p.bands; b++) {
		sqlite3_reset(m->q_band);
		sqlite3_bind_int64(m->q_band, 1,
		    (int64_t)mh_band_key(&m->c->mh, sig, b));
		while ((rc = sqlite3_step(m->q_band)) == SQLITE_ROW &&
		    nc < sizeof cand / sizeof cand[0])
			cand[nc++] = sqlite3_column_int64(m->q_band, 0);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_fail(m->c);
	}
	sqlite3_reset(m->q_band);
	qsort(cand, nc, sizeof cand[0], cmp_i64);
	for (i = 0; i < nc; i++) {
		const void *blob;
		double s = 0;
		if (i > 0 && cand[i] == cand[i - 1])
			continue;
		sqlite3_reset(m->q_sig);
		sqlite3_bind_int64(m->q_sig, 1, cand[i]);
		rc = sqlite3_step(m->q_sig);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_fail(m->c);
		if (rc == SQLITE_ROW && (blob = sqlite3_column_blob(m->q_sig, 0)) &&
		    sqlite3_column_bytes(m->q_sig, 0) == 4 * m->k) {
			uint32_t other[MH_MAX_HASHES + MH_MAX_BINS / 2];
			memcpy(other, blob, 4 * (size_t)m->k);
			m->c->st.pairs++;
			s = mh_similarity(&m->c->mh, sig, other);
		}
		sqlite3_reset(m->q_sig);
		if (s >= m->c->o.threshold) {
			*sim = s;
			return cand[i];
		}
	}
	return 0;
}

static int
index_add(struct merge *m, uint64_t g)
{
	struct dsig_rec r;
	int b, rc;
	int64_t row;

	get(m, g, &r);
	sqlite3_reset(m->i_doc);
	sqlite3_bind_text(m->i_doc, 1, r.id, (int)r.id_len, SQLITE_STATIC);
	sqlite3_bind_blob(m->i_doc, 2, r.exact, 16, SQLITE_STATIC);
	if (r.mh && r.nwords > 0)
		sqlite3_bind_blob(m->i_doc, 3, r.mh, 4 * m->k, SQLITE_STATIC);
	else
		sqlite3_bind_null(m->i_doc, 3);
	if ((rc = sqlite3_step(m->i_doc)) != SQLITE_DONE)
		return db_fail(m->c);
	sqlite3_reset(m->i_doc);
	/* An exact copy of a document already there is not added again. */
	if (sqlite3_changes(m->c->db) == 0)
		return 0;
	m->c->st.indexed++;
	row = sqlite3_last_insert_rowid(m->c->db);
	if (r.mh == NULL || r.nwords == 0)
		return 0;
	for (b = 0; b < m->c->mh.p.bands; b++) {
		sqlite3_reset(m->i_band);
		sqlite3_bind_int64(m->i_band, 1, (int64_t)mh_band_key(&m->c->mh, r.mh, b));
		sqlite3_bind_int64(m->i_band, 2, row);
		if (sqlite3_step(m->i_band) != SQLITE_DONE)
			return db_fail(m->c);
	}
	sqlite3_reset(m->i_band);
	return 0;
}

/* ---- merge phases ---- */

static int
sort_fail(struct merge *m, struct dsort *s)
{
	return fail(m->c, PTK_EIO, "%s", dsort_errmsg(s));
}

static int
merge_exact(struct merge *m)
{
	struct dsort *s = NULL;
	const uint64_t *rec;
	uint64_t g, prev[2] = { 0, 0 }, first = NONE;
	int rc = 0;

	if (m->c->db) {
		for (g = 0; g < m->total; g++) {
			struct dsig_rec r;
			int64_t row;
			get(m, g, &r);
			if ((row = index_exact(m, r.exact)) < 0)
				return (int)row;
			if (row > 0) {
				m->dec[g] = (struct dec){ DUP_INDEX | (uint64_t)row, 1.0f,
				    L_EXACT };
				m->c->st.vs_index++;
			}
		}
	}
	s = dsort_new(3, 3, m->c->o.mem, m->c->o.tmpdir);
	for (g = 0; g < m->total; g++) {
		struct dsig_rec r;
		uint64_t x[3];
		if (m->dec[g].level)
			continue;
		get(m, g, &r);
		x[0] = r.exact[1];
		x[1] = r.exact[0];
		x[2] = g;
		if ((rc = dsort_add(s, x)) != 0)
			goto fail;
	}
	if ((rc = dsort_done(s)) != 0)
		goto fail;
	while ((rc = dsort_next(s, &rec)) == 1) {
		if (first != NONE && rec[0] == prev[0] && rec[1] == prev[1]) {
			m->dec[rec[2]] = (struct dec){ first, 1.0f, L_EXACT };
			continue;
		}
		prev[0] = rec[0];
		prev[1] = rec[1];
		first = rec[2];
	}
	if (rc < 0)
		goto fail;
	dsort_free(s);
	return 0;
fail:
	rc = sort_fail(m, s);
	dsort_free(s);
	return rc;
}

static int
near_eligible(struct merge *m, uint64_t g, struct dsig_rec *r)
{
	if (m->dec[g].level)
		return 0;
	get(m, g, r);
	return r->nwords > 0;
}

static int
merge_near(struct merge *m)
{
	struct dedup_ctx *c = m->c;
	double t = c->o.threshold;
	struct dsort *s = NULL;
	const uint64_t *rec;
	uint64_t g, key = 0, reps[BUCKET_REPS], *kept = NULL;
	size_t nreps = 0, i;
	unsigned char *mark = NULL;
	int rc = 0, have = 0, b;

	if (c->db) {
		for (g = 0; g < m->total; g++) {
			struct dsig_rec r;
			double sim = 0;
			int64_t row;
			if (!near_eligible(m, g, &r))
				continue;
			if ((row = index_near(m, r.mh, &sim)) < 0)
				return (int)row;
			if (row > 0) {
				m->dec[g] = (struct dec){ DUP_INDEX | (uint64_t)row,
				    (float)sim, L_NEAR };
				c->st.vs_index++;
			}
		}
	}
	if (m->total > UINT32_MAX - 1)
		return fail(c, PTK_ELIMIT, "more than %u documents in one merge",
		    UINT32_MAX - 1);
	m->parent = xmalloc(sizeof *m->parent * (m->total ? m->total : 1));
	for (g = 0; g < m->total; g++)
		m->parent[g] = (uint32_t)g;

	/* Candidates: documents sharing a band key.  Each member of a bucket is
	 * compared with up to BUCKET_REPS earlier members that did not match
	 * one before them, and joins the first it matches. */
	s = dsort_new(2, 2, c->o.mem, c->o.tmpdir);
	for (g = 0; g < m->total; g++) {
		struct dsig_rec r;
		if (!near_eligible(m, g, &r))
			continue;
		for (b = 0; b < c->mh.p.bands; b++) {
			uint64_t x[2] = { mh_band_key(&c->mh, r.mh, b), g };
			if ((rc = dsort_add(s, x)) != 0)
				goto sortfail;
		}
	}
	if ((rc = dsort_done(s)) != 0)
		goto sortfail;
	while ((rc = dsort_next(s, &rec)) == 1) {
		if (!have || rec[0] != key) {
			have = 1;
			key = rec[0];
			reps[0] = rec[1];
			nreps = 1;
			continue;
		}
		for (i = 0; i < nreps; i++) {
			if (uf_find(m->parent, (uint32_t)reps[i]) ==
			    uf_find(m->parent, (uint32_t)rec[1]))
				break;
			if (sim_docs(m, reps[i], rec[1]) >= t) {
				uf_union(m->parent, (uint32_t)reps[i], (uint32_t)rec[1]);
				break;
			}
		}
		if (i == nreps && nreps < BUCKET_REPS)
			reps[nreps++] = rec[1];
	}
	if (rc < 0)
		goto sortfail;
	dsort_free(s);
	s = NULL;

	/* Clusters, in order of their first member.  The first member is kept;
	 * every other member is removed only if it is within the threshold of
	 * a member kept before it (not merely of a neighbour in a chain), else
	 * it is kept too. */
	mark = xcalloc(m->total / 8 + 1, 1);
	s = dsort_new(2, 2, c->o.mem, c->o.tmpdir);
	for (g = 0; g < m->total; g++) {
		uint32_t root = uf_find(m->parent, (uint32_t)g);
		if (root != g) {
			uint64_t x[2] = { root, g };
			mark[root / 8] |= (unsigned char)(1u << (root % 8));
			if ((rc = dsort_add(s, x)) != 0)
				goto sortfail;
		}
	}
	for (g = 0; g < m->total; g++)
		if (mark[g / 8] & (1u << (g % 8))) {
			uint64_t x[2] = { g, g };
			if ((rc = dsort_add(s, x)) != 0)
				goto sortfail;
		}
	if ((rc = dsort_done(s)) != 0)
		goto sortfail;
	kept = xmalloc(sizeof *kept * CLUSTER_KEPT_MAX);
	{
		uint64_t root = NONE, size = 0;
		size_t nkept = 0;

		for (;;) {
			rc = dsort_next(s, &rec);
			if (rc < 0)
				goto sortfail;
			if (rc == 0 || rec[0] != root) {
				if (root != NONE) {
					int bin = 63 - __builtin_clzll(size - 1);
					c->st.clusters++;
					c->st.hist[bin < DEDUP_HIST_BINS ? bin :
					    DEDUP_HIST_BINS - 1]++;
				}
				if (rc == 0)
					break;
				root = rec[0];
				size = 1;
				kept[0] = rec[1];
				nkept = 1;
				continue;
			}
			size++;
			for (i = 0; i < nkept; i++) {
				double sim = sim_docs(m, rec[1], kept[i]);
				if (sim >= t) {
					m->dec[rec[1]] = (struct dec){ kept[i],
					    (float)sim, L_NEAR };
					break;
				}
			}
			if (i == nkept && nkept < CLUSTER_KEPT_MAX)
				kept[nkept++] = rec[1];
		}
	}
	rc = 0;
	goto out;
sortfail:
	rc = sort_fail(m, s);
out:
	dsort_free(s);
	free(mark);
	free(kept);
	free(m->parent);
	m->parent = NULL;
	return rc;
}

/*
 * Repeated units: among the documents still kept, a unit whose normalised
 * form is in at least line_count documents is removed from all but the
 * first.  Returns the removals, sorted by (document, unit), in *out:
 * records (document, unit, first document).
 */
static int
merge_lines(struct merge *m, struct dsort **out)
{
	struct dedup_ctx *c = m->c;
	struct dsort *s = dsort_new(3, 3, c->o.mem, c->o.tmpdir), *rm;
	const uint64_t *rec;
	uint64_t g, hash = 0, first = NONE, last = NONE, ndocs = 0, *pend = NULL;
	size_t npend = 0, cap = 0, i;
	int rc, have = 0;

	rm = dsort_new(3, 2, c->o.mem, c->o.tmpdir);
	*out = rm;
	for (g = 0; g < m->total; g++) {
		struct dsig_rec r;
		uint32_t u;
		if (m->dec[g].level)
			continue;
		get(m, g, &r);
		for (u = 0; u < r.nlines; u++) {
			uint64_t x[3] = { r.lines[u], g, u };
			if (r.lines[u] == 0)
				continue;
			if ((rc = dsort_add(s, x)) != 0)
				goto sortfail;
		}
	}
	if ((rc = dsort_done(s)) != 0)
		goto sortfail;
	/* Within a hash group records come by document: hold them back until
	 * the group reaches line_count documents, then let them through. */
	while ((rc = dsort_next(s, &rec)) >= 0) {
		if (rc == 0 || !have || rec[0] != hash) {
			if (rc == 0)
				break;
			have = 1;
			hash = rec[0];
			first = last = rec[1];
			ndocs = 1;
			npend = 0;
			continue;
		}
		if (rec[1] != last) {
			last = rec[1];
			ndocs++;
		}
		if (rec[1] == first)
			continue;
		if ((long)ndocs < c->o.line_count) {
			if (npend + 3 > cap) {
				cap = cap ? cap * 2 : 96;
				pend = xreallocarray(pend, cap, sizeof *pend);
			}
			pend[npend++] = rec[1];
			pend[npend++] = rec[2];
			pend[npend++] = first;
			continue;
		}
		for (i = 0; i < npend; i += 3)
			if ((rc = dsort_add(rm, pend + i)) != 0)
				goto rmfail;
		npend = 0;
		{
			uint64_t x[3] = { rec[1], rec[2], first };
			if ((rc = dsort_add(rm, x)) != 0)
				goto rmfail;
		}
	}
	if (rc < 0)
		goto sortfail;
	dsort_free(s);
	free(pend);
	if ((rc = dsort_done(rm)) != 0)
		return fail(c, rc, "%s", dsort_errmsg(rm));
	return 0;
rmfail:
	rc = fail(c, rc, "%s", dsort_errmsg(rm));
	dsort_free(s);
	free(pend);
	return rc;
sortfail:
	rc = sort_fail(m, s);
	dsort_free(s);
	free(pend);
	return rc;
}

/* Append the id of document or index row dup as a JSON string. */
static int
put_dup_id(struct merge *m, struct buf *b, uint64_t dup)
{
	struct dsig_rec r;

	if (dup & DUP_INDEX) {
		const char *id = "";
		int n = 0, rc;
		sqlite3_reset(m->q_id);
		sqlite3_bind_int64(m->q_id, 1, (int64_t)(dup & ~DUP_INDEX));
		rc = sqlite3_step(m->q_id);
		if (rc == SQLITE_ROW) {
			id = (const char *)sqlite3_column_text(m->q_id, 0);
			n = sqlite3_column_bytes(m->q_id, 0);
		} else if (rc != SQLITE_DONE) {
			return db_fail(m->c);
		}
		rc = json_write_string(b, id ? id : "", (size_t)n) < 0 ? PTK_ELIMIT : 0;
		sqlite3_reset(m->q_id);
		return rc;
	}
	get(m, dup, &r);
	return json_write_string(b, r.id, r.id_len) < 0 ? PTK_ELIMIT : 0;
}

static int
write_keep(struct merge *m, int sh, const char *path, struct dsort *rm,
    const uint64_t **rmrec, int *rmrc)
{
	struct dedup_ctx *c = m->c;
	struct zio_writer *w = NULL;
	struct buf b = BUF_INIT;
	uint64_t i, n = dsig_count(m->f[sh]);
	int rc;

	if (zio_writer_open(&w, path, 1, ZIO_DEFAULT_LEVEL) != 0)
		return fail(c, PTK_EIO, "cannot create '%s': %s", path, strerror(errno));
	buf_printf(&b, "{\"ptk_dedup_keep\":%d,\"records\":%llu,\"min_length\":%ld}\n",
	    KEEP_VERSION, (unsigned long long)n, c->o.min_length);
	for (i = 0; i < n; i++) {
		uint64_t g = m->base[sh] + i;
		const struct dec *d = &m->dec[g];
		struct dsig_rec r;

		if (d->level == L_KEEP && !(*rmrc == 1 && (*rmrec)[0] == g))
			continue;
		dsig_get(m->f[sh], i, &r);
		buf_printf(&b, "{\"record\":%llu,\"id\":", (unsigned long long)i + 1);
		json_write_string(&b, r.id, r.id_len);
		if (d->level != L_KEEP) {
			buf_printf(&b, ",\"level\":\"%s\",\"duplicate_of\":",
			    level_name[d->level]);
			if ((rc = put_dup_id(m, &b, d->dup)) != 0)
				goto out;
			buf_printf(&b, ",\"similarity\":%.6g}\n", (double)d->sim);
		} else {
			const char *sep = "";
			uint64_t line_of = (*rmrec)[2];
			buf_printf(&b, ",\"drop_lines\":[");
			c->st.trimmed++;
			while (*rmrc == 1 && (*rmrec)[0] == g) {
				buf_printf(&b, "%s%llu", sep,
				    (unsigned long long)(*rmrec)[1]);
				sep = ",";
				c->st.lines_removed++;
				*rmrc = dsort_next(rm, rmrec);
			}
			if (*rmrc < 0) {
				rc = fail(c, *rmrc, "%s", dsort_errmsg(rm));
				goto out;
			}
			buf_printf(&b, "],\"line_of\":");
			if ((rc = put_dup_id(m, &b, line_of)) != 0)
				goto out;
			buf_printf(&b, "}\n");
		}
		if (b.len >= (1u << 16) && (rc = zio_write_buf(w, &b)) != 0)
			goto io;
	}
	if ((rc = zio_write_buf(w, &b)) != 0)
		goto io;
	buf_release(&b);
	if ((rc = zio_writer_close(w, 1)) != 0)
		return fail(c, rc, "cannot write '%s': %s", path, strerror(errno));
	return 0;
io:
	fail(c, rc, "cannot write '%s': %s", path, strerror(errno));
out:
	buf_release(&b);
	zio_writer_close(w, 0);
	return rc;
}

static int
same_params(const struct dedup_params *a, const struct dedup_params *b,
    unsigned levels)
{
	if ((levels & (DEDUP_EXACT | DEDUP_NEAR)) && a->lowercase != b->lowercase)
		return 0;
	if ((levels & DEDUP_NEAR) && (a->mh.ngram != b->mh.ngram ||
	    a->mh.bands != b->mh.bands || a->mh.rows != b->mh.rows ||
	    a->mh.seed != b->mh.seed || a->mh.bins != b->mh.bins))
		return 0;
	if ((levels & DEDUP_LINES) && a->paragraphs != b->paragraphs)
		return 0;
	return 1;
}

int
dedup_merge(struct dedup_ctx *c, char *const *sigs, int n, char *const *keep)
{
	struct merge m = { .c = c, .n = n };
	unsigned levels = c->o.p.levels;
	struct dsort *rm = NULL;
	const uint64_t *rmrec = NULL;
	int rc = 0, i, rmrc = 0;
	uint64_t g;

	if (n < 1)
		return fail(c, PTK_EAPI, "no signature files to merge");
	m.f = xcalloc((size_t)n, sizeof *m.f);
	m.base = xcalloc((size_t)n + 1, sizeof *m.base);
	for (i = 0; i < n; i++) {
		const struct dedup_params *p;
		if ((rc = dsig_open(&m.f[i], sigs[i], c->err, sizeof c->err)) != 0)
			goto out;
		p = dsig_params(m.f[i]);
		if ((p->levels & levels) != levels) {
			rc = fail(c, PTK_EFORMAT,
			    "%s: signed without the levels asked for (signed: %s%s%s)",
			    sigs[i], p->levels & DEDUP_EXACT ? "exact " : "",
			    p->levels & DEDUP_NEAR ? "near " : "",
			    p->levels & DEDUP_LINES ? "lines" : "");
			goto out;
		}
		if (!same_params(p, &c->o.p, levels)) {
			rc = fail(c, PTK_EFORMAT,
			    "%s: signed with other parameters (ngram %d, bands %d, rows %d, "
			    "bins %d, seed %llu, lowercase %d, paragraphs %d)", sigs[i],
			    p->mh.ngram, p->mh.bands, p->mh.rows, p->mh.bins,
			    (unsigned long long)p->mh.seed, p->lowercase, p->paragraphs);
			goto out;
		}
		m.base[i] = m.total;
		m.total += dsig_count(m.f[i]);
	}
	m.base[n] = m.total;
	m.k = c->mh.words;	/* signature words, for blobs */
	m.dec = xcalloc(m.total ? m.total : 1, sizeof *m.dec);
	if (c->o.index && (rc = index_open(&m)) != 0)
		goto out;
	if ((levels & DEDUP_EXACT) && (rc = merge_exact(&m)) != 0)
		goto out;
	if ((levels & DEDUP_NEAR) && (rc = merge_near(&m)) != 0)
		goto out;
	/* An exact copy of a document that near removed names what that
	 * document duplicates: duplicate_of always names a document kept (or
	 * in the index).  Equal exact-normalised texts have equal signatures. */
	for (g = 0; g < m.total; g++) {
		struct dec *d = &m.dec[g];
		if (d->level == L_EXACT && !(d->dup & DUP_INDEX) &&
		    m.dec[d->dup].level == L_NEAR)
			*d = m.dec[d->dup];
	}
	if (levels & DEDUP_LINES) {
		if ((rc = merge_lines(&m, &rm)) != 0)
			goto out;
		rmrc = dsort_next(rm, &rmrec);
		if (rmrc < 0) {
			rc = fail(c, rmrc, "%s", dsort_errmsg(rm));
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		if ((rc = write_keep(&m, i, keep[i], rm, &rmrec, &rmrc)) != 0)
			goto out;
	c->st.docs = m.total;
	c->st.removed[0] = c->st.removed[1] = 0;
	for (g = 0; g < m.total; g++) {
		if (m.dec[g].level == L_EXACT)
			c->st.removed[0]++;
		else if (m.dec[g].level == L_NEAR)
			c->st.removed[1]++;
	}
	c->st.kept = m.total - c->st.removed[0] - c->st.removed[1];
	if (c->db)
		for (g = 0; g < m.total; g++)
			if (m.dec[g].level == L_KEEP && (rc = index_add(&m, g)) != 0)
				goto out;
out:
	dsort_free(rm);
	index_stmts_free(&m);
	for (i = 0; i < n; i++)
		dsig_close(m.f[i]);
	free(m.f);
	free(m.base);
	free(m.dec);
	free(m.parent);
	return rc;
}

/* ---- filter ---- */

struct keep_entry {
	uint64_t record;	/* 1-based; 0: none left */
	int level;		/* L_EXACT, L_NEAR, or L_KEEP with lines to drop */
	struct buf id, dup;
	double sim;
	uint64_t *drop;		/* (ndrop) units, ascending */
	size_t ndrop, cap;
};

struct keep_reader {
	struct zio_reader *z;
	struct buf scratch, str;
	const char *name;
	uint64_t line_no, records, last;
	long min_length;
};

static int
keep_bad(struct dedup_ctx *c, struct keep_reader *k, uint64_t off, const char *why)
{
	return fail(c, PTK_EFORMAT, "%s: record %llu at byte %llu: %s", k->name,
	    (unsigned long long)k->line_no, (unsigned long long)off, why);
}

/* Read a JSON string member value into out (NUL-terminated). */
static int
read_str(const char **pp, const char *end, struct buf *out, const char **why)
{
	struct buf tmp = BUF_INIT;
	const char *v;
	size_t n;
	int rc;

	if (*pp >= end || **pp != '"') {
		*why = "expected a string";
		return PTK_EFORMAT;
	}
	if ((rc = json_read_string(pp, end, &tmp, &v, &n, 0, NULL, why)) != 0) {
		buf_release(&tmp);
		return rc;
	}
	buf_reset(out);
	rc = buf_append(out, v, n);
	buf_release(&tmp);
	return rc;
}

/*
 * Parse one keep-list line.  hdr: the first line.  Members not known are
 * an error, so that a newer format is not half understood.
 */
static int
keep_parse(struct dedup_ctx *c, struct keep_reader *k, const char *line,
    size_t len, uint64_t off, struct keep_entry *e, int hdr)
{
	const char *p = line, *end = line + len, *why = "bad JSON";
	int rc, have_record = 0, have_version = 0, have_count = 0;

#define BAD(msg) do { why = (msg); goto bad; } while (0)
	e->level = L_KEEP;
	e->ndrop = 0;
	e->sim = 0;
	buf_reset(&e->id);
	buf_reset(&e->dup);
	p = json_skip_ws(p, end);
	if (p >= end || *p++ != '{')
		BAD("expected a JSON object");
	p = json_skip_ws(p, end);
	if (p < end && *p == '}')
		p++;
	else
		for (;;) {
			unsigned long long v;
			p = json_skip_ws(p, end);
			if ((rc = read_str(&p, end, &k->str, &why)) != 0)
				goto bad;
			p = json_skip_ws(p, end);
			if (p >= end || *p++ != ':')
				BAD("expected ':'");
			p = json_skip_ws(p, end);
#define KEY(s) (k->str.len == sizeof(s) - 1 && memcmp(k->str.p, s, sizeof(s) - 1) == 0)
			if (hdr && KEY("ptk_dedup_keep")) {
				if ((rc = json_read_u64(&p, end, &v, &why)) != 0)
					goto bad;
				if (v != KEEP_VERSION)
					BAD("unsupported keep-list version");
				have_version = 1;
			} else if (hdr && KEY("records")) {
				if ((rc = json_read_u64(&p, end, &v, &why)) != 0)
					goto bad;
				k->records = v;
				have_count = 1;
			} else if (hdr && KEY("min_length")) {
				if ((rc = json_read_u64(&p, end, &v, &why)) != 0)
					goto bad;
				if (v > LONG_MAX)
					BAD("min_length out of range");
				k->min_length = (long)v;
			} else if (!hdr && KEY("record")) {
				if ((rc = json_read_u64(&p, end, &v, &why)) != 0)
					goto bad;
				e->record = v;
				have_record = 1;
			} else if (!hdr && KEY("id")) {
				if ((rc = read_str(&p, end, &e->id, &why)) != 0)
					goto bad;
			} else if (!hdr && (KEY("duplicate_of") || KEY("line_of"))) {
				if ((rc = read_str(&p, end, &e->dup, &why)) != 0)
					goto bad;
			} else if (!hdr && KEY("level")) {
				if ((rc = read_str(&p, end, &k->str, &why)) != 0)
					goto bad;
				if (strcmp(k->str.p, "exact") == 0)
					e->level = L_EXACT;
				else if (strcmp(k->str.p, "near") == 0)
					e->level = L_NEAR;
				else
					BAD("unknown level");
			} else if (!hdr && KEY("similarity")) {
				const char *s = p;
				char num[64];
				if ((rc = json_skip_value(&p, end, &why)) != 0)
					goto bad;
				if ((size_t)(p - s) >= sizeof num || *s == '"' ||
				    *s == '{' || *s == '[')
					BAD("bad similarity");
				memcpy(num, s, (size_t)(p - s));
				num[p - s] = '\0';
				e->sim = strtod(num, NULL);
			} else if (!hdr && KEY("drop_lines")) {
				if (p >= end || *p++ != '[')
					BAD("drop_lines must be an array");
				p = json_skip_ws(p, end);
				if (p < end && *p == ']')
					p++;
				else
					for (;;) {
						p = json_skip_ws(p, end);
						if ((rc = json_read_u64(&p, end, &v, &why)) != 0)
							goto bad;
						if (e->ndrop && v <= e->drop[e->ndrop - 1])
							BAD("drop_lines not ascending");
						if (e->ndrop == e->cap) {
							e->cap = e->cap ? e->cap * 2 : 16;
							e->drop = xreallocarray(e->drop, e->cap,
							    sizeof *e->drop);
						}
						e->drop[e->ndrop++] = v;
						p = json_skip_ws(p, end);
						if (p < end && *p == ',') {
							p++;
							continue;
						}
						if (p < end && *p == ']') {
							p++;
							break;
						}
						BAD("expected ',' or ']'");
					}
			} else {
				BAD("unknown member");
			}
#undef KEY
			p = json_skip_ws(p, end);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == '}') {
				p++;
				break;
			}
			BAD("expected ',' or '}'");
		}
	p = json_skip_ws(p, end);
	if (p != end)
		BAD("text after the object");
	if (hdr && (!have_version || !have_count))
		BAD("not a dedup keep-list header");
	if (!hdr && (!have_record || e->record <= k->last ||
	    e->record > k->records))
		BAD("record number missing, out of order or out of range");
	if (!hdr && e->level == L_KEEP && e->ndrop == 0)
		BAD("entry neither removes the record nor drops lines");
	if (!hdr)
		k->last = e->record;
	return 0;
bad:
	return keep_bad(c, k, off + (uint64_t)(p - line), why);
#undef BAD
}

/* Next entry into e (e->record = 0 at the end). */
static int
keep_next(struct dedup_ctx *c, struct keep_reader *k, struct keep_entry *e)
{
	const char *line;
	size_t len;
	uint64_t off;
	int rc;

	e->record = 0;
	for (;;) {
		rc = zio_getline(k->z, &k->scratch, (size_t)64 << 20, &line, &len, &off);
		if (rc < 0)
			return fail(c, rc, "%s", zio_errmsg(k->z));
		if (rc == 0)
			return 0;
		k->line_no++;
		if (len > 0)
			break;
	}
	return keep_parse(c, k, line, len, off, e, 0);
}

static int
report_line(struct buf *b, const struct doc *d, const char *level,
    const struct buf *dup, double sim)
{
	buf_printf(b, "{\"id\":");
	json_write_string(b, d->id, d->id_len);
	buf_printf(b, ",\"duplicate_of\":");
	json_write_string(b, dup->p ? dup->p : "", dup->len);
	return buf_printf(b, ",\"level\":\"%s\",\"similarity\":%.6g}\n", level, sim);
}

int
dedup_filter(struct dedup_ctx *c, const char *in, const char *keep,
    struct zio_writer *out, struct zio_writer *report)
{
	struct keep_reader k = { 0 };
	struct keep_entry e = { 0 };
	struct doc_reader *r = NULL;
	struct buf ob = BUF_INIT, rb = BUF_INIT, text = BUF_INIT;
	struct doc d;
	const char *line;
	size_t len;
	uint64_t off, recno = 0;
	int rc;

	k.name = keep;
	if ((rc = zio_reader_open(&k.z, keep)) != 0) {
		fail(c, rc, "%s", zio_errmsg(k.z));
		goto out;
	}
	do {
		rc = zio_getline(k.z, &k.scratch, (size_t)64 << 20, &line, &len, &off);
		if (rc < 0) {
			fail(c, rc, "%s", zio_errmsg(k.z));
			goto out;
		}
		if (rc == 0) {
			rc = fail(c, PTK_EFORMAT, "%s: empty keep-list", keep);
			goto out;
		}
		k.line_no++;
	} while (len == 0);
	if ((rc = keep_parse(c, &k, line, len, off, &e, 1)) != 0)
		goto out;
	if ((rc = keep_next(c, &k, &e)) != 0)
		goto out;
	if ((rc = doc_reader_open(&r, in, c->o.doc_flags, c->o.max_record)) != 0) {
		fail(c, rc, "%s", doc_reader_errmsg(r));
		goto out;
	}
	while ((rc = doc_read(r, &d)) == 1) {
		recno++;
		c->st.docs++;
		if (recno > k.records) {
			rc = fail(c, PTK_EFORMAT,
			    "%s: record %llu: more records than keep-list '%s' has (%llu)",
			    doc_reader_name(r), (unsigned long long)recno, keep,
			    (unsigned long long)k.records);
			goto out;
		}
		if (e.record == recno) {
			if (e.id.len != d.id_len || memcmp(e.id.p, d.id, d.id_len) != 0) {
				rc = fail(c, PTK_EFORMAT,
				    "%s: record %llu: id does not match keep-list '%s' "
				    "(not the shard that was signed?)", doc_reader_name(r),
				    (unsigned long long)recno, keep);
				goto out;
			}
			if (e.level != L_KEEP) {
				c->st.removed[e.level - 1]++;
				if (report)
					report_line(&rb, &d, level_name[e.level], &e.dup, e.sim);
				goto next;
			} else {
				struct units u;
				size_t s, en, se, ui = 0, di = 0, removed = 0;
				size_t last_sep = SIZE_MAX;
				int last_dropped = 0;

				buf_reset(&text);
				units_init(&u, d.text, d.text_len, c->o.p.paragraphs);
				while (units_next(&u, &s, &en, &se)) {
					if (di < e.ndrop && e.drop[di] == ui) {
						di++;
						removed += tn_count_nonspace(d.text + s, en - s);
						last_dropped = 1;
					} else {
						buf_append(&text, d.text + s, en - s);
						last_sep = text.len;
						buf_append(&text, d.text + en, se - en);
						last_dropped = 0;
					}
					ui++;
				}
				c->st.lines_removed += e.ndrop;
				if (di != e.ndrop) {
					rc = fail(c, PTK_EFORMAT,
					    "%s: record %llu: keep-list '%s' drops line %llu "
					    "of %llu", doc_reader_name(r),
					    (unsigned long long)recno, keep,
					    (unsigned long long)e.drop[di],
					    (unsigned long long)ui);
					goto out;
				}
				if (last_dropped && last_sep != SIZE_MAX)
					text.len = last_sep;
				if ((long)tn_count_nonspace(text.p ? text.p : "", text.len) <
				    k.min_length) {
					c->st.removed[2]++;
					size_t all = tn_count_nonspace(d.text, d.text_len);
					if (report)
						report_line(&rb, &d, "lines", &e.dup, all ?
						    (double)removed / (double)all : 1.0);
					goto next;
				}
				c->st.trimmed++;
				d.text = text.p ? text.p : "";
				d.text_len = text.len;
				d.raw = NULL;
			}
		}
		c->st.kept++;
		if ((rc = doc_write(&ob, &d)) != 0) {
			fail(c, rc, "%s: record %llu: output record too long",
			    doc_reader_name(r), (unsigned long long)recno);
			goto out;
		}
next:
		if (e.record == recno && (rc = keep_next(c, &k, &e)) != 0)
			goto out;
		if (c->o.progress && recno % 4096 == 0)
			c->o.progress(c->o.progress_arg, zio_offset(doc_reader_zio(r)),
			    recno);
		if (ob.len >= (1u << 16) && (rc = zio_write_buf(out, &ob)) != 0)
			goto io;
		if (report && rb.len >= (1u << 16) && (rc = zio_write_buf(report, &rb)) != 0)
			goto io;
	}
	if (rc < 0) {
		fail(c, rc, "%s", doc_reader_errmsg(r));
		goto out;
	}
	if (recno != k.records) {
		rc = fail(c, PTK_EFORMAT, "%s: %llu records, but keep-list '%s' is for %llu",
		    doc_reader_name(r), (unsigned long long)recno, keep,
		    (unsigned long long)k.records);
		goto out;
	}
	c->st.bytes += zio_offset(doc_reader_zio(r));
	if ((rc = zio_write_buf(out, &ob)) != 0 ||
	    (report && (rc = zio_write_buf(report, &rb)) != 0))
		goto io;
	rc = 0;
	goto out;
io:
	fail(c, rc, "write error: %s", strerror(errno));
out:
	doc_reader_free(r);
	zio_reader_free(k.z);
	buf_release(&k.scratch);
	buf_release(&k.str);
	buf_release(&e.id);
	buf_release(&e.dup);
	free(e.drop);
	buf_release(&ob);
	buf_release(&rb);
	buf_release(&text);
	return rc;
}

/* ---- one shot ---- */

/* Copy standard input to path. */
static int
spool_stdin(struct dedup_ctx *c, const char *path)
{
	char b[1 << 16];
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		return fail(c, PTK_EIO, "cannot create '%s': %s", path, strerror(errno));
	while ((n = read(0, b, sizeof b)) != 0) {
		ssize_t w = 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return fail(c, PTK_EIO, "cannot read standard input: %s",
			    strerror(errno));
		}
		while (w < n) {
			ssize_t k = write(fd, b + w, (size_t)(n - w));
			if (k < 0) {
				if (errno == EINTR)
					continue;
				close(fd);
				return fail(c, PTK_EIO, "cannot write '%s': %s", path,
				    strerror(errno));
			}
			w += k;
		}
	}
	return close(fd) == 0 ? 0 : fail(c, PTK_EIO, "cannot write '%s': %s",
	    path, strerror(errno));
}

int
dedup_run(struct dedup_ctx *c, char *const *in, int n, struct zio_writer *out,
    struct zio_writer *report)
{
	const char *td = c->o.tmpdir ? c->o.tmpdir : getenv("TMPDIR");
	char *dir, **sig = xcalloc((size_t)n, sizeof *sig);
	char **keep = xcalloc((size_t)n, sizeof *keep);
	char **path = xcalloc((size_t)n, sizeof *path);
	char *spool = NULL;
	size_t dl;
	int rc = 0, i, stdin_seen = 0;

	if (td == NULL || *td == '\0')
		td = "/tmp";
	dl = strlen(td) + 64;
	dir = xmalloc(dl);
	snprintf(dir, dl, "%s/ptk-dedup.XXXXXX", td);
	if (mkdtemp(dir) == NULL) {
		rc = fail(c, PTK_EIO, "cannot create a folder in '%s': %s", td,
		    strerror(errno));
		free(dir);
		dir = NULL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		sig[i] = xmalloc(dl + 32);
		keep[i] = xmalloc(dl + 32);
		snprintf(sig[i], dl + 32, "%s/%d.sig", dir, i);
		snprintf(keep[i], dl + 32, "%s/%d.keep", dir, i);
		path[i] = in[i];
		if (in[i] == NULL || strcmp(in[i], "-") == 0) {
			if (stdin_seen++) {
				rc = fail(c, PTK_EAPI, "standard input named twice");
				goto out;
			}
			spool = xmalloc(dl + 32);
			snprintf(spool, dl + 32, "%s/stdin", dir);
			if ((rc = spool_stdin(c, spool)) != 0)
				goto out;
			path[i] = spool;
		}
	}
	for (i = 0; i < n; i++)
		if ((rc = dedup_sign(c, path[i], sig[i])) != 0) {
			/* Messages name the file as the user gave it. */
			if (path[i] == spool && spool) {
				char *at = strstr(c->err, spool);
				if (at) {
					char rest[sizeof c->err];
					snprintf(rest, sizeof rest, "%s", at + strlen(spool));
					snprintf(at, sizeof c->err - (size_t)(at - c->err),
					    "<stdin>%s", rest);
				}
			}
			goto out;
		}
	if ((rc = dedup_merge(c, sig, n, keep)) != 0)
		goto out;
	{
		/* The filter pass counts documents again, as they are written. */
		struct dedup_stats keepst = c->st;
		memset(c->st.removed, 0, sizeof c->st.removed);
		c->st.docs = c->st.kept = c->st.bytes = 0;
		c->st.trimmed = c->st.lines_removed = 0;
		for (i = 0; i < n && rc == 0; i++)
			rc = dedup_filter(c, path[i], keep[i], out, report);
		c->st.bytes = keepst.bytes;
	}
out:
	for (i = 0; i < n; i++) {
		if (sig[i])
			unlink(sig[i]);
		if (keep[i])
			unlink(keep[i]);
		free(sig[i]);
		free(keep[i]);
	}
	if (spool) {
		unlink(spool);
		free(spool);
	}
	if (dir) {
		rmdir(dir);
		free(dir);
	}
	free(sig);
	free(keep);
	free(path);
	return rc;
}
