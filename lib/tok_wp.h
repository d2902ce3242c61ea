/*
 * tok_wp.h - BERT's text pipeline and WordPiece vocabularies.
 *
 * The pipeline is BERT's BasicTokenizer as HuggingFace's BertNormalizer and
 * BertPreTokenizer implement it (docs/wordpiece-train.1.md, "TEXT PIPELINE"):
 *
 *   1. clean text: drop NUL, U+FFFD and "other" characters (categories Cc,
 *      Cf, Co; tab, newline and carriage return are whitespace), and make
 *      every whitespace character (Zs, Zl, Zp, tab, LF, CR) a word break;
 *   2. CJK: every CJK ideograph (the ranges BERT lists) becomes a word;
 *   3. strip accents: canonical decomposition (NFD), nonspacing marks (Mn)
 *      dropped;
 *   4. lowercase (full Unicode lowercase mapping, one character at a time);
 *   5. split: whitespace separates words and each punctuation character
 *      (ASCII 33-47, 58-64, 91-96, 123-126 and categories P*) is a word.
 *
 * Character properties come from utf8proc.  wp_split() drops invalid UTF-8
 * like U+FFFD (counted in wp_words.invalid); the tokenizer's encode refuses
 * it (PTK_EFORMAT), as it has no token.  WordPiece then splits each word
 * greedily into the longest vocabulary entries, the pieces after the first
 * carrying the "##" prefix; a word with more than max_chars characters, or
 * one that cannot be covered, becomes [UNK].
 */
#ifndef PTK_TOK_WP_H
#define PTK_TOK_WP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tokenizer.h"

/* Which steps of the pipeline run (HuggingFace BertNormalizer's options). */
struct wp_norm {
	int clean_text;
	int chinese_chars;
	int strip_accents;
	int lowercase;
};

#define WP_NORM_UNCASED { 1, 1, 1, 1 }
#define WP_NORM_CASED { 1, 1, 0, 0 }

#define WP_MAX_CHARS_DEFAULT 100	/* max_input_chars_per_word (HF; BERT: 200) */
#define WP_PREFIX "##"
#define WP_MAX_TOKEN_BYTES 1024		/* longest vocabulary entry accepted */

/* The words of one text, normalized and split. */
struct wp_words {
	struct buf text;	/* the words' bytes, back to back */
	size_t *start;		/* (n) offset of each word in text */
	uint32_t *len;		/* (n) bytes */
	uint32_t *nchars;	/* (n) code points */
	size_t n, cap;
	size_t invalid;		/* invalid UTF-8 sequences dropped, in all */
};

void	wp_words_release(struct wp_words *w);

/*
 * Normalize text[0..n) and append its words to w (clear w first with
 * w->n = 0, w->text.len = 0 to start afresh).  Never fails; memory comes
 * from xmalloc.
 */
void	wp_split(const struct wp_norm *o, const char *text, size_t n,
	    struct wp_words *w);

/* Whether cp is a CJK ideograph as BERT defines it (step 2). */
int	wp_is_cjk(uint32_t cp);
/* Whether cp is punctuation (step 5). */
int	wp_is_punct(uint32_t cp);
/* Whether cp is whitespace (step 1) and whether it is dropped as "other". */
int	wp_is_space(uint32_t cp);
int	wp_is_control(uint32_t cp);

/* ---- vocabularies ---- */

struct wp_vocab;

/*
 * A vocabulary from tokens in id order (token i has id i).  Returns 0, or
 * PTK_EFORMAT with a message in err ("token N: what") for an empty or
 * duplicate token, invalid UTF-8, a token over WP_MAX_TOKEN_BYTES, or no
 * unk token.  *v is NULL on failure.
 */
int	wp_vocab_new(struct wp_vocab **v, const char *const *tok,
	    const size_t *len, size_t n, const char *unk, char *err,
	    size_t errlen);
void	wp_vocab_free(struct wp_vocab *v);	/* NULL is a no-op */
size_t	wp_vocab_size(const struct wp_vocab *v);
uint32_t wp_vocab_unk(const struct wp_vocab *v);	/* the unknown token's id */
/* The id of token s[0..n), or -1. */
int64_t	wp_vocab_id(const struct wp_vocab *v, const char *s, size_t n);
/* The string of id (NULL when out of range), its length in *len. */
const char *wp_vocab_str(const struct wp_vocab *v, uint32_t id, size_t *len);

/*
 * WordPiece one word (already normalized): append its ids to out.  A word
 * of more than max_chars code points (nchars) or one that the vocabulary
 * cannot cover gives the unk id alone.
 */
void	wp_encode_word(const struct wp_vocab *v, const char *w, size_t n,
	    size_t nchars, size_t max_chars, struct idvec *out);

/* ---- the tokenizer.h interface ---- */

/*
 * Load a WordPiece tokenizer from a BERT vocab.txt (one token a line, ids
 * from 0), a folder holding tokenizer.json or vocab.txt (tokenizer.json is
 * preferred), or a HuggingFace tokenizer.json with a WordPiece model,
 * BertNormalizer and BertPreTokenizer.  A vocab.txt gives BERT uncased;
 * a tokenizer.json its own normalizer settings.  opts->lowercase (0/1)
 * overrides both lowercasing and accent stripping; opts->max_word_chars
 * (> 0) overrides max_input_chars_per_word; opts->ignore_special encodes
 * special-token text ("[SEP]") as plain text instead of matching it.  Errors: PTK_EIO (cannot read),
 * PTK_EFORMAT (a malformed file: duplicate tokens, empty lines, no [UNK],
 * ...), with "FILE: line N: what" in err.
 */
int	tok_wp_load(struct tokenizer **t, const char *path,
	    const struct tokenizer_opts *opts, char *err, size_t errlen);

/*
 * The same from data[0..len) in memory: a tokenizer.json when json is set,
 * else a vocab.txt; name is for messages.
 */
int	tok_wp_load_mem(struct tokenizer **t, const char *name, const char *data,
	    size_t len, int json, const struct tokenizer_opts *opts, char *err,
	    size_t errlen);

/*
 * Whether t is WordPiece and its long texts may be cut for parallel
 * encoding (no special token holds whitespace), and where: the first
 * position >= at right after an ASCII space, tab or line break (len if
 * none).  The tokens of the pieces are then those of the whole text.
 */
int	tok_wp_can_cut(const struct tokenizer *t);
size_t	tok_wp_cut(const char *text, size_t len, size_t at);

/* The vocabulary and pipeline settings of a loaded WordPiece tokenizer. */
const struct wp_vocab *tok_wp_vocab(const struct tokenizer *t);
const struct wp_norm *tok_wp_norm(const struct tokenizer *t);
size_t	tok_wp_max_chars(const struct tokenizer *t);

/* The fingerprint of a vocabulary (schemas/tokens.md, tok_fingerprint). */
uint64_t wp_fingerprint(const struct wp_vocab *v);

#endif
