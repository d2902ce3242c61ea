/*
 * dist.c - MPI all-reduce for data-parallel training, or a single process's
 * stand-ins when built without PTK_MPI.
 */
#include <stdint.h>
#include <string.h>

#include "nn/dist.h"

#ifdef PTK_MPI
#include <mpi.h>

static int started;

int
dist_init(int *argc, char ***argv)
{
	int ok = 0;

	if (started)
		return 1;
	MPI_Initialized(&ok);
	if (!ok)
		MPI_Init(argc, argv);
	started = 1;
	return 1;
}

int
dist_rank(void)
{
	int r = 0;

	if (started)
		MPI_Comm_rank(MPI_COMM_WORLD, &r);
	return r;
}

int
dist_size(void)
{
	int n = 1;

	if (started)
		MPI_Comm_size(MPI_COMM_WORLD, &n);
	return n;
}

/* MPI counts are int: reduce big arrays in pieces. */
#define DIST_CHUNK ((size_t)1 << 28)

void
dist_sum_floats(float *x, size_t n)
{
	if (dist_size() < 2)
		return;
	for (size_t i = 0; i < n; i += DIST_CHUNK) {
		size_t k = n - i < DIST_CHUNK ? n - i : DIST_CHUNK;
		MPI_Allreduce(MPI_IN_PLACE, x + i, (int)k, MPI_FLOAT, MPI_SUM,
		    MPI_COMM_WORLD);
	}
}

void
dist_sum_doubles(double *x, size_t n)
{
	if (dist_size() < 2)
		return;
	for (size_t i = 0; i < n; i += DIST_CHUNK) {
		size_t k = n - i < DIST_CHUNK ? n - i : DIST_CHUNK;
		MPI_Allreduce(MPI_IN_PLACE, x + i, (int)k, MPI_DOUBLE,
		    MPI_SUM, MPI_COMM_WORLD);
	}
}

long
dist_min_long(long v)
{
	if (dist_size() < 2)
		return v;
	MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
	return v;
}

void
dist_finish(void)
{
	int done = 0;

	if (!started)
		return;
	MPI_Finalized(&done);
	if (!done)
		MPI_Finalize();
	started = 0;
}

#else	/* one process */

#include <stdlib.h>

/* mpirun's environment, in case it started this single-process build. */
static const char *const launcher_size_vars[] = {
	"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS",
};

int
dist_init(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(launcher_size_vars) /
	    sizeof(launcher_size_vars[0]); i++) {
		const char *v = getenv(launcher_size_vars[i]);
		if (v && atoi(v) > 1)
			return -atoi(v);
	}
	return 0;
}

int dist_rank(void) { return 0; }
int dist_size(void) { return 1; }
void dist_sum_floats(float *x, size_t n) { (void)x; (void)n; }
void dist_sum_doubles(double *x, size_t n) { (void)x; (void)n; }
long dist_min_long(long v) { return v; }
void dist_finish(void) { }

#endif

/* FNV-1a over the bytes, compared as (min, max) across ranks. */
int
dist_same_floats(const float *x, size_t n)
{
	const unsigned char *p = (const unsigned char *)x;
	uint64_t h = 0xcbf29ce484222325ULL;
	long lo, hi;

	if (dist_size() < 2)
		return 1;
	for (size_t i = 0; i < n * sizeof(float); i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	/* Two 31-bit halves fit a long on every ABI MPI_LONG has. */
	lo = (long)(h & 0x7fffffff);
	hi = (long)((h >> 31) & 0x7fffffff);
	return dist_min_long(lo) == -dist_min_long(-lo) &&
	    dist_min_long(hi) == -dist_min_long(-hi);
}
