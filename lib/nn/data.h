/*
 * data.h - where the trainer's sequences come from.
 *
 * The trainer asks a struct nn_data for one window of T+1 tokens at a time
 * (inputs are the first T, targets the last T) and, to checkpoint, for its
 * position.  Two sources live here, both filled by cmd/train.c:
 *
 *  - nn_stream: windows cut from documents in arrival order (a token-record
 *    stream on stdin).  Documents are joined with an end-of-text token; each
 *    window starts on the last token of the one before, so every token is a
 *    target once.  Memory is one document.  Its position is (documents
 *    consumed, tokens of the next one consumed); a resumed run skips that
 *    many documents of the same stream.
 *  - nn_tokset: an in-memory (or mapped) token array cut into windows whose
 *    order is shuffled per epoch from a seed; runs for any number of epochs.
 *    Its position is (epoch, window index).
 */
#ifndef PTK_NN_DATA_H
#define PTK_NN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "nn/gpt.h"

/* A position, saved in checkpoints; meaning depends on kind. */
struct nn_data_pos {
	uint64_t kind;		/* NN_DATA_STREAM or NN_DATA_TOKSET */
	uint64_t a, b, c;
};
enum { NN_DATA_STREAM = 1, NN_DATA_TOKSET = 2 };

struct nn_data {
	void *ctx;
	/* Fill seq (T+1): 1, 0 when the data is exhausted, <0 error. */
	int (*next)(void *ctx, int32_t *seq, int T);
	void (*tell)(void *ctx, struct nn_data_pos *pos);
	/* Move to pos (from tell() of an identical source): 0 or <0. */
	int (*seek)(void *ctx, const struct nn_data_pos *pos);
	/* Optional: pass over one window as next() would, without reading
	 * it (another rank trains on it); 1, 0 at the end, or <0. */
	int (*skip)(void *ctx, int T);
};

/*
 * Documents, one at a time: next() returns 1 with (*tok, *n) valid until the
 * following call, 0 at the end, <0 on error.
 */
struct nn_docs {
	void *ctx;
	int (*next)(void *ctx, const uint32_t **tok, size_t *n);
};

struct nn_stream {
	struct nn_docs docs;
	int32_t eot;		/* appended to each document; -1: none */
	const uint32_t *cur;	/* (cur_n) current document */
	size_t cur_n;
	size_t off;		/* tokens of cur (+ eot) consumed */
	int have_cur;
	int32_t last;		/* last token of the previous window; -1: none */
	uint64_t ndocs;		/* documents fully consumed */
	int ended;
};

void	nn_stream_init(struct nn_stream *s, struct nn_docs docs, int32_t eot);
/* An nn_data view of s (s must outlive it). */
struct nn_data nn_stream_data(struct nn_stream *s);

/* Window k of a token set: T+1 tokens into out; 0 or <0. */
typedef int (*nn_window_fn)(void *ctx, uint64_t k, int T, uint32_t *out);

struct nn_tokset {
	const uint32_t *tok;	/* (n) tokens when array-backed; not owned */
	size_t n;
	nn_window_fn fetch;	/* else windows come from here */
	void *fetch_ctx;
	uint64_t base;		/* window k of this set is fetch's base + k */
	int T;			/* window length less one */
	size_t nwin;		/* windows per epoch */
	uint32_t *perm;		/* (nwin) this epoch's order; owned */
	uint32_t *wbuf;		/* (T+1) fetched window; owned */
	uint64_t seed;
	int shuffle;
	uint64_t epoch;		/* current epoch, from 0 */
	size_t idx;		/* next window in perm */
	uint64_t max_epochs;	/* 0: unbounded */
};

/* Windows of T+1 tokens at 0, T, 2T, ... of tok (n); 0, NN_EAPI (fewer
 * than T+1 tokens) or NN_ENOMEM. */
int	nn_tokset_init(struct nn_tokset *s, const uint32_t *tok, size_t n, int T,
	    uint64_t seed, int shuffle);
/* The same over windows base .. base+nwin-1 of a fetch function (a shard
 * folder, which maps its files). */
int	nn_tokset_init_fetch(struct nn_tokset *s, nn_window_fn fetch, void *ctx,
	    uint64_t base, size_t nwin, int T, uint64_t seed, int shuffle);
void	nn_tokset_release(struct nn_tokset *s);
struct nn_data nn_tokset_data(struct nn_tokset *s);

#endif
