/* zio.c - zstd or plain byte streams; see zio.h. */
#include "zio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "xalloc.h"

#define WIN_CAP (2 * (size_t)ZIO_WINDOW)	/* the most the window grows to */
#define WIN_START ((size_t)1 << 18)		/* where it starts (> IN_CAP): small inputs stay cheap */
#define IN_CAP ((size_t)1 << 17)

struct zio_reader {
	int fd;
	int own_fd;
	char *name;
	int started;		/* first bytes read and the format detected */
	int is_zstd;
	int raw_eof;		/* read() returned 0 */
	int eof;		/* no more decoded bytes will come */
	int mid_frame;		/* a zstd frame is open */
	int err_code;		/* sticky error */
	ZSTD_DCtx *dctx;
	unsigned char *in;	/* compressed input, IN_CAP bytes */
	size_t in_pos, in_len;
	unsigned char *win;	/* decoded window, win_cap bytes */
	size_t win_cap;
	size_t win_pos, win_len;
	uint64_t consumed;	/* decoded offset of win[0] */
	uint64_t raw_read;	/* bytes read from fd */
	uint64_t frame_start;	/* file offset where the open frame began */
	int64_t size;
	const unsigned char *mem;	/* memory source (zio_reader_memopen), or NULL */
	size_t mem_len, mem_pos;
	char err[512];
};

static int
reader_fail(struct zio_reader *r, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->err, sizeof r->err, "%s: ", r->name);
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof r->err - (size_t)n, fmt, ap);
	va_end(ap);
	r->err_code = code;
	return code;
}

static struct zio_reader *
reader_new(int fd, const char *name)
{
	struct zio_reader *r = xcalloc(1, sizeof *r);
	struct stat st;

	r->fd = fd;
	r->name = xstrdup(strcmp(name, "-") == 0 ? "<stdin>" : name);
	r->size = -1;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		r->size = st.st_size;
	r->in = xmalloc(IN_CAP);
	r->win_cap = WIN_START;
	r->win = xmalloc(r->win_cap);
	return r;
}

int
zio_reader_open(struct zio_reader **rp, const char *path)
{
	struct zio_reader *r;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return zio_reader_fdopen(rp, 0, "-");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	r = reader_new(fd, path);
	*rp = r;
	if (fd < 0)
		return reader_fail(r, PTK_EIO, "cannot open: %s", strerror(errno));
	r->own_fd = 1;
	{
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return reader_fail(r, PTK_EIO, "cannot read: %s",
			    strerror(EISDIR));
		}
	}
	return 0;
}

int
zio_reader_fdopen(struct zio_reader **rp, int fd, const char *name)
{
	*rp = reader_new(fd, name);
	return 0;
}

int
zio_reader_memopen(struct zio_reader **rp, const void *data, size_t len,
    const char *name)
{
	struct zio_reader *r = reader_new(-1, name);

	r->mem = data ? data : (const unsigned char *)"";
	r->mem_len = len;
	r->size = (int64_t)len;
	*rp = r;
	return 0;
}

void
zio_reader_free(struct zio_reader *r)
{
	if (r == NULL)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	free(r->in);
	free(r->win);
	free(r->name);
	free(r);
}

/* read(2) that retries EINTR; returns bytes, 0 at end, or PTK_EIO. */
static ssize_t
read_some(struct zio_reader *r, unsigned char *dst, size_t n)
{
	ssize_t k;

	if (r->mem != NULL) {
		k = (ssize_t)(n < r->mem_len - r->mem_pos ? n : r->mem_len - r->mem_pos);
		memcpy(dst, r->mem + r->mem_pos, (size_t)k);
		r->mem_pos += (size_t)k;
		r->raw_read += (uint64_t)k;
		return k;
	}
	do
		k = read(r->fd, dst, n);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return reader_fail(r, PTK_EIO, "read error at byte %llu: %s",
		    (unsigned long long)r->raw_read, strerror(errno));
	r->raw_read += (uint64_t)k;
	return k;
}

static int
is_zstd_magic(const unsigned char *p)
{
	uint32_t m = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return m == ZSTD_MAGICNUMBER ||
	    (m & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START;
}

/* Read the first bytes and decide between zstd and plain. */
static int
detect(struct zio_reader *r)
{
	ssize_t k;

	r->started = 1;
	while (r->in_len < 4) {
		if ((k = read_some(r, r->in + r->in_len, IN_CAP - r->in_len)) < 0)
			return (int)k;
		if (k == 0) {
			r->raw_eof = 1;
			break;
		}
		r->in_len += (size_t)k;
	}
	if (r->in_len >= 4 && is_zstd_magic(r->in)) {
		r->is_zstd = 1;
		r->dctx = ZSTD_createDCtx();
		if (r->dctx == NULL)
			return reader_fail(r, PTK_ENOMEM, "cannot create zstd context");
		return 0;
	}
	/* Plain: what was read so far is the first decoded data. */
	memcpy(r->win + r->win_len, r->in, r->in_len);
	r->win_len += r->in_len;
	r->in_len = 0;
	if (r->raw_eof)
		r->eof = 1;
	return 0;
}

/* Decode more into the window; sets eof at the clean end. */
static int
produce(struct zio_reader *r)
{
	ssize_t k;

	if (!r->is_zstd) {
		k = read_some(r, r->win + r->win_len, r->win_cap - r->win_len);
		if (k < 0)
			return (int)k;
		if (k == 0)
			r->eof = 1;
		r->win_len += (size_t)k;
		return 0;
	}
	for (;;) {
		ZSTD_inBuffer in = { r->in, r->in_len, r->in_pos };
		ZSTD_outBuffer out = { r->win, r->win_cap, r->win_len };
		size_t ret;

		if (r->in_pos == r->in_len && !r->raw_eof) {
			r->in_pos = r->in_len = 0;
			if ((k = read_some(r, r->in, IN_CAP)) < 0)
				return (int)k;
			if (k == 0)
				r->raw_eof = 1;
			r->in_len = (size_t)k;
			continue;
		}
		if (r->in_pos == r->in_len && r->raw_eof && !r->mid_frame) {
			r->eof = 1;
			return 0;
		}
		if (!r->mid_frame)
			r->frame_start = r->raw_read - (r->in_len - r->in_pos);
		ret = ZSTD_decompressStream(r->dctx, &out, &in);
		r->in_pos = in.pos;
		if (ZSTD_isError(ret)) {
			uint64_t at = r->raw_read - (r->in_len - r->in_pos);
			if (ZSTD_getErrorCode(ret) == ZSTD_error_prefix_unknown)
				return reader_fail(r, PTK_EFORMAT,
				    "at byte %llu: not a zstd frame (garbage after frame ending at byte %llu)",
				    (unsigned long long)r->frame_start,
				    (unsigned long long)r->frame_start);
			return reader_fail(r, PTK_EFORMAT,
			    "at byte %llu: corrupt zstd frame (frame starts at byte %llu): %s",
			    (unsigned long long)at,
			    (unsigned long long)r->frame_start,
			    ZSTD_getErrorName(ret));
		}
		r->mid_frame = ret != 0;
		if (r->in_pos == r->in_len && r->raw_eof && r->mid_frame &&
		    out.pos == r->win_len && out.pos < r->win_cap)
			return reader_fail(r, PTK_EFORMAT,
			    "at byte %llu: truncated zstd frame (frame starts at byte %llu)",
			    (unsigned long long)r->raw_read,
			    (unsigned long long)r->frame_start);
		if (out.pos > r->win_len) {
			r->win_len = out.pos;
			return 0;
		}
	}
}

ssize_t
zio_fill(struct zio_reader *r, size_t want, const unsigned char **p)
{
	int rc;

	if (r->err_code)
		return r->err_code;
	if (want > ZIO_WINDOW)
		want = ZIO_WINDOW;
	if (!r->started && (rc = detect(r)) != 0)
		return rc;
	if (r->win_len - r->win_pos < want && !r->eof) {
		/* Slide the unread bytes to the front to make room. */
		if (r->win_pos > 0) {
			memmove(r->win, r->win + r->win_pos, r->win_len - r->win_pos);
			r->consumed += r->win_pos;
			r->win_len -= r->win_pos;
			r->win_pos = 0;
		}
		/* Keep at least half the window free for the decoder. */
		if (r->win_cap < WIN_CAP && want > r->win_cap / 2) {
			while (r->win_cap < WIN_CAP && want > r->win_cap / 2)
				r->win_cap *= 2;
			r->win = xrealloc(r->win, r->win_cap);
		}
		while (r->win_len < want && !r->eof)
			if ((rc = produce(r)) != 0)
				return rc;
	}
	*p = r->win + r->win_pos;
	return (ssize_t)(r->win_len - r->win_pos);
}

void
zio_consume(struct zio_reader *r, size_t n)
{
	if (n > r->win_len - r->win_pos)
		n = r->win_len - r->win_pos;
	r->win_pos += n;
}

ssize_t
zio_read(struct zio_reader *r, void *dst, size_t n)
{
	const unsigned char *p;
	ssize_t avail = zio_fill(r, n < ZIO_WINDOW ? n : ZIO_WINDOW, &p);

	if (avail <= 0)
		return avail;
	if ((size_t)avail > n)
		avail = (ssize_t)n;
	memcpy(dst, p, (size_t)avail);
	zio_consume(r, (size_t)avail);
	return avail;
}

int
zio_getline(struct zio_reader *r, struct buf *scratch, size_t max,
    const char **line, size_t *len, uint64_t *offset)
{
	const unsigned char *p;
	size_t scanned = 0;
	int in_scratch = 0;
	ssize_t avail;

	avail = zio_fill(r, 1, &p);
	if (avail < 0)
		return (int)avail;
	*offset = r->consumed + r->win_pos;
	if (avail == 0)
		return 0;
	for (;;) {
		const unsigned char *nl = memchr(p + scanned, '\n',
		    (size_t)avail - scanned);

		if (nl != NULL) {
			size_t n = (size_t)(nl - p);
			if (in_scratch) {
				if (scratch->len + n > max ||
				    buf_append(scratch, p, n) != 0)
					goto too_long;
				*line = scratch->p;
				*len = scratch->len;
			} else {
				if (n > max)
					goto too_long;
				*line = (const char *)p;
				*len = n;
			}
			zio_consume(r, n + 1);
			return 1;
		}
		scanned = (size_t)avail;
		if (!in_scratch && (size_t)avail < ZIO_WINDOW && !r->eof) {
			if ((avail = zio_fill(r, (size_t)avail + 1, &p)) < 0)
				return (int)avail;
			continue;
		}
		if ((size_t)avail > 0 && !r->eof) {
			/* A long line: collect it in scratch. */
			if (!in_scratch)
				buf_reset(scratch);
			in_scratch = 1;
			if (scratch->len + (size_t)avail > max ||
			    buf_append(scratch, p, (size_t)avail) != 0)
				goto too_long;
			zio_consume(r, (size_t)avail);
			scanned = 0;
			if ((avail = zio_fill(r, 1, &p)) < 0)
				return (int)avail;
			continue;
		}
		/* End of input: the last line has no newline. */
		if (in_scratch) {
			if (scratch->len + (size_t)avail > max ||
			    buf_append(scratch, p, (size_t)avail) != 0)
				goto too_long;
			*line = scratch->p;
			*len = scratch->len;
		} else {
			if ((size_t)avail > max)
				goto too_long;
			*line = (const char *)p;
			*len = (size_t)avail;
		}
		zio_consume(r, (size_t)avail);
		return 1;
	}
too_long:
	return reader_fail(r, PTK_ELIMIT,
	    "at byte %llu: line longer than the limit of %zu bytes",
	    (unsigned long long)*offset, max);
}

const char *
zio_name(const struct zio_reader *r)
{
	return r->name;
}

uint64_t
zio_offset(const struct zio_reader *r)
{
	return r->consumed + r->win_pos;
}

uint64_t
zio_raw_offset(const struct zio_reader *r)
{
	return r->raw_read;
}

int
zio_is_zstd(const struct zio_reader *r)
{
	return r->is_zstd;
}

int64_t
zio_size(const struct zio_reader *r)
{
	return r->size;
}

const char *
zio_errmsg(const struct zio_reader *r)
{
	return r->err;
}

/* ---- writer ---- */

#define OUT_CAP ((size_t)1 << 20)

struct zio_writer {
	int fd;
	char *path;		/* final name, NULL for stdout */
	char *tmp;		/* temporary name while writing */
	char *name;		/* for messages */
	ZSTD_CCtx *cctx;	/* NULL: plain output */
	unsigned char *buf;	/* pending input bytes, OUT_CAP */
	size_t len;
	unsigned char *zbuf;	/* compressed output staging */
	size_t zcap;
	uint64_t bytes_in;
	int failed;
	int own_fd;		/* a device written in place: close it */
};

static int
write_all(struct zio_writer *w, const void *p, size_t n)
{
	const char *s = p;

	while (n > 0) {
		ssize_t k = write(w->fd, s, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			w->failed = 1;
			return PTK_EIO;
		}
		s += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A link under /dev or /proc, such as /dev/stderr or /proc/self/fd/1. */
static int
proc_fd_link(const char *path)
{
	struct stat st;

	return (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0) &&
	    lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

int
zio_writer_open(struct zio_writer **wp, const char *path, int compress,
    int level)
{
	struct zio_writer *w = xcalloc(1, sizeof *w);
	struct stat st;

	*wp = NULL;
	if (path == NULL || strcmp(path, "-") == 0) {
		w->fd = 1;
		w->name = xstrdup("<stdout>");
	} else if ((stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode)) || proc_fd_link(path)) {
		/* A device or FIFO (-o /dev/null): write it in place, since
		 * renaming a temporary file over it would replace it.  So
		 * too /dev/stderr and the like when they lead to a regular
		 * file (a redirection): a rename would replace the link. */
		if ((w->fd = open(path, O_WRONLY | O_CLOEXEC |
		    (proc_fd_link(path) ? O_APPEND : 0))) < 0) {
			int e = errno;
			free(w);
			errno = e;
			return PTK_EIO;
		}
		w->name = xstrdup(path);
		w->own_fd = 1;
	} else {
		struct buf tmp = BUF_INIT;
		buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
		w->tmp = buf_detach(&tmp, NULL);
		w->path = xstrdup(path);
		w->name = xstrdup(path);
		w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (w->fd < 0) {
			int e = errno;
			free(w->tmp);
			free(w->path);
			free(w->name);
			free(w);
			errno = e;
			return PTK_EIO;
		}
	}
	w->buf = xmalloc(OUT_CAP);
	if (compress) {
		w->cctx = ZSTD_createCCtx();
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level);
		ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
		w->zcap = ZSTD_CStreamOutSize();
		w->zbuf = xmalloc(w->zcap);
	}
	*wp = w;
	return 0;
}

static int
flush_pending(struct zio_writer *w, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { w->buf, w->len, 0 };
	int rc;

	if (w->cctx == NULL) {
		rc = write_all(w, w->buf, w->len);
		w->len = 0;
		return rc;
	}
	for (;;) {
		ZSTD_outBuffer out = { w->zbuf, w->zcap, 0 };
		size_t left = ZSTD_compressStream2(w->cctx, &out, &in, mode);
		if (ZSTD_isError(left)) {
			w->failed = 1;
			errno = EIO;
			return PTK_EIO;
		}
		if (out.pos && (rc = write_all(w, w->zbuf, out.pos)) != 0)
			return rc;
		if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
			break;
	}
	w->len = 0;
	return 0;
}

int
zio_write(struct zio_writer *w, const void *p, size_t n)
{
	const unsigned char *s = p;
	int rc;

	if (w->failed)
		return PTK_EIO;
	w->bytes_in += n;
	while (n > 0) {
		size_t k = OUT_CAP - w->len;
		if (k > n)
			k = n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
		if (w->len == OUT_CAP && (rc = flush_pending(w, ZSTD_e_continue)) != 0)
			return rc;
	}
	return 0;
}

int
zio_write_buf(struct zio_writer *w, struct buf *b)
{
	int rc = zio_write(w, b->p, b->len);

	buf_reset(b);
	return rc;
}

int
zio_writer_close(struct zio_writer *w, int commit)
{
	int rc = 0, e = 0;

	if (w == NULL)
		return 0;
	if (commit && !w->failed) {
		rc = flush_pending(w, ZSTD_e_end);
		if (rc == 0 && w->path && fsync(w->fd) != 0)
			rc = PTK_EIO;
		e = errno;
	} else
		rc = commit ? PTK_EIO : 0;
	if (w->path) {
		if (close(w->fd) != 0 && rc == 0 && commit) {
			rc = PTK_EIO;
			e = errno;
		}
		if (commit && rc == 0) {
			if (rename(w->tmp, w->path) != 0) {
				rc = PTK_EIO;
				e = errno;
			}
		}
		if (!commit || rc != 0)
			unlink(w->tmp);
	} else if (w->own_fd && close(w->fd) != 0 && rc == 0 && commit) {
		rc = PTK_EIO;
		e = errno;
	}
	ZSTD_freeCCtx(w->cctx);
	free(w->buf);
	free(w->zbuf);
	free(w->tmp);
	free(w->path);
	free(w->name);
	free(w);
	if (rc)
		errno = e ? e : EIO;
	return rc;
}

int
zio_writer_threads(struct zio_writer *w, int n)
{
	size_t rc;

	if (w->cctx == NULL || n < 1)
		return 0;
	/*
	 * With one or more workers zstd compresses in its own threads, and
	 * its output is the same for any worker count (but not the same as
	 * with none), so -j never changes a byte.
	 */
	rc = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_nbWorkers, n);
	return ZSTD_isError(rc) ? PTK_EAPI : 0;
}

const char *
zio_writer_name(const struct zio_writer *w)
{
	return w->name;
}

uint64_t
zio_writer_bytes_in(const struct zio_writer *w)
{
	return w->bytes_in;
}

/* Format a message into err (when given) and return rc. */
static int
read_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int
zio_read_file(const char *path, size_t max, struct buf *out, char *err,
    size_t errlen)
{
	struct zio_reader *z;
	ssize_t got;
	int rc;

	buf_reset(out);
	if ((rc = zio_reader_open(&z, path)) != 0) {
		read_fail(err, errlen, rc, "%s", zio_errmsg(z));
		zio_reader_free(z);
		return rc;
	}
	for (;;) {
		if (out->len >= max) {
			zio_reader_free(z);
			return read_fail(err, errlen, PTK_ELIMIT, "%s: file over %zu bytes",
			    path, max);
		}
		if (buf_grow(out, 1 << 20) != 0)
			xmalloc((size_t)-1);
		got = zio_read(z, out->p + out->len, 1 << 20);
		if (got <= 0)
			break;
		out->len += (size_t)got;
		out->p[out->len] = '\0';
	}
	if (got < 0) {
		read_fail(err, errlen, (int)got, "%s", zio_errmsg(z));
		zio_reader_free(z);
		return (int)got;
	}
	zio_reader_free(z);
	return 0;
}
