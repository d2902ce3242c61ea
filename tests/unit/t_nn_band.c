/*
 * t_nn_band.c - banded causal attention: equal to dense attention with the
 * band mask (a double-precision dense attention written here, keys outside
 * [i-W+1, i] masked out) in the output and in every gradient of q, k and v
 * (finite differences of the dense masked version, h = 1e-5 in double);
 * with W >= T equal to the causal kernel of kern.h.  Then a whole GPT-3
 * style model (alternating dense and banded layers) against central finite
 * differences of its float forward for every parameter tensor (h = 4e-3,
 * tolerance 2e-2 of the tensor's largest gradient plus 3e-2 relative, as
 * t_nn_bert.c), and with a window as long as the context equal to the
 * dense model.
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

static void
check_model(void)
{
	struct gpt_config c = { 4, 2, 8, 12, 11, 8, 0, 1, 1, 0.3f, 3, 2 };
	enum { MB = 2, MT = 7 };
	int32_t in[MB * MT], tg[MB * MT];
	struct gpt m, d;
	struct nn_rng r;
	float l0, ld;

	nn_rng_seed(&r, 5);
	for (int i = 0; i < MB * MT; i++) {
		in[i] = (int32_t)(nn_rng_next(&r) % 11);
		tg[i] = (int32_t)(nn_rng_next(&r) % 11);
	}
	CHECK(gpt_init(&m, &c, MB, MT, 1) == 0);
	gpt_init_weights(&m, 3);
	gpt_zero_grad(&m);
	gpt_forward(&m, in, tg, MB, MT, 1.0f / (MB * MT));
	gpt_backward(&m);
	for (int t = 0; t < GPT_NPARAM; t++) {
		size_t n = m.sizes[t];
		double gmax = 0;
		int bad = 0;
		for (size_t j = 0; j < n; j++)
			if (fabs(m.g[t][j]) > gmax)
				gmax = fabs(m.g[t][j]);
		for (int k = 0; k < 8 && n; k++) {
			size_t j = k < 4 ? (size_t)k * (n - 1) / 3 :
			    (size_t)(nn_rng_next(&r) % n);
			float save = m.p[t][j];
			double h = 4e-3, up, dn, fd, an = m.g[t][j];
			m.p[t][j] = save + (float)h;
			up = gpt_forward(&m, in, tg, MB, MT, 0);
			m.p[t][j] = save - (float)h;
			dn = gpt_forward(&m, in, tg, MB, MT, 0);
			m.p[t][j] = save;
			fd = (up - dn) / (2 * h);
			if (fabs(fd - an) > 2e-2 * gmax + 3e-2 * fabs(fd) + 1e-6 &&
			    !bad++)
				fprintf(stderr, "%s[%zu]: analytic %g, numeric "
				    "%g\n", gpt_param_names[t], j, an, fd);
		}
		CHECKF(bad == 0, "banded model: %s gradient",
		    gpt_param_names[t]);
	}
	/* The band changes the loss; a band as long as T does not. */
	l0 = gpt_forward(&m, in, tg, MB, MT, 0);
	c.local_window = 0;
	c.local_every = 0;
	CHECK(gpt_init(&d, &c, MB, MT, 0) == 0);
	memcpy(d.params, m.params, sizeof(float) * m.nparams);
	ld = gpt_forward(&d, in, tg, MB, MT, 0);
	CHECKF(fabs(l0 - ld) > 1e-4, "band had no effect: %g %g", l0, ld);
	m.cfg.local_window = MT;
	l0 = gpt_forward(&m, in, tg, MB, MT, 0);
	CHECKF(fabs(l0 - ld) < 1e-5, "W = T: %g != dense %g", l0, ld);
	gpt_release(&d);
	gpt_release(&m);
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
	check_model();
	T_DONE();
}
