/*
 * libbench.c - in-process throughput of the example builders, one thread:
 * what the trainer sees when it masks batches itself (RoBERTa dynamic
 * masking) and what nsp-pair / sop-pair spend per token, without stream
 * I/O.  Built and run by bench/mask-gen/run.sh and bench/nsp-pair/run.sh:
 *
 *   libbench mask|wwm|ngram|span|nsp|sop TOKENS.tok [BLOCK]
 *
 * The records of TOKENS.tok (seq records from tokenize --sentences) are read
 * into memory first.  mask modes mask blocks of BLOCK tokens (default 512,
 * the [CLS]/[SEP]-free middle of a BERT example, as the trainer would);
 * nsp/sop build examples of 128 tokens from whole documents.  Prints
 * {"mode":..,"tokens":N,"seconds":S,"mtokens_per_s":R}, seconds being
 * the thread's CPU time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mask.h"
#include "pairs.h"
#include "tokrec.h"
#include "xalloc.h"

/* CPU time of this thread: the machine may be shared, and the figure wanted is per core. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t sink_tokens;

static int
sink(void *ctx, const struct tok_rec *rec)
{
	(void)ctx;
	sink_tokens += rec->n;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct tok_reader *r;
	struct tok_rec rec;
	struct tok_header h;
	struct pairs_doc **docs = NULL;
	uint32_t *all = NULL;
	size_t ndocs = 0, cap = 0, ntok = 0, tcap = 0, block, i;
	const char *mode;
	double t0, t1;
	uint64_t tokens = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: libbench mask|wwm|ngram|span|nsp|sop TOKENS.tok [BLOCK]\n");
		return 2;
	}
	mode = argv[1];
	block = argc > 3 ? (size_t)atol(argv[3]) : 512;
	if (tok_reader_open(&r, argv[2]) != 1) {
		fprintf(stderr, "libbench: %s\n", tok_reader_errmsg(r));
		return 1;
	}
	h = *tok_reader_header(r);
	while (tok_read(r, &rec) == 1) {
		if (ndocs == cap) {
			cap = cap ? 2 * cap : 1024;
			docs = xreallocarray(docs, cap, sizeof *docs);
		}
		if ((docs[ndocs] = pairs_doc_new(&rec, ndocs)) == NULL)
			continue;
		if (ntok + rec.n > tcap) {
			tcap = 2 * (ntok + rec.n);
			all = xreallocarray(all, tcap, 4);
		}
		memcpy(all + ntok, rec.tokens, rec.n * 4);
		ntok += rec.n;
		ndocs++;
	}
	tok_reader_free(r);

	if (strcmp(mode, "nsp") == 0 || strcmp(mode, "sop") == 0) {
		struct pairs_opts o = PAIRS_OPTS_INIT;
		struct pairs_scratch s = { 0 };
		struct pairs_stats st = { 0 };
		o.mode = mode[0] == 'n' ? PAIRS_NSP : PAIRS_SOP;
		o.cls = (uint32_t)(h.special[TOK_CLS] >= 0 ? h.special[TOK_CLS] : 0);
		o.sep = (uint32_t)(h.special[TOK_SEP] >= 0 ? h.special[TOK_SEP] : 0);
		t0 = now();
		for (i = 0; i < ndocs; i++)
			pairs_document(&o, docs[i], 0, docs, ndocs, i, sink, NULL, &s, &st);
		t1 = now();
		tokens = ntok;
		pairs_scratch_release(&s);
	} else {
		struct mask_vocab v;
		struct mask_opts o = MASK_OPTS_INIT;
		struct mask_span_opts so = { 0.15, 3.0, h.vocab_size - 1, 1000, -1, 1, 0 };
		struct mask_scratch s = { 0 };
		int32_t *labels = xmalloc(block * 4);
		uint32_t *in = xmalloc(MASK_SPAN_CAP(block) * 4);
		uint32_t *tg = xmalloc(MASK_SPAN_CAP(block) * 4);
		size_t ni, nt, sp;
		uint32_t id;
		mask_vocab_init(&v, h.vocab_size, (uint32_t)(h.special[TOK_MASK] >= 0 ?
		    h.special[TOK_MASK] : 0), &h);
		/* Whole words: pretend every fourth id continues a word. */
		if (strcmp(mode, "wwm") == 0)
			for (id = 0; id < h.vocab_size; id += 4)
				mask_vocab_set_cont(&v, id);
		mask_vocab_done(&v);
		o.whole_word = strcmp(mode, "wwm") == 0;
		o.ngram = strcmp(mode, "ngram") == 0 ? 3 : 1;
		mask_scratch_reserve(&s, block);
		t0 = now();
		for (i = 0; i + block <= ntok; i += block) {
			if (strcmp(mode, "span") == 0)
				mask_span(&so, i, all + i, block, in, &ni, tg, &nt, &sp, &s);
			else
				mask_record(&o, &v, i, all + i, block, labels, &s, NULL);
			tokens += block;
		}
		t1 = now();
		mask_scratch_release(&s);
		mask_vocab_release(&v);
		free(labels);
		free(in);
		free(tg);
	}
	printf("{\"mode\":\"%s\",\"tokens\":%llu,\"seconds\":%.3f,\"mtokens_per_s\":%.1f}\n",
	    mode, (unsigned long long)tokens, t1 - t0, tokens / (t1 - t0) / 1e6);
	for (i = 0; i < ndocs; i++)
		pairs_doc_free(docs[i]);
	free(docs);
	free(all);
	return 0;
}
