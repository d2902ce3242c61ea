/*
 * bpe-train - learn a GPT-2 style byte-level BPE vocabulary from doc records
 * or plain text, merge for merge as HuggingFace tokenizers' BpeTrainer, and
 * write vocab.json + merges.txt + tokenizer.json into a folder.
 */
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpe_train.h"
#include "cli.h"
#include "doc.h"
#include "pretok.h"
#include "xalloc.h"
#include "zio.h"

enum {
	OPT_VOCAB_SIZE = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_MIN_FREQUENCY,
	OPT_SPECIAL_TOKENS,
	OPT_MAX_TOKEN_LENGTH,
	OPT_LIMIT_ALPHABET,
	OPT_INITIAL_ALPHABET,
	OPT_PATTERN,
	OPT_TEXT,
	OPT_LINES,
	OPT_MAX_WORDS,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "vocab-size", required_argument, NULL, OPT_VOCAB_SIZE },
	{ "min-frequency", required_argument, NULL, OPT_MIN_FREQUENCY },
	{ "special-tokens", required_argument, NULL, OPT_SPECIAL_TOKENS },
	{ "max-token-length", required_argument, NULL, OPT_MAX_TOKEN_LENGTH },
	{ "limit-alphabet", required_argument, NULL, OPT_LIMIT_ALPHABET },
	{ "initial-alphabet", required_argument, NULL, OPT_INITIAL_ALPHABET },
	{ "pattern", required_argument, NULL, OPT_PATTERN },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "lines", no_argument, NULL, OPT_LINES },
	{ "max-words", required_argument, NULL, OPT_MAX_WORDS },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Train a byte-level BPE vocabulary (GPT-2 style) on doc records or plain text\n"
"and write DIR/vocab.json, DIR/merges.txt and DIR/tokenizer.json.  The merges\n"
"are those of HuggingFace tokenizers' BpeTrainer on the same words and\n"
"settings; the output is the same for any -j.\n"
"\n"
"  -o, --output DIR         the folder to write (required; created if missing)\n"
"      --vocab-size N       vocabulary size, special tokens included (30000)\n"
"      --min-frequency N    stop at a pair seen fewer than N times (0)\n"
"      --special-tokens L   comma-separated special tokens, ids 0.. (none);\n"
"                           may be given more than once\n"
"      --max-token-length N no token longer than N bytes, N >= 2 (no limit;\n"
"                           HuggingFace's max_token_length N+1 is the same)\n"
"      --limit-alphabet N   keep only the N most frequent bytes (all)\n"
"      --initial-alphabet S bytes always in the alphabet: 'bytes' for all 256\n"
"                           (so that any input can be encoded), or the bytes\n"
"                           of S (none: only bytes seen in the corpus)\n"
"      --pattern RE         pre-tokenization regex (PCRE2); default GPT-2's\n"
"      --text               inputs are plain text files, each one document\n"
"      --lines              inputs are plain text, each line one document\n"
"                           (as HuggingFace's train() reads files)\n"
"      --max-words N        cap memory: after each 64 MB of input, when more\n"
"                           than N distinct words are held, drop the rarest\n"
"                           (count 1, then below 2, 4, ...) until at most N\n"
"                           remain (counted with -v; same output for any -j)\n"
"\n"
"Memory: a 64 MB input batch, plus about 40 bytes and the word's length for\n"
"each distinct pre-token (word) per thread while counting, then about 40\n"
"bytes plus 12 per byte of each distinct word while merging (100 MB of\n"
"English and code: 336,000 words, 141 MB peak).  It does not grow with the\n"
"size of the corpus beyond its distinct words.\n";

struct batch {
	struct buf text;	/* texts back to back */
	size_t *off, *len;
	size_t n, cap;
};

struct trainer {
	struct cli_common c;
	int mode;		/* 0 docs, 1 text, 2 lines */
	int nthreads;
	const struct pretok *pre;
	struct bpe_counter **counters;
	struct pretok_state **states;
	struct batch b;
	struct progress prog;
	uint64_t bytes, docs;
	double merge_start, merge_last;
	uint32_t merges, vocab;
	uint64_t max_words, pruned;
};

enum { BATCH_BYTES = 64 << 20, BATCH_DOCS = 1 << 16 };

static void
batch_add(struct batch *b, const char *p, size_t n, int newline)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->off = xreallocarray(b->off, b->cap, sizeof *b->off);
		b->len = xreallocarray(b->len, b->cap, sizeof *b->len);
	}
	b->off[b->n] = b->text.len;
	b->len[b->n] = n + (newline != 0);
	if (buf_append(&b->text, p, n) != 0 || (newline && buf_putc(&b->text, '\n') != 0))
		xmalloc((size_t)-1);
	b->n++;
}

static int
flush_batch(struct trainer *t)
{
	const char **texts;
	size_t i;
	int rc;

	if (t->b.n == 0)
		return 0;
	texts = xmalloc(t->b.n * sizeof *texts);
	for (i = 0; i < t->b.n; i++)
		texts[i] = t->b.text.p + t->b.off[i];
	rc = bpe_count_texts(t->counters, t->states, t->nthreads, t->pre, texts,
	    t->b.len, t->b.n);
	free(texts);
	t->b.n = 0;
	buf_reset(&t->b.text);
	if (rc < 0)
		cli_error("pattern matching failed (PCRE2 match limit)");
	if (rc == 0 && t->max_words) {
		/*
		 * Batches end at the same input places for any -j, and the
		 * merged counts do not depend on it, so neither does pruning.
		 */
		uint64_t min = 2;
		int i;
		for (i = 1; i < t->nthreads; i++)
			bpe_counter_merge(t->counters[0], t->counters[i]);
		while (bpe_counter_words(t->counters[0]) > t->max_words) {
			t->pruned += bpe_counter_prune(t->counters[0], min);
			min *= 2;
		}
	}
	return rc;
}

static int
full(const struct trainer *t)
{
	return t->b.text.len >= BATCH_BYTES || t->b.n >= BATCH_DOCS;
}

static int
read_input(struct trainer *t, const char *path)
{
	int rc = 0;

	if (t->mode == 0) {
		struct doc_reader *r;
		struct doc d;
		if ((rc = doc_reader_open(&r, path, t->c.repair_utf8 ? DOC_REPAIR_UTF8 : 0,
		    t->c.max_record)) != 0) {
			cli_error("%s", doc_reader_errmsg(r));
			doc_reader_free(r);
			return rc;
		}
		while ((rc = doc_read(r, &d)) == 1) {
			batch_add(&t->b, d.text, d.text_len, 0);
			t->bytes += d.text_len;
			t->docs++;
			if (full(t) && (rc = flush_batch(t)) != 0)
				break;
			progress_update(&t->prog, t->bytes, t->docs);
		}
		if (rc < 0 && doc_reader_errmsg(r)[0])
			cli_error("%s", doc_reader_errmsg(r));
		doc_reader_free(r);
		return rc < 0 ? rc : 0;
	} else {
		struct zio_reader *z;
		struct buf scratch = BUF_INIT;
		if ((rc = zio_reader_open(&z, path)) != 0) {
			cli_error("%s", zio_errmsg(z));
			zio_reader_free(z);
			return rc;
		}
		if (t->mode == 2) {
			const char *line;
			size_t len;
			uint64_t off;
			while ((rc = zio_getline(z, &scratch, t->c.max_record ?
			    t->c.max_record : DOC_DEFAULT_MAX_RECORD, &line, &len,
			    &off)) == 1) {
				/* HuggingFace keeps each line's '\n'. */
				batch_add(&t->b, line, len, 1);
				t->bytes += len + 1;
				t->docs++;
				if (full(t) && (rc = flush_batch(t)) != 0)
					break;
				progress_update(&t->prog, t->bytes, t->docs);
			}
		} else {
			/* The whole file is one document. */
			size_t start = t->b.text.len;
			ssize_t got;
			for (;;) {
				if (buf_grow(&t->b.text, 1 << 20) != 0)
					xmalloc((size_t)-1);
				got = zio_read(z, t->b.text.p + t->b.text.len, 1 << 20);
				if (got <= 0)
					break;
				t->b.text.len += (size_t)got;
				t->bytes += (size_t)got;
				progress_update(&t->prog, t->bytes, t->docs);
			}
			rc = got < 0 ? (int)got : 0;
			if (rc == 0) {
				size_t n = t->b.text.len - start;
				t->b.text.len = start;	/* batch_add appends it back */
				if (t->b.n == t->b.cap) {
					t->b.cap = t->b.cap ? t->b.cap * 2 : 1024;
					t->b.off = xreallocarray(t->b.off, t->b.cap, sizeof *t->b.off);
					t->b.len = xreallocarray(t->b.len, t->b.cap, sizeof *t->b.len);
				}
				t->b.off[t->b.n] = start;
				t->b.len[t->b.n] = n;
				t->b.n++;
				t->b.text.len = start + n;
				t->docs++;
				if (full(t))
					rc = flush_batch(t);
			}
		}
		if (rc < 0 && zio_errmsg(z)[0])
			cli_error("%s", zio_errmsg(z));
		buf_release(&scratch);
		zio_reader_free(z);
		return rc < 0 ? rc : 0;
	}
}

static void
merge_progress(void *ctx, uint32_t merges, uint32_t vocab)
{
	struct trainer *t = ctx;
	double now = progress_now();

	t->merges = merges;
	t->vocab = vocab;
	if (!t->prog.on || now - t->merge_last < 0.5)
		return;
	t->merge_last = now;
	fprintf(stderr, "\r%s: %u merges, vocabulary %u, %.0f merges/s\033[K",
	    cli_prog, merges, vocab, merges / (now - t->merge_start + 1e-9));
}

static void
add_specials(const char ***list, size_t *n, const char *arg)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0)
			cli_usage_error("--special-tokens: empty token in '%s'", arg);
		*list = xreallocarray(*list, *n + 1, sizeof **list);
		(*list)[(*n)++] = xmemdup(p, len);
		if (!comma)
			break;
		p = comma + 1;
	}
}

int
main(int argc, char *argv[])
{
	struct trainer t = { .c = CLI_COMMON_INIT };
	struct bpe_train_opts o = { .vocab_size = 30000 };
	struct bpe_result res;
	struct pretok *pre;
	const char *pattern = NULL;
	const char **special = NULL;
	char *stdin_only[] = { "-" };
	char err[512];
	size_t nspecial = 0;
	int ch, i, rc = 0;

	cli_init(argv, "usage: bpe-train [options] -o DIR [file ...]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&t.c, ch, optarg))
			continue;
		switch (ch) {
		case OPT_VOCAB_SIZE:
			o.vocab_size = (uint32_t)cli_num(optarg, "--vocab-size", 1,
			    UINT32_MAX - 1);
			break;
		case OPT_MIN_FREQUENCY:
			o.min_frequency = (uint64_t)cli_num(optarg, "--min-frequency", 0,
			    LLONG_MAX);
			break;
		case OPT_SPECIAL_TOKENS:
			add_specials(&special, &nspecial, optarg);
			break;
		case OPT_MAX_TOKEN_LENGTH:
			o.max_token_length = (uint32_t)cli_num(optarg,
			    "--max-token-length", 2, UINT32_MAX - 1);
			break;
		case OPT_LIMIT_ALPHABET:
			o.limit_alphabet = (uint32_t)cli_num(optarg, "--limit-alphabet",
			    1, 256);
			break;
		case OPT_INITIAL_ALPHABET:
			if (strcmp(optarg, "bytes") == 0) {
				memset(o.initial_alphabet, 1, sizeof o.initial_alphabet);
			} else {
				const unsigned char *s = (const unsigned char *)optarg;
				for (; *s; s++)
					o.initial_alphabet[*s] = 1;
			}
			break;
		case OPT_PATTERN:
			pattern = optarg;
			break;
		case OPT_TEXT:
			t.mode = 1;
			break;
		case OPT_LINES:
			t.mode = 2;
			break;
		case OPT_MAX_WORDS:
			t.max_words = (uint64_t)cli_num(optarg, "--max-words", 1, LLONG_MAX);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (t.c.output == NULL || strcmp(t.c.output, "-") == 0)
		cli_usage_error("-o DIR is required");
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	if (nspecial >= o.vocab_size)
		cli_usage_error("--vocab-size %u leaves no room beyond %zu special tokens",
		    o.vocab_size, nspecial);
	if (pretok_new(&pre, pattern, err, sizeof err) != 0)
		cli_usage_error("--pattern: %s", err);
	o.special = special;
	o.n_special = nspecial;
	t.pre = pre;
	t.nthreads = cli_jobs(&t.c);
	t.counters = xcalloc((size_t)t.nthreads, sizeof *t.counters);
	t.states = xcalloc((size_t)t.nthreads, sizeof *t.states);
	for (i = 0; i < t.nthreads; i++) {
		t.counters[i] = bpe_counter_new();
		t.states[i] = pretok_state_new(pre);
	}
	progress_init(&t.prog, cli_show_progress(&t.c), 0, "docs");
	for (i = 0; i < argc && rc == 0; i++)
		rc = read_input(&t, argv[i]);
	if (rc == 0)
		rc = flush_batch(&t);
	progress_done(&t.prog, t.bytes, t.docs);
	if (rc == 0) {
		for (i = 1; i < t.nthreads; i++) {
			bpe_counter_merge(t.counters[0], t.counters[i]);
			bpe_counter_free(t.counters[i]);
			t.counters[i] = NULL;
		}
		if (t.bytes == 0)
			cli_warn(&t.c, "no text in the input: the vocabulary holds only "
			    "special tokens and the initial alphabet");
		o.progress = merge_progress;
		o.progress_ctx = &t;
		t.merge_start = t.merge_last = progress_now();
		rc = bpe_train(t.counters[0], &o, &res);
		if (t.prog.on)
			fprintf(stderr, "\r%s: %u merges, vocabulary %u, %.0f merges/s\033[K\n",
			    cli_prog, t.merges, t.vocab,
			    t.merges / (progress_now() - t.merge_start + 1e-9));
		if (rc == 0) {
			if ((rc = bpe_result_write(&res, t.c.output, pattern, err,
			    sizeof err)) != 0)
				cli_error("%s", err);
			else if (t.c.verbose)
				fprintf(stderr, "%s: docs=%llu bytes=%llu words=%llu "
				    "pruned=%llu vocab=%u merges=%u\n", cli_prog,
				    (unsigned long long)t.docs, (unsigned long long)t.bytes,
				    (unsigned long long)res.words,
				    (unsigned long long)t.pruned, res.n_tokens,
				    res.n_merges);
			bpe_result_release(&res);
		}
	}
	for (i = 0; i < t.nthreads; i++) {
		bpe_counter_free(t.counters[i]);
		pretok_state_free(t.states[i]);
	}
	free(t.counters);
	free(t.states);
	for (i = 0; i < (int)nspecial; i++)
		free((char *)special[i]);
	free(special);
	free(t.b.off);
	free(t.b.len);
	buf_release(&t.b.text);
	pretok_free(pre);
	return cli_finish(rc, NULL);
}
