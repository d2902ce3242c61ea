/*
 * trainer.c - optimizer steps over an nn_data source.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/dist.h"
#include "nn/trainer.h"

int
trainer_init(struct trainer *tr, const struct gpt_config *cfg,
    const struct train_opts *o, struct nn_data data)
{
	size_t bt = (size_t)o->B * o->T;
	int rc;

	memset(tr, 0, sizeof(*tr));
	tr->rank = dist_rank();
	tr->nranks = dist_size();
	if (o->accum < 1 || o->B < 1 || o->T < 1 || o->accum % tr->nranks)
		return NN_EAPI;
	tr->o = *o;
	tr->data = data;
	if ((rc = gpt_init(&tr->m, cfg, o->B, o->T, 1)) != 0)
		return rc;
	gpt_init_weights(&tr->m, o->seed);
	nn_rng_seed(&tr->rng, o->seed ^ 0x5eed5eed5eed5eedULL);
	tr->seq = malloc(sizeof(int32_t) * (bt + o->B));
	tr->inp = malloc(sizeof(int32_t) * bt);
	tr->tgt = malloc(sizeof(int32_t) * bt);
	if (!tr->seq || !tr->inp || !tr->tgt) {
		trainer_release(tr);
		return NN_ENOMEM;
	}
	return 0;
}

void
trainer_release(struct trainer *tr)
{
	gpt_release(&tr->m);
	free(tr->seq);
	free(tr->inp);
	free(tr->tgt);
	memset(tr, 0, sizeof(*tr));
}

/*
 * Fill inp/tgt with up to B windows from d; returns how many (0..B) or <0.
 * Without keep, the windows are passed over (another rank's micro-batch):
 * *got still counts them, so that every rank sees where the data ends.
 */
static int
fill_batch(struct trainer *tr, struct nn_data *d, int *got, int keep)
{
	int B = tr->o.B, T = tr->o.T, rc;

	*got = 0;
	for (int b = 0; b < B; b++) {
		int32_t *w = tr->seq + (size_t)b * (T + 1);
		if (!keep && d->skip)
			rc = d->skip(d->ctx, T);
		else
			rc = d->next(d->ctx, w, T);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		if (!keep) {
			(*got)++;
			continue;
		}
		for (int t = 0; t <= T; t++)
			if (w[t] < 0 || w[t] >= tr->m.cfg.vocab_size) {
				tr->bad_token = t;
				tr->bad_value = w[t];
				return NN_EFORMAT;
			}
		memcpy(tr->inp + (size_t)b * T, w, sizeof(int32_t) * T);
		memcpy(tr->tgt + (size_t)b * T, w + 1, sizeof(int32_t) * T);
		(*got)++;
	}
	return 0;
}

int
trainer_step(struct trainer *tr, struct train_metrics *out)
{
	const struct train_opts *o = &tr->o;
	float dscale = 1.0f / ((float)o->B * o->T * o->accum);
	double loss = 0, norm;
	float lr, scale = 1;
	int got, rc, whole = 1;

	/* Gradients are zero here: from gpt_init, or left so by AdamW.
	 * Micro-batch k is rank k mod nranks's; every rank walks them all. */
	for (int k = 0; k < o->accum && whole; k++) {
		int mine = k % tr->nranks == tr->rank;
		if ((rc = fill_batch(tr, &tr->data, &got, mine)) < 0)
			return rc;
		if (got < o->B) {
			whole = 0;
			break;
		}
		if (!mine)
			continue;
		loss += gpt_forward(&tr->m, tr->inp, tr->tgt, o->B, o->T,
		    dscale);
		gpt_backward(&tr->m);
	}
	/* A partial step would change the scale: drop it, on every rank. */
	if (tr->nranks > 1)
		whole = (int)dist_min_long(whole);
	if (!whole) {
		gpt_zero_grad(&tr->m);
		return 0;
	}
	if (tr->nranks > 1) {
		dist_sum_floats(tr->m.grads, tr->m.nparams);
		dist_sum_doubles(&loss, 1);
	}
	norm = gpt_grad_norm(&tr->m);
	/* As torch.nn.utils.clip_grad_norm_: scale by clip / (norm + 1e-6). */
	if (o->clip > 0 && norm > o->clip)
		scale = (float)(o->clip / (norm + 1e-6));
	lr = lr_at(&o->sched, (long)tr->step);
	gpt_adamw_step(&tr->m, &o->adamw, lr, scale);
	tr->step++;
	tr->tokens += (uint64_t)o->B * o->T * o->accum;
	out->step = tr->step;
	out->loss = (float)(loss / o->accum);
	out->lr = lr;
	out->grad_norm = norm;
	out->tokens = tr->tokens;
	return 1;
}

int
trainer_eval(struct trainer *tr, struct nn_data *val,
    const struct nn_data_pos *pos, float *loss)
{
	double sum[2] = { 0, 0 };	/* loss x windows, windows */
	int got, rc;

	if ((rc = val->seek(val->ctx, pos)) != 0)
		return rc;
	for (int k = 0; k < tr->o.eval_batches; k++) {
		int mine = k % tr->nranks == tr->rank;
		if ((rc = fill_batch(tr, val, &got, mine)) < 0)
			return rc;
		if (got == 0)
			break;
		/* Mean over windows, each weighted by its T tokens. */
		if (mine) {
			sum[0] += (double)gpt_forward(&tr->m, tr->inp, tr->tgt,
			    got, tr->o.T, 0) * got;
			sum[1] += got;
		}
		if (got < tr->o.B)
			break;
	}
	dist_sum_doubles(sum, 2);
	*loss = sum[1] ? (float)(sum[0] / sum[1]) : NAN;
	return 0;
}

int
trainer_save(struct trainer *tr, const char *path, const char *trainer_json)
{
	struct ckpt_state st;

	memset(&st, 0, sizeof(st));
	st.step = tr->step;
	st.tokens = tr->tokens;
	tr->data.tell(tr->data.ctx, &st.data);
	st.rng = tr->rng;
	if (trainer_json)
		snprintf(st.trainer, sizeof(st.trainer), "%s", trainer_json);
	return ckpt_save(path, &tr->m, &st);
}

int
trainer_resume(struct trainer *tr, const char *path, char *err,
    size_t errlen)
{
	struct ckpt_state st;
	int rc;

	if ((rc = ckpt_load(path, &tr->m, &st, err, errlen)) != 0)
		return rc;
	tr->step = st.step;
	tr->tokens = st.tokens;
	tr->rng = st.rng;
	if ((rc = tr->data.seek(tr->data.ctx, &st.data)) != 0) {
		if (err && errlen)
			snprintf(err, errlen, "cannot reach the checkpoint's "
			    "data position (other data, or a shorter stream)");
		return rc == NN_EIO ? rc : NN_EFORMAT;
	}
	return 0;
}
