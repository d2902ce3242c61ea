/*
 * shard_manifest.c - the shard folder's manifest.json: writing and strict
 * parsing (schemas/shard-manifest.schema.json).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "shard.h"
#include "shard_int.h"
#include "xalloc.h"

static const char *const format_names[] = { "ptk", "megatron", "llmc" };
static const char *const eod_names[] = { "none", "before", "after" };
static const char *const split_names[] = { "train", "val" };

const char *
shard_format_name(int format)
{
	return format >= 0 && format <= SHARD_FMT_LLMC ? format_names[format] :
	    "unknown";
}

int
shard_format_parse(const char *name)
{
	int i;

	for (i = 0; i <= SHARD_FMT_LLMC; i++)
		if (strcmp(name, format_names[i]) == 0)
			return i;
	return -1;
}

int
shard_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= SHARD_NAME_MAX && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

void
shard_manifest_release(struct shard_manifest *m)
{
	size_t i;

	for (i = 0; i < m->nshards; i++) {
		free(m->shards[i].file);
		free(m->shards[i].index_file);
	}
	free(m->shards);
	m->shards = NULL;
	m->nshards = 0;
}

/* ---- writing ---- */

int
shard_manifest_write(struct buf *out, const struct shard_manifest *m,
    double val_fraction)
{
	int rc, i, first = 1;
	size_t k;

	rc = buf_printf(out, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n"
	    "  \"shard_format\": \"%s\",\n  \"kind\": \"%s\",\n"
	    "  \"vocab_size\": %u,\n  \"fingerprint\": \"%016llx\",\n"
	    "  \"token_width\": %d,\n  \"special\": {",
	    SHARD_MANIFEST_FORMAT, SHARD_MANIFEST_VERSION,
	    shard_format_name(m->format), tok_kind_name(m->h.kind),
	    m->h.vocab_size, (unsigned long long)m->h.fingerprint, m->h.width);
	for (i = 0; rc == 0 && i < TOK_NSPECIAL; i++) {
		if (m->h.special[i] < 0 || tok_special_name(i) == NULL)
			continue;
		rc = buf_printf(out, "%s\"%s\": %d", first ? "" : ", ",
		    tok_special_name(i), m->h.special[i]);
		first = 0;
	}
	if (rc == 0)
		rc = buf_printf(out, "},\n  \"seq_len\": %u,\n  \"shuffled\": %s,\n"
		    "  \"seed\": %llu,\n  \"val_fraction\": %.17g,\n  \"eod\": \"%s\",\n"
		    "  \"train\": {\"records\": %llu, \"tokens\": %llu},\n"
		    "  \"val\": {\"records\": %llu, \"tokens\": %llu},\n"
		    "  \"shards\": [",
		    m->seq_len, m->shuffled ? "true" : "false",
		    (unsigned long long)m->seed, val_fraction, eod_names[m->eod],
		    (unsigned long long)m->records[0], (unsigned long long)m->tokens[0],
		    (unsigned long long)m->records[1], (unsigned long long)m->tokens[1]);
	for (k = 0; rc == 0 && k < m->nshards; k++) {
		const struct shard_entry *e = &m->shards[k];
		rc = buf_printf(out, "%s\n    {\"split\": \"%s\", \"file\": \"%s\", "
		    "\"records\": %llu, \"tokens\": %llu, \"bytes\": %llu, "
		    "\"xxh64\": \"%016llx\"", k ? "," : "", split_names[e->split],
		    e->file, (unsigned long long)e->records,
		    (unsigned long long)e->tokens, (unsigned long long)e->bytes,
		    (unsigned long long)e->xxh64);
		if (rc == 0 && e->index_file)
			rc = buf_printf(out, ", \"index_file\": \"%s\", "
			    "\"index_bytes\": %llu, \"index_xxh64\": \"%016llx\"",
			    e->index_file, (unsigned long long)e->index_bytes,
			    (unsigned long long)e->index_xxh64);
		if (rc == 0)
			rc = buf_putc(out, '}');
	}
	return rc ? rc : buf_printf(out, "%s]\n}\n", m->nshards ? "\n  " : "");
}

/* ---- parsing ---- */

struct mp {
	const char *p, *start, *end;
	const char *why;
	struct buf s;		/* decoded strings */
};

static int
mp_fail(struct mp *m, const char *why)
{
	m->why = why;
	return PTK_EFORMAT;
}

static int
mp_expect(struct mp *m, char c, const char *why)
{
	m->p = json_skip_ws(m->p, m->end);
	if (m->p >= m->end || *m->p != c)
		return mp_fail(m, why);
	m->p++;
	m->p = json_skip_ws(m->p, m->end);
	return 0;
}

/* A string into a fresh NUL-terminated copy (caller frees). */
static int
mp_string(struct mp *m, char **out)
{
	const char *v;
	size_t len;

	if (m->p >= m->end || *m->p != '"')
		return mp_fail(m, "expected a string");
	if (json_read_string(&m->p, m->end, &m->s, &v, &len, 0, NULL, &m->why) != 0)
		return PTK_EFORMAT;
	if (memchr(v, '\0', len) != NULL)
		return mp_fail(m, "NUL in a string");
	*out = xmemdup(v, len);
	return 0;
}

static int
mp_u64(struct mp *m, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	const char *at = m->p;

	if (json_read_u64(&m->p, m->end, &x, &m->why) != 0)
		return PTK_EFORMAT;
	if (x > max) {
		m->p = at;
		return mp_fail(m, "number out of range");
	}
	*v = x;
	return 0;
}

static int
mp_hex64(struct mp *m, uint64_t *v)
{
	char *s, *end;
	const char *at = m->p;
	int rc;

	if ((rc = mp_string(m, &s)) != 0)
		return rc;
	*v = strtoull(s, &end, 16);
	rc = strlen(s) != 16 || *end != '\0' || s[0] == '-' || s[0] == '+' ||
	    s[0] == ' ';
	free(s);
	if (rc) {
		m->p = at;
		return mp_fail(m, "expected 16 hex digits");
	}
	return 0;
}

static int
mp_bool(struct mp *m, int *v)
{
	if (m->end - m->p >= 4 && memcmp(m->p, "true", 4) == 0) {
		*v = 1;
		m->p += 4;
		return 0;
	}
	if (m->end - m->p >= 5 && memcmp(m->p, "false", 5) == 0) {
		*v = 0;
		m->p += 5;
		return 0;
	}
	return mp_fail(m, "expected true or false");
}

/* Match a string value against a table of names. */
static int
mp_enum(struct mp *m, const char *const *names, int n, int *v, const char *why)
{
	const char *at = m->p;
	char *s;
	int i, rc;

	if ((rc = mp_string(m, &s)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			break;
	free(s);
	if (i == n) {
		m->p = at;
		return mp_fail(m, why);
	}
	*v = i;
	return 0;
}

/*
 * Iterate the members of an object: call with *first = 1 after '{' has
 * been consumed; returns 1 with the key in *key (caller frees), 0 at '}'.
 */
static int
mp_member(struct mp *m, int *first, char **key)
{
	int rc;

	m->p = json_skip_ws(m->p, m->end);
	if (m->p < m->end && *m->p == '}') {
		m->p++;
		return 0;
	}
	if (!*first && (rc = mp_expect(m, ',', "expected ',' or '}'")) != 0)
		return rc;
	*first = 0;
	if ((rc = mp_string(m, key)) != 0)
		return rc;
	if ((rc = mp_expect(m, ':', "expected ':'")) != 0) {
		free(*key);
		return rc;
	}
	return 1;
}

/* Fail on a key seen twice; bit is the key's slot. */
static int
mp_once(struct mp *m, uint64_t *seen, int bit)
{
	if (*seen & (1ULL << bit))
		return mp_fail(m, "duplicate key");
	*seen |= 1ULL << bit;
	return 0;
}

static int
parse_counts(struct mp *m, uint64_t *records, uint64_t *tokens)
{
	uint64_t seen = 0;
	int first = 1, rc;
	char *key;

	if ((rc = mp_expect(m, '{', "expected an object")) != 0)
		return rc;
	while ((rc = mp_member(m, &first, &key)) == 1) {
		if (strcmp(key, "records") == 0)
			rc = mp_once(m, &seen, 0) ? PTK_EFORMAT :
			    mp_u64(m, UINT64_MAX, records);
		else if (strcmp(key, "tokens") == 0)
			rc = mp_once(m, &seen, 1) ? PTK_EFORMAT :
			    mp_u64(m, UINT64_MAX, tokens);
		else
			rc = json_skip_value(&m->p, m->end, &m->why);
		free(key);
		if (rc)
			return rc;
	}
	if (rc == 0 && seen != 3)
		return mp_fail(m, "split totals need records and tokens");
	return rc;
}

static int
parse_special(struct mp *m, struct tok_header *h)
{
	int first = 1, rc, slot;
	uint64_t v = 0;
	char *key;

	if ((rc = mp_expect(m, '{', "expected an object")) != 0)
		return rc;
	while ((rc = mp_member(m, &first, &key)) == 1) {
		slot = tok_special_slot(key);
		free(key);
		if (slot < 0)
			return mp_fail(m, "unknown special token name");
		if (h->special[slot] != -1)
			return mp_fail(m, "duplicate key");
		if ((rc = mp_u64(m, INT32_MAX, &v)) != 0)
			return rc;
		h->special[slot] = (int32_t)v;
	}
	return rc;
}

enum { E_SPLIT, E_FILE, E_RECORDS, E_TOKENS, E_BYTES, E_XXH64, E_INDEX_FILE,
	E_INDEX_BYTES, E_INDEX_XXH64 };

static int
parse_entry(struct mp *m, struct shard_entry *e)
{
	uint64_t seen = 0;
	int first = 1, rc;
	char *key;

	memset(e, 0, sizeof *e);
	if ((rc = mp_expect(m, '{', "expected a shard object")) != 0)
		return rc;
	while ((rc = mp_member(m, &first, &key)) == 1) {
		int bit = -1;
		if (strcmp(key, "split") == 0)
			bit = E_SPLIT;
		else if (strcmp(key, "file") == 0)
			bit = E_FILE;
		else if (strcmp(key, "records") == 0)
			bit = E_RECORDS;
		else if (strcmp(key, "tokens") == 0)
			bit = E_TOKENS;
		else if (strcmp(key, "bytes") == 0)
			bit = E_BYTES;
		else if (strcmp(key, "xxh64") == 0)
			bit = E_XXH64;
		else if (strcmp(key, "index_file") == 0)
			bit = E_INDEX_FILE;
		else if (strcmp(key, "index_bytes") == 0)
			bit = E_INDEX_BYTES;
		else if (strcmp(key, "index_xxh64") == 0)
			bit = E_INDEX_XXH64;
		free(key);
		if (bit >= 0 && (rc = mp_once(m, &seen, bit)) != 0)
			return rc;
		switch (bit) {
		case E_SPLIT:
			rc = mp_enum(m, split_names, 2, &e->split, "unknown split");
			break;
		case E_FILE:
		case E_INDEX_FILE: {
			const char *at = m->p;
			char **dst = bit == E_FILE ? &e->file : &e->index_file;
			if ((rc = mp_string(m, dst)) == 0 && !shard_name_ok(*dst)) {
				m->p = at;
				rc = mp_fail(m, "bad shard file name");
			}
			break;
		}
		case E_RECORDS:
			rc = mp_u64(m, UINT64_MAX, &e->records);
			break;
		case E_TOKENS:
			rc = mp_u64(m, UINT64_MAX, &e->tokens);
			break;
		case E_BYTES:
			rc = mp_u64(m, INT64_MAX, &e->bytes);
			break;
		case E_INDEX_BYTES:
			rc = mp_u64(m, INT64_MAX, &e->index_bytes);
			break;
		case E_XXH64:
			rc = mp_hex64(m, &e->xxh64);
			break;
		case E_INDEX_XXH64:
			rc = mp_hex64(m, &e->index_xxh64);
			break;
		default:
			rc = json_skip_value(&m->p, m->end, &m->why);
		}
		if (rc)
			return rc;
	}
	if (rc)
		return rc;
	if ((seen & 0x3f) != 0x3f)
		return mp_fail(m, "shard entry lacks split, file, records, tokens, bytes or xxh64");
	if ((seen & 0x1c0) != 0 && (seen & 0x1c0) != 0x1c0)
		return mp_fail(m, "shard entry has a partial index_file description");
	return 0;
}

static int
parse_shards(struct mp *m, struct shard_manifest *man)
{
	size_t cap = 0;
	int rc;

	if ((rc = mp_expect(m, '[', "expected an array of shards")) != 0)
		return rc;
	if (m->p < m->end && *m->p == ']') {
		m->p++;
		return 0;
	}
	for (;;) {
		if (man->nshards == cap) {
			cap = cap * 2 + 8;
			man->shards = xreallocarray(man->shards, cap, sizeof *man->shards);
		}
		rc = parse_entry(m, &man->shards[man->nshards]);
		man->nshards++;	/* so that release frees a partial entry */
		if (rc)
			return rc;
		m->p = json_skip_ws(m->p, m->end);
		if (m->p < m->end && *m->p == ',') {
			m->p = json_skip_ws(m->p + 1, m->end);
			continue;
		}
		if (m->p < m->end && *m->p == ']') {
			m->p++;
			return 0;
		}
		return mp_fail(m, "expected ',' or ']'");
	}
}

enum { K_FORMAT, K_VERSION, K_SHARD_FORMAT, K_KIND, K_VOCAB, K_FINGERPRINT,
	K_WIDTH, K_SPECIAL, K_SEQ_LEN, K_SHUFFLED, K_SEED, K_EOD, K_TRAIN, K_VAL,
	K_SHARDS, K_NKEYS };

static const char *const keys[K_NKEYS] = {
	"format", "version", "shard_format", "kind", "vocab_size",
	"fingerprint", "token_width", "special", "seq_len", "shuffled", "seed",
	"eod", "train", "val", "shards"
};

#define REQUIRED ((1ULL << K_FORMAT) | (1ULL << K_VERSION) | \
	(1ULL << K_SHARD_FORMAT) | (1ULL << K_KIND) | (1ULL << K_VOCAB) | \
	(1ULL << K_FINGERPRINT) | (1ULL << K_WIDTH) | (1ULL << K_TRAIN) | \
	(1ULL << K_VAL) | (1ULL << K_SHARDS))

static int
parse_top(struct mp *m, struct shard_manifest *man)
{
	static const char *const kinds[] = { "seq", "pair", "masked", "span" };
	uint64_t seen = 0, v = 0;
	int first = 1, rc, k, x = 0;
	char *key;

	if ((rc = mp_expect(m, '{', "manifest is not a JSON object")) != 0)
		return rc;
	while ((rc = mp_member(m, &first, &key)) == 1) {
		for (k = 0; k < K_NKEYS; k++)
			if (strcmp(key, keys[k]) == 0)
				break;
		free(key);
		if (k < K_NKEYS && (rc = mp_once(m, &seen, k)) != 0)
			return rc;
		switch (k) {
		case K_FORMAT: {
			const char *at = m->p;
			char *s;
			if ((rc = mp_string(m, &s)) != 0)
				return rc;
			x = strcmp(s, SHARD_MANIFEST_FORMAT);
			free(s);
			if (x) {
				m->p = at;
				return mp_fail(m, "not a ptk shard manifest (format)");
			}
			break;
		}
		case K_VERSION: {
			const char *at = m->p;
			if ((rc = mp_u64(m, UINT32_MAX, &v)) != 0)
				return rc;
			if (v != SHARD_MANIFEST_VERSION) {
				m->p = at;
				return mp_fail(m, v > SHARD_MANIFEST_VERSION ?
				    "manifest version is newer than this program reads" :
				    "unknown manifest version");
			}
			break;
		}
		case K_SHARD_FORMAT:
			rc = mp_enum(m, format_names, 3, &man->format,
			    "unknown shard_format");
			break;
		case K_KIND:
			if ((rc = mp_enum(m, kinds, 4, &x, "unknown record kind")) == 0)
				man->h.kind = (uint8_t)x;
			break;
		case K_VOCAB: {
			const char *at = m->p;
			if ((rc = mp_u64(m, UINT32_MAX, &v)) == 0 && v == 0) {
				m->p = at;
				rc = mp_fail(m, "vocab_size is 0");
			}
			man->h.vocab_size = (uint32_t)v;
			break;
		}
		case K_FINGERPRINT:
			rc = mp_hex64(m, &man->h.fingerprint);
			break;
		case K_WIDTH: {
			const char *at = m->p;
			if ((rc = mp_u64(m, 8, &v)) == 0 && v != 1 && v != 2 && v != 4) {
				m->p = at;
				rc = mp_fail(m, "token_width is not 1, 2 or 4");
			}
			man->h.width = (uint8_t)v;
			break;
		}
		case K_SPECIAL:
			rc = parse_special(m, &man->h);
			break;
		case K_SEQ_LEN:
			if ((rc = mp_u64(m, UINT32_MAX, &v)) == 0)
				man->seq_len = (uint32_t)v;
			break;
		case K_SHUFFLED:
			rc = mp_bool(m, &man->shuffled);
			break;
		case K_SEED:
			rc = mp_u64(m, UINT64_MAX, &man->seed);
			break;
		case K_EOD:
			rc = mp_enum(m, eod_names, 3, &man->eod, "unknown eod");
			break;
		case K_TRAIN:
		case K_VAL:
			rc = parse_counts(m, &man->records[k - K_TRAIN],
			    &man->tokens[k - K_TRAIN]);
			break;
		case K_SHARDS:
			rc = parse_shards(m, man);
			break;
		default:
			rc = json_skip_value(&m->p, m->end, &m->why);
		}
		if (rc)
			return rc;
	}
	if (rc)
		return rc;
	if ((seen & REQUIRED) != REQUIRED) {
		for (k = 0; k < K_NKEYS; k++)
			if ((REQUIRED & (1ULL << k)) && !(seen & (1ULL << k)))
				break;
		m->p = m->start;
		switch (k) {
		case K_FORMAT: return mp_fail(m, "manifest lacks \"format\"");
		case K_VERSION: return mp_fail(m, "manifest lacks \"version\"");
		case K_SHARD_FORMAT: return mp_fail(m, "manifest lacks \"shard_format\"");
		case K_KIND: return mp_fail(m, "manifest lacks \"kind\"");
		case K_VOCAB: return mp_fail(m, "manifest lacks \"vocab_size\"");
		case K_FINGERPRINT: return mp_fail(m, "manifest lacks \"fingerprint\"");
		case K_WIDTH: return mp_fail(m, "manifest lacks \"token_width\"");
		case K_TRAIN: return mp_fail(m, "manifest lacks \"train\"");
		case K_VAL: return mp_fail(m, "manifest lacks \"val\"");
		default: return mp_fail(m, "manifest lacks \"shards\"");
		}
	}
	m->p = json_skip_ws(m->p, m->end);
	if (m->p != m->end)
		return mp_fail(m, "text after the manifest object");
	return 0;
}

int
shard_manifest_parse(const char *text, size_t len, struct shard_manifest *man,
    const char **why, size_t *at)
{
	struct mp m = { text, text, text + len, NULL, BUF_INIT };
	int rc, i;

	memset(man, 0, sizeof *man);
	for (i = 0; i < TOK_NSPECIAL; i++)
		man->h.special[i] = -1;
	m.s.max = SHARD_MANIFEST_MAX;
	rc = parse_top(&m, man);
	buf_release(&m.s);
	if (rc) {
		*why = m.why ? m.why : "bad manifest";
		*at = (size_t)(m.p - text);
		shard_manifest_release(man);
		return rc == PTK_ELIMIT ? PTK_EFORMAT : rc;
	}
	for (i = 0; i < TOK_NSPECIAL; i++)
		if (man->h.special[i] >= 0 &&
		    (uint32_t)man->h.special[i] >= man->h.vocab_size) {
			*why = "special token id out of the vocabulary";
			*at = 0;
			shard_manifest_release(man);
			return PTK_EFORMAT;
		}
	return 0;
}
