/*
 * t_shard.c - shard folders: exact round trips for every record part,
 * windows, the val split, the shuffle (a permutation, independent of the
 * memory limit), Megatron and llm.c files read back by readers written here
 * from the published byte layouts, and corruption caught at open.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shard.h"
#include "shard_int.h"
#include "t.h"

static char root[256];

/* A deterministic pseudo-random record set. */
struct recs {
	size_t n;
	char **ids;
	uint32_t **tok;
	size_t *len;
	uint8_t **seg;
	uint32_t **bnd;
	size_t *nbnd;
	int32_t **lab;
	int *has_label, *label;
};

static uint64_t rng = 88172645463325252ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void
make_recs(struct recs *r, size_t n, uint32_t vocab, int parts)
{
	size_t i, j;

	r->n = n;
	r->ids = calloc(n, sizeof *r->ids);
	r->tok = calloc(n, sizeof *r->tok);
	r->len = calloc(n, sizeof *r->len);
	r->seg = calloc(n, sizeof *r->seg);
	r->bnd = calloc(n, sizeof *r->bnd);
	r->nbnd = calloc(n, sizeof *r->nbnd);
	r->lab = calloc(n, sizeof *r->lab);
	r->has_label = calloc(n, sizeof *r->has_label);
	r->label = calloc(n, sizeof *r->label);
	for (i = 0; i < n; i++) {
		size_t L = rnd(5) == 0 ? 0 : rnd(60);
		r->ids[i] = malloc(32);
		snprintf(r->ids[i], 32, rnd(8) ? "rec-%zu" : "", i);
		r->len[i] = L;
		r->tok[i] = malloc((L + 1) * sizeof(uint32_t));
		for (j = 0; j < L; j++)
			r->tok[i][j] = rnd(vocab);
		if (parts && rnd(2)) {
			r->seg[i] = malloc(L + 1);
			for (j = 0; j < L; j++)
				r->seg[i][j] = (uint8_t)rnd(2);
		}
		if (parts && L > 0 && rnd(2)) {
			size_t k = 0;
			r->bnd[i] = malloc((L + 1) * sizeof(uint32_t));
			for (j = 0; j < L; j++)
				if (rnd(6) == 0)
					r->bnd[i][k++] = (uint32_t)j;
			r->nbnd[i] = k;
		}
		if (parts && rnd(2)) {
			r->lab[i] = malloc((L + 1) * sizeof(int32_t));
			for (j = 0; j < L; j++)
				r->lab[i][j] = rnd(3) ? -1 : (int32_t)rnd(vocab);
		}
		if (parts && rnd(2)) {
			r->has_label = r->has_label;
			r->has_label[i] = 1;
			r->label[i] = (int32_t)rnd(2);
		}
	}
}

static void
free_recs(struct recs *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->ids[i]);
		free(r->tok[i]);
		free(r->seg[i]);
		free(r->bnd[i]);
		free(r->lab[i]);
	}
	free(r->ids);
	free(r->tok);
	free(r->len);
	free(r->seg);
	free(r->bnd);
	free(r->nbnd);
	free(r->lab);
	free(r->has_label);
	free(r->label);
}

static void
rec_of(const struct recs *r, size_t i, struct tok_rec *t)
{
	memset(t, 0, sizeof *t);
	t->id = r->ids[i];
	t->id_len = strlen(r->ids[i]);
	t->tokens = r->tok[i];
	t->n = r->len[i];
	t->segments = r->seg[i];
	t->bounds = r->bnd[i];
	t->n_bounds = r->nbnd[i];
	t->labels = r->lab[i];
	t->has_label = r->has_label[i];
	t->label = r->label[i];
}

/* Whether a read-back record equals input record i exactly. */
static int
same_rec(const struct recs *r, size_t i, const struct tok_rec *t)
{
	struct tok_rec w;

	rec_of(r, i, &w);
	if (t->id_len != w.id_len || memcmp(t->id, w.id, w.id_len) != 0 ||
	    t->n != w.n || memcmp(t->tokens, w.tokens, w.n * 4) != 0)
		return 0;
	if ((t->segments == NULL) != (w.segments == NULL) ||
	    (w.segments && memcmp(t->segments, w.segments, w.n) != 0))
		return 0;
	if ((t->bounds == NULL) != (w.bounds == NULL) || t->n_bounds != w.n_bounds ||
	    (w.bounds && memcmp(t->bounds, w.bounds, 4 * w.n_bounds) != 0))
		return 0;
	if ((t->labels == NULL) != (w.labels == NULL) ||
	    (w.labels && memcmp(t->labels, w.labels, 4 * w.n) != 0))
		return 0;
	return t->has_label == w.has_label && (!w.has_label || t->label == w.label);
}

static int
write_folder(const char *dir, const struct shard_opts *o, uint32_t vocab,
    int kind, const struct recs *r)
{
	struct shard_writer *w;
	struct tok_header h;
	struct tok_rec t;
	char err[1024];
	size_t i;
	int rc;

	tok_header_init(&h, vocab, 0x1234abcdULL);
	h.kind = (uint8_t)kind;
	h.special[TOK_EOS] = (int32_t)vocab - 1;
	if ((rc = shard_writer_open(&w, dir, o, &h)) != 0) {
		fprintf(stderr, "open: %s\n", shard_writer_errmsg(w));
		shard_writer_close(w, 0, NULL, 0);
		return rc;
	}
	for (i = 0; i < r->n && rc == 0; i++) {
		rec_of(r, i, &t);
		rc = shard_writer_add(w, &t);
	}
	rc = shard_writer_close(w, rc == 0, err, sizeof err);
	if (rc)
		fprintf(stderr, "write %s: %s\n", dir, err);
	return rc;
}

static char *
path(const char *a, const char *b)
{
	static char p[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", a, b);
	return p[k];
}

static void
rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			unlink(path(dir, e->d_name));
	closedir(d);
	unlink(path(dir, "manifest.json"));
	rmdir(dir);
}

static unsigned char *
slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	unsigned char *b;
	long sz;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)sz + 1);
	*n = fread(b, 1, (size_t)sz, f);
	fclose(f);
	return b;
}

static void
spit(const char *p, const void *b, size_t n)
{
	FILE *f = fopen(p, "wb");

	fwrite(b, 1, n, f);
	fclose(f);
}

/* ---- ptk: exact round trip of every part, windows ---- */

static void
test_ptk_roundtrip(void)
{
	struct shard_opts o = SHARD_OPTS_INIT;
	struct shard_recbuf b = { 0 };
	struct shardset *s;
	struct recs r;
	struct tok_rec t;
	char *dir = strdup(path(root, "ptk"));
	uint32_t *all, *win;
	size_t i, total = 0, ok = 1;
	static const uint32_t vocabs[] = { 200, 30000, 100000 };
	int v;

	for (v = 0; v < 3; v++) {
		make_recs(&r, 400, vocabs[v], 1);
		o.shard_tokens = 500;
		CHECK(write_folder(dir, &o, vocabs[v], TOK_KIND_MASKED, &r) == 0);
		CHECK(shardset_open(&s, dir, 0, 2) == 0);
		CHECK(shardset_format(s) == SHARD_FMT_PTK);
		CHECK(shardset_header(s)->vocab_size == vocabs[v]);
		CHECK(shardset_header(s)->kind == TOK_KIND_MASKED);
		CHECK(shardset_header(s)->special[TOK_EOS] == (int32_t)vocabs[v] - 1);
		CHECK(shardset_records(s, SHARD_TRAIN) == r.n);
		CHECK(shardset_nshards(s, SHARD_TRAIN) > 5);
		CHECK(shardset_records(s, SHARD_VAL) == 0);
		for (i = 0, total = 0, ok = 1; i < r.n; i++) {
			CHECK(shardset_record(s, SHARD_TRAIN, i, &t, &b) == 0);
			ok &= same_rec(&r, i, &t);
			total += r.len[i];
		}
		CHECKF(ok, "vocab %u: a record differs", vocabs[v]);
		CHECK(shardset_tokens(s, SHARD_TRAIN) == total);
		CHECK(shardset_record(s, SHARD_TRAIN, r.n, &t, &b) == PTK_EAPI);
		CHECK(shardset_record(s, SHARD_VAL, 0, &t, &b) == PTK_EAPI);
		/* The concatenated stream and windows across shard bounds. */
		all = malloc((total + 1) * sizeof *all);
		for (i = 0, total = 0; i < r.n; i++) {
			memcpy(all + total, r.tok[i], r.len[i] * 4);
			total += r.len[i];
		}
		win = malloc(65 * sizeof *win);
		for (i = 0, ok = 1; i < shardset_windows(s, SHARD_TRAIN, 64); i++) {
			CHECK(shardset_window(s, SHARD_TRAIN, i, 64, win) == 0);
			ok &= memcmp(win, all + 64 * i, 65 * 4) == 0;
		}
		CHECK(ok);
		CHECK(shardset_windows(s, SHARD_TRAIN, 64) == (total - 1) / 64);
		CHECK(shardset_read(s, SHARD_TRAIN, total - 3, 3, win) == 0 &&
		    memcmp(win, all + total - 3, 12) == 0);
		CHECK(shardset_read(s, SHARD_TRAIN, total - 3, 4, win) == PTK_EAPI);
		CHECK(shardset_read(s, SHARD_TRAIN, total, 0, win) == 0);
		free(all);
		free(win);
		shardset_free(s);
		rm_rf(dir);
		free_recs(&r);
	}
	shard_recbuf_release(&b);
	free(dir);
}

/* ---- val split and shuffle ---- */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Fingerprint of each record (its id and tokens), sorted. */
static uint64_t *
fingerprints(struct shardset *s, size_t *n, uint64_t *first)
{
	struct shard_recbuf b = { 0 };
	struct tok_rec t;
	uint64_t *f;
	size_t i, k = 0;
	int split;

	*n = (size_t)(shardset_records(s, 0) + shardset_records(s, 1));
	f = malloc((*n + 1) * sizeof *f);
	for (split = 0; split < 2; split++)
		for (i = 0; i < shardset_records(s, split); i++) {
			uint64_t h = 1469598103934665603ULL;
			size_t j;
			shardset_record(s, split, i, &t, &b);
			for (j = 0; j < t.id_len; j++)
				h = (h ^ (unsigned char)t.id[j]) * 1099511628211ULL;
			for (j = 0; j < t.n; j++)
				h = (h ^ t.tokens[j]) * 1099511628211ULL;
			f[k++] = h;
		}
	*first = k ? f[0] : 0;
	qsort(f, k, sizeof *f, cmp_u64);
	shard_recbuf_release(&b);
	return f;
}

static void
test_shuffle_and_val(void)
{
	struct shard_opts o = SHARD_OPTS_INIT;
	struct shardset *s;
	struct recs r;
	char *d0 = strdup(path(root, "plain")), *d1 = strdup(path(root, "shuf1"));
	char *d2 = strdup(path(root, "shuf2"));
	uint64_t *f0, *f1, *f2, first0, first1, first2;
	size_t n0, n1, n2;

	make_recs(&r, 30000, 1000, 1);
	o.val_fraction = 0.1;
	CHECK(write_folder(d0, &o, 1000, TOK_KIND_MASKED, &r) == 0);
	CHECK(shardset_open(&s, d0, 0, 1) == 0);
	CHECK(shardset_records(s, SHARD_VAL) == 3000);
	CHECK(shardset_records(s, SHARD_TRAIN) == 27000);
	f0 = fingerprints(s, &n0, &first0);
	shardset_free(s);

	/* Over the memory limit: buckets on disk, scattered twice. */
	o.shuffle = 1;
	o.seed = 42;
	o.mem = 1 << 20;
	o.shard_tokens = 100000;
	CHECK(write_folder(d1, &o, 1000, TOK_KIND_MASKED, &r) == 0);
	CHECK(shardset_open(&s, d1, 0, 1) == 0);
	CHECK(shardset_shuffled(s));
	CHECK(shardset_records(s, SHARD_VAL) == 3000);
	f1 = fingerprints(s, &n1, &first1);
	shardset_free(s);
	o.mem = 256 << 20;
	CHECK(write_folder(d2, &o, 1000, TOK_KIND_MASKED, &r) == 0);
	CHECK(shardset_open(&s, d2, 0, 1) == 0);
	f2 = fingerprints(s, &n2, &first2);
	shardset_free(s);
	CHECK(n0 == r.n && n1 == r.n && n2 == r.n);
	CHECKF(memcmp(f0, f1, n0 * 8) == 0, "shuffle is not a permutation");
	CHECKF(first1 == first2, "shuffle order depends on --mem");
	CHECK(first0 != first1);
	{
		/* Same seed, same bytes; another seed, another order. */
		size_t n;
		unsigned char *a = slurp(path(d1, "train_000000.ptk"), &n), *b;
		size_t m;
		b = slurp(path(d2, "train_000000.ptk"), &m);
		CHECK(a && b && n == m && memcmp(a, b, n) == 0);
		free(a);
		free(b);
		rm_rf(d2);
		o.seed = 43;
		CHECK(write_folder(d2, &o, 1000, TOK_KIND_MASKED, &r) == 0);
		CHECK(shardset_open(&s, d2, 0, 1) == 0);
		free(f2);
		f2 = fingerprints(s, &n2, &first2);
		CHECK(first2 != first1 && memcmp(f0, f2, n0 * 8) == 0);
		shardset_free(s);
	}
	free(f0);
	free(f1);
	free(f2);
	rm_rf(d0);
	rm_rf(d1);
	rm_rf(d2);
	free_recs(&r);
	free(d0);
	free(d1);
	free(d2);
}

/* ---- Megatron: an independent reader from the published layout ---- */

static uint64_t
u64at(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);	/* little-endian host, as Megatron's numpy reader */
	return v;
}

static void
test_megatron(void)
{
	struct shard_opts o = SHARD_OPTS_INIT;
	struct recs r;
	char *dir = strdup(path(root, "mega"));
	unsigned char *idx, *bin;
	size_t ni, nb, i, j, rec = 0, bad = 0;
	static const uint32_t vocabs[] = { 50257, 65500, 100000 };
	int v;

	for (v = 0; v < 3; v++) {
		uint64_t nseq, ndoc, off;
		int itemsize;
		make_recs(&r, 300, vocabs[v], 0);
		o.format = SHARD_FMT_MEGATRON;
		o.shard_tokens = 1u << 30;
		CHECK(write_folder(dir, &o, vocabs[v], TOK_KIND_SEQ, &r) == 0);
		idx = slurp(path(dir, "train_000000.idx"), &ni);
		bin = slurp(path(dir, "train_000000.bin"), &nb);
		CHECK(idx != NULL && bin != NULL && ni >= 34);
		if (idx == NULL || bin == NULL || ni < 34)
			return;
		/* magic (9), u64 version, u8 dtype, u64 sequences, u64 documents */
		CHECK(memcmp(idx, "MMIDIDX\0\0", 9) == 0);
		CHECK(u64at(idx + 9) == 1);
		itemsize = idx[17] == 8 ? 2 : idx[17] == 4 ? 4 : 0;
		CHECKF(itemsize == (vocabs[v] < 65500 ? 2 : 4), "dtype code %d", idx[17]);
		nseq = u64at(idx + 18);
		ndoc = u64at(idx + 26);
		CHECK(nseq == r.n && ndoc == r.n + 1);
		CHECK(ni == 34 + 4 * nseq + 8 * nseq + 8 * ndoc);
		off = 34;
		for (i = 0; i < nseq; i++) {
			int32_t len;
			int64_t ptr;
			memcpy(&len, idx + off + 4 * i, 4);
			memcpy(&ptr, idx + off + 4 * nseq + 8 * i, 8);
			if ((size_t)len != r.len[i] || (size_t)ptr + (size_t)len * itemsize > nb)
				bad++;
			else
				for (j = 0; j < (size_t)len; j++) {
					uint32_t t = 0;
					memcpy(&t, bin + ptr + j * itemsize, itemsize);
					bad += t != r.tok[i][j];
				}
		}
		for (i = 0; i < ndoc; i++)
			bad += u64at(idx + off + 12 * nseq + 8 * i) != i;
		rec += nseq;
		CHECKF(bad == 0, "vocab %u: %zu Megatron mismatches", vocabs[v], bad);
		free(idx);
		free(bin);
		rm_rf(dir);
		free_recs(&r);
	}
	CHECK(rec == 900);
	free(dir);
}

/* ---- llm.c: header of 256 int32, uint16 tokens, shards filled exactly ---- */

static void
test_llmc(void)
{
	struct shard_opts o = SHARD_OPTS_INIT;
	struct shard_writer *w;
	struct tok_header h;
	struct recs r;
	char *dir = strdup(path(root, "llmc")), name[64];
	size_t i, total = 0, at = 0, bad = 0, n;
	uint32_t *all;
	int k;

	make_recs(&r, 500, 50257, 0);
	o.format = SHARD_FMT_LLMC;
	o.shard_tokens = 3000;
	o.eod = SHARD_EOD_BEFORE;
	CHECK(write_folder(dir, &o, 50257, TOK_KIND_SEQ, &r) == 0);
	for (i = 0; i < r.n; i++)
		total += r.len[i] + 1;
	all = malloc(total * sizeof *all);
	for (i = 0, total = 0; i < r.n; i++) {
		all[total++] = 50256;	/* eos, before each document */
		memcpy(all + total, r.tok[i], r.len[i] * 4);
		total += r.len[i];
	}
	for (k = 0;; k++) {
		unsigned char *b;
		int32_t hd[256];
		snprintf(name, sizeof name, "train_%06d.bin", k);
		if ((b = slurp(path(dir, name), &n)) == NULL)
			break;
		memcpy(hd, b, sizeof hd);
		CHECK(hd[0] == 20240520 && hd[1] == 1);
		CHECK(n == 1024 + 2 * (size_t)hd[2]);
		CHECK(hd[2] == 3000 || at + (size_t)hd[2] == total);
		for (i = 0; i < (size_t)hd[2] && at < total; i++) {
			uint16_t t;
			memcpy(&t, b + 1024 + 2 * i, 2);
			bad += t != all[at++];
		}
		free(b);
	}
	CHECK(k == (int)((total + 2999) / 3000));
	CHECKF(bad == 0 && at == total, "llm.c tokens differ (%zu)", bad);
	free(all);
	rm_rf(dir);
	free_recs(&r);

	/* A vocabulary over 16 bits cannot be written. */
	tok_header_init(&h, 70000, 0);
	CHECK(shard_writer_open(&w, dir, &o, &h) == PTK_EFORMAT);
	CHECK(strstr(shard_writer_errmsg(w), "16-bit") != NULL);
	shard_writer_close(w, 0, NULL, 0);
	CHECK(access(dir, F_OK) != 0);
	free(dir);
}

/* ---- corruption ---- */

static const struct {
	const char *what;
	int fmt;
	const char *file;	/* NULL: the manifest */
	long at;		/* byte to flip (< 0: from the end); 0 with cut */
	long cut;		/* truncate to this many bytes less */
	const char *sub;	/* what the manifest edit replaces */
	const char *with;
	const char *want;	/* in the message */
	int caught_when_trusted;
} corrupt[] = {
	{ "token flip", SHARD_FMT_PTK, "train_000000.ptk", 300, 0, NULL, NULL, "checksum mismatch", 0 },
	{ "header flip", SHARD_FMT_PTK, "train_000000.ptk", 13, 0, NULL, NULL, "header checksum", 1 },
	{ "trailer flip", SHARD_FMT_PTK, "train_000000.ptk", -20, 0, NULL, NULL, "trailer checksum", 1 },
	{ "index flip", SHARD_FMT_PTK, "train_000001.ptk", -400, 0, NULL, NULL, "checksum", 0 },
	{ "truncated", SHARD_FMT_PTK, "train_000001.ptk", 0, 100, NULL, NULL, "truncated", 1 },
	{ "records", SHARD_FMT_PTK, NULL, 0, 0, "ptk\", \"records\": ", "ptk\", \"records\": 1", "disagree", 1 },
	{ "checksum", SHARD_FMT_PTK, NULL, 0, 0, "\"xxh64\": \"", "\"xxh64\": \"f", "", 1 },
	{ "vocab", SHARD_FMT_PTK, NULL, 0, 0, "\"vocab_size\": 3000", "\"vocab_size\": 3001", "", 1 },
	{ "missing key", SHARD_FMT_PTK, NULL, 0, 0, "\"kind\"", "\"kinds\"", "lacks \"kind\"", 1 },
	{ "bad json", SHARD_FMT_PTK, NULL, 0, 0, "\"shards\": [", "\"shards\": [,", "at byte", 1 },
	{ "mega bin flip", SHARD_FMT_MEGATRON, "train_000000.bin", 10, 0, NULL, NULL, "checksum mismatch", 0 },
	{ "mega idx flip", SHARD_FMT_MEGATRON, "train_000000.idx", 40, 0, NULL, NULL, "", 1 },
	{ "mega idx cut", SHARD_FMT_MEGATRON, "train_000000.idx", 0, 8, NULL, NULL, "truncated", 1 },
	{ "llmc flip", SHARD_FMT_LLMC, "train_000000.bin", 2000, 0, NULL, NULL, "checksum mismatch", 0 },
	{ "llmc count", SHARD_FMT_LLMC, "train_000000.bin", 8, 0, NULL, NULL, "", 1 },
};

static void
test_corruption(void)
{
	struct shard_opts o = SHARD_OPTS_INIT;
	struct shardset *s;
	struct recs r;
	char *dir = strdup(path(root, "bad"));
	size_t i, n;
	int rc;

	make_recs(&r, 200, 3000, 1);
	for (i = 0; i < sizeof corrupt / sizeof corrupt[0]; i++) {
		unsigned char *b;
		char *p;
		rm_rf(dir);
		o.format = corrupt[i].fmt;
		o.shard_tokens = 2000;
		if (o.format != SHARD_FMT_PTK) {
			free_recs(&r);
			make_recs(&r, 200, 3000, 0);
		}
		CHECK(write_folder(dir, &o, 3000, o.format == SHARD_FMT_PTK ?
		    TOK_KIND_MASKED : TOK_KIND_SEQ, &r) == 0);
		CHECK(shardset_open(&s, dir, 0, 1) == 0);
		shardset_free(s);
		p = path(dir, corrupt[i].file ? corrupt[i].file : "manifest.json");
		b = slurp(p, &n);
		if (b == NULL) {
			CHECKF(0, "%s: no %s", corrupt[i].what, p);
			continue;
		}
		if (corrupt[i].sub) {
			char *at = strstr((char *)b, corrupt[i].sub), *nb;
			size_t ls = strlen(corrupt[i].sub), lw = strlen(corrupt[i].with);
			CHECKF(at != NULL, "%s: no '%s'", corrupt[i].what, corrupt[i].sub);
			if (at == NULL)
				continue;
			nb = malloc(n + lw + 1);
			memcpy(nb, b, (size_t)(at - (char *)b));
			memcpy(nb + (at - (char *)b), corrupt[i].with, lw);
			memcpy(nb + (at - (char *)b) + lw, at + ls, n - (size_t)(at - (char *)b) - ls);
			spit(p, nb, n - ls + lw);
			free(nb);
		} else if (corrupt[i].cut) {
			spit(p, b, n - (size_t)corrupt[i].cut);
		} else {
			long at = corrupt[i].at < 0 ? (long)n + corrupt[i].at : corrupt[i].at;
			b[at] ^= 0x10;
			spit(p, b, n);
		}
		free(b);
		rc = shardset_open(&s, dir, 0, 1);
		CHECKF(rc == PTK_EFORMAT, "%s: open gave %d", corrupt[i].what, rc);
		CHECKF(strstr(shardset_errmsg(s), corrupt[i].want) != NULL,
		    "%s: message '%s'", corrupt[i].what, shardset_errmsg(s));
		shardset_free(s);
		rc = shardset_open(&s, dir, SHARDSET_TRUST, 1);
		CHECKF((rc == PTK_EFORMAT) == corrupt[i].caught_when_trusted,
		    "%s: trusted open gave %d (%s)", corrupt[i].what, rc, shardset_errmsg(s));
		shardset_free(s);
	}
	rm_rf(dir);
	free_recs(&r);
	/* Not a folder, no manifest. */
	CHECK(shardset_open(&s, path(root, "nothing"), 0, 1) == PTK_EIO);
	shardset_free(s);
	mkdir(dir, 0777);
	CHECK(shardset_open(&s, dir, 0, 1) == PTK_EFORMAT);
	CHECK(strstr(shardset_errmsg(s), "not a shard folder") != NULL);
	shardset_free(s);
	rmdir(dir);
	free(dir);
}

/* ---- the folder appears whole or not at all ---- */

static void
test_atomic(void)
{
	struct shard_opts o = SHARD_OPTS_INIT;
	struct shard_writer *w;
	struct tok_header h;
	struct tok_rec t;
	uint32_t bad[2] = { 1, 500 };
	char *dir = strdup(path(root, "atomic"));
	DIR *d;
	struct dirent *e;
	int leftovers = 0;

	tok_header_init(&h, 100, 0);
	CHECK(shard_writer_open(&w, dir, &o, &h) == 0);
	memset(&t, 0, sizeof t);
	t.tokens = bad;
	t.n = 2;
	t.id = "";
	CHECK(shard_writer_add(w, &t) == PTK_EFORMAT);
	CHECK(strstr(shard_writer_errmsg(w), "out of the vocabulary") != NULL);
	shard_writer_close(w, 0, NULL, 0);
	CHECK(access(dir, F_OK) != 0);
	d = opendir(root);
	while (d && (e = readdir(d)) != NULL)
		leftovers += strncmp(e->d_name, "atomic", 6) == 0;
	if (d)
		closedir(d);
	CHECK(leftovers == 0);
	free(dir);
}

/* ---- manifest parser: every bad shape is a format error ---- */

static void
test_manifest(void)
{
	static const char *const bad[] = {
		"", "[]", "{}", "{\"format\":\"ptk-shards\"}",
		"{\"format\":\"other\",\"version\":1}",
		"{\"format\":\"ptk-shards\",\"version\":2}",
		"{\"format\":\"ptk-shards\",\"format\":\"ptk-shards\"}",
		"{\"format\":\"ptk-shards\",\"version\":1,\"shard_format\":\"ptk\",\"kind\":\"seq\","
		"\"vocab_size\":10,\"fingerprint\":\"0000000000000000\",\"token_width\":1,"
		"\"train\":{\"records\":0,\"tokens\":0},\"val\":{\"records\":0,\"tokens\":0},"
		"\"shards\":[{\"split\":\"train\",\"file\":\"../x\",\"records\":1,\"tokens\":1,"
		"\"bytes\":1,\"xxh64\":\"0000000000000000\"}]}",
		"{\"format\":\"ptk-shards\",\"version\":1,\"shard_format\":\"ptk\",\"kind\":\"seq\","
		"\"vocab_size\":10,\"fingerprint\":\"00000000000000\",\"token_width\":1,"
		"\"train\":{\"records\":0,\"tokens\":0},\"val\":{\"records\":0,\"tokens\":0},"
		"\"shards\":[]}",
		"{\"format\":\"ptk-shards\",\"version\":1,\"shard_format\":\"ptk\",\"kind\":\"seq\","
		"\"vocab_size\":10,\"fingerprint\":\"0000000000000000\",\"token_width\":1,"
		"\"special\":{\"eos\":10},"
		"\"train\":{\"records\":0,\"tokens\":0},\"val\":{\"records\":0,\"tokens\":0},"
		"\"shards\":[]}",
	};
	const char *good =
		"{\"format\":\"ptk-shards\",\"version\":1,\"shard_format\":\"ptk\",\"kind\":\"pair\","
		"\"vocab_size\":10,\"fingerprint\":\"00000000000000ff\",\"token_width\":1,"
		"\"special\":{\"eos\":9},\"future_key\":[1,{\"a\":null}],"
		"\"train\":{\"records\":0,\"tokens\":0},\"val\":{\"records\":0,\"tokens\":0},"
		"\"shards\":[]}";
	struct shard_manifest m;
	const char *why;
	size_t i, at;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = shard_manifest_parse(bad[i], strlen(bad[i]), &m, &why, &at);
		CHECKF(rc == PTK_EFORMAT, "bad manifest %zu accepted", i);
	}
	CHECK(shard_manifest_parse(good, strlen(good), &m, &why, &at) == 0);
	CHECK(m.h.kind == TOK_KIND_PAIR && m.h.fingerprint == 0xff &&
	    m.h.special[TOK_EOS] == 9);
	shard_manifest_release(&m);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof root, "%s/t_shard.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_manifest();
	test_ptk_roundtrip();
	test_shuffle_and_val();
	test_megatron();
	test_llmc();
	test_corruption();
	test_atomic();
	rmdir(root);
	T_DONE();
}
