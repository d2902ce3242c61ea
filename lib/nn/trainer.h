/*
 * trainer.h - the training loop: micro-batches with gradient accumulation,
 * clipping, AdamW on a schedule, validation and checkpoint/resume.
 *
 * The caller supplies the data as struct nn_data (data.h) and does all
 * printing; trainer_step() allocates nothing.
 */
#ifndef PTK_NN_TRAINER_H
#define PTK_NN_TRAINER_H

#include "nn/ckpt.h"
#include "nn/data.h"
#include "nn/gpt.h"

struct train_opts {
	int B;			/* sequences per micro-batch */
	int T;			/* tokens per sequence */
	int accum;		/* micro-batches per optimizer step */
	struct lr_schedule sched;
	struct adamw adamw;
	float clip;		/* max global grad norm; 0: no clipping */
	int eval_batches;	/* validation micro-batches per evaluation */
	uint64_t seed;		/* weights and data order */
};

struct train_metrics {
	uint64_t step;		/* steps done, this one included */
	float loss;		/* mean training loss of the step */
	float lr;
	double grad_norm;	/* before clipping */
	uint64_t tokens;	/* training tokens seen so far */
};

struct trainer {
	struct train_opts o;
	struct gpt m;
	struct nn_data data;
	uint64_t step;		/* optimizer steps done */
	uint64_t tokens;	/* tokens trained on */
	struct nn_rng rng;	/* saved and restored; seeds future sampling */
	int32_t *seq;		/* (B, T+1) windows of the current micro-batch */
	int32_t *inp;		/* (B, T) */
	int32_t *tgt;		/* (B, T) */
	int rank, nranks;	/* this process among the data-parallel ones */
	long bad_token;		/* after NN_EFORMAT: index in the window */
	int32_t bad_value;
};

/*
 * Set up a model of cfg for training on data, weights from o->seed.  Under
 * MPI (dist.h) each step's o->accum micro-batches are shared among the
 * ranks, so o->accum must be a multiple of their number.
 * Returns 0, NN_EAPI (bad shape) or NN_ENOMEM.
 */
int	trainer_init(struct trainer *tr, const struct gpt_config *cfg,
	    const struct train_opts *o, struct nn_data data);
void	trainer_release(struct trainer *tr);

/*
 * One optimizer step (collective under MPI: every rank calls it).  Returns 1 with *out filled, 0 when the data ran out
 * before a full step (nothing changed), or <0: NN_EFORMAT when a token is
 * outside the vocabulary (tr->bad_token, tr->bad_value), or the data
 * source's error.
 */
int	trainer_step(struct trainer *tr, struct train_metrics *out);

/*
 * Mean loss over up to o.eval_batches micro-batches of val (restarted from
 * pos).  Returns 0 with *loss, or <0 as trainer_step.
 */
int	trainer_eval(struct trainer *tr, struct nn_data *val,
	    const struct nn_data_pos *pos, float *loss);

/* Checkpoint the run (trainer_json: the options as JSON, for people). */
int	trainer_save(struct trainer *tr, const char *path,
	    const char *trainer_json);
/* Restore a run saved by trainer_save(): 0, NN_EIO or NN_EFORMAT (err). */
int	trainer_resume(struct trainer *tr, const char *path, char *err,
	    size_t errlen);

#endif
