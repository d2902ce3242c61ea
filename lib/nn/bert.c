/*
 * bert.c - BERT / RoBERTa / ALBERT encoders: forward, backward, AdamW.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "nn/bert.h"
#include "nn/kern.h"

const char *const bert_param_names[BERT_NPARAM] = {
	"wte", "wpe", "wtt", "lnew", "lneb", "projw", "projb",
	"qkvw", "qkvb", "aow", "aob", "ln1w", "ln1b",
	"fcw", "fcb", "fc2w", "fc2b", "ln2w", "ln2b",
	"mlmw", "mlmb", "mlmlnw", "mlmlnb", "mlmob",
	"poolw", "poolb", "clsw", "clsb",
};

const char *const bert_presets[] = {
	"bert-tiny", "roberta-tiny", "albert-tiny", "bert-base",
	"roberta-base", "albert-base", NULL,
};

static const char *const share_names[] = { "none", "attention", "ffn", "all" };

int
bert_share_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, share_names[i]) == 0)
			return i;
	return -1;
}

const char *
bert_share_name(int share)
{
	return share >= 0 && share < 4 ? share_names[share] : "?";
}

int
bert_is_preset(const char *name)
{
	for (int i = 0; bert_presets[i]; i++)
		if (strcmp(name, bert_presets[i]) == 0)
			return 1;
	return 0;
}

int
bert_config_preset(struct bert_config *c, const char *name)
{
	int base;

	if (!bert_is_preset(name))
		return NN_EAPI;
	base = strstr(name, "-base") != NULL;
	memset(c, 0, sizeof(*c));
	/* tiny: Google's BERT-Tiny (L=2, H=128, A=2); base: BERT-Base. */
	c->n_layer = base ? 12 : 2;
	c->n_head = base ? 12 : 2;
	c->n_embd = base ? 768 : 128;
	c->n_mlp = 4 * c->n_embd;
	c->n_emb = c->n_embd;
	c->vocab_size = 30522;
	c->n_ctx = base ? 512 : 128;
	c->n_types = 2;
	c->share = BERT_SHARE_NONE;
	c->head = BERT_HEAD_NSP;
	c->init_std = 0.02f;
	if (strncmp(name, "roberta", 7) == 0) {
		c->head = BERT_HEAD_NONE;
		c->n_types = 1;
	} else if (strncmp(name, "albert", 6) == 0) {
		c->n_layer = base ? 12 : 2;
		c->n_emb = base ? 128 : 64;
		c->share = BERT_SHARE_ALL;
		c->head = BERT_HEAD_SOP;
	}
	return 0;
}

int
bert_config_check(const struct bert_config *c, char *err, size_t errlen)
{
	const char *why = NULL;

	if (c->n_layer < 1 || c->n_layer > GPT_MAX_LAYER)
		why = "n_layer must be in 1..256";
	else if (c->n_embd < 1 || c->n_embd > GPT_MAX_DIM || c->n_mlp < 1 ||
	    c->n_mlp > GPT_MAX_DIM)
		why = "n_embd and n_mlp must be in 1..65536";
	else if (c->n_head < 1 || c->n_embd % c->n_head)
		why = "n_head must divide n_embd";
	else if (c->n_emb < 1 || c->n_emb > c->n_embd)
		why = "n_emb must be in 1..n_embd";
	else if (c->vocab_size < 2 || c->vocab_size > GPT_MAX_VOCAB)
		why = "vocab_size must be in 2..16777216";
	else if (c->n_ctx < 1 || c->n_ctx > GPT_MAX_DIM)
		why = "n_ctx must be in 1..65536";
	else if (c->n_types < 1 || c->n_types > 256)
		why = "n_types must be in 1..256";
	else if (c->share < 0 || c->share > 3 || c->head < 0 || c->head > 2)
		why = "bad share or head";
	if (why && err && errlen)
		snprintf(err, errlen, "%s", why);
	return why ? NN_EAPI : 0;
}

size_t
bert_config_json(const struct bert_config *c, char *buf, size_t cap)
{
	static const char *const heads[] = { "none", "nsp", "sop" };
	int n = snprintf(buf, cap, "{\"arch\":\"encoder\",\"n_layer\":%d,"
	    "\"n_head\":%d,\"n_embd\":%d,\"n_mlp\":%d,\"n_emb\":%d,"
	    "\"vocab_size\":%d,\"n_ctx\":%d,\"n_types\":%d,\"share\":\"%s\","
	    "\"head\":\"%s\",\"init_std\":%g}", c->n_layer, c->n_head,
	    c->n_embd, c->n_mlp, c->n_emb, c->vocab_size, c->n_ctx,
	    c->n_types, bert_share_name(c->share), heads[c->head],
	    (double)c->init_std);
	return n < 0 ? 0 : (size_t)n;
}

static size_t
mx(size_t a, size_t b)
{
	return a > b ? a : b;
}

int
bert_init(struct bert *m, const struct bert_config *cfg, int B, int T,
    int training)
{
	const struct bert_config *c = cfg;
	size_t V = c->vocab_size, E = c->n_emb, H = c->n_embd, F = c->n_mlp;
	size_t L = c->n_layer, NH = c->n_head, BT, off = 0, sc = 0;
	size_t na, nf, hd;
	float *p;

	memset(m, 0, sizeof(*m));
	if (bert_config_check(cfg, NULL, 0) != 0 || B < 1 || T < 1 ||
	    T > c->n_ctx)
		return NN_EAPI;
	m->cfg = *cfg;
	m->B = B;
	m->T = T;
	m->training = training;
	m->NA = na = (c->share == BERT_SHARE_ATTENTION ||
	    c->share == BERT_SHARE_ALL) ? 1 : L;
	m->NF = nf = (c->share == BERT_SHARE_FFN ||
	    c->share == BERT_SHARE_ALL) ? 1 : L;
	hd = c->head != BERT_HEAD_NONE;
	m->sizes[BERT_WTE] = V * E;
	m->sizes[BERT_WPE] = (size_t)c->n_ctx * E;
	m->sizes[BERT_WTT] = (size_t)c->n_types * E;
	m->sizes[BERT_LNEW] = m->sizes[BERT_LNEB] = E;
	m->sizes[BERT_PROJW] = E != H ? H * E : 0;
	m->sizes[BERT_PROJB] = E != H ? H : 0;
	m->sizes[BERT_QKVW] = na * 3 * H * H;
	m->sizes[BERT_QKVB] = na * 3 * H;
	m->sizes[BERT_AOW] = na * H * H;
	m->sizes[BERT_AOB] = m->sizes[BERT_LN1W] = m->sizes[BERT_LN1B] = na * H;
	m->sizes[BERT_FCW] = nf * F * H;
	m->sizes[BERT_FCB] = nf * F;
	m->sizes[BERT_FC2W] = nf * H * F;
	m->sizes[BERT_FC2B] = m->sizes[BERT_LN2W] = m->sizes[BERT_LN2B] = nf * H;
	m->sizes[BERT_MLMW] = E * H;
	m->sizes[BERT_MLMB] = m->sizes[BERT_MLMLNW] = m->sizes[BERT_MLMLNB] = E;
	m->sizes[BERT_MLMOB] = V;
	m->sizes[BERT_POOLW] = hd * H * H;
	m->sizes[BERT_POOLB] = hd * H;
	m->sizes[BERT_CLSW] = hd * 2 * H;
	m->sizes[BERT_CLSB] = hd * 2;
	for (int i = 0; i < BERT_NPARAM; i++)
		m->nparams += m->sizes[i];
	m->params = calloc(m->nparams, sizeof(float));
	if (training) {
		m->grads = calloc(m->nparams, sizeof(float));
		m->opt_m = calloc(m->nparams, sizeof(float));
		m->opt_v = calloc(m->nparams, sizeof(float));
	}
	if (!m->params || (training && (!m->grads || !m->opt_m ||
	    !m->opt_v))) {
		bert_release(m);
		return NN_ENOMEM;
	}
	for (int i = 0; i < BERT_NPARAM; i++) {
		m->p[i] = m->params + off;
		m->g[i] = training ? m->grads + off : NULL;
		off += m->sizes[i];
	}
	BT = (size_t)B * T;
	/* activation slab: a table of (pointer, floats) */
	{
		struct { float **pp; size_t n; } t[] = {
			{ &m->emb, BT * E }, { &m->embln, BT * E },
			{ &m->embm, BT }, { &m->embr, BT },
			{ &m->hs, (L + 1) * BT * H }, { &m->qkv, L * BT * 3 * H },
			{ &m->att, L * B * NH * T * T }, { &m->atty, L * BT * H },
			{ &m->r1, L * BT * H }, { &m->r1m, L * BT },
			{ &m->r1r, L * BT }, { &m->h1, L * BT * H },
			{ &m->fch, L * BT * F }, { &m->fg, L * BT * F },
			{ &m->r2, L * BT * H }, { &m->r2m, L * BT },
			{ &m->r2r, L * BT },
			{ &m->mh, BT * H }, { &m->mt, BT * E }, { &m->mg, BT * E },
			{ &m->mu, BT * E }, { &m->mm, BT }, { &m->mr, BT },
			{ &m->mlog, BT * V }, { &m->mloss, BT },
			{ &m->ch, (size_t)B * H }, { &m->pool, (size_t)B * H },
			{ &m->clog, (size_t)B * 2 }, { &m->closs, (size_t)B },
			{ &m->dh, BT * H }, { &m->d1, BT * H },
			{ &m->d2, BT * mx(F, 3 * H) },
			{ &m->datt, (size_t)B * NH * T * T },
			{ &m->dm, BT * H }, { &m->dm2, BT * H },
		};
		size_t nt = sizeof(t) / sizeof(t[0]), tot = 0;
		int lens[][3] = {
			{ (int)BT, (int)H, (int)(3 * H) }, { (int)BT, (int)H, (int)H },
			{ (int)BT, (int)H, (int)F }, { (int)BT, (int)F, (int)H },
			{ (int)BT, (int)E, (int)H }, { (int)BT, (int)E, (int)V },
			{ (int)BT, (int)H, (int)E }, { B, (int)H, (int)H },
			{ B, (int)H, 2 },
		};
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
			sc = mx(sc, nn_linear_bwd_scratch(lens[i][0],
			    lens[i][1], lens[i][2]));
		sc = mx(sc, nn_layernorm_bwd_scratch((int)BT, (int)H));
		sc = mx(sc, nn_layernorm_bwd_scratch((int)BT, (int)E));
		m->scratch_floats = sc;
		for (size_t i = 0; i < nt; i++)
			tot += t[i].n;
		tot += sc;
		m->act_floats = tot;
		m->acts = p = calloc(tot ? tot : 1, sizeof(float));
		if (!p) {
			bert_release(m);
			return NN_ENOMEM;
		}
		for (size_t i = 0; i < nt; i++) {
			*t[i].pp = p;
			p += t[i].n;
		}
		m->scratch = p;
	}
	m->mrow = malloc(sizeof(int32_t) * BT);
	m->mtgt = malloc(sizeof(int32_t) * BT);
	m->len = malloc(sizeof(int32_t) * B);
	m->tok_copy = malloc(sizeof(int32_t) * BT);
	m->seg_copy = malloc(BT);
	m->cls_copy = malloc(sizeof(int32_t) * B);
	if (!m->mrow || !m->mtgt || !m->len || !m->tok_copy || !m->seg_copy ||
	    !m->cls_copy) {
		bert_release(m);
		return NN_ENOMEM;
	}
	return 0;
}

void
bert_release(struct bert *m)
{
	free(m->params);
	free(m->grads);
	free(m->opt_m);
	free(m->opt_v);
	free(m->acts);
	free(m->mrow);
	free(m->mtgt);
	free(m->len);
	free(m->tok_copy);
	free(m->seg_copy);
	free(m->cls_copy);
	memset(m, 0, sizeof(*m));
}

static int
is_gain(int t)
{
	return t == BERT_LNEW || t == BERT_LN1W || t == BERT_LN2W ||
	    t == BERT_MLMLNW;
}

static int
is_matrix(int t)
{
	return t == BERT_WTE || t == BERT_WPE || t == BERT_WTT ||
	    t == BERT_PROJW || t == BERT_QKVW || t == BERT_AOW ||
	    t == BERT_FCW || t == BERT_FC2W || t == BERT_MLMW ||
	    t == BERT_POOLW || t == BERT_CLSW;
}

void
bert_init_weights(struct bert *m, uint64_t seed)
{
	struct nn_rng r;

	nn_rng_seed(&r, seed);
	for (int t = 0; t < BERT_NPARAM; t++) {
		float *p = m->p[t];
		for (size_t j = 0; j < m->sizes[t]; j++)
			p[j] = is_matrix(t) ? (float)(m->cfg.init_std *
			    nn_rng_normal(&r)) : is_gain(t) ? 1.0f : 0.0f;
	}
}

void
bert_zero_grad(struct bert *m)
{
	if (m->grads)
		memset(m->grads, 0, sizeof(float) * m->nparams);
}

double
bert_grad_norm(const struct bert *m)
{
	return sqrt(nn_sumsq(m->grads, m->nparams));
}

void
bert_adamw_step(struct bert *m, const struct adamw *o, float lr,
    float grad_scale)
{
	m->opt_step++;
	for (int t = 0; t < BERT_NPARAM; t++) {
		size_t at = (size_t)(m->p[t] - m->params);
		nn_adamw_tensor(m->p[t], m->g[t], m->opt_m + at, m->opt_v + at,
		    m->sizes[t], o, lr, m->opt_step, is_matrix(t), grad_scale);
	}
}

/* ---- attention ---- */

/*
 * Bidirectional attention over each sequence's first len[b] tokens (the
 * keys; every query row is computed, padding rows too).  Per (sequence,
 * head) the scores and the output are two matrix products (OpenBLAS, one
 * thread inside the parallel loop); the softmax runs over the real keys.
 */
void
bert_attention_fwd(float *out, float *att, const float *qkv,
    const int32_t *len, int B, int T, int C, int NH)
{
	int hs = C / NH, C3 = 3 * C;
	float scale = 1.0f / sqrtf((float)hs);

#pragma omp parallel for schedule(static)
	for (int bh = 0; bh < B * NH; bh++) {
		int b = bh / NH, h = bh % NH, n = len[b];
		const float *q = qkv + (size_t)b * T * C3 + h * hs;
		const float *k = q + C, *v = q + 2 * C;
		float *a = att + (size_t)bh * T * T;
		float *o = out + (size_t)b * T * C + h * hs;
		if (n < 1)
			n = 1;
		if (n > T)
			n = T;
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, n, hs,
		    scale, q, C3, k, C3, 0.0f, a, T);
		for (int i = 0; i < T; i++) {
			float *ai = a + (size_t)i * T, mxv = -INFINITY, sum = 0;
			for (int j = 0; j < n; j++)
				mxv = ai[j] > mxv ? ai[j] : mxv;
			for (int j = 0; j < n; j++) {
				ai[j] = expf(ai[j] - mxv);
				sum += ai[j];
			}
			for (int j = 0; j < n; j++)
				ai[j] /= sum;
			for (int j = n; j < T; j++)
				ai[j] = 0;
		}
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, n,
		    1.0f, a, T, v, C3, 0.0f, o, C);
	}
}

void
bert_attention_bwd(float *dqkv, float *scratch, const float *dout,
    const float *qkv, const float *att, const int32_t *len, int B, int T,
    int C, int NH)
{
	int hs = C / NH, C3 = 3 * C;
	float scale = 1.0f / sqrtf((float)hs);

#pragma omp parallel for schedule(static)
	for (int bh = 0; bh < B * NH; bh++) {
		int b = bh / NH, h = bh % NH, n = len[b];
		const float *q = qkv + (size_t)b * T * C3 + h * hs;
		const float *k = q + C, *v = q + 2 * C;
		float *dq = dqkv + (size_t)b * T * C3 + h * hs;
		float *dk = dq + C, *dv = dq + 2 * C;
		const float *a = att + (size_t)bh * T * T;
		const float *go = dout + (size_t)b * T * C + h * hs;
		float *ds = scratch + (size_t)bh * T * T;
		if (n < 1)
			n = 1;
		if (n > T)
			n = T;
		/* dV += A^T dO ; dP = dO V^T */
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, hs, T,
		    1.0f, a, T, go, C, 1.0f, dv, C3);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, n, hs,
		    1.0f, go, C, v, C3, 0.0f, ds, T);
		/* dS = A * (dP - sum_j A dP) * scale, in place */
		for (int i = 0; i < T; i++) {
			const float *ai = a + (size_t)i * T;
			float *di = ds + (size_t)i * T, dot = 0;
			for (int j = 0; j < n; j++)
				dot += ai[j] * di[j];
			for (int j = 0; j < n; j++)
				di[j] = ai[j] * (di[j] - dot) * scale;
		}
		/* dQ += dS K ; dK += dS^T Q */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, n,
		    1.0f, ds, T, k, C3, 1.0f, dq, C3);
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, hs, T,
		    1.0f, ds, T, q, C3, 1.0f, dk, C3);
	}
}

/* ---- the model ---- */

#define LAYER(ptr, l, n) ((ptr) + (size_t)(l) * (n))

void
bert_forward(struct bert *m, const struct bert_batch *bt, float dscale,
    struct bert_loss *out)
{
	const struct bert_config *c = &m->cfg;
	int B = bt->B, T = bt->T, L = c->n_layer, NH = c->n_head;
	int E = c->n_emb, H = c->n_embd, F = c->n_mlp, V = c->vocab_size;
	size_t BT = (size_t)B * T, BTH = BT * H;
	int M = 0;

	memset(out, 0, sizeof(*out));
	m->curB = B;
	m->curT = T;
	memcpy(m->tok_copy, bt->tok, sizeof(int32_t) * BT);
	memcpy(m->seg_copy, bt->seg, BT);
	for (int b = 0; b < B; b++)
		m->len[b] = bt->len[b] < 1 ? 1 : bt->len[b] > T ? T :
		    bt->len[b];
	/* embeddings */
	for (int b = 0; b < B; b++)
		for (int t = 0; t < T; t++) {
			size_t i = (size_t)b * T + t;
			const float *we = m->p[BERT_WTE] + (size_t)bt->tok[i] * E;
			const float *wp = m->p[BERT_WPE] + (size_t)t * E;
			const float *wt = m->p[BERT_WTT] + (size_t)bt->seg[i] * E;
			float *o = m->emb + i * E;
			for (int d = 0; d < E; d++)
				o[d] = we[d] + wp[d] + wt[d];
		}
	nn_layernorm_fwd(m->embln, m->embm, m->embr, m->emb, m->p[BERT_LNEW],
	    m->p[BERT_LNEB], (int)BT, E);
	if (E != H)
		nn_linear_fwd(m->hs, m->embln, m->p[BERT_PROJW],
		    m->p[BERT_PROJB], (int)BT, E, H);
	else
		memcpy(m->hs, m->embln, sizeof(float) * BTH);
	for (int l = 0; l < L; l++) {
		int a = m->NA == 1 ? 0 : l, f = m->NF == 1 ? 0 : l;
		float *h = LAYER(m->hs, l, BTH), *qkv = LAYER(m->qkv, l, 3 * BTH);
		float *att = LAYER(m->att, l, (size_t)B * NH * T * T);
		float *atty = LAYER(m->atty, l, BTH), *r1 = LAYER(m->r1, l, BTH);
		float *h1 = LAYER(m->h1, l, BTH), *r2 = LAYER(m->r2, l, BTH);
		float *fch = LAYER(m->fch, l, BT * F), *fg = LAYER(m->fg, l, BT * F);

		nn_linear_fwd(qkv, h, LAYER(m->p[BERT_QKVW], a, 3 * H * H),
		    LAYER(m->p[BERT_QKVB], a, 3 * H), (int)BT, H, 3 * H);
		bert_attention_fwd(atty, att, qkv, m->len, B, T, H, NH);
		nn_linear_fwd_res(r1, atty, LAYER(m->p[BERT_AOW], a, H * H),
		    LAYER(m->p[BERT_AOB], a, H), h, (int)BT, H, H);
		nn_layernorm_fwd(h1, LAYER(m->r1m, l, BT), LAYER(m->r1r, l, BT),
		    r1, LAYER(m->p[BERT_LN1W], a, H),
		    LAYER(m->p[BERT_LN1B], a, H), (int)BT, H);
		nn_linear_fwd(fch, h1, LAYER(m->p[BERT_FCW], f, (size_t)F * H),
		    LAYER(m->p[BERT_FCB], f, F), (int)BT, H, F);
		nn_gelu_fwd(fg, fch, BT * F);
		nn_linear_fwd_res(r2, fg, LAYER(m->p[BERT_FC2W], f, (size_t)H * F),
		    LAYER(m->p[BERT_FC2B], f, H), h1, (int)BT, F, H);
		nn_layernorm_fwd(LAYER(m->hs, l + 1, BTH), LAYER(m->r2m, l, BT),
		    LAYER(m->r2r, l, BT), r2, LAYER(m->p[BERT_LN2W], f, H),
		    LAYER(m->p[BERT_LN2B], f, H), (int)BT, H);
	}
	const float *hL = LAYER(m->hs, L, BTH);
	/* MLM at labelled positions only */
	for (int b = 0; b < B; b++)
		for (int t = 0; t < m->len[b]; t++) {
			int32_t y = bt->labels[(size_t)b * T + t];
			if (y >= 0 && y < V) {
				m->mrow[M] = b * T + t;
				m->mtgt[M++] = y;
			}
		}
	m->curM = M;
	if (M > 0) {
		for (int i = 0; i < M; i++)
			memcpy(m->mh + (size_t)i * H, hL + (size_t)m->mrow[i] * H,
			    sizeof(float) * H);
		nn_linear_fwd(m->mt, m->mh, m->p[BERT_MLMW], m->p[BERT_MLMB], M,
		    H, E);
		nn_gelu_fwd(m->mg, m->mt, (size_t)M * E);
		nn_layernorm_fwd(m->mu, m->mm, m->mr, m->mg, m->p[BERT_MLMLNW],
		    m->p[BERT_MLMLNB], M, E);
		nn_linear_fwd(m->mlog, m->mu, m->p[BERT_WTE], m->p[BERT_MLMOB],
		    M, E, V);
		nn_crossentropy(m->mlog, m->mloss, m->mtgt, M, V,
		    dscale / (float)M);
		double s = 0;
		for (int i = 0; i < M; i++)
			s += m->mloss[i];
		out->mlm = s / M;
	} else {
		out->mlm = NAN;
	}
	out->mlm_n = M;
	out->total = M > 0 ? out->mlm : 0;
	m->cur_cls = c->head != BERT_HEAD_NONE && bt->cls;
	if (m->cur_cls) {
		double s = 0;
		memcpy(m->cls_copy, bt->cls, sizeof(int32_t) * B);
		for (int b = 0; b < B; b++)
			memcpy(m->ch + (size_t)b * H, hL + (size_t)b * T * H,
			    sizeof(float) * H);
		nn_linear_fwd(m->pool, m->ch, m->p[BERT_POOLW], m->p[BERT_POOLB],
		    B, H, H);
		for (size_t i = 0; i < (size_t)B * H; i++)
			m->pool[i] = tanhf(m->pool[i]);
		nn_linear_fwd(m->clog, m->pool, m->p[BERT_CLSW], m->p[BERT_CLSB],
		    B, H, 2);
		for (int b = 0; b < B; b++) {
			int pred = m->clog[2 * b + 1] > m->clog[2 * b];
			out->cls_correct += pred == bt->cls[b];
		}
		nn_crossentropy(m->clog, m->closs, bt->cls, B, 2,
		    dscale / (float)B);
		for (int b = 0; b < B; b++)
			s += m->closs[b];
		out->cls = s / B;
		out->cls_n = B;
		out->total += out->cls;
	} else {
		out->cls_n = 0;
		out->cls = NAN;
	}
	m->cur_tok = m->tok_copy;
	m->cur_seg = m->seg_copy;
}

void
bert_backward(struct bert *m)
{
	bert_backward_ext(m, NULL);
}

void
bert_backward_ext(struct bert *m, const float *dfinal)
{
	const struct bert_config *c = &m->cfg;
	int B = m->curB, T = m->curT, L = c->n_layer, NH = c->n_head;
	int E = c->n_emb, H = c->n_embd, F = c->n_mlp, V = c->vocab_size;
	int M = m->curM;
	size_t BT = (size_t)B * T, BTH = BT * H;
	float *sc = m->scratch, *dh = m->dh, *d1 = m->d1, *d2 = m->d2;

	if (dfinal)
		memcpy(dh, dfinal, sizeof(float) * BTH);
	else
		memset(dh, 0, sizeof(float) * BTH);
	if (M > 0) {
		nn_linear_bwd(m->dm, m->g[BERT_WTE], m->g[BERT_MLMOB], m->mlog,
		    m->mu, m->p[BERT_WTE], M, E, V, sc);
		memset(m->dm2, 0, sizeof(float) * M * E);
		nn_layernorm_bwd(m->dm2, m->g[BERT_MLMLNW], m->g[BERT_MLMLNB],
		    m->dm, m->mg, m->p[BERT_MLMLNW], m->mm, m->mr, M, E, sc);
		nn_gelu_bwd(m->dm2, m->mt, m->dm2, (size_t)M * E);
		nn_linear_bwd(m->dm, m->g[BERT_MLMW], m->g[BERT_MLMB], m->dm2,
		    m->mh, m->p[BERT_MLMW], M, H, E, sc);
		for (int i = 0; i < M; i++) {
			float *o = dh + (size_t)m->mrow[i] * H;
			const float *g = m->dm + (size_t)i * H;
			for (int d = 0; d < H; d++)
				o[d] += g[d];
		}
	}
	if (c->head != BERT_HEAD_NONE && m->cur_cls) {
		nn_linear_bwd(m->dm, m->g[BERT_CLSW], m->g[BERT_CLSB], m->clog,
		    m->pool, m->p[BERT_CLSW], B, H, 2, sc);
		for (size_t i = 0; i < (size_t)B * H; i++)
			m->dm[i] *= 1 - m->pool[i] * m->pool[i];
		nn_linear_bwd(m->dm2, m->g[BERT_POOLW], m->g[BERT_POOLB], m->dm,
		    m->ch, m->p[BERT_POOLW], B, H, H, sc);
		for (int b = 0; b < B; b++)
			for (int d = 0; d < H; d++)
				dh[(size_t)b * T * H + d] +=
				    m->dm2[(size_t)b * H + d];
	}
	for (int l = L - 1; l >= 0; l--) {
		int a = m->NA == 1 ? 0 : l, f = m->NF == 1 ? 0 : l;
		float *h = LAYER(m->hs, l, BTH), *qkv = LAYER(m->qkv, l, 3 * BTH);
		float *att = LAYER(m->att, l, (size_t)B * NH * T * T);
		float *atty = LAYER(m->atty, l, BTH), *r1 = LAYER(m->r1, l, BTH);
		float *h1 = LAYER(m->h1, l, BTH), *r2 = LAYER(m->r2, l, BTH);
		float *fch = LAYER(m->fch, l, BT * F), *fg = LAYER(m->fg, l, BT * F);

		memset(d1, 0, sizeof(float) * BTH);
		nn_layernorm_bwd(d1, LAYER(m->g[BERT_LN2W], f, H),
		    LAYER(m->g[BERT_LN2B], f, H), dh, r2,
		    LAYER(m->p[BERT_LN2W], f, H), LAYER(m->r2m, l, BT),
		    LAYER(m->r2r, l, BT), (int)BT, H, sc);
		nn_linear_bwd(d2, LAYER(m->g[BERT_FC2W], f, (size_t)H * F),
		    LAYER(m->g[BERT_FC2B], f, H), d1, fg,
		    LAYER(m->p[BERT_FC2W], f, (size_t)H * F), (int)BT, F, H, sc);
		nn_gelu_bwd(d2, fch, d2, BT * F);
		nn_linear_bwd(dh, LAYER(m->g[BERT_FCW], f, (size_t)F * H),
		    LAYER(m->g[BERT_FCB], f, F), d2, h1,
		    LAYER(m->p[BERT_FCW], f, (size_t)F * H), (int)BT, H, F, sc);
		nn_add(dh, dh, d1, BTH);
		memset(d1, 0, sizeof(float) * BTH);
		nn_layernorm_bwd(d1, LAYER(m->g[BERT_LN1W], a, H),
		    LAYER(m->g[BERT_LN1B], a, H), dh, r1,
		    LAYER(m->p[BERT_LN1W], a, H), LAYER(m->r1m, l, BT),
		    LAYER(m->r1r, l, BT), (int)BT, H, sc);
		nn_linear_bwd(dh, LAYER(m->g[BERT_AOW], a, H * H),
		    LAYER(m->g[BERT_AOB], a, H), d1, atty,
		    LAYER(m->p[BERT_AOW], a, H * H), (int)BT, H, H, sc);
		memset(d2, 0, sizeof(float) * 3 * BTH);
		bert_attention_bwd(d2, m->datt, dh, qkv, att, m->len, B, T, H,
		    NH);
		nn_linear_bwd(dh, LAYER(m->g[BERT_QKVW], a, 3 * H * H),
		    LAYER(m->g[BERT_QKVB], a, 3 * H), d2, h,
		    LAYER(m->p[BERT_QKVW], a, 3 * H * H), (int)BT, H, 3 * H, sc);
		nn_add(dh, dh, d1, BTH);
	}
	if (E != H)
		nn_linear_bwd(d2, m->g[BERT_PROJW], m->g[BERT_PROJB], dh,
		    m->embln, m->p[BERT_PROJW], (int)BT, E, H, sc);
	else
		memcpy(d2, dh, sizeof(float) * BTH);
	memset(d1, 0, sizeof(float) * BT * E);
	nn_layernorm_bwd(d1, m->g[BERT_LNEW], m->g[BERT_LNEB], d2, m->emb,
	    m->p[BERT_LNEW], m->embm, m->embr, (int)BT, E, sc);
	for (int b = 0; b < B; b++)
		for (int t = 0; t < T; t++) {
			size_t i = (size_t)b * T + t;
			float *ge = m->g[BERT_WTE] + (size_t)m->cur_tok[i] * E;
			float *gp = m->g[BERT_WPE] + (size_t)t * E;
			float *gt = m->g[BERT_WTT] + (size_t)m->cur_seg[i] * E;
			const float *g = d1 + i * E;
			for (int d = 0; d < E; d++) {
				ge[d] += g[d];
				gp[d] += g[d];
				gt[d] += g[d];
			}
		}
}
