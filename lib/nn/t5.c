/*
 * t5.c - T5 encoder-decoder forward and backward.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gpt.h"
#include "nn/kern.h"
#include "nn/t5.h"
#include "nn/t5kern.h"
#include "xalloc.h"

/* Activations of one layer (encoder: no c*, h3, r3, y2 fields used). */
struct t5_layer_acts {
	float *xin, *h1, *r1, *qkv, *att, *a, *x1;
	float *h2, *r2, *cq, *ckv, *catt, *ca, *x2;
	float *h3, *r3, *fpre, *frelu;
};

struct t5_tape {
	int B, S, T;
	int *slen;
	int32_t *src, *dec, *tgt;
	struct t5_layer_acts *enc, *dec_l;
	float *ebias, *dbias;		/* (NH,S,S), (NH,T,T) */
	float *ex, *eout, *er;		/* encoder last residual, output */
	float *dy, *dout, *dr;		/* decoder last residual, output */
	float *logits;			/* (B,T,V); gradient after backward */
	long ntgt;
	void **blocks;
	int nblocks, capblocks;
};

static float *
tape_alloc(struct t5_tape *t, size_t n)
{
	float *p = xcalloc(n ? n : 1, sizeof(float));

	if (t->nblocks == t->capblocks) {
		t->capblocks = t->capblocks ? 2 * t->capblocks : 64;
		t->blocks = xrealloc(t->blocks, sizeof(void *) *
		    (size_t)t->capblocks);
	}
	t->blocks[t->nblocks++] = p;
	return p;
}

static void
tape_free(struct t5_tape *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	free(t->enc);
	free(t->dec_l);
	free(t->slen);
	free(t->src);
	free(t->dec);
	free(t->tgt);
	free(t);
}

int
t5_init(struct t5 *m, const struct t5_config *c)
{
	size_t L, C, F, V, NB, NH;
	size_t off = 0;

	memset(m, 0, sizeof(*m));
	if (c->n_layer < 1 || c->n_head < 1 || c->n_embd < 1 ||
	    c->n_embd % c->n_head || c->n_mlp < 1 || c->vocab_size < 1 ||
	    c->n_buckets < 2 || c->max_distance < c->n_buckets)
		return -1;
	m->cfg = *c;
	L = (size_t)c->n_layer, C = (size_t)c->n_embd, F = (size_t)c->n_mlp;
	V = (size_t)c->vocab_size, NB = (size_t)c->n_buckets;
	NH = (size_t)c->n_head;
	m->sizes[T5_WTE] = V * C;
	m->sizes[T5_EREL] = m->sizes[T5_DREL] = NB * NH;
	m->sizes[T5_E_LN1] = m->sizes[T5_E_LN2] = L * C;
	m->sizes[T5_E_QKV] = L * 3 * C * C;
	m->sizes[T5_E_O] = L * C * C;
	m->sizes[T5_E_WI] = m->sizes[T5_E_WO] = L * F * C;
	m->sizes[T5_E_LNF] = m->sizes[T5_D_LNF] = C;
	m->sizes[T5_D_LN1] = m->sizes[T5_D_LN2] = m->sizes[T5_D_LN3] = L * C;
	m->sizes[T5_D_QKV] = L * 3 * C * C;
	m->sizes[T5_D_O] = m->sizes[T5_D_CQ] = m->sizes[T5_D_CO] = L * C * C;
	m->sizes[T5_D_CKV] = L * 2 * C * C;
	m->sizes[T5_D_WI] = m->sizes[T5_D_WO] = L * F * C;
	for (int i = 0; i < T5_NPARAM; i++)
		m->nparams += m->sizes[i];
	m->params = xcalloc(m->nparams, sizeof(float));
	m->grads = xcalloc(m->nparams, sizeof(float));
	for (int i = 0; i < T5_NPARAM; i++) {
		m->p[i] = m->params + off;
		m->g[i] = m->grads + off;
		off += m->sizes[i];
	}
	return 0;
}

void
t5_release(struct t5 *m)
{
	tape_free(m->tape);
	free(m->params);
	free(m->grads);
	memset(m, 0, sizeof(*m));
}

void
t5_init_weights(struct t5 *m, uint64_t seed)
{
	struct nn_rng r;

	nn_rng_seed(&r, seed);
	for (int i = 0; i < T5_NPARAM; i++) {
		int gain = i == T5_E_LN1 || i == T5_E_LN2 || i == T5_E_LNF ||
		    i == T5_D_LN1 || i == T5_D_LN2 || i == T5_D_LN3 ||
		    i == T5_D_LNF;
		float sd = i == T5_EREL || i == T5_DREL ? 1.0f :
		    m->cfg.init_std;
		for (size_t j = 0; j < m->sizes[i]; j++)
			m->p[i][j] = gain ? 1.0f :
			    (float)(nn_rng_normal(&r) * sd);
	}
}

const float *
t5_logits(const struct t5 *m)
{
	return m->tape ? m->tape->logits : NULL;
}

/* x (N,C) += a linear layer of inp (N,IC) by w (C,IC). */
static void
linear_add(float *x, const float *inp, const float *w, int N, int IC, int OC)
{
	float *tmp = xmalloc(sizeof(float) * (size_t)N * OC);

	nn_linear_fwd(tmp, inp, w, NULL, N, IC, OC);
	for (size_t i = 0; i < (size_t)N * OC; i++)
		x[i] += tmp[i];
	free(tmp);
}

/* The backward of x += inp w^T: dinp (N,IC) += dx w; dw += dx^T inp. */
static void
linear_add_bwd(float *dinp, float *dw, const float *dx, const float *inp,
    const float *w, int N, int IC, int OC)
{
	float *tmp = xmalloc(sizeof(float) * (size_t)N * IC);
	float *scr = xmalloc(sizeof(float) *
	    (nn_linear_bwd_scratch(N, IC, OC) + 1));

	nn_linear_bwd(tmp, dw, NULL, dx, inp, w, N, IC, OC, scr);
	for (size_t i = 0; i < (size_t)N * IC; i++)
		dinp[i] += tmp[i];
	free(tmp);
	free(scr);
}

static void
embed(float *x, const float *wte, const int32_t *tok, size_t n, int C)
{
	for (size_t i = 0; i < n; i++)
		memcpy(x + i * C, wte + (size_t)tok[i] * C, sizeof(float) * C);
}

float
t5_forward(struct t5 *m, const int32_t *src, const int *slen, int B, int S,
    const int32_t *dec, const int32_t *tgt, int T)
{
	const struct t5_config *c = &m->cfg;
	int L = c->n_layer, C = c->n_embd, F = c->n_mlp, V = c->vocab_size;
	int NH = c->n_head, NB = c->n_buckets, MD = c->max_distance;
	size_t NS = (size_t)B * S, NT = (size_t)B * T;
	struct t5_tape *t;
	float *x, *y, sc = 1.0f / sqrtf((float)C);
	double loss = 0;

	tape_free(m->tape);
	t = m->tape = xcalloc(1, sizeof(*t));
	t->B = B, t->S = S, t->T = T;
	t->slen = xmalloc(sizeof(int) * (size_t)B);
	memcpy(t->slen, slen, sizeof(int) * (size_t)B);
	t->src = xmalloc(sizeof(int32_t) * NS);
	memcpy(t->src, src, sizeof(int32_t) * NS);
	t->dec = xmalloc(sizeof(int32_t) * NT);
	memcpy(t->dec, dec, sizeof(int32_t) * NT);
	t->tgt = xmalloc(sizeof(int32_t) * NT);
	memcpy(t->tgt, tgt, sizeof(int32_t) * NT);
	t->enc = xcalloc((size_t)L, sizeof(*t->enc));
	t->dec_l = xcalloc((size_t)L, sizeof(*t->dec_l));
	t->ebias = tape_alloc(t, (size_t)NH * S * S);
	t->dbias = tape_alloc(t, (size_t)NH * T * T);
	t5_bias_fwd(t->ebias, m->p[T5_EREL], NH, S, S, 1, NB, MD);
	t5_bias_fwd(t->dbias, m->p[T5_DREL], NH, T, T, 0, NB, MD);

	/* Encoder. */
	x = tape_alloc(t, NS * C);
	embed(x, m->p[T5_WTE], src, NS, C);
	for (int l = 0; l < L; l++) {
		struct t5_layer_acts *a = &t->enc[l];
		a->xin = x;
		a->h1 = tape_alloc(t, NS * C);
		a->r1 = tape_alloc(t, NS);
		a->qkv = tape_alloc(t, NS * 3 * C);
		a->att = tape_alloc(t, (size_t)B * NH * S * S);
		a->a = tape_alloc(t, NS * C);
		a->x1 = tape_alloc(t, NS * C);
		a->h2 = tape_alloc(t, NS * C);
		a->r2 = tape_alloc(t, NS);
		a->fpre = tape_alloc(t, NS * F);
		a->frelu = tape_alloc(t, NS * F);
		a->x2 = tape_alloc(t, NS * C);
		t5_rmsnorm_fwd(a->h1, a->r1, x, m->p[T5_E_LN1] + (size_t)l * C,
		    (int)NS, C);
		nn_linear_fwd(a->qkv, a->h1, m->p[T5_E_QKV] +
		    (size_t)l * 3 * C * C, NULL, (int)NS, C, 3 * C);
		t5_attention_fwd(a->a, a->att, a->qkv, 3 * C, a->qkv + C,
		    3 * C, a->qkv + 2 * C, 3 * C, t->ebias, slen, B, S, S, C,
		    NH, 0);
		memcpy(a->x1, x, sizeof(float) * NS * C);
		linear_add(a->x1, a->a, m->p[T5_E_O] + (size_t)l * C * C,
		    (int)NS, C, C);
		t5_rmsnorm_fwd(a->h2, a->r2, a->x1, m->p[T5_E_LN2] +
		    (size_t)l * C, (int)NS, C);
		nn_linear_fwd(a->fpre, a->h2, m->p[T5_E_WI] + (size_t)l * F * C,
		    NULL, (int)NS, C, F);
		for (size_t i = 0; i < NS * F; i++)
			a->frelu[i] = a->fpre[i] > 0 ? a->fpre[i] : 0;
		memcpy(a->x2, a->x1, sizeof(float) * NS * C);
		linear_add(a->x2, a->frelu, m->p[T5_E_WO] + (size_t)l * C * F,
		    (int)NS, F, C);
		x = a->x2;
	}
	t->ex = x;
	t->eout = tape_alloc(t, NS * C);
	t->er = tape_alloc(t, NS);
	t5_rmsnorm_fwd(t->eout, t->er, x, m->p[T5_E_LNF], (int)NS, C);

	/* Decoder. */
	y = tape_alloc(t, NT * C);
	embed(y, m->p[T5_WTE], dec, NT, C);
	for (int l = 0; l < L; l++) {
		struct t5_layer_acts *a = &t->dec_l[l];
		a->xin = y;
		a->h1 = tape_alloc(t, NT * C);
		a->r1 = tape_alloc(t, NT);
		a->qkv = tape_alloc(t, NT * 3 * C);
		a->att = tape_alloc(t, (size_t)B * NH * T * T);
		a->a = tape_alloc(t, NT * C);
		a->x1 = tape_alloc(t, NT * C);
		a->h2 = tape_alloc(t, NT * C);
		a->r2 = tape_alloc(t, NT);
		a->cq = tape_alloc(t, NT * C);
		a->ckv = tape_alloc(t, NS * 2 * C);
		a->catt = tape_alloc(t, (size_t)B * NH * T * S);
		a->ca = tape_alloc(t, NT * C);
		a->x2 = tape_alloc(t, NT * C);
		a->h3 = tape_alloc(t, NT * C);
		a->r3 = tape_alloc(t, NT);
		a->fpre = tape_alloc(t, NT * F);
		a->frelu = tape_alloc(t, NT * F);
		t5_rmsnorm_fwd(a->h1, a->r1, y, m->p[T5_D_LN1] + (size_t)l * C,
		    (int)NT, C);
		nn_linear_fwd(a->qkv, a->h1, m->p[T5_D_QKV] +
		    (size_t)l * 3 * C * C, NULL, (int)NT, C, 3 * C);
		t5_attention_fwd(a->a, a->att, a->qkv, 3 * C, a->qkv + C,
		    3 * C, a->qkv + 2 * C, 3 * C, t->dbias, NULL, B, T, T, C,
		    NH, 1);
		memcpy(a->x1, y, sizeof(float) * NT * C);
		linear_add(a->x1, a->a, m->p[T5_D_O] + (size_t)l * C * C,
		    (int)NT, C, C);
		/* Cross-attention: queries from the decoder, keys and
		 * values from the encoder output; no position bias. */
		t5_rmsnorm_fwd(a->h2, a->r2, a->x1, m->p[T5_D_LN2] +
		    (size_t)l * C, (int)NT, C);
		nn_linear_fwd(a->cq, a->h2, m->p[T5_D_CQ] + (size_t)l * C * C,
		    NULL, (int)NT, C, C);
		nn_linear_fwd(a->ckv, t->eout, m->p[T5_D_CKV] +
		    (size_t)l * 2 * C * C, NULL, (int)NS, C, 2 * C);
		t5_attention_fwd(a->ca, a->catt, a->cq, C, a->ckv, 2 * C,
		    a->ckv + C, 2 * C, NULL, slen, B, T, S, C, NH, 0);
		memcpy(a->x2, a->x1, sizeof(float) * NT * C);
		linear_add(a->x2, a->ca, m->p[T5_D_CO] + (size_t)l * C * C,
		    (int)NT, C, C);
		t5_rmsnorm_fwd(a->h3, a->r3, a->x2, m->p[T5_D_LN3] +
		    (size_t)l * C, (int)NT, C);
		nn_linear_fwd(a->fpre, a->h3, m->p[T5_D_WI] + (size_t)l * F * C,
		    NULL, (int)NT, C, F);
		for (size_t i = 0; i < NT * F; i++)
			a->frelu[i] = a->fpre[i] > 0 ? a->fpre[i] : 0;
		y = tape_alloc(t, NT * C);
		memcpy(y, a->x2, sizeof(float) * NT * C);
		linear_add(y, a->frelu, m->p[T5_D_WO] + (size_t)l * C * F,
		    (int)NT, F, C);
	}
	t->dy = y;
	t->dout = tape_alloc(t, NT * C);
	t->dr = tape_alloc(t, NT);
	t5_rmsnorm_fwd(t->dout, t->dr, y, m->p[T5_D_LNF], (int)NT, C);
	for (size_t i = 0; i < NT * C; i++)
		t->dout[i] *= sc;
	t->logits = tape_alloc(t, NT * V);
	nn_linear_fwd(t->logits, t->dout, m->p[T5_WTE], NULL, (int)NT, C, V);
	for (size_t i = 0; i < NT; i++) {
		const float *lg = t->logits + i * V;
		float mx = lg[0];
		double z = 0;
		if (tgt[i] < 0)
			continue;
		for (int j = 1; j < V; j++)
			mx = lg[j] > mx ? lg[j] : mx;
		for (int j = 0; j < V; j++)
			z += exp((double)lg[j] - mx);
		loss += log(z) + mx - lg[tgt[i]];
		t->ntgt++;
	}
	return t->ntgt ? (float)(loss / (double)t->ntgt) : 0.0f;
}

/*
 * Backward of a feed-forward sublayer, y = x + relu(rms(x) Wi^T) Wo^T,
 * with layer l's tensors iwi, iwo and gain iln; h = rms(x) and r its
 * scales, fpre / frelu the activations.  dy (N, C) holds d(y) and gets
 * d(x) added; df (N, F) and tmp (N, C) are scratch.
 */
static void
ffn_bwd(struct t5 *m, int iwi, int iwo, int iln, size_t l, const float *h,
    const float *x, const float *r, const float *fpre, const float *frelu,
    float *dy, float *df, float *tmp, size_t N)
{
	int C = m->cfg.n_embd, F = m->cfg.n_mlp;
	size_t lc = l * (size_t)C;

	memset(df, 0, sizeof(float) * N * F);
	linear_add_bwd(df, m->g[iwo] + lc * F, dy, frelu, m->p[iwo] + lc * F,
	    (int)N, F, C);
	for (size_t i = 0; i < N * F; i++)
		df[i] = fpre[i] > 0 ? df[i] : 0;
	memset(tmp, 0, sizeof(float) * N * C);
	linear_add_bwd(tmp, m->g[iwi] + lc * F, df, h, m->p[iwi] + lc * F,
	    (int)N, C, F);
	t5_rmsnorm_bwd(dy, m->g[iln] + lc, tmp, x, m->p[iln] + lc, r, (int)N,
	    C);
}

/*
 * Backward of a self-attention sublayer, x1 = xin + self(rms(xin)) Wo^T,
 * of layer l (tensors iqkv, io, gain iln) over B sequences of T tokens;
 * causal or not is in a's saved attention.  dy (B*T, C) holds d(x1) and
 * gets d(xin) added; dbias collects the position bias gradient; dqkv and
 * tmp are scratch.
 */
static void
self_bwd(struct t5 *m, int iqkv, int io, int iln, size_t l,
    const struct t5_layer_acts *a, float *dy, float *dbias, float *dqkv,
    float *tmp, int B, int T)
{
	int C = m->cfg.n_embd, NH = m->cfg.n_head;
	size_t lc = l * (size_t)C, N = (size_t)B * T;

	memset(tmp, 0, sizeof(float) * N * C);
	linear_add_bwd(tmp, m->g[io] + lc * C, dy, a->a, m->p[io] + lc * C,
	    (int)N, C, C);
	memset(dqkv, 0, sizeof(float) * N * 3 * C);
	t5_attention_bwd(dqkv, dqkv + C, dqkv + 2 * C, dbias, tmp, a->qkv,
	    3 * C, a->qkv + C, 3 * C, a->qkv + 2 * C, 3 * C, a->att, B, T, T,
	    C, NH);
	memset(tmp, 0, sizeof(float) * N * C);
	linear_add_bwd(tmp, m->g[iqkv] + lc * 3 * C, dqkv, a->h1,
	    m->p[iqkv] + lc * 3 * C, (int)N, C, 3 * C);
	t5_rmsnorm_bwd(dy, m->g[iln] + lc, tmp, a->xin, m->p[iln] + lc, a->r1,
	    (int)N, C);
}

void
t5_backward(struct t5 *m)
{
	struct t5_tape *t = m->tape;
	const struct t5_config *c = &m->cfg;
	int L = c->n_layer, C = c->n_embd, F = c->n_mlp, V = c->vocab_size;
	int NH = c->n_head, NB = c->n_buckets, MD = c->max_distance;
	int B = t->B, S = t->S, T = t->T;
	size_t NS = (size_t)B * S, NT = (size_t)B * T;
	float sc = 1.0f / sqrtf((float)C);
	float *dy, *dx, *denc, *tmp, *d2, *dq, *dkv, *dqkv, *df, *ddb, *deb;

	if (!t)
		return;
	/* dlogits = (softmax - onehot) / ntgt on target rows, else 0. */
	for (size_t i = 0; i < NT; i++) {
		float *lg = t->logits + i * V;
		float mx = lg[0];
		double z = 0;
		if (t->tgt[i] < 0 || t->ntgt == 0) {
			memset(lg, 0, sizeof(float) * V);
			continue;
		}
		for (int j = 1; j < V; j++)
			mx = lg[j] > mx ? lg[j] : mx;
		for (int j = 0; j < V; j++)
			z += exp((double)lg[j] - mx);
		for (int j = 0; j < V; j++)
			lg[j] = (float)(exp((double)lg[j] - mx) / z /
			    (double)t->ntgt);
		lg[t->tgt[i]] -= 1.0f / (float)t->ntgt;
	}
	dy = xcalloc(NT * C, sizeof(float));
	d2 = xcalloc(NT * C, sizeof(float));
	/* logits = dout wte^T: dout grad into d2, wte grad. */
	linear_add_bwd(d2, m->g[T5_WTE], t->logits, t->dout, m->p[T5_WTE],
	    (int)NT, C, V);
	for (size_t i = 0; i < NT * C; i++)
		d2[i] *= sc;
	t5_rmsnorm_bwd(dy, m->g[T5_D_LNF], d2, t->dy, m->p[T5_D_LNF], t->dr,
	    (int)NT, C);
	denc = xcalloc(NS * C, sizeof(float));
	tmp = xcalloc((NT > NS ? NT : NS) * C, sizeof(float));
	df = xcalloc((NT > NS ? NT : NS) * (size_t)F, sizeof(float));
	dq = xcalloc(NT * C, sizeof(float));
	dkv = xcalloc(NS * 2 * C, sizeof(float));
	dqkv = xcalloc((NT > NS ? NT : NS) * 3 * C, sizeof(float));
	ddb = xcalloc((size_t)NH * T * T, sizeof(float));
	deb = xcalloc((size_t)NH * S * S, sizeof(float));
	for (int l = L - 1; l >= 0; l--) {
		struct t5_layer_acts *a = &t->dec_l[l];
		size_t lc = (size_t)l * C;

		/* y = x2 + relu(rms(x2) Wi^T) Wo^T; dy is d(y). */
		ffn_bwd(m, T5_D_WI, T5_D_WO, T5_D_LN3, (size_t)l, a->h3, a->x2,
		    a->r3, a->fpre, a->frelu, dy, df, tmp, NT);
		/* x2 = x1 + cross(rms(x1), enc) Wco^T. */
		memset(tmp, 0, sizeof(float) * NT * C);
		linear_add_bwd(tmp, m->g[T5_D_CO] + lc * C, dy, a->ca,
		    m->p[T5_D_CO] + lc * C, (int)NT, C, C);
		memset(dq, 0, sizeof(float) * NT * C);
		memset(dkv, 0, sizeof(float) * NS * 2 * C);
		t5_attention_bwd(dq, dkv, dkv + C, NULL, tmp, a->cq, C, a->ckv,
		    2 * C, a->ckv + C, 2 * C, a->catt, B, T, S, C, NH);
		linear_add_bwd(denc, m->g[T5_D_CKV] + lc * 2 * C, dkv, t->eout,
		    m->p[T5_D_CKV] + lc * 2 * C, (int)NS, C, 2 * C);
		memset(tmp, 0, sizeof(float) * NT * C);
		linear_add_bwd(tmp, m->g[T5_D_CQ] + lc * C, dq, a->h2,
		    m->p[T5_D_CQ] + lc * C, (int)NT, C, C);
		t5_rmsnorm_bwd(dy, m->g[T5_D_LN2] + lc, tmp, a->x1,
		    m->p[T5_D_LN2] + lc, a->r2, (int)NT, C);
		/* x1 = xin + self(rms(xin)) Wo^T. */
		self_bwd(m, T5_D_QKV, T5_D_O, T5_D_LN1, (size_t)l, a, dy, ddb,
		    dqkv, tmp, B, T);
	}
	t5_bias_bwd(m->g[T5_DREL], ddb, NH, T, T, 0, NB, MD);
	for (size_t i = 0; i < NT; i++)
		for (int j = 0; j < C; j++)
			m->g[T5_WTE][(size_t)t->dec[i] * C + j] +=
			    dy[i * C + j];
	/* Encoder. */
	dx = xcalloc(NS * C, sizeof(float));
	t5_rmsnorm_bwd(dx, m->g[T5_E_LNF], denc, t->ex, m->p[T5_E_LNF],
	    t->er, (int)NS, C);
	for (int l = L - 1; l >= 0; l--) {
		struct t5_layer_acts *a = &t->enc[l];

		ffn_bwd(m, T5_E_WI, T5_E_WO, T5_E_LN2, (size_t)l, a->h2, a->x1,
		    a->r2, a->fpre, a->frelu, dx, df, tmp, NS);
		self_bwd(m, T5_E_QKV, T5_E_O, T5_E_LN1, (size_t)l, a, dx, deb,
		    dqkv, tmp, B, S);
	}
	t5_bias_bwd(m->g[T5_EREL], deb, NH, S, S, 1, NB, MD);
	for (size_t i = 0; i < NS; i++)
		for (int j = 0; j < C; j++)
			m->g[T5_WTE][(size_t)t->src[i] * C + j] +=
			    dx[i * C + j];
	free(dy);
	free(d2);
	free(dx);
	free(denc);
	free(tmp);
	free(df);
	free(dq);
	free(dkv);
	free(dqkv);
	free(ddb);
	free(deb);
}
