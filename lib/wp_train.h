/*
 * wp_train.h - learning a WordPiece vocabulary.
 *
 * Counting: texts go through BERT's pipeline (tok_wp.h) and every word is
 * counted, in parallel into one struct wp_counter per thread; the counters
 * are then merged.  Counts are sums, and training sorts the words, so
 * nothing downstream depends on the thread count.
 *
 * Merging, --score bpe (the default): HuggingFace tokenizers'
 * WordPieceTrainer, which is its BpeTrainer with the "##" continuing prefix:
 * ids go to the special tokens, then the alphabet by code point, then "##c"
 * for each character seen after a word's first, then new tokens in merge
 * order; a max-heap orders pairs by count, then by the smaller (left id,
 * right id); each heap entry carries the words that held its pair when it
 * was pushed, a stale entry is re-pushed with its current count, and the
 * merged pair's own count is left as it was - all as BpeTrainer does, so
 * that the vocabulary is HuggingFace's.  Where HuggingFace depends on hash
 * order (the ids of the "##c" tokens, alphabet ties under --limit-alphabet,
 * the order of two heap entries equal in count and pair) this code uses code
 * point order and push order, so its output is deterministic.
 *
 * Merging, --score likelihood: the original WordPiece criterion, the pair
 * that most raises the likelihood of the training data under a unigram
 * model: count(ab) / (count(a) * count(b)), compared exactly in 128-bit
 * integers, ties to the smaller pair.  Counts are exact here (a merged pair
 * leaves the table), and every pair whose score rises (its parts got rarer)
 * is pushed again.
 */
#ifndef PTK_WP_TRAIN_H
#define PTK_WP_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "tok_wp.h"

/* ---- counting ---- */

struct wp_counter;

struct wp_counter *wp_counter_new(void);
void	wp_counter_free(struct wp_counter *c);	/* NULL is a no-op */
/* Count word w[0..n) count more times. */
void	wp_counter_add(struct wp_counter *c, const char *w, size_t n,
	    uint64_t count);
/* Add every word of src to dst and empty src. */
void	wp_counter_merge(struct wp_counter *dst, struct wp_counter *src);
uint64_t wp_counter_words(const struct wp_counter *c);	/* distinct words */
size_t	wp_counter_memory(const struct wp_counter *c);	/* bytes held */
/* Word i (< wp_counter_words) in *w, its count in *count; returns its length. */
size_t	wp_counter_get(const struct wp_counter *c, size_t i, const char **w,
	    uint64_t *count);

/*
 * Split n texts (texts[i], lens[i] bytes) with BERT's pipeline o and count
 * their words, in parallel with nthreads OpenMP threads: thread t adds into
 * counters[t] using scratch[t].
 */
void	wp_count_texts(struct wp_counter **counters, struct wp_words *scratch,
	    int nthreads, const struct wp_norm *o, const char *const *texts,
	    const size_t *lens, size_t n);

struct wp_input_opts {
	struct wp_norm norm;
	int text;		/* plain text, not doc records */
	int nthreads;		/* >= 1 */
	size_t max_record;	/* longest record or line; 0: DOC_DEFAULT_MAX_RECORD */
	int repair_utf8;	/* drop invalid UTF-8 (counted) instead of failing */
	/* Called now and then with the bytes of text and the records read. */
	void	(*progress)(void *ctx, uint64_t bytes, uint64_t records);
	void	*progress_ctx;
};

struct wp_input_stats {
	uint64_t bytes;		/* text bytes counted */
	uint64_t records;	/* doc records (or text chunks) */
	uint64_t repaired;	/* records (or invalid sequences in text) repaired */
};

/*
 * Read each file (NULL or "-": standard input; zstd or plain), doc records
 * or plain text, and count its words into c.  Returns 0, or a negative enum
 * ptk_err with "FILE: record N at byte M: what" (text: "FILE: at byte M:
 * what") in err.
 */
int	wp_count_files(struct wp_counter *c, char *const *files, int nfiles,
	    const struct wp_input_opts *o, struct wp_input_stats *st, char *err,
	    size_t errlen);

/* ---- merging ---- */

enum wp_score {
	WP_SCORE_BPE,		/* pair count (HuggingFace WordPieceTrainer) */
	WP_SCORE_LIKELIHOOD,	/* pair count / (count(a) * count(b)) */
};

struct wp_train_opts {
	uint32_t vocab_size;		/* stop at this many tokens */
	uint64_t min_frequency;		/* no merge of a pair seen fewer times */
	uint32_t limit_alphabet;	/* keep the most frequent characters; 0: all */
	const char *const *special;	/* ids 0.. in this order */
	size_t n_special;
	int score;			/* enum wp_score */
	/*
	 * Optional: "##c" tokens in the order to number them (the rest follow
	 * by code point), to reproduce one HuggingFace run, whose order is
	 * its hash order; for tests.
	 */
	const char *const *cont_order;
	size_t n_cont_order;
	/* Called every so often while merging (may be NULL). */
	void	(*progress)(void *ctx, uint32_t merges, uint32_t vocab);
	void	*progress_ctx;
};

struct wp_result {
	uint32_t n_tokens;
	char	**tokens;	/* (n_tokens) NUL-terminated, in id order */
	uint32_t n_special;
	uint32_t n_alphabet;	/* single characters and "##" characters */
	uint32_t n_merges;	/* merges made (a repeated token counts once) */
	uint64_t words;		/* distinct words trained on */
};

/*
 * Train on the words of c (left as it was).  Returns 0 and fills *r
 * (release with wp_result_release()), or PTK_EAPI for bad options.
 */
int	wp_train(const struct wp_counter *c, const struct wp_train_opts *o,
	    struct wp_result *r);
void	wp_result_release(struct wp_result *r);

/*
 * Write dir/vocab.txt (BERT: one token a line in id order) and
 * dir/tokenizer.json (HuggingFace: BertNormalizer with norm's settings,
 * BertPreTokenizer, WordPiece with max_chars, BertProcessing when [CLS]
 * and [SEP] exist, WordPiece decoder; special tokens as added tokens).  dir
 * is created if missing; each file appears whole or not at all.  Returns 0
 * or PTK_EIO with err set.
 */
int	wp_result_write(const struct wp_result *r, const char *dir,
	    const struct wp_norm *norm, size_t max_chars, char *err,
	    size_t errlen);

#endif
