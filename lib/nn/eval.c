/*
 * eval.c - log-likelihood scoring of continuations, perplexity, shot draws.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nn/eval.h"
#include "xalloc.h"

/* Log-softmax of one logits row at target, in double. */
static double
row_logprob(const float *lg, int V, int target)
{
	float mx = lg[0];
	double z = 0;

	for (int j = 1; j < V; j++)
		mx = lg[j] > mx ? lg[j] : mx;
	for (int j = 0; j < V; j++)
		z += exp((double)lg[j] - mx);
	return (double)lg[target] - mx - log(z);
}

int
nn_loglik(struct gpt *m, const struct nn_llreq *req, int n, double *ll)
{
	int V = m->cfg.vocab_size, W = m->T, B = m->B;
	int32_t *rows = xmalloc(sizeof(int32_t) * (size_t)B * (size_t)(W + 1));
	int32_t *in = xmalloc(sizeof(int32_t) * (size_t)B * (size_t)W);
	int start[256], len[256];

	if (B > 256) {
		free(rows);
		free(in);
		return NN_EAPI;
	}
	for (int i = 0; i < n; i++)
		if (req[i].nctx < 1 || req[i].ncont < 1 || req[i].ncont > W) {
			free(rows);
			free(in);
			return NN_EAPI;
		}
	for (int g = 0; g < n; g += B) {
		int nb = n - g < B ? n - g : B, T = 1;

		/* Row r holds the last (up to W + 1) tokens of ctx + cont. */
		for (int r = 0; r < nb; r++) {
			const struct nn_llreq *q = &req[g + r];
			int total = q->nctx + q->ncont, s = 0;
			int32_t *row = rows + (size_t)r * (W + 1);

			if (total - 1 > W)
				s = total - 1 - W;
			for (int j = s; j < total; j++)
				row[j - s] = j < q->nctx ? q->ctx[j] :
				    q->cont[j - q->nctx];
			start[r] = s;
			len[r] = total - s;		/* inputs: len - 1 */
			T = len[r] - 1 > T ? len[r] - 1 : T;
		}
		for (int r = 0; r < nb; r++) {
			const int32_t *row = rows + (size_t)r * (W + 1);
			for (int t = 0; t < T; t++)
				in[(size_t)r * T + t] = t < len[r] - 1 ?
				    row[t] : 0;
		}
		gpt_forward(m, in, NULL, nb, T, 0);
		for (int r = 0; r < nb; r++) {
			const struct nn_llreq *q = &req[g + r];
			const int32_t *row = rows + (size_t)r * (W + 1);
			double sum = 0;
			/* Position t predicts row[t + 1]; the continuation
			 * starts at row index nctx - start. */
			for (int t = q->nctx - start[r] - 1; t < len[r] - 1;
			    t++)
				sum += row_logprob(m->a.logits +
				    ((size_t)r * T + t) * V, V, row[t + 1]);
			ll[g + r] = sum;
		}
	}
	free(rows);
	free(in);
	return 0;
}

int
nn_text_nll(struct gpt *m, const int32_t *tok, size_t n, double *nll,
    uint64_t *count)
{
	size_t W = (size_t)m->T, nw, i;
	struct nn_llreq *req;
	double *ll;
	int rc;

	if (n < 2)
		return 0;
	nw = (n - 1 + W - 1) / W;
	req = xmalloc(sizeof(*req) * nw);
	ll = xmalloc(sizeof(double) * nw);
	for (i = 0; i < nw; i++) {
		size_t p = i * W, e = p + 1 + W < n ? p + 1 + W : n;
		req[i].ctx = tok + p;
		req[i].nctx = 1;
		req[i].cont = tok + p + 1;
		req[i].ncont = (int)(e - p - 1);
	}
	rc = nn_loglik(m, req, (int)nw, ll);
	for (i = 0; rc == 0 && i < nw; i++)
		*nll -= ll[i];
	if (rc == 0)
		*count += n - 1;
	free(req);
	free(ll);
	return rc;
}

void
nn_pick_shots(uint64_t seed, size_t i, size_t npool, long self, int k,
    size_t *out)
{
	struct nn_rng rng;

	nn_rng_seed(&rng, seed ^ (0x9e3779b97f4a7c15ULL * (i + 1)));
	for (int j = 0; j < k; j++) {
		size_t c;
		int dup;
		do {
			c = (size_t)(nn_rng_uniform(&rng) * (double)npool);
			if (c >= npool)
				c = npool - 1;
			dup = self >= 0 && c == (size_t)self;
			for (int q = 0; q < j && !dup; q++)
				dup = out[q] == c;
		} while (dup);
		out[j] = c;
	}
}
