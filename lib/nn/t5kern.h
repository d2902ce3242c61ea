/*
 * t5kern.h - the layers T5 adds to the transformer kernels (nn/kern.h):
 * RMS LayerNorm without bias or mean subtraction, the bucketed relative
 * position bias, and multi-head attention with an additive bias, an
 * optional causal mask and key-length mask, over separate query and
 * key/value sources (self-attention and cross-attention alike), without
 * T5's absent 1/sqrt(d) scaling.
 *
 * Row-major float32; backward kernels ADD into the gradients they produce.
 * Each kernel runs in a fixed order (no reduction depends on threads).
 */
#ifndef PTK_NN_T5KERN_H
#define PTK_NN_T5KERN_H

#define T5_RMS_EPS 1e-6f

/* out (N,C) = x * w / sqrt(mean(x^2) + eps); rstd (N) saved.  Writes. */
void	t5_rmsnorm_fwd(float *out, float *rstd, const float *x, const float *w,
	    int N, int C);
/* dx (N,C) += ..., dw (C) += ... */
void	t5_rmsnorm_bwd(float *dx, float *dw, const float *dout, const float *x,
	    const float *w, const float *rstd, int N, int C);

/*
 * T5's bucket of relative position rel = key position - query position
 * (HuggingFace's _relative_position_bucket): bidirectional (encoder) uses
 * half the buckets for each sign; else (decoder) only rel <= 0 counts.
 * Exact buckets for small distances, logarithmic ones up to max_distance.
 */
int	t5_rel_bucket(int rel, int bidirectional, int nbuckets,
	    int max_distance);

/* bias (NH,Tq,Tk) from table (nbuckets,NH).  Writes. */
void	t5_bias_fwd(float *bias, const float *table, int NH, int Tq, int Tk,
	    int bidirectional, int nbuckets, int max_distance);
/* dtable (nbuckets,NH) += scatter of dbias (NH,Tq,Tk). */
void	t5_bias_bwd(float *dtable, const float *dbias, int NH, int Tq, int Tk,
	    int bidirectional, int nbuckets, int max_distance);

/*
 * Attention: q rows (B,Tq) of stride ldq, k and v rows (B,Tk) of strides
 * ldk, ldv; head h uses columns [h*hs, (h+1)*hs) of each, hs = C/NH.
 * scores = q.k + bias[h] (bias (NH,Tq,Tk) or NULL), keys j > i masked when
 * causal, keys j >= klen[b] masked when klen is not NULL (at least one key
 * must remain); att (B,NH,Tq,Tk) keeps the softmax; out (B,Tq,C) writes.
 */
void	t5_attention_fwd(float *out, float *att, const float *q, int ldq,
	    const float *k, int ldk, const float *v, int ldv, const float *bias,
	    const int *klen, int B, int Tq, int Tk, int C, int NH, int causal);
/*
 * dq, dk, dv (same layouts and strides) += ...; dbias (NH,Tq,Tk) += the
 * score gradients summed over the batch (NULL skips it).
 */
void	t5_attention_bwd(float *dq, float *dk, float *dv, float *dbias,
	    const float *dout, const float *q, int ldq, const float *k, int ldk,
	    const float *v, int ldv, const float *att, int B, int Tq, int Tk,
	    int C, int NH);

#endif
