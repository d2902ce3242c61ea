/*
 * t5ckpt.h - T5 checkpoints (blob.h's layout, magic "PTKT5C1\n") and
 * decoding from a trained T5.
 */
#ifndef PTK_NN_T5CKPT_H
#define PTK_NN_T5CKPT_H

#include <stdint.h>

#include "nn/gpt.h"
#include "nn/t5.h"

/* Where a training run stands, beside the weights. */
struct t5_run_state {
	uint64_t step;		/* optimizer steps done */
	uint64_t drawn;		/* training examples drawn so far */
	uint64_t nexamples;	/* examples in the data (resume checks) */
	struct nn_rng rng;	/* the batch-order generator */
};

/* Write m's parameters, the AdamW moments mo and vo (nparams each) and st
 * to path atomically.  Returns 0 or NN_EIO with errno. */
int	t5_ckpt_save(const char *path, const struct t5 *m, const float *mo,
	    const float *vo, const struct t5_run_state *st);

/* The config stored in path.  Returns 0, NN_EIO, or NN_EFORMAT with err. */
int	t5_ckpt_read_config(const char *path, struct t5_config *cfg,
	    char *err, size_t errlen);

/*
 * Load path into m (whose config must equal the file's), the moments into
 * mo and vo when not NULL, and *st when not NULL.  Returns 0, NN_EIO,
 * NN_ENOMEM, or NN_EFORMAT with err (bad magic, other shape, checksum).
 */
int	t5_ckpt_load(const char *path, struct t5 *m, float *mo, float *vo,
	    struct t5_run_state *st, char *err, size_t errlen);

/*
 * Decode from the encoder input in (nin tokens): the decoder starts from
 * start and emits up to max_out tokens into out, stopping after eos.  Each
 * token is nn_sample_logits() of the logits (temperature 0: greedy).
 * Returns the number of tokens written (eos included when reached).
 */
int	t5_generate(struct t5 *m, const int32_t *in, int nin, int32_t start,
	    int32_t eos, int max_out, float temperature, int top_k,
	    struct nn_rng *rng, int32_t *out);

#endif
