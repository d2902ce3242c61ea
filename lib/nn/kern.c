/*
 * kern.c - transformer kernels: OpenMP over rows or heads, OpenBLAS for the
 * matrix products, and naive *_ref versions that the tests trust.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <omp.h>

#include "nn/kern.h"

/*
 * Element-wise inner loops are compiled for AVX-512, AVX2+FMA and baseline
 * x86-64, picked at load time, so a portable build still runs at full width.
 * Results may differ between those variants in the last bits (FMA), never
 * between thread counts.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define NN_VEC __attribute__((target_clones("arch=x86-64-v4", \
    "arch=x86-64-v3", "default")))
#else
#define NN_VEC
#endif

/* Rows per partial sum in the column reductions (bias and LayerNorm grads). */
#define NN_RED_ROWS 64

static inline size_t
div_up(size_t a, size_t b)
{
	return (a + b - 1) / b;
}

/*
 * exp(x) for x in about [-87, 88], within 2 ulp: Cody-Waite reduction by
 * ln 2 and Cephes' degree-6 polynomial.  Written with plain arithmetic and
 * a union so that "omp simd" loops vectorize it; libm's expf does not.
 */
static inline float
nn_expf(float x)
{
	union { float f; int32_t i; } s;
	float t, n, r, p;

	x = x < -87.0f ? -87.0f : x;
	x = x > 88.0f ? 88.0f : x;
	/* Adding 1.5*2^23 rounds to the nearest integer in the low bits. */
	t = x * 1.44269504088896341f + 12582912.0f;
	n = t - 12582912.0f;
	r = x - n * 0.693359375f;
	r = r - n * -2.12194440e-4f;
	p = 1.9875691500e-4f;
	p = p * r + 1.3981999507e-3f;
	p = p * r + 8.3334519073e-3f;
	p = p * r + 4.1665795894e-2f;
	p = p * r + 1.6666665459e-1f;
	p = p * r + 5.0000001201e-1f;
	p = p * r * r + r + 1.0f;
	s.i = ((int32_t)n + 127) << 23;
	return p * s.f;
}

/* ---- matrix products ---- */

void
nn_matmul_ref(int ta, int tb, int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float beta, float *C, int ldc)
{
	for (int i = 0; i < M; i++)
		for (int j = 0; j < N; j++) {
			double s = 0;
			for (int k = 0; k < K; k++) {
				float a = ta ? A[(size_t)k * lda + i] :
				    A[(size_t)i * lda + k];
				float b = tb ? B[(size_t)j * ldb + k] :
				    B[(size_t)k * ldb + j];
				s += (double)a * b;
			}
			float *c = &C[(size_t)i * ldc + j];
			*c = (float)s + (beta == 0 ? 0 : beta * *c);
		}
}

/*
 * Blocks of the output are fixed by the shape alone: the larger output
 * dimension is cut into pieces of a multiple of 32 rows or columns, so each
 * element is computed by the same single-threaded OpenBLAS call (OpenBLAS
 * runs one thread inside an OpenMP parallel region).  OpenBLAS never splits
 * the K sum, so this gives bit-identical results for every thread count.
 */
void
nn_matmul(int ta, int tb, int M, int N, int K, const float *A, int lda,
    const float *B, int ldb, float beta, float *C, int ldc)
{
	enum CBLAS_TRANSPOSE TA = ta ? CblasTrans : CblasNoTrans;
	enum CBLAS_TRANSPOSE TB = tb ? CblasTrans : CblasNoTrans;
	int split_m = M >= N;
	int dim = split_m ? M : N;
	double flops = 2.0 * M * N * K;
	int nblk = flops < 4e6 ? 1 : 8;
	int bs = (int)div_up(div_up(dim, nblk), 32) * 32;

	nblk = (int)div_up(dim, bs);
#pragma omp parallel for schedule(static)
	for (int b = 0; b < nblk; b++) {
		int lo = b * bs, n = dim - lo < bs ? dim - lo : bs;

		if (split_m) {
			const float *a = ta ? A + lo : A + (size_t)lo * lda;
			cblas_sgemm(CblasRowMajor, TA, TB, n, N, K, 1.0f, a,
			    lda, B, ldb, beta, C + (size_t)lo * ldc, ldc);
		} else {
			const float *bb = tb ? B + (size_t)lo * ldb : B + lo;
			cblas_sgemm(CblasRowMajor, TA, TB, M, n, K, 1.0f, A,
			    lda, bb, ldb, beta, C + lo, ldc);
		}
	}
}

/* ---- linear ---- */

NN_VEC static void
row_copy(float *restrict y, const float *restrict x, int n)
{
#pragma omp simd
	for (int i = 0; i < n; i++)
		y[i] = x[i];
}

void
nn_linear_fwd(float *out, const float *inp, const float *w,
    const float *bias, int N, int IC, int OC)
{
	float beta = 0;

	if (bias) {
#pragma omp parallel for schedule(static)
		for (int i = 0; i < N; i++)
			row_copy(out + (size_t)i * OC, bias, OC);
		beta = 1;
	}
	nn_matmul(0, 1, N, OC, IC, inp, IC, w, IC, beta, out, OC);
}

NN_VEC static void
row_add_to(float *restrict y, const float *restrict a,
    const float *restrict b, int n)
{
#pragma omp simd
	for (int i = 0; i < n; i++)
		y[i] = a[i] + b[i];
}

void
nn_linear_fwd_res(float *out, const float *inp, const float *w,
    const float *bias, const float *res, int N, int IC, int OC)
{
#pragma omp parallel for schedule(static)
	for (int i = 0; i < N; i++)
		row_add_to(out + (size_t)i * OC, res + (size_t)i * OC, bias,
		    OC);
	nn_matmul(0, 1, N, OC, IC, inp, IC, w, IC, 1.0f, out, OC);
}

/* Chunks of the K sum in a weight gradient: fixed by K alone. */
static int
k_chunks(int M, int N, int K)
{
	int kc = K / 512;

	if (K < 2 * (M > N ? M : N) || 2.0 * M * N * K < 4e6)
		return 1;
	return kc < 2 ? 2 : kc > 4 ? 4 : kc;
}

size_t
nn_linear_bwd_scratch(int N, int IC, int OC)
{
	size_t red = div_up(N, NN_RED_ROWS) * (size_t)OC;
	size_t kp = (size_t)(k_chunks(OC, IC, N) - 1) * OC * IC;

	return red > kp ? red : kp;
}

NN_VEC static void
row_acc(float *restrict y, const float *restrict x, int n)
{
#pragma omp simd
	for (int i = 0; i < n; i++)
		y[i] += x[i];
}

/* Column sums of x (N,C) added into y (C): partial sums per fixed chunk of
 * rows, then the partials in chunk order. */
static void
colsum_acc(float *y, const float *x, int N, int C, float *scratch)
{
	int nch = (int)div_up(N, NN_RED_ROWS);

#pragma omp parallel for schedule(static)
	for (int c = 0; c < nch; c++) {
		float *p = scratch + (size_t)c * C;
		int lo = c * NN_RED_ROWS;
		int hi = lo + NN_RED_ROWS < N ? lo + NN_RED_ROWS : N;

		memset(p, 0, sizeof(float) * C);
		for (int i = lo; i < hi; i++)
			row_acc(p, x + (size_t)i * C, C);
	}
	for (int c = 0; c < nch; c++)
		row_acc(y, scratch + (size_t)c * C, C);
}

/*
 * C (M,N) += A^T B for A (K,M), B (K,N) with a long K (a weight gradient
 * summed over all positions).  Cutting M or N would make every piece repack
 * the whole of the other operand, so the K sum is cut instead: chunk 0 adds
 * into C, the others into ws, and those are added in chunk order.
 */
static void
matmul_tn_acc(int M, int N, int K, const float *A, int lda, const float *B,
    int ldb, float *C, int ldc, float *ws)
{
	int kc = k_chunks(M, N, K), ks;

	if (kc == 1) {
		nn_matmul(1, 0, M, N, K, A, lda, B, ldb, 1.0f, C, ldc);
		return;
	}
	ks = (int)div_up(div_up(K, kc), 32) * 32;
#pragma omp parallel for schedule(static)
	for (int c = 0; c < kc; c++) {
		int lo = c * ks, n = K - lo < ks ? K - lo : ks;
		float *out = c ? ws + (size_t)(c - 1) * M * N : C;

		if (n <= 0) {
			memset(out, 0, sizeof(float) * M * N * (c > 0));
			continue;
		}
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, n,
		    1.0f, A + (size_t)lo * lda, lda, B + (size_t)lo * ldb, ldb,
		    c ? 0.0f : 1.0f, out, c ? N : ldc);
	}
#pragma omp parallel for schedule(static)
	for (int i = 0; i < M; i++)
		for (int c = 1; c < kc; c++)
			row_acc(C + (size_t)i * ldc, ws + ((size_t)(c - 1) * M +
			    i) * N, N);
}

void
nn_linear_bwd(float *dinp, float *dw, float *dbias, const float *dout,
    const float *inp, const float *w, int N, int IC, int OC, float *scratch)
{
	if (dinp)
		nn_matmul(0, 0, N, IC, OC, dout, OC, w, IC, 0, dinp, IC);
	matmul_tn_acc(OC, IC, N, dout, OC, inp, IC, dw, IC, scratch);
	if (dbias)
		colsum_acc(dbias, dout, N, OC, scratch);
}

/* ---- LayerNorm ---- */

NN_VEC static void
ln_row(float *restrict y, float *mean, float *rstd, const float *restrict x,
    const float *restrict w, const float *restrict b, int C)
{
	float s = 0, v = 0, m, r;

#pragma omp simd reduction(+:s)
	for (int i = 0; i < C; i++)
		s += x[i];
	m = s / C;
#pragma omp simd reduction(+:v)
	for (int i = 0; i < C; i++)
		v += (x[i] - m) * (x[i] - m);
	r = 1.0f / sqrtf(v / C + 1e-5f);
#pragma omp simd
	for (int i = 0; i < C; i++)
		y[i] = (x[i] - m) * r * w[i] + b[i];
	*mean = m;
	*rstd = r;
}

void
nn_layernorm_fwd(float *out, float *mean, float *rstd, const float *inp,
    const float *w, const float *b, int N, int C)
{
#pragma omp parallel for schedule(static)
	for (int i = 0; i < N; i++)
		ln_row(out + (size_t)i * C, mean + i, rstd + i,
		    inp + (size_t)i * C, w, b, C);
}

void
nn_layernorm_fwd_ref(float *out, float *mean, float *rstd, const float *inp,
    const float *w, const float *b, int N, int C)
{
	for (int i = 0; i < N; i++) {
		const float *x = inp + (size_t)i * C;
		double m = 0, v = 0;

		for (int j = 0; j < C; j++)
			m += x[j];
		m /= C;
		for (int j = 0; j < C; j++)
			v += (x[j] - m) * (x[j] - m);
		double r = 1.0 / sqrt(v / C + 1e-5);
		for (int j = 0; j < C; j++)
			out[(size_t)i * C + j] = (float)((x[j] - m) * r * w[j] +
			    b[j]);
		mean[i] = (float)m;
		rstd[i] = (float)r;
	}
}

size_t
nn_layernorm_bwd_scratch(int N, int C)
{
	return div_up(N, NN_RED_ROWS) * 2 * (size_t)C;
}

NN_VEC static void
ln_bwd_row(float *restrict dx, float *restrict dw, float *restrict db,
    const float *restrict dy, const float *restrict x,
    const float *restrict w, float m, float r, int C)
{
	float a = 0, bsum = 0;

#pragma omp simd reduction(+:a, bsum)
	for (int i = 0; i < C; i++) {
		float n = (x[i] - m) * r, d = dy[i] * w[i];
		a += d;
		bsum += d * n;
	}
	a /= C;
	bsum /= C;
#pragma omp simd
	for (int i = 0; i < C; i++) {
		float n = (x[i] - m) * r;
		dx[i] += (dy[i] * w[i] - a - n * bsum) * r;
		dw[i] += dy[i] * n;
		db[i] += dy[i];
	}
}

void
nn_layernorm_bwd(float *dinp, float *dw, float *db, const float *dout,
    const float *inp, const float *w, const float *mean, const float *rstd,
    int N, int C, float *scratch)
{
	int nch = (int)div_up(N, NN_RED_ROWS);

#pragma omp parallel for schedule(static)
	for (int c = 0; c < nch; c++) {
		float *pw = scratch + (size_t)c * 2 * C, *pb = pw + C;
		int lo = c * NN_RED_ROWS;
		int hi = lo + NN_RED_ROWS < N ? lo + NN_RED_ROWS : N;

		memset(pw, 0, sizeof(float) * 2 * C);
		for (int i = lo; i < hi; i++)
			ln_bwd_row(dinp + (size_t)i * C, pw, pb,
			    dout + (size_t)i * C, inp + (size_t)i * C, w,
			    mean[i], rstd[i], C);
	}
	for (int c = 0; c < nch; c++) {
		row_acc(dw, scratch + (size_t)c * 2 * C, C);
		row_acc(db, scratch + (size_t)c * 2 * C + C, C);
	}
}

void
nn_layernorm_bwd_ref(float *dinp, float *dw, float *db, const float *dout,
    const float *inp, const float *w, const float *mean, const float *rstd,
    int N, int C)
{
	for (int i = 0; i < N; i++) {
		const float *x = inp + (size_t)i * C, *dy = dout + (size_t)i * C;
		double a = 0, b = 0;

		for (int j = 0; j < C; j++) {
			double n = (x[j] - mean[i]) * rstd[i];
			a += dy[j] * w[j];
			b += dy[j] * w[j] * n;
		}
		a /= C;
		b /= C;
		for (int j = 0; j < C; j++) {
			double n = (x[j] - mean[i]) * rstd[i];
			dinp[(size_t)i * C + j] += (float)((dy[j] * w[j] - a -
			    n * b) * rstd[i]);
			dw[j] += (float)(dy[j] * n);
			db[j] += dy[j];
		}
	}
}

/* ---- GELU (tanh approximation) ---- */

#define GELU_K 0.7978845608028654f	/* sqrt(2/pi) */

/*
 * 0.5 (1 + tanh(u)) is the logistic function of 2u; writing GELU as
 * x / (1 + exp(-2u)) keeps full precision in the negative tail, where
 * 1 + tanh(u) would cancel.
 */
NN_VEC static void
gelu_span(float *restrict y, const float *restrict x, size_t n)
{
#pragma omp simd
	for (size_t i = 0; i < n; i++) {
		float v = x[i];
		float u = GELU_K * (v + 0.044715f * v * v * v);
		y[i] = v / (1.0f + nn_expf(-2.0f * u));
	}
}

/* d/dx x s(2u) = s + 2 x s (1 - s) du/dx, with s = 1 / (1 + exp(-2u)). */
NN_VEC static void
gelu_bwd_span(float *dx, const float *restrict x, const float *dy, size_t n)
{
#pragma omp simd
	for (size_t i = 0; i < n; i++) {
		float v = x[i];
		float u = GELU_K * (v + 0.044715f * v * v * v);
		float s = 1.0f / (1.0f + nn_expf(-2.0f * u));
		float g = s + 2.0f * v * s * (1.0f - s) * GELU_K *
		    (1.0f + 3.0f * 0.044715f * v * v);
		dx[i] = g * dy[i];
	}
}

#define NN_SPAN 4096

void
nn_gelu_fwd(float *out, const float *inp, size_t n)
{
	size_t ns = div_up(n, NN_SPAN);

#pragma omp parallel for schedule(static)
	for (size_t s = 0; s < ns; s++) {
		size_t lo = s * NN_SPAN;
		gelu_span(out + lo, inp + lo, n - lo < NN_SPAN ? n - lo : NN_SPAN);
	}
}

void
nn_gelu_bwd(float *dinp, const float *inp, const float *dout, size_t n)
{
	size_t ns = div_up(n, NN_SPAN);

#pragma omp parallel for schedule(static)
	for (size_t s = 0; s < ns; s++) {
		size_t lo = s * NN_SPAN;
		gelu_bwd_span(dinp + lo, inp + lo, dout + lo,
		    n - lo < NN_SPAN ? n - lo : NN_SPAN);
	}
}

void
nn_gelu_fwd_ref(float *out, const float *inp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double x = inp[i];
		out[i] = (float)(0.5 * x * (1 + tanh(0.7978845608028654 *
		    (x + 0.044715 * x * x * x))));
	}
}

void
nn_gelu_bwd_ref(float *dinp, const float *inp, const float *dout, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double x = inp[i], k = 0.7978845608028654;
		double t = tanh(k * (x + 0.044715 * x * x * x));
		double g = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k *
		    (1 + 3 * 0.044715 * x * x);
		dinp[i] = (float)(g * dout[i]);
	}
}

/* ---- attention ---- */

/* Causal softmax of one row of scores in place: p[j] for j <= i, 0 after. */
NN_VEC static void
softmax_causal_row(float *restrict p, int i, int T)
{
	float mx = -INFINITY, s = 0, inv;

	for (int j = 0; j <= i; j++)
		mx = p[j] > mx ? p[j] : mx;
#pragma omp simd reduction(+:s)
	for (int j = 0; j <= i; j++) {
		p[j] = nn_expf(p[j] - mx);
		s += p[j];
	}
	inv = 1.0f / s;
#pragma omp simd
	for (int j = 0; j <= i; j++)
		p[j] *= inv;
	for (int j = i + 1; j < T; j++)
		p[j] = 0;
}

/*
 * One (batch, head) pair per iteration, as single-threaded products over
 * blocks of NN_ATT_ROWS query rows: rows [r0, r1) attend to keys [0, r1)
 * only, so the upper triangle of S = Q K^T / sqrt(hs) is mostly skipped
 * (5/8 of the full products at T = 256).  Entries of att right of r1 are
 * never written or read.
 */
#define NN_ATT_ROWS 64

void
nn_attention_fwd(float *out, float *att, const float *qkv, int B, int T,
    int C, int NH)
{
	int hs = C / NH, C3 = 3 * C;
	float scale = 1.0f / sqrtf((float)hs);

#pragma omp parallel for schedule(static)
	for (int bh = 0; bh < B * NH; bh++) {
		int b = bh / NH, h = bh % NH;
		const float *q = qkv + (size_t)b * T * C3 + h * hs;
		const float *k = q + C, *v = q + 2 * C;
		float *P = att + (size_t)bh * T * T;
		float *o = out + (size_t)b * T * C + h * hs;

		for (int r0 = 0; r0 < T; r0 += NN_ATT_ROWS) {
			int r1 = r0 + NN_ATT_ROWS < T ? r0 + NN_ATT_ROWS : T;
			float *Pr = P + (size_t)r0 * T;
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
			    r1 - r0, r1, hs, scale, q + (size_t)r0 * C3, C3, k,
			    C3, 0.0f, Pr, T);
			for (int i = r0; i < r1; i++)
				softmax_causal_row(P + (size_t)i * T, i, r1);
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
			    r1 - r0, hs, r1, 1.0f, Pr, T, v, C3, 0.0f,
			    o + (size_t)r0 * C, C);
		}
	}
}

void
nn_attention_fwd_ref(float *out, float *att, const float *qkv, int B, int T,
    int C, int NH)
{
	int hs = C / NH, C3 = 3 * C;
	double scale = 1.0 / sqrt((double)hs);

	for (int b = 0; b < B; b++)
		for (int h = 0; h < NH; h++)
			for (int i = 0; i < T; i++) {
				const float *q = qkv + ((size_t)b * T + i) * C3 +
				    h * hs;
				float *P = att + (((size_t)b * NH + h) * T + i) *
				    T;
				double mx = -INFINITY, s = 0;

				for (int j = 0; j <= i; j++) {
					const float *k = qkv + ((size_t)b * T +
					    j) * C3 + C + h * hs;
					double d = 0;
					for (int e = 0; e < hs; e++)
						d += (double)q[e] * k[e];
					P[j] = (float)(d * scale);
					mx = P[j] > mx ? P[j] : mx;
				}
				double e[T];
				for (int j = 0; j <= i; j++)
					s += e[j] = exp(P[j] - mx);
				for (int j = 0; j < T; j++)
					P[j] = j <= i ? (float)(e[j] / s) : 0;
				float *o = out + ((size_t)b * T + i) * C + h * hs;
				for (int d = 0; d < hs; d++) {
					double a = 0;
					for (int j = 0; j <= i; j++)
						a += (double)P[j] * qkv[((size_t)
						    b * T + j) * C3 + 2 * C +
						    h * hs + d];
					o[d] = (float)a;
				}
			}
}

/* dS = P * (dP - sum_j dP P) in place over dP, zero above the diagonal. */
NN_VEC static void
softmax_bwd_row(float *restrict dp, const float *restrict p, int i, int T,
    float scale)
{
	float s = 0;

#pragma omp simd reduction(+:s)
	for (int j = 0; j <= i; j++)
		s += dp[j] * p[j];
#pragma omp simd
	for (int j = 0; j <= i; j++)
		dp[j] = p[j] * (dp[j] - s) * scale;
	for (int j = i + 1; j < T; j++)
		dp[j] = 0;
}

void
nn_attention_bwd(float *dqkv, float *scratch, const float *dout,
    const float *qkv, const float *att, int B, int T, int C, int NH)
{
	int hs = C / NH, C3 = 3 * C;
	float scale = 1.0f / sqrtf((float)hs);

#pragma omp parallel for schedule(static)
	for (int bh = 0; bh < B * NH; bh++) {
		int b = bh / NH, h = bh % NH;
		size_t qo = (size_t)b * T * C3 + h * hs;
		const float *q = qkv + qo, *k = q + C, *v = q + 2 * C;
		float *dq = dqkv + qo, *dk = dq + C, *dv = dq + 2 * C;
		const float *P = att + (size_t)bh * T * T;
		float *dP = scratch + (size_t)bh * T * T;
		const float *dO = dout + (size_t)b * T * C + h * hs;

		/* Row blocks in order, so dK and dV sum them in a fixed order. */
		for (int r0 = 0; r0 < T; r0 += NN_ATT_ROWS) {
			int r1 = r0 + NN_ATT_ROWS < T ? r0 + NN_ATT_ROWS : T;
			int nr = r1 - r0;
			const float *Pr = P + (size_t)r0 * T;
			float *dPr = dP + (size_t)r0 * T;
			const float *dOr = dO + (size_t)r0 * C;

			/* dP = dO V^T; dV += P^T dO */
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nr,
			    r1, hs, 1.0f, dOr, C, v, C3, 0.0f, dPr, T);
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r1,
			    hs, nr, 1.0f, Pr, T, dOr, C, 1.0f, dv, C3);
			for (int i = r0; i < r1; i++)
				softmax_bwd_row(dP + (size_t)i * T,
				    P + (size_t)i * T, i, r1, scale);
			/* dQ += dS K; dK += dS^T Q (dS carries the scale) */
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
			    nr, hs, r1, 1.0f, dPr, T, k, C3, 1.0f,
			    dq + (size_t)r0 * C3, C3);
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r1,
			    hs, nr, 1.0f, dPr, T, q + (size_t)r0 * C3, C3, 1.0f,
			    dk, C3);
		}
	}
}

void
nn_attention_bwd_ref(float *dqkv, const float *dout, const float *qkv,
    const float *att, int B, int T, int C, int NH)
{
	int hs = C / NH, C3 = 3 * C;
	double scale = 1.0 / sqrt((double)hs);

	for (int b = 0; b < B; b++)
		for (int h = 0; h < NH; h++)
			for (int i = 0; i < T; i++) {
				const float *P = att + (((size_t)b * NH + h) *
				    T + i) * T;
				const float *dO = dout + ((size_t)b * T + i) *
				    C + h * hs;
				const float *q = qkv + ((size_t)b * T + i) *
				    C3 + h * hs;
				float *dq = dqkv + ((size_t)b * T + i) * C3 +
				    h * hs;
				double dP[T], s = 0;

				for (int j = 0; j <= i; j++) {
					const float *v = qkv + ((size_t)b * T +
					    j) * C3 + 2 * C + h * hs;
					float *dv = dqkv + ((size_t)b * T + j) *
					    C3 + 2 * C + h * hs;
					double d = 0;
					for (int e = 0; e < hs; e++) {
						d += (double)dO[e] * v[e];
						dv[e] += (float)(P[j] * dO[e]);
					}
					dP[j] = d;
					s += d * P[j];
				}
				for (int j = 0; j <= i; j++) {
					double ds = P[j] * (dP[j] - s) * scale;
					const float *k = qkv + ((size_t)b * T +
					    j) * C3 + C + h * hs;
					float *dk = dqkv + ((size_t)b * T + j) *
					    C3 + C + h * hs;
					for (int e = 0; e < hs; e++) {
						dq[e] += (float)(ds * k[e]);
						dk[e] += (float)(ds * q[e]);
					}
				}
			}
}

/* ---- softmax cross-entropy ---- */

NN_VEC static float
ce_row(float *restrict x, int t, int V, float dscale)
{
	float mx = -INFINITY, s = 0, xt = x[t], lse;

#pragma omp simd reduction(max:mx)
	for (int j = 0; j < V; j++)
		mx = x[j] > mx ? x[j] : mx;
	if (dscale == 0) {
#pragma omp simd reduction(+:s)
		for (int j = 0; j < V; j++)
			s += nn_expf(x[j] - mx);
	} else {
#pragma omp simd reduction(+:s)
		for (int j = 0; j < V; j++) {
			x[j] = nn_expf(x[j] - mx);
			s += x[j];
		}
		float k = dscale / s;
#pragma omp simd
		for (int j = 0; j < V; j++)
			x[j] *= k;
		x[t] -= dscale;
	}
	lse = logf(s) + mx;
	return lse - xt;
}

void
nn_crossentropy(float *logits, float *losses, const int32_t *targets, int N,
    int V, float dscale)
{
#pragma omp parallel for schedule(static)
	for (int i = 0; i < N; i++) {
		if (targets[i] < 0) {	/* ignored position */
			losses[i] = 0;
			if (dscale != 0)
				memset(logits + (size_t)i * V, 0,
				    sizeof(float) * V);
			continue;
		}
		losses[i] = ce_row(logits + (size_t)i * V, targets[i], V, dscale);
	}
}

void
nn_crossentropy_ref(float *logits, float *losses, const int32_t *targets,
    int N, int V, float dscale)
{
	for (int i = 0; i < N; i++) {
		float *x = logits + (size_t)i * V;
		double mx = -INFINITY, s = 0;

		for (int j = 0; j < V; j++)
			mx = x[j] > mx ? x[j] : mx;
		for (int j = 0; j < V; j++)
			s += exp(x[j] - mx);
		losses[i] = (float)(log(s) + mx - x[targets[i]]);
		if (dscale != 0) {
			for (int j = 0; j < V; j++)
				x[j] = (float)(exp(x[j] - mx) / s * dscale);
			x[targets[i]] -= dscale;
		}
	}
}

/* ---- embeddings, residual adds, norms ---- */

NN_VEC static void
row_add(float *restrict y, const float *restrict a, const float *restrict b,
    size_t n)
{
#pragma omp simd
	for (size_t i = 0; i < n; i++)
		y[i] = a[i] + b[i];
}

void
nn_embed_fwd(float *out, const int32_t *tok, const float *wte,
    const float *wpe, int B, int T, int C)
{
#pragma omp parallel for schedule(static)
	for (int i = 0; i < B * T; i++)
		row_add(out + (size_t)i * C, wte + (size_t)tok[i] * C,
		    wpe + (size_t)(i % T) * C, C);
}

/*
 * Several positions may hold the same token, so the scatter into dwte is
 * split by channel: each thread owns a slice of channels and walks all
 * positions in order.
 */
void
nn_embed_bwd(float *dwte, float *dwpe, const float *dout, const int32_t *tok,
    int B, int T, int C, int V)
{
	int nsl = (int)div_up(C, 16);

	(void)V;
#pragma omp parallel for schedule(static)
	for (int s = 0; s < nsl; s++) {
		int lo = s * 16, n = C - lo < 16 ? C - lo : 16;

		for (int i = 0; i < B * T; i++) {
			const float *d = dout + (size_t)i * C + lo;
			float *we = dwte + (size_t)tok[i] * C + lo;
			float *wp = dwpe + (size_t)(i % T) * C + lo;
			for (int c = 0; c < n; c++) {
				we[c] += d[c];
				wp[c] += d[c];
			}
		}
	}
}

void
nn_add(float *y, const float *a, const float *b, size_t n)
{
	size_t ns = div_up(n, NN_SPAN);

#pragma omp parallel for schedule(static)
	for (size_t s = 0; s < ns; s++) {
		size_t lo = s * NN_SPAN;
		row_add(y + lo, a + lo, b + lo,
		    n - lo < NN_SPAN ? n - lo : NN_SPAN);
	}
}

NN_VEC static double
sumsq_span(const float *restrict x, size_t n)
{
	float s[16] = { 0 };
	double d = 0;

	/* 16 float lanes in fixed order, then folded in double. */
	for (size_t i = 0; i + 16 <= n; i += 16)
#pragma omp simd
		for (int j = 0; j < 16; j++)
			s[j] += x[i + j] * x[i + j];
	for (size_t i = n / 16 * 16; i < n; i++)
		d += (double)x[i] * x[i];
	for (int j = 0; j < 16; j++)
		d += s[j];
	return d;
}

double
nn_sumsq(const float *x, size_t n)
{
	enum { MAXCH = 256 };
	double part[MAXCH], s = 0;
	size_t cs = div_up(n, MAXCH);
	int nch;

	cs = cs < 8192 ? 8192 : div_up(cs, 16) * 16;
	nch = (int)div_up(n, cs);
#pragma omp parallel for schedule(static)
	for (int c = 0; c < nch; c++) {
		size_t lo = (size_t)c * cs;
		part[c] = sumsq_span(x + lo, n - lo < cs ? n - lo : cs);
	}
	for (int c = 0; c < nch; c++)
		s += part[c];
	return s;
}
