/*
 * t_nn_grad.c - backward passes against central finite differences of a
 * double-precision forward written here from the definitions, layer by
 * layer and for the whole model (GPT-2 pre-LN and original GPT post-LN).
 *
 * Tolerance: the float32 analytic gradient must agree with the double
 * finite difference (h = 1e-6) to 1e-3 of the largest gradient magnitude of
 * the tensor plus 1e-3 relative: float32 rounding in a forward of depth ~20
 * leaves errors near 1e-5 relative, so 1e-3 catches any wrong term while
 * never flaking.
 */
#include <math.h>
#include <stdlib.h>

#include "nn/gpt.h"
#include "nn/kern.h"
#include "t.h"

static struct nn_rng rng;

static void
randn(float *x, size_t n, double sd)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(sd * nn_rng_normal(&rng));
}

static void
to_d(double *d, const float *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = f[i];
}

/* ---- double-precision forward layers ---- */

static void
ln_d(double *y, const double *x, const double *w, const double *b, int N,
    int C)
{
	for (int i = 0; i < N; i++) {
		const double *r = x + (size_t)i * C;
		double m = 0, v = 0;
		for (int j = 0; j < C; j++)
			m += r[j];
		m /= C;
		for (int j = 0; j < C; j++)
			v += (r[j] - m) * (r[j] - m);
		v = 1 / sqrt(v / C + 1e-5);
		for (int j = 0; j < C; j++)
			y[(size_t)i * C + j] = (r[j] - m) * v * w[j] + b[j];
	}
}

static void
lin_d(double *y, const double *x, const double *w, const double *b, int N,
    int IC, int OC)
{
	for (int i = 0; i < N; i++)
		for (int o = 0; o < OC; o++) {
			double s = b ? b[o] : 0;
			for (int k = 0; k < IC; k++)
				s += x[(size_t)i * IC + k] * w[(size_t)o * IC + k];
			y[(size_t)i * OC + o] = s;
		}
}

static double
gelu1(double x)
{
	return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

static void
attn_d(double *y, const double *qkv, int B, int T, int C, int NH)
{
	int hs = C / NH;

	for (int b = 0; b < B; b++)
		for (int h = 0; h < NH; h++)
			for (int i = 0; i < T; i++) {
				double s[64], mx = -1e300, z = 0;
				const double *q = qkv + ((size_t)b * T + i) * 3 * C +
				    h * hs;
				for (int j = 0; j <= i; j++) {
					const double *k = qkv + ((size_t)b * T + j) *
					    3 * C + C + h * hs;
					s[j] = 0;
					for (int e = 0; e < hs; e++)
						s[j] += q[e] * k[e];
					s[j] /= sqrt(hs);
					mx = s[j] > mx ? s[j] : mx;
				}
				for (int j = 0; j <= i; j++)
					z += s[j] = exp(s[j] - mx);
				for (int e = 0; e < hs; e++) {
					double a = 0;
					for (int j = 0; j <= i; j++)
						a += s[j] / z * qkv[((size_t)b * T +
						    j) * 3 * C + 2 * C + h * hs + e];
					y[((size_t)b * T + i) * C + h * hs + e] = a;
				}
			}
}

static double
ce_d(const double *lg, const int32_t *t, int N, int V)
{
	double sum = 0;

	for (int i = 0; i < N; i++) {
		const double *r = lg + (size_t)i * V;
		double mx = -1e300, z = 0;
		if (t[i] < 0)	/* ignored */
			continue;
		for (int j = 0; j < V; j++)
			mx = r[j] > mx ? r[j] : mx;
		for (int j = 0; j < V; j++)
			z += exp(r[j] - mx);
		sum += log(z) + mx - r[t[i]];
	}
	return sum;
}

/* ---- whole model in double ---- */

struct dmodel {
	const struct gpt *m;	/* shapes and slab offsets */
	double *p;		/* (nparams) */
	const double *extra;	/* (B,T,C): adds sum(extra * final states) */
};

static double *
dp(const struct dmodel *d, int i)
{
	return d->p + (d->m->p[i] - d->m->params);
}

static double
model_loss_d(const struct dmodel *d, const int32_t *in, const int32_t *tg,
    int B, int T)
{
	const struct gpt_config *c = &d->m->cfg;
	int C = c->n_embd, F = c->n_mlp, V = c->vocab_size, BT = B * T;
	double *x = calloc((size_t)BT * C, sizeof(double));
	double *h = calloc((size_t)BT * C, sizeof(double));
	double *q = calloc((size_t)BT * 3 * C, sizeof(double));
	double *y = calloc((size_t)BT * C, sizeof(double));
	double *f = calloc((size_t)BT * F, sizeof(double));
	double *lg = calloc((size_t)BT * V, sizeof(double));
	double loss;

	for (int i = 0; i < BT; i++)
		for (int j = 0; j < C; j++)
			x[(size_t)i * C + j] = dp(d, GPT_WTE)[(size_t)in[i] * C + j] +
			    dp(d, GPT_WPE)[(size_t)(i % T) * C + j];
	for (int l = 0; l < c->n_layer; l++) {
		double *l1w = dp(d, GPT_LN1W) + l * C, *l1b = dp(d, GPT_LN1B) + l * C;
		double *l2w = dp(d, GPT_LN2W) + l * C, *l2b = dp(d, GPT_LN2B) + l * C;
		double *qw = dp(d, GPT_QKVW) + (size_t)l * 3 * C * C;
		double *qb = dp(d, GPT_QKVB) + (size_t)l * 3 * C;
		double *aw = dp(d, GPT_ATTPROJW) + (size_t)l * C * C;
		double *ab = dp(d, GPT_ATTPROJB) + (size_t)l * C;
		double *fw = dp(d, GPT_FCW) + (size_t)l * F * C;
		double *fb = dp(d, GPT_FCB) + (size_t)l * F;
		double *pw = dp(d, GPT_FCPROJW) + (size_t)l * C * F;
		double *pb = dp(d, GPT_FCPROJB) + (size_t)l * C;

		if (!c->post_ln) {
			ln_d(h, x, l1w, l1b, BT, C);
			lin_d(q, h, qw, qb, BT, C, 3 * C);
			attn_d(y, q, B, T, C, c->n_head);
			lin_d(h, y, aw, ab, BT, C, C);
			for (size_t i = 0; i < (size_t)BT * C; i++)
				x[i] += h[i];
			ln_d(h, x, l2w, l2b, BT, C);
			lin_d(f, h, fw, fb, BT, C, F);
			for (size_t i = 0; i < (size_t)BT * F; i++)
				f[i] = gelu1(f[i]);
			lin_d(h, f, pw, pb, BT, F, C);
			for (size_t i = 0; i < (size_t)BT * C; i++)
				x[i] += h[i];
		} else {
			lin_d(q, x, qw, qb, BT, C, 3 * C);
			attn_d(y, q, B, T, C, c->n_head);
			lin_d(h, y, aw, ab, BT, C, C);
			for (size_t i = 0; i < (size_t)BT * C; i++)
				h[i] += x[i];
			ln_d(x, h, l1w, l1b, BT, C);
			lin_d(f, x, fw, fb, BT, C, F);
			for (size_t i = 0; i < (size_t)BT * F; i++)
				f[i] = gelu1(f[i]);
			lin_d(h, f, pw, pb, BT, F, C);
			for (size_t i = 0; i < (size_t)BT * C; i++)
				h[i] += x[i];
			ln_d(x, h, l2w, l2b, BT, C);
		}
	}
	if (c->final_ln) {
		ln_d(h, x, dp(d, GPT_LNFW), dp(d, GPT_LNFB), BT, C);
		memcpy(x, h, sizeof(double) * BT * C);
	}
	lin_d(lg, x, dp(d, GPT_WTE), NULL, BT, C, V);
	loss = ce_d(lg, tg, BT, V) / BT;
	if (d->extra)	/* a head on the final states (fine-tuning) */
		for (size_t i = 0; i < (size_t)BT * C; i++)
			loss += d->extra[i] * x[i];
	free(x), free(h), free(q), free(y), free(f), free(lg);
	return loss;
}

/* Compares analytic g (n) with finite differences of fn over xd (n). */
struct fd {
	double (*fn)(void *ctx);
	void *ctx;
};

static int
check_grad(const char *what, const float *g, double *xd, size_t n,
    const struct fd *fd)
{
	double h = 1e-6, gmax = 0, worst = 0;
	size_t wi = 0;

	for (size_t i = 0; i < n; i++)
		gmax = fabs(g[i]) > gmax ? fabs(g[i]) : gmax;
	for (size_t i = 0; i < n; i++) {
		double x0 = xd[i], lp, lm, num, err;
		xd[i] = x0 + h;
		lp = fd->fn(fd->ctx);
		xd[i] = x0 - h;
		lm = fd->fn(fd->ctx);
		xd[i] = x0;
		num = (lp - lm) / (2 * h);
		err = fabs(num - g[i]) / (1e-3 * gmax + 1e-3 * fabs(num) + 1e-9);
		if (err > worst)
			worst = err, wi = i;
	}
	CHECKF(worst <= 1, "%s: gradient [%zu] off by %.3g tolerances "
	    "(max |g| %.3g)", what, wi, worst, gmax);
	return worst <= 1;
}

/* ---- per-layer checks ---- */

enum { N = 3, C = 8, IC = 6, OC = 5 };

struct layer_ctx {
	double *x, *w, *b, *r;
	int kind;	/* 0 ln, 1 linear, 2 gelu, 3 attention, 4 ce */
	int n, n_out;
	int32_t *tg;
};

static double
layer_loss(void *vctx)
{
	struct layer_ctx *c = vctx;
	double y[512], s = 0;

	switch (c->kind) {
	case 0: ln_d(y, c->x, c->w, c->b, N, C); break;
	case 1: lin_d(y, c->x, c->w, c->b, N, IC, OC); break;
	case 2: for (int i = 0; i < c->n; i++) y[i] = gelu1(c->x[i]); break;
	case 3: attn_d(y, c->x, 2, 5, C, 2); break;
	case 4: return ce_d(c->x, c->tg, N, 7);
	}
	for (int i = 0; i < c->n_out; i++)
		s += y[i] * c->r[i];
	return s;
}

static void
test_layers(void)
{
	float x[512], w[256], b[64], r[512], y[512], g[512], gw[256], gb[64];
	float mean[N], rstd[N], scratch[4096];
	double xd[512], wd[256], bd[64], rd[512];
	struct layer_ctx lc = { xd, wd, bd, rd, 0, 0, 0, NULL };
	struct fd fd = { layer_loss, &lc };

	/* LayerNorm: dx, dw, db */
	randn(x, N * C, 1.0), randn(w, C, 1.0), randn(b, C, 1.0);
	randn(r, N * C, 1.0);
	to_d(xd, x, N * C), to_d(wd, w, C), to_d(bd, b, C), to_d(rd, r, N * C);
	memset(g, 0, sizeof(g)), memset(gw, 0, sizeof(gw));
	memset(gb, 0, sizeof(gb));
	nn_layernorm_fwd(y, mean, rstd, x, w, b, N, C);
	nn_layernorm_bwd(g, gw, gb, r, x, w, mean, rstd, N, C, scratch);
	lc.kind = 0, lc.n_out = N * C;
	check_grad("layernorm dx", g, xd, N * C, &fd);
	check_grad("layernorm dw", gw, wd, C, &fd);
	check_grad("layernorm db", gb, bd, C, &fd);

	/* Linear: dx, dw, db */
	randn(x, N * IC, 1.0), randn(w, OC * IC, 1.0), randn(b, OC, 1.0);
	randn(r, N * OC, 1.0);
	to_d(xd, x, N * IC), to_d(wd, w, OC * IC), to_d(bd, b, OC);
	to_d(rd, r, N * OC);
	memset(gw, 0, sizeof(gw)), memset(gb, 0, sizeof(gb));
	nn_linear_bwd(g, gw, gb, r, x, w, N, IC, OC, scratch);
	lc.kind = 1, lc.n_out = N * OC;
	check_grad("linear dx", g, xd, N * IC, &fd);
	check_grad("linear dw", gw, wd, OC * IC, &fd);
	check_grad("linear db", gb, bd, OC, &fd);

	/* GELU over a range that covers both tails */
	for (int i = 0; i < 40; i++)
		x[i] = -6.0f + 0.3f * i;
	randn(r, 40, 1.0);
	to_d(xd, x, 40), to_d(rd, r, 40);
	nn_gelu_bwd(g, x, r, 40);
	lc.kind = 2, lc.n = lc.n_out = 40;
	check_grad("gelu dx", g, xd, 40, &fd);

	/* Attention (B=2, T=5, C=8, NH=2): dqkv */
	{
		float att[2 * 2 * 5 * 5], sc[2 * 2 * 5 * 5];
		int n = 2 * 5 * 3 * C, no = 2 * 5 * C;
		randn(x, n, 1.0), randn(r, no, 1.0);
		to_d(xd, x, n), to_d(rd, r, no);
		memset(g, 0, sizeof(g));
		nn_attention_fwd(y, att, x, 2, 5, C, 2);
		nn_attention_bwd(g, sc, r, x, att, 2, 5, C, 2);
		lc.kind = 3, lc.n_out = no;
		check_grad("attention dqkv", g, xd, n, &fd);
	}

	/* Cross-entropy (N=3, V=7): dlogits */
	{
		int32_t tg[N] = { 0, 6, 3 };
		float loss[N];
		randn(x, N * 7, 2.0);
		to_d(xd, x, N * 7);
		memcpy(g, x, sizeof(float) * N * 7);
		nn_crossentropy(g, loss, tg, N, 7, 1.0f);
		lc.kind = 4, lc.tg = tg;
		check_grad("crossentropy dlogits", g, xd, N * 7, &fd);
	}
}

/* ---- whole model ---- */

struct model_ctx {
	struct dmodel d;
	const int32_t *in, *tg;
	int B, T;
};

static double
model_loss(void *vctx)
{
	struct model_ctx *c = vctx;
	return model_loss_d(&c->d, c->in, c->tg, c->B, c->T);
}

/*
 * test_model(post_ln, final_ln, head): with head, some targets are -1
 * (ignored) and a fixed linear function of the final states is added to the
 * loss, its gradient passed to gpt_backward_ext() as fine-tuning heads do.
 */
static void
test_model(int post_ln, int final_ln, int head)
{
	struct gpt_config cfg = { 2, 2, 8, 12, 11, 6, post_ln, final_ln, 1,
	    0.3f, 0, 0 };
	enum { B = 2, T = 5 };
	int32_t in[B * T], tg[B * T];
	struct gpt m;
	struct model_ctx mc;
	struct fd fd = { model_loss, &mc };
	double *pd;
	float loss;
	char name[64];

	CHECK(gpt_init(&m, &cfg, B, T, 1) == 0);
	gpt_init_weights(&m, 7);
	/* Non-trivial LayerNorm gains and biases, so their grads matter. */
	for (int i = 0; i < GPT_NPARAM; i++)
		if (i != GPT_WTE && i != GPT_WPE && i != GPT_QKVW &&
		    i != GPT_ATTPROJW && i != GPT_FCW && i != GPT_FCPROJW)
			for (size_t j = 0; j < m.sizes[i]; j++)
				m.p[i][j] += (float)(0.2 * nn_rng_normal(&rng));
	for (int i = 0; i < B * T; i++) {
		in[i] = (int32_t)(nn_rng_next(&rng) % 11);
		tg[i] = (int32_t)(nn_rng_next(&rng) % 11);
	}
	float ef[B * T * 8];
	double ed[B * T * 8];
	if (head) {
		tg[1] = tg[B * T - 1] = -1;
		for (int i = 0; i < B * T * 8; i++)
			ed[i] = ef[i] = (float)nn_rng_normal(&rng);
	}
	pd = calloc(m.nparams, sizeof(double));
	to_d(pd, m.params, m.nparams);
	mc.d.m = &m, mc.d.p = pd, mc.in = in, mc.tg = tg, mc.B = B, mc.T = T;
	mc.d.extra = head ? ed : NULL;

	gpt_zero_grad(&m);
	loss = gpt_forward(&m, in, tg, B, T, 1.0f / (B * T));
	if (head) {
		double dot = 0;
		const float *fin = gpt_final(&m);
		for (int i = 0; i < B * T * 8; i++)
			dot += ed[i] * fin[i];
		loss += (float)dot;
	}
	CHECKF(fabs(loss - model_loss(&mc)) < 1e-5, "loss %g vs double %g",
	    (double)loss, model_loss(&mc));
	gpt_backward_ext(&m, head ? ef : NULL);
	for (int i = 0; i < GPT_NPARAM; i++) {
		snprintf(name, sizeof(name), "%s%s model d%s",
		    post_ln ? "post-ln" : final_ln ? "pre-ln" : "pre-ln-nofinal",
		    head ? " +head" : "", gpt_param_names[i]);
		if (!final_ln && (i == GPT_LNFW || i == GPT_LNFB))
			continue;
		check_grad(name, m.g[i], pd + (m.p[i] - m.params), m.sizes[i],
		    &fd);
	}
	free(pd);
	gpt_release(&m);
}

int
main(void)
{
	nn_rng_seed(&rng, 42);
	test_layers();
	test_model(0, 1, 0);
	test_model(0, 0, 0);
	test_model(1, 0, 0);
	test_model(0, 1, 1);
	test_model(1, 0, 1);
	T_DONE();
}
