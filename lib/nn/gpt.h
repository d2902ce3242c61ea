/*
 * gpt.h - a decoder-only transformer (GPT, GPT-2) with hand-written forward
 * and backward passes, AdamW, learning-rate schedules and checkpoints.
 *
 * Memory: one slab each for parameters, gradients, optimizer state and
 * activations, carved up by a size table when the model is set up; nothing
 * allocates after gpt_init().
 */
#ifndef PTK_NN_GPT_H
#define PTK_NN_GPT_H

#include <stddef.h>
#include <stdint.h>

enum nn_err {
	NN_EIO = -1,		/* read/write failed; errno kept */
	NN_EFORMAT = -2,	/* bad checkpoint or config data */
	NN_ELIMIT = -3,		/* over a cap (size, token id) */
	NN_EAPI = -4,		/* misuse: bad shape, unknown preset */
	NN_ENOMEM = -5,		/* allocation failed */
};

const char *nn_strerror(int err);

/* Model shape and variant.  Field names are those of the JSON config. */
struct gpt_config {
	int n_layer;		/* transformer blocks */
	int n_head;		/* attention heads; divides n_embd */
	int n_embd;		/* width C */
	int n_mlp;		/* MLP hidden width F (GPT-2: 4C) */
	int vocab_size;		/* V; token ids are in [0, V) */
	int n_ctx;		/* longest sequence (position table rows) */
	int post_ln;		/* 1: original GPT, LayerNorm after each residual */
	int final_ln;		/* 1: LayerNorm after the last block (GPT-2) */
	int scaled_init;	/* 1: residual projections get std/sqrt(2L) */
	float init_std;		/* std of the normal init of matrices (0.02) */
	int local_window;	/* GPT-3: W > 0 makes every local_every-th */
	int local_every;	/* layer (1-based) banded causal (nn/band.h) */
};

#define GPT_MAX_LAYER 256
#define GPT_MAX_DIM 65536
#define GPT_MAX_VOCAB (1 << 24)

/* Fills *cfg from a preset name ("gpt-tiny", "gpt2-small", ...): 0 or NN_EAPI. */
int	gpt_config_preset(struct gpt_config *cfg, const char *name);
/* Names of the presets, NULL-terminated, for --help. */
extern const char *const gpt_presets[];
/*
 * Parses a JSON object (schemas/model-config.schema.json) over the defaults
 * of a "preset" key if present, else GPT-2 small's.  *vocab_given (if not
 * NULL) tells whether the object sets vocab_size itself.  Returns 0, or
 * NN_EFORMAT with a message in err.
 */
int	gpt_config_parse(struct gpt_config *cfg, const char *json, size_t len,
	    int *vocab_given, char *err, size_t errlen);
/* Writes cfg as one JSON object line into buf; returns its length. */
size_t	gpt_config_json(const struct gpt_config *cfg, char *buf, size_t cap);
/* Checks shapes and limits: 0 or NN_EAPI with a message. */
int	gpt_config_check(const struct gpt_config *cfg, char *err, size_t errlen);

/* Parameter tensors, in slab order (also the checkpoint order). */
enum {
	GPT_WTE,	/* (V, C) token embedding, tied to the output */
	GPT_WPE,	/* (n_ctx, C) */
	GPT_LN1W,	/* (L, C) */
	GPT_LN1B,	/* (L, C) */
	GPT_QKVW,	/* (L, 3C, C) */
	GPT_QKVB,	/* (L, 3C) */
	GPT_ATTPROJW,	/* (L, C, C) */
	GPT_ATTPROJB,	/* (L, C) */
	GPT_LN2W,	/* (L, C) */
	GPT_LN2B,	/* (L, C) */
	GPT_FCW,	/* (L, F, C) */
	GPT_FCB,	/* (L, F) */
	GPT_FCPROJW,	/* (L, C, F) */
	GPT_FCPROJB,	/* (L, C) */
	GPT_LNFW,	/* (C) */
	GPT_LNFB,	/* (C) */
	GPT_NPARAM
};
extern const char *const gpt_param_names[GPT_NPARAM];

/* Activations kept from forward for backward; each is for all L layers. */
struct gpt_acts {
	float *encoded;		/* (B, T, C) block 0 input */
	float *ln1;		/* (L, B, T, C) */
	float *ln1_mean;	/* (L, B, T) */
	float *ln1_rstd;	/* (L, B, T) */
	float *qkv;		/* (L, B, T, 3C) */
	float *att;		/* (L, B, NH, T, T) softmax probabilities */
	float *atty;		/* (L, B, T, C) attention output */
	float *resid2;		/* (L, B, T, C) after the attention residual */
	float *ln2;		/* (L, B, T, C) */
	float *ln2_mean;	/* (L, B, T) */
	float *ln2_rstd;	/* (L, B, T) */
	float *fch;		/* (L, B, T, F) MLP pre-activation */
	float *fch_gelu;	/* (L, B, T, F) */
	float *resid3;		/* (L, B, T, C) after the MLP residual */
	float *lnf;		/* (B, T, C) */
	float *lnf_mean;	/* (B, T) */
	float *lnf_rstd;	/* (B, T) */
	float *logits;		/* (B, T, V); dlogits after a training forward */
	float *losses;		/* (B, T) */
	/* backward scratch (training only) */
	float *dres;		/* (B, T, C) gradient on the residual stream */
	float *da;		/* (B, T, C) */
	float *db;		/* (B, T, C) */
	float *df;		/* (B, T, max(F, 3C)) */
	float *datt;		/* (B, NH, T, T) */
	float *red;		/* column-reduction partial sums */
	int32_t *inputs;	/* (B, T) */
	int32_t *targets;	/* (B, T) */
};

struct gpt {
	struct gpt_config cfg;
	int B, T;			/* activation shape planned at init */
	int training;			/* grads and optimizer state allocated */
	size_t sizes[GPT_NPARAM];	/* floats per parameter tensor */
	size_t nparams;			/* total floats */
	float *params;			/* (nparams) slab */
	float *grads;			/* (nparams) slab, training only */
	float *opt_m;			/* (nparams) AdamW first moment */
	float *opt_v;			/* (nparams) AdamW second moment */
	float *p[GPT_NPARAM];		/* views into params */
	float *g[GPT_NPARAM];		/* views into grads */
	float *act_slab;		/* one allocation for struct gpt_acts */
	size_t act_floats;
	struct gpt_acts a;
	int curB, curT;			/* shape of the last forward */
	uint64_t opt_step;		/* AdamW steps taken (bias correction) */
};

/*
 * Sets up a model for batches of up to B sequences of up to T tokens
 * (T <= n_ctx), allocating its slabs; training adds gradients, optimizer
 * state and backward scratch.  Parameters are zero until gpt_init_weights()
 * or a checkpoint load.  Returns 0, NN_EAPI (bad config) or NN_ENOMEM.
 */
int	gpt_init(struct gpt *m, const struct gpt_config *cfg, int B, int T,
	    int training);
void	gpt_release(struct gpt *m);

/* GPT-2 initialisation from a seed: N(0, init_std) matrices, zero biases,
 * unit LayerNorm gains; residual projections scaled by 1/sqrt(2L). */
void	gpt_init_weights(struct gpt *m, uint64_t seed);

/*
 * Forward pass on tokens (B,T) with B <= m->B, T <= m->T.  With targets
 * (B,T), returns the mean cross-entropy over all B*T positions, where a
 * negative target counts as a loss of 0 with no gradient (padding); else
 * logits only and returns 0.
 * dscale != 0 (training) leaves dscale * d(sum of losses)/dlogits in
 * a.logits for gpt_backward(): pass 1/(B*T*accumulation steps).
 * Token ids must be in [0, V): check them first with gpt_check_tokens().
 */
float	gpt_forward(struct gpt *m, const int32_t *inputs,
	    const int32_t *targets, int B, int T, float dscale);
/* Index of the first token outside [0, V), or -1. */
long	gpt_check_tokens(const struct gpt *m, const int32_t *tok, size_t n);
void	gpt_zero_grad(struct gpt *m);
/* Adds the gradients of the last training forward into m->grads. */
void	gpt_backward(struct gpt *m);
/* The same with dfinal (B,T,C), the gradient of further losses on the
 * final hidden states (gpt_final()), added in (fine-tuning heads). */
void	gpt_backward_ext(struct gpt *m, const float *dfinal);
/* The final hidden states (B,T,C) of the last forward: after the final
 * LayerNorm when the model has one; what the tied output layer reads. */
const float *gpt_final(const struct gpt *m);
/* Global L2 norm of the gradients, summed in a fixed order. */
double	gpt_grad_norm(const struct gpt *m);

struct adamw {
	float beta1, beta2, eps;
	float weight_decay;	/* on matrices and embeddings only */
};
#define ADAMW_INIT { 0.9f, 0.95f, 1e-8f, 0.1f }

/*
 * One tensor's AdamW update (PyTorch's formula, operation for operation)
 * at optimizer step t (from 1): g (n) is multiplied by grad_scale
 * (clipping) and zeroed as it is read, m and v are the moments, and decay
 * says whether o->weight_decay applies to this tensor.  Every trainer's
 * optimizer (GPT, encoders, T5, fine-tuning heads) is this loop.
 */
void	nn_adamw_tensor(float *p, float *g, float *m, float *v, size_t n,
	    const struct adamw *o, float lr, uint64_t t, int decay,
	    float grad_scale);
/* One AdamW step (PyTorch's formula) with gradients multiplied by
 * grad_scale first (clipping); leaves the gradients at zero. */
void	gpt_adamw_step(struct gpt *m, const struct adamw *opt, float lr,
	    float grad_scale);

/* Learning-rate schedule after warm-up. */
enum lr_sched { LR_CONSTANT, LR_COSINE, LR_LINEAR, LR_WSD };
struct lr_schedule {
	enum lr_sched kind;
	float lr;		/* peak */
	float min_lr;		/* floor reached at the end of the decay */
	long warmup;		/* steps of linear warm-up from lr/warmup */
	long total;		/* steps of the run (cosine, linear) */
	long decay;		/* WSD: steps of the final linear decay */
	long decay_start;	/* WSD: step at which decay begins (-1: total-decay) */
};
/* Learning rate for step s (0-based). */
float	lr_at(const struct lr_schedule *s, long step);
int	lr_sched_parse(const char *name, enum lr_sched *out);

/* Random numbers: xoshiro256**, seeded by splitmix64; state is 4 words. */
struct nn_rng {
	uint64_t s[4];
};
void	nn_rng_seed(struct nn_rng *r, uint64_t seed);
uint64_t nn_rng_next(struct nn_rng *r);
double	nn_rng_uniform(struct nn_rng *r);	/* [0, 1) */
double	nn_rng_normal(struct nn_rng *r);

/*
 * A token drawn from the softmax of lg (V) / temperature over the top_k
 * largest (0: all); temperature 0 takes the largest (the first on ties).
 * Overwrites lg.
 */
int32_t	nn_sample_logits(float *lg, int V, float temperature, int top_k,
	    struct nn_rng *r);

/*
 * Next token after tok (n >= 1; the last n_ctx are used) from the softmax of
 * logits / temperature over the top_k most likely (0: all); temperature 0
 * takes the most likely.  m needs B >= 1 and T >= min(n, n_ctx).
 */
int32_t	gpt_sample_next(struct gpt *m, const int32_t *tok, int n,
	    float temperature, int top_k, struct nn_rng *r);

/* Model FLOPs of one training token (forward + backward, PaLM's count:
 * 6 * matrix parameters + 12 * L * C * T for attention). */
double	gpt_flops_per_token(const struct gpt_config *cfg, int T);

#endif
