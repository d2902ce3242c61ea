/*
 * data.c - windows of T+1 tokens from a document stream or a token array.
 */
#include <stdlib.h>
#include <string.h>

#include "nn/data.h"

/* ---- stream ---- */

void
nn_stream_init(struct nn_stream *s, struct nn_docs docs, int32_t eot)
{
	memset(s, 0, sizeof(*s));
	s->docs = docs;
	s->eot = eot;
	s->last = -1;
}

/* Next token of the joined stream: 1, 0 at the end, <0 error. */
static int
stream_tok(struct nn_stream *s, int32_t *t)
{
	size_t len;
	int rc;

	for (;;) {
		if (!s->have_cur) {
			if (s->ended)
				return 0;
			rc = s->docs.next(s->docs.ctx, &s->cur, &s->cur_n);
			if (rc <= 0) {
				s->ended = 1;
				return rc;
			}
			s->have_cur = 1;
			s->off = 0;
		}
		len = s->cur_n + (s->eot >= 0);
		if (s->off < len) {
			*t = s->off < s->cur_n ? (int32_t)s->cur[s->off] : s->eot;
			s->off++;
			if (s->off == len) {
				s->have_cur = 0;
				s->ndocs++;
			}
			return 1;
		}
		s->have_cur = 0;	/* an empty document without eot */
		s->ndocs++;
	}
}

static int
stream_next(void *ctx, int32_t *seq, int T)
{
	struct nn_stream *s = ctx;
	int i = 0, rc;

	if (s->last >= 0)
		seq[i++] = s->last;
	for (; i <= T; i++)
		if ((rc = stream_tok(s, &seq[i])) <= 0)
			return rc;	/* a partial last window is dropped */
	s->last = seq[T];
	return 1;
}

/* The saved state is where the window's last token came from: documents
 * consumed before it and its offset in the next one; `last` is replayed. */
static void
stream_tell(void *ctx, struct nn_data_pos *pos)
{
	struct nn_stream *s = ctx;

	pos->kind = NN_DATA_STREAM;
	pos->a = s->ndocs;
	pos->b = s->have_cur ? s->off : 0;
	pos->c = (uint64_t)(int64_t)s->last;
}

static int
stream_seek(void *ctx, const struct nn_data_pos *pos)
{
	struct nn_stream *s = ctx;
	int32_t t;
	int rc;

	if (pos->kind != NN_DATA_STREAM || s->ndocs != 0 || s->have_cur ||
	    s->last >= 0)
		return NN_EAPI;
	while (s->ndocs < pos->a) {
		if (!s->have_cur) {
			rc = s->docs.next(s->docs.ctx, &s->cur, &s->cur_n);
			if (rc < 0)
				return rc;
			if (rc == 0)
				return NN_EFORMAT;	/* stream shorter than saved */
		}
		s->have_cur = 0;
		s->ndocs++;
	}
	for (uint64_t i = 0; i < pos->b; i++)
		if ((rc = stream_tok(s, &t)) <= 0)
			return rc < 0 ? rc : NN_EFORMAT;
	s->last = (int32_t)(int64_t)pos->c;
	return 0;
}

struct nn_data
nn_stream_data(struct nn_stream *s)
{
	struct nn_data d = { s, stream_next, stream_tell, stream_seek,
	    NULL };
	return d;
}

/* ---- token set ---- */

static void
tokset_shuffle(struct nn_tokset *s)
{
	struct nn_rng r;

	for (size_t i = 0; i < s->nwin; i++)
		s->perm[i] = (uint32_t)i;
	if (!s->shuffle)
		return;
	/* Fisher-Yates from (seed, epoch), so any epoch can be rebuilt. */
	nn_rng_seed(&r, s->seed ^ (0x9e3779b97f4a7c15ULL * (s->epoch + 1)));
	for (size_t i = s->nwin - 1; i > 0; i--) {
		size_t j = (size_t)(nn_rng_next(&r) % (i + 1));
		uint32_t t = s->perm[i];
		s->perm[i] = s->perm[j];
		s->perm[j] = t;
	}
}

static int
init_common(struct nn_tokset *s, size_t nwin, int T, uint64_t seed,
    int shuffle)
{
	if (T < 1 || nwin < 1 || nwin > UINT32_MAX)
		return NN_EAPI;
	s->T = T;
	s->nwin = nwin;
	s->seed = seed;
	s->shuffle = shuffle;
	s->perm = malloc(sizeof(uint32_t) * nwin);
	s->wbuf = malloc(sizeof(uint32_t) * ((size_t)T + 1));
	if (!s->perm || !s->wbuf) {
		nn_tokset_release(s);
		return NN_ENOMEM;
	}
	tokset_shuffle(s);
	return 0;
}

int
nn_tokset_init(struct nn_tokset *s, const uint32_t *tok, size_t n, int T,
    uint64_t seed, int shuffle)
{
	memset(s, 0, sizeof(*s));
	if (T < 1 || n < (size_t)T + 1)
		return NN_EAPI;
	s->tok = tok;
	s->n = n;
	return init_common(s, (n - 1) / T, T, seed, shuffle);
}

int
nn_tokset_init_fetch(struct nn_tokset *s, nn_window_fn fetch, void *ctx,
    uint64_t base, size_t nwin, int T, uint64_t seed, int shuffle)
{
	memset(s, 0, sizeof(*s));
	s->fetch = fetch;
	s->fetch_ctx = ctx;
	s->base = base;
	return init_common(s, nwin, T, seed, shuffle);
}

void
nn_tokset_release(struct nn_tokset *s)
{
	free(s->perm);
	free(s->wbuf);
	memset(s, 0, sizeof(*s));
}

/* Start the next epoch when this one is used up: 1, or 0 past the last. */
static int
tokset_advance(struct nn_tokset *s)
{
	if (s->idx == s->nwin) {
		if (s->max_epochs && s->epoch + 1 >= s->max_epochs)
			return 0;
		s->epoch++;
		s->idx = 0;
		tokset_shuffle(s);
	}
	return 1;
}

static int
tokset_skip(void *ctx, int T)
{
	struct nn_tokset *s = ctx;

	if (T != s->T)
		return NN_EAPI;
	if (!tokset_advance(s))
		return 0;
	s->idx++;
	return 1;
}

static int
tokset_next(void *ctx, int32_t *seq, int T)
{
	struct nn_tokset *s = ctx;
	const uint32_t *w;
	int rc;

	if (T != s->T)
		return NN_EAPI;
	if (!tokset_advance(s))
		return 0;
	if (s->fetch) {
		rc = s->fetch(s->fetch_ctx, s->base + s->perm[s->idx++], T,
		    s->wbuf);
		if (rc < 0)
			return rc;
		w = s->wbuf;
	} else {
		w = s->tok + (size_t)s->perm[s->idx++] * T;
	}
	for (int i = 0; i <= T; i++)
		seq[i] = (int32_t)w[i];
	return 1;
}

static void
tokset_tell(void *ctx, struct nn_data_pos *pos)
{
	struct nn_tokset *s = ctx;

	pos->kind = NN_DATA_TOKSET;
	pos->a = s->epoch;
	pos->b = s->idx;
	pos->c = s->nwin;
}

static int
tokset_seek(void *ctx, const struct nn_data_pos *pos)
{
	struct nn_tokset *s = ctx;

	if (pos->kind != NN_DATA_TOKSET || pos->c != s->nwin ||
	    pos->b > s->nwin)
		return NN_EFORMAT;	/* not the data the run was saved on */
	s->epoch = pos->a;
	s->idx = pos->b;
	tokset_shuffle(s);
	return 0;
}

struct nn_data
nn_tokset_data(struct nn_tokset *s)
{
	struct nn_data d = { s, tokset_next, tokset_tell, tokset_seek,
	    tokset_skip };
	return d;
}
