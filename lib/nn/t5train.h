/*
 * t5train.h - "train --model t5-tiny": T5 span-corruption pre-training.
 */
#ifndef PTK_NN_T5TRAIN_H
#define PTK_NN_T5TRAIN_H

/* Whether the command line asks for a T5 preset (--model t5-...). */
int	t5_wants(int argc, char *argv[]);
int	t5_train_main(int argc, char *argv[]);

#endif
