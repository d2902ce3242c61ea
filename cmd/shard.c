/*
 * shard - cut token records into checksummed shard files for training:
 * ptk's own mmap-able shards, a Megatron-LM indexed dataset, or llm.c token
 * shards, with a JSON manifest, a validation split and a global shuffle
 * that needs no more memory than --mem.  shard --verify checks a folder.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "shard.h"
#include "tokrec.h"

enum {
	OPT_FORMAT = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_SHARD_TOKENS,
	OPT_VAL_FRACTION,
	OPT_SHUFFLE,
	OPT_SEED,
	OPT_MEM,
	OPT_SEQ_LEN,
	OPT_EOD,
	OPT_EOD_ID,
	OPT_SENTENCES,
	OPT_TMP_DIR,
	OPT_VERIFY,
	OPT_TRUST,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "shard-tokens", required_argument, NULL, OPT_SHARD_TOKENS },
	{ "val-fraction", required_argument, NULL, OPT_VAL_FRACTION },
	{ "shuffle", no_argument, NULL, OPT_SHUFFLE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "seq-len", required_argument, NULL, OPT_SEQ_LEN },
	{ "eod", required_argument, NULL, OPT_EOD },
	{ "eod-id", required_argument, NULL, OPT_EOD_ID },
	{ "sentences", no_argument, NULL, OPT_SENTENCES },
	{ "tmp-dir", required_argument, NULL, OPT_TMP_DIR },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "trust", no_argument, NULL, OPT_TRUST },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Write token records (files or stdin) into a shard folder -o DIR: shard files,\n"
"each with an XXH64 checksum, and DIR/manifest.json.  DIR appears whole or not\n"
"at all.  With --verify, check shard folders instead.\n"
"\n"
"  --format F          ptk (default: every record part, mmap-able), megatron\n"
"                      (Megatron-LM .bin/.idx) or llmc (llm.c uint16 .bin)\n"
"  --shard-tokens N    tokens a shard (default 100M; K/M/G)\n"
"  --val-fraction F    this share of records (0..1) goes to val_* shards\n"
"  --shuffle           shuffle all records globally (buckets on disk)\n"
"  --seed N            shuffle seed (default 0; implies --shuffle)\n"
"  --mem N             memory the shuffle may use (default 1G, min 1M)\n"
"  --tmp-dir DIR       shuffle buckets go here (default: beside the output)\n"
"  --seq-len N         training sequence length to record in the manifest\n"
"  --eod before|after  add an end-of-document token to each record (seq only):\n"
"                      before = llm.c's fineweb.py, after = Megatron --append-eod\n"
"  --eod-id N          that token (default: the input's eos special token)\n"
"  --sentences         megatron: each sentence (record bounds) is a sequence\n"
"  --verify            check every shard folder named: manifest, structure,\n"
"                      checksums, token ids; prints one line per folder\n"
"  --trust             with --verify: skip checksums and the token scan\n"
"  --force             replace a non-empty output folder\n"
"\n"
"Memory: --mem for the shuffle; a few MB otherwise, whatever the input size.\n";

struct input {
	const char *first;
	struct tok_header h;
	int have_h;
};

static int
same_header(const struct tok_header *a, const struct tok_header *b)
{
	return a->width == b->width && a->kind == b->kind &&
	    a->vocab_size == b->vocab_size && a->fingerprint == b->fingerprint &&
	    memcmp(a->special, b->special, sizeof a->special) == 0;
}

/* Whether path exists and is not an empty folder (then --force is needed). */
static int
occupied(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return access(path, F_OK) == 0;
	while (n == 0 && (e = readdir(d)) != NULL)
		n = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static int
verify(const struct cli_common *c, char **dirs, int n, int trust)
{
	int i, rc = 0;

	for (i = 0; i < n; i++) {
		struct shardset *s;
		int r = shardset_open(&s, dirs[i], trust ? SHARDSET_TRUST : 0,
		    cli_jobs(c));
		if (r < 0) {
			cli_error("%s", shardset_errmsg(s));
			if (rc == 0 || r == PTK_EIO)
				rc = r;
		} else if (!c->quiet)
			printf("%s: ok: %s, %u+%u shards, train %llu records %llu tokens, val %llu records %llu tokens\n",
			    dirs[i], shard_format_name(shardset_format(s)),
			    shardset_nshards(s, SHARD_TRAIN), shardset_nshards(s, SHARD_VAL),
			    (unsigned long long)shardset_records(s, SHARD_TRAIN),
			    (unsigned long long)shardset_tokens(s, SHARD_TRAIN),
			    (unsigned long long)shardset_records(s, SHARD_VAL),
			    (unsigned long long)shardset_tokens(s, SHARD_VAL));
		shardset_free(s);
	}
	return rc;
}

int
main(int argc, char *argv[])
{
	struct cli_common c = CLI_COMMON_INIT;
	struct shard_opts o = SHARD_OPTS_INIT;
	struct shard_writer *w = NULL;
	struct input in = { 0 };
	struct progress prog;
	char *stdin_only[] = { "-" }, err[1024];
	int ch, i, rc = 0, verifying = 0, trust = 0;

	cli_init(argv, "usage: shard [options] -o DIR [file ...]\n"
	    "       shard --verify DIR ...", help);
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (ch != CLI_OPT_FORCE && cli_common_opt(&c, ch, optarg))
			continue;
		switch (ch) {
		case CLI_OPT_FORCE:
			o.force = 1;
			break;
		case OPT_FORMAT:
			if ((o.format = shard_format_parse(optarg)) < 0)
				cli_usage_error("unknown --format '%s' (ptk, megatron or llmc)",
				    optarg);
			break;
		case OPT_SHARD_TOKENS:
			o.shard_tokens = (uint64_t)cli_num(optarg, "--shard-tokens", 1,
			    LLONG_MAX);
			break;
		case OPT_VAL_FRACTION:
			o.val_fraction = cli_real(optarg, "--val-fraction", 0, 1);
			break;
		case OPT_SHUFFLE:
			o.shuffle = 1;
			break;
		case OPT_SEED:
			o.seed = (uint64_t)cli_num(optarg, "--seed", 0, LLONG_MAX);
			o.shuffle = 1;
			break;
		case OPT_MEM:
			o.mem = (uint64_t)cli_num(optarg, "--mem", (long long)SHARD_MIN_MEM,
			    LLONG_MAX);
			break;
		case OPT_SEQ_LEN:
			o.seq_len = (uint32_t)cli_num(optarg, "--seq-len", 1, UINT32_MAX);
			break;
		case OPT_EOD:
			if (strcmp(optarg, "before") == 0)
				o.eod = SHARD_EOD_BEFORE;
			else if (strcmp(optarg, "after") == 0)
				o.eod = SHARD_EOD_AFTER;
			else if (strcmp(optarg, "none") == 0)
				o.eod = SHARD_EOD_NONE;
			else
				cli_usage_error("--eod wants before, after or none, not '%s'",
				    optarg);
			break;
		case OPT_EOD_ID:
			o.eod_id = (int32_t)cli_num(optarg, "--eod-id", 0, INT32_MAX);
			break;
		case OPT_SENTENCES:
			o.sentences = 1;
			break;
		case OPT_TMP_DIR:
			o.tmp_dir = optarg;
			break;
		case OPT_VERIFY:
			verifying = 1;
			break;
		case OPT_TRUST:
			trust = 1;
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (verifying) {
		if (argc == 0)
			cli_usage_error("--verify needs a shard folder");
		rc = verify(&c, argv, argc, trust);
		return cli_finish(rc, NULL);
	}
	if (trust)
		cli_usage_error("--trust goes with --verify");
	if (c.output == NULL || strcmp(c.output, "-") == 0)
		cli_usage_error("shard writes a folder: give -o DIR");
	if (!o.force && occupied(c.output))
		cli_usage_error("'%s' exists and is not empty (use --force to replace it)",
		    c.output);
	if (o.sentences && o.format != SHARD_FMT_MEGATRON)
		cli_usage_error("--sentences is for --format megatron");
	if (o.eod_id >= 0 && o.eod == SHARD_EOD_NONE)
		cli_usage_error("--eod-id needs --eod before or after");
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	progress_init(&prog, cli_show_progress(&c), 0, "records");
	err[0] = '\0';
	for (i = 0; i < argc && rc == 0; i++) {
		struct tok_reader *r;
		struct tok_rec rec;
		int got = tok_reader_open(&r, argv[i]);

		if (got < 0) {
			cli_error("%s", tok_reader_errmsg(r));
			rc = got;
		} else if (got == 0) {
			cli_warn(&c, "%s: empty input", strcmp(argv[i], "-") ?
			    argv[i] : "<stdin>");
		} else if (!in.have_h) {
			in.h = *tok_reader_header(r);
			in.have_h = 1;
			in.first = argv[i];
			if ((rc = shard_writer_open(&w, c.output, &o, &in.h)) != 0)
				cli_error("%s", shard_writer_errmsg(w));
			else if (o.format != SHARD_FMT_PTK && in.h.kind != TOK_KIND_SEQ)
				cli_warn(&c, "--format %s keeps only the tokens of %s records (no ids, segments or labels)",
				    shard_format_name(o.format), tok_kind_name(in.h.kind));
		} else if (!same_header(&in.h, tok_reader_header(r))) {
			cli_error("%s: header differs from '%s' (vocabulary or kind)",
			    argv[i], in.first);
			rc = PTK_EFORMAT;
		}
		while (rc == 0 && got == 1 && (got = tok_read(r, &rec)) == 1) {
			if ((rc = shard_writer_add(w, &rec)) != 0) {
				cli_error("%s: record %llu: %s", argv[i],
				    (unsigned long long)tok_reader_records(r),
				    shard_writer_errmsg(w));
				break;
			}
			if ((shard_writer_records(w) & 1023) == 0)
				progress_update(&prog, shard_writer_tokens(w) *
				    in.h.width, shard_writer_records(w));
		}
		if (rc == 0 && got < 0) {
			cli_error("%s", tok_reader_errmsg(r));
			rc = got;
		}
		tok_reader_free(r);
	}
	if (rc == 0 && !in.have_h) {
		cli_error("no token stream in the input (empty input)");
		rc = PTK_EFORMAT;
	}
	if (w != NULL) {
		uint64_t nrec = shard_writer_records(w), ntok = shard_writer_tokens(w);
		int crc = shard_writer_close(w, rc == 0, err, sizeof err);
		if (rc == 0 && crc != 0) {
			cli_error("%s", err);
			rc = crc;
		}
		progress_done(&prog, ntok * in.h.width, nrec);
		if (rc == 0 && c.verbose)
			fprintf(stderr, "%s: in=%llu records, %llu tokens -> %s (%s)\n",
			    cli_prog, (unsigned long long)nrec,
			    (unsigned long long)ntok, c.output,
			    shard_format_name(o.format));
	}
	return cli_finish(rc, NULL);
}
