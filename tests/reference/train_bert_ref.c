/*
 * train_bert_ref.c - dumps what tests/reference/train_bert_torch.py checks
 * for the encoders of lib/nn/bert.h: initial parameters, batches (tokens,
 * segments, lengths, MLM labels, NSP/SOP labels), the MLM and NSP/SOP
 * losses, every parameter gradient, and the losses of 8 AdamW steps with
 * clipping.
 *
 * usage: train_bert_ref DIR bert|albert-SHARE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/bert.h"

enum { B = 3, T = 12, STEPS = 8 };

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

int
main(int argc, char **argv)
{
	struct bert_config c;
	struct adamw opt = { 0.9f, 0.999f, 1e-8f, 0.01f };
	int32_t tok[STEPS][B * T], lab[STEPS][B * T], len[STEPS][B];
	int32_t cls[STEPS][B];
	uint8_t seg[STEPS][B * T];
	float losses[STEPS][2], first[2];
	struct nn_rng r;
	struct bert m;
	char json[512];

	if (argc != 3)
		return 2;
	bert_config_preset(&c, strncmp(argv[2], "albert", 6) == 0 ?
	    "albert-tiny" : "bert-tiny");
	c.vocab_size = 50;
	c.n_layer = 3;
	c.n_head = 4;
	c.n_embd = 32;
	c.n_mlp = 64;
	c.n_ctx = 16;
	c.n_emb = 32;
	if (strncmp(argv[2], "albert-", 7) == 0) {
		c.n_emb = 16;
		c.share = bert_share_parse(argv[2] + 7);
	}
	if (bert_init(&m, &c, B, T, 1) != 0)
		return 3;
	bert_init_weights(&m, 42);
	/* Non-trivial biases and gains, so their gradients are checked too. */
	nn_rng_seed(&r, 9);
	for (size_t i = 0; i < m.nparams; i++)
		m.params[i] += (float)(0.05 * nn_rng_normal(&r));
	for (int s = 0; s < STEPS; s++)
		for (int b = 0; b < B; b++) {
			int n = T - (int)(nn_rng_next(&r) % 5), a = 1 + n / 2;
			len[s][b] = n;
			cls[s][b] = (int)(nn_rng_next(&r) % 2);
			for (int t = 0; t < T; t++) {
				int i = b * T + t;
				tok[s][i] = t == 0 ? 1 : t == a || t == n - 1 ?
				    2 : t >= n ? 0 : 4 + (int)(nn_rng_next(&r) %
				    46);
				seg[s][i] = t > a && t < n;
				lab[s][i] = -1;
				if (t > 0 && t < n && t != a && t != n - 1 &&
				    nn_rng_next(&r) % 4 == 0) {
					lab[s][i] = tok[s][i];
					tok[s][i] = 3;	/* [MASK] */
				}
			}
			lab[s][b * T + 1] = 7;	/* one target at least */
		}
	bert_config_json(&c, json, sizeof(json));
	dump(argv[1], "config.json", json, strlen(json));
	dump(argv[1], "params.bin", m.params, m.nparams * sizeof(float));
	dump(argv[1], "tok.bin", tok, sizeof(tok));
	dump(argv[1], "seg.bin", seg, sizeof(seg));
	dump(argv[1], "len.bin", len, sizeof(len));
	dump(argv[1], "lab.bin", lab, sizeof(lab));
	dump(argv[1], "cls.bin", cls, sizeof(cls));
	for (int s = 0; s < STEPS; s++) {
		struct bert_batch bt = { B, T, tok[s], seg[s], len[s], lab[s],
		    cls[s] };
		struct bert_loss l;
		double norm;
		float scale = 1;
		bert_forward(&m, &bt, 1, &l);
		bert_backward(&m);
		losses[s][0] = (float)l.mlm;
		losses[s][1] = (float)l.cls;
		if (s == 0) {
			first[0] = losses[0][0];
			first[1] = losses[0][1];
			dump(argv[1], "grads.bin", m.grads,
			    m.nparams * sizeof(float));
		}
		norm = bert_grad_norm(&m);
		if (norm > 1.0)
			scale = (float)(1.0 / (norm + 1e-6));
		bert_adamw_step(&m, &opt, 1e-2f, scale);
	}
	dump(argv[1], "loss0.bin", first, sizeof(first));
	dump(argv[1], "losses.bin", losses, sizeof(losses));
	bert_release(&m);
	return 0;
}
