/*
 * kern.h - the transformer's compute kernels, forward and backward.
 *
 * Every fast kernel has a naive *_ref twin with the same contract; the unit
 * tests check one against the other.  All tensors are row-major float32.
 * Backward kernels ADD into the gradients they produce (so that gradient
 * accumulation over micro-batches and residual branches needs no copies),
 * except where a comment says "writes".
 *
 * Determinism: no kernel's result depends on the number of OpenMP threads.
 * Work is split into pieces whose boundaries depend only on the shapes, and
 * every reduction adds its terms in a fixed order.
 */
#ifndef PTK_NN_KERN_H
#define PTK_NN_KERN_H

#include <stddef.h>
#include <stdint.h>

/*
 * C (M,N) = op(A) op(B) + beta * C, where op(A) is (M,K) and op(B) is (K,N).
 * ta/tb nonzero mean A/B are stored transposed.  Runs OpenBLAS single-threaded
 * on fixed blocks of the output in an OpenMP loop, so every element is
 * computed the same way whatever the thread count.
 */
void	nn_matmul(int ta, int tb, int M, int N, int K, const float *A, int lda,
	    const float *B, int ldb, float beta, float *C, int ldc);
void	nn_matmul_ref(int ta, int tb, int M, int N, int K, const float *A,
	    int lda, const float *B, int ldb, float beta, float *C, int ldc);

/* out (N,OC) = inp (N,IC) W^T + bias; w (OC,IC), bias (OC) or NULL. Writes. */
void	nn_linear_fwd(float *out, const float *inp, const float *w,
	    const float *bias, int N, int IC, int OC);
/* out (N,OC) = res (N,OC) + inp W^T + bias: a linear layer on a residual. */
void	nn_linear_fwd_res(float *out, const float *inp, const float *w,
	    const float *bias, const float *res, int N, int IC, int OC);
/*
 * dinp (N,IC) = dout W (writes; NULL skips it); dw (OC,IC) += dout^T inp;
 * dbias (OC) += column sums of dout (NULL skips it).
 */
void	nn_linear_bwd(float *dinp, float *dw, float *dbias, const float *dout,
	    const float *inp, const float *w, int N, int IC, int OC,
	    float *scratch);
size_t	nn_linear_bwd_scratch(int N, int IC, int OC);	/* floats of scratch */

/* Row-wise LayerNorm over C with eps 1e-5; mean, rstd (N) saved. Writes. */
void	nn_layernorm_fwd(float *out, float *mean, float *rstd, const float *inp,
	    const float *w, const float *b, int N, int C);
void	nn_layernorm_fwd_ref(float *out, float *mean, float *rstd,
	    const float *inp, const float *w, const float *b, int N, int C);
/* scratch: nn_layernorm_bwd_scratch(N, C) floats. */
void	nn_layernorm_bwd(float *dinp, float *dw, float *db, const float *dout,
	    const float *inp, const float *w, const float *mean,
	    const float *rstd, int N, int C, float *scratch);
void	nn_layernorm_bwd_ref(float *dinp, float *dw, float *db,
	    const float *dout, const float *inp, const float *w,
	    const float *mean, const float *rstd, int N, int C);
size_t	nn_layernorm_bwd_scratch(int N, int C);

/* GELU, tanh approximation (GPT-2).  Both write; dinp may be dout. */
void	nn_gelu_fwd(float *out, const float *inp, size_t n);
void	nn_gelu_fwd_ref(float *out, const float *inp, size_t n);
void	nn_gelu_bwd(float *dinp, const float *inp, const float *dout, size_t n);
void	nn_gelu_bwd_ref(float *dinp, const float *inp, const float *dout,
	    size_t n);

/*
 * Multi-head causal self-attention on qkv (B,T,3C) laid out as [q | k | v],
 * each split into NH heads of C/NH.  att (B,NH,T,T) keeps the softmax
 * probabilities for backward; out (B,T,C) is written.
 */
void	nn_attention_fwd(float *out, float *att, const float *qkv, int B,
	    int T, int C, int NH);
void	nn_attention_fwd_ref(float *out, float *att, const float *qkv, int B,
	    int T, int C, int NH);
/* dqkv (B,T,3C) += ...; scratch (B,NH,T,T) is overwritten. */
void	nn_attention_bwd(float *dqkv, float *scratch, const float *dout,
	    const float *qkv, const float *att, int B, int T, int C, int NH);
void	nn_attention_bwd_ref(float *dqkv, const float *dout, const float *qkv,
	    const float *att, int B, int T, int C, int NH);

/*
 * Softmax cross-entropy over V classes for N rows of logits (N,V).
 * losses (N) is written.  With dscale != 0 the logits are replaced, in place,
 * by dscale * (softmax - onehot(target)): the gradient of dscale * sum(losses),
 * which saves a pass over the largest tensor of the step.
 * A negative target ignores its row (loss 0, zero gradient: padding);
 * targets >= V are a caller bug.  (nn_crossentropy_ref takes [0,V) only.)
 */
void	nn_crossentropy(float *logits, float *losses, const int32_t *targets,
	    int N, int V, float dscale);
void	nn_crossentropy_ref(float *logits, float *losses,
	    const int32_t *targets, int N, int V, float dscale);

/* out (N,C) = wte[tok] + wpe[t]; dwte/dwpe += scatter of dout. */
void	nn_embed_fwd(float *out, const int32_t *tok, const float *wte,
	    const float *wpe, int B, int T, int C);
void	nn_embed_bwd(float *dwte, float *dwpe, const float *dout,
	    const int32_t *tok, int B, int T, int C, int V);

/* y = a + b over n floats. Writes. */
void	nn_add(float *y, const float *a, const float *b, size_t n);

/* Sum of squares of x (n), in double, in a fixed order. */
double	nn_sumsq(const float *x, size_t n);

#endif
