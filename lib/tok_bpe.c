/*
 * tok_bpe.c - byte-level BPE encoding and decoding (see tok_bpe.h).
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "err.h"
#include "tok_bpe_impl.h"
#include "xalloc.h"

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

void
bpe_model_init(struct bpe_model *m)
{
	memset(m, 0, sizeof *m);
	m->tcap = 1 << 10;
	m->tix = xcalloc(m->tcap, sizeof *m->tix);
	m->pcap = 1 << 10;
	m->pairs = xcalloc(m->pcap, sizeof *m->pairs);
	m->match_special = 1;
}

void
bpe_model_release(struct bpe_model *m)
{
	size_t i;

	free(m->off);
	free(m->len);
	buf_release(&m->bytes);
	free(m->tix);
	free(m->pairs);
	free(m->produced);
	pretok_free(m->pre);
	for (i = 0; i < m->nsp; i++)
		free(m->sp[i].s);
	free(m->sp);
	memset(m, 0, sizeof *m);
}

static const char *
tok_bytes(const struct bpe_model *m, uint32_t id)
{
	return m->bytes.p + m->off[id];
}

int64_t
bpe_model_find(const struct bpe_model *m, const char *s, size_t n)
{
	size_t j;

	for (j = XXH3_64bits(s, n) & (m->tcap - 1); m->tix[j]; j = (j + 1) & (m->tcap - 1)) {
		uint32_t id = m->tix[j] - 1;
		if (m->len[id] == n && memcmp(tok_bytes(m, id), s, n) == 0)
			return id;
	}
	return -1;
}

static void
tix_insert(uint32_t *tix, size_t cap, const char *s, size_t n, uint32_t id)
{
	size_t j;

	for (j = XXH3_64bits(s, n) & (cap - 1); tix[j]; j = (j + 1) & (cap - 1))
		;
	tix[j] = id + 1;
}

int
bpe_model_set(struct bpe_model *m, uint32_t id, const char *s, size_t n,
    const char **why)
{
	size_t i;

	if (id >= m->n) {
		uint32_t nn = id + 1;
		m->off = xreallocarray(m->off, nn, sizeof *m->off);
		m->len = xreallocarray(m->len, nn, sizeof *m->len);
		for (i = m->n; i < nn; i++)
			m->len[i] = BPE_NONE;
		m->n = nn;
	}
	if (m->len[id] != BPE_NONE) {
		*why = "id given to two tokens";
		return PTK_EFORMAT;
	}
	if (bpe_model_find(m, s, n) >= 0) {
		*why = "token listed twice";
		return PTK_EFORMAT;
	}
	if (buf_append(&m->bytes, s, n) != 0)
		xmalloc((size_t)-1);
	m->off[id] = m->bytes.len - n;
	m->len[id] = (uint32_t)n;
	if (m->tcap < 4 * (size_t)m->n) {
		size_t ncap = m->tcap;
		uint32_t *nt;
		while (ncap < 4 * (size_t)m->n)
			ncap *= 2;
		nt = xcalloc(ncap, sizeof *nt);
		for (i = 0; i < m->n; i++)
			if (m->len[i] != BPE_NONE)
				tix_insert(nt, ncap, tok_bytes(m, (uint32_t)i), m->len[i],
				    (uint32_t)i);
		free(m->tix);
		m->tix = nt;
		m->tcap = ncap;
	} else {
		tix_insert(m->tix, m->tcap, s, n, id);
	}
	return 0;
}

static struct bpe_pair *
pair_slot(const struct bpe_model *m, uint64_t key)
{
	size_t j;

	key++;
	for (j = mix64(key) & (m->pcap - 1); m->pairs[j].key && m->pairs[j].key != key;
	    j = (j + 1) & (m->pcap - 1))
		;
	return &m->pairs[j];
}

static void
pair_put(struct bpe_model *m, uint32_t l, uint32_t r, uint32_t rank, uint32_t id)
{
	uint64_t key = ((uint64_t)l << 32) | r;
	struct bpe_pair *p;

	if ((m->npairs + 1) * 2 > m->pcap) {
		struct bpe_pair *old = m->pairs;
		size_t i, ocap = m->pcap;
		m->pcap *= 2;
		m->pairs = xcalloc(m->pcap, sizeof *m->pairs);
		for (i = 0; i < ocap; i++)
			if (old[i].key)
				*pair_slot(m, old[i].key - 1) = old[i];
		free(old);
	}
	p = pair_slot(m, key);
	if (p->key == 0) {
		p->key = key + 1;
		p->rank = rank;
		p->id = id;
		m->npairs++;
	} else if (rank < p->rank) {
		p->rank = rank;
		p->id = id;
	}
}

static inline const struct bpe_pair *
pair_get(const struct bpe_model *m, uint32_t l, uint32_t r)
{
	uint64_t key = (((uint64_t)l << 32) | r) + 1;
	size_t j;

	for (j = mix64(key) & (m->pcap - 1); m->pairs[j].key; j = (j + 1) & (m->pcap - 1))
		if (m->pairs[j].key == key)
			return &m->pairs[j];
	return NULL;
}

int
bpe_model_add_merge(struct bpe_model *m, uint32_t left, uint32_t right,
    uint32_t rank, const char **why)
{
	char small[256], *s = small;
	size_t ll = m->len[left], lr = m->len[right];
	int64_t id;

	if (ll + lr > sizeof small)
		s = xmalloc(ll + lr);
	memcpy(s, tok_bytes(m, left), ll);
	memcpy(s + ll, tok_bytes(m, right), lr);
	id = bpe_model_find(m, s, ll + lr);
	if (s != small)
		free(s);
	if (id < 0) {
		*why = "the merged token is not in the vocabulary";
		return PTK_EFORMAT;
	}
	pair_put(m, left, right, rank, (uint32_t)id);
	if (m->produced == NULL)
		m->produced = xcalloc(m->n, 1);
	m->produced[id] = 1;
	return 0;
}

void
bpe_model_pairs_from_ranks(struct bpe_model *m)
{
	uint32_t id;

	if (m->produced == NULL)
		m->produced = xcalloc(m->n ? m->n : 1, 1);
	for (id = 0; id < m->n; id++) {
		uint32_t n = m->len[id], k;
		const char *s;
		if (n == BPE_NONE || n < 2)
			continue;
		s = tok_bytes(m, id);
		for (k = 1; k < n; k++) {
			int64_t l = bpe_model_find(m, s, k), r;
			if (l < 0 || (r = bpe_model_find(m, s + k, n - k)) < 0)
				continue;
			pair_put(m, (uint32_t)l, (uint32_t)r, id, id);
			m->produced[id] = 1;
		}
	}
}

static int
special_cmp(const void *a, const void *b)
{
	const struct bpe_special *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return memcmp(x->s, y->s, x->n);
}

void
bpe_model_add_special(struct bpe_model *m, uint32_t id)
{
	size_t i;

	if (id >= m->n || m->len[id] == BPE_NONE || m->len[id] == 0)
		return;
	for (i = 0; i < m->nsp; i++)
		if (m->sp[i].id == id)
			return;
	m->sp = xreallocarray(m->sp, m->nsp + 1, sizeof *m->sp);
	m->sp[m->nsp].s = xmemdup(tok_bytes(m, id), m->len[id]);
	m->sp[m->nsp].n = m->len[id];
	m->sp[m->nsp].id = id;
	m->nsp++;
	qsort(m->sp, m->nsp, sizeof *m->sp, special_cmp);
}

/* ---- per-thread state: pre-tokenizer match data, scratch, cache ---- */

enum {
	CACHE_SLOTS = 1 << 16,
	CACHE_MAX_PIECE = 48,
	CACHE_ARENA = 4 << 20,	/* u32 words */
};

struct centry {
	uint64_t hash;		/* 0: empty */
	uint32_t at;		/* key bytes then ids in arena, from word at */
	uint16_t klen, nids;
};

struct tok_state {
	struct pretok_state *ps;
	struct centry *slot;	/* (CACHE_SLOTS) */
	uint32_t *arena;	/* (CACHE_ARENA) */
	uint32_t alen, used;
	/* scratch for one piece */
	uint32_t *sym, *rank, *nxt, *prv;
	uint64_t *heap;
	size_t cap;
	uint64_t skipped;	/* bytes dropped (skip_unknown) */
};

static struct tok_state *
bpe_state_new(const struct tokenizer *t)
{
	const struct bpe_model *m = t->impl;
	struct tok_state *s = xcalloc(1, sizeof *s);

	s->ps = pretok_state_new(m->pre);
	s->slot = xcalloc(CACHE_SLOTS, sizeof *s->slot);
	s->arena = xmalloc(CACHE_ARENA * sizeof *s->arena);
	return s;
}

static void
bpe_state_free(struct tok_state *s)
{
	if (s == NULL)
		return;
	pretok_state_free(s->ps);
	free(s->slot);
	free(s->arena);
	free(s->sym);
	free(s->rank);
	free(s->nxt);
	free(s->prv);
	free(s->heap);
	free(s);
}

static void
scratch(struct tok_state *s, size_t n)
{
	if (n <= s->cap)
		return;
	s->cap = n * 2;
	s->sym = xreallocarray(s->sym, s->cap, sizeof *s->sym);
	s->rank = xreallocarray(s->rank, s->cap, sizeof *s->rank);
	s->nxt = xreallocarray(s->nxt, s->cap, sizeof *s->nxt);
	s->prv = xreallocarray(s->prv, s->cap, sizeof *s->prv);
	s->heap = xreallocarray(s->heap, s->cap, sizeof *s->heap);
}

static inline uint32_t
rank_of(const struct bpe_model *m, uint32_t l, uint32_t r)
{
	const struct bpe_pair *p = pair_get(m, l, r);

	return p ? p->rank : BPE_NONE;
}

/* Short pieces: quadratic, but with the ranks of neighbours kept. */
static size_t
merge_simple(const struct bpe_model *m, uint32_t *sym, uint32_t *rk, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		rk[i] = rank_of(m, sym[i], sym[i + 1]);
	while (n > 1) {
		uint32_t best = BPE_NONE;
		size_t at = 0;
		for (i = 0; i + 1 < n; i++)
			if (rk[i] < best) {
				best = rk[i];
				at = i;
			}
		if (best == BPE_NONE)
			break;
		sym[at] = pair_get(m, sym[at], sym[at + 1])->id;
		memmove(sym + at + 1, sym + at + 2, (n - at - 2) * sizeof *sym);
		memmove(rk + at + 1, rk + at + 2, (n - at - 2) * sizeof *rk);
		n--;
		if (at > 0)
			rk[at - 1] = rank_of(m, sym[at - 1], sym[at]);
		if (at + 1 < n)
			rk[at] = rank_of(m, sym[at], sym[at + 1]);
	}
	return n;
}

/* A min-heap of (rank << 32 | position): lowest rank, then leftmost. */
static void
hpush(uint64_t *h, size_t *n, uint64_t x)
{
	size_t i = (*n)++;

	while (i > 0 && h[(i - 1) / 2] > x) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

static uint64_t
hpop(uint64_t *h, size_t *n)
{
	uint64_t top = h[0], last = h[--*n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1] < h[c])
			c++;
		if (h[c] >= last)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = last;
	return top;
}

/* Long pieces: a linked list and a heap with lazy deletion, O(n log n). */
static size_t
merge_heap(const struct bpe_model *m, struct tok_state *s, size_t n)
{
	uint32_t *sym = s->sym, *nxt = s->nxt, *prv = s->prv;
	uint64_t *h = s->heap;
	size_t hn = 0, i, out = 0;

	for (i = 0; i < n; i++) {
		nxt[i] = i + 1 < n ? (uint32_t)(i + 1) : BPE_NONE;
		prv[i] = i ? (uint32_t)(i - 1) : BPE_NONE;
	}
	for (i = 0; i + 1 < n; i++) {
		uint32_t r = rank_of(m, sym[i], sym[i + 1]);
		if (r != BPE_NONE)
			hpush(h, &hn, ((uint64_t)r << 32) | i);
	}
	while (hn) {
		uint64_t top = hpop(h, &hn);
		uint32_t r = (uint32_t)(top >> 32), at = (uint32_t)top, b;
		const struct bpe_pair *p;

		if (sym[at] == BPE_NONE || (b = nxt[at]) == BPE_NONE)
			continue;
		p = pair_get(m, sym[at], sym[b]);
		if (p == NULL || p->rank != r)
			continue;	/* stale */
		sym[at] = p->id;
		sym[b] = BPE_NONE;
		nxt[at] = nxt[b];
		if (nxt[b] != BPE_NONE)
			prv[nxt[b]] = at;
		if (prv[at] != BPE_NONE) {
			uint32_t q = rank_of(m, sym[prv[at]], sym[at]);
			if (q != BPE_NONE)
				hpush(h, &hn, ((uint64_t)q << 32) | prv[at]);
		}
		if (nxt[at] != BPE_NONE) {
			uint32_t q = rank_of(m, sym[at], sym[nxt[at]]);
			if (q != BPE_NONE)
				hpush(h, &hn, ((uint64_t)q << 32) | at);
		}
	}
	for (i = 0; i < n; i++)
		if (sym[i] != BPE_NONE)
			sym[out++] = sym[i];
	return out;
}

/* Encode one piece; returns 0 or PTK_EFORMAT for a byte with no token. */
static int
encode_piece(const struct bpe_model *m, struct tok_state *s, const char *p,
    size_t n, struct idvec *out)
{
	const unsigned char *u = (const unsigned char *)p;
	uint64_t h = 0;
	size_t i, k, before = out->n;
	struct centry *e = NULL;

	if (n == 1) {
		if (m->byte_id[u[0]] < 0) {
			if (!m->skip_unknown)
				return PTK_EFORMAT;
			s->skipped++;
			return 0;
		}
		idvec_push(out, (uint32_t)m->byte_id[u[0]]);
		return 0;
	}
	if (n <= CACHE_MAX_PIECE) {
		h = XXH3_64bits(p, n) | 1;
		for (i = h & (CACHE_SLOTS - 1); s->slot[i].hash; i = (i + 1) & (CACHE_SLOTS - 1)) {
			e = &s->slot[i];
			if (e->hash == h && e->klen == n &&
			    memcmp(s->arena + e->at, p, n) == 0) {
				const uint32_t *ids = s->arena + e->at + (n + 3) / 4;
				for (k = 0; k < e->nids; k++)
					idvec_push(out, ids[k]);
				return 0;
			}
		}
		e = &s->slot[i];
	}
	if (m->ignore_merges) {
		int64_t id = bpe_model_find(m, p, n);
		if (id >= 0) {
			idvec_push(out, (uint32_t)id);
			goto cache;
		}
	}
	scratch(s, n);
	for (i = k = 0; i < n; i++) {
		if (m->byte_id[u[i]] < 0) {
			/* As HuggingFace without an unk_token: the byte is
			 * dropped and its neighbours may merge. */
			if (!m->skip_unknown)
				return PTK_EFORMAT;
			s->skipped++;
			e = NULL;	/* not cached: the count must see it again */
			continue;
		}
		s->sym[k++] = (uint32_t)m->byte_id[u[i]];
	}
	n = k;
	k = n <= 64 ? merge_simple(m, s->sym, s->rank, n) : merge_heap(m, s, n);
	for (i = 0; i < k; i++)
		idvec_push(out, s->sym[i]);
cache:
	if (e != NULL) {
		size_t nids = out->n - before, need = (n + 3) / 4 + nids;
		if (s->alen + need > CACHE_ARENA || (s->used + 1) * 2 > CACHE_SLOTS) {
			/* Full: start over (the cache only saves time). */
			memset(s->slot, 0, CACHE_SLOTS * sizeof *s->slot);
			s->alen = s->used = 0;
			for (i = h & (CACHE_SLOTS - 1); s->slot[i].hash;
			    i = (i + 1) & (CACHE_SLOTS - 1))
				;
			e = &s->slot[i];
		}
		e->hash = h;
		e->at = s->alen;
		e->klen = (uint16_t)n;
		e->nids = (uint16_t)nids;
		s->arena[s->alen + (n + 3) / 4 - 1] = 0;
		memcpy(s->arena + s->alen, p, n);
		memcpy(s->arena + s->alen + (n + 3) / 4, out->v + before,
		    nids * sizeof *out->v);
		s->alen += (uint32_t)need;
		s->used++;
	}
	return 0;
}

/* Encode text without special tokens: pre-tokenize, then each piece. */
static int
encode_plain(const struct bpe_model *m, struct tok_state *s, const char *text,
    size_t n, struct idvec *out, size_t *bad)
{
	size_t pos = 0, st, len;
	int rc;

	while ((rc = pretok_next(m->pre, s->ps, text, n, &pos, &st, &len)) == 1)
		if ((rc = encode_piece(m, s, text + st, len, out)) != 0) {
			*bad = st;
			return rc;
		}
	return rc;
}

static int
bpe_encode(const struct tokenizer *t, struct tok_state *s, const char *text,
    size_t n, struct idvec *out)
{
	const struct bpe_model *m = t->impl;
	size_t pos = 0, bad = 0;

	if (!m->match_special || m->nsp == 0)
		return encode_plain(m, s, text, n, out, &bad);
	while (pos < n) {
		/* The next special token: earliest, then longest. */
		size_t best = n, bestlen = 0, i, lim;
		uint32_t id = 0;
		for (i = 0; i < m->nsp; i++) {
			const struct bpe_special *sp = &m->sp[i];
			const char *q;
			if (sp->n > n - pos)
				continue;
			lim = best < n && best + sp->n < n ? best + sp->n : n;
			q = memmem(text + pos, lim - pos, sp->s, sp->n);
			if (q != NULL && ((size_t)(q - text) < best ||
			    ((size_t)(q - text) == best && sp->n > bestlen))) {
				best = (size_t)(q - text);
				bestlen = sp->n;
				id = sp->id;
			}
		}
		if (best > pos) {
			int rc = encode_plain(m, s, text + pos, best - pos, out, &bad);
			if (rc)
				return rc;
		}
		if (best < n) {
			idvec_push(out, id);
			pos = best + bestlen;
		} else {
			pos = n;
		}
	}
	return 0;
}

static int
bpe_decode(const struct tokenizer *t, const uint32_t *ids, size_t n,
    struct buf *out)
{
	const struct bpe_model *m = t->impl;
	size_t i;

	for (i = 0; i < n; i++) {
		int rc;
		if (ids[i] >= m->n || m->len[ids[i]] == BPE_NONE)
			return PTK_EFORMAT;
		if ((rc = buf_append(out, tok_bytes(m, ids[i]), m->len[ids[i]])) != 0)
			return rc;
	}
	return 0;
}

static int64_t
bpe_token_id(const struct tokenizer *t, const char *s, size_t n)
{
	return bpe_model_find(t->impl, s, n);
}

static const char *
bpe_token_str(const struct tokenizer *t, uint32_t id, size_t *len)
{
	const struct bpe_model *m = t->impl;

	if (id >= m->n || m->len[id] == BPE_NONE)
		return NULL;
	*len = m->len[id];
	return tok_bytes(m, id);
}

static void
bpe_free(struct tokenizer *t)
{
	bpe_model_release(t->impl);
	free(t->impl);
	free(t);
}

static const struct tokenizer_ops bpe_ops = {
	"bpe", bpe_state_new, bpe_state_free, bpe_encode, bpe_decode,
	bpe_token_id, bpe_token_str, bpe_free,
};

void
tok_bpe_set_skip_unknown(struct tokenizer *t, int on)
{
	if (t->ops == &bpe_ops)
		((struct bpe_model *)t->impl)->skip_unknown = on;
}

uint64_t
tok_bpe_skipped(const struct tokenizer *t, const struct tok_state *s)
{
	return t->ops == &bpe_ops ? s->skipped : 0;
}

int
tok_bpe_can_cut(const struct tokenizer *t)
{
	const struct bpe_model *m;
	size_t i;

	if (t->ops != &bpe_ops)
		return 0;
	m = t->impl;
	if (!pretok_can_cut(m->pre))
		return 0;
	for (i = 0; i < m->nsp; i++)
		if (memchr(m->sp[i].s, '\n', m->sp[i].n) != NULL)
			return 0;
	return 1;
}

/* Special-token names by slot, most common spelling first. */
static const char *const slot_names[TOK_NSPECIAL][5] = {
	[TOK_PAD] = { "<pad>", "<|pad|>", "[PAD]", NULL },
	[TOK_UNK] = { "<unk>", "<|unk|>", "[UNK]", NULL },
	[TOK_BOS] = { "<|begin_of_text|>", "<s>", "<bos>", "<|startoftext|>", NULL },
	[TOK_EOS] = { "<|endoftext|>", "</s>", "<eos>", "<|end_of_text|>", NULL },
	[TOK_CLS] = { "[CLS]", "<cls>", NULL },
	[TOK_SEP] = { "[SEP]", "<sep>", NULL },
	[TOK_MASK] = { "<mask>", "[MASK]", "<|mask|>", NULL },
};

struct tokenizer *
bpe_model_finish(struct bpe_model *m)
{
	struct tokenizer *t = xcalloc(1, sizeof *t);
	struct bpe_model *own = xmalloc(sizeof *own);
	XXH64_state_t *xs = XXH64_createState();
	uint32_t id;
	int slot, b;

	if (xs == NULL)
		xmalloc((size_t)-1);
	for (b = 0; b < 256; b++) {
		char c = (char)b;
		int64_t i = bpe_model_find(m, &c, 1);
		m->byte_id[b] = (int32_t)i;
	}
	XXH64_reset(xs, 0);
	for (id = 0; id < m->n; id++) {
		uint32_t len = m->len[id];
		unsigned char le[4] = { (unsigned char)len, (unsigned char)(len >> 8),
		    (unsigned char)(len >> 16), (unsigned char)(len >> 24) };
		XXH64_update(xs, le, 4);
		if (len != BPE_NONE)
			XXH64_update(xs, tok_bytes(m, id), len);
	}
	t->fingerprint = XXH64_digest(xs);
	XXH64_freeState(xs);
	t->vocab_size = m->n;
	for (slot = 0; slot < TOK_NSPECIAL; slot++) {
		int k;
		t->special[slot] = -1;
		for (k = 0; slot_names[slot][k] != NULL; k++) {
			int64_t i = bpe_model_find(m, slot_names[slot][k],
			    strlen(slot_names[slot][k]));
			if (i >= 0) {
				t->special[slot] = (int32_t)i;
				break;
			}
		}
	}
	*own = *m;
	memset(m, 0, sizeof *m);
	t->ops = &bpe_ops;
	t->impl = own;
	return t;
}
