/*
 * dedup - drop documents that repeat: exact copies (normalised text hash),
 * near-duplicates (MinHash LSH, confirmed against the kept document) and
 * lines or paragraphs repeated across many documents.  One shot, or in
 * three phases for many machines: sign (per shard), merge, filter (per shard).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "dedup.h"
#include "doc.h"
#include "xalloc.h"

enum {
	OPT_EXACT = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_NEAR,
	OPT_LINES,
	OPT_THRESHOLD,
	OPT_REPORT,
	OPT_LOWERCASE,
	OPT_NGRAM,
	OPT_BANDS,
	OPT_ROWS,
	OPT_BINS,
	OPT_LINE_COUNT,
	OPT_MIN_LENGTH,
	OPT_PARAGRAPHS,
	OPT_MEM,
	OPT_TMP_DIR,
	OPT_INDEX,
	OPT_KEEP,
	OPT_KEEP_DIR,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "seed", required_argument, NULL, CLI_OPT_SEED },
	{ "exact", no_argument, NULL, OPT_EXACT },
	{ "near", no_argument, NULL, OPT_NEAR },
	{ "lines", no_argument, NULL, OPT_LINES },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "lowercase", no_argument, NULL, OPT_LOWERCASE },
	{ "ngram", required_argument, NULL, OPT_NGRAM },
	{ "bands", required_argument, NULL, OPT_BANDS },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "bins", required_argument, NULL, OPT_BINS },
	{ "line-count", required_argument, NULL, OPT_LINE_COUNT },
	{ "min-length", required_argument, NULL, OPT_MIN_LENGTH },
	{ "paragraphs", no_argument, NULL, OPT_PARAGRAPHS },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "tmp-dir", required_argument, NULL, OPT_TMP_DIR },
	{ "index", required_argument, NULL, OPT_INDEX },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "keep-dir", required_argument, NULL, OPT_KEEP_DIR },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"       dedup sign [options] -o SIG [file]\n"
"       dedup merge [options] [--keep-dir DIR] SIG...\n"
"       dedup filter [options] --keep KEEP [file]\n"
"\n"
"Write the doc records kept, in input order.  Levels (with none named:\n"
"--exact --near):\n"
"  --exact             drop documents whose normalised text (NFC, white space\n"
"                      folded) hashes alike; the first is kept\n"
"  --near              drop near-duplicates: MinHash of word n-gram shingles,\n"
"                      LSH bands, confirmed against the kept document\n"
"  --lines             drop lines that repeat in many documents, then documents\n"
"                      left shorter than --min-length\n"
"  --threshold T       near: estimated Jaccard similarity (default 0.8)\n"
"  --lowercase         exact: fold case too\n"
"  --ngram N           near: words per shingle (default 5)\n"
"  --bands N           near: LSH bands (default 14)\n"
"  --rows N            near: hashes per band (default 8)\n"
"  --bins N            near: one-permutation bins that sharpen the similarity\n"
"                      estimate (default 1024; even; 0: MinHash values only)\n"
"  --seed N            near: draws the hash functions (default 1)\n"
"  --line-count N      lines: a line in N or more documents is removed from all\n"
"                      but the first (default 3)\n"
"  --paragraphs        lines: work on paragraphs (split at blank lines)\n"
"  --min-length N      lines: drop a trimmed document with fewer than N\n"
"                      non-space characters left (default 1)\n"
"  --report FILE       JSON Lines: each document removed, with id,\n"
"                      duplicate_of, level and similarity\n"
"  --index FILE        SQLite index of documents kept by earlier runs: they\n"
"                      count as seen first, and the documents kept are added\n"
"  --mem BYTES         memory for each external sort (default 512M; K/M/G)\n"
"  --tmp-dir DIR       where temporary files go (default $TMPDIR or /tmp)\n"
"  --keep FILE         filter: the keep-list merge wrote for this shard\n"
"  --keep-dir DIR      merge: write DIR/NAME.keep, not SIG.keep beside SIG\n"
"A summary (docs in, kept, removed per level, cluster sizes) goes to stderr\n"
"unless -q.\n"
"\n"
"Phases (docs/dedup.md): 'sign' writes the signature file of one shard;\n"
"'merge' reads all signature files in shard order and writes SIG.keep (or\n"
"DIR/NAME.keep) for each; 'filter --keep' applies one to its shard.  One\n"
"shot runs the same phases through temporary files; stdin is spooled there.\n"
"\n"
"Memory: sign holds one batch (16 MiB of text).  merge holds about\n"
"21 bytes per document, plus at most --mem per external sort (two at once\n"
"with --lines), and reads the signature files (about 2.5 KB per document\n"
"with the defaults, plus the id, plus 8 bytes per line with --lines) through\n"
"the page cache.  filter holds one record.  Input text is never all in memory.\n";

struct prog {
	struct cli_common c;
	struct dedup_opts o;
	const char *report, *keep, *keep_dir;
	int levels_named;
};

static void
parse(struct prog *pr, int argc, char **argv)
{
	int ch;

	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&pr->c, ch, optarg))
			continue;
		switch (ch) {
		case CLI_OPT_SEED:
			pr->o.p.mh.seed = (uint64_t)cli_num(optarg, "--seed", 0, LLONG_MAX);
			break;
		case OPT_EXACT:
			pr->levels_named |= DEDUP_EXACT;
			break;
		case OPT_NEAR:
			pr->levels_named |= DEDUP_NEAR;
			break;
		case OPT_LINES:
			pr->levels_named |= DEDUP_LINES;
			break;
		case OPT_THRESHOLD:
			pr->o.threshold = cli_real(optarg, "--threshold", 0.0, 1.0);
			break;
		case OPT_REPORT:
			pr->report = optarg;
			break;
		case OPT_LOWERCASE:
			pr->o.p.lowercase = 1;
			break;
		case OPT_NGRAM:
			pr->o.p.mh.ngram = (int)cli_num(optarg, "--ngram", 1, 1000);
			break;
		case OPT_BANDS:
			pr->o.p.mh.bands = (int)cli_num(optarg, "--bands", 1, MH_MAX_HASHES);
			break;
		case OPT_ROWS:
			pr->o.p.mh.rows = (int)cli_num(optarg, "--rows", 1, MH_MAX_HASHES);
			break;
		case OPT_BINS:
			pr->o.p.mh.bins = (int)cli_num(optarg, "--bins", 0, MH_MAX_BINS);
			if (pr->o.p.mh.bins % 2)
				cli_usage_error("--bins must be even");
			break;
		case OPT_LINE_COUNT:
			pr->o.line_count = (long)cli_num(optarg, "--line-count", 2, LONG_MAX);
			break;
		case OPT_MIN_LENGTH:
			pr->o.min_length = (long)cli_num(optarg, "--min-length", 0, LONG_MAX);
			break;
		case OPT_PARAGRAPHS:
			pr->o.p.paragraphs = 1;
			break;
		case OPT_MEM:
			pr->o.mem = (size_t)cli_num(optarg, "--mem", 1 << 20, LLONG_MAX);
			break;
		case OPT_TMP_DIR:
			pr->o.tmpdir = optarg;
			break;
		case OPT_INDEX:
			pr->o.index = optarg;
			break;
		case OPT_KEEP:
			pr->keep = optarg;
			break;
		case OPT_KEEP_DIR:
			pr->keep_dir = optarg;
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (pr->o.p.mh.bands * pr->o.p.mh.rows > MH_MAX_HASHES)
		cli_usage_error("--bands times --rows must be at most %d", MH_MAX_HASHES);
	if (pr->levels_named)
		pr->o.p.levels = (unsigned)pr->levels_named;
	pr->o.jobs = cli_jobs(&pr->c);
	pr->o.doc_flags = pr->c.repair_utf8 ? DOC_REPAIR_UTF8 : 0;
	pr->o.max_record = pr->c.max_record;
}

static void
show_progress(void *arg, uint64_t bytes, uint64_t docs)
{
	progress_update(arg, bytes, docs);
}

static int
report_err(struct dedup_ctx *ctx, int rc)
{
	if (rc != 0)
		cli_error("%s", dedup_errmsg(ctx));
	return rc;
}

static void
summary(const struct prog *pr, struct dedup_ctx *ctx)
{
	char s[2048];

	if (pr->c.quiet)
		return;
	dedup_summary(ctx, s, sizeof s);
	fprintf(stderr, "%s: %s\n", cli_prog, s);
}

static struct zio_writer *
open_report(const struct prog *pr)
{
	struct zio_writer *w = NULL;

	if (pr->report && zio_writer_open(&w, pr->report, 0, 0) != 0) {
		cli_error("cannot create '%s': %s", pr->report, strerror(errno));
		exit(CLI_EXIT_IO);
	}
	return w;
}

/* Commit the report, then the output, then the index: a run whose output
 * is lost does not leave its documents in the index. */
static int
finish(struct prog *pr, struct dedup_ctx *ctx, int rc, struct zio_writer *out,
    struct zio_writer *rep, struct progress *prog)
{
	int code;

	progress_done(prog, dedup_stats(ctx)->bytes, dedup_stats(ctx)->docs);
	if (rep != NULL && zio_writer_close(rep, rc == 0) != 0 && rc == 0) {
		cli_error("cannot write '%s': %s", pr->report, strerror(errno));
		rc = PTK_EIO;
	}
	code = cli_finish(rc, out);
	if (code == 0 && dedup_ctx_finish(ctx, 1) != 0) {
		cli_error("%s", dedup_errmsg(ctx));
		code = CLI_EXIT_IO;
	}
	if (code == 0)
		summary(pr, ctx);
	dedup_ctx_free(ctx);
	return code;
}

static char *
keep_name(const struct prog *pr, const char *sig)
{
	const char *base = strrchr(sig, '/');
	size_t n;
	char *k;

	base = base ? base + 1 : sig;
	n = strlen(pr->keep_dir ? pr->keep_dir : sig) + strlen(base) + 8;
	k = xmalloc(n);
	if (pr->keep_dir)
		snprintf(k, n, "%s/%s.keep", pr->keep_dir, base);
	else
		snprintf(k, n, "%s.keep", sig);
	return k;
}

int
main(int argc, char *argv[])
{
	struct prog pr = { .c = CLI_COMMON_INIT, .o = DEDUP_OPTS_INIT };
	struct dedup_ctx *ctx;
	struct zio_writer *out = NULL, *rep = NULL;
	struct progress prog;
	const char *sub = NULL;
	char *stdin_only[] = { "-" };
	int rc = 0, i;

	cli_init(argv, "usage: dedup [--exact] [--near] [--lines] [--threshold T] "
	    "[--report FILE] [options] [file ...]", help);
	if (argc > 1 && (strcmp(argv[1], "sign") == 0 ||
	    strcmp(argv[1], "merge") == 0 || strcmp(argv[1], "filter") == 0)) {
		sub = argv[1];
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	parse(&pr, argc, argv);
	argc -= optind;
	argv += optind;
	if (pr.o.p.levels == 0)
		cli_usage_error("no level");
	/* Options that the phase asked for would ignore are mistakes. */
	if ((sub == NULL || strcmp(sub, "merge") != 0) && pr.keep_dir)
		cli_usage_error("--keep-dir is a merge option");
	if ((sub == NULL || strcmp(sub, "filter") != 0) && pr.keep)
		cli_usage_error("--keep is a filter option");
	if (sub && strcmp(sub, "merge") != 0 && pr.o.index)
		cli_usage_error("--index is a merge (or one-shot) option");
	if (sub && strcmp(sub, "sign") == 0 && pr.report)
		cli_usage_error("--report is a filter (or one-shot) option");
	progress_init(&prog, cli_show_progress(&pr.c), 0, "docs");
	if (prog.on) {
		pr.o.progress = show_progress;
		pr.o.progress_arg = &prog;
	}
	if ((ctx = dedup_ctx_new(&pr.o)) == NULL)
		cli_usage_error("bad MinHash parameters");

	if (sub == NULL || strcmp(sub, "filter") == 0) {
		if (sub && pr.keep == NULL)
			cli_usage_error("filter needs --keep FILE");
		if (sub && argc > 1)
			cli_usage_error("filter reads one shard");
		if (argc == 0) {
			argc = 1;
			argv = stdin_only;
		}
		rep = open_report(&pr);
		out = cli_open_output(&pr.c, 0);
		if (sub)
			rc = dedup_filter(ctx, argv[0], pr.keep, out, rep);
		else
			rc = dedup_run(ctx, argv, argc, out, rep);
		return finish(&pr, ctx, report_err(ctx, rc), out, rep, &prog);
	}
	if (strcmp(sub, "sign") == 0) {
		if (pr.c.output == NULL || strcmp(pr.c.output, "-") == 0)
			cli_usage_error("sign needs -o SIG (a file)");
		if (argc > 1)
			cli_usage_error("sign reads one shard");
		rc = report_err(ctx, dedup_sign(ctx, argc ? argv[0] : "-", pr.c.output));
		progress_done(&prog, dedup_stats(ctx)->bytes, dedup_stats(ctx)->docs);
		dedup_ctx_free(ctx);
		return cli_finish(rc, NULL);
	}
	/* merge */
	if (argc == 0)
		cli_usage_error("merge needs signature files");
	if (pr.c.output != NULL)
		cli_usage_error("merge writes keep-lists beside the signatures "
		    "or in --keep-dir, not -o");
	if (pr.report != NULL)
		cli_usage_error("merge writes no report: filter does");
	{
		char **keep = xcalloc((size_t)argc, sizeof *keep);
		for (i = 0; i < argc; i++) {
			int j;
			keep[i] = keep_name(&pr, argv[i]);
			for (j = 0; j < i; j++)
				if (strcmp(keep[i], keep[j]) == 0)
					cli_usage_error("'%s' and '%s' would both write "
					    "keep-list '%s'", argv[j], argv[i], keep[i]);
		}
		rc = report_err(ctx, dedup_merge(ctx, argv, argc, keep));
		for (i = 0; i < argc; i++)
			free(keep[i]);
		free(keep);
	}
	return finish(&pr, ctx, rc, NULL, NULL, &prog);
}
