/*
 * t5.h - the T5 encoder-decoder (Raffel et al. 2020, v1.0 layout) with
 * hand-written forward and backward passes: encoder self-attention,
 * decoder causal self-attention and cross-attention over the encoder
 * output, one bucketed relative position bias table for the encoder and one
 * for the decoder (each shared by all layers), RMS LayerNorm without bias
 * before every sublayer, ReLU feed-forward, no biases, no 1/sqrt(d) in
 * attention, and the token embedding tied to the output (the decoder's
 * output scaled by C^-1/2 first, as T5 does when tied).
 */
#ifndef PTK_NN_T5_H
#define PTK_NN_T5_H

#include <stddef.h>
#include <stdint.h>

struct t5_config {
	int n_layer;		/* layers in the encoder and in the decoder */
	int n_head;
	int n_embd;		/* C; heads of C / n_head */
	int n_mlp;		/* F */
	int vocab_size;		/* V */
	int n_buckets;		/* relative position buckets (32) */
	int max_distance;	/* of the logarithmic buckets (128) */
	float init_std;
};

enum {
	T5_WTE,		/* (V, C) */
	T5_EREL,	/* (NB, NH) encoder bias table */
	T5_DREL,	/* (NB, NH) decoder bias table */
	T5_E_LN1,	/* (L, C) */
	T5_E_QKV,	/* (L, 3C, C) */
	T5_E_O,		/* (L, C, C) */
	T5_E_LN2,	/* (L, C) */
	T5_E_WI,	/* (L, F, C) */
	T5_E_WO,	/* (L, C, F) */
	T5_E_LNF,	/* (C) */
	T5_D_LN1,	/* (L, C) */
	T5_D_QKV,	/* (L, 3C, C) */
	T5_D_O,		/* (L, C, C) */
	T5_D_LN2,	/* (L, C) */
	T5_D_CQ,	/* (L, C, C) cross-attention query */
	T5_D_CKV,	/* (L, 2C, C) cross-attention key, value */
	T5_D_CO,	/* (L, C, C) */
	T5_D_LN3,	/* (L, C) */
	T5_D_WI,	/* (L, F, C) */
	T5_D_WO,	/* (L, C, F) */
	T5_D_LNF,	/* (C) */
	T5_NPARAM
};

struct t5_tape;

struct t5 {
	struct t5_config cfg;
	size_t sizes[T5_NPARAM];
	size_t nparams;
	float *params, *grads;		/* (nparams) each */
	float *p[T5_NPARAM], *g[T5_NPARAM];
	struct t5_tape *tape;		/* activations of the last forward */
};

/* 0, or -1 for a bad shape (C % NH, sizes < 1). */
int	t5_init(struct t5 *m, const struct t5_config *cfg);
void	t5_release(struct t5 *m);
/* N(0, init_std) matrices and embedding, unit RMS gains, N(0, 1) bias
 * tables; seeded. */
void	t5_init_weights(struct t5 *m, uint64_t seed);

/*
 * Forward pass: src (B,S) encoder inputs of which the first slen[b] are
 * real (the rest padding, masked as keys); dec (B,T) decoder inputs; tgt
 * (B,T) targets, -1 for none.  Returns the mean cross-entropy over the
 * targets that are not -1 (0 if none) and keeps what t5_backward needs.
 * Token ids in [0, V).
 */
float	t5_forward(struct t5 *m, const int32_t *src, const int *slen, int B,
	    int S, const int32_t *dec, const int32_t *tgt, int T);
/* Adds d(mean loss)/d(params) of the last forward into m->grads. */
void	t5_backward(struct t5 *m);
/* Logits (B,T,V) of the last forward (before the backward overwrites
 * them with their gradient). */
const float *t5_logits(const struct t5 *m);

#endif
