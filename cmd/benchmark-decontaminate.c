/*
 * benchmark-decontaminate - remove benchmark text from training doc records
 * by n-gram overlap, as GPT-3 did (13-grams of lowercased words without
 * punctuation), and report per benchmark which examples were found.
 * Documents are matched in parallel; output keeps the input order.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "decontam.h"
#include "doc.h"
#include "xalloc.h"

enum {
	OPT_BENCH = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_FIELDS, OPT_ID_FIELD, OPT_FORMAT, OPT_N, OPT_CHAR, OPT_MODE,
	OPT_WINDOW, OPT_MIN_PIECE, OPT_MAX_PIECES, OPT_MAX_DF, OPT_DOC_FREQ,
	OPT_COUNT_ONLY, OPT_REPORT, OPT_MERGE, OPT_SHORT,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "bench", required_argument, NULL, OPT_BENCH },
	{ "fields", required_argument, NULL, OPT_FIELDS },
	{ "id-field", required_argument, NULL, OPT_ID_FIELD },
	{ "bench-format", required_argument, NULL, OPT_FORMAT },
	{ "n", required_argument, NULL, OPT_N },
	{ "char-ngrams", no_argument, NULL, OPT_CHAR },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "min-piece", required_argument, NULL, OPT_MIN_PIECE },
	{ "max-pieces", required_argument, NULL, OPT_MAX_PIECES },
	{ "max-doc-freq", required_argument, NULL, OPT_MAX_DF },
	{ "doc-freq", required_argument, NULL, OPT_DOC_FREQ },
	{ "count-only", no_argument, NULL, OPT_COUNT_ONLY },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "merge-reports", no_argument, NULL, OPT_MERGE },
	{ "short-examples", required_argument, NULL, OPT_SHORT },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Remove benchmark text from training doc records by n-gram overlap (GPT-3\n"
"style): n-grams of lowercased words without punctuation, split on spaces.\n"
"Memory grows with the benchmarks' n-grams, never with the training data.\n"
"\n"
"  --bench NAME=FILE   a benchmark: JSON Lines or plain text (one example a\n"
"                      line), zstd or plain; repeat for more\n"
"  --fields F,...      JSON members whose strings are an example's text\n"
"                      (default: every string but the id)\n"
"  --id-field NAME     member holding an example's id (default id; else\n"
"                      the line number is the id)\n"
"  --bench-format F    auto (default), jsonl or text\n"
"  --n N               n-gram size in words (default 13)\n"
"  --char-ngrams       each CJK/Thai character is a word of its own\n"
"  --short-examples K  match an example of K..N-1 words as a whole (GPT-3's\n"
"                      rule for short examples; default: not checked)\n"
"  --mode M            drop (default): drop documents with a hit;\n"
"                      redact: cut each hit +-200 characters and split the\n"
"                      document there (pieces become ID#0, ID#1, ...);\n"
"                      flag: keep all, add metadata.contamination\n"
"  --window N          redact: characters cut on each side (default 200)\n"
"  --min-piece N       redact: drop pieces shorter than N (default 200)\n"
"  --max-pieces N      redact: drop documents split into more (default 10)\n"
"  --max-doc-freq N    ignore n-grams found in more than N training\n"
"                      documents (reads the input files twice)\n"
"  --doc-freq REPORT   take document frequencies from a (merged) report of\n"
"                      a --count-only run instead of a first pass\n"
"  --count-only        count n-gram document frequencies only; no output\n"
"  --report FILE       write a JSON report: per benchmark, its examples,\n"
"                      contaminated example ids, documents hit\n"
"  --merge-reports     merge the report files given as operands\n"
"\n";

struct run {
	struct cli_common c;
	struct dc_index *x;
	struct zio_writer *out;
	struct dc_totals t;
	struct progress prog;
	uint64_t bytes_done;
};

static void
show_progress(void *arg, uint64_t bytes, uint64_t docs)
{
	progress_update(arg, bytes, docs);
}

/* Read a whole (report) file: 0 or an error (message printed). */
static int
slurp(const char *path, struct buf *b)
{
	struct zio_reader *z;
	char tmp[65536];
	ssize_t n;
	int rc;

	if ((rc = zio_reader_open(&z, path)) != 0) {
		cli_error("%s", zio_errmsg(z));
		zio_reader_free(z);
		return rc;
	}
	b->max = (size_t)1 << 30;
	buf_reset(b);
	while ((n = zio_read(z, tmp, sizeof tmp)) > 0)
		if ((rc = buf_append(b, tmp, (size_t)n)) != 0) {
			cli_error("%s: report larger than 1 GiB", zio_name(z));
			break;
		}
	if (n < 0) {
		cli_error("%s", zio_errmsg(z));
		rc = (int)n;
	}
	zio_reader_free(z);
	return rc;
}

static int
load_report(const char *path, struct dc_report **rep)
{
	struct buf b = BUF_INIT;
	const char *why;
	size_t at;
	int rc;

	if ((rc = slurp(path, &b)) == 0 &&
	    (rc = dc_report_parse(b.p ? b.p : "", b.len, rep, &why, &at)) != 0)
		cli_error("%s: at byte %zu: %s", path, at, why);
	buf_release(&b);
	return rc;
}

static int
merge_reports(struct cli_common *c, char **files, int nfiles)
{
	struct dc_report *m = NULL, *r;
	struct zio_writer *out;
	struct buf b = BUF_INIT;
	const char *why;
	int i, rc = 0;

	if (nfiles == 0)
		cli_usage_error("--merge-reports needs report files");
	for (i = 0; i < nfiles && rc == 0; i++) {
		if ((rc = load_report(files[i], &r)) != 0)
			break;
		if ((rc = dc_report_merge(&m, r, &why)) != 0)
			cli_error("%s: %s", files[i], why);
		dc_report_free(r);
	}
	c->compress = 0;
	out = cli_open_output(c, 0);
	if (rc == 0 && (rc = dc_report_write_merged(m, &b)) == 0)
		rc = zio_write_buf(out, &b);
	dc_report_free(m);
	buf_release(&b);
	return cli_finish(rc, out);
}

int
main(int argc, char *argv[])
{
	struct run r = { .c = CLI_COMMON_INIT };
	struct dc_run *run;
	long repaired = 0;
	int prog_on;
	struct dc_opts o = DC_OPTS_INIT;
	enum dc_bench_format fmt = DC_FMT_AUTO;
	const char *fields = NULL, *id_field = "id", *report = NULL;
	const char *doc_freq = NULL;
	char **bench = NULL;
	int nbench = 0, ch, i, rc = 0, merge = 0, count_only = 0;
	char *stdin_only[] = { "-" };

	cli_init(argv, "usage: benchmark-decontaminate --bench NAME=FILE ... [options] [file ...]", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&r.c, ch, optarg))
			continue;
		switch (ch) {
		case OPT_BENCH:
			if (strchr(optarg, '=') == NULL || optarg[0] == '=' ||
			    strchr(optarg, '=')[1] == '\0')
				cli_usage_error("--bench wants NAME=FILE, not '%s'", optarg);
			bench = xreallocarray(bench, (size_t)nbench + 1, sizeof *bench);
			bench[nbench++] = optarg;
			break;
		case OPT_FIELDS:
			if (optarg[0] == '\0' || strstr(optarg, ",,") ||
			    optarg[0] == ',' || optarg[strlen(optarg) - 1] == ',')
				cli_usage_error("bad --fields '%s'", optarg);
			{
				const char *f;
				int nf = 1;
				for (f = optarg; *f; f++)
					nf += *f == ',';
				if (nf > DC_MAX_FIELDS)
					cli_usage_error("more than %d --fields",
					    DC_MAX_FIELDS);
			}
			fields = optarg;
			break;
		case OPT_ID_FIELD:
			id_field = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "auto") == 0)
				fmt = DC_FMT_AUTO;
			else if (strcmp(optarg, "jsonl") == 0)
				fmt = DC_FMT_JSONL;
			else if (strcmp(optarg, "text") == 0)
				fmt = DC_FMT_TEXT;
			else
				cli_usage_error("unknown --bench-format '%s'", optarg);
			break;
		case OPT_N:
			o.n = (int)cli_num(optarg, "--n", 1, DC_MAX_N);
			break;
		case OPT_CHAR:
			o.char_ngrams = 1;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "drop") == 0)
				o.mode = DC_DROP;
			else if (strcmp(optarg, "redact") == 0)
				o.mode = DC_REDACT;
			else if (strcmp(optarg, "flag") == 0)
				o.mode = DC_FLAG;
			else
				cli_usage_error("unknown --mode '%s' (drop, redact or flag)", optarg);
			break;
		case OPT_WINDOW:
			o.window = (long)cli_num(optarg, "--window", 0, 1 << 20);
			break;
		case OPT_MIN_PIECE:
			o.min_piece = (long)cli_num(optarg, "--min-piece", 0, 1 << 30);
			break;
		case OPT_MAX_PIECES:
			o.max_pieces = (long)cli_num(optarg, "--max-pieces", 1, DC_MAX_PIECES);
			break;
		case OPT_MAX_DF:
			o.max_doc_freq = cli_num(optarg, "--max-doc-freq", 0, LLONG_MAX);
			break;
		case OPT_DOC_FREQ:
			doc_freq = optarg;
			break;
		case OPT_COUNT_ONLY:
			count_only = 1;
			break;
		case OPT_REPORT:
			report = optarg;
			break;
		case OPT_MERGE:
			merge = 1;
			break;
		case OPT_SHORT:
			o.short_min = (int)cli_num(optarg, "--short-examples", 1,
			    DC_MAX_N - 1);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (merge)
		return merge_reports(&r.c, argv, argc);
	if (nbench == 0)
		cli_usage_error("no --bench NAME=FILE given");
	if (o.short_min >= o.n)
		cli_usage_error("--short-examples must be below --n (%d)", o.n);
	if (doc_freq && o.max_doc_freq < 0)
		cli_usage_error("--doc-freq needs --max-doc-freq");
	if (count_only && !report)
		cli_usage_error("--count-only needs --report FILE");
	if (count_only && o.max_doc_freq >= 0)
		cli_usage_error("--count-only counts; give --max-doc-freq to the run that filters");
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	if (o.max_doc_freq >= 0 && !doc_freq)
		for (i = 0; i < argc; i++)
			if (strcmp(argv[i], "-") == 0)
				cli_usage_error("--max-doc-freq reads the input twice: give files, not stdin (or use --doc-freq)");
	for (i = 0; i < nbench; i++) {
		int j;
		for (j = 0; j < i; j++)
			if (strcspn(bench[i], "=") == strcspn(bench[j], "=") &&
			    strncmp(bench[i], bench[j], strcspn(bench[i], "=")) == 0)
				cli_usage_error("benchmark name given twice in '%s'", bench[i]);
	}
	if (count_only)
		o.mode = DC_COUNT;

	r.x = dc_index_new(&o);
	for (i = 0; i < nbench && rc == 0; i++) {
		char err[1024], *name = xstrdup(bench[i]);
		char *eq = strchr(name, '=');

		*eq = '\0';
		if ((rc = dc_index_add(r.x, name, eq + 1, fmt, fields, id_field,
		    err, sizeof err)) != 0)
			cli_error("%s", err);
		free(name);
	}
	if (rc) {
		dc_index_free(r.x);
		free(bench);
		return cli_exit_code(rc);
	}
	dc_index_finish(r.x);
	for (i = 0; i < nbench; i++)
		if (dc_index_bench_examples(r.x, (size_t)i) == 0)
			cli_warn(&r.c, "benchmark '%s' has no examples",
			    dc_index_bench_name(r.x, (size_t)i));
		else if (dc_index_bench_ngrams(r.x, (size_t)i) == 0)
			cli_warn(&r.c, "benchmark '%s': no example has %d words, so none can be found (check --fields, --n, --char-ngrams)",
			    dc_index_bench_name(r.x, (size_t)i), o.n);
	if (doc_freq) {
		struct dc_report *rep;
		const char *why;

		if ((rc = load_report(doc_freq, &rep)) == 0 &&
		    (rc = dc_report_apply_doc_freq(rep, r.x, &why)) != 0)
			cli_error("%s: %s", doc_freq, why);
		dc_report_free(rep);
		if (rc) {
			dc_index_free(r.x);
			free(bench);
			return cli_exit_code(rc);
		}
	}

	prog_on = cli_show_progress(&r.c);
	progress_init(&r.prog, prog_on, 0, "docs");
	r.out = count_only ? NULL : cli_open_output(&r.c, 0);
	run = dc_run_new(r.x, cli_jobs(&r.c), r.c.repair_utf8 ? DOC_REPAIR_UTF8 : 0,
	    r.c.max_record, r.out);
	if (run == NULL) {
		cli_error("cannot start a thread");
		exit(CLI_EXIT_IO);
	}
	if (prog_on)
		dc_run_set_progress(run, show_progress, &r.prog);
	if (o.max_doc_freq >= 0 && !doc_freq) {
		/* Pass 1: document frequencies of the benchmark n-grams. */
		dc_index_set_mode(r.x, DC_COUNT);
		for (i = 0; i < argc && rc == 0; i++)
			rc = dc_run_file(run, argv[i]);
		dc_index_end_count_pass(r.x);
		dc_index_set_mode(r.x, o.mode);
		dc_run_reset_totals(run);
	}
	for (i = 0; i < argc && rc == 0; i++)
		rc = dc_run_file(run, argv[i]);
	if (rc)
		cli_error("%s", dc_run_errmsg(run));
	dc_run_totals(run, &r.t, &r.bytes_done, &repaired);
	dc_run_free(run);
	progress_done(&r.prog, r.bytes_done, r.t.documents);
	if (rc == 0 && report) {
		struct zio_writer *w;
		struct buf b = BUF_INIT;

		if (zio_writer_open(&w, report, 0, 0) != 0) {
			cli_error("cannot create '%s': %m", report);
			rc = PTK_EIO;
		} else {
			if ((rc = dc_report_write(r.x, &r.t, &b)) == 0)
				rc = zio_write_buf(w, &b);
			if (zio_writer_close(w, rc == 0) != 0 && rc == 0) {
				cli_error("cannot write '%s': %m", report);
				rc = PTK_EIO;
			}
		}
		buf_release(&b);
	}
	if (repaired)
		cli_warn(&r.c, "%ld invalid UTF-8 sequences replaced by U+FFFD",
		    repaired);
	if (r.c.verbose)
		fprintf(stderr, "%s: in=%llu out=%llu dropped=%llu redacted=%llu hit=%llu\n",
		    cli_prog, (unsigned long long)r.t.documents,
		    (unsigned long long)r.t.records_written,
		    (unsigned long long)r.t.documents_dropped,
		    (unsigned long long)r.t.documents_redacted,
		    (unsigned long long)r.t.documents_hit);
	dc_index_free(r.x);
	free(bench);
	return cli_finish(rc, r.out);
}
