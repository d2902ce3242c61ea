/* t_zio.c - zstd/plain detection, multi-frame streams, truncation, long lines, atomic writes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "t.h"
#include "xalloc.h"
#include "zio.h"

static char dir[] = "/tmp/t_zio.XXXXXX";

static char *
path(const char *name)
{
	static char p[256];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

static void
write_file(const char *name, const void *data, size_t n)
{
	FILE *f = fopen(path(name), "wb");

	fwrite(data, 1, n, f);
	fclose(f);
}

/* Compress src into a new heap buffer; *n its size. */
static void *
zcompress(const void *src, size_t len, size_t *n)
{
	size_t cap = ZSTD_compressBound(len);
	void *dst = xmalloc(cap);

	*n = ZSTD_compress(dst, cap, src, len, 3);
	return dst;
}

/* Read all of a file through zio: returns bytes or the error code. */
static long long
read_all(const char *name, struct buf *out)
{
	struct zio_reader *r;
	char tmp[7000];
	ssize_t k;
	int rc;

	buf_reset(out);
	if ((rc = zio_reader_open(&r, path(name))) != 0) {
		zio_reader_free(r);
		return rc;
	}
	while ((k = zio_read(r, tmp, sizeof tmp)) > 0)
		buf_append(out, tmp, (size_t)k);
	zio_reader_free(r);
	return k < 0 ? k : (long long)out->len;
}

static void
test_detect_and_frames(void)
{
	struct buf out = BUF_INIT;
	char *text = xmalloc(3 << 20);
	size_t i, n1, n2;
	void *z1, *z2;
	char *both;

	for (i = 0; i < (3u << 20); i++)
		text[i] = (char)('a' + (i * 7 + i / 100) % 26);
	write_file("plain", text, 3 << 20);
	CHECK(read_all("plain", &out) == 3 << 20 && memcmp(out.p, text, 3 << 20) == 0);

	z1 = zcompress(text, 2 << 20, &n1);
	z2 = zcompress(text + (2 << 20), 1 << 20, &n2);
	both = xmalloc(n1 + n2);
	memcpy(both, z1, n1);
	memcpy(both + n1, z2, n2);
	write_file("two.zst", both, n1 + n2);
	CHECK(read_all("two.zst", &out) == 3 << 20 && memcmp(out.p, text, 3 << 20) == 0);

	/* Truncated anywhere inside the last frame: an error, never silent. */
	write_file("trunc.zst", both, n1 + n2 - 1);
	CHECK(read_all("trunc.zst", &out) == PTK_EFORMAT);
	write_file("trunc2.zst", both, n1 + 7);
	CHECK(read_all("trunc2.zst", &out) == PTK_EFORMAT);
	/* Cut exactly at the frame boundary: a valid, shorter stream. */
	write_file("one.zst", both, n1);
	CHECK(read_all("one.zst", &out) == 2 << 20);

	write_file("empty", "", 0);
	CHECK(read_all("empty", &out) == 0);
	write_file("tiny", "ab", 2);
	CHECK(read_all("tiny", &out) == 2 && memcmp(out.p, "ab", 2) == 0);
	CHECK(read_all("missing", &out) == PTK_EIO);

	free(both);
	free(z1);
	free(z2);
	free(text);
	buf_release(&out);
}

static void
test_getline(void)
{
	/* Lines of many lengths, some longer than the window, and no final newline. */
	static const size_t lens[] = { 0, 1, 100, ZIO_WINDOW - 1, ZIO_WINDOW,
	    ZIO_WINDOW + 1, 3 * ZIO_WINDOW + 5, 7, 0, 12 };
	size_t nl = sizeof lens / sizeof *lens, i, total = 0, off = 0;
	struct buf all = BUF_INIT, scratch = BUF_INIT;
	struct zio_reader *r;
	const char *line;
	size_t len;
	uint64_t at;
	int zstd;

	for (i = 0; i < nl; i++) {
		size_t j;
		buf_grow(&all, lens[i] + 1);
		for (j = 0; j < lens[i]; j++)
			all.p[all.len++] = (char)('A' + (i + j) % 26);
		if (i + 1 < nl)
			all.p[all.len++] = '\n';
	}
	total = all.len;
	write_file("lines", all.p, total);
	{
		size_t zn;
		void *z = zcompress(all.p, total, &zn);
		write_file("lines.zst", z, zn);
		free(z);
	}
	for (zstd = 0; zstd < 2; zstd++) {
		CHECK(zio_reader_open(&r, path(zstd ? "lines.zst" : "lines")) == 0);
		off = 0;
		for (i = 0; i < nl; i++) {
			int rc = zio_getline(r, &scratch, (size_t)1 << 30, &line, &len, &at);
			CHECKF(rc == 1 && len == lens[i] && at == off, "line %zu: rc %d len %zu", i, rc, len);
			if (rc == 1)
				CHECK(memcmp(line, all.p + off, len) == 0);
			off += lens[i] + 1;
		}
		CHECK(zio_getline(r, &scratch, (size_t)1 << 30, &line, &len, &at) == 0);
		CHECK(zio_is_zstd(r) == zstd);
		zio_reader_free(r);
	}
	/* Over the cap: PTK_ELIMIT, with the line's offset in the message. */
	CHECK(zio_reader_open(&r, path("lines")) == 0);
	for (i = 0; i < 3; i++)
		CHECK(zio_getline(r, &scratch, 1000, &line, &len, &at) == 1);
	CHECK(zio_getline(r, &scratch, 1000, &line, &len, &at) == PTK_ELIMIT);
	CHECK(strstr(zio_errmsg(r), "at byte 104:") != NULL);
	zio_reader_free(r);
	buf_release(&all);
	buf_release(&scratch);
}

static void
test_writer(void)
{
	struct zio_writer *w;
	struct buf out = BUF_INIT;
	struct stat st;
	char big[100000];
	int i;

	memset(big, 'x', sizeof big);
	/* Committed: the file appears with the data, no temporary remains. */
	CHECK(zio_writer_open(&w, path("out.zst"), 1, 3) == 0);
	for (i = 0; i < 30; i++)
		CHECK(zio_write(w, big, sizeof big) == 0);
	CHECK(stat(path("out.zst"), &st) != 0);	/* not there while writing */
	CHECK(zio_writer_close(w, 1) == 0);
	CHECK(read_all("out.zst", &out) == 30 * (long long)sizeof big);
	/* Discarded: nothing appears. */
	CHECK(zio_writer_open(&w, path("gone"), 0, 3) == 0);
	CHECK(zio_write(w, "abc", 3) == 0);
	CHECK(zio_writer_close(w, 0) == 0);
	CHECK(stat(path("gone"), &st) != 0 && errno == ENOENT);
	/* Unwritable place: PTK_EIO. */
	CHECK(zio_writer_open(&w, "/nonexistent-dir/x", 1, 3) == PTK_EIO && w == NULL);
	buf_release(&out);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_detect_and_frames();
	test_getline();
	test_writer();
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	T_DONE();
}
