/*
 * t_wp_train.c - WordPiece training: BpeTrainer's test corpus with the "##"
 * prefix (merges worked out by hand from BpeTrainer's rules), the
 * likelihood score, special tokens, --limit-alphabet, counting that does not
 * depend on the thread count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "wp_train.h"

static struct wp_counter *
counter(const char *const *words, const uint64_t *counts, size_t n)
{
	struct wp_counter *c = wp_counter_new();
	size_t i;

	for (i = 0; i < n; i++)
		wp_counter_add(c, words[i], strlen(words[i]), counts[i]);
	return c;
}

/* The tokens from id `from` on, joined by spaces. */
static const char *
tail(const struct wp_result *r, uint32_t from)
{
	static char out[4096];
	size_t k = 0;
	uint32_t i;

	out[0] = '\0';
	for (i = from; i < r->n_tokens && k + strlen(r->tokens[i]) + 2 < sizeof out; i++) {
		if (i > from)
			out[k++] = ' ';
		memcpy(out + k, r->tokens[i], strlen(r->tokens[i]));
		k += strlen(r->tokens[i]);
	}
	out[k] = '\0';
	return out;
}

static void
test_bpe(void)
{
	/* BpeTrainer's test_train words (lowercased), min_frequency 2. */
	static const char *const words[] = { "roses", "are", "red", "voilets",
	    "blue", "bert", "is", "big", "and", "so" };
	static const uint64_t counts[] = { 1, 2, 1, 1, 1, 1, 2, 1, 1, 1 };
	struct wp_counter *c = counter(words, counts, 10);
	struct wp_train_opts o = { .vocab_size = 1000, .min_frequency = 2 };
	struct wp_result r;

	CHECK(wp_train(c, &o, &r) == 0);
	/*
	 * Alphabet a b d e g i l n o r s t u v (ids 0-13), then ##d ##e ##g ##i
	 * ##l ##n ##o ##r ##s ##t ##u (14-24).  Pairs seen twice: (a,##r)
	 * (##r,##e) (i,##s); the smallest ids win: "ar", then (i,##s) = (5,22)
	 * before (ar,##e) = (25,15): "is", then "are".
	 */
	CHECK_STREQ(tail(&r, 0), "a b d e g i l n o r s t u v ##d ##e ##g ##i ##l "
	    "##n ##o ##r ##s ##t ##u ar is are");
	CHECK(r.n_special == 0 && r.n_alphabet == 25 && r.n_merges == 3 &&
	    r.words == 10);
	wp_result_release(&r);
	/* The vocabulary size stops it; special tokens come first. */
	{
		static const char *const sp[] = { "[UNK]", "a" };
		struct wp_train_opts o2 = { .vocab_size = 26, .special = sp,
		    .n_special = 2 };
		CHECK(wp_train(c, &o2, &r) == 0);
		CHECK_STREQ(tail(&r, 0), "[UNK] a b d e g i l n o r s t u v ##d ##e "
		    "##g ##i ##l ##n ##o ##r ##s ##t ##u");
		CHECK(r.n_special == 2 && r.n_tokens == 26);
		wp_result_release(&r);
	}
	wp_counter_free(c);
}

static void
test_likelihood(void)
{
	/* "ab" is frequent, "cd" rare: count wins one, likelihood the other. */
	static const char *const words[] = { "ab", "cd", "ae" };
	static const uint64_t counts[] = { 10, 1, 5 };
	struct wp_counter *c = counter(words, counts, 3);
	struct wp_train_opts o = { .vocab_size = 9 };
	struct wp_result r;

	/* a b c d e ##b ##d ##e: 8 tokens, then one merge. */
	CHECK(wp_train(c, &o, &r) == 0);
	CHECK_STREQ(tail(&r, 8), "ab");
	wp_result_release(&r);
	o.score = WP_SCORE_LIKELIHOOD;
	CHECK(wp_train(c, &o, &r) == 0);
	CHECK_STREQ(tail(&r, 8), "cd");
	wp_result_release(&r);
	/* To the end: every word whole, for both scores. */
	o.vocab_size = 100;
	CHECK(wp_train(c, &o, &r) == 0);
	CHECK_STREQ(tail(&r, 8), "cd ab ae");
	wp_result_release(&r);
	o.score = WP_SCORE_BPE;
	CHECK(wp_train(c, &o, &r) == 0);
	CHECK_STREQ(tail(&r, 8), "ab ae cd");
	wp_result_release(&r);
	o.score = 7;
	CHECK(wp_train(c, &o, &r) == PTK_EAPI);
	wp_counter_free(c);
}

static void
test_alphabet(void)
{
	/*
	 * limit 3: the rarest characters go (x, y, e-acute: ties by code
	 * point), and words lose them: "xay" keeps "##a", as x was first.
	 */
	static const char *const words[] = { "aab", "bc", "xay", "\xc3\xa9" };
	static const uint64_t counts[] = { 5, 4, 1, 1 };
	struct wp_counter *c = counter(words, counts, 4);
	struct wp_train_opts o = { .vocab_size = 9, .limit_alphabet = 3 };
	struct wp_result r;

	CHECK(wp_train(c, &o, &r) == 0);
	CHECK_STREQ(tail(&r, 0), "a b c ##a ##b ##c aa aab bc");
	wp_result_release(&r);
	wp_counter_free(c);
}

static void
test_counting(void)
{
	static const struct wp_norm o = WP_NORM_UNCASED;
	const char *texts[64];
	size_t lens[64], i;
	struct wp_counter *one = wp_counter_new(), *many[3];
	struct wp_words scratch[3] = { 0 };
	int t;

	for (i = 0; i < 64; i++) {
		static const char *const src[] = { "The cat sat. THE CAT!",
		    "caf\xc3\xa9 \xe5\x8c\x97\xe4\xba\xac", "a b c d e f g", "" };
		texts[i] = src[i % 4];
		lens[i] = strlen(texts[i]);
	}
	for (t = 0; t < 3; t++)
		many[t] = wp_counter_new();
	wp_count_texts(&one, scratch, 1, &o, texts, lens, 64);
	wp_count_texts(many, scratch, 3, &o, texts, lens, 64);
	wp_counter_merge(many[0], many[1]);
	wp_counter_merge(many[0], many[2]);
	CHECK(wp_counter_words(one) == wp_counter_words(many[0]));
	CHECK(wp_counter_words(one) == 15);
	{
		struct wp_train_opts to = { .vocab_size = 200 };
		struct wp_result a, b;
		CHECK(wp_train(one, &to, &a) == 0 && wp_train(many[0], &to, &b) == 0);
		CHECK(a.n_tokens == b.n_tokens);
		CHECK_STREQ(tail(&a, 0), tail(&b, 0));
		wp_result_release(&a);
		wp_result_release(&b);
	}
	/* The counts themselves: "the" 2 per text, 16 texts. */
	for (i = 0; i < wp_counter_words(one); i++) {
		const char *w;
		uint64_t n;
		size_t len = wp_counter_get(one, i, &w, &n);
		if (len == 3 && memcmp(w, "the", 3) == 0)
			CHECK(n == 32);
		if (len == 4 && memcmp(w, "cafe", 4) == 0)
			CHECK(n == 16);
	}
	for (t = 0; t < 3; t++) {
		wp_counter_free(many[t]);
		wp_words_release(&scratch[t]);
	}
	wp_counter_free(one);
}

int
main(void)
{
	test_bpe();
	test_likelihood();
	test_alphabet();
	test_counting();
	T_DONE();
}
