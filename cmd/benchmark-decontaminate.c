/*
 * benchmark-decontaminate - remove benchmark text from training doc records
 * by n-gram overlap, as GPT-3 did (13-grams of lowercased words without
 * punctuation), and report per benchmark which examples were found.
 * Documents are matched in parallel; output keeps the input order.
 */
#include <limits.h>
#include <omp.h>
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
	OPT_COUNT_ONLY, OPT_REPORT, OPT_MERGE,
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

struct item {
	uint64_t off;		/* line offset in the decoded input */
	uint64_t rec;		/* line number */
	size_t pos, len;	/* the line in the batch buffer */
	size_t out, outlen;	/* its output in obuf[tid] */
	long hits;
	int tid, records, rc;
	size_t at;
	const char *why;
	size_t text_len;
};

struct run {
	struct cli_common c;
	struct dc_index *x;
	struct zio_writer *out;
	int jobs;
	struct dc_scratch *scr;	/* (jobs) */
	struct buf *obuf;	/* (jobs) */
	long *repaired;		/* (jobs) */
	struct buf batch;
	struct item *items;
	size_t nitems, icap;
	struct dc_totals t;
	struct progress prog;
	uint64_t bytes_done;
};

#define BATCH_BYTES ((size_t)8 << 20)
#define BATCH_DOCS 8192

/* Match the batch in parallel, then write it in input order. */
static int
flush_batch(struct run *r, struct zio_reader *z)
{
	long n = (long)r->nitems, i;
	unsigned flags = r->c.repair_utf8 ? DOC_REPAIR_UTF8 : 0;
	int t, rc = 0;

	for (t = 0; t < r->jobs; t++)
		buf_reset(&r->obuf[t]);
	#pragma omp parallel for schedule(dynamic, 16) num_threads(r->jobs)
	for (i = 0; i < n; i++) {
		struct item *it = &r->items[i];
		int tid = omp_get_thread_num();
		struct doc d;

		it->tid = tid;
		it->rc = doc_parse(r->batch.p + it->pos, it->len, &d,
		    r->scr[tid].pscratch, flags, &r->repaired[tid], &it->why,
		    &it->at);
		if (it->rc)
			continue;
		it->text_len = d.text_len;
		it->out = r->obuf[tid].len;
		it->hits = dc_process(r->x, &d, &r->scr[tid], &r->obuf[tid],
		    &it->records);
		if (it->hits < 0) {
			it->rc = (int)it->hits;
			it->why = "document too long";
			it->at = 0;
		}
		it->outlen = r->obuf[tid].len - it->out;
	}
	for (i = 0; i < n && rc == 0; i++) {
		struct item *it = &r->items[i];

		if (it->rc) {
			cli_error("%s: record %llu at byte %llu: %s", zio_name(z),
			    (unsigned long long)it->rec,
			    (unsigned long long)(it->off + it->at), it->why);
			rc = it->rc;
			break;
		}
		r->t.documents++;
		r->t.text_bytes += it->text_len;
		if (it->hits > 0) {
			r->t.documents_hit++;
			if (dc_index_opts(r->x)->mode != DC_COUNT) {
				if (it->records == 0)
					r->t.documents_dropped++;
				else if (dc_index_opts(r->x)->mode == DC_REDACT)
					r->t.documents_redacted++;
			}
		}
		r->t.records_written += (uint64_t)it->records;
		if (it->outlen && (rc = zio_write(r->out, r->obuf[it->tid].p +
		    it->out, it->outlen)) != 0)
			cli_error("write error: %s", zio_writer_name(r->out));
	}
	r->nitems = 0;
	buf_reset(&r->batch);
	return rc;
}

static int
run_file(struct run *r, const char *path)
{
	struct zio_reader *z;
	struct buf scratch = BUF_INIT;
	const char *line;
	size_t len;
	uint64_t off, rec = 0;
	int rc;

	if ((rc = zio_reader_open(&z, path)) != 0) {
		cli_error("%s", zio_errmsg(z));
		zio_reader_free(z);
		return rc;
	}
	while ((rc = zio_getline(z, &scratch, r->c.max_record ? r->c.max_record :
	    DOC_DEFAULT_MAX_RECORD, &line, &len, &off)) == 1) {
		struct item *it;

		rec++;
		if (len == 0 || (len == 1 && line[0] == '\r'))
			continue;
		if (r->nitems == r->icap) {
			r->icap = r->icap ? 2 * r->icap : 1024;
			r->items = xreallocarray(r->items, r->icap, sizeof *r->items);
		}
		it = &r->items[r->nitems++];
		memset(it, 0, sizeof *it);
		it->off = off;
		it->rec = rec;
		it->pos = r->batch.len;
		it->len = len;
		if ((rc = buf_append(&r->batch, line, len)) != 0)
			break;
		if (r->nitems >= BATCH_DOCS || r->batch.len >= BATCH_BYTES) {
			if ((rc = flush_batch(r, z)) != 0)
				goto out;
			progress_update(&r->prog, r->bytes_done + zio_offset(z),
			    r->t.documents);
		}
	}
	if (rc == PTK_ELIMIT)
		cli_error("%s: record %llu at byte %llu: record longer than %zu bytes (see --max-record)",
		    zio_name(z), (unsigned long long)rec + 1,
		    (unsigned long long)off, r->c.max_record ? r->c.max_record :
		    DOC_DEFAULT_MAX_RECORD);
	else if (rc < 0)
		cli_error("%s", zio_errmsg(z));
	if (rc == 0)
		rc = flush_batch(r, z);
out:
	r->nitems = 0;
	buf_reset(&r->batch);
	r->bytes_done += zio_offset(z);
	zio_reader_free(z);
	buf_release(&scratch);
	return rc;
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
	struct dc_opts o = DC_OPTS_INIT;
	enum dc_bench_format fmt = DC_FMT_AUTO;
	const char *fields = NULL, *id_field = "id", *report = NULL;
	const char *doc_freq = NULL;
	char **bench = NULL;
	int nbench = 0, ch, i, t, rc = 0, merge = 0, count_only = 0;
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

	r.jobs = cli_jobs(&r.c);
	r.scr = xcalloc((size_t)r.jobs, sizeof *r.scr);
	r.obuf = xcalloc((size_t)r.jobs, sizeof *r.obuf);
	r.repaired = xcalloc((size_t)r.jobs, sizeof *r.repaired);
	r.batch.max = 0;
	progress_init(&r.prog, cli_show_progress(&r.c), 0, "docs");
	r.out = count_only ? NULL : cli_open_output(&r.c, 0);
	if (o.max_doc_freq >= 0 && !doc_freq) {
		/* Pass 1: document frequencies of the benchmark n-grams. */
		dc_index_set_mode(r.x, DC_COUNT);
		for (i = 0; i < argc && rc == 0; i++)
			rc = run_file(&r, argv[i]);
		dc_index_end_count_pass(r.x);
		dc_index_set_mode(r.x, o.mode);
		memset(&r.t, 0, sizeof r.t);
		r.bytes_done = 0;
	}
	for (i = 0; i < argc && rc == 0; i++)
		rc = run_file(&r, argv[i]);
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
	{
		long rep = 0;
		for (t = 0; t < r.jobs; t++)
			rep += r.repaired[t];
		if (rep)
			cli_warn(&r.c, "%ld invalid UTF-8 sequences replaced by U+FFFD", rep);
	}
	if (r.c.verbose)
		fprintf(stderr, "%s: in=%llu out=%llu dropped=%llu redacted=%llu hit=%llu\n",
		    cli_prog, (unsigned long long)r.t.documents,
		    (unsigned long long)r.t.records_written,
		    (unsigned long long)r.t.documents_dropped,
		    (unsigned long long)r.t.documents_redacted,
		    (unsigned long long)r.t.documents_hit);
	for (t = 0; t < r.jobs; t++) {
		dc_scratch_release(&r.scr[t]);
		buf_release(&r.obuf[t]);
	}
	free(r.scr);
	free(r.obuf);
	free(r.repaired);
	free(r.items);
	buf_release(&r.batch);
	dc_index_free(r.x);
	free(bench);
	return cli_finish(rc, r.out);
}
