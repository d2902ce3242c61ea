/*
 * ckpt.h - checkpoints: model, optimizer state, data position and random
 * state in one file (docs/checkpoint.md), written atomically.
 */
#ifndef PTK_NN_CKPT_H
#define PTK_NN_CKPT_H

#include <stdint.h>

#include "nn/data.h"
#include "nn/gpt.h"

#define CKPT_MAGIC "PTKCKPT\n"
#define CKPT_VERSION 1
#define CKPT_HEADER_SIZE 256
#define CKPT_MAX_JSON 65536

/* What a checkpoint holds beside the tensors. */
struct ckpt_state {
	uint64_t step;			/* optimizer steps done */
	uint64_t tokens;		/* training tokens seen */
	struct nn_data_pos data;	/* where the next batch starts */
	struct nn_rng rng;		/* trainer's generator after step */
	char trainer[4096];		/* JSON of the run's options, for people */
};

/*
 * Write m (parameters, and AdamW moments when m is training) and st to path,
 * through path.tmp.<pid>, fsync and rename.  Returns 0 or NN_EIO (errno
 * kept; the temporary file is removed).
 */
int	ckpt_save(const char *path, const struct gpt *m,
	    const struct ckpt_state *st);

/*
 * Read the config stored in path into *cfg (to size a model before
 * ckpt_load).  Returns 0, NN_EIO, or NN_EFORMAT with a reason in err.
 */
int	ckpt_read_config(const char *path, struct gpt_config *cfg, char *err,
	    size_t errlen);

/*
 * Load parameters (and optimizer state when m is training and the file has
 * it) into m, whose config must equal the file's, and *st.  The payload
 * checksum is verified.  Returns 0, NN_EIO, or NN_EFORMAT with err set.
 */
int	ckpt_load(const char *path, struct gpt *m, struct ckpt_state *st,
	    char *err, size_t errlen);

/*
 * The checkpoint file a --resume or --checkpoint argument names: path
 * itself, or the file named by path/latest when path is a folder (as
 * trainers write it).  Returns a string the caller frees, or NULL with
 * "FILE: reason" in err (errno kept).
 */
char	*ckpt_resolve(const char *path, char *err, size_t errlen);

/*
 * Make dir/latest name the checkpoint file dir/name (written whole to a
 * temporary file, fsync'd and renamed, so that it never names a partial
 * file).  Returns 0 or NN_EIO with errno.
 */
int	ckpt_mark_latest(const char *dir, const char *name);

/* Whether path is a GPT checkpoint (its magic): 1, 0 (another kind), or
 * NN_EIO when it cannot be read. */
int	ckpt_is_gpt(const char *path);

#endif
