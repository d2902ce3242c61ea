/*
 * warc.c - WARC/1.1 record writing and reading, SHA-1 digests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "http.h"
#include "warc.h"
#include "xalloc.h"

/* ---- SHA-1 ---- */

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void
sha1_block(struct warc_sha1 *s, const unsigned char *b)
{
	uint32_t w[80], a, bb, c, d, e, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		    (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = s->h[0], bb = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
	for (i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20)
			f = (bb & c) | (~bb & d), k = 0x5A827999;
		else if (i < 40)
			f = bb ^ c ^ d, k = 0x6ED9EBA1;
		else if (i < 60)
			f = (bb & c) | (bb & d) | (c & d), k = 0x8F1BBCDC;
		else
			f = bb ^ c ^ d, k = 0xCA62C1D6;
		t = ROL(a, 5) + f + e + k + w[i];
		e = d, d = c, c = ROL(bb, 30), bb = a, a = t;
	}
	s->h[0] += a, s->h[1] += bb, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

void
warc_sha1_init(struct warc_sha1 *s)
{
	s->h[0] = 0x67452301;
	s->h[1] = 0xEFCDAB89;
	s->h[2] = 0x98BADCFE;
	s->h[3] = 0x10325476;
	s->h[4] = 0xC3D2E1F0;
	s->len = 0;
	s->nblk = 0;
}

void
warc_sha1_update(struct warc_sha1 *s, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (n == 0)
		return;
	s->len += n;
	if (s->nblk) {
		size_t take = 64 - s->nblk < n ? 64 - s->nblk : n;
		memcpy(s->blk + s->nblk, b, take);
		s->nblk += take;
		b += take;
		n -= take;
		if (s->nblk < 64)
			return;
		sha1_block(s, s->blk);
		s->nblk = 0;
	}
	for (; n >= 64; b += 64, n -= 64)
		sha1_block(s, b);
	memcpy(s->blk, b, n);
	s->nblk = n;
}

void
warc_sha1_final(struct warc_sha1 *s, unsigned char out[20])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[72];
	size_t padn = (s->nblk < 56 ? 56 : 120) - s->nblk;
	int i;

	memset(pad, 0, sizeof pad);
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padn + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	warc_sha1_update(s, pad, padn + 8);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

static void
base32_digest(const unsigned char d[20], char out[38])
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	int i, o = 5;

	memcpy(out, "sha1:", 5);
	/* 160 bits = 32 groups of 5 bits, no padding. */
	for (i = 0; i < 32; i++) {
		int bit = i * 5, byte = bit / 8, sh = bit % 8;
		unsigned v = (unsigned)d[byte] << 8 | (byte + 1 < 20 ? d[byte + 1] : 0);
		out[o++] = a[(v >> (11 - sh)) & 31];
	}
	out[o] = '\0';
}

void
warc_digest(const void *p, size_t n, char out[38])
{
	struct warc_sha1 s;
	unsigned char d[20];

	warc_sha1_init(&s);
	warc_sha1_update(&s, p, n);
	warc_sha1_final(&s, d);
	base32_digest(d, out);
}

void
warc_new_id(char out[48])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	size_t got = 0;
	int i, o;

	while (got < sizeof r) {
		ssize_t n = getrandom(r + got, sizeof r - got, 0);
		if (n <= 0) {
			/* Not expected on Linux; fall back to time and pid. */
			uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
			    (uint64_t)(uintptr_t)out;
			for (; got < sizeof r; got++, x = x * 6364136223846793005ULL + 1)
				r[got] = (unsigned char)(x >> 56);
			break;
		}
		got += (size_t)n;
	}
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	memcpy(out, "<urn:uuid:", 10);
	o = 10;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 15];
	}
	out[o++] = '>';
	out[o] = '\0';
}

void
warc_date(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
field(struct buf *out, const char *name, const char *v)
{
	if (v == NULL)
		return 0;
	return buf_printf(out, "%s: %s\r\n", name, v);
}

int
warc_format(struct buf *out, const struct warc_rec *r, const void *b1,
    size_t n1, const void *b2, size_t n2)
{
	struct warc_sha1 s;
	unsigned char d[20];
	char digest[38];
	int rc = 0;

	warc_sha1_init(&s);
	warc_sha1_update(&s, b1, n1);
	warc_sha1_update(&s, b2, n2);
	warc_sha1_final(&s, d);
	base32_digest(d, digest);
	rc |= buf_append(out, "WARC/1.1\r\n", 10);
	rc |= field(out, "WARC-Type", r->type);
	rc |= field(out, "WARC-Record-ID", r->id);
	rc |= field(out, "WARC-Date", r->date);
	rc |= field(out, "WARC-Target-URI", r->target_uri);
	rc |= field(out, "WARC-Concurrent-To", r->concurrent_to);
	rc |= field(out, "WARC-Warcinfo-ID", r->warcinfo_id);
	rc |= field(out, "WARC-IP-Address", r->ip);
	rc |= field(out, "WARC-Filename", r->filename);
	rc |= field(out, "Content-Type", r->content_type);
	rc |= field(out, "WARC-Block-Digest", digest);
	rc |= field(out, "WARC-Payload-Digest", r->payload_digest);
	rc |= field(out, "WARC-Truncated", r->truncated);
	rc |= buf_printf(out, "Content-Length: %zu\r\n\r\n", n1 + n2);
	if (n1)
		rc |= buf_append(out, b1, n1);
	if (n2)
		rc |= buf_append(out, b2, n2);
	rc |= buf_append(out, "\r\n\r\n", 4);
	return rc ? PTK_ELIMIT : 0;
}

/* ---- writer ---- */

struct warc_writer {
	int fd;
	int compress, level;
	uint64_t size;
	ZSTD_CCtx *cctx;
	struct buf frame;
};

int
warc_writer_open(struct warc_writer **wp, const char *path, int64_t keep,
    int compress, int level)
{
	struct warc_writer *w;
	struct stat st;
	int fd;

	*wp = NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0)
		return PTK_EIO;
	if (fstat(fd, &st) != 0)
		goto fail;
	if (keep >= 0 && st.st_size > keep) {
		if (ftruncate(fd, keep) != 0)
			goto fail;
		st.st_size = keep;
	}
	w = xcalloc(1, sizeof *w);
	w->fd = fd;
	w->compress = compress;
	w->level = level;
	w->size = (uint64_t)st.st_size;
	*wp = w;
	return 0;
fail:
	{
		int e = errno;
		close(fd);
		errno = e;
	}
	return PTK_EIO;
}

int
warc_zstd_frame(struct buf *out, const void *rec, size_t n, int level)
{
	size_t bound = ZSTD_compressBound(n), got;
	int rc;

	if ((rc = buf_grow(out, bound)) != 0)
		return rc;
	got = ZSTD_compress(out->p + out->len, bound, rec, n, level);
	if (ZSTD_isError(got))
		return PTK_EIO;
	out->len += got;
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return PTK_EIO;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
warc_writer_put(struct warc_writer *w, const void *rec, size_t n,
    uint64_t *offset)
{
	int rc;

	if (offset)
		*offset = w->size;
	if (!w->compress) {
		if ((rc = write_all(w->fd, rec, n)) != 0)
			return rc;
		w->size += n;
		return 0;
	}
	if (w->cctx == NULL) {
		w->cctx = ZSTD_createCCtx();
		if (w->cctx == NULL)
			return PTK_ENOMEM;
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->level);
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	}
	buf_reset(&w->frame);
	if ((rc = buf_grow(&w->frame, ZSTD_compressBound(n))) != 0)
		return rc;
	{
		size_t got = ZSTD_compress2(w->cctx, w->frame.p, w->frame.cap, rec, n);
		if (ZSTD_isError(got)) {
			errno = EIO;
			return PTK_EIO;
		}
		w->frame.len = got;
	}
	if ((rc = write_all(w->fd, w->frame.p, w->frame.len)) != 0)
		return rc;
	w->size += w->frame.len;
	return 0;
}

uint64_t
warc_writer_size(const struct warc_writer *w)
{
	return w->size;
}

int
warc_writer_close(struct warc_writer *w, int sync)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	if (sync && fsync(w->fd) != 0)
		rc = PTK_EIO;
	if (close(w->fd) != 0 && rc == 0)
		rc = PTK_EIO;
	ZSTD_freeCCtx(w->cctx);
	buf_release(&w->frame);
	free(w);
	return rc;
}

/* ---- reading ---- */

int
warc_parse_head(const char *p, size_t len, struct warc_head *h,
    const char **why)
{
	const char *end, *line, *eol, *v;
	size_t vlen, lim = len < WARC_MAX_HEAD ? len : WARC_MAX_HEAD;
	char num[24];

	memset(h, 0, sizeof *h);
	if (len == 0)
		return 0;
	if (lim < 8 || memcmp(p, "WARC/", 5) != 0) {
		*why = "record does not start with a WARC/ version line";
		return PTK_EFORMAT;
	}
	end = memmem(p, lim, "\r\n\r\n", 4);
	if (end == NULL) {
		*why = len > WARC_MAX_HEAD ? "record head too long" :
		    "record head not ended by an empty line";
		return PTK_EFORMAT;
	}
	eol = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
	h->version = p;
	h->version_len = (size_t)(eol - p);
	if (h->version_len != 8 || (memcmp(p, "WARC/1.1", 8) != 0 &&
	    memcmp(p, "WARC/1.0", 8) != 0)) {
		*why = "unsupported WARC version";
		return PTK_EFORMAT;
	}
	h->fields = eol + 2;
	h->fields_len = (size_t)(end + 2 - h->fields);
	h->head_len = (size_t)(end + 4 - p);
	for (line = h->fields; line < end + 2; line = eol + 2) {
		const char *colon;
		eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
		colon = memchr(line, ':', (size_t)(eol - line));
		/* A line starting with white space continues the one before. */
		if (colon == NULL && line[0] != ' ' && line[0] != '\t') {
			*why = "field without a colon";
			return PTK_EFORMAT;
		}
		if (colon == line) {
			*why = "field without a name";
			return PTK_EFORMAT;
		}
	}
	if (!warc_field(h, "Content-Length", &v, &vlen) || vlen == 0 ||
	    vlen >= sizeof num || strspn(v, "0123456789") < vlen) {
		*why = "missing or bad Content-Length";
		return PTK_EFORMAT;
	}
	memcpy(num, v, vlen);
	num[vlen] = '\0';
	h->content_length = strtoull(num, NULL, 10);
	if (!warc_field(h, "WARC-Type", &v, &vlen) ||
	    !warc_field(h, "WARC-Record-ID", &v, &vlen) ||
	    !warc_field(h, "WARC-Date", &v, &vlen)) {
		*why = "missing WARC-Type, WARC-Record-ID or WARC-Date";
		return PTK_EFORMAT;
	}
	return 1;
}

int
warc_field(const struct warc_head *h, const char *name, const char **v,
    size_t *vlen)
{
	return http_header_find(h->fields, h->fields_len, name, v, vlen);
}

long long
warc_check_record(const char *p, size_t len, struct warc_head *h,
    const char **why)
{
	const char *v;
	size_t vlen;
	int rc = warc_parse_head(p, len, h, why);

	if (rc <= 0) {
		if (rc == 0)
			*why = "no record";
		return PTK_EFORMAT;
	}
	if (h->content_length > len - h->head_len ||
	    len - h->head_len - h->content_length < 4) {
		*why = "record shorter than its Content-Length";
		return PTK_EFORMAT;
	}
	if (memcmp(p + h->head_len + h->content_length, "\r\n\r\n", 4) != 0) {
		*why = "record block not followed by CRLF CRLF";
		return PTK_EFORMAT;
	}
	if (warc_field(h, "WARC-Block-Digest", &v, &vlen)) {
		char d[38];
		warc_digest(p + h->head_len, (size_t)h->content_length, d);
		if (vlen != 37 || memcmp(v, d, 37) != 0) {
			*why = "WARC-Block-Digest does not match the block";
			return PTK_EFORMAT;
		}
	}
	return (long long)(h->head_len + h->content_length + 4);
}
