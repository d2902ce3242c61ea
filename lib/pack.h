/*
 * pack.h - packing documents into full-length training sequences.
 *
 *   PACK_FULL_SENTENCES  RoBERTa FULL-SENTENCES: whole sentences, crossing
 *                        document ends, a separator after each document's
 *                        last sentence; a block ends when the next sentence
 *                        would not fit (fairseq TokenBlockDataset "complete")
 *   PACK_DOC_SENTENCES   RoBERTa DOC-SENTENCES: the same within one document
 *                        (fairseq "complete_doc"); no separator
 *   PACK_CONCAT          GPT: documents joined with an end-of-text token and
 *                        cut into blocks of exactly max_len (the last one of
 *                        the stream may be shorter)
 *
 * A sentence longer than a block is cut into block-sized pieces, so no block
 * is ever longer than max_len.  Blocks are sequences (kind seq) whose bounds
 * mark where each sentence (concat: each document) starts inside the block.
 */
#ifndef PTK_PACK_H
#define PTK_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tokrec.h"

enum pack_mode { PACK_FULL_SENTENCES, PACK_DOC_SENTENCES, PACK_CONCAT };

struct pack_opts {
	int mode;		/* enum pack_mode */
	uint32_t max_len;	/* tokens per block, the prefix included (>= 2) */
	int64_t sep;		/* full-sentences: document separator; concat: end of text; -1 none */
	int64_t prefix;		/* put first in every block (RoBERTa <s>, [CLS]); -1 none */
};

/* Called with each finished block. */
typedef int (*pack_emit_fn)(void *ctx, const struct tok_rec *rec);

struct pack;

struct pack *pack_new(const struct pack_opts *o, pack_emit_fn emit, void *ctx);
void	pack_free(struct pack *p);	/* NULL is a no-op */

/*
 * Add the next document (its bounds are sentence starts; none: one
 * sentence).  Block ids are "DOCID:K", DOCID being the document that holds
 * the block's first token and K counting the blocks that start in it.
 * Returns 0 or what emit returned.
 */
int	pack_add(struct pack *p, const struct tok_rec *rec);
/* Emit the last, partial block.  Returns 0 or what emit returned. */
int	pack_finish(struct pack *p);

struct pack_stats {
	uint64_t docs, blocks, tokens, split;	/* split: sentences cut up */
};

const struct pack_stats *pack_stats(const struct pack *p);

#endif
