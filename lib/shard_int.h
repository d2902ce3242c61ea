/*
 * shard_int.h - what the shard writer and reader share: byte layouts of the
 * three formats (docs/shard-format.md) and the manifest.  Internal to lib/
 * and tests.
 */
#ifndef PTK_SHARD_INT_H
#define PTK_SHARD_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "tokrec.h"
#include "le.h"

/* ---- ptk shard files ---- */

#define PTKS_MAGIC "\x89PTKSHD\n"	/* 8 bytes at offset 0 */
#define PTKS_END_MAGIC "\x89PTKEND\n"	/* 8 bytes at size - 256 */
#define PTKS_VERSION 1
#define PTKS_HEADER_SIZE 256
#define PTKS_TRAILER_SIZE 256
#define PTKS_ALIGN 64
#define PTKS_EXT ".ptk"

/* Header fields (offsets in the first 256 bytes). */
#define PTKS_H_VERSION 8	/* u16 */
#define PTKS_H_WIDTH 10		/* u8: 1, 2 or 4 bytes a token */
#define PTKS_H_KIND 11		/* u8: enum tok_kind */
#define PTKS_H_VOCAB 12		/* u32 */
#define PTKS_H_FINGERPRINT 16	/* u64 */
#define PTKS_H_SPECIAL 24	/* i32[8] */
#define PTKS_H_SPLIT 56		/* u8: 0 train, 1 val */
#define PTKS_H_INDEX 60		/* u32: shard number within its split */
#define PTKS_H_CHECKSUM 248	/* u64: XXH64 of bytes [0, 248) */

/* Sections, in file order; the token array always starts at 256. */
enum ptks_section {
	PTKS_TOKENS,		/* width x n_tokens */
	PTKS_OFFSETS,		/* u64 x (n_records + 1): token index of each record */
	PTKS_FLAGS,		/* u8 x n_records: enum tok_rec_flags */
	PTKS_ID_OFFSETS,	/* u64 x (n_records + 1) into PTKS_IDS */
	PTKS_IDS,		/* id bytes back to back */
	PTKS_SEGMENTS,		/* u8 x n_tokens (0 where a record has none) */
	PTKS_LABELS,		/* i32 x n_tokens (-1 where a record has none) */
	PTKS_BOUND_OFFSETS,	/* u64 x (n_records + 1) into PTKS_BOUNDS */
	PTKS_BOUNDS,		/* u32 sentence starts, record after record */
	PTKS_EXLABELS,		/* i32 x n_records: example label (0 where none) */
	PTKS_NSECTIONS
};

/* Trailer fields (offsets in the last 256 bytes). */
#define PTKS_T_RECORDS 8	/* u64 */
#define PTKS_T_TOKENS 16	/* u64 */
#define PTKS_T_FLAGS 24		/* u32: OR of every record's flags */
#define PTKS_T_NSECTIONS 28	/* u32: PTKS_NSECTIONS */
#define PTKS_T_SECTIONS 32	/* (u64 offset, u64 bytes) x PTKS_NSECTIONS */
#define PTKS_T_FILE_SIZE 232	/* u64 */
#define PTKS_T_BODY_HASH 240	/* u64: XXH64 of bytes [0, size - 256) */
#define PTKS_T_CHECKSUM 248	/* u64: XXH64 of trailer bytes [0, 248) */

/* ---- Megatron-LM indexed dataset ---- */

#define MEGA_MAGIC "MMIDIDX\x00\x00"	/* 9 bytes */
#define MEGA_MAGIC_LEN 9
#define MEGA_HEADER_SIZE 34	/* magic, u64 version, u8 dtype, u64 x 2 counts */
#define MEGA_DTYPE_INT32 4
#define MEGA_DTYPE_UINT16 8
/* Megatron's DType.optimal_dtype: uint16 below 65500 tokens, else int32. */
#define MEGA_UINT16_BELOW 65500u

/* ---- llm.c ---- */

#define LLMC_MAGIC 20240520
#define LLMC_VERSION 1
#define LLMC_HEADER_SIZE 1024	/* 256 x int32 */

/* Narrowest token width (1, 2 or 4 bytes) for a vocabulary size. */
static inline int
ptks_width(uint32_t vocab_size)
{
	return vocab_size <= 256 ? 1 : vocab_size <= 65536 ? 2 : 4;
}

/* Token k of an array of the given width (1, 2, 4; little-endian). */
static inline uint32_t
tok_at(const unsigned char *p, int width, uint64_t k)
{
	if (width == 2)
		return le_get16(p + 2 * k);
	if (width == 1)
		return p[k];
	return le_get32(p + 4 * k);
}

/* ---- manifest ---- */

#define SHARD_MANIFEST_FORMAT "ptk-shards"
#define SHARD_MANIFEST_VERSION 1
#define SHARD_MANIFEST_MAX (256u << 20)	/* bytes */
#define SHARD_NAME_MAX 255

struct shard_entry {
	int split;		/* enum shard_split */
	char *file;		/* file name inside the folder */
	uint64_t records, tokens, bytes, xxh64;
	char *index_file;	/* megatron .idx; NULL otherwise */
	uint64_t index_bytes, index_xxh64;
};

struct shard_manifest {
	int format;		/* enum shard_format */
	struct tok_header h;	/* kind, vocab_size, fingerprint, special;
				 * width = bytes a token in the shard files */
	uint32_t seq_len;
	int shuffled;
	uint64_t seed;
	int eod;
	uint64_t records[2], tokens[2];	/* per split */
	struct shard_entry *shards;
	size_t nshards;
};

/*
 * Parse manifest text.  Returns 0, or PTK_EFORMAT with *why (static) and
 * *at (byte offset of the problem).  Free with shard_manifest_release().
 */
int	shard_manifest_parse(const char *text, size_t len,
	    struct shard_manifest *m, const char **why, size_t *at);
void	shard_manifest_release(struct shard_manifest *m);
/* Append m as JSON (pretty, one shard a line) to out. */
int	shard_manifest_write(struct buf *out, const struct shard_manifest *m,
	    double val_fraction);
/* A file name the manifest may name: no '/', not "." or "..", no NUL, short. */
int	shard_name_ok(const char *name);

#endif
