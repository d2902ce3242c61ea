/*
 * zio.h - byte streams in and out, zstd or plain.
 *
 * A reader opens a file (or standard input for NULL or "-"), detects zstd by
 * its frame magic (plain input is passed through), decodes any number of
 * concatenated frames as one stream, and reports a truncated or corrupt
 * frame with the byte offset in the compressed file.
 *
 * A writer writes standard output (NULL or "-") or a file that appears whole
 * or not at all: data goes to "FILE.tmp.PID" in the same folder, and
 * zio_writer_close(w, 1) flushes, fsyncs and renames it into place;
 * zio_writer_close(w, 0) unlinks it.
 */
#ifndef PTK_ZIO_H
#define PTK_ZIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

#define ZIO_DEFAULT_LEVEL 3

struct zio_reader;
struct zio_writer;

/*
 * Open path for reading.  Returns 0 and sets *r, or PTK_EIO (errno kept) with
 * *r set anyway so that zio_errmsg() can say why; free it with
 * zio_reader_free().  name is the path as messages show it ("-" = stdin).
 */
int	zio_reader_open(struct zio_reader **r, const char *path);
/* Wrap an open descriptor (not closed by free); name is for messages. */
int	zio_reader_fdopen(struct zio_reader **r, int fd, const char *name);
/* Read data[0..len) (not copied: it must outlive the reader); for tests and fuzzing. */
int	zio_reader_memopen(struct zio_reader **r, const void *data, size_t len,
	    const char *name);
void	zio_reader_free(struct zio_reader *r);	/* NULL is a no-op */

/*
 * Make at least want bytes of decoded data visible (fewer only at the end of
 * input), and point *p at all that are buffered.  Returns the number of
 * bytes buffered (0 at a clean end) or a negative enum ptk_err, with the
 * message in zio_errmsg().  The window stays valid until the next
 * zio_fill/zio_read/zio_getline.  want is capped at ZIO_WINDOW.
 */
#define ZIO_WINDOW (1u << 20)
ssize_t	zio_fill(struct zio_reader *r, size_t want, const unsigned char **p);
/* Mark n bytes of the window as used. */
void	zio_consume(struct zio_reader *r, size_t n);

/* Copy up to n decoded bytes into dst: bytes read, 0 at end, or < 0. */
ssize_t	zio_read(struct zio_reader *r, void *dst, size_t n);

/*
 * Read one line (without its '\n').  Returns 1 with *line, *len set, 0 at a
 * clean end of input, or a negative enum ptk_err: PTK_ELIMIT when the line
 * is longer than max bytes.  A last line without '\n' is returned too.  The
 * line points into the reader's window or into scratch; it stays valid
 * until the next read.  *offset is the line's offset in the decoded stream.
 */
int	zio_getline(struct zio_reader *r, struct buf *scratch, size_t max,
	    const char **line, size_t *len, uint64_t *offset);

const char *zio_name(const struct zio_reader *r);	/* "-" shows as "<stdin>" */
uint64_t zio_offset(const struct zio_reader *r);	/* decoded bytes consumed */
uint64_t zio_raw_offset(const struct zio_reader *r);	/* file bytes read */
int	zio_is_zstd(const struct zio_reader *r);

/*
 * Read a whole (plain or zstd) file of at most max bytes into out, which
 * ends with a NUL beyond out->len.  Returns 0, or PTK_EIO / PTK_EFORMAT /
 * PTK_ELIMIT with "PATH: why" in err.  Exits on out of memory (xalloc.h).
 */
int	zio_read_file(const char *path, size_t max, struct buf *out, char *err,
	    size_t errlen);
/* Size of the input file in bytes, or -1 for a pipe. */
int64_t	zio_size(const struct zio_reader *r);
/* The last error: "FILE: at byte M: what" (without the program name). */
const char *zio_errmsg(const struct zio_reader *r);

/*
 * Open a writer.  compress: 1 for zstd at level (1..19), 0 for plain.  The
 * zstd output is one frame with a content checksum, compressed on the
 * calling thread unless zio_writer_threads() says otherwise.  Returns 0, or
 * PTK_EIO with errno set (then *w is NULL).
 */
int	zio_writer_open(struct zio_writer **w, const char *path, int compress,
	    int level);
/*
 * Compress on n worker threads (n >= 1), before the first write.  The bytes
 * are the same for every n >= 1, and differ from those of the default,
 * single-threaded writer; programs call it with their -j so that compression
 * overlaps their work.  PTK_EAPI if this libzstd lacks threads; 0 for plain
 * output.
 */
int	zio_writer_threads(struct zio_writer *w, int n);
int	zio_write(struct zio_writer *w, const void *p, size_t n);
/* Append b->p[0..len) and clear b: the common way records are written. */
int	zio_write_buf(struct zio_writer *w, struct buf *b);
/*
 * Finish.  commit = 1: end the zstd frame, flush, fsync, rename into place;
 * returns 0 or PTK_EIO (then the temporary file is removed).  commit = 0:
 * discard (a file output is unlinked).  Frees w; NULL is a no-op returning 0.
 */
int	zio_writer_close(struct zio_writer *w, int commit);
const char *zio_writer_name(const struct zio_writer *w);
uint64_t zio_writer_bytes_in(const struct zio_writer *w);	/* before compression */

#endif
