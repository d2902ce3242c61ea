/*
 * dist.h - data-parallel training across processes (MPI).
 *
 * Built with 'make MPI=1' these call OpenMPI; otherwise they are a single
 * process's no-ops (rank 0 of 1), so the trainers call them unconditionally
 * and the ordinary build needs no MPI at all.
 *
 * Every rank holds the whole model.  A step's micro-batches are dealt out
 * among the ranks (micro-batch k to rank k mod size); after the backward
 * passes the gradients are summed with an all-reduce, so each rank applies
 * the identical update and the weights never drift apart.  Rank 0 alone
 * writes logs, checkpoints and progress.
 *
 * Errors: MPI's default handler aborts the whole job on a communication
 * failure, and mpirun ends the other ranks when one exits with a failure
 * status, so none of these return an error.
 */
#ifndef PTK_NN_DIST_H
#define PTK_NN_DIST_H

#include <stddef.h>

/*
 * Start MPI if this is an MPI build (idempotent): 1 when it is, else 0; or
 * -N when a build without MPI finds itself started by mpirun as one of N > 1
 * ranks (the caller should refuse: each would train alone).
 */
int	dist_init(int *argc, char ***argv);
/* This process's rank (0 ..) and the number of ranks (1 without MPI). */
int	dist_rank(void);
int	dist_size(void);
/* In place: x[i] = the sum over ranks of x[i]. */
void	dist_sum_floats(float *x, size_t n);
void	dist_sum_doubles(double *x, size_t n);
/* The minimum over ranks of v (used to agree that the data ran out). */
long	dist_min_long(long v);
/*
 * Whether the n floats of x are bit-identical on every rank (a checksum
 * compared across ranks); 1 without MPI.
 */
int	dist_same_floats(const float *x, size_t n);
/* Shut MPI down after a successful run; exits that fail skip it. */
void	dist_finish(void);

#endif
