/*
 * gpt.c - GPT / GPT-2 forward and backward over the kernels of kern.c,
 * slab planning, initialisation and AdamW.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/band.h"
#include "nn/gpt.h"
#include "nn/kern.h"

const char *const gpt_param_names[GPT_NPARAM] = {
	"wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw", "attprojb",
	"ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb",
};

const char *
nn_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case NN_EIO: return strerror(errno);
	case NN_EFORMAT: return "bad data";
	case NN_ELIMIT: return "over a limit";
	case NN_EAPI: return "invalid argument";
	case NN_ENOMEM: return "out of memory";
	}
	return "unknown error";
}

/* ---- random numbers ---- */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
nn_rng_seed(struct nn_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
nn_rng_next(struct nn_rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double
nn_rng_uniform(struct nn_rng *r)
{
	return (nn_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Box-Muller without the cached second value, so the state alone is the
 * whole generator (what a checkpoint saves). */
double
nn_rng_normal(struct nn_rng *r)
{
	double u = 1.0 - nn_rng_uniform(r), v = nn_rng_uniform(r);

	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ---- setup ---- */

static void
param_sizes(const struct gpt_config *c, size_t *sz)
{
	size_t L = c->n_layer, C = c->n_embd, F = c->n_mlp;

	sz[GPT_WTE] = (size_t)c->vocab_size * C;
	sz[GPT_WPE] = (size_t)c->n_ctx * C;
	sz[GPT_LN1W] = sz[GPT_LN1B] = L * C;
	sz[GPT_QKVW] = L * 3 * C * C;
	sz[GPT_QKVB] = L * 3 * C;
	sz[GPT_ATTPROJW] = L * C * C;
	sz[GPT_ATTPROJB] = L * C;
	sz[GPT_LN2W] = sz[GPT_LN2B] = L * C;
	sz[GPT_FCW] = L * F * C;
	sz[GPT_FCB] = L * F;
	sz[GPT_FCPROJW] = L * C * F;
	sz[GPT_FCPROJB] = L * C;
	sz[GPT_LNFW] = sz[GPT_LNFB] = C;
}

/* Each slab piece starts on a 64-byte boundary (16 floats). */
static size_t
pad16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static float *
slab_alloc(size_t floats)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, floats * sizeof(float) + 64) != 0)
		return NULL;
	memset(p, 0, floats * sizeof(float));
	return p;
}

/*
 * The activation table: name -> floats.  Walking it twice, once to sum and
 * once to point, keeps the sizes in one place.
 */
static size_t
plan_acts(struct gpt *m, float *base)
{
	const struct gpt_config *c = &m->cfg;
	size_t L = c->n_layer, C = c->n_embd, F = c->n_mlp, NH = c->n_head;
	size_t BT = (size_t)m->B * m->T, V = c->vocab_size;
	size_t TT = (size_t)m->B * NH * m->T * m->T;
	size_t FF = F > 3 * C ? F : 3 * C, red, off = 0;
	struct gpt_acts *a = &m->a;
	struct { float **p; size_t n; int train; } tab[] = {
		{ &a->encoded, BT * C, 0 },
		{ &a->ln1, L * BT * C, 0 },
		{ &a->ln1_mean, L * BT, 0 },
		{ &a->ln1_rstd, L * BT, 0 },
		{ &a->qkv, L * BT * 3 * C, 0 },
		{ &a->att, L * TT, 0 },
		{ &a->atty, L * BT * C, 0 },
		{ &a->resid2, L * BT * C, 0 },
		{ &a->ln2, L * BT * C, 0 },
		{ &a->ln2_mean, L * BT, 0 },
		{ &a->ln2_rstd, L * BT, 0 },
		{ &a->fch, L * BT * F, 0 },
		{ &a->fch_gelu, L * BT * F, 0 },
		{ &a->resid3, L * BT * C, 0 },
		{ &a->lnf, BT * C, 0 },
		{ &a->lnf_mean, BT, 0 },
		{ &a->lnf_rstd, BT, 0 },
		{ &a->logits, BT * V, 0 },
		{ &a->losses, BT, 0 },
		{ (float **)&a->inputs, BT, 0 },
		{ (float **)&a->targets, BT, 0 },
		{ &a->dres, BT * C, 1 },
		{ &a->da, BT * C, 1 },
		{ &a->db, BT * C, 1 },
		{ &a->df, BT * FF, 1 },
		{ &a->datt, TT, 1 },
		{ &a->red, 0, 1 },
	};
	size_t n = sizeof(tab) / sizeof(tab[0]);

	red = 0;
	{
		/* (in, out) of each linear layer */
		size_t io[4][2] = { { C, 3 * C }, { C, C }, { C, F }, { F, C } };
		for (int i = 0; i < 4; i++) {
			size_t r = nn_linear_bwd_scratch((int)BT, (int)io[i][0],
			    (int)io[i][1]);
			red = r > red ? r : red;
		}
	}
	if (nn_layernorm_bwd_scratch((int)BT, (int)C) > red)
		red = nn_layernorm_bwd_scratch((int)BT, (int)C);
	tab[n - 1].n = red;
	for (size_t i = 0; i < n; i++) {
		if (tab[i].train && !m->training) {
			*tab[i].p = NULL;
			continue;
		}
		*tab[i].p = base ? base + off : NULL;
		off += pad16(tab[i].n);
	}
	return off;
}

int
gpt_init(struct gpt *m, const struct gpt_config *cfg, int B, int T,
    int training)
{
	size_t off = 0;

	memset(m, 0, sizeof(*m));
	if (gpt_config_check(cfg, NULL, 0) != 0 || B < 1 || T < 1 ||
	    T > cfg->n_ctx)
		return NN_EAPI;
	m->cfg = *cfg;
	m->B = B;
	m->T = T;
	m->training = training;
	param_sizes(cfg, m->sizes);
	for (int i = 0; i < GPT_NPARAM; i++)
		m->nparams += pad16(m->sizes[i]);
	m->params = slab_alloc(m->nparams);
	if (training) {
		m->grads = slab_alloc(m->nparams);
		/* m and v share one slab: the optimizer state. */
		m->opt_m = slab_alloc(2 * m->nparams);
		m->opt_v = m->opt_m ? m->opt_m + m->nparams : NULL;
	}
	m->act_floats = plan_acts(m, NULL);
	m->act_slab = slab_alloc(m->act_floats);
	if (!m->params || !m->act_slab || (training && (!m->grads ||
	    !m->opt_m))) {
		gpt_release(m);
		return NN_ENOMEM;
	}
	plan_acts(m, m->act_slab);
	for (int i = 0; i < GPT_NPARAM; i++) {
		m->p[i] = m->params + off;
		m->g[i] = training ? m->grads + off : NULL;
		off += pad16(m->sizes[i]);
	}
	return 0;
}

void
gpt_release(struct gpt *m)
{
	free(m->params);
	free(m->grads);
	free(m->opt_m);
	free(m->act_slab);
	memset(m, 0, sizeof(*m));
}

void
gpt_init_weights(struct gpt *m, uint64_t seed)
{
	const struct gpt_config *c = &m->cfg;
	struct nn_rng r;
	double sd = c->init_std;
	double sdres = c->scaled_init ? sd / sqrt(2.0 * c->n_layer) : sd;

	nn_rng_seed(&r, seed);
	memset(m->params, 0, m->nparams * sizeof(float));
	/* One stream in slab order, so the weights depend on the seed and
	 * shape alone. */
	for (int i = 0; i < GPT_NPARAM; i++) {
		float *p = m->p[i];
		size_t n = m->sizes[i];
		double s = 0;

		switch (i) {
		case GPT_LN1W: case GPT_LN2W: case GPT_LNFW:
			for (size_t j = 0; j < n; j++)
				p[j] = 1.0f;
			continue;
		case GPT_WTE: case GPT_QKVW: case GPT_FCW:
			s = sd;
			break;
		case GPT_WPE:
			s = sd / 2;	/* GPT-2: 0.01 beside 0.02 */
			break;
		case GPT_ATTPROJW: case GPT_FCPROJW:
			s = sdres;
			break;
		default:
			continue;	/* biases stay zero */
		}
		for (size_t j = 0; j < n; j++)
			p[j] = (float)(s * nn_rng_normal(&r));
	}
}

long
gpt_check_tokens(const struct gpt *m, const int32_t *tok, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tok[i] < 0 || tok[i] >= m->cfg.vocab_size)
			return (long)i;
	return -1;
}

/* ---- forward ---- */

/* GPT-3: every local_every-th layer (1-based) is locally banded. */
static int
band_width(const struct gpt_config *c, int l, int T)
{
	if (c->local_window <= 0 || (l + 1) % c->local_every != 0)
		return 0;
	return c->local_window < T ? c->local_window : T;
}

static void
attention_fwd(const struct gpt_config *c, int l, float *out, float *att,
    const float *qkv, int B, int T, int C, int NH)
{
	int w = band_width(c, l, T);

	if (w)
		nn_band_attention_fwd(out, att, qkv, B, T, C, NH, w);
	else
		nn_attention_fwd(out, att, qkv, B, T, C, NH);
}

static void
attention_bwd(const struct gpt_config *c, int l, float *dqkv, float *scratch,
    const float *dout, const float *qkv, const float *att, int B, int T,
    int C, int NH)
{
	int w = band_width(c, l, T);

	if (w)
		nn_band_attention_bwd(dqkv, scratch, dout, qkv, att, B, T, C,
		    NH, w);
	else
		nn_attention_bwd(dqkv, scratch, dout, qkv, att, B, T, C, NH);
}

float
gpt_forward(struct gpt *m, const int32_t *inputs, const int32_t *targets,
    int B, int T, float dscale)
{
	const struct gpt_config *c = &m->cfg;
	struct gpt_acts *a = &m->a;
	int C = c->n_embd, F = c->n_mlp, NH = c->n_head, V = c->vocab_size;
	int BT = B * T;
	size_t sC = (size_t)BT * C, sF = (size_t)BT * F;
	size_t sTT = (size_t)B * NH * T * T;
	const float *x;
	double loss = 0;

	m->curB = B;
	m->curT = T;
	memcpy(a->inputs, inputs, sizeof(int32_t) * BT);
	if (targets)
		memcpy(a->targets, targets, sizeof(int32_t) * BT);
	nn_embed_fwd(a->encoded, inputs, m->p[GPT_WTE], m->p[GPT_WPE], B, T, C);
	x = a->encoded;
	for (int l = 0; l < c->n_layer; l++) {
		float *ln1 = a->ln1 + l * sC, *qkv = a->qkv + 3 * l * sC;
		float *att = a->att + l * sTT, *atty = a->atty + l * sC;
		float *resid2 = a->resid2 + l * sC, *ln2 = a->ln2 + l * sC;
		float *fch = a->fch + l * sF, *fchg = a->fch_gelu + l * sF;
		float *resid3 = a->resid3 + l * sC;
		float *m1 = a->ln1_mean + l * BT, *r1 = a->ln1_rstd + l * BT;
		float *m2 = a->ln2_mean + l * BT, *r2 = a->ln2_rstd + l * BT;
		const float *qkvw = m->p[GPT_QKVW] + (size_t)l * 3 * C * C;
		const float *qkvb = m->p[GPT_QKVB] + (size_t)l * 3 * C;
		const float *apw = m->p[GPT_ATTPROJW] + (size_t)l * C * C;
		const float *apb = m->p[GPT_ATTPROJB] + (size_t)l * C;
		const float *fcw = m->p[GPT_FCW] + (size_t)l * F * C;
		const float *fcb = m->p[GPT_FCB] + (size_t)l * F;
		const float *fpw = m->p[GPT_FCPROJW] + (size_t)l * C * F;
		const float *fpb = m->p[GPT_FCPROJB] + (size_t)l * C;
		const float *l1w = m->p[GPT_LN1W] + l * C;
		const float *l1b = m->p[GPT_LN1B] + l * C;
		const float *l2w = m->p[GPT_LN2W] + l * C;
		const float *l2b = m->p[GPT_LN2B] + l * C;

		if (!c->post_ln) {
			nn_layernorm_fwd(ln1, m1, r1, x, l1w, l1b, BT, C);
			nn_linear_fwd(qkv, ln1, qkvw, qkvb, BT, C, 3 * C);
			attention_fwd(c, l, atty, att, qkv, B, T, C, NH);
			nn_linear_fwd_res(resid2, atty, apw, apb, x, BT, C, C);
			nn_layernorm_fwd(ln2, m2, r2, resid2, l2w, l2b, BT, C);
			nn_linear_fwd(fch, ln2, fcw, fcb, BT, C, F);
			nn_gelu_fwd(fchg, fch, sF);
			nn_linear_fwd_res(resid3, fchg, fpw, fpb, resid2, BT,
			    F, C);
			x = resid3;
		} else {
			/* Original GPT: x1 = LN1(x + attn(x)),
			 * out = LN2(x1 + mlp(x1)). */
			nn_linear_fwd(qkv, x, qkvw, qkvb, BT, C, 3 * C);
			attention_fwd(c, l, atty, att, qkv, B, T, C, NH);
			nn_linear_fwd_res(resid2, atty, apw, apb, x, BT, C, C);
			nn_layernorm_fwd(ln1, m1, r1, resid2, l1w, l1b, BT, C);
			nn_linear_fwd(fch, ln1, fcw, fcb, BT, C, F);
			nn_gelu_fwd(fchg, fch, sF);
			nn_linear_fwd_res(resid3, fchg, fpw, fpb, ln1, BT, F, C);
			nn_layernorm_fwd(ln2, m2, r2, resid3, l2w, l2b, BT, C);
			x = ln2;
		}
	}
	if (c->final_ln) {
		nn_layernorm_fwd(a->lnf, a->lnf_mean, a->lnf_rstd, x,
		    m->p[GPT_LNFW], m->p[GPT_LNFB], BT, C);
		x = a->lnf;
	}
	/* Tied output: logits = x wte^T. */
	nn_matmul(0, 1, BT, V, C, x, C, m->p[GPT_WTE], C, 0.0f, a->logits, V);
	if (!targets)
		return 0;
	nn_crossentropy(a->logits, a->losses, targets, BT, V, dscale);
	for (int i = 0; i < BT; i++)
		loss += a->losses[i];
	return (float)(loss / BT);
}

/* ---- backward ---- */

void
gpt_zero_grad(struct gpt *m)
{
	memset(m->grads, 0, m->nparams * sizeof(float));
}

/* The last block's output: what fed the final LayerNorm, or the logits. */
static const float *
last_block_out(const struct gpt *m)
{
	size_t sC = (size_t)m->curB * m->curT * m->cfg.n_embd;
	int L = m->cfg.n_layer;

	if (L == 0)
		return m->a.encoded;
	return m->cfg.post_ln ? m->a.ln2 + (L - 1) * sC :
	    m->a.resid3 + (L - 1) * sC;
}

const float *
gpt_final(const struct gpt *m)
{
	return m->cfg.final_ln ? m->a.lnf : last_block_out(m);
}

void
gpt_backward(struct gpt *m)
{
	gpt_backward_ext(m, NULL);
}

void
gpt_backward_ext(struct gpt *m, const float *dfinal)
{
	const struct gpt_config *c = &m->cfg;
	struct gpt_acts *a = &m->a;
	int B = m->curB, T = m->curT;
	int C = c->n_embd, F = c->n_mlp, NH = c->n_head, V = c->vocab_size;
	int BT = B * T;
	size_t sC = (size_t)BT * C, sF = (size_t)BT * F;
	size_t sTT = (size_t)B * NH * T * T;
	const float *xlast;
	float *dres = a->dres;
	int L = c->n_layer;

	xlast = last_block_out(m);

	/* logits = x wte^T: dx = dlogits wte, dwte += dlogits^T x */
	nn_matmul(0, 0, BT, C, V, a->logits, V, m->p[GPT_WTE], C, 0.0f,
	    c->final_ln ? a->da : dres, C);
	if (dfinal) {
		float *dx = c->final_ln ? a->da : dres;
		for (size_t i = 0; i < sC; i++)
			dx[i] += dfinal[i];
	}
	nn_matmul(1, 0, V, C, BT, a->logits, V, c->final_ln ? a->lnf : xlast,
	    C, 1.0f, m->g[GPT_WTE], C);
	if (c->final_ln) {
		memset(dres, 0, sizeof(float) * sC);
		nn_layernorm_bwd(dres, m->g[GPT_LNFW], m->g[GPT_LNFB], a->da,
		    xlast, m->p[GPT_LNFW], a->lnf_mean, a->lnf_rstd, BT, C,
		    a->red);
	}

	for (int l = L - 1; l >= 0; l--) {
		const float *x = l ? (c->post_ln ? a->ln2 + (l - 1) * sC :
		    a->resid3 + (l - 1) * sC) : a->encoded;
		float *ln1 = a->ln1 + l * sC, *qkv = a->qkv + 3 * l * sC;
		float *att = a->att + l * sTT, *atty = a->atty + l * sC;
		float *resid2 = a->resid2 + l * sC, *ln2 = a->ln2 + l * sC;
		float *fch = a->fch + l * sF, *fchg = a->fch_gelu + l * sF;
		float *resid3 = a->resid3 + l * sC;
		float *m1 = a->ln1_mean + l * BT, *r1 = a->ln1_rstd + l * BT;
		float *m2 = a->ln2_mean + l * BT, *r2 = a->ln2_rstd + l * BT;
		size_t o3 = (size_t)l * 3 * C * C, oc = (size_t)l * C * C;
		size_t of = (size_t)l * F * C;
		float *qkvw = m->p[GPT_QKVW] + o3;
		float *dqkvw = m->g[GPT_QKVW] + o3;
		float *dqkvb = m->g[GPT_QKVB] + (size_t)l * 3 * C;
		float *apw = m->p[GPT_ATTPROJW] + oc;
		float *dapw = m->g[GPT_ATTPROJW] + oc;
		float *dapb = m->g[GPT_ATTPROJB] + (size_t)l * C;
		float *fcw = m->p[GPT_FCW] + of, *dfcw = m->g[GPT_FCW] + of;
		float *dfcb = m->g[GPT_FCB] + (size_t)l * F;
		float *fpw = m->p[GPT_FCPROJW] + of;
		float *dfpw = m->g[GPT_FCPROJW] + of;
		float *dfpb = m->g[GPT_FCPROJB] + (size_t)l * C;
		float *l1w = m->p[GPT_LN1W] + l * C;
		float *dl1w = m->g[GPT_LN1W] + l * C;
		float *dl1b = m->g[GPT_LN1B] + l * C;
		float *l2w = m->p[GPT_LN2W] + l * C;
		float *dl2w = m->g[GPT_LN2W] + l * C;
		float *dl2b = m->g[GPT_LN2B] + l * C;
		float *dqkv = a->df;

		if (!c->post_ln) {
			/* dres is d(resid3); resid3 = resid2 + mlp(ln2). */
			nn_linear_bwd(a->df, dfpw, dfpb, dres, fchg, fpw, BT, F,
			    C, a->red);
			nn_gelu_bwd(a->df, fch, a->df, sF);
			nn_linear_bwd(a->da, dfcw, dfcb, a->df, ln2, fcw, BT, C,
			    F, a->red);
			nn_layernorm_bwd(dres, dl2w, dl2b, a->da, resid2, l2w,
			    m2, r2, BT, C, a->red);
			/* dres is d(resid2); resid2 = x + attn(ln1(x)). */
			nn_linear_bwd(a->da, dapw, dapb, dres, atty, apw, BT, C,
			    C, a->red);
			memset(dqkv, 0, sizeof(float) * 3 * sC);
			attention_bwd(c, l, dqkv, a->datt, a->da, qkv, att, B,
			    T, C, NH);
			nn_linear_bwd(a->db, dqkvw, dqkvb, dqkv, ln1, qkvw, BT,
			    C, 3 * C, a->red);
			nn_layernorm_bwd(dres, dl1w, dl1b, a->db, x, l1w, m1, r1,
			    BT, C, a->red);
		} else {
			/* dres is d(ln2 out); resid3 = ln1 + mlp(ln1). */
			memset(a->da, 0, sizeof(float) * sC);
			nn_layernorm_bwd(a->da, dl2w, dl2b, dres, resid3, l2w,
			    m2, r2, BT, C, a->red);
			nn_linear_bwd(a->df, dfpw, dfpb, a->da, fchg, fpw, BT, F,
			    C, a->red);
			nn_gelu_bwd(a->df, fch, a->df, sF);
			nn_linear_bwd(a->db, dfcw, dfcb, a->df, ln1, fcw, BT, C,
			    F, a->red);
			nn_add(a->db, a->db, a->da, sC);
			/* a->db is d(ln1 out); ln1 = LN1(resid2). */
			memset(dres, 0, sizeof(float) * sC);
			nn_layernorm_bwd(dres, dl1w, dl1b, a->db, resid2, l1w,
			    m1, r1, BT, C, a->red);
			/* dres is d(resid2); resid2 = x + attn(x). */
			nn_linear_bwd(a->da, dapw, dapb, dres, atty, apw, BT, C,
			    C, a->red);
			memset(dqkv, 0, sizeof(float) * 3 * sC);
			attention_bwd(c, l, dqkv, a->datt, a->da, qkv, att, B,
			    T, C, NH);
			nn_linear_bwd(a->db, dqkvw, dqkvb, dqkv, x, qkvw, BT, C,
			    3 * C, a->red);
			nn_add(dres, dres, a->db, sC);
		}
	}
	nn_embed_bwd(m->g[GPT_WTE], m->g[GPT_WPE], dres, a->inputs, B, T, C, V);
}

double
gpt_grad_norm(const struct gpt *m)
{
	return sqrt(nn_sumsq(m->grads, m->nparams));
}

/* ---- AdamW ---- */

static int
decayed(int i)
{
	return i == GPT_WTE || i == GPT_WPE || i == GPT_QKVW ||
	    i == GPT_ATTPROJW || i == GPT_FCW || i == GPT_FCPROJW;
}

void
nn_adamw_tensor(float *p, float *g, float *m, float *v, size_t n,
    const struct adamw *o, float lr, uint64_t t, int decay,
    float grad_scale)
{
	float step_size = (float)(lr / (1.0 - pow(o->beta1, (double)t)));
	float rbc2 = (float)(1.0 / sqrt(1.0 - pow(o->beta2, (double)t)));
	float keep = decay ? 1.0f - lr * o->weight_decay : 1.0f;
	float b1 = o->beta1, b2 = o->beta2, eps = o->eps;
	long len = (long)n;

	/* The gradient is zeroed as it is read, saving the next step a pass
	 * over it. */
#pragma omp parallel for simd schedule(static)
	for (long j = 0; j < len; j++) {
		float gj = g[j] * grad_scale;
		g[j] = 0;
		m[j] = b1 * m[j] + (1 - b1) * gj;
		v[j] = b2 * v[j] + (1 - b2) * gj * gj;
		float denom = sqrtf(v[j]) * rbc2 + eps;
		p[j] = p[j] * keep - step_size * m[j] / denom;
	}
}

void
gpt_adamw_step(struct gpt *m, const struct adamw *o, float lr,
    float grad_scale)
{
	m->opt_step++;
	for (int t = 0; t < GPT_NPARAM; t++) {
		size_t at = (size_t)(m->p[t] - m->params);
		nn_adamw_tensor(m->p[t], m->g[t], m->opt_m + at, m->opt_v + at,
		    m->sizes[t], o, lr, m->opt_step, decayed(t), grad_scale);
	}
}

/* ---- schedules ---- */

float
lr_at(const struct lr_schedule *s, long step)
{
	double lr = s->lr, lo = s->min_lr;
	long total = s->total > 0 ? s->total : 1;

	if (s->warmup > 0 && step < s->warmup)
		return (float)(lr * (step + 1) / s->warmup);
	switch (s->kind) {
	case LR_CONSTANT:
		return (float)lr;
	case LR_COSINE: {
		double f = (double)(step - s->warmup) / (total - s->warmup > 0 ?
		    total - s->warmup : 1);
		f = f > 1 ? 1 : f;
		return (float)(lo + 0.5 * (lr - lo) * (1 + cos(M_PI * f)));
	}
	case LR_LINEAR: {
		double f = (double)(step - s->warmup) / (total - s->warmup > 0 ?
		    total - s->warmup : 1);
		f = f > 1 ? 1 : f;
		return (float)(lr + (lo - lr) * f);
	}
	case LR_WSD: {
		/* Warm-up, stable, then linear decay over the last `decay`
		 * steps; needs no known total when decay_start is given. */
		long ds = s->decay_start >= 0 ? s->decay_start :
		    s->total - s->decay;
		if (s->decay <= 0 || step < ds)
			return (float)lr;
		double f = (double)(step - ds) / s->decay;
		f = f > 1 ? 1 : f;
		return (float)(lr + (lo - lr) * f);
	}
	}
	return (float)lr;
}

int
lr_sched_parse(const char *name, enum lr_sched *out)
{
	static const struct { const char *n; enum lr_sched k; } t[] = {
		{ "constant", LR_CONSTANT }, { "cosine", LR_COSINE },
		{ "linear", LR_LINEAR }, { "wsd", LR_WSD },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(name, t[i].n) == 0) {
			*out = t[i].k;
			return 0;
		}
	return NN_EAPI;
}

double
gpt_flops_per_token(const struct gpt_config *c, int T)
{
	double L = c->n_layer, C = c->n_embd, F = c->n_mlp;
	double n = L * (4 * C * C + 2 * C * F) + (double)c->vocab_size * C;
	double att = 0;

	/* Attention: T keys a token for dense layers, the band for banded. */
	for (int l = 0; l < c->n_layer; l++) {
		int w = band_width(c, l, T);
		att += 12 * C * (w ? w : T);
	}
	return 6 * n + att;
}

int32_t
nn_sample_logits(float *lg, int V, float temperature, int top_k,
    struct nn_rng *r)
{
	float mx, thr = -INFINITY;
	double z = 0, u;
	int best = 0;

	for (int j = 1; j < V; j++)
		best = lg[j] > lg[best] ? j : best;
	if (temperature <= 0)
		return best;
	/* The k-th largest logit by repeated selection; k is small. */
	if (top_k > 0 && top_k < V) {
		float prev = INFINITY;
		for (int k = 0; k < top_k; k++) {
			float cur = -INFINITY;
			for (int j = 0; j < V; j++)
				if (lg[j] < prev && lg[j] > cur)
					cur = lg[j];
			prev = cur;
		}
		thr = prev;
	}
	/* Unnormalised probabilities overwrite the logits in place. */
	mx = lg[best];
	for (int j = 0; j < V; j++) {
		lg[j] = lg[j] >= thr ? expf((lg[j] - mx) / temperature) : 0;
		z += lg[j];
	}
	u = nn_rng_uniform(r) * z;
	for (int j = 0; j < V; j++) {
		u -= lg[j];
		if (u < 0 && lg[j] > 0)
			return j;
	}
	return best;
}

int32_t
gpt_sample_next(struct gpt *m, const int32_t *tok, int n, float temperature,
    int top_k, struct nn_rng *r)
{
	int V = m->cfg.vocab_size, T = n < m->T ? n : m->T;

	gpt_forward(m, tok + n - T, NULL, 1, T, 0);
	return nn_sample_logits(m->a.logits + (size_t)(T - 1) * V, V,
	    temperature, top_k, r);
}
