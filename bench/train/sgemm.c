/*
 * sgemm.c - the machine's single-precision matrix-product ceiling: the best
 * OpenBLAS sgemm rate over a few large shapes, with the threads that
 * OMP_NUM_THREADS gives.  Prints {"gflops":X,"core":"..."}.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(void)
{
	static const int shape[][3] = {
		{ 2048, 2048, 2048 }, { 2048, 8192, 256 }, { 2048, 1024, 256 },
		{ 256, 3072, 768 },
	};
	double best = 0;

	for (size_t s = 0; s < sizeof(shape) / sizeof(shape[0]); s++) {
		int M = shape[s][0], N = shape[s][1], K = shape[s][2];
		float *a = malloc(sizeof(float) * M * K);
		float *b = malloc(sizeof(float) * K * N);
		float *c = malloc(sizeof(float) * M * N);
		for (long i = 0; i < (long)M * K; i++)
			a[i] = (float)(i % 7) * 1e-3f;
		for (long i = 0; i < (long)K * N; i++)
			b[i] = (float)(i % 5) * 1e-3f;
		for (int r = 0; r < 5; r++) {
			double t = now();
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N,
			    K, 1.0f, a, K, b, K, 0.0f, c, N);
			t = now() - t;
			if (2.0 * M * N * K / t / 1e9 > best)
				best = 2.0 * M * N * K / t / 1e9;
		}
		free(a), free(b), free(c);
	}
	printf("{\"gflops\":%.1f,\"core\":\"%s\"}\n", best,
	    openblas_get_corename());
	return 0;
}
