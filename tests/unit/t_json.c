/* t_json.c - JSON scanning, canonical string writing, UTF-8 validation and repair. */
#include <stdlib.h>

#include "json.h"
#include "t.h"
#include "utf8.h"

static int
skip_ok(const char *s)
{
	const char *p = s, *why = NULL;
	int rc = json_skip_value(&p, s + strlen(s), &why);

	return rc == 0 && json_skip_ws(p, s + strlen(s)) == s + strlen(s);
}

static const char *const valid_values[] = {
	"0", "-0", "1.5e10", "-12.25E-3", "true", "false", "null", "\"\"",
	"\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"", "[]", "{}",
	"[1,[2,[3,{\"a\":[]}]]]", "{\"a\":{\"b\":{\"c\":null}},\"d\":[true,false]}",
	" { \"a\" : 1 , \"b\" : [ 1 , 2 ] } ", "\"日本語 😀\"",
};

static const char *const invalid_values[] = {
	"", "01", "1.", ".5", "-", "1e", "tru", "nul", "[1,]", "[1 2]", "{\"a\"}",
	"{\"a\":1,}", "{a:1}", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
	"\"\\udc00\\ud800\"", "[", "]", "{\"a\":1]", "\"\x01\"", "\"\xff\"",
	"\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
};

static void
test_skip(void)
{
	size_t i;
	char deep[2 * JSON_MAX_DEPTH + 8];
	const char *p, *why;
	int rc;

	for (i = 0; i < sizeof valid_values / sizeof *valid_values; i++)
		CHECKF(skip_ok(valid_values[i]), "valid: %s", valid_values[i]);
	for (i = 0; i < sizeof invalid_values / sizeof *invalid_values; i++)
		CHECKF(!skip_ok(invalid_values[i]), "invalid: %s", invalid_values[i]);

	/* Nesting is capped without recursion. */
	memset(deep, '[', JSON_MAX_DEPTH + 1);
	memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
	p = deep;
	rc = json_skip_value(&p, deep + 2 * JSON_MAX_DEPTH + 2, &why);
	CHECK(rc == PTK_ELIMIT);
	memset(deep, '[', JSON_MAX_DEPTH);
	memset(deep + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	p = deep;
	CHECK(json_skip_value(&p, deep + 2 * JSON_MAX_DEPTH, &why) == 0);
}

static void
test_read_string(void)
{
	static const struct {
		const char *in;
		const char *want;
		size_t want_len;
		int zero_copy;
	} cases[] = {
		{ "\"plain ascii\"", "plain ascii", 11, 1 },
		{ "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xf0\x9f\x98\x80", 10, 1 },
		{ "\"a\\nb\"", "a\nb", 3, 0 },
		{ "\"\\u00e9\\u65e5\"", "\xc3\xa9\xe6\x97\xa5", 5, 0 },
		{ "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4, 0 },
		{ "\"nul\\u0000in\"", "nul\0in", 6, 0 },
		{ "\"\\\"\\\\\\/\\b\\f\\r\\t\"", "\"\\/\b\f\r\t", 7, 0 },
	};
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *p = cases[i].in, *val, *why;
		size_t len;
		int rc = json_read_string(&p, p + strlen(p), &out, &val, &len, 0,
		    NULL, &why);
		CHECKF(rc == 0, "case %zu", i);
		CHECKF(len == cases[i].want_len && memcmp(val, cases[i].want, len) == 0,
		    "case %zu", i);
		CHECKF((val == cases[i].in + 1) == cases[i].zero_copy, "case %zu zero copy", i);
		CHECK(*p == '\0');
	}

	/* Repair: invalid bytes and lone surrogates become U+FFFD, counted. */
	{
		const char *in = "\"a\xff" "b\\ud800c\xe2\x82\"";
		const char *p = in, *val, *why;
		size_t len;
		long fixes = 0;
		CHECK(json_read_string(&p, in + strlen(in), &out, &val, &len, 0, NULL,
		    &why) == PTK_EFORMAT);
		p = in;
		CHECK(json_read_string(&p, in + strlen(in), &out, &val, &len, 1,
		    &fixes, &why) == 0);
		CHECK(fixes == 3);
		CHECK(len == 12 && memcmp(val, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd", 12) == 0);
	}
	/* A capped buffer turns a huge string into PTK_ELIMIT. */
	{
		const char *in = "\"0123456789\\n0123456789\"";
		const char *p = in, *val, *why;
		size_t len;
		struct buf small = BUF_INIT;
		small.max = 8;
		CHECK(json_read_string(&p, in + strlen(in), &small, &val, &len, 0,
		    NULL, &why) == PTK_ELIMIT);
		buf_release(&small);
	}
	buf_release(&out);
}

static void
test_write_string(void)
{
	struct buf out = BUF_INIT;
	const char in[] = "q\"b\\n\n\x01\x1f\x7f t\t\xc3\xa9\xff";

	CHECK(json_write_string(&out, in, sizeof in - 1) == 1);
	CHECK_STREQ(out.p, "\"q\\\"b\\\\n\\n\\u0001\\u001f\x7f t\\t\xc3\xa9\xef\xbf\xbd\"");

	/* Canonical output reads back to the same bytes (all 0..127 and some UTF-8). */
	{
		char all[128 + 8];
		const char *p, *val, *why;
		size_t len, i;
		struct buf dec = BUF_INIT;

		for (i = 0; i < 128; i++)
			all[i] = (char)i;
		memcpy(all + 128, "\xe6\x97\xa5\xf0\x9f\x98\x80", 7);
		buf_reset(&out);
		CHECK(json_write_string(&out, all, 135) == 0);
		p = out.p;
		CHECK(json_read_string(&p, out.p + out.len, &dec, &val, &len, 0, NULL,
		    &why) == 0);
		CHECK(len == 135 && memcmp(val, all, 135) == 0);
		buf_release(&dec);
	}
	buf_release(&out);
}

static void
test_read_u64(void)
{
	const char *why, *s;
	unsigned long long v;

	s = "18446744073709551615";
	CHECK(json_read_u64(&s, s + strlen(s), &v, &why) == 0 && v == 18446744073709551615ull);
	s = "18446744073709551616";
	CHECK(json_read_u64(&s, s + strlen(s), &v, &why) == PTK_EFORMAT);
	s = "007";
	CHECK(json_read_u64(&s, s + 3, &v, &why) == PTK_EFORMAT);
	s = "1.5";
	CHECK(json_read_u64(&s, s + 3, &v, &why) == PTK_EFORMAT);
}

static void
test_utf8(void)
{
	static const struct {
		const char *s;
		size_t valid;
	} cases[] = {
		{ "ascii only", 10 },
		{ "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80", 9 },
		{ "ab\xc0\xaf", 2 },		/* overlong */
		{ "ab\xed\xa0\x80", 2 },	/* surrogate */
		{ "ab\xf4\x90\x80\x80", 2 },	/* above U+10FFFF */
		{ "abcdefghij\xe2\x82", 10 },	/* truncated at the end */
		{ "abcdefgh\x80", 8 },		/* lone continuation */
	};
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		CHECKF(utf8_valid_prefix((const unsigned char *)cases[i].s,
		    strlen(cases[i].s)) == cases[i].valid, "case %zu", i);
	/* Maximal subparts: "\xe2\x82" is one replacement, "\xc0\xaf" two. */
	CHECK(utf8_repair(&out, (const unsigned char *)"a\xe2\x82" "b\xc0\xaf", 6) == 3);
	CHECK(out.len == 1 + 3 + 1 + 6);
	buf_release(&out);
}

int
main(void)
{
	test_skip();
	test_read_string();
	test_write_string();
	test_read_u64();
	test_utf8();
	T_DONE();
}
