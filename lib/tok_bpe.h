/*
 * tok_bpe.h - byte-level BPE vocabularies behind the tokenizer interface
 * (tokenizer.h): GPT-2 vocab.json + merges.txt, a HuggingFace tokenizer.json
 * with a BPE model, and tiktoken rank files (.tiktoken).
 *
 * Encoding is exact BPE by merge rank: text is cut at special tokens, each
 * remaining span is pre-tokenized (pretok.h), and each piece starts as its
 * bytes and repeatedly merges the adjacent pair of lowest rank (the leftmost
 * one on a tie).  For merges files the rank of a pair is its line; for
 * .tiktoken files it is the rank of the concatenated bytes, and a piece that
 * is a token as a whole is that token, as in tiktoken (tokenizer.json's
 * "ignore_merges" does the same).  Each thread keeps a cache of the pieces
 * it has encoded.
 *
 * The fingerprint is XXH64 (seed 0) over, for each id from 0 to
 * vocab_size - 1, its length in bytes as a little-endian u32 (0xffffffff
 * for an unused id) followed by its bytes; so one vocabulary gives one
 * fingerprint whichever of the three files it was loaded from.
 */
#ifndef PTK_TOK_BPE_H
#define PTK_TOK_BPE_H

#include <stddef.h>

#include "tokenizer.h"

enum tok_bpe_format {
	TOK_BPE_VOCAB_MERGES,	/* path: vocab.json (merges.txt beside it) */
	TOK_BPE_HF_JSON,	/* path: tokenizer.json with a BPE model */
	TOK_BPE_TIKTOKEN,	/* path: "<base64 token> <rank>" lines */
};

/*
 * Load a BPE vocabulary.  Returns 0 and *t, or PTK_EFORMAT (malformed or
 * unsupported file) / PTK_EIO (unreadable) / PTK_ELIMIT with
 * "FILE: line N: what" or "FILE: at byte M: what" in err.
 */
int	tok_bpe_load(struct tokenizer **t, const char *path, enum tok_bpe_format f,
	    const struct tokenizer_opts *o, char *err, size_t errlen);

/*
 * Whether texts encoded by t may be cut just after a '\n' between two
 * printable ASCII characters (pretok_cut) and encoded in parts with the same
 * ids: t is BPE with a pattern that allows it (pretok_can_cut: GPT-2's,
 * cl100k's) and no special token holds a '\n'.
 */
int	tok_bpe_can_cut(const struct tokenizer *t);

/*
 * Drop bytes that have no token instead of failing with PTK_EFORMAT, as
 * HuggingFace does for a BPE without an unk_token (on = 1).  No-op unless t
 * is BPE; call before encoding.
 */
void	tok_bpe_set_skip_unknown(struct tokenizer *t, int on);
/* Bytes that state s dropped for want of a token (skip_unknown); 0 if t is not BPE. */
uint64_t tok_bpe_skipped(const struct tokenizer *t, const struct tok_state *s);

/*
 * The "type" of the "model" member of a tokenizer.json text ("BPE",
 * "WordPiece", ...) into type[0..n), NUL-terminated.  Returns 0, or
 * PTK_EFORMAT when the text is not such an object (type is then "").
 */
int	tok_json_model_type(const char *text, size_t len, char *type, size_t n);

#endif
