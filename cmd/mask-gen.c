/*
 * mask-gen - masked-LM examples from token records: BERT masking (token,
 * whole-word, ALBERT n-gram) into masked records, or T5 span corruption
 * (--span) into span records.  Each record's mask is a pure function of
 * (--seed, --epoch, record id), so reruns and any -j give the same bytes and
 * each epoch gets fresh masks.
 */
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mask.h"
#include "mask_tok.h"
#include "tokenizer.h"
#include "tokrec.h"
#include "xalloc.h"

enum {
	OPT_MASK_PROB = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_MAX_PRED,
	OPT_RANDOM_PROB,
	OPT_KEEP_PROB,
	OPT_WHOLE_WORD,
	OPT_VOCAB,
	OPT_NGRAM,
	OPT_EPOCH,
	OPT_SPAN,
	OPT_DENSITY,
	OPT_MEAN_SPAN,
	OPT_SENTINEL_TOP,
	OPT_SENTINELS,
	OPT_NO_EOS,
	OPT_MASK_ID,
	OPT_CLS_ID,
	OPT_SEP_ID,
	OPT_PAD_ID,
	OPT_EOS_ID,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "seed", required_argument, NULL, CLI_OPT_SEED },
	{ "epoch", required_argument, NULL, OPT_EPOCH },
	{ "mask-prob", required_argument, NULL, OPT_MASK_PROB },
	{ "max-predictions", required_argument, NULL, OPT_MAX_PRED },
	{ "random-prob", required_argument, NULL, OPT_RANDOM_PROB },
	{ "keep-prob", required_argument, NULL, OPT_KEEP_PROB },
	{ "whole-word", no_argument, NULL, OPT_WHOLE_WORD },
	{ "vocab", required_argument, NULL, OPT_VOCAB },
	{ "ngram", required_argument, NULL, OPT_NGRAM },
	{ "span", no_argument, NULL, OPT_SPAN },
	{ "noise-density", required_argument, NULL, OPT_DENSITY },
	{ "mean-span", required_argument, NULL, OPT_MEAN_SPAN },
	{ "sentinel-top", required_argument, NULL, OPT_SENTINEL_TOP },
	{ "sentinels", required_argument, NULL, OPT_SENTINELS },
	{ "no-eos", no_argument, NULL, OPT_NO_EOS },
	{ "mask-id", required_argument, NULL, OPT_MASK_ID },
	{ "cls-id", required_argument, NULL, OPT_CLS_ID },
	{ "sep-id", required_argument, NULL, OPT_SEP_ID },
	{ "pad-id", required_argument, NULL, OPT_PAD_ID },
	{ "eos-id", required_argument, NULL, OPT_EOS_ID },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Mask token records for masked-LM training (BERT, RoBERTa, ALBERT) or corrupt\n"
"spans for T5.  Input: seq or pair records; output: masked records (labels\n"
"hold the original id at each selected position, -1 elsewhere) or, with\n"
"--span, span records (segment 0 = inputs, segment 1 = targets).\n"
"\n"
"      --seed N             random seed (0)\n"
"      --epoch N            epoch: fresh masks for each (0)\n"
"  BERT masking:\n"
"      --mask-prob P        share of maskable positions to predict (0.15)\n"
"      --max-predictions N  at most N per record (default: no cap)\n"
"      --random-prob P      share of those replaced by a random token (0.1)\n"
"      --keep-prob P        share of those left as they are (0.1); the rest\n"
"                           become [MASK]\n"
"      --whole-word         select whole words (needs --vocab)\n"
"      --ngram N            ALBERT n-gram masking, n <= N with weight 1/n (1)\n"
"      --vocab PATH         the vocabulary (vocab.txt, vocab.json + merges.txt,\n"
"                           tokenizer.json): word pieces and special tokens\n"
"      --mask-id ID, --cls-id ID, --sep-id ID, --pad-id ID\n"
"                           special ids the input header lacks\n"
"  T5 span corruption (--span):\n"
"      --noise-density P    share of tokens in noise spans (0.15)\n"
"      --mean-span L        mean noise span length (3)\n"
"      --sentinel-top ID    first sentinel; later ones count down\n"
"                           (default: vocabulary size - 1)\n"
"      --sentinels N        sentinel ids available (100)\n"
"      --eos-id ID          end-of-sequence id the header lacks\n"
"      --no-eos             do not append EOS to inputs and targets\n"
"\n";

/* Records read in one batch, masked in parallel, written in order. */
#define BATCH_RECORDS 16384
#define BATCH_TOKENS ((size_t)4 << 20)

struct item {
	size_t id_off, id_len;
	size_t tok_off, n;	/* input tokens (BERT: masked in place) */
	size_t seg_off, bnd_off, nb;	/* seg_off SIZE_MAX: none */
	int32_t label;
	int has_label;
	size_t out_off, n_in, n_tgt;	/* span mode: inputs then targets */
	size_t spans;
};

struct batch {
	struct item *it;
	size_t n, cap;
	struct buf ids;
	uint32_t *tok, *bnd, *sout;
	uint8_t *seg, *sseg;
	int32_t *lab;
	size_t ntok, cap_tok, nbnd, cap_bnd, nseg, cap_seg, max_n;
	size_t cap_sout, cap_sseg;
};

struct maskgen {
	struct cli_common c;
	struct mask_opts mo;
	struct mask_span_opts so;
	struct mask_vocab v;
	int span;
	struct tok_header out_h;
	struct mask_scratch *scr;	/* (nthreads) */
	struct buf *tb;			/* (nthreads) encoded records */
	size_t *terr;			/* (nthreads) first failed record or SIZE_MAX */
	int *trc;			/* (nthreads) its error */
	int nthreads;
	struct batch b;
	struct zio_writer *out;
	struct mask_stats st;
	uint64_t records, spans, tokens_in;
};

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 4096;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	*cap = c;
	return xreallocarray(p, c, size);
}

static void
batch_add(struct batch *b, const struct tok_rec *r, int span)
{
	struct item *it;
	size_t cap;

	b->it = grow(b->it, &b->cap, b->n + 1, sizeof *b->it);
	it = &b->it[b->n++];
	memset(it, 0, sizeof *it);
	it->id_off = b->ids.len;
	it->id_len = r->id_len;
	buf_append(&b->ids, r->id, r->id_len);
	cap = b->cap_tok;
	b->tok = grow(b->tok, &cap, b->ntok + r->n, sizeof *b->tok);
	if (cap != b->cap_tok && !span) {
		size_t c2 = b->cap_tok;
		b->lab = grow(b->lab, &c2, cap, sizeof *b->lab);
	}
	b->cap_tok = cap;
	it->tok_off = b->ntok;
	it->n = r->n;
	if (r->n > 0)
		memcpy(b->tok + b->ntok, r->tokens, r->n * sizeof *b->tok);
	b->ntok += r->n;
	if (r->n > b->max_n)
		b->max_n = r->n;
	it->seg_off = SIZE_MAX;
	if (r->segments != NULL && r->n > 0) {
		b->seg = grow(b->seg, &b->cap_seg, b->nseg + r->n, 1);
		it->seg_off = b->nseg;
		memcpy(b->seg + b->nseg, r->segments, r->n);
		b->nseg += r->n;
	}
	b->bnd = grow(b->bnd, &b->cap_bnd, b->nbnd + r->n_bounds, sizeof *b->bnd);
	it->bnd_off = b->nbnd;
	it->nb = r->n_bounds;
	if (r->n_bounds > 0)
		memcpy(b->bnd + b->nbnd, r->bounds, r->n_bounds * sizeof *b->bnd);
	b->nbnd += r->n_bounds;
	it->label = r->label;
	it->has_label = r->has_label;
}

static void
batch_reset(struct batch *b)
{
	b->n = b->ntok = b->nbnd = b->nseg = b->max_n = 0;
	buf_reset(&b->ids);
}

/* Mask and encode record k of the batch into out (one thread's buffer). */
static int
do_record(struct maskgen *g, size_t k, struct mask_scratch *scr,
    struct mask_stats *st, struct buf *out)
{
	struct batch *b = &g->b;
	struct item *it = &b->it[k];
	struct tok_rec rec = { 0 };
	uint64_t key = mask_record_key(b->ids.p + it->id_off, it->id_len);

	rec.id = b->ids.p + it->id_off;
	rec.id_len = it->id_len;
	if (g->span) {
		uint32_t *in = b->sout + it->out_off;
		uint8_t *sg = b->sseg + it->out_off;
		if (it->n > 0) {
			int rc = mask_span(&g->so, key, b->tok + it->tok_off, it->n, in,
			    &it->n_in, in + MASK_SPAN_CAP(it->n), &it->n_tgt, &it->spans,
			    scr);
			if (rc != 0)
				return rc;
			st->predicted += it->spans;
			/* inputs and targets side by side, segments 0 and 1 */
			memmove(in + it->n_in, in + MASK_SPAN_CAP(it->n), it->n_tgt * 4);
			memset(sg, 0, it->n_in);
			memset(sg + it->n_in, 1, it->n_tgt);
		}
		rec.tokens = in;
		rec.n = it->n_in + it->n_tgt;
		rec.segments = rec.n ? sg : NULL;
	} else {
		if (it->n > 0)
			mask_record(&g->mo, &g->v, key, b->tok + it->tok_off, it->n,
			    b->lab + it->tok_off, scr, st);
		rec.tokens = it->n ? b->tok + it->tok_off : NULL;
		rec.n = it->n;
		rec.segments = it->seg_off != SIZE_MAX ? b->seg + it->seg_off : NULL;
		rec.bounds = it->nb ? b->bnd + it->bnd_off : NULL;
		rec.n_bounds = it->nb;
		rec.labels = it->n ? b->lab + it->tok_off : NULL;
		rec.label = it->label;
		rec.has_label = it->has_label;
	}
	return tok_rec_encode(out, &g->out_h, &rec) != 0 ? PTK_EAPI : 0;
}

/*
 * Mask and encode the batch: each thread takes a contiguous run of records
 * and encodes them into its own buffer; the buffers are written in thread
 * order, so the bytes never depend on the thread count.
 */
static int
flush(struct maskgen *g, const char *name, uint64_t first_rec)
{
	struct batch *b = &g->b;
	struct mask_stats *tst = xcalloc((size_t)g->nthreads, sizeof *tst);
	size_t i, bad = SIZE_MAX;
	int t, j, rc = 0;

	if (b->n == 0) {
		free(tst);
		return 0;
	}
	for (t = 0; t < g->nthreads; t++) {
		mask_scratch_reserve(&g->scr[t], b->max_n);
		buf_reset(&g->tb[t]);
		g->terr[t] = SIZE_MAX;
	}
	if (g->span) {
		size_t need = 0;
		for (i = 0; i < b->n; i++) {
			b->it[i].out_off = need;
			need += 2 * MASK_SPAN_CAP(b->it[i].n);
		}
		b->sout = grow(b->sout, &b->cap_sout, need, sizeof *b->sout);
		b->sseg = grow(b->sseg, &b->cap_sseg, need, 1);
	}
	#pragma omp parallel num_threads(g->nthreads)
	{
		int th = omp_get_thread_num(), nt = omp_get_num_threads();
		size_t lo = b->n * (size_t)th / (size_t)nt;
		size_t hi = b->n * (size_t)(th + 1) / (size_t)nt, k;

		for (k = lo; k < hi; k++)
			if ((g->trc[th] = do_record(g, k, &g->scr[th], &tst[th],
			    &g->tb[th])) != 0) {
				g->terr[th] = k;
				break;
			}
	}
	for (t = 0; t < g->nthreads; t++) {
		if (g->terr[t] < bad) {
			bad = g->terr[t];
			rc = g->trc[t];
		}
		g->st.maskable += tst[t].maskable;
		g->st.predicted += tst[t].predicted;
		g->st.to_mask += tst[t].to_mask;
		g->st.to_random += tst[t].to_random;
		g->st.kept += tst[t].kept;
		for (j = 0; j <= MASK_MAX_NGRAM; j++)
			g->st.ngrams[j] += tst[t].ngrams[j];
	}
	free(tst);
	if (bad != SIZE_MAX) {
		if (rc == PTK_ELIMIT)
			cli_error("%s: record %llu: %zu noise spans need more than --sentinels %u sentinels (pack shorter records)",
			    name, (unsigned long long)(first_rec + bad + 1),
			    b->it[bad].spans, g->so.max_sentinels);
		else
			cli_error("%s: record %llu: output record too long", name,
			    (unsigned long long)(first_rec + bad + 1));
		rc = PTK_ELIMIT;
	}
	for (t = 0; t < g->nthreads && rc == 0; t++)
		rc = zio_write_buf(g->out, &g->tb[t]);
	for (i = 0; i < b->n; i++)
		g->tokens_in += b->it[i].n;
	g->records += b->n;
	batch_reset(b);
	return rc;
}

static const char *
in_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

static int
same_vocab(const struct tok_header *a, const struct tok_header *b)
{
	return a->width == b->width && a->kind == b->kind &&
	    a->vocab_size == b->vocab_size && a->fingerprint == b->fingerprint &&
	    memcmp(a->special, b->special, sizeof a->special) == 0;
}

/* Special id: an option's value, else the header's; -1 when neither has it. */
static long long
pick_id(long long opt, const struct tok_header *h, int slot)
{
	return opt >= 0 ? opt : h->special[slot];
}

/* Set up the vocabulary and the output header from the first input header. */
static void
setup(struct maskgen *g, const struct tok_header *h, const long long ids[TOK_NSPECIAL],
    const char *vocab_path)
{
	struct tokenizer *tk = NULL;
	long long mask = pick_id(ids[TOK_MASK], h, TOK_MASK);
	int i;

	g->out_h = *h;
	for (i = 0; i < TOK_NSPECIAL; i++) {
		long long x = pick_id(ids[i], h, i);
		if (x >= (long long)h->vocab_size)
			cli_usage_error("special id %lld is not below the vocabulary size %u",
			    x, h->vocab_size);
		g->out_h.special[i] = (int32_t)x;
	}
	if (vocab_path != NULL) {
		char err[512];
		int rc = tokenizer_load(&tk, vocab_path, NULL, err, sizeof err);
		if (rc != 0) {
			cli_error("%s", err);
			exit(cli_exit_code(rc));
		}
		if (tk->vocab_size != h->vocab_size ||
		    (tk->fingerprint && h->fingerprint && tk->fingerprint != h->fingerprint))
			cli_usage_error("%s is not the vocabulary of the input (size %u, fingerprint %016llx; input: %u, %016llx)",
			    vocab_path, tk->vocab_size, (unsigned long long)tk->fingerprint,
			    h->vocab_size, (unsigned long long)h->fingerprint);
		if (mask < 0)
			mask = tk->special[TOK_MASK];
		for (i = 0; i < TOK_NSPECIAL; i++)
			if (g->out_h.special[i] < 0 && tk->special[i] >= 0)
				g->out_h.special[i] = tk->special[i];
	}
	if (g->span) {
		long long eos = g->out_h.special[TOK_EOS];
		g->out_h.kind = TOK_KIND_SPAN;
		g->so.eos = g->so.eos == -2 ? -1 : eos;
		if (g->so.sentinel_top == UINT32_MAX)
			g->so.sentinel_top = h->vocab_size - 1;
		if (g->so.sentinel_top >= h->vocab_size)
			cli_usage_error("--sentinel-top must be below the vocabulary size %u",
			    h->vocab_size);
		if (g->so.max_sentinels > g->so.sentinel_top + 1)
			g->so.max_sentinels = g->so.sentinel_top + 1;
	} else {
		g->out_h.kind = TOK_KIND_MASKED;
		if (mask < 0)
			cli_usage_error("the input header has no mask token: give --mask-id or --vocab");
		g->out_h.special[TOK_MASK] = (int32_t)mask;
		mask_vocab_init(&g->v, h->vocab_size, (uint32_t)mask, &g->out_h);
		if (tk != NULL)
			mask_vocab_from_tokenizer(&g->v, tk);
		if (mask_vocab_done(&g->v) != 0)
			cli_usage_error("every id of the vocabulary is special");
	}
	tokenizer_free(tk);
}

int
main(int argc, char *argv[])
{
	struct maskgen g = { .c = CLI_COMMON_INIT, .mo = MASK_OPTS_INIT };
	long long ids[TOK_NSPECIAL];
	const char *vocab_path = NULL;
	double random_prob = 0.1, keep_prob = 0.1;
	struct tok_header first;
	struct progress prog;
	int ch, i, t, rc = 0, have_header = 0;
	char *stdin_only[] = { "-" };

	for (i = 0; i < TOK_NSPECIAL; i++)
		ids[i] = -1;
	g.so.density = 0.15;
	g.so.mean_span = 3.0;
	g.so.sentinel_top = UINT32_MAX;
	g.so.max_sentinels = 100;
	g.so.eos = -1;
	cli_init(argv, "usage: mask-gen [options] [file ...]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&g.c, ch, optarg))
			continue;
		switch (ch) {
		case CLI_OPT_SEED:
			g.mo.seed = g.so.seed = (uint64_t)cli_num(optarg, "--seed", 0, LLONG_MAX);
			break;
		case OPT_EPOCH:
			g.mo.epoch = g.so.epoch = (uint64_t)cli_num(optarg, "--epoch", 0, LLONG_MAX);
			break;
		case OPT_MASK_PROB:
			g.mo.prob = cli_real(optarg, "--mask-prob", 0, 1);
			break;
		case OPT_MAX_PRED:
			g.mo.max_predictions = (uint32_t)cli_num(optarg, "--max-predictions", 0, UINT32_MAX);
			break;
		case OPT_RANDOM_PROB:
			random_prob = cli_real(optarg, "--random-prob", 0, 1);
			break;
		case OPT_KEEP_PROB:
			keep_prob = cli_real(optarg, "--keep-prob", 0, 1);
			break;
		case OPT_WHOLE_WORD:
			g.mo.whole_word = 1;
			break;
		case OPT_VOCAB:
			vocab_path = optarg;
			break;
		case OPT_NGRAM:
			g.mo.ngram = (int)cli_num(optarg, "--ngram", 1, MASK_MAX_NGRAM);
			break;
		case OPT_SPAN:
			g.span = 1;
			break;
		case OPT_DENSITY:
			g.so.density = cli_real(optarg, "--noise-density", 0, 1);
			break;
		case OPT_MEAN_SPAN:
			g.so.mean_span = cli_real(optarg, "--mean-span", 1, 1e6);
			break;
		case OPT_SENTINEL_TOP:
			g.so.sentinel_top = (uint32_t)cli_num(optarg, "--sentinel-top", 0, UINT32_MAX - 1);
			break;
		case OPT_SENTINELS:
			g.so.max_sentinels = (uint32_t)cli_num(optarg, "--sentinels", 1, UINT32_MAX);
			break;
		case OPT_NO_EOS:
			g.so.eos = -2;
			break;
		case OPT_MASK_ID:
			ids[TOK_MASK] = cli_num(optarg, "--mask-id", 0, INT32_MAX);
			break;
		case OPT_CLS_ID:
			ids[TOK_CLS] = cli_num(optarg, "--cls-id", 0, INT32_MAX);
			break;
		case OPT_SEP_ID:
			ids[TOK_SEP] = cli_num(optarg, "--sep-id", 0, INT32_MAX);
			break;
		case OPT_PAD_ID:
			ids[TOK_PAD] = cli_num(optarg, "--pad-id", 0, INT32_MAX);
			break;
		case OPT_EOS_ID:
			ids[TOK_EOS] = cli_num(optarg, "--eos-id", 0, INT32_MAX);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (random_prob + keep_prob > 1)
		cli_usage_error("--random-prob and --keep-prob add up to more than 1");
	g.mo.random_frac = random_prob;
	g.mo.mask_frac = 1 - random_prob - keep_prob;
	if (g.mo.whole_word && vocab_path == NULL)
		cli_usage_error("--whole-word needs --vocab to know which tokens continue a word");
	if (g.span && (g.mo.whole_word || g.mo.ngram > 1))
		cli_usage_error("--span does not combine with --whole-word or --ngram");
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	g.nthreads = cli_jobs(&g.c);
	g.scr = xcalloc((size_t)g.nthreads, sizeof *g.scr);
	g.tb = xcalloc((size_t)g.nthreads, sizeof *g.tb);
	g.terr = xcalloc((size_t)g.nthreads, sizeof *g.terr);
	g.trc = xcalloc((size_t)g.nthreads, sizeof *g.trc);
	progress_init(&prog, cli_show_progress(&g.c), 0, "records");
	for (i = 0; i < argc && rc == 0; i++) {
		struct tok_reader *r;
		struct tok_rec rec;
		uint64_t nrec = 0, first_rec = 0;
		int got = tok_reader_open(&r, argv[i]);

		if (got < 0) {
			cli_error("%s", tok_reader_errmsg(r));
			rc = got;
		} else if (got == 1) {
			const struct tok_header *h = tok_reader_header(r);
			if (h->kind != TOK_KIND_SEQ && (g.span || h->kind != TOK_KIND_PAIR)) {
				cli_error("%s: input is %s records; %s", in_name(argv[i]),
				    tok_kind_name(h->kind), g.span ? "--span reads seq records" :
				    "mask-gen reads seq or pair records");
				rc = PTK_EFORMAT;
			} else if (!have_header) {
				unsigned char hb[TOK_HEADER_SIZE];
				first = *h;
				have_header = 1;
				setup(&g, h, ids, vocab_path);
				tok_header_encode(&g.out_h, hb);
				g.out = cli_open_output(&g.c, 1);
				rc = zio_write(g.out, hb, sizeof hb);
			} else if (!same_vocab(h, &first)) {
				cli_error("%s: header differs from the first input's (another vocabulary or kind)",
				    in_name(argv[i]));
				rc = PTK_EFORMAT;
			}
			while (rc == 0 && (got = tok_read(r, &rec)) == 1) {
				batch_add(&g.b, &rec, g.span);
				nrec++;
				if (g.b.n >= BATCH_RECORDS || g.b.ntok >= BATCH_TOKENS) {
					rc = flush(&g, in_name(argv[i]), first_rec);
					first_rec = nrec;
					progress_update(&prog, 0, g.records);
				}
			}
			if (rc == 0 && got < 0) {
				cli_error("%s", tok_reader_errmsg(r));
				rc = got;
			}
			if (rc == 0)
				rc = flush(&g, in_name(argv[i]), first_rec);
		}
		tok_reader_free(r);
	}
	if (g.out == NULL)
		g.out = cli_open_output(&g.c, 1);
	progress_done(&prog, 0, g.records);
	if (rc == 0 && g.c.verbose) {
		if (g.span)
			fprintf(stderr, "mask-gen: records=%llu tokens=%llu spans=%llu\n",
			    (unsigned long long)g.records, (unsigned long long)g.tokens_in,
			    (unsigned long long)g.st.predicted);
		else
			fprintf(stderr, "mask-gen: records=%llu tokens=%llu maskable=%llu predicted=%llu mask=%llu random=%llu kept=%llu\n",
			    (unsigned long long)g.records, (unsigned long long)g.tokens_in,
			    (unsigned long long)g.st.maskable,
			    (unsigned long long)g.st.predicted,
			    (unsigned long long)g.st.to_mask,
			    (unsigned long long)g.st.to_random,
			    (unsigned long long)g.st.kept);
	}
	for (t = 0; t < g.nthreads; t++) {
		mask_scratch_release(&g.scr[t]);
		buf_release(&g.tb[t]);
	}
	free(g.scr);
	free(g.tb);
	free(g.terr);
	free(g.trc);
	mask_vocab_release(&g.v);
	free(g.b.it);
	buf_release(&g.b.ids);
	free(g.b.tok);
	free(g.b.bnd);
	free(g.b.sout);
	free(g.b.seg);
	free(g.b.sseg);
	free(g.b.lab);
	return cli_finish(rc, g.out);
}
