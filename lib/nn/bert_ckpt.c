/*
 * bert_ckpt.c - encoder checkpoints (docs/checkpoint.md, "Encoder
 * checkpoints"): in blob.h's layout, a fixed header with the config and run
 * position, then the parameters and AdamW moments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nn/bert.h"
#include "nn/blob.h"

#define ENC_MAGIC "PTKENC1\n"
enum { HDR_INTS = 16 };

static int
cfg_ints(const struct bert_config *c, int32_t *v)
{
	int32_t t[HDR_INTS] = { c->n_layer, c->n_head, c->n_embd, c->n_mlp,
		c->n_emb, c->vocab_size, c->n_ctx, c->n_types, c->share,
		c->head, 0, 0, 0, 0, 0, 0 };
	float f = c->init_std;

	memcpy(&t[10], &f, 4);
	memcpy(v, t, sizeof(t));
	return 0;
}

static void
ints_cfg(const int32_t *v, struct bert_config *c)
{
	c->n_layer = v[0];
	c->n_head = v[1];
	c->n_embd = v[2];
	c->n_mlp = v[3];
	c->n_emb = v[4];
	c->vocab_size = v[5];
	c->n_ctx = v[6];
	c->n_types = v[7];
	c->share = v[8];
	c->head = v[9];
	memcpy(&c->init_std, &v[10], 4);
}

/* After the magic (blob.h). */
struct hdr {
	int32_t cfg[HDR_INTS];
	uint64_t pos[4];	/* step, epoch, index, AdamW steps */
	uint64_t nparams;
	uint64_t has_opt;
};

int
bert_ckpt_save(const char *path, const struct bert *m, const uint64_t pos[3])
{
	struct hdr h;
	const float *blk[3] = { m->params, m->opt_m, m->opt_v };

	memset(&h, 0, sizeof(h));
	cfg_ints(&m->cfg, h.cfg);
	h.pos[0] = pos[0];
	h.pos[1] = pos[1];
	h.pos[2] = pos[2];
	h.pos[3] = m->opt_step;
	h.nparams = m->nparams;
	h.has_opt = m->training;
	return nn_blob_save(path, ENC_MAGIC, &h, sizeof(h), blk,
	    m->training ? 3 : 1, m->nparams);
}

/* Read and check the header (and, with m, the payload) of path. */
static int
load(const char *path, struct bert_config *cfg, struct bert *m,
    uint64_t pos[3], char *err, size_t errlen)
{
	struct hdr h;
	int rc;

	rc = nn_blob_header(path, ENC_MAGIC, "encoder", &h, sizeof(h), err,
	    errlen);
	if (rc != 0)
		return rc;
	ints_cfg(h.cfg, cfg);
	if (bert_config_check(cfg, NULL, 0) != 0) {
		snprintf(err, errlen, "bad model config");
		return NN_EFORMAT;
	}
	if (!m)
		return 0;
	if (memcmp(&m->cfg, cfg, sizeof(*cfg)) != 0 ||
	    h.nparams != m->nparams) {
		snprintf(err, errlen, "the model differs from the checkpoint's");
		return NN_EFORMAT;
	}
	{
		/* Moments are kept only by a training model. */
		float *blk[3] = { m->params, m->training ? m->opt_m : NULL,
		    m->training ? m->opt_v : NULL };
		rc = nn_blob_load(path, ENC_MAGIC, "encoder", &h, sizeof(h),
		    blk, h.has_opt ? 3 : 1, m->nparams, err, errlen);
	}
	if (rc != 0)
		return rc;
	m->opt_step = h.has_opt && m->training ? h.pos[3] : 0;
	if (pos) {
		pos[0] = h.pos[0];
		pos[1] = h.pos[1];
		pos[2] = h.pos[2];
	}
	return 0;
}

int
bert_ckpt_read_config(const char *path, struct bert_config *cfg, char *err,
    size_t errlen)
{
	return load(path, cfg, NULL, NULL, err, errlen);
}

int
bert_ckpt_load(const char *path, struct bert *m, uint64_t pos[3], char *err,
    size_t errlen)
{
	struct bert_config c;

	return load(path, &c, m, pos, err, errlen);
}
