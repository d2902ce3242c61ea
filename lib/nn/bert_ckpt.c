/*
 * bert_ckpt.c - encoder checkpoints (docs/checkpoint.md, "Encoder
 * checkpoints"): a fixed header with the config and run position, the
 * parameters and AdamW moments, an XXH64 of everything before it; written
 * to a temporary file, fsync'd and renamed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "nn/bert.h"

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

struct hdr {
	char magic[8];
	int32_t cfg[HDR_INTS];
	uint64_t pos[4];	/* step, epoch, index, AdamW steps */
	uint64_t nparams;
	uint64_t has_opt;
};

int
bert_ckpt_save(const char *path, const struct bert *m, const uint64_t pos[3])
{
	struct hdr h;
	char tmp[4096];
	XXH64_state_t *x = XXH64_createState();
	uint64_t sum;
	FILE *f;
	int ok, n = m->training ? 3 : 1;
	const float *blk[3] = { m->params, m->opt_m, m->opt_v };

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, ENC_MAGIC, 8);
	cfg_ints(&m->cfg, h.cfg);
	h.pos[0] = pos[0];
	h.pos[1] = pos[1];
	h.pos[2] = pos[2];
	h.pos[3] = m->opt_step;
	h.nparams = m->nparams;
	h.has_opt = m->training;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (!(f = fopen(tmp, "wb")) || !x) {
		XXH64_freeState(x);
		if (f)
			fclose(f);
		return NN_EIO;
	}
	XXH64_reset(x, 0);
	ok = fwrite(&h, sizeof(h), 1, f) == 1;
	XXH64_update(x, &h, sizeof(h));
	for (int i = 0; i < n && ok; i++) {
		ok = fwrite(blk[i], sizeof(float), m->nparams, f) == m->nparams;
		XXH64_update(x, blk[i], sizeof(float) * m->nparams);
	}
	sum = XXH64_digest(x);
	XXH64_freeState(x);
	ok = ok && fwrite(&sum, 8, 1, f) == 1 && fflush(f) == 0 &&
	    fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return NN_EIO;
	}
	return 0;
}

/* Read and check the header (and, with m, the payload) of path. */
static int
load(const char *path, struct bert_config *cfg, struct bert *m,
    uint64_t pos[3], char *err, size_t errlen)
{
	struct hdr h;
	FILE *f = fopen(path, "rb");
	XXH64_state_t *x = NULL;
	uint64_t sum;
	float *buf = NULL;
	int rc = NN_EFORMAT;
	const char *why = NULL;

	if (!f)
		return NN_EIO;
	if (fread(&h, sizeof(h), 1, f) != 1 || memcmp(h.magic, ENC_MAGIC, 8)) {
		why = "not an encoder checkpoint";
		goto out;
	}
	ints_cfg(h.cfg, cfg);
	if (bert_config_check(cfg, NULL, 0) != 0) {
		why = "bad model config";
		goto out;
	}
	if (!m) {
		rc = 0;
		goto out;
	}
	if (memcmp(&m->cfg, cfg, sizeof(*cfg)) != 0 ||
	    h.nparams != m->nparams) {
		why = "the model differs from the checkpoint's";
		goto out;
	}
	x = XXH64_createState();
	XXH64_reset(x, 0);
	XXH64_update(x, &h, sizeof(h));
	if (fread(m->params, sizeof(float), m->nparams, f) != m->nparams) {
		why = "truncated";
		goto out;
	}
	XXH64_update(x, m->params, sizeof(float) * m->nparams);
	if (h.has_opt) {
		float *mm = m->training ? m->opt_m : NULL, *vv = m->opt_v;
		if (!mm)
			buf = mm = vv = malloc(sizeof(float) * m->nparams);
		if (!mm) {
			rc = NN_ENOMEM;
			goto out;
		}
		if (fread(mm, sizeof(float), m->nparams, f) != m->nparams) {
			why = "truncated";
			goto out;
		}
		XXH64_update(x, mm, sizeof(float) * m->nparams);
		if (fread(vv, sizeof(float), m->nparams, f) != m->nparams) {
			why = "truncated";
			goto out;
		}
		XXH64_update(x, vv, sizeof(float) * m->nparams);
	}
	if (fread(&sum, 8, 1, f) != 1) {
		why = "truncated";
		goto out;
	}
	if (sum != XXH64_digest(x)) {
		why = "checksum mismatch";
		goto out;
	}
	if (fgetc(f) != EOF) {
		why = "trailing bytes";
		goto out;
	}
	m->opt_step = h.has_opt && m->training ? h.pos[3] : 0;
	if (pos) {
		pos[0] = h.pos[0];
		pos[1] = h.pos[1];
		pos[2] = h.pos[2];
	}
	rc = 0;
out:
	if (why && err && errlen)
		snprintf(err, errlen, "%s", why);
	if (x)
		XXH64_freeState(x);
	free(buf);
	fclose(f);
	return rc;
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
