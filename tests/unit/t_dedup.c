/*
 * t_dedup.c - external sort, signature files, and the sign/merge/filter
 * phases: chains, first-seen survivors, lines, the index, bad keep-lists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dedup.h"
#include "dedup_sort.h"
#include "err.h"
#include "t.h"
#include "xalloc.h"
#include "zio.h"

static char dir[256];

static char *
path(const char *name)
{
	static char p[256][512];
	static int k;

	k = (k + 1) % 256;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static void
put_file(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "w");

	fputs(text, f);
	fclose(f);
}

static char *
get_file(const char *p)
{
	FILE *f = fopen(p, "rb");
	struct buf b = BUF_INIT;
	char tmp[4096];
	size_t n;

	if (f == NULL)
		return xstrdup("");
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_append(&b, tmp, n);
	fclose(f);
	buf_append(&b, "", 0);
	return buf_detach(&b, NULL);
}

/* ---- external sort ---- */

static void
test_sort(size_t nrec, size_t mem, int want_runs)
{
	struct dsort *s = dsort_new(3, 2, mem, dir);
	const uint64_t *r;
	uint64_t st = 7, sum_in = 0, sum_out = 0, prev[2] = { 0, 0 }, n = 0;
	size_t i;
	int ok = 1, rc;

	for (i = 0; i < nrec; i++) {
		uint64_t x[3];
		st = st * 6364136223846793005ull + 1442695040888963407ull;
		x[0] = st >> 40;	/* many ties on the first word */
		x[1] = st;
		x[2] = i;
		sum_in += x[0] ^ x[1] ^ x[2];
		CHECK(dsort_add(s, x) == 0);
	}
	CHECK(dsort_done(s) == 0);
	CHECK((dsort_runs(s) > 0) == want_runs);
	while ((rc = dsort_next(s, &r)) == 1) {
		if (n && (r[0] < prev[0] || (r[0] == prev[0] && r[1] < prev[1])))
			ok = 0;
		prev[0] = r[0];
		prev[1] = r[1];
		sum_out += r[0] ^ r[1] ^ r[2];
		n++;
	}
	CHECK(rc == 0);
	CHECK(ok);
	CHECK(n == nrec);
	CHECK(sum_in == sum_out);
	CHECK(dsort_count(s) == nrec);
	dsort_free(s);
}

/* ---- signature files ---- */

static void
test_sigfile(void)
{
	struct dedup_params p = DEDUP_PARAMS_INIT;
	struct dsig_writer *w;
	struct dsig_file *f;
	struct dsig_rec r = { 0 }, g;
	uint32_t sig[112 + 512];
	uint64_t lines[3] = { 5, 0, 9 };
	char err[512], *data;
	size_t n, i;
	FILE *fp;

	p.levels = DEDUP_EXACT | DEDUP_NEAR | DEDUP_LINES;
	for (i = 0; i < sizeof sig / sizeof sig[0]; i++)
		sig[i] = (uint32_t)i * 7;
	CHECK(dsig_writer_open(&w, path("t.sig"), &p, err, sizeof err) == 0);
	r.exact[0] = 1;
	r.exact[1] = 2;
	r.mh = sig;
	r.lines = lines;
	r.nlines = 3;
	r.nwords = 10;
	r.id = "first";
	r.id_len = 5;
	CHECK(dsig_write(w, &r) == 0);
	r.id = "second";
	r.id_len = 6;
	r.nlines = 0;
	CHECK(dsig_write(w, &r) == 0);
	CHECK(dsig_writer_close(w, 1, err, sizeof err) == 0);
	CHECK(dsig_open(&f, path("t.sig"), err, sizeof err) == 0);
	CHECK(dsig_count(f) == 2);
	CHECK(dsig_params(f)->levels == p.levels && dsig_params(f)->mh.bins == 1024);
	dsig_get(f, 0, &g);
	CHECK(g.id_len == 5 && memcmp(g.id, "first", 5) == 0);
	CHECK(g.nlines == 3 && g.lines[0] == 5 && g.lines[2] == 9);
	CHECK(g.exact[0] == 1 && g.exact[1] == 2 && g.nwords == 10);
	CHECK(memcmp(g.mh, sig, sizeof sig) == 0);
	dsig_get(f, 1, &g);
	CHECK(g.id_len == 6 && memcmp(g.id, "second", 6) == 0 && g.nlines == 0);
	dsig_close(f);

	/* Every damaged copy is a format error, never a crash. */
	fp = fopen(path("t.sig"), "rb");
	fseek(fp, 0, SEEK_END);
	n = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = xmalloc(n);
	CHECK(fread(data, 1, n, fp) == n);
	fclose(fp);
	for (i = 0; i < n; i += 7) {
		data[i] ^= 0x20;
		CHECKF(dsig_open_mem(&f, data, n, "x", err, sizeof err) == PTK_EFORMAT,
		    "flipped byte %zu accepted", i);
		dsig_close(f);
		data[i] ^= 0x20;
	}
	for (i = 0; i < n; i += 13) {
		CHECKF(dsig_open_mem(&f, data, i, "x", err, sizeof err) == PTK_EFORMAT,
		    "truncation at %zu accepted", i);
		dsig_close(f);
	}
	CHECK(dsig_open_mem(&f, data, n, "x", err, sizeof err) == 0);
	dsig_close(f);
	free(data);
	CHECK(dsig_open(&f, path("missing.sig"), err, sizeof err) == PTK_EIO);
}

/* ---- phases ---- */

/* "w<start>" .. "w<start+n-1>", words in [rs, re) renamed with tag. */
static void
words(struct buf *b, int start, int n, int rs, int re, const char *tag)
{
	int i;

	for (i = 0; i < n; i++)
		buf_printf(b, "%s%s%d", i ? " " : "", (i >= rs && i < re) ? tag : "w",
		    start + i);
}

static void
doc(struct buf *b, const char *id, const char *text)
{
	buf_printf(b, "{\"id\":\"%s\",\"text\":\"%s\"}\n", id, text);
}

/* One shot over the named inputs; returns the output and the report. */
static int
run(const struct dedup_opts *o, char **in, int n, char **out, char **rep,
    struct dedup_stats *st)
{
	struct dedup_ctx *c = dedup_ctx_new(o);
	struct zio_writer *w, *r;
	int rc;

	zio_writer_open(&w, path("out.jsonl"), 0, 0);
	zio_writer_open(&r, path("rep.jsonl"), 0, 0);
	rc = dedup_run(c, in, n, w, r);
	zio_writer_close(w, rc == 0);
	zio_writer_close(r, rc == 0);
	if (rc == 0)
		rc = dedup_ctx_finish(c, 1);
	if (rc != 0)
		fprintf(stderr, "dedup: %s\n", dedup_errmsg(c));
	if (st)
		*st = *dedup_stats(c);
	dedup_ctx_free(c);
	*out = get_file(path("out.jsonl"));
	*rep = get_file(path("rep.jsonl"));
	unlink(path("out.jsonl"));
	unlink(path("rep.jsonl"));
	return rc;
}

/*
 * A chain: B is near A, C is near B, but C is far from A.  A is kept, B is
 * removed as a copy of A, and C is kept: it is not confirmed against the
 * document kept for the cluster.
 */
static void
test_chain(void)
{
	struct dedup_opts o = DEDUP_OPTS_INIT;
	struct buf in = BUF_INIT, t = BUF_INIT;
	struct dedup_stats st;
	char *ins[] = { path("chain.jsonl") }, *out, *rep;

	words(&t, 0, 600, 0, 0, "");
	doc(&in, "A", t.p);
	buf_reset(&t);
	words(&t, 0, 600, 560, 600, "b");
	doc(&in, "B", t.p);
	/* C: B's text with its first 40 words renamed. */
	buf_reset(&t);
	{
		int i;
		for (i = 0; i < 600; i++)
			buf_printf(&t, "%s%s%d", i ? " " : "",
			    i < 40 ? "c" : i >= 560 ? "b" : "w", i);
	}
	doc(&in, "C", t.p);
	put_file("chain.jsonl", in.p);
	o.threshold = 0.82;	/* J(A,B) = J(B,C) = 0.874, J(A,C) = 0.763 */
	CHECK(run(&o, ins, 1, &out, &rep, &st) == 0);
	CHECK(strstr(out, "\"A\"") && !strstr(out, "\"B\"") && strstr(out, "\"C\""));
	CHECKF(strstr(rep, "{\"id\":\"B\",\"duplicate_of\":\"A\",\"level\":\"near\"") != NULL,
	    "report: %s", rep);
	CHECK(st.removed[1] == 1 && st.kept == 2);
	CHECK(st.clusters == 1 && st.hist[1] == 1);	/* one cluster of 3 */
	free(out);
	free(rep);
	buf_release(&in);
	buf_release(&t);
}

/* Many copies: exactly one survives, the first; all name it. */
static void
test_survivor(void)
{
	struct dedup_opts o = DEDUP_OPTS_INIT;
	struct buf in = BUF_INIT, t = BUF_INIT;
	struct dedup_stats st;
	char *ins[] = { path("copies.jsonl") }, *out, *rep, id[16];
	int i;

	for (i = 0; i < 40; i++) {
		buf_reset(&t);
		/* Each copy differs from the first in one word of 200. */
		words(&t, 0, 200, i ? 100 + i : 0, i ? 101 + i : 0, "z");
		snprintf(id, sizeof id, "d%02d", i);
		doc(&in, id, t.p);
	}
	put_file("copies.jsonl", in.p);
	CHECK(run(&o, ins, 1, &out, &rep, &st) == 0);
	CHECK(strstr(out, "\"d00\"") != NULL);
	CHECK(st.kept == 1 && st.removed[1] == 39);
	for (i = 1; i < 40; i++) {
		char want[64];
		snprintf(want, sizeof want, "{\"id\":\"d%02d\",\"duplicate_of\":\"d00\"", i);
		CHECKF(strstr(rep, want) != NULL, "d%02d", i);
	}
	free(out);
	free(rep);
	buf_release(&in);
	buf_release(&t);
}

/* Lines: boilerplate in three documents goes from all but the first. */
static void
test_lines(void)
{
	struct dedup_opts o = DEDUP_OPTS_INIT;
	char *ins[] = { path("lines.jsonl") }, *out, *rep;
	struct dedup_stats st;

	o.p.levels = DEDUP_LINES;
	put_file("lines.jsonl",
	    "{\"id\":\"1\",\"text\":\"Menu: Home\\nfirst body\\nFooter 2023\"}\n"
	    "{\"id\":\"2\",\"text\":\"Menu: Home\\nsecond body\\nFooter 2024\"}\n"
	    "{\"id\":\"3\",\"text\":\"Menu: Home\\nthird body\\nfooter 1999\\n\"}\n"
	    "{\"id\":\"4\",\"text\":\"menu home\\nFooter 2000\"}\n"
	    "{\"id\":\"5\",\"text\":\"Menu: Home\\nonly twice here\"}\n");
	CHECK(run(&o, ins, 1, &out, &rep, &st) == 0);
	CHECKF(strcmp(out,
	    "{\"id\":\"1\",\"text\":\"Menu: Home\\nfirst body\\nFooter 2023\"}\n"
	    "{\"id\": \"2\", \"text\": \"second body\"}\n"
	    "{\"id\": \"3\", \"text\": \"third body\\n\"}\n"
	    "{\"id\": \"5\", \"text\": \"only twice here\"}\n") == 0 ||
	    strcmp(out,
	    "{\"id\":\"1\",\"text\":\"Menu: Home\\nfirst body\\nFooter 2023\"}\n"
	    "{\"id\":\"2\",\"text\":\"second body\"}\n"
	    "{\"id\":\"3\",\"text\":\"third body\\n\"}\n"
	    "{\"id\":\"5\",\"text\":\"only twice here\"}\n") == 0, "out:\n%s", out);
	CHECKF(strstr(rep, "{\"id\":\"4\",\"duplicate_of\":\"1\",\"level\":\"lines\",\"similarity\":1}") != NULL,
	    "report: %s", rep);
	CHECK(st.removed[2] == 1 && st.trimmed == 3 && st.lines_removed == 7);
	free(out);
	free(rep);

	/* Paragraphs: a repeated paragraph, separators kept around the rest. */
	o.p.paragraphs = 1;
	o.line_count = 2;
	put_file("lines.jsonl",
	    "{\"id\":\"1\",\"text\":\"Intro one.\\n\\nShared paragraph\\nof two lines.\"}\n"
	    "{\"id\":\"2\",\"text\":\"Shared  paragraph\\nof two lines.\\n \\n\\nBody two.\"}\n"
	    "{\"id\":\"3\",\"text\":\"Body three.\\n\\nShared paragraph\\nof two lines.\"}\n");
	CHECK(run(&o, ins, 1, &out, &rep, &st) == 0);
	CHECKF(strstr(out, "\"Body two.\"") && strstr(out, "\"Body three.\"") &&
	    strstr(out, "Intro one.\\n\\nShared paragraph\\nof two lines."), "out:\n%s", out);
	free(out);
	free(rep);
}

/* The index: a second run drops what the first kept, and adds nothing twice. */
static void
test_index(void)
{
	struct dedup_opts o = DEDUP_OPTS_INIT;
	struct buf in = BUF_INIT, t = BUF_INIT;
	struct dedup_stats st;
	char *ins[] = { path("i1.jsonl") }, *ins2[] = { path("i2.jsonl") }, *out, *rep;

	o.index = path("index.db");
	unlink(o.index);
	words(&t, 0, 100, 0, 0, "");
	doc(&in, "a", t.p);
	buf_reset(&t);
	words(&t, 500, 100, 0, 0, "");
	doc(&in, "b", t.p);
	put_file("i1.jsonl", in.p);
	CHECK(run(&o, ins, 1, &out, &rep, &st) == 0);
	CHECK(st.kept == 2 && st.indexed == 2);
	free(out);
	free(rep);

	/* Run 2: a copy of a, a near copy of b, a new document twice. */
	buf_reset(&in);
	buf_reset(&t);
	words(&t, 0, 100, 0, 0, "");
	doc(&in, "a2", t.p);
	buf_reset(&t);
	words(&t, 500, 100, 50, 51, "q");
	doc(&in, "b2", t.p);
	buf_reset(&t);
	words(&t, 900, 100, 0, 0, "");
	doc(&in, "c", t.p);
	doc(&in, "c-again", t.p);
	put_file("i2.jsonl", in.p);
	CHECK(run(&o, ins2, 1, &out, &rep, &st) == 0);
	CHECKF(strcmp(out, "{\"id\":\"c\",\"text\":\"") < 0 || strstr(out, "\"c\"") != NULL,
	    "%s", out);
	CHECK(strstr(out, "\"a2\"") == NULL && strstr(out, "\"b2\"") == NULL);
	CHECK(strstr(rep, "{\"id\":\"a2\",\"duplicate_of\":\"a\",\"level\":\"exact\"") != NULL);
	CHECK(strstr(rep, "{\"id\":\"b2\",\"duplicate_of\":\"b\",\"level\":\"near\"") != NULL);
	CHECK(strstr(rep, "{\"id\":\"c-again\",\"duplicate_of\":\"c\",\"level\":\"exact\"") != NULL);
	CHECK(st.vs_index == 2 && st.indexed == 1);
	free(out);
	free(rep);

	/* Run 3: the same input again: everything is in the index now. */
	CHECK(run(&o, ins2, 1, &out, &rep, &st) == 0);
	CHECK(out[0] == '\0' && st.indexed == 0 && st.vs_index == 4);
	free(out);
	free(rep);

	/* Other parameters than the index was built with: refused. */
	o.p.mh.ngram = 3;
	CHECK(run(&o, ins2, 1, &out, &rep, &st) == PTK_EFORMAT);
	free(out);
	free(rep);
	unlink(o.index);
	buf_release(&in);
	buf_release(&t);
}

/* Threads do not change a signature file; phases equal one shot. */
static void
test_determinism(void)
{
	struct dedup_opts o = DEDUP_OPTS_INIT;
	struct buf in = BUF_INIT, t = BUF_INIT;
	struct dedup_ctx *c;
	char *a, *b, *out, *rep, *ins[] = { path("det.jsonl") };
	char *sigs[] = { path("det1.sig") }, *keeps[] = { path("det1.keep") };
	struct zio_writer *w;
	int i;

	for (i = 0; i < 3000; i++) {
		char id[16];
		buf_reset(&t);
		words(&t, (i % 700) * 3, 60, i % 7, i % 7 + (i % 3), "x");
		snprintf(id, sizeof id, "%d", i);
		doc(&in, id, t.p);
	}
	put_file("det.jsonl", in.p);
	o.p.levels = DEDUP_EXACT | DEDUP_NEAR | DEDUP_LINES;
	o.jobs = 1;
	c = dedup_ctx_new(&o);
	CHECK(dedup_sign(c, path("det.jsonl"), path("det1.sig")) == 0);
	dedup_ctx_free(c);
	o.jobs = 4;
	c = dedup_ctx_new(&o);
	CHECK(dedup_sign(c, path("det.jsonl"), path("det4.sig")) == 0);
	dedup_ctx_free(c);
	a = get_file(path("det1.sig"));
	b = get_file(path("det4.sig"));
	CHECK(strlen(a) > 0 || a[0] == 0);
	{
		FILE *f1 = fopen(path("det1.sig"), "rb"), *f4 = fopen(path("det4.sig"), "rb");
		int c1, c4, same = 1;
		do {
			c1 = fgetc(f1);
			c4 = fgetc(f4);
			same &= c1 == c4;
		} while (c1 != EOF && c4 != EOF);
		CHECK(same);
		fclose(f1);
		fclose(f4);
	}
	free(a);
	free(b);

	/* sign -> merge -> filter by hand equals the one shot. */
	c = dedup_ctx_new(&o);
	CHECK(dedup_merge(c, sigs, 1, keeps) == 0);
	zio_writer_open(&w, path("phased.jsonl"), 0, 0);
	CHECK(dedup_filter(c, path("det.jsonl"), path("det1.keep"), w, NULL) == 0);
	zio_writer_close(w, 1);
	dedup_ctx_free(c);
	CHECK(run(&o, ins, 1, &out, &rep, NULL) == 0);
	a = get_file(path("phased.jsonl"));
	CHECK(strcmp(a, out) == 0);
	CHECK(strlen(out) > 1000);
	free(a);
	free(out);
	free(rep);

	/* A keep-list applied to another shard is refused. */
	put_file("other.jsonl", "{\"id\":\"zz\",\"text\":\"x\"}\n");
	c = dedup_ctx_new(&o);
	zio_writer_open(&w, path("x.jsonl"), 0, 0);
	CHECK(dedup_filter(c, path("other.jsonl"), path("det1.keep"), w, NULL) ==
	    PTK_EFORMAT);
	zio_writer_close(w, 0);
	dedup_ctx_free(c);
	buf_release(&in);
	buf_release(&t);
}

static const struct {
	const char *keep;
	int want;
} keep_cases[] = {
	{ "", PTK_EFORMAT },
	{ "not json\n", PTK_EFORMAT },
	{ "{\"ptk_dedup_keep\":2,\"records\":1}\n", PTK_EFORMAT },
	{ "{\"ptk_dedup_keep\":1}\n", PTK_EFORMAT },
	{ "{\"ptk_dedup_keep\":1,\"records\":1,\"extra\":1}\n", PTK_EFORMAT },
	{ "{\"ptk_dedup_keep\":1,\"records\":2}\n", PTK_EFORMAT },	/* count */
	{ "{\"ptk_dedup_keep\":1,\"records\":1}\n{\"record\":2,\"id\":\"a\",\"level\":\"exact\"}\n",
	  PTK_EFORMAT },
	{ "{\"ptk_dedup_keep\":1,\"records\":1}\n{\"record\":1,\"id\":\"a\",\"level\":\"fuzzy\"}\n",
	  PTK_EFORMAT },
	{ "{\"ptk_dedup_keep\":1,\"records\":1}\n{\"record\":1,\"id\":\"a\"}\n", PTK_EFORMAT },
	{ "{\"ptk_dedup_keep\":1,\"records\":1}\n{\"record\":1,\"id\":\"a\",\"drop_lines\":[0,0]}\n",
	  PTK_EFORMAT },
	{ "{\"ptk_dedup_keep\":1,\"records\":1}\n{\"record\":1,\"id\":\"a\",\"drop_lines\":[5]}\n",
	  PTK_EFORMAT },	/* the record has one line */
	{ "{\"ptk_dedup_keep\":1,\"records\":1}\n{\"record\":1,\"id\":\"b\",\"level\":\"exact\"}\n",
	  PTK_EFORMAT },	/* another id */
	{ "{\"ptk_dedup_keep\":1,\"records\":1}\n", 0 },
	{ "{\"ptk_dedup_keep\":1,\"records\":1,\"min_length\":0}\n"
	  "{\"record\":1,\"id\":\"a\",\"drop_lines\":[0],\"line_of\":\"x\"}\n", 0 },
};

static void
test_keep_lists(void)
{
	struct dedup_opts o = DEDUP_OPTS_INIT;
	size_t i;

	put_file("one.jsonl", "{\"id\":\"a\",\"text\":\"single line\"}\n");
	for (i = 0; i < sizeof keep_cases / sizeof keep_cases[0]; i++) {
		struct dedup_ctx *c = dedup_ctx_new(&o);
		struct zio_writer *w;
		int rc;

		put_file("k.keep", keep_cases[i].keep);
		zio_writer_open(&w, path("k.out"), 0, 0);
		rc = dedup_filter(c, path("one.jsonl"), path("k.keep"), w, NULL);
		CHECKF(rc == keep_cases[i].want, "case %zu: %d (%s)", i, rc,
		    dedup_errmsg(c));
		zio_writer_close(w, 0);
		dedup_ctx_free(c);
	}
}

int
main(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/t_dedup.XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_sort(1000, 1 << 20, 0);
	test_sort(200000, 1 << 20, 1);
	test_sigfile();
	test_chain();
	test_survivor();
	test_lines();
	test_index();
	test_determinism();
	test_keep_lists();
	{
		char cmd[512];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	T_DONE();
}
