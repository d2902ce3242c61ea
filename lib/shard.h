/*
 * shard.h - shard folders: token records cut into checksummed shard files
 * with a JSON manifest, in ptk's own mmap-able format, as a Megatron-LM
 * indexed dataset (.bin/.idx) or as llm.c token shards (docs/shard-format.md).
 *
 * Writing (cmd/shard.c):
 *
 *	struct shard_opts o = SHARD_OPTS_INIT;
 *	shard_writer_open(&w, "out", &o, tok_reader_header(r));
 *	while (tok_read(r, &rec) == 1)
 *		shard_writer_add(w, &rec);
 *	shard_writer_close(w, 1, err, sizeof err);	// manifest, fsync,
 *							// rename out.tmp.PID -> out
 *
 * Reading (train, tokcat):
 *
 *	struct shardset *s;
 *	if (shardset_open(&s, "out", 0, 0) < 0)	// verifies every checksum
 *		die(shardset_errmsg(s));
 *	n = shardset_tokens(s, SHARD_TRAIN);
 *	shardset_window(s, SHARD_TRAIN, k, T, buf);	// T+1 tokens from k*T
 *	shardset_free(s);
 *
 * The reader maps the files read-only; every shardset_* query is safe to
 * call from many threads at once (each thread with its own struct
 * shard_recbuf).
 */
#ifndef PTK_SHARD_H
#define PTK_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "tokrec.h"

enum shard_format {
	SHARD_FMT_PTK = 0,	/* ptk shards (.ptk): every record part kept */
	SHARD_FMT_MEGATRON = 1,	/* Megatron-LM .bin + .idx: tokens, documents */
	SHARD_FMT_LLMC = 2,	/* llm.c .bin: one uint16 token stream */
};

enum shard_split {
	SHARD_TRAIN = 0,
	SHARD_VAL = 1,
};

/* Where --eod puts an end-of-document token around each record. */
enum shard_eod {
	SHARD_EOD_NONE = 0,
	SHARD_EOD_BEFORE = 1,	/* llm.c's fineweb.py: <|endoftext|> first */
	SHARD_EOD_AFTER = 2,	/* Megatron's preprocess_data.py --append-eod */
};

#define SHARD_MANIFEST "manifest.json"
#define SHARD_DEFAULT_TOKENS 100000000ULL	/* per shard, as llm.c's fineweb.py */
#define SHARD_DEFAULT_MEM (1ULL << 30)
#define SHARD_MIN_MEM (1ULL << 20)
#define SHARD_LLMC_MAX_TOKENS 2147483647ULL	/* header[2] is an int32 */

struct shard_opts {
	int format;		/* enum shard_format */
	uint64_t shard_tokens;	/* at most this many tokens a shard (a longer
				 * record gets a shard of its own; llm.c
				 * shards are filled exactly) */
	double val_fraction;	/* 0..1: this share of records goes to val */
	int shuffle;		/* global shuffle of the records by seed */
	uint64_t seed;
	uint64_t mem;		/* bytes the shuffle may hold in memory */
	uint32_t seq_len;	/* training sequence length, for the manifest (0: unset) */
	int eod;		/* enum shard_eod (seq records only) */
	int32_t eod_id;		/* the token; -1: the stream's eos special */
	int sentences;		/* megatron: sentence bounds become sequences */
	int force;		/* replace an existing output folder */
	const char *tmp_dir;	/* shuffle buckets (NULL: in the output's temp folder) */
};

#define SHARD_OPTS_INIT { SHARD_FMT_PTK, SHARD_DEFAULT_TOKENS, 0.0, 0, 0, \
	SHARD_DEFAULT_MEM, 0, SHARD_EOD_NONE, -1, 0, 0, NULL }

/* "ptk", "megatron", "llmc"; shard_format_parse returns -1 for others. */
const char *shard_format_name(int format);
int	shard_format_parse(const char *name);

struct shard_writer;

/*
 * Start writing the folder dir (it appears only at shard_writer_close(w, 1):
 * everything goes to "dir.tmp.PID" first).  h is the input stream's header.
 * Returns 0; PTK_EFORMAT when the input cannot be written in this format
 * (a vocabulary over 16 bits for llm.c, --eod on records that are not
 * sequences, no eos token for --eod); PTK_EIO when dir exists (without
 * o->force) or cannot be created.  *w is set in every case (for the
 * message) and freed by shard_writer_close().
 */
int	shard_writer_open(struct shard_writer **w, const char *dir,
	    const struct shard_opts *o, const struct tok_header *h);

/*
 * Add one record (its arrays are copied or written at once).  Returns 0,
 * PTK_EFORMAT for a record that does not fit the format (a token or label
 * outside the vocabulary), or PTK_EIO.
 */
int	shard_writer_add(struct shard_writer *w, const struct tok_rec *rec);

/*
 * commit = 1: shuffle (if asked), finish every shard, write the manifest,
 * fsync and rename the folder into place; returns 0 or a negative enum
 * ptk_err (the folder is then removed).  commit = 0: remove everything.
 * Frees w; the message of a failure is copied to errbuf when errbuf is not
 * NULL (errlen bytes).
 */
int	shard_writer_close(struct shard_writer *w, int commit, char *errbuf,
	    size_t errlen);

const char *shard_writer_errmsg(const struct shard_writer *w);

/* Totals so far: records and tokens added (for -v and progress). */
uint64_t shard_writer_records(const struct shard_writer *w);
uint64_t shard_writer_tokens(const struct shard_writer *w);

/* ---- reading ---- */

enum shardset_flags {
	/*
	 * Skip the checksums and token-range scan at open (structure and
	 * manifest agreement are still checked).  Faster for huge folders
	 * that were verified before; a corrupt token then goes unnoticed.
	 */
	SHARDSET_TRUST = 1,
};

struct shardset;

/*
 * Open the shard folder dir: read its manifest, map every shard, check that
 * each file agrees with the manifest (sizes, counts, headers, index
 * structure) and, unless SHARDSET_TRUST, that its XXH64 matches and every
 * token is inside the vocabulary.  jobs > 1 verifies that many files at
 * once (0: all cores).  Returns 0, or PTK_EFORMAT (a corrupt or
 * disagreeing folder) / PTK_EIO with shardset_errmsg() = "DIR/FILE: what".
 * *s is set in every case and freed with shardset_free().
 */
int	shardset_open(struct shardset **s, const char *dir, unsigned flags,
	    int jobs);
void	shardset_free(struct shardset *s);	/* NULL is a no-op */
const char *shardset_errmsg(const struct shardset *s);

/* The token stream header the shards were made from (kind, vocabulary). */
const struct tok_header *shardset_header(const struct shardset *s);
int	shardset_format(const struct shardset *s);	/* enum shard_format */
uint32_t shardset_seq_len(const struct shardset *s);	/* 0: unset */
int	shardset_shuffled(const struct shardset *s);
unsigned shardset_nshards(const struct shardset *s, int split);

/*
 * Records and tokens of a split.  A ptk or Megatron record is one input
 * record (Megatron: one document, tokens only); an llm.c shard has no
 * record boundaries, so each of its shards counts as one record.
 */
uint64_t shardset_records(const struct shardset *s, int split);
uint64_t shardset_tokens(const struct shardset *s, int split);

/* Arrays shardset_record() fills; zero-initialize, release when done. */
struct shard_recbuf {
	uint32_t *tokens;
	size_t tokens_cap;
	uint8_t *segments;
	size_t segments_cap;
	uint32_t *bounds;
	size_t bounds_cap;
	int32_t *labels;
	size_t labels_cap;
};

void	shard_recbuf_release(struct shard_recbuf *b);

/*
 * Record i (0-based, in shard order) of a split, exactly as it went in for
 * ptk shards.  rec->id points into the mapping (valid until
 * shardset_free); the arrays are in b.  Returns 0, or PTK_EAPI when i is
 * out of range.
 */
int	shardset_record(const struct shardset *s, int split, uint64_t i,
	    struct tok_rec *rec, struct shard_recbuf *b);

/*
 * Copy n tokens starting at token pos of the split's concatenated token
 * stream (all its records back to back, shard after shard) into out.
 * Returns 0, or PTK_EAPI when [pos, pos+n) is not inside the stream.
 */
int	shardset_read(const struct shardset *s, int split, uint64_t pos,
	    size_t n, uint32_t *out);

/* Number of windows of T+1 tokens at positions 0, T, 2T, ... */
static inline uint64_t
shardset_windows(const struct shardset *s, int split, uint32_t T)
{
	uint64_t n = shardset_tokens(s, split);

	return T > 0 && n > T ? (n - 1) / T : 0;
}

/* Window k: the T+1 tokens at position k*T (inputs = out[0..T), targets = out[1..T]). */
static inline int
shardset_window(const struct shardset *s, int split, uint64_t k, uint32_t T,
    uint32_t *out)
{
	return shardset_read(s, split, k * T, (size_t)T + 1, out);
}

#endif
