/*
 * t_wp_sent.c - the sentence splitter (sentsplit.h) and sentence-by-sentence
 * WordPiece encoding: same tokens as the whole text, bounds where sentences
 * start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sentsplit.h"
#include "t.h"
#include "tok_wp.h"

/* The sentences of text joined by " | ". */
static const char *
sents(const char *text)
{
	static struct sent_spans s;
	static char out[2048];
	size_t n = strlen(text), i, k = 0;

	sent_split(text, n, &s);
	out[0] = '\0';
	for (i = 0; i < s.n; i++) {
		size_t from = s.start[i], to = i + 1 < s.n ? s.start[i + 1] : n;
		/* trim the whitespace each sentence starts or ends with */
		while (from < to && strchr(" \t\n\r", text[from]))
			from++;
		while (to > from && strchr(" \t\n\r", text[to - 1]))
			to--;
		if (k + (to - from) + 4 >= sizeof out)
			break;
		if (i) {
			memcpy(out + k, " | ", 3);
			k += 3;
		}
		memcpy(out + k, text + from, to - from);
		k += to - from;
	}
	out[k] = '\0';
	return out;
}

static void
test_split(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Hello world. This is a test! Is it? Yes.",
		  "Hello world. | This is a test! | Is it? | Yes." },
		{ "Mr. Smith went to Washington. He arrived.",
		  "Mr. Smith went to Washington. | He arrived." },
		{ "See e.g. this one. And 3.14 is pi.", "See e.g. this one. | And 3.14 is pi." },
		{ "It costs approx. two dollars. Ok.", "It costs approx. two dollars. | Ok." },
		{ "Wait... what?! Really.", "Wait... what?! | Really." },
		{ "He said \"Stop.\" Then he left.", "He said \"Stop.\" | Then he left." },
		{ "(Quoted.) Next.", "(Quoted.) | Next." },
		{ "The end\n\nA new paragraph\n  \nAnother\none", "The end | A new paragraph | Another\none" },
		{ "Wrapped\nline. Next", "Wrapped\nline. | Next" },
		{ "\u4ECA\u65E5\u306F\u6674\u308C\u3002\u660E\u65E5\u306F\u96E8\uFF01\u672C\u5F53\uFF1F",
		  "\u4ECA\u65E5\u306F\u6674\u308C\u3002 | \u660E\u65E5\u306F\u96E8\uFF01 | \u672C\u5F53\uFF1F" },
		{ "\u300C\u306F\u3044\u3002\u300D\u305D\u3046\u3002",
		  "\u300C\u306F\u3044\u3002\u300D | \u305D\u3046\u3002" },
		{ "Version 2.0 is out.", "Version 2.0 is out." },
		{ "No final stop", "No final stop" },
		{ "One.  ", "One." },
		{ "  Lead. Trail.  ", "Lead. | Trail." },
		{ "", "" },
		{ " \n\t ", "" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECKF(strcmp(sents(cases[i].in), cases[i].want) == 0,
		    "case %zu: '%s'", i, sents(cases[i].in));
}

static void
test_encode(void)
{
	char dir[] = "/tmp/t_wp_sent.XXXXXX", path[64];
	const char *vocab = "[UNK]\n[CLS]\n[SEP]\nhello\nworld\n.\n!\nis\nit\n?\n##s\n"
	    "this\na\ntest\nyes\n\u6674\n\u3002\n";
	const char *text = "Hello worlds. This is a test!  Is it? Yes.\n\nHello \u6674\u3002\u6674";
	struct tokenizer *t;
	struct tok_state *st;
	struct sent_spans sp = { 0 };
	struct idvec whole = { 0 }, out = { 0 }, bounds = { 0 };
	char err[256];
	FILE *f;

	if (mkdtemp(dir) == NULL)
		return;
	snprintf(path, sizeof path, "%s/vocab.txt", dir);
	f = fopen(path, "w");
	fputs(vocab, f);
	fclose(f);
	CHECK(tok_wp_load(&t, path, NULL, err, sizeof err) == 0);
	st = t->ops->state_new(t);
	t->ops->encode(t, st, text, strlen(text), &whole);
	CHECK(sent_encode(t, st, text, strlen(text), &sp, &out, &bounds) == 0);
	CHECK(out.n == whole.n && memcmp(out.v, whole.v, out.n * sizeof *out.v) == 0);
	/* hello world ##s . | this is a test ! | is it ? | yes . | hello 晴 。 | 晴 */
	{
		static const uint32_t want[] = { 0, 4, 9, 12, 14, 17 };
		CHECKF(bounds.n == 6 && memcmp(bounds.v, want, sizeof want) == 0,
		    "%zu bounds", bounds.n);
	}
	/* Whitespace alone: no tokens, no bounds. */
	out.n = bounds.n = 0;
	CHECK(sent_encode(t, st, " \n ", 3, &sp, &out, &bounds) == 0);
	CHECK(out.n == 0 && bounds.n == 0);
	idvec_release(&whole);
	idvec_release(&out);
	idvec_release(&bounds);
	sent_spans_release(&sp);
	t->ops->state_free(st);
	tokenizer_free(t);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_split();
	test_encode();
	T_DONE();
}
