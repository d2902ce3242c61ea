/*
 * shard_read.c - open a shard folder, check it against its manifest, and
 * hand out records and token windows from read-only mappings (shard.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "shard.h"
#include "shard_int.h"
#include "xalloc.h"

struct sshard {
	const struct shard_entry *e;
	const unsigned char *map;	/* the shard file (ptk, .bin) */
	size_t size;
	const unsigned char *imap;	/* Megatron .idx */
	size_t isize;
	uint64_t rec0, tok0;	/* first record and token within its split */
	const unsigned char *tok;	/* token array */
	/* ptk */
	unsigned flags_or;
	const unsigned char *sec[PTKS_NSECTIONS];
	uint64_t seclen[PTKS_NSECTIONS];
	/* Megatron */
	const unsigned char *sizes, *ptrs, *docs;
	uint64_t nseq, ndocs;
	char err[512];		/* why it failed, while verifying */
};

struct shardset {
	char *dir;
	struct shard_manifest man;
	struct tok_header h;	/* as a token stream would carry it */
	int width;		/* bytes a token in the shard files */
	struct sshard *sh;	/* man.nshards */
	size_t *list[2];	/* per split: shard numbers in order */
	size_t nlist[2];
	uint64_t records[2], tokens[2];
	char err[1024];
};

static int
sfail(struct shardset *s, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
sfail(struct shardset *s, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	return rc;
}

static int
efail(struct sshard *sh, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
efail(struct sshard *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sh->err, sizeof sh->err, fmt, ap);
	va_end(ap);
	return PTK_EFORMAT;
}

/* Map dir/name read-only; the size must be what the manifest says. */
static int
map_file(struct shardset *s, const char *name, uint64_t want,
    const unsigned char **map, size_t *size)
{
	size_t plen = strlen(s->dir) + strlen(name) + 2;
	char *path = xmalloc(plen);
	struct stat st;
	void *p;
	int fd, rc = 0;

	snprintf(path, plen, "%s/%s", s->dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ?
		    sfail(s, PTK_EFORMAT, "%s: missing (the manifest names it)", path) :
		    sfail(s, PTK_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = sfail(s, PTK_EFORMAT, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size != want) {
		rc = sfail(s, PTK_EFORMAT, "%s: file is %lld bytes but the manifest says %llu%s",
		    path, (long long)st.st_size, (unsigned long long)want,
		    (uint64_t)st.st_size < want ? " (truncated)" : "");
		goto out;
	}
	*size = (size_t)st.st_size;
	if (*size == 0) {
		*map = NULL;
		goto out;
	}
	p = mmap(NULL, *size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rc = sfail(s, PTK_EIO, "%s: cannot map: %s", path, strerror(errno));
		goto out;
	}
	*map = p;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

/* ---- structure checks (cheap: headers and index arrays) ---- */

static int
check_ptk(struct shardset *s, struct sshard *sh)
{
	const struct shard_entry *e = sh->e;
	const unsigned char *h = sh->map, *t;
	uint64_t n = e->records, nt = e->tokens, body, i, prev, nb;
	int k;

	if (sh->size < PTKS_HEADER_SIZE + PTKS_TRAILER_SIZE)
		return efail(sh, "too short for a ptk shard");
	if (memcmp(h, PTKS_MAGIC, 8) != 0)
		return efail(sh, "not a ptk shard (bad magic)");
	if (le_get16(h + PTKS_H_VERSION) != PTKS_VERSION)
		return efail(sh, "unknown ptk shard version %u", le_get16(h + PTKS_H_VERSION));
	if (le_get64(h + PTKS_H_CHECKSUM) != XXH64(h, PTKS_H_CHECKSUM, 0))
		return efail(sh, "header checksum mismatch");
	if (h[PTKS_H_WIDTH] != s->width || h[PTKS_H_KIND] != s->man.h.kind ||
	    le_get32(h + PTKS_H_VOCAB) != s->man.h.vocab_size ||
	    le_get64(h + PTKS_H_FINGERPRINT) != s->man.h.fingerprint)
		return efail(sh, "header disagrees with the manifest (width, kind or vocabulary)");
	for (k = 0; k < TOK_NSPECIAL; k++)
		if ((int32_t)le_get32(h + PTKS_H_SPECIAL + 4 * k) != s->man.h.special[k])
			return efail(sh, "special tokens disagree with the manifest");
	if (h[PTKS_H_SPLIT] != e->split)
		return efail(sh, "header says another split than the manifest");
	t = sh->map + sh->size - PTKS_TRAILER_SIZE;
	if (memcmp(t, PTKS_END_MAGIC, 8) != 0)
		return efail(sh, "bad trailer magic (truncated or corrupt)");
	if (le_get64(t + PTKS_T_CHECKSUM) != XXH64(t, PTKS_T_CHECKSUM, 0))
		return efail(sh, "trailer checksum mismatch");
	if (le_get64(t + PTKS_T_FILE_SIZE) != sh->size)
		return efail(sh, "trailer disagrees with the file size");
	if (le_get64(t + PTKS_T_RECORDS) != n || le_get64(t + PTKS_T_TOKENS) != nt)
		return efail(sh, "holds %llu records and %llu tokens but the manifest says %llu and %llu",
		    (unsigned long long)le_get64(t + PTKS_T_RECORDS),
		    (unsigned long long)le_get64(t + PTKS_T_TOKENS),
		    (unsigned long long)n, (unsigned long long)nt);
	sh->flags_or = le_get32(t + PTKS_T_FLAGS);
	if (sh->flags_or & ~(unsigned)TOK_FLAGS_ALL ||
	    le_get32(t + PTKS_T_NSECTIONS) != PTKS_NSECTIONS)
		return efail(sh, "unknown flags or section count in the trailer");
	body = sh->size - PTKS_TRAILER_SIZE;
	if (nt > body / (uint64_t)s->width || n > body / 8)
		return efail(sh, "counts do not fit the file");
	for (k = 0; k < PTKS_NSECTIONS; k++) {
		uint64_t off = le_get64(t + PTKS_T_SECTIONS + 16 * k);
		uint64_t len = le_get64(t + PTKS_T_SECTIONS + 16 * k + 8);
		if (len == 0 && k != PTKS_TOKENS) {
			sh->sec[k] = NULL;
			sh->seclen[k] = 0;
			continue;
		}
		if (off < PTKS_HEADER_SIZE || off > body || len > body - off ||
		    off % (k == PTKS_TOKENS ? 1 : PTKS_ALIGN) != 0)
			return efail(sh, "section %d lies outside the file", k);
		sh->sec[k] = sh->map + off;
		sh->seclen[k] = len;
	}
	if (sh->sec[PTKS_TOKENS] != sh->map + PTKS_HEADER_SIZE ||
	    sh->seclen[PTKS_TOKENS] != nt * (uint64_t)s->width)
		return efail(sh, "token section disagrees with the token count");
	sh->tok = sh->sec[PTKS_TOKENS];
#define NEED(sec, len, why) \
	if (sh->seclen[sec] != (len)) \
		return efail(sh, "%s section has the wrong size", why)
	NEED(PTKS_OFFSETS, 8 * (n + 1), "record offset");
	NEED(PTKS_FLAGS, n, "record flag");
	NEED(PTKS_ID_OFFSETS, 8 * (n + 1), "id offset");
	NEED(PTKS_SEGMENTS, sh->flags_or & TOK_HAS_SEGMENTS ? nt : 0, "segment");
	NEED(PTKS_LABELS, sh->flags_or & TOK_HAS_LABELS ? 4 * nt : 0, "label");
	NEED(PTKS_BOUND_OFFSETS, sh->flags_or & TOK_HAS_BOUNDS ? 8 * (n + 1) : 0,
	    "bound offset");
	NEED(PTKS_EXLABELS, sh->flags_or & TOK_HAS_LABEL ? 4 * n : 0, "example label");
	if (sh->seclen[PTKS_BOUNDS] % 4 != 0)
		return efail(sh, "bounds section has the wrong size");
#undef NEED
	/* Index arrays: monotone, ending at the section sizes. */
	for (i = 0, prev = 0; i <= n; i++) {
		uint64_t v = le_get64(sh->sec[PTKS_OFFSETS] + 8 * i);
		if (v < prev || (i == 0 && v != 0) || (i == n && v != nt))
			return efail(sh, "record offsets are corrupt at record %llu",
			    (unsigned long long)i);
		prev = v;
	}
	for (i = 0, prev = 0; i <= n; i++) {
		uint64_t v = le_get64(sh->sec[PTKS_ID_OFFSETS] + 8 * i);
		if (v < prev || (i == 0 && v != 0) || (i == n && v != sh->seclen[PTKS_IDS]) ||
		    v - prev > TOK_MAX_ID)
			return efail(sh, "id offsets are corrupt at record %llu",
			    (unsigned long long)i);
		prev = v;
	}
	for (i = 0; i < n; i++) {
		unsigned f = sh->sec[PTKS_FLAGS][i];
		if (f & ~sh->flags_or)
			return efail(sh, "record %llu has flags the shard does not declare",
			    (unsigned long long)i);
	}
	nb = sh->seclen[PTKS_BOUNDS] / 4;
	if (sh->flags_or & TOK_HAS_BOUNDS) {
		const unsigned char *bo = sh->sec[PTKS_BOUND_OFFSETS];
		for (i = 0, prev = 0; i <= n; i++) {
			uint64_t v = le_get64(bo + 8 * i), j, len;
			if (v < prev || (i == 0 && v != 0) || (i == n && v != nb))
				return efail(sh, "bound offsets are corrupt at record %llu",
				    (unsigned long long)i);
			if (i > 0) {
				len = le_get64(sh->sec[PTKS_OFFSETS] + 8 * i) -
				    le_get64(sh->sec[PTKS_OFFSETS] + 8 * (i - 1));
				if (v > prev && !(sh->sec[PTKS_FLAGS][i - 1] & TOK_HAS_BOUNDS))
					return efail(sh, "record %llu has bounds but no bounds flag",
					    (unsigned long long)(i - 1));
				for (j = prev; j < v; j++) {
					uint32_t b = le_get32(sh->sec[PTKS_BOUNDS] + 4 * j);
					if (b >= len || (j > prev &&
					    b <= le_get32(sh->sec[PTKS_BOUNDS] + 4 * (j - 1))))
						return efail(sh, "sentence bounds of record %llu are corrupt",
						    (unsigned long long)(i - 1));
				}
			}
			prev = v;
		}
	} else if (nb != 0)
		return efail(sh, "bounds without a bounds flag");
	return 0;
}

static int
check_megatron(struct shardset *s, struct sshard *sh)
{
	const struct shard_entry *e = sh->e;
	const unsigned char *p = sh->imap;
	uint64_t nseq, ndocs, i, sum = 0, prev = 0;

	if (sh->isize < MEGA_HEADER_SIZE || memcmp(p, MEGA_MAGIC, MEGA_MAGIC_LEN) != 0)
		return efail(sh, "%s: not a Megatron index (bad magic)", e->index_file);
	if (le_get64(p + 9) != 1)
		return efail(sh, "%s: unknown index version", e->index_file);
	if (p[17] != (s->width == 2 ? MEGA_DTYPE_UINT16 : MEGA_DTYPE_INT32))
		return efail(sh, "%s: dtype code %u disagrees with the manifest",
		    e->index_file, p[17]);
	nseq = le_get64(p + 18);
	ndocs = le_get64(p + 26);
	if (nseq > sh->isize / 12 || ndocs > sh->isize / 8 || ndocs == 0 ||
	    sh->isize != MEGA_HEADER_SIZE + 12 * nseq + 8 * ndocs)
		return efail(sh, "%s: size disagrees with its sequence and document counts",
		    e->index_file);
	if (ndocs - 1 != e->records)
		return efail(sh, "%s: holds %llu documents but the manifest says %llu records",
		    e->index_file, (unsigned long long)(ndocs - 1),
		    (unsigned long long)e->records);
	sh->nseq = nseq;
	sh->ndocs = ndocs;
	sh->sizes = p + MEGA_HEADER_SIZE;
	sh->ptrs = sh->sizes + 4 * nseq;
	sh->docs = sh->ptrs + 8 * nseq;
	for (i = 0; i < nseq; i++) {
		int32_t len = (int32_t)le_get32(sh->sizes + 4 * i);
		if (len < 0 || (uint64_t)len > sh->size / (uint64_t)s->width - sum ||
		    le_get64(sh->ptrs + 8 * i) != sum * (uint64_t)s->width)
			return efail(sh, "%s: sequence %llu has a bad length or pointer",
			    e->index_file, (unsigned long long)i);
		sum += (uint64_t)len;
	}
	if (sum != e->tokens || sh->size != sum * (uint64_t)s->width)
		return efail(sh, "index counts %llu tokens, manifest %llu, data file %llu bytes",
		    (unsigned long long)sum, (unsigned long long)e->tokens,
		    (unsigned long long)sh->size);
	for (i = 0; i < ndocs; i++) {
		uint64_t v = le_get64(sh->docs + 8 * i);
		if (v < prev || (i == 0 && v != 0) || (i == ndocs - 1 && v != nseq))
			return efail(sh, "%s: document index is corrupt at %llu",
			    e->index_file, (unsigned long long)i);
		prev = v;
	}
	sh->tok = sh->map;
	return 0;
}

static int
check_llmc(struct sshard *sh)
{
	const unsigned char *p = sh->map;
	uint64_t n = sh->e->tokens;

	if (sh->size < LLMC_HEADER_SIZE)
		return efail(sh, "too short for an llm.c shard");
	if (le_get32(p) != LLMC_MAGIC || le_get32(p + 4) != LLMC_VERSION)
		return efail(sh, "not an llm.c shard (bad magic or version)");
	if (le_get32(p + 8) != n)
		return efail(sh, "header counts %u tokens but the manifest says %llu",
		    le_get32(p + 8), (unsigned long long)n);
	if (sh->size != LLMC_HEADER_SIZE + 2 * n)
		return efail(sh, "file size disagrees with its token count");
	sh->tok = p + LLMC_HEADER_SIZE;
	return 0;
}

/* ---- full verification (checksums, token range) ---- */

static int
scan_tokens(const unsigned char *p, int width, uint64_t n, uint32_t vocab)
{
	uint64_t i;
	uint32_t max = 0;

	if (width == 2) {
		for (i = 0; i < n; i++) {
			uint32_t v = le_get16(p + 2 * i);
			max = v > max ? v : max;
		}
	} else if (width == 1) {
		for (i = 0; i < n; i++)
			max = p[i] > max ? p[i] : max;
	} else {
		for (i = 0; i < n; i++) {
			uint32_t v = le_get32(p + 4 * i);
			max = v > max ? v : max;
		}
	}
	return n > 0 && max >= vocab ? PTK_EFORMAT : 0;
}

static int
verify_shard(struct shardset *s, struct sshard *sh)
{
	const struct shard_entry *e = sh->e;
	uint64_t i;

	if (XXH64(sh->map, sh->size, 0) != e->xxh64)
		return efail(sh, "checksum mismatch (the file is corrupt or the manifest is wrong)");
	if (e->index_file && XXH64(sh->imap, sh->isize, 0) != e->index_xxh64)
		return efail(sh, "%s: checksum mismatch (the file is corrupt or the manifest is wrong)",
		    e->index_file);
	if (scan_tokens(sh->tok, s->width, e->tokens, s->man.h.vocab_size) != 0)
		return efail(sh, "token id out of the vocabulary");
	if (sh->seclen[PTKS_LABELS])
		for (i = 0; i < e->tokens; i++) {
			int32_t l = (int32_t)le_get32(sh->sec[PTKS_LABELS] + 4 * i);
			if (l < -1 || (l >= 0 && (uint32_t)l >= s->man.h.vocab_size))
				return efail(sh, "label out of the vocabulary");
		}
	return 0;
}

/* ---- open ---- */

static int
read_manifest(struct shardset *s, char **text, size_t *len)
{
	size_t plen = strlen(s->dir) + sizeof SHARD_MANIFEST + 1;
	char *path = xmalloc(plen);
	struct stat st;
	int fd, rc = 0;
	size_t got = 0;

	snprintf(path, plen, "%s/%s", s->dir, SHARD_MANIFEST);
	*text = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			struct stat ds;
			rc = stat(s->dir, &ds) == 0 && S_ISDIR(ds.st_mode) ?
			    sfail(s, PTK_EFORMAT, "%s: not a shard folder (no %s)",
			    s->dir, SHARD_MANIFEST) :
			    sfail(s, PTK_EIO, "%s: %s", s->dir, strerror(ENOENT));
		} else
			rc = sfail(s, PTK_EIO, "%s: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	if (fstat(fd, &st) != 0 || (uint64_t)st.st_size > SHARD_MANIFEST_MAX) {
		rc = sfail(s, PTK_EFORMAT, "%s: manifest larger than %u bytes",
		    path, SHARD_MANIFEST_MAX);
		goto out;
	}
	*text = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, *text + got, (size_t)st.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rc = sfail(s, PTK_EIO, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	*len = got;
out:
	close(fd);
	free(path);
	return rc;
}

/* Whole-folder agreement: totals, format rules, names. */
static int
check_manifest(struct shardset *s)
{
	const struct shard_manifest *m = &s->man;
	uint64_t rec[2] = { 0, 0 }, tok[2] = { 0, 0 };
	size_t i;
	int want;

	switch (m->format) {
	case SHARD_FMT_PTK: want = ptks_width(m->h.vocab_size); break;
	case SHARD_FMT_MEGATRON: want = m->h.vocab_size < MEGA_UINT16_BELOW ? 2 : 4; break;
	default: want = m->h.vocab_size <= 65536 ? 2 : 0; break;
	}
	if (m->h.width != want)
		return sfail(s, PTK_EFORMAT, "%s/%s: token_width %d is wrong for a %s folder with %u tokens",
		    s->dir, SHARD_MANIFEST, m->h.width, shard_format_name(m->format),
		    m->h.vocab_size);
	for (i = 0; i < m->nshards; i++) {
		const struct shard_entry *e = &m->shards[i];
		if ((e->index_file != NULL) != (m->format == SHARD_FMT_MEGATRON))
			return sfail(s, PTK_EFORMAT, "%s/%s: shard '%s': index_file %s",
			    s->dir, SHARD_MANIFEST, e->file, e->index_file ?
			    "given for a folder that is not megatron" : "missing");
		if (rec[e->split] + e->records < rec[e->split] ||
		    tok[e->split] + e->tokens < tok[e->split])
			return sfail(s, PTK_EFORMAT, "%s/%s: counts overflow",
			    s->dir, SHARD_MANIFEST);
		rec[e->split] += e->records;
		tok[e->split] += e->tokens;
	}
	for (i = 0; i < 2; i++)
		if (rec[i] != m->records[i] || tok[i] != m->tokens[i])
			return sfail(s, PTK_EFORMAT, "%s/%s: %s totals disagree with its shards",
			    s->dir, SHARD_MANIFEST, i ? "val" : "train");
	return 0;
}

int
shardset_open(struct shardset **sp, const char *dir, unsigned flags, int jobs)
{
	struct shardset *s = xcalloc(1, sizeof *s);
	const char *why;
	char *text = NULL;
	size_t len = 0, at, i, bad;
	int rc, sp2;

	*sp = s;
	s->dir = xstrdup(dir);
	for (i = strlen(s->dir); i > 1 && s->dir[i - 1] == '/'; i--)
		s->dir[i - 1] = '\0';
	if ((rc = read_manifest(s, &text, &len)) != 0) {
		free(text);
		return rc;
	}
	rc = shard_manifest_parse(text, len, &s->man, &why, &at);
	free(text);
	if (rc)
		return sfail(s, rc, "%s/%s: at byte %zu: %s", s->dir, SHARD_MANIFEST,
		    at, why);
	s->width = s->man.h.width;
	s->h = s->man.h;
	s->h.width = s->h.vocab_size <= 65536 ? 2 : 4;
	if ((rc = check_manifest(s)) != 0)
		return rc;
	s->sh = xcalloc(s->man.nshards + 1, sizeof *s->sh);
	for (sp2 = 0; sp2 < 2; sp2++)
		s->list[sp2] = xcalloc(s->man.nshards + 1, sizeof *s->list[sp2]);
	for (i = 0; i < s->man.nshards; i++) {
		struct sshard *sh = &s->sh[i];
		const struct shard_entry *e = &s->man.shards[i];
		int split = e->split;
		sh->e = e;
		sh->rec0 = s->records[split];
		sh->tok0 = s->tokens[split];
		s->records[split] += s->man.format == SHARD_FMT_LLMC ? 1 : e->records;
		s->tokens[split] += e->tokens;
		s->list[split][s->nlist[split]++] = i;
		if ((rc = map_file(s, e->file, e->bytes, &sh->map, &sh->size)) != 0)
			return rc;
		if (e->index_file && (rc = map_file(s, e->index_file, e->index_bytes,
		    &sh->imap, &sh->isize)) != 0)
			return rc;
		switch (s->man.format) {
		case SHARD_FMT_PTK: rc = check_ptk(s, sh); break;
		case SHARD_FMT_MEGATRON: rc = check_megatron(s, sh); break;
		default: rc = check_llmc(sh); break;
		}
		if (rc)
			return sfail(s, rc, "%s/%s: %s", s->dir, e->file, sh->err);
	}
	if (flags & SHARDSET_TRUST)
		return 0;
	/* Checksums: the expensive part, one file per thread. */
	bad = s->man.nshards;
	if (jobs <= 0)
		jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(jobs)
	for (i = 0; i < s->man.nshards; i++)
		verify_shard(s, &s->sh[i]);
	for (i = 0; i < s->man.nshards; i++)
		if (s->sh[i].err[0]) {
			bad = i;
			break;
		}
	if (bad < s->man.nshards)
		return sfail(s, PTK_EFORMAT, "%s/%s: %s", s->dir,
		    s->man.shards[bad].file, s->sh[bad].err);
	return 0;
}

void
shardset_free(struct shardset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; s->sh && i < s->man.nshards; i++) {
		if (s->sh[i].map)
			munmap((void *)s->sh[i].map, s->sh[i].size);
		if (s->sh[i].imap)
			munmap((void *)s->sh[i].imap, s->sh[i].isize);
	}
	free(s->sh);
	free(s->list[0]);
	free(s->list[1]);
	shard_manifest_release(&s->man);
	free(s->dir);
	free(s);
}

const char *
shardset_errmsg(const struct shardset *s)
{
	return s->err;
}

const struct tok_header *
shardset_header(const struct shardset *s)
{
	return &s->h;
}

int
shardset_format(const struct shardset *s)
{
	return s->man.format;
}

uint32_t
shardset_seq_len(const struct shardset *s)
{
	return s->man.seq_len;
}

int
shardset_shuffled(const struct shardset *s)
{
	return s->man.shuffled;
}

unsigned
shardset_nshards(const struct shardset *s, int split)
{
	return split == SHARD_TRAIN || split == SHARD_VAL ?
	    (unsigned)s->nlist[split] : 0;
}

uint64_t
shardset_records(const struct shardset *s, int split)
{
	return split == SHARD_TRAIN || split == SHARD_VAL ? s->records[split] : 0;
}

uint64_t
shardset_tokens(const struct shardset *s, int split)
{
	return split == SHARD_TRAIN || split == SHARD_VAL ? s->tokens[split] : 0;
}

void
shard_recbuf_release(struct shard_recbuf *b)
{
	free(b->tokens);
	free(b->segments);
	free(b->bounds);
	free(b->labels);
	memset(b, 0, sizeof *b);
}

#define GROW(arr, cap, n) do { \
	if ((n) > (cap)) { \
		(cap) = (n) + (n) / 2 + 16; \
		(arr) = xreallocarray((arr), (cap), sizeof *(arr)); \
	} \
} while (0)

/* The shard of a split holding item x of the given cumulative field. */
static const struct sshard *
find(const struct shardset *s, int split, uint64_t x, int by_tokens)
{
	size_t lo = 0, hi = s->nlist[split];

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sshard *m = &s->sh[s->list[split][mid]];
		if ((by_tokens ? m->tok0 : m->rec0) <= x)
			lo = mid;
		else
			hi = mid;
	}
	return &s->sh[s->list[split][lo]];
}

static void
widen(uint32_t *out, const unsigned char *p, int width, uint64_t from, size_t n)
{
	size_t i;

	if (width == 2) {
		p += 2 * from;
		for (i = 0; i < n; i++)
			out[i] = le_get16(p + 2 * i);
	} else if (width == 1) {
		p += from;
		for (i = 0; i < n; i++)
			out[i] = p[i];
	} else {
		p += 4 * from;
		for (i = 0; i < n; i++)
			out[i] = le_get32(p + 4 * i);
	}
}

int
shardset_record(const struct shardset *s, int split, uint64_t i,
    struct tok_rec *rec, struct shard_recbuf *b)
{
	const struct sshard *sh;
	uint64_t r, t0, t1;
	size_t n, k;

	memset(rec, 0, sizeof *rec);
	if ((split != SHARD_TRAIN && split != SHARD_VAL) || i >= s->records[split])
		return PTK_EAPI;
	sh = find(s, split, i, 0);
	r = i - sh->rec0;
	switch (s->man.format) {
	case SHARD_FMT_PTK:
		t0 = le_get64(sh->sec[PTKS_OFFSETS] + 8 * r);
		t1 = le_get64(sh->sec[PTKS_OFFSETS] + 8 * (r + 1));
		break;
	case SHARD_FMT_MEGATRON: {
		uint64_t s0 = le_get64(sh->docs + 8 * r), s1 = le_get64(sh->docs + 8 * (r + 1));
		t0 = s0 < sh->nseq ? le_get64(sh->ptrs + 8 * s0) / (uint64_t)s->width :
		    sh->e->tokens;
		t1 = s1 < sh->nseq ? le_get64(sh->ptrs + 8 * s1) / (uint64_t)s->width :
		    sh->e->tokens;
		break;
	}
	default:
		t0 = 0;
		t1 = sh->e->tokens;
		rec->id = sh->e->file;
		rec->id_len = strlen(sh->e->file);
	}
	n = (size_t)(t1 - t0);
	GROW(b->tokens, b->tokens_cap, n + 1);
	widen(b->tokens, sh->tok, s->width, t0, n);
	rec->tokens = b->tokens;
	rec->n = n;
	if (s->man.format != SHARD_FMT_PTK)
		return 0;
	{
		unsigned f = sh->sec[PTKS_FLAGS][r];
		uint64_t i0 = le_get64(sh->sec[PTKS_ID_OFFSETS] + 8 * r);
		uint64_t i1 = le_get64(sh->sec[PTKS_ID_OFFSETS] + 8 * (r + 1));
		rec->id = (const char *)sh->sec[PTKS_IDS] + i0;
		rec->id_len = (size_t)(i1 - i0);
		if (rec->id_len == 0)
			rec->id = "";
		if (f & TOK_HAS_SEGMENTS) {
			GROW(b->segments, b->segments_cap, n + 1);
			if (n)
				memcpy(b->segments, sh->sec[PTKS_SEGMENTS] + t0, n);
			rec->segments = b->segments;
		}
		if (f & TOK_HAS_LABELS) {
			GROW(b->labels, b->labels_cap, n + 1);
			for (k = 0; k < n; k++)
				b->labels[k] = (int32_t)le_get32(sh->sec[PTKS_LABELS] +
				    4 * (t0 + k));
			rec->labels = b->labels;
		}
		if (f & TOK_HAS_BOUNDS) {
			uint64_t b0 = le_get64(sh->sec[PTKS_BOUND_OFFSETS] + 8 * r);
			uint64_t b1 = le_get64(sh->sec[PTKS_BOUND_OFFSETS] + 8 * (r + 1));
			GROW(b->bounds, b->bounds_cap, (size_t)(b1 - b0) + 1);
			for (k = 0; k < b1 - b0; k++)
				b->bounds[k] = le_get32(sh->sec[PTKS_BOUNDS] + 4 * (b0 + k));
			rec->bounds = b->bounds;
			rec->n_bounds = (size_t)(b1 - b0);
		}
		if (f & TOK_HAS_LABEL) {
			rec->has_label = 1;
			rec->label = (int32_t)le_get32(sh->sec[PTKS_EXLABELS] + 4 * r);
		}
	}
	return 0;
}

int
shardset_read(const struct shardset *s, int split, uint64_t pos, size_t n,
    uint32_t *out)
{
	const struct sshard *sh;

	if ((split != SHARD_TRAIN && split != SHARD_VAL) ||
	    pos > s->tokens[split] || n > s->tokens[split] - pos)
		return PTK_EAPI;
	if (n == 0)
		return 0;
	sh = find(s, split, pos, 1);
	while (n > 0) {
		uint64_t at = pos - sh->tok0, k = sh->e->tokens - at;
		if (at >= sh->e->tokens) {	/* an empty shard, or the end of one */
			sh++;
			while (sh->e->split != split)
				sh++;
			continue;
		}
		if (k > n)
			k = n;
		widen(out, sh->tok, s->width, at, (size_t)k);
		out += k;
		pos += k;
		n -= (size_t)k;
	}
	return 0;
}
