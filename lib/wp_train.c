/*
 * wp_train.c - WordPiece vocabulary learning: HuggingFace WordPieceTrainer's
 * merges (--score bpe) or the likelihood score (wp_train.h).
 */
#include "wp_train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "err.h"
#include "utf8.h"
#include "xalloc.h"

#define MAX_CP 0x110000

/* ---- the growing vocabulary: string <-> id ---- */

struct vocab {
	struct buf pool;	/* tokens, NUL-terminated, back to back */
	size_t *off;		/* (n) */
	uint32_t *len;		/* (n) */
	uint64_t *hash;		/* (n) */
	uint32_t n, cap;
	uint32_t *slot;		/* (mask + 1) id + 1 */
	size_t mask;
};

static void
vocab_rehash(struct vocab *v, size_t cap)
{
	uint32_t i;

	free(v->slot);
	v->slot = xcalloc(cap, sizeof *v->slot);
	v->mask = cap - 1;
	for (i = 0; i < v->n; i++) {
		size_t j = (size_t)v->hash[i] & v->mask;
		while (v->slot[j])
			j = (j + 1) & v->mask;
		v->slot[j] = i + 1;
	}
}

static int64_t
vocab_find(const struct vocab *v, const char *s, size_t n)
{
	uint64_t h = XXH3_64bits(s, n);
	size_t j = (size_t)h & v->mask;

	for (; v->slot[j]; j = (j + 1) & v->mask) {
		uint32_t id = v->slot[j] - 1;
		if (v->hash[id] == h && v->len[id] == n &&
		    memcmp(v->pool.p + v->off[id], s, n) == 0)
			return id;
	}
	return -1;
}

static uint32_t
vocab_add(struct vocab *v, const char *s, size_t n)
{
	uint64_t h = XXH3_64bits(s, n);
	uint32_t id = v->n;
	size_t j;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->off = xreallocarray(v->off, v->cap, sizeof *v->off);
		v->len = xreallocarray(v->len, v->cap, sizeof *v->len);
		v->hash = xreallocarray(v->hash, v->cap, sizeof *v->hash);
	}
	v->off[id] = v->pool.len;
	v->len[id] = (uint32_t)n;
	v->hash[id] = h;
	if (buf_append(&v->pool, s, n) != 0 || buf_putc(&v->pool, '\0') != 0)
		xmalloc((size_t)-1);
	v->n++;
	if (v->slot == NULL || (size_t)v->n * 2 > v->mask + 1)
		vocab_rehash(v, v->slot == NULL ? 4096 : (v->mask + 1) * 2);
	else {
		j = (size_t)h & v->mask;
		while (v->slot[j])
			j = (j + 1) & v->mask;
		v->slot[j] = id + 1;
	}
	return id;
}

static uint32_t
vocab_get(struct vocab *v, const char *s, size_t n)
{
	int64_t id = vocab_find(v, s, n);

	return id >= 0 ? (uint32_t)id : vocab_add(v, s, n);
}

static void
vocab_release(struct vocab *v)
{
	buf_release(&v->pool);
	free(v->off);
	free(v->len);
	free(v->hash);
	free(v->slot);
}

/* ---- pairs: (left id, right id) -> dense index ---- */

struct wlist {
	uint32_t *v;
	uint32_t n, cap;
};

struct pairs {
	uint32_t *slot;		/* (mask + 1) index + 1 */
	size_t mask;
	uint64_t *key;		/* (n) left << 32 | right */
	int64_t *cnt;		/* (n) count, as BpeTrainer keeps it */
	uint32_t *last;		/* (n) scratch: last word or stamp seen + 1 */
	struct wlist *pos;	/* (n) likelihood: words that may hold the pair */
	uint8_t *inadj;		/* (n) likelihood: listed under its parts */
	uint64_t *pseq;		/* (n) likelihood: seq of its one live heap entry */
	size_t n, cap;
	int likelihood;
};

static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static void
pairs_rehash(struct pairs *p, size_t cap)
{
	size_t i;

	free(p->slot);
	p->slot = xcalloc(cap, sizeof *p->slot);
	p->mask = cap - 1;
	for (i = 0; i < p->n; i++) {
		size_t j = (size_t)mix64(p->key[i]) & p->mask;
		while (p->slot[j])
			j = (j + 1) & p->mask;
		p->slot[j] = (uint32_t)i + 1;
	}
}

/* The index of pair key, created (count 0) if new; *fresh says which. */
static inline uint32_t
pairs_get(struct pairs *p, uint64_t key, int *fresh)
{
	size_t j = (size_t)mix64(key) & p->mask;
	uint32_t i;

	for (; p->slot[j]; j = (j + 1) & p->mask)
		if (p->key[p->slot[j] - 1] == key) {
			*fresh = 0;
			return p->slot[j] - 1;
		}
	*fresh = 1;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4096;
		p->key = xreallocarray(p->key, p->cap, sizeof *p->key);
		p->cnt = xreallocarray(p->cnt, p->cap, sizeof *p->cnt);
		p->last = xreallocarray(p->last, p->cap, sizeof *p->last);
		if (p->likelihood) {
			p->pos = xreallocarray(p->pos, p->cap, sizeof *p->pos);
			p->inadj = xreallocarray(p->inadj, p->cap, sizeof *p->inadj);
			p->pseq = xreallocarray(p->pseq, p->cap, sizeof *p->pseq);
		}
	}
	i = (uint32_t)p->n++;
	p->key[i] = key;
	p->cnt[i] = 0;
	p->last[i] = 0;
	if (p->likelihood) {
		memset(&p->pos[i], 0, sizeof p->pos[i]);
		p->inadj[i] = 0;
		p->pseq[i] = UINT64_MAX;
	}
	p->slot[j] = i + 1;
	if (p->n * 2 > p->mask + 1)
		pairs_rehash(p, (p->mask + 1) * 2);
	return i;
}

static void
pairs_release(struct pairs *p)
{
	size_t i;

	if (p->pos)
		for (i = 0; i < p->n; i++)
			free(p->pos[i].v);
	free(p->slot);
	free(p->key);
	free(p->cnt);
	free(p->last);
	free(p->pos);
	free(p->inadj);
	free(p->pseq);
}

static void
wlist_push(struct wlist *l, uint32_t x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = x;
}

#define PAIR(a, b) ((uint64_t)(a) << 32 | (uint64_t)(b))
#define LEFT(k) ((uint32_t)((k) >> 32))
#define RIGHT(k) ((uint32_t)(k))

/* ---- the heap ---- */

struct hent {
	uint64_t count;		/* the pair's count when pushed */
	uint64_t ca, cb;	/* likelihood: its parts' counts when pushed */
	uint64_t seq;		/* push order, for equal entries */
	uint32_t a, b;
	uint32_t *pos;		/* bpe: the words to merge in (owned) */
	uint32_t npos;
};

struct heap {
	struct hent *e;
	size_t n, cap;
	int likelihood;
	uint64_t seq;
};

/* Whether x pops before y. */
static inline int
hbetter(const struct heap *h, const struct hent *x, const struct hent *y)
{
	if (h->likelihood) {
		unsigned __int128 l = (unsigned __int128)x->count * y->ca * y->cb;
		unsigned __int128 r = (unsigned __int128)y->count * x->ca * x->cb;
		if (l != r)
			return l > r;
	} else if (x->count != y->count)
		return x->count > y->count;
	if (x->a != y->a)
		return x->a < y->a;
	if (x->b != y->b)
		return x->b < y->b;
	return x->seq < y->seq;
}

static void
heap_push(struct heap *h, struct hent x)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 4096;
		h->e = xreallocarray(h->e, h->cap, sizeof *h->e);
	}
	x.seq = h->seq++;
	i = h->n++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (!hbetter(h, &x, &h->e[up]))
			break;
		h->e[i] = h->e[up];
		i = up;
	}
	h->e[i] = x;
}

/* Re-push keeping the entry's place among equals (its seq). */
static void
heap_repush(struct heap *h, struct hent x)
{
	uint64_t seq = h->seq;

	h->seq = x.seq;
	heap_push(h, x);
	h->seq = seq;
}

static struct hent
heap_pop(struct heap *h)
{
	struct hent top = h->e[0], last = h->e[--h->n];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, best;
		if (l >= h->n)
			break;
		best = l;
		if (l + 1 < h->n && hbetter(h, &h->e[l + 1], &h->e[l]))
			best = l + 1;
		if (!hbetter(h, &h->e[best], &last))
			break;
		h->e[i] = h->e[best];
		i = best;
	}
	if (h->n > 0)
		h->e[i] = last;
	return top;
}

/* ---- the training state ---- */

struct chg {
	uint64_t pair;
	int32_t d;
	uint32_t w;
};

struct tr {
	const struct wp_train_opts *o;
	struct vocab v;
	/* words */
	uint32_t *sym;		/* all symbols, each word's at wstart */
	size_t *wstart;		/* (nw) */
	uint32_t *wlen;		/* (nw) symbols now */
	uint64_t *wcount;	/* (nw) */
	size_t nw;
	struct pairs p;
	struct heap h;
	struct chg *chg;	/* one merge's changes */
	size_t nchg, capchg;
	int64_t *tcount;	/* likelihood: (v.n) occurrences of each token */
	size_t tcap;
	struct wlist *adj;	/* likelihood: (v.n) pairs holding each token */
	uint32_t merges;
};

static inline void
add_chg(struct tr *t, uint32_t a, uint32_t b, int32_t d, uint32_t w)
{
	if (t->nchg == t->capchg) {
		t->capchg = t->capchg ? t->capchg * 2 : 1024;
		t->chg = xreallocarray(t->chg, t->capchg, sizeof *t->chg);
	}
	t->chg[t->nchg].pair = PAIR(a, b);
	t->chg[t->nchg].d = d;
	t->chg[t->nchg].w = w;
	t->nchg++;
}

/*
 * Merge every (a, b) of word w into nt, left to right, recording pair
 * changes as BpeTrainer's Word::merge does; exact also records the merged
 * pair's own decrease (likelihood).  Returns the merges made.
 */
static uint32_t
merge_word(struct tr *t, uint32_t w, uint32_t a, uint32_t b, uint32_t nt,
    int exact)
{
	uint32_t *s = t->sym + t->wstart[w];
	uint32_t len = t->wlen[w], r = 0, o = 0, k = 0;

	while (r < len) {
		if (r + 1 < len && s[r] == a && s[r + 1] == b) {
			if (o > 0) {
				add_chg(t, s[o - 1], a, -1, w);
				add_chg(t, s[o - 1], nt, 1, w);
			}
			if (exact)
				add_chg(t, a, b, -1, w);
			s[o++] = nt;
			r += 2;
			k++;
			if (r < len) {
				add_chg(t, b, s[r], -1, w);
				add_chg(t, nt, s[r], 1, w);
			}
		} else
			s[o++] = s[r++];
	}
	t->wlen[w] = o;
	return k;
}

/* The new token's string: a, then b without its "##". */
static uint32_t
merged_token(struct tr *t, uint32_t a, uint32_t b, struct buf *scratch)
{
	const char *sa = t->v.pool.p + t->v.off[a], *sb = t->v.pool.p + t->v.off[b];
	size_t la = t->v.len[a], lb = t->v.len[b], plen = strlen(WP_PREFIX);
	uint32_t before = t->v.n, id;

	if (lb >= plen && memcmp(sb, WP_PREFIX, plen) == 0) {
		sb += plen;
		lb -= plen;
	}
	buf_reset(scratch);
	if (buf_append(scratch, sa, la) != 0 || buf_append(scratch, sb, lb) != 0)
		xmalloc((size_t)-1);
	id = vocab_get(&t->v, scratch->p, scratch->len);
	if (t->v.n != before)
		t->merges++;
	return id;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
progress(struct tr *t, uint32_t iter)
{
	if (t->o->progress && (iter & 1023) == 0)
		t->o->progress(t->o->progress_ctx, t->merges, t->v.n);
}

/* BpeTrainer's loop (see wp_train.h). */
static void
train_bpe(struct tr *t)
{
	struct buf scratch = BUF_INIT;
	uint64_t *wtu = NULL;	/* (pair index << 32 | word) with a rise */
	size_t nwtu = 0, capwtu = 0, i, j;
	uint32_t iter = 0;

	while (t->v.n < t->o->vocab_size && t->h.n > 0) {
		struct hent top = heap_pop(&t->h);
		int fresh;
		uint32_t pi = pairs_get(&t->p, PAIR(top.a, top.b), &fresh), nt;

		if (top.count != (uint64_t)t->p.cnt[pi]) {
			top.count = (uint64_t)t->p.cnt[pi];
			heap_repush(&t->h, top);
			continue;
		}
		if (top.count < 1 || t->o->min_frequency > top.count) {
			free(top.pos);
			break;
		}
		nt = merged_token(t, top.a, top.b, &scratch);
		t->nchg = 0;
		for (i = 0; i < top.npos; i++)
			merge_word(t, top.pos[i], top.a, top.b, nt, 0);
		free(top.pos);
		nwtu = 0;
		for (i = 0; i < t->nchg; i++) {
			const struct chg *c = &t->chg[i];
			uint32_t q = pairs_get(&t->p, c->pair, &fresh);
			t->p.cnt[q] += (int64_t)c->d * (int64_t)t->wcount[c->w];
			if (c->d > 0) {
				if (nwtu == capwtu) {
					capwtu = capwtu ? capwtu * 2 : 1024;
					wtu = xreallocarray(wtu, capwtu, sizeof *wtu);
				}
				wtu[nwtu++] = (uint64_t)q << 32 | c->w;
			}
		}
		if (nwtu > 1)
			qsort(wtu, nwtu, sizeof *wtu, cmp_u64);
		for (i = 0; i < nwtu; i = j) {
			uint32_t q = (uint32_t)(wtu[i] >> 32), n = 0;
			struct hent e = { 0 };
			for (j = i; j < nwtu && (uint32_t)(wtu[j] >> 32) == q; j++)
				;
			if (t->p.cnt[q] <= 0)
				continue;
			e.pos = xmalloc((j - i) * sizeof *e.pos);
			for (size_t k = i; k < j; k++)
				if (n == 0 || e.pos[n - 1] != (uint32_t)wtu[k])
					e.pos[n++] = (uint32_t)wtu[k];
			e.npos = n;
			e.count = (uint64_t)t->p.cnt[q];
			e.a = LEFT(t->p.key[q]);
			e.b = RIGHT(t->p.key[q]);
			heap_push(&t->h, e);
		}
		progress(t, ++iter);
	}
	free(wtu);
	buf_release(&scratch);
}

/* ---- likelihood ---- */

static void
tcount_grow(struct tr *t)
{
	if (t->v.n > t->tcap) {
		size_t old = t->tcap;
		t->tcap = t->v.n * 2;
		t->tcount = xreallocarray(t->tcount, t->tcap, sizeof *t->tcount);
		t->adj = xreallocarray(t->adj, t->tcap, sizeof *t->adj);
		memset(t->tcount + old, 0, (t->tcap - old) * sizeof *t->tcount);
		memset(t->adj + old, 0, (t->tcap - old) * sizeof *t->adj);
	}
}

static void
adj_add(struct tr *t, uint32_t q)
{
	uint32_t a = LEFT(t->p.key[q]), b = RIGHT(t->p.key[q]);

	t->p.inadj[q] = 1;
	wlist_push(&t->adj[a], q);
	if (b != a)
		wlist_push(&t->adj[b], q);
}

/* Push pair q with its current score; older entries of it become dead. */
static void
push_scored(struct tr *t, uint32_t q)
{
	struct hent e = { 0 };

	e.a = LEFT(t->p.key[q]);
	e.b = RIGHT(t->p.key[q]);
	e.count = (uint64_t)t->p.cnt[q];
	e.ca = (uint64_t)t->tcount[e.a];
	e.cb = (uint64_t)t->tcount[e.b];
	t->p.pseq[q] = t->h.seq;
	heap_push(&t->h, e);
}

/* Drop dead entries when they outnumber the pairs (bounds memory). */
static void
compact(struct tr *t)
{
	struct hent *old = t->h.e;
	size_t n = t->h.n, i;
	int fresh;

	if (n < 2 * t->p.n + 65536)
		return;
	t->h.e = xmalloc(t->h.cap * sizeof *t->h.e);
	t->h.n = 0;
	for (i = 0; i < n; i++) {
		uint32_t q = pairs_get(&t->p, PAIR(old[i].a, old[i].b), &fresh);
		if (t->p.pseq[q] == old[i].seq && t->p.cnt[q] > 0)
			heap_repush(&t->h, old[i]);
	}
	free(old);
}

/* Push again every live pair that holds token x; drop dead ones from its list. */
static void
repush_adj(struct tr *t, uint32_t x, uint32_t stamp)
{
	struct wlist *l = &t->adj[x];
	uint32_t i, k = 0;

	for (i = 0; i < l->n; i++) {
		uint32_t q = l->v[i];
		if (t->p.cnt[q] <= 0) {
			t->p.inadj[q] = 0;
			continue;
		}
		if (!t->p.inadj[q])
			continue;
		l->v[k++] = q;
		if (t->p.last[q] != stamp) {
			t->p.last[q] = stamp;
			push_scored(t, q);
		}
	}
	l->n = k;
}

static void
train_likelihood(struct tr *t)
{
	struct buf scratch = BUF_INIT;
	uint32_t *wstamp = xcalloc(t->nw ? t->nw : 1, sizeof *wstamp);
	uint32_t iter = 0, stamp = 0;
	size_t i;

	while (t->v.n < t->o->vocab_size && t->h.n > 0) {
		struct hent top = heap_pop(&t->h);
		int fresh;
		uint32_t pi = pairs_get(&t->p, PAIR(top.a, top.b), &fresh), nt;
		int64_t cur = t->p.cnt[pi];
		struct wlist pos;

		if (cur <= 0 || top.seq != t->p.pseq[pi])
			continue;
		if (top.count != (uint64_t)cur ||
		    top.ca != (uint64_t)t->tcount[top.a] ||
		    top.cb != (uint64_t)t->tcount[top.b]) {
			push_scored(t, pi);
			continue;
		}
		if (t->o->min_frequency > top.count)
			continue;
		nt = merged_token(t, top.a, top.b, &scratch);
		tcount_grow(t);
		t->nchg = 0;
		pos = t->p.pos[pi];
		memset(&t->p.pos[pi], 0, sizeof t->p.pos[pi]);
		if (++stamp == 0)
			stamp = 1;
		for (i = 0; i < pos.n; i++) {
			uint32_t w = pos.v[i], k;
			if (wstamp[w] == stamp)
				continue;
			wstamp[w] = stamp;
			k = merge_word(t, w, top.a, top.b, nt, 1);
			t->tcount[top.a] -= (int64_t)k * (int64_t)t->wcount[w];
			t->tcount[top.b] -= (int64_t)k * (int64_t)t->wcount[w];
			t->tcount[nt] += (int64_t)k * (int64_t)t->wcount[w];
		}
		free(pos.v);
		if (++stamp == 0)
			stamp = 1;
		for (i = 0; i < t->nchg; i++) {
			const struct chg *c = &t->chg[i];
			uint32_t q = pairs_get(&t->p, c->pair, &fresh);
			t->p.cnt[q] += (int64_t)c->d * (int64_t)t->wcount[c->w];
			if (c->d > 0) {
				struct wlist *l = &t->p.pos[q];
				if (l->n == 0 || l->v[l->n - 1] != c->w)
					wlist_push(l, c->w);
				if (!t->p.inadj[q])
					adj_add(t, q);
			}
		}
		/* Pairs that rose: new occurrences, or rarer parts. */
		for (i = 0; i < t->nchg; i++) {
			const struct chg *c = &t->chg[i];
			uint32_t q;
			if (c->d <= 0)
				continue;
			q = pairs_get(&t->p, c->pair, &fresh);
			if (t->p.cnt[q] > 0 && t->p.last[q] != stamp) {
				t->p.last[q] = stamp;
				push_scored(t, q);
			}
		}
		repush_adj(t, top.a, stamp);
		if (top.b != top.a)
			repush_adj(t, top.b, stamp);
		compact(t);
		progress(t, ++iter);
	}
	free(wstamp);
	buf_release(&scratch);
}

/* ---- setup ---- */

static int
word_cmp(const void *x, const void *y, void *ctx)
{
	const struct wp_counter *c = ctx;
	const char *a, *b;
	uint64_t ca, cb;
	size_t la = wp_counter_get(c, *(const uint32_t *)x, &a, &ca);
	size_t lb = wp_counter_get(c, *(const uint32_t *)y, &b, &cb);
	int r = memcmp(a, b, la < lb ? la : lb);

	if (r != 0)
		return r;
	return la < lb ? -1 : la > lb;
}

struct alpha {
	uint32_t cp;
	uint64_t count;
};

static int
alpha_by_count(const void *x, const void *y)
{
	const struct alpha *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	return a->cp < b->cp ? -1 : a->cp > b->cp;
}

static int
alpha_by_cp(const void *x, const void *y)
{
	const struct alpha *a = x, *b = y;

	return a->cp < b->cp ? -1 : a->cp > b->cp;
}

/*
 * Ids for the special tokens, the alphabet and the "##" characters, and each
 * word as a sequence of them.
 */
static void
setup(struct tr *t, const struct wp_counter *c, struct wp_result *r)
{
	size_t nw = (size_t)wp_counter_words(c), i, nalpha = 0, total = 0;
	uint64_t *acount = xcalloc(MAX_CP, sizeof *acount);
	uint8_t *later = xcalloc(MAX_CP, 1);
	uint32_t *cid = xcalloc(MAX_CP, sizeof *cid);	/* id + 1 */
	uint32_t *ccid = xcalloc(MAX_CP, sizeof *ccid);	/* "##" id + 1 */
	uint32_t *order = xmalloc((nw ? nw : 1) * sizeof *order);
	struct alpha *al;
	char tmp[16];

	for (i = 0; i < nw; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, nw, sizeof *order, word_cmp, (void *)c);
	for (i = 0; i < t->o->n_special; i++) {
		const char *s = t->o->special[i];
		if (vocab_find(&t->v, s, strlen(s)) < 0)
			vocab_add(&t->v, s, strlen(s));
	}
	r->n_special = t->v.n;
	/* The alphabet: every character with its number of occurrences. */
	for (i = 0; i < nw; i++) {
		const char *w;
		uint64_t n;
		size_t len = wp_counter_get(c, i, &w, &n), k = 0;
		int first = 1;
		while (k < len) {
			uint32_t cp;
			int m = utf8_decode((const unsigned char *)w + k, len - k, &cp);
			if (m <= 0)
				break;
			acount[cp] += n;
			if (!first)
				later[cp] = 1;
			first = 0;
			k += (size_t)m;
		}
		total += len;
	}
	for (i = 0; i < MAX_CP; i++)
		nalpha += acount[i] != 0;
	al = xmalloc((nalpha ? nalpha : 1) * sizeof *al);
	nalpha = 0;
	for (i = 0; i < MAX_CP; i++)
		if (acount[i]) {
			al[nalpha].cp = (uint32_t)i;
			al[nalpha++].count = acount[i];
		}
	if (t->o->limit_alphabet && nalpha > t->o->limit_alphabet) {
		size_t drop = nalpha - t->o->limit_alphabet;
		qsort(al, nalpha, sizeof *al, alpha_by_count);
		memmove(al, al + drop, (nalpha - drop) * sizeof *al);
		nalpha -= drop;
		qsort(al, nalpha, sizeof *al, alpha_by_cp);
	}
	for (i = 0; i < nalpha; i++) {
		int m = utf8_encode(al[i].cp, (unsigned char *)tmp);
		cid[al[i].cp] = vocab_get(&t->v, tmp, (size_t)m) + 1;
	}
	for (i = 0; i < t->o->n_cont_order; i++) {
		const char *s = t->o->cont_order[i];
		size_t plen = strlen(WP_PREFIX), n = strlen(s);
		uint32_t cp;
		if (n <= plen || memcmp(s, WP_PREFIX, plen) != 0 ||
		    utf8_decode((const unsigned char *)s + plen, n - plen, &cp) !=
		    (int)(n - plen) || !later[cp] || !cid[cp] || ccid[cp])
			continue;
		ccid[cp] = vocab_get(&t->v, s, n) + 1;
	}
	for (i = 0; i < nalpha; i++) {
		size_t plen = strlen(WP_PREFIX);
		int m;
		if (!later[al[i].cp] || ccid[al[i].cp])
			continue;
		memcpy(tmp, WP_PREFIX, plen);
		m = utf8_encode(al[i].cp, (unsigned char *)tmp + plen);
		ccid[al[i].cp] = vocab_get(&t->v, tmp, plen + (size_t)m) + 1;
	}
	r->n_alphabet = t->v.n - r->n_special;
	/* The words, in byte order, as symbols. */
	t->nw = nw;
	t->sym = xmalloc((total ? total : 1) * sizeof *t->sym);
	t->wstart = xmalloc((nw ? nw : 1) * sizeof *t->wstart);
	t->wlen = xmalloc((nw ? nw : 1) * sizeof *t->wlen);
	t->wcount = xmalloc((nw ? nw : 1) * sizeof *t->wcount);
	total = 0;
	for (i = 0; i < nw; i++) {
		const char *w;
		uint64_t n;
		size_t len = wp_counter_get(c, order[i], &w, &n), k = 0;
		uint32_t nsym = 0;
		int first = 1;
		t->wstart[i] = total;
		t->wcount[i] = n;
		while (k < len) {
			uint32_t cp;
			int m = utf8_decode((const unsigned char *)w + k, len - k, &cp);
			if (m <= 0)
				break;
			k += (size_t)m;
			if (cid[cp])
				t->sym[total + nsym++] = (first ? cid[cp] : ccid[cp]) - 1;
			first = 0;
		}
		t->wlen[i] = nsym;
		total += nsym;
	}
	free(al);
	free(order);
	free(acount);
	free(later);
	free(cid);
	free(ccid);
}

/* Count the pairs of every word and fill the heap. */
static void
count_pairs(struct tr *t)
{
	size_t w;
	uint32_t q, k;
	int fresh;

	for (w = 0; w < t->nw; w++) {
		const uint32_t *s = t->sym + t->wstart[w];
		for (k = 0; k + 1 < t->wlen[w]; k++) {
			q = pairs_get(&t->p, PAIR(s[k], s[k + 1]), &fresh);
			t->p.cnt[q] += (int64_t)t->wcount[w];
			if (t->p.likelihood && t->p.last[q] != w + 1) {
				t->p.last[q] = (uint32_t)w + 1;
				wlist_push(&t->p.pos[q], (uint32_t)w);
			}
		}
		if (t->p.likelihood)
			for (k = 0; k < t->wlen[w]; k++)
				t->tcount[s[k]] += (int64_t)t->wcount[w];
	}
	if (t->p.likelihood) {
		for (q = 0; q < t->p.n; q++) {
			adj_add(t, q);
			t->p.last[q] = 0;
			push_scored(t, q);
		}
		return;
	}
	/* BpeTrainer: one entry per pair with every word that holds it. */
	{
		uint32_t *npos = xcalloc(t->p.n ? t->p.n : 1, sizeof *npos);
		struct hent *e = xcalloc(t->p.n ? t->p.n : 1, sizeof *e);
		for (q = 0; q < t->p.n; q++)
			t->p.last[q] = 0;
		for (w = 0; w < t->nw; w++) {
			const uint32_t *s = t->sym + t->wstart[w];
			for (k = 0; k + 1 < t->wlen[w]; k++) {
				q = pairs_get(&t->p, PAIR(s[k], s[k + 1]), &fresh);
				if (t->p.last[q] != w + 1) {
					t->p.last[q] = (uint32_t)w + 1;
					npos[q]++;
				}
			}
		}
		for (q = 0; q < t->p.n; q++) {
			e[q].pos = xmalloc(npos[q] * sizeof *e[q].pos);
			t->p.last[q] = 0;
		}
		for (w = 0; w < t->nw; w++) {
			const uint32_t *s = t->sym + t->wstart[w];
			for (k = 0; k + 1 < t->wlen[w]; k++) {
				q = pairs_get(&t->p, PAIR(s[k], s[k + 1]), &fresh);
				if (t->p.last[q] != w + 1) {
					t->p.last[q] = (uint32_t)w + 1;
					e[q].pos[e[q].npos++] = (uint32_t)w;
				}
			}
		}
		for (q = 0; q < t->p.n; q++) {
			e[q].count = (uint64_t)t->p.cnt[q];
			e[q].a = LEFT(t->p.key[q]);
			e[q].b = RIGHT(t->p.key[q]);
			if (e[q].count > 0)
				heap_push(&t->h, e[q]);
			else
				free(e[q].pos);
		}
		free(npos);
		free(e);
	}
}

int
wp_train(const struct wp_counter *c, const struct wp_train_opts *o,
    struct wp_result *r)
{
	struct tr t;
	uint32_t i;

	memset(r, 0, sizeof *r);
	if (o->vocab_size == 0 || (o->score != WP_SCORE_BPE &&
	    o->score != WP_SCORE_LIKELIHOOD))
		return PTK_EAPI;
	memset(&t, 0, sizeof t);
	t.o = o;
	t.p.likelihood = t.h.likelihood = o->score == WP_SCORE_LIKELIHOOD;
	pairs_rehash(&t.p, 1 << 16);
	vocab_rehash(&t.v, 4096);
	setup(&t, c, r);
	if (t.p.likelihood)
		tcount_grow(&t);
	count_pairs(&t);
	if (t.p.likelihood)
		train_likelihood(&t);
	else
		train_bpe(&t);
	if (o->progress)
		o->progress(o->progress_ctx, t.merges, t.v.n);
	r->words = t.nw;
	r->n_merges = t.merges;
	r->n_tokens = t.v.n;
	r->tokens = xcalloc(t.v.n ? t.v.n : 1, sizeof *r->tokens);
	for (i = 0; i < t.v.n; i++)
		r->tokens[i] = xmemdup(t.v.pool.p + t.v.off[i], t.v.len[i]);
	for (i = 0; i < t.h.n; i++)
		free(t.h.e[i].pos);
	free(t.h.e);
	if (t.adj)
		for (i = 0; i < t.tcap; i++)
			free(t.adj[i].v);
	free(t.adj);
	free(t.tcount);
	free(t.chg);
	free(t.sym);
	free(t.wstart);
	free(t.wlen);
	free(t.wcount);
	pairs_release(&t.p);
	vocab_release(&t.v);
	return 0;
}

void
wp_result_release(struct wp_result *r)
{
	uint32_t i;

	for (i = 0; i < r->n_tokens; i++)
		free(r->tokens[i]);
	free(r->tokens);
	memset(r, 0, sizeof *r);
}
