/*
 * minhash.c - MinHash signatures and LSH band keys (see minhash.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "err.h"
#include "minhash.h"
#include "xalloc.h"

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int
mh_init(struct mh *m, const struct mh_params *p)
{
	uint64_t st;
	int i;

	memset(m, 0, sizeof *m);
	if (p->ngram < 1 || p->bands < 1 || p->rows < 1 ||
	    p->bands > MH_MAX_HASHES || p->rows > MH_MAX_HASHES ||
	    p->bands * p->rows > MH_MAX_HASHES || p->bins < 0 ||
	    p->bins > MH_MAX_BINS || p->bins % 2)
		return PTK_EAPI;
	m->p = *p;
	m->k = p->bands * p->rows;
	m->words = m->k + p->bins / 2;
	m->a = xmalloc(sizeof *m->a * (size_t)m->k);
	m->b = xmalloc(sizeof *m->b * (size_t)m->k);
	st = p->seed;
	for (i = 0; i < m->k; i++) {
		m->a[i] = splitmix64(&st) | 1;
		m->b[i] = splitmix64(&st);
	}
	return 0;
}

void
mh_release(struct mh *m)
{
	free(m->a);
	free(m->b);
	m->a = m->b = NULL;
}

void
mh_scratch_release(struct mh_scratch *s)
{
	free(s->words);
	free(s->bins);
	s->words = NULL;
	s->bins = NULL;
	s->cap = 0;
	s->nbins = 0;
}

/*
 * Hash of g word hashes, in order: a multiply-rotate chain and a final
 * xor-shift (word hashes are already XXH3 values, so mixing is all it needs).
 */
static inline uint64_t
shingle_hash(const uint64_t *w, int g)
{
	uint64_t h = 0x243f6a8885a308d3ull;
	int i;

	for (i = 0; i < g; i++) {
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
		h = h << 31 | h >> 33;
	}
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 29);
}

/* Hash each space-separated word of t into s->words; returns the count. */
static size_t
hash_words(const char *t, size_t n, struct mh_scratch *s)
{
	size_t i = 0, nw = 0;

	while (i < n) {
		const char *sp;
		size_t j;

		while (i < n && t[i] == ' ')
			i++;
		if (i >= n)
			break;
		sp = memchr(t + i, ' ', n - i);
		j = sp ? (size_t)(sp - t) : n;
		if (nw == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			s->words = xreallocarray(s->words, s->cap, sizeof *s->words);
		}
		s->words[nw++] = XXH3_64bits(t + i, j - i);
		i = j;
	}
	return nw;
}

/*
 * Fold shingle hashes xs[0..n) into sig.  Permutations go in blocks of
 * MH_LANES whose running minima stay in vector registers while every shingle
 * passes through; the clones use AVX2 or AVX-512 where the processor has
 * them while the build stays portable.  mh_fold_ref is the plain loop.
 */
#define MH_LANES 16

__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
static void
fold(const uint64_t *restrict a, const uint64_t *restrict b, int k,
    const uint64_t *restrict xs, size_t n, uint32_t *restrict sig)
{
	int i0 = 0, l;
	size_t j;

	for (; i0 + MH_LANES <= k; i0 += MH_LANES) {
		uint64_t aa[MH_LANES], bb[MH_LANES];
		uint32_t acc[MH_LANES];

		for (l = 0; l < MH_LANES; l++) {
			aa[l] = a[i0 + l];
			bb[l] = b[i0 + l];
			acc[l] = sig[i0 + l];
		}
		for (j = 0; j < n; j++) {
			uint64_t x = xs[j];
			for (l = 0; l < MH_LANES; l++) {
				uint32_t v = (uint32_t)((aa[l] * x + bb[l]) >> 32);
				acc[l] = v < acc[l] ? v : acc[l];
			}
		}
		for (l = 0; l < MH_LANES; l++)
			sig[i0 + l] = acc[l];
	}
	for (; i0 < k; i0++)
		for (j = 0; j < n; j++) {
			uint32_t v = (uint32_t)((a[i0] * xs[j] + b[i0]) >> 32);
			sig[i0] = v < sig[i0] ? v : sig[i0];
		}
}

void
mh_fold_ref(const struct mh *m, const uint64_t *xs, size_t n, uint32_t *sig)
{
	size_t j;
	int i;

	for (j = 0; j < n; j++)
		for (i = 0; i < m->k; i++) {
			uint32_t v = (uint32_t)((m->a[i] * xs[j] + m->b[i]) >> 32);
			if (v < sig[i])
				sig[i] = v;
		}
}

void
mh_fold(const struct mh *m, const uint64_t *xs, size_t n, uint32_t *sig)
{
	fold(m->a, m->b, m->k, xs, n, sig);
}

/*
 * The one-permutation bins: a second mix of each shingle hash; its high 32
 * bits pick the bin (multiply-shift onto [0, bins)), its low 32 bits order
 * the members, and 16 more bits fingerprint the smallest.
 */
static void
fill_bins(const struct mh *m, const uint64_t *xs, size_t n, uint32_t *out,
    struct mh_scratch *s)
{
	uint64_t nb = (uint64_t)m->p.bins;
	size_t j;
	int i;

	if (s->nbins < m->p.bins) {
		free(s->bins);
		s->bins = xmalloc(sizeof *s->bins * (size_t)m->p.bins);
		s->nbins = m->p.bins;
	}
	for (i = 0; i < m->p.bins; i++)
		s->bins[i] = UINT64_MAX;
	for (j = 0; j < n; j++) {
		uint64_t h = xs[j] ^ m->p.seed, fp, v;
		size_t bin;
		h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
		h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
		h ^= h >> 31;
		bin = (size_t)(((h >> 32) * nb) >> 32);
		fp = ((h * 0x9e3779b97f4a7c15ull) >> 48) & 0xffff;
		v = (h & 0xffffffffull) << 16 | (fp == 0xffff ? 0xfffe : fp);
		if (v < s->bins[bin])
			s->bins[bin] = v;
	}
	for (i = 0; i < m->p.bins; i += 2) {
		uint32_t lo = s->bins[i] == UINT64_MAX ? 0xffff :
		    (uint32_t)(s->bins[i] & 0xffff);
		uint32_t hi = s->bins[i + 1] == UINT64_MAX ? 0xffff :
		    (uint32_t)(s->bins[i + 1] & 0xffff);
		out[i / 2] = lo | hi << 16;
	}
}

size_t
mh_sign(const struct mh *m, const char *t, size_t n, uint32_t *sig,
    struct mh_scratch *s)
{
	size_t nw = hash_words(t, n, s), ns, j;
	int g = m->p.ngram, i;

	for (i = 0; i < m->k; i++)
		sig[i] = UINT32_MAX;
	for (i = m->k; i < m->words; i++)
		sig[i] = UINT32_MAX;
	if (nw == 0)
		return 0;
	if ((size_t)g > nw)
		g = (int)nw;
	ns = nw - (size_t)g + 1;
	/* Shingle hashes replace the word hashes in place: shingle j only needs
	 * words j..j+g-1, and word j is not read again after it. */
	for (j = 0; j < ns; j++)
		s->words[j] = shingle_hash(s->words + j, g);
	fold(m->a, m->b, m->k, s->words, ns, sig);
	if (m->p.bins)
		fill_bins(m, s->words, ns, sig + m->k, s);
	return nw;
}

double
mh_similarity(const struct mh *m, const uint32_t *x, const uint32_t *y)
{
	int i, eq = 0, beq = 0, n = 0;
	double jm, jo, frac, wo;

	for (i = 0; i < m->k; i++)
		eq += x[i] == y[i];
	jm = (double)eq / m->k;
	for (i = m->k; i < m->words; i++) {
		uint32_t a = x[i], b = y[i];
		int h;
		for (h = 0; h < 2; h++, a >>= 16, b >>= 16) {
			uint32_t u = a & 0xffff, v = b & 0xffff;
			if (u == 0xffff && v == 0xffff)
				continue;
			n++;
			beq += u == v;
		}
	}
	if (n == 0)
		return jm;
	jo = (double)beq / n;
	/*
	 * Weigh the two estimates by the inverse of their variances.  MinHash
	 * values are k draws with replacement: variance J(1-J)/k.  The bins
	 * are n draws without replacement from the union, whose size N follows
	 * from how many bins are filled (n = bins (1 - e^(-N/bins))): variance
	 * J(1-J)/n (1 - n/N).  When every member of the union has a bin of its
	 * own (small documents) the bins are exact and MinHash adds only noise.
	 */
	if (n >= m->p.bins)
		frac = 0;
	else
		frac = (double)n / (-(double)m->p.bins * log1p(-(double)n / m->p.bins));
	if (frac >= 0.999)
		return jo;
	wo = n / (1 - frac);
	return (m->k * jm + wo * jo) / (m->k + wo);
}

uint64_t
mh_band_key(const struct mh *m, const uint32_t *sig, int b)
{
	return XXH3_64bits_withSeed(sig + (size_t)b * m->p.rows,
	    sizeof *sig * (size_t)m->p.rows, (uint64_t)b);
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* Sorted, distinct shingle hashes of t; caller frees *out. */
static size_t
shingle_set(const struct mh *m, const char *t, size_t n, uint64_t **out)
{
	struct mh_scratch s = { 0 };
	size_t nw = hash_words(t, n, &s), ns, j, u = 0;
	int g = m->p.ngram;

	if (nw == 0) {
		mh_scratch_release(&s);
		*out = NULL;
		return 0;
	}
	if ((size_t)g > nw)
		g = (int)nw;
	ns = nw - (size_t)g + 1;
	for (j = 0; j < ns; j++)
		s.words[j] = shingle_hash(s.words + j, g);
	qsort(s.words, ns, sizeof *s.words, cmp_u64);
	for (j = 0; j < ns; j++)
		if (u == 0 || s.words[u - 1] != s.words[j])
			s.words[u++] = s.words[j];
	*out = s.words;
	return u;
}

double
mh_jaccard_exact(const struct mh *m, const char *x, size_t nx, const char *y,
    size_t ny)
{
	uint64_t *a, *b;
	size_t na = shingle_set(m, x, nx, &a), nb = shingle_set(m, y, ny, &b);
	size_t i = 0, j = 0, inter = 0;
	double r;

	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			inter++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	r = na + nb == 0 ? 1.0 : (double)inter / (double)(na + nb - inter);
	free(a);
	free(b);
	return r;
}
