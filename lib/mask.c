/*
 * mask.c - BERT / ALBERT / RoBERTa masking and T5 span corruption (mask.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "err.h"
#include "mask.h"
#include "xalloc.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void
mask_rng_seed(struct mask_rng *r, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a, h;
	int i;

	/* Chain the words through the mixer so that (a, b, c) and any
	 * permutation of it give unrelated streams. */
	h = splitmix64(&x);
	x = h ^ b;
	h = splitmix64(&x);
	x = h ^ c;
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;
}

uint64_t
mask_record_key(const char *id, size_t len)
{
	return XXH64(id, len, 0);
}

/* ---- vocabulary ---- */

void
mask_vocab_init(struct mask_vocab *v, uint32_t vocab_size, uint32_t mask_id,
    const struct tok_header *h)
{
	int i;

	memset(v, 0, sizeof *v);
	v->vocab_size = vocab_size;
	v->mask_id = mask_id;
	v->flags = xcalloc(vocab_size ? vocab_size : 1, 1);
	if (mask_id < vocab_size)
		v->flags[mask_id] |= MASK_TOK_SPECIAL;
	if (h != NULL)
		for (i = 0; i < TOK_NSPECIAL; i++)
			if (h->special[i] >= 0 && (uint32_t)h->special[i] < vocab_size)
				v->flags[h->special[i]] |= MASK_TOK_SPECIAL;
}

void
mask_vocab_set_special(struct mask_vocab *v, uint32_t id)
{
	if (id < v->vocab_size)
		v->flags[id] |= MASK_TOK_SPECIAL;
}

void
mask_vocab_set_cont(struct mask_vocab *v, uint32_t id)
{
	if (id < v->vocab_size)
		v->flags[id] |= MASK_TOK_CONT;
}

void
mask_vocab_set_break(struct mask_vocab *v, uint32_t id)
{
	if (id < v->vocab_size)
		v->flags[id] |= MASK_TOK_BREAK;
}

void
mask_vocab_set_word_starts(struct mask_vocab *v, const uint8_t *starts)
{
	uint32_t id;

	for (id = 0; id < v->vocab_size; id++)
		if (!((starts[id / 8] >> (id % 8)) & 1))
			v->flags[id] |= MASK_TOK_CONT;
		else
			v->flags[id] &= (uint8_t)~MASK_TOK_CONT;
}

int
mask_vocab_done(struct mask_vocab *v)
{
	uint32_t id, n = 0;

	free(v->specials);
	for (id = 0; id < v->vocab_size; id++)
		n += v->flags[id] & MASK_TOK_SPECIAL;
	v->specials = xmalloc((n ? n : 1) * sizeof *v->specials);
	v->nspecial = 0;
	for (id = 0; id < v->vocab_size; id++)
		if (v->flags[id] & MASK_TOK_SPECIAL)
			v->specials[v->nspecial++] = id;
	return v->nspecial >= v->vocab_size ? PTK_EAPI : 0;
}

void
mask_vocab_release(struct mask_vocab *v)
{
	free(v->flags);
	free(v->specials);
	memset(v, 0, sizeof *v);
}

/* ---- scratch ---- */

void
mask_scratch_reserve(struct mask_scratch *s, size_t n)
{
	if (n < 2)
		n = 2;
	if (n <= s->cap)
		return;
	if (n < 2 * s->cap)
		n = 2 * s->cap;
	s->ustart = xreallocarray(s->ustart, n, sizeof *s->ustart);
	s->ulen = xreallocarray(s->ulen, n, sizeof *s->ulen);
	s->perm = xreallocarray(s->perm, n, sizeof *s->perm);
	s->noise = xrealloc(s->noise, n);
	s->cap = n;
}

void
mask_scratch_release(struct mask_scratch *s)
{
	free(s->ustart);
	free(s->ulen);
	free(s->perm);
	free(s->noise);
	memset(s, 0, sizeof *s);
}

/* ---- BERT masking ---- */

/* ALBERT's n-gram length: n in 1..avail with weight 1/n. */
static size_t
pick_ngram(struct mask_rng *r, size_t avail)
{
	double total = 0, x;
	size_t n;

	if (avail <= 1)
		return 1;
	for (n = 1; n <= avail; n++)
		total += 1.0 / (double)n;
	x = mask_rng_unit(r) * total;
	for (n = 1; n < avail; n++) {
		x -= 1.0 / (double)n;
		if (x < 0)
			return n;
	}
	return avail;
}

/* 80/10/10: rewrite the selected token at p and set its label. */
static inline void
mask_one(const struct mask_opts *o, const struct mask_vocab *v,
    struct mask_rng *r, uint32_t *tokens, int32_t *labels, size_t p,
    struct mask_stats *st)
{
	double x = mask_rng_unit(r);

	labels[p] = (int32_t)tokens[p];
	if (x < o->mask_frac) {
		tokens[p] = v->mask_id;
		if (st != NULL)
			st->to_mask++;
	} else if (x < o->mask_frac + o->random_frac) {
		tokens[p] = mask_vocab_random(v, r);
		if (st != NULL)
			st->to_random++;
	} else if (st != NULL) {
		st->kept++;
	}
}

static size_t
predictions(const struct mask_opts *o, size_t maskable)
{
	size_t k;

	if (maskable == 0 || o->prob <= 0)
		return 0;
	/* Python 3's round(), as BERT's script: ties to even. */
	k = (size_t)rint(o->prob * (double)maskable);
	if (k < 1)
		k = 1;
	if (o->max_predictions && k > o->max_predictions)
		k = o->max_predictions;
	return k;
}

/*
 * Single tokens: every unit is one position and distinct picks never
 * collide, so a partial Fisher-Yates shuffle of the maskable positions is
 * the whole job.
 */
static size_t
mask_tokens(const struct mask_opts *o, const struct mask_vocab *v,
    uint64_t key, uint32_t *tokens, size_t n, int32_t *labels,
    struct mask_scratch *s, struct mask_stats *st)
{
	const uint8_t *fl = v->flags;
	const uint32_t V = v->vocab_size;
	uint32_t *pos = s->perm;
	struct mask_rng r;
	size_t i, m = 0, k;

	for (i = 0; i < n; i++)
		labels[i] = -1;
	for (i = 0; i < n; i++) {
		uint32_t t = tokens[i];
		pos[m] = (uint32_t)i;
		m += t < V && !(fl[t] & MASK_TOK_SPECIAL);
	}
	if (st != NULL)
		st->maskable += m;
	if ((k = predictions(o, m)) == 0)
		return 0;
	mask_rng_seed(&r, o->seed, o->epoch, key);
	for (i = 0; i < k; i++) {
		size_t j = i + mask_rng_below(&r, (uint32_t)(m - i));
		uint32_t p = pos[j];
		pos[j] = pos[i];
		pos[i] = p;
		mask_one(o, v, &r, tokens, labels, p, st);
	}
	if (st != NULL) {
		st->predicted += k;
		st->ngrams[1] += k;
	}
	return k;
}

size_t
mask_record(const struct mask_opts *o, const struct mask_vocab *v,
    uint64_t key, uint32_t *tokens, size_t n, int32_t *labels,
    struct mask_scratch *s, struct mask_stats *st)
{
	const uint8_t *fl = v->flags;
	const uint32_t V = v->vocab_size;
	struct mask_rng r;
	size_t i, m = 0, maskable = 0, k, got = 0;
	uint32_t *ustart, *ulen, *perm;
	int prev = 0;

	mask_scratch_reserve(s, n);
	if (!o->whole_word && o->ngram <= 1)
		return mask_tokens(o, v, key, tokens, n, labels, s, st);
	ustart = s->ustart;
	ulen = s->ulen;
	perm = s->perm;
	/* Candidate units: maskable tokens, joined into whole words when asked. */
	for (i = 0; i < n; i++) {
		uint32_t t = tokens[i];
		uint8_t f = t < V ? fl[t] : MASK_TOK_SPECIAL;

		labels[i] = -1;
		if (f & MASK_TOK_SPECIAL) {
			prev = 0;
			continue;
		}
		maskable++;
		if (prev && o->whole_word && (f & MASK_TOK_CONT)) {
			ulen[m - 1]++;
		} else {
			ustart[m] = (uint32_t)i;
			ulen[m] = 1;
			perm[m] = (uint32_t)m;
			m++;
		}
		prev = !(f & MASK_TOK_BREAK);
	}
	if (st != NULL)
		st->maskable += maskable;
	if ((k = predictions(o, maskable)) == 0)
		return 0;
	mask_rng_seed(&r, o->seed, o->epoch, key);
	/* Walk the units in random order (a Fisher-Yates shuffle done lazily,
	 * so a record costs random numbers only for the units it looks at). */
	for (i = 0; i < m && got < k; i++) {
		size_t j = i + mask_rng_below(&r, (uint32_t)(m - i)), u, nn = 1;
		size_t start, len, p;
		uint32_t tmp = perm[i];

		perm[i] = perm[j];
		perm[j] = tmp;
		u = perm[i];
		if (o->ngram > 1) {
			/* Units that follow u without a special token between. */
			size_t avail = 1;
			while (avail < (size_t)o->ngram && u + avail < m &&
			    ustart[u + avail] == ustart[u + avail - 1] + ulen[u + avail - 1])
				avail++;
			nn = pick_ngram(&r, avail);
		}
		start = ustart[u];
		len = ustart[u + nn - 1] + ulen[u + nn - 1] - start;
		/* ALBERT: try shorter n-grams before giving up on this one. */
		while (got + len > k && nn > 1) {
			nn--;
			len = ustart[u + nn - 1] + ulen[u + nn - 1] - start;
		}
		if (got + len > k)
			continue;
		for (p = start; p < start + len; p++)
			if (labels[p] != -1)
				break;
		if (p < start + len)
			continue;
		for (p = start; p < start + len; p++)
			mask_one(o, v, &r, tokens, labels, p, st);
		got += len;
		if (st != NULL)
			st->ngrams[nn]++;
	}
	if (st != NULL)
		st->predicted += got;
	return got;
}

/* ---- T5 span corruption ---- */

/*
 * Cutting `items` items into `segs` non-empty segments, all cuts equally
 * likely (T5's _random_segmentation): the segs - 1 cut points are a uniform
 * sample of the items - 1 gaps, drawn in order by selection sampling.
 */
struct segmenter {
	size_t gaps;	/* gaps not yet decided */
	size_t picks;	/* cuts still to place */
};

static size_t
next_segment(struct segmenter *g, struct mask_rng *r)
{
	size_t len = 1;

	while (g->gaps > 0) {
		uint32_t x = mask_rng_below(r, (uint32_t)g->gaps);
		g->gaps--;
		if (x < g->picks) {
			g->picks--;
			return len;
		}
		len++;
	}
	return len;
}

size_t
mask_span_noise(const struct mask_span_opts *o, struct mask_rng *r, size_t n,
    uint8_t *noise)
{
	size_t L = n < 2 ? 2 : n, nn, spans, i, pos = 0, started = 0;
	struct segmenter gn, gk;

	if (o->density <= 0) {
		memset(noise, 0, L);
		return 0;
	}
	/* T5 computes in float32 and rounds ties to even (tf.round). */
	nn = (size_t)rintf((float)L * (float)o->density);
	if (nn < 1)
		nn = 1;
	if (nn > L - 1)
		nn = L - 1;
	spans = (size_t)rintf((float)nn / (float)o->mean_span);
	if (spans < 1)
		spans = 1;
	/* T5 needs a non-noise span before each noise span. */
	if (spans > L - nn)
		spans = L - nn;
	gk.gaps = L - nn - 1;
	gk.picks = spans - 1;
	gn.gaps = nn - 1;
	gn.picks = spans - 1;
	for (i = 0; i < spans; i++) {
		size_t a = next_segment(&gk, r), b = next_segment(&gn, r);
		if (pos < n)
			started++;
		memset(noise + pos, 0, a);
		pos += a;
		memset(noise + pos, 1, b);
		pos += b;
	}
	return started;
}

int
mask_span(const struct mask_span_opts *o, uint64_t key, const uint32_t *tokens,
    size_t n, uint32_t *inputs, size_t *n_in, uint32_t *targets, size_t *n_tgt,
    size_t *spans, struct mask_scratch *s)
{
	struct mask_rng r;
	const uint8_t *noise;
	size_t i, ni = 0, nt = 0, nspans;
	uint32_t sin = o->sentinel_top, stg = o->sentinel_top;

	mask_scratch_reserve(s, n);
	mask_rng_seed(&r, o->seed, o->epoch, key);
	nspans = mask_span_noise(o, &r, n, s->noise);
	*spans = nspans;
	if (nspans > o->max_sentinels)
		return PTK_ELIMIT;
	noise = s->noise;
	for (i = 0; i < n; i++) {
		int first = i == 0 || noise[i] != noise[i - 1];
		if (noise[i]) {
			/* inputs: one sentinel per noise span; targets: the token */
			if (first)
				inputs[ni++] = sin--;
			targets[nt++] = tokens[i];
		} else {
			if (first)
				targets[nt++] = stg--;
			inputs[ni++] = tokens[i];
		}
	}
	if (o->eos >= 0) {
		inputs[ni++] = (uint32_t)o->eos;
		targets[nt++] = (uint32_t)o->eos;
	}
	*n_in = ni;
	*n_tgt = nt;
	return 0;
}
