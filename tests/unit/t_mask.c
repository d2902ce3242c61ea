/*
 * t_mask.c - masking and span corruption: statistics over more than a
 * million tokens, exact T5 cases, determinism.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "t.h"
#include "xalloc.h"

#define V 30000
#define PAD 0
#define UNK 1
#define CLS 2
#define SEP 3
#define MSK 4
#define FIRST_CONT 20000	/* ids >= this continue a word in the whole-word tests */

static struct tok_header hdr;

static void
make_vocab(struct mask_vocab *v, int cont)
{
	uint32_t id;

	tok_header_init(&hdr, V, 0);
	hdr.special[TOK_PAD] = PAD;
	hdr.special[TOK_UNK] = UNK;
	hdr.special[TOK_CLS] = CLS;
	hdr.special[TOK_SEP] = SEP;
	hdr.special[TOK_MASK] = MSK;
	mask_vocab_init(v, V, MSK, &hdr);
	if (cont)
		for (id = FIRST_CONT; id < V; id++)
			mask_vocab_set_cont(v, id);
	CHECK(mask_vocab_done(v) == 0);
}

/* A BERT-shaped record: [CLS] a.. [SEP] b.. [SEP] [PAD]..; cont_share of words continue. */
static void
make_record(struct mask_rng *r, uint32_t *t, size_t n, double cont_share)
{
	size_t i, mid = 1 + mask_rng_below(r, (uint32_t)(n - 6)) + 1, pads = mask_rng_below(r, 4);

	for (i = 0; i < n; i++) {
		if (mask_rng_unit(r) < cont_share && i > 0)
			t[i] = FIRST_CONT + mask_rng_below(r, V - FIRST_CONT);
		else
			t[i] = 5 + mask_rng_below(r, FIRST_CONT - 5);
		if (mask_rng_unit(r) < 0.002)
			t[i] = UNK;
	}
	t[0] = CLS;
	t[mid] = SEP;
	t[n - 1 - pads] = SEP;
	for (i = n - pads; i < n; i++)
		t[i] = PAD;
}

static int
is_special(uint32_t t)
{
	return t <= MSK;
}

static void
test_bert_stats(void)
{
	struct mask_vocab v;
	struct mask_opts o = MASK_OPTS_INIT;
	struct mask_scratch s = { 0 };
	struct mask_stats st = { 0 };
	struct mask_rng r;
	uint32_t t[128], orig[128];
	int32_t lab[128];
	uint64_t tokens = 0, maskable = 0, sel = 0, nmask = 0, nrand = 0, nkeep = 0, bad = 0;
	uint64_t maskable_before = 0;
	size_t rec, i;

	make_vocab(&v, 0);
	o.seed = 7;
	mask_rng_seed(&r, 1, 2, 3);
	for (rec = 0; rec < 10000; rec++) {
		size_t got;
		make_record(&r, orig, 128, 0);
		memcpy(t, orig, sizeof t);
		got = mask_record(&o, &v, rec, t, 128, lab, &s, &st);
		tokens += 128;
		for (i = 0; i < 128; i++) {
			maskable += !is_special(orig[i]);
			if (lab[i] < 0) {
				bad += t[i] != orig[i];
				continue;
			}
			sel++;
			bad += is_special(orig[i]) || (uint32_t)lab[i] != orig[i];
			if (t[i] == MSK)
				nmask++;
			else if (t[i] == orig[i])
				nkeep++;
			else {
				nrand++;
				bad += is_special(t[i]) || t[i] >= V;
			}
		}
		bad += got != (size_t)rint(0.15 * (double)(st.maskable - maskable_before));
		maskable_before = st.maskable;
	}
	CHECKF(tokens >= 1000000, "%llu tokens", (unsigned long long)tokens);
	CHECKF(bad == 0, "%llu bad positions", (unsigned long long)bad);
	CHECKF(fabs((double)sel / (double)maskable - 0.15) < 0.002, "selection rate %f",
	    (double)sel / (double)maskable);
	CHECKF(fabs((double)nmask / (double)sel - 0.8) < 0.005, "mask share %f",
	    (double)nmask / (double)sel);
	CHECKF(fabs((double)nrand / (double)sel - 0.1) < 0.004, "random share %f",
	    (double)nrand / (double)sel);
	CHECKF(fabs((double)nkeep / (double)sel - 0.1) < 0.004, "keep share %f",
	    (double)nkeep / (double)sel);
	CHECK(st.predicted == sel);
	CHECK(st.to_mask + st.to_random + st.kept == sel);
	mask_scratch_release(&s);
	mask_vocab_release(&v);
}

/* Per record, the prediction count is round(0.15 * maskable), capped. */
static void
test_count_and_cap(void)
{
	struct mask_vocab v;
	struct mask_opts o = MASK_OPTS_INIT;
	struct mask_scratch s = { 0 };
	struct mask_rng r;
	uint32_t t[512];
	int32_t lab[512];
	size_t rec, n;

	make_vocab(&v, 0);
	mask_rng_seed(&r, 4, 5, 6);
	for (rec = 0; rec < 2000; rec++) {
		struct mask_stats st = { 0 };
		size_t got, want;
		n = 8 + mask_rng_below(&r, 500);
		make_record(&r, t, n, 0);
		o.max_predictions = rec % 2 ? 20 : 0;
		got = mask_record(&o, &v, rec, t, n, lab, &s, &st);
		want = (size_t)rint(0.15 * (double)st.maskable);	/* ties to even */
		if (want < 1)
			want = 1;
		if (o.max_predictions && want > o.max_predictions)
			want = o.max_predictions;
		if (st.maskable == 0)
			want = 0;
		CHECKF(got == want, "n %zu: got %zu want %zu", n, got, want);
	}
	/* Nothing maskable: nothing selected, tokens unchanged. */
	t[0] = CLS;
	t[1] = SEP;
	t[2] = PAD;
	CHECK(mask_record(&o, &v, 1, t, 3, lab, &s, NULL) == 0);
	CHECK(t[0] == CLS && t[1] == SEP && t[2] == PAD && lab[0] == -1 && lab[2] == -1);
	mask_scratch_release(&s);
	mask_vocab_release(&v);
}

static void
test_determinism(void)
{
	struct mask_vocab v;
	struct mask_opts o = MASK_OPTS_INIT;
	struct mask_scratch s1 = { 0 }, s2 = { 0 };
	struct mask_rng r;
	uint32_t orig[256], a[256], b[256];
	int32_t la[256], lb[256];
	size_t rec, same_epoch = 0, diff_epoch = 0, diff_key = 0;

	make_vocab(&v, 0);
	mask_rng_seed(&r, 9, 9, 9);
	for (rec = 0; rec < 500; rec++) {
		uint64_t key = mask_record_key("doc", 3) + rec;
		make_record(&r, orig, 256, 0);
		o.seed = 42;
		o.epoch = 0;
		memcpy(a, orig, sizeof a);
		memcpy(b, orig, sizeof b);
		mask_record(&o, &v, key, a, 256, la, &s1, NULL);
		mask_record(&o, &v, key, b, 256, lb, &s2, NULL);
		same_epoch += memcmp(a, b, sizeof a) == 0 && memcmp(la, lb, sizeof la) == 0;
		o.epoch = 1;
		memcpy(b, orig, sizeof b);
		mask_record(&o, &v, key, b, 256, lb, &s2, NULL);
		diff_epoch += memcmp(la, lb, sizeof la) != 0;
		o.epoch = 0;
		memcpy(b, orig, sizeof b);
		mask_record(&o, &v, key + 1, b, 256, lb, &s2, NULL);
		diff_key += memcmp(la, lb, sizeof la) != 0;
	}
	CHECK(same_epoch == 500);
	CHECK(diff_epoch == 500);
	CHECK(diff_key == 500);
	/* A fixed value, so that a change to the generator shows. */
	CHECK(mask_record_key("doc-1", 5) == mask_record_key("doc-1", 5));
	CHECK(mask_record_key("doc-1", 5) != mask_record_key("doc-2", 5));
	mask_scratch_release(&s1);
	mask_scratch_release(&s2);
	mask_vocab_release(&v);
}

/* Whole-word masking never splits a word and keeps the rate. */
static void
test_whole_word(void)
{
	struct mask_vocab v;
	struct mask_opts o = MASK_OPTS_INIT;
	struct mask_scratch s = { 0 };
	struct mask_rng r;
	uint32_t t[128], orig[128];
	int32_t lab[128];
	uint64_t tokens = 0, maskable = 0, sel = 0, split = 0, multi = 0;
	size_t rec, i;
	uint8_t starts[(V + 7) / 8];

	/* Through the bit-vector interface: ids >= FIRST_CONT continue a word. */
	make_vocab(&v, 0);
	memset(starts, 0, sizeof starts);
	for (i = 0; i < FIRST_CONT; i++)
		starts[i / 8] |= (uint8_t)(1u << (i % 8));
	mask_vocab_set_word_starts(&v, starts);
	CHECK(mask_vocab_done(&v) == 0);
	o.whole_word = 1;
	mask_rng_seed(&r, 11, 12, 13);
	for (rec = 0; rec < 8000; rec++) {
		make_record(&r, orig, 128, 0.35);
		memcpy(t, orig, sizeof t);
		mask_record(&o, &v, rec, t, 128, lab, &s, NULL);
		tokens += 128;
		for (i = 0; i < 128; i++) {
			maskable += !is_special(orig[i]);
			sel += lab[i] >= 0;
			/* A continuation is selected exactly when the token before it is. */
			if (i > 0 && orig[i] >= FIRST_CONT && !is_special(orig[i - 1])) {
				split += (lab[i] >= 0) != (lab[i - 1] >= 0);
				multi += lab[i] >= 0;
			}
		}
	}
	CHECKF(tokens >= 1000000, "%llu", (unsigned long long)tokens);
	CHECKF(split == 0, "%llu words split", (unsigned long long)split);
	CHECK(multi > 10000);
	CHECKF(fabs((double)sel / (double)maskable - 0.15) < 0.003, "rate %f",
	    (double)sel / (double)maskable);
	mask_scratch_release(&s);
	mask_vocab_release(&v);
}

/* ALBERT n-grams: n chosen with weight 1/n; specials never inside. */
static void
test_ngram(void)
{
	struct mask_vocab v;
	struct mask_opts o = MASK_OPTS_INIT;
	struct mask_scratch s = { 0 };
	struct mask_stats st = { 0 };
	struct mask_rng r;
	uint32_t *t = xmalloc(4096 * 4), *orig = xmalloc(4096 * 4);
	int32_t *lab = xmalloc(4096 * 4);
	uint64_t tokens = 0, sel = 0, bad = 0, total;
	size_t rec, i;

	make_vocab(&v, 0);
	o.ngram = 3;
	mask_rng_seed(&r, 21, 22, 23);
	for (rec = 0; rec < 260; rec++) {
		make_record(&r, orig, 4096, 0);
		memcpy(t, orig, 4096 * 4);
		mask_record(&o, &v, rec, t, 4096, lab, &s, &st);
		tokens += 4096;
		for (i = 0; i < 4096; i++) {
			sel += lab[i] >= 0;
			bad += lab[i] >= 0 && is_special(orig[i]);
		}
	}
	total = st.ngrams[1] + st.ngrams[2] + st.ngrams[3];
	CHECK(tokens >= 1000000);
	CHECK(bad == 0);
	CHECK(sel == st.predicted);
	CHECK(st.ngrams[1] + 2 * st.ngrams[2] + 3 * st.ngrams[3] == sel);
	/* Long records, so that shortening near the count (which moves weight
	 * to shorter n) stays rare. */
	CHECKF(fabs((double)st.ngrams[1] / (double)total - 6.0 / 11) < 0.02, "1-grams %f",
	    (double)st.ngrams[1] / (double)total);
	CHECKF(fabs((double)st.ngrams[2] / (double)total - 3.0 / 11) < 0.02, "2-grams %f",
	    (double)st.ngrams[2] / (double)total);
	CHECKF(fabs((double)st.ngrams[3] / (double)total - 2.0 / 11) < 0.02, "3-grams %f",
	    (double)st.ngrams[3] / (double)total);
	CHECKF(fabs((double)sel / (double)st.maskable - 0.15) < 0.002, "rate %f",
	    (double)sel / (double)st.maskable);
	free(t);
	free(orig);
	free(lab);
	mask_scratch_release(&s);
	mask_vocab_release(&v);
}

/* Random replacements are uniform over the non-special ids. */
static void
test_random_token(void)
{
	struct mask_vocab v;
	struct mask_rng r;
	uint32_t counts[10] = { 0 }, i;
	uint32_t *specials;

	tok_header_init(&hdr, 10, 0);
	hdr.special[TOK_PAD] = 0;
	hdr.special[TOK_SEP] = 5;
	mask_vocab_init(&v, 10, 9, &hdr);
	CHECK(mask_vocab_done(&v) == 0);
	CHECK(v.nspecial == 3);
	specials = v.specials;
	CHECK(specials[0] == 0 && specials[1] == 5 && specials[2] == 9);
	mask_rng_seed(&r, 0, 0, 0);
	for (i = 0; i < 700000; i++)
		counts[mask_vocab_random(&v, &r)]++;
	CHECK(counts[0] == 0 && counts[5] == 0 && counts[9] == 0);
	for (i = 1; i < 9; i++)
		if (i != 5)
			CHECKF(fabs(counts[i] / 100000.0 - 1) < 0.02, "id %u: %u", i, counts[i]);
	mask_vocab_release(&v);
}

/* ---- span corruption ---- */

static void
test_span_exact(void)
{
	struct mask_span_opts o = { 0.15, 3.0, 99, 100, -1, 1, 0 };
	struct mask_scratch s = { 0 };
	uint32_t t[20], in[22], tg[22];
	size_t ni, nt, spans, i;

	for (i = 0; i < 20; i++)
		t[i] = (uint32_t)(10 + i);
	/* 20 tokens: 3 noise tokens in one span, which T5 puts at the end. */
	CHECK(mask_span(&o, 5, t, 20, in, &ni, tg, &nt, &spans, &s) == 0);
	CHECK(spans == 1);
	CHECK(ni == 18 && nt == 4);
	for (i = 0; i < 17; i++)
		CHECK(in[i] == t[i]);
	CHECK(in[17] == 99);
	CHECK(tg[0] == 99 && tg[1] == 27 && tg[2] == 28 && tg[3] == 29);
	/* One token: no noise; the target is one sentinel. */
	CHECK(mask_span(&o, 5, t, 1, in, &ni, tg, &nt, &spans, &s) == 0);
	CHECK(ni == 1 && in[0] == 10 && nt == 1 && tg[0] == 99);
	/* Two tokens: the second is noise. */
	o.eos = 1;
	CHECK(mask_span(&o, 5, t, 2, in, &ni, tg, &nt, &spans, &s) == 0);
	CHECK(ni == 3 && in[0] == 10 && in[1] == 99 && in[2] == 1);
	CHECK(nt == 3 && tg[0] == 99 && tg[1] == 11 && tg[2] == 1);
	/* Too few sentinels. */
	o.max_sentinels = 0;
	CHECK(mask_span(&o, 5, t, 20, in, &ni, tg, &nt, &spans, &s) == PTK_ELIMIT);
	mask_scratch_release(&s);
}

static void
test_span_stats(void)
{
	struct mask_span_opts o = { 0.15, 3.0, V - 1, 100, -1, 3, 0 };
	struct mask_scratch s = { 0 };
	struct mask_rng r;
	uint32_t *t = xmalloc(600 * 4), *in = xmalloc(602 * 4), *tg = xmalloc(602 * 4);
	uint32_t *back = xmalloc(602 * 4);
	uint64_t tokens = 0, noise = 0, nspans = 0, bad = 0, pos_noise[4] = { 0 };
	uint64_t runlen_sum = 0, runs = 0;
	size_t rec;

	mask_rng_seed(&r, 31, 32, 33);
	for (rec = 0; rec < 2500; rec++) {
		size_t n = rec < 2000 ? 568 : 2 + mask_rng_below(&r, 598), i, ni, nt, spans;
		size_t want_noise, want_spans, got_noise = 0, got_runs = 0, ii = 0, ti = 0, nb = 0;
		for (i = 0; i < n; i++)
			t[i] = 5 + mask_rng_below(&r, 20000);
		if (mask_span(&o, rec, t, n, in, &ni, tg, &nt, &spans, &s) != 0) {
			bad++;
			continue;
		}
		tokens += n;
		want_noise = (size_t)rintf((float)n * 0.15f);	/* T5: float32, ties to even */
		if (want_noise < 1)
			want_noise = 1;
		if (want_noise > n - 1)
			want_noise = n - 1;
		want_spans = (size_t)rintf((float)want_noise / 3.0f);
		if (want_spans < 1)
			want_spans = 1;
		for (i = 0; i < n; i++) {
			got_noise += s.noise[i];
			if (s.noise[i] && (i == 0 || !s.noise[i - 1]))
				got_runs++;
			if (rec < 2000)
				pos_noise[i * 4 / n] += s.noise[i];
		}
		bad += got_noise != want_noise || got_runs != want_spans || spans != want_spans;
		bad += s.noise[0] != 0;	/* begins with non-noise */
		noise += got_noise;
		nspans += got_runs;
		/* Rebuild the original from inputs and targets. */
		while (ii < ni) {
			if (in[ii] >= V - 100) {
				uint32_t sent = in[ii++];
				/* find sent in targets, copy its span */
				while (ti < nt && tg[ti] != sent)
					ti++;
				bad += ti == nt;
				ti++;
				while (ti < nt && tg[ti] < V - 100) {
					back[nb++] = tg[ti++];
					runlen_sum++;
				}
				runs++;
			} else {
				back[nb++] = in[ii++];
			}
		}
		bad += nb != n || memcmp(back, t, n * 4) != 0;
		/* Sentinels count down from the top in both. */
		{
			uint32_t ws = V - 1, wt = V - 1;
			for (i = 0; i < ni; i++)
				if (in[i] >= V - 100)
					bad += in[i] != ws--;
			for (i = 0; i < nt; i++)
				if (tg[i] >= V - 100)
					bad += tg[i] != wt--;
			bad += tg[0] != V - 1;
		}
	}
	CHECKF(bad == 0, "%llu bad records", (unsigned long long)bad);
	CHECKF(tokens >= 1000000, "%llu", (unsigned long long)tokens);
	CHECKF(fabs((double)noise / (double)tokens - 0.15) < 0.001, "density %f",
	    (double)noise / (double)tokens);
	CHECKF(fabs((double)noise / (double)nspans - 3.0) < 0.05, "mean span %f",
	    (double)noise / (double)nspans);
	CHECK(runlen_sum == noise && runs == nspans);
	/* Noise spread evenly over the record (quarters within 10%). */
	for (rec = 0; rec < 4; rec++)
		CHECKF(fabs((double)pos_noise[rec] / (2000.0 * 568 * 0.15 / 4) - 1) < 0.1,
		    "quarter %zu: %llu", rec, (unsigned long long)pos_noise[rec]);
	free(t);
	free(in);
	free(tg);
	free(back);
	mask_scratch_release(&s);
}

int
main(void)
{
	test_bert_stats();
	test_count_and_cap();
	test_determinism();
	test_whole_word();
	test_ngram();
	test_random_token();
	test_span_exact();
	test_span_stats();
	T_DONE();
}
