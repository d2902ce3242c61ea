/* t_minhash.c - text normalisation, MinHash signatures, similarity estimates. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "minhash.h"
#include "t.h"
#include "textnorm.h"

static const struct {
	const char *in;
	unsigned flags;
	const char *want;
} norm_cases[] = {
	{ "  Hello,\t World!  \n", 0, "Hello, World!" },
	{ "  Hello,\t World!  \n", TN_LOWER | TN_NOPUNCT, "hello world" },
	{ "cafe\xcc\x81", 0, "caf\xc3\xa9" },				/* NFC composes */
	{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },				/* already NFC */
	{ "\xe1\x84\x80\xe1\x85\xa1", 0, "\xea\xb0\x80" },		/* jamo -> Hangul syllable */
	{ "\xe2\x84\xa6", 0, "\xce\xa9" },				/* OHM SIGN -> OMEGA */
	{ "Tel 0123-45", TN_DIGITS | TN_NOPUNCT, "Tel 000000" },
	{ "a\xc2\xa0" "b\xe3\x80\x80" "c", 0, "a b c" },		/* NBSP, ideographic space */
	{ "\xe2\x80\x9cQuoted\xe2\x80\x9d \xc2\xbfs\xc3\xad?", TN_LOWER | TN_NOPUNCT,
	  "quoted s\xc3\xad" },
	{ "\xc3\x80\xc3\x89 \xce\xa3", TN_LOWER, "\xc3\xa0\xc3\xa9 \xcf\x83" },
	{ "a $5 + b = <c>", TN_NOPUNCT, "a $5 + b = <c>" },		/* symbols stay */
	{ "", 0, "" },
	{ "   \n\t ", TN_LOWER, "" },
	{ "x\xffy", TN_LOWER, "x\xffy" },				/* invalid byte kept */
};

static void
test_normalize(void)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++) {
		CHECK(tn_normalize(norm_cases[i].in, strlen(norm_cases[i].in),
		    norm_cases[i].flags, &b) == 0);
		CHECKF(b.len == strlen(norm_cases[i].want) &&
		    memcmp(b.p, norm_cases[i].want, b.len) == 0,
		    "case %zu: got '%.*s', want '%s'", i, (int)b.len, b.p,
		    norm_cases[i].want);
	}
	/* NUL bytes (from \u0000) are text, kept in place. */
	CHECK(tn_normalize("a\0b", 3, TN_LOWER, &b) == 0);
	CHECK(b.len == 3 && b.p[1] == '\0');
	CHECK(tn_count_nonspace(" a b\xc2\xa0\xc3\xa9\n", 8) == 3);
	buf_release(&b);
}

/* n words "w<start>" .. "w<start+n-1>", with words in [rs, re) renamed. */
static char *
words(int start, int n, int rs, int re, const char *tag)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s%d", i ? " " : "", (i >= rs && i < re) ? tag : "w",
		    start + i);
	return buf_detach(&b, NULL);
}

static void
test_signatures(void)
{
	struct mh_params p = MH_PARAMS_INIT;
	struct mh m, m2;
	struct mh_scratch s = { 0 };
	uint32_t *x, *y;
	char *a, *b;
	double est, exact;
	int i, diffs = 0, ok;

	CHECK(mh_init(&m, &p) == 0);
	CHECK(m.k == 112 && m.words == 112 + 512);
	x = calloc((size_t)m.words, 4);
	y = calloc((size_t)m.words, 4);

	/* Identical texts: equal signatures, similarity 1. */
	a = words(0, 300, 0, 0, "");
	CHECK(mh_sign(&m, a, strlen(a), x, &s) == 300);
	CHECK(mh_sign(&m, a, strlen(a), y, &s) == 300);
	CHECK(memcmp(x, y, 4 * (size_t)m.words) == 0);
	CHECK(mh_similarity(&m, x, y) == 1.0);

	/* The estimate follows the exact Jaccard similarity. */
	for (i = 0; i < 4; i++) {
		int cut = 300 - 40 * (i + 1);
		b = words(0, 300, cut, 300, "v");
		mh_sign(&m, b, strlen(b), y, &s);
		est = mh_similarity(&m, x, y);
		exact = mh_jaccard_exact(&m, a, strlen(a), b, strlen(b));
		CHECKF(est > exact - 0.08 && est < exact + 0.08,
		    "estimate %.3f, exact %.3f", est, exact);
		free(b);
	}
	/* Disjoint texts: about 0. */
	b = words(1000, 300, 0, 0, "");
	mh_sign(&m, b, strlen(b), y, &s);
	CHECK(mh_similarity(&m, x, y) < 0.05);
	CHECK(mh_jaccard_exact(&m, a, strlen(a), b, strlen(b)) == 0.0);
	free(b);

	/* Fewer words than one shingle: one shingle of all of them. */
	CHECK(mh_sign(&m, "hello world", 11, x, &s) == 2);
	CHECK(mh_sign(&m, "hello world", 11, y, &s) == 2);
	CHECK(mh_similarity(&m, x, y) == 1.0);
	CHECK(mh_sign(&m, "hello there", 11, y, &s) == 2);
	CHECK(mh_similarity(&m, x, y) < 0.05);
	/* No words: all empty, and not similar to a one-word text either. */
	CHECK(mh_sign(&m, "", 0, x, &s) == 0);
	for (i = 0, ok = 1; i < m.k; i++)
		ok &= x[i] == UINT32_MAX;
	for (i = m.k; i < m.words; i++)
		ok &= x[i] == UINT32_MAX;
	CHECK(ok);

	/* Band keys: equal signatures share every band; bands differ by seed. */
	mh_sign(&m, a, strlen(a), x, &s);
	mh_sign(&m, a, strlen(a), y, &s);
	for (i = 0; i < p.bands; i++)
		CHECK(mh_band_key(&m, x, i) == mh_band_key(&m, y, i));
	CHECK(mh_band_key(&m, x, 0) != mh_band_key(&m, x, 1));

	/* Another seed draws other permutations. */
	p.seed = 2;
	CHECK(mh_init(&m2, &p) == 0);
	mh_sign(&m2, a, strlen(a), y, &s);
	for (i = 0; i < m.k; i++)
		diffs += x[i] != y[i];
	CHECK(diffs > m.k / 2);
	mh_release(&m2);

	/* Bad parameters. */
	p = (struct mh_params)MH_PARAMS_INIT;
	p.bins = 3;
	CHECK(mh_init(&m2, &p) != 0);
	p.bins = 0;
	p.bands = 200;
	CHECK(mh_init(&m2, &p) != 0);

	free(a);
	free(x);
	free(y);
	mh_scratch_release(&s);
	mh_release(&m);
}

/* The vectorised fold against the plain loop, on odd sizes too. */
static void
test_fold(void)
{
	static const int ks[][2] = { { 14, 8 }, { 9, 13 }, { 1, 1 }, { 20, 5 } };
	uint64_t xs[257], st = 42;
	size_t t, j;

	for (j = 0; j < 257; j++) {
		st = st * 6364136223846793005ull + 1442695040888963407ull;
		xs[j] = st ^ (st >> 29);
	}
	for (t = 0; t < sizeof ks / sizeof ks[0]; t++) {
		struct mh_params p = { 5, ks[t][0], ks[t][1], 7, 0 };
		struct mh m;
		uint32_t a[MH_MAX_HASHES], b[MH_MAX_HASHES];
		int i;

		CHECK(mh_init(&m, &p) == 0);
		for (i = 0; i < m.k; i++)
			a[i] = b[i] = UINT32_MAX;
		mh_fold(&m, xs, 257, a);
		mh_fold_ref(&m, xs, 257, b);
		CHECK(memcmp(a, b, 4 * (size_t)m.k) == 0);
		mh_release(&m);
	}
}

int
main(void)
{
	test_normalize();
	test_signatures();
	test_fold();
	T_DONE();
}
