/*
 * shard_write.c - write a shard folder (see shard.h, docs/shard-format.md).
 *
 * Records stream straight into the current shard file of their split; the
 * parts of a shard whose size is known only at its end (ptk's index
 * sections, Megatron's .idx arrays) are spilled to anonymous temporary
 * files and appended when the shard closes, so memory never depends on
 * the input's length.  --shuffle is an external sort by a seeded random
 * key per record (see "shuffle" below).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "shard.h"
#include "shard_int.h"
#include "xalloc.h"

#define OUT_BUF (4u << 20)	/* largest write buffer of a shard file */
#define SPILL_BUF (1u << 20)	/* in-memory part of a spilled section */

struct shard_writer;

/* ---- buffered output file with a running XXH64 ---- */

struct outf {
	int fd;
	char *path;
	unsigned char *buf;
	size_t len, cap;
	uint64_t bytes;		/* written so far, buffered included */
	XXH64_state_t *hash;
};

static int
outf_open(struct outf *f, const char *path, size_t cap)
{
	memset(f, 0, sizeof *f);
	f->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (f->fd < 0)
		return PTK_EIO;
	f->path = xstrdup(path);
	f->cap = cap;
	f->buf = xmalloc(f->cap);
	f->hash = XXH64_createState();
	if (f->hash == NULL)
		xmalloc((size_t)-1);	/* reports out of memory and exits 3 */
	XXH64_reset(f->hash, 0);
	return 0;
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t k;

	while (n > 0) {
		k = write(fd, c, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return PTK_EIO;
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
outf_flush(struct outf *f)
{
	if (f->len == 0)
		return 0;
	XXH64_update(f->hash, f->buf, f->len);
	if (write_all(f->fd, f->buf, f->len) != 0)
		return PTK_EIO;
	f->len = 0;
	return 0;
}

/* Room for n bytes (n <= cap) at the end of the buffer. */
static inline unsigned char *
outf_reserve(struct outf *f, size_t n)
{
	if (f->len + n > f->cap && outf_flush(f) != 0)
		return NULL;
	return f->buf + f->len;
}

static inline void
outf_commit(struct outf *f, size_t n)
{
	f->len += n;
	f->bytes += n;
}

static int
outf_write(struct outf *f, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n > 0) {
		size_t k;
		if (f->len == f->cap && outf_flush(f) != 0)
			return PTK_EIO;
		k = f->cap - f->len < n ? f->cap - f->len : n;
		memcpy(f->buf + f->len, c, k);
		outf_commit(f, k);
		c += k;
		n -= k;
	}
	return 0;
}

static int
outf_zeros(struct outf *f, size_t n)
{
	static const unsigned char z[PTKS_ALIGN];

	while (n > 0) {
		size_t k = n < sizeof z ? n : sizeof z;
		if (outf_write(f, z, k) != 0)
			return PTK_EIO;
		n -= k;
	}
	return 0;
}

static int
outf_align(struct outf *f)
{
	return outf_zeros(f, (PTKS_ALIGN - f->bytes % PTKS_ALIGN) % PTKS_ALIGN);
}

/* Flush, fsync and close; *hash = XXH64 of everything written. */
static int
outf_close(struct outf *f, uint64_t *hash)
{
	int rc = outf_flush(f);

	if (hash)
		*hash = XXH64_digest(f->hash);
	if (rc == 0 && fsync(f->fd) != 0)
		rc = PTK_EIO;
	if (close(f->fd) != 0 && rc == 0)
		rc = PTK_EIO;
	f->fd = -1;
	return rc;
}

static void
outf_release(struct outf *f)
{
	if (f->fd >= 0 && f->path)
		close(f->fd);
	free(f->path);
	free(f->buf);
	if (f->hash)
		XXH64_freeState(f->hash);
	memset(f, 0, sizeof *f);
	f->fd = -1;
}

/* ---- spill: a byte sequence kept in memory up to a cap, then on disk ---- */

struct spill {
	unsigned char *buf;
	size_t len, alloc;	/* bytes buffered, bytes allocated */
	size_t cap;		/* most bytes kept in memory before disk */
	int fd;			/* -1 until the buffer first overflows */
	uint64_t total;		/* bytes appended */
	const char *dir;	/* where the temporary file goes */
};

static void
spill_init(struct spill *s, const char *dir, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->dir = dir;
	s->cap = cap;
}

/* An unnamed temporary file in dir: gone when closed or when we die. */
static int
anon_file(const char *dir)
{
	char *tmpl;
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	tmpl = xmalloc(strlen(dir) + 32);
	snprintf(tmpl, strlen(dir) + 32, "%s/.spill.XXXXXX", dir);
	fd = mkstemp(tmpl);
	if (fd >= 0)
		unlink(tmpl);
	free(tmpl);
	return fd;
}

static int
spill_flush(struct spill *s)
{
	if (s->len == 0)
		return 0;
	if (s->fd < 0 && (s->fd = anon_file(s->dir)) < 0)
		return PTK_EIO;
	if (write_all(s->fd, s->buf, s->len) != 0)
		return PTK_EIO;
	s->len = 0;
	return 0;
}

static int spill_write_slow(struct spill *s, const void *p, size_t n);

static inline int
spill_write(struct spill *s, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (s->len + n <= s->alloc) {
		memcpy(s->buf + s->len, p, n);
		s->len += n;
		s->total += n;
		return 0;
	}
	return spill_write_slow(s, p, n);
}

/* Grow the buffer geometrically up to cap, then move it to disk. */
static int
spill_write_slow(struct spill *s, const void *p, size_t n)
{
	const unsigned char *c = p;

	s->total += n;
	while (n > 0) {
		size_t k;
		if (s->len == s->alloc && s->alloc < s->cap) {
			size_t want = s->alloc ? s->alloc * 2 : 64u << 10;
			while (want < s->len + n && want < s->cap)
				want *= 2;
			s->alloc = want < s->cap ? want : s->cap;
			s->buf = xrealloc(s->buf, s->alloc);
		}
		if (s->len == s->alloc && spill_flush(s) != 0)
			return PTK_EIO;
		k = s->alloc - s->len < n ? s->alloc - s->len : n;
		memcpy(s->buf + s->len, c, k);
		s->len += k;
		c += k;
		n -= k;
	}
	return 0;
}

static inline int
spill_u64(struct spill *s, uint64_t v)
{
	unsigned char b[8];

	le_put64(b, v);
	return spill_write(s, b, 8);
}

static inline int
spill_u32(struct spill *s, uint32_t v)
{
	unsigned char b[4];

	le_put32(b, v);
	return spill_write(s, b, 4);
}

/* Append n copies of a 1-, 4- or 8-byte little-endian value. */
static int
spill_fill(struct spill *s, uint64_t n, size_t size, uint64_t v)
{
	unsigned char b[8];

	le_put64(b, v);
	while (n-- > 0)
		if (spill_write(s, b, size) != 0)
			return PTK_EIO;
	return 0;
}

/* Move the in-memory part to disk and free it (only if a file exists). */
static int
spill_seal(struct spill *s)
{
	if (s->fd < 0)
		return 0;
	if (spill_flush(s) != 0)
		return PTK_EIO;
	free(s->buf);
	s->buf = NULL;
	s->alloc = 0;
	return 0;
}

/* Read spill bytes [off, off+n) (the file part, then the buffer). */
static int
spill_pread(const struct spill *s, void *dst, size_t n, uint64_t off)
{
	uint64_t in_file = s->total - s->len;
	unsigned char *d = dst;

	while (n > 0 && off < in_file) {
		size_t want = in_file - off < n ? (size_t)(in_file - off) : n;
		ssize_t k = pread(s->fd, d, want, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return PTK_EIO;
		d += k;
		off += (uint64_t)k;
		n -= (size_t)k;
	}
	if (n > 0) {
		if (off - in_file + n > s->len)
			return PTK_EIO;
		memcpy(d, s->buf + (off - in_file), n);
	}
	return 0;
}

/* Append the whole spill to an output file. */
static int
spill_copy(const struct spill *s, struct outf *f)
{
	uint64_t off = 0, in_file = s->total - s->len;

	while (off < in_file) {
		size_t want = in_file - off < f->cap ? (size_t)(in_file - off) : f->cap;
		unsigned char *p;
		if ((p = outf_reserve(f, want)) == NULL)
			return PTK_EIO;
		if (spill_pread(s, p, want, off) != 0)
			return PTK_EIO;
		outf_commit(f, want);
		off += want;
	}
	return s->len ? outf_write(f, s->buf, s->len) : 0;
}

static void
spill_release(struct spill *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	s->buf = NULL;
	s->fd = -1;
	s->len = s->alloc = 0;
	s->total = 0;
}

/* ---- the shard files of one split ---- */

struct sink {
	int split;
	unsigned index;		/* number of the next shard */
	int open;
	uint64_t records, tokens;	/* in the open shard */
	struct outf f;		/* ptk file, Megatron .bin, llm.c .bin */
	unsigned flags_or;	/* ptk */
	struct spill sec[PTKS_NSECTIONS];	/* ptk index sections */
	uint64_t ids_bytes, bounds_n;
	struct spill sizes, ptrs, docs;	/* Megatron index arrays */
	uint64_t nseq, ndocs;
};

struct shard_writer {
	struct shard_opts o;
	struct tok_header in;
	struct shard_manifest man;
	size_t shards_cap;
	char *dir, *tmp, *spill_dir;
	size_t idx_cap;		/* in-memory part of each index spill */
	size_t out_cap;		/* write buffer of each shard file */
	int width;		/* bytes a token in the output files */
	struct sink sink[2];
	uint64_t emitted;	/* records sent to the sinks */
	uint64_t in_records, in_tokens;
	struct scatter *sc;
	struct buf rbuf;	/* a bucket record being encoded */
	uint32_t *eodbuf;	/* tokens with --eod added */
	size_t eodcap;
	uint32_t *bndbuf;
	size_t bndcap;
	char err[1024];
};

static int
wfail(struct shard_writer *w, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
wfail(struct shard_writer *w, int rc, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (w->err[0] == '\0') {
		char what[768];
		va_start(ap, fmt);
		vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
		if (rc == PTK_EIO && saved)
			snprintf(w->err, sizeof w->err, "%s: %s", what, strerror(saved));
		else
			snprintf(w->err, sizeof w->err, "%s", what);
	}
	return rc;
}

static char *
path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static const char *const split_name[2] = { "train", "val" };

static char *
shard_file_name(const struct sink *k, const char *ext)
{
	char name[64];

	snprintf(name, sizeof name, "%s_%06u%s", split_name[k->split], k->index, ext);
	return xstrdup(name);
}

static struct shard_entry *
new_entry(struct shard_writer *w)
{
	if (w->man.nshards == w->shards_cap) {
		w->shards_cap = w->shards_cap * 2 + 16;
		w->man.shards = xreallocarray(w->man.shards, w->shards_cap,
		    sizeof *w->man.shards);
	}
	memset(&w->man.shards[w->man.nshards], 0, sizeof *w->man.shards);
	return &w->man.shards[w->man.nshards++];
}

/*
 * Narrow n token ids into dst (little-endian, width bytes each) and return
 * the largest.  The hot loop of the writer: built with vectorization on.
 */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-vectorize"), target_clones("avx2", "default")))
#endif
static uint32_t
narrow(unsigned char *dst, const uint32_t *t, size_t n, int width)
{
	uint32_t max = 0;
	size_t i;

	for (i = 0; i < n; i++)
		max = t[i] > max ? t[i] : max;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (width == 2) {
		uint16_t *q = (uint16_t *)(void *)dst;
		for (i = 0; i < n; i++)
			q[i] = (uint16_t)t[i];
		return max;
	}
	if (width == 4) {
		if (n)
			memcpy(dst, t, n * 4);
		return max;
	}
#endif
	for (i = 0; i < n; i++) {
		if (width == 1)
			dst[i] = (unsigned char)t[i];
		else if (width == 2)
			le_put16(dst + 2 * i, (uint16_t)t[i]);
		else
			le_put32(dst + 4 * i, t[i]);
	}
	return max;
}

/* Write n tokens at the output width; fails if one is >= vocab_size. */
static int
put_tokens(struct shard_writer *w, struct outf *f, const uint32_t *t, size_t n)
{
	size_t done = 0, k;
	uint32_t max = 0, m;

	while (done < n) {
		unsigned char *p;
		k = n - done;
		if (k > f->cap / 4)
			k = f->cap / 4;
		if ((p = outf_reserve(f, k * (size_t)w->width)) == NULL)
			return wfail(w, PTK_EIO, "cannot write '%s'", f->path);
		m = narrow(p, t + done, k, w->width);
		max = m > max ? m : max;
		outf_commit(f, k * (size_t)w->width);
		done += k;
	}
	if (n > 0 && max >= w->in.vocab_size)
		return wfail(w, PTK_EFORMAT, "token id out of the vocabulary");
	return 0;
}

/* ---- ptk shards ---- */

static int
ptk_open(struct shard_writer *w, struct sink *k)
{
	unsigned char h[PTKS_HEADER_SIZE];
	char *name = shard_file_name(k, PTKS_EXT), *path = path_join(w->tmp, name);
	int i, rc = 0;

	if (outf_open(&k->f, path, w->out_cap) != 0)
		rc = wfail(w, PTK_EIO, "cannot create '%s'", path);
	free(path);
	free(name);
	if (rc)
		return rc;
	memset(h, 0, sizeof h);
	memcpy(h, PTKS_MAGIC, 8);
	le_put16(h + PTKS_H_VERSION, PTKS_VERSION);
	h[PTKS_H_WIDTH] = (unsigned char)w->width;
	h[PTKS_H_KIND] = w->in.kind;
	le_put32(h + PTKS_H_VOCAB, w->in.vocab_size);
	le_put64(h + PTKS_H_FINGERPRINT, w->in.fingerprint);
	for (i = 0; i < TOK_NSPECIAL; i++)
		le_put32(h + PTKS_H_SPECIAL + 4 * i, (uint32_t)w->in.special[i]);
	h[PTKS_H_SPLIT] = (unsigned char)k->split;
	le_put32(h + PTKS_H_INDEX, k->index);
	le_put64(h + PTKS_H_CHECKSUM, XXH64(h, PTKS_H_CHECKSUM, 0));
	for (i = 1; i < PTKS_NSECTIONS; i++)
		spill_init(&k->sec[i], w->spill_dir, w->idx_cap);
	k->flags_or = 0;
	k->ids_bytes = k->bounds_n = 0;
	if (outf_write(&k->f, h, sizeof h) != 0)
		return wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
	return 0;
}

static int
ptk_add(struct shard_writer *w, struct sink *k, const struct tok_rec *r)
{
	unsigned flags = (r->segments ? TOK_HAS_SEGMENTS : 0) |
	    (r->bounds ? TOK_HAS_BOUNDS : 0) | (r->labels ? TOK_HAS_LABELS : 0) |
	    (r->has_label ? TOK_HAS_LABEL : 0);
	unsigned char fl = (unsigned char)flags;
	struct spill *s = k->sec;
	size_t i;
	int rc = 0;

	/* A part seen for the first time: fill it in for the earlier records. */
	if ((flags & TOK_HAS_SEGMENTS) && !(k->flags_or & TOK_HAS_SEGMENTS))
		rc |= spill_fill(&s[PTKS_SEGMENTS], k->tokens, 1, 0);
	if ((flags & TOK_HAS_LABELS) && !(k->flags_or & TOK_HAS_LABELS))
		rc |= spill_fill(&s[PTKS_LABELS], k->tokens, 4, 0xffffffffu);
	if ((flags & TOK_HAS_BOUNDS) && !(k->flags_or & TOK_HAS_BOUNDS))
		rc |= spill_fill(&s[PTKS_BOUND_OFFSETS], k->records, 8, 0);
	if ((flags & TOK_HAS_LABEL) && !(k->flags_or & TOK_HAS_LABEL))
		rc |= spill_fill(&s[PTKS_EXLABELS], k->records, 4, 0);
	k->flags_or |= flags;
	rc |= spill_u64(&s[PTKS_OFFSETS], k->tokens);
	rc |= spill_write(&s[PTKS_FLAGS], &fl, 1);
	rc |= spill_u64(&s[PTKS_ID_OFFSETS], k->ids_bytes);
	rc |= spill_write(&s[PTKS_IDS], r->id, r->id_len);
	k->ids_bytes += r->id_len;
	if (k->flags_or & TOK_HAS_SEGMENTS) {
		if (r->segments)
			rc |= spill_write(&s[PTKS_SEGMENTS], r->segments, r->n);
		else
			rc |= spill_fill(&s[PTKS_SEGMENTS], r->n, 1, 0);
	}
	if (k->flags_or & TOK_HAS_LABELS) {
		if (r->labels)
			for (i = 0; i < r->n; i++) {
				if (r->labels[i] < -1 || (r->labels[i] >= 0 &&
				    (uint32_t)r->labels[i] >= w->in.vocab_size))
					return wfail(w, PTK_EFORMAT, "%s",
					    "label out of the vocabulary");
				rc |= spill_u32(&s[PTKS_LABELS], (uint32_t)r->labels[i]);
			}
		else
			rc |= spill_fill(&s[PTKS_LABELS], r->n, 4, 0xffffffffu);
	}
	if (k->flags_or & TOK_HAS_BOUNDS) {
		rc |= spill_u64(&s[PTKS_BOUND_OFFSETS], k->bounds_n);
		for (i = 0; r->bounds && i < r->n_bounds; i++)
			rc |= spill_u32(&s[PTKS_BOUNDS], r->bounds[i]);
		if (r->bounds)
			k->bounds_n += r->n_bounds;
	}
	if (k->flags_or & TOK_HAS_LABEL)
		rc |= spill_u32(&s[PTKS_EXLABELS], (uint32_t)(r->has_label ? r->label : 0));
	if (rc)
		return wfail(w, PTK_EIO, "cannot write a temporary file in '%s'",
		    w->spill_dir);
	return put_tokens(w, &k->f, r->tokens, r->n);
}

static int
ptk_close(struct shard_writer *w, struct sink *k, struct shard_entry *e)
{
	unsigned char t[PTKS_TRAILER_SIZE];
	uint64_t off[PTKS_NSECTIONS], len[PTKS_NSECTIONS];
	int i, rc = 0;

	rc |= spill_u64(&k->sec[PTKS_OFFSETS], k->tokens);
	rc |= spill_u64(&k->sec[PTKS_ID_OFFSETS], k->ids_bytes);
	if (k->flags_or & TOK_HAS_BOUNDS)
		rc |= spill_u64(&k->sec[PTKS_BOUND_OFFSETS], k->bounds_n);
	if (rc)
		return wfail(w, PTK_EIO, "cannot write a temporary file in '%s'",
		    w->spill_dir);
	off[0] = PTKS_HEADER_SIZE;
	len[0] = k->f.bytes - PTKS_HEADER_SIZE;
	for (i = 1; i < PTKS_NSECTIONS; i++) {
		if (outf_align(&k->f) != 0)
			return wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
		off[i] = k->f.bytes;
		len[i] = k->sec[i].total;
		if (spill_copy(&k->sec[i], &k->f) != 0)
			return wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
		if (len[i] == 0)
			off[i] = 0;
		spill_release(&k->sec[i]);
	}
	if (outf_align(&k->f) != 0 || outf_flush(&k->f) != 0)
		return wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
	memset(t, 0, sizeof t);
	memcpy(t, PTKS_END_MAGIC, 8);
	le_put64(t + PTKS_T_RECORDS, k->records);
	le_put64(t + PTKS_T_TOKENS, k->tokens);
	le_put32(t + PTKS_T_FLAGS, k->flags_or);
	le_put32(t + PTKS_T_NSECTIONS, PTKS_NSECTIONS);
	for (i = 0; i < PTKS_NSECTIONS; i++) {
		le_put64(t + PTKS_T_SECTIONS + 16 * i, off[i]);
		le_put64(t + PTKS_T_SECTIONS + 16 * i + 8, len[i]);
	}
	le_put64(t + PTKS_T_FILE_SIZE, k->f.bytes + PTKS_TRAILER_SIZE);
	le_put64(t + PTKS_T_BODY_HASH, XXH64_digest(k->f.hash));
	le_put64(t + PTKS_T_CHECKSUM, XXH64(t, PTKS_T_CHECKSUM, 0));
	if (outf_write(&k->f, t, sizeof t) != 0)
		return wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
	e->bytes = k->f.bytes;
	if (outf_close(&k->f, &e->xxh64) != 0)
		return wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
	return 0;
}

/* ---- Megatron-LM .bin/.idx ---- */

static int
mega_open(struct shard_writer *w, struct sink *k)
{
	char *name = shard_file_name(k, ".bin"), *path = path_join(w->tmp, name);
	int rc = 0;

	if (outf_open(&k->f, path, w->out_cap) != 0)
		rc = wfail(w, PTK_EIO, "cannot create '%s'", path);
	free(path);
	free(name);
	spill_init(&k->sizes, w->spill_dir, w->idx_cap);
	spill_init(&k->ptrs, w->spill_dir, w->idx_cap);
	spill_init(&k->docs, w->spill_dir, w->idx_cap);
	k->nseq = 0;
	k->ndocs = 1;
	if (rc == 0 && spill_u64(&k->docs, 0) != 0)
		rc = wfail(w, PTK_EIO, "cannot write a temporary file in '%s'",
		    w->spill_dir);
	return rc;
}

static int
mega_seq(struct shard_writer *w, struct sink *k, uint64_t start, uint64_t n)
{
	int rc = spill_u32(&k->sizes, (uint32_t)n);

	rc |= spill_u64(&k->ptrs, start * (uint64_t)w->width);
	k->nseq++;
	return rc;
}

static int
mega_add(struct shard_writer *w, struct sink *k, const struct tok_rec *r)
{
	uint64_t start = k->tokens;
	size_t i;
	int rc = 0;

	if (w->o.sentences && r->bounds && r->n_bounds > 0) {
		/* Megatron's --split-sentences: a document of sentences. */
		uint64_t prev = 0;
		for (i = 0; i < r->n_bounds; i++) {
			if (r->bounds[i] > prev)
				rc |= mega_seq(w, k, start + prev, r->bounds[i] - prev);
			prev = r->bounds[i];
		}
		rc |= mega_seq(w, k, start + prev, r->n - prev);
	} else
		rc |= mega_seq(w, k, start, r->n);
	rc |= spill_u64(&k->docs, k->nseq);
	k->ndocs++;
	if (rc)
		return wfail(w, PTK_EIO, "cannot write a temporary file in '%s'",
		    w->spill_dir);
	return put_tokens(w, &k->f, r->tokens, r->n);
}

static int
mega_close(struct shard_writer *w, struct sink *k, struct shard_entry *e)
{
	unsigned char h[MEGA_HEADER_SIZE];
	struct outf idx;
	char *name, *path;
	int rc = 0;

	e->bytes = k->f.bytes;
	if (outf_close(&k->f, &e->xxh64) != 0)
		return wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
	name = shard_file_name(k, ".idx");
	path = path_join(w->tmp, name);
	e->index_file = name;
	if (outf_open(&idx, path, w->out_cap) != 0) {
		rc = wfail(w, PTK_EIO, "cannot create '%s'", path);
		free(path);
		return rc;
	}
	memcpy(h, MEGA_MAGIC, MEGA_MAGIC_LEN);
	le_put64(h + 9, 1);
	h[17] = w->width == 2 ? MEGA_DTYPE_UINT16 : MEGA_DTYPE_INT32;
	le_put64(h + 18, k->nseq);
	le_put64(h + 26, k->ndocs);
	if (outf_write(&idx, h, sizeof h) != 0 || spill_copy(&k->sizes, &idx) != 0 ||
	    spill_copy(&k->ptrs, &idx) != 0 || spill_copy(&k->docs, &idx) != 0)
		rc = wfail(w, PTK_EIO, "cannot write '%s'", path);
	e->index_bytes = idx.bytes;
	if (rc == 0 && outf_close(&idx, &e->index_xxh64) != 0)
		rc = wfail(w, PTK_EIO, "cannot write '%s'", path);
	outf_release(&idx);
	spill_release(&k->sizes);
	spill_release(&k->ptrs);
	spill_release(&k->docs);
	free(path);
	return rc;
}

/* ---- llm.c ---- */

static int
llmc_open(struct shard_writer *w, struct sink *k)
{
	char *name = shard_file_name(k, ".bin"), *path = path_join(w->tmp, name);
	int rc = 0;

	if (outf_open(&k->f, path, w->out_cap) != 0 || outf_zeros(&k->f, LLMC_HEADER_SIZE) != 0)
		rc = wfail(w, PTK_EIO, "cannot create '%s'", path);
	free(path);
	free(name);
	return rc;
}

static int
llmc_close(struct shard_writer *w, struct sink *k, struct shard_entry *e)
{
	unsigned char h[12], *buf;
	XXH64_state_t *st;
	uint64_t off = 0;
	int rc = 0;

	/* The token count is known only now: patch it, then hash the file. */
	le_put32(h, LLMC_MAGIC);
	le_put32(h + 4, LLMC_VERSION);
	le_put32(h + 8, (uint32_t)k->tokens);
	if (outf_flush(&k->f) != 0 || pwrite(k->f.fd, h, sizeof h, 0) != sizeof h)
		return wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
	e->bytes = k->f.bytes;
	st = XXH64_createState();
	XXH64_reset(st, 0);
	buf = k->f.buf;
	while (off < e->bytes) {
		ssize_t n = pread(k->f.fd, buf, k->f.cap, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = wfail(w, PTK_EIO, "cannot read back '%s'", k->f.path);
			break;
		}
		XXH64_update(st, buf, (size_t)n);
		off += (uint64_t)n;
	}
	e->xxh64 = XXH64_digest(st);
	XXH64_freeState(st);
	if (rc == 0 && outf_close(&k->f, NULL) != 0)
		rc = wfail(w, PTK_EIO, "cannot write '%s'", k->f.path);
	return rc;
}

/* ---- sinks ---- */

static int
sink_open(struct shard_writer *w, struct sink *k)
{
	int rc;

	switch (w->o.format) {
	case SHARD_FMT_PTK: rc = ptk_open(w, k); break;
	case SHARD_FMT_MEGATRON: rc = mega_open(w, k); break;
	default: rc = llmc_open(w, k); break;
	}
	if (rc == 0) {
		k->open = 1;
		k->records = k->tokens = 0;
	}
	return rc;
}

static int
sink_close(struct shard_writer *w, struct sink *k)
{
	struct shard_entry *e;
	int rc;

	if (!k->open)
		return 0;
	e = new_entry(w);
	e->split = k->split;
	e->file = shard_file_name(k, w->o.format == SHARD_FMT_PTK ? PTKS_EXT : ".bin");
	e->records = k->records;
	e->tokens = k->tokens;
	switch (w->o.format) {
	case SHARD_FMT_PTK: rc = ptk_close(w, k, e); break;
	case SHARD_FMT_MEGATRON: rc = mega_close(w, k, e); break;
	default: rc = llmc_close(w, k, e); break;
	}
	outf_release(&k->f);
	k->open = 0;
	k->index++;
	w->man.records[k->split] += k->records;
	w->man.tokens[k->split] += k->tokens;
	return rc;
}

static int
sink_add(struct shard_writer *w, struct sink *k, const struct tok_rec *r)
{
	int rc;

	if (w->o.format == SHARD_FMT_LLMC) {
		/* A token stream: fill every shard exactly, as fineweb.py does. */
		size_t done = 0;
		if (k->open && k->tokens == w->o.shard_tokens && r->n > 0 &&
		    (rc = sink_close(w, k)) != 0)
			return rc;
		/* A record counts in the shard that holds its first token. */
		if (r->n > 0 || k->open)
			k->records++;
		while (done < r->n) {
			size_t take;
			if (k->open && k->tokens == w->o.shard_tokens &&
			    (rc = sink_close(w, k)) != 0)
				return rc;
			if (!k->open && (rc = sink_open(w, k)) != 0)
				return rc;
			if (done == 0 && k->records == 0)
				k->records = 1;
			take = r->n - done;
			if (take > w->o.shard_tokens - k->tokens)
				take = (size_t)(w->o.shard_tokens - k->tokens);
			if ((rc = put_tokens(w, &k->f, r->tokens + done, take)) != 0)
				return rc;
			k->tokens += take;
			done += take;
		}
		return 0;
	}
	if (k->open && k->records > 0 && k->tokens + r->n > w->o.shard_tokens &&
	    (rc = sink_close(w, k)) != 0)
		return rc;
	if (!k->open && (rc = sink_open(w, k)) != 0)
		return rc;
	rc = w->o.format == SHARD_FMT_PTK ? ptk_add(w, k, r) : mega_add(w, k, r);
	k->records++;
	k->tokens += r->n;
	return rc;
}

/*
 * Send the next record of the output order to its split: output record j
 * is a validation record when floor((j+1) f) > floor(j f), which spaces
 * floor(N f) of them evenly (and randomly, once shuffled).
 */
static int
emit(struct shard_writer *w, const struct tok_rec *r)
{
	double f = w->o.val_fraction;
	uint64_t j = w->emitted++;
	int val = f > 0 && (uint64_t)((double)(j + 1) * f) > (uint64_t)((double)j * f);
	struct tok_rec e;

	if (w->o.eod != SHARD_EOD_NONE) {
		/* Seq records only (checked at open): tokens and bounds. */
		size_t i, shift = w->o.eod == SHARD_EOD_BEFORE;
		if (r->n + 1 > w->eodcap) {
			w->eodcap = r->n + 1 + r->n / 2;
			w->eodbuf = xreallocarray(w->eodbuf, w->eodcap, sizeof *w->eodbuf);
		}
		if (r->n)
			memcpy(w->eodbuf + shift, r->tokens, r->n * sizeof *r->tokens);
		w->eodbuf[shift ? 0 : r->n] = (uint32_t)w->o.eod_id;
		e = *r;
		e.tokens = w->eodbuf;
		e.n = r->n + 1;
		if (shift && r->bounds) {
			if (r->n_bounds > w->bndcap) {
				w->bndcap = r->n_bounds + 16;
				w->bndbuf = xreallocarray(w->bndbuf, w->bndcap,
				    sizeof *w->bndbuf);
			}
			for (i = 0; i < r->n_bounds; i++)
				w->bndbuf[i] = r->bounds[i] ? r->bounds[i] + 1 : 0;
			e.bounds = w->bndbuf;
		}
		r = &e;
	}
	return sink_add(w, &w->sink[val], r);
}

/*
 * ---- shuffle ----
 *
 * Record i of the input gets the random key mix(seed, i); the output is the
 * records sorted by (key, i).  Pass 1 scatters records to buckets by key
 * range; pass 2 sorts each bucket in memory, or scatters it again by a
 * finer key range when it is over half of --mem.  So the order depends on
 * the seed and the input only, not on --mem or -j.
 */

struct bucket {
	struct spill sp;
	uint64_t records;
};

struct scatter {
	unsigned nb;
	struct bucket *b;
	uint64_t lo;		/* keys [lo, lo + span) */
	unsigned __int128 span;
	int level;
};

static inline uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t
mix2(uint64_t a, uint64_t b)
{
	uint64_t s = a ^ (b * 0xd6e8feb86659fd93ULL);

	splitmix64(&s);
	return splitmix64(&s);
}

static struct scatter *
scatter_new(struct shard_writer *w, int level, uint64_t lo,
    unsigned __int128 span)
{
	struct scatter *sc = xcalloc(1, sizeof *sc);
	uint64_t quarter = w->o.mem / 4;
	size_t cap;
	unsigned i;

	sc->nb = 256;
	while (sc->nb > 2 && (uint64_t)sc->nb * (64u << 10) > quarter)
		sc->nb /= 2;
	cap = quarter / sc->nb;
	if (cap > SPILL_BUF)
		cap = SPILL_BUF;
	sc->b = xcalloc(sc->nb, sizeof *sc->b);
	for (i = 0; i < sc->nb; i++)
		spill_init(&sc->b[i].sp, w->spill_dir, cap);
	sc->level = level;
	sc->lo = lo;
	sc->span = span;
	return sc;
}

static void
scatter_free(struct scatter *sc)
{
	unsigned i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nb; i++)
		spill_release(&sc->b[i].sp);
	free(sc->b);
	free(sc);
}

/*
 * A record in a bucket: u32 length of what follows, u32 n, u32 n_bounds,
 * i32 label, u16 id_len, u8 flags, u8 0, u64 key, u64 input index, the id,
 * n tokens of the input width, then n segments, n_bounds u32 and n i32
 * labels as the flags say.
 */
#define BREC_HEAD 36
#define BREC_KEY 20
#define BREC_SEQ 28

static void
brec_encode(struct buf *b, const struct tok_rec *r, int width, uint64_t key,
    uint64_t seq)
{
	unsigned flags = (r->segments ? TOK_HAS_SEGMENTS : 0) |
	    (r->bounds ? TOK_HAS_BOUNDS : 0) | (r->labels ? TOK_HAS_LABELS : 0) |
	    (r->has_label ? TOK_HAS_LABEL : 0);
	size_t len = BREC_HEAD - 4 + r->id_len + r->n * (size_t)width, i;
	unsigned char *p;

	if (r->segments)
		len += r->n;
	if (r->bounds)
		len += 4 * r->n_bounds;
	if (r->labels)
		len += 4 * r->n;
	b->len = 0;
	if (buf_grow(b, len + 4) != 0)
		xmalloc((size_t)-1);
	p = (unsigned char *)b->p;
	le_put32(p, (uint32_t)len);
	le_put32(p + 4, (uint32_t)r->n);
	le_put32(p + 8, (uint32_t)(r->bounds ? r->n_bounds : 0));
	le_put32(p + 12, (uint32_t)(r->has_label ? r->label : 0));
	le_put16(p + 16, (uint16_t)r->id_len);
	p[18] = (unsigned char)flags;
	p[19] = 0;
	le_put64(p + BREC_KEY, key);
	le_put64(p + BREC_SEQ, seq);
	p += BREC_HEAD;
	if (r->id_len)
		memcpy(p, r->id, r->id_len);
	p += r->id_len;
	if (width == 2)
		for (i = 0; i < r->n; i++, p += 2)
			le_put16(p, (uint16_t)r->tokens[i]);
	else
		for (i = 0; i < r->n; i++, p += 4)
			le_put32(p, r->tokens[i]);
	if (r->segments && r->n) {
		memcpy(p, r->segments, r->n);
		p += r->n;
	}
	for (i = 0; r->bounds && i < r->n_bounds; i++, p += 4)
		le_put32(p, r->bounds[i]);
	for (i = 0; r->labels && i < r->n; i++, p += 4)
		le_put32(p, (uint32_t)r->labels[i]);
	b->len = len + 4;
}

/* Arrays a decoded bucket record points into. */
struct brec_arrays {
	uint32_t *tokens, *bounds;
	int32_t *labels;
	size_t tcap, bcap, lcap;
};

#define GROW(arr, cap, n) do { \
	if ((n) > (cap)) { \
		(cap) = (n) + (n) / 2 + 16; \
		(arr) = xreallocarray((arr), (cap), sizeof *(arr)); \
	} \
} while (0)

/* Decode a bucket record p[0..len) (len includes the u32 length). */
static int
brec_decode(const unsigned char *p, size_t len, int width, struct tok_rec *r,
    struct brec_arrays *a)
{
	size_t n, nb, id_len, need, i;
	unsigned flags;

	if (len < BREC_HEAD)
		return PTK_EFORMAT;
	n = le_get32(p + 4);
	nb = le_get32(p + 8);
	id_len = le_get16(p + 16);
	flags = p[18];
	need = BREC_HEAD + id_len + n * (size_t)width +
	    (flags & TOK_HAS_SEGMENTS ? n : 0) +
	    (flags & TOK_HAS_BOUNDS ? 4 * nb : 0) +
	    (flags & TOK_HAS_LABELS ? 4 * n : 0);
	if (need != len)
		return PTK_EFORMAT;
	memset(r, 0, sizeof *r);
	r->label = (int32_t)le_get32(p + 12);
	r->has_label = (flags & TOK_HAS_LABEL) != 0;
	p += BREC_HEAD;
	r->id = (const char *)p;
	r->id_len = id_len;
	p += id_len;
	GROW(a->tokens, a->tcap, n);
	if (width == 2)
		for (i = 0; i < n; i++, p += 2)
			a->tokens[i] = le_get16(p);
	else
		for (i = 0; i < n; i++, p += 4)
			a->tokens[i] = le_get32(p);
	r->tokens = a->tokens;
	r->n = n;
	if (flags & TOK_HAS_SEGMENTS) {
		r->segments = p;
		p += n;
	}
	if (flags & TOK_HAS_BOUNDS) {
		GROW(a->bounds, a->bcap, nb + 1);
		for (i = 0; i < nb; i++, p += 4)
			a->bounds[i] = le_get32(p);
		r->bounds = a->bounds;
		r->n_bounds = nb;
	}
	if (flags & TOK_HAS_LABELS) {
		GROW(a->labels, a->lcap, n + 1);
		for (i = 0; i < n; i++, p += 4)
			a->labels[i] = (int32_t)le_get32(p);
		r->labels = a->labels;
	}
	return 0;
}

/* Append an encoded record (p[0..len)) to the bucket of its key. */
static int
scatter_put(struct shard_writer *w, struct scatter *sc, const void *p,
    size_t len)
{
	uint64_t key = le_get64((const unsigned char *)p + BREC_KEY);
	struct bucket *b = &sc->b[(unsigned)(((unsigned __int128)(key - sc->lo) *
	    sc->nb) / sc->span)];

	b->records++;
	if (spill_write(&b->sp, p, len) != 0)
		return wfail(w, PTK_EIO, "cannot write a shuffle bucket in '%s'",
		    w->spill_dir);
	return 0;
}

static int scatter_drain(struct shard_writer *w, struct scatter *sc);

/* Key range of bucket i: [lo + span i / nb, lo + span (i+1) / nb). */
static void
bucket_range(const struct scatter *sc, unsigned i, uint64_t *lo,
    unsigned __int128 *span)
{
	unsigned __int128 a = sc->span * i / sc->nb, b = sc->span * (i + 1) / sc->nb;

	*lo = sc->lo + (uint64_t)a;
	*span = b - a;
}

/* Stream a bucket's records into a finer scatter one level down. */
static int
bucket_rescatter(struct shard_writer *w, struct scatter *sc, unsigned bi)
{
	struct bucket *b = &sc->b[bi];
	struct scatter *sub;
	struct buf win = BUF_INIT;
	uint64_t off = 0, wstart = 0, wlen = 0, total = b->sp.total, lo;
	unsigned __int128 span;
	int rc = 0;

	bucket_range(sc, bi, &lo, &span);
	sub = scatter_new(w, sc->level + 1, lo, span);
	while (rc == 0 && off < total) {
		size_t len = 4;
		int pass;
		/* Twice: once to see the length, once to hold the record. */
		for (pass = 0; pass < 2 && rc == 0; pass++) {
			if (pass == 1)
				len = (size_t)le_get32((unsigned char *)win.p +
				    (off - wstart)) + 4;
			if (off + len > total || (pass == 1 && len < BREC_HEAD)) {
				rc = wfail(w, PTK_EFORMAT, "shuffle bucket is corrupt");
				break;
			}
			if (off + len > wstart + wlen) {
				size_t want = len > SPILL_BUF ? len : SPILL_BUF;
				if (want > total - off)
					want = (size_t)(total - off);
				win.len = 0;
				if (buf_grow(&win, want) != 0)
					xmalloc((size_t)-1);
				wstart = off;
				wlen = want;
				if (spill_pread(&b->sp, win.p, want, off) != 0)
					rc = wfail(w, PTK_EIO,
					    "cannot read a shuffle bucket in '%s'",
					    w->spill_dir);
			}
		}
		if (rc == 0)
			rc = scatter_put(w, sub, win.p + (off - wstart), len);
		off += len;
	}
	spill_release(&b->sp);
	buf_release(&win);
	if (rc == 0)
		rc = scatter_drain(w, sub);
	scatter_free(sub);
	return rc;
}

struct sortkey {
	uint64_t key, seq, off;
};

static int
cmp_sortkey(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Load a bucket, sort its records by key and emit them. */
static int
bucket_sort(struct shard_writer *w, struct scatter *sc, unsigned bi)
{
	struct bucket *b = &sc->b[bi];
	struct brec_arrays a = { 0 };
	struct sortkey *k;
	unsigned char *data;
	uint64_t i, off = 0;
	int rc = 0;

	if (b->records == 0)
		return 0;
	data = xmalloc((size_t)b->sp.total);
	k = xmalloc((size_t)b->records * sizeof *k);
	if (spill_pread(&b->sp, data, (size_t)b->sp.total, 0) != 0) {
		rc = wfail(w, PTK_EIO, "cannot read a shuffle bucket in '%s'",
		    w->spill_dir);
		goto out;
	}
	spill_release(&b->sp);
	for (i = 0; i < b->records; i++) {
		k[i].off = off;
		k[i].key = le_get64(data + off + BREC_KEY);
		k[i].seq = le_get64(data + off + BREC_SEQ);
		off += (uint64_t)le_get32(data + off) + 4;
	}
	qsort(k, (size_t)b->records, sizeof *k, cmp_sortkey);
	for (i = 0; i < b->records && rc == 0; i++) {
		struct tok_rec r;
		size_t len = (size_t)le_get32(data + k[i].off) + 4;
		if (brec_decode(data + k[i].off, len, w->in.width, &r, &a) != 0)
			rc = wfail(w, PTK_EFORMAT, "shuffle bucket is corrupt");
		else
			rc = emit(w, &r);
	}
out:
	free(data);
	free(k);
	free(a.tokens);
	free(a.bounds);
	free(a.labels);
	return rc;
}

static int
scatter_drain(struct shard_writer *w, struct scatter *sc)
{
	uint64_t limit = w->o.mem / 2;
	unsigned i;
	int rc = 0;

	/* Once anything went to disk, move every bucket there. */
	for (i = 0; i < sc->nb; i++)
		if (sc->b[i].sp.fd >= 0)
			break;
	if (i < sc->nb)
		for (i = 0; i < sc->nb; i++)
			if (sc->b[i].sp.total > 0 && (sc->b[i].sp.fd >= 0 ||
			    spill_flush(&sc->b[i].sp) == 0))
				spill_seal(&sc->b[i].sp);
	for (i = 0; i < sc->nb && rc == 0; i++) {
		struct bucket *b = &sc->b[i];
		uint64_t lo;
		unsigned __int128 span;
		bucket_range(sc, i, &lo, &span);
		if (b->sp.total + sizeof(struct sortkey) * b->records <= limit ||
		    b->records < 2 || span < sc->nb || sc->level >= 16)
			rc = bucket_sort(w, sc, i);
		else
			rc = bucket_rescatter(w, sc, i);
	}
	return rc;
}

/* ---- the folder ---- */

static void
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL) {	/* a file that --force replaced */
		unlink(dir);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(dir);
}

/* Whether path is a folder with nothing in it (rename(2) may replace it). */
static int
empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (d == NULL)
		return 0;
	while (empty && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

static int
fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return PTK_EIO;
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = PTK_EIO;
	close(fd);
	return rc;
}

static char *
parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xmemdup(path, (size_t)(slash - path));
}

int
shard_writer_open(struct shard_writer **wp, const char *dir,
    const struct shard_opts *o, const struct tok_header *h)
{
	struct shard_writer *w = xcalloc(1, sizeof *w);
	struct stat st;
	size_t n;
	int i;

	*wp = w;
	w->o = *o;
	w->in = *h;
	w->dir = xstrdup(dir);
	while ((n = strlen(w->dir)) > 1 && w->dir[n - 1] == '/')
		w->dir[n - 1] = '\0';
	n = strlen(w->dir) + 32;
	w->tmp = xmalloc(n);
	snprintf(w->tmp, n, "%s.tmp.%ld", w->dir, (long)getpid());
	w->spill_dir = xstrdup(o->tmp_dir ? o->tmp_dir : w->tmp);
	for (i = 0; i < 2; i++) {
		struct sink *k = &w->sink[i];
		int j;
		k->split = i;
		k->f.fd = -1;
		for (j = 0; j < PTKS_NSECTIONS; j++)
			spill_init(&k->sec[j], NULL, SPILL_BUF);
		spill_init(&k->sizes, NULL, SPILL_BUF);
		spill_init(&k->ptrs, NULL, SPILL_BUF);
		spill_init(&k->docs, NULL, SPILL_BUF);
	}
	if (w->o.shard_tokens == 0)
		w->o.shard_tokens = SHARD_DEFAULT_TOKENS;
	if (w->o.mem < SHARD_MIN_MEM)
		w->o.mem = SHARD_MIN_MEM;
	/* Write buffers: mem/16 (256 KiB .. 4 MiB) each, two splits. */
	w->out_cap = w->o.mem / 16 > OUT_BUF ? OUT_BUF :
	    w->o.mem / 16 < (256u << 10) ? 256u << 10 : (size_t)(w->o.mem / 16);
	/*
	 * Index sections stay in memory up to mem/72 each (64 KiB .. 16 MiB),
	 * so the 2 x 9 of them never hold more than mem/4 before going to disk.
	 */
	w->idx_cap = w->o.mem / 72 > (16u << 20) ? 16u << 20 :
	    w->o.mem / 72 < (64u << 10) ? 64u << 10 : (size_t)(w->o.mem / 72);
	w->man.format = o->format;
	w->man.h = *h;
	w->man.seq_len = o->seq_len;
	w->man.shuffled = o->shuffle;
	w->man.seed = o->seed;
	w->man.eod = o->eod;
	switch (o->format) {
	case SHARD_FMT_PTK:
		w->width = ptks_width(h->vocab_size);
		break;
	case SHARD_FMT_MEGATRON:
		w->width = h->vocab_size < MEGA_UINT16_BELOW ? 2 : 4;
		break;
	case SHARD_FMT_LLMC:
		w->width = 2;
		if (h->vocab_size > 65536)
			return wfail(w, PTK_EFORMAT, "a vocabulary of %u tokens does not fit llm.c's 16-bit tokens",
			    h->vocab_size);
		if (w->o.shard_tokens > SHARD_LLMC_MAX_TOKENS)
			w->o.shard_tokens = SHARD_LLMC_MAX_TOKENS;
		break;
	default:
		return wfail(w, PTK_EAPI, "unknown shard format");
	}
	w->man.h.width = (uint8_t)w->width;
	if (o->eod != SHARD_EOD_NONE) {
		if (h->kind != TOK_KIND_SEQ)
			return wfail(w, PTK_EFORMAT, "--eod needs token sequences, not %s records",
			    tok_kind_name(h->kind));
		if (w->o.eod_id < 0)
			w->o.eod_id = h->special[TOK_EOS];
		if (w->o.eod_id < 0)
			return wfail(w, PTK_EFORMAT, "%s",
			    "--eod: the input has no eos token; give --eod-id");
		if ((uint32_t)w->o.eod_id >= h->vocab_size)
			return wfail(w, PTK_EFORMAT, "%s",
			    "--eod-id is not inside the vocabulary");
	}
	errno = 0;
	if (lstat(w->dir, &st) == 0 && !o->force && !empty_dir(w->dir)) {
		errno = EEXIST;
		return wfail(w, PTK_EIO, "cannot create '%s'", w->dir);
	}
	if (mkdir(w->tmp, 0777) != 0)
		return wfail(w, PTK_EIO, "cannot create '%s'", w->tmp);
	if (w->o.shuffle)
		w->sc = scatter_new(w, 0, 0, (unsigned __int128)1 << 64);
	return 0;
}

int
shard_writer_add(struct shard_writer *w, const struct tok_rec *r)
{
	w->in_records++;
	w->in_tokens += r->n;
	if (w->err[0])
		return PTK_EAPI;
	if (w->sc) {
		uint64_t seq = w->in_records - 1;
		brec_encode(&w->rbuf, r, w->in.width, mix2(w->o.seed, seq), seq);
		return scatter_put(w, w->sc, w->rbuf.p, w->rbuf.len);
	}
	return emit(w, r);
}

uint64_t
shard_writer_records(const struct shard_writer *w)
{
	return w->in_records;
}

uint64_t
shard_writer_tokens(const struct shard_writer *w)
{
	return w->in_tokens;
}

const char *
shard_writer_errmsg(const struct shard_writer *w)
{
	return w->err;
}

/* Finish the shards, write the manifest, then swap the folder into place. */
static int
commit(struct shard_writer *w)
{
	struct buf m = BUF_INIT;
	struct outf f;
	char *path, *old = NULL, *parent;
	struct stat st;
	int rc;

	if (w->sc) {
		rc = scatter_drain(w, w->sc);
		scatter_free(w->sc);
		w->sc = NULL;
		if (rc)
			return rc;
	}
	if ((rc = sink_close(w, &w->sink[0])) != 0 ||
	    (rc = sink_close(w, &w->sink[1])) != 0)
		return rc;
	if (shard_manifest_write(&m, &w->man, w->o.val_fraction) != 0)
		xmalloc((size_t)-1);
	path = path_join(w->tmp, SHARD_MANIFEST);
	if (outf_open(&f, path, 64u << 10) != 0 || outf_write(&f, m.p, m.len) != 0 ||
	    outf_close(&f, NULL) != 0)
		rc = wfail(w, PTK_EIO, "cannot write '%s'", path);
	outf_release(&f);
	free(path);
	buf_release(&m);
	if (rc)
		return rc;
	if (fsync_dir(w->tmp) != 0)
		return wfail(w, PTK_EIO, "cannot sync '%s'", w->tmp);
	if (w->o.force && lstat(w->dir, &st) == 0 && !empty_dir(w->dir)) {
		size_t n = strlen(w->dir) + 32;
		old = xmalloc(n);
		snprintf(old, n, "%s.old.%ld", w->dir, (long)getpid());
		if (rename(w->dir, old) != 0) {
			free(old);
			return wfail(w, PTK_EIO, "cannot replace '%s'", w->dir);
		}
	}
	if (rename(w->tmp, w->dir) != 0) {
		rc = wfail(w, PTK_EIO, "cannot rename the folder to '%s'", w->dir);
		if (old)
			rename(old, w->dir);
		free(old);
		return rc;
	}
	if (old) {
		remove_tree(old);
		free(old);
	}
	parent = parent_dir(w->dir);
	fsync_dir(parent);
	free(parent);
	return 0;
}

int
shard_writer_close(struct shard_writer *w, int do_commit, char *errbuf,
    size_t errlen)
{
	int rc = 0, i, j;

	if (w == NULL)
		return 0;
	if (do_commit && w->err[0] == '\0')
		rc = commit(w);
	else if (do_commit)
		rc = PTK_EAPI;
	if (rc || !do_commit) {
		scatter_free(w->sc);
		for (i = 0; i < 2; i++) {
			outf_release(&w->sink[i].f);
			for (j = 0; j < PTKS_NSECTIONS; j++)
				spill_release(&w->sink[i].sec[j]);
			spill_release(&w->sink[i].sizes);
			spill_release(&w->sink[i].ptrs);
			spill_release(&w->sink[i].docs);
		}
		if (w->tmp && access(w->tmp, F_OK) == 0)
			remove_tree(w->tmp);
	}
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", w->err);
	shard_manifest_release(&w->man);
	buf_release(&w->rbuf);
	free(w->eodbuf);
	free(w->bndbuf);
	free(w->dir);
	free(w->tmp);
	free(w->spill_dir);
	free(w);
	return rc;
}
