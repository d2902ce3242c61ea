/*
 * warc.h - WARC/1.1 records (ISO 28500:2017), written one zstd frame per
 * record so that a record's file offset gives random access to it, as in
 * Common Crawl's files.
 *
 * A record is "WARC/1.1" CRLF, named fields each ending in CRLF, CRLF, the
 * block of Content-Length octets, and CRLF CRLF.  Digests are SHA-1 in
 * base32 ("sha1:" + 32 characters), the form most WARC tools read.  For a
 * response record the block is the HTTP message as received (status line,
 * header fields, body with any chunked transfer coding still in place) and
 * the payload digest is taken over the entity body after the transfer
 * coding is removed.
 */
#ifndef PTK_WARC_H
#define PTK_WARC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

#define WARC_MAX_HEAD ((size_t)64 << 10)	/* longest header block read */

/* SHA-1 (FIPS 180-4). */
struct warc_sha1 {
	uint32_t h[5];
	uint64_t len;		/* bytes hashed so far */
	unsigned char blk[64];
	size_t nblk;
};

void	warc_sha1_init(struct warc_sha1 *s);
void	warc_sha1_update(struct warc_sha1 *s, const void *p, size_t n);
void	warc_sha1_final(struct warc_sha1 *s, unsigned char out[20]);
/* "sha1:" + RFC 4648 base32 of the digest of p[0..n), into out[38]. */
void	warc_digest(const void *p, size_t n, char out[38]);

/* A new record id "<urn:uuid:...>" (random, version 4) into out[48]. */
void	warc_new_id(char out[48]);
/* A WARC-Date "YYYY-MM-DDThh:mm:ssZ" (UTC) into out[21]. */
void	warc_date(time_t t, char out[21]);

/* The named fields of one record; NULL members are left out. */
struct warc_rec {
	const char *type;		/* warcinfo, request, response, resource */
	const char *id;			/* from warc_new_id() */
	const char *date;		/* from warc_date() */
	const char *target_uri;
	const char *concurrent_to;	/* a record id */
	const char *warcinfo_id;
	const char *ip;			/* WARC-IP-Address */
	const char *filename;		/* WARC-Filename (warcinfo) */
	const char *content_type;
	const char *payload_digest;	/* from warc_digest() */
	const char *truncated;		/* WARC-Truncated reason */
};

/*
 * Append the whole record to out: fields, then the block b1[0..n1) +
 * b2[0..n2) with its WARC-Block-Digest and Content-Length.  Returns 0 or
 * PTK_ELIMIT past out's cap.
 */
int	warc_format(struct buf *out, const struct warc_rec *r, const void *b1,
	    size_t n1, const void *b2, size_t n2);

/*
 * An appending writer.  The file is opened for appending (created when
 * missing), first cut back to keep bytes when keep >= 0 (a resumed crawl
 * drops what it had not committed).  compress: each record becomes one
 * zstd frame at level.  Returns 0 or PTK_EIO (errno kept).
 */
struct warc_writer;
int	warc_writer_open(struct warc_writer **w, const char *path, int64_t keep,
	    int compress, int level);
/*
 * Write one formatted record; *offset (when not NULL) gets the file offset
 * at which it starts.  Returns 0 or PTK_EIO.
 */
int	warc_writer_put(struct warc_writer *w, const void *rec, size_t n,
	    uint64_t *offset);
uint64_t warc_writer_size(const struct warc_writer *w);	/* file bytes */
/* Flush to disk (fsync) when sync, close, free.  NULL: no-op, 0. */
int	warc_writer_close(struct warc_writer *w, int sync);

/*
 * Compress rec[0..n) as one zstd frame (a writer does this per record);
 * appended to out.  Returns 0 or PTK_EIO when zstd fails.
 */
int	warc_zstd_frame(struct buf *out, const void *rec, size_t n, int level);

/* A parsed record head (reading back, for tests and tools). */
struct warc_head {
	const char *version;	/* "WARC/1.1" ... as in the file */
	size_t version_len;
	const char *fields;	/* the named fields, CRLF-separated */
	size_t fields_len;
	size_t head_len;	/* bytes up to and including the blank line */
	uint64_t content_length;
};

/*
 * Parse the record head at p[0..len).  Returns 1 and fills *h, 0 when
 * len == 0, or PTK_EFORMAT (with *why) for a bad version line, a field
 * without a colon, a missing or bad Content-Length, or a head not ended
 * within WARC_MAX_HEAD bytes.  A head cut short gives PTK_EFORMAT too.
 */
int	warc_parse_head(const char *p, size_t len, struct warc_head *h,
	    const char **why);
/* A field of a parsed head (case-insensitive), as http_header_find(). */
int	warc_field(const struct warc_head *h, const char *name, const char **v,
	    size_t *vlen);

/*
 * Check one whole record at p[0..len): head, block of Content-Length
 * bytes, the CRLF CRLF after it, and WARC-Block-Digest when present.
 * Returns the record's total length (> 0), or PTK_EFORMAT with *why.
 */
long long warc_check_record(const char *p, size_t len, struct warc_head *h,
	    const char **why);

#endif
