/*
 * train.h - the subcommands and model families of the train program, one
 * file each beside cmd/train.c (which parses nothing but dispatches):
 *
 *	gpt.c		GPT / GPT-2 / GPT-3 pre-training (the default)
 *	sample.c	"train sample": generation from a GPT or T5 checkpoint
 *	eval.c		"train eval": zero- and few-shot scoring
 *	encoder.c	BERT / RoBERTa / ALBERT pre-training
 *	finetune.c	"train finetune" of encoders (cls, span), and the
 *	finetune_gpt.c	GPT classification it hands GPT checkpoints to
 *	t5.c		T5 pre-training and text-to-text fine-tuning
 *	t5_sample.c	decoding from T5 checkpoints
 *
 * Each *_main() returns the exit status or exits with one (cli.h).
 */
#ifndef PTK_CMD_TRAIN_H
#define PTK_CMD_TRAIN_H

#include <getopt.h>

#include "cli.h"

/*
 * The pre-training options GPT and the encoders share (docs/train.1.md);
 * each family sets its own defaults before parsing.
 */
struct train_common {
	const char *data, *val, *model, *out, *resume, *logp, *schedule;
	int B, T, T_given;
	long long steps;		/* -1 until given */
	long long batch_tokens;		/* B*T*accum; <= 0: not given */
	long long eval_every;		/* 0: only at the end */
	long long eval_batches, save_every, warmup, decay_steps;
	double lr, min_lr, wd, beta2, clip, val_fraction;
	unsigned long long seed;
	int keep_best;			/* also keep DIR/best.ckpt */
};

enum {
	TRAIN_OPT_VAL = CLI_OPT_FIRST_PROGRAM_OPT, TRAIN_OPT_VAL_FRACTION,
	TRAIN_OPT_BATCH_TOKENS, TRAIN_OPT_LR, TRAIN_OPT_MIN_LR,
	TRAIN_OPT_WARMUP, TRAIN_OPT_SCHEDULE, TRAIN_OPT_DECAY_STEPS,
	TRAIN_OPT_WD, TRAIN_OPT_BETA2, TRAIN_OPT_CLIP, TRAIN_OPT_EVAL_EVERY,
	TRAIN_OPT_EVAL_BATCHES, TRAIN_OPT_SAVE_EVERY, TRAIN_OPT_OUT,
	TRAIN_OPT_RESUME, TRAIN_OPT_LOG, TRAIN_OPT_SEED, TRAIN_OPT_KEEP_BEST,
	TRAIN_OPT_FAMILY	/* the first of a family's own options */
};

#define TRAIN_SHORTOPTS CLI_SHORTOPTS "B:d:m:n:T:"
#define TRAIN_LONGOPTS \
	CLI_LONGOPTS, \
	{ "batch", required_argument, NULL, 'B' }, \
	{ "data", required_argument, NULL, 'd' }, \
	{ "model", required_argument, NULL, 'm' }, \
	{ "steps", required_argument, NULL, 'n' }, \
	{ "seq-len", required_argument, NULL, 'T' }, \
	{ "val", required_argument, NULL, TRAIN_OPT_VAL }, \
	{ "val-fraction", required_argument, NULL, TRAIN_OPT_VAL_FRACTION }, \
	{ "batch-tokens", required_argument, NULL, TRAIN_OPT_BATCH_TOKENS }, \
	{ "lr", required_argument, NULL, TRAIN_OPT_LR }, \
	{ "min-lr", required_argument, NULL, TRAIN_OPT_MIN_LR }, \
	{ "warmup", required_argument, NULL, TRAIN_OPT_WARMUP }, \
	{ "schedule", required_argument, NULL, TRAIN_OPT_SCHEDULE }, \
	{ "decay-steps", required_argument, NULL, TRAIN_OPT_DECAY_STEPS }, \
	{ "weight-decay", required_argument, NULL, TRAIN_OPT_WD }, \
	{ "beta2", required_argument, NULL, TRAIN_OPT_BETA2 }, \
	{ "clip", required_argument, NULL, TRAIN_OPT_CLIP }, \
	{ "eval-every", required_argument, NULL, TRAIN_OPT_EVAL_EVERY }, \
	{ "eval-batches", required_argument, NULL, TRAIN_OPT_EVAL_BATCHES }, \
	{ "save-every", required_argument, NULL, TRAIN_OPT_SAVE_EVERY }, \
	{ "out", required_argument, NULL, TRAIN_OPT_OUT }, \
	{ "resume", required_argument, NULL, TRAIN_OPT_RESUME }, \
	{ "log", required_argument, NULL, TRAIN_OPT_LOG }, \
	{ "seed", required_argument, NULL, TRAIN_OPT_SEED }, \
	{ "keep-best", no_argument, NULL, TRAIN_OPT_KEEP_BEST }

/* If ch is one of the shared options, store arg (exits 2 on a bad value)
 * and return 1; else 0. */
int	train_common_opt(struct train_common *t, int ch, const char *arg);

/* The value of --model / -m on a command line before any parsing (to pick
 * the model family), or NULL. */
const char *train_model_arg(int argc, char *argv[]);

/*
 * --keep-best: DIR/best.ckpt is the checkpoint of the lowest validation
 * loss so far, and DIR/best.json says which ({"step", "val_loss"}), so a
 * resumed run keeps comparing against it.  train_best_load() gives that
 * loss (INFINITY when there is none yet); train_best_mark() writes the
 * JSON atomically after the checkpoint (exits 3 on an I/O error).
 */
double	train_best_load(const char *dir);
void	train_best_mark(const char *dir, unsigned long long step,
	    double val_loss);

/* Seconds on the monotonic clock (step timings). */
double	train_now(void);

int	gpt_train_main(int argc, char *argv[]);
/* The checkpoint file a --resume / --checkpoint / --init PATH names: PATH,
 * or PATH/latest's content when PATH is a folder.  The caller frees it;
 * exits 3 when it cannot be read. */
char	*train_ckpt_path(const char *path);
int	train_sample_main(int argc, char *argv[]);
int	train_eval_main(int argc, char *argv[]);

/* Whether argv asks for an encoder model (--model/-m naming a preset or
 * a JSON config of one). */
int	enc_wants(int argc, char *argv[]);
int	enc_train_main(int argc, char *argv[]);
/* "train finetune" (argv[0] is "finetune"). */
int	enc_finetune_main(int argc, char *argv[]);

/* What "train finetune" parsed, shared by finetune.c and finetune_gpt.c. */
struct ft_opts {
	struct cli_common c;
	const char *ckpt;	/* resolved checkpoint file */
	const char *tokenizer, *train, *val, *log, *predict, *task;
	double lr, aux_lm;
	int aux_lm_given;
	long long epochs, warmup;
	unsigned long long seed;
	int B, T, max_answer;
};

/*
 * GPT classification fine-tuning (as the GPT paper): the final state of the
 * last token times W_y, plus aux_lm times the language-model loss.  Prints
 * validation accuracy per epoch.
 */
int	gpt_finetune_main(const struct ft_opts *o);

/* Whether the command line asks for a T5 preset (--model t5-...). */
int	t5_wants(int argc, char *argv[]);
int	t5_train_main(int argc, char *argv[]);

/* What "train sample" parsed, for a T5 checkpoint. */
struct t5_sample_opts {
	const char *ckpt;	/* resolved checkpoint file */
	const char *tokenizer;
	const char *input;	/* JSON Lines {input[, target]}, or */
	const char *prompt;	/* one input */
	long max_tokens, top_k, samples;
	double temperature;	/* 0: greedy */
	unsigned long long seed;
	int quiet;
};

/* Decode each input (samples times), one JSON line each, exact match on
 * stderr where targets are given. */
int	t5_sample_main(const struct t5_sample_opts *o);

#endif
