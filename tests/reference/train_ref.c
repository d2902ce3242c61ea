/*
 * train_ref.c - dumps what tests/reference/train_torch.py checks: initial
 * parameters, batches, logits, loss, every parameter gradient, and the
 * losses of 10 AdamW steps with clipping, from lib/nn.
 *
 * usage: train_ref DIR post_ln   (writes DIR/*.bin and DIR/config.json)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gpt.h"

enum { B = 3, T = 32, STEPS = 10 };

static void
dump(const char *dir, const char *name, const void *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fwrite(p, 1, n, f) != n ||
	    fclose(f) != 0) {
		perror(path);
		exit(3);
	}
}

/* The tensors of a slab in order, without padding. */
static void
dump_slab(const char *dir, const char *name, const struct gpt *m,
    const float *slab)
{
	size_t n = 0;
	float *buf;

	for (int i = 0; i < GPT_NPARAM; i++)
		n += m->sizes[i];
	buf = malloc(n * sizeof(float));
	n = 0;
	for (int i = 0; i < GPT_NPARAM; i++) {
		memcpy(buf + n, slab + (m->p[i] - m->params),
		    m->sizes[i] * sizeof(float));
		n += m->sizes[i];
	}
	dump(dir, name, buf, n * sizeof(float));
	free(buf);
}

int
main(int argc, char **argv)
{
	struct gpt_config c = { 2, 4, 64, 256, 97, 32, 0, 1, 1, 0.02f, 0, 0 };
	struct adamw opt = { 0.9f, 0.95f, 1e-8f, 0.1f };
	int32_t in[STEPS][B * T], tg[STEPS][B * T];
	float losses[STEPS], loss, norms[STEPS];
	struct nn_rng r;
	struct gpt m;
	char json[512];
	const char *dir;

	if (argc != 3)
		return 2;
	dir = argv[1];
	c.post_ln = atoi(argv[2]);
	c.final_ln = !c.post_ln;
	if (gpt_init(&m, &c, B, T, 1) != 0)
		return 3;
	gpt_init_weights(&m, 5);
	/* Non-trivial LayerNorm gains and biases, so their gradients count. */
	nn_rng_seed(&r, 17);
	for (int i = 0; i < GPT_NPARAM; i++)
		if (m.sizes[i] <= (size_t)c.n_layer * c.n_mlp)
			for (size_t j = 0; j < m.sizes[i]; j++)
				m.p[i][j] += (float)(0.1 * nn_rng_normal(&r));
	for (int s = 0; s < STEPS; s++)
		for (int i = 0; i < B * T; i++) {
			in[s][i] = (int32_t)(nn_rng_next(&r) % c.vocab_size);
			tg[s][i] = (int32_t)(nn_rng_next(&r) % c.vocab_size);
		}
	gpt_config_json(&c, json, sizeof(json));
	dump(dir, "config.json", json, strlen(json));
	dump_slab(dir, "params.bin", &m, m.params);
	dump(dir, "inputs.bin", in, sizeof(in));
	dump(dir, "targets.bin", tg, sizeof(tg));

	gpt_forward(&m, in[0], NULL, B, T, 0);
	dump(dir, "logits.bin", m.a.logits, sizeof(float) * B * T *
	    c.vocab_size);
	gpt_zero_grad(&m);
	loss = gpt_forward(&m, in[0], tg[0], B, T, 1.0f / (B * T));
	gpt_backward(&m);
	dump(dir, "loss.bin", &loss, sizeof(loss));
	dump_slab(dir, "grads.bin", &m, m.grads);

	/* The trainer's step: clip to 1.0, AdamW at lr 1e-3. */
	for (int s = 0; s < STEPS; s++) {
		double norm;
		float scale = 1;
		gpt_zero_grad(&m);
		losses[s] = gpt_forward(&m, in[s], tg[s], B, T, 1.0f / (B * T));
		gpt_backward(&m);
		norm = gpt_grad_norm(&m);
		norms[s] = (float)norm;
		if (norm > 1.0)
			scale = (float)(1.0 / (norm + 1e-6));
		gpt_adamw_step(&m, &opt, 1e-3f, scale);
	}
	dump(dir, "losses.bin", losses, sizeof(losses));
	dump(dir, "norms.bin", norms, sizeof(norms));
	dump_slab(dir, "params_after.bin", &m, m.params);
	gpt_release(&m);
	return 0;
}
