/*
 * train - train transformer language models on token records: GPT / GPT-2 /
 * GPT-3 (the default), BERT / RoBERTa / ALBERT encoders and T5, fine-tune
 * them ("train finetune"), generate ("train sample") and evaluate ("train
 * eval").  This file only picks the subcommand or model family; each lives
 * in cmd/train/ (train.h).
 */
#include <string.h>

#include "cli.h"
#include "nn/dist.h"
#include "train.h"

int
main(int argc, char *argv[])
{
	int rank, rc;

	rank = dist_init(&argc, &argv);
	if (rank < 0) {
		cli_init(argv, NULL, NULL);
		cli_error("started as one of %d MPI ranks, but this train was "
		    "built without MPI: rebuild with 'make MPI=1'", -rank);
		return CLI_EXIT_USAGE;
	}
	if (dist_size() > 1 && (argc < 2 || (strcmp(argv[1], "sample") == 0 ||
	    strcmp(argv[1], "eval") == 0 || strcmp(argv[1], "finetune") == 0 ||
	    t5_wants(argc, argv)))) {
		cli_init(argv, NULL, NULL);
		cli_usage_error("only GPT and encoder pretraining run under "
		    "mpirun; run this in one process");
	}
	if (argc > 1 && strcmp(argv[1], "sample") == 0)
		return train_sample_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "eval") == 0)
		return train_eval_main(argc - 1, argv + 1);
	if (t5_wants(argc, argv))	/* T5 encoder-decoder */
		return t5_train_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "finetune") == 0)
		return enc_finetune_main(argc - 1, argv + 1);
	if (enc_wants(argc, argv))	/* BERT, RoBERTa, ALBERT */
		rc = enc_train_main(argc, argv);
	else
		rc = gpt_train_main(argc, argv);
	/* Only the data-parallel families get here with MPI running. */
	if (rc == 0)
		dist_finish();
	return rc;
}
