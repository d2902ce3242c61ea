/*
 * dedup_sort.c - external merge sort of fixed-size records (dedup_sort.h).
 *
 * In memory a buffer is sorted with an LSD radix sort on the key words
 * (8 bits a pass, passes whose byte is constant skipped), which is stable,
 * so sorting by the least significant key word first gives the order of all
 * the key words.  Spilled runs are merged with a binary heap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup_sort.h"
#include "err.h"
#include "xalloc.h"

struct run {
	FILE *f;
	uint64_t *buf;		/* (cap * words) */
	size_t n, pos, cap;	/* records buffered, next, room */
};

struct dsort {
	size_t words, keywords, mem;
	char *tmpdir;
	uint64_t *recs, *tmp;	/* (cap * words) buffer and radix scratch */
	size_t n, cap;		/* records buffered, room (grows up to max) */
	size_t max;		/* records the memory budget allows */
	uint64_t count;
	struct run *runs;
	size_t nruns, runs_cap;
	size_t *heap, nheap;	/* run numbers, smallest head first */
	size_t mem_pos;		/* next in-memory record when there are no runs */
	int merging;
	char err[256];
};

struct dsort *
dsort_new(size_t words, size_t keywords, size_t mem, const char *tmpdir)
{
	struct dsort *s = xcalloc(1, sizeof *s);
	const char *t = tmpdir ? tmpdir : getenv("TMPDIR");

	s->words = words;
	s->keywords = keywords;
	s->mem = mem < (1u << 20) ? (1u << 20) : mem;
	s->tmpdir = xstrdup(t && *t ? t : "/tmp");
	/* Half for records, half for the radix scratch. */
	s->max = s->mem / 2 / (words * 8);
	if (s->max < 16)
		s->max = 16;
	return s;
}

void
dsort_free(struct dsort *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nruns; i++) {
		if (s->runs[i].f)
			fclose(s->runs[i].f);
		free(s->runs[i].buf);
	}
	free(s->runs);
	free(s->heap);
	free(s->recs);
	free(s->tmp);
	free(s->tmpdir);
	free(s);
}

/* Stable LSD radix sort of s->recs[0..n) on the key words. */
static void
radix_sort(struct dsort *s)
{
	size_t w = s->words, n = s->n, i;
	uint64_t *src = s->recs, *dst = s->tmp;
	int kw;

	if (n < 2)
		return;
	for (kw = (int)s->keywords - 1; kw >= 0; kw--) {
		int shift;
		for (shift = 0; shift < 64; shift += 8) {
			size_t count[256] = { 0 }, pos[256], sum = 0;
			int b;
			for (i = 0; i < n; i++)
				count[(src[i * w + kw] >> shift) & 0xff]++;
			if (count[(src[kw] >> shift) & 0xff] == n)
				continue;	/* all records share this byte */
			for (b = 0; b < 256; b++) {
				pos[b] = sum;
				sum += count[b];
			}
			for (i = 0; i < n; i++) {
				size_t d = pos[(src[i * w + kw] >> shift) & 0xff]++;
				memcpy(dst + d * w, src + i * w, w * 8);
			}
			{
				uint64_t *t = src;
				src = dst;
				dst = t;
			}
		}
	}
	if (src != s->recs)
		memcpy(s->recs, src, n * w * 8);
}

static int
spill(struct dsort *s)
{
	char path[4096];
	FILE *f;
	int fd;

	radix_sort(s);
	if ((size_t)snprintf(path, sizeof path, "%s/ptk-dedup-sort.XXXXXX",
	    s->tmpdir) >= sizeof path) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	if ((fd = mkstemp(path)) < 0)
		goto fail;
	unlink(path);
	if ((f = fdopen(fd, "w+b")) == NULL) {
		close(fd);
		goto fail;
	}
	if (fwrite(s->recs, s->words * 8, s->n, f) != s->n || fflush(f) != 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		int e = errno;
		fclose(f);
		errno = e;
		goto fail;
	}
	if (s->nruns == s->runs_cap) {
		s->runs_cap = s->runs_cap ? s->runs_cap * 2 : 8;
		s->runs = xreallocarray(s->runs, s->runs_cap, sizeof *s->runs);
	}
	memset(&s->runs[s->nruns], 0, sizeof s->runs[0]);
	s->runs[s->nruns++].f = f;
	s->n = 0;
	return 0;
fail:
	snprintf(s->err, sizeof s->err, "cannot write a sort run in '%s': %s",
	    s->tmpdir, strerror(errno));
	return PTK_EIO;
}

int
dsort_add(struct dsort *s, const uint64_t *rec)
{
	int rc;

	if (s->n == s->cap) {
		if (s->cap < s->max) {
			/* Grow by doubling, so that small sorts stay small. */
			s->cap = s->cap ? s->cap * 2 : 4096;
			if (s->cap > s->max)
				s->cap = s->max;
			s->recs = xreallocarray(s->recs, s->cap, s->words * 8);
			free(s->tmp);
			s->tmp = xreallocarray(NULL, s->cap, s->words * 8);
		} else if ((rc = spill(s)) != 0) {
			return rc;
		}
	}
	memcpy(s->recs + s->n * s->words, rec, s->words * 8);
	s->n++;
	s->count++;
	return 0;
}

static int
rec_less(const struct dsort *s, const uint64_t *a, const uint64_t *b)
{
	size_t i;

	for (i = 0; i < s->keywords; i++)
		if (a[i] != b[i])
			return a[i] < b[i];
	return 0;
}

/* Make run r's next record available; 1 if there is one, 0 at its end. */
static int
run_fill(struct dsort *s, struct run *r)
{
	if (r->pos < r->n)
		return 1;
	r->n = fread(r->buf, s->words * 8, r->cap, r->f);
	r->pos = 0;
	if (r->n == 0 && ferror(r->f)) {
		snprintf(s->err, sizeof s->err, "cannot read a sort run: %s",
		    strerror(errno));
		return PTK_EIO;
	}
	return r->n > 0;
}

static const uint64_t *
run_head(const struct dsort *s, const struct run *r)
{
	return r->buf + r->pos * s->words;
}

static void
sift_down(struct dsort *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;
		if (l < s->nheap && rec_less(s, run_head(s, &s->runs[s->heap[l]]),
		    run_head(s, &s->runs[s->heap[m]])))
			m = l;
		if (l + 1 < s->nheap && rec_less(s,
		    run_head(s, &s->runs[s->heap[l + 1]]),
		    run_head(s, &s->runs[s->heap[m]])))
			m = l + 1;
		if (m == i)
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

int
dsort_done(struct dsort *s)
{
	size_t i, per;
	int rc;

	s->merging = 1;
	if (s->nruns == 0) {
		radix_sort(s);
		free(s->tmp);
		s->tmp = NULL;
		return 0;
	}
	if (s->n > 0 && (rc = spill(s)) != 0)
		return rc;
	free(s->recs);
	free(s->tmp);
	s->recs = s->tmp = NULL;
	per = s->mem / s->nruns / (s->words * 8);
	if (per < 256)
		per = 256;
	s->heap = xmalloc(s->nruns * sizeof *s->heap);
	for (i = 0; i < s->nruns; i++) {
		struct run *r = &s->runs[i];
		r->cap = per;
		r->buf = xmalloc(per * s->words * 8);
		if ((rc = run_fill(s, r)) < 0)
			return rc;
		if (rc == 1)
			s->heap[s->nheap++] = i;
	}
	for (i = s->nheap; i-- > 0;)
		sift_down(s, i);
	return 0;
}

int
dsort_next(struct dsort *s, const uint64_t **rec)
{
	struct run *r;
	int rc;

	if (s->nruns == 0) {
		if (s->mem_pos >= s->n)
			return 0;
		*rec = s->recs + s->mem_pos++ * s->words;
		return 1;
	}
	if (s->nheap == 0)
		return 0;
	r = &s->runs[s->heap[0]];
	/* Copy the head out: refilling the run overwrites its buffer. */
	if (s->tmp == NULL)
		s->tmp = xmalloc(s->words * 8);
	memcpy(s->tmp, run_head(s, r), s->words * 8);
	r->pos++;
	if ((rc = run_fill(s, r)) < 0)
		return rc;
	if (rc == 0)
		s->heap[0] = s->heap[--s->nheap];
	if (s->nheap > 0)
		sift_down(s, 0);
	*rec = s->tmp;
	return 1;
}

uint64_t
dsort_count(const struct dsort *s)
{
	return s->count;
}

size_t
dsort_runs(const struct dsort *s)
{
	return s->nruns;
}

const char *
dsort_errmsg(const struct dsort *s)
{
	return s->err;
}
