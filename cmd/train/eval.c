/*
 * evalcli.c - "train eval": zero- and few-shot multiple choice and
 * perplexity of a checkpoint on a JSON Lines task (docs/train.1.md).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "nn/ckpt.h"
#include "train.h"
#include "nn/eval.h"
#include "tokenizer.h"
#include "xalloc.h"

#define EVAL_ROWS 4		/* sequences per forward pass */
#define EVAL_MAX_SHOTS 256

static const char eval_help[] =
"Score a checkpoint on a task without gradient updates; prints one JSON\n"
"object.  Multiple-choice tasks ({\"context\",\"choices\",\"label\"} lines)\n"
"report accuracy by the summed and by the length-normalised log-likelihood\n"
"of each choice; text tasks ({\"text\"} lines) report perplexity.\n"
"\n"
"  -c, --checkpoint PATH  checkpoint file or --out folder (required)\n"
"      --task FILE        the task, JSON Lines, plain or zstd (required)\n"
"  -t, --tokenizer PATH   the vocabulary the model was trained with\n"
"                         (required)\n"
"  -k, --shots K          examples put before each question (default 0)\n"
"      --train-task FILE  draw the shots from FILE (default: the other\n"
"                         examples of --task)\n"
"      --seed S           seed of the shot draw (default 1234)\n";

enum { OPT_TASK = CLI_OPT_FIRST_PROGRAM_OPT, OPT_TRAIN_TASK, OPT_SEED };


/* Token ids of a piece of text. */
struct toks {
	int32_t *v;
	int n;
};

struct enc {
	struct tokenizer *tk;
	struct tok_state *ts;
	struct idvec ids;
	int V;
};

static int
encode(struct enc *e, const char *s, size_t n, struct toks *out)
{
	int rc;

	e->ids.n = 0;
	if ((rc = e->tk->ops->encode(e->tk, e->ts, s, n, &e->ids)) < 0)
		return rc;
	out->n = (int)e->ids.n;
	out->v = xmalloc(sizeof(int32_t) * (e->ids.n + 1));
	for (size_t i = 0; i < e->ids.n; i++) {
		if (e->ids.v[i] >= (uint32_t)e->V)
			return PTK_ELIMIT;
		out->v[i] = (int32_t)e->ids.v[i];
	}
	return 0;
}

/* Encoded examples of a choice task: context, choices, and the shot text
 * (context, right choice, separator) of each. */
struct etask {
	struct nn_task t;
	struct toks *ctx, *shot;
	struct toks **ch;
};

static void
encode_task(struct enc *e, struct etask *et, const char *path, int shots)
{
	struct toks sep;

	if (encode(e, "\n\n", 2, &sep) < 0) {
		cli_error("cannot encode the shot separator");
		exit(CLI_EXIT_DATA);
	}
	et->ctx = xcalloc(et->t.n, sizeof(struct toks));
	et->ch = xcalloc(et->t.n, sizeof(struct toks *));
	et->shot = shots ? xcalloc(et->t.n, sizeof(struct toks)) : NULL;
	for (size_t i = 0; i < et->t.n; i++) {
		struct nn_task_ex *x = &et->t.ex[i];
		const char *what = "context";
		int rc = encode(e, x->context, x->context_len, &et->ctx[i]);

		et->ch[i] = xcalloc((size_t)x->nchoices, sizeof(struct toks));
		for (int c = 0; rc == 0 && c < x->nchoices; c++) {
			what = "a choice";
			rc = encode(e, x->choices[c], x->choice_len[c],
			    &et->ch[i][c]);
			if (rc == 0 && et->ch[i][c].n == 0) {
				cli_error("%s: record %zu at byte %llu: "
				    "choice %d has no tokens", path, i + 1,
				    (unsigned long long)x->offset, c);
				exit(CLI_EXIT_DATA);
			}
		}
		if (rc < 0) {
			cli_error("%s: record %zu at byte %llu: cannot "
			    "encode %s%s", path, i + 1,
			    (unsigned long long)x->offset, what, rc == PTK_ELIMIT ? " (token id over "
			    "the model's vocabulary)" : "");
			exit(CLI_EXIT_DATA);
		}
		if (shots) {
			const struct toks *a = &et->ctx[i],
			    *b = &et->ch[i][x->label];
			struct toks *s = &et->shot[i];
			s->n = a->n + b->n + sep.n;
			s->v = xmalloc(sizeof(int32_t) * ((size_t)s->n + 1));
			memcpy(s->v, a->v, sizeof(int32_t) * (size_t)a->n);
			memcpy(s->v + a->n, b->v, sizeof(int32_t) * (size_t)b->n);
			memcpy(s->v + a->n + b->n, sep.v,
			    sizeof(int32_t) * (size_t)sep.n);
		}
	}
	free(sep.v);
}

static void
etask_release(struct etask *et)
{
	for (size_t i = 0; i < et->t.n; i++) {
		free(et->ctx[i].v);
		if (et->shot)
			free(et->shot[i].v);
		for (int c = 0; c < et->t.ex[i].nchoices; c++)
			free(et->ch[i][c].v);
		free(et->ch[i]);
	}
	free(et->ctx);
	free(et->ch);
	free(et->shot);
	nn_task_release(&et->t);
}

static void
load_task(struct etask *et, const char *path)
{
	char err[1024];
	int rc;

	memset(et, 0, sizeof(*et));
	if ((rc = nn_task_read(&et->t, path, err, sizeof(err))) < 0) {
		cli_error("%s", err);
		exit(cli_exit_code(rc));
	}
}

static void
json_name(const char *key, const char *s)
{
	struct buf b = { NULL, 0, 0, 0 };

	json_write_string(&b, s, strlen(s));
	printf("\"%s\":%.*s,", key, (int)b.len, b.p);
	buf_release(&b);
}

static int
eval_text(struct gpt *m, struct enc *e, struct etask *et, const char *path)
{
	double nll = 0;
	uint64_t count = 0, bytes = 0;
	int32_t eos = e->tk->special[TOK_EOS];

	for (size_t i = 0; i < et->t.n; i++) {
		struct nn_task_ex *x = &et->t.ex[i];
		struct toks d;
		int32_t *seq;
		int rc;

		if ((rc = encode(e, x->context, x->context_len, &d)) < 0) {
			cli_error("%s: record %zu at byte %llu: cannot "
			    "encode the text%s", path, i + 1,
			    (unsigned long long)x->offset, rc == PTK_ELIMIT ? " (token id over "
			    "the model's vocabulary)" : "");
			return CLI_EXIT_DATA;
		}
		/* GPT-2 style: the end-of-text token starts every document,
		 * so its first token is scored too. */
		seq = xmalloc(sizeof(int32_t) * ((size_t)d.n + 1));
		if (eos >= 0)
			seq[0] = eos;
		memcpy(seq + (eos >= 0), d.v, sizeof(int32_t) * (size_t)d.n);
		nn_text_nll(m, seq, (size_t)d.n + (eos >= 0), &nll, &count);
		bytes += x->context_len;
		free(seq);
		free(d.v);
	}
	if (count == 0) {
		cli_error("%s: no token to score (every text is shorter than "
		    "two tokens)", path);
		return CLI_EXIT_DATA;
	}
	printf("{");
	json_name("task", path);
	printf("\"documents\":%zu,\"tokens\":%llu,\"loss\":%.6f,"
	    "\"perplexity\":%.4f,\"bits_per_byte\":%.6f}\n", et->t.n,
	    (unsigned long long)count, nll / (double)count,
	    exp(nll / (double)count), bytes ? nll / log(2.0) /
	    (double)bytes : 0.0);
	return 0;
}

static int
eval_choice(struct gpt *m, struct enc *e, struct etask *et,
    struct etask *pool, int k, uint64_t seed, const char *path)
{
	size_t right = 0, right_norm = 0, pick[EVAL_MAX_SHOTS];
	struct nn_llreq *req = NULL;
	double *ll = NULL;
	int32_t *prompt = NULL, eos = e->tk->special[TOK_EOS];
	size_t pcap = 0;
	int rcap = 0;

	for (size_t i = 0; i < et->t.n; i++) {
		struct nn_task_ex *x = &et->t.ex[i];
		size_t np = 0, need = (size_t)et->ctx[i].n + 1;
		int best = 0, best_norm = 0, rc;

		if (k)
			nn_pick_shots(seed, i, pool->t.n, pool == et ?
			    (long)i : -1, k, pick);
		for (int j = 0; j < k; j++)
			need += (size_t)pool->shot[pick[j]].n;
		if (need > pcap) {
			pcap = need;
			prompt = xrealloc(prompt, sizeof(int32_t) * pcap);
		}
		for (int j = 0; j < k; j++) {
			const struct toks *s = &pool->shot[pick[j]];
			memcpy(prompt + np, s->v, sizeof(int32_t) * (size_t)s->n);
			np += (size_t)s->n;
		}
		memcpy(prompt + np, et->ctx[i].v,
		    sizeof(int32_t) * (size_t)et->ctx[i].n);
		np += (size_t)et->ctx[i].n;
		if (np == 0) {
			if (eos < 0) {
				cli_error("%s: record %zu at byte %llu: the "
				    "context has no tokens and the tokenizer "
				    "no end-of-text token to stand for it",
				    path, i + 1, (unsigned long long)x->offset);
				return CLI_EXIT_DATA;
			}
			prompt[np++] = eos;
		}
		if (x->nchoices > rcap) {
			rcap = x->nchoices;
			req = xrealloc(req, sizeof(*req) * (size_t)rcap);
			ll = xrealloc(ll, sizeof(double) * (size_t)rcap);
		}
		for (int c = 0; c < x->nchoices; c++) {
			req[c].ctx = prompt;
			req[c].nctx = (int)(np < (size_t)1 << 30 ? np :
			    (size_t)1 << 30);
			req[c].cont = et->ch[i][c].v;
			req[c].ncont = et->ch[i][c].n;
			if (req[c].ncont > m->T) {
				cli_error("%s: record %zu at byte %llu: choice "
				    "%d has %d tokens, more than the model's "
				    "context of %d", path, i + 1,
				    (unsigned long long)x->offset, c,
				    req[c].ncont, m->T);
				return CLI_EXIT_DATA;
			}
		}
		/* A prompt longer than 2^30 tokens is cut to its start;
		 * only its last tokens are used anyway. */
		if (np > (size_t)1 << 30)
			for (int c = 0; c < x->nchoices; c++)
				req[c].ctx = prompt + np - ((size_t)1 << 30);
		if ((rc = nn_loglik(m, req, x->nchoices, ll)) != 0) {
			cli_error("scoring failed: %s", nn_strerror(rc));
			return CLI_EXIT_IO;
		}
		for (int c = 1; c < x->nchoices; c++) {
			if (ll[c] > ll[best])
				best = c;
			if (ll[c] / req[c].ncont >
			    ll[best_norm] / req[best_norm].ncont)
				best_norm = c;
		}
		right += best == x->label;
		right_norm += best_norm == x->label;
	}
	printf("{");
	json_name("task", path);
	printf("\"examples\":%zu,\"shots\":%d,\"seed\":%llu,\"correct\":%zu,"
	    "\"correct_norm\":%zu,\"accuracy\":%.6f,\"accuracy_norm\":%.6f}\n",
	    et->t.n, k, (unsigned long long)seed, right, right_norm,
	    (double)right / (double)et->t.n,
	    (double)right_norm / (double)et->t.n);
	free(prompt);
	free(req);
	free(ll);
	return 0;
}

int
train_eval_main(int argc, char *argv[])
{
	static const struct option lo[] = {
		CLI_LONGOPTS,
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "task", required_argument, NULL, OPT_TASK },
		{ "train-task", required_argument, NULL, OPT_TRAIN_TASK },
		{ "tokenizer", required_argument, NULL, 't' },
		{ "shots", required_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common c = CLI_COMMON_INIT;
	const char *ckarg = NULL, *task = NULL, *train = NULL, *vocab = NULL;
	struct tokenizer_opts topts = { -1, 0, 0 };
	unsigned long long seed = 1234;
	struct etask et, tt, *pool = &et;
	struct gpt_config cfg;
	struct ckpt_state cst;
	struct enc e;
	struct gpt m;
	char err[512], *ck;
	int ch, rc, k = 0;

	argv[0] = "train eval";		/* messages name the subcommand */
	cli_init(argv, "usage: train eval --checkpoint PATH --task FILE "
	    "--tokenizer PATH [options]", eval_help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS "c:k:t:", lo,
	    NULL)) != -1) {
		if (cli_common_opt(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'c': ckarg = optarg; break;
		case 't': vocab = optarg; break;
		case OPT_TASK: task = optarg; break;
		case OPT_TRAIN_TASK: train = optarg; break;
		case 'k':
			k = (int)cli_num(optarg, "--shots", 0, EVAL_MAX_SHOTS);
			break;
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
	if (!task)
		cli_usage_error("--task is required");
	if (!vocab)
		cli_usage_error("--tokenizer is required");
	if (optind < argc)
		cli_usage_error("unexpected operand '%s'", argv[optind]);
	omp_set_num_threads(cli_jobs(&c));
	ck = train_ckpt_path(ckarg);
	if ((rc = ckpt_read_config(ck, &cfg, err, sizeof(err))) != 0) {
		cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) : err);
		return cli_exit_code(rc);
	}
	memset(&e, 0, sizeof(e));
	if ((rc = tokenizer_load(&e.tk, vocab, &topts, err, sizeof(err))) < 0) {
		cli_error("%s", err);
		return cli_exit_code(rc);
	}
	if (e.tk->vocab_size > (uint32_t)cfg.vocab_size)
		cli_usage_error("%s: vocabulary of %u tokens, the model has %d",
		    vocab, e.tk->vocab_size, cfg.vocab_size);
	e.V = cfg.vocab_size;
	e.ts = e.tk->ops->state_new(e.tk);
	load_task(&et, task);
	if (et.t.kind == NN_TASK_TEXT && (k || train))
		cli_usage_error("--shots and --train-task are for "
		    "multiple-choice tasks; %s is a text task", task);
	if (train) {
		load_task(&tt, train);
		if (tt.t.kind != NN_TASK_CHOICE) {
			cli_error("%s: not a multiple-choice task", train);
			return CLI_EXIT_DATA;
		}
		pool = &tt;
	}
	if (k && (size_t)k > pool->t.n - (pool == &et))
		cli_usage_error("--shots %d needs at least %d %sexamples in "
		    "%s, which has %zu", k, k + (pool == &et),
		    pool == &et ? "" : "training ", pool == &et ? task : train,
		    pool->t.n);
	if (et.t.kind == NN_TASK_CHOICE)
		encode_task(&e, &et, task, k);
	if (train)
		encode_task(&e, &tt, train, k);
	if ((rc = gpt_init(&m, &cfg, EVAL_ROWS, cfg.n_ctx, 0)) != 0) {
		cli_error("cannot set up the model: %s", nn_strerror(rc));
		return CLI_EXIT_IO;
	}
	if ((rc = ckpt_load(ck, &m, &cst, err, sizeof(err))) != 0) {
		cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) : err);
		return cli_exit_code(rc);
	}
	rc = et.t.kind == NN_TASK_TEXT ? eval_text(&m, &e, &et, task) :
	    eval_choice(&m, &e, &et, pool, k, seed, task);
	if (train)
		etask_release(&tt);
	if (et.t.kind == NN_TASK_CHOICE)
		etask_release(&et);
	else
		nn_task_release(&et.t);
	e.tk->ops->state_free(e.ts);
	idvec_release(&e.ids);
	tokenizer_free(e.tk);
	gpt_release(&m);
	free(ck);
	return rc ? rc : cli_finish(0, NULL);
}
