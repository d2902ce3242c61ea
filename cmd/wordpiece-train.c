/*
 * wordpiece-train - learn a WordPiece vocabulary (BERT) from doc records or
 * plain text: count the words of BERT's text pipeline in parallel, merge as
 * HuggingFace's WordPieceTrainer (or by likelihood), and write vocab.txt and
 * tokenizer.json into a folder.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tok_wp.h"
#include "wp_train.h"
#include "xalloc.h"

enum {
	OPT_VOCAB_SIZE = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_MIN_FREQUENCY,
	OPT_LIMIT_ALPHABET,
	OPT_SPECIAL_TOKENS,
	OPT_LOWERCASE,
	OPT_NO_LOWERCASE,
	OPT_STRIP_ACCENTS,
	OPT_NO_STRIP_ACCENTS,
	OPT_CHINESE_CHARS,
	OPT_NO_CHINESE_CHARS,
	OPT_SCORE,
	OPT_TEXT,
	OPT_MAX_WORD_CHARS,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "vocab-size", required_argument, NULL, OPT_VOCAB_SIZE },
	{ "min-frequency", required_argument, NULL, OPT_MIN_FREQUENCY },
	{ "limit-alphabet", required_argument, NULL, OPT_LIMIT_ALPHABET },
	{ "special-tokens", required_argument, NULL, OPT_SPECIAL_TOKENS },
	{ "lowercase", no_argument, NULL, OPT_LOWERCASE },
	{ "no-lowercase", no_argument, NULL, OPT_NO_LOWERCASE },
	{ "strip-accents", no_argument, NULL, OPT_STRIP_ACCENTS },
	{ "no-strip-accents", no_argument, NULL, OPT_NO_STRIP_ACCENTS },
	{ "chinese-chars", no_argument, NULL, OPT_CHINESE_CHARS },
	{ "no-chinese-chars", no_argument, NULL, OPT_NO_CHINESE_CHARS },
	{ "score", required_argument, NULL, OPT_SCORE },
	{ "text", no_argument, NULL, OPT_TEXT },
	{ "max-word-chars", required_argument, NULL, OPT_MAX_WORD_CHARS },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Train a WordPiece vocabulary (BERT) on doc records or plain text and write\n"
"DIR/vocab.txt and DIR/tokenizer.json.  Text goes through BERT's pipeline\n"
"(clean, CJK, accents, lowercase, punctuation); with --score bpe the merges\n"
"are HuggingFace WordPieceTrainer's.  The output is the same for any -j.\n"
"\n"
"  -o, --output DIR       the folder to write (required; created if missing)\n"
"      --vocab-size N     vocabulary size, special tokens included (30000)\n"
"      --min-frequency N  no merge of a pair seen fewer than N times (0)\n"
"      --limit-alphabet N keep only the N most frequent characters (all)\n"
"      --special-tokens L comma-separated special tokens, ids 0.. in order\n"
"                         (default [PAD],[UNK],[CLS],[SEP],[MASK]; must hold\n"
"                         [UNK])\n"
"      --score bpe|likelihood\n"
"                         bpe (default): the most frequent pair, as\n"
"                         HuggingFace; likelihood: the pair with the highest\n"
"                         count(ab) / (count(a) * count(b)), as WordPiece\n"
"      --lowercase, --no-lowercase\n"
"                         lowercase the text (default: yes)\n"
"      --strip-accents, --no-strip-accents\n"
"                         drop accents (default: as --lowercase)\n"
"      --chinese-chars, --no-chinese-chars\n"
"                         make each CJK ideograph a word (default: yes)\n"
"      --max-word-chars N longer words encode as [UNK]; written to\n"
"                         tokenizer.json (100, as HuggingFace; BERT: 200)\n"
"      --text             inputs are plain text, not doc records\n"
"\n"
"Memory: about 60 bytes plus the word's length for each distinct word of\n"
"the corpus, per thread while counting; it does not grow with the corpus\n"
"beyond its distinct words.\n"
"\n";

struct ctx {
	struct cli_common c;
	struct progress prog;
	double merge_last;
};

static void
read_progress(void *arg, uint64_t bytes, uint64_t records)
{
	struct ctx *x = arg;

	progress_update(&x->prog, bytes, records);
}

static void
merge_progress(void *arg, uint32_t merges, uint32_t vocab)
{
	struct ctx *x = arg;
	double now = progress_now();

	if (!x->prog.on || now - x->merge_last < 0.5)
		return;
	x->merge_last = now;
	fprintf(stderr, "\r%s: %u merges, vocabulary %u\033[K", cli_prog, merges,
	    vocab);
}

static void
add_specials(const char ***list, size_t *n, const char *arg)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p), i;
		char *s;
		if (len == 0)
			cli_usage_error("--special-tokens: empty token in '%s'", arg);
		s = xmemdup(p, len);
		for (i = 0; i < *n; i++)
			if (strcmp((*list)[i], s) == 0)
				cli_usage_error("--special-tokens: '%s' given twice", s);
		*list = xreallocarray(*list, *n + 1, sizeof **list);
		(*list)[(*n)++] = s;
		if (!comma)
			break;
		p = comma + 1;
	}
}

int
main(int argc, char *argv[])
{
	static const char *const bert[] = { "[PAD]", "[UNK]", "[CLS]", "[SEP]",
	    "[MASK]" };
	struct ctx x = { .c = CLI_COMMON_INIT };
	struct wp_train_opts o = { .vocab_size = 30000 };
	struct wp_input_opts in = { .norm = WP_NORM_UNCASED };
	struct wp_input_stats st;
	struct wp_counter *counter;
	struct wp_result res;
	const char **special = NULL;
	char *stdin_only[] = { "-" };
	char err[1024];
	size_t nspecial = 0, i, max_chars = WP_MAX_CHARS_DEFAULT;
	int ch, rc, strip = -1, has_unk = 0;

	cli_init(argv, "usage: wordpiece-train [options] -o DIR [file ...]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&x.c, ch, optarg))
			continue;
		switch (ch) {
		case OPT_VOCAB_SIZE:
			o.vocab_size = (uint32_t)cli_num(optarg, "--vocab-size", 1,
			    UINT32_MAX - 1);
			break;
		case OPT_MIN_FREQUENCY:
			o.min_frequency = (uint64_t)cli_num(optarg, "--min-frequency",
			    0, LLONG_MAX);
			break;
		case OPT_LIMIT_ALPHABET:
			o.limit_alphabet = (uint32_t)cli_num(optarg, "--limit-alphabet",
			    1, 0x110000);
			break;
		case OPT_SPECIAL_TOKENS:
			add_specials(&special, &nspecial, optarg);
			break;
		case OPT_LOWERCASE:
		case OPT_NO_LOWERCASE:
			in.norm.lowercase = ch == OPT_LOWERCASE;
			break;
		case OPT_STRIP_ACCENTS:
		case OPT_NO_STRIP_ACCENTS:
			strip = ch == OPT_STRIP_ACCENTS;
			break;
		case OPT_CHINESE_CHARS:
		case OPT_NO_CHINESE_CHARS:
			in.norm.chinese_chars = ch == OPT_CHINESE_CHARS;
			break;
		case OPT_SCORE:
			if (strcmp(optarg, "bpe") == 0)
				o.score = WP_SCORE_BPE;
			else if (strcmp(optarg, "likelihood") == 0)
				o.score = WP_SCORE_LIKELIHOOD;
			else
				cli_usage_error("--score must be bpe or likelihood, not '%s'",
				    optarg);
			break;
		case OPT_MAX_WORD_CHARS:
			max_chars = (size_t)cli_num(optarg, "--max-word-chars", 1,
			    UINT32_MAX);
			break;
		case OPT_TEXT:
			in.text = 1;
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (x.c.output == NULL || strcmp(x.c.output, "-") == 0)
		cli_usage_error("-o DIR is required");
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	if (nspecial == 0)
		for (i = 0; i < sizeof bert / sizeof bert[0]; i++)
			add_specials(&special, &nspecial, bert[i]);
	for (i = 0; i < nspecial; i++)
		has_unk |= strcmp(special[i], "[UNK]") == 0;
	if (!has_unk)
		cli_usage_error("--special-tokens must include [UNK]");
	if (nspecial >= o.vocab_size)
		cli_usage_error("--vocab-size %u leaves no room beyond %zu special tokens",
		    o.vocab_size, nspecial);
	in.norm.strip_accents = strip >= 0 ? strip : in.norm.lowercase;
	in.nthreads = cli_jobs(&x.c);
	in.max_record = x.c.max_record;
	in.repair_utf8 = x.c.repair_utf8;
	in.progress = read_progress;
	in.progress_ctx = &x;
	o.special = special;
	o.n_special = nspecial;
	o.progress = merge_progress;
	o.progress_ctx = &x;

	progress_init(&x.prog, cli_show_progress(&x.c), 0,
	    in.text ? "chunks" : "docs");
	counter = wp_counter_new();
	rc = wp_count_files(counter, argv, argc, &in, &st, err, sizeof err);
	progress_done(&x.prog, st.bytes, st.records);
	if (rc != 0)
		cli_error("%s", err);
	if (rc == 0) {
		if (st.repaired)
			cli_warn(&x.c, "%llu %s had invalid UTF-8 dropped",
			    (unsigned long long)st.repaired,
			    in.text ? "sequences" : "records");
		if (wp_counter_words(counter) == 0)
			cli_warn(&x.c, "no words in the input: the vocabulary holds only "
			    "the special tokens");
		x.merge_last = progress_now();
		rc = wp_train(counter, &o, &res);
		if (x.prog.on)
			fputc('\n', stderr);
	}
	wp_counter_free(counter);
	if (rc == 0) {
		if ((rc = wp_result_write(&res, x.c.output, &in.norm, max_chars, err,
		    sizeof err)) != 0)
			cli_error("%s", err);
		else if (x.c.verbose)
			fprintf(stderr, "%s: in=%llu bytes=%llu words=%llu vocab=%u "
			    "alphabet=%u merges=%u\n", cli_prog,
			    (unsigned long long)st.records, (unsigned long long)st.bytes,
			    (unsigned long long)res.words, res.n_tokens, res.n_alphabet,
			    res.n_merges);
		wp_result_release(&res);
	}
	for (i = 0; i < nspecial; i++)
		free((char *)special[i]);
	free(special);
	return cli_finish(rc, NULL);
}
