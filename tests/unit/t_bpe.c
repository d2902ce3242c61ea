/* t_bpe.c - BPE encoding against a plain reference, and decoding. */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "tokenizer.h"

/*
 * tiktoken's algorithm, written plainly: merge the adjacent pair whose
 * concatenation has the lowest rank (id), leftmost first.
 */
static size_t
reference(const struct tokenizer *t, const char *s, size_t n, uint32_t *out)
{
	size_t k = n, i, start[1024], len[1024];
	int64_t whole = t->ops->token_id(t, s, n);

	if (whole >= 0) {
		out[0] = (uint32_t)whole;
		return 1;
	}
	for (i = 0; i < n; i++) {
		start[i] = i;
		len[i] = 1;
	}
	for (;;) {
		int64_t best = -1;
		size_t at = 0;
		for (i = 0; i + 1 < k; i++) {
			int64_t id = t->ops->token_id(t, s + start[i], len[i] + len[i + 1]);
			if (id >= 0 && (best < 0 || id < best)) {
				best = id;
				at = i;
			}
		}
		if (best < 0)
			break;
		len[at] += len[at + 1];
		memmove(start + at + 1, start + at + 2, (k - at - 2) * sizeof *start);
		memmove(len + at + 1, len + at + 2, (k - at - 2) * sizeof *len);
		k--;
	}
	for (i = 0; i < k; i++)
		out[i] = (uint32_t)t->ops->token_id(t, s + start[i], len[i]);
	return k;
}

int
main(void)
{
	struct tokenizer *t;
	struct tok_state *s;
	struct idvec v = { 0 };
	struct buf back = BUF_INIT;
	char err[256], text[1024];
	uint32_t want[1024];
	int iter;

	CHECK(tokenizer_load(&t, "tests/data/bpe/small.tiktoken", NULL, err, sizeof err) == 0);
	if (t == NULL) {
		fprintf(stderr, "%s\n", err);
		T_DONE();
	}
	CHECK(t->vocab_size == 400);
	s = t->ops->state_new(t);
	srand(11);
	/* One long piece of letters: short ones take the simple path, long
	 * ones (over 64 bytes) the heap path. */
	for (iter = 0; iter < 600; iter++) {
		size_t n = 1 + (size_t)rand() % (iter < 300 ? 64 : 700), i, k;
		static const char letters[] = "theiconrsag";
		for (i = 0; i < n; i++)
			text[i] = letters[rand() % (sizeof letters - 1)];
		v.n = 0;
		CHECK(t->ops->encode(t, s, text, n, &v) == 0);
		/* twice: the second time from the cache */
		CHECK(t->ops->encode(t, s, text, n, &v) == 0);
		k = reference(t, text, n, want);
		CHECKF(v.n == 2 * k && memcmp(v.v, want, k * 4) == 0 &&
		    memcmp(v.v + k, want, k * 4) == 0, "length %zu", n);
	}
	/* Arbitrary bytes decode back exactly. */
	for (iter = 0; iter < 200; iter++) {
		size_t n = (size_t)rand() % 1000, i;
		for (i = 0; i < n; i++)
			text[i] = (char)(rand() % 256);
		v.n = 0;
		buf_reset(&back);
		CHECK(t->ops->encode(t, s, text, n, &v) == 0);
		CHECK(t->ops->decode(t, v.v, v.n, &back) == 0);
		CHECK(back.len == n && (n == 0 || memcmp(back.p, text, n) == 0));
	}
	want[0] = 400;
	CHECK(t->ops->decode(t, want, 1, &back) == PTK_EFORMAT);
	t->ops->state_free(s);
	idvec_release(&v);
	buf_release(&back);
	tokenizer_free(t);
	T_DONE();
}
