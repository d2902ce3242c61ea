/*
 * enctrain.h - "train --model bert-*|roberta-*|albert-*": pre-training of
 * the encoders of nn/bert.h on masked-LM records (docs/train.1.md,
 * "Encoder models").
 */
#ifndef PTK_NN_ENCTRAIN_H
#define PTK_NN_ENCTRAIN_H

/* Whether argv asks for an encoder model (--model/-m naming one). */
int	enc_wants(int argc, char *argv[]);
/* The whole program for encoder models; returns the exit status. */
int	enc_train_main(int argc, char *argv[]);
/* "train finetune": classification fine-tuning of an encoder checkpoint. */
int	enc_finetune_main(int argc, char *argv[]);
/* PATH, or PATH/latest's content when PATH is a folder (exits on error). */
char	*enc_ckpt_path(const char *path);

#endif
