/*
 * doc.h - doc records: the text-stage stream (JSON Lines, one object a line).
 *
 * Fields (schemas/doc.schema.json): "id" (string, required), "text" (string,
 * required), "source" and "url" (string or null), "metadata" (object or
 * null); other members are kept verbatim and written back.  These are the
 * names Dolma and datatrove use.
 *
 * Invalid UTF-8 policy: by default a record whose strings hold invalid UTF-8
 * (or a \u escape leaving a lone surrogate) is a format error.  With
 * DOC_REPAIR_UTF8, each maximal invalid subsequence in id/text/source/url
 * becomes U+FFFD, the record is counted in doc_reader_repaired(), and it is
 * written back in canonical form.  metadata and unknown members are never
 * repaired: invalid UTF-8 there is always an error.
 */
#ifndef PTK_DOC_H
#define PTK_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "zio.h"

/* Longest line a reader accepts by default (--max-record). */
#define DOC_DEFAULT_MAX_RECORD ((size_t)256 << 20)

enum doc_flags {
	DOC_REPAIR_UTF8 = 1,
};

/*
 * A record.  Strings are not NUL-terminated and may contain NUL (from
 * \u0000); use the lengths.  A NULL source/url/metadata is an absent or null
 * member.  raw is the whole input line while the record is unchanged: a
 * program that changes a field must set raw = NULL so that doc_write()
 * serializes the fields instead.
 */
struct doc {
	const char *id;
	size_t id_len;
	const char *text;
	size_t text_len;
	const char *source;
	size_t source_len;
	const char *url;
	size_t url_len;
	const char *metadata;	/* raw JSON object text */
	size_t metadata_len;
	const char *extra;	/* raw "name":value members, comma-separated */
	size_t extra_len;
	const char *raw;
	size_t raw_len;
};

struct doc_reader;

/*
 * Open a reader on path (NULL or "-": stdin).  Returns 0, or PTK_EIO with
 * the message in doc_reader_errmsg(); *r is set either way and freed with
 * doc_reader_free().
 */
int	doc_reader_open(struct doc_reader **r, const char *path, unsigned flags,
	    size_t max_record);
/* The same over an open zio reader, which the doc reader then owns. */
int	doc_reader_from_zio(struct doc_reader **r, struct zio_reader *z,
	    unsigned flags, size_t max_record);
void	doc_reader_free(struct doc_reader *r);

/*
 * Read the next record: 1 and *d filled, 0 at the clean end, or a negative
 * enum ptk_err (PTK_EFORMAT for bad JSON or a bad field, PTK_ELIMIT for a
 * line over max_record) with doc_reader_errmsg() set to
 * "FILE: record N at byte M: what".  The record's memory belongs to the
 * reader and is valid until the next doc_read().  Empty lines are skipped.
 */
int	doc_read(struct doc_reader *r, struct doc *d);

/*
 * Parse one line (without '\n') into *d.  Storage for decoded strings comes
 * from scratch[0..4] (id, text, source, url, extra members).  On failure returns a negative
 * enum ptk_err, *why is a static message and *at the offset in line.
 */
int	doc_parse(const char *line, size_t len, struct doc *d, struct buf scratch[5],
	    unsigned flags, long *repaired, const char **why, size_t *at);

/*
 * Append d as one JSON line (with '\n') to out: the raw line when set, else
 * the canonical form with members in the order id, text, source, url,
 * metadata, then the extra members.  Returns 0 or PTK_ELIMIT.
 */
int	doc_write(struct buf *out, const struct doc *d);

const char *doc_reader_errmsg(const struct doc_reader *r);
const char *doc_reader_name(const struct doc_reader *r);
uint64_t doc_reader_records(const struct doc_reader *r);	/* records read */
uint64_t doc_reader_repaired(const struct doc_reader *r);	/* records repaired */
struct zio_reader *doc_reader_zio(struct doc_reader *r);

#endif
