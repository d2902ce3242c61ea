/*
 * encfinetune.c - "train finetune" from an encoder checkpoint, as in the
 * BERT paper, the whole encoder trained with AdamW under a new head:
 *
 *  - cls: the final hidden state of [CLS] times a classifier W (K, H) + b,
 *    cross-entropy; inputs [CLS] a [SEP] (b [SEP]), segments 0 then 1, the
 *    longer side cut first to fit --seq-len.  Validation accuracy.
 *  - span (SQuAD): inputs [CLS] question [SEP] context [SEP]; a start and
 *    an end vector score every context token (W is (2, H)); the loss is the
 *    mean of the start and end cross-entropies over the context positions;
 *    the answer is the best start <= end within --max-answer tokens.
 *    Validation exact match and F1 (SQuAD v1.1's, against every given
 *    answer).  The question keeps up to 64 tokens (or half of --seq-len),
 *    the context the rest; training examples whose answer is cut off are
 *    left out, validation ones count as misses.
 *
 * A GPT checkpoint goes to gpt_finetune_main() (gptfinetune.c).
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
#include "json.h"
#include "tokenizer.h"
#include "xalloc.h"
#include "nn/bert.h"
#include "nn/ckpt.h"
#include "train.h"
#include "nn/ftdata.h"

enum {
	OPT_TASK = CLI_OPT_FIRST_PROGRAM_OPT, OPT_TRAIN, OPT_VAL, OPT_LR,
	OPT_EPOCHS, OPT_SEED, OPT_LOG, OPT_WARMUP, OPT_MAX_ANSWER, OPT_AUX_LM,
	OPT_PREDICT,
};

static const char help[] =
"Fine-tune a pre-trained checkpoint: BERT / ALBERT / RoBERTa to classify\n"
"texts (the final [CLS] state times a new classifier) or to extract answer\n"
"spans (SQuAD); GPT to classify (the last token's final state, with the\n"
"language-model loss as an auxiliary term).  Prints the validation\n"
"accuracy (cls) or exact match and F1 (span) after every epoch as JSON.\n"
"\n"
"  -c, --checkpoint PATH  encoder or GPT checkpoint, or --out folder\n"
"                         (required)\n"
"      --task cls|span    classification (default) or span extraction\n"
"  -t, --tokenizer PATH   the pre-training data's tokenizer (required)\n"
"      --train FILE       JSON Lines: cls {text, label} or {text_a, text_b,\n"
"                         label}, labels 0 .. K-1; span {question, context,\n"
"                         answer[, answer_start]} or SQuAD's {question,\n"
"                         context, answers: {text, answer_start}} (required)\n"
"      --val FILE         the same, for the scores (required)\n"
"      --max-answer N     span: longest answer in tokens (30)\n"
"      --aux-lm X         GPT: weight of the LM loss, L = L_cls + X L_LM\n"
"                         (0.5, as the GPT paper)\n"
"      --predict FILE     span: write each validation answer as JSON Lines\n"
"      --epochs N         passes over --train (3)\n"
"  -B, --batch N          sequences per step (16)\n"
"  -T, --seq-len N        tokens per sequence (the model's context)\n"
"      --lr X             peak learning rate, linear decay to 0 (5e-5)\n"
"      --warmup N         linear warm-up steps (0)\n"
"      --seed S           classifier weights and example order (1337)\n"
"      --log FILE         metrics as JSON Lines, one per step\n";


/* A row's place in the batch: where the context starts and the answer. */
struct rowinfo {
	int ctx_off, ctx_n;	/* span: context tokens in the row */
	int ans_s, ans_e;	/* span: answer positions in the row; -1 */
	size_t ex;		/* the example */
};

struct ft {
	struct bert m;
	enum ft_task task;
	int B, T, K, H, max_answer;
	int32_t *tok, *lab, *len, *y, cls, sep;
	uint8_t *seg;
	struct rowinfo *ri;
	struct ft_head hd;
	float *logit, *dfin;
};

/* Row i of the batch from example e (see the header for the layout). */
static void
fill_row(struct ft *f, int i, const struct ft_example *e, size_t ex)
{
	int32_t *tok = f->tok + (size_t)i * f->T;
	uint8_t *seg = f->seg + (size_t)i * f->T;
	struct rowinfo *ri = &f->ri[i];
	size_t na = e->na, nb = e->nb;
	int t = 0;

	if (f->task == FT_SPAN) {
		size_t qmax = f->T / 2 < 64 ? (size_t)f->T / 2 : 64;
		if (na > qmax)
			na = qmax;
		if (nb > (size_t)f->T - 3 - na)
			nb = (size_t)f->T - 3 - na;
	} else {
		size_t room = (size_t)f->T - 2 - (e->has_b ? 1 : 0);
		while (na + nb > room) {
			if (na >= nb)
				na--;
			else
				nb--;
		}
	}
	tok[t] = f->cls;
	seg[t++] = 0;
	for (size_t k = 0; k < na; k++, t++) {
		tok[t] = (int32_t)e->a[k];
		seg[t] = 0;
	}
	tok[t] = f->sep;
	seg[t++] = 0;
	ri->ctx_off = t;
	ri->ctx_n = (int)nb;
	for (size_t k = 0; k < nb; k++, t++) {
		tok[t] = (int32_t)e->b[k];
		seg[t] = 1;
	}
	if (e->has_b) {
		tok[t] = f->sep;
		seg[t++] = 1;
	}
	f->len[i] = t;
	for (int k = 0; k < f->T; k++)
		f->lab[(size_t)i * f->T + k] = -1;
	for (; t < f->T; t++) {
		tok[t] = 0;
		seg[t] = 0;
	}
	f->y[i] = e->label;
	ri->ex = ex;
	ri->ans_s = ri->ans_e = -1;
	if (f->task == FT_SPAN && e->ans_last < nb) {
		ri->ans_s = ri->ctx_off + (int)e->ans_first;
		ri->ans_e = ri->ctx_off + (int)e->ans_last;
	}
}

/* Whether a span example's answer survives the cut to --seq-len. */
static int
answer_fits(struct ft *f, const struct ft_example *e)
{
	size_t qmax = f->T / 2 < 64 ? (size_t)f->T / 2 : 64;
	size_t na = e->na < qmax ? e->na : qmax;

	return e->ans_last < (size_t)f->T - 3 - na;
}

/* Classification forward (and head backward); returns rows right. */
static int
cls_rows(struct ft *f, const float *h, int got, double *loss, int train)
{
	int correct = 0, K = f->K, H = f->H;

	for (int i = 0; i < got; i++) {
		const float *x = h + (size_t)i * f->T * H;
		float *lg = f->logit + (size_t)i * K, d[1000];
		int best = 0;
		ft_head_scores(&f->hd, x, lg);
		for (int k = 1; k < K; k++)
			if (lg[k] > lg[best])
				best = k;
		correct += best == f->y[i];
		*loss += ft_softmax_ce(lg, K, f->y[i], 1.0 / got, train ? d :
		    NULL);
		if (train)
			ft_head_backward(&f->hd, x, d,
			    f->dfin + (size_t)i * f->T * H);
	}
	return correct;
}

/*
 * Span forward (and head backward): the cross-entropy of the start and of
 * the end over the row's context positions.  Rows without the answer (cut
 * off) add no loss; *n counts those that do.  Predictions into pred (2 per
 * row).
 */
static void
span_rows(struct ft *f, const float *h, int got, double *loss, long *n,
    int train, int *pred)
{
	int H = f->H, T = f->T;
	float *sc = f->logit;	/* (2, T): a row's start, end scores */
	float *dsc = f->logit + 2 * T;	/* (2, T) their gradients */

	for (int i = 0; i < got; i++) {
		const struct rowinfo *ri = &f->ri[i];
		int c0 = ri->ctx_off, c1 = ri->ctx_off + ri->ctx_n;
		double best = -INFINITY;

		pred[2 * i] = pred[2 * i + 1] = -1;
		for (int p = c0; p < c1; p++) {
			float two[2];
			ft_head_scores(&f->hd, h + ((size_t)i * T + p) * H,
			    two);
			sc[p] = two[0];
			sc[T + p] = two[1];
		}
		for (int s = c0; s < c1; s++)
			for (int e = s; e < c1 && e < s + f->max_answer; e++)
				if (sc[s] + sc[T + e] > best) {
					best = sc[s] + sc[T + e];
					pred[2 * i] = s;
					pred[2 * i + 1] = e;
				}
		if (ri->ans_s < 0 || c1 == c0)
			continue;
		/* (start CE + end CE) / 2 over the context positions */
		*loss += 0.5 * ft_softmax_ce(sc + c0, c1 - c0, ri->ans_s - c0,
		    0.5 / got, train ? dsc + c0 : NULL);
		*loss += 0.5 * ft_softmax_ce(sc + T + c0, c1 - c0,
		    ri->ans_e - c0, 0.5 / got, train ? dsc + T + c0 : NULL);
		(*n)++;
		if (!train)
			continue;
		for (int p = c0; p < c1; p++) {
			float d[2] = { dsc[p], dsc[T + p] };
			ft_head_backward(&f->hd, h + ((size_t)i * T + p) * H, d,
			    f->dfin + ((size_t)i * T + p) * H);
		}
	}
}

/* Best EM and F1 of the predicted tokens [s, e] of row i. */
static void
score_span(struct ft *f, struct tokenizer *tk, const struct ft_set *set,
    int i, int s, int e, double *em, double *f1, struct buf *txt)
{
	const struct ft_example *ex = &set->e[f->ri[i].ex];

	txt->len = 0;
	if (s >= 0)
		tk->ops->decode(tk, (const uint32_t *)f->tok + (size_t)i * f->T +
		    s, (size_t)(e - s + 1), txt);
	buf_putc(txt, 0);
	*em = *f1 = 0;
	for (int g = 0; g < ex->ngold; g++) {
		double v = ft_exact_match(txt->p, ex->gold[g]);
		*em = v > *em ? v : *em;
		v = ft_f1(txt->p, ex->gold[g]);
		*f1 = v > *f1 ? v : *f1;
	}
}

int
enc_finetune_main(int argc, char *argv[])
{
	static const struct option lo[] = {
		CLI_LONGOPTS,
		{ "checkpoint", required_argument, NULL, 'c' },
		{ "tokenizer", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'B' },
		{ "seq-len", required_argument, NULL, 'T' },
		{ "task", required_argument, NULL, OPT_TASK },
		{ "train", required_argument, NULL, OPT_TRAIN },
		{ "val", required_argument, NULL, OPT_VAL },
		{ "lr", required_argument, NULL, OPT_LR },
		{ "epochs", required_argument, NULL, OPT_EPOCHS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "max-answer", required_argument, NULL, OPT_MAX_ANSWER },
		{ "aux-lm", required_argument, NULL, OPT_AUX_LM },
		{ "predict", required_argument, NULL, OPT_PREDICT },
		{ NULL, 0, NULL, 0 }
	};
	struct ft_opts o = { .c = CLI_COMMON_INIT, .task = "cls", .lr = 5e-5,
	    .epochs = 3, .seed = 1337, .B = 16, .aux_lm = 0.5,
	    .max_answer = 30 };
	struct tokenizer_opts to = { -1, 0, 0 };
	struct tokenizer *tk;
	struct bert_config cfg;
	struct ft_set tr, va;
	struct ft f;
	struct nn_rng r;
	struct adamw aw = { 0.9f, 0.999f, 1e-8f, 0.01f };
	struct buf txt = BUF_INIT;
	enum ft_task task;
	char err[512], *ck;
	FILE *logf = NULL, *predf = NULL;
	uint32_t *order;
	size_t ntrain = 0;
	long long total, step = 0;
	int ch, rc, *pred;

	argv[0] = "train finetune";
	cli_init(argv, "usage: train finetune --checkpoint PATH --tokenizer "
	    "PATH --train FILE --val FILE [options]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS "c:t:B:T:", lo,
	    NULL)) != -1) {
		if (cli_common_opt(&o.c, ch, optarg))
			continue;
		switch (ch) {
		case 'c': o.ckpt = optarg; break;
		case 't': o.tokenizer = optarg; break;
		case 'B': o.B = (int)cli_num(optarg, "--batch", 1, 65536); break;
		case 'T': o.T = (int)cli_num(optarg, "--seq-len", 4, 65536); break;
		case OPT_TASK: o.task = optarg; break;
		case OPT_TRAIN: o.train = optarg; break;
		case OPT_VAL: o.val = optarg; break;
		case OPT_LR: o.lr = cli_real(optarg, "--lr", 0, 10); break;
		case OPT_EPOCHS: o.epochs = cli_num(optarg, "--epochs", 1, 1 << 20); break;
		case OPT_WARMUP: o.warmup = cli_num(optarg, "--warmup", 0, 1LL << 40); break;
		case OPT_SEED: o.seed = (unsigned long long)cli_num(optarg,
		    "--seed", 0, (long long)((~0ULL) >> 1)); break;
		case OPT_LOG: o.log = optarg; break;
		case OPT_PREDICT: o.predict = optarg; break;
		case OPT_MAX_ANSWER:
			o.max_answer = (int)cli_num(optarg, "--max-answer", 1,
			    65536);
			break;
		case OPT_AUX_LM:
			o.aux_lm = cli_real(optarg, "--aux-lm", 0, 100);
			o.aux_lm_given = 1;
			break;
		default: cli_usage_error("unknown option");
		}
	}
	if (strcmp(o.task, "cls") == 0)
		task = FT_CLS;
	else if (strcmp(o.task, "span") == 0)
		task = FT_SPAN;
	else
		cli_usage_error("--task: cls or span, not '%s'", o.task);
	if (!o.ckpt || !o.tokenizer || !o.train || !o.val)
		cli_usage_error("--checkpoint, --tokenizer, --train and --val "
		    "are required");
	if (optind < argc)
		cli_usage_error("unexpected operand '%s'", argv[optind]);
	omp_set_num_threads(cli_jobs(&o.c));
	ck = train_ckpt_path(o.ckpt);
	if (ckpt_is_gpt(ck) == 1) {
		if (task != FT_CLS)
			cli_usage_error("%s: a GPT checkpoint fine-tunes for "
			    "--task cls only", ck);
		o.ckpt = ck;
		rc = gpt_finetune_main(&o);
		free(ck);
		return rc;
	}
	if (o.aux_lm_given)
		cli_usage_error("--aux-lm is for GPT checkpoints");
	if ((rc = bert_ckpt_read_config(ck, &cfg, err, sizeof(err))) != 0) {
		cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) : err);
		exit(rc == NN_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
	}
	if (tokenizer_load(&tk, o.tokenizer, &to, err, sizeof(err)) != 0) {
		cli_error("%s: %s", o.tokenizer, err);
		exit(CLI_EXIT_IO);
	}
	if (tk->vocab_size > (uint32_t)cfg.vocab_size) {
		cli_error("%s: the tokenizer's vocabulary (%u) is larger than "
		    "the model's (%d)", o.tokenizer, tk->vocab_size,
		    cfg.vocab_size);
		exit(CLI_EXIT_DATA);
	}
	memset(&f, 0, sizeof(f));
	f.cls = tk->special[TOK_CLS];
	f.sep = tk->special[TOK_SEP];
	if (f.cls < 0 || f.sep < 0) {
		cli_error("%s: the tokenizer has no [CLS] or [SEP] token",
		    o.tokenizer);
		exit(CLI_EXIT_DATA);
	}
	f.T = o.T ? o.T : cfg.n_ctx;
	if (f.T > cfg.n_ctx)
		cli_usage_error("--seq-len %d is longer than the model's "
		    "context (%d)", f.T, cfg.n_ctx);
	if (task == FT_SPAN && f.T < 8)
		cli_usage_error("--seq-len %d leaves no room for a context",
		    f.T);
	if ((rc = ft_load(o.train, task, tk, &tr, err, sizeof(err))) != 0 ||
	    (rc = ft_load(o.val, task, tk, &va, err, sizeof(err))) != 0) {
		cli_error("%s", rc == NN_ENOMEM ? "out of memory" : err);
		exit(rc == NN_EFORMAT ? CLI_EXIT_DATA : CLI_EXIT_IO);
	}
	f.task = task;
	f.max_answer = o.max_answer;
	f.K = task == FT_SPAN ? 2 : tr.K > va.K ? tr.K : va.K;
	if (f.K < 2)
		f.K = 2;
	f.B = o.B;
	f.H = cfg.n_embd;
	if (bert_init(&f.m, &cfg, f.B, f.T, 1) != 0) {
		cli_error("out of memory for the model");
		exit(CLI_EXIT_IO);
	}
	if ((rc = bert_ckpt_load(ck, &f.m, NULL, err, sizeof(err))) != 0) {
		cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) : err);
		exit(rc == NN_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
	}
	/* Fine-tuning starts a fresh optimizer. */
	memset(f.m.opt_m, 0, sizeof(float) * f.m.nparams);
	memset(f.m.opt_v, 0, sizeof(float) * f.m.nparams);
	f.m.opt_step = 0;
	f.tok = xmalloc(sizeof(int32_t) * f.B * f.T);
	f.lab = xmalloc(sizeof(int32_t) * f.B * f.T);
	f.seg = xmalloc((size_t)f.B * f.T);
	f.len = xmalloc(sizeof(int32_t) * f.B);
	f.y = xmalloc(sizeof(int32_t) * f.B);
	f.ri = xmalloc(sizeof(*f.ri) * f.B);
	pred = xmalloc(sizeof(int) * 2 * f.B);
	f.logit = xmalloc(sizeof(float) * (f.B * f.K > 4 * f.T ? f.B * f.K :
	    4 * f.T));
	f.dfin = xmalloc(sizeof(float) * f.B * f.T * f.H);
	nn_rng_seed(&r, o.seed);
	ft_head_init(&f.hd, f.K, f.H, &r);
	/* Training examples in use: span ones whose answer fits. */
	order = xmalloc(sizeof(uint32_t) * tr.n);
	for (size_t i = 0; i < tr.n; i++)
		if (task != FT_SPAN || answer_fits(&f, &tr.e[i]))
			order[ntrain++] = (uint32_t)i;
	if (ntrain == 0) {
		cli_error("%s: no example's answer fits in --seq-len %d",
		    o.train, f.T);
		exit(CLI_EXIT_DATA);
	}
	if (o.log && !(logf = fopen(o.log, "w"))) {
		cli_error("%s: %s", o.log, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	if (o.predict && !(predf = fopen(o.predict, "w"))) {
		cli_error("%s: %s", o.predict, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	if (!o.c.quiet && task == FT_CLS) {
		/* The majority class of the validation set, for reference. */
		long cnt[1001] = { 0 }, mx = 0;
		for (size_t i = 0; i < va.n; i++)
			if (++cnt[va.e[i].label] > mx)
				mx = cnt[va.e[i].label];
		fprintf(stderr, "train finetune: %zu training, %zu "
		    "validation examples, %d classes; majority class "
		    "%.4f of validation\n", tr.n, va.n, f.K,
		    (double)mx / va.n);
	} else if (!o.c.quiet) {
		fprintf(stderr, "train finetune: %zu training examples (%zu "
		    "with the answer cut off, left out), %zu validation\n",
		    ntrain, tr.n - ntrain, va.n);
	}
	total = o.epochs * (long long)((ntrain + f.B - 1) / f.B);
	for (long long ep = 0; ep < o.epochs; ep++) {
		for (size_t i = ntrain; i > 1; i--) {
			size_t j = nn_rng_next(&r) % i;
			uint32_t t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < ntrain; i += f.B) {
			int got = ntrain - i < (size_t)f.B ? (int)(ntrain - i) :
			    f.B;
			struct bert_batch bt = { got, f.T, f.tok, f.seg, f.len,
			    f.lab, NULL };
			struct bert_loss l;
			double loss = 0, norm;
			long nspan = 0;
			float lrs = ft_lr(o.lr, step, total, o.warmup);
			for (int k = 0; k < got; k++)
				fill_row(&f, k, &tr.e[order[i + k]],
				    order[i + k]);
			bert_forward(&f.m, &bt, 1, &l);
			memset(f.dfin, 0, sizeof(float) * got * f.T * f.H);
			if (task == FT_CLS) {
				cls_rows(&f, bert_final(&f.m), got, &loss, 1);
				loss /= got;
			} else {
				span_rows(&f, bert_final(&f.m), got, &loss,
				    &nspan, 1, pred);
				loss /= got;
			}
			bert_backward_ext(&f.m, f.dfin);
			norm = bert_grad_norm(&f.m);
			bert_adamw_step(&f.m, &aw, lrs, norm > 1.0 ?
			    (float)(1.0 / (norm + 1e-6)) : 1.0f);
			ft_head_step(&f.hd, lrs);
			step++;
			if (logf)
				fprintf(logf, "{\"step\":%lld,\"epoch\":%lld,"
				    "\"loss\":%.6g,\"lr\":%.6g}\n", step,
				    ep + 1, loss, lrs);
		}
		{
			double vl = 0, em = 0, f1 = 0;
			long correct = 0, nspan = 0;
			for (size_t i = 0; i < va.n; i += f.B) {
				int got = va.n - i < (size_t)f.B ?
				    (int)(va.n - i) : f.B;
				struct bert_batch bt = { got, f.T, f.tok, f.seg,
				    f.len, f.lab, NULL };
				struct bert_loss l;
				for (int k = 0; k < got; k++)
					fill_row(&f, k, &va.e[i + k], i + k);
				bert_forward(&f.m, &bt, 0, &l);
				if (task == FT_CLS) {
					correct += cls_rows(&f, bert_final(&f.m),
					    got, &vl, 0);
					continue;
				}
				span_rows(&f, bert_final(&f.m), got, &vl,
				    &nspan, 0, pred);
				for (int k = 0; k < got; k++) {
					double e1, f1k;
					score_span(&f, tk, &va, k, pred[2 * k],
					    pred[2 * k + 1], &e1, &f1k, &txt);
					em += e1;
					f1 += f1k;
					if (predf && ep + 1 == o.epochs) {
						struct buf js = BUF_INIT;
						json_write_string(&js, txt.p,
						    strlen(txt.p));
						fprintf(predf, "{\"line\":%zu,"
						    "\"answer\":%.*s,\"em\":%g,"
						    "\"f1\":%.4f}\n", i + k + 1,
						    (int)js.len, js.p, e1, f1k);
						buf_release(&js);
					}
				}
			}
			if (task == FT_CLS) {
				printf("{\"epoch\":%lld,\"step\":%lld,"
				    "\"val_loss\":%.4f,\"val_acc\":%.4f}\n",
				    ep + 1, step, vl / va.n,
				    (double)correct / va.n);
				if (logf)
					fprintf(logf, "{\"step\":%lld,\"epoch\":"
					    "%lld,\"val_loss\":%.6g,\"val_acc\":"
					    "%.6g}\n", step, ep + 1, vl / va.n,
					    (double)correct / va.n);
			} else {
				printf("{\"epoch\":%lld,\"step\":%lld,"
				    "\"val_loss\":%.4f,\"val_em\":%.4f,"
				    "\"val_f1\":%.4f}\n", ep + 1, step,
				    nspan ? vl / nspan : NAN, em / va.n,
				    f1 / va.n);
				if (logf)
					fprintf(logf, "{\"step\":%lld,\"epoch\":"
					    "%lld,\"val_loss\":%.6g,\"val_em\":"
					    "%.6g,\"val_f1\":%.6g}\n", step,
					    ep + 1, nspan ? vl / nspan : NAN,
					    em / va.n, f1 / va.n);
			}
			fflush(stdout);
		}
	}
	if (logf && fclose(logf) != 0) {
		cli_error("%s: %s", o.log, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	if (predf && fclose(predf) != 0) {
		cli_error("%s: %s", o.predict, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	bert_release(&f.m);
	tokenizer_free(tk);
	free(ck);
	free(order);
	free(pred);
	buf_release(&txt);
	ft_set_release(&tr);
	ft_set_release(&va);
	free(f.tok);
	free(f.lab);
	free(f.seg);
	free(f.len);
	free(f.y);
	free(f.ri);
	ft_head_release(&f.hd);
	free(f.logit);
	free(f.dfin);
	return 0;
}
