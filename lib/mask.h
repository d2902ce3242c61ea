/*
 * mask.h - masked-LM example construction: BERT masking (token, whole-word,
 * ALBERT n-gram), T5 span corruption, and the counter-based random numbers
 * that make every mask a pure function of (seed, epoch, record id).
 *
 * mask-gen is a thin loop around mask_record() and mask_span(); the trainer
 * calls the same functions in-process for RoBERTa-style dynamic masking.  A
 * struct mask_vocab is read-only once built, so threads share it; each thread
 * passes its own struct mask_scratch.
 */
#ifndef PTK_MASK_H
#define PTK_MASK_H

#include <stddef.h>
#include <stdint.h>

#include "tokrec.h"

/* ---- random numbers: xoshiro256** seeded through splitmix64 ---- */

struct mask_rng {
	uint64_t s[4];
};

/* Seed r from three words (such as seed, epoch, record key). */
void	mask_rng_seed(struct mask_rng *r, uint64_t a, uint64_t b, uint64_t c);

static inline uint64_t
mask_rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t
mask_rng_next(struct mask_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = mask_rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = mask_rng_rotl(s[3], 45);
	return out;
}

/* A uniform double in [0, 1) with 53 random bits. */
static inline double
mask_rng_unit(struct mask_rng *r)
{
	return (double)(mask_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* A uniform integer in [0, n), n >= 1, without modulo bias (Lemire). */
static inline uint32_t
mask_rng_below(struct mask_rng *r, uint32_t n)
{
	uint64_t m = (mask_rng_next(r) >> 32) * (uint64_t)n;
	uint32_t lo = (uint32_t)m;

	if (lo < n) {
		uint32_t floor = (uint32_t)(-n) % n;
		while (lo < floor) {
			m = (mask_rng_next(r) >> 32) * (uint64_t)n;
			lo = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

/* The key of a record id: XXH64 (seed 0) of its bytes. */
uint64_t mask_record_key(const char *id, size_t len);

/* ---- the vocabulary as masking sees it ---- */

/* Per-id flags in struct mask_vocab.flags. */
enum mask_tok_flags {
	MASK_TOK_SPECIAL = 1,	/* never selected, never drawn as a replacement */
	MASK_TOK_CONT = 2,	/* continues the word of the token before it */
	MASK_TOK_BREAK = 4,	/* the token after it starts a word (BPE whitespace) */
};

struct mask_vocab {
	uint32_t vocab_size;
	uint32_t mask_id;	/* the [MASK] token */
	uint8_t *flags;		/* (vocab_size) enum mask_tok_flags */
	uint32_t *specials;	/* (nspecial) the special ids, ascending */
	uint32_t nspecial;
};

/*
 * Build v for a vocabulary of vocab_size ids with [MASK] = mask_id: every id
 * of h->special (when h is not NULL) and mask_id are special.  Add further
 * specials with mask_vocab_set_special() and word continuations with
 * mask_vocab_set_cont() or mask_vocab_set_word_starts(), then call
 * mask_vocab_done().  Release with mask_vocab_release().
 */
void	mask_vocab_init(struct mask_vocab *v, uint32_t vocab_size,
	    uint32_t mask_id, const struct tok_header *h);
void	mask_vocab_set_special(struct mask_vocab *v, uint32_t id);
void	mask_vocab_set_cont(struct mask_vocab *v, uint32_t id);
void	mask_vocab_set_break(struct mask_vocab *v, uint32_t id);
/*
 * Whole-word masking input as a bit vector over ids: bit id of starts
 * (starts[id / 8] >> (id % 8) & 1) set = the token starts a word; clear =
 * it continues the word before it.
 */
void	mask_vocab_set_word_starts(struct mask_vocab *v, const uint8_t *starts);
/* Finish: collect the special ids.  Returns 0, or PTK_EAPI when every id is special. */
int	mask_vocab_done(struct mask_vocab *v);
void	mask_vocab_release(struct mask_vocab *v);

/* A uniform random non-special id (fairseq draws from the non-special vocabulary). */
static inline uint32_t
mask_vocab_random(const struct mask_vocab *v, struct mask_rng *r)
{
	uint32_t x = mask_rng_below(r, v->vocab_size - v->nspecial), i;

	for (i = 0; i < v->nspecial && v->specials[i] <= x; i++)
		x++;
	return x;
}

/* ---- BERT / ALBERT / RoBERTa masking ---- */

struct mask_opts {
	double prob;		/* share of maskable positions to predict (0.15) */
	uint32_t max_predictions;	/* cap per record; 0 = none */
	double mask_frac;	/* of those, share set to [MASK] (0.8) */
	double random_frac;	/* share set to a random token (0.1); the rest stay */
	int whole_word;		/* select whole words (MASK_TOK_CONT) */
	int ngram;		/* 1..MASK_MAX_NGRAM: ALBERT n-gram masking */
	uint64_t seed;
	uint64_t epoch;
};

#define MASK_MAX_NGRAM 3
#define MASK_OPTS_INIT { 0.15, 0, 0.8, 0.1, 0, 1, 0, 0 }

/* Per-thread working memory; zero-initialise, release with mask_scratch_release(). */
struct mask_scratch {
	uint32_t *ustart;	/* (cap) first token of each unit (word) */
	uint32_t *ulen;		/* (cap) tokens in each unit */
	uint32_t *perm;		/* (cap) unit order being shuffled */
	uint8_t *noise;		/* (cap) span corruption: noise mask */
	size_t cap;
};

/* Make room for records of n tokens (call outside parallel regions to avoid growth there). */
void	mask_scratch_reserve(struct mask_scratch *s, size_t n);
void	mask_scratch_release(struct mask_scratch *s);

/* What one call did, for statistics and tests. */
struct mask_stats {
	uint64_t maskable;	/* positions that could be selected */
	uint64_t predicted;	/* positions selected (labels set) */
	uint64_t to_mask, to_random, kept;	/* how the selected ones were changed */
	uint64_t ngrams[MASK_MAX_NGRAM + 1];	/* n-grams selected, by n */
};

/*
 * Mask tokens (n) in place and fill labels (n): the original id at each
 * selected position, -1 elsewhere.  The choice depends only on (o->seed,
 * o->epoch, key) and the tokens, key being mask_record_key() of the record id.
 * BERT's create_masked_lm_predictions: round(prob * maskable) predictions
 * (ties to even, as Python 3; at least 1 when prob > 0 and a position is
 * maskable), capped by
 * max_predictions; candidate units (tokens, or whole words) in random order,
 * a unit skipped when it would pass the count; each selected token becomes
 * [MASK] (mask_frac), a random non-special id (random_frac) or stays.  With
 * ngram > 1, ALBERT's n-gram choice: n in 1..ngram with weight 1/n over
 * consecutive units, shortened when it would pass the count.  st (may be
 * NULL) accumulates counts.  Returns the number of predictions.
 */
size_t	mask_record(const struct mask_opts *o, const struct mask_vocab *v,
	    uint64_t key, uint32_t *tokens, size_t n, int32_t *labels,
	    struct mask_scratch *s, struct mask_stats *st);

/* ---- T5 span corruption ---- */

struct mask_span_opts {
	double density;		/* noise density (0.15) */
	double mean_span;	/* mean noise span length (3) */
	uint32_t sentinel_top;	/* the first sentinel; later ones count down */
	uint32_t max_sentinels;	/* sentinels available below and at sentinel_top */
	int64_t eos;		/* appended to inputs and targets; -1 = none */
	uint64_t seed;
	uint64_t epoch;
};

/* Inputs and targets of a record of n tokens each fit in this many ids. */
#define MASK_SPAN_CAP(n) ((n) + 2)

/*
 * T5's random_spans_noise_mask followed by noise_span_to_unique_sentinel
 * (inputs) and nonnoise_span_to_unique_sentinel (targets):
 * noise tokens round(L * density) clamped to [1, L - 1] with L = max(n, 2)
 * (float32, ties to even: T5's tf.round),
 * noise spans round(noise / mean_span) (at least 1, at most the non-noise
 * tokens), both kinds of spans cut at uniformly random points, alternating
 * non-noise, noise, beginning with non-noise; the mask is cut back to n.
 * Writes inputs (*n_in) and targets (*n_tgt), each array holding
 * MASK_SPAN_CAP(n) ids; s is grown to n.  *spans gets the number of
 * noise spans.  Returns 0, or PTK_ELIMIT when the record needs more than
 * max_sentinels sentinels.
 */
int	mask_span(const struct mask_span_opts *o, uint64_t key,
	    const uint32_t *tokens, size_t n, uint32_t *inputs, size_t *n_in,
	    uint32_t *targets, size_t *n_tgt, size_t *spans,
	    struct mask_scratch *s);

/*
 * The noise mask alone: noise[0..n) = 1 for noise tokens (noise must hold
 * max(n, 2) bytes).  Returns the number of sentinels the record needs
 * (the noise spans; for n = 1, the one non-noise span of the targets).
 */
size_t	mask_span_noise(const struct mask_span_opts *o, struct mask_rng *r,
	    size_t n, uint8_t *noise);

#endif
