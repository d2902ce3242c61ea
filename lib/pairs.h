/*
 * pairs.h - sentence-pair examples: BERT next-sentence prediction (NSP) and
 * ALBERT sentence-order prediction (SOP), built as BERT's
 * create_pretraining_data.py builds them, but over a stream.
 *
 * Documents come in as token records whose bounds mark sentence starts.  They
 * are batched (a fixed number of documents or tokens, never a number that
 * depends on the thread count); the documents of a batch are turned into
 * examples in parallel, and a random next segment (NSP) is drawn from the
 * other documents of the batch and a reservoir sample of earlier documents.
 * Every random choice of a document comes from a generator seeded by
 * (seed, pass, document position in the stream), so the output is the same
 * for any thread count.
 */
#ifndef PTK_PAIRS_H
#define PTK_PAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tokrec.h"

enum pairs_mode {
	PAIRS_NSP,	/* B follows A, or B from another document (label 1) */
	PAIRS_SOP,	/* A then B from one document, or swapped (label 1) */
};

struct pairs_opts {
	int mode;		/* enum pairs_mode */
	uint32_t max_seq_len;	/* whole example, [CLS] and [SEP]s included (>= 5) */
	double short_seq_prob;	/* chance of a shorter random target length (0.1) */
	double random_prob;	/* NSP: chance of a random B; SOP: of a swap (0.5) */
	uint32_t dupe_factor;	/* passes over each document (1) */
	uint32_t reservoir;	/* earlier documents kept for random B (NSP) */
	uint64_t seed;
	uint32_t cls, sep;	/* the [CLS] and [SEP] ids */
};

#define PAIRS_OPTS_INIT { PAIRS_NSP, 128, 0.1, 0.5, 1, 10000, 0, 0, 0 }
/* A batch ends at this many documents or this many tokens. */
#define PAIRS_BATCH_DOCS 4096
#define PAIRS_BATCH_TOKENS ((size_t)8 << 20)

/* A document as sentences: sentence k is tokens[sent[k] .. sent[k + 1]) (or .. n). */
struct pairs_doc {
	char *id;		/* id_len bytes, NUL-terminated */
	size_t id_len;
	uint32_t *tokens;	/* (n) */
	size_t n;
	uint32_t *sent;		/* (nsent) sentence starts, sent[0] = 0 */
	size_t nsent;
	uint64_t ordinal;	/* the record's position in the input stream */
};

/* Copy rec into a new document (freed with pairs_doc_free()); NULL for an empty record. */
struct pairs_doc *pairs_doc_new(const struct tok_rec *rec, uint64_t ordinal);
void	pairs_doc_free(struct pairs_doc *d);

struct pairs_stats {
	uint64_t docs;		/* documents used */
	uint64_t examples;	/* examples written */
	uint64_t label1;	/* of those, random next (NSP) or swapped (SOP) */
	uint64_t forced;	/* NSP: one-sentence chunks, random B by necessity */
	uint64_t dropped;	/* chunks with no possible B (see pairs_document) */
	uint64_t tokens;	/* tokens written */
};

/* Called with each example: a record with segments and an example label. */
typedef int (*pairs_emit_fn)(void *ctx, const struct tok_rec *rec);

struct pairs_scratch {
	uint32_t *tok;		/* (cap) */
	uint8_t *seg;		/* (cap) */
	size_t cap;
	struct buf id;
};

void	pairs_scratch_release(struct pairs_scratch *s);

/*
 * The examples of document d in pass `pass`, following BERT's
 * create_instances_from_document: a target length (max_seq_len - 3, or with
 * short_seq_prob a random one in [2, max_seq_len - 3]); sentences gathered
 * into a chunk up to it; A the first a_end of the chunk's sentences (a_end
 * uniform in [1, count - 1]); B the rest, or (NSP, always for a one-sentence
 * chunk, else with random_prob) sentences from a random start in a random
 * document of pool other than pool[self] up to the remaining length, the
 * unused sentences being put back; the pair truncated to max_seq_len - 3
 * from the longer side, front or back at random; then
 * [CLS] A [SEP] B [SEP] with segments 0 / 1.  SOP swaps A and B with
 * random_prob and cuts a one-sentence chunk at a random token.  A chunk with
 * no possible B (a one-token sentence in SOP, or NSP with an empty pool) is
 * counted in st->dropped.  Example ids are "DOCID:PASS:K".
 * Returns 0 or what emit returned.
 */
int	pairs_document(const struct pairs_opts *o, const struct pairs_doc *d,
	    uint32_t pass, struct pairs_doc *const *pool, size_t npool,
	    size_t self, pairs_emit_fn emit, void *ctx,
	    struct pairs_scratch *s, struct pairs_stats *st);

/* The streaming driver. */
struct pairs;

struct pairs *pairs_new(const struct pairs_opts *o);
void	pairs_free(struct pairs *p);	/* NULL is a no-op */

/*
 * Take the next input record (copied; ordinal = its position in the
 * stream).  Returns 1 when the batch is full and pairs_flush() is due, else 0.
 */
int	pairs_add(struct pairs *p, const struct tok_rec *rec, uint64_t ordinal);

/*
 * Build the examples of the batched documents on nthreads threads and append
 * their encodings under header h to out, in input order, dupe passes of a
 * document together; then update the reservoir.  Returns 0, or PTK_ELIMIT
 * when an example id is too long for a record (*bad_ordinal set).
 */
int	pairs_flush(struct pairs *p, const struct tok_header *h, int nthreads,
	    struct buf *out, struct pairs_stats *st, uint64_t *bad_ordinal);

#endif
