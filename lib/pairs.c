/*
 * pairs.c - NSP and SOP example construction over a stream (pairs.h).
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mask.h"
#include "pairs.h"
#include "xalloc.h"

/* Generator streams: a document pass, and the reservoir's replacement draws. */
#define PAIRS_STREAM_DOC 0x5041495253444f43ull	/* + pass */
#define PAIRS_STREAM_RESERVOIR 0x5041495253525356ull

struct pairs_doc *
pairs_doc_new(const struct tok_rec *rec, uint64_t ordinal)
{
	struct pairs_doc *d;
	size_t i, ns = 1;
	char *p;

	if (rec->n == 0)
		return NULL;
	for (i = 0; i < rec->n_bounds; i++)
		ns += rec->bounds[i] > 0;
	/* One allocation: struct, tokens, sentence starts, id. */
	p = xmalloc(sizeof *d + rec->n * 4 + ns * 4 + rec->id_len + 1);
	d = (struct pairs_doc *)p;
	d->tokens = (uint32_t *)(p + sizeof *d);
	d->sent = d->tokens + rec->n;
	d->id = (char *)(d->sent + ns);
	memcpy(d->tokens, rec->tokens, rec->n * 4);
	d->n = rec->n;
	d->sent[0] = 0;
	d->nsent = 1;
	for (i = 0; i < rec->n_bounds; i++)
		if (rec->bounds[i] > 0)
			d->sent[d->nsent++] = rec->bounds[i];
	memcpy(d->id, rec->id, rec->id_len);
	d->id[rec->id_len] = '\0';
	d->id_len = rec->id_len;
	d->ordinal = ordinal;
	return d;
}

void
pairs_doc_free(struct pairs_doc *d)
{
	free(d);
}

void
pairs_scratch_release(struct pairs_scratch *s)
{
	free(s->tok);
	free(s->seg);
	buf_release(&s->id);
	memset(s, 0, sizeof *s);
}

static size_t
sent_end(const struct pairs_doc *d, size_t k)
{
	return k + 1 < d->nsent ? d->sent[k + 1] : d->n;
}

/* A token range of one document. */
struct span {
	const uint32_t *t;
	size_t lo, hi;
};

/* Binomial(d, 1/2): the number of heads in d fair coin flips. */
static size_t
coin_heads(struct mask_rng *r, size_t d)
{
	size_t heads = 0;

	for (; d >= 64; d -= 64)
		heads += (size_t)__builtin_popcountll(mask_rng_next(r));
	if (d > 0)
		heads += (size_t)__builtin_popcountll(mask_rng_next(r) &
		    ((1ull << d) - 1));
	return heads;
}

/* Take d tokens off x, each from the front or the back with equal chance. */
static void
trim(struct span *x, size_t d, struct mask_rng *r)
{
	size_t front = coin_heads(r, d);

	x->lo += front;
	x->hi -= d - front;
}

/*
 * BERT's truncate_seq_pair: while the pair is too long, drop one token of
 * the longer side (B on ties), from the front or the back at random.  The
 * same distribution in closed form: the longer side loses tokens until the
 * two are equal, then B and A lose them in turn; how many of a side's
 * losses come off the front is binomial.
 */
static void
truncate_pair(struct span *a, struct span *b, size_t max, struct mask_rng *r)
{
	size_t la = a->hi - a->lo, lb = b->hi - b->lo, excess, d;

	if (la + lb <= max)
		return;
	excess = la + lb - max;
	d = la > lb ? la - lb : lb - la;
	if (d > excess)
		d = excess;
	trim(la > lb ? a : b, d, r);
	excess -= d;
	if (excess > 0) {
		trim(b, (excess + 1) / 2, r);
		trim(a, excess / 2, r);
	}
}

static int
emit_pair(const struct pairs_opts *o, const struct pairs_doc *d, uint32_t pass,
    uint64_t k, const struct span *a, const struct span *b, int label,
    pairs_emit_fn emit, void *ctx, struct pairs_scratch *s,
    struct pairs_stats *st)
{
	size_t la = a->hi - a->lo, lb = b->hi - b->lo, n = la + lb + 3;
	struct tok_rec rec = { 0 };
	int rc;

	if (n > s->cap) {
		s->cap = n > 2 * s->cap ? n : 2 * s->cap;
		s->tok = xreallocarray(s->tok, s->cap, sizeof *s->tok);
		s->seg = xrealloc(s->seg, s->cap);
	}
	s->tok[0] = o->cls;
	memcpy(s->tok + 1, a->t + a->lo, la * 4);
	s->tok[la + 1] = o->sep;
	memcpy(s->tok + la + 2, b->t + b->lo, lb * 4);
	s->tok[n - 1] = o->sep;
	memset(s->seg, 0, la + 2);
	memset(s->seg + la + 2, 1, lb + 1);
	buf_reset(&s->id);
	if ((rc = buf_append(&s->id, d->id, d->id_len)) != 0 ||
	    (rc = buf_printf(&s->id, ":%u:%llu", pass, (unsigned long long)k)) != 0)
		return rc;
	rec.id = s->id.p;
	rec.id_len = s->id.len;
	rec.tokens = s->tok;
	rec.n = n;
	rec.segments = s->seg;
	rec.label = label;
	rec.has_label = 1;
	st->examples++;
	st->label1 += label != 0;
	st->tokens += n;
	return emit(ctx, &rec);
}

int
pairs_document(const struct pairs_opts *o, const struct pairs_doc *d,
    uint32_t pass, struct pairs_doc *const *pool, size_t npool, size_t self,
    pairs_emit_fn emit, void *ctx, struct pairs_scratch *s,
    struct pairs_stats *st)
{
	struct mask_rng r;
	size_t max_num = o->max_seq_len - 3, target = max_num;
	size_t c0 = 0, cur = 0, i;
	size_t others = self < npool ? npool - 1 : npool;
	uint64_t k = 0;
	int rc;

	mask_rng_seed(&r, o->seed, PAIRS_STREAM_DOC + pass, d->ordinal);
	if (mask_rng_unit(&r) < o->short_seq_prob)
		target = 2 + mask_rng_below(&r, (uint32_t)(max_num - 1));
	for (i = 0; i < d->nsent; i++) {
		size_t cnt, a_end;
		struct span a, b;
		int label = 0;

		cur += sent_end(d, i) - d->sent[i];
		if (i + 1 < d->nsent && cur < target)
			continue;
		cnt = i - c0 + 1;
		a_end = cnt >= 2 ? 1 + mask_rng_below(&r, (uint32_t)(cnt - 1)) : 1;
		a.t = b.t = d->tokens;
		a.lo = d->sent[c0];
		a.hi = sent_end(d, c0 + a_end - 1);
		b.lo = a.hi;
		b.hi = sent_end(d, i);
		if (o->mode == PAIRS_NSP) {
			if ((cnt == 1 || mask_rng_unit(&r) < o->random_prob) && others > 0) {
				size_t tb = target > a.hi - a.lo ? target - (a.hi - a.lo) : 0;
				size_t j = mask_rng_below(&r, (uint32_t)others), rs, e;
				const struct pairs_doc *rd;

				if (self < npool && j >= self)
					j++;
				rd = pool[j];
				rs = mask_rng_below(&r, (uint32_t)rd->nsent);
				for (e = rs; e + 1 < rd->nsent &&
				    sent_end(rd, e) - rd->sent[rs] < tb; e++)
					;
				b.t = rd->tokens;
				b.lo = rd->sent[rs];
				b.hi = sent_end(rd, e);
				label = 1;
				st->forced += cnt == 1;
				/* The sentences after A go back for the next chunk. */
				i -= cnt - a_end;
			} else if (cnt == 1) {
				st->dropped++;
				goto next;
			}
		} else {
			if (cnt == 1) {
				/* One sentence: cut it at a random token. */
				if (b.hi - a.lo < 2) {
					st->dropped++;
					goto next;
				}
				a.hi = b.lo = a.lo + 1 +
				    mask_rng_below(&r, (uint32_t)(b.hi - a.lo - 1));
			}
			if (mask_rng_unit(&r) < o->random_prob) {
				struct span t = a;
				a = b;
				b = t;
				label = 1;
			}
		}
		truncate_pair(&a, &b, max_num, &r);
		if ((rc = emit_pair(o, d, pass, k++, &a, &b, label, emit, ctx, s,
		    st)) != 0)
			return rc;
next:
		c0 = i + 1;
		cur = 0;
		/* BERT draws a new short target only per document; so do we. */
	}
	return 0;
}

/* ---- the streaming driver ---- */

struct pairs {
	struct pairs_opts o;
	struct pairs_doc **res;		/* (o.reservoir) */
	size_t nres;
	uint64_t seen;			/* documents offered to the reservoir */
	struct pairs_doc **batch;	/* (PAIRS_BATCH_DOCS) */
	size_t nbatch, batch_tokens;
	struct pairs_doc **pool;	/* (reservoir + PAIRS_BATCH_DOCS) */
	struct buf *outs;		/* (PAIRS_BATCH_DOCS) per document */
	int *rcs;			/* (PAIRS_BATCH_DOCS) */
	struct pairs_stats *dst;	/* (PAIRS_BATCH_DOCS) */
	struct pairs_scratch *scr;	/* (nscr) per thread */
	int nscr;
};

struct pairs *
pairs_new(const struct pairs_opts *o)
{
	struct pairs *p = xcalloc(1, sizeof *p);

	p->o = *o;
	p->res = xcalloc(o->reservoir ? o->reservoir : 1, sizeof *p->res);
	p->batch = xcalloc(PAIRS_BATCH_DOCS, sizeof *p->batch);
	p->pool = xcalloc((size_t)o->reservoir + PAIRS_BATCH_DOCS, sizeof *p->pool);
	p->outs = xcalloc(PAIRS_BATCH_DOCS, sizeof *p->outs);
	p->rcs = xcalloc(PAIRS_BATCH_DOCS, sizeof *p->rcs);
	p->dst = xcalloc(PAIRS_BATCH_DOCS, sizeof *p->dst);
	return p;
}

void
pairs_free(struct pairs *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nres; i++)
		pairs_doc_free(p->res[i]);
	for (i = 0; i < p->nbatch; i++)
		pairs_doc_free(p->batch[i]);
	for (i = 0; i < PAIRS_BATCH_DOCS; i++)
		buf_release(&p->outs[i]);
	for (i = 0; i < (size_t)p->nscr; i++)
		pairs_scratch_release(&p->scr[i]);
	free(p->scr);
	free(p->res);
	free(p->batch);
	free(p->pool);
	free(p->outs);
	free(p->rcs);
	free(p->dst);
	free(p);
}

int
pairs_add(struct pairs *p, const struct tok_rec *rec, uint64_t ordinal)
{
	struct pairs_doc *d = pairs_doc_new(rec, ordinal);

	if (d != NULL) {
		p->batch[p->nbatch++] = d;
		p->batch_tokens += d->n;
	}
	return p->nbatch >= PAIRS_BATCH_DOCS || p->batch_tokens >= PAIRS_BATCH_TOKENS;
}

struct encode_ctx {
	const struct tok_header *h;
	struct buf *out;
};

static int
encode_emit(void *ctx, const struct tok_rec *rec)
{
	struct encode_ctx *c = ctx;

	return tok_rec_encode(c->out, c->h, rec);
}

/* Algorithm R: every document seen so far is in the reservoir with equal chance. */
static void
reservoir_offer(struct pairs *p, struct pairs_doc *d)
{
	struct mask_rng r;
	uint64_t j;

	if (p->o.reservoir == 0) {
		pairs_doc_free(d);
		return;
	}
	if (p->nres < p->o.reservoir) {
		p->res[p->nres++] = d;
		p->seen++;
		return;
	}
	mask_rng_seed(&r, p->o.seed, PAIRS_STREAM_RESERVOIR, p->seen);
	j = (uint64_t)(((unsigned __int128)mask_rng_next(&r) * (p->seen + 1)) >> 64);
	p->seen++;
	if (j < p->o.reservoir) {
		pairs_doc_free(p->res[j]);
		p->res[j] = d;
	} else {
		pairs_doc_free(d);
	}
}

int
pairs_flush(struct pairs *p, const struct tok_header *h, int nthreads,
    struct buf *out, struct pairs_stats *st, uint64_t *bad_ordinal)
{
	size_t nb = p->nbatch, npool = p->nres + nb, i;
	long b;
	int rc = 0;

	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > p->nscr) {
		p->scr = xreallocarray(p->scr, (size_t)nthreads, sizeof *p->scr);
		memset(p->scr + p->nscr, 0, (size_t)(nthreads - p->nscr) * sizeof *p->scr);
		p->nscr = nthreads;
	}
	memcpy(p->pool, p->res, p->nres * sizeof *p->pool);
	memcpy(p->pool + p->nres, p->batch, nb * sizeof *p->pool);
	#pragma omp parallel for schedule(dynamic, 16) num_threads(nthreads)
	for (b = 0; b < (long)nb; b++) {
		struct encode_ctx c = { h, &p->outs[b] };
		struct pairs_scratch *s = &p->scr[omp_get_thread_num()];
		uint32_t pass;

		buf_reset(&p->outs[b]);
		memset(&p->dst[b], 0, sizeof p->dst[b]);
		p->rcs[b] = 0;
		for (pass = 0; pass < p->o.dupe_factor && p->rcs[b] == 0; pass++)
			p->rcs[b] = pairs_document(&p->o, p->batch[b], pass, p->pool,
			    npool, p->nres + (size_t)b, encode_emit, &c, s, &p->dst[b]);
		p->dst[b].docs = 1;
	}
	for (i = 0; i < nb && rc == 0; i++) {
		if ((rc = p->rcs[i]) != 0) {
			*bad_ordinal = p->batch[i]->ordinal;
			break;
		}
		st->docs += p->dst[i].docs;
		st->examples += p->dst[i].examples;
		st->label1 += p->dst[i].label1;
		st->dropped += p->dst[i].dropped;
		st->forced += p->dst[i].forced;
		st->tokens += p->dst[i].tokens;
		rc = buf_append(out, p->outs[i].p, p->outs[i].len);
	}
	for (i = 0; i < nb; i++)
		reservoir_offer(p, p->batch[i]);
	p->nbatch = 0;
	p->batch_tokens = 0;
	return rc;
}
