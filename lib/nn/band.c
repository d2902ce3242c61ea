/*
 * band.c - locally banded causal attention, forward and backward.
 *
 * One (sequence, head) pair per OpenMP iteration: each writes only its own
 * slices, and every sum runs in a fixed order, so results do not depend on
 * the number of threads.
 */
#include <math.h>
#include <string.h>

#include "nn/band.h"

void
nn_band_attention_fwd(float *out, float *att, const float *qkv, int B, int T,
    int C, int NH, int W)
{
	int hs = C / NH;
	float scale = 1.0f / sqrtf((float)hs);

#pragma omp parallel for schedule(static)
	for (int bh = 0; bh < B * NH; bh++) {
		int b = bh / NH, h = bh % NH;
		const float *base = qkv + (size_t)b * T * 3 * C;
		for (int i = 0; i < T; i++) {
			const float *q = base + (size_t)i * 3 * C + h * hs;
			float *a = att + ((size_t)bh * T + i) * W;
			float *o = out + ((size_t)b * T + i) * C + h * hs;
			int lo = i - W + 1 < 0 ? 0 : i - W + 1, s0 = lo - (i - W + 1);
			float mx = -INFINITY, sum = 0;
			for (int s = 0; s < s0; s++)
				a[s] = 0;
			for (int j = lo, s = s0; j <= i; j++, s++) {
				const float *k = base + (size_t)j * 3 * C + C +
				    h * hs;
				float d = 0;
				for (int e = 0; e < hs; e++)
					d += q[e] * k[e];
				a[s] = d * scale;
				if (a[s] > mx)
					mx = a[s];
			}
			for (int s = s0; s < W; s++) {
				a[s] = expf(a[s] - mx);
				sum += a[s];
			}
			for (int s = s0; s < W; s++)
				a[s] /= sum;
			for (int e = 0; e < hs; e++)
				o[e] = 0;
			for (int j = lo, s = s0; j <= i; j++, s++) {
				const float *v = base + (size_t)j * 3 * C +
				    2 * C + h * hs;
				for (int e = 0; e < hs; e++)
					o[e] += a[s] * v[e];
			}
		}
	}
}

void
nn_band_attention_bwd(float *dqkv, float *scratch, const float *dout,
    const float *qkv, const float *att, int B, int T, int C, int NH, int W)
{
	int hs = C / NH;
	float scale = 1.0f / sqrtf((float)hs);

#pragma omp parallel for schedule(static)
	for (int bh = 0; bh < B * NH; bh++) {
		int b = bh / NH, h = bh % NH;
		const float *base = qkv + (size_t)b * T * 3 * C;
		float *dbase = dqkv + (size_t)b * T * 3 * C;
		float *dp = scratch + (size_t)bh * W;
		for (int i = 0; i < T; i++) {
			const float *a = att + ((size_t)bh * T + i) * W;
			const float *go = dout + ((size_t)b * T + i) * C +
			    h * hs;
			const float *q = base + (size_t)i * 3 * C + h * hs;
			float *dq = dbase + (size_t)i * 3 * C + h * hs;
			int lo = i - W + 1 < 0 ? 0 : i - W + 1, s0 = lo - (i - W + 1);
			float dot = 0;
			for (int j = lo, s = s0; j <= i; j++, s++) {
				const float *v = base + (size_t)j * 3 * C +
				    2 * C + h * hs;
				float *dv = dbase + (size_t)j * 3 * C + 2 * C +
				    h * hs;
				float d = 0;
				for (int e = 0; e < hs; e++) {
					d += go[e] * v[e];
					dv[e] += a[s] * go[e];
				}
				dp[s] = d;
				dot += a[s] * d;
			}
			for (int j = lo, s = s0; j <= i; j++, s++) {
				float ds = a[s] * (dp[s] - dot) * scale;
				const float *k = base + (size_t)j * 3 * C + C +
				    h * hs;
				float *dk = dbase + (size_t)j * 3 * C + C +
				    h * hs;
				for (int e = 0; e < hs; e++) {
					dq[e] += ds * k[e];
					dk[e] += ds * q[e];
				}
			}
		}
	}
}
