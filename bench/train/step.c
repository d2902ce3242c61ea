/*
 * step.c - time training steps of the transformer core: ms per step and
 * model FLOP utilisation against a measured sgemm ceiling.
 *
 * usage: step L C H V T B [steps] [ceiling-gflops]
 * Prints one JSON line.  Built and run by bench/train/run.sh.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nn/gpt.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	struct gpt_config c = { 4, 4, 256, 1024, 8192, 256, 0, 1, 1, 0.02f, 0, 0 };
	struct adamw opt = ADAMW_INIT;
	struct gpt m;
	int B, T, steps;
	int32_t *in, *tg;
	struct nn_rng r;
	double t0, best = 1e9, sum = 0, fl;

	if (argc < 7) {
		fprintf(stderr, "usage: step L C H V T B [steps]\n");
		return 2;
	}
	c.n_layer = atoi(argv[1]);
	c.n_embd = atoi(argv[2]);
	c.n_head = atoi(argv[3]);
	c.vocab_size = atoi(argv[4]);
	T = atoi(argv[5]);
	B = atoi(argv[6]);
	steps = argc > 7 ? atoi(argv[7]) : 10;
	c.n_mlp = 4 * c.n_embd;
	c.n_ctx = T;
	if (gpt_init(&m, &c, B, T, 1) != 0)
		return 3;
	gpt_init_weights(&m, 1);
	in = malloc(sizeof(int32_t) * B * T);
	tg = malloc(sizeof(int32_t) * B * T);
	nn_rng_seed(&r, 1);
	for (int i = 0; i < B * T; i++) {
		in[i] = (int32_t)(nn_rng_next(&r) % c.vocab_size);
		tg[i] = (int32_t)(nn_rng_next(&r) % c.vocab_size);
	}
	/* Two warm-up steps fault in every page of the slabs. */
	for (int s = -2; s < steps; s++) {
		float loss;
		t0 = now();
		/* As trainer_step: AdamW leaves the gradients at zero. */
		loss = gpt_forward(&m, in, tg, B, T, 1.0f / (B * T));
		gpt_backward(&m);
		gpt_adamw_step(&m, &opt, 1e-4f, 1.0f);
		t0 = now() - t0;
		(void)loss;
		if (s >= 0) {
			sum += t0;
			best = t0 < best ? t0 : best;
		}
	}
	fl = gpt_flops_per_token(&c, T) * B * T;
	printf("{\"impl\":\"ptk\",\"threads\":%d,\"L\":%d,\"C\":%d,\"V\":%d,"
	    "\"T\":%d,\"B\":%d,\"ms_mean\":%.1f,\"ms_best\":%.1f,"
	    "\"gflop_per_step\":%.2f,\"gflops\":%.1f}\n",
	    omp_get_max_threads(), c.n_layer, c.n_embd, c.vocab_size, T, B,
	    sum / steps * 1e3, best * 1e3, fl / 1e9, fl / (sum / steps) / 1e9);
	gpt_release(&m);
	free(in);
	free(tg);
	return 0;
}
