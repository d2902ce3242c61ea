/* t_bpe_train.c - the trainer against BpeTrainer's own test and its limits. */
#include <stdlib.h>
#include <string.h>

#include "bpe_train.h"
#include "t.h"

static int64_t
find(const struct bpe_result *r, const char *s)
{
	uint32_t i;

	for (i = 0; i < r->n_tokens; i++)
		if (strcmp(r->tokens[i], s) == 0)
			return i;
	return -1;
}

/* tokenizers/src/models/bpe/trainer.rs, test_train: the same vocabulary. */
static void
hf_test_train(void)
{
	static const struct { const char *w; uint64_t n; } words[] = {
		{ "roses", 1 }, { "are", 2 }, { "red", 1 }, { "voilets", 1 },
		{ "blue", 1 }, { "BERT", 1 }, { "is", 2 }, { "big", 1 },
		{ "and", 1 }, { "so", 1 }, { "GPT-2", 1 },
	};
	static const char *const vocab[] = {
		"-", "2", "B", "E", "G", "P", "R", "T", "a", "b", "d", "e", "g",
		"i", "l", "n", "o", "r", "s", "t", "u", "v", "re", "are", "is",
	};
	struct bpe_counter *c = bpe_counter_new();
	struct bpe_train_opts o = { .vocab_size = 30000, .min_frequency = 2 };
	struct bpe_result r;
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		bpe_counter_add(c, words[i].w, strlen(words[i].w), words[i].n);
	CHECK(bpe_train(c, &o, &r) == 0);
	CHECK(r.n_tokens == sizeof vocab / sizeof vocab[0]);
	for (i = 0; i < r.n_tokens && i < sizeof vocab / sizeof vocab[0]; i++)
		CHECK_STREQ(r.tokens[i], vocab[i]);
	CHECK(r.n_merges == 3);
	if (r.n_merges == 3) {
		CHECK(r.merges[0][0] == 17 && r.merges[0][1] == 11);
		CHECK(r.merges[1][0] == 8 && r.merges[1][1] == 22);
		CHECK(r.merges[2][0] == 13 && r.merges[2][1] == 18);
	}
	bpe_result_release(&r);
	bpe_counter_free(c);
}

/* Counts past 2^32: 32-bit counts would wrap 5e9 below 3e9. */
static void
counts_64bit(void)
{
	struct bpe_counter *c = bpe_counter_new();
	struct bpe_train_opts o = { .vocab_size = 5 };
	struct bpe_result r;

	bpe_counter_add(c, "cd", 2, 3000000000ULL);
	bpe_counter_add(c, "ab", 2, 2500000000ULL);
	bpe_counter_add(c, "ab", 2, 2500000000ULL);
	CHECK(bpe_train(c, &o, &r) == 0);
	CHECK(r.n_merges == 1);
	CHECK(r.n_tokens == 5 && strcmp(r.tokens[4], "ab") == 0);
	bpe_result_release(&r);
	bpe_counter_free(c);
}

/* Counting in two counters and merging them gives what one counter gives. */
static void
counter_merge(void)
{
	struct bpe_counter *a = bpe_counter_new(), *b = bpe_counter_new(),
	    *one = bpe_counter_new();
	struct bpe_train_opts o = { .vocab_size = 400 };
	struct bpe_result ra, rb;
	char w[16];
	int i;
	uint32_t k;

	srand(7);
	for (i = 0; i < 20000; i++) {
		int n = 1 + rand() % 8, j;
		for (j = 0; j < n; j++)
			w[j] = (char)('a' + rand() % 6);
		bpe_counter_add(i % 2 ? a : b, w, (size_t)n, 1);
		bpe_counter_add(one, w, (size_t)n, 1);
	}
	bpe_counter_merge(a, b);
	CHECK(bpe_counter_words(a) == bpe_counter_words(one));
	CHECK(bpe_counter_words(b) == 0);
	CHECK(bpe_train(a, &o, &ra) == 0 && bpe_train(one, &o, &rb) == 0);
	CHECK(ra.n_merges == rb.n_merges && ra.n_tokens == rb.n_tokens);
	for (k = 0; k < ra.n_merges && k < rb.n_merges; k++)
		CHECK(ra.merges[k][0] == rb.merges[k][0] && ra.merges[k][1] == rb.merges[k][1]);
	bpe_result_release(&ra);
	bpe_result_release(&rb);
	bpe_counter_free(a);
	bpe_counter_free(b);
	bpe_counter_free(one);
}

/* Limits: max token length, alphabet, initial alphabet, special tokens. */
static void
limits(void)
{
	const char *special[] = { "<|endoftext|>" };
	struct bpe_counter *c = bpe_counter_new();
	struct bpe_train_opts o = { .vocab_size = 1000, .max_token_length = 3,
	    .special = special, .n_special = 1 };
	struct bpe_result r;
	uint32_t i;
	size_t longest = 0;

	bpe_counter_add(c, "abcdefgh", 8, 10);
	bpe_counter_add(c, "abcdxyz", 7, 3);
	CHECK(bpe_train(c, &o, &r) == 0);
	CHECK_STREQ(r.tokens[0], "<|endoftext|>");
	for (i = 1; i < r.n_tokens; i++)
		if (strlen(r.tokens[i]) > longest)
			longest = strlen(r.tokens[i]);
	CHECK(longest <= 3);
	CHECK(find(&r, "ab") > 0 && find(&r, "cd") > 0 && find(&r, "abcd") < 0);
	bpe_result_release(&r);

	memset(o.initial_alphabet, 1, sizeof o.initial_alphabet);
	o.max_token_length = 0;
	o.vocab_size = 258;
	CHECK(bpe_train(c, &o, &r) == 0);
	CHECK(r.n_tokens == 258 && find(&r, "Ġ") > 0 && find(&r, "ab") == 257);
	bpe_result_release(&r);

	memset(o.initial_alphabet, 0, sizeof o.initial_alphabet);
	o.limit_alphabet = 4;	/* a b c d are the most frequent */
	o.vocab_size = 100;
	CHECK(bpe_train(c, &o, &r) == 0);
	CHECK(find(&r, "e") < 0 && find(&r, "x") < 0 && find(&r, "abcd") > 0);
	bpe_result_release(&r);
	bpe_counter_free(c);
}

int
main(void)
{
	hf_test_train();
	counts_64bit();
	counter_merge();
	limits();
	T_DONE();
}
