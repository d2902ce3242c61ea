/*
 * wp_count.c - counting the words of a corpus for wordpiece-train: reading
 * doc records or plain text in batches and counting in parallel
 * (wp_train.h).
 */
#include "wp_train.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "doc.h"
#include "err.h"
#include "utf8.h"
#include "xalloc.h"
#include "zio.h"

struct wcent {
	uint64_t hash;
	uint64_t count;
	size_t off;		/* in pool */
	uint32_t len;
};

struct wp_counter {
	uint32_t *slot;		/* (mask + 1) entry index + 1; 0 = empty */
	size_t mask;
	struct wcent *e;	/* (n) */
	size_t n, cap;
	struct buf pool;	/* the words, back to back */
};

struct wp_counter *
wp_counter_new(void)
{
	struct wp_counter *c = xcalloc(1, sizeof *c);

	c->mask = (1u << 12) - 1;
	c->slot = xcalloc(c->mask + 1, sizeof *c->slot);
	return c;
}

void
wp_counter_free(struct wp_counter *c)
{
	if (c == NULL)
		return;
	free(c->slot);
	free(c->e);
	buf_release(&c->pool);
	free(c);
}

static void
counter_rehash(struct wp_counter *c)
{
	size_t cap = (c->mask + 1) * 2, i;

	free(c->slot);
	c->slot = xcalloc(cap, sizeof *c->slot);
	c->mask = cap - 1;
	for (i = 0; i < c->n; i++) {
		size_t j = (size_t)c->e[i].hash & c->mask;
		while (c->slot[j] != 0)
			j = (j + 1) & c->mask;
		c->slot[j] = (uint32_t)i + 1;
	}
}

static inline void
counter_add_hashed(struct wp_counter *c, const char *w, size_t n, uint64_t h,
    uint64_t count)
{
	size_t j = (size_t)h & c->mask;
	struct wcent *e;

	for (;; j = (j + 1) & c->mask) {
		uint32_t s = c->slot[j];
		if (s == 0)
			break;
		e = &c->e[s - 1];
		if (e->hash == h && e->len == n &&
		    memcmp(c->pool.p + e->off, w, n) == 0) {
			e->count += count;
			return;
		}
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->e = xreallocarray(c->e, c->cap, sizeof *c->e);
	}
	e = &c->e[c->n];
	e->hash = h;
	e->count = count;
	e->off = c->pool.len;
	e->len = (uint32_t)n;
	if (buf_append(&c->pool, w, n) != 0)
		xmalloc((size_t)-1);
	c->slot[j] = (uint32_t)++c->n;
	if (c->n * 2 > c->mask + 1)
		counter_rehash(c);
}

void
wp_counter_add(struct wp_counter *c, const char *w, size_t n, uint64_t count)
{
	counter_add_hashed(c, w, n, XXH3_64bits(w, n), count);
}

void
wp_counter_merge(struct wp_counter *dst, struct wp_counter *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		counter_add_hashed(dst, src->pool.p + src->e[i].off, src->e[i].len,
		    src->e[i].hash, src->e[i].count);
	free(src->e);
	src->e = NULL;
	src->n = src->cap = 0;
	buf_release(&src->pool);
	memset(src->slot, 0, (src->mask + 1) * sizeof *src->slot);
}

uint64_t
wp_counter_words(const struct wp_counter *c)
{
	return c->n;
}

size_t
wp_counter_memory(const struct wp_counter *c)
{
	return (c->mask + 1) * sizeof *c->slot + c->cap * sizeof *c->e +
	    c->pool.cap;
}

size_t
wp_counter_get(const struct wp_counter *c, size_t i, const char **w,
    uint64_t *count)
{
	*w = c->pool.p + c->e[i].off;
	*count = c->e[i].count;
	return c->e[i].len;
}

static void
count_one(struct wp_counter *c, struct wp_words *w, const struct wp_norm *o,
    const char *text, size_t n)
{
	size_t i;

	w->n = 0;
	w->text.len = 0;
	wp_split(o, text, n, w);
	for (i = 0; i < w->n; i++)
		wp_counter_add(c, w->text.p + w->start[i], w->len[i], 1);
}

void
wp_count_texts(struct wp_counter **counters, struct wp_words *scratch,
    int nthreads, const struct wp_norm *o, const char *const *texts,
    const size_t *lens, size_t n)
{
	long i;

	if (nthreads <= 1 || n == 1) {
		for (i = 0; i < (long)n; i++)
			count_one(counters[0], &scratch[0], o, texts[i], lens[i]);
		return;
	}
#pragma omp parallel for schedule(dynamic, 8) num_threads(nthreads)
	for (i = 0; i < (long)n; i++) {
		int t = omp_get_thread_num();
		count_one(counters[t], &scratch[t], o, texts[i], lens[i]);
	}
}

/* ---- reading ---- */

enum { BATCH_BYTES = 32 << 20, BATCH_TEXTS = 1 << 15, TEXT_CHUNK = 1 << 20 };

struct reader {
	const struct wp_input_opts *o;
	struct wp_input_stats *st;
	struct wp_counter **counters;
	struct wp_words *scratch;
	struct buf text;	/* batch: texts back to back */
	size_t *off, *len;
	size_t n, cap;
};

static void
batch_add(struct reader *r, const char *p, size_t n)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->off = xreallocarray(r->off, r->cap, sizeof *r->off);
		r->len = xreallocarray(r->len, r->cap, sizeof *r->len);
	}
	r->off[r->n] = r->text.len;
	r->len[r->n] = n;
	if (buf_append(&r->text, p, n) != 0)
		xmalloc((size_t)-1);
	r->n++;
	r->st->bytes += n;
	r->st->records++;
}

static void
flush(struct reader *r)
{
	const char **texts;
	size_t i;

	if (r->n == 0)
		return;
	texts = xmalloc(r->n * sizeof *texts);
	for (i = 0; i < r->n; i++)
		texts[i] = r->text.p + r->off[i];
	wp_count_texts(r->counters, r->scratch, r->o->nthreads, &r->o->norm,
	    texts, r->len, r->n);
	free(texts);
	r->n = 0;
	buf_reset(&r->text);
	if (r->o->progress)
		r->o->progress(r->o->progress_ctx, r->st->bytes, r->st->records);
}

static int
full(const struct reader *r)
{
	return r->text.len >= BATCH_BYTES || r->n >= BATCH_TEXTS;
}

static int
read_docs(struct reader *r, const char *path, char *err, size_t errlen)
{
	struct doc_reader *d;
	struct doc doc;
	int rc;

	if ((rc = doc_reader_open(&d, path, r->o->repair_utf8 ? DOC_REPAIR_UTF8 : 0,
	    r->o->max_record ? r->o->max_record : DOC_DEFAULT_MAX_RECORD)) != 0) {
		snprintf(err, errlen, "%s", doc_reader_errmsg(d));
		doc_reader_free(d);
		return rc;
	}
	while ((rc = doc_read(d, &doc)) == 1) {
		batch_add(r, doc.text, doc.text_len);
		if (full(r))
			flush(r);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", doc_reader_errmsg(d));
	r->st->repaired += doc_reader_repaired(d);
	doc_reader_free(d);
	return rc < 0 ? rc : 0;
}

/*
 * Add text[0..n) (at offset off of the file) to the batch, checking its
 * UTF-8: an invalid sequence is an error, or with repair_utf8 dropped by
 * the pipeline and counted.
 */
static int
add_text(struct reader *r, const char *name, const char *text, size_t n,
    uint64_t off, char *err, size_t errlen)
{
	size_t ok = utf8_valid_prefix((const unsigned char *)text, n);

	if (ok < n) {
		if (!r->o->repair_utf8) {
			snprintf(err, errlen, "%s: at byte %llu: invalid UTF-8 (see --repair-utf8)",
			    name, (unsigned long long)(off + ok));
			return PTK_EFORMAT;
		}
		while (ok < n) {
			uint32_t cp;
			int k = utf8_decode((const unsigned char *)text + ok, n - ok, &cp);
			if (k < 0) {
				r->st->repaired++;
				ok += (size_t)-k;
			} else
				ok += (size_t)k;
			ok += utf8_valid_prefix((const unsigned char *)text + ok, n - ok);
		}
	}
	batch_add(r, text, n);
	if (full(r))
		flush(r);
	return 0;
}

/* Plain text, cut into chunks at whitespace (which no word spans). */
static int
read_text(struct reader *r, const char *path, char *err, size_t errlen)
{
	struct zio_reader *z;
	struct buf pend = BUF_INIT;	/* read but not yet batched */
	size_t max = r->o->max_record ? r->o->max_record : DOC_DEFAULT_MAX_RECORD;
	uint64_t off = 0;		/* of pend's first byte */
	ssize_t got;
	int rc = 0;

	if ((rc = zio_reader_open(&z, path)) != 0) {
		snprintf(err, errlen, "%s", zio_errmsg(z));
		zio_reader_free(z);
		return rc;
	}
	for (;;) {
		const char *nl;
		size_t cut;

		if (buf_grow(&pend, TEXT_CHUNK) != 0)
			xmalloc((size_t)-1);
		got = zio_read(z, pend.p + pend.len, TEXT_CHUNK);
		if (got < 0) {
			snprintf(err, errlen, "%s", zio_errmsg(z));
			rc = (int)got;
			break;
		}
		if (got == 0) {
			if (pend.len > 0)
				rc = add_text(r, zio_name(z), pend.p, pend.len, off, err,
				    errlen);
			break;
		}
		/* Cut after the last ASCII whitespace of the new bytes. */
		for (nl = pend.p + pend.len + got; nl > pend.p + pend.len; nl--)
			if (nl[-1] == '\n' || nl[-1] == ' ' || nl[-1] == '\t' ||
			    nl[-1] == '\r')
				break;
		pend.len += (size_t)got;
		if (nl == pend.p + pend.len - got) {
			if (pend.len > max) {
				snprintf(err, errlen, "%s: at byte %llu: no whitespace in %zu bytes (see --max-record)",
				    zio_name(z), (unsigned long long)off, max);
				rc = PTK_ELIMIT;
				break;
			}
			continue;
		}
		cut = (size_t)(nl - pend.p);
		if ((rc = add_text(r, zio_name(z), pend.p, cut, off, err, errlen)) != 0)
			break;
		memmove(pend.p, pend.p + cut, pend.len - cut);
		pend.len -= cut;
		off += cut;
	}
	buf_release(&pend);
	zio_reader_free(z);
	return rc;
}

int
wp_count_files(struct wp_counter *c, char *const *files, int nfiles,
    const struct wp_input_opts *o, struct wp_input_stats *st, char *err,
    size_t errlen)
{
	struct reader r = { 0 };
	int i, rc = 0, nt = o->nthreads > 0 ? o->nthreads : 1;

	memset(st, 0, sizeof *st);
	r.o = o;
	r.st = st;
	r.counters = xcalloc((size_t)nt, sizeof *r.counters);
	r.scratch = xcalloc((size_t)nt, sizeof *r.scratch);
	r.counters[0] = c;
	for (i = 1; i < nt; i++)
		r.counters[i] = wp_counter_new();
	for (i = 0; i < nfiles && rc == 0; i++)
		rc = o->text ? read_text(&r, files[i], err, errlen) :
		    read_docs(&r, files[i], err, errlen);
	if (rc == 0)
		flush(&r);
	for (i = 1; i < nt; i++) {
		if (rc == 0)
			wp_counter_merge(c, r.counters[i]);
		wp_counter_free(r.counters[i]);
	}
	for (i = 0; i < nt; i++)
		wp_words_release(&r.scratch[i]);
	free(r.counters);
	free(r.scratch);
	free(r.off);
	free(r.len);
	buf_release(&r.text);
	return rc;
}
