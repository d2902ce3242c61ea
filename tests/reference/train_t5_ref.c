/*
 * train_t5_ref.c - writes what train_t5_torch.py checks: a small T5 with
 * random weights, one batch (encoder padding, ignored targets), its loss
 * and every parameter gradient from lib/nn/t5.c.
 *
 * usage: train_t5_ref DIR   (writes DIR/config.json, params.bin, grads.bin,
 *                           batch.json, loss.bin)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/t5.h"

static void
dump(const char *dir, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fwrite(p, 1, n, f) != n ||
	    fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	struct t5_config c = { 2, 4, 32, 64, 50, 8, 20, 0.2f };
	enum { B = 3, S = 24, T = 9 };
	static int32_t src[B * S], dec[B * T], tgt[B * T];
	static const int slen[B] = { 24, 7, 15 };
	uint64_t x = 5;
	char json[65536];
	size_t jl = 0;
	struct t5 m;
	float loss;

	if (argc != 2) {
		fprintf(stderr, "usage: train_t5_ref DIR\n");
		return 2;
	}
	if (t5_init(&m, &c) != 0)
		return 2;
	t5_init_weights(&m, 9);
	for (int i = 0; i < B * S; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		src[i] = (int32_t)((x >> 33) % 50);
	}
	for (int i = 0; i < B * T; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		dec[i] = (int32_t)((x >> 33) % 50);
		tgt[i] = i % 7 == 6 ? -1 : (int32_t)((x >> 40) % 50);
	}
	loss = t5_forward(&m, src, slen, B, S, dec, tgt, T);
	t5_backward(&m);
	jl += (size_t)snprintf(json + jl, sizeof(json) - jl,
	    "{\"n_layer\":%d,\"n_head\":%d,\"n_embd\":%d,\"n_mlp\":%d,"
	    "\"vocab_size\":%d,\"n_buckets\":%d,\"max_distance\":%d,"
	    "\"B\":%d,\"S\":%d,\"T\":%d,\"slen\":[%d,%d,%d]}\n", c.n_layer,
	    c.n_head, c.n_embd, c.n_mlp, c.vocab_size, c.n_buckets,
	    c.max_distance, B, S, T, slen[0], slen[1], slen[2]);
	dump(argv[1], "config.json", json, jl);
	dump(argv[1], "params.bin", m.params, m.nparams * sizeof(float));
	dump(argv[1], "grads.bin", m.grads, m.nparams * sizeof(float));
	dump(argv[1], "src.bin", src, sizeof(src));
	dump(argv[1], "dec.bin", dec, sizeof(dec));
	dump(argv[1], "tgt.bin", tgt, sizeof(tgt));
	dump(argv[1], "loss.bin", &loss, sizeof(loss));
	t5_release(&m);
	return 0;
}
