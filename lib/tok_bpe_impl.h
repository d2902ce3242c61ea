/*
 * tok_bpe_impl.h - the BPE model shared by tok_bpe.c (encoding) and
 * tok_bpe_load.c (file formats).  Not for use outside those two files.
 */
#ifndef PTK_TOK_BPE_IMPL_H
#define PTK_TOK_BPE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "pretok.h"
#include "tok_bpe.h"

#define BPE_NONE UINT32_MAX
#define BPE_MAX_VOCAB (1u << 24)	/* ids above this are refused (ELIMIT) */

struct bpe_pair {
	uint64_t key;		/* (left << 32 | right) + 1; 0 = empty slot */
	uint32_t rank, id;
};

struct bpe_special {
	char	*s;		/* raw bytes as written in text */
	size_t	n;
	uint32_t id;
};

struct bpe_model {
	uint32_t n;		/* vocab size: highest id + 1 */
	uint64_t *off;		/* (n) token bytes at bytes.p + off */
	uint32_t *len;		/* (n) BPE_NONE for an unused id */
	struct buf bytes;
	uint32_t *tix;		/* (tcap) open addressing by bytes: id + 1, 0 empty */
	size_t	tcap;
	int32_t	byte_id[256];	/* single-byte tokens, -1 if none */
	struct bpe_pair *pairs;	/* (pcap) open addressing by pair */
	size_t	pcap, npairs;
	unsigned char *produced;	/* (n) 1 if some merge makes the id */
	int	ignore_merges;	/* a piece that is a token is that token */
	struct pretok *pre;
	struct bpe_special *sp;	/* longest first */
	size_t	nsp;
	int	match_special;
	int	skip_unknown;	/* drop bytes without a token */
};

void	bpe_model_init(struct bpe_model *m);
void	bpe_model_release(struct bpe_model *m);
/* Set id's bytes; PTK_EFORMAT (with *why) for an id used twice or a duplicate token. */
int	bpe_model_set(struct bpe_model *m, uint32_t id, const char *s, size_t n,
	    const char **why);
/* The id of bytes s[0..n), or -1. */
int64_t	bpe_model_find(const struct bpe_model *m, const char *s, size_t n);
/*
 * Add the merge of left and right at rank; the result is the token spelled
 * by their bytes.  Returns 0, or PTK_EFORMAT with *why when it is missing.
 * An earlier rank of the same pair is kept.
 */
int	bpe_model_add_merge(struct bpe_model *m, uint32_t left, uint32_t right,
	    uint32_t rank, const char **why);
/* Add every split of every token as a pair ranked by the token (tiktoken). */
void	bpe_model_pairs_from_ranks(struct bpe_model *m);
/* Mark id as a special token matched in text. */
void	bpe_model_add_special(struct bpe_model *m, uint32_t id);
/* Build the byte table, tokenizer struct, fingerprint and special slots. */
struct tokenizer *bpe_model_finish(struct bpe_model *m);

#endif
