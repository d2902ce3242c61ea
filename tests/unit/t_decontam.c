/* t_decontam.c - normalisation, n-gram matching, redaction and reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decontam.h"
#include "doc.h"
#include "t.h"

static char tmpdir[] = "/tmp/t_decontam.XXXXXX";

/* Write text to a file in the temporary folder; returns its path. */
static const char *
put_file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ & 3];
	FILE *f;

	snprintf(p, 256, "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

/* The normalised units of text, as one string. */
static const char *
norm(const struct dc_opts *o, const char *text, struct dc_scratch *s)
{
	if (dc_tokenize(o, text, strlen(text), s) != 0)
		return "(error)";
	return s->norm.p;
}

static void
test_normalise(void)
{
	struct dc_opts o = DC_OPTS_INIT, oc = DC_OPTS_INIT;
	struct dc_scratch s = { 0 }, s2 = { 0 };
	static const struct { const char *in, *want; } cases[] = {
		{ "Hello, World!", "hello world " },
		{ "  -- lead  and trail --  ", "lead and trail " },
		{ "foo-bar (baz) x.y", "foobar baz xy " },
		{ "\t\nA\x0b" "B\fC\r", "a b c " },
		{ "caf\xc3\xa9 CAF\xc3\x89", "cafe\xcc\x81 cafe\xcc\x81 " },	/* NFKD + fold */
		{ "Stra\xc3\x9f" "e", "strasse " },			/* case fold */
		{ "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc " },	/* full width */
		{ "no\xc2\xa0" "break", "no break " },		/* NBSP separates */
		{ "co\xc2\xad" "operate", "cooperate " },		/* soft hyphen */
		{ "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x94 dash", "quoted dash " },
		{ "", "" },
		{ "!!! ...", "" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_STREQ(norm(&o, cases[i].in, &s), cases[i].want);

	/* Spans are in the source text, punctuation of the word included. */
	CHECK(dc_tokenize(&o, "Say: \"hi\" now", 13, &s) == 0);
	CHECK(s.nunits == 3);
	CHECK(s.units[1].byte_start == 5 && s.units[1].byte_end == 9);
	CHECK(s.units[2].cp_start == 10 && s.units[2].cp_end == 13);
	/* Code points, not bytes. */
	CHECK(dc_tokenize(&o, "\xc3\xa9t\xc3\xa9 x", 7, &s) == 0);
	CHECK(s.nunits == 2 && s.units[1].cp_start == 4 && s.units[1].byte_start == 6);
	CHECK(s.units[2].cp_end == 5);	/* sentinel: text length */

	/* Without --char-ngrams a run of Japanese is one word. */
	CHECK_STREQ(norm(&o, "\xe5\x90\xbe\xe8\xbc\xa9\xe3\x81\xaf", &s),
	    "\xe5\x90\xbe\xe8\xbc\xa9\xe3\x81\xaf ");
	oc.char_ngrams = 1;
	CHECK_STREQ(norm(&oc, "ab\xe5\x90\xbe\xe8\xbc\xa9\xe3\x80\x82" "cd", &s),
	    "ab \xe5\x90\xbe \xe8\xbc\xa9 cd ");
	CHECK(s.nunits == 4 && s.units[1].cp_start == 2 && s.units[1].cp_end == 3);
	/* Half-width katakana matches full width. */
	CHECK_STREQ(norm(&oc, "\xef\xbd\xb1", &s), "\xe3\x82\xa2 ");

	/* Same n-gram hash whatever the case, punctuation and spacing. */
	o.n = 3;
	CHECK(dc_tokenize(&o, "One, TWO  three", 15, &s) == 0);
	CHECK(dc_tokenize(&o, "one two three!", 14, &s2) == 0);
	CHECK(dc_ngram_hash(&s, 0, 3) == dc_ngram_hash(&s2, 0, 3));
	CHECK(dc_tokenize(&o, "one two threes", 14, &s2) == 0);
	CHECK(dc_ngram_hash(&s, 0, 3) != dc_ngram_hash(&s2, 0, 3));
	dc_scratch_release(&s);
	dc_scratch_release(&s2);
}

static const char bench_jsonl[] =
    "{\"id\":\"q1\",\"question\":\"The quick brown fox jumps over the lazy dog while the farmer sleeps in the warm afternoon sun.\",\"answer\":\"fox\"}\n"
    "{\"id\":7,\"question\":\"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu\"}\n"
    "{\"question\":\"What is the capital of France?\"}\n"
    "\n"
    "{\"question\":\"seven silver swans swam silently seaward under the pale moon tonight, said the old keeper\",\"meta\":{\"x\":[\"nested string\",1]}}\n";

static long
find(struct dc_index *x, const char *text, struct dc_scratch *s)
{
	return dc_find(x, text, strlen(text), s);
}

static void
test_match(void)
{
	struct dc_opts o = DC_OPTS_INIT;
	struct dc_index *x = dc_index_new(&o);
	struct dc_scratch s = { 0 };
	char err[512];
	const char *p = put_file("b.jsonl", bench_jsonl);

	CHECK(dc_index_add(x, "qa", p, DC_FMT_AUTO, "question", "id", err,
	    sizeof err) == 0);
	dc_index_finish(x);
	CHECK(dc_index_bench_examples(x, 0) == 4);
	/* q1: 18 words -> 6; q2: 13 -> 1; q4 (15 words) -> 3; q3 short. */
	CHECK(dc_index_ngrams(x) == 10);

	/* An exact copy inside other text. */
	CHECK(find(x, "I read that the quick brown fox jumps over the lazy dog "
	    "while the farmer sleeps in the warm afternoon sun today", &s) == 6);
	/* Different case and punctuation. */
	CHECK(find(x, "THE QUICK, BROWN FOX -- jumps over \"the lazy dog\"... "
	    "While The Farmer sleeps in the warm afternoon sun!", &s) == 6);
	/* A 12-gram near miss is no hit at n = 13. */
	CHECK(find(x, "alpha beta gamma delta epsilon zeta eta theta iota kappa "
	    "lambda mu xi", &s) == 0);
	CHECK(find(x, "beta gamma delta epsilon zeta eta theta iota kappa "
	    "lambda mu nu", &s) == 0);
	/* A hit at the very start and at the very end of a document. */
	CHECK(find(x, "Alpha beta gamma delta epsilon zeta eta theta iota kappa "
	    "lambda mu nu and more", &s) == 1);
	CHECK(s.nhits == 1 && s.hit_pos[0] == 0);
	CHECK(find(x, "at the end: alpha beta gamma delta epsilon zeta eta theta "
	    "iota kappa lambda mu nu", &s) == 1);
	CHECK(s.nhits == 1 && s.hit_pos[0] + 13 == s.nunits);
	/* The whole document is the n-gram. */
	CHECK(find(x, "alpha beta gamma delta epsilon zeta eta theta iota kappa "
	    "lambda mu nu", &s) == 1);
	/* With --fields question, the answer is not part of the text. */
	CHECK(find(x, "the farmer sleeps in the warm afternoon sun fox and more "
	    "words here to pad", &s) == 0);
	/* Nested strings are not taken with --fields question. */
	CHECK(find(x, "said the old keeper nested string", &s) == 0);
	dc_index_free(x);

	/* Default fields: every string; q4 then includes the nested one. */
	x = dc_index_new(&o);
	CHECK(dc_index_add(x, "qa", p, DC_FMT_AUTO, NULL, "id", err,
	    sizeof err) == 0);
	dc_index_finish(x);
	CHECK(find(x, "silently seaward under the pale moon tonight said the old "
	    "keeper nested string", &s) == 1);
	CHECK(find(x, "the lazy dog while the farmer sleeps in the warm afternoon "
	    "sun fox", &s) == 1);
	dc_index_free(x);

	/* Bad benchmark input: a located error. */
	x = dc_index_new(&o);
	p = put_file("bad.jsonl", "{\"id\":\"a\",\"q\":\"x\"}\n{\"id\":\"b\",\"q\":}\n");
	CHECK(dc_index_add(x, "bad", p, DC_FMT_AUTO, NULL, "id", err,
	    sizeof err) == PTK_EFORMAT);
	CHECKF(strstr(err, "bad.jsonl: record 2 at byte 33:") != NULL, "%s", err);
	p = put_file("bad8.txt", "fine line\nbad \xff byte\n");
	CHECK(dc_index_add(x, "bad8", p, DC_FMT_AUTO, NULL, "id", err,
	    sizeof err) == PTK_EFORMAT);
	CHECKF(strstr(err, "record 2 at byte 14: invalid UTF-8") != NULL, "%s", err);
	CHECK(dc_index_add(x, "none", "/nonexistent/file", DC_FMT_AUTO, NULL,
	    "id", err, sizeof err) == PTK_EIO);
	dc_index_free(x);
	dc_scratch_release(&s);
}

/* Run one document through dc_process; returns the output lines. */
static const char *
process(struct dc_index *x, const char *id, const char *text, int *records,
    long *hits)
{
	static struct buf out = BUF_INIT;
	static struct dc_scratch s;
	struct doc d = { 0 };

	if (x == NULL) {	/* release the static buffers */
		buf_release(&out);
		dc_scratch_release(&s);
		return NULL;
	}
	buf_reset(&out);
	d.id = id;
	d.id_len = strlen(id);
	d.text = text;
	d.text_len = strlen(text);
	*hits = dc_process(x, &d, &s, &out, records);
	return out.p ? out.p : "";
}

/* Text: pad words, then hits separated by gaps of gap characters. */
static char *
redact_text(int nhits, int head, int gap, int tail)
{
	static const char hit[] = "alpha beta gamma delta epsilon zeta eta theta "
	    "iota kappa lambda mu nu";
	char *t = malloc((size_t)(head + tail + nhits * (gap + 100)) + 16);
	size_t n = 0;
	int i, k;

	memset(t, 'h', (size_t)head);
	n = (size_t)head;
	for (i = 0; i < nhits; i++) {
		if (i) {
			t[n++] = ' ';
			for (k = 0; k < gap - 2; k++)
				t[n++] = 'g';
		}
		t[n++] = ' ';
		memcpy(t + n, hit, sizeof hit - 1);
		n += sizeof hit - 1;
	}
	t[n++] = ' ';
	memset(t + n, 't', (size_t)tail);
	n += (size_t)tail;
	t[n] = '\0';
	return t;
}

static void
test_redact(void)
{
	struct dc_opts o = DC_OPTS_INIT;
	struct dc_index *x;
	char err[512], *t;
	const char *out, *p = put_file("r.jsonl", bench_jsonl);
	int records;
	long hits;

	o.mode = DC_REDACT;
	x = dc_index_new(&o);
	CHECK(dc_index_add(x, "qa", p, DC_FMT_AUTO, "question", "id", err,
	    sizeof err) == 0);
	dc_index_finish(x);

	/*
	 * head 450 + ' ' + hit (69) + ' ' + tail 450: the hit spans code points
	 * [451, 520); the cut is [251, 720): pieces [0, 251) and [720, 971).
	 */
	t = redact_text(1, 450, 0, 450);
	out = process(x, "r", t, &records, &hits);
	CHECK(hits == 1 && records == 2);
	{
		char want[2048];
		snprintf(want, sizeof want,
		    "{\"id\":\"r#0\",\"text\":\"%.*s\"}\n{\"id\":\"r#1\",\"text\":\"%.*s\"}\n",
		    251, t, 251, t + 720);
		CHECK_STREQ(out, want);
	}
	free(t);

	/* Pieces of 199 characters are dropped, of 200 kept. */
	t = redact_text(1, 398, 0, 399);	/* pieces: 199, 200 */
	out = process(x, "r", t, &records, &hits);
	CHECK(records == 1 && strncmp(out, "{\"id\":\"r#0\",\"text\":\"tttt", 24) == 0);
	free(t);
	t = redact_text(1, 398, 0, 398);	/* 199 and 199: nothing left */
	out = process(x, "r", t, &records, &hits);
	CHECK(hits == 1 && records == 0 && out[0] == '\0');
	free(t);

	/* Hits closer than 2 windows make one cut: still 2 pieces. */
	t = redact_text(3, 450, 150, 450);
	out = process(x, "r", t, &records, &hits);
	CHECK(hits == 3 && records == 2);
	free(t);

	/* 9 hits 650 apart: 10 pieces, kept; 10 hits: 11 pieces, dropped. */
	t = redact_text(9, 450, 650, 450);
	out = process(x, "r", t, &records, &hits);
	CHECK(hits == 9 && records == 10);
	free(t);
	t = redact_text(10, 450, 650, 450);
	out = process(x, "r", t, &records, &hits);
	CHECK(hits == 10 && records == 0 && out[0] == '\0');
	free(t);

	/* No hit: the record passes unchanged. */
	out = process(x, "r", "clean text", &records, &hits);
	CHECK(hits == 0 && records == 1);
	CHECK_STREQ(out, "{\"id\":\"r\",\"text\":\"clean text\"}\n");
	dc_index_free(x);
	process(NULL, "", "", &records, &hits);
}

static void
test_flag_and_report(void)
{
	struct dc_opts o = DC_OPTS_INIT;
	struct dc_index *x;
	struct dc_totals t = { 0 };
	struct dc_report *r1, *r2, *m = NULL;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT, bm = BUF_INIT;
	char err[512];
	const char *out, *why, *p = put_file("f.jsonl", bench_jsonl);
	size_t at;
	int records;
	long hits;

	o.mode = DC_FLAG;
	x = dc_index_new(&o);
	CHECK(dc_index_add(x, "qa", p, DC_FMT_AUTO, "question", "id", err,
	    sizeof err) == 0);
	dc_index_finish(x);
	out = process(x, "f", "x alpha beta gamma delta epsilon zeta eta theta "
	    "iota kappa lambda mu nu", &records, &hits);
	CHECK_STREQ(out, "{\"id\":\"f\",\"text\":\"x alpha beta gamma delta epsilon "
	    "zeta eta theta iota kappa lambda mu nu\",\"metadata\":{\"contamination\":"
	    "{\"hits\":1,\"spans\":[[2,71]],\"benchmarks\":{\"qa\":[7]}}}}\n");
	t.documents = 1;
	t.documents_hit = 1;
	CHECK(dc_report_write(x, &t, &b1) == 0);
	CHECKF(strstr(b1.p, "\"contaminated_examples\":[7],\"contaminated_lines\":[2]") != NULL, "%s", b1.p);
	dc_index_free(x);

	/* A second shard hits q1 (line 1) and q2 again. */
	x = dc_index_new(&o);
	CHECK(dc_index_add(x, "qa", p, DC_FMT_AUTO, "question", "id", err,
	    sizeof err) == 0);
	dc_index_finish(x);
	process(x, "g", "the quick brown fox jumps over the lazy dog while the "
	    "farmer sleeps in the warm", &records, &hits);
	process(x, "h", "alpha beta gamma delta epsilon zeta eta theta iota kappa "
	    "lambda mu nu", &records, &hits);
	t.documents = 5;
	t.documents_hit = 2;
	CHECK(dc_report_write(x, &t, &b2) == 0);
	dc_index_free(x);

	CHECK(dc_report_parse(b1.p, b1.len, &r1, &why, &at) == 0);
	CHECK(dc_report_parse(b2.p, b2.len, &r2, &why, &at) == 0);
	CHECK(dc_report_merge(&m, r1, &why) == 0);
	CHECK(dc_report_merge(&m, r2, &why) == 0);
	CHECK(dc_report_write_merged(m, &bm) == 0);
	CHECKF(strstr(bm.p, "\"documents\":6,\"documents_hit\":3,") != NULL, "%s", bm.p);
	CHECKF(strstr(bm.p, "\"documents_hit\":3,\"contaminated\":2,"
	    "\"contaminated_examples\":[\"q1\",7],\"contaminated_lines\":[1,2]") != NULL,
	    "%s", bm.p);
	/* The n-gram found in both shards counts 2 documents. */
	CHECKF(strstr(bm.p, "\":2}}") != NULL || strstr(bm.p, "\":2,") != NULL,
	    "%s", bm.p);
	dc_report_free(m);
	m = NULL;

	/* Reports of different n or benchmarks do not merge. */
	{
		struct buf bad = BUF_INIT;
		char *q;
		buf_append(&bad, b2.p, b2.len);
		q = strstr(bad.p, "\"n\":13");
		q[5] = '2';
		dc_report_free(r2);
		CHECK(dc_report_parse(bad.p, bad.len, &r2, &why, &at) == 0);
		CHECK(dc_report_merge(&m, r1, &why) == 0);
		CHECK(dc_report_merge(&m, r2, &why) == PTK_EFORMAT);
		buf_release(&bad);
	}
	/* Truncated and malformed reports are errors. */
	{
		struct dc_report *r;
		CHECK(dc_report_parse(b1.p, b1.len / 2, &r, &why, &at) == PTK_EFORMAT);
		CHECK(dc_report_parse("{}", 2, &r, &why, &at) == PTK_EFORMAT);
		CHECK(dc_report_parse("[1]", 3, &r, &why, &at) == PTK_EFORMAT);
	}
	dc_report_free(r1);
	dc_report_free(r2);
	dc_report_free(m);
	buf_release(&b1);
	buf_release(&b2);
	buf_release(&bm);
	process(NULL, "", "", &records, &hits);
}

static void
test_doc_freq(void)
{
	struct dc_opts o = DC_OPTS_INIT;
	struct dc_index *x;
	char err[512];
	const char *p = put_file("d.jsonl", bench_jsonl);
	const char *t = "alpha beta gamma delta epsilon zeta eta theta iota kappa "
	    "lambda mu nu";
	int records, i;
	long hits;

	o.max_doc_freq = 2;
	x = dc_index_new(&o);
	CHECK(dc_index_add(x, "qa", p, DC_FMT_AUTO, "question", "id", err,
	    sizeof err) == 0);
	dc_index_finish(x);
	dc_index_set_mode(x, DC_COUNT);
	for (i = 0; i < 3; i++)
		process(x, "c", t, &records, &hits);	/* 3 documents > 2 */
	process(x, "c", "the quick brown fox jumps over the lazy dog while the "
	    "farmer sleeps in", &records, &hits);
	dc_index_end_count_pass(x);
	dc_index_set_mode(x, DC_DROP);
	process(x, "c", t, &records, &hits);
	CHECK(hits == 0 && records == 1);	/* ignored: too common */
	process(x, "c", "the quick brown fox jumps over the lazy dog while the "
	    "farmer sleeps in", &records, &hits);
	CHECK(hits == 2 && records == 0);
	dc_index_free(x);
	process(NULL, "", "", &records, &hits);
}

static void
test_short_examples(void)
{
	struct dc_opts o = DC_OPTS_INIT;
	struct dc_index *x;
	struct dc_scratch s = { 0 };
	struct dc_totals t = { 0 };
	struct buf b = BUF_INIT;
	char err[512];
	const char *out, *p = put_file("s.jsonl", bench_jsonl);
	int records;
	long hits;

	/* q3 "What is the capital of France?" has 6 words: matched whole. */
	o.short_min = 5;
	o.mode = DC_FLAG;
	x = dc_index_new(&o);
	CHECK(dc_index_add(x, "qa", p, DC_FMT_AUTO, "question", "id", err,
	    sizeof err) == 0);
	dc_index_finish(x);
	CHECK(dc_index_ngrams(x) == 11);
	CHECK(find(x, "He asked: what is the CAPITAL of France? Nobody knew.", &s) == 1);
	CHECK(find(x, "what is the capital of Spain", &s) == 0);
	CHECK(find(x, "what is the capital of", &s) == 0);
	/* Long and short hits in one text, in position order. */
	CHECK(find(x, "What is the capital of France alpha beta gamma delta epsilon "
	    "zeta eta theta iota kappa lambda mu nu", &s) == 2);
	CHECK(s.hit_pos[0] == 0 && s.hit_pos[1] == 6);
	out = process(x, "s", "so what is the capital of France then", &records,
	    &hits);
	CHECKF(strstr(out, "\"spans\":[[3,32]],\"benchmarks\":{\"qa\":[3]}") != NULL,
	    "%s", out);
	CHECK(dc_report_write(x, &t, &b) == 0);
	CHECKF(strstr(b.p, "\"short_examples\":0,") != NULL &&
	    strstr(b.p, "\"short_examples_min\":5,") != NULL, "%s", b.p);
	dc_index_free(x);
	buf_release(&b);
	dc_scratch_release(&s);
	process(NULL, "", "", &records, &hits);
}

static void
test_japanese(void)
{
	struct dc_opts o = DC_OPTS_INIT;
	struct dc_index *x;
	struct dc_scratch s = { 0 };
	char err[512];
	const char *p = put_file("ja.jsonl",
	    "{\"id\":\"ja1\",\"text\":\"吾輩は猫である。名前はまだ無い。\"}\n");

	o.char_ngrams = 1;
	x = dc_index_new(&o);
	CHECK(dc_index_add(x, "ja", p, DC_FMT_AUTO, NULL, "id", err,
	    sizeof err) == 0);
	dc_index_finish(x);
	CHECK(dc_index_ngrams(x) == 2);	/* 14 characters, punctuation dropped */
	CHECK(find(x, "冒頭：吾輩は猫である、名前はまだ無い。有名", &s) == 2);
	CHECK(find(x, "吾輩は犬である。名前はまだ無い。", &s) == 0);
	dc_index_free(x);
	dc_scratch_release(&s);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	test_normalise();
	test_match();
	test_redact();
	test_flag_and_report();
	test_doc_freq();
	test_short_examples();
	test_japanese();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	T_DONE();
}
