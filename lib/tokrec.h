/*
 * tokrec.h - token records: the token-stage binary stream (schemas/tokens.md).
 *
 * A stream is a 64-byte header (magic, version, token width, record kind,
 * vocabulary size and fingerprint, special token ids, header checksum)
 * followed by records, each a u32 length and a body.  Everything is
 * little-endian.  Streams are normally zstd-compressed by zio; the format
 * itself does not care.  Streams may be concatenated (cat a b): a header may
 * appear again between records and must then describe the same vocabulary.
 */
#ifndef PTK_TOKREC_H
#define PTK_TOKREC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "zio.h"

#define TOK_MAGIC "\x89PTKTOK\n"	/* 8 bytes */
#define TOK_VERSION 1
#define TOK_HEADER_SIZE 64
/* Caps that turn hostile lengths into PTK_ELIMIT rather than huge allocations. */
#define TOK_MAX_RECORD ((size_t)1 << 30)	/* bytes in one record body */
#define TOK_MAX_ID 65535

/* Slots of tok_header.special; -1 = the vocabulary has no such token. */
enum tok_special {
	TOK_PAD, TOK_UNK, TOK_BOS, TOK_EOS, TOK_CLS, TOK_SEP, TOK_MASK,
	TOK_NSPECIAL = 8
};

/* What the records of a stream are; shard and train check it. */
enum tok_kind {
	TOK_KIND_SEQ = 0,	/* token sequences (tokenize) */
	TOK_KIND_PAIR = 1,	/* sentence pairs with segments and a label (nsp/sop) */
	TOK_KIND_MASKED = 2,	/* masked-LM examples with labels (mask-gen) */
	TOK_KIND_SPAN = 3,	/* span-corruption input/target pairs (T5) */
};

struct tok_header {
	uint8_t width;		/* bytes per token id: 2 or 4 */
	uint8_t kind;		/* enum tok_kind */
	uint32_t vocab_size;	/* every token id is < vocab_size */
	uint64_t fingerprint;	/* identifies the vocabulary (XXH64 of it) */
	int32_t special[TOK_NSPECIAL];
};

/* Record flags: which optional parts a record carries. */
enum tok_rec_flags {
	TOK_HAS_SEGMENTS = 1,	/* one u8 segment id per token */
	TOK_HAS_BOUNDS = 2,	/* sentence start positions */
	TOK_HAS_LABELS = 4,	/* one i32 target per token, -1 = none */
	TOK_HAS_LABEL = 8,	/* one i32 example label (NSP/SOP) */
	TOK_FLAGS_ALL = 15,
};

/*
 * A record.  Arrays belong to whoever filled the struct: the reader's until
 * the next tok_read(), or the caller's when writing.
 */
struct tok_rec {
	const char *id;		/* document or example id, id_len bytes */
	size_t id_len;
	const uint32_t *tokens;	/* (n) */
	size_t n;
	const uint8_t *segments;	/* (n) or NULL */
	const uint32_t *bounds;	/* (n_bounds) token index where a sentence starts */
	size_t n_bounds;
	const int32_t *labels;	/* (n) or NULL */
	int32_t label;
	int has_label;
};

/* A header for a vocabulary: width from vocab_size, all specials -1. */
void	tok_header_init(struct tok_header *h, uint32_t vocab_size,
	    uint64_t fingerprint);
/* Serialize h into out[TOK_HEADER_SIZE]. */
void	tok_header_encode(const struct tok_header *h, unsigned char *out);
/* Parse and check a header; 0 or PTK_EFORMAT with *why set. */
int	tok_header_decode(const unsigned char *in, struct tok_header *h,
	    const char **why);

/*
 * Append rec's encoding (length + body) to out.  Returns 0, PTK_ELIMIT for a
 * record over the caps, or PTK_EAPI when a token is >= vocab_size or a
 * label is out of range (the writer's bug, not bad input).
 */
int	tok_rec_encode(struct buf *out, const struct tok_header *h,
	    const struct tok_rec *rec);

struct tok_reader;

/*
 * Open path (NULL or "-": stdin) and read its header.  Returns 1 with the
 * header available from tok_reader_header(), 0 for an empty input (no
 * header, no records), or a negative enum ptk_err with tok_reader_errmsg()
 * set; *r is set in every case and freed with tok_reader_free().
 */
int	tok_reader_open(struct tok_reader **r, const char *path);
/* The same over an already open zio reader (owned by the tok_reader). */
int	tok_reader_from_zio(struct tok_reader **r, struct zio_reader *z);
void	tok_reader_free(struct tok_reader *r);

/*
 * Read the next record: 1, 0 at the clean end, or a negative enum ptk_err
 * with tok_reader_errmsg() = "FILE: record N at byte M: what".  The arrays
 * in *rec belong to the reader until the next call.
 */
int	tok_read(struct tok_reader *r, struct tok_rec *rec);

const struct tok_header *tok_reader_header(const struct tok_reader *r);
const char *tok_reader_errmsg(const struct tok_reader *r);
uint64_t tok_reader_records(const struct tok_reader *r);

/*
 * The vocabulary fingerprint (schemas/tokens.md): XXH64 over each token's
 * bytes in id order, each followed by a 0xFF byte.  Call add once per id.
 */
struct tok_fingerprint {
	void *state;	/* XXH64_state_t */
};

void	tok_fingerprint_init(struct tok_fingerprint *f);
void	tok_fingerprint_add(struct tok_fingerprint *f, const void *token, size_t len);
/* The result; also releases f. */
uint64_t tok_fingerprint_final(struct tok_fingerprint *f);

/* Name of a special slot ("pad", "unk", ...) or NULL. */
const char *tok_special_name(int slot);
/* Slot of a name, or -1. */
int	tok_special_slot(const char *name);
const char *tok_kind_name(int kind);

#endif
