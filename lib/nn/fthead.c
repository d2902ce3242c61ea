/*
 * fthead.c - a fine-tuning head's parameters: W x + b, its backward, AdamW
 * and the linear schedule (ftdata.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "nn/ftdata.h"

static void
adamw(float *p, float *g, float *m, float *v, size_t n, float lr,
    uint64_t t, float wd)
{
	double bc1 = 1 - pow(0.9, (double)t), bc2 = 1 - pow(0.999, (double)t);

	for (size_t j = 0; j < n; j++) {
		m[j] = 0.9f * m[j] + 0.1f * g[j];
		v[j] = 0.999f * v[j] + 0.001f * g[j] * g[j];
		p[j] = p[j] * (1 - lr * wd) - (float)(lr / bc1) * m[j] /
		    ((float)sqrt(v[j] / bc2) + 1e-8f);
		g[j] = 0;
	}
}

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
	h->t++;
	adamw(h->w, h->gw, h->mw, h->vw, (size_t)h->K * h->H, lr, h->t, 0.01f);
	adamw(h->b, h->gb, h->mb, h->vb, (size_t)h->K, lr, h->t, 0);
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
