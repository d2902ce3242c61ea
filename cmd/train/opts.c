/*
 * opts.c - the pre-training options GPT (gpt.c) and the encoders
 * (encoder.c) share: one table, one parser, one set of ranges.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "train.h"

int
train_common_opt(struct train_common *t, int ch, const char *arg)
{
	switch (ch) {
	case 'B': t->B = (int)cli_num(arg, "--batch", 1, 65536); break;
	case 'd': t->data = arg; break;
	case 'm': t->model = arg; break;
	case 'n': t->steps = cli_num(arg, "--steps", 1, 1LL << 40); break;
	case 'T':
		t->T = (int)cli_num(arg, "--seq-len", 1, 65536);
		t->T_given = 1;
		break;
	case TRAIN_OPT_VAL: t->val = arg; break;
	case TRAIN_OPT_VAL_FRACTION:
		t->val_fraction = cli_real(arg, "--val-fraction", 0, 0.5);
		break;
	case TRAIN_OPT_BATCH_TOKENS:
		t->batch_tokens = cli_num(arg, "--batch-tokens", 1, 1LL << 40);
		break;
	case TRAIN_OPT_LR: t->lr = cli_real(arg, "--lr", 0, 10); break;
	case TRAIN_OPT_MIN_LR:
		t->min_lr = cli_real(arg, "--min-lr", 0, 10);
		break;
	case TRAIN_OPT_WARMUP:
		t->warmup = cli_num(arg, "--warmup", 0, 1LL << 40);
		break;
	case TRAIN_OPT_SCHEDULE: t->schedule = arg; break;
	case TRAIN_OPT_DECAY_STEPS:
		t->decay_steps = cli_num(arg, "--decay-steps", 0, 1LL << 40);
		break;
	case TRAIN_OPT_WD:
		t->wd = cli_real(arg, "--weight-decay", 0, 10);
		break;
	case TRAIN_OPT_BETA2:
		t->beta2 = cli_real(arg, "--beta2", 0, 0.999999);
		break;
	case TRAIN_OPT_CLIP: t->clip = cli_real(arg, "--clip", 0, 1e9); break;
	case TRAIN_OPT_EVAL_EVERY:
		t->eval_every = cli_num(arg, "--eval-every", 0, 1LL << 40);
		break;
	case TRAIN_OPT_EVAL_BATCHES:
		t->eval_batches = cli_num(arg, "--eval-batches", 1, 1 << 20);
		break;
	case TRAIN_OPT_SAVE_EVERY:
		t->save_every = cli_num(arg, "--save-every", 1, 1LL << 40);
		break;
	case TRAIN_OPT_OUT: t->out = arg; break;
	case TRAIN_OPT_RESUME: t->resume = arg; break;
	case TRAIN_OPT_LOG: t->logp = arg; break;
	case TRAIN_OPT_KEEP_BEST: t->keep_best = 1; break;
	case TRAIN_OPT_SEED:
		t->seed = (unsigned long long)cli_num(arg, "--seed", 0,
		    1LL << 62);
		break;
	default:
		return 0;
	}
	return 1;
}

const char *
train_model_arg(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-m") == 0 ||
		    strcmp(argv[i], "--model") == 0) && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--model=", 8) == 0)
			return argv[i] + 8;
		if (strncmp(argv[i], "-m", 2) == 0 && argv[i][2])
			return argv[i] + 2;
		if (strcmp(argv[i], "--") == 0)
			break;
	}
	return NULL;
}

double
train_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double
train_best_load(const char *dir)
{
	char path[4096], text[256];
	double v = INFINITY;
	const char *at;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/best.json", dir);
	if (!(f = fopen(path, "r")))
		return v;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	if ((at = strstr(text, "\"val_loss\":")))
		v = strtod(at + 11, NULL);
	return v > 0 || v == 0 ? v : INFINITY;
}

void
train_best_mark(const char *dir, unsigned long long step, double val_loss)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/best.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (!(f = fopen(tmp, "w")) || fprintf(f, "{\"step\":%llu,"
	    "\"val_loss\":%.9g}\n", step, val_loss) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		unlink(tmp);
		exit(CLI_EXIT_IO);
	}
}
