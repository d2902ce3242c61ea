/*
 * train_eval_ref.c - writes what train_eval_torch.py checks: a GPT-2 with
 * random weights, continuation requests (some cut to the window), and the
 * log-likelihoods nn_loglik gives for them, plus one text's nn_text_nll.
 *
 * usage: train_eval_ref DIR   (writes DIR/config.json, params.bin,
 *                              requests.json, loglik.bin)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/eval.h"

#define NREQ 7

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
	struct gpt_config c = { 2, 4, 64, 256, 97, 24, 0, 1, 1, 0.02f, 0, 0 };
	static const int shape[NREQ][2] = {	/* nctx, ncont */
		{ 5, 3 }, { 1, 1 }, { 30, 4 }, { 2, 24 }, { 40, 10 }, { 9, 1 },
		{ 1, 23 },
	};
	struct nn_llreq req[NREQ];
	double ll[NREQ + 1], nll = 0;
	uint64_t count = 0, x = 7;
	int32_t tok[400];
	char json[1024], *rj;
	size_t off = 0, jl = 0;
	struct gpt m;

	if (argc != 2) {
		fprintf(stderr, "usage: train_eval_ref DIR\n");
		return 2;
	}
	if (gpt_init(&m, &c, 4, c.n_ctx, 0) != 0)
		return 2;
	gpt_init_weights(&m, 11);
	/* Larger weights than the init's, so that the distribution is far
	 * from uniform and the check is sharp. */
	for (size_t i = 0; i < m.nparams; i++)
		m.params[i] *= 4;
	for (int i = 0; i < 400; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		tok[i] = (int32_t)((x >> 33) % (uint64_t)c.vocab_size);
	}
	rj = malloc(65536);
	jl += (size_t)sprintf(rj + jl, "[");
	for (int i = 0; i < NREQ; i++) {
		req[i].ctx = tok + off;
		req[i].nctx = shape[i][0];
		req[i].cont = tok + off + shape[i][0];
		req[i].ncont = shape[i][1];
		jl += (size_t)sprintf(rj + jl, "%s[%zu,%d,%d]", i ? "," : "",
		    off, shape[i][0], shape[i][1]);
		off += (size_t)(shape[i][0] + shape[i][1]);
	}
	jl += (size_t)sprintf(rj + jl, "]\n");
	if (nn_loglik(&m, req, NREQ, ll) != 0)
		return 2;
	/* Perplexity windows over 100 tokens. */
	if (nn_text_nll(&m, tok + 300, 100, &nll, &count) != 0 || count != 99)
		return 2;
	ll[NREQ] = nll;
	gpt_config_json(&c, json, sizeof(json));
	dump(argv[1], "config.json", json, strlen(json));
	dump(argv[1], "params.bin", m.params, m.nparams * sizeof(float));
	dump(argv[1], "tokens.bin", tok, sizeof(tok));
	dump(argv[1], "requests.json", rj, jl);
	dump(argv[1], "loglik.bin", ll, sizeof(ll));
	free(rj);
	gpt_release(&m);
	return 0;
}
