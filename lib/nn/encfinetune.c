/*
 * encfinetune.c - "train finetune": BERT classification fine-tuning from an
 * encoder checkpoint, as in the BERT paper: the final hidden state of
 * [CLS] times a new classifier W (K, H) + b, cross-entropy, the whole
 * encoder trained with AdamW; validation accuracy after every epoch.
 *
 * Input: JSON Lines {"text": ..., "label": K} or {"text_a": ...,
 * "text_b": ..., "label": K}, encoded with --tokenizer as
 * [CLS] a [SEP] (b [SEP]), segments 0 then 1, cut to --seq-len.
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
#include "zio.h"
#include "nn/bert.h"
#include "nn/enctrain.h"

enum {
	OPT_TASK = CLI_OPT_FIRST_PROGRAM_OPT, OPT_TRAIN, OPT_VAL, OPT_LR,
	OPT_EPOCHS, OPT_SEED, OPT_LOG, OPT_WARMUP,
};

static const char help[] =
"Fine-tune a pre-trained BERT / ALBERT / RoBERTa checkpoint to classify\n"
"texts: the final [CLS] state times a new classifier; prints the\n"
"validation accuracy after every epoch as a JSON line.\n"
"\n"
"  -c, --checkpoint PATH  encoder checkpoint or --out folder (required)\n"
"      --task cls         classification (the only task so far)\n"
"  -t, --tokenizer PATH   the pre-training data's tokenizer (required)\n"
"      --train FILE       JSON Lines {text, label} or {text_a, text_b,\n"
"                         label}, labels 0 .. K-1 (required)\n"
"      --val FILE         the same, for accuracy (required)\n"
"      --epochs N         passes over --train (3)\n"
"  -B, --batch N          sequences per step (16)\n"
"  -T, --seq-len N        tokens per sequence (the model's context)\n"
"      --lr X             peak learning rate, linear decay to 0 (5e-5)\n"
"      --warmup N         linear warm-up steps (0)\n"
"      --seed S           classifier weights and example order (1337)\n"
"      --log FILE         metrics as JSON Lines, one per step\n";

struct ex {
	int32_t *tok;
	uint8_t *seg;
	int n, label;
};

struct exset {
	struct ex *e;
	size_t n, cap;
	int K;		/* 1 + the largest label */
};

static void
encode_into(struct tokenizer *tk, struct tok_state *st, const char *s,
    size_t n, struct idvec *out, const char *file, uint64_t line)
{
	if (tk->ops->encode(tk, st, s, n, out) != 0) {
		cli_error("%s: line %llu: text cannot be encoded", file,
		    (unsigned long long)line);
		exit(CLI_EXIT_DATA);
	}
}

static void
load(const char *path, struct tokenizer *tk, int T, struct exset *set)
{
	struct zio_reader *z;
	struct buf sc = BUF_INIT, sa = BUF_INIT, sb = BUF_INIT, tmp = BUF_INIT;
	struct tok_state *st = tk->ops->state_new(tk);
	const char *line, *why = NULL;
	long rep = 0;
	size_t len;
	uint64_t off, ln = 0;
	int rc;
	int32_t cls = tk->special[TOK_CLS], sep = tk->special[TOK_SEP];

	if (cls < 0 || sep < 0) {
		cli_error("the tokenizer has no [CLS] or [SEP] token");
		exit(CLI_EXIT_DATA);
	}
	memset(set, 0, sizeof(*set));
	if (zio_reader_open(&z, path) != 0) {
		cli_error("%s", zio_errmsg(z));
		exit(CLI_EXIT_IO);
	}
	while ((rc = zio_getline(z, &sc, 1 << 26, &line, &len, &off)) == 1) {
		const char *p = line, *end = line + len;
		int have_a = 0, have_b = 0, have_l = 0;
		unsigned long long lab = 0;
		struct idvec a = { 0 }, b = { 0 };
		struct ex e;

		ln++;
		p = json_skip_ws(p, end);
		if (p == end)
			continue;
		if (*p++ != '{')
			goto bad;
		for (;;) {
			const char *k, *v;
			size_t kl, vl;
			p = json_skip_ws(p, end);
			if (p < end && *p == '}')
				break;
			if (json_read_string(&p, end, &tmp, &k, &kl, 0, &rep,
			    &why) != 0)
				goto bad;
			/* k may point into tmp: compare before reading more. */
			int which = kl == 4 && !memcmp(k, "text", 4) ? 1 :
			    kl == 6 && !memcmp(k, "text_a", 6) ? 1 :
			    kl == 6 && !memcmp(k, "text_b", 6) ? 2 :
			    kl == 5 && !memcmp(k, "label", 5) ? 3 : 0;
			p = json_skip_ws(p, end);
			if (p >= end || *p++ != ':')
				goto bad;
			p = json_skip_ws(p, end);
			if (which == 1 || which == 2) {
				struct buf *o = which == 1 ? &sa : &sb;
				if (json_read_string(&p, end, o, &v, &vl, 1,
				    &rep, &why) != 0)
					goto bad;
				encode_into(tk, st, v, vl, which == 1 ? &a : &b,
				    path, ln);
				if (which == 1)
					have_a = 1;
				else
					have_b = 1;
			} else if (which == 3) {
				if (json_read_u64(&p, end, &lab, &why) != 0 ||
				    lab > 1000)
					goto bad;
				have_l = 1;
			} else if (json_skip_value(&p, end, &why) != 0) {
				goto bad;
			}
			p = json_skip_ws(p, end);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == '}')
				break;
			goto bad;
		}
		if (!have_a || !have_l) {
			why = "needs text (or text_a) and label";
			goto bad;
		}
		/* [CLS] a [SEP] (b [SEP]), cut to T: the longer side first. */
		{
			size_t na = a.n, nb = b.n, room = (size_t)T - 2 -
			    (have_b ? 1 : 0);
			while (na + nb > room) {
				if (na >= nb)
					na--;
				else
					nb--;
			}
			e.n = (int)(na + nb + 2 + (have_b ? 1 : 0));
			e.tok = xmalloc(sizeof(int32_t) * e.n);
			e.seg = xmalloc((size_t)e.n);
			e.label = (int)lab;
			int t = 0;
			e.tok[t] = cls;
			e.seg[t++] = 0;
			for (size_t i = 0; i < na; i++, t++) {
				e.tok[t] = (int32_t)a.v[i];
				e.seg[t] = 0;
			}
			e.tok[t] = sep;
			e.seg[t++] = 0;
			for (size_t i = 0; i < nb; i++, t++) {
				e.tok[t] = (int32_t)b.v[i];
				e.seg[t] = 1;
			}
			if (have_b) {
				e.tok[t] = sep;
				e.seg[t++] = 1;
			}
		}
		idvec_release(&a);
		idvec_release(&b);
		if (set->n == set->cap) {
			set->cap = set->cap ? 2 * set->cap : 256;
			set->e = xrealloc(set->e, set->cap * sizeof(*set->e));
		}
		set->e[set->n++] = e;
		if ((int)lab + 1 > set->K)
			set->K = (int)lab + 1;
		continue;
bad:
		cli_error("%s: line %llu at byte %llu: %s", path,
		    (unsigned long long)ln, (unsigned long long)off,
		    why ? why : "not a {text, label} object");
		exit(CLI_EXIT_DATA);
	}
	if (rc < 0) {
		cli_error("%s", zio_errmsg(z));
		exit(rc == PTK_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
	}
	if (set->n == 0) {
		cli_error("%s: no examples", path);
		exit(CLI_EXIT_DATA);
	}
	zio_reader_free(z);
	tk->ops->state_free(st);
	buf_release(&sc);
	buf_release(&sa);
	buf_release(&sb);
	buf_release(&tmp);
}

static void
exset_release(struct exset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->e[i].tok);
		free(s->e[i].seg);
	}
	free(s->e);
}

struct ft {
	struct bert m;
	int B, T, K, H;
	int32_t *tok, *lab, *len, *y;
	uint8_t *seg;
	float *w, *b, *gw, *gb, *mw, *vw, *mb, *vb;	/* classifier + AdamW */
	float *logit, *dfin, *loss;
	uint64_t t;
};

static void
fill(struct ft *f, const struct exset *s, const uint32_t *order, size_t from,
    int got)
{
	for (int i = 0; i < got; i++) {
		const struct ex *e = &s->e[order ? order[from + i] : from + i];
		int n = e->n < f->T ? e->n : f->T;
		for (int t = 0; t < f->T; t++) {
			f->tok[i * f->T + t] = t < n ? e->tok[t] : 0;
			f->seg[i * f->T + t] = t < n ? e->seg[t] : 0;
			f->lab[i * f->T + t] = -1;
		}
		f->len[i] = n;
		f->y[i] = e->label;
	}
}

/* Forward on got rows; logits into f->logit; returns correct count. */
static int
forward(struct ft *f, int got, double *loss, int train)
{
	struct bert_batch bt = { got, f->T, f->tok, f->seg, f->len, f->lab,
	    NULL };
	struct bert_loss l;
	const float *h;
	int correct = 0, K = f->K, H = f->H;

	bert_forward(&f->m, &bt, train ? 1 : 0, &l);
	h = bert_final(&f->m);
	*loss = 0;
	if (train)
		memset(f->dfin, 0, sizeof(float) * got * f->T * H);
	for (int i = 0; i < got; i++) {
		const float *x = h + (size_t)i * f->T * H;
		float *lg = f->logit + (size_t)i * K, mx = -INFINITY;
		double z = 0;
		int best = 0;
		for (int k = 0; k < K; k++) {
			float s = f->b[k];
			for (int d = 0; d < H; d++)
				s += f->w[k * H + d] * x[d];
			lg[k] = s;
			if (s > mx) {
				mx = s;
				best = k;
			}
		}
		correct += best == f->y[i];
		for (int k = 0; k < K; k++)
			z += exp(lg[k] - mx);
		*loss += log(z) + mx - lg[f->y[i]];
		if (train) {
			float *dx = f->dfin + (size_t)i * f->T * H;
			for (int k = 0; k < K; k++) {
				float p = (float)(exp(lg[k] - mx) / z);
				float g = (p - (k == f->y[i])) / got;
				f->gb[k] += g;
				for (int d = 0; d < H; d++) {
					f->gw[k * H + d] += g * x[d];
					dx[d] += g * f->w[k * H + d];
				}
			}
		}
	}
	*loss /= got;
	return correct;
}

static void
adamw(float *p, float *g, float *m, float *v, size_t n, float lr,
    uint64_t t, float wd)
{
	double bc1 = 1 - pow(0.9, (double)t), bc2 = 1 - pow(0.999, (double)t);

	for (size_t j = 0; j < n; j++) {
		m[j] = 0.9f * m[j] + 0.1f * g[j];
		v[j] = 0.999f * v[j] + 0.001f * g[j] * g[j];
		p[j] = p[j] * (1 - lr * wd) - (float)(lr / bc1) * m[j] /
		    ((float)sqrt(v[j] / bc2) + 1e-8f);
		g[j] = 0;
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
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common c = CLI_COMMON_INIT;
	const char *ckarg = NULL, *tkp = NULL, *trp = NULL, *vap = NULL;
	const char *task = "cls", *logp = NULL;
	double lr = 5e-5;
	long long epochs = 3, warmup = 0;
	unsigned long long seed = 1337;
	int B = 16, T = 0, ch, rc;
	struct tokenizer_opts to = { -1, 0, 0 };
	struct tokenizer *tk;
	struct bert_config cfg;
	struct exset tr, va;
	struct ft f;
	struct nn_rng r;
	struct adamw aw = { 0.9f, 0.999f, 1e-8f, 0.01f };
	char err[512], *ck;
	FILE *logf = NULL;
	uint32_t *order;
	long long total, step = 0;

	argv[0] = "train finetune";
	cli_init(argv, "usage: train finetune --checkpoint PATH --tokenizer "
	    "PATH --train FILE --val FILE [options]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS "c:t:B:T:", lo,
	    NULL)) != -1) {
		if (cli_common_opt(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'c': ckarg = optarg; break;
		case 't': tkp = optarg; break;
		case 'B': B = (int)cli_num(optarg, "--batch", 1, 65536); break;
		case 'T': T = (int)cli_num(optarg, "--seq-len", 4, 65536); break;
		case OPT_TASK: task = optarg; break;
		case OPT_TRAIN: trp = optarg; break;
		case OPT_VAL: vap = optarg; break;
		case OPT_LR: lr = cli_real(optarg, "--lr", 0, 10); break;
		case OPT_EPOCHS: epochs = cli_num(optarg, "--epochs", 1, 1 << 20); break;
		case OPT_WARMUP: warmup = cli_num(optarg, "--warmup", 0, 1LL << 40); break;
		case OPT_SEED: seed = (unsigned long long)cli_num(optarg,
		    "--seed", 0, (long long)((~0ULL) >> 1)); break;
		case OPT_LOG: logp = optarg; break;
		default: cli_usage_error("unknown option");
		}
	}
	if (strcmp(task, "cls") != 0)
		cli_usage_error("--task: only cls is supported");
	if (!ckarg || !tkp || !trp || !vap)
		cli_usage_error("--checkpoint, --tokenizer, --train and --val "
		    "are required");
	omp_set_num_threads(cli_jobs(&c));
	ck = enc_ckpt_path(ckarg);
	if ((rc = bert_ckpt_read_config(ck, &cfg, err, sizeof(err))) != 0) {
		cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) : err);
		exit(rc == NN_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
	}
	if (tokenizer_load(&tk, tkp, &to, err, sizeof(err)) != 0) {
		cli_error("%s: %s", tkp, err);
		exit(CLI_EXIT_IO);
	}
	if (tk->vocab_size > (uint32_t)cfg.vocab_size) {
		cli_error("%s: the tokenizer's vocabulary (%u) is larger than "
		    "the model's (%d)", tkp, tk->vocab_size, cfg.vocab_size);
		exit(CLI_EXIT_DATA);
	}
	if (!T)
		T = cfg.n_ctx;
	if (T > cfg.n_ctx)
		cli_usage_error("--seq-len %d is longer than the model's "
		    "context (%d)", T, cfg.n_ctx);
	load(trp, tk, T, &tr);
	load(vap, tk, T, &va);
	memset(&f, 0, sizeof(f));
	f.K = tr.K > va.K ? tr.K : va.K;
	if (f.K < 2)
		f.K = 2;
	f.B = B;
	f.T = T;
	f.H = cfg.n_embd;
	if (bert_init(&f.m, &cfg, B, T, 1) != 0) {
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
	f.tok = xmalloc(sizeof(int32_t) * B * T);
	f.lab = xmalloc(sizeof(int32_t) * B * T);
	f.seg = xmalloc((size_t)B * T);
	f.len = xmalloc(sizeof(int32_t) * B);
	f.y = xmalloc(sizeof(int32_t) * B);
	f.w = xcalloc((size_t)f.K * f.H, sizeof(float));
	f.gw = xcalloc((size_t)f.K * f.H, sizeof(float));
	f.mw = xcalloc((size_t)f.K * f.H, sizeof(float));
	f.vw = xcalloc((size_t)f.K * f.H, sizeof(float));
	f.b = xcalloc((size_t)f.K, sizeof(float));
	f.gb = xcalloc((size_t)f.K, sizeof(float));
	f.mb = xcalloc((size_t)f.K, sizeof(float));
	f.vb = xcalloc((size_t)f.K, sizeof(float));
	f.logit = xmalloc(sizeof(float) * B * f.K);
	f.dfin = xmalloc(sizeof(float) * B * T * f.H);
	nn_rng_seed(&r, seed);
	for (size_t i = 0; i < (size_t)f.K * f.H; i++)
		f.w[i] = (float)(0.02 * nn_rng_normal(&r));
	order = xmalloc(sizeof(uint32_t) * tr.n);
	if (logp && !(logf = fopen(logp, "w"))) {
		cli_error("%s: %s", logp, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	{
		/* The majority class of the validation set, for reference. */
		long cnt[1001] = { 0 }, mx = 0;
		for (size_t i = 0; i < va.n; i++)
			if (++cnt[va.e[i].label] > mx)
				mx = cnt[va.e[i].label];
		if (!c.quiet)
			fprintf(stderr, "train finetune: %zu training, %zu "
			    "validation examples, %d classes; majority class "
			    "%.4f of validation\n", tr.n, va.n, f.K,
			    (double)mx / va.n);
	}
	total = epochs * (long long)((tr.n + B - 1) / B);
	for (long long ep = 0; ep < epochs; ep++) {
		for (size_t i = 0; i < tr.n; i++)
			order[i] = (uint32_t)i;
		for (size_t i = tr.n; i > 1; i--) {
			size_t j = nn_rng_next(&r) % i;
			uint32_t t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (size_t i = 0; i < tr.n; i += B) {
			int got = tr.n - i < (size_t)B ? (int)(tr.n - i) : B;
			double loss, norm;
			float lrs = (float)(step < warmup ? lr * (step + 1) /
			    warmup : lr * (double)(total - step) /
			    (double)(total - (warmup < total ? warmup : 0)));
			fill(&f, &tr, order, i, got);
			forward(&f, got, &loss, 1);
			bert_backward_ext(&f.m, f.dfin);
			norm = bert_grad_norm(&f.m);
			bert_adamw_step(&f.m, &aw, lrs, norm > 1.0 ?
			    (float)(1.0 / (norm + 1e-6)) : 1.0f);
			f.t++;
			adamw(f.w, f.gw, f.mw, f.vw, (size_t)f.K * f.H, lrs,
			    f.t, 0.01f);
			adamw(f.b, f.gb, f.mb, f.vb, (size_t)f.K, lrs, f.t, 0);
			step++;
			if (logf)
				fprintf(logf, "{\"step\":%lld,\"epoch\":%lld,"
				    "\"loss\":%.6g,\"lr\":%.6g}\n", step,
				    ep + 1, loss, lrs);
		}
		{
			double vl = 0, l;
			long correct = 0;
			for (size_t i = 0; i < va.n; i += B) {
				int got = va.n - i < (size_t)B ?
				    (int)(va.n - i) : B;
				fill(&f, &va, NULL, i, got);
				correct += forward(&f, got, &l, 0);
				vl += l * got;
			}
			printf("{\"epoch\":%lld,\"step\":%lld,\"val_loss\":%.4f,"
			    "\"val_acc\":%.4f}\n", ep + 1, step, vl / va.n,
			    (double)correct / va.n);
			fflush(stdout);
			if (logf)
				fprintf(logf, "{\"step\":%lld,\"epoch\":%lld,"
				    "\"val_loss\":%.6g,\"val_acc\":%.6g}\n",
				    step, ep + 1, vl / va.n,
				    (double)correct / va.n);
		}
	}
	if (logf && fclose(logf) != 0) {
		cli_error("%s: %s", logp, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	bert_release(&f.m);
	tokenizer_free(tk);
	free(ck);
	free(order);
	exset_release(&tr);
	exset_release(&va);
	free(f.tok);
	free(f.lab);
	free(f.seg);
	free(f.len);
	free(f.y);
	free(f.w);
	free(f.gw);
	free(f.mw);
	free(f.vw);
	free(f.b);
	free(f.gb);
	free(f.mb);
	free(f.vb);
	free(f.logit);
	free(f.dfin);
	return 0;
}
