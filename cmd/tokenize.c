/*
 * tokenize - encode doc records (or plain text files) into token records,
 * one record per document in input order, with a byte-level BPE or WordPiece
 * vocabulary; --decode turns token records back into text.
 */
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doc.h"
#include "pretok.h"
#include "sentsplit.h"
#include "tok_bpe.h"
#include "tok_wp.h"
#include "tokenizer.h"
#include "tokrec.h"
#include "utf8.h"
#include "xalloc.h"

enum {
	OPT_VOCAB = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_TEXT,
	OPT_EOS,
	OPT_ADD_SPECIAL,
	OPT_IGNORE_SPECIAL,
	OPT_SKIP_UNKNOWN,
	OPT_DECODE,
	OPT_CASED,
	OPT_MAX_WORD_CHARS,
	OPT_SENTENCES,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "vocab", required_argument, NULL, OPT_VOCAB },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "eos", no_argument, NULL, OPT_EOS },
	{ "add-special", no_argument, NULL, OPT_ADD_SPECIAL },
	{ "ignore-special", no_argument, NULL, OPT_IGNORE_SPECIAL },
	{ "skip-unknown", no_argument, NULL, OPT_SKIP_UNKNOWN },
	{ "decode", no_argument, NULL, OPT_DECODE },
	{ "cased", no_argument, NULL, OPT_CASED },
	{ "max-word-chars", required_argument, NULL, OPT_MAX_WORD_CHARS },
	{ "sentences", no_argument, NULL, OPT_SENTENCES },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Encode doc records into token records (one per document, in input order),\n"
"or decode token records back into text.  The output is the same for any -j.\n"
"\n"
"      --vocab PATH     the vocabulary (required): a folder holding\n"
"                       vocab.json + merges.txt, tokenizer.json or vocab.txt;\n"
"                       a tokenizer.json; a vocab.txt; or a .tiktoken file\n"
"      --text           inputs are plain text files, each one document (id:\n"
"                       the file name); with --decode, write each record's\n"
"                       bytes as they are instead of doc records\n"
"      --eos            end each record with the end-of-text token\n"
"      --add-special    WordPiece: [CLS] first and [SEP] last (BPE: nothing)\n"
"      --ignore-special encode special-token text (<|endoftext|>) as plain\n"
"                       text; by default it becomes the special token\n"
"      --skip-unknown   BPE: drop bytes the vocabulary has no token for (as\n"
"                       HuggingFace does without an unk_token; counted);\n"
"                       by default such a byte is an error\n"
"      --decode         token records in, doc records (or --text bytes) out\n"
"      --cased          WordPiece: keep case and accents\n"
"      --max-word-chars N  WordPiece: longer words become [UNK] (100)\n"
"      --sentences      record where each sentence starts (sentence bounds,\n"
"                       for nsp-pair and sop-pair): after . ! ? and their\n"
"                       ideographic forms (rules: wordpiece-train(1))\n"
"\n"
"Memory: the vocabulary, one batch of documents (about 32 MB), and a cache\n"
"of about 20 MB per thread.\n";

struct item {
	size_t doc;
	size_t from, to;	/* byte range of the document's text */
	struct idvec ids;
	struct idvec bounds;	/* --sentences: where sentences start in ids */
	struct sent_spans spans;
	int rc;
};

struct tokenize {
	struct cli_common c;
	const char *vocab;
	int text, eos, add_special, decode, sentences;
	struct tokenizer_opts topts;
	struct tokenizer *t;
	struct tok_header h;
	int nthreads;
	struct tok_state **st;
	struct zio_writer *out;
	struct buf obuf;
	/* the batch */
	struct buf btext;
	size_t *toff, *tlen, *idoff, *idlen;
	uint64_t *recno;
	const char **fname;
	size_t n, cap;
	struct buf bids;
	struct item *items;
	size_t nitems, icap;
	struct idvec rec;
	struct idvec bounds;
	/* counts */
	uint64_t docs, tokens, bytes;
	struct progress prog;
};

enum { BATCH_BYTES = 32 << 20, BATCH_DOCS = 1 << 14, CHUNK_BYTES = 256 << 10 };

static void
batch_add(struct tokenize *z, const char *id, size_t idlen, const char *text,
    size_t len, uint64_t recno, const char *fname)
{
	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 1024;
		z->toff = xreallocarray(z->toff, z->cap, sizeof *z->toff);
		z->tlen = xreallocarray(z->tlen, z->cap, sizeof *z->tlen);
		z->idoff = xreallocarray(z->idoff, z->cap, sizeof *z->idoff);
		z->idlen = xreallocarray(z->idlen, z->cap, sizeof *z->idlen);
		z->recno = xreallocarray(z->recno, z->cap, sizeof *z->recno);
		z->fname = xreallocarray(z->fname, z->cap, sizeof *z->fname);
	}
	z->toff[z->n] = z->btext.len;
	z->tlen[z->n] = len;
	z->idoff[z->n] = z->bids.len;
	z->idlen[z->n] = idlen;
	z->recno[z->n] = recno;
	z->fname[z->n] = fname;
	/* text == NULL: the text is already at the end of btext */
	if ((text != NULL && buf_append(&z->btext, text, len) != 0) ||
	    buf_append(&z->bids, id, idlen) != 0)
		xmalloc((size_t)-1);
	if (text == NULL)
		z->toff[z->n] = z->btext.len - len;
	z->n++;
}

static void
add_item(struct tokenize *z, size_t doc, size_t from, size_t to)
{
	if (z->nitems == z->icap) {
		size_t i;
		z->icap = z->icap ? z->icap * 2 : 1024;
		z->items = xreallocarray(z->items, z->icap, sizeof *z->items);
		for (i = z->nitems; i < z->icap; i++)
			memset(&z->items[i], 0, sizeof z->items[i]);
	}
	z->items[z->nitems].doc = doc;
	z->items[z->nitems].from = from;
	z->items[z->nitems].to = to;
	z->items[z->nitems].ids.n = 0;
	z->items[z->nitems].bounds.n = 0;
	z->items[z->nitems].rc = 0;
	z->nitems++;
}

/* Encode the batch in parallel, then write its records in order. */
static int
flush_batch(struct tokenize *z)
{
	int wp = tok_wp_can_cut(z->t), rc = 0;
	int cut = (tok_bpe_can_cut(z->t) || wp) && !z->sentences;
	size_t d, i, k;
	long j;

	if (z->n == 0)
		return 0;
	z->nitems = 0;
	for (d = 0; d < z->n; d++) {
		const char *text = z->btext.p + z->toff[d];
		size_t from = 0, len = z->tlen[d];
		if (!cut || len <= CHUNK_BYTES) {
			add_item(z, d, 0, len);
			continue;
		}
		while (from < len) {
			size_t to = wp ? tok_wp_cut(text, len, from + CHUNK_BYTES) :
			    pretok_cut(text, len, from + CHUNK_BYTES);
			add_item(z, d, from, to);
			from = to;
		}
	}
#pragma omp parallel for num_threads(z->nthreads) schedule(dynamic, 1)
	for (j = 0; j < (long)z->nitems; j++) {
		struct item *it = &z->items[j];
		struct tok_state *s = z->st[omp_get_thread_num()];
		if (z->sentences)
			it->rc = sent_encode(z->t, s, z->btext.p + z->toff[it->doc] +
			    it->from, it->to - it->from, &it->spans, &it->ids,
			    &it->bounds);
		else
			it->rc = z->t->ops->encode(z->t, s, z->btext.p +
			    z->toff[it->doc] + it->from, it->to - it->from, &it->ids);
	}
	for (i = 0; i < z->nitems && rc == 0; i = k) {
		struct tok_rec rec = { 0 };
		d = z->items[i].doc;
		z->rec.n = 0;
		z->bounds.n = 0;
		if (z->add_special && strcmp(z->t->ops->name, "wordpiece") == 0 &&
		    z->t->special[TOK_CLS] >= 0)
			idvec_push(&z->rec, (uint32_t)z->t->special[TOK_CLS]);
		for (k = i; k < z->nitems && z->items[k].doc == d; k++) {
			size_t q;
			if (z->items[k].rc != 0) {
				cli_error("%s: record %llu: %s", z->fname[d],
				    (unsigned long long)z->recno[d],
				    z->items[k].rc == PTK_EFORMAT ?
				    "the text holds a byte that has no token in the vocabulary" :
				    "encoding failed (pattern match limit)");
				rc = z->items[k].rc == PTK_ELIMIT ? PTK_ELIMIT : PTK_EFORMAT;
				break;
			}
			for (q = 0; q < z->items[k].bounds.n; q++)
				idvec_push(&z->bounds, (uint32_t)z->rec.n +
				    z->items[k].bounds.v[q]);
			for (q = 0; q < z->items[k].ids.n; q++)
				idvec_push(&z->rec, z->items[k].ids.v[q]);
		}
		if (rc != 0)
			break;
		if (z->add_special && strcmp(z->t->ops->name, "wordpiece") == 0 &&
		    z->t->special[TOK_SEP] >= 0)
			idvec_push(&z->rec, (uint32_t)z->t->special[TOK_SEP]);
		if (z->eos)
			idvec_push(&z->rec, (uint32_t)z->t->special[TOK_EOS]);
		rec.id = z->bids.p + z->idoff[d];
		rec.id_len = z->idlen[d];
		rec.tokens = z->rec.v;
		rec.n = z->rec.n;
		if (z->sentences) {
			rec.bounds = z->bounds.v;
			rec.n_bounds = z->bounds.n;
		}
		if ((rc = tok_rec_encode(&z->obuf, &z->h, &rec)) != 0) {
			cli_error("%s: record %llu: %s", z->fname[d],
			    (unsigned long long)z->recno[d],
			    rc == PTK_ELIMIT ? "record over the format's caps (id over 65535 bytes or too many tokens)" :
			    "bad record");
			rc = rc == PTK_ELIMIT ? PTK_ELIMIT : PTK_EFORMAT;
			break;
		}
		z->docs++;
		z->tokens += rec.n;
		if (z->obuf.len >= (1u << 20) && (rc = zio_write_buf(z->out, &z->obuf)) != 0)
			cli_error("write error: %s", zio_writer_name(z->out));
	}
	for (i = 0; i < z->nitems; i++)
		if (z->items[i].ids.cap > (1u << 20))
			idvec_release(&z->items[i].ids);
	z->n = 0;
	buf_reset(&z->btext);
	buf_reset(&z->bids);
	return rc;
}

static int
full(const struct tokenize *z)
{
	return z->btext.len >= BATCH_BYTES || z->n >= BATCH_DOCS;
}

static int
encode_file(struct tokenize *z, const char *path)
{
	int rc = 0;

	if (!z->text) {
		struct doc_reader *r;
		struct doc d;
		const char *name;
		if ((rc = doc_reader_open(&r, path, z->c.repair_utf8 ? DOC_REPAIR_UTF8 : 0,
		    z->c.max_record)) != 0) {
			cli_error("%s", doc_reader_errmsg(r));
			doc_reader_free(r);
			return rc;
		}
		name = doc_reader_name(r);
		while ((rc = doc_read(r, &d)) == 1) {
			batch_add(z, d.id, d.id_len, d.text, d.text_len,
			    doc_reader_records(r), name);
			z->bytes += d.text_len;
			if (full(z) && (rc = flush_batch(z)) != 0)
				break;
			progress_update(&z->prog, zio_offset(doc_reader_zio(r)), z->docs);
		}
		if (rc < 0 && rc != PTK_EFORMAT && rc != PTK_ELIMIT)
			cli_error("%s", doc_reader_errmsg(r));
		else if (rc < 0 && doc_reader_errmsg(r)[0])
			cli_error("%s", doc_reader_errmsg(r));
		/* Records of this file must be encoded while name is valid. */
		if (rc == 0)
			rc = flush_batch(z);
		if (rc == 0 && doc_reader_repaired(r))
			cli_warn(&z->c, "%s: %llu records had invalid UTF-8 replaced by U+FFFD",
			    name, (unsigned long long)doc_reader_repaired(r));
		doc_reader_free(r);
		return rc < 0 ? rc : 0;
	} else {
		struct zio_reader *zr;
		struct buf whole = BUF_INIT;
		ssize_t got;
		if ((rc = zio_reader_open(&zr, path)) != 0) {
			cli_error("%s", zio_errmsg(zr));
			zio_reader_free(zr);
			return rc;
		}
		for (;;) {
			if (buf_grow(&whole, 1 << 20) != 0)
				xmalloc((size_t)-1);
			got = zio_read(zr, whole.p + whole.len, 1 << 20);
			if (got <= 0)
				break;
			whole.len += (size_t)got;
			progress_update(&z->prog, whole.len + z->bytes, z->docs);
		}
		if (got < 0) {
			cli_error("%s", zio_errmsg(zr));
			rc = (int)got;
		} else {
			const char *id = zio_name(zr);
			z->bytes += whole.len;
			if (z->n == 0) {
				/* One big text: hand the buffer over instead of copying. */
				struct buf tmp = z->btext;
				z->btext = whole;
				whole = tmp;
				batch_add(z, id, strlen(id), NULL, z->btext.len, 1, id);
			} else {
				batch_add(z, id, strlen(id), whole.p ? whole.p : "",
				    whole.len, 1, id);
			}
			rc = flush_batch(z);
		}
		buf_release(&whole);
		zio_reader_free(zr);
		return rc;
	}
}

static int
decode_file(struct tokenize *z, const char *path)
{
	struct tok_reader *r;
	struct tok_rec rec;
	struct buf text = BUF_INIT;
	int rc;

	if ((rc = tok_reader_open(&r, path)) < 0) {
		cli_error("%s", tok_reader_errmsg(r));
		tok_reader_free(r);
		return rc;
	}
	if (rc == 0) {
		tok_reader_free(r);
		return 0;
	}
	{
		const struct tok_header *h = tok_reader_header(r);
		if (h->fingerprint != 0 && h->fingerprint != z->t->fingerprint) {
			cli_error("%s: the stream was encoded with another vocabulary "
			    "(fingerprint %016llx, --vocab has %016llx)", path,
			    (unsigned long long)h->fingerprint,
			    (unsigned long long)z->t->fingerprint);
			tok_reader_free(r);
			return PTK_EFORMAT;
		}
	}
	while ((rc = tok_read(r, &rec)) == 1) {
		buf_reset(&text);
		if ((rc = z->t->ops->decode(z->t, rec.tokens, rec.n, &text)) != 0) {
			cli_error("%s: record %llu: a token id has no token in the vocabulary",
			    path, (unsigned long long)tok_reader_records(r));
			rc = PTK_EFORMAT;
			break;
		}
		if (z->text) {
			rc = buf_append(&z->obuf, text.p ? text.p : "", text.len);
		} else {
			struct doc d = { 0 };
			if (utf8_valid_prefix((const unsigned char *)text.p, text.len) !=
			    text.len) {
				cli_error("%s: record %llu: the decoded text is not valid UTF-8 "
				    "(use --text to write the bytes as they are)", path,
				    (unsigned long long)tok_reader_records(r));
				rc = PTK_EFORMAT;
				break;
			}
			d.id = rec.id;
			d.id_len = rec.id_len;
			d.text = text.p ? text.p : "";
			d.text_len = text.len;
			rc = doc_write(&z->obuf, &d);
		}
		if (rc != 0)
			break;
		z->docs++;
		z->tokens += rec.n;
		z->bytes += text.len;
		if (z->obuf.len >= (1u << 20) && (rc = zio_write_buf(z->out, &z->obuf)) != 0)
			break;
		progress_update(&z->prog, z->bytes, z->docs);
	}
	if (rc < 0 && tok_reader_errmsg(r)[0])
		cli_error("%s", tok_reader_errmsg(r));
	buf_release(&text);
	tok_reader_free(r);
	return rc < 0 ? rc : 0;
}

int
main(int argc, char *argv[])
{
	struct tokenize z = { .c = CLI_COMMON_INIT, .topts = { -1, 0, 0 } };
	char *stdin_only[] = { "-" };
	char err[1024];
	int ch, i, rc = 0;
	uint64_t skipped = 0;
	int skip_unknown = 0;

	cli_init(argv, "usage: tokenize --vocab PATH [options] [file ...]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&z.c, ch, optarg))
			continue;
		switch (ch) {
		case OPT_VOCAB:
			z.vocab = optarg;
			break;
		case OPT_TEXT:
			z.text = 1;
			break;
		case OPT_EOS:
			z.eos = 1;
			break;
		case OPT_ADD_SPECIAL:
			z.add_special = 1;
			break;
		case OPT_IGNORE_SPECIAL:
			z.topts.ignore_special = 1;
			break;
		case OPT_SKIP_UNKNOWN:
			skip_unknown = 1;
			break;
		case OPT_DECODE:
			z.decode = 1;
			break;
		case OPT_CASED:
			z.topts.lowercase = 0;
			break;
		case OPT_SENTENCES:
			z.sentences = 1;
			break;
		case OPT_MAX_WORD_CHARS:
			z.topts.max_word_chars = (int)cli_num(optarg, "--max-word-chars",
			    1, INT_MAX);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (z.vocab == NULL)
		cli_usage_error("--vocab PATH is required");
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	if ((rc = tokenizer_load(&z.t, z.vocab, &z.topts, err, sizeof err)) != 0) {
		cli_error("%s", err);
		return cli_exit_code(rc);
	}
	tok_bpe_set_skip_unknown(z.t, skip_unknown);
	if (z.eos && z.t->special[TOK_EOS] < 0) {
		tokenizer_free(z.t);
		cli_usage_error("--eos: the vocabulary has no end-of-text token "
		    "(<|endoftext|>, </s> or <eos>)");
	}
	progress_init(&z.prog, cli_show_progress(&z.c), 0, "docs");
	if (z.decode) {
		if (z.text)
			z.c.compress = 0;	/* the original bytes, as they were */
		z.out = cli_open_output(&z.c, 0);
		for (i = 0; i < argc && rc == 0; i++)
			rc = decode_file(&z, argv[i]);
	} else {
		unsigned char hb[TOK_HEADER_SIZE];
		z.nthreads = cli_jobs(&z.c);
		z.st = xcalloc((size_t)z.nthreads, sizeof *z.st);
		for (i = 0; i < z.nthreads; i++)
			z.st[i] = z.t->ops->state_new(z.t);
		tokenizer_header(z.t, &z.h);
		z.out = cli_open_output(&z.c, 1);
		tok_header_encode(&z.h, hb);
		rc = buf_append(&z.obuf, hb, sizeof hb);
		for (i = 0; i < argc && rc == 0; i++)
			rc = encode_file(&z, argv[i]);
		for (i = 0; i < z.nthreads; i++) {
			skipped += tok_bpe_skipped(z.t, z.st[i]);
			z.t->ops->state_free(z.st[i]);
		}
		if (rc == 0 && skipped)
			cli_warn(&z.c, "%llu bytes had no token in the vocabulary and were dropped",
			    (unsigned long long)skipped);
		free(z.st);
	}
	if (rc == 0 && z.obuf.len)
		rc = zio_write_buf(z.out, &z.obuf);
	progress_done(&z.prog, z.bytes, z.docs);
	if (rc == 0 && z.c.verbose)
		fprintf(stderr, "%s: docs=%llu tokens=%llu bytes=%llu bytes/token=%.4f\n",
		    cli_prog, (unsigned long long)z.docs, (unsigned long long)z.tokens,
		    (unsigned long long)z.bytes,
		    z.tokens ? (double)z.bytes / (double)z.tokens : 0.0);
	for (i = 0; i < (int)z.icap; i++) {
		idvec_release(&z.items[i].ids);
		idvec_release(&z.items[i].bounds);
		sent_spans_release(&z.items[i].spans);
	}
	idvec_release(&z.bounds);
	free(z.items);
	idvec_release(&z.rec);
	free(z.toff);
	free(z.tlen);
	free(z.idoff);
	free(z.idlen);
	free(z.recno);
	free(z.fname);
	buf_release(&z.btext);
	buf_release(&z.bids);
	buf_release(&z.obuf);
	tokenizer_free(z.t);
	return cli_finish(rc, z.out);
}
