/* Unit tests of nn/t5kern.h: RMS LayerNorm, relative position buckets
 * (values worked out from HuggingFace's formula), and finite-difference
 * gradient checks of self- and cross-attention with the relative bias. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/t5.h"
#include "nn/t5kern.h"
#include "t.h"

static uint64_t rs = 88172645463325252ULL;

static float
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (float)((rs >> 11) * (1.0 / 9007199254740992.0)) * 2 - 1;
}

static void
fill(float *x, size_t n, float scale)
{
	for (size_t i = 0; i < n; i++)
		x[i] = rnd() * scale;
}

static void
test_buckets(void)
{
	/* Encoder: 32 buckets (16 per sign, 8 exact), max distance 128. */
	CHECK(t5_rel_bucket(0, 1, 32, 128) == 0);
	CHECK(t5_rel_bucket(-3, 1, 32, 128) == 3);
	CHECK(t5_rel_bucket(3, 1, 32, 128) == 19);
	CHECK(t5_rel_bucket(-8, 1, 32, 128) == 8);
	CHECK(t5_rel_bucket(-20, 1, 32, 128) == 10);	/* 8 + 2.64 */
	CHECK(t5_rel_bucket(20, 1, 32, 128) == 26);
	CHECK(t5_rel_bucket(-200, 1, 32, 128) == 15);	/* capped */
	CHECK(t5_rel_bucket(200, 1, 32, 128) == 31);
	/* Decoder: 32 buckets, 16 exact, the future is bucket 0. */
	CHECK(t5_rel_bucket(5, 0, 32, 128) == 0);
	CHECK(t5_rel_bucket(-5, 0, 32, 128) == 5);
	CHECK(t5_rel_bucket(-20, 0, 32, 128) == 17);	/* 16 + 1.72 */
	CHECK(t5_rel_bucket(-1000, 0, 32, 128) == 31);
	/*
	 * Every relative position in [-300, 300], encoder then decoder, 32
	 * buckets, max distance 128, as HuggingFace's
	 * T5Attention._relative_position_bucket computes them (PyTorch,
	 * float32 logarithm): tests/data/t5/buckets.txt.
	 */
	{
		FILE *f = fopen("tests/data/t5/buckets.txt", "r");
		int want, bad = 0, n = 0;
		CHECK(f != NULL);
		for (int bidi = 1; f && bidi >= 0; bidi--)
			for (int r = -300; r <= 300; r++) {
				if (fscanf(f, "%d", &want) != 1)
					break;
				n++;
				bad += t5_rel_bucket(r, bidi, 32, 128) != want;
			}
		if (f)
			fclose(f);
		CHECKF(n == 1202 && bad == 0, "%d of %d buckets differ", bad,
		    n);
	}
	/* Monotone in distance, within range. */
	for (int r = 0; r < 300; r++) {
		CHECK(t5_rel_bucket(-r - 1, 0, 32, 128) >=
		    t5_rel_bucket(-r, 0, 32, 128));
		CHECK(t5_rel_bucket(r, 1, 32, 128) < 32);
	}
}

/* Loss = sum(out * R), in double. */
static double
dotd(const float *a, const float *b, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (double)a[i] * b[i];
	return s;
}

static void
test_rmsnorm(void)
{
	enum { N = 3, C = 8 };
	float x[N * C], w[C], out[N * C], R[N * C], rstd[N];
	float dx[N * C] = { 0 }, dw[C] = { 0 };
	double worst = 0;

	fill(x, N * C, 1);
	fill(w, C, 1);
	fill(R, N * C, 1);
	t5_rmsnorm_fwd(out, rstd, x, w, N, C);
	{
		double ms = 0;
		for (int i = 0; i < C; i++)
			ms += (double)x[i] * x[i];
		CHECK(fabs(out[2] - x[2] * w[2] / sqrt(ms / C + 1e-6)) < 1e-5);
	}
	t5_rmsnorm_bwd(dx, dw, R, x, w, rstd, N, C);
	for (int which = 0; which < 2; which++) {
		float *p = which ? w : x, *g = which ? dw : dx;
		int n = which ? C : N * C;
		for (int i = 0; i < n; i++) {
			float keep = p[i];
			double lp, lm, num;
			p[i] = keep + 1e-3f;
			t5_rmsnorm_fwd(out, rstd, x, w, N, C);
			lp = dotd(out, R, N * C);
			p[i] = keep - 1e-3f;
			t5_rmsnorm_fwd(out, rstd, x, w, N, C);
			lm = dotd(out, R, N * C);
			p[i] = keep;
			num = (lp - lm) / 2e-3;
			if (fabs(num - g[i]) > worst)
				worst = fabs(num - g[i]);
		}
	}
	CHECKF(worst < 2e-3, "rmsnorm gradient error %.2e", worst);
}

/*
 * Attention through the relative bias: out = attn(q, k, v, bias(table)).
 * Self-attention (causal, decoder buckets, q/k/v packed in one buffer) or
 * cross-attention (q alone; k, v packed; key lengths; no bias, as T5).
 */
enum { B = 2, TQ = 5, TK = 6, C = 8, NH = 2, NB = 8, MD = 16 };

struct att_case {
	int cross;
	float q[B * TK * 3 * C], kv[B * TK * 2 * C], table[NB * NH];
	float out[B * TQ * C], att[B * NH * TQ * TK], bias[NH * TQ * TK];
	float R[B * TQ * C];
};

static double
att_loss(struct att_case *a)
{
	static const int klen[B] = { 4, 6 };

	if (a->cross) {
		t5_attention_fwd(a->out, a->att, a->q, C, a->kv, 2 * C,
		    a->kv + C, 2 * C, NULL, klen, B, TQ, TK, C, NH, 0);
		return dotd(a->out, a->R, B * TQ * C);
	}
	t5_bias_fwd(a->bias, a->table, NH, TQ, TQ, 0, NB, MD);
	t5_attention_fwd(a->out, a->att, a->q, 3 * C, a->q + C, 3 * C,
	    a->q + 2 * C, 3 * C, a->bias, NULL, B, TQ, TQ, C, NH, 1);
	return dotd(a->out, a->R, B * TQ * C);
}

static void
test_attention(int cross)
{
	static struct att_case a;
	static float dq[B * TK * 3 * C], dkv[B * TK * 2 * C];
	static float dbias[NH * TQ * TK], dtable[NB * NH];
	float *params[3] = { a.q, a.kv, a.table }, *grads[3] = { dq, dkv,
	    dtable };
	size_t sizes[3] = { (size_t)B * TQ * (cross ? C : 3 * C),
	    (size_t)B * TK * 2 * C, NB * NH };
	double worst = 0, scale = 0;

	memset(&a, 0, sizeof(a));
	memset(dq, 0, sizeof(dq));
	memset(dkv, 0, sizeof(dkv));
	memset(dbias, 0, sizeof(dbias));
	memset(dtable, 0, sizeof(dtable));
	a.cross = cross;
	fill(a.q, sizes[0], 1);
	fill(a.kv, sizes[1], 1);
	fill(a.table, NB * NH, 1);
	fill(a.R, B * TQ * C, 1);
	att_loss(&a);
	if (cross) {
		/* Masked keys get no weight. */
		for (int h = 0; h < NH; h++)
			for (int i = 0; i < TQ; i++)
				CHECK(a.att[((size_t)h * TQ + i) * TK + 4] == 0);
		t5_attention_bwd(dq, dkv, dkv + C, NULL, a.R, a.q, C, a.kv,
		    2 * C, a.kv + C, 2 * C, a.att, B, TQ, TK, C, NH);
	} else {
		/* Causal: nothing from the future. */
		CHECK(a.att[1] == 0 && a.att[TQ + 2] == 0);
		t5_attention_bwd(dq, dq + C, dq + 2 * C, dbias, a.R, a.q,
		    3 * C, a.q + C, 3 * C, a.q + 2 * C, 3 * C, a.att, B, TQ,
		    TQ, C, NH);
		t5_bias_bwd(dtable, dbias, NH, TQ, TQ, 0, NB, MD);
	}
	for (int t = 0; t < 3; t++) {
		if (cross ? t == 2 : t == 1)
			continue;
		for (size_t i = 0; i < sizes[t]; i++) {
			float *p = params[t], keep = p[i];
			double lp, lm, num;
			p[i] = keep + 1e-3f;
			lp = att_loss(&a);
			p[i] = keep - 1e-3f;
			lm = att_loss(&a);
			p[i] = keep;
			num = (lp - lm) / 2e-3;
			if (fabs(num - grads[t][i]) > worst)
				worst = fabs(num - grads[t][i]);
			if (fabs(num) > scale)
				scale = fabs(num);
		}
	}
	CHECKF(scale > 0.1, "gradients too small to check (%.2e)", scale);
	CHECKF(worst < 5e-3 * scale, "%s gradient error %.2e (scale %.2e)",
	    cross ? "cross-attention" : "self-attention with bias", worst,
	    scale);
	/* The relative bias gets gradient in several buckets. */
	if (!cross) {
		int nz = 0;
		for (int i = 0; i < NB * NH; i++)
			nz += dtable[i] != 0;
		CHECK(nz >= 2 * NH);
	}
}

/*
 * Whole model: finite differences of the mean target loss against
 * t5_backward for every parameter (embedding, both bias tables, every
 * encoder and decoder matrix and gain), with encoder padding and an
 * ignored target.
 */
static void
test_model(void)
{
	struct t5_config cfg = { 2, 2, 8, 16, 11, 8, 16, 0.3f };
	static const int32_t src[2 * 5] = { 1, 4, 2, 0, 0, 3, 3, 9, 10, 5 };
	static const int32_t dec[2 * 4] = { 0, 7, 2, 6, 0, 1, 8, 8 };
	static const int32_t tgt[2 * 4] = { 7, 2, 6, -1, 1, 8, 8, 4 };
	static const int slen[2] = { 3, 5 };
	struct t5 m;
	double worst = 0, scale = 0;
	float loss, l2;
	int where = -1;

	CHECK(t5_init(&m, &cfg) == 0);
	t5_init_weights(&m, 3);
	loss = t5_forward(&m, src, slen, 2, 5, dec, tgt, 4);
	CHECKF(loss > 1 && loss < 5, "loss %f", loss);
	t5_backward(&m);
	/* Padding tokens of the encoder do not matter. */
	{
		int32_t s2[10];
		memcpy(s2, src, sizeof(s2));
		s2[3] = 7;
		s2[4] = 9;
		l2 = t5_forward(&m, s2, slen, 2, 5, dec, tgt, 4);
		CHECKF(l2 == loss, "padding changed the loss: %f vs %f", l2,
		    loss);
	}
	for (size_t i = 0; i < m.nparams; i++) {
		float keep = m.params[i];
		double num = 0, err = INFINITY;
		/* A step that crosses a ReLU kink misleads: a smaller
		 * one is tried before an element counts as wrong. */
		for (float h = 2e-3f; h > 2e-4f && err > 2e-3 * 0.13; h /= 4) {
			float lp, lm;
			m.params[i] = keep + h;
			lp = t5_forward(&m, src, slen, 2, 5, dec, tgt, 4);
			m.params[i] = keep - h;
			lm = t5_forward(&m, src, slen, 2, 5, dec, tgt, 4);
			m.params[i] = keep;
			num = ((double)lp - lm) / (2.0 * h);
			err = fabs(num - m.grads[i]) < err ?
			    fabs(num - m.grads[i]) : err;
		}
		if (err > worst) {
			worst = err;
			where = (int)i;
		}
		if (fabs(num) > scale)
			scale = fabs(num);
	}
	CHECKF(worst < 1e-2 * scale, "model gradient error %.2e at %d "
	    "(scale %.2e)", worst, where, scale);
	/* Every tensor gets some gradient. */
	for (int k = 0; k < T5_NPARAM; k++) {
		double s = 0;
		for (size_t j = 0; j < m.sizes[k]; j++)
			s += fabs(m.g[k][j]);
		CHECKF(s > 0, "tensor %d has no gradient", k);
	}
	t5_release(&m);
}

int
main(void)
{
	omp_set_num_threads(1);	/* tiny matrices */
	test_model();
	test_buckets();
	test_rmsnorm();
	test_attention(0);
	test_attention(1);
	T_DONE();
}
