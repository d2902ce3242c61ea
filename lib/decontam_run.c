/*
 * decontam_run.c - running documents through an index: batches matched in
 * parallel (OpenMP), written in input order by a writer thread; see
 * decontam.h.
 */
#include "decontam.h"

#include <errno.h>
#include <omp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "zio.h"

struct item {
	uint64_t off;		/* line offset in the decoded input */
	uint64_t rec;		/* line number */
	size_t pos, len;	/* the line in the batch buffer */
	size_t out, outlen;	/* its output in obuf[tid] */
	long hits;
	int tid, records, rc;
	size_t at;
	const char *why;
	size_t text_len;
};

/*
 * A batch of records.  Two slots alternate: while the threads match one,
 * the writer thread writes (and compresses) the other, in input order.
 */
struct slot {
	struct buf batch;	/* the lines, back to back */
	struct item *items;
	size_t nitems, icap;
	struct buf *obuf;	/* (jobs) each thread's output */
	char *name;		/* input name, for messages */
	int queued;		/* handed to the writer, not yet written */
};

struct dc_run {
	struct dc_index *x;
	struct zio_writer *out;	/* NULL: write nothing */
	int jobs;
	unsigned doc_flags;
	size_t max_record;
	struct dc_scratch *scr;	/* (jobs) */
	long *repaired;		/* (jobs) */
	struct slot slot[2];
	int cur;		/* the slot being filled */
	pthread_t writer;
	pthread_mutex_t mu;
	pthread_mutex_t errmu;	/* guards err */
	pthread_cond_t cv;
	int stop;		/* no more batches */
	int werr;		/* first error the writer met */
	struct dc_totals t;	/* updated by the writer under mu */
	uint64_t bytes_done;
	void (*progress)(void *arg, uint64_t bytes, uint64_t docs);
	void *progress_arg;
	char err[1024];		/* the first error message */
};

static void set_err(struct dc_run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define BATCH_BYTES ((size_t)8 << 20)
#define BATCH_DOCS 8192

/* Match a batch in parallel; outputs go to each thread's buffer. */
static void
match_slot(struct dc_run *r, struct slot *sl)
{
	long n = (long)sl->nitems, i;
	unsigned flags = r->doc_flags;
	int t;

	for (t = 0; t < r->jobs; t++)
		buf_reset(&sl->obuf[t]);
	#pragma omp parallel for schedule(dynamic, 16) num_threads(r->jobs)
	for (i = 0; i < n; i++) {
		struct item *it = &sl->items[i];
		int tid = omp_get_thread_num();
		struct doc d;

		it->tid = tid;
		it->rc = doc_parse(sl->batch.p + it->pos, it->len, &d,
		    r->scr[tid].pscratch, flags, &r->repaired[tid], &it->why,
		    &it->at);
		if (it->rc)
			continue;
		it->text_len = d.text_len;
		it->out = sl->obuf[tid].len;
		it->hits = dc_process(r->x, &d, &r->scr[tid], &sl->obuf[tid],
		    &it->records);
		if (it->hits < 0) {
			it->rc = (int)it->hits;
			it->why = "document too long";
			it->at = 0;
		}
		it->outlen = sl->obuf[tid].len - it->out;
	}
}

/* Write a matched batch in input order (the writer thread). */
static int
write_slot(struct dc_run *r, struct slot *sl)
{
	struct dc_totals t = { 0 };
	enum dc_mode mode = dc_index_opts(r->x)->mode;
	size_t i;
	int rc = 0;

	for (i = 0; i < sl->nitems && rc == 0; i++) {
		struct item *it = &sl->items[i];

		if (it->rc) {
			set_err(r, "%s: record %llu at byte %llu: %s", sl->name,
			    (unsigned long long)it->rec,
			    (unsigned long long)(it->off + it->at), it->why);
			rc = it->rc;
			break;
		}
		t.documents++;
		t.text_bytes += it->text_len;
		if (it->hits > 0) {
			t.documents_hit++;
			if (mode != DC_COUNT && it->records == 0)
				t.documents_dropped++;
			else if (mode == DC_REDACT)
				t.documents_redacted++;
		}
		t.records_written += (uint64_t)it->records;
		if (it->outlen && (rc = zio_write(r->out, sl->obuf[it->tid].p +
		    it->out, it->outlen)) != 0)
			set_err(r, "write error: %s: %s", zio_writer_name(r->out),
			    strerror(errno));
	}
	pthread_mutex_lock(&r->mu);
	r->t.documents += t.documents;
	r->t.text_bytes += t.text_bytes;
	r->t.documents_hit += t.documents_hit;
	r->t.documents_dropped += t.documents_dropped;
	r->t.documents_redacted += t.documents_redacted;
	r->t.records_written += t.records_written;
	pthread_mutex_unlock(&r->mu);
	return rc;
}

static void *
writer_main(void *arg)
{
	struct dc_run *r = arg;
	int k = 0;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		struct slot *sl = &r->slot[k];
		int rc;

		while (!sl->queued && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (!sl->queued)
			break;
		pthread_mutex_unlock(&r->mu);
		rc = r->werr ? 0 : write_slot(r, sl);
		pthread_mutex_lock(&r->mu);
		if (rc && !r->werr)
			r->werr = rc;
		sl->queued = 0;
		pthread_cond_broadcast(&r->cv);
		k ^= 1;
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Wait until slot k is written; returns the writer's error, if any. */
static int
wait_slot(struct dc_run *r, int k)
{
	int rc;

	pthread_mutex_lock(&r->mu);
	while (r->slot[k].queued)
		pthread_cond_wait(&r->cv, &r->mu);
	rc = r->werr;
	pthread_mutex_unlock(&r->mu);
	return rc;
}

/* Match the current slot and hand it to the writer; start filling the other. */
static int
submit(struct dc_run *r)
{
	struct slot *sl = &r->slot[r->cur];
	int rc;

	if (sl->nitems == 0)
		return 0;
	match_slot(r, sl);
	pthread_mutex_lock(&r->mu);
	sl->queued = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	r->cur ^= 1;
	rc = wait_slot(r, r->cur);
	sl = &r->slot[r->cur];
	sl->nitems = 0;
	buf_reset(&sl->batch);
	return rc;
}

int
dc_run_file(struct dc_run *r, const char *path)
{
	struct zio_reader *z;
	struct buf scratch = BUF_INIT;
	const char *line;
	size_t len;
	uint64_t off, rec = 0, docs;
	int rc, rc2;

	if ((rc = zio_reader_open(&z, path)) != 0) {
		set_err(r, "%s", zio_errmsg(z));
		zio_reader_free(z);
		return rc;
	}
	free(r->slot[r->cur].name);
	r->slot[r->cur].name = xstrdup(zio_name(z));
	while ((rc = zio_getline(z, &scratch, r->max_record, &line, &len,
	    &off)) == 1) {
		struct slot *sl = &r->slot[r->cur];
		struct item *it;

		rec++;
		if (len == 0 || (len == 1 && line[0] == '\r'))
			continue;
		if (sl->nitems == sl->icap) {
			sl->icap = sl->icap ? 2 * sl->icap : 1024;
			sl->items = xreallocarray(sl->items, sl->icap,
			    sizeof *sl->items);
		}
		it = &sl->items[sl->nitems++];
		memset(it, 0, sizeof *it);
		it->off = off;
		it->rec = rec;
		it->pos = sl->batch.len;
		it->len = len;
		if ((rc = buf_append(&sl->batch, line, len)) != 0)
			break;
		if (sl->nitems >= BATCH_DOCS || sl->batch.len >= BATCH_BYTES) {
			if ((rc = submit(r)) != 0)
				goto out;
			free(r->slot[r->cur].name);
			r->slot[r->cur].name = xstrdup(zio_name(z));
			if (r->progress) {
				pthread_mutex_lock(&r->mu);
				docs = r->t.documents;
				pthread_mutex_unlock(&r->mu);
				r->progress(r->progress_arg, r->bytes_done +
				    zio_offset(z), docs);
			}
		}
	}
	if (rc == PTK_ELIMIT)
		set_err(r, "%s: record %llu at byte %llu: record longer than %zu bytes (see --max-record)",
		    zio_name(z), (unsigned long long)rec + 1,
		    (unsigned long long)off, r->max_record);
	else if (rc < 0)
		set_err(r, "%s", zio_errmsg(z));
	if (rc == 0)
		rc = submit(r);
out:
	/* Drain: both slots written before the next file or pass. */
	rc2 = wait_slot(r, r->cur ^ 1);
	if (rc == 0)
		rc = rc2;
	r->slot[r->cur].nitems = 0;
	buf_reset(&r->slot[r->cur].batch);
	r->bytes_done += zio_offset(z);
	zio_reader_free(z);
	buf_release(&scratch);
	return rc;
}

/* Keep the first error message (called from the main or the writer thread). */
static void
set_err(struct dc_run *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->errmu);
	if (r->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof r->err, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->errmu);
}

struct dc_run *
dc_run_new(struct dc_index *x, int jobs, unsigned doc_flags, size_t max_record,
    struct zio_writer *out)
{
	struct dc_run *r = xcalloc(1, sizeof *r);
	int i;

	r->x = x;
	r->jobs = jobs > 0 ? jobs : 1;
	r->doc_flags = doc_flags;
	r->max_record = max_record ? max_record : DOC_DEFAULT_MAX_RECORD;
	r->out = out;
	r->scr = xcalloc((size_t)r->jobs, sizeof *r->scr);
	r->repaired = xcalloc((size_t)r->jobs, sizeof *r->repaired);
	for (i = 0; i < 2; i++)
		r->slot[i].obuf = xcalloc((size_t)r->jobs, sizeof *r->slot[i].obuf);
	pthread_mutex_init(&r->mu, NULL);
	pthread_mutex_init(&r->errmu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->writer, NULL, writer_main, r) != 0) {
		pthread_mutex_destroy(&r->mu);
		pthread_mutex_destroy(&r->errmu);
		pthread_cond_destroy(&r->cv);
		for (i = 0; i < 2; i++)
			free(r->slot[i].obuf);
		free(r->scr);
		free(r->repaired);
		free(r);
		return NULL;
	}
	return r;
}

void
dc_run_set_progress(struct dc_run *r, void (*fn)(void *, uint64_t, uint64_t),
    void *arg)
{
	r->progress = fn;
	r->progress_arg = arg;
}

const char *
dc_run_errmsg(const struct dc_run *r)
{
	return r->err;
}

void
dc_run_totals(const struct dc_run *r, struct dc_totals *t, uint64_t *bytes,
    long *repaired)
{
	int i;

	*t = r->t;
	*bytes = r->bytes_done;
	*repaired = 0;
	for (i = 0; i < r->jobs; i++)
		*repaired += r->repaired[i];
}

void
dc_run_reset_totals(struct dc_run *r)
{
	memset(&r->t, 0, sizeof r->t);
	r->bytes_done = 0;
}

void
dc_run_free(struct dc_run *r)
{
	int i, t;

	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->writer, NULL);
	pthread_mutex_destroy(&r->mu);
	pthread_mutex_destroy(&r->errmu);
	pthread_cond_destroy(&r->cv);
	for (t = 0; t < r->jobs; t++) {
		dc_scratch_release(&r->scr[t]);
		buf_release(&r->slot[0].obuf[t]);
		buf_release(&r->slot[1].obuf[t]);
	}
	for (i = 0; i < 2; i++) {
		free(r->slot[i].obuf);
		free(r->slot[i].items);
		free(r->slot[i].name);
		buf_release(&r->slot[i].batch);
	}
	free(r->scr);
	free(r->repaired);
	free(r);
}
