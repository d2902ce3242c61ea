/* tokrec.c - token record streams; see tokrec.h and schemas/tokens.md. */
#include "tokrec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY	/* XXH64_state_t's size, for xmalloc */
#include <xxhash.h>

#include "le.h"
#include "xalloc.h"

static const char *const special_names[TOK_NSPECIAL] = {
	"pad", "unk", "bos", "eos", "cls", "sep", "mask", "reserved"
};

static const char *const kind_names[] = { "seq", "pair", "masked", "span" };

const char *
tok_special_name(int slot)
{
	return slot >= 0 && slot < TOK_NSPECIAL - 1 ? special_names[slot] : NULL;
}

int
tok_special_slot(const char *name)
{
	int i;

	for (i = 0; i < TOK_NSPECIAL - 1; i++)
		if (strcmp(name, special_names[i]) == 0)
			return i;
	return -1;
}

const char *
tok_kind_name(int kind)
{
	return kind >= 0 && kind <= TOK_KIND_SPAN ? kind_names[kind] : "unknown";
}

void
tok_header_init(struct tok_header *h, uint32_t vocab_size, uint64_t fingerprint)
{
	int i;

	memset(h, 0, sizeof *h);
	h->width = vocab_size <= 65536 ? 2 : 4;
	h->kind = TOK_KIND_SEQ;
	h->vocab_size = vocab_size;
	h->fingerprint = fingerprint;
	for (i = 0; i < TOK_NSPECIAL; i++)
		h->special[i] = -1;
}

void
tok_header_encode(const struct tok_header *h, unsigned char *out)
{
	int i;

	memset(out, 0, TOK_HEADER_SIZE);
	memcpy(out, TOK_MAGIC, 8);
	le_put16(out + 8, TOK_VERSION);
	out[10] = h->width;
	out[11] = h->kind;
	le_put32(out + 12, h->vocab_size);
	le_put32(out + 16, (uint32_t)h->fingerprint);
	le_put32(out + 20, (uint32_t)(h->fingerprint >> 32));
	for (i = 0; i < TOK_NSPECIAL; i++)
		le_put32(out + 24 + 4 * i, (uint32_t)h->special[i]);
	le_put32(out + 60, XXH32(out, 60, 0));
}

int
tok_header_decode(const unsigned char *in, struct tok_header *h,
    const char **why)
{
	uint16_t version;
	int i;

	if (memcmp(in, TOK_MAGIC, 8) != 0) {
		*why = "not a ptk token stream (bad magic)";
		return PTK_EFORMAT;
	}
	version = le_get16(in + 8);
	if (version != TOK_VERSION) {
		*why = version > TOK_VERSION ?
		    "token stream version is newer than this program reads" :
		    "unknown token stream version";
		return PTK_EFORMAT;
	}
	if (le_get32(in + 60) != XXH32(in, 60, 0)) {
		*why = "token stream header checksum mismatch";
		return PTK_EFORMAT;
	}
	h->width = in[10];
	h->kind = in[11];
	h->vocab_size = le_get32(in + 12);
	h->fingerprint = (uint64_t)le_get32(in + 16) | (uint64_t)le_get32(in + 20) << 32;
	for (i = 0; i < TOK_NSPECIAL; i++)
		h->special[i] = (int32_t)le_get32(in + 24 + 4 * i);
	if (h->width != 2 && h->width != 4) {
		*why = "bad token width in header";
		return PTK_EFORMAT;
	}
	if (h->vocab_size == 0 || (h->width == 2 && h->vocab_size > 65536)) {
		*why = "vocabulary size does not fit the token width";
		return PTK_EFORMAT;
	}
	if (h->kind > TOK_KIND_SPAN) {
		*why = "unknown record kind in header";
		return PTK_EFORMAT;
	}
	for (i = 0; i < TOK_NSPECIAL; i++)
		if (h->special[i] < -1 ||
		    (h->special[i] >= 0 && (uint32_t)h->special[i] >= h->vocab_size)) {
			*why = "special token id out of the vocabulary";
			return PTK_EFORMAT;
		}
	if (le_get32(in + 56) != 0) {
		*why = "reserved header field is not zero";
		return PTK_EFORMAT;
	}
	return 0;
}

static unsigned
rec_flags(const struct tok_rec *rec)
{
	return (rec->segments ? TOK_HAS_SEGMENTS : 0) |
	    (rec->bounds ? TOK_HAS_BOUNDS : 0) |
	    (rec->labels ? TOK_HAS_LABELS : 0) |
	    (rec->has_label ? TOK_HAS_LABEL : 0);
}

int
tok_rec_encode(struct buf *out, const struct tok_header *h,
    const struct tok_rec *rec)
{
	unsigned flags = rec_flags(rec);
	size_t body, i, w = h->width;
	unsigned char *p;
	int rc;

	if (rec->id_len > TOK_MAX_ID)
		return PTK_ELIMIT;
	if (rec->n > (TOK_MAX_RECORD - 12 - TOK_MAX_ID) / 9 ||
	    rec->n_bounds > TOK_MAX_RECORD / 8)
		return PTK_ELIMIT;
	body = 4 + rec->id_len + 4 + rec->n * w;
	if (flags & TOK_HAS_SEGMENTS)
		body += rec->n;
	if (flags & TOK_HAS_BOUNDS)
		body += 4 + 4 * rec->n_bounds;
	if (flags & TOK_HAS_LABELS)
		body += 4 * rec->n;
	if (flags & TOK_HAS_LABEL)
		body += 4;
	if (body > TOK_MAX_RECORD)
		return PTK_ELIMIT;
	for (i = 0; i < rec->n; i++)
		if (rec->tokens[i] >= h->vocab_size)
			return PTK_EAPI;
	if ((rc = buf_grow(out, 4 + body)) != 0)
		return rc;
	p = (unsigned char *)out->p + out->len;
	le_put32(p, (uint32_t)body);
	p[4] = (unsigned char)flags;
	p[5] = 0;
	le_put16(p + 6, (uint16_t)rec->id_len);
	p += 8;
	memcpy(p, rec->id, rec->id_len);
	p += rec->id_len;
	le_put32(p, (uint32_t)rec->n);
	p += 4;
	if (w == 2)
		for (i = 0; i < rec->n; i++, p += 2)
			le_put16(p, (uint16_t)rec->tokens[i]);
	else
		for (i = 0; i < rec->n; i++, p += 4)
			le_put32(p, rec->tokens[i]);
	if (flags & TOK_HAS_SEGMENTS) {
		memcpy(p, rec->segments, rec->n);
		p += rec->n;
	}
	if (flags & TOK_HAS_BOUNDS) {
		le_put32(p, (uint32_t)rec->n_bounds);
		p += 4;
		for (i = 0; i < rec->n_bounds; i++, p += 4) {
			if (rec->bounds[i] >= rec->n ||
			    (i > 0 && rec->bounds[i] <= rec->bounds[i - 1]))
				return PTK_EAPI;
			le_put32(p, rec->bounds[i]);
		}
	}
	if (flags & TOK_HAS_LABELS)
		for (i = 0; i < rec->n; i++, p += 4) {
			if (rec->labels[i] < -1 ||
			    (rec->labels[i] >= 0 &&
			    (uint32_t)rec->labels[i] >= h->vocab_size))
				return PTK_EAPI;
			le_put32(p, (uint32_t)rec->labels[i]);
		}
	if (flags & TOK_HAS_LABEL) {
		le_put32(p, (uint32_t)rec->label);
		p += 4;
	}
	out->len += 4 + body;
	out->p[out->len] = '\0';
	return 0;
}

/* ---- reader ---- */

struct tok_reader {
	struct zio_reader *zio;
	struct tok_header h;
	int have_header;
	uint64_t records;
	struct buf body;	/* a record body larger than the window */
	uint32_t *tokens;
	size_t tokens_cap;
	uint8_t *segments;
	size_t segments_cap;
	uint32_t *bounds;
	size_t bounds_cap;
	int32_t *labels;
	size_t labels_cap;
	char err[768];
};

static int
reader_fail(struct tok_reader *r, int rc, uint64_t at, const char *why)
{
	snprintf(r->err, sizeof r->err, "%s: record %llu at byte %llu: %s",
	    zio_name(r->zio), (unsigned long long)r->records + 1,
	    (unsigned long long)at, why);
	return rc;
}

/* Read exactly n bytes into dst; 1, 0 if the input ends first, or < 0. */
static int
read_exact(struct tok_reader *r, void *dst, size_t n, size_t *got)
{
	ssize_t k;

	*got = 0;
	while (*got < n) {
		k = zio_read(r->zio, (char *)dst + *got, n - *got);
		if (k < 0) {
			snprintf(r->err, sizeof r->err, "%s", zio_errmsg(r->zio));
			return (int)k;
		}
		if (k == 0)
			return 0;
		*got += (size_t)k;
	}
	return 1;
}

static int
read_header(struct tok_reader *r, int first)
{
	unsigned char hb[TOK_HEADER_SIZE];
	struct tok_header h;
	const char *why;
	uint64_t at = zio_offset(r->zio);
	size_t got;
	int rc;

	if ((rc = read_exact(r, hb, sizeof hb, &got)) < 0)
		return rc;
	if (rc == 0) {
		if (first && got == 0)
			return 0;
		if (got >= 8 && memcmp(hb, TOK_MAGIC, 8) != 0)
			return reader_fail(r, PTK_EFORMAT, at,
			    "not a ptk token stream (bad magic)");
		return reader_fail(r, PTK_EFORMAT, at, "truncated stream header");
	}
	if ((rc = tok_header_decode(hb, &h, &why)) != 0)
		return reader_fail(r, rc, at, why);
	if (first) {
		r->h = h;
		r->have_header = 1;
		return 1;
	}
	if (h.width != r->h.width || h.vocab_size != r->h.vocab_size ||
	    h.fingerprint != r->h.fingerprint || h.kind != r->h.kind ||
	    memcmp(h.special, r->h.special, sizeof h.special) != 0)
		return reader_fail(r, PTK_EFORMAT, at,
		    "concatenated stream has a different header (vocabulary or kind)");
	return 1;
}

static int
open_common(struct tok_reader *r)
{
	int rc = read_header(r, 1);

	if (rc == 0)
		r->records = 0;
	return rc;
}

int
tok_reader_open(struct tok_reader **rp, const char *path)
{
	struct tok_reader *r = xcalloc(1, sizeof *r);
	int rc;

	*rp = r;
	if ((rc = zio_reader_open(&r->zio, path)) != 0) {
		snprintf(r->err, sizeof r->err, "%s", zio_errmsg(r->zio));
		return rc;
	}
	return open_common(r);
}

int
tok_reader_from_zio(struct tok_reader **rp, struct zio_reader *z)
{
	struct tok_reader *r = xcalloc(1, sizeof *r);

	*rp = r;
	r->zio = z;
	return open_common(r);
}

void
tok_reader_free(struct tok_reader *r)
{
	if (r == NULL)
		return;
	zio_reader_free(r->zio);
	buf_release(&r->body);
	free(r->tokens);
	free(r->segments);
	free(r->bounds);
	free(r->labels);
	free(r);
}

#define GROW(arr, cap, n) do { \
	if ((n) > (cap)) { \
		(cap) = (n) + (n) / 2 + 16; \
		(arr) = xreallocarray((arr), (cap), sizeof *(arr)); \
	} \
} while (0)

/* Decode a record body p[0..len) into *rec; *why on failure. */
static int
decode_body(struct tok_reader *r, const unsigned char *p, size_t len,
    struct tok_rec *rec, const char **why)
{
	const unsigned char *end = p + len;
	unsigned flags;
	size_t id_len, n, i, w = r->h.width;

	memset(rec, 0, sizeof *rec);
	if (len < 8) {
		*why = "record too short";
		return PTK_EFORMAT;
	}
	flags = p[0];
	if (flags & ~(unsigned)TOK_FLAGS_ALL || p[1] != 0) {
		*why = "unknown record flags";
		return PTK_EFORMAT;
	}
	id_len = le_get16(p + 2);
	p += 4;
	if ((size_t)(end - p) < id_len + 4) {
		*why = "record length disagrees with its id length";
		return PTK_EFORMAT;
	}
	rec->id = (const char *)p;
	rec->id_len = id_len;
	p += id_len;
	n = le_get32(p);
	p += 4;
	if (n > (size_t)(end - p) / w) {
		*why = "record length disagrees with its token count";
		return PTK_EFORMAT;
	}
	GROW(r->tokens, r->tokens_cap, n);
	if (w == 2)
		for (i = 0; i < n; i++, p += 2)
			r->tokens[i] = le_get16(p);
	else
		for (i = 0; i < n; i++, p += 4)
			r->tokens[i] = le_get32(p);
	for (i = 0; i < n; i++)
		if (r->tokens[i] >= r->h.vocab_size) {
			*why = "token id out of the vocabulary";
			return PTK_EFORMAT;
		}
	rec->tokens = r->tokens;
	rec->n = n;
	if (flags & TOK_HAS_SEGMENTS) {
		if ((size_t)(end - p) < n) {
			*why = "record too short for its segment ids";
			return PTK_EFORMAT;
		}
		GROW(r->segments, r->segments_cap, n);
		if (n > 0)	/* an empty record may carry the flag: no NULL to memcpy */
			memcpy(r->segments, p, n);
		rec->segments = r->segments;
		p += n;
	}
	if (flags & TOK_HAS_BOUNDS) {
		size_t nb;
		if (end - p < 4) {
			*why = "record too short for its sentence bounds";
			return PTK_EFORMAT;
		}
		nb = le_get32(p);
		p += 4;
		if (nb > (size_t)(end - p) / 4) {
			*why = "record too short for its sentence bounds";
			return PTK_EFORMAT;
		}
		GROW(r->bounds, r->bounds_cap, nb);
		for (i = 0; i < nb; i++, p += 4) {
			r->bounds[i] = le_get32(p);
			if (r->bounds[i] >= n || (i && r->bounds[i] <= r->bounds[i - 1])) {
				*why = "sentence bounds not increasing within the record";
				return PTK_EFORMAT;
			}
		}
		rec->bounds = r->bounds;
		rec->n_bounds = nb;
	}
	if (flags & TOK_HAS_LABELS) {
		if ((size_t)(end - p) / 4 < n) {
			*why = "record too short for its labels";
			return PTK_EFORMAT;
		}
		GROW(r->labels, r->labels_cap, n);
		for (i = 0; i < n; i++, p += 4) {
			r->labels[i] = (int32_t)le_get32(p);
			if (r->labels[i] < -1 || (r->labels[i] >= 0 &&
			    (uint32_t)r->labels[i] >= r->h.vocab_size)) {
				*why = "label out of the vocabulary";
				return PTK_EFORMAT;
			}
		}
		rec->labels = r->labels;
	}
	if (flags & TOK_HAS_LABEL) {
		if (end - p < 4) {
			*why = "record too short for its label";
			return PTK_EFORMAT;
		}
		rec->label = (int32_t)le_get32(p);
		rec->has_label = 1;
		p += 4;
	}
	if (p != end) {
		*why = "record length disagrees with its contents";
		return PTK_EFORMAT;
	}
	return 0;
}

int
tok_read(struct tok_reader *r, struct tok_rec *rec)
{
	const unsigned char *p;
	const char *why;
	uint64_t at;
	ssize_t avail;
	size_t len;
	int rc;

	if (!r->have_header)
		return 0;
	for (;;) {
		at = zio_offset(r->zio);
		avail = zio_fill(r->zio, 8, &p);
		if (avail < 0) {
			snprintf(r->err, sizeof r->err, "%s", zio_errmsg(r->zio));
			return (int)avail;
		}
		if (avail == 0)
			return 0;
		if (avail < 4)
			return reader_fail(r, PTK_EFORMAT, at, "truncated record length");
		if (avail >= 8 && memcmp(p, TOK_MAGIC, 8) == 0) {
			/* A concatenated stream: its header must agree. */
			if ((rc = read_header(r, 0)) < 0)
				return rc;
			continue;
		}
		break;
	}
	len = le_get32(p);
	if (len > TOK_MAX_RECORD)
		return reader_fail(r, PTK_ELIMIT, at, "record longer than the 1 GiB limit");
	if (len + 4 <= ZIO_WINDOW) {
		avail = zio_fill(r->zio, len + 4, &p);
		if (avail < 0) {
			snprintf(r->err, sizeof r->err, "%s", zio_errmsg(r->zio));
			return (int)avail;
		}
		if ((size_t)avail < len + 4)
			return reader_fail(r, PTK_EFORMAT, at, "truncated record");
		rc = decode_body(r, p + 4, len, rec, &why);
		if (rc == 0) {
			/* The id points into the window; keep it in body. */
			buf_reset(&r->body);
			buf_append(&r->body, rec->id, rec->id_len);
			rec->id = r->body.p;
		}
		zio_consume(r->zio, len + 4);
	} else {
		/*
		 * A record bigger than the window: read it in pieces, growing
		 * the buffer only as bytes arrive, so that a hostile length in a
		 * tiny file costs nothing.
		 */
		size_t got = 0, piece;
		zio_consume(r->zio, 4);
		buf_reset(&r->body);
		while (got < len) {
			size_t n;
			piece = len - got < ZIO_WINDOW ? len - got : ZIO_WINDOW;
			if ((rc = buf_grow(&r->body, piece)) != 0)
				return reader_fail(r, rc, at, "record too long");
			if ((rc = read_exact(r, r->body.p + got, piece, &n)) < 0)
				return rc;
			if (rc == 0)
				return reader_fail(r, PTK_EFORMAT, at, "truncated record");
			got += n;
			r->body.len = got;
		}
		rc = decode_body(r, (unsigned char *)r->body.p, len, rec, &why);
	}
	if (rc)
		return reader_fail(r, rc, at, why);
	r->records++;
	return 1;
}

const struct tok_header *
tok_reader_header(const struct tok_reader *r)
{
	return &r->h;
}

const char *
tok_reader_errmsg(const struct tok_reader *r)
{
	return r->err;
}

uint64_t
tok_reader_records(const struct tok_reader *r)
{
	return r->records;
}

void
tok_fingerprint_init(struct tok_fingerprint *f)
{
	f->state = xmalloc(sizeof(XXH64_state_t));
	XXH64_reset(f->state, 0);
}

void
tok_fingerprint_add(struct tok_fingerprint *f, const void *token, size_t len)
{
	static const unsigned char sep = 0xFF;

	XXH64_update(f->state, token, len);
	XXH64_update(f->state, &sep, 1);
}

uint64_t
tok_fingerprint_final(struct tok_fingerprint *f)
{
	uint64_t h = XXH64_digest(f->state);

	free(f->state);
	f->state = NULL;
	return h;
}
