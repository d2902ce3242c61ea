/*
 * bert.h - bidirectional transformer encoders with hand-written forward and
 * backward passes: BERT (MLM + NSP), RoBERTa (MLM only) and ALBERT
 * (factorised embeddings, cross-layer sharing, MLM + SOP).
 *
 * The network, as the papers and Google's reference code (post-LN):
 *
 *	x = LN_emb(wte[tok] + wpe[t] + wtt[seg])	(E wide)
 *	h = x Wp^T + bp			(ALBERT, when E != H; else h = x)
 *	per layer:  r1 = h + Attn(h) ; h1 = LN1(r1)
 *	            r2 = h1 + W2 gelu(W1 h1) ; h = LN2(r2)
 *	MLM, at labelled positions only:
 *	            u = LN_mlm(gelu(h Wt^T + bt)) ; logits = u wte^T + bo
 *	NSP / SOP, on the first token ([CLS]):
 *	            p = tanh(h Wpool^T + bpool) ; logits = p Wc^T + bc
 *	loss = mean over labelled positions of the MLM cross-entropy
 *	     + mean over the batch of the NSP/SOP cross-entropy.
 *
 * Attention is bidirectional over each sequence's real tokens (padding keys
 * are masked out).  GELU is the tanh approximation of lib/nn/kern.h.  With
 * sharing, every layer that shares a tensor uses the same parameters and
 * their gradients are summed over the uses.
 */
#ifndef PTK_NN_BERT_H
#define PTK_NN_BERT_H

#include <stddef.h>
#include <stdint.h>

#include "nn/gpt.h"

enum bert_share { BERT_SHARE_NONE, BERT_SHARE_ATTENTION, BERT_SHARE_FFN,
	BERT_SHARE_ALL };
enum bert_head { BERT_HEAD_NONE, BERT_HEAD_NSP, BERT_HEAD_SOP };

struct bert_config {
	int n_layer;		/* L */
	int n_head;		/* divides n_embd */
	int n_embd;		/* hidden width H */
	int n_mlp;		/* F */
	int n_emb;		/* embedding width E (ALBERT); == n_embd for BERT */
	int vocab_size;		/* V */
	int n_ctx;		/* position table rows */
	int n_types;		/* segment (token type) rows: 2 */
	int share;		/* enum bert_share */
	int head;		/* enum bert_head */
	float init_std;		/* 0.02 */
};

/* Presets "bert-tiny", "roberta-tiny", "albert-tiny", "bert-base", ...:
 * 0 or NN_EAPI.  bert_is_preset() tells whether a name is one. */
int	bert_config_preset(struct bert_config *cfg, const char *name);
int	bert_is_preset(const char *name);
extern const char *const bert_presets[];
/*
 * A JSON config file's text: {"preset": NAME, ...} with any of n_layer,
 * n_head, n_embd, n_mlp, n_emb, n_ctx, n_types, vocab_size (integers),
 * share ("all" ...), head ("nsp", "sop", "none") and init_std overriding the
 * preset's.  *vocab_given tells whether vocab_size was set.  Returns 0, or
 * NN_EFORMAT with err (not an encoder preset, unknown field, bad value).
 */
int	bert_config_parse(struct bert_config *cfg, const char *json, size_t len,
	    int *vocab_given, char *err, size_t errlen);
/* Whether a config text's "preset" is an encoder preset. */
int	bert_config_names_encoder(const char *json, size_t len);
int	bert_config_check(const struct bert_config *cfg, char *err,
	    size_t errlen);
size_t	bert_config_json(const struct bert_config *cfg, char *buf, size_t cap);
int	bert_share_parse(const char *name);	/* enum bert_share or -1 */
const char *bert_share_name(int share);

enum {
	BERT_WTE,	/* (V, E) tied to the MLM output */
	BERT_WPE,	/* (n_ctx, E) */
	BERT_WTT,	/* (n_types, E) segment embeddings */
	BERT_LNEW,	/* (E) */
	BERT_LNEB,	/* (E) */
	BERT_PROJW,	/* (H, E) factorised embedding; empty when E == H */
	BERT_PROJB,	/* (H) */
	BERT_QKVW,	/* (NA, 3H, H); NA = 1 when attention is shared, else L */
	BERT_QKVB,	/* (NA, 3H) */
	BERT_AOW,	/* (NA, H, H) */
	BERT_AOB,	/* (NA, H) */
	BERT_LN1W,	/* (NA, H) */
	BERT_LN1B,	/* (NA, H) */
	BERT_FCW,	/* (NF, F, H); NF = 1 when the FFN is shared, else L */
	BERT_FCB,	/* (NF, F) */
	BERT_FC2W,	/* (NF, H, F) */
	BERT_FC2B,	/* (NF, H) */
	BERT_LN2W,	/* (NF, H) */
	BERT_LN2B,	/* (NF, H) */
	BERT_MLMW,	/* (E, H) MLM transform */
	BERT_MLMB,	/* (E) */
	BERT_MLMLNW,	/* (E) */
	BERT_MLMLNB,	/* (E) */
	BERT_MLMOB,	/* (V) output bias */
	BERT_POOLW,	/* (H, H) pooler; empty without a head */
	BERT_POOLB,	/* (H) */
	BERT_CLSW,	/* (2, H) NSP / SOP classifier */
	BERT_CLSB,	/* (2) */
	BERT_NPARAM
};
extern const char *const bert_param_names[BERT_NPARAM];

/* One batch: B sequences padded to T. */
struct bert_batch {
	int B, T;
	const int32_t *tok;	/* (B, T) */
	const uint8_t *seg;	/* (B, T) segment ids */
	const int32_t *len;	/* (B) real tokens of each sequence */
	const int32_t *labels;	/* (B, T) MLM targets, -1 = none */
	const int32_t *cls;	/* (B) NSP/SOP label (0/1); NULL without a head */
};

struct bert_loss {
	double mlm;		/* mean MLM cross-entropy (NAN with no target) */
	double cls;		/* mean NSP/SOP cross-entropy */
	long mlm_n;		/* MLM targets */
	long cls_correct;	/* argmax == label */
	long cls_n;
	double total;		/* mlm + cls */
};

struct bert {
	struct bert_config cfg;
	int B, T, training, NA, NF;
	size_t sizes[BERT_NPARAM];
	size_t nparams;
	float *params, *grads, *opt_m, *opt_v;
	float *p[BERT_NPARAM], *g[BERT_NPARAM];
	uint64_t opt_step;
	float *acts;		/* activation slab */
	size_t act_floats;
	/* activations */
	float *emb, *embln, *embm, *embr;	/* (BT,E) (BT,E) (BT) (BT) */
	float *hs;		/* (L+1, BT, H) layer inputs, hs[L] final */
	float *qkv, *att, *atty, *r1, *r1m, *r1r, *h1, *fch, *fg, *r2, *r2m,
	    *r2r;
	float *mh, *mt, *mg, *mu, *mm, *mr, *mlog, *mloss;	/* MLM rows */
	float *ch, *pool, *clog, *closs;			/* CLS rows */
	float *dh, *d1, *d2, *datt, *dm, *dm2, *scratch;
	int32_t *mrow, *mtgt;
	int32_t *len;
	size_t scratch_floats;
	int curB, curT, curM, cur_cls;
	const int32_t *cur_tok;
	const uint8_t *cur_seg;
	int32_t *tok_copy;
	uint8_t *seg_copy;
	int32_t *cls_copy;
};

int	bert_init(struct bert *m, const struct bert_config *cfg, int B, int T,
	    int training);
void	bert_release(struct bert *m);
void	bert_init_weights(struct bert *m, uint64_t seed);
/*
 * Forward on a batch (B <= m->B, T <= m->T).  With dscale != 0 (training)
 * keeps what bert_backward() needs, the loss gradients scaled by dscale
 * (1 / accumulation steps).  Fills *out.
 */
void	bert_forward(struct bert *m, const struct bert_batch *b, float dscale,
	    struct bert_loss *out);
void	bert_backward(struct bert *m);
/* The same with dfinal (B,T,H), the gradient of further losses on the final
 * hidden states (bert_final()), added in (fine-tuning heads). */
void	bert_backward_ext(struct bert *m, const float *dfinal);
/* The final hidden states (B,T,H) of the last forward. */
static inline const float *
bert_final(const struct bert *m)
{
	return m->hs + (size_t)m->cfg.n_layer * m->curB * m->curT *
	    m->cfg.n_embd;
}
void	bert_zero_grad(struct bert *m);
double	bert_grad_norm(const struct bert *m);
void	bert_adamw_step(struct bert *m, const struct adamw *o, float lr,
	    float grad_scale);

/*
 * Checkpoints (docs/checkpoint.md, "Encoder checkpoints"): parameters,
 * AdamW moments when m is training, and pos = (steps done, epoch, next
 * record of the epoch).  Save: 0 or NN_EIO (errno kept), atomic.  Load
 * into a model of the same config: 0, NN_EIO, or NN_EFORMAT with err set.
 */
int	bert_ckpt_save(const char *path, const struct bert *m,
	    const uint64_t pos[3]);
int	bert_ckpt_read_config(const char *path, struct bert_config *cfg,
	    char *err, size_t errlen);
int	bert_ckpt_load(const char *path, struct bert *m, uint64_t pos[3],
	    char *err, size_t errlen);

/* Bidirectional multi-head attention over the first len[b] keys of each
 * sequence; qkv (B,T,3C); att (B,NH,T,T) written; out (B,T,C) written. */
void	bert_attention_fwd(float *out, float *att, const float *qkv,
	    const int32_t *len, int B, int T, int C, int NH);
/* dqkv (B,T,3C) += ...; scratch (B,NH,T,T). */
void	bert_attention_bwd(float *dqkv, float *scratch, const float *dout,
	    const float *qkv, const float *att, const int32_t *len, int B,
	    int T, int C, int NH);

#endif
