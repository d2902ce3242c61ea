/*
 * minhash.h - MinHash signatures over word n-gram shingles, LSH band keys.
 *
 * Text is expected normalised (tn_normalize()): words are separated by one
 * ASCII space.  Each word is hashed with XXH3-64; a shingle is ngram
 * consecutive words, hashed by a multiply-rotate chain over their word hashes.  A document
 * with fewer words than ngram (but at least one) has one shingle: all of its
 * words.  Permutation i maps a shingle hash x to
 *     h_i(x) = high 32 bits of (a_i * x + b_i) mod 2^64
 * (multiply-shift, Dietzfelbinger et al.), a_i odd and b_i drawn from the
 * seed with splitmix64; the signature holds each h_i's minimum.  The
 * estimated Jaccard similarity of two documents is the fraction of equal
 * signature positions.  Band b covers positions [b*rows, (b+1)*rows); its
 * key is XXH3-64 of those values with seed b.
 *
 * To confirm candidates more precisely than bands*rows values allow, the
 * signature also holds `bins` one-permutation bins (Li, Owen and Zhang 2012):
 * each shingle hash is mixed again, its high bits pick a bin, and each bin
 * keeps a 16-bit fingerprint of its smallest member (0xffff: empty).  The
 * similarity weighs the two estimates, equal MinHash values / (bands*rows)
 * and equal bins / bins not empty in both, by the inverse of their
 * variances (the bins sample the union without replacement, so for
 * documents with fewer shingles than bins they are nearly exact).  Bins
 * cost one operation per shingle, not one per bin.
 */
#ifndef PTK_MINHASH_H
#define PTK_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#define MH_MAX_HASHES 1024

struct mh_params {
	int ngram;		/* words per shingle (default 5) */
	int bands;		/* LSH bands (default 14) */
	int rows;		/* hashes per band (default 8) */
	uint64_t seed;		/* draws the permutations (default 1) */
	int bins;		/* one-permutation bins, even (default 1024; 0: none) */
};

#define MH_PARAMS_INIT { 5, 14, 8, 1, 1024 }
#define MH_MAX_BINS 8192

struct mh {
	struct mh_params p;
	int k;			/* bands * rows */
	int words;		/* signature length in uint32: k + bins / 2 */
	uint64_t *a, *b;	/* (k) permutation multipliers and offsets */
};

/* Scratch space for mh_sign(), one per thread; zero-initialise it. */
struct mh_scratch {
	uint64_t *words;	/* (cap) word hashes */
	size_t cap;
	uint64_t *bins;		/* (bins) bin minima: value << 16 | fingerprint */
	int nbins;
};

/*
 * Set up m for p (bands * rows <= MH_MAX_HASHES, bins even and at most
 * MH_MAX_BINS).  Returns 0 or PTK_EAPI.
 */
int	mh_init(struct mh *m, const struct mh_params *p);
void	mh_release(struct mh *m);
void	mh_scratch_release(struct mh_scratch *s);

/*
 * Compute the signature of normalised text t[0..n) into sig[m->words]: k
 * MinHash values, then bins 16-bit bins, two to a word (bin 2i in the low
 * half).  Returns the number of words; with none, every MinHash value is
 * UINT32_MAX and every bin empty.
 */
size_t	mh_sign(const struct mh *m, const char *t, size_t n, uint32_t *sig,
	    struct mh_scratch *s);

/*
 * Fold n shingle hashes into sig (running minima): the vectorised kernel
 * mh_sign() uses, and the plain loop it is checked against.
 */
void	mh_fold(const struct mh *m, const uint64_t *xs, size_t n, uint32_t *sig);
void	mh_fold_ref(const struct mh *m, const uint64_t *xs, size_t n, uint32_t *sig);

/* Estimated Jaccard similarity of two signatures (see above). */
double	mh_similarity(const struct mh *m, const uint32_t *x, const uint32_t *y);

/* The LSH key of band b of sig. */
uint64_t mh_band_key(const struct mh *m, const uint32_t *sig, int b);

/* Exact Jaccard similarity of the shingle sets of two normalised texts (tests, benchmarks). */
double	mh_jaccard_exact(const struct mh *m, const char *x, size_t nx,
	    const char *y, size_t ny);

#endif
