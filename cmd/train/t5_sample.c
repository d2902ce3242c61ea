/*
 * t5sample.c - "train sample" from a T5 checkpoint: decode text-to-text
 * inputs greedily (--temperature 0) or by sampling, one JSON line each, and
 * score exact match where the lines carry targets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "tokenizer.h"
#include "xalloc.h"
#include "nn/ftdata.h"
#include "nn/t5ckpt.h"
#include "train.h"

#define T5_SAMPLE_MAX_IN 256

/* Append "key":"decoded ids" to out. */
static void
put_text(struct buf *out, struct tokenizer *tk, const char *key,
    const uint32_t *ids, size_t n, struct buf *tmp)
{
	tmp->len = 0;
	tk->ops->decode(tk, ids, n, tmp);
	buf_printf(out, ",\"%s\":", key);
	json_write_string(out, tmp->p ? tmp->p : "", tmp->len);
}

int
t5_sample_main(const struct t5_sample_opts *o)
{
	struct tokenizer_opts to = { -1, 0, 0 };
	struct tokenizer *tk;
	struct t5_config cfg;
	struct ft_set set = { 0 };
	struct ft_example one;
	struct t5 m;
	struct nn_rng rng;
	struct buf line = BUF_INIT, tmp = BUF_INIT;
	struct idvec ids = { NULL, 0, 0 };
	char err[512];
	int32_t *in, *out, eos, start;
	uint32_t *outu;
	size_t nex, scored = 0, right = 0;
	int rc;

	if (!o->tokenizer)
		cli_usage_error("a T5 checkpoint needs --tokenizer");
	if (!o->input == !o->prompt)
		cli_usage_error("a T5 checkpoint decodes --input FILE or "
		    "--prompt TEXT (one of them)");
	if ((rc = t5_ckpt_read_config(o->ckpt, &cfg, err, sizeof(err))) != 0) {
		cli_error("%s: %s", o->ckpt, rc == NN_EIO ? strerror(errno) :
		    err);
		return cli_exit_code(rc);
	}
	if ((rc = tokenizer_load(&tk, o->tokenizer, &to, err,
	    sizeof(err))) < 0) {
		cli_error("%s", err);
		return cli_exit_code(rc);
	}
	if ((eos = tk->special[TOK_EOS]) < 0)
		cli_usage_error("%s: no end-of-text token", o->tokenizer);
	if (tk->vocab_size > (uint32_t)cfg.vocab_size)
		cli_usage_error("%s: vocabulary of %u tokens, the model has %d",
		    o->tokenizer, tk->vocab_size, cfg.vocab_size);
	/* The decoder starts from the pad token, as in training. */
	start = tk->special[TOK_PAD] >= 0 ? tk->special[TOK_PAD] : 0;
	if (o->input) {
		rc = ft_load(o->input, FT_TEXT_INPUTS, tk, &set, err,
		    sizeof(err));
		if (rc != 0) {
			cli_error("%s", rc == NN_ENOMEM ? "out of memory" :
			    err);
			return rc == NN_EFORMAT ? CLI_EXIT_DATA : CLI_EXIT_IO;
		}
		nex = set.n;
	} else {
		struct tok_state *ts = tk->ops->state_new(tk);
		rc = tk->ops->encode(tk, ts, o->prompt, strlen(o->prompt),
		    &ids);
		tk->ops->state_free(ts);
		if (rc < 0) {
			cli_error("--prompt: cannot encode it");
			return cli_exit_code(rc);
		}
		memset(&one, 0, sizeof(one));
		one.a = ids.v;
		one.na = ids.n;
		nex = 1;
	}
	if (t5_init(&m, &cfg) != 0) {
		cli_error("%s: bad model shape", o->ckpt);
		return CLI_EXIT_DATA;
	}
	if ((rc = t5_ckpt_load(o->ckpt, &m, NULL, NULL, NULL, err,
	    sizeof(err))) != 0) {
		cli_error("%s: %s", o->ckpt, rc == NN_EIO ? strerror(errno) :
		    err);
		return cli_exit_code(rc);
	}
	in = xmalloc(sizeof(int32_t) * T5_SAMPLE_MAX_IN);
	out = xmalloc(sizeof(int32_t) * (size_t)o->max_tokens);
	outu = xmalloc(sizeof(uint32_t) * (size_t)o->max_tokens);
	nn_rng_seed(&rng, o->seed);
	for (size_t i = 0; i < nex; i++) {
		const struct ft_example *e = o->input ? &set.e[i] : &one;
		/* As in training: the input then eos, cut to the cap. */
		int nin = e->na + 1 < T5_SAMPLE_MAX_IN ? (int)e->na + 1 :
		    T5_SAMPLE_MAX_IN;
		for (int k = 0; k < nin - 1; k++)
			in[k] = (int32_t)e->a[k];
		in[nin - 1] = eos;
		for (long s = 0; s < o->samples; s++) {
			int n = t5_generate(&m, in, nin, start, eos,
			    (int)o->max_tokens, (float)o->temperature,
			    (int)o->top_k, &rng, out), nt = n;
			if (n < 0) {
				cli_error("out of memory");
				return CLI_EXIT_IO;
			}
			if (nt > 0 && out[nt - 1] == eos)
				nt--;	/* the text stops before eos */
			for (int k = 0; k < nt; k++)
				outu[k] = (uint32_t)out[k];
			line.len = 0;
			buf_printf(&line, "{\"line\":%zu", i + 1);
			if (o->samples > 1)
				buf_printf(&line, ",\"sample\":%ld", s + 1);
			put_text(&line, tk, "input", e->a, e->na, &tmp);
			put_text(&line, tk, "output", outu, (size_t)nt, &tmp);
			if (e->has_b) {
				int same = (size_t)nt == e->nb &&
				    (nt == 0 || !memcmp(outu, e->b,
				    sizeof(uint32_t) * (size_t)nt));
				put_text(&line, tk, "target", e->b, e->nb,
				    &tmp);
				buf_printf(&line, ",\"exact\":%s", same ?
				    "true" : "false");
				scored++;
				right += (size_t)same;
			}
			buf_printf(&line, "}\n");
			fwrite(line.p, 1, line.len, stdout);
		}
	}
	if (scored && !o->quiet)
		fprintf(stderr, "train sample: exact match %.4f (%zu of %zu "
		    "with targets)\n", (double)right / scored, right, scored);
	free(in);
	free(out);
	free(outu);
	buf_release(&line);
	buf_release(&tmp);
	idvec_release(&ids);
	ft_set_release(&set);
	t5_release(&m);
	tokenizer_free(tk);
	return cli_finish(0, NULL);
}
