/*
 * dedup.h - exact, near-duplicate (MinHash LSH) and repeated-line removal.
 *
 * The work is split in three phases (docs/dedup.md):
 *   sign    one input shard -> a signature file: per document its id, an
 *           exact hash, a MinHash signature and hashes of its lines;
 *           shards are signed independently, on any number of machines;
 *   merge   all signature files (in shard order) -> one keep-list per shard:
 *           exact groups, LSH candidates confirmed and clustered, repeated
 *           lines counted; with an index, earlier runs count too;
 *   filter  one shard + its keep-list -> the records kept, in input order.
 * The one-shot mode (dedup_run) runs the same three phases over temporary
 * files, so both give byte-identical output.
 *
 * Levels apply in this order: exact, then near among the documents exact
 * kept, then lines among the documents both kept.  In every group the first
 * document seen (shard order, then record order; documents in the index come
 * before all of them) is kept.
 */
#ifndef PTK_DEDUP_H
#define PTK_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "minhash.h"
#include "zio.h"

enum dedup_level {
	DEDUP_EXACT = 1,
	DEDUP_NEAR = 2,
	DEDUP_LINES = 4,
};

/* What signatures depend on: sign, merge and the index must agree on it. */
struct dedup_params {
	unsigned levels;	/* enum dedup_level bits */
	int lowercase;		/* exact: compare case-folded text */
	int paragraphs;		/* lines: the unit is a paragraph, not a line */
	struct mh_params mh;
};

#define DEDUP_PARAMS_INIT { DEDUP_EXACT | DEDUP_NEAR, 0, 0, MH_PARAMS_INIT }

struct dedup_opts {
	struct dedup_params p;
	double threshold;	/* near: estimated Jaccard to call a duplicate */
	long line_count;	/* lines: a unit in this many documents repeats */
	long min_length;	/* lines: drop a trimmed document under this many
				 * non-space characters */
	size_t mem;		/* bytes for each external sort */
	const char *tmpdir;	/* NULL: $TMPDIR or /tmp */
	const char *index;	/* SQLite index path, or NULL */
	int jobs;		/* threads for sign */
	unsigned doc_flags;	/* DOC_REPAIR_UTF8 */
	size_t max_record;	/* longest record (0: default) */
	/* Called now and then by sign and filter with the input bytes and the
	 * documents read so far in this phase; NULL: none. */
	void	(*progress)(void *arg, uint64_t bytes, uint64_t docs);
	void	*progress_arg;
};

#define DEDUP_OPTS_INIT { DEDUP_PARAMS_INIT, 0.8, 3, 1, (size_t)512 << 20, \
	NULL, NULL, 1, 0, 0, NULL, NULL }

/* Cluster sizes in the histogram: bin i counts sizes in [2^i + 1, 2^(i+1)]. */
#define DEDUP_HIST_BINS 24

struct dedup_stats {
	uint64_t docs;			/* documents read */
	uint64_t bytes;			/* decoded input bytes */
	uint64_t kept;			/* documents written */
	uint64_t removed[3];		/* by exact, near, lines */
	uint64_t vs_index;		/* of those removed, matching the index */
	uint64_t trimmed;		/* documents that lost lines but were kept */
	uint64_t lines_removed;		/* units removed from documents */
	uint64_t clusters;		/* near clusters of two or more */
	uint64_t hist[DEDUP_HIST_BINS];	/* near cluster sizes */
	uint64_t indexed;		/* documents added to the index */
	uint64_t pairs;			/* near: signature comparisons made */
};

struct dedup_ctx;

/* A context for one program run.  Caller frees with dedup_ctx_free(). */
struct dedup_ctx *dedup_ctx_new(const struct dedup_opts *o);
/*
 * End the run: commit = 1 commits the index updates that dedup_merge() left
 * pending (returns 0 or PTK_EIO); commit = 0 rolls them back.
 */
int	dedup_ctx_finish(struct dedup_ctx *c, int commit);
void	dedup_ctx_free(struct dedup_ctx *c);	/* NULL is a no-op */
/* The last error, as "FILE: record N at byte M: what" or "what". */
const char *dedup_errmsg(const struct dedup_ctx *c);
const struct dedup_stats *dedup_stats(const struct dedup_ctx *c);
/* The summary: docs in, kept, removed per level, cluster histogram (a line). */
void	dedup_summary(const struct dedup_ctx *c, char *out, size_t n);

/*
 * Sign one shard: read doc records from in (NULL or "-": stdin) and write
 * the signature file sig (atomically).  Returns 0 or a negative enum
 * ptk_err with dedup_errmsg() set.
 */
int	dedup_sign(struct dedup_ctx *c, const char *in, const char *sig);

/*
 * Merge signature files sigs[0..n) (shard order) and write keep[i] for each
 * (atomically).  With o->index, documents in the index count as seen before
 * all others, and the documents kept are added to it in a transaction that
 * dedup_ctx_finish() ends.  Returns 0 or a negative enum ptk_err.
 */
int	dedup_merge(struct dedup_ctx *c, char *const *sigs, int n,
	    char *const *keep);

/*
 * Filter one shard: read doc records from in, apply keep-list keep, append
 * the records kept to out and, when report is not NULL, a JSON line for each
 * record removed.  The input must be the shard that was signed (record
 * count and ids are checked).  Returns 0 or a negative enum ptk_err.
 */
int	dedup_filter(struct dedup_ctx *c, const char *in, const char *keep,
	    struct zio_writer *out, struct zio_writer *report);

/*
 * One shot: sign, merge and filter inputs in[0..n) ("-" = stdin, spooled to
 * a temporary file) through a temporary folder.  Returns 0 or a negative
 * enum ptk_err.
 */
int	dedup_run(struct dedup_ctx *c, char *const *in, int n,
	    struct zio_writer *out, struct zio_writer *report);

/* ---- signature files (dedup_sig.c; format in docs/dedup.md) ---- */

#define DSIG_MAGIC "PTKDSIG1"
#define DSIG_HEADER_SIZE 128

/* One document in a signature file. */
struct dsig_rec {
	uint64_t exact[2];	/* XXH3-128 of the normalised text */
	uint32_t nwords;	/* words after near normalisation (0: no shingle) */
	uint32_t nlines;	/* units (lines or paragraphs) */
	const uint32_t *mh;	/* (mh.words) signature, or NULL */
	const uint64_t *lines;	/* (nlines) unit hashes, 0 for an empty unit */
	const char *id;
	size_t id_len;
};

struct dsig_writer;
struct dsig_file;

int	dsig_writer_open(struct dsig_writer **w, const char *path,
	    const struct dedup_params *p, char *err, size_t errlen);
int	dsig_write(struct dsig_writer *w, const struct dsig_rec *r);
/* commit = 1: finish and rename into place; 0: discard.  Frees w. */
int	dsig_writer_close(struct dsig_writer *w, int commit, char *err,
	    size_t errlen);

/*
 * Open and check a signature file (header, sizes, offsets, checksum).
 * Returns 0, PTK_EIO or PTK_EFORMAT with err set; *f is NULL on failure.
 */
int	dsig_open(struct dsig_file **f, const char *path, char *err,
	    size_t errlen);
/* The same over a copy of bytes in memory (tests, fuzzing). */
int	dsig_open_mem(struct dsig_file **f, const void *p, size_t n,
	    const char *name, char *err, size_t errlen);
void	dsig_close(struct dsig_file *f);	/* NULL is a no-op */
/*
 * Recompute the checksum of a signature file image p[0..n) in place (n >=
 * DSIG_HEADER_SIZE), so that tests and fuzzing can reach the checks behind it.
 */
void	dsig_seal(void *p, size_t n);
const struct dedup_params *dsig_params(const struct dsig_file *f);
uint64_t dsig_count(const struct dsig_file *f);
/* Record i (< dsig_count()); pointers valid while f is open. */
void	dsig_get(const struct dsig_file *f, uint64_t i, struct dsig_rec *r);

#endif
