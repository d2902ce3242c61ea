/*
 * step.c - ms per training step of a GPT with dense, alternating
 * (GPT-3) or all-banded causal attention.
 *
 * usage: step L C H V T B W EVERY [steps]   (W = 0: dense)
 * Prints one JSON line.  Built and run by bench/train-band/run.sh.
 */
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
	struct gpt_config c;
	struct adamw opt = ADAMW_INIT;
	struct gpt m;
	struct nn_rng r;
	int32_t *in, *tg;
	int B, T, steps;
	double best = 1e9, sum = 0;

	if (argc < 9) {
		fprintf(stderr, "usage: step L C H V T B W EVERY [steps]\n");
		return 2;
	}
	gpt_config_preset(&c, "gpt-tiny");
	c.n_layer = atoi(argv[1]);
	c.n_embd = atoi(argv[2]);
	c.n_head = atoi(argv[3]);
	c.vocab_size = atoi(argv[4]);
	T = atoi(argv[5]);
	B = atoi(argv[6]);
	c.local_window = atoi(argv[7]);
	c.local_every = atoi(argv[8]);
	steps = argc > 9 ? atoi(argv[9]) : 5;
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
	for (int s = -1; s < steps; s++) {
		double t0 = now();
		gpt_forward(&m, in, tg, B, T, 1.0f / (B * T));
		gpt_backward(&m);
		gpt_adamw_step(&m, &opt, 1e-4f, 1.0f);
		t0 = now() - t0;
		if (s >= 0) {
			sum += t0;
			best = t0 < best ? t0 : best;
		}
	}
	printf("{\"threads\":%d,\"L\":%d,\"C\":%d,\"T\":%d,\"B\":%d,\"W\":%d,"
	    "\"every\":%d,\"ms_mean\":%.2f,\"ms_best\":%.2f}\n",
	    omp_get_max_threads(), c.n_layer, c.n_embd, T, B,
	    c.local_window, c.local_every, sum / steps * 1e3, best * 1e3);
	gpt_release(&m);
	free(in);
	free(tg);
	return 0;
}
