/*
 * gptfinetune.c - "train finetune" from a GPT checkpoint: classification as
 * in the GPT paper (Radford et al. 2018, section 3.2).  The input is
 * [eos] a [eos] for one text or [eos] a [eos] b [eos] for a pair (the
 * end-of-text token serves as start, delimiter and extract token, since the
 * vocabulary is the pre-training one); the last token's final hidden state
 * times a new W_y (K, C) + b gives the class.  The loss is
 * L = L_cls + aux_lm * L_LM, where L_LM is the mean next-token
 * cross-entropy over the example's own tokens (padding ignored), which the
 * paper found helps generalisation and convergence.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tokenizer.h"
#include "xalloc.h"
#include "nn/ckpt.h"
#include "train.h"
#include "nn/ftdata.h"
#include "nn/gpt.h"

struct gft {
	struct gpt m;
	int B, T, K, C;
	int lm;			/* aux_lm > 0: next tokens are targets */
	int32_t eos, *tok, *tgt, *last, *y;
	struct ft_head hd;
	float *dfin;
};

/* Row i from e; returns the number of LM targets in it. */
static int
fill_row(struct gft *f, int i, const struct ft_example *e)
{
	int32_t *tok = f->tok + (size_t)i * f->T, *tgt = f->tgt +
	    (size_t)i * f->T;
	size_t na = e->na, nb = e->nb;
	size_t room = (size_t)f->T - 2 - (e->has_b ? 1 : 0);
	int t = 0;

	while (na + nb > room) {
		if (na >= nb)
			na--;
		else
			nb--;
	}
	tok[t++] = f->eos;
	for (size_t k = 0; k < na; k++)
		tok[t++] = (int32_t)e->a[k];
	tok[t++] = f->eos;
	if (e->has_b) {
		for (size_t k = 0; k < nb; k++)
			tok[t++] = (int32_t)e->b[k];
		tok[t++] = f->eos;
	}
	f->last[i] = t - 1;
	f->y[i] = e->label;
	for (int k = 0; k < f->T; k++)
		tgt[k] = f->lm && k + 1 < t ? tok[k + 1] : -1;
	for (int k = t; k < f->T; k++)
		tok[k] = f->eos;
	return t - 1;
}

/* The head on the rows' last states: loss, right answers and (train) its
 * gradient into gw, gb and dfin. */
static int
head(struct gft *f, int got, double *loss, int train)
{
	const float *h = gpt_final(&f->m);
	int correct = 0, K = f->K, C = f->C;
	float lg[1000], dl[1000];

	for (int i = 0; i < got; i++) {
		size_t at = ((size_t)i * f->T + f->last[i]) * C;
		const float *x = h + at;
		int best = 0;
		ft_head_scores(&f->hd, x, lg);
		for (int k = 1; k < K; k++)
			if (lg[k] > lg[best])
				best = k;
		correct += best == f->y[i];
		*loss += ft_softmax_ce(lg, K, f->y[i], 1.0 / got, train ? dl :
		    NULL);
		if (train)
			ft_head_backward(&f->hd, x, dl, f->dfin + at);
	}
	return correct;
}

int
gpt_finetune_main(const struct ft_opts *o)
{
	struct tokenizer_opts to = { -1, 0, 0 };
	struct tokenizer *tk;
	struct gpt_config cfg;
	struct ckpt_state st;
	struct ft_set tr, va;
	struct gft f;
	struct nn_rng r;
	struct adamw aw = { 0.9f, 0.999f, 1e-8f, 0.01f };
	char err[512];
	FILE *logf = NULL;
	uint32_t *order;
	long long total, step = 0;
	int rc;

	if (o->predict)
		cli_usage_error("--predict is for --task span");
	if ((rc = ckpt_read_config(o->ckpt, &cfg, err, sizeof(err))) != 0) {
		cli_error("%s: %s", o->ckpt, rc == NN_EIO ? strerror(errno) :
		    err);
		exit(rc == NN_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
	}
	if (tokenizer_load(&tk, o->tokenizer, &to, err, sizeof(err)) != 0) {
		cli_error("%s: %s", o->tokenizer, err);
		exit(CLI_EXIT_IO);
	}
	if (tk->vocab_size > (uint32_t)cfg.vocab_size) {
		cli_error("%s: the tokenizer's vocabulary (%u) is larger than "
		    "the model's (%d)", o->tokenizer, tk->vocab_size,
		    cfg.vocab_size);
		exit(CLI_EXIT_DATA);
	}
	memset(&f, 0, sizeof(f));
	if ((f.eos = tk->special[TOK_EOS]) < 0) {
		cli_error("%s: the tokenizer has no end-of-text token, which "
		    "GPT fine-tuning uses as start, delimiter and extract "
		    "token", o->tokenizer);
		exit(CLI_EXIT_DATA);
	}
	f.T = o->T ? o->T : cfg.n_ctx;
	if (f.T > cfg.n_ctx)
		cli_usage_error("--seq-len %d is longer than the model's "
		    "context (%d)", f.T, cfg.n_ctx);
	if ((rc = ft_load(o->train, FT_CLS, tk, &tr, err, sizeof(err))) != 0 ||
	    (rc = ft_load(o->val, FT_CLS, tk, &va, err, sizeof(err))) != 0) {
		cli_error("%s", rc == NN_ENOMEM ? "out of memory" : err);
		exit(rc == NN_EFORMAT ? CLI_EXIT_DATA : CLI_EXIT_IO);
	}
	f.K = tr.K > va.K ? tr.K : va.K;
	if (f.K < 2)
		f.K = 2;
	f.B = o->B;
	f.C = cfg.n_embd;
	f.lm = o->aux_lm > 0;
	if (gpt_init(&f.m, &cfg, f.B, f.T, 1) != 0) {
		cli_error("out of memory for the model");
		exit(CLI_EXIT_IO);
	}
	if ((rc = ckpt_load(o->ckpt, &f.m, &st, err, sizeof(err))) != 0) {
		cli_error("%s: %s", o->ckpt, rc == NN_EIO ? strerror(errno) :
		    err);
		exit(rc == NN_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
	}
	/* Fine-tuning starts a fresh optimizer. */
	memset(f.m.opt_m, 0, sizeof(float) * f.m.nparams);
	memset(f.m.opt_v, 0, sizeof(float) * f.m.nparams);
	f.m.opt_step = 0;
	f.tok = xmalloc(sizeof(int32_t) * f.B * f.T);
	f.tgt = xmalloc(sizeof(int32_t) * f.B * f.T);
	f.last = xmalloc(sizeof(int32_t) * f.B);
	f.y = xmalloc(sizeof(int32_t) * f.B);
	f.dfin = xmalloc(sizeof(float) * f.B * f.T * f.C);
	nn_rng_seed(&r, o->seed);
	ft_head_init(&f.hd, f.K, f.C, &r);
	order = xmalloc(sizeof(uint32_t) * tr.n);
	for (size_t i = 0; i < tr.n; i++)
		order[i] = (uint32_t)i;
	if (o->log && !(logf = fopen(o->log, "w"))) {
		cli_error("%s: %s", o->log, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	if (!o->c.quiet) {
		long cnt[1001] = { 0 }, mx = 0;
		for (size_t i = 0; i < va.n; i++)
			if (++cnt[va.e[i].label] > mx)
				mx = cnt[va.e[i].label];
		fprintf(stderr, "train finetune: GPT, %zu training, %zu "
		    "validation examples, %d classes, aux LM weight %g; "
		    "majority class %.4f of validation\n", tr.n, va.n, f.K,
		    o->aux_lm, (double)mx / va.n);
	}
	total = o->epochs * (long long)((tr.n + f.B - 1) / f.B);
	for (long long ep = 0; ep < o->epochs; ep++) {
		for (size_t i = tr.n; i > 1; i--) {
			size_t j = nn_rng_next(&r) % i;
			uint32_t t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < tr.n; i += f.B) {
			int got = tr.n - i < (size_t)f.B ? (int)(tr.n - i) :
			    f.B;
			double cls = 0, lm, norm;
			long ntgt = 0;
			float lrs = ft_lr(o->lr, step, total, o->warmup);
			for (int k = 0; k < got; k++)
				ntgt += fill_row(&f, k, &tr.e[order[i + k]]);
			/* Without the LM term every target is -1 (no
			 * gradient); dscale only marks a training pass. */
			lm = (double)gpt_forward(&f.m, f.tok, f.tgt, got, f.T,
			    f.lm ? (float)(o->aux_lm / ntgt) : 1.0f) * got *
			    f.T / ntgt;
			memset(f.dfin, 0, sizeof(float) * got * f.T * f.C);
			head(&f, got, &cls, 1);
			cls /= got;
			gpt_backward_ext(&f.m, f.dfin);
			norm = gpt_grad_norm(&f.m);
			gpt_adamw_step(&f.m, &aw, lrs, norm > 1.0 ?
			    (float)(1.0 / (norm + 1e-6)) : 1.0f);
			ft_head_step(&f.hd, lrs);
			step++;
			if (logf)
				fprintf(logf, "{\"step\":%lld,\"epoch\":%lld,"
				    "\"loss\":%.6g,\"cls_loss\":%.6g,"
				    "\"lm_loss\":%.6g,\"lr\":%.6g}\n", step,
				    ep + 1, cls + (f.lm ? o->aux_lm * lm : 0),
				    cls, f.lm ? lm : 0, lrs);
		}
		{
			double vl = 0;
			long correct = 0;
			for (size_t i = 0; i < va.n; i += f.B) {
				int got = va.n - i < (size_t)f.B ?
				    (int)(va.n - i) : f.B;
				for (int k = 0; k < got; k++)
					fill_row(&f, k, &va.e[i + k]);
				gpt_forward(&f.m, f.tok, NULL, got, f.T, 0);
				correct += head(&f, got, &vl, 0);
			}
			printf("{\"epoch\":%lld,\"step\":%lld,\"val_loss\":"
			    "%.4f,\"val_acc\":%.4f}\n", ep + 1, step,
			    vl / va.n, (double)correct / va.n);
			fflush(stdout);
			if (logf)
				fprintf(logf, "{\"step\":%lld,\"epoch\":%lld,"
				    "\"val_loss\":%.6g,\"val_acc\":%.6g}\n",
				    step, ep + 1, vl / va.n,
				    (double)correct / va.n);
		}
	}
	if (logf && fclose(logf) != 0) {
		cli_error("%s: %s", o->log, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	gpt_release(&f.m);
	tokenizer_free(tk);
	free(order);
	ft_set_release(&tr);
	ft_set_release(&va);
	free(f.tok);
	free(f.tgt);
	free(f.last);
	free(f.y);
	ft_head_release(&f.hd);
	free(f.dfin);
	return 0;
}
