/*
 * band.h - locally banded causal self-attention (GPT-3's sparse layers):
 * query i attends keys max(0, i-W+1) .. i only, and only that band is
 * computed, so time and the kept probabilities grow as T*W, not T*T.
 * Same layout as nn_attention_fwd (kern.h): qkv (B,T,3C) as [q | k | v],
 * NH heads, 1 <= W <= T (callers clamp W to T); att (B,NH,T,W) keeps the
 * band's probabilities, slot s of row i holding key i-W+1+s (slots before
 * key 0 are zero).
 */
#ifndef PTK_NN_BAND_H
#define PTK_NN_BAND_H

/* out (B,T,C) and att (B,NH,T,W) are written. */
void	nn_band_attention_fwd(float *out, float *att, const float *qkv, int B,
	    int T, int C, int NH, int W);
/* dqkv (B,T,3C) += ...; scratch: B*NH*W floats, overwritten. */
void	nn_band_attention_bwd(float *dqkv, float *scratch, const float *dout,
	    const float *qkv, const float *att, int B, int T, int C, int NH,
	    int W);

#endif
