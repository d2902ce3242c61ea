/*
 * t_nn.c - the transformer core: fast kernels against their *_ref twins,
 * bit-identical results for 1, 2 and 3 threads, learning on a toy task,
 * checkpoint resume with a bit-identical loss sequence, data windows,
 * schedules and the config parser.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <unistd.h>

#include "nn/ckpt.h"
#include "nn/data.h"
#include "nn/gpt.h"
#include "nn/kern.h"
#include "nn/trainer.h"
#include "t.h"

static struct nn_rng rng;

static void
randn(float *x, size_t n, double sd)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(sd * nn_rng_normal(&rng));
}

/*
 * Largest |a-b| / (|b| + atol + 1e-3 max|b|) over n: relative error, with
 * outputs near zero (cancellation in a long sum) judged against the scale
 * of the tensor.
 */
static double
maxrel(const float *a, const float *b, size_t n, double atol)
{
	double w = 0, big = 0;
	for (size_t i = 0; i < n; i++)
		big = fabs(b[i]) > big ? fabs(b[i]) : big;
	atol += 1e-3 * big;
	for (size_t i = 0; i < n; i++) {
		double e = fabs((double)a[i] - b[i]) / (fabs(b[i]) + atol);
		w = e > w ? e : w;
	}
	return w;
}

static float *
fa(size_t n)
{
	return calloc(n, sizeof(float));
}

/* ---- fast vs ref (tolerance 1e-4 relative with atol 1e-3: float32
 * kernels summing in a different order than the double reference) ---- */

static void
test_matmul(void)
{
	/* Odd sizes over the blocking threshold, all four transpositions. */
	int M = 301, N = 67, K = 129;
	float *A = fa((size_t)M * K), *B = fa((size_t)K * N);
	float *C1 = fa((size_t)M * N), *C2 = fa((size_t)M * N);

	randn(A, (size_t)M * K, 1), randn(B, (size_t)K * N, 1);
	for (int ta = 0; ta < 2; ta++)
		for (int tb = 0; tb < 2; tb++) {
			int lda = ta ? M : K, ldb = tb ? K : N;
			randn(C1, (size_t)M * N, 1);
			memcpy(C2, C1, sizeof(float) * M * N);
			nn_matmul(ta, tb, M, N, K, A, lda, B, ldb, 0.5f, C1, N);
			nn_matmul_ref(ta, tb, M, N, K, A, lda, B, ldb, 0.5f, C2,
			    N);
			CHECKF(maxrel(C1, C2, (size_t)M * N, 1e-3) < 1e-4,
			    "matmul ta=%d tb=%d: %g", ta, tb,
			    maxrel(C1, C2, (size_t)M * N, 1e-3));
			/* N > M splits the other way. */
			nn_matmul(ta, tb, N, N, K, A, lda, B, ldb, 0, C1, N);
			nn_matmul_ref(ta, tb, N, N, K, A, lda, B, ldb, 0, C2, N);
			CHECK(maxrel(C1, C2, (size_t)N * N, 1e-3) < 1e-4);
		}
	free(A), free(B), free(C1), free(C2);
}

static void
test_kernels(void)
{
	int N = 70, C = 96, B = 2, T = 37, NH = 4, V = 1000;
	size_t n = (size_t)N * C;
	float *x = fa(n), *w = fa(C), *b = fa(C), *y1 = fa(n), *y2 = fa(n);
	float m1[70], r1[70], m2[70], r2[70];
	float *dy = fa(n), *dx1 = fa(n), *dx2 = fa(n), *dw1 = fa(C);
	float *dw2 = fa(C), *db1 = fa(C), *db2 = fa(C);
	float *scr = fa(nn_layernorm_bwd_scratch(N, C));

	randn(x, n, 2), randn(w, C, 1), randn(b, C, 1), randn(dy, n, 1);
	nn_layernorm_fwd(y1, m1, r1, x, w, b, N, C);
	nn_layernorm_fwd_ref(y2, m2, r2, x, w, b, N, C);
	CHECK(maxrel(y1, y2, n, 1e-3) < 1e-4);
	nn_layernorm_bwd(dx1, dw1, db1, dy, x, w, m1, r1, N, C, scr);
	nn_layernorm_bwd_ref(dx2, dw2, db2, dy, x, w, m2, r2, N, C);
	CHECK(maxrel(dx1, dx2, n, 1e-3) < 1e-4);
	CHECK(maxrel(dw1, dw2, C, 1e-3) < 1e-4);
	CHECK(maxrel(db1, db2, C, 1e-3) < 1e-4);

	randn(x, n, 3);
	nn_gelu_fwd(y1, x, n);
	nn_gelu_fwd_ref(y2, x, n);
	CHECKF(maxrel(y1, y2, n, 1e-3) < 1e-4, "gelu %g",
	    maxrel(y1, y2, n, 1e-3));
	nn_gelu_bwd(dx1, x, dy, n);
	nn_gelu_bwd_ref(dx2, x, dy, n);
	CHECKF(maxrel(dx1, dx2, n, 1e-3) < 1e-4, "gelu bwd %g",
	    maxrel(dx1, dx2, n, 1e-3));
	free(x), free(y1), free(y2), free(dx1), free(dx2), free(dy);

	/* attention */
	{
		size_t nq = (size_t)B * T * 3 * C, no = (size_t)B * T * C;
		size_t na = (size_t)B * NH * T * T;
		float *q = fa(nq), *o1 = fa(no), *o2 = fa(no), *a1 = fa(na);
		float *a2 = fa(na), *d = fa(no), *g1 = fa(nq), *g2 = fa(nq);
		float *s = fa(na);
		randn(q, nq, 1), randn(d, no, 1);
		nn_attention_fwd(o1, a1, q, B, T, C, NH);
		nn_attention_fwd_ref(o2, a2, q, B, T, C, NH);
		CHECK(maxrel(o1, o2, no, 1e-3) < 1e-4);
		CHECK(maxrel(a1, a2, na, 1e-3) < 1e-4);
		nn_attention_bwd(g1, s, d, q, a1, B, T, C, NH);
		nn_attention_bwd_ref(g2, d, q, a1, B, T, C, NH);
		CHECKF(maxrel(g1, g2, nq, 1e-3) < 1e-4, "attn bwd %g",
		    maxrel(g1, g2, nq, 1e-3));
		free(q), free(o1), free(o2), free(a1), free(a2), free(d);
		free(g1), free(g2), free(s);
	}
	/* cross-entropy, with and without the fused gradient */
	{
		float *l1 = fa((size_t)N * V), *l2 = fa((size_t)N * V);
		float ls1[70], ls2[70];
		int32_t tg[70];
		for (int i = 0; i < N; i++)
			tg[i] = (int32_t)(nn_rng_next(&rng) % V);
		randn(l1, (size_t)N * V, 4);
		memcpy(l2, l1, sizeof(float) * N * V);
		nn_crossentropy(l1, ls1, tg, N, V, 0);
		nn_crossentropy_ref(l2, ls2, tg, N, V, 0);
		CHECK(maxrel(ls1, ls2, N, 1e-3) < 1e-4);
		nn_crossentropy(l1, ls1, tg, N, V, 0.5f);
		nn_crossentropy_ref(l2, ls2, tg, N, V, 0.5f);
		CHECK(maxrel(ls1, ls2, N, 1e-3) < 1e-4);
		CHECK(maxrel(l1, l2, (size_t)N * V, 1e-3) < 1e-4);
		free(l1), free(l2);
	}
	free(w), free(b), free(dw1), free(dw2), free(db1), free(db2), free(scr);
}

/* ---- determinism across thread counts ---- */

static void
run_step(const struct gpt_config *cfg, int threads, float *loss,
    float **grads, size_t *n)
{
	enum { B = 4, T = 64 };
	int32_t in[B * T], tg[B * T];
	struct nn_rng r;
	struct gpt m;

	omp_set_num_threads(threads);
	nn_rng_seed(&r, 3);
	for (int i = 0; i < B * T; i++) {
		in[i] = (int32_t)(nn_rng_next(&r) % cfg->vocab_size);
		tg[i] = (int32_t)(nn_rng_next(&r) % cfg->vocab_size);
	}
	CHECK(gpt_init(&m, cfg, B, T, 1) == 0);
	gpt_init_weights(&m, 11);
	gpt_zero_grad(&m);
	*loss = gpt_forward(&m, in, tg, B, T, 1.0f / (B * T));
	gpt_backward(&m);
	*n = m.nparams;
	*grads = malloc(sizeof(float) * m.nparams);
	memcpy(*grads, m.grads, sizeof(float) * m.nparams);
	gpt_release(&m);
}

static void
test_threads(void)
{
	struct gpt_config cfg = { 2, 4, 64, 256, 512, 64, 0, 1, 1, 0.02f, 0, 0 };
	float l1, l2, l3, *g1, *g2, *g3;
	size_t n;
	int saved = omp_get_max_threads();

	run_step(&cfg, 1, &l1, &g1, &n);
	run_step(&cfg, 2, &l2, &g2, &n);
	run_step(&cfg, 3, &l3, &g3, &n);
	omp_set_num_threads(saved);
	CHECKF(memcmp(&l1, &l2, 4) == 0 && memcmp(&l1, &l3, 4) == 0,
	    "loss differs by thread count: %.9g %.9g %.9g", (double)l1,
	    (double)l2, (double)l3);
	CHECK(memcmp(g1, g2, n * 4) == 0);
	CHECK(memcmp(g1, g3, n * 4) == 0);
	free(g1), free(g2), free(g3);
}

/* ---- data ---- */

struct mem_docs {
	const uint32_t *tok;
	const size_t *len;
	size_t ndocs, i, off;
};

static int
mem_next(void *ctx, const uint32_t **tok, size_t *n)
{
	struct mem_docs *d = ctx;

	if (d->i == d->ndocs)
		return 0;
	*tok = d->tok + d->off;
	*n = d->len[d->i];
	d->off += d->len[d->i++];
	return 1;
}

static void
test_stream(void)
{
	static const uint32_t tok[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	static const size_t len[] = { 3, 0, 5, 3 };
	/* joined with eot 99: 1 2 3 99 99 4 5 6 7 8 99 9 10 11 99 */
	static const int32_t want[][5] = {
		{ 1, 2, 3, 99, 99 }, { 99, 4, 5, 6, 7 }, { 7, 8, 99, 9, 10 },
	};
	struct mem_docs md = { tok, len, 4, 0, 0 };
	struct nn_stream s;
	struct nn_data d;
	struct nn_data_pos pos;
	int32_t w[5];

	nn_stream_init(&s, (struct nn_docs){ &md, mem_next }, 99);
	d = nn_stream_data(&s);
	for (int k = 0; k < 3; k++) {
		CHECK(d.next(d.ctx, w, 4) == 1);
		CHECKF(memcmp(w, want[k], sizeof(w)) == 0, "window %d", k);
		if (k == 1)
			d.tell(d.ctx, &pos);
	}
	CHECK(d.next(d.ctx, w, 4) == 0);	/* 10 11 99: partial, dropped */

	/* Resume after window 1 on a fresh copy of the stream. */
	md.i = md.off = 0;
	nn_stream_init(&s, (struct nn_docs){ &md, mem_next }, 99);
	CHECK(d.seek(d.ctx, &pos) == 0);
	CHECK(d.next(d.ctx, w, 4) == 1);
	CHECK(memcmp(w, want[2], sizeof(w)) == 0);

	/* token set: every window once per epoch, new order each epoch */
	{
		uint32_t t[41];
		struct nn_tokset ts;
		int seen[10] = { 0 }, ord0[10], diff = 0;
		for (int i = 0; i < 41; i++)
			t[i] = (uint32_t)i;
		CHECK(nn_tokset_init(&ts, t, 41, 4, 5, 1) == 0);
		d = nn_tokset_data(&ts);
		for (int k = 0; k < 10; k++) {
			CHECK(d.next(d.ctx, w, 4) == 1);
			CHECK(w[0] % 4 == 0 && w[4] == w[0] + 4);
			seen[w[0] / 4]++;
			ord0[k] = w[0];
		}
		for (int k = 0; k < 10; k++)
			CHECK(seen[k] == 1);
		d.tell(d.ctx, &pos);
		for (int k = 0; k < 10; k++) {
			CHECK(d.next(d.ctx, w, 4) == 1);
			diff += w[0] != ord0[k];
		}
		CHECK(diff > 0);
		CHECK(ts.epoch == 1);
		CHECK(d.seek(d.ctx, &pos) == 0);	/* end of epoch 0 */
		CHECK(d.next(d.ctx, w, 4) == 1 && ts.epoch == 1);
		nn_tokset_release(&ts);
		CHECK(nn_tokset_init(&ts, t, 4, 4, 5, 1) == NN_EAPI);
	}
}

/* ---- training: learning, resume ---- */

/* A periodic sequence the model can learn: loss must fall well below ln V. */
static uint32_t toy[4097];

static void
toy_data(void)
{
	for (int i = 0; i < 4097; i++)
		toy[i] = (uint32_t)((i * 7) % 31);
}

static struct train_opts
toy_opts(void)
{
	struct train_opts o = { 4, 32, 2, { LR_COSINE, 3e-3f, 3e-4f, 5, 40,
	    0, -1 }, ADAMW_INIT, 1.0f, 2, 1234 };
	return o;
}

static void
run(struct trainer *tr, struct nn_tokset *ts, int steps, float *losses)
{
	struct train_metrics mt;
	for (int i = 0; i < steps; i++) {
		CHECK(trainer_step(tr, &mt) == 1);
		losses[i] = mt.loss;
	}
	(void)ts;
}

static void
test_train(void)
{
	struct gpt_config cfg = { 2, 2, 32, 128, 32, 32, 0, 1, 1, 0.02f, 0, 0 };
	struct train_opts o = toy_opts();
	struct trainer tr;
	struct nn_tokset ts, vs;
	struct nn_data vd;
	struct nn_data_pos v0 = { NN_DATA_TOKSET, 0, 0, 0 };
	float full[40], part[40], vl0, vl;
	char path[64], err[128];

	toy_data();
	/* uninterrupted */
	CHECK(nn_tokset_init(&ts, toy, 4097, o.T, 9, 1) == 0);
	CHECK(nn_tokset_init(&vs, toy + 2000, 2000, o.T, 0, 0) == 0);
	vd = nn_tokset_data(&vs);
	v0.c = vs.nwin;
	CHECK(trainer_init(&tr, &cfg, &o, nn_tokset_data(&ts)) == 0);
	CHECK(trainer_eval(&tr, &vd, &v0, &vl0) == 0);
	CHECKF(fabs(vl0 - log(32)) < 0.2, "initial val loss %g vs ln V %g",
	    (double)vl0, log(32));
	run(&tr, &ts, 40, full);
	CHECK(trainer_eval(&tr, &vd, &v0, &vl) == 0);
	CHECKF(vl < 0.5 * vl0, "val loss %g after 40 steps (from %g)",
	    (double)vl, (double)vl0);
	trainer_release(&tr);
	nn_tokset_release(&ts);

	/* 17 steps, checkpoint, new process state, resume, 23 more */
	snprintf(path, sizeof(path), "/tmp/t_nn.%ld.ckpt", (long)getpid());
	CHECK(nn_tokset_init(&ts, toy, 4097, o.T, 9, 1) == 0);
	CHECK(trainer_init(&tr, &cfg, &o, nn_tokset_data(&ts)) == 0);
	run(&tr, &ts, 17, part);
	CHECK(trainer_save(&tr, path, "{}") == 0);
	trainer_release(&tr);
	nn_tokset_release(&ts);
	o.seed = 999;		/* the checkpoint must override the init */
	CHECK(nn_tokset_init(&ts, toy, 4097, o.T, 9, 1) == 0);
	CHECK(trainer_init(&tr, &cfg, &o, nn_tokset_data(&ts)) == 0);
	CHECK(trainer_resume(&tr, path, err, sizeof(err)) == 0);
	CHECK(tr.step == 17);
	run(&tr, &ts, 23, part + 17);
	CHECK(memcmp(full, part, sizeof(full)) == 0);

	/* A damaged checkpoint is refused. */
	{
		FILE *f = fopen(path, "r+b");
		fseek(f, -3, SEEK_END);
		fputc('x', f);
		fclose(f);
		CHECK(trainer_resume(&tr, path, err, sizeof(err)) ==
		    NN_EFORMAT);
		CHECK(strstr(err, "checksum") != NULL);
	}
	unlink(path);
	trainer_release(&tr);
	nn_tokset_release(&ts);
	nn_tokset_release(&vs);
}

/* ---- schedules and config ---- */

static void
test_sched(void)
{
	struct lr_schedule s = { LR_COSINE, 1.0f, 0.1f, 10, 110, 0, -1 };

	CHECK(fabs(lr_at(&s, 0) - 0.1) < 1e-6);
	CHECK(fabs(lr_at(&s, 9) - 1.0) < 1e-6);
	CHECK(fabs(lr_at(&s, 60) - 0.55) < 1e-6);
	CHECK(fabs(lr_at(&s, 110) - 0.1) < 1e-6);
	s.kind = LR_LINEAR;
	CHECK(fabs(lr_at(&s, 60) - 0.55) < 1e-6);
	s.kind = LR_WSD, s.decay = 20, s.total = 0, s.decay_start = 50;
	CHECK(lr_at(&s, 49) == 1.0f);
	CHECK(fabs(lr_at(&s, 60) - 0.55) < 1e-6);
	CHECK(fabs(lr_at(&s, 500) - 0.1) < 1e-6);
}

static void
test_config(void)
{
	static const struct { const char *json; int ok; } cases[] = {
		{ "{\"preset\":\"gpt-tiny\"}", 1 },
		{ "{\"n_embd\":64,\"preset\":\"gpt-tiny\",\"n_head\":2}", 1 },
		{ "{\"n_layer\":1,\"n_head\":3,\"n_embd\":64}", 0 },
		{ "{\"preset\":\"nope\"}", 0 },
		{ "{\"n_layer\":1.5}", 0 },
		{ "{\"bogus\":1}", 0 },
		{ "{\"post_ln\":1}", 0 },
		{ "[1]", 0 },
		{ "{\"n_layer\":2} x", 0 },
		{ "", 0 },
	};
	struct gpt_config c, d;
	char err[128], buf[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECKF((gpt_config_parse(&c, cases[i].json,
		    strlen(cases[i].json), NULL, err, sizeof(err)) == 0) ==
		    cases[i].ok, "case %zu: %s", i, cases[i].json);
	gpt_config_parse(&c, cases[1].json, strlen(cases[1].json), NULL, err,
	    sizeof(err));
	CHECK(c.n_embd == 64 && c.n_mlp == 256 && c.n_head == 2 &&
	    c.n_layer == 2);
	gpt_config_json(&c, buf, sizeof(buf));
	CHECK(gpt_config_parse(&d, buf, strlen(buf), NULL, err, sizeof(err)) == 0);
	CHECK(memcmp(&c, &d, sizeof(c)) == 0);
	CHECK(gpt_config_preset(&c, "gpt2-small") == 0 && c.n_embd == 768);
	CHECK(gpt_config_preset(&c, "gpt3") == NN_EAPI);
}

int
main(void)
{
	nn_rng_seed(&rng, 1);
	test_matmul();
	test_kernels();
	test_threads();
	test_stream();
	test_train();
	test_sched();
	test_config();
	T_DONE();
}
