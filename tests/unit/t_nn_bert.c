/*
 * t_nn_bert.c - encoder gradients (BERT, ALBERT, RoBERTa) against central
 * finite differences of the float forward, for every parameter tensor:
 * segment and position embeddings, factorised embeddings, each sharing mode
 * (a shared tensor's finite difference moves every layer that uses it, so
 * agreement means the gradients are summed over the uses), the MLM head
 * (positions without a label must not count) and the NSP / SOP head.
 *
 * Tolerance: h = 4e-3 on a forward whose parameters are O(0.1) leaves
 * truncation and float32 rounding errors near 1e-3 of the gradient scale;
 * 2e-2 of the tensor's largest gradient plus 3e-2 relative catches a missing
 * or wrong term (which is O(1) relative) without flaking.  One thread: the
 * shapes are tiny.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "nn/bert.h"
#include "t.h"

#define B 3
#define T 6

static int32_t tok[B * T], lab[B * T], len[B], cls[B];
static uint8_t seg[B * T];

static double
loss_of(struct bert *m, const struct bert_batch *bt)
{
	struct bert_loss l;

	bert_forward(m, bt, 0, &l);
	return l.total;
}

static void
check_model(const char *what, struct bert_config *c)
{
	struct bert m;
	struct bert_batch bt = { B, T, tok, seg, len, lab, cls };
	struct bert_loss l;
	struct nn_rng r;

	CHECK(bert_init(&m, c, B, T, 1) == 0);
	nn_rng_seed(&r, 7);
	bert_init_weights(&m, 3);
	for (size_t i = 0; i < m.nparams; i++)
		m.params[i] += (float)(0.1 * nn_rng_normal(&r));
	bert_zero_grad(&m);
	bert_forward(&m, &bt, 1, &l);
	CHECK(l.mlm_n == 5);
	bert_backward(&m);
	for (int t = 0; t < BERT_NPARAM; t++) {
		size_t n = m.sizes[t];
		double gmax = 0;
		int bad = 0;
		if (n == 0)
			continue;
		for (size_t j = 0; j < n; j++)
			if (fabs(m.g[t][j]) > gmax)
				gmax = fabs(m.g[t][j]);
		for (int k = 0; k < 8; k++) {
			size_t j = k < 4 ? (size_t)k * (n - 1) / 3 :
			    (size_t)(nn_rng_next(&r) % n);
			float save = m.p[t][j];
			double h = 4e-3, up, dn, fd, an = m.g[t][j];
			m.p[t][j] = save + (float)h;
			up = loss_of(&m, &bt);
			m.p[t][j] = save - (float)h;
			dn = loss_of(&m, &bt);
			m.p[t][j] = save;
			fd = (up - dn) / (2 * h);
			if (fabs(fd - an) > 2e-2 * gmax + 3e-2 * fabs(fd) + 1e-6) {
				if (!bad++)
					fprintf(stderr, "%s %s[%zu]: analytic "
					    "%g, numeric %g (max %g)\n", what,
					    bert_param_names[t], j, an, fd,
					    gmax);
			}
		}
		CHECKF(bad == 0, "%s: %s gradient", what, bert_param_names[t]);
		/* Tensors every loss depends on must get a gradient. */
		if (t == BERT_WTT || t == BERT_QKVW || t == BERT_MLMW ||
		    (t == BERT_CLSW && c->head != BERT_HEAD_NONE))
			CHECKF(gmax > 0, "%s: %s zero", what,
			    bert_param_names[t]);
	}
	bert_release(&m);
}

/* Labels at padding or -1 are not targets; changing them changes nothing. */
static void
check_mask_only(void)
{
	struct bert_config c;
	struct bert m;
	struct bert_batch bt = { B, T, tok, seg, len, lab, cls };
	struct bert_loss l1, l2;
	int32_t lab2[B * T];

	bert_config_preset(&c, "bert-tiny");
	c.vocab_size = 13;
	c.n_embd = c.n_emb = 8;
	c.n_mlp = 12;
	c.n_ctx = 8;
	CHECK(bert_init(&m, &c, B, T, 1) == 0);
	bert_init_weights(&m, 5);
	bert_forward(&m, &bt, 0, &l1);
	memcpy(lab2, lab, sizeof(lab));
	lab2[2 * T + 5] = 4;	/* past len[2]: padding */
	bt.labels = lab2;
	bert_forward(&m, &bt, 0, &l2);
	CHECK(l1.mlm_n == l2.mlm_n);
	CHECK(l1.mlm == l2.mlm);
	/* Padding tokens do not change the real positions' outputs. */
	int32_t tok2[B * T];
	memcpy(tok2, tok, sizeof(tok));
	tok2[2 * T + 5] = 9;
	bt.labels = lab;
	bt.tok = tok2;
	bert_forward(&m, &bt, 0, &l2);
	CHECK(fabs(l1.total - l2.total) < 1e-6);
	bert_release(&m);
}

/*
 * Fine-tuning heads: bert_backward_ext() with the gradient of
 * L = sum(final * G) on the final states (no MLM target, no NSP label).
 */
static double
ext_loss(struct bert *m, const struct bert_batch *bt, const float *G)
{
	struct bert_loss l;
	const float *h;
	double s = 0;
	size_t n;

	bert_forward(m, bt, 0, &l);
	h = bert_final(m);
	n = (size_t)m->curB * m->curT * m->cfg.n_embd;
	for (size_t i = 0; i < n; i++)
		s += (double)h[i] * G[i];
	return s;
}

static void
check_ext(void)
{
	struct bert_config c;
	struct bert m;
	int32_t nolab[B * T];
	struct bert_batch bt = { B, T, tok, seg, len, nolab, NULL };
	struct bert_loss l;
	struct nn_rng r;
	float G[B * T * 8];

	for (int i = 0; i < B * T; i++)
		nolab[i] = -1;
	bert_config_preset(&c, "albert-tiny");
	c.vocab_size = 13;
	c.n_layer = 2;
	c.n_embd = 8;
	c.n_emb = 4;
	c.n_mlp = 12;
	c.n_ctx = 8;
	CHECK(bert_init(&m, &c, B, T, 1) == 0);
	bert_init_weights(&m, 4);
	nn_rng_seed(&r, 8);
	for (size_t i = 0; i < m.nparams; i++)
		m.params[i] += (float)(0.1 * nn_rng_normal(&r));
	/* Only the first token of each sequence feeds the head ([CLS]). */
	memset(G, 0, sizeof(G));
	for (int b = 0; b < B; b++)
		for (int d = 0; d < 8; d++)
			G[(size_t)b * T * 8 + d] = (float)nn_rng_normal(&r);
	bert_zero_grad(&m);
	bert_forward(&m, &bt, 1, &l);
	CHECK(l.mlm_n == 0 && l.total == 0);
	bert_backward_ext(&m, G);
	for (int t = 0; t < BERT_NPARAM; t++) {
		size_t n = m.sizes[t];
		double gmax = 0;
		int bad = 0;
		if (n == 0)
			continue;
		for (size_t j = 0; j < n; j++)
			if (fabs(m.g[t][j]) > gmax)
				gmax = fabs(m.g[t][j]);
		for (int k = 0; k < 6; k++) {
			size_t j = (size_t)(nn_rng_next(&r) % n);
			float save = m.p[t][j];
			double h = 4e-3, up, dn, fd, an = m.g[t][j];
			m.p[t][j] = save + (float)h;
			up = ext_loss(&m, &bt, G);
			m.p[t][j] = save - (float)h;
			dn = ext_loss(&m, &bt, G);
			m.p[t][j] = save;
			fd = (up - dn) / (2 * h);
			if (fabs(fd - an) > 2e-2 * gmax + 3e-2 * fabs(fd) + 1e-6)
				bad++;
		}
		CHECKF(bad == 0, "backward_ext: %s gradient",
		    bert_param_names[t]);
	}
	bert_release(&m);
}

int
main(void)
{
	static const char *const shares[] = { "none", "attention", "ffn",
	    "all" };
	struct bert_config c;

	omp_set_num_threads(1);
	for (int i = 0; i < B * T; i++) {
		tok[i] = (i * 7 + 3) % 13;
		seg[i] = (i % T) >= T / 2;
		lab[i] = -1;
	}
	len[0] = T;
	len[1] = T - 1;
	len[2] = T - 2;
	lab[1] = 5;
	lab[4] = 12;
	lab[T + 2] = 0;
	lab[T + 3] = 7;
	lab[2 * T + 1] = 3;
	lab[T + 5] = 2;		/* past len[1]: padding, not a target */
	cls[0] = 1;
	cls[1] = 0;
	cls[2] = 1;

	CHECK(bert_config_preset(&c, "bert-tiny") == 0);
	c.vocab_size = 13;
	c.n_layer = 2;
	c.n_embd = c.n_emb = 8;
	c.n_mlp = 12;
	c.n_ctx = 8;
	check_model("bert", &c);

	CHECK(bert_config_preset(&c, "roberta-tiny") == 0);
	c.vocab_size = 13;
	c.n_embd = c.n_emb = 8;
	c.n_mlp = 12;
	c.n_ctx = 8;
	c.n_types = 2;
	check_model("roberta", &c);

	for (int s = 0; s < 4; s++) {
		char what[64];
		CHECK(bert_config_preset(&c, "albert-tiny") == 0);
		CHECK(bert_share_parse(shares[s]) == s);
		c.vocab_size = 13;
		c.n_layer = 3;
		c.n_embd = 8;
		c.n_emb = 4;
		c.n_mlp = 12;
		c.n_ctx = 8;
		c.share = s;
		snprintf(what, sizeof(what), "albert share=%s", shares[s]);
		check_model(what, &c);
	}
	check_mask_only();
	check_ext();
	T_DONE();
}
