/*
 * tokdata.h - token-record streams (lib/tokrec.h) as trainer data.
 */
#ifndef PTK_NN_TOKDATA_H
#define PTK_NN_TOKDATA_H

#include <stddef.h>
#include <stdint.h>

#include "shard.h"
#include "tokrec.h"
#include "nn/data.h"

/* Documents of an open token-record reader, for nn_stream. */
struct nn_tokdocs {
	struct tok_reader *r;	/* not owned */
	int err;		/* last tok_read() error, 0 if none */
};
struct nn_docs nn_tokdocs(struct nn_tokdocs *d);

/*
 * Read every record of path (NULL or "-": stdin) into one array, each
 * document followed by eot when eot >= 0.  *tok (caller frees with free(3))
 * and *n are set on success; *hdr gets the stream's header.  A stream of
 * records that are not token sequences is NN_EFORMAT.  Returns 0, 0 with
 * *n == 0 for an empty input, or a negative enum ptk_err with a message
 * ("FILE: record N at byte M: what") in err.
 */
int	nn_tokdata_load(const char *path, uint32_t **tok, size_t *n,
	    struct tok_header *hdr, char *err, size_t errlen);

/* One split of an open shard folder, as nn_tokset windows (fetch). */
struct nn_shardsrc {
	const struct shardset *set;
	int split;		/* SHARD_TRAIN or SHARD_VAL */
};
int	nn_shard_window(void *ctx, uint64_t k, int T, uint32_t *out);

/* The end-of-text id of a header: its eos special, else -1. */
int32_t	nn_tokdata_eot(const struct tok_header *h);

/*
 * A trainer's data, opened in two phases because the window length depends
 * on the model, which depends on the data's vocabulary:
 *
 *	nn_source_open(&src, path, is_stream, err, errlen);	// header
 *	... pick the model from src.hdr, T ...
 *	nn_source_windows(&src, T, val_path, val_fraction, seed, err, errlen);
 *	trainer_init(&tr, &cfg, &o, src.data);
 *	... trainer_eval(&tr, &src.val, &src.val0, &loss) when src.have_val ...
 *	nn_source_release(&src);
 *
 * path: a shard folder or a token-record file (read whole) for --data, a
 * file or NULL (stdin) for a stream.
 */
struct nn_source {
	struct tok_header hdr;	/* the data's header (zero for an empty stream) */
	int empty;		/* a stream with no header and no records */
	uint32_t seq_len;	/* a shard folder's recorded seq_len, 0 if none */
	struct nn_data data;	/* training windows (after nn_source_windows) */
	int have_val;
	struct nn_data val;	/* validation windows, restarted at val0 */
	struct nn_data_pos val0;
	/* internals */
	int stream;
	const char *path;
	struct shardset *set;
	struct tok_reader *rd;
	struct nn_tokdocs td;
	struct nn_shardsrc tsrc, vsrc;
	struct nn_stream st;
	struct nn_tokset ts, vs;
	uint32_t *tok, *vtok;	/* (ntok), (nvtok) read-whole files */
	size_t ntok, nvtok;
};

/*
 * Open the data and read its header.  Returns 0, or a negative enum
 * ptk_err with "FILE: ...: what" in err (records that are not token
 * sequences are PTK_EFORMAT).
 */
int	nn_source_open(struct nn_source *s, const char *path, int stream,
	    char *err, size_t errlen);
/*
 * Cut the data into windows of T+1 tokens; validation from val_path (a
 * token-record file), else a shard folder's val split, else the last
 * val_fraction of the training windows (--data only).  Returns 0 or a
 * negative enum ptk_err with err set (too little data is PTK_EFORMAT).
 */
int	nn_source_windows(struct nn_source *s, int T, const char *val_path,
	    double val_fraction, uint64_t seed, char *err, size_t errlen);
/* The message of a stream read error met during training, or NULL. */
const char *nn_source_errmsg(const struct nn_source *s);
int	nn_source_err(const struct nn_source *s);
void	nn_source_release(struct nn_source *s);

#endif
