/*
 * t5train.h - "train --model t5-tiny": T5 span-corruption pre-training
 * and text-to-text fine-tuning; decoding from its checkpoints.
 */
#ifndef PTK_NN_T5TRAIN_H
#define PTK_NN_T5TRAIN_H

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
 * stderr where targets are given.  Returns the exit status. */
int	t5_sample_main(const struct t5_sample_opts *o);

#endif
