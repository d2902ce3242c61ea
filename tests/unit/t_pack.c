/*
 * t_pack.c - packing: every token kept in order, block lengths, sentence
 * integrity, separators, ids.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "pack.h"
#include "t.h"
#include "xalloc.h"

#define SEPID 1
#define BOS 2

struct sink {
	uint32_t *toks;		/* all block tokens, concatenated */
	size_t n, cap;
	size_t blocks, over, short_blocks, bad_bounds, starts_sep;
	uint32_t max_len;
	char first_id[64];
};

static int
collect(void *ctx, const struct tok_rec *rec)
{
	struct sink *s = ctx;
	size_t i;

	if (s->n + rec->n > s->cap) {
		s->cap = 2 * (s->n + rec->n);
		s->toks = xreallocarray(s->toks, s->cap, 4);
	}
	memcpy(s->toks + s->n, rec->tokens, rec->n * 4);
	s->n += rec->n;
	if (s->blocks++ == 0)
		snprintf(s->first_id, sizeof s->first_id, "%.*s", (int)rec->id_len, rec->id);
	s->over += rec->n > s->max_len;
	s->short_blocks += rec->n < s->max_len;
	s->starts_sep += rec->tokens[0] == SEPID;
	for (i = 0; i < rec->n_bounds; i++)
		s->bad_bounds += rec->bounds[i] >= rec->n ||
		    (i > 0 && rec->bounds[i] <= rec->bounds[i - 1]);
	return 0;
}

/* Documents of 1..400 tokens with sentences of 1..60; ids >= 10; token = 10 + running count. */
static size_t
feed(struct pack *p, uint32_t *all, size_t ndocs, uint32_t *doc_n)
{
	struct mask_rng r;
	uint32_t t[400], b[400];
	size_t d, total = 0;

	mask_rng_seed(&r, 1, 1, 1);
	for (d = 0; d < ndocs; d++) {
		struct tok_rec rec = { 0 };
		size_t n = 1 + mask_rng_below(&r, 400), pos = 0, nb = 0, i;
		char id[16];
		if (d % 97 == 3)
			n = 300;	/* one long sentence */
		while (pos < n) {
			size_t len = d % 97 == 3 ? n : 1 + mask_rng_below(&r, 60);
			b[nb++] = (uint32_t)pos;
			pos += len;
		}
		for (i = 0; i < n; i++)
			all[total + i] = t[i] = (uint32_t)(10 + total + i);
		doc_n[d] = (uint32_t)n;
		total += n;
		rec.id_len = (size_t)snprintf(id, sizeof id, "d%zu", d);
		rec.id = id;
		rec.tokens = t;
		rec.n = n;
		rec.bounds = b;
		rec.n_bounds = nb;
		CHECK(pack_add(p, &rec) == 0);
	}
	CHECK(pack_finish(p) == 0);
	return total;
}

static void
test_mode(int mode, int64_t sep, int64_t prefix)
{
	struct pack_opts o = { mode, 256, sep, prefix };
	struct sink s = { 0 };
	struct pack *p;
	uint32_t *all = xmalloc(5000 * 400 * 4), doc_n[5000];
	size_t total, i, j = 0, bad = 0, d = 0, in_doc = 0;

	s.max_len = o.max_len;
	p = pack_new(&o, collect, &s);
	total = feed(p, all, 5000, doc_n);
	/* Dropping the separators and prefixes gives back the input. */
	for (i = 0; i < s.n; i++) {
		uint32_t x = s.toks[i];
		if (x == (uint32_t)BOS && prefix >= 0)
			continue;
		if (sep >= 0 && x == (uint32_t)SEPID) {
			/* only right after a document's last token */
			bad += in_doc != 0;
			continue;
		}
		bad += j >= total || x != all[j];
		j++;
		if (++in_doc == doc_n[d]) {
			in_doc = 0;
			d++;
		}
	}
	CHECKF(bad == 0 && j == total, "mode %d: %zu bad, %zu of %zu", mode, bad, j, total);
	CHECK(s.over == 0);
	CHECK(s.bad_bounds == 0);
	CHECK(s.starts_sep == 0 || mode == PACK_CONCAT);
	CHECK(strcmp(s.first_id, "d0:0") == 0);
	if (mode == PACK_CONCAT)
		CHECK(s.short_blocks == 1);	/* only the last one */
	else
		CHECK(s.short_blocks > 0);
	CHECK(pack_stats(p)->docs == 5000 && pack_stats(p)->blocks == s.blocks);
	if (mode != PACK_CONCAT)
		CHECK(pack_stats(p)->split > 0);	/* the 300-token sentences */
	pack_free(p);
	free(s.toks);
	free(all);
}

/* Sentences stay whole: with blocks of 256, a 60-token sentence never straddles. */
static void
test_whole_sentences(void)
{
	struct pack_opts o = { PACK_DOC_SENTENCES, 8, -1, -1 };
	struct sink s = { 0 };
	struct pack *p;
	uint32_t t[12] = { 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
	uint32_t b[4] = { 0, 3, 6, 9 };
	struct tok_rec rec = { 0 };

	s.max_len = 8;
	p = pack_new(&o, collect, &s);
	rec.id = "a";
	rec.id_len = 1;
	rec.tokens = t;
	rec.n = 12;
	rec.bounds = b;
	rec.n_bounds = 4;
	CHECK(pack_add(p, &rec) == 0);
	CHECK(pack_finish(p) == 0);
	/* [20..25] [26..31]: two sentences of 3 each per block of 8 */
	CHECK(s.blocks == 2 && s.n == 12);
	CHECK(strcmp(s.first_id, "a:0") == 0);
	pack_free(p);
	free(s.toks);
	/* A sentence longer than a block is cut. */
	memset(&s, 0, sizeof s);
	s.max_len = 4;
	o.max_len = 4;
	o.mode = PACK_FULL_SENTENCES;
	o.sep = SEPID;
	p = pack_new(&o, collect, &s);
	rec.n_bounds = 0;
	CHECK(pack_add(p, &rec) == 0);
	CHECK(pack_finish(p) == 0);
	/* 12 tokens and the separator: 4 + 4 + 4 + 1 */
	CHECK(s.blocks == 4 && s.n == 13 && s.over == 0 && s.toks[12] == SEPID);
	CHECK(pack_stats(p)->split == 1);
	pack_free(p);
	free(s.toks);
}

int
main(void)
{
	test_mode(PACK_FULL_SENTENCES, SEPID, -1);
	test_mode(PACK_FULL_SENTENCES, SEPID, BOS);
	test_mode(PACK_DOC_SENTENCES, -1, BOS);
	test_mode(PACK_CONCAT, SEPID, -1);
	test_whole_sentences();
	T_DONE();
}
