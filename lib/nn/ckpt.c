/*
 * ckpt.c - checkpoint files (docs/checkpoint.md).
 *
 * Layout: a 256-byte little-endian header, the model config as JSON, the
 * trainer's options as JSON, zero padding to a 64-byte boundary, then the
 * payload: every parameter tensor in slab order as float32 without padding,
 * followed by the AdamW first and second moments in the same order when
 * present.  XXH64 checksums cover the header fields, the JSON and the payload.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "nn/ckpt.h"
#include "xalloc.h"

enum {
	H_VERSION = 8, H_FLAGS = 12, H_STEP = 16, H_TOKENS = 24, H_DATA = 32,
	H_RNG = 64, H_OPTSTEP = 96, H_NPARAMS = 104, H_CFGLEN = 112,
	H_TRLEN = 116, H_POFF = 120, H_PBYTES = 128, H_PHASH = 136,
	H_HHASH = 144, H_END = 152,
};
#define CKPT_HAS_OPT 1u

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
seterr(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

static size_t
unpadded(const struct gpt *m)
{
	size_t n = 0;
	for (int i = 0; i < GPT_NPARAM; i++)
		n += m->sizes[i];
	return n;
}

/* Writes the tensors of one slab (params, m or v) in order, unpadded. */
static int
write_slab(FILE *f, XXH64_state_t *h, const struct gpt *m, const float *slab)
{
	for (int i = 0; i < GPT_NPARAM; i++) {
		const float *p = slab + (m->p[i] - m->params);
		size_t n = m->sizes[i] * sizeof(float);
		if (fwrite(p, 1, n, f) != n)
			return NN_EIO;
		XXH64_update(h, p, n);
	}
	return 0;
}

int
ckpt_save(const char *path, const struct gpt *m, const struct ckpt_state *st)
{
	unsigned char hd[CKPT_HEADER_SIZE] = { 0 }, zero[64] = { 0 };
	char cfg[1024], tmp[4096];
	size_t clen = gpt_config_json(&m->cfg, cfg, sizeof(cfg));
	size_t tlen = strnlen(st->trainer, sizeof(st->trainer));
	size_t off = CKPT_HEADER_SIZE + clen + tlen, pad = (64 - off % 64) % 64;
	int has_opt = m->training && m->opt_m;
	size_t pbytes = unpadded(m) * sizeof(float) * (has_opt ? 3 : 1);
	XXH64_state_t h;
	FILE *f;
	int rc = NN_EIO, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
	    (long)getpid()) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return NN_EIO;
	}
	if (!(f = fopen(tmp, "wb")))
		return NN_EIO;
	memcpy(hd, CKPT_MAGIC, 8);
	put32(hd + H_VERSION, CKPT_VERSION);
	put32(hd + H_FLAGS, has_opt ? CKPT_HAS_OPT : 0);
	put64(hd + H_STEP, st->step);
	put64(hd + H_TOKENS, st->tokens);
	put64(hd + H_DATA, st->data.kind);
	put64(hd + H_DATA + 8, st->data.a);
	put64(hd + H_DATA + 16, st->data.b);
	put64(hd + H_DATA + 24, st->data.c);
	for (int i = 0; i < 4; i++)
		put64(hd + H_RNG + 8 * i, st->rng.s[i]);
	put64(hd + H_OPTSTEP, m->opt_step);
	put64(hd + H_NPARAMS, unpadded(m));
	put32(hd + H_CFGLEN, (uint32_t)clen);
	put32(hd + H_TRLEN, (uint32_t)tlen);
	put64(hd + H_POFF, off + pad);
	put64(hd + H_PBYTES, pbytes);

	if (fseek(f, (long)(off + pad), SEEK_SET) != 0)
		goto out;
	XXH64_reset(&h, 0);
	if (write_slab(f, &h, m, m->params) != 0 || (has_opt &&
	    (write_slab(f, &h, m, m->opt_m) != 0 ||
	    write_slab(f, &h, m, m->opt_v) != 0)))
		goto out;
	put64(hd + H_PHASH, XXH64_digest(&h));
	XXH64_reset(&h, 0);
	XXH64_update(&h, hd, H_HHASH);
	XXH64_update(&h, cfg, clen);
	XXH64_update(&h, st->trainer, tlen);
	put64(hd + H_HHASH, XXH64_digest(&h));
	if (fseek(f, 0, SEEK_SET) != 0 ||
	    fwrite(hd, 1, sizeof(hd), f) != sizeof(hd) ||
	    fwrite(cfg, 1, clen, f) != clen ||
	    fwrite(st->trainer, 1, tlen, f) != tlen ||
	    fwrite(zero, 1, pad, f) != pad || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0)
		goto out;
	rc = 0;
out:
	saved = errno;
	if (fclose(f) != 0 && rc == 0) {
		saved = errno;
		rc = NN_EIO;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		saved = errno;
		rc = NN_EIO;
	}
	if (rc != 0)
		unlink(tmp);
	errno = saved;
	return rc;
}

/* Reads and checks the header and JSON; leaves f at the payload. */
static int
read_head(FILE *f, unsigned char *hd, char *cfg, char *trainer, char *err,
    size_t errlen)
{
	uint32_t clen, tlen;
	XXH64_state_t h;

	if (fread(hd, 1, CKPT_HEADER_SIZE, f) != CKPT_HEADER_SIZE) {
		if (ferror(f))
			return NN_EIO;
		seterr(err, errlen, "truncated header");
		return NN_EFORMAT;
	}
	if (memcmp(hd, CKPT_MAGIC, 8) != 0) {
		seterr(err, errlen, "not a ptk checkpoint (bad magic)");
		return NN_EFORMAT;
	}
	if (get32(hd + H_VERSION) != CKPT_VERSION) {
		seterr(err, errlen, "unsupported checkpoint version");
		return NN_EFORMAT;
	}
	clen = get32(hd + H_CFGLEN);
	tlen = get32(hd + H_TRLEN);
	if (clen >= CKPT_MAX_JSON || tlen >= 4096) {
		seterr(err, errlen, "header lengths over the limit");
		return NN_EFORMAT;
	}
	if (fread(cfg, 1, clen, f) != clen || fread(trainer, 1, tlen, f) != tlen) {
		if (ferror(f))
			return NN_EIO;
		seterr(err, errlen, "truncated header");
		return NN_EFORMAT;
	}
	cfg[clen] = 0;
	trainer[tlen] = 0;
	XXH64_reset(&h, 0);
	XXH64_update(&h, hd, H_HHASH);
	XXH64_update(&h, cfg, clen);
	XXH64_update(&h, trainer, tlen);
	if (XXH64_digest(&h) != get64(hd + H_HHASH)) {
		seterr(err, errlen, "header checksum mismatch");
		return NN_EFORMAT;
	}
	return 0;
}

int
ckpt_read_config(const char *path, struct gpt_config *cfg, char *err,
    size_t errlen)
{
	unsigned char hd[CKPT_HEADER_SIZE];
	char *json = malloc(CKPT_MAX_JSON), tr[4096];
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f || !json) {
		free(json);
		if (f)
			fclose(f);
		return f ? NN_ENOMEM : NN_EIO;
	}
	rc = read_head(f, hd, json, tr, err, errlen);
	if (rc == 0 && gpt_config_parse(cfg, json, strlen(json), NULL, err,
	    errlen) != 0)
		rc = NN_EFORMAT;
	fclose(f);
	free(json);
	return rc;
}

static int
read_slab(FILE *f, XXH64_state_t *h, struct gpt *m, float *slab)
{
	for (int i = 0; i < GPT_NPARAM; i++) {
		float *p = slab + (m->p[i] - m->params);
		size_t n = m->sizes[i] * sizeof(float);
		if (fread(p, 1, n, f) != n)
			return ferror(f) ? NN_EIO : NN_EFORMAT;
		XXH64_update(h, p, n);
	}
	return 0;
}

int
ckpt_load(const char *path, struct gpt *m, struct ckpt_state *st, char *err,
    size_t errlen)
{
	unsigned char hd[CKPT_HEADER_SIZE];
	char *json = malloc(CKPT_MAX_JSON), mine[1024];
	FILE *f = fopen(path, "rb");
	XXH64_state_t h;
	struct gpt_config cfg;
	int rc, has_opt;

	if (!f || !json) {
		free(json);
		if (f)
			fclose(f);
		return f ? NN_ENOMEM : NN_EIO;
	}
	memset(st, 0, sizeof(*st));
	if ((rc = read_head(f, hd, json, st->trainer, err, errlen)) != 0)
		goto out;
	rc = NN_EFORMAT;
	if (gpt_config_parse(&cfg, json, strlen(json), NULL, err, errlen) != 0)
		goto out;
	gpt_config_json(&cfg, json, CKPT_MAX_JSON);
	gpt_config_json(&m->cfg, mine, sizeof(mine));
	if (strcmp(json, mine) != 0 || get64(hd + H_NPARAMS) != unpadded(m)) {
		seterr(err, errlen, "model shape differs from the checkpoint's");
		goto out;
	}
	has_opt = (get32(hd + H_FLAGS) & CKPT_HAS_OPT) != 0;
	if (get64(hd + H_PBYTES) != unpadded(m) * sizeof(float) *
	    (has_opt ? 3 : 1)) {
		seterr(err, errlen, "payload size does not match the header");
		goto out;
	}
	if (fseek(f, (long)get64(hd + H_POFF), SEEK_SET) != 0) {
		rc = NN_EIO;
		goto out;
	}
	XXH64_reset(&h, 0);
	if ((rc = read_slab(f, &h, m, m->params)) != 0)
		goto trunc;
	if (has_opt && m->training) {
		if ((rc = read_slab(f, &h, m, m->opt_m)) != 0 ||
		    (rc = read_slab(f, &h, m, m->opt_v)) != 0)
			goto trunc;
		m->opt_step = get64(hd + H_OPTSTEP);
	} else if (has_opt) {
		/* Sampling needs no moments, but they are read to verify the
		 * checksum of the whole payload. */
		unsigned char chunk[65536];
		uint64_t left = 2 * unpadded(m) * sizeof(float);
		while (left > 0) {
			size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
			if (fread(chunk, 1, n, f) != n) {
				rc = ferror(f) ? NN_EIO : NN_EFORMAT;
				goto trunc;
			}
			XXH64_update(&h, chunk, n);
			left -= n;
		}
	}
	if (XXH64_digest(&h) != get64(hd + H_PHASH)) {
		seterr(err, errlen, "payload checksum mismatch");
		rc = NN_EFORMAT;
		goto out;
	}
	st->step = get64(hd + H_STEP);
	st->tokens = get64(hd + H_TOKENS);
	st->data.kind = get64(hd + H_DATA);
	st->data.a = get64(hd + H_DATA + 8);
	st->data.b = get64(hd + H_DATA + 16);
	st->data.c = get64(hd + H_DATA + 24);
	for (int i = 0; i < 4; i++)
		st->rng.s[i] = get64(hd + H_RNG + 8 * i);
	rc = 0;
	goto out;
trunc:
	if (rc == NN_EFORMAT)
		seterr(err, errlen, "truncated payload");
out:
	fclose(f);
	free(json);
	return rc;
}

char *
ckpt_resolve(const char *path, char *err, size_t errlen)
{
	struct stat st;
	char buf[4096], name[512];
	FILE *f;
	size_t n;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode))
		return xstrdup(path);
	snprintf(buf, sizeof(buf), "%s/latest", path);
	if (!(f = fopen(buf, "r"))) {
		snprintf(err, errlen, "%s: %s", buf, strerror(errno));
		return NULL;
	}
	n = fread(name, 1, sizeof(name) - 1, f);
	fclose(f);
	while (n > 0 && (name[n - 1] == '\n' || name[n - 1] == ' '))
		n--;
	name[n] = 0;
	snprintf(buf, sizeof(buf), "%s/%s", path, name);
	return xstrdup(buf);
}

int
ckpt_is_gpt(const char *path)
{
	char magic[8];
	FILE *f = fopen(path, "rb");
	int is;

	if (!f)
		return NN_EIO;
	is = fread(magic, 1, 8, f) == 8 && memcmp(magic, CKPT_MAGIC, 8) == 0;
	fclose(f);
	return is;
}

int
ckpt_mark_latest(const char *dir, const char *name)
{
	char path[4096], tmp[4200];
	FILE *f;
	int e;

	snprintf(path, sizeof(path), "%s/latest", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (!(f = fopen(tmp, "w")))
		return NN_EIO;
	if (fprintf(f, "%s\n", name) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		e = errno;
		fclose(f);
		unlink(tmp);
		errno = e;
		return NN_EIO;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		errno = e;
		return NN_EIO;
	}
	return 0;
}
