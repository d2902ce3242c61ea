/*
 * t_wp.c - the BERT text pipeline and WordPiece: google-research/bert's
 * tokenization_test.py vectors, HuggingFace BertNormalizer behaviour, the
 * vocab.txt and tokenizer.json loaders, decoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "tok_wp.h"

static const struct wp_norm uncased = WP_NORM_UNCASED, cased = WP_NORM_CASED;

/* The words of text, joined by single spaces. */
static const char *
split(const struct wp_norm *o, const char *text, size_t n)
{
	static struct wp_words w;
	static char out[4096];
	size_t i, k = 0;

	w.n = 0;
	w.text.len = 0;
	wp_split(o, text, n, &w);
	out[0] = '\0';
	for (i = 0; i < w.n && k + w.len[i] + 2 < sizeof out; i++) {
		if (i)
			out[k++] = ' ';
		memcpy(out + k, w.text.p + w.start[i], w.len[i]);
		k += w.len[i];
	}
	out[k] = '\0';
	return out;
}

#define SPLIT(o, s) split((o), (s), strlen(s))

/* The tokens of text encoded by t, joined by single spaces. */
static const char *
encode(struct tokenizer *t, const char *text)
{
	static char out[8192];
	struct tok_state *s = t->ops->state_new(t);
	struct idvec ids = { 0 };
	size_t i, k = 0;

	CHECK(t->ops->encode(t, s, text, strlen(text), &ids) == 0);
	out[0] = '\0';
	for (i = 0; i < ids.n; i++) {
		size_t len;
		const char *tok = t->ops->token_str(t, ids.v[i], &len);
		if (k + len + 2 >= sizeof out)
			break;
		if (i)
			out[k++] = ' ';
		memcpy(out + k, tok, len);
		k += len;
	}
	out[k] = '\0';
	free(ids.v);
	t->ops->state_free(s);
	return out;
}

static const char *
decode(struct tokenizer *t, const char *text)
{
	static char out[8192];
	struct tok_state *s = t->ops->state_new(t);
	struct idvec ids = { 0 };
	struct buf b = BUF_INIT;

	t->ops->encode(t, s, text, strlen(text), &ids);
	CHECK(t->ops->decode(t, ids.v, ids.n, &b) == 0);
	snprintf(out, sizeof out, "%s", b.p ? b.p : "");
	buf_release(&b);
	free(ids.v);
	t->ops->state_free(s);
	return out;
}

static char tmpdir[] = "/tmp/t_wp.XXXXXX";

static const char *
write_file(const char *name, const char *content)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	fputs(content, f);
	fclose(f);
	return path;
}

static int
load(struct tokenizer **t, const char *name, const char *content,
    const struct tokenizer_opts *o, char *err, size_t errlen)
{
	return tok_wp_load(t, write_file(name, content), o, err, errlen);
}

static void
test_basic(void)
{
	/* tokenization_test.py: test_chinese, test_basic_tokenizer_(no_)lower */
	CHECK_STREQ(SPLIT(&uncased, "ah\u535A\u63A8zz"), "ah \u535A \u63A8 zz");
	CHECK_STREQ(SPLIT(&uncased, " \tHeLLo!how  \n Are yoU?  "),
	    "hello ! how are you ?");
	CHECK_STREQ(SPLIT(&uncased, "H\u00E9llo"), "hello");
	CHECK_STREQ(SPLIT(&cased, " \tHeLLo!how  \n Are yoU?  "),
	    "HeLLo ! how Are yoU ?");
	/* test_is_whitespace, test_is_control, test_is_punctuation */
	CHECK(wp_is_space(' ') && wp_is_space('\t') && wp_is_space('\r'));
	CHECK(wp_is_space('\n') && wp_is_space(0xA0));
	CHECK(!wp_is_space('A') && !wp_is_space('-'));
	CHECK(wp_is_control(0x5));
	CHECK(!wp_is_control('A') && !wp_is_control(' ') && !wp_is_control('\t'));
	CHECK(!wp_is_control('\r') && !wp_is_control(0x1F4A9));
	CHECK(wp_is_punct('-') && wp_is_punct('$') && wp_is_punct('`'));
	CHECK(wp_is_punct('.') && !wp_is_punct('A') && !wp_is_punct(' '));
	/* Empty input and input that is all whitespace or controls. */
	CHECK_STREQ(SPLIT(&uncased, ""), "");
	CHECK_STREQ(SPLIT(&uncased, " \t\n\x01\x7f "), "");
	/* Controls are removed, not word breaks; NUL and U+FFFD too. */
	CHECK_STREQ(split(&uncased, "ab\x05" "c\0d\uFFFDe f", 12), "abcde f");
	CHECK_STREQ(SPLIT(&uncased, "zero\u200Bwidth \uFEFFbom soft\u00ADhyphen"),
	    "zerowidth bom softhyphen");
	/* HuggingFace's BertNormalizer: Co dropped, Zl/Zp are spaces. */
	CHECK_STREQ(SPLIT(&uncased, "x\uE000y a\u2028b c\u2029d e\u3000f"),
	    "xy a b c d e f");
	/* Unassigned code points and new emoji are kept. */
	CHECK_STREQ(SPLIT(&uncased, "x\u0378y \U0001F970"), "x\u0378y \U0001F970");
	/* Accents: NFD and Mn dropped; lowercase one character at a time. */
	CHECK_STREQ(SPLIT(&uncased, "Cr\u00E8me BR\u00DBL\u00C9E na\u00EFve \u00C5ngstr\u00F6m"),
	    "creme brulee naive angstrom");
	CHECK_STREQ(SPLIT(&uncased, "\u039F\u0394\u039F\u03A3 \u0130stanbul"),
	    "\u03BF\u03B4\u03BF\u03C3 istanbul");
	CHECK_STREQ(SPLIT(&cased, "Cr\u00E8me"), "Cr\u00E8me");
	{
		struct wp_norm lower_only = { 1, 1, 0, 1 };
		CHECK_STREQ(SPLIT(&lower_only, "\u0130"), "i\u0307");
		CHECK_STREQ(SPLIT(&lower_only, "\u00C9"), "\u00E9");
	}
	/* Decomposition can yield ASCII punctuation (U+1FEF -> '`'). */
	CHECK_STREQ(SPLIT(&uncased, "a\u1FEFb"), "a ` b");
	/* Canonical ordering of the marks that survive (Mc with a class). */
	CHECK_STREQ(SPLIT(&uncased, "a\U0001D16D\U0001D165"),
	    "a\U0001D165\U0001D16D");
	CHECK_STREQ(SPLIT(&cased, "a\U0001D16D\U0001D165"),
	    "a\U0001D16D\U0001D165");
	/* CJK ideographs, compatibility ideographs (NFD), kana stay words. */
	CHECK_STREQ(SPLIT(&uncased, "\u65E5\u672C\u8A9E\u306E\u30C6\u30AD\u30B9\u30C8\u3002"),
	    "\u65E5 \u672C \u8A9E \u306E\u30C6\u30AD\u30B9\u30C8 \u3002");
	CHECK_STREQ(SPLIT(&uncased, "a\uF900b"), "a \u8C48 b");
	CHECK_STREQ(SPLIT(&cased, "a\uF900b"), "a \uF900 b");
	CHECK_STREQ(SPLIT(&uncased, "\U0002B920x"), "\U0002B920 x");
	/* Unicode punctuation (P*), symbols are not punctuation. */
	CHECK_STREQ(SPLIT(&uncased, "\u00BFQu\u00E9? \u201Chi\u201D \u00A9x \u20ACy"),
	    "\u00BF que ? \u201C hi \u201D \u00A9x \u20ACy");
	/* Invalid UTF-8 is dropped and counted. */
	{
		struct wp_words w = { 0 };
		wp_split(&uncased, "a\xff" "b\xc3", 4, &w);
		CHECK(w.n == 1 && w.len[0] == 2 && w.invalid == 2);
		wp_words_release(&w);
	}
	/* Without clean_text: controls stay, White_Space still breaks. */
	{
		struct wp_norm raw = { 0, 1, 0, 0 };
		CHECK_STREQ(SPLIT(&raw, "a\x05" "b c\x0b" "d"), "a\x05" "b c d");
	}
}

static void
test_wordpiece(void)
{
	/* tokenization_test.py: test_wordpiece_tokenizer, test_convert_tokens_to_ids */
	const char *vocab = "[UNK]\n[CLS]\n[SEP]\nwant\n##want\n##ed\nwa\nun\nrunn\n##ing\n";
	struct tokenizer_opts keep_case = { .lowercase = 0 };
	struct tokenizer *t;
	char err[512];

	CHECK(load(&t, "small.txt", vocab, &keep_case, err, sizeof err) == 0);
	CHECK_STREQ(encode(t, ""), "");
	CHECK_STREQ(encode(t, "unwanted running"), "un ##want ##ed runn ##ing");
	CHECK_STREQ(encode(t, "unwantedX running"), "[UNK] runn ##ing");
	{
		struct tok_state *s = t->ops->state_new(t);
		struct idvec ids = { 0 };
		static const uint32_t want[] = { 7, 4, 5, 8, 9 };
		t->ops->encode(t, s, "unwanted running", 16, &ids);
		CHECK(ids.n == 5 && memcmp(ids.v, want, sizeof want) == 0);
		free(ids.v);
		t->ops->state_free(s);
	}
	CHECK(t->vocab_size == 10);
	CHECK(t->special[TOK_UNK] == 0 && t->special[TOK_CLS] == 1 &&
	    t->special[TOK_SEP] == 2 && t->special[TOK_PAD] == -1 &&
	    t->special[TOK_MASK] == -1 && t->special[TOK_BOS] == -1);
	t->ops->free(t);
}

static void
test_full(void)
{
	/* tokenization_test.py: test_full_tokenizer */
	const char *vocab = "[UNK]\n[CLS]\n[SEP]\nwant\n##want\n##ed\nwa\nun\nrunn\n##ing\n,\n";
	struct tokenizer *t;
	struct tok_state *s;
	struct idvec ids = { 0 };
	static const uint32_t want[] = { 7, 4, 5, 10, 8, 9 };
	char err[512];

	CHECK(load(&t, "full.txt", vocab, NULL, err, sizeof err) == 0);
	CHECK_STREQ(encode(t, "UNwant\u00E9d,running"), "un ##want ##ed , runn ##ing");
	s = t->ops->state_new(t);
	t->ops->encode(t, s, "UNwant\u00E9d,running", strlen("UNwant\u00E9d,running"), &ids);
	CHECK(ids.n == 6 && memcmp(ids.v, want, sizeof want) == 0);
	free(ids.v);
	t->ops->state_free(s);
	/* Decoding joins the ## pieces (HuggingFace's WordPiece decoder). */
	CHECK_STREQ(decode(t, "UNwant\u00E9d,running"), "unwanted, running");
	/* Special tokens written in the text are matched before the pipeline. */
	CHECK_STREQ(encode(t, "[CLS]want[SEP] [cls]"), "[CLS] want [SEP] [UNK] [UNK] [UNK]");
	CHECK_STREQ(decode(t, "[CLS] want [SEP]"), "[CLS] want [SEP]");
	/* Invalid UTF-8 has no token: the encoder refuses it. */
	{
		struct tok_state *s2 = t->ops->state_new(t);
		struct idvec bad = { 0 };
		CHECK(t->ops->encode(t, s2, "want \xff", 6, &bad) == PTK_EFORMAT);
		free(bad.v);
		t->ops->state_free(s2);
	}
	/* Cut points for parallel encoding: right after ASCII whitespace. */
	CHECK(tok_wp_can_cut(t));
	CHECK(tok_wp_cut("ab cd\nef", 8, 1) == 3 && tok_wp_cut("ab cd\nef", 8, 4) == 6);
	CHECK(tok_wp_cut("abcdef", 6, 2) == 6 && tok_wp_cut("ab cd", 5, 9) == 5);
	t->ops->free(t);
	{
		struct tokenizer_opts plain = { .lowercase = -1, .ignore_special = 1 };
		CHECK(load(&t, "full.txt", vocab, &plain, err, sizeof err) == 0);
		CHECK_STREQ(encode(t, "[CLS]want"), "[UNK] [UNK] [UNK] want");
	}
	/* The same vocabulary given as a folder. */
	t->ops->free(t);
	{
		char dir[300];
		snprintf(dir, sizeof dir, "%s/sub", tmpdir);
		CHECK(mkdir(dir, 0777) == 0 || 1);
		write_file("sub/vocab.txt", vocab);
		CHECK(tok_wp_load(&t, dir, NULL, err, sizeof err) == 0);
		CHECK_STREQ(encode(t, "UNwant\u00E9d,running"), "un ##want ##ed , runn ##ing");
		t->ops->free(t);
	}
}

static void
test_max_chars(void)
{
	const char *vocab = "[UNK]\na\n##a\n";
	struct tokenizer_opts o200 = { .lowercase = -1, .max_word_chars = 200 };
	struct tokenizer *t;
	char word[260], err[256];
	struct tok_state *s;
	struct idvec ids = { 0 };

	CHECK(load(&t, "a.txt", vocab, NULL, err, sizeof err) == 0);
	s = t->ops->state_new(t);
	memset(word, 'a', sizeof word);
	t->ops->encode(t, s, word, 100, &ids);
	CHECK(ids.n == 100 && ids.v[0] == 1 && ids.v[99] == 2);
	ids.n = 0;
	t->ops->encode(t, s, word, 101, &ids);
	CHECK(ids.n == 1 && ids.v[0] == 0);
	/* Accented letters count as one character each after stripping. */
	ids.n = 0;
	t->ops->encode(t, s, "b", 1, &ids);
	CHECK(ids.n == 1 && ids.v[0] == 0);
	t->ops->state_free(s);
	t->ops->free(t);
	CHECK(load(&t, "a.txt", vocab, &o200, err, sizeof err) == 0);
	CHECK(tok_wp_max_chars(t) == 200);
	s = t->ops->state_new(t);
	ids.n = 0;
	t->ops->encode(t, s, word, 200, &ids);
	CHECK(ids.n == 200);
	ids.n = 0;
	t->ops->encode(t, s, word, 201, &ids);
	CHECK(ids.n == 1 && ids.v[0] == 0);
	free(ids.v);
	t->ops->state_free(s);
	t->ops->free(t);
}

static void
test_bad_vocab(void)
{
	static const struct {
		const char *content, *want;
	} cases[] = {
		{ "[UNK]\na\nb\na\n", "line 4: duplicate token 'a' (first on line 2)" },
		{ "[UNK]\na\n\nb\n", "line 3: empty line" },
		{ "[UNK]\na\n \n", "line 3: empty line" },
		{ "a\nb\n", "no unknown token '[UNK]' in the vocabulary" },
		{ "", "empty vocabulary" },
		{ "[UNK]\n a\n", "line 2: token starts with whitespace" },
		{ "[UNK]\na\xff\n", "line 2: invalid UTF-8" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tokenizer *t = NULL;
		char err[512];
		int rc = load(&t, "bad.txt", cases[i].content, NULL, err, sizeof err);
		CHECKF(rc == PTK_EFORMAT && t == NULL, "case %zu: rc %d", i, rc);
		CHECKF(rc != 0 && strstr(err, cases[i].want) != NULL &&
		    strstr(err, "bad.txt: ") != NULL, "case %zu: '%s'", i, err);
	}
	/* CRLF and trailing spaces are trimmed as BERT and HuggingFace do. */
	{
		struct tokenizer *t;
		char err[256];
		CHECK(load(&t, "crlf.txt", "[UNK]\r\nab \r\n##c\r\n", NULL, err, sizeof err) == 0);
		CHECK_STREQ(encode(t, "abc"), "ab ##c");
		t->ops->free(t);
	}
	{
		struct tokenizer *t;
		char err[256];
		CHECK(tok_wp_load(&t, "/nonexistent/vocab.txt", NULL, err, sizeof err) == PTK_EIO);
	}
}

static void
test_json(void)
{
	const char *good =
	    "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
	    "\"added_tokens\":[{\"id\":0,\"content\":\"[PAD]\",\"single_word\":false,"
	    "\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true},"
	    "{\"id\":1,\"content\":\"[UNK]\",\"special\":true}],"
	    "\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,"
	    "\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":false},"
	    "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"post_processor\":null,"
	    "\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
	    "\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\","
	    "\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":100,"
	    "\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,\"H\":2,\"##\\u00e9\":3,\"##llo\":4,\"h\":5}}}";
	struct tokenizer_opts lower = { .lowercase = 1 };
	struct tokenizer *t;
	char err[512];

	CHECKF(load(&t, "tokenizer.json", good, NULL, err, sizeof err) == 0, "%s", err);
	CHECK(!tok_wp_norm(t)->lowercase && !tok_wp_norm(t)->strip_accents);
	CHECK_STREQ(encode(t, "H\u00E9llo [PAD]"), "H ##\u00E9 ##llo [PAD]");
	CHECK(t->special[TOK_PAD] == 0 && t->special[TOK_UNK] == 1);
	t->ops->free(t);
	CHECK(load(&t, "tokenizer.json", good, &lower, err, sizeof err) == 0);
	CHECK_STREQ(encode(t, "H\u00E9llo"), "[UNK]");
	t->ops->free(t);
	/* The folder prefers tokenizer.json (cased here) over vocab.txt. */
	write_file("vocab.txt", "[UNK]\nh\n##ello\n");
	CHECK(tok_wp_load(&t, tmpdir, NULL, err, sizeof err) == 0);
	CHECK(!tok_wp_norm(t)->lowercase);
	t->ops->free(t);
	{
		static const struct {
			const char *json, *want;
		} bad[] = {
			{ "{\"model\":{\"type\":\"BPE\",\"vocab\":{}}}", "not WordPiece" },
			{ "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"a\":0}}", "at byte" },
			{ "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[UNK]\":0,\"a\":0}},"
			  "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}", "each once" },
			{ "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"a\":0}},"
			  "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}", "no unknown token" },
			{ "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[UNK]\":0}},"
			  "\"normalizer\":{\"type\":\"NFC\"},"
			  "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}", "normalizer 'NFC'" },
			{ "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[UNK]\":0}},"
			  "\"pre_tokenizer\":{\"type\":\"Whitespace\"}}", "pre_tokenizer 'Whitespace'" },
			{ "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[UNK]\":0}},"
			  "\"added_tokens\":[{\"id\":3,\"content\":\"[X]\"}],"
			  "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}", "added token '[X]'" },
		};
		size_t i;
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			int rc = load(&t, "bad.json", bad[i].json, NULL, err, sizeof err);
			CHECKF(rc == PTK_EFORMAT && strstr(err, bad[i].want) != NULL,
			    "case %zu: rc %d '%s'", i, rc, rc ? err : "");
		}
	}
}

static void
test_fingerprint(void)
{
	struct tokenizer *a, *b, *c;
	char err[256];

	CHECK(load(&a, "f1.txt", "[UNK]\nx\n", NULL, err, sizeof err) == 0);
	CHECK(load(&b, "f2.txt", "[UNK]\r\nx\n", NULL, err, sizeof err) == 0);
	CHECK(load(&c, "f3.txt", "[UNK]\ny\n", NULL, err, sizeof err) == 0);
	CHECK(a->fingerprint == b->fingerprint && a->fingerprint != c->fingerprint);
	a->ops->free(a);
	b->ops->free(b);
	c->ops->free(c);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	test_basic();
	test_wordpiece();
	test_full();
	test_max_chars();
	test_bad_vocab();
	test_json();
	test_fingerprint();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	T_DONE();
}
