/*
 * gpt.c - "train --model gpt-...": a GPT / GPT-2 / GPT-3 on token records,
 * from a token-record file or shard data (--data, shuffled windows, any
 * number of epochs) or a stream on stdin (--stream).  Writes JSON Lines
 * metrics to --log and checkpoints to --out; --resume continues a run with
 * the identical loss sequence; data-parallel under mpirun (nn/dist.h).
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "nn/dist.h"
#include "nn/tokdata.h"
#include "nn/trainer.h"
#include "train.h"

enum { OPT_STREAM = TRAIN_OPT_FAMILY, OPT_VOCAB, OPT_LOCAL_WINDOW,
	OPT_LOCAL_EVERY };

static const struct option longopts[] = {
	TRAIN_LONGOPTS,
	{ "stream", no_argument, NULL, OPT_STREAM },
	{ "vocab-size", required_argument, NULL, OPT_VOCAB },
	{ "local-window", required_argument, NULL, OPT_LOCAL_WINDOW },
	{ "local-every", required_argument, NULL, OPT_LOCAL_EVERY },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Train a GPT / GPT-2 language model on token records.\n"
"\n"
"Data (one of):\n"
"  -d, --data PATH       a shard folder (mapped; its val split validates),\n"
"                        or a token-record file read whole; cut into\n"
"                        --seq-len windows shuffled every epoch (--seed)\n"
"      --stream          token records from the operands or stdin, windowed\n"
"                        in arrival order; memory is one record\n"
"      --val FILE        validation token records (default with --data: a\n"
"                        folder's val split, else the last --val-fraction\n"
"                        of the training windows, 0.05)\n"
"Model and run:\n"
"  -m, --model NAME|FILE preset (gpt-tiny gpt-mini gpt1 gpt2-small\n"
"                        gpt2-medium gpt2-large gpt2-xl gpt3-tiny) or a\n"
"                        JSON config;"
"                        presets, and files without vocab_size, take the\n"
"                        data's vocabulary size\n"
"      --vocab-size N    override the model's vocabulary size\n"
"      --local-window W  GPT-3 attention: every --local-every-th layer\n"
"      --local-every N   attends only to the W tokens up to itself (0: off)\n"
"  -n, --steps N         optimizer steps (required; a stream may end first)\n"
"  -T, --seq-len N       tokens per sequence (default: the shard folder's\n"
"                        seq_len if it fits, else the model's context)\n"
"  -B, --batch N         sequences per micro-batch (default 8)\n"
"      --batch-tokens N  tokens per step; a multiple of B*T reached by\n"
"                        gradient accumulation (default B*T)\n"
"      --lr X            peak learning rate (default 6e-4)\n"
"      --min-lr X        final learning rate (default lr/10)\n"
"      --warmup N        linear warm-up steps (default 0)\n"
"      --schedule S      cosine, linear, wsd or constant (default cosine;\n"
"                        wsd decays over the last --decay-steps)\n"
"      --decay-steps N   wsd: length of the final decay (default steps/10)\n"
"      --weight-decay X  AdamW decay on matrices and embeddings (0.1)\n"
"      --beta2 X         AdamW beta2 (default 0.95; beta1 is 0.9)\n"
"      --clip X          clip the global gradient norm to X (1.0; 0: off)\n"
"      --eval-every N    validation loss every N steps (default 100)\n"
"      --eval-batches N  micro-batches per validation (default 20)\n"
"      --seed S          weights and data order (default 1337)\n"
"Output:\n"
"      --log FILE        metrics as JSON Lines, one per step\n"
"      --out DIR         checkpoints DIR/step-NNNNNNNN.ckpt and DIR/latest\n"
"      --save-every N    checkpoint every N steps (default: at the end)\n"
"      --keep-best       also keep DIR/best.ckpt, the lowest validation\n"
"                        loss so far (DIR/best.json names its step)\n"
"      --resume PATH     continue from a checkpoint or an --out folder; a\n"
"                        stream run skips the records it had consumed\n"
"\n"
"Data parallel (a 'make MPI=1' build): mpirun -np N train --data ... shares\n"
"each step's micro-batches (--batch-tokens / (B*T), a multiple of N) among\n"
"the ranks and sums their gradients; the same options give the same losses\n"
"as one process.  Rank 0 writes the log and checkpoints.\n"
"\n"
"Other models and subcommands (each with its own --help):\n"
"  train --model bert-tiny|roberta-tiny|albert-tiny|FILE.json ...  encoders\n"
"  train --model t5-tiny ...             T5 span corruption, text-to-text\n"
"  train sample --checkpoint C ...       generate (GPT) or decode (T5)\n"
"  train eval --checkpoint C ...         zero- and few-shot scoring\n"
"  train finetune --checkpoint C ...     classify (encoders, GPT) or\n"
"                                        extract answer spans (encoders)\n";

struct run {
	struct cli_common c;
	struct train_common t;
	int stream, vocab, local_window, local_every;
};

/* The model: from the checkpoint when resuming, else preset or file. */
static void
get_config(const struct run *r, const char *ckpt, uint32_t data_vocab,
    struct gpt_config *cfg)
{
	char err[256];
	int preset = 0, vocab_given = 0, rc;

	if (ckpt) {
		if ((rc = ckpt_read_config(ckpt, cfg, err, sizeof(err))) != 0) {
			cli_error("%s: %s", ckpt, rc == NN_EIO ?
			    strerror(errno) : err);
			exit(rc == NN_EIO ? CLI_EXIT_IO : CLI_EXIT_DATA);
		}
		return;
	}
	if (!r->t.model)
		cli_usage_error("--model is required");
	if (gpt_config_preset(cfg, r->t.model) == 0) {
		preset = 1;
	} else {
		FILE *f = fopen(r->t.model, "rb");
		char buf[65536];
		size_t n;
		if (!f) {
			if (!strchr(r->t.model, '/') &&
			    !strchr(r->t.model, '.'))
				cli_usage_error("unknown model preset '%s'",
				    r->t.model);
			cli_error("%s: %s", r->t.model, strerror(errno));
			exit(CLI_EXIT_IO);
		}
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		if (gpt_config_parse(cfg, buf, n, &vocab_given, err,
		    sizeof(err)) != 0)
			cli_usage_error("%s: %s", r->t.model, err);
	}
	if (r->local_window >= 0)
		cfg->local_window = r->local_window;
	if (r->local_every >= 0)
		cfg->local_every = r->local_every;
	if (cfg->local_window > 0 && cfg->local_every == 0)
		cfg->local_every = 2;
	if (r->vocab)
		cfg->vocab_size = r->vocab;
	else if ((preset || !vocab_given) && data_vocab)
		cfg->vocab_size = (int)data_vocab;
	if (gpt_config_check(cfg, err, sizeof(err)) != 0)
		cli_usage_error("model: %s", err);
	if (data_vocab > (uint32_t)cfg->vocab_size)
		cli_usage_error("the data's vocabulary (%u) is larger than the "
		    "model's (%d)", data_vocab, cfg->vocab_size);
}

char *
train_ckpt_path(const char *path)
{
	char err[1024], *p = ckpt_resolve(path, err, sizeof(err));

	if (p == NULL) {
		cli_error("%s", err);
		exit(CLI_EXIT_IO);
	}
	return p;
}

/* "N ranks" (static storage). */
static const char *
ranks_str(int n)
{
	static char s[32];

	snprintf(s, sizeof(s), "%d ranks", n);
	return s;
}

/*
 * Checkpoint to DIR (rank 0; the others only take part in the check that
 * every rank holds the same weights, which they must after identical
 * updates).  0, or NN_EIO with errno.
 */
static int
save(struct trainer *tr, const char *dir, const char *opts_json, int best)
{
	char path[4096], name[64];

	if (!dist_same_floats(tr->m.params, tr->m.nparams)) {
		cli_error("the ranks' weights differ at step %llu: not saving",
		    (unsigned long long)tr->step);
		exit(CLI_EXIT_DATA);
	}
	if (tr->rank != 0)
		return 0;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return NN_EIO;
	if (best)
		snprintf(name, sizeof(name), "best.ckpt");
	else
		snprintf(name, sizeof(name), "step-%08llu.ckpt",
		    (unsigned long long)tr->step);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (trainer_save(tr, path, opts_json) != 0)
		return NN_EIO;
	if (best)
		return 0;	/* best.json, written by the caller, names it */
	/* DIR/latest names the newest complete checkpoint, written last. */
	return ckpt_mark_latest(dir, name);
}

static void
data_error(struct trainer *tr, int rc, const char *where, const char *msg)
{
	if (rc == NN_EFORMAT && tr->bad_token >= 0 && !msg)
		cli_error("%s: token %d outside the model's vocabulary (%d)",
		    where, tr->bad_value, tr->m.cfg.vocab_size);
	else
		cli_error("%s", msg ? msg : where);
	exit(cli_exit_code(rc));
}

int
gpt_train_main(int argc, char *argv[])
{
	struct run r = {
		.c = CLI_COMMON_INIT, .local_window = -1, .local_every = -1,
		.t = { .B = 8, .steps = -1, .batch_tokens = -1,
		    .eval_every = 100, .eval_batches = 20, .decay_steps = -1,
		    .lr = 6e-4, .min_lr = -1, .wd = 0.1, .beta2 = 0.95,
		    .clip = 1.0, .val_fraction = 0.05, .schedule = "cosine",
		    .seed = 1337 },
	};
	struct gpt_config cfg;
	struct train_opts o;
	/* Zeroed, so that the cleanup at "out" may run from any point. */
	struct trainer tr = { 0 };
	struct nn_source src = { 0 };
	char err[512], opts_json[1024], *ck = NULL;
	FILE *logf = NULL;
	int ch, rc, progress, ex = 0, rank;
	double best = INFINITY;
	enum lr_sched kind;

	rank = dist_rank();
	cli_init(argv, "usage: train (--data PATH | --stream) --model "
	    "PRESET|CONFIG.json --steps N [options] [file ...]", help);
	while ((ch = getopt_long(argc, argv, TRAIN_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (cli_common_opt(&r.c, ch, optarg) ||
		    train_common_opt(&r.t, ch, optarg))
			continue;
		switch (ch) {
		case OPT_STREAM: r.stream = 1; break;
		case OPT_LOCAL_WINDOW:
			r.local_window = (int)cli_num(optarg, "--local-window",
			    0, 65536);
			break;
		case OPT_LOCAL_EVERY:
			r.local_every = (int)cli_num(optarg, "--local-every",
			    1, 256);
			break;
		case OPT_VOCAB:
			r.vocab = (int)cli_num(optarg, "--vocab-size", 2,
			    GPT_MAX_VOCAB);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind, argv += optind;
	if (!r.t.data == !r.stream)
		cli_usage_error("give one of --data PATH and --stream");
	if (r.t.data && argc > 0)
		cli_usage_error("operands are read only with --stream");
	if (r.t.steps < 0)
		cli_usage_error("--steps is required");
	if (lr_sched_parse(r.t.schedule, &kind) != 0)
		cli_usage_error("unknown --schedule '%s'", r.t.schedule);
	if (argc > 1)
		cli_usage_error("--stream reads one input");
	if (r.t.keep_best && !r.t.out)
		cli_usage_error("--keep-best needs --out");
	if (dist_size() > 1 && r.stream)
		cli_usage_error("--stream reads standard input, which mpirun "
		    "gives rank 0 alone: give the ranks --data");
	omp_set_num_threads(cli_jobs(&r.c));
	progress = cli_show_progress(&r.c) && rank == 0;
	if (r.t.resume)
		ck = train_ckpt_path(r.t.resume);

	/* Data first: its header gives the vocabulary. */
	rc = nn_source_open(&src, r.t.data ? r.t.data : argc ? argv[0] : NULL,
	    r.stream, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		ex = cli_exit_code(rc);
		goto out;
	}
	if (r.t.T == 0 && src.seq_len > 0)
		r.t.T = (int)src.seq_len;
	get_config(&r, ck, src.hdr.vocab_size, &cfg);
	if (r.t.T == 0 || (r.t.T > cfg.n_ctx && !r.t.T_given))
		r.t.T = cfg.n_ctx;
	if (r.t.T > cfg.n_ctx)
		cli_usage_error("--seq-len %d is longer than the model's "
		    "context (%d)", r.t.T, cfg.n_ctx);
	if (r.t.batch_tokens < 0)
		r.t.batch_tokens = (long long)r.t.B * r.t.T;
	if (r.t.batch_tokens % ((long long)r.t.B * r.t.T) != 0)
		cli_usage_error("--batch-tokens %lld is not a multiple of "
		    "batch * seq-len = %d", r.t.batch_tokens, r.t.B * r.t.T);
	if (r.t.batch_tokens / ((long long)r.t.B * r.t.T) % dist_size() != 0)
		cli_usage_error("%d ranks share the %lld micro-batches of a "
		    "step (--batch-tokens / (batch * seq-len)): make it a "
		    "multiple of the ranks", dist_size(),
		    r.t.batch_tokens / ((long long)r.t.B * r.t.T));
	rc = nn_source_windows(&src, r.t.T, r.t.val, r.t.val_fraction,
	    r.t.seed, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		ex = cli_exit_code(rc);
		goto out;
	}

	memset(&o, 0, sizeof(o));
	o.B = r.t.B;
	o.T = r.t.T;
	o.accum = (int)(r.t.batch_tokens / ((long long)r.t.B * r.t.T));
	o.sched.kind = kind;
	o.sched.lr = (float)r.t.lr;
	o.sched.min_lr = (float)(r.t.min_lr >= 0 ? r.t.min_lr : r.t.lr / 10);
	o.sched.warmup = (long)r.t.warmup;
	o.sched.total = (long)r.t.steps;
	o.sched.decay = (long)(r.t.decay_steps >= 0 ? r.t.decay_steps :
	    r.t.steps / 10);
	o.sched.decay_start = -1;
	o.adamw = (struct adamw)ADAMW_INIT;
	o.adamw.weight_decay = (float)r.t.wd;
	o.adamw.beta2 = (float)r.t.beta2;
	o.clip = (float)r.t.clip;
	o.eval_batches = (int)r.t.eval_batches;
	o.seed = r.t.seed;
	if ((rc = trainer_init(&tr, &cfg, &o, src.data)) != 0) {
		cli_error("cannot set up the model: %s", nn_strerror(rc));
		ex = rc == NN_ENOMEM ? CLI_EXIT_IO : CLI_EXIT_USAGE;
		goto out;
	}
	tr.bad_token = -1;
	if (ck && (rc = trainer_resume(&tr, ck, err, sizeof(err))) != 0) {
		if (nn_source_err(&src))
			data_error(&tr, nn_source_err(&src),
			    nn_source_errmsg(&src), nn_source_errmsg(&src));
		cli_error("%s: %s", ck, rc == NN_EIO ? strerror(errno) : err);
		ex = cli_exit_code(rc);
		goto out;
	}
	snprintf(opts_json, sizeof(opts_json), "{\"batch\":%d,\"seq_len\":%d,"
	    "\"accum\":%d,\"lr\":%g,\"min_lr\":%g,\"warmup\":%lld,"
	    "\"schedule\":\"%s\",\"weight_decay\":%g,\"beta2\":%g,"
	    "\"clip\":%g,\"seed\":%llu,\"steps\":%lld}", r.t.B, r.t.T,
	    o.accum, r.t.lr, (double)o.sched.min_lr, r.t.warmup, r.t.schedule,
	    r.t.wd, r.t.beta2, r.t.clip, r.t.seed, r.t.steps);
	if (r.t.keep_best && tr.step)
		best = train_best_load(r.t.out);
	if (r.t.logp && rank == 0 &&
	    !(logf = fopen(r.t.logp, tr.step ? "a" : "w"))) {
		cli_error("%s: %s", r.t.logp, strerror(errno));
		ex = CLI_EXIT_IO;
		goto out;
	}
	if (!r.c.quiet && rank == 0)
		fprintf(stderr, "train: %s, %.2fM parameters, %d threads%s%s, "
		    "%lld tokens per step\n", r.t.model ? r.t.model : ck,
		    (double)tr.m.nparams / 1e6, cli_jobs(&r.c),
		    dist_size() > 1 ? " x " : "", dist_size() > 1 ?
		    ranks_str(dist_size()) : "", r.t.batch_tokens);

	while ((long long)tr.step < r.t.steps) {
		struct train_metrics mt;
		double t0 = train_now(), dt;
		float vl = NAN;

		rc = trainer_step(&tr, &mt);
		if (rc < 0)
			data_error(&tr, nn_source_err(&src) ?
			    nn_source_err(&src) : rc, src.path,
			    nn_source_errmsg(&src));
		if (rc == 0) {
			if (!r.c.quiet && rank == 0)
				fprintf(stderr, "train: the stream ended "
				    "after %llu steps\n",
				    (unsigned long long)tr.step);
			break;
		}
		dt = train_now() - t0;
		if (src.have_val && ((r.t.eval_every &&
		    mt.step % r.t.eval_every == 0) ||
		    mt.step == 1 || (long long)mt.step == r.t.steps))
			trainer_eval(&tr, &src.val, &src.val0, &vl);
		if (logf) {
			fprintf(logf, "{\"step\":%llu,\"loss\":%.6f,\"lr\":%.6g,"
			    "\"grad_norm\":%.6g,\"tokens\":%llu,"
			    "\"tokens_per_s\":%.1f,\"ms_per_step\":%.2f",
			    (unsigned long long)mt.step, (double)mt.loss,
			    (double)mt.lr, mt.grad_norm,
			    (unsigned long long)mt.tokens,
			    r.t.batch_tokens / dt, dt * 1e3);
			if (!isnan(vl))
				fprintf(logf, ",\"val_loss\":%.6f", (double)vl);
			fputs("}\n", logf);
			fflush(logf);
		}
		if (progress)
			fprintf(stderr, "\rstep %llu/%lld loss %.4f%s lr %.2e "
			    "%.0f ms/step ", (unsigned long long)mt.step,
			    r.t.steps, (double)mt.loss, "", (double)mt.lr,
			    dt * 1e3);
		if (progress && !isnan(vl))
			fprintf(stderr, "val %.4f\n", (double)vl);
		if (r.t.keep_best && !isnan(vl) && vl < best) {
			best = vl;
			if (save(&tr, r.t.out, opts_json, 1) != 0) {
				cli_error("%s: cannot write checkpoint: %s",
				    r.t.out, strerror(errno));
				ex = CLI_EXIT_IO;
				goto out;
			}
			if (rank == 0)
				train_best_mark(r.t.out,
				    (unsigned long long)mt.step, vl);
		}
		if (r.t.out && r.t.save_every &&
		    mt.step % r.t.save_every == 0 &&
		    (long long)mt.step != r.t.steps &&
		    save(&tr, r.t.out, opts_json, 0) != 0) {
			cli_error("%s: cannot write checkpoint: %s", r.t.out,
			    strerror(errno));
			ex = CLI_EXIT_IO;
			goto out;
		}
	}
	if (progress)
		fputc('\n', stderr);
	if (r.t.out && save(&tr, r.t.out, opts_json, 0) != 0) {
		cli_error("%s: cannot write checkpoint: %s", r.t.out,
		    strerror(errno));
		ex = CLI_EXIT_IO;
	}
out:
	if (logf && fclose(logf) != 0 && ex == 0) {
		cli_error("%s: %s", r.t.logp, strerror(errno));
		ex = CLI_EXIT_IO;
	}
	trainer_release(&tr);
	nn_source_release(&src);
	free(ck);
	return ex;
}
