/*
 * sample.c - "train sample": tokens (and text) generated from a GPT
 * checkpoint; a T5 checkpoint goes to t5_sample_main().
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "tokenizer.h"
#include "xalloc.h"
#include "nn/ckpt.h"
#include "nn/gpt.h"
#include "nn/t5ckpt.h"
#include "train.h"

enum { OPT_TEMPERATURE = CLI_OPT_FIRST_PROGRAM_OPT, OPT_TOP_K, OPT_SEED,
	OPT_PROMPT, OPT_INPUT };

static const char sample_help[] =
"Generate tokens from a checkpoint; prints one JSON line per sample,\n"
"{\"id\":\"sample-N\",\"tokens\":[...]} (the prompt included), which\n"
"'tokcat --pack' turns into token records for a decoder.\n"
"\n"
"  -c, --checkpoint PATH  checkpoint file or --out folder (required)\n"
"  -t, --tokenizer PATH   the vocabulary the data was tokenized with (as\n"
"                         for tokenize): adds \"text\", the decoded sample\n"
"      --prompt TEXT      with --tokenizer: the prompt as text\n"
"  -p, --prompt-tokens L  prompt token ids, separated by spaces or commas\n"
"                         (default: the tokenizer's eos id, else 0)\n"
"  -n, --tokens N         tokens to generate (default 64)\n"
"  -s, --samples N        samples (default 1)\n"
"      --temperature X    softmax temperature; 0 takes the most likely (1.0)\n"
"      --top-k K          sample among the K most likely (default 40; 0: all)\n"
"      --seed S           random seed (default 1337)\n"
"A T5 checkpoint (train --model t5-tiny --out) decodes text-to-text inputs:\n"
"      --input FILE       JSON Lines {\"input\": S[, \"target\": S]}, or\n"
"                         --prompt TEXT as one input; prints one line per\n"
"                         input {line, input, output[, target, exact]} and\n"
"                         the exact match on stderr (needs --tokenizer;\n"
"                         --temperature 0 decodes greedily)\n";

int
train_sample_main(int argc, char *argv[])
{
	static const struct option lo[] = {
		CLI_LONGOPTS,
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "prompt-tokens", required_argument, NULL, 'p' },
		{ "tokens", required_argument, NULL, 'n' },
		{ "samples", required_argument, NULL, 's' },
		{ "temperature", required_argument, NULL, OPT_TEMPERATURE },
		{ "top-k", required_argument, NULL, OPT_TOP_K },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "tokenizer", required_argument, NULL, 't' },
		{ "prompt", required_argument, NULL, OPT_PROMPT },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common c = CLI_COMMON_INIT;
	const char *ckarg = NULL, *prompt = NULL, *vocab = NULL, *text = NULL;
	const char *input = NULL;
	struct t5_config t5c;
	struct tokenizer *tk = NULL;
	struct tokenizer_opts topts = { -1, 0, 0 };
	struct idvec ids = { NULL, 0, 0 };
	struct buf out = { NULL, 0, 0, 0 };
	long long ntok = 64, nsamp = 1, topk = 40;
	unsigned long long seed = 1337;
	double temp = 1.0;
	struct gpt_config cfg;
	struct ckpt_state cst;
	struct gpt m;
	struct nn_rng rng;
	int32_t *seq;
	int ch, rc, np = 0;
	char err[256], *ck, *end;
	const char *s;

	argv[0] = "train sample";	/* messages name the subcommand */
	cli_init(argv, "usage: train sample --checkpoint PATH [options]",
	    sample_help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS "c:n:p:s:t:", lo,
	    NULL)) != -1) {
		if (cli_common_opt(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'c': ckarg = optarg; break;
		case 'p': prompt = optarg; break;
		case 't': vocab = optarg; break;
		case OPT_PROMPT: text = optarg; break;
		case OPT_INPUT: input = optarg; break;
		case 'n': ntok = cli_num(optarg, "--tokens", 1, 1 << 20); break;
		case 's': nsamp = cli_num(optarg, "--samples", 1, 1 << 20); break;
		case OPT_TEMPERATURE: temp = cli_real(optarg, "--temperature", 0, 100); break;
		case OPT_TOP_K: topk = cli_num(optarg, "--top-k", 0, 1 << 24); break;
		case OPT_SEED:
			seed = (unsigned long long)cli_num(optarg, "--seed", 0,
			    1LL << 62);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (!ckarg)
		cli_usage_error("--checkpoint is required");
	if (optind < argc)
		cli_usage_error("unexpected operand '%s'", argv[optind]);
	omp_set_num_threads(cli_jobs(&c));
	ck = train_ckpt_path(ckarg);
	if (t5_ckpt_read_config(ck, &t5c, err, sizeof(err)) == 0) {
		struct t5_sample_opts so = { ck, vocab, input, text, ntok, topk,
		    nsamp, temp, seed, c.quiet };
		if (prompt)
			cli_usage_error("--prompt-tokens is for GPT "
			    "checkpoints");
		rc = t5_sample_main(&so);
		free(ck);
		return rc;
	}
	if (input)
		cli_usage_error("--input is for T5 checkpoints");
	if ((rc = ckpt_read_config(ck, &cfg, err, sizeof(err))) != 0) {
		cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) : err);
		return cli_exit_code(rc);
	}
	if (text && !vocab)
		cli_usage_error("--prompt needs --tokenizer");
	if (text && prompt)
		cli_usage_error("give --prompt or --prompt-tokens, not both");
	if (vocab) {
		if ((rc = tokenizer_load(&tk, vocab, &topts, err,
		    sizeof(err))) < 0) {
			cli_error("%s", err);
			return cli_exit_code(rc);
		}
		if (tk->vocab_size > (uint32_t)cfg.vocab_size)
			cli_usage_error("%s: vocabulary of %u tokens, the model "
			    "has %d", vocab, tk->vocab_size, cfg.vocab_size);
		if (text) {
			struct tok_state *ts = tk->ops->state_new(tk);
			rc = tk->ops->encode(tk, ts, text, strlen(text), &ids);
			tk->ops->state_free(ts);
			if (rc < 0) {
				cli_error("--prompt: cannot encode it");
				return cli_exit_code(rc);
			}
		}
	}
	if (!prompt && !text)
		prompt = tk && tk->special[TOK_EOS] >= 0 ? NULL : "0";
	if (!prompt && !text)
		idvec_push(&ids, (uint32_t)tk->special[TOK_EOS]);
	/* Check every prompt id before anything else is allocated. */
	for (s = prompt ? prompt : ""; *s;) {
		long long v;
		while (*s == ' ' || *s == ',')
			s++;
		if (!*s)
			break;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (end == s || errno || v < 0 || v >= cfg.vocab_size) {
			idvec_release(&ids);
			tokenizer_free(tk);
			cli_usage_error("--prompt-tokens: bad token id near "
			    "'%.20s' (vocabulary %d)", s, cfg.vocab_size);
		}
		idvec_push(&ids, (uint32_t)v);
		s = end;
	}
	seq = xmalloc(sizeof(int32_t) * (ids.n + 2 + ntok));
	for (size_t i = 0; i < ids.n; i++)
		seq[np++] = (int32_t)ids.v[i];
	if (np == 0) {
		free(seq);
		idvec_release(&ids);
		tokenizer_free(tk);
		cli_usage_error("the prompt has no tokens");
	}
	if ((rc = gpt_init(&m, &cfg, 1, cfg.n_ctx, 0)) != 0) {
		cli_error("cannot set up the model: %s", nn_strerror(rc));
		return CLI_EXIT_IO;
	}
	if ((rc = ckpt_load(ck, &m, &cst, err, sizeof(err))) != 0) {
		cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) : err);
		return cli_exit_code(rc);
	}
	nn_rng_seed(&rng, seed);
	for (long long k = 0; k < nsamp; k++) {
		int n = np;
		for (long long i = 0; i < ntok; i++, n++)
			seq[n] = gpt_sample_next(&m, seq, n, (float)temp,
			    (int)topk, &rng);
		printf("{\"id\":\"sample-%lld\",\"tokens\":[", k + 1);
		for (int i = 0; i < n; i++)
			printf(i ? ",%d" : "%d", seq[i]);
		printf("]");
		if (tk) {
			/* The ids are < vocab_size, checked above. */
			struct buf txt = { NULL, 0, 0, 0 };
			tk->ops->decode(tk, (const uint32_t *)seq, (size_t)n,
			    &txt);
			out.len = 0;
			json_write_string(&out, txt.p ? txt.p : "", txt.len);
			printf(",\"text\":%.*s", (int)out.len, out.p);
			buf_release(&txt);
		}
		printf("}\n");
	}
	buf_release(&out);
	idvec_release(&ids);
	tokenizer_free(tk);
	gpt_release(&m);
	free(seq);
	free(ck);
	return cli_finish(0, NULL);
}
