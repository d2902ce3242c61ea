/* t_warc.c - SHA-1, base32 digests, WARC record format, reading back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "http.h"
#include "t.h"
#include "warc.h"
#include "zio.h"

static void
hex(const unsigned char *d, char *out)
{
	int i;

	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int
main(void)
{
	static const struct { const char *in, *hex; } sha[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	struct warc_sha1 s;
	unsigned char d[20];
	char h[41], dg[38], id[48], date[21];
	struct buf rec = BUF_INIT, out = BUF_INIT;
	struct warc_rec w = { 0 };
	struct warc_head hd;
	const char *why, *v;
	size_t i, vl;
	long long n;
	char *mil;

	for (i = 0; i < sizeof sha / sizeof sha[0]; i++) {
		warc_sha1_init(&s);
		warc_sha1_update(&s, sha[i].in, strlen(sha[i].in));
		warc_sha1_final(&s, d);
		hex(d, h);
		CHECK_STREQ(h, sha[i].hex);
	}
	/* a million 'a's, fed in odd pieces */
	mil = malloc(1000000);
	memset(mil, 'a', 1000000);
	warc_sha1_init(&s);
	for (i = 0; i < 1000000; i += 999)
		warc_sha1_update(&s, mil + i, 1000000 - i < 999 ? 1000000 - i : 999);
	warc_sha1_final(&s, d);
	hex(d, h);
	CHECK_STREQ(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(mil);
	/* base32 as other WARC tools write it (python: b32encode(sha1)) */
	warc_digest("", 0, dg);
	CHECK_STREQ(dg, "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
	warc_digest("abc", 3, dg);
	CHECK_STREQ(dg, "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");

	warc_new_id(id);
	CHECK(strlen(id) == 47 && strncmp(id, "<urn:uuid:", 10) == 0 && id[24] == '4');
	warc_date(0, date);
	CHECK_STREQ(date, "1970-01-01T00:00:00Z");

	w.type = "response";
	w.id = id;
	w.date = date;
	w.target_uri = "http://example.com/";
	w.content_type = "application/http;msgtype=response";
	warc_digest("hello", 5, dg);
	w.payload_digest = dg;
	CHECK(warc_format(&rec, &w, "HTTP/1.1 200 OK\r\n\r\n", 19, "hello", 5) == 0);
	n = warc_check_record(rec.p, rec.len, &hd, &why);
	CHECK(n == (long long)rec.len);
	CHECK(hd.content_length == 24);
	CHECK(warc_field(&hd, "warc-target-uri", &v, &vl) && vl == 19 &&
	    memcmp(v, "http://example.com/", 19) == 0);
	/* corruptions are caught */
	rec.p[rec.len - 6] ^= 1;
	CHECK(warc_check_record(rec.p, rec.len, &hd, &why) == PTK_EFORMAT);
	CHECK(strstr(why, "Block-Digest") != NULL);
	rec.p[rec.len - 6] ^= 1;
	CHECK(warc_check_record(rec.p, rec.len - 1, &hd, &why) == PTK_EFORMAT);
	CHECK(warc_parse_head("WARC/2.0\r\n\r\n", 12, &hd, &why) == PTK_EFORMAT);
	CHECK(warc_parse_head("WARC/1.1\r\nWARC-Type: x\r\n\r\n", 26, &hd, &why) ==
	    PTK_EFORMAT);
	CHECK(warc_parse_head("WARC/1.1\r\nno colon\r\n\r\n", 22, &hd, &why) ==
	    PTK_EFORMAT);
	CHECK(warc_parse_head("", 0, &hd, &why) == 0);

	/* a writer: two records, one zstd frame each, offsets give access */
	{
		char path[] = "/tmp/t_warc.XXXXXX";
		int fd = mkstemp(path);
		struct warc_writer *ww;
		uint64_t off1, off2;
		struct zio_reader *z;
		const unsigned char *p;
		ssize_t got;

		close(fd);
		CHECK(warc_writer_open(&ww, path, 0, 1, 3) == 0);
		CHECK(warc_writer_put(ww, rec.p, rec.len, &off1) == 0);
		CHECK(warc_writer_put(ww, rec.p, rec.len, &off2) == 0);
		CHECK(off1 == 0 && off2 > 0 && warc_writer_size(ww) == 2 * off2);
		CHECK(warc_writer_close(ww, 1) == 0);
		/* resume: keep only the first record, append again */
		CHECK(warc_writer_open(&ww, path, (int64_t)off2, 1, 3) == 0);
		CHECK(warc_writer_size(ww) == off2);
		CHECK(warc_writer_put(ww, rec.p, rec.len, &off1) == 0);
		CHECK(off1 == off2);
		CHECK(warc_writer_close(ww, 1) == 0);
		CHECK(zio_reader_open(&z, path) == 0);
		while ((got = zio_fill(z, ZIO_WINDOW, &p)) > 0) {
			buf_append(&out, p, (size_t)got);
			zio_consume(z, (size_t)got);
		}
		zio_reader_free(z);
		CHECK(out.len == 2 * rec.len);
		n = warc_check_record(out.p, out.len, &hd, &why);
		CHECK(n == (long long)rec.len);
		CHECK(warc_check_record(out.p + n, out.len - (size_t)n, &hd, &why) == n);
		unlink(path);
	}

	/* chunked transfer coding */
	buf_reset(&out);
	CHECK(http_dechunk("5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n", 40,
	    &out) == 0);
	CHECK(out.len == 11 && memcmp(out.p, "hello world", 11) == 0);
	buf_reset(&out);
	CHECK(http_dechunk("5\r\nhel", 6, &out) == PTK_EFORMAT);
	buf_reset(&out);
	CHECK(http_dechunk("zz\r\n", 4, &out) == PTK_EFORMAT);
	buf_reset(&out);
	CHECK(http_dechunk("5\r\nhelloX", 9, &out) == PTK_EFORMAT);
	buf_release(&rec);
	buf_release(&out);
	T_DONE();
}
