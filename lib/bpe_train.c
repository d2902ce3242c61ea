/*
 * bpe_train.c - byte-level BPE training (see bpe_train.h for the algorithm
 * and how it matches HuggingFace's BpeTrainer).
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "bpe_train.h"
#include "buf.h"
#include "err.h"
#include "json.h"
#include "xalloc.h"
#include "zio.h"

/* ---- the word counter: open addressing over an arena of word bytes ---- */

struct cword {
	uint64_t hash;
	uint64_t count;		/* 0: empty slot */
	uint64_t off;		/* word bytes at arena + off */
	uint64_t len;
};

struct bpe_counter {
	struct cword *slot;	/* (cap) */
	size_t cap, used;
	char *arena;
	size_t alen, acap;
};

struct bpe_counter *
bpe_counter_new(void)
{
	struct bpe_counter *c = xcalloc(1, sizeof *c);

	c->cap = 1 << 12;
	c->slot = xcalloc(c->cap, sizeof *c->slot);
	return c;
}

void
bpe_counter_free(struct bpe_counter *c)
{
	if (c == NULL)
		return;
	free(c->slot);
	free(c->arena);
	free(c);
}

static void
counter_grow(struct bpe_counter *c)
{
	size_t i, ncap = c->cap * 2;
	struct cword *ns = xcalloc(ncap, sizeof *ns);

	for (i = 0; i < c->cap; i++) {
		size_t j;
		if (c->slot[i].count == 0)
			continue;
		for (j = c->slot[i].hash & (ncap - 1); ns[j].count;
		    j = (j + 1) & (ncap - 1))
			;
		ns[j] = c->slot[i];
	}
	free(c->slot);
	c->slot = ns;
	c->cap = ncap;
}

static void
counter_add_hashed(struct bpe_counter *c, const char *w, size_t n,
    uint64_t h, uint64_t count)
{
	size_t j;

	for (j = h & (c->cap - 1); c->slot[j].count; j = (j + 1) & (c->cap - 1)) {
		struct cword *e = &c->slot[j];
		if (e->hash == h && e->len == n && memcmp(c->arena + e->off, w, n) == 0) {
			e->count += count;
			return;
		}
	}
	if (c->alen + n > c->acap) {
		c->acap = c->acap * 2 > c->alen + n + 4096 ? c->acap * 2 :
		    c->alen + n + 4096;
		c->arena = xrealloc(c->arena, c->acap);
	}
	if (n)
		memcpy(c->arena + c->alen, w, n);
	c->slot[j] = (struct cword){ h, count, c->alen, n };
	c->alen += n;
	if (++c->used * 4 > c->cap * 3)
		counter_grow(c);
}

void
bpe_counter_add(struct bpe_counter *c, const char *w, size_t n, uint64_t count)
{
	if (count)
		counter_add_hashed(c, w, n, XXH3_64bits(w, n), count);
}

int
bpe_counter_add_text(struct bpe_counter *c, const struct pretok *p,
    struct pretok_state *s, const char *text, size_t n)
{
	size_t pos = 0, st, len;
	int rc;

	while ((rc = pretok_next(p, s, text, n, &pos, &st, &len)) == 1)
		bpe_counter_add(c, text + st, len, 1);
	return rc;
}

void
bpe_counter_merge(struct bpe_counter *dst, struct bpe_counter *src)
{
	size_t i;

	for (i = 0; i < src->cap; i++) {
		struct cword *e = &src->slot[i];
		if (e->count)
			counter_add_hashed(dst, src->arena + e->off, e->len, e->hash,
			    e->count);
	}
	memset(src->slot, 0, src->cap * sizeof *src->slot);
	src->used = 0;
	src->alen = 0;
}

uint64_t
bpe_counter_prune(struct bpe_counter *c, uint64_t min_count)
{
	struct bpe_counter *n = bpe_counter_new();
	uint64_t before = c->used;
	size_t i;

	for (i = 0; i < c->cap; i++) {
		const struct cword *e = &c->slot[i];
		if (e->count >= min_count && e->count)
			counter_add_hashed(n, c->arena + e->off, e->len, e->hash, e->count);
	}
	free(c->slot);
	free(c->arena);
	*c = *n;
	free(n);
	return before - c->used;
}

uint64_t
bpe_counter_words(const struct bpe_counter *c)
{
	return c->used;
}

size_t
bpe_counter_memory(const struct bpe_counter *c)
{
	return c->cap * sizeof *c->slot + c->acap;
}

/* One unit of counting work: texts [first, last) or a slice of one text. */
struct count_item {
	size_t first, last;
	size_t from, to;	/* byte range when first + 1 == last */
};

int
bpe_count_texts(struct bpe_counter **counters, struct pretok_state **states,
    int nthreads, const struct pretok *p, const char *const *texts,
    const size_t *lens, size_t n)
{
	enum { ITEM_BYTES = 1 << 20 };
	struct count_item *items = NULL;
	size_t nitems = 0, cap = 0, i;
	long k;
	int err = 0;

	for (i = 0; i < n;) {
		if (nitems == cap) {
			cap = cap ? cap * 2 : 64;
			items = xreallocarray(items, cap, sizeof *items);
		}
		if (lens[i] > ITEM_BYTES && pretok_can_cut(p)) {
			/* Cut one long text where GPT-2's pieces allow it. */
			size_t from = 0, to;
			while (from < lens[i]) {
				to = pretok_cut(texts[i], lens[i], from + ITEM_BYTES);
				if (nitems == cap) {
					cap *= 2;
					items = xreallocarray(items, cap, sizeof *items);
				}
				items[nitems++] = (struct count_item){ i, i + 1, from, to };
				from = to;
			}
			i++;
		} else {
			size_t j = i, bytes = 0;
			while (j < n && (j == i || bytes + lens[j] <= ITEM_BYTES) &&
			    !(j > i && lens[j] > ITEM_BYTES))
				bytes += lens[j++];
			items[nitems++] = (struct count_item){ i, j, 0, (size_t)-1 };
			i = j;
		}
	}
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
	for (k = 0; k < (long)nitems; k++) {
		int t = omp_get_thread_num(), rc = 0;
		struct count_item *it = &items[k];
		size_t d;

		if (it->to != (size_t)-1) {
			rc = bpe_counter_add_text(counters[t], p, states[t],
			    texts[it->first] + it->from, it->to - it->from);
		} else {
			for (d = it->first; d < it->last && rc == 0; d++)
				rc = bpe_counter_add_text(counters[t], p, states[t],
				    texts[d], lens[d]);
		}
		if (rc < 0) {
#pragma omp atomic write
			err = rc;
		}
	}
	free(items);
	return err;
}

/* ---- merging ---- */

/* A u64 -> slot hash map (open addressing, key 0 = empty: keys are pair+1). */
struct pmap {
	uint64_t *key;
	uint32_t *val;
	size_t cap, used;
};

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

static void
pmap_init(struct pmap *m, size_t cap)
{
	m->cap = cap;
	m->used = 0;
	m->key = xcalloc(cap, sizeof *m->key);
	m->val = xmalloc(cap * sizeof *m->val);
}

static void
pmap_release(struct pmap *m)
{
	free(m->key);
	free(m->val);
}

/* The slot for key, inserted with val = *fresh when missing (*fresh = 1). */
static uint32_t *
pmap_get(struct pmap *m, uint64_t key, uint32_t fresh_val, int *fresh)
{
	size_t j;

	key++;
	for (j = mix64(key) & (m->cap - 1); m->key[j]; j = (j + 1) & (m->cap - 1))
		if (m->key[j] == key) {
			*fresh = 0;
			return &m->val[j];
		}
	*fresh = 1;
	m->key[j] = key;
	m->val[j] = fresh_val;
	if (++m->used * 2 > m->cap) {
		size_t i, ncap = m->cap * 2;
		uint64_t *nk = xcalloc(ncap, sizeof *nk);
		uint32_t *nv = xmalloc(ncap * sizeof *nv);
		for (i = 0; i < m->cap; i++) {
			size_t q;
			if (!m->key[i])
				continue;
			for (q = mix64(m->key[i]) & (ncap - 1); nk[q]; q = (q + 1) & (ncap - 1))
				;
			nk[q] = m->key[i];
			nv[q] = m->val[i];
		}
		free(m->key);
		free(m->val);
		m->key = nk;
		m->val = nv;
		m->cap = ncap;
		{
			uint32_t *slot = pmap_get(m, key - 1, fresh_val, fresh);
			*fresh = 1;
			return slot;
		}
	}
	return &m->val[j];
}

static int
pmap_find(const struct pmap *m, uint64_t key, uint32_t *val)
{
	size_t j;

	key++;
	for (j = mix64(key) & (m->cap - 1); m->key[j]; j = (j + 1) & (m->cap - 1))
		if (m->key[j] == key) {
			*val = m->val[j];
			return 1;
		}
	return 0;
}

#define PAIR(a, b) (((uint64_t)(a) << 32) | (uint32_t)(b))

/* A list of word indices. */
struct wlist {
	uint32_t *v;
	uint32_t n, cap;
};

static void
wlist_push(struct wlist *l, uint32_t w)
{
	if (l->n && l->v[l->n - 1] == w)
		return;		/* the same word again: a set holds it once */
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = w;
}

struct hentry {
	uint64_t count;
	uint64_t pair;
	struct wlist pos;
};

/* BpeTrainer's Merge order: higher count first, then the smaller pair. */
static int
hless(const struct hentry *x, const struct hentry *y)
{
	if (x->count != y->count)
		return x->count > y->count;
	return x->pair < y->pair;
}

struct heap {
	struct hentry *e;
	size_t n, cap;
};

static void
heap_push(struct heap *h, struct hentry x)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->e = xreallocarray(h->e, h->cap, sizeof *h->e);
	}
	i = h->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!hless(&x, &h->e[parent]))
			break;
		h->e[i] = h->e[parent];
		i = parent;
	}
	h->e[i] = x;
}

static struct hentry
heap_pop(struct heap *h)
{
	struct hentry top = h->e[0], last = h->e[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && hless(&h->e[c + 1], &h->e[c]))
			c++;
		if (!hless(&h->e[c], &last))
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	if (h->n)
		h->e[i] = last;
	return top;
}

/* The vocabulary being built: byte-level spellings and a lookup. */
struct vocab {
	char **tok;
	uint32_t *len;		/* length in symbols (bytes) */
	uint32_t n, cap;
	struct pmap idx;	/* XXH3 of spelling -> first id with that hash */
	uint32_t *next_same;	/* chain of ids with the same hash */
};

static int64_t
vocab_find(const struct vocab *v, const char *s)
{
	uint32_t id;

	if (!pmap_find(&v->idx, XXH3_64bits(s, strlen(s)) >> 1, &id))
		return -1;
	for (; id != UINT32_MAX; id = v->next_same[id])
		if (strcmp(v->tok[id], s) == 0)
			return id;
	return -1;
}

static uint32_t
vocab_add(struct vocab *v, char *s, uint32_t len)
{
	uint32_t *slot;
	int fresh;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->tok = xreallocarray(v->tok, v->cap, sizeof *v->tok);
		v->len = xreallocarray(v->len, v->cap, sizeof *v->len);
		v->next_same = xreallocarray(v->next_same, v->cap, sizeof *v->next_same);
	}
	v->tok[v->n] = s;
	v->len[v->n] = len;
	slot = pmap_get(&v->idx, XXH3_64bits(s, strlen(s)) >> 1, v->n, &fresh);
	v->next_same[v->n] = fresh ? UINT32_MAX : *slot;
	*slot = v->n;
	return v->n++;
}

struct sorted_word {
	uint64_t hash;
	const char *p;
	uint64_t len, count;
};

static int
sorted_word_cmp(const void *a, const void *b)
{
	const struct sorted_word *x = a, *y = b;
	size_t m;
	int c;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	m = x->len < y->len ? x->len : y->len;
	if ((c = memcmp(x->p, y->p, m)) != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

struct alpha {
	int byte;
	uint64_t count;
};

static int
alpha_by_count(const void *a, const void *b)
{
	const struct alpha *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return pretok_byte_cp[x->byte] < pretok_byte_cp[y->byte] ? -1 : 1;
}

static int
alpha_by_cp(const void *a, const void *b)
{
	const struct alpha *x = a, *y = b;

	return pretok_byte_cp[x->byte] < pretok_byte_cp[y->byte] ? -1 : 1;
}

/* Pair counts: a map from pair to an index into cnt. */
struct pcounts {
	struct pmap m;
	int64_t *cnt;
	size_t n, cap;
};

static int64_t *
pcount(struct pcounts *pc, uint64_t pair)
{
	int fresh;
	uint32_t *v = pmap_get(&pc->m, pair, (uint32_t)pc->n, &fresh);

	if (fresh) {
		if (pc->n == pc->cap) {
			pc->cap = pc->cap ? pc->cap * 2 : 1 << 16;
			pc->cnt = xreallocarray(pc->cnt, pc->cap, sizeof *pc->cnt);
		}
		pc->cnt[pc->n++] = 0;
	}
	return &pc->cnt[*v];
}

/* New pairs of one merge step, in first-seen order (BpeTrainer's where_to_update). */
struct wtu {
	struct pmap m;		/* pair -> index in e */
	struct hentry *e;
	size_t n, cap;
	size_t *slot;		/* (nslot) scratch for wtu_clear */
	size_t nslot;
};

static void
wtu_add(struct wtu *u, uint64_t pair, uint32_t w)
{
	int fresh;
	uint32_t *v = pmap_get(&u->m, pair, (uint32_t)u->n, &fresh);

	if (fresh) {
		if (u->n == u->cap) {
			u->cap = u->cap ? u->cap * 2 : 256;
			u->e = xreallocarray(u->e, u->cap, sizeof *u->e);
		}
		u->e[u->n++] = (struct hentry){ 0, pair, { NULL, 0, 0 } };
	}
	wlist_push(&u->e[*v].pos, w);
}

static void
wtu_clear(struct wtu *u)
{
	size_t i;

	if (u->m.used * 16 < u->m.cap) {
		/*
		 * Few keys in a big table (it grew once): find their slots
		 * while all are present, then empty just those.
		 */
		if (u->nslot < u->n) {
			u->nslot = u->n;
			u->slot = xreallocarray(u->slot, u->nslot, sizeof *u->slot);
		}
		for (i = 0; i < u->n; i++) {
			uint64_t key = u->e[i].pair + 1;
			size_t j = mix64(key) & (u->m.cap - 1);
			while (u->m.key[j] != key)
				j = (j + 1) & (u->m.cap - 1);
			u->slot[i] = j;
		}
		for (i = 0; i < u->n; i++)
			u->m.key[u->slot[i]] = 0;
	} else if (u->m.used) {
		memset(u->m.key, 0, u->m.cap * sizeof *u->m.key);
	}
	u->m.used = 0;
	u->n = 0;
}

static char *
spell_byte(int b)
{
	unsigned char byte = (unsigned char)b;
	char s[3];
	size_t n = pretok_bytes_to_chars(&byte, 1, s);

	s[n] = '\0';
	return xstrdup(s);
}

int
bpe_train(const struct bpe_counter *c, const struct bpe_train_opts *o,
    struct bpe_result *r)
{
	struct sorted_word *sw;
	struct vocab v = { 0 };
	struct alpha al[256];
	uint64_t bytecount[256] = { 0 };
	int32_t byte_id[256];
	uint32_t *sym, *wlen, nal = 0, m_cap = 0;
	uint64_t *woff, *wcount;
	size_t nw = 0, i, total = 0;
	struct pcounts pc = { 0 };
	struct heap heap = { 0 };
	struct wtu upd = { 0 };
	/* BpeTrainer's test is "shorter than max_token_length": ours is "at most". */
	uint32_t maxlen = o->max_token_length ? o->max_token_length + 1 : UINT32_MAX;
	uint32_t (*merges)[2] = NULL, nm = 0;
	int b;

	memset(r, 0, sizeof *r);
	if (o->vocab_size == 0)
		return PTK_EAPI;

	/* Words in a fixed order (hash, bytes), whatever the thread count was. */
	sw = xmalloc((c->used ? c->used : 1) * sizeof *sw);
	for (i = 0; i < c->cap; i++) {
		const struct cword *e = &c->slot[i];
		if (e->count == 0)
			continue;
		sw[nw++] = (struct sorted_word){ e->hash, c->arena + e->off, e->len,
		    e->count };
		total += e->len;
	}
	qsort(sw, nw, sizeof *sw, sorted_word_cmp);

	pmap_init(&v.idx, 1 << 16);
	/* 1. special tokens */
	for (i = 0; i < o->n_special; i++)
		if (vocab_find(&v, o->special[i]) < 0)
			vocab_add(&v, xstrdup(o->special[i]),
			    (uint32_t)strlen(o->special[i]));

	/* 2. the alphabet */
	for (i = 0; i < nw; i++) {
		const unsigned char *p = (const unsigned char *)sw[i].p;
		size_t k;
		for (k = 0; k < sw[i].len; k++)
			bytecount[p[k]] += sw[i].count;
	}
	for (b = 0; b < 256; b++)
		if (bytecount[b] || o->initial_alphabet[b])
			al[nal++] = (struct alpha){ b, o->initial_alphabet[b] ?
			    UINT64_MAX : bytecount[b] };
	if (o->limit_alphabet && nal > o->limit_alphabet) {
		uint32_t drop = nal - o->limit_alphabet;
		qsort(al, nal, sizeof *al, alpha_by_count);
		memmove(al, al + drop, (nal - drop) * sizeof *al);
		nal -= drop;
	}
	qsort(al, nal, sizeof *al, alpha_by_cp);
	for (b = 0; b < 256; b++)
		byte_id[b] = -1;
	for (i = 0; i < nal; i++) {
		char *s = spell_byte(al[i].byte);
		int64_t id = vocab_find(&v, s);
		if (id >= 0) {
			free(s);
			byte_id[al[i].byte] = (int32_t)id;
		} else {
			byte_id[al[i].byte] = (int32_t)vocab_add(&v, s, 1);
		}
	}

	/* 3. words as symbol sequences; 4. pair counts and where they are */
	sym = xmalloc((total ? total : 1) * sizeof *sym);
	woff = xmalloc((nw ? nw : 1) * sizeof *woff);
	wlen = xmalloc((nw ? nw : 1) * sizeof *wlen);
	wcount = xmalloc((nw ? nw : 1) * sizeof *wcount);
	pmap_init(&pc.m, 1 << 16);
	pmap_init(&upd.m, 1 << 12);
	total = 0;
	for (i = 0; i < nw; i++) {
		const unsigned char *p = (const unsigned char *)sw[i].p;
		size_t k, n = 0;
		woff[i] = total;
		wcount[i] = sw[i].count;
		for (k = 0; k < sw[i].len; k++)
			if (byte_id[p[k]] >= 0)
				sym[total + n++] = (uint32_t)byte_id[p[k]];
		wlen[i] = (uint32_t)n;
		total += n;
		for (k = 0; k + 1 < n; k++) {
			uint64_t pair = PAIR(sym[woff[i] + k], sym[woff[i] + k + 1]);
			*pcount(&pc, pair) += (int64_t)wcount[i];
			wtu_add(&upd, pair, (uint32_t)i);
		}
	}
	free(sw);
	for (i = 0; i < upd.n; i++) {
		int64_t cnt = *pcount(&pc, upd.e[i].pair);
		if (cnt > 0) {
			upd.e[i].count = (uint64_t)cnt;
			heap_push(&heap, upd.e[i]);
		} else {
			free(upd.e[i].pos.v);
		}
	}
	wtu_clear(&upd);

	/* 5. merges */
	while (v.n < o->vocab_size && heap.n) {
		struct hentry top = heap_pop(&heap);
		uint32_t a = (uint32_t)(top.pair >> 32), bb = (uint32_t)top.pair;
		uint32_t nid, newlen, k;
		int64_t cur = *pcount(&pc, top.pair);
		int64_t found;
		char *s;
		size_t la, lb;

		if (top.count != (uint64_t)cur) {
			top.count = (uint64_t)cur;
			heap_push(&heap, top);
			continue;
		}
		if (top.count < 1 || o->min_frequency > top.count) {
			free(top.pos.v);
			break;
		}
		la = strlen(v.tok[a]);
		lb = strlen(v.tok[bb]);
		s = xmalloc(la + lb + 1);
		memcpy(s, v.tok[a], la);
		memcpy(s + la, v.tok[bb], lb + 1);
		if ((found = vocab_find(&v, s)) >= 0) {
			free(s);
			nid = (uint32_t)found;
		} else {
			nid = vocab_add(&v, s, v.len[a] + v.len[bb]);
		}
		newlen = v.len[a] + v.len[bb];
		if (nm == m_cap) {
			m_cap = m_cap ? m_cap * 2 : 1024;
			merges = xreallocarray(merges, m_cap, sizeof *merges);
		}
		merges[nm][0] = a;
		merges[nm][1] = bb;
		nm++;

		for (k = 0; k < top.pos.n; k++) {
			uint32_t w = top.pos.v[k], n = wlen[w], in = 0, out = 0;
			uint32_t *ws = sym + woff[w];
			int64_t cnt = (int64_t)wcount[w];

			while (in < n) {
				if (in + 1 < n && ws[in] == a && ws[in + 1] == bb) {
					/* Changes in BpeTrainer's Word::merge order. */
					if (out > 0) {
						uint32_t prev = ws[out - 1];
						*pcount(&pc, PAIR(prev, a)) -= cnt;
						if (v.len[prev] + newlen < maxlen) {
							*pcount(&pc, PAIR(prev, nid)) += cnt;
							wtu_add(&upd, PAIR(prev, nid), w);
						}
					}
					ws[out++] = nid;
					in += 2;
					if (in < n) {
						uint32_t next = ws[in];
						*pcount(&pc, PAIR(bb, next)) -= cnt;
						if (v.len[next] + newlen < maxlen) {
							*pcount(&pc, PAIR(nid, next)) += cnt;
							wtu_add(&upd, PAIR(nid, next), w);
						}
					}
				} else {
					ws[out++] = ws[in++];
				}
			}
			wlen[w] = out;
		}
		free(top.pos.v);
		for (i = 0; i < upd.n; i++) {
			int64_t cnt = *pcount(&pc, upd.e[i].pair);
			if (cnt > 0) {
				upd.e[i].count = (uint64_t)cnt;
				heap_push(&heap, upd.e[i]);
			} else {
				free(upd.e[i].pos.v);
			}
		}
		wtu_clear(&upd);
		if (o->progress && (nm & 255) == 0)
			o->progress(o->progress_ctx, nm, v.n);
	}
	if (o->progress)
		o->progress(o->progress_ctx, nm, v.n);
	for (i = 0; i < heap.n; i++)
		free(heap.e[i].pos.v);
	free(heap.e);
	free(upd.e);
	free(upd.slot);
	pmap_release(&upd.m);
	pmap_release(&pc.m);
	free(pc.cnt);
	free(sym);
	free(woff);
	free(wlen);
	free(wcount);

	/*
	 * BpeTrainer hands its merges to the model through a map keyed by
	 * pair, so a pair merged twice (possible when two merges spell the
	 * same token) keeps only its last rank: do the same.
	 */
	{
		struct pmap last;
		uint32_t j, keep = 0;
		int fresh;
		pmap_init(&last, 1 << 10);
		for (j = 0; j < nm; j++)
			*pmap_get(&last, PAIR(merges[j][0], merges[j][1]), j, &fresh) = j;
		for (j = 0; j < nm; j++) {
			uint32_t at;
			pmap_find(&last, PAIR(merges[j][0], merges[j][1]), &at);
			if (at == j) {
				merges[keep][0] = merges[j][0];
				merges[keep][1] = merges[j][1];
				keep++;
			}
		}
		pmap_release(&last);
		nm = keep;
	}
	pmap_release(&v.idx);
	free(v.len);
	free(v.next_same);
	r->n_tokens = v.n;
	r->tokens = v.tok;
	r->n_merges = nm;
	r->merges = merges;
	r->n_special = (uint32_t)o->n_special;
	r->words = nw;
	return 0;
}

void
bpe_result_release(struct bpe_result *r)
{
	uint32_t i;

	for (i = 0; i < r->n_tokens; i++)
		free(r->tokens[i]);
	free(r->tokens);
	free(r->merges);
	memset(r, 0, sizeof *r);
}

/* ---- writing the files ---- */

static int
emit(struct zio_writer *w, struct buf *b, int force)
{
	if (!force && b->len < (1u << 16))
		return 0;
	return zio_write_buf(w, b);
}

static int
write_vocab_obj(struct zio_writer *w, struct buf *b, const struct bpe_result *r)
{
	uint32_t i;
	int rc = buf_putc(b, '{');

	for (i = 0; i < r->n_tokens && rc == 0; i++) {
		if (i)
			rc = buf_putc(b, ',');
		if (rc == 0 && json_write_string(b, r->tokens[i], strlen(r->tokens[i])) < 0)
			rc = PTK_ELIMIT;
		if (rc == 0)
			rc = buf_printf(b, ":%u", i);
		if (rc == 0)
			rc = emit(w, b, 0);
	}
	if (rc == 0)
		rc = buf_putc(b, '}');
	return rc;
}

static int
write_merges_arr(struct zio_writer *w, struct buf *b, const struct bpe_result *r)
{
	uint32_t i;
	int rc = buf_putc(b, '[');

	for (i = 0; i < r->n_merges && rc == 0; i++) {
		const char *x = r->tokens[r->merges[i][0]], *y = r->tokens[r->merges[i][1]];
		struct buf t = BUF_INIT;
		if (i)
			rc = buf_putc(b, ',');
		if (rc == 0)
			rc = buf_printf(&t, "%s %s", x, y);
		if (rc == 0 && json_write_string(b, t.p, t.len) < 0)
			rc = PTK_ELIMIT;
		buf_release(&t);
		if (rc == 0)
			rc = emit(w, b, 0);
	}
	if (rc == 0)
		rc = buf_putc(b, ']');
	return rc;
}

static int
write_tokenizer_json(struct zio_writer *w, struct buf *b,
    const struct bpe_result *r, const char *pattern)
{
	static const char bl[] = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
	    "\"trim_offsets\":true,\"use_regex\":true}";
	uint32_t i;
	int rc = buf_printf(b, "{\"version\":\"1.0\",\"truncation\":null,"
	    "\"padding\":null,\"added_tokens\":[");

	for (i = 0; i < r->n_special && rc == 0; i++) {
		rc = buf_printf(b, "%s{\"id\":%u,\"content\":", i ? "," : "", i);
		if (rc == 0 && json_write_string(b, r->tokens[i], strlen(r->tokens[i])) < 0)
			rc = PTK_ELIMIT;
		if (rc == 0)
			rc = buf_printf(b, ",\"single_word\":false,\"lstrip\":false,"
			    "\"rstrip\":false,\"normalized\":false,\"special\":true}");
	}
	if (rc == 0)
		rc = buf_printf(b, "],\"normalizer\":null,\"pre_tokenizer\":");
	if (rc == 0 && pattern == NULL) {
		rc = buf_printf(b, "%s", bl);
	} else if (rc == 0) {
		rc = buf_printf(b, "{\"type\":\"Sequence\",\"pretokenizers\":["
		    "{\"type\":\"Split\",\"pattern\":{\"Regex\":");
		if (rc == 0 && json_write_string(b, pattern, strlen(pattern)) < 0)
			rc = PTK_ELIMIT;
		if (rc == 0)
			rc = buf_printf(b, "},\"behavior\":\"Isolated\",\"invert\":false},"
			    "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
			    "\"trim_offsets\":true,\"use_regex\":false}]}");
	}
	if (rc == 0)
		rc = buf_printf(b, ",\"post_processor\":null,\"decoder\":%s,"
		    "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,"
		    "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,"
		    "\"fuse_unk\":false,\"byte_fallback\":false,\"ignore_merges\":false,"
		    "\"vocab\":", bl);
	if (rc == 0)
		rc = write_vocab_obj(w, b, r);
	if (rc == 0)
		rc = buf_printf(b, ",\"merges\":");
	if (rc == 0)
		rc = write_merges_arr(w, b, r);
	if (rc == 0)
		rc = buf_printf(b, "}}\n");
	return rc;
}

int
bpe_result_write(const struct bpe_result *r, const char *dir,
    const char *pattern, char *err, size_t errlen)
{
	static const char *names[3] = { "vocab.json", "merges.txt", "tokenizer.json" };
	struct zio_writer *w[3] = { NULL, NULL, NULL };
	struct buf b = BUF_INIT;
	int f, rc = 0;
	uint32_t i;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
		return PTK_EIO;
	}
	if (pattern && strcmp(pattern, PRETOK_GPT2_PATTERN) == 0)
		pattern = NULL;
	for (f = 0; f < 3 && rc == 0; f++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[f]);
		if ((rc = zio_writer_open(&w[f], path, 0, 0)) != 0) {
			snprintf(err, errlen, "cannot create '%s': %s", path,
			    strerror(errno));
			break;
		}
		switch (f) {
		case 0:
			rc = write_vocab_obj(w[f], &b, r);
			if (rc == 0)
				rc = buf_putc(&b, '\n');
			break;
		case 1:
			rc = buf_printf(&b, "#version: 0.2\n");
			for (i = 0; i < r->n_merges && rc == 0; i++) {
				rc = buf_printf(&b, "%s %s\n", r->tokens[r->merges[i][0]],
				    r->tokens[r->merges[i][1]]);
				if (rc == 0)
					rc = emit(w[f], &b, 0);
			}
			break;
		case 2:
			rc = write_tokenizer_json(w[f], &b, r, pattern);
			break;
		}
		if (rc == 0)
			rc = emit(w[f], &b, 1);
		if (rc != 0)
			snprintf(err, errlen, "cannot write '%s/%s': %s", dir, names[f],
			    strerror(errno));
	}
	/* Commit all three only when all were written. */
	for (f = 0; f < 3; f++) {
		int crc = zio_writer_close(w[f], rc == 0);
		if (rc == 0 && crc != 0) {
			snprintf(err, errlen, "cannot write '%s/%s': %s", dir, names[f],
			    strerror(errno));
			rc = crc;
		}
	}
	buf_release(&b);
	return rc;
}
