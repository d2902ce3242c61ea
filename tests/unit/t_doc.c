/* t_doc.c - doc record parsing, field rules, the UTF-8 policy and canonical writing. */
#include <stdlib.h>

#include "doc.h"
#include "t.h"

static struct buf scratch[5];

static int
parse(const char *line, struct doc *d, unsigned flags, const char **why)
{
	long fixes = 0;
	size_t at;

	return doc_parse(line, strlen(line), d, scratch, flags, &fixes, why, &at);
}

static void
test_fields(void)
{
	struct doc d;
	const char *why;
	struct buf out = BUF_INIT;
	const char *line = "{\"x\":[1,{\"y\":2}],\"id\":\"d\\u00e9\",\"text\":\"t\\n\","
	    "\"url\":null,\"source\":\"web\",\"metadata\":{\"lang\":\"en\"},\"z\":\"last\"}";

	CHECK(parse(line, &d, 0, &why) == 0);
	CHECK(d.id_len == 3 && memcmp(d.id, "d\xc3\xa9", 3) == 0);
	CHECK(d.text_len == 2 && memcmp(d.text, "t\n", 2) == 0);
	CHECK(d.url == NULL);
	CHECK(d.source_len == 3 && memcmp(d.source, "web", 3) == 0);
	CHECK(d.metadata_len == 13 && memcmp(d.metadata, "{\"lang\":\"en\"}", 13) == 0);
	CHECK(d.extra_len == strlen("\"x\":[1,{\"y\":2}],\"z\":\"last\""));
	CHECK(d.raw == line);

	/* Unchanged records are written back verbatim. */
	CHECK(doc_write(&out, &d) == 0);
	CHECK(out.len == strlen(line) + 1 && memcmp(out.p, line, strlen(line)) == 0);

	/* A changed record is written in canonical form, fields in fixed order. */
	buf_reset(&out);
	d.raw = NULL;
	CHECK(doc_write(&out, &d) == 0);
	CHECK_STREQ(out.p, "{\"id\":\"d\xc3\xa9\",\"text\":\"t\\n\",\"source\":\"web\","
	    "\"metadata\":{\"lang\":\"en\"},\"x\":[1,{\"y\":2}],\"z\":\"last\"}\n");
	/* ... and the canonical form is a fixed point. */
	{
		struct doc d2;
		struct buf out2 = BUF_INIT;
		char *copy = strndup(out.p, out.len - 1);
		CHECK(parse(copy, &d2, 0, &why) == 0);
		d2.raw = NULL;
		CHECK(doc_write(&out2, &d2) == 0);
		CHECK(out2.len == out.len && memcmp(out2.p, out.p, out.len) == 0);
		free(copy);
		buf_release(&out2);
	}
	buf_release(&out);
}

static void
test_errors(void)
{
	static const struct {
		const char *line;
		const char *why;
	} cases[] = {
		{ "{\"text\":\"x\"}", "missing member \"id\"" },
		{ "{\"id\":\"x\"}", "missing member \"text\"" },
		{ "{}", "missing member \"id\"" },
		{ "{\"id\":\"a\",\"text\":1}", "\"text\" must be a string" },
		{ "{\"id\":\"a\",\"text\":\"x\",\"url\":5}", "\"url\" must be a string or null" },
		{ "{\"id\":\"a\",\"text\":\"x\",\"metadata\":[1]}", "\"metadata\" must be an object or null" },
		{ "{\"id\":\"a\",\"id\":\"b\",\"text\":\"x\"}", "duplicate member \"id\"" },
		{ "{\"id\":\"a\",\"text\":\"x\"", "expected ',' or '}'" },
		{ "{\"id\":\"a\" \"text\":\"x\"}", "expected ',' or '}'" },
		{ "{\"id\":\"a\",\"text\":\"x\",}", "expected a member name" },
		{ "{\"id\":\"a\",\"text\":\"x\",\"m\":[1,}", "unexpected character" },
		{ "\"just a string\"", "expected a JSON object" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct doc d;
		const char *why = "";
		CHECKF(parse(cases[i].line, &d, 0, &why) == PTK_EFORMAT, "case %zu", i);
		CHECKF(strcmp(why, cases[i].why) == 0, "case %zu: got '%s'", i, why);
	}
}

static void
test_utf8_policy(void)
{
	struct doc d;
	const char *why;
	struct buf out = BUF_INIT;
	long fixes = 0;
	size_t at;
	const char *line = "{\"id\":\"a\",\"text\":\"x\xff y\"}";

	CHECK(parse(line, &d, 0, &why) == PTK_EFORMAT);
	CHECK_STREQ(why, "invalid UTF-8 in string");
	CHECK(doc_parse(line, strlen(line), &d, scratch, DOC_REPAIR_UTF8, &fixes,
	    &why, &at) == 0);
	CHECK(fixes == 1 && d.raw == NULL);
	CHECK(doc_write(&out, &d) == 0);
	CHECK_STREQ(out.p, "{\"id\":\"a\",\"text\":\"x\xef\xbf\xbd y\"}\n");
	/* metadata is never repaired. */
	line = "{\"id\":\"a\",\"text\":\"x\",\"metadata\":{\"k\":\"\xff\"}}";
	CHECK(doc_parse(line, strlen(line), &d, scratch, DOC_REPAIR_UTF8, &fixes,
	    &why, &at) == PTK_EFORMAT);
	/* \u0000 is text like any other, and survives. */
	line = "{\"id\":\"a\",\"text\":\"a\\u0000b\"}";
	CHECK(parse(line, &d, 0, &why) == 0 && d.text_len == 3 && d.text[1] == '\0');
	buf_reset(&out);
	d.raw = NULL;
	CHECK(doc_write(&out, &d) == 0);
	CHECK_STREQ(out.p, "{\"id\":\"a\",\"text\":\"a\\u0000b\"}\n");
	buf_release(&out);
}

int
main(void)
{
	int i;

	test_fields();
	test_errors();
	test_utf8_policy();
	for (i = 0; i < 5; i++)
		buf_release(&scratch[i]);
	T_DONE();
}
