/* Unit tests of nn/eval.h: continuation log-likelihoods against the
 * cross-entropy of a training-style forward pass, padding and window
 * cutting, perplexity windows, task records and shot draws. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nn/eval.h"
#include "t.h"

#define V 37
#define W 12

/*
 * Independent reference: the last W+1 tokens of ctx + cont through
 * gpt_forward with targets (one sequence, B = 1); the continuation's
 * log-likelihood is minus the sum of the per-position cross-entropies
 * (nn_crossentropy) over the continuation's positions.
 */
static double
ref_loglik(struct gpt *m, const int32_t *ctx, int nctx, const int32_t *cont,
    int ncont)
{
	int32_t seq[256], in[W], tg[W];
	int n = 0, s, T;
	double sum = 0;

	for (int i = 0; i < nctx; i++)
		seq[n++] = ctx[i];
	for (int i = 0; i < ncont; i++)
		seq[n++] = cont[i];
	s = n - 1 > W ? n - 1 - W : 0;
	T = n - 1 - s;
	for (int t = 0; t < T; t++) {
		in[t] = seq[s + t];
		tg[t] = seq[s + t + 1];
	}
	gpt_forward(m, in, tg, 1, T, 0);
	for (int t = T - ncont; t < T; t++)
		sum -= m->a.losses[t];
	return sum;
}

static void
test_loglik(void)
{
	struct gpt_config cfg;
	struct gpt m, m1;
	int32_t toks[64];
	struct nn_llreq req[6];
	double ll[6], one;
	uint64_t x = 99;

	CHECK(gpt_config_preset(&cfg, "gpt-tiny") == 0);
	cfg.n_layer = 2;
	cfg.n_embd = 16;
	cfg.n_head = 2;
	cfg.n_mlp = 64;
	cfg.vocab_size = V;
	cfg.n_ctx = W;
	CHECK(gpt_init(&m, &cfg, 4, W, 0) == 0);
	CHECK(gpt_init(&m1, &cfg, 1, W, 0) == 0);
	gpt_init_weights(&m, 7);
	memcpy(m1.params, m.params, sizeof(float) * m.nparams);
	for (int i = 0; i < 64; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		toks[i] = (int32_t)((x >> 33) % V);
	}
	/* Short, long (cut from the left), one-token context, long
	 * continuation, a window exactly full, and a fifth row (second
	 * forward pass). */
	req[0] = (struct nn_llreq){ toks, 3, toks + 3, 2 };
	req[1] = (struct nn_llreq){ toks + 5, 20, toks + 25, 3 };
	req[2] = (struct nn_llreq){ toks + 30, 1, toks + 31, 1 };
	req[3] = (struct nn_llreq){ toks + 40, 4, toks + 44, W };
	req[4] = (struct nn_llreq){ toks + 10, 1, toks + 11, W };
	req[5] = (struct nn_llreq){ toks + 50, 6, toks + 56, 4 };
	CHECK(nn_loglik(&m, req, 6, ll) == 0);
	for (int i = 0; i < 6; i++) {
		double r = ref_loglik(&m1, req[i].ctx, req[i].nctx,
		    req[i].cont, req[i].ncont);
		CHECKF(fabs(ll[i] - r) < 1e-4 * (1 + fabs(r)),
		    "request %d: %.6f vs reference %.6f", i, ll[i], r);
		CHECK(ll[i] < 0);
		/* Alone (no padding, B = 1) gives the same value. */
		CHECK(nn_loglik(&m1, &req[i], 1, &one) == 0);
		CHECKF(fabs(ll[i] - one) < 1e-5 * (1 + fabs(one)),
		    "request %d: batched %.7f vs alone %.7f", i, ll[i], one);
	}
	/* Same call, same bits. */
	{
		double again[6];
		CHECK(nn_loglik(&m, req, 6, again) == 0);
		CHECK(memcmp(ll, again, sizeof(ll)) == 0);
	}
	/* The model's probabilities of all V one-token continuations of a
	 * context sum to one. */
	{
		int32_t all[V];
		struct nn_llreq r1[V];
		double l1[V], z = 0;
		for (int j = 0; j < V; j++) {
			all[j] = j;
			r1[j] = (struct nn_llreq){ toks, 5, all + j, 1 };
		}
		CHECK(nn_loglik(&m, r1, V, l1) == 0);
		for (int j = 0; j < V; j++)
			z += exp(l1[j]);
		CHECKF(fabs(z - 1) < 1e-6, "sum of probabilities %.9f", z);
	}
	/* Misuse. */
	req[0].ncont = W + 1;
	CHECK(nn_loglik(&m, req, 1, ll) == NN_EAPI);
	req[0].ncont = 0;
	CHECK(nn_loglik(&m, req, 1, ll) == NN_EAPI);
	req[0] = (struct nn_llreq){ toks, 0, toks, 1 };
	CHECK(nn_loglik(&m, req, 1, ll) == NN_EAPI);

	/* Perplexity windows: n = 30 tokens is windows of 13, 13 and 6;
	 * every token after the first is scored once. */
	{
		double nll = 0, ref = 0;
		uint64_t count = 0;
		CHECK(nn_text_nll(&m, toks, 30, &nll, &count) == 0);
		CHECK(count == 29);
		ref -= ref_loglik(&m1, toks, 1, toks + 1, 12);
		ref -= ref_loglik(&m1, toks + 12, 1, toks + 13, 12);
		ref -= ref_loglik(&m1, toks + 24, 1, toks + 25, 5);
		CHECKF(fabs(nll - ref) < 1e-4 * ref, "%.6f vs %.6f", nll, ref);
		CHECK(nn_text_nll(&m, toks, 1, &nll, &count) == 0);
		CHECK(count == 29);
	}
	gpt_release(&m);
	gpt_release(&m1);
}

static int
parse(const char *s, enum nn_task_kind *kind, struct nn_task_ex *ex,
    const char **why)
{
	*why = "";
	return nn_task_parse(s, strlen(s), kind, ex, why);
}

static void
test_parse(void)
{
	struct nn_task_ex ex;
	enum nn_task_kind kind = 0;
	const char *why;

	CHECK(parse("{\"id\":[1,{}],\"context\":\"a \\u00e9\",\"choices\":"
	    "[\" x\", \"y\\n\"],\"label\":1,\"x\":null}", &kind, &ex,
	    &why) == 0);
	CHECK(kind == NN_TASK_CHOICE);
	CHECK_STREQ(ex.context, "a \xc3\xa9");
	CHECK(ex.nchoices == 2 && ex.label == 1);
	CHECK_STREQ(ex.choices[0], " x");
	CHECK_STREQ(ex.choices[1], "y\n");
	nn_task_ex_release(&ex);
	CHECK(parse("{\"text\":\"t\"}", &kind, &ex, &why) == PTK_EFORMAT);
	CHECK_STREQ(why, "a text record in a multiple-choice task");
	CHECK(parse("{\"context\":\"c\",\"choices\":[\"a\"],\"label\":1}",
	    &kind, &ex, &why) == PTK_EFORMAT);
	CHECK_STREQ(why, "\"label\" is not the index of a choice");
	CHECK(parse("{\"context\":\"c\",\"choices\":[],\"label\":0}",
	    &kind, &ex, &why) == PTK_EFORMAT);
	CHECK(parse("{\"context\":\"c\",\"choices\":[1],\"label\":0}",
	    &kind, &ex, &why) == PTK_EFORMAT);
	CHECK(parse("{\"context\":\"c\",\"choices\":[\"a\"],\"label\":-1}",
	    &kind, &ex, &why) == PTK_EFORMAT);
	CHECK(parse("{\"context\":\"c\",\"choices\":[\"a\"]}",
	    &kind, &ex, &why) == PTK_EFORMAT);
	CHECK_STREQ(why, "no \"label\"");
	CHECK(parse("{\"context\":\"c\",\"choices\":[\"a\"],\"label\":0} x",
	    &kind, &ex, &why) == PTK_EFORMAT);
	CHECK(parse("{\"context\":\"c\",\"choices\":[\"a\"],\"label\":0",
	    &kind, &ex, &why) == PTK_EFORMAT);
	CHECK(parse("[]", &kind, &ex, &why) == PTK_EFORMAT);
	CHECK(parse("{}", &kind, &ex, &why) == PTK_EFORMAT);
	kind = 0;
	CHECK(parse("{\"text\":\"hello\"}", &kind, &ex, &why) == 0);
	CHECK(kind == NN_TASK_TEXT && ex.context_len == 5);
	nn_task_ex_release(&ex);
	CHECK(parse("{\"context\":\"c\",\"choices\":[\"a\"],\"label\":0}",
	    &kind, &ex, &why) == PTK_EFORMAT);
	CHECK(parse("{\"text\":\"a\",\"text\":\"b\"}", &kind, &ex, &why) ==
	    PTK_EFORMAT);
}

static void
test_shots(void)
{
	size_t a[8], b[8];

	for (size_t i = 0; i < 20; i++) {
		nn_pick_shots(5, i, 9, (long)(i % 9), 8, a);
		nn_pick_shots(5, i, 9, (long)(i % 9), 8, b);
		CHECK(memcmp(a, b, sizeof(a)) == 0);
		for (int j = 0; j < 8; j++) {
			CHECK(a[j] < 9 && a[j] != i % 9);
			for (int q = 0; q < j; q++)
				CHECK(a[j] != a[q]);
		}
	}
	/* Another seed draws other shots. */
	nn_pick_shots(5, 3, 1000, -1, 4, a);
	nn_pick_shots(6, 3, 1000, -1, 4, b);
	CHECK(memcmp(a, b, 4 * sizeof(size_t)) != 0);
}

int
main(void)
{
	test_loglik();
	test_parse();
	test_shots();
	T_DONE();
}
