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

#endif
