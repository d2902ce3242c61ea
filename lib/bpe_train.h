/*
 * bpe_train.h - byte-level BPE training, merge for merge the same as
 * HuggingFace tokenizers' BpeTrainer.
 *
 * Training has two phases.  Counting: pre-tokenize text (pretok.h) and count
 * each distinct piece ("word") with a 64-bit count, in parallel into one
 * struct bpe_counter per thread, then merge the counters.  Merging: each
 * word becomes a sequence of alphabet symbols; pair counts are kept
 * incrementally in a hash table, a max-heap holds (count, pair, the words
 * that hold the pair), and each merge touches only the words on its list.
 *
 * The heap orders by count, then by the smaller pair of ids (left id, then
 * right), exactly as BpeTrainer's Merge ordering; ids are given as BpeTrainer
 * gives them (special tokens, then the alphabet sorted by code point of the
 * byte-level character, then new tokens in merge order), and a stale heap
 * entry is re-pushed with its current count as BpeTrainer does, so the
 * merges are the same.  The one known difference: with --limit-alphabet,
 * characters of equal count are dropped in code point order here, in hash
 * order (unspecified) there.
 *
 * Memory: the counter needs about 40 bytes plus the word's length per
 * distinct word; training adds about 40 bytes plus 12 per byte of each
 * distinct word.  Neither grows with the corpus beyond its distinct words.
 */
#ifndef PTK_BPE_TRAIN_H
#define PTK_BPE_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "pretok.h"

/* ---- counting ---- */

struct bpe_counter;

struct bpe_counter *bpe_counter_new(void);
void	bpe_counter_free(struct bpe_counter *c);	/* NULL is a no-op */
/* Count word w[0..n) count more times. */
void	bpe_counter_add(struct bpe_counter *c, const char *w, size_t n,
	    uint64_t count);
/* Pre-tokenize text[0..n) with p and count every piece.  0 or < 0. */
int	bpe_counter_add_text(struct bpe_counter *c, const struct pretok *p,
	    struct pretok_state *s, const char *text, size_t n);
/* Add every word of src to dst and empty src. */
void	bpe_counter_merge(struct bpe_counter *dst, struct bpe_counter *src);
/*
 * Drop every word counted fewer than min_count times; returns how many
 * distinct words went.  (A cap on memory for huge corpora: see bpe-train
 * --max-words.)
 */
uint64_t bpe_counter_prune(struct bpe_counter *c, uint64_t min_count);
uint64_t bpe_counter_words(const struct bpe_counter *c);	/* distinct words */
size_t	bpe_counter_memory(const struct bpe_counter *c);	/* bytes held */

/*
 * Count the pieces of n texts (texts[i], lens[i] bytes) in parallel with
 * nthreads OpenMP threads, thread t adding into counters[t] with states[t].
 * Texts longer than about a megabyte are cut where the pattern allows
 * (pretok_can_cut, pretok_cut) so that one long document still uses every thread.  The
 * counts do not depend on nthreads.  Returns 0 or < 0.
 */
int	bpe_count_texts(struct bpe_counter **counters, struct pretok_state **states,
	    int nthreads, const struct pretok *p, const char *const *texts,
	    const size_t *lens, size_t n);

/* ---- merging ---- */

struct bpe_train_opts {
	uint32_t vocab_size;		/* stop when the vocabulary has this many */
	uint64_t min_frequency;		/* stop at a pair seen fewer times */
	uint32_t max_token_length;	/* in bytes (>= 2); 0 = none; BpeTrainer's
				 * max_token_length is this + 1 */
	uint32_t limit_alphabet;	/* keep the most frequent bytes; 0 = all */
	unsigned char initial_alphabet[256];	/* 1: byte always in the alphabet */
	const char *const *special;	/* special tokens, ids 0.. in this order */
	size_t n_special;
	/* Called every so often while merging (may be NULL). */
	void	(*progress)(void *ctx, uint32_t merges, uint32_t vocab);
	void	*progress_ctx;
};

/* A trained vocabulary: tokens in byte-level spelling, merges by rank. */
struct bpe_result {
	uint32_t n_tokens;
	char	**tokens;		/* (n_tokens) NUL-terminated byte-level spelling */
	uint32_t n_merges;
	uint32_t (*merges)[2];		/* (n_merges) left and right token ids */
	uint32_t n_special;
	uint64_t words;			/* distinct words trained on */
};

/*
 * Train on the words of c (c is left as it was).  Returns 0 and fills *r
 * (release with bpe_result_release()), or PTK_EAPI for bad options.
 */
int	bpe_train(const struct bpe_counter *c, const struct bpe_train_opts *o,
	    struct bpe_result *r);
void	bpe_result_release(struct bpe_result *r);

/*
 * Write dir/vocab.json, dir/merges.txt and dir/tokenizer.json (HuggingFace
 * format, BPE model, ByteLevel pre-tokenizer for GPT-2's pattern, else a
 * Split on pattern then ByteLevel).  dir is created if missing; each file is
 * written whole or not at all.  Returns 0 or PTK_EIO with err set.
 */
int	bpe_result_write(const struct bpe_result *r, const char *dir,
	    const char *pattern, char *err, size_t errlen);

#endif
