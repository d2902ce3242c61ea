/*
 * t5ckpt.c - T5 checkpoints and decoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nn/blob.h"
#include "nn/t5ckpt.h"

#define T5_MAGIC "PTKT5C1\n"

/* After the magic. */
struct hdr {
	int32_t cfg[8];		/* t5_config in order, init_std's bits */
	uint64_t step, drawn, nexamples;
	uint64_t rng[4];
	uint64_t nparams;
	uint64_t has_opt;
};

static void
cfg_ints(const struct t5_config *c, int32_t *v)
{
	v[0] = c->n_layer;
	v[1] = c->n_head;
	v[2] = c->n_embd;
	v[3] = c->n_mlp;
	v[4] = c->vocab_size;
	v[5] = c->n_buckets;
	v[6] = c->max_distance;
	memcpy(&v[7], &c->init_std, 4);
}

static void
ints_cfg(const int32_t *v, struct t5_config *c)
{
	c->n_layer = v[0];
	c->n_head = v[1];
	c->n_embd = v[2];
	c->n_mlp = v[3];
	c->vocab_size = v[4];
	c->n_buckets = v[5];
	c->max_distance = v[6];
	memcpy(&c->init_std, &v[7], 4);
}

int
t5_ckpt_save(const char *path, const struct t5 *m, const float *mo,
    const float *vo, const struct t5_run_state *st)
{
	struct hdr h;
	const float *blk[3] = { m->params, mo, vo };

	memset(&h, 0, sizeof(h));
	cfg_ints(&m->cfg, h.cfg);
	h.step = st->step;
	h.drawn = st->drawn;
	h.nexamples = st->nexamples;
	memcpy(h.rng, st->rng.s, sizeof(h.rng));
	h.nparams = m->nparams;
	h.has_opt = mo && vo;
	return nn_blob_save(path, T5_MAGIC, &h, sizeof(h), blk,
	    h.has_opt ? 3 : 1, m->nparams);
}

/* Parameters of a config, as t5_init() lays them out; 0 if malformed. */
static uint64_t
param_count(const struct t5_config *c)
{
	uint64_t L = (uint64_t)c->n_layer, C = (uint64_t)c->n_embd;
	uint64_t F = (uint64_t)c->n_mlp, V = (uint64_t)c->vocab_size;

	if (c->n_layer < 1 || c->n_layer > 4096 || c->n_head < 1 ||
	    c->n_embd < 1 || c->n_embd > 65536 || c->n_embd % c->n_head ||
	    c->n_mlp < 1 || c->n_mlp > (1 << 20) || c->vocab_size < 2 ||
	    c->vocab_size > (1 << 24) || c->n_buckets < 2 ||
	    c->n_buckets > 4096 || c->max_distance < c->n_buckets)
		return 0;
	return V * C + 2 * (uint64_t)c->n_buckets * c->n_head + 2 * C +
	    L * (2 * C + 4 * C * C + 2 * F * C) +
	    L * (3 * C + 8 * C * C + 2 * F * C);
}

static int
read_hdr(const char *path, struct hdr *h, struct t5_config *cfg, char *err,
    size_t errlen)
{
	struct stat sb;
	int rc = nn_blob_header(path, T5_MAGIC, "T5", h, sizeof(*h), err,
	    errlen);

	if (rc != 0)
		return rc;
	ints_cfg(h->cfg, cfg);
	if (param_count(cfg) == 0 || param_count(cfg) != h->nparams) {
		snprintf(err, errlen, "bad model config");
		return NN_EFORMAT;
	}
	/* Before anyone allocates the model the header describes. */
	if (stat(path, &sb) != 0)
		return NN_EIO;
	if ((uint64_t)sb.st_size != 8 + sizeof(*h) + 8 +
	    h->nparams * sizeof(float) * (h->has_opt ? 3 : 1)) {
		snprintf(err, errlen, "truncated or trailing bytes");
		return NN_EFORMAT;
	}
	return 0;
}

int
t5_ckpt_read_config(const char *path, struct t5_config *cfg, char *err,
    size_t errlen)
{
	struct hdr h;

	return read_hdr(path, &h, cfg, err, errlen);
}

int
t5_ckpt_load(const char *path, struct t5 *m, float *mo, float *vo,
    struct t5_run_state *st, char *err, size_t errlen)
{
	struct t5_config cfg;
	struct hdr h;
	int rc;

	if ((rc = read_hdr(path, &h, &cfg, err, errlen)) != 0)
		return rc;
	if (memcmp(&cfg, &m->cfg, sizeof(cfg)) != 0 ||
	    h.nparams != m->nparams) {
		snprintf(err, errlen, "the model differs from the "
		    "checkpoint's");
		return NN_EFORMAT;
	}
	if ((mo || vo) && !h.has_opt) {
		snprintf(err, errlen, "no optimizer state to resume from");
		return NN_EFORMAT;
	}
	{
		float *blk[3] = { m->params, mo, vo };
		rc = nn_blob_load(path, T5_MAGIC, "T5", &h, sizeof(h), blk,
		    h.has_opt ? 3 : 1, m->nparams, err, errlen);
	}
	if (rc != 0)
		return rc;
	if (st) {
		st->step = h.step;
		st->drawn = h.drawn;
		st->nexamples = h.nexamples;
		memcpy(st->rng.s, h.rng, sizeof(h.rng));
	}
	return 0;
}

int
t5_generate(struct t5 *m, const int32_t *in, int nin, int32_t start,
    int32_t eos, int max_out, float temperature, int top_k,
    struct nn_rng *rng, int32_t *out)
{
	int V = m->cfg.vocab_size, n = 0;
	int32_t *dec = malloc(sizeof(int32_t) * (size_t)(max_out + 1));
	int32_t *tgt = malloc(sizeof(int32_t) * (size_t)(max_out + 1));
	float *row = malloc(sizeof(float) * (size_t)V);

	if (!dec || !tgt || !row) {
		free(dec), free(tgt), free(row);
		return -1;
	}
	dec[0] = start;
	/* Each step reruns the decoder over the prefix: there is no key /
	 * value cache, which tiny models do not need. */
	while (n < max_out) {
		for (int i = 0; i <= n; i++)
			tgt[i] = -1;
		t5_forward(m, in, &nin, 1, nin, dec, tgt, n + 1);
		memcpy(row, t5_logits(m) + (size_t)n * V, sizeof(float) * V);
		out[n] = nn_sample_logits(row, V, temperature, top_k, rng);
		dec[n + 1] = out[n];
		if (out[n++] == eos)
			break;
	}
	free(dec);
	free(tgt);
	free(row);
	return n;
}
