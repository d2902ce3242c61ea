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

#include "cli.h"

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
