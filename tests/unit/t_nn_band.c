/*
 * t_nn_band.c - banded causal attention: equal to dense attention with the
 * band mask (a double-precision dense attention written here, keys outside
 * [i-W+1, i] masked out) in the output and in every gradient of q, k and v
 * (finite differences of the dense masked version, h = 1e-5 in double);
 * with W >= T equal to the causal kernel of kern.h.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "nn/band.h"
#include "nn/gpt.h"
#include "nn/kern.h"
#include "t.h"

enum { B = 2, T = 9, C = 8, NH = 2 };

/* Dense attention with the band mask, in double; returns sum(out * g). */
static double
dense_band(const double *qkv, const double *g, double *out, int W)
{
	int hs = C / NH;
	double tot = 0;

	for (int b = 0; b < B; b++)
		for (int h = 0; h < NH; h++)
			for (int i = 0; i < T; i++) {
				double s[T], mx = -INFINITY, z = 0;
				const double *q = qkv + ((size_t)b * T + i) *
				    3 * C + h * hs;
				for (int j = 0; j < T; j++) {
					const double *k = qkv + ((size_t)b * T +
					    j) * 3 * C + C + h * hs;
					s[j] = -INFINITY;
					if (j > i || j < i - W + 1)
						continue;	/* the mask */
					s[j] = 0;
					for (int e = 0; e < hs; e++)
						s[j] += q[e] * k[e];
					s[j] /= sqrt((double)hs);
					if (s[j] > mx)
						mx = s[j];
				}
				for (int j = 0; j < T; j++) {
					s[j] = exp(s[j] - mx);
					z += s[j];
				}
				for (int e = 0; e < hs; e++) {
					double o = 0;
					for (int j = 0; j < T; j++)
						o += s[j] / z * qkv[((size_t)b *
						    T + j) * 3 * C + 2 * C +
						    h * hs + e];
					size_t oi = ((size_t)b * T + i) * C +
					    h * hs + e;
					if (out)
						out[oi] = o;
					tot += o * g[oi];
				}
			}
	return tot;
}

int
main(void)
{
	static float qkv[B * T * 3 * C], out[B * T * C], att[B * NH * T * T];
	static float g[B * T * C], dqkv[B * T * 3 * C], sc[B * NH * T];
	static float out2[B * T * C], att2[B * NH * T * T];
	static double qd[B * T * 3 * C], gd[B * T * C], od[B * T * C];
	struct nn_rng r;

	omp_set_num_threads(1);
	nn_rng_seed(&r, 11);
	for (size_t i = 0; i < B * T * 3 * C; i++)
		qd[i] = qkv[i] = (float)nn_rng_normal(&r);
	for (size_t i = 0; i < B * T * C; i++)
		gd[i] = g[i] = (float)nn_rng_normal(&r);
	for (int W = 1; W <= T; W += 2) {
		double emax = 0, gmax = 0;
		int Wk = W;
		nn_band_attention_fwd(out, att, qkv, B, T, C, NH, Wk);
		dense_band(qd, gd, od, W);
		for (size_t i = 0; i < B * T * C; i++)
			if (fabs(out[i] - od[i]) > emax)
				emax = fabs(out[i] - od[i]);
		CHECKF(emax < 1e-5, "W=%d: output differs by %g", W, emax);
		memset(dqkv, 0, sizeof(dqkv));
		nn_band_attention_bwd(dqkv, sc, g, qkv, att, B, T, C, NH, Wk);
		emax = 0;
		for (size_t i = 0; i < B * T * 3 * C; i++) {
			double save = qd[i], up, dn, fd;
			qd[i] = save + 1e-5;
			up = dense_band(qd, gd, NULL, W);
			qd[i] = save - 1e-5;
			dn = dense_band(qd, gd, NULL, W);
			qd[i] = save;
			fd = (up - dn) / 2e-5;
			if (fabs(fd - dqkv[i]) > emax)
				emax = fabs(fd - dqkv[i]);
			if (fabs(fd) > gmax)
				gmax = fabs(fd);
		}
		CHECKF(emax < 1e-4 * (1 + gmax), "W=%d: gradient differs by "
		    "%g (max %g)", W, emax, gmax);
		CHECK(gmax > 0);
	}
	/* W >= T: the causal kernel of kern.h, output and gradient. */
	{
		static float d1[B * T * 3 * C], d2[B * T * 3 * C];
		double e1 = 0, e2 = 0;
		nn_band_attention_fwd(out, att, qkv, B, T, C, NH, T);
		nn_attention_fwd(out2, att2, qkv, B, T, C, NH);
		for (size_t i = 0; i < B * T * C; i++)
			if (fabs(out[i] - out2[i]) > e1)
				e1 = fabs(out[i] - out2[i]);
		memset(d1, 0, sizeof(d1));
		memset(d2, 0, sizeof(d2));
		nn_band_attention_bwd(d1, sc, g, qkv, att, B, T, C, NH, T);
		nn_attention_bwd(d2, att, g, qkv, att2, B, T, C, NH);
		for (size_t i = 0; i < B * T * 3 * C; i++)
			if (fabs(d1[i] - d2[i]) > e2)
				e2 = fabs(d1[i] - d2[i]);
		CHECKF(e1 < 1e-5 && e2 < 1e-5, "W=T: %g %g", e1, e2);
	}
	T_DONE();
}
