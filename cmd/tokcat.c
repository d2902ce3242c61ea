/*
 * tokcat - print any ptk stream as JSON Lines, count it, or pack JSON into
 * token records.  Doc records pass through as they are (validated); token
 * records become {"id":..,"tokens":[..],...} objects.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "doc.h"
#include "shard.h"
#include "tokjson.h"
#include "tokrec.h"
#include "xalloc.h"

enum {
	OPT_COUNT = CLI_OPT_FIRST_PROGRAM_OPT,
	OPT_HEAD,
	OPT_HEADER,
	OPT_PACK,
	OPT_VOCAB_SIZE,
	OPT_SPECIAL,
	OPT_KIND,
	OPT_FINGERPRINT,
	OPT_COMPRESS,
	OPT_CANONICAL,
};

static const struct option longopts[] = {
	CLI_LONGOPTS,
	{ "count", no_argument, NULL, OPT_COUNT },
	{ "head", required_argument, NULL, OPT_HEAD },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "pack", no_argument, NULL, OPT_PACK },
	{ "vocab-size", required_argument, NULL, OPT_VOCAB_SIZE },
	{ "special", required_argument, NULL, OPT_SPECIAL },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "fingerprint", required_argument, NULL, OPT_FINGERPRINT },
	{ "compress", no_argument, NULL, OPT_COMPRESS },
	{ "canonical", no_argument, NULL, OPT_CANONICAL },
	{ NULL, 0, NULL, 0 }
};

static const char help[] =
"Print ptk streams (doc records or token records, zstd or plain) as JSON Lines.\n"
"A shard folder (written by shard) prints its train records, then its val ones.\n"
"\n"
"  --count             print {\"records\":N,\"tokens\":N,\"bytes\":N} instead\n"
"                      (bytes: decoded stream bytes; text_bytes for docs)\n"
"  --head N            stop after N records in all\n"
"  --header            print a token stream's header as a first line\n"
"  --pack              read JSON Lines {\"id\":..,\"tokens\":[..],...} and write a\n"
"                      token record stream (zstd unless --no-compress)\n"
"  --vocab-size N      with --pack: the vocabulary size (required)\n"
"  --special NAME=ID   with --pack: a special token (pad unk bos eos cls sep mask)\n"
"  --kind KIND         with --pack: seq, pair, masked or span (default seq)\n"
"  --fingerprint HEX   with --pack: the vocabulary fingerprint (default 0)\n"
"  --compress          write zstd (the default for --pack; else plain text)\n"
"  --canonical         write doc records in canonical form (members in a fixed\n"
"                      order, minimal escapes) instead of as they came\n";

struct tokcat {
	struct cli_common c;
	int count, header, canonical;
	long long head;		/* -1: all */
	uint64_t records, tokens, bytes, text_bytes;
	struct zio_writer *out;
	struct buf line;
	struct progress prog;
	uint64_t raw_done;	/* input file bytes of the files finished */
};

static int
head_reached(const struct tokcat *t)
{
	return t->head >= 0 && t->records >= (uint64_t)t->head;
}

static int
emit(struct tokcat *t)
{
	if (t->line.len < (1u << 16))
		return 0;
	return zio_write_buf(t->out, &t->line);
}

static int
cat_docs(struct tokcat *t, struct doc_reader *r)
{
	struct doc d;
	int rc = 0;

	while (!head_reached(t) && (rc = doc_read(r, &d)) == 1) {
		t->records++;
		t->text_bytes += d.text_len;
		if (t->canonical)
			d.raw = NULL;
		if (!t->count && ((rc = doc_write(&t->line, &d)) != 0 ||
		    (rc = emit(t)) != 0))
			return rc;
		progress_update(&t->prog, t->raw_done + zio_raw_offset(doc_reader_zio(r)),
		    t->records);
	}
	if (rc < 0) {
		cli_error("%s", doc_reader_errmsg(r));
		return rc;
	}
	t->bytes += zio_offset(doc_reader_zio(r));
	t->raw_done += zio_raw_offset(doc_reader_zio(r));
	if (doc_reader_repaired(r))
		cli_warn(&t->c, "%s: %llu records had invalid UTF-8 replaced by U+FFFD",
		    doc_reader_name(r), (unsigned long long)doc_reader_repaired(r));
	return 0;
}

static int
cat_tokens(struct tokcat *t, struct tok_reader *r, struct zio_reader *z)
{
	struct tok_rec rec;
	int rc = 0;

	if (t->header && !t->count &&
	    (rc = tokjson_write_header(&t->line, tok_reader_header(r))) != 0)
		return rc;
	while (!head_reached(t) && (rc = tok_read(r, &rec)) == 1) {
		t->records++;
		t->tokens += rec.n;
		if (!t->count && ((rc = tokjson_write(&t->line, &rec)) != 0 ||
		    (rc = emit(t)) != 0))
			return rc;
		progress_update(&t->prog, t->raw_done + zio_raw_offset(z), t->records);
	}
	if (rc < 0) {
		cli_error("%s", tok_reader_errmsg(r));
		return rc;
	}
	t->bytes += zio_offset(z);
	t->raw_done += zio_raw_offset(z);
	return 0;
}

/* A shard folder (shard -o DIR): its train records, then its val records. */
static int
cat_shards(struct tokcat *t, const char *dir)
{
	struct shard_recbuf b = { 0 };
	struct shardset *s;
	struct tok_rec rec;
	uint64_t i;
	int split, rc = shardset_open(&s, dir, 0, cli_jobs(&t->c));

	if (rc < 0)
		cli_error("%s", shardset_errmsg(s));
	else if (t->header && !t->count)
		rc = tokjson_write_header(&t->line, shardset_header(s));
	for (split = SHARD_TRAIN; rc == 0 && split <= SHARD_VAL; split++)
		for (i = 0; rc == 0 && i < shardset_records(s, split) &&
		    !head_reached(t); i++) {
			shardset_record(s, split, i, &rec, &b);
			t->records++;
			t->tokens += rec.n;
			if (!t->count && ((rc = tokjson_write(&t->line, &rec)) != 0 ||
			    (rc = emit(t)) != 0))
				break;
		}
	shard_recbuf_release(&b);
	shardset_free(s);
	return rc;
}

/* Print one input, whichever kind of stream it holds. */
static int
cat_file(struct tokcat *t, const char *path)
{
	struct zio_reader *z;
	const unsigned char *p;
	struct stat st;
	ssize_t n;
	int rc;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return cat_shards(t, path);
	if ((rc = zio_reader_open(&z, path)) != 0) {
		cli_error("%s", zio_errmsg(z));
		zio_reader_free(z);
		return rc;
	}
	if ((n = zio_fill(z, 8, &p)) < 0) {
		cli_error("%s", zio_errmsg(z));
		zio_reader_free(z);
		return (int)n;
	}
	if (n == 0) {
		cli_warn(&t->c, "%s: empty input", zio_name(z));
		zio_reader_free(z);
		return 0;
	}
	if (n >= 8 && memcmp(p, TOK_MAGIC, 8) == 0) {
		struct tok_reader *r;
		if ((rc = tok_reader_from_zio(&r, z)) < 0)
			cli_error("%s", tok_reader_errmsg(r));
		else
			rc = cat_tokens(t, r, z);
		tok_reader_free(r);	/* frees z */
		return rc;
	}
	{
		struct doc_reader *r;
		doc_reader_from_zio(&r, z, t->c.repair_utf8 ? DOC_REPAIR_UTF8 : 0,
		    t->c.max_record);
		rc = cat_docs(t, r);
		doc_reader_free(r);	/* frees z */
		return rc;
	}
}

/* --pack: JSON Lines of token records -> a token stream. */
static int
pack(struct tokcat *t, const struct tok_header *h, char **files, int nfiles)
{
	unsigned char hb[TOK_HEADER_SIZE];
	struct tokjson_scratch s = { 0 };
	struct buf scratch = BUF_INIT;
	int i, rc = 0;

	tok_header_encode(h, hb);
	if ((rc = zio_write(t->out, hb, sizeof hb)) != 0)
		return rc;
	for (i = 0; i < nfiles && rc == 0; i++) {
		struct zio_reader *z;
		const char *line, *why;
		size_t len, at;
		uint64_t off, line_no = 0;
		struct tok_rec rec;

		if ((rc = zio_reader_open(&z, files[i])) != 0) {
			cli_error("%s", zio_errmsg(z));
			zio_reader_free(z);
			break;
		}
		while ((rc = zio_getline(z, &scratch, t->c.max_record ?
		    t->c.max_record : DOC_DEFAULT_MAX_RECORD, &line, &len, &off)) == 1) {
			line_no++;
			if (len == 0)
				continue;
			if ((rc = tokjson_parse(line, len, h->vocab_size, &rec, &s,
			    &why, &at)) != 0) {
				cli_error("%s: record %llu at byte %llu: %s", zio_name(z),
				    (unsigned long long)line_no,
				    (unsigned long long)(off + at), why);
				break;
			}
			if ((rc = tok_rec_encode(&t->line, h, &rec)) != 0) {
				cli_error("%s: record %llu at byte %llu: %s", zio_name(z),
				    (unsigned long long)line_no, (unsigned long long)off,
				    rc == PTK_ELIMIT ? "record too long" :
				    "bad record for this header");
				rc = PTK_EFORMAT;
				break;
			}
			t->records++;
			t->tokens += rec.n;
			if ((rc = emit(t)) != 0)
				break;
		}
		if (rc < 0 && zio_errmsg(z)[0] && rc != PTK_EFORMAT)
			cli_error("%s", zio_errmsg(z));
		else if (rc == PTK_EFORMAT && zio_errmsg(z)[0])
			cli_error("%s", zio_errmsg(z));
		zio_reader_free(z);
	}
	tokjson_scratch_release(&s);
	buf_release(&scratch);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct tokcat t = { .c = CLI_COMMON_INIT, .head = -1 };
	struct tok_header h;
	long long vocab_size = 0;
	int ch, rc = 0, i, packing = 0;
	char *stdin_only[] = { "-" };

	tok_header_init(&h, 1, 0);
	cli_init(argv, "usage: tokcat [options] [file ...]", help);
	t.c.compress = -1;	/* decided below, once we know about --pack */
	while ((ch = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common_opt(&t.c, ch, optarg))
			continue;
		switch (ch) {
		case OPT_COUNT:
			t.count = 1;
			break;
		case OPT_HEAD:
			t.head = cli_num(optarg, "--head", 0, LLONG_MAX);
			break;
		case OPT_HEADER:
			t.header = 1;
			break;
		case OPT_PACK:
			packing = 1;
			break;
		case OPT_VOCAB_SIZE:
			vocab_size = cli_num(optarg, "--vocab-size", 1, UINT32_MAX);
			break;
		case OPT_SPECIAL: {
			const char *eq = strchr(optarg, '=');
			char name[16];
			int slot;
			if (eq == NULL || (size_t)(eq - optarg) >= sizeof name)
				cli_usage_error("--special wants NAME=ID, not '%s'", optarg);
			memcpy(name, optarg, (size_t)(eq - optarg));
			name[eq - optarg] = '\0';
			if ((slot = tok_special_slot(name)) < 0)
				cli_usage_error("unknown special token '%s'", name);
			h.special[slot] = (int32_t)cli_num(eq + 1, "--special", 0, INT32_MAX);
			break;
		}
		case OPT_KIND: {
			int k;
			for (k = 0; k <= TOK_KIND_SPAN; k++)
				if (strcmp(optarg, tok_kind_name(k)) == 0)
					break;
			if (k > TOK_KIND_SPAN)
				cli_usage_error("unknown --kind '%s'", optarg);
			h.kind = (uint8_t)k;
			break;
		}
		case OPT_COMPRESS:
			t.c.compress = 1;
			break;
		case OPT_CANONICAL:
			t.canonical = 1;
			break;
		case OPT_FINGERPRINT: {
			char *end;
			h.fingerprint = strtoull(optarg, &end, 16);
			if (*optarg == '\0' || *end != '\0')
				cli_usage_error("bad --fingerprint '%s'", optarg);
			break;
		}
		default:
			cli_usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (t.c.compress < 0)
		t.c.compress = packing;
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	if (packing) {
		int slot;
		if (vocab_size == 0)
			cli_usage_error("--pack needs --vocab-size");
		h.vocab_size = (uint32_t)vocab_size;
		h.width = vocab_size <= 65536 ? 2 : 4;
		for (slot = 0; slot < TOK_NSPECIAL; slot++)
			if (h.special[slot] >= (int32_t)vocab_size)
				cli_usage_error("--special id %d is not below --vocab-size",
				    h.special[slot]);
	}
	{
		/* Progress shows an ETA when every input is a regular file. */
		uint64_t total = 0;
		struct stat st;
		for (i = 0; i < argc; i++) {
			if (strcmp(argv[i], "-") == 0 || stat(argv[i], &st) != 0 ||
			    !S_ISREG(st.st_mode)) {
				total = 0;
				break;
			}
			total += (uint64_t)st.st_size;
		}
		progress_init(&t.prog, cli_show_progress(&t.c), total, "records");
	}
	t.out = cli_open_output(&t.c, packing);
	if (packing)
		rc = pack(&t, &h, argv, argc);
	else
		for (i = 0; i < argc && rc == 0 && !head_reached(&t); i++)
			rc = cat_file(&t, argv[i]);
	progress_done(&t.prog, t.raw_done, t.records);
	if (rc == 0 && t.count)
		rc = buf_printf(&t.line, "{\"records\":%llu,\"tokens\":%llu,\"bytes\":%llu,\"text_bytes\":%llu}\n",
		    (unsigned long long)t.records, (unsigned long long)t.tokens,
		    (unsigned long long)t.bytes, (unsigned long long)t.text_bytes);
	if (rc == 0 && t.line.len)
		rc = zio_write_buf(t.out, &t.line);
	buf_release(&t.line);
	return cli_finish(rc, t.out);
}
