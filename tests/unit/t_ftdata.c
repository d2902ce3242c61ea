/*
 * t_ftdata.c - fine-tuning examples and scores: SQuAD v1.1's answer
 * normalisation, exact match and F1 (the cases of its evaluation script),
 * the softmax cross-entropy's gradient against finite differences, and the
 * reading of classification and span lines, SQuAD's "answers" included,
 * with answer_start in characters of a UTF-8 context.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "nn/ftdata.h"
#include "nn/gpt.h"

static void
test_scores(void)
{
	/* normalize_answer: lower case, punctuation and articles removed */
	CHECK(ft_exact_match("The Cat!", "cat"));
	CHECK(ft_exact_match("  an   apple. ", "Apple"));
	CHECK(ft_exact_match("Denver Broncos", "denver broncos"));
	CHECK(!ft_exact_match("Denver", "Denver Broncos"));
	CHECK(ft_exact_match("", "the"));	/* both normalise to "" */
	/* F1 over normalised words, a multiset intersection */
	CHECK(fabs(ft_f1("Denver", "Denver Broncos") - 2.0 / 3) < 1e-12);
	CHECK(fabs(ft_f1("the cat sat", "a cat sat down") - 0.8) < 1e-12);
	CHECK(ft_f1("dog", "cat") == 0);
	CHECK(fabs(ft_f1("a a b", "a b b") - 2.0 * 2 / 6) < 1e-12);
	CHECK(ft_f1("Cat.", "the cat") == 1);
}

static void
test_softmax_ce(void)
{
	float x[5] = { 0.3f, -1.2f, 2.0f, 0.0f, 0.7f }, dx[5];
	double l = ft_softmax_ce(x, 5, 3, 0.5, dx), worst = 0, sum = 0;

	CHECK(l > 0);
	for (int i = 0; i < 5; i++) {
		float xp[5], xm[5];
		memcpy(xp, x, sizeof(x));
		memcpy(xm, x, sizeof(x));
		xp[i] += 1e-2f;
		xm[i] -= 1e-2f;
		double num = 0.5 * (ft_softmax_ce(xp, 5, 3, 0, NULL) -
		    ft_softmax_ce(xm, 5, 3, 0, NULL)) / (xp[i] - xm[i]);
		worst = fmax(worst, fabs(num - dx[i]));
		sum += dx[i];
	}
	CHECKF(worst < 1e-4, "softmax CE gradient off by %g", worst);
	CHECK(fabs(sum) < 1e-6);	/* softmax minus one-hot sums to 0 */
}

static const char vocab[] =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nwho\nis\nhere\nthe\ncat\nsat\n"
    "on\nmat\ncafé\n?\n.\n";

static void
test_load(void)
{
	char dir[] = "/tmp/t_ftdata.XXXXXX", vp[64], dp[64], err[256];
	struct tokenizer *tk;
	struct ft_set s;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(vp, sizeof(vp), "%s/vocab.txt", dir);
	snprintf(dp, sizeof(dp), "%s/d.jsonl", dir);
	f = fopen(vp, "w");
	fputs(vocab, f);
	fclose(f);
	CHECK(tokenizer_load(&tk, vp, NULL, err, sizeof(err)) == 0);

	f = fopen(dp, "w");
	/* answer_start counts characters: "café " is 5 of them, 6 bytes */
	fputs("{\"question\":\"who sat?\",\"context\":\"café the cat sat on "
	    "the mat.\",\"answers\":{\"text\":[\"the cat\",\"cat\"],"
	    "\"answer_start\":[5,9]},\"id\":\"x\"}\n", f);
	fputs("\n{\"context\":\"the mat . the cat\",\"question\":\"is\","
	    "\"answer\":\"cat\"}\n", f);
	fclose(f);
	CHECK(ft_load(dp, FT_SPAN, tk, &s, err, sizeof(err)) == 0);
	CHECK(s.n == 2);
	if (s.n == 2) {
		/* café the cat ... : answer tokens 1..2 of the context */
		CHECK(s.e[0].ans_first == 1 && s.e[0].ans_last == 2);
		CHECK(s.e[0].ngold == 2 && !strcmp(s.e[0].gold[1], "cat"));
		CHECK(s.e[0].na == 3 && s.e[0].nb == 8);
		/* found by search: "the mat . the cat" -> 4 */
		CHECK(s.e[1].ans_first == 4 && s.e[1].ans_last == 4);
	}
	ft_set_release(&s);

	f = fopen(dp, "w");
	fputs("{\"question\":\"is\",\"context\":\"the cat\",\"answer\":\"cat\","
	    "\"answer_start\":0}\n", f);
	fclose(f);
	CHECK(ft_load(dp, FT_SPAN, tk, &s, err, sizeof(err)) == NN_EFORMAT);
	CHECK(strstr(err, "line 1 at byte 0: the answer is not at "
	    "answer_start") != NULL);
	CHECK(s.n == 0 && s.e == NULL);

	f = fopen(dp, "w");
	fputs("{\"text_a\":\"the cat\",\"text_b\":\"sat\",\"label\":2}\n"
	    "{\"text\":\"mat\",\"label\":0,\"extra\":[1,{\"a\":null}]}\n", f);
	fclose(f);
	CHECK(ft_load(dp, FT_CLS, tk, &s, err, sizeof(err)) == 0);
	CHECK(s.n == 2 && s.K == 3);
	if (s.n == 2)
		CHECK(s.e[0].has_b && s.e[0].na == 2 && s.e[0].nb == 1 &&
		    !s.e[1].has_b && s.e[1].label == 0);
	ft_set_release(&s);

	f = fopen(dp, "w");
	fputs("{\"text\":\"mat\",\"label\":0}\n{\"text\":\"mat\" \"label\"}\n",
	    f);
	fclose(f);
	CHECK(ft_load(dp, FT_CLS, tk, &s, err, sizeof(err)) == NN_EFORMAT);
	CHECK(strstr(err, "line 2 at byte 25") != NULL);
	CHECK(ft_load("/nonexistent/x", FT_CLS, tk, &s, err, sizeof(err)) ==
	    NN_EIO);

	tokenizer_free(tk);
	unlink(vp);
	unlink(dp);
	rmdir(dir);
}

int
main(void)
{
	test_scores();
	test_softmax_ce();
	test_load();
	T_DONE();
}
