/*
 * pack-seq - pack token records into full-length training sequences:
 * RoBERTa FULL-SENTENCES or DOC-SENTENCES (whole sentences from the
 * records' bounds) or GPT-style concatenation with an end-of-text token.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pack.h"
#include "tokrec.h"

enum {
	OPT_MODE = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_MAX_LEN,
	OPT_SEP_ID,
	OPT_NO_SEP,
	OPT_PREFIX_ID,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "max-len", required_argument, NULL, OPT_MAX_LEN },
	{ "sep-id", required_argument, NULL, OPT_SEP_ID },
	{ "no-sep", no_argument, NULL, OPT_NO_SEP },
	{ "prefix-id", required_argument, NULL, OPT_PREFIX_ID },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Pack seq token records into blocks of at most --max-len tokens.\n"
"\n"
"      --mode MODE      full-sentences (RoBERTa FULL-SENTENCES: whole sentences,\n"
"                       across documents, a separator after each document),\n"
"                       doc-sentences (the same within each document), or\n"
"                       concat (GPT: documents joined by an end-of-text token,\n"
"                       cut into blocks of exactly --max-len); default\n"
"                       full-sentences\n"
"      --max-len N      tokens per block, the prefix included (512)\n"
"      --sep-id ID      the separator / end-of-text id (default: the header's\n"
"                       eos, else its sep)\n"
"      --no-sep         no separator\n"
"      --prefix-id ID   put ID first in every block (RoBERTa <s>, BERT [CLS])\n"
"\n"
"Sentences come from the records' bounds; a sentence longer than a block is\n"
"cut.  Output bounds mark the sentence (concat: document) starts in a block.\n"
"\n";

struct sink {
	const struct tok_header *h;
	struct buf ob;
	struct zio_writer *out;
};

static int
emit(void *ctx, const struct tok_rec *rec)
{
	struct sink *s = ctx;
	int rc;

	if ((rc = tok_rec_encode(&s->ob, s->h, rec)) != 0)
		return rc;
	if (s->ob.len >= ((size_t)1 << 20))
		return zio_write_buf(s->out, &s->ob);
	return 0;
}

static const char *
in_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int
main(int argc, char *argv[])
{
	struct cli_common c = CLI_COMMON_INIT;
	struct pack_opts o = { PACK_FULL_SENTENCES, 512, -1, -1 };
	struct sink sk = { 0 };
	struct pack *p = NULL;
	struct tok_header first, outh;
	long long sep = -1;
	int ch, i, rc = 0, no_sep = 0, have_header = 0;
	char *stdin_only[] = { "-" };

	cli_init(argv, "usage: pack-seq [options] [file ...]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&c, ch, optarg))
			continue;
		switch (ch) {
		case OPT_MODE:
			if (strcmp(optarg, "full-sentences") == 0)
				o.mode = PACK_FULL_SENTENCES;
			else if (strcmp(optarg, "doc-sentences") == 0)
				o.mode = PACK_DOC_SENTENCES;
			else if (strcmp(optarg, "concat") == 0)
				o.mode = PACK_CONCAT;
			else
				cli_usage_error("unknown --mode '%s' (full-sentences, doc-sentences, concat)",
				    optarg);
			break;
		case OPT_MAX_LEN:
			o.max_len = (uint32_t)cli_num(optarg, "--max-len", 2, 1 << 24);
			break;
		case OPT_SEP_ID:
			sep = cli_num(optarg, "--sep-id", 0, UINT32_MAX);
			break;
		case OPT_NO_SEP:
			no_sep = 1;
			break;
		case OPT_PREFIX_ID:
			o.prefix = cli_num(optarg, "--prefix-id", 0, UINT32_MAX);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (i = 0; i < argc && rc == 0; i++) {
		struct tok_reader *r;
		struct tok_rec rec;
		int got = tok_reader_open(&r, argv[i]);

		if (got < 0) {
			cli_error("%s", tok_reader_errmsg(r));
			rc = got;
		} else if (got == 1) {
			const struct tok_header *h = tok_reader_header(r);
			if (h->kind != TOK_KIND_SEQ) {
				cli_error("%s: input is %s records, not seq", in_name(argv[i]),
				    tok_kind_name(h->kind));
				rc = PTK_EFORMAT;
			} else if (!have_header) {
				unsigned char hb[TOK_HEADER_SIZE];
				first = outh = *h;
				have_header = 1;
				if (sep < 0 && !no_sep && o.mode != PACK_DOC_SENTENCES) {
					sep = h->special[TOK_EOS] >= 0 ? h->special[TOK_EOS] :
					    h->special[TOK_SEP];
					if (sep < 0)
						cli_usage_error("the input header has no eos or sep token: give --sep-id or --no-sep");
				}
				o.sep = no_sep || o.mode == PACK_DOC_SENTENCES ? -1 : sep;
				if (o.sep >= (int64_t)h->vocab_size || o.prefix >= (int64_t)h->vocab_size)
					cli_usage_error("--sep-id and --prefix-id must be below the vocabulary size %u",
					    h->vocab_size);
				if (o.prefix >= 0 && o.max_len < 2)
					cli_usage_error("--max-len must leave room after the prefix");
				sk.h = &outh;
				sk.out = cli_open_output(&c, 1);
				p = pack_new(&o, emit, &sk);
				tok_header_encode(&outh, hb);
				rc = zio_write(sk.out, hb, sizeof hb);
			} else if (h->vocab_size != first.vocab_size || h->width != first.width ||
			    h->fingerprint != first.fingerprint ||
			    memcmp(h->special, first.special, sizeof h->special) != 0) {
				cli_error("%s: header differs from the first input's (another vocabulary)",
				    in_name(argv[i]));
				rc = PTK_EFORMAT;
			}
			while (rc == 0 && (got = tok_read(r, &rec)) == 1)
				if ((rc = pack_add(p, &rec)) == PTK_ELIMIT)
					cli_error("%s: record %llu: block id too long", in_name(argv[i]),
					    (unsigned long long)tok_reader_records(r));
			if (rc == 0 && got < 0) {
				cli_error("%s", tok_reader_errmsg(r));
				rc = got;
			}
		}
		tok_reader_free(r);
	}
	if (sk.out == NULL)
		sk.out = cli_open_output(&c, 1);
	if (rc == 0 && p != NULL)
		rc = pack_finish(p);
	if (rc == 0 && sk.ob.len)
		rc = zio_write_buf(sk.out, &sk.ob);
	if (rc == 0 && c.verbose && p != NULL)
		fprintf(stderr, "pack-seq: docs=%llu blocks=%llu tokens=%llu split=%llu\n",
		    (unsigned long long)pack_stats(p)->docs,
		    (unsigned long long)pack_stats(p)->blocks,
		    (unsigned long long)pack_stats(p)->tokens,
		    (unsigned long long)pack_stats(p)->split);
	pack_free(p);
	buf_release(&sk.ob);
	return cli_finish(rc, sk.out);
}
