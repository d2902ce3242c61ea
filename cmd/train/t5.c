/*
 * t5train.c - "train --model t5-tiny": T5 span-corruption pre-training on
 * span records (mask-gen --span; segment 0 = inputs, 1 = targets), loss on
 * the targets only, AdamW with warm-up, JSON Lines metrics.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "nn/gpt.h"
#include "nn/ckpt.h"
#include "nn/ftdata.h"
#include "nn/t5.h"
#include "nn/t5ckpt.h"
#include "train.h"
#include "tokenizer.h"
#include "tokrec.h"
#include "xalloc.h"

#define T5_MAX_IN 256
#define T5_MAX_OUT 128

static const char t5_help[] =
"Pre-train a T5 encoder-decoder on span records (mask-gen --span): the\n"
"encoder reads the inputs (segment 0), the decoder predicts the targets\n"
"(segment 1) after a start token (the pad id, else 0); the loss is on the\n"
"targets only.  Every 20th record is held out for val_loss.\n"
"\n"
"  -m, --model t5-tiny    L=2, C=64, 4 heads, F=256, 32 buckets (max 128)\n"
"  -d, --data FILE        span records (or give FILE as an operand)\n"
"  -n, --steps N          optimizer steps (required)\n"
"  -B, --batch N          examples per step (default 16)\n"
"      --lr X             peak learning rate (default 1e-3)\n"
"      --warmup N         steps of linear warm-up (default 20)\n"
"      --eval-every N     val_loss every N steps (default 50; 0: at the end)\n"
"      --log FILE         JSON Lines metrics (default: stdout)\n"
"      --seed S           initialisation and batch order (default 1337)\n"
"      --out DIR          checkpoints DIR/step-NNNNNNNN.ckpt and DIR/latest\n"
"      --save-every N     checkpoint every N steps (default: at the end)\n"
"      --resume PATH      continue a run from its checkpoint (or --out\n"
"                         folder) on the same data: the same losses\n"
"      --init PATH        start from a checkpoint's weights with a fresh\n"
"                         optimizer (fine-tune a pre-trained T5)\n"
"Text-to-text fine-tuning, instead of --data:\n"
"      --text FILE        JSON Lines {\"input\": S, \"target\": S} (the task\n"
"                         named by a prefix of the input, \"reverse: ...\")\n"
"  -t, --tokenizer PATH   the vocabulary (needs an end-of-text token)\n"
"                         the held-out records are decoded greedily at the\n"
"                         end: a last line {\"exact_match\", \"examples\"}\n"
"Decode with 'train sample --checkpoint C --tokenizer V --input FILE'.\n"
"Inputs longer than 256 tokens and targets longer than 128 are cut.\n";

/* T5's optimizer: AdamW (beta 0.9 / 0.999) without weight decay. */
static const struct adamw t5_adam = { 0.9f, 0.999f, 1e-8f, 0.0f };

enum { OPT_LR = CLI_OPT_FIRST_PROGRAM_OPT, OPT_WARMUP, OPT_EVAL, OPT_LOG,
	OPT_SEED, OPT_TEXT, OPT_OUT, OPT_SAVE_EVERY, OPT_RESUME, OPT_INIT };

int
t5_wants(int argc, char *argv[])
{
	const char *v = train_model_arg(argc, argv);

	return v && strncmp(v, "t5-", 3) == 0;
}

struct ex {
	int32_t *in, *out;
	int nin, nout;
};

static size_t
load(const char *path, struct ex **exs, uint32_t *vocab, int32_t *pad)
{
	struct tok_reader *r;
	struct tok_rec rec;
	size_t n = 0, cap = 0;
	int rc;

	if ((rc = tok_reader_open(&r, path)) < 0) {
		cli_error("%s", tok_reader_errmsg(r));
		exit(cli_exit_code(rc));
	}
	if (rc == 0) {
		cli_error("%s: no records", path);
		exit(CLI_EXIT_DATA);
	}
	if (tok_reader_header(r)->kind != TOK_KIND_SPAN) {
		cli_error("%s: %s records, not span records (mask-gen --span)",
		    path, tok_kind_name(tok_reader_header(r)->kind));
		exit(CLI_EXIT_DATA);
	}
	*vocab = tok_reader_header(r)->vocab_size;
	*pad = tok_reader_header(r)->special[TOK_PAD];
	while ((rc = tok_read(r, &rec)) == 1) {
		struct ex *e;
		size_t ni = 0;
		if (!rec.segments) {
			cli_error("%s: record %zu: no segments", path, n + 1);
			exit(CLI_EXIT_DATA);
		}
		while (ni < rec.n && rec.segments[ni] == 0)
			ni++;
		if (ni == 0 || ni == rec.n) {
			cli_error("%s: record %zu: no %s", path, n + 1,
			    ni ? "targets" : "inputs");
			exit(CLI_EXIT_DATA);
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			*exs = xrealloc(*exs, sizeof(struct ex) * cap);
		}
		e = &(*exs)[n++];
		e->nin = (int)(ni < T5_MAX_IN ? ni : T5_MAX_IN);
		e->nout = (int)(rec.n - ni < T5_MAX_OUT ? rec.n - ni :
		    T5_MAX_OUT);
		e->in = xmalloc(sizeof(int32_t) * (size_t)e->nin);
		e->out = xmalloc(sizeof(int32_t) * (size_t)e->nout);
		for (int i = 0; i < e->nin; i++)
			e->in[i] = (int32_t)rec.tokens[i];
		for (int i = 0; i < e->nout; i++)
			e->out[i] = (int32_t)rec.tokens[ni + (size_t)i];
	}
	if (rc < 0) {
		cli_error("%s", tok_reader_errmsg(r));
		exit(cli_exit_code(rc));
	}
	tok_reader_free(r);
	return n;
}

/* ids (n) then eos, capped at cap tokens (eos kept last). */
static int32_t *
with_eos(const uint32_t *ids, size_t n, int32_t eos, int cap, int *len)
{
	int k = n + 1 < (size_t)cap ? (int)n + 1 : cap;
	int32_t *v = xmalloc(sizeof(int32_t) * (size_t)k);

	for (int i = 0; i < k - 1; i++)
		v[i] = (int32_t)ids[i];
	v[k - 1] = eos;
	*len = k;
	return v;
}

/* {"input": S, "target": S} lines into examples. */
static size_t
load_text(const char *path, struct tokenizer *tk, struct ex **exs)
{
	struct ft_set set;
	char err[512];
	size_t n;
	int rc;

	if ((rc = ft_load(path, FT_TEXT, tk, &set, err, sizeof(err))) != 0) {
		cli_error("%s", rc == NN_ENOMEM ? "out of memory" : err);
		exit(rc == NN_EFORMAT ? CLI_EXIT_DATA : CLI_EXIT_IO);
	}
	n = set.n;
	*exs = xcalloc(n, sizeof(struct ex));
	for (size_t i = 0; i < n; i++) {
		const struct ft_example *e = &set.e[i];
		struct ex *x = &(*exs)[i];
		x->in = with_eos(e->a, e->na, tk->special[TOK_EOS], T5_MAX_IN,
		    &x->nin);
		x->out = with_eos(e->b, e->nb, tk->special[TOK_EOS],
		    T5_MAX_OUT, &x->nout);
	}
	ft_set_release(&set);
	return n;
}

/* Greedy decoding of e's input: 1 when it gives e's target (which ends
 * with the end-of-text token) exactly. */
static int
greedy_match(struct t5 *m, const struct ex *e, int32_t start)
{
	int V = m->cfg.vocab_size, ok = 1;
	int32_t *dec = xmalloc(sizeof(int32_t) * (size_t)e->nout);
	int32_t *tgt = xmalloc(sizeof(int32_t) * (size_t)e->nout);

	dec[0] = start;
	for (int t = 0; t < e->nout && ok; t++) {
		const float *lg;
		int best = 0;
		for (int i = 0; i <= t; i++)
			tgt[i] = -1;
		t5_forward(m, e->in, &e->nin, 1, e->nin, dec, tgt, t + 1);
		lg = t5_logits(m) + (size_t)t * V;
		for (int j = 1; j < V; j++)
			best = lg[j] > lg[best] ? j : best;
		ok = best == e->out[t];
		if (t + 1 < e->nout)
			dec[t + 1] = best;
	}
	free(dec);
	free(tgt);
	return ok;
}

/* Every 20th example is held out for validation (the last one when there
 * are fewer than 20). */
static int
held_out(size_t i, size_t n)
{
	return n < 20 ? i == n - 1 : i % 20 == 19;
}

/*
 * The training examples of n into tr, in order, shuffled with rng when not
 * NULL; returns their count.  The order depends only on rng's state, so a
 * resumed run remakes an epoch's order from the generator saved with it.
 */
static size_t
shuffle_split(size_t *tr, size_t n, struct nn_rng *rng)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!held_out(i, n))
			tr[k++] = i;
	for (size_t i = k - 1; rng && i > 0; i--) {
		size_t j = (size_t)(nn_rng_uniform(rng) * (double)(i + 1));
		size_t t = tr[i];
		tr[i] = tr[j < i ? j : i];
		tr[j < i ? j : i] = t;
	}
	return k;
}

/* Loss of a batch of examples idx[0..nb). */
static float
batch_loss(struct t5 *m, struct ex *exs, const size_t *idx, int nb,
    int32_t start)
{
	int S = 1, T = 1, *slen = xmalloc(sizeof(int) * (size_t)nb);
	int32_t *src, *dec, *tgt;
	float loss;

	for (int b = 0; b < nb; b++) {
		S = exs[idx[b]].nin > S ? exs[idx[b]].nin : S;
		T = exs[idx[b]].nout > T ? exs[idx[b]].nout : T;
	}
	src = xcalloc((size_t)nb * S, sizeof(int32_t));
	dec = xcalloc((size_t)nb * T, sizeof(int32_t));
	tgt = xmalloc(sizeof(int32_t) * (size_t)nb * T);
	for (int b = 0; b < nb; b++) {
		const struct ex *e = &exs[idx[b]];
		slen[b] = e->nin;
		memcpy(src + (size_t)b * S, e->in, sizeof(int32_t) *
		    (size_t)e->nin);
		for (int t = 0; t < T; t++) {
			dec[(size_t)b * T + t] = t == 0 ? start : t <= e->nout ?
			    e->out[t - 1] : start;
			tgt[(size_t)b * T + t] = t < e->nout ? e->out[t] : -1;
		}
	}
	loss = t5_forward(m, src, slen, nb, S, dec, tgt, T);
	free(src);
	free(dec);
	free(tgt);
	free(slen);
	return loss;
}

int
t5_train_main(int argc, char *argv[])
{
	static const struct option lo[] = {
		CLI_LONGOPTS,
		{ "model", required_argument, NULL, 'm' },
		{ "data", required_argument, NULL, 'd' },
		{ "steps", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'B' },
		{ "lr", required_argument, NULL, OPT_LR },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "eval-every", required_argument, NULL, OPT_EVAL },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "text", required_argument, NULL, OPT_TEXT },
		{ "tokenizer", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "save-every", required_argument, NULL, OPT_SAVE_EVERY },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "init", required_argument, NULL, OPT_INIT },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common c = CLI_COMMON_INIT;
	const char *out = NULL, *resume = NULL, *init = NULL;
	long long save_every = 0, start = 0;
	char *ck = NULL;
	const char *model = NULL, *data = NULL, *logp = NULL, *text = NULL;
	const char *vocabp = NULL;
	struct tokenizer *tk = NULL;
	long long steps = -1, B = 16, warmup = 20, every = 50;
	unsigned long long seed = 1337;
	double lr = 1e-3;
	struct t5_config cfg = { 2, 4, 64, 256, 0, 32, 128, 0.05f };
	struct ex *exs = NULL;
	size_t n, ntrain = 0, nval = 0, *tr, *va, pos = 0;
	uint32_t vocab;
	int32_t pad;
	struct nn_rng rng, epoch_rng;
	struct t5 m;
	float *mo, *vo;
	FILE *logf = stdout;
	int ch;

	cli_init(argv, "usage: train --model t5-tiny --data FILE --steps N "
	    "[options]", t5_help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS "B:d:m:n:t:", lo,
	    NULL)) != -1) {
		if (cli_common_opt(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'm': model = optarg; break;
		case 'd': data = optarg; break;
		case 'n': steps = cli_num(optarg, "--steps", 1, 1LL << 40); break;
		case 'B': B = cli_num(optarg, "--batch", 1, 4096); break;
		case OPT_LR: lr = cli_real(optarg, "--lr", 0, 10); break;
		case OPT_WARMUP:
			warmup = cli_num(optarg, "--warmup", 0, 1LL << 40);
			break;
		case OPT_EVAL:
			every = cli_num(optarg, "--eval-every", 0, 1LL << 40);
			break;
		case OPT_LOG: logp = optarg; break;
		case OPT_TEXT: text = optarg; break;
		case 't': vocabp = optarg; break;
		case OPT_OUT: out = optarg; break;
		case OPT_RESUME: resume = optarg; break;
		case OPT_INIT: init = optarg; break;
		case OPT_SAVE_EVERY:
			save_every = cli_num(optarg, "--save-every", 1,
			    1LL << 40);
			break;
		case OPT_SEED:
			seed = (unsigned long long)cli_num(optarg, "--seed", 0,
			    1LL << 62);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (!model || strcmp(model, "t5-tiny") != 0)
		cli_usage_error("unknown T5 preset '%s' (t5-tiny)",
		    model ? model : "");
	if (steps < 0)
		cli_usage_error("--steps is required");
	if (!data && !text && optind < argc)
		data = argv[optind++];
	if (!data && !text)
		cli_usage_error("no data: give --data FILE or --text FILE");
	if (data && text)
		cli_usage_error("give --data or --text, not both");
	if (text && !vocabp)
		cli_usage_error("--text needs --tokenizer");
	if (optind < argc)
		cli_usage_error("unexpected operand '%s'", argv[optind]);
	if (resume && init)
		cli_usage_error("give --resume or --init, not both");
	omp_set_num_threads(cli_jobs(&c));
	if (resume || init) {
		char err[1024];
		int rc;
		if (!(ck = ckpt_resolve(resume ? resume : init, err,
		    sizeof(err)))) {
			cli_error("%s", err);
			return CLI_EXIT_IO;
		}
		/* The checkpoint's shape wins over the preset's. */
		if ((rc = t5_ckpt_read_config(ck, &cfg, err, sizeof(err))) !=
		    0) {
			cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) :
			    err);
			return cli_exit_code(rc);
		}
	}
	if (text) {
		struct tokenizer_opts topts = { -1, 0, 0 };
		char err[512];
		int rc;
		if ((rc = tokenizer_load(&tk, vocabp, &topts, err,
		    sizeof(err))) < 0) {
			cli_error("%s", err);
			return cli_exit_code(rc);
		}
		if (tk->special[TOK_EOS] < 0)
			cli_usage_error("%s: no end-of-text token", vocabp);
		vocab = tk->vocab_size;
		pad = tk->special[TOK_PAD];
		n = load_text(text, tk, &exs);
		data = text;
	} else {
		n = load(data, &exs, &vocab, &pad);
	}
	if (n < 2) {
		cli_error("%s: %zu record(s); at least 2 are needed", data, n);
		return CLI_EXIT_DATA;
	}
	tr = xmalloc(sizeof(size_t) * n);
	va = xmalloc(sizeof(size_t) * n);
	ntrain = shuffle_split(tr, n, NULL);
	for (size_t i = 0; i < n; i++)
		if (held_out(i, n))
			va[nval++] = i;
	if (!ck)
		cfg.vocab_size = (int)vocab;
	else if (vocab > (uint32_t)cfg.vocab_size) {
		cli_error("%s: a vocabulary of %u tokens, the checkpoint's "
		    "model has %d", data, vocab, cfg.vocab_size);
		return CLI_EXIT_DATA;
	}
	if (t5_init(&m, &cfg) != 0)
		cli_usage_error("bad model shape");
	t5_init_weights(&m, seed);
	mo = xcalloc(m.nparams, sizeof(float));
	vo = xcalloc(m.nparams, sizeof(float));
	nn_rng_seed(&rng, seed ^ 0x5555);
	epoch_rng = rng;
	if (ck) {
		struct t5_run_state st;
		char err[512];
		int rc = t5_ckpt_load(ck, &m, resume ? mo : NULL,
		    resume ? vo : NULL, &st, err, sizeof(err));
		if (rc != 0) {
			cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) :
			    err);
			return cli_exit_code(rc);
		}
		if (resume && st.nexamples != n) {
			cli_error("%s: the run had %llu examples, %s has %zu "
			    "(other data?)", ck,
			    (unsigned long long)st.nexamples, data, n);
			return CLI_EXIT_DATA;
		}
		if (resume) {
			start = (long long)st.step;
			pos = st.drawn;
			/* The saved generator made this epoch's order: make it
			 * again, which leaves rng where the run left it. */
			rng = epoch_rng = st.rng;
			if (pos > 0)
				shuffle_split(tr, n, &rng);
		}
	}
	if (out && mkdir(out, 0777) != 0 && errno != EEXIST) {
		cli_error("%s: %s", out, strerror(errno));
		return CLI_EXIT_IO;
	}
	if (logp && !(logf = fopen(logp, resume ? "a" : "w"))) {
		cli_error("%s: %s", logp, strerror(errno));
		return CLI_EXIT_IO;
	}
	for (long long s = start + 1; s <= steps; s++) {
		size_t idx[4096];
		double gn = 0, clip;
		float loss, a = (float)(warmup && s <= warmup ?
		    lr * (double)s / (double)warmup : lr);

		for (long long b = 0; b < B; b++) {
			/* A fresh shuffle of the training split per epoch. */
			if (pos % ntrain == 0) {
				epoch_rng = rng;
				shuffle_split(tr, n, &rng);
			}
			idx[b] = tr[pos++ % ntrain];
		}
		/* The gradients are zero: from t5_init, then AdamW. */
		loss = batch_loss(&m, exs, idx, (int)B, pad >= 0 ? pad : 0);
		t5_backward(&m);
		for (size_t i = 0; i < m.nparams; i++)
			gn += (double)m.grads[i] * m.grads[i];
		gn = sqrt(gn);
		clip = gn > 1.0 ? 1.0 / gn : 1.0;
		/* AdamW without weight decay over the whole slab. */
		nn_adamw_tensor(m.params, m.grads, mo, vo, m.nparams, &t5_adam,
		    a, (uint64_t)s, 0, (float)clip);
		fprintf(logf, "{\"step\":%lld,\"loss\":%.6f,\"lr\":%g,"
		    "\"grad_norm\":%.5g", s, loss, a, gn);
		if (s == 1 || (every && s % every == 0) || s == steps) {
			double vl = 0;
			long cnt = 0;
			for (size_t i = 0; i < nval; i += (size_t)B) {
				int nb = (int)(nval - i < (size_t)B ? nval - i :
				    (size_t)B);
				vl += batch_loss(&m, exs, va + i, nb,
				    pad >= 0 ? pad : 0) * nb;
				cnt += nb;
			}
			fprintf(logf, ",\"val_loss\":%.6f", vl / (double)cnt);
		}
		fprintf(logf, "}\n");
		fflush(logf);
		if (out && ((save_every && s % save_every == 0) ||
		    s == steps)) {
			struct t5_run_state st = { (uint64_t)s, pos, n,
			    epoch_rng };
			char path[4096], name[64];
			snprintf(name, sizeof(name), "step-%08llu.ckpt",
			    (unsigned long long)s);
			snprintf(path, sizeof(path), "%s/%s", out, name);
			if (t5_ckpt_save(path, &m, mo, vo, &st) != 0 ||
			    ckpt_mark_latest(out, name) != 0) {
				cli_error("%s: %s", path, strerror(errno));
				return CLI_EXIT_IO;
			}
		}
	}
	if (tk) {
		size_t right = 0;
		for (size_t i = 0; i < nval; i++)
			right += (size_t)greedy_match(&m, &exs[va[i]],
			    pad >= 0 ? pad : 0);
		fprintf(logf, "{\"exact_match\":%.6f,\"examples\":%zu}\n",
		    (double)right / (double)nval, nval);
		tokenizer_free(tk);
	}
	if (logf != stdout && fclose(logf) != 0) {
		cli_error("%s: %s", logp, strerror(errno));
		return CLI_EXIT_IO;
	}
	for (size_t i = 0; i < n; i++) {
		free(exs[i].in);
		free(exs[i].out);
	}
	free(exs);
	free(tr);
	free(va);
	free(mo);
	free(vo);
	free(ck);
	t5_release(&m);
	return cli_finish(0, NULL);
}
