/*
 * finetune.h - what "train finetune" parsed, shared by the encoder
 * (encfinetune.c) and GPT (gptfinetune.c) fine-tuning runs.
 */
#ifndef PTK_NN_FINETUNE_H
#define PTK_NN_FINETUNE_H

#include "cli.h"

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
 * validation accuracy per epoch; exits with a CLI status on errors.
 * Returns 0.
 */
int	gpt_finetune_main(const struct ft_opts *o);

#endif
