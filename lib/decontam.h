/*
 * decontam.h - GPT-3-style benchmark decontamination by n-gram overlap.
 *
 * Text is cut into units: whitespace-delimited words, each lowercased
 * (Unicode case folding after compatibility decomposition, NFKD) with
 * punctuation, symbols and control/format characters removed; a word that
 * becomes empty is no unit.  With char_ngrams, every character of a script
 * written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer,
 * Myanmar) is a unit of its own.  An n-gram is n consecutive units; its
 * identity is the 64-bit XXH3 hash of the units joined by single spaces.
 * Benchmark and training text go through the same function.
 *
 * A struct dc_index holds the benchmarks: their examples and a hash table of
 * every distinct n-gram with the examples it comes from.  With short_min,
 * an example of short_min to n - 1 units is one "n-gram" of its own length,
 * found when a text holds all its units in a row (GPT-3's rule for short
 * examples).  Its size depends
 * on the benchmarks only.  Matching a training document against it is
 * read-only, so any number of threads may share one index, each with its
 * own struct dc_scratch.  Counters that documents update (doc frequencies,
 * contaminated examples, documents hit) are updated atomically.
 * See docs/benchmark-decontaminate.md.
 */
#ifndef PTK_DECONTAM_H
#define PTK_DECONTAM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "doc.h"

enum dc_mode {
	DC_DROP,	/* drop a document with any hit */
	DC_REDACT,	/* cut each hit +- window, split; GPT-3 rules */
	DC_FLAG,	/* keep all, add metadata.contamination */
	DC_COUNT,	/* write nothing; only count (pass 1 of --max-doc-freq) */
};

enum dc_bench_format {
	DC_FMT_AUTO,	/* JSON Lines if the first non-blank line starts with '{' */
	DC_FMT_JSONL,
	DC_FMT_TEXT,	/* one example per non-empty line */
};

#define DC_MAX_N 256
#define DC_MAX_PIECES 64	/* cap on --max-pieces */
#define DC_MAX_FIELDS 64	/* cap on the fields of dc_index_add() */

struct dc_opts {
	int n;			/* n-gram size in units (default 13) */
	int char_ngrams;	/* CJK/Thai characters are units of their own */
	enum dc_mode mode;
	long window;		/* redact: code points cut on each side (200) */
	long min_piece;		/* redact: shorter pieces are discarded (200) */
	long max_pieces;	/* redact: more pieces drop the document (10) */
	long long max_doc_freq;	/* ignore n-grams in more documents; -1 off */
	int short_min;		/* examples of short_min..n-1 units match whole; 0 off */
};

#define DC_OPTS_INIT { 13, 0, DC_DROP, 200, 200, 10, -1, 0 }

/* One unit of a text: where it came from and its normalised bytes. */
struct dc_unit {
	uint32_t norm;		/* offset of its normalised bytes in norm */
	uint32_t cp_start;	/* code point offsets in the source text */
	uint32_t cp_end;
	uint32_t byte_start;	/* byte offsets in the source text */
	uint32_t byte_end;
};

/* Per-thread working memory for tokenising and matching. */
struct dc_scratch {
	struct buf norm;		/* units' normalised bytes, each + ' ' */
	struct dc_unit *units;		/* (nunits + 1): the last is a sentinel */
	size_t nunits, cap;
	uint32_t *hit_ng;		/* (nhits): n-gram index of each hit */
	uint32_t *hit_pos;		/* (nhits): unit position of each hit */
	size_t nhits, hcap;
	uint32_t *tmp;			/* sort scratch */
	size_t tcap;
	struct buf meta;		/* rebuilt metadata (flag mode) */
	struct buf text;		/* piece text (redact mode) */
	struct buf pscratch[5];		/* doc_parse scratch */
};

void	dc_scratch_release(struct dc_scratch *s);

/*
 * Cut text[0..len) (valid UTF-8) into units in s.  Returns 0, or
 * PTK_ELIMIT for a text of 4 GiB or more.
 */
int	dc_tokenize(const struct dc_opts *o, const char *text, size_t len,
	    struct dc_scratch *s);

/* Hash of the n-gram of n units starting at unit i (i + n <= nunits). */
uint64_t dc_ngram_hash(const struct dc_scratch *s, size_t i, int n);

struct dc_index;

struct dc_index *dc_index_new(const struct dc_opts *o);
void	dc_index_free(struct dc_index *x);	/* NULL is a no-op */

/*
 * Read benchmark name from path (zstd or plain): JSON Lines, taking the text
 * of fields (comma-separated member names; NULL: every string member but
 * id_field, at any depth) joined by spaces, with the example id from
 * id_field (a string or number; else the line number); or plain text, one
 * example per non-empty line.  Returns 0, or a negative enum ptk_err with
 * "FILE: record N at byte M: what" in err.
 */
int	dc_index_add(struct dc_index *x, const char *name, const char *path,
	    enum dc_bench_format fmt, const char *fields, const char *id_field,
	    char *err, size_t errlen);

/* Build the lookup table; call once after the last dc_index_add(). */
void	dc_index_finish(struct dc_index *x);

size_t	dc_index_ngrams(const struct dc_index *x);	/* distinct n-grams */
size_t	dc_index_benchmarks(const struct dc_index *x);
const char *dc_index_bench_name(const struct dc_index *x, size_t b);
size_t	dc_index_bench_examples(const struct dc_index *x, size_t b);
size_t	dc_index_bench_ngrams(const struct dc_index *x, size_t b);

/*
 * Set the training document frequency of n-gram hash h (as read from a
 * merged pass-1 report): n-grams over opts.max_doc_freq are then ignored.
 * Hashes that are not in the index are skipped.
 */
void	dc_index_set_doc_freq(struct dc_index *x, uint64_t h, uint64_t count);

/*
 * Find the hits of text[0..len) in s (s->hit_ng, s->hit_pos, sorted by
 * position), leaving out ignored n-grams.  Returns the number of hits or
 * a negative enum ptk_err.
 */
long	dc_find(struct dc_index *x, const char *text, size_t len,
	    struct dc_scratch *s);

/*
 * Process one document: find its hits, update the counters, and append
 * what the mode writes (nothing, the record, its pieces, or the flagged
 * record) to out; *records is set to the number of records appended (0 for
 * a dropped document).  In DC_COUNT mode only the document frequencies are
 * updated.  Returns the number of hits (>= 0) or a negative enum ptk_err.
 */
long	dc_process(struct dc_index *x, struct doc *d, struct dc_scratch *s,
	    struct buf *out, int *records);

const struct dc_opts *dc_index_opts(const struct dc_index *x);
/* Change the mode between passes (pass 1 runs DC_COUNT). */
void	dc_index_set_mode(struct dc_index *x, enum dc_mode mode);

/*
 * After pass 1 (DC_COUNT): mark the n-grams found in more than
 * opts.max_doc_freq documents as ignored, and reset the per-pass counters
 * so that pass 2 starts clean (doc frequencies are kept).
 */
void	dc_index_end_count_pass(struct dc_index *x);

/* ---- running documents through an index (lib/decontam_run.c) ---- */

struct dc_totals;
struct dc_run;
struct zio_writer;

/*
 * A runner: reads doc records, matches batches of them on jobs threads
 * (OpenMP) and writes what dc_process() gives, in input order, to out
 * (NULL: nothing is written) from a writer thread of its own.  doc_flags go
 * to doc_parse() (DOC_REPAIR_UTF8); max_record caps a line (0: default).
 * Returns NULL if the thread cannot be started.
 */
struct dc_run *dc_run_new(struct dc_index *x, int jobs, unsigned doc_flags,
	    size_t max_record, struct zio_writer *out);
/*
 * Run one input file (NULL or "-": stdin) through the index; returns 0 or
 * a negative enum ptk_err with dc_run_errmsg() set ("FILE: record N at
 * byte M: what").  Everything read is written when it returns.
 */
int	dc_run_file(struct dc_run *r, const char *path);
const char *dc_run_errmsg(const struct dc_run *r);
/* Called after each batch with the bytes read and documents done so far. */
void	dc_run_set_progress(struct dc_run *r,
	    void (*fn)(void *arg, uint64_t bytes, uint64_t docs), void *arg);
/* Totals so far, decoded bytes read, invalid UTF-8 sequences repaired. */
void	dc_run_totals(const struct dc_run *r, struct dc_totals *t,
	    uint64_t *bytes, long *repaired);
void	dc_run_reset_totals(struct dc_run *r);	/* between two passes */
void	dc_run_free(struct dc_run *r);		/* NULL is a no-op */

/* ---- reports (lib/decontam_report.c) ---- */

/* Totals for the report, kept by the caller. */
struct dc_totals {
	uint64_t documents;	/* training documents read */
	uint64_t documents_hit;	/* with at least one hit */
	uint64_t documents_dropped;
	uint64_t documents_redacted;
	uint64_t records_written;
	uint64_t text_bytes;	/* bytes of training text read */
};

/*
 * Append the report (one JSON object and a newline) to out.  The report
 * holds, per benchmark, its examples, distinct n-grams, short examples,
 * contaminated example ids and line numbers and documents hit, and the
 * document frequency of every benchmark n-gram seen in training text.
 */
int	dc_report_write(const struct dc_index *x, const struct dc_totals *t,
	    struct buf *out);

struct dc_report;

/*
 * Parse a report from text[0..len).  Returns 0 and *r (free with
 * dc_report_free()), or PTK_EFORMAT/PTK_ELIMIT with *why and *at set.
 */
int	dc_report_parse(const char *text, size_t len, struct dc_report **r,
	    const char **why, size_t *at);
void	dc_report_free(struct dc_report *r);

/*
 * Merge src into dst (dst NULL on the first call: it becomes a copy).
 * Reports must agree on n, char_ngrams and each benchmark's fingerprint;
 * otherwise PTK_EFORMAT with *why set.
 */
int	dc_report_merge(struct dc_report **dst, const struct dc_report *src,
	    const char **why);
int	dc_report_write_merged(const struct dc_report *r, struct buf *out);

/* Load a report's document frequencies into x (for --doc-freq). */
int	dc_report_apply_doc_freq(const struct dc_report *r, struct dc_index *x,
	    const char **why);

#endif
