/* t_pretok.c - GPT-2 pre-tokenization, safe cut points, the byte-level map. */
#include <stdlib.h>
#include <string.h>

#include "pretok.h"
#include "t.h"

/* The pieces of text joined by '|'. */
static void
pieces(const struct pretok *p, struct pretok_state *s, const char *text,
    size_t n, char *out, size_t cap)
{
	size_t pos = 0, st, len, o = 0;

	while (pretok_next(p, s, text, n, &pos, &st, &len) == 1 && o + len + 2 < cap) {
		if (o)
			out[o++] = '|';
		memcpy(out + o, text + st, len);
		o += len;
	}
	out[o] = '\0';
}

static void
gpt2_pieces(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "Hello world's end", "Hello| world|'s| end" },
		{ "I'd they've we'll DON'T", "I|'d| they|'ve| we|'ll| DON|'|T" },
		{ "a  b\n\n c", "a| | b|\n\n| c" },
		{ "x = 12345;  ", "x| =| 12345|;|  " },
		{ "日本語 テキスト。", "日本語| テキスト|。" },
		{ "tab\there", "tab|\t|here" },
		/* U+0085 is White_Space (as in tiktoken); U+180E is not */
		{ "a\xc2\x85" "b", "a|\xc2\x85|b" },
		{ "a\xe1\xa0\x8e" "b", "a|\xe1\xa0\x8e|b" },
		/* invalid UTF-8: a piece of its own */
		{ "ab\xff\xfe" "cd", "ab|\xff\xfe|cd" },
		{ "ok \xc3", "ok| |\xc3" },
		{ "", "" },
	};
	struct pretok *p;
	struct pretok_state *s;
	char err[128], out[256];
	size_t i;

	CHECK(pretok_new(&p, NULL, err, sizeof err) == 0);
	CHECK(pretok_is_gpt2(p));
	s = pretok_state_new(p);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pieces(p, s, cases[i].in, strlen(cases[i].in), out, sizeof out);
		CHECK_STREQ(out, cases[i].want);
	}
	pretok_state_free(s);
	pretok_free(p);
	/* \s in a user's pattern is White_Space too, also inside a class */
	CHECK(pretok_new(&p, "\\s+|[^\\s]+|[[:alpha:]\\s]", err, sizeof err) == 0);
	s = pretok_state_new(p);
	pieces(p, s, "a \xe1\xa0\x8e\xc2\x85" "b", 8, out, sizeof out);
	CHECK_STREQ(out, "a| |\xe1\xa0\x8e|\xc2\x85|b");
	pretok_state_free(s);
	pretok_free(p);
	CHECK(pretok_new(&p, "(a", err, sizeof err) < 0);
	CHECK(strstr(err, "offset 2") != NULL);
}

/* Pieces of a text equal the pieces of its two halves at pretok_cut. */
static void
cut_points(const char *pattern)
{
	static const char *const bits[] = { "a", "b", " ", "  ", "\n", "\n\n",
	    "'s", "1", "!", "\t", "x\ny", "é", " \n", ".\n", "Z", "'S", "\r\n",
	    "/", "12345", "\xc2\xa0", "'" };
	struct pretok *p;
	struct pretok_state *s;
	char err[128], text[512], whole[2048], a[2048], b[2048], joined[4096];
	int iter, tried = 0;

	CHECK(pretok_new(&p, pattern, err, sizeof err) == 0);
	CHECK(pretok_can_cut(p));
	s = pretok_state_new(p);
	srand(3);
	for (iter = 0; iter < 3000; iter++) {
		size_t n = 0, cut;
		while (n < 200) {
			const char *b2 = bits[rand() % (sizeof bits / sizeof bits[0])];
			memcpy(text + n, b2, strlen(b2));
			n += strlen(b2);
		}
		cut = pretok_cut(text, n, (size_t)(rand() % 150));
		if (cut >= n)
			continue;
		tried++;
		CHECK(text[cut - 1] == '\n');
		pieces(p, s, text, n, whole, sizeof whole);
		pieces(p, s, text, cut, a, sizeof a);
		pieces(p, s, text + cut, n - cut, b, sizeof b);
		snprintf(joined, sizeof joined, "%s%s%s", a, *a && *b ? "|" : "", b);
		CHECKF(strcmp(whole, joined) == 0, "cut at %zu", cut);
	}
	CHECK(tried > 1000);
	pretok_state_free(s);
	pretok_free(p);
}

static void
byte_map(void)
{
	char s[600];
	unsigned char all[256], back[600];
	size_t n;
	int b;

	for (b = 0; b < 256; b++)
		all[b] = (unsigned char)b;
	n = pretok_bytes_to_chars(all, 256, s);
	CHECK(pretok_chars_to_bytes(s, n, back) == 256);
	CHECK(memcmp(all, back, 256) == 0);
	n = pretok_bytes_to_chars((const unsigned char *)" \n!", 3, s);
	s[n] = '\0';
	CHECK_STREQ(s, "ĠĊ!");
	CHECK(pretok_cp_byte(0x100) == 0 && pretok_cp_byte(0x143) == 173);
	CHECK(pretok_cp_byte('A') == 'A' && pretok_cp_byte(' ') == -1);
	CHECK(pretok_chars_to_bytes("a b", 3, back) == -1);
}

int
main(void)
{
	gpt2_pieces();
	cut_points(NULL);
	cut_points(PRETOK_CL100K_PATTERN);
	byte_map();
	T_DONE();
}
