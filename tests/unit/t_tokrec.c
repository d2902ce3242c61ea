/* t_tokrec.c - token record headers and records: round trip, widths, and every format check. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "tokrec.h"
#include "zio.h"

static void
test_header(void)
{
	unsigned char hb[TOK_HEADER_SIZE];
	struct tok_header h, g;
	const char *why;

	tok_header_init(&h, 50257, 0x0123456789abcdefull);
	CHECK(h.width == 2);
	tok_header_init(&h, 65537, 0x0123456789abcdefull);
	CHECK(h.width == 4);
	tok_header_init(&h, 65536, 0x0123456789abcdefull);
	CHECK(h.width == 2);
	h.special[TOK_EOS] = 65535;
	h.kind = TOK_KIND_PAIR;
	tok_header_encode(&h, hb);
	CHECK(tok_header_decode(hb, &g, &why) == 0);
	CHECK(g.width == 2 && g.kind == TOK_KIND_PAIR && g.vocab_size == 65536);
	CHECK(g.fingerprint == 0x0123456789abcdefull && g.special[TOK_EOS] == 65535);
	CHECK(g.special[TOK_PAD] == -1);

	hb[0] = 'X';
	CHECK(tok_header_decode(hb, &g, &why) == PTK_EFORMAT);
	tok_header_encode(&h, hb);
	hb[8] = 2;
	CHECK(tok_header_decode(hb, &g, &why) == PTK_EFORMAT);
	CHECK_STREQ(why, "token stream version is newer than this program reads");
	tok_header_encode(&h, hb);
	hb[20] ^= 0x10;
	CHECK(tok_header_decode(hb, &g, &why) == PTK_EFORMAT);
	CHECK_STREQ(why, "token stream header checksum mismatch");
}

static void
test_records(void)
{
	static const uint32_t toks[] = { 0, 1, 70000, 99999 };
	static const uint8_t segs[] = { 0, 0, 1, 1 };
	static const uint32_t bounds[] = { 0, 2 };
	static const int32_t labels[] = { -1, 70000, -1, 5 };
	char path[] = "/tmp/t_tokrec.XXXXXX";
	unsigned char hb[TOK_HEADER_SIZE];
	struct tok_header h;
	struct tok_rec in = { 0 }, out;
	struct tok_reader *r;
	struct zio_writer *w;
	struct buf b = BUF_INIT;
	int fd, width;

	for (width = 2; width <= 4; width += 2) {
		tok_header_init(&h, width == 2 ? 65536 : 100000, 42);
		if (width == 4) {
			in.tokens = toks;
			in.labels = labels;
		} else {
			static const uint32_t small[] = { 0, 1, 65535, 7 };
			static const int32_t small_labels[] = { -1, 65535, -1, 5 };
			in.tokens = small;
			in.labels = small_labels;
		}
		in.id = "doc-\xe6\x97\xa5";
		in.id_len = 7;
		in.n = 4;
		in.segments = segs;
		in.bounds = bounds;
		in.n_bounds = 2;
		in.label = -3;
		in.has_label = 1;

		fd = mkstemp(path);
		close(fd);
		CHECK(zio_writer_open(&w, path, 1, 3) == 0);
		tok_header_encode(&h, hb);
		zio_write(w, hb, sizeof hb);
		CHECK(tok_rec_encode(&b, &h, &in) == 0);
		/* A bare record too. */
		{
			struct tok_rec bare = { 0 };
			bare.tokens = in.tokens;
			bare.n = 2;
			bare.id = "";
			CHECK(tok_rec_encode(&b, &h, &bare) == 0);
		}
		zio_write_buf(w, &b);
		CHECK(zio_writer_close(w, 1) == 0);

		CHECK(tok_reader_open(&r, path) == 1);
		CHECK(tok_reader_header(r)->width == width);
		CHECK(tok_read(r, &out) == 1);
		CHECK(out.id_len == 7 && memcmp(out.id, in.id, 7) == 0);
		CHECK(out.n == 4 && memcmp(out.tokens, in.tokens, 16) == 0);
		CHECK(out.segments && memcmp(out.segments, segs, 4) == 0);
		CHECK(out.n_bounds == 2 && out.bounds[1] == 2);
		CHECK(out.labels && memcmp(out.labels, in.labels, 16) == 0);
		CHECK(out.has_label && out.label == -3);
		CHECK(tok_read(r, &out) == 1);
		CHECK(out.n == 2 && !out.segments && !out.labels && !out.bounds && !out.has_label);
		CHECK(tok_read(r, &out) == 0);
		CHECK(tok_reader_records(r) == 2);
		tok_reader_free(r);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}

	/* The writer refuses ids and tokens the header cannot hold. */
	tok_header_init(&h, 10, 0);
	in.tokens = toks;
	in.labels = NULL;
	in.segments = NULL;
	in.bounds = NULL;
	in.n = 3;
	CHECK(tok_rec_encode(&b, &h, &in) == PTK_EAPI);
	buf_release(&b);
}

int
main(void)
{
	test_header();
	test_records();
	T_DONE();
}
