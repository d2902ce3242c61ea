/*
 * t5kern.c - RMS LayerNorm, relative position bias and biased attention.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/t5kern.h"
#include "xalloc.h"

void
t5_rmsnorm_fwd(float *out, float *rstd, const float *x, const float *w,
    int N, int C)
{
	for (int n = 0; n < N; n++) {
		const float *xr = x + (size_t)n * C;
		float *o = out + (size_t)n * C;
		double ss = 0;
		float r;

		for (int i = 0; i < C; i++)
			ss += (double)xr[i] * xr[i];
		r = (float)(1.0 / sqrt(ss / C + T5_RMS_EPS));
		rstd[n] = r;
		for (int i = 0; i < C; i++)
			o[i] = xr[i] * r * w[i];
	}
}

void
t5_rmsnorm_bwd(float *dx, float *dw, const float *dout, const float *x,
    const float *w, const float *rstd, int N, int C)
{
	for (int n = 0; n < N; n++) {
		const float *xr = x + (size_t)n * C, *d = dout + (size_t)n * C;
		float *g = dx + (size_t)n * C, r = rstd[n];
		double dot = 0;

		for (int i = 0; i < C; i++)
			dot += (double)d[i] * w[i] * xr[i];
		for (int i = 0; i < C; i++) {
			g[i] += r * (d[i] * w[i] -
			    (float)(dot / C) * r * r * xr[i]);
			dw[i] += d[i] * xr[i] * r;
		}
	}
}

int
t5_rel_bucket(int rel, int bidirectional, int nbuckets, int max_distance)
{
	int ret = 0, n, max_exact, large;

	if (bidirectional) {
		nbuckets /= 2;
		ret += rel > 0 ? nbuckets : 0;
		n = abs(rel);
	} else {
		n = rel < 0 ? -rel : 0;
	}
	max_exact = nbuckets / 2;
	if (n < max_exact)
		return ret + n;
	/* In float, as HuggingFace computes it. */
	large = max_exact + (int)(logf((float)n / (float)max_exact) /
	    (float)log((double)max_distance / max_exact) *
	    (float)(nbuckets - max_exact));
	if (large > nbuckets - 1)
		large = nbuckets - 1;
	return ret + large;
}

void
t5_bias_fwd(float *bias, const float *table, int NH, int Tq, int Tk,
    int bidirectional, int nbuckets, int max_distance)
{
	for (int i = 0; i < Tq; i++)
		for (int j = 0; j < Tk; j++) {
			int b = t5_rel_bucket(j - i, bidirectional, nbuckets,
			    max_distance);
			for (int h = 0; h < NH; h++)
				bias[((size_t)h * Tq + i) * Tk + j] =
				    table[(size_t)b * NH + h];
		}
}

void
t5_bias_bwd(float *dtable, const float *dbias, int NH, int Tq, int Tk,
    int bidirectional, int nbuckets, int max_distance)
{
	for (int h = 0; h < NH; h++)
		for (int i = 0; i < Tq; i++)
			for (int j = 0; j < Tk; j++) {
				int b = t5_rel_bucket(j - i, bidirectional,
				    nbuckets, max_distance);
				dtable[(size_t)b * NH + h] +=
				    dbias[((size_t)h * Tq + i) * Tk + j];
			}
}

void
t5_attention_fwd(float *out, float *att, const float *q, int ldq,
    const float *k, int ldk, const float *v, int ldv, const float *bias,
    const int *klen, int B, int Tq, int Tk, int C, int NH, int causal)
{
	int hs = C / NH;

	for (int b = 0; b < B; b++)
		for (int h = 0; h < NH; h++)
			for (int i = 0; i < Tq; i++) {
				const float *qi = q + ((size_t)b * Tq + i) *
				    ldq + h * hs;
				float *a = att + (((size_t)b * NH + h) * Tq +
				    i) * Tk;
				float *o = out + ((size_t)b * Tq + i) * C +
				    h * hs;
				int kn = klen ? klen[b] : Tk;
				float mx = -INFINITY;
				double z = 0;

				if (causal && kn > i + 1)
					kn = i + 1;
				for (int j = 0; j < Tk; j++) {
					const float *kj = k + ((size_t)b * Tk +
					    j) * ldk + h * hs;
					float s = 0;
					if (j >= kn) {
						a[j] = 0;
						continue;
					}
					for (int d = 0; d < hs; d++)
						s += qi[d] * kj[d];
					if (bias)
						s += bias[((size_t)h * Tq + i) *
						    Tk + j];
					a[j] = s;
					mx = s > mx ? s : mx;
				}
				for (int j = 0; j < kn; j++) {
					a[j] = expf(a[j] - mx);
					z += a[j];
				}
				for (int j = 0; j < kn; j++)
					a[j] = (float)(a[j] / z);
				for (int d = 0; d < hs; d++)
					o[d] = 0;
				for (int j = 0; j < kn; j++) {
					const float *vj = v + ((size_t)b * Tk +
					    j) * ldv + h * hs;
					for (int d = 0; d < hs; d++)
						o[d] += a[j] * vj[d];
				}
			}
}

void
t5_attention_bwd(float *dq, float *dk, float *dv, float *dbias,
    const float *dout, const float *q, int ldq, const float *k, int ldk,
    const float *v, int ldv, const float *att, int B, int Tq, int Tk, int C,
    int NH)
{
	int hs = C / NH;
	float *ds = xmalloc(sizeof(float) * (size_t)(Tk > 0 ? Tk : 1));

	for (int b = 0; b < B; b++)
		for (int h = 0; h < NH; h++)
			for (int i = 0; i < Tq; i++) {
				const float *a = att + (((size_t)b * NH + h) *
				    Tq + i) * Tk;
				const float *go = dout + ((size_t)b * Tq + i) *
				    C + h * hs;
				const float *qi = q + ((size_t)b * Tq + i) *
				    ldq + h * hs;
				float *gq = dq + ((size_t)b * Tq + i) * ldq +
				    h * hs;
				double dot = 0;

				/* datt_j = dout . v_j; dv_j += att_j dout */
				for (int j = 0; j < Tk; j++) {
					const float *vj = v + ((size_t)b * Tk +
					    j) * ldv + h * hs;
					float *gv = dv + ((size_t)b * Tk + j) *
					    ldv + h * hs;
					float s = 0;
					if (a[j] == 0) {
						ds[j] = 0;
						continue;
					}
					for (int d = 0; d < hs; d++) {
						s += go[d] * vj[d];
						gv[d] += a[j] * go[d];
					}
					ds[j] = s;
					dot += (double)a[j] * s;
				}
				for (int j = 0; j < Tk; j++) {
					const float *kj = k + ((size_t)b * Tk +
					    j) * ldk + h * hs;
					float *gk = dk + ((size_t)b * Tk + j) *
					    ldk + h * hs;
					float g = a[j] * (ds[j] - (float)dot);
					if (a[j] == 0)
						continue;
					for (int d = 0; d < hs; d++) {
						gq[d] += g * kj[d];
						gk[d] += g * qi[d];
					}
					if (dbias)
						dbias[((size_t)h * Tq + i) * Tk +
						    j] += g;
				}
			}
	free(ds);
}
