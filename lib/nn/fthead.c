/*
 * fthead.c - a fine-tuning head's parameters: W x + b, its backward, AdamW
 * and the linear schedule (ftdata.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "nn/ftdata.h"

void
ft_head_init(struct ft_head *h, int K, int H, struct nn_rng *r)
{
	size_t n = (size_t)K * H;

	memset(h, 0, sizeof(*h));
	h->K = K;
	h->H = H;
	h->w = xcalloc(n, sizeof(float));
	h->gw = xcalloc(n, sizeof(float));
	h->mw = xcalloc(n, sizeof(float));
	h->vw = xcalloc(n, sizeof(float));
	h->b = xcalloc((size_t)K, sizeof(float));
	h->gb = xcalloc((size_t)K, sizeof(float));
	h->mb = xcalloc((size_t)K, sizeof(float));
	h->vb = xcalloc((size_t)K, sizeof(float));
	for (size_t i = 0; i < n; i++)
		h->w[i] = (float)(0.02 * nn_rng_normal(r));
}

void
ft_head_scores(const struct ft_head *h, const float *x, float *out)
{
	for (int k = 0; k < h->K; k++) {
		float s = h->b[k];
		for (int d = 0; d < h->H; d++)
			s += h->w[(size_t)k * h->H + d] * x[d];
		out[k] = s;
	}
}

void
ft_head_backward(struct ft_head *h, const float *x, const float *dout,
    float *dx)
{
	for (int k = 0; k < h->K; k++) {
		h->gb[k] += dout[k];
		for (int d = 0; d < h->H; d++) {
			h->gw[(size_t)k * h->H + d] += dout[k] * x[d];
			dx[d] += dout[k] * h->w[(size_t)k * h->H + d];
		}
	}
}

void
ft_head_step(struct ft_head *h, float lr)
{
	static const struct adamw o = { 0.9f, 0.999f, 1e-8f, 0.01f };

	h->t++;
	nn_adamw_tensor(h->w, h->gw, h->mw, h->vw, (size_t)h->K * h->H, &o,
	    lr, h->t, 1, 1.0f);
	nn_adamw_tensor(h->b, h->gb, h->mb, h->vb, (size_t)h->K, &o, lr, h->t,
	    0, 1.0f);
}

void
ft_head_release(struct ft_head *h)
{
	free(h->w);
	free(h->gw);
	free(h->mw);
	free(h->vw);
	free(h->b);
	free(h->gb);
	free(h->mb);
	free(h->vb);
	memset(h, 0, sizeof(*h));
}

float
ft_lr(double lr, long long step, long long total, long long warmup)
{
	if (step < warmup)
		return (float)(lr * (step + 1) / warmup);
	return (float)(lr * (double)(total - step) /
	    (double)(total - (warmup < total ? warmup : 0)));
}
