/*
 * nsp-pair - BERT next-sentence-prediction examples from token records with
 * sentence bounds: [CLS] A [SEP] B [SEP], segment ids 0/1, label 1 when B
 * is a random segment of another document.  cmd/sop-pair.c builds this file
 * with PAIRS_SOP_PROGRAM defined for ALBERT's sentence-order examples.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pairs.h"
#include "tokrec.h"
#include "xalloc.h"

#ifdef PAIRS_SOP_PROGRAM
#define PROG_MODE PAIRS_SOP
#define PROG_USAGE "usage: sop-pair [options] [file ...]"
#else
#define PROG_MODE PAIRS_NSP
#define PROG_USAGE "usage: nsp-pair [options] [file ...]"
#endif

enum {
	OPT_MAX_SEQ_LEN = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_SHORT_SEQ_PROB,
	OPT_PROB,
	OPT_DUPE_FACTOR,
	OPT_RESERVOIR,
	OPT_CLS_ID,
	OPT_SEP_ID,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "seed", required_argument, NULL, CLI_OPT_SEED },
	{ "max-seq-len", required_argument, NULL, OPT_MAX_SEQ_LEN },
	{ "short-seq-prob", required_argument, NULL, OPT_SHORT_SEQ_PROB },
#ifdef PAIRS_SOP_PROGRAM
	{ "swap-prob", required_argument, NULL, OPT_PROB },
#else
	{ "random-next-prob", required_argument, NULL, OPT_PROB },
	{ "reservoir", required_argument, NULL, OPT_RESERVOIR },
#endif
	{ "dupe-factor", required_argument, NULL, OPT_DUPE_FACTOR },
	{ "cls-id", required_argument, NULL, OPT_CLS_ID },
	{ "sep-id", required_argument, NULL, OPT_SEP_ID },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
#ifdef PAIRS_SOP_PROGRAM
"Build ALBERT sentence-order-prediction examples from token records whose\n"
"bounds mark sentence starts: two consecutive segments of one document,\n"
"[CLS] A [SEP] B [SEP], swapped with --swap-prob (label 1) or in order\n"
"(label 0).  Writes pair records (kind pair).\n"
#else
"Build BERT next-sentence-prediction examples from token records whose\n"
"bounds mark sentence starts: [CLS] A [SEP] B [SEP] where B follows A\n"
"(label 0) or, with --random-next-prob, comes from another document\n"
"(label 1).  Writes pair records (kind pair).  Memory: --reservoir documents\n"
"plus one batch of 4096 documents (or 8M tokens).\n"
#endif
"\n"
"      --max-seq-len N      example length, [CLS] and [SEP]s included (128)\n"
"      --short-seq-prob P   chance of a shorter random target length (0.1)\n"
#ifdef PAIRS_SOP_PROGRAM
"      --swap-prob P        chance of swapping the segments (0.5)\n"
#else
"      --random-next-prob P chance of a random B (0.5)\n"
"      --reservoir N        earlier documents kept for random B (10000)\n"
#endif
"      --dupe-factor N      passes over each document, each with its own\n"
"                           random choices (1)\n"
"      --seed N             random seed (0)\n"
"      --cls-id ID          the [CLS] id, when the input header has none\n"
"      --sep-id ID          the [SEP] id, when the input header has none\n"
"\n";

/* The same vocabulary and specials: what lets two inputs be one stream. */
static int
same_header(const struct tok_header *a, const struct tok_header *b)
{
	return a->width == b->width && a->kind == b->kind &&
	    a->vocab_size == b->vocab_size && a->fingerprint == b->fingerprint &&
	    memcmp(a->special, b->special, sizeof a->special) == 0;
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
	struct pairs_opts o = PAIRS_OPTS_INIT;
	struct pairs_stats st = { 0 };
	struct pairs *p = NULL;
	struct zio_writer *out = NULL;
	struct tok_header first, h;
	struct buf ob = BUF_INIT;
	struct progress prog;
	long long cls = -1, sep = -1;
	uint64_t ordinal = 0, bad = 0, bounded = 0;
	int ch, i, rc = 0, have_header = 0;
	char *stdin_only[] = { "-" };

	o.mode = PROG_MODE;
	cli_init(argv, PROG_USAGE, help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&c, ch, optarg))
			continue;
		switch (ch) {
		case CLI_OPT_SEED:
			o.seed = (uint64_t)cli_num(optarg, "--seed", 0, LLONG_MAX);
			break;
		case OPT_MAX_SEQ_LEN:
			o.max_seq_len = (uint32_t)cli_num(optarg, "--max-seq-len", 5, 1 << 24);
			break;
		case OPT_SHORT_SEQ_PROB:
			o.short_seq_prob = cli_real(optarg, "--short-seq-prob", 0, 1);
			break;
		case OPT_PROB:
			o.random_prob = cli_real(optarg, PROG_MODE == PAIRS_SOP ?
			    "--swap-prob" : "--random-next-prob", 0, 1);
			break;
		case OPT_DUPE_FACTOR:
			o.dupe_factor = (uint32_t)cli_num(optarg, "--dupe-factor", 1, 1000);
			break;
		case OPT_RESERVOIR:
			o.reservoir = (uint32_t)cli_num(optarg, "--reservoir", 0, 1 << 24);
			break;
		case OPT_CLS_ID:
			cls = cli_num(optarg, "--cls-id", 0, UINT32_MAX);
			break;
		case OPT_SEP_ID:
			sep = cli_num(optarg, "--sep-id", 0, UINT32_MAX);
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
	if (PROG_MODE == PAIRS_SOP)
		o.reservoir = 0;
	progress_init(&prog, cli_show_progress(&c), 0, "docs");
	for (i = 0; i < argc && rc == 0; i++) {
		struct tok_reader *r;
		struct tok_rec rec;
		int got = tok_reader_open(&r, argv[i]);

		if (got < 0) {
			cli_error("%s", tok_reader_errmsg(r));
			rc = got;
		} else if (got == 1) {
			h = *tok_reader_header(r);
			if (h.kind != TOK_KIND_SEQ) {
				cli_error("%s: input is %s records, not seq", in_name(argv[i]),
				    tok_kind_name(h.kind));
				rc = PTK_EFORMAT;
			} else if (!have_header) {
				unsigned char hb[TOK_HEADER_SIZE];
				have_header = 1;
				if (cls < 0 && (cls = h.special[TOK_CLS]) < 0)
					cli_usage_error("the input header has no cls token: give --cls-id");
				if (sep < 0 && (sep = h.special[TOK_SEP]) < 0)
					cli_usage_error("the input header has no sep token: give --sep-id");
				if (cls >= h.vocab_size || sep >= h.vocab_size)
					cli_usage_error("--cls-id and --sep-id must be below the vocabulary size %u",
					    h.vocab_size);
				o.cls = (uint32_t)cls;
				o.sep = (uint32_t)sep;
				first = h;
				first.kind = TOK_KIND_PAIR;
				first.special[TOK_CLS] = (int32_t)cls;
				first.special[TOK_SEP] = (int32_t)sep;
				tok_header_encode(&first, hb);
				out = cli_open_output(&c, 1);
				p = pairs_new(&o);
				rc = zio_write(out, hb, sizeof hb);
			} else {
				h.kind = TOK_KIND_PAIR;
				h.special[TOK_CLS] = first.special[TOK_CLS];
				h.special[TOK_SEP] = first.special[TOK_SEP];
				if (!same_header(&h, &first)) {
					cli_error("%s: header differs from the first input's (another vocabulary)",
					    in_name(argv[i]));
					rc = PTK_EFORMAT;
				}
			}
			while (rc == 0 && (got = tok_read(r, &rec)) == 1) {
				bounded += rec.n_bounds > 0;
				if (pairs_add(p, &rec, ordinal++)) {
					if ((rc = pairs_flush(p, &first, cli_jobs(&c), &ob, &st,
					    &bad)) == 0)
						rc = zio_write_buf(out, &ob);
					progress_update(&prog, 0, st.docs);
				}
			}
			if (rc == 0 && got < 0) {
				cli_error("%s", tok_reader_errmsg(r));
				rc = got;
			}
		}
		tok_reader_free(r);
	}
	if (out == NULL)
		out = cli_open_output(&c, 1);
	if (rc == 0 && p != NULL && (rc = pairs_flush(p, &first, cli_jobs(&c), &ob,
	    &st, &bad)) == 0)
		rc = zio_write_buf(out, &ob);
	if (rc == PTK_ELIMIT)
		cli_error("record %llu: example id too long", (unsigned long long)bad + 1);
	progress_done(&prog, 0, st.docs);
	if (rc == 0 && ordinal > 0 && bounded == 0)
		cli_warn(&c, "no input record has sentence bounds: each document is one sentence%s",
		    PROG_MODE == PAIRS_NSP ? ", so every B is random" : "");
	if (rc == 0 && st.dropped)
		cli_warn(&c, "%llu chunks had no possible B and gave no example",
		    (unsigned long long)st.dropped);
	if (rc == 0 && c.verbose)
		fprintf(stderr, "%s: docs=%llu examples=%llu %s=%llu dropped=%llu tokens=%llu\n",
		    cli_prog, (unsigned long long)st.docs,
		    (unsigned long long)st.examples,
		    PROG_MODE == PAIRS_SOP ? "swapped" : "random_next",
		    (unsigned long long)st.label1, (unsigned long long)st.dropped,
		    (unsigned long long)st.tokens);
	pairs_free(p);
	buf_release(&ob);
	return cli_finish(rc, out);
}
