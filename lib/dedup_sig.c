/*
 * dedup_sig.c - signature files: what "dedup sign" writes for one shard and
 * "dedup merge" reads.  Layout (host byte order, checked by a marker):
 *
 *   header, 128 bytes: magic "PTKDSIG1", u32 version (1), u32 0x01020304,
 *     u32 levels, u32 flags (1 lowercase, 2 paragraphs), u32 ngram,
 *     u32 bands, u32 rows, u32 record size, u64 seed, u64 records,
 *     u64 ids offset, u64 ids length, u64 lines offset, u64 line hashes,
 *     u64 checksum, u32 bins, 28 zero bytes; the checksum is XXH64 of the
 *     header (this field as zero) followed by the XXH64 of all that follows
 *   records, fixed size: u64 exact[2], u64 id offset (in the ids section),
 *     u64 first line hash (index in the lines section), u32 id length,
 *     u32 units, u32 words, u32 0, then the signature when the file has
 *     the near level: u32 MinHash[bands*rows], u32 bins[bins/2]
 *   ids: the id bytes, back to back, padded with zeros to 8 bytes
 *   lines: u64 unit hashes
 *
 * The writer streams records into the file and ids and hashes into two
 * unlinked temporary files beside it, appends those at the end, then writes
 * the header, fsyncs and renames: the file appears whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "dedup.h"
#include "err.h"
#include "xalloc.h"

#define DSIG_VERSION 1
#define DSIG_ENDIAN 0x01020304u
#define DSIG_REC_FIXED 48

struct dsig_writer {
	FILE *f, *ids, *lines;
	char *path, *tmp;
	struct dedup_params p;
	size_t k;		/* signature length in the file */
	size_t recsize;
	uint64_t n, ids_len, nlines;
	XXH64_state_t *xx;
};

struct dsig_file {
	unsigned char *map;
	size_t size;
	int mapped;		/* 1: munmap, 0: free */
	struct dedup_params p;
	size_t k, recsize;
	uint64_t n, ids_off, ids_len, lines_off, nlines;
};

static void
put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void
put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* XXH64 of the header (its checksum field read as zero) and the body's XXH64. */
static uint64_t
checksum(const unsigned char *h, uint64_t body)
{
	unsigned char b[DSIG_HEADER_SIZE + 8];

	memcpy(b, h, DSIG_HEADER_SIZE);
	memset(b + 88, 0, 8);
	memcpy(b + DSIG_HEADER_SIZE, &body, 8);
	return XXH64(b, sizeof b, 0);
}

static FILE *
tmp_beside(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *t;
	size_t n;
	FILE *f = NULL;
	int fd;

	if (slash)
		slash[1] = '\0';
	else
		dir[0] = '\0';
	n = strlen(dir) + 32;
	t = xmalloc(n);
	snprintf(t, n, "%sptk-dsig.XXXXXX", dir);
	if ((fd = mkstemp(t)) >= 0) {
		unlink(t);
		if ((f = fdopen(fd, "w+b")) == NULL)
			close(fd);
	}
	free(t);
	free(dir);
	return f;
}

int
dsig_writer_open(struct dsig_writer **wp, const char *path,
    const struct dedup_params *p, char *err, size_t errlen)
{
	struct dsig_writer *w = xcalloc(1, sizeof *w);
	unsigned char zero[DSIG_HEADER_SIZE] = { 0 };
	size_t n;

	*wp = NULL;
	w->p = *p;
	w->k = (p->levels & DEDUP_NEAR) ? (size_t)p->mh.bands * (size_t)p->mh.rows +
	    (size_t)p->mh.bins / 2 : 0;
	w->recsize = DSIG_REC_FIXED + 4 * w->k;
	w->path = xstrdup(path);
	n = strlen(path) + 32;
	w->tmp = xmalloc(n);
	snprintf(w->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	if ((w->f = fopen(w->tmp, "w+b")) == NULL ||
	    (w->ids = tmp_beside(path)) == NULL ||
	    (w->lines = tmp_beside(path)) == NULL ||
	    fwrite(zero, 1, sizeof zero, w->f) != sizeof zero) {
		snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		dsig_writer_close(w, 0, NULL, 0);
		return PTK_EIO;
	}
	w->xx = XXH64_createState();
	XXH64_reset(w->xx, 0);
	*wp = w;
	return 0;
}

int
dsig_write(struct dsig_writer *w, const struct dsig_rec *r)
{
	unsigned char fixed[DSIG_REC_FIXED];

	put64(fixed, r->exact[0]);
	put64(fixed + 8, r->exact[1]);
	put64(fixed + 16, w->ids_len);
	put64(fixed + 24, w->nlines);
	put32(fixed + 32, (uint32_t)r->id_len);
	put32(fixed + 36, r->nlines);
	put32(fixed + 40, r->nwords);
	put32(fixed + 44, 0);
	XXH64_update(w->xx, fixed, sizeof fixed);
	if (fwrite(fixed, 1, sizeof fixed, w->f) != sizeof fixed)
		return PTK_EIO;
	if (w->k) {
		XXH64_update(w->xx, r->mh, 4 * w->k);
		if (fwrite(r->mh, 4, w->k, w->f) != w->k)
			return PTK_EIO;
	}
	if (r->id_len && fwrite(r->id, 1, r->id_len, w->ids) != r->id_len)
		return PTK_EIO;
	if (r->nlines && fwrite(r->lines, 8, r->nlines, w->lines) != r->nlines)
		return PTK_EIO;
	w->ids_len += r->id_len;
	w->nlines += r->nlines;
	w->n++;
	return 0;
}

/* Append all of src to w->f, hashing it. */
static int
append(struct dsig_writer *w, FILE *src)
{
	char b[1 << 16];
	size_t m;

	if (fflush(src) != 0 || fseek(src, 0, SEEK_SET) != 0)
		return PTK_EIO;
	while ((m = fread(b, 1, sizeof b, src)) > 0) {
		XXH64_update(w->xx, b, m);
		if (fwrite(b, 1, m, w->f) != m)
			return PTK_EIO;
	}
	return ferror(src) ? PTK_EIO : 0;
}

int
dsig_writer_close(struct dsig_writer *w, int commit, char *err, size_t errlen)
{
	unsigned char h[DSIG_HEADER_SIZE] = { 0 };
	static const unsigned char pad[8] = { 0 };
	uint64_t ids_off, lines_off, padn;
	int rc = 0;

	if (w == NULL)
		return 0;
	if (!commit)
		goto out;
	ids_off = DSIG_HEADER_SIZE + w->n * w->recsize;
	padn = (8 - (ids_off + w->ids_len) % 8) % 8;
	lines_off = ids_off + w->ids_len + padn;
	if ((rc = append(w, w->ids)) != 0)
		goto io;
	XXH64_update(w->xx, pad, padn);
	if (fwrite(pad, 1, padn, w->f) != padn || (rc = append(w, w->lines)) != 0) {
		rc = PTK_EIO;
		goto io;
	}
	memcpy(h, DSIG_MAGIC, 8);
	put32(h + 8, DSIG_VERSION);
	put32(h + 12, DSIG_ENDIAN);
	put32(h + 16, w->p.levels);
	put32(h + 20, (w->p.lowercase ? 1u : 0) | (w->p.paragraphs ? 2u : 0));
	put32(h + 24, (uint32_t)w->p.mh.ngram);
	put32(h + 28, (uint32_t)w->p.mh.bands);
	put32(h + 32, (uint32_t)w->p.mh.rows);
	put32(h + 36, (uint32_t)w->recsize);
	put64(h + 40, w->p.mh.seed);
	put64(h + 48, w->n);
	put64(h + 56, ids_off);
	put64(h + 64, w->ids_len);
	put64(h + 72, lines_off);
	put64(h + 80, w->nlines);
	put32(h + 96, (uint32_t)w->p.mh.bins);
	put64(h + 88, checksum(h, XXH64_digest(w->xx)));
	if (fseek(w->f, 0, SEEK_SET) != 0 || fwrite(h, 1, sizeof h, w->f) != sizeof h ||
	    fflush(w->f) != 0 || fsync(fileno(w->f)) != 0) {
		rc = PTK_EIO;
		goto io;
	}
	if (fclose(w->f) != 0) {
		w->f = NULL;
		rc = PTK_EIO;
		goto io;
	}
	w->f = NULL;
	if (rename(w->tmp, w->path) != 0) {
		rc = PTK_EIO;
		goto io;
	}
	goto out;
io:
	if (err)
		snprintf(err, errlen, "cannot write '%s': %s", w->path,
		    strerror(errno));
	commit = 0;
out:
	if (w->f)
		fclose(w->f);
	if (w->ids)
		fclose(w->ids);
	if (w->lines)
		fclose(w->lines);
	if (!commit)
		unlink(w->tmp);
	if (w->xx)
		XXH64_freeState(w->xx);
	free(w->path);
	free(w->tmp);
	free(w);
	return rc;
}

static int
check(struct dsig_file *f, const char *name, char *err, size_t errlen)
{
	const unsigned char *h = f->map;
	uint32_t flags;
	uint64_t i;

#define BAD(...) do { \
	snprintf(err, errlen, __VA_ARGS__); \
	return PTK_EFORMAT; \
} while (0)
	if (f->size < DSIG_HEADER_SIZE || memcmp(h, DSIG_MAGIC, 8) != 0)
		BAD("%s: not a dedup signature file", name);
	if (get32(h + 12) != DSIG_ENDIAN)
		BAD("%s: signature file written on a machine of other byte order", name);
	if (get32(h + 8) != DSIG_VERSION)
		BAD("%s: signature file version %u, not %u", name, get32(h + 8),
		    DSIG_VERSION);
	f->p.levels = get32(h + 16);
	flags = get32(h + 20);
	f->p.lowercase = flags & 1;
	f->p.paragraphs = (flags & 2) != 0;
	f->p.mh.ngram = (int)get32(h + 24);
	f->p.mh.bands = (int)get32(h + 28);
	f->p.mh.rows = (int)get32(h + 32);
	f->recsize = get32(h + 36);
	f->p.mh.seed = get64(h + 40);
	f->n = get64(h + 48);
	f->ids_off = get64(h + 56);
	f->ids_len = get64(h + 64);
	f->lines_off = get64(h + 72);
	f->nlines = get64(h + 80);
	f->p.mh.bins = (int)get32(h + 96);
	if ((f->p.levels & ~7u) || (flags & ~3u) || f->p.mh.ngram < 1 ||
	    f->p.mh.ngram > 1000 || f->p.mh.bands < 1 || f->p.mh.rows < 1 ||
	    f->p.mh.bands > MH_MAX_HASHES || f->p.mh.rows > MH_MAX_HASHES ||
	    (uint64_t)f->p.mh.bands * (uint64_t)f->p.mh.rows > MH_MAX_HASHES ||
	    f->p.mh.bins < 0 || f->p.mh.bins > MH_MAX_BINS || f->p.mh.bins % 2)
		BAD("%s: bad signature file header", name);
	f->k = (f->p.levels & DEDUP_NEAR) ? (size_t)f->p.mh.bands *
	    (size_t)f->p.mh.rows + (size_t)f->p.mh.bins / 2 : 0;
	if (f->recsize != DSIG_REC_FIXED + 4 * f->k)
		BAD("%s: bad record size in signature file header", name);
	if (f->n > (f->size - DSIG_HEADER_SIZE) / f->recsize ||
	    f->ids_off != DSIG_HEADER_SIZE + f->n * f->recsize ||
	    f->ids_len > f->size - f->ids_off ||
	    f->lines_off < f->ids_off + f->ids_len || f->lines_off % 8 ||
	    f->lines_off - (f->ids_off + f->ids_len) >= 8 ||
	    f->lines_off > f->size || f->nlines != (f->size - f->lines_off) / 8 ||
	    (f->size - f->lines_off) % 8)
		BAD("%s: signature file is truncated or has bad sizes", name);
	if (checksum(h, XXH64(f->map + DSIG_HEADER_SIZE, f->size - DSIG_HEADER_SIZE,
	    0)) != get64(h + 88))
		BAD("%s: signature file checksum mismatch (corrupt file)", name);
	for (i = 0; i < f->n; i++) {
		const unsigned char *r = f->map + DSIG_HEADER_SIZE + i * f->recsize;
		uint64_t io = get64(r + 16), lo = get64(r + 24);
		uint32_t il = get32(r + 32), nl = get32(r + 36);
		if (io > f->ids_len || il > f->ids_len - io || lo > f->nlines ||
		    nl > f->nlines - lo)
			BAD("%s: record %llu: bad offsets in signature file", name,
			    (unsigned long long)i + 1);
	}
	return 0;
#undef BAD
}

int
dsig_open(struct dsig_file **fp, const char *path, char *err, size_t errlen)
{
	struct dsig_file *f = xcalloc(1, sizeof *f);
	struct stat st;
	int fd, rc;

	*fp = NULL;
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(f);
		return PTK_EIO;
	}
	f->size = (size_t)st.st_size;
	if (f->size == 0) {
		close(fd);
		free(f);
		snprintf(err, errlen, "%s: empty signature file", path);
		return PTK_EFORMAT;
	}
	f->map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f->map == MAP_FAILED) {
		snprintf(err, errlen, "cannot map '%s': %s", path, strerror(errno));
		free(f);
		return PTK_EIO;
	}
	f->mapped = 1;
	if ((rc = check(f, path, err, errlen)) != 0) {
		dsig_close(f);
		return rc;
	}
	*fp = f;
	return 0;
}

int
dsig_open_mem(struct dsig_file **fp, const void *p, size_t n, const char *name,
    char *err, size_t errlen)
{
	struct dsig_file *f = xcalloc(1, sizeof *f);
	int rc;

	*fp = NULL;
	/* A copy, 8-aligned, so that signature and hash arrays can be read in place. */
	f->map = xmalloc(n ? n : 1);
	memcpy(f->map, p, n);
	f->size = n;
	if ((rc = check(f, name, err, errlen)) != 0) {
		dsig_close(f);
		return rc;
	}
	*fp = f;
	return 0;
}

void
dsig_seal(void *p, size_t n)
{
	unsigned char *h = p;

	if (n < DSIG_HEADER_SIZE)
		return;
	put64(h + 88, checksum(h, XXH64(h + DSIG_HEADER_SIZE, n - DSIG_HEADER_SIZE, 0)));
}

void
dsig_close(struct dsig_file *f)
{
	if (f == NULL)
		return;
	if (f->mapped)
		munmap(f->map, f->size);
	else
		free(f->map);
	free(f);
}

const struct dedup_params *
dsig_params(const struct dsig_file *f)
{
	return &f->p;
}

uint64_t
dsig_count(const struct dsig_file *f)
{
	return f->n;
}

void
dsig_get(const struct dsig_file *f, uint64_t i, struct dsig_rec *r)
{
	const unsigned char *p = f->map + DSIG_HEADER_SIZE + i * f->recsize;

	r->exact[0] = get64(p);
	r->exact[1] = get64(p + 8);
	r->id = (const char *)f->map + f->ids_off + get64(p + 16);
	r->lines = (const uint64_t *)(f->map + f->lines_off) + get64(p + 24);
	r->id_len = get32(p + 32);
	r->nlines = get32(p + 36);
	r->nwords = get32(p + 40);
	r->mh = f->k ? (const uint32_t *)(p + DSIG_REC_FIXED) : NULL;
}
