/*
 * tokenizer.h - the one interface to every vocabulary kind (byte-level BPE,
 * WordPiece), used by tokenize, mask-gen, nsp-pair and train's sampler.
 *
 * A struct tokenizer is read-only after loading, so threads share it; each
 * thread encodes with its own struct tok_state (caches, scratch).
 */
#ifndef PTK_TOKENIZER_H
#define PTK_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tokrec.h"

/* A growable array of token ids. */
struct idvec {
	uint32_t *v;
	size_t n, cap;
};

void	idvec_push(struct idvec *a, uint32_t id);
void	idvec_release(struct idvec *a);

struct tokenizer;
struct tok_state;

struct tokenizer_ops {
	const char *name;	/* "bpe", "wordpiece" */
	struct tok_state *(*state_new)(const struct tokenizer *t);
	void	(*state_free)(struct tok_state *s);
	/*
	 * Append the ids of text[0..n) to out.  Special tokens written in the
	 * text are matched first when the tokenizer was loaded with them.
	 * Returns 0 or a negative enum ptk_err.
	 */
	int	(*encode)(const struct tokenizer *t, struct tok_state *s,
		    const char *text, size_t n, struct idvec *out);
	/* Append the text of ids to out (bytes exactly, for byte-level BPE). */
	int	(*decode)(const struct tokenizer *t, const uint32_t *ids,
		    size_t n, struct buf *out);
	/* The id of a token string, or -1. */
	int64_t	(*token_id)(const struct tokenizer *t, const char *s, size_t n);
	/* The string of an id (NULL if out of range); *len its length. */
	const char *(*token_str)(const struct tokenizer *t, uint32_t id, size_t *len);
	void	(*free)(struct tokenizer *t);
};

struct tokenizer {
	const struct tokenizer_ops *ops;
	uint32_t vocab_size;
	uint64_t fingerprint;	/* XXH64 over the vocabulary; goes in stream headers */
	int32_t special[TOK_NSPECIAL];	/* ids by enum tok_special, -1 if none */
	void *impl;
};

/* Options that affect how text is encoded (ignored where they don't apply). */
struct tokenizer_opts {
	int lowercase;		/* WordPiece: -1 default (uncased), 0 cased, 1 uncased */
	int max_word_chars;	/* WordPiece: 0 = 100, as HuggingFace */
	int ignore_special;	/* BPE: encode special-token text as plain text
				 * (tiktoken's encode_ordinary); 0: match it */
};

/*
 * Load a vocabulary: a folder (vocab.json + merges.txt, or vocab.txt, or
 * tokenizer.json), a tokenizer.json, a vocab.txt, or a .tiktoken rank file.
 * Returns 0 and *t, or a negative enum ptk_err (PTK_EFORMAT for a malformed
 * file, PTK_EIO when it cannot be read) with "FILE: line N: what" in err.
 */
int	tokenizer_load(struct tokenizer **t, const char *path,
	    const struct tokenizer_opts *opts, char *err, size_t errlen);
void	tokenizer_free(struct tokenizer *t);	/* NULL is a no-op */

/* A header for streams encoded with t. */
void	tokenizer_header(const struct tokenizer *t, struct tok_header *h);

#endif
