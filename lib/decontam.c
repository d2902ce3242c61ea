/* decontam.c - n-gram index of benchmarks and document matching; see decontam.h. */
#include "decontam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "json.h"
#include "utf8.h"
#include "xalloc.h"
#include "zio.h"

struct dc_example {
	uint32_t bench;
	uint32_t line;		/* line number in the benchmark file */
	char *id;		/* JSON text of the id (a string or a number); NULL: line */
};

struct dc_bench {
	char *name;
	size_t first, count;	/* its examples: ex[first .. first + count) */
	size_t short_ex;	/* examples too short to be checked */
	size_t ngrams;		/* distinct n-grams */
	uint64_t fingerprint;	/* hash of its sorted distinct n-gram hashes */
	uint64_t docs_hit;	/* training documents with a hit (atomic) */
};

struct dc_pair {
	uint64_t h;
	uint32_t g;		/* example index */
	uint32_t len;		/* units: n, or fewer for a whole short example */
};

struct dc_index {
	struct dc_opts o;
	struct dc_bench *bench;
	size_t nbench;
	struct dc_example *ex;
	size_t nex, excap;
	struct dc_pair *pairs;	/* (hash, example) while adding */
	size_t npairs, paircap;
	int short_len[DC_MAX_N];	/* lengths < n of whole short examples */
	int nshort;
	uint8_t has_len[DC_MAX_N];	/* has_len[k]: some short example has k */

	/* after dc_index_finish() */
	uint64_t *ng_hash;	/* (nng) distinct n-gram hashes, sorted */
	uint32_t *post_off;	/* (nng + 1) into post_ex */
	uint16_t *ng_len;	/* (nng) units in each n-gram */
	uint32_t *post_ex;	/* example indexes, sorted per n-gram */
	size_t nng;
	uint64_t *filter;	/* (1 << fbits) bits: a prefilter in cache */
	int fshift;		/* 64 - fbits */
	uint64_t *keys;		/* (mask + 1) open addressing; 0 = empty */
	uint32_t *vals;		/* (mask + 1) n-gram index */
	size_t mask;
	uint64_t *doc_freq;	/* (nng) documents containing it (atomic) */
	uint8_t *ignored;	/* (nng) over max_doc_freq */
	uint8_t *ex_hit;	/* (nex) contaminated (atomic store) */
	struct dc_scratch tok;	/* for reading benchmarks */
};

void
dc_scratch_release(struct dc_scratch *s)
{
	int i;

	buf_release(&s->norm);
	buf_release(&s->meta);
	buf_release(&s->text);
	for (i = 0; i < 5; i++)
		buf_release(&s->pscratch[i]);
	free(s->units);
	free(s->hit_ng);
	free(s->hit_pos);
	free(s->tmp);
	memset(s, 0, sizeof *s);
}

/* ---- normalisation and units ---- */

enum { CL_KEEP, CL_SPACE, CL_DROP };

/*
 * ASCII bytes: 1 = white space, 0 = dropped (punctuation, symbols,
 * controls), else the lowercased byte.
 */
static const unsigned char amap[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 0, 0, 0, 0, 0, 0,
	0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 0, 0, 0, 0, 0,
	0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 0, 0, 0, 0, 0,
};


static inline int
ascii_class(unsigned char c)
{
	if (c == ' ' || (c >= 9 && c <= 13))
		return CL_SPACE;
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    (c >= 'A' && c <= 'Z'))
		return CL_KEEP;
	return CL_DROP;	/* ASCII punctuation, symbols and controls */
}

/* Scripts written without spaces between words. */
static int
nospace_script(int32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) ||	/* Hiragana, Katakana */
	    (c >= 0x31F0 && c <= 0x31FF) ||	/* Katakana extensions */
	    (c >= 0x3400 && c <= 0x4DBF) ||	/* CJK extension A */
	    (c >= 0x4E00 && c <= 0x9FFF) ||	/* CJK unified ideographs */
	    (c >= 0xF900 && c <= 0xFAFF) ||	/* CJK compatibility */
	    (c >= 0xFF66 && c <= 0xFF9F) ||	/* half-width Katakana */
	    (c >= 0x20000 && c <= 0x3134F) ||	/* CJK extensions B.. */
	    (c >= 0x0E00 && c <= 0x0EFF) ||	/* Thai, Lao */
	    (c >= 0x1000 && c <= 0x109F) ||	/* Myanmar */
	    (c >= 0x1780 && c <= 0x17FF);	/* Khmer */
}

static int
dropped_category(int cat)
{
	return (cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_SO) ||
	    cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
	    cat == UTF8PROC_CATEGORY_CS;
}

/* Append the normalised form of c (NFKD + case fold, marks kept). */
static void
put_norm(struct buf *b, int32_t c)
{
	utf8proc_int32_t d[32];
	utf8proc_ssize_t k, j;
	int bound = 0;

	k = utf8proc_decompose_char(c, d, 32, UTF8PROC_DECOMPOSE |
	    UTF8PROC_COMPAT | UTF8PROC_CASEFOLD, &bound);
	if (k < 0 || k > 32) {
		d[0] = c;
		k = 1;
	}
	for (j = 0; j < k; j++) {
		unsigned char e[4];
		int n;

		if (d[j] < 0x80) {
			int cl = ascii_class((unsigned char)d[j]);
			if (cl == CL_KEEP)
				b->p[b->len++] = (char)(d[j] >= 'A' && d[j] <= 'Z' ?
				    d[j] + 32 : d[j]);
			continue;
		}
		if (dropped_category(utf8proc_category(d[j])))
			continue;
		n = utf8_encode((uint32_t)d[j], e);
		memcpy(b->p + b->len, e, (size_t)n);
		b->len += (size_t)n;
	}
}

static void
units_room(struct dc_scratch *s)
{
	if (s->nunits + 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->units = xreallocarray(s->units, s->cap, sizeof *s->units);
	}
}

/* Close the unit that began at norm offset nstart, if it holds anything. */
static inline void
end_unit(struct dc_scratch *s, uint32_t nstart, uint32_t bstart, uint32_t cstart,
    uint32_t bend, uint32_t cend)
{
	struct dc_unit *u;

	if (s->norm.len == nstart)
		return;
	units_room(s);
	u = &s->units[s->nunits++];
	u->norm = nstart;
	u->byte_start = bstart;
	u->byte_end = bend;
	u->cp_start = cstart;
	u->cp_end = cend;
	s->norm.p[s->norm.len++] = ' ';
}

int
dc_tokenize(const struct dc_opts *o, const char *text, size_t len,
    struct dc_scratch *s)
{
	const unsigned char *t = (const unsigned char *)text;
	uint32_t nstart = 0, bstart = 0, cstart = 0;
	size_t i = 0, cont = 0;	/* cont: UTF-8 continuation bytes so far */
	int in_word = 0, rc;
	char *np;
	size_t nl;

	s->nunits = 0;
	buf_reset(&s->norm);
	if (len >= UINT32_MAX / 2)
		return PTK_ELIMIT;
	if ((rc = buf_grow(&s->norm, len + 256)) != 0)
		return rc;
	units_room(s);
	np = s->norm.p;
	nl = 0;
#define CP(i) ((uint32_t)((i) - cont))
	while (i < len) {
		unsigned char c = t[i], v;
		uint32_t u;
		int nb, cat;

		if (c < 0x80) {
			v = amap[c];
			if (v == 1) {
				if (in_word) {
					s->norm.len = nl;
					end_unit(s, nstart, bstart, cstart,
					    (uint32_t)i, CP(i));
					nl = s->norm.len;
					in_word = 0;
				}
				i++;
				continue;
			}
			if (!in_word) {
				in_word = 1;
				nstart = (uint32_t)nl;
				bstart = (uint32_t)i;
				cstart = CP(i);
			}
			/* The common case: a run of ASCII word bytes. */
			do {
				np[nl] = (char)v;
				nl += v != 0;
				i++;
			} while (i < len && (c = t[i]) < 0x80 && (v = amap[c]) != 1);
			continue;
		}
		nb = utf8_decode(t + i, len - i, &u);
		if (nb < 0) {	/* not from a validated text: skip a byte */
			i++;
			continue;
		}
		s->norm.len = nl;
		if (s->norm.len > UINT32_MAX / 2)
			return PTK_ELIMIT;	/* offsets are 32-bit */
		/*
		 * Room for the longest decomposition (18 code points) and for
		 * the rest of the text, which the ASCII loop writes unchecked.
		 */
		if (s->norm.cap - s->norm.len < len - i + 256 &&
		    (rc = buf_grow(&s->norm, len - i + 256)) != 0)
			return rc;
		cat = utf8proc_category((utf8proc_int32_t)u);
		if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
		    cat == UTF8PROC_CATEGORY_ZP || u == 0x85) {
			if (in_word) {
				end_unit(s, nstart, bstart, cstart, (uint32_t)i,
				    CP(i));
				in_word = 0;
			}
		} else if (o->char_ngrams && nospace_script((int32_t)u)) {
			uint32_t ns;

			if (in_word) {
				end_unit(s, nstart, bstart, cstart, (uint32_t)i,
				    CP(i));
				in_word = 0;
			}
			ns = (uint32_t)s->norm.len;
			if (!dropped_category(cat))
				put_norm(&s->norm, (int32_t)u);
			end_unit(s, ns, (uint32_t)i, CP(i), (uint32_t)(i + nb),
			    CP(i) + 1);
		} else {
			if (!in_word) {
				in_word = 1;
				nstart = (uint32_t)s->norm.len;
				bstart = (uint32_t)i;
				cstart = CP(i);
			}
			if (!dropped_category(cat))
				put_norm(&s->norm, (int32_t)u);
		}
		cont += (size_t)nb - 1;
		i += (size_t)nb;
		np = s->norm.p;
		nl = s->norm.len;
	}
	s->norm.len = nl;
	if (in_word)
		end_unit(s, nstart, bstart, cstart, (uint32_t)len, CP(len));
	units_room(s);
	/* Sentinel: where the next unit would start; cp_end = text length. */
	s->units[s->nunits].norm = (uint32_t)s->norm.len;
	s->units[s->nunits].cp_start = CP(len);
	s->units[s->nunits].cp_end = CP(len);
	s->units[s->nunits].byte_start = (uint32_t)len;
	s->units[s->nunits].byte_end = (uint32_t)len;
	s->norm.p[s->norm.len] = '\0';
#undef CP
	return 0;
}

uint64_t
dc_ngram_hash(const struct dc_scratch *s, size_t i, int n)
{
	uint32_t a = s->units[i].norm, b = s->units[i + (size_t)n].norm - 1;
	uint64_t h = XXH3_64bits(s->norm.p + a, b - a);

	return h ? h : 1;	/* 0 marks an empty table slot */
}

/* ---- the index ---- */

struct dc_index *
dc_index_new(const struct dc_opts *o)
{
	struct dc_index *x = xcalloc(1, sizeof *x);

	x->o = *o;
	return x;
}

void
dc_index_free(struct dc_index *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nbench; i++)
		free(x->bench[i].name);
	for (i = 0; i < x->nex; i++)
		free(x->ex[i].id);
	free(x->bench);
	free(x->ex);
	free(x->pairs);
	free(x->ng_hash);
	free(x->post_off);
	free(x->post_ex);
	free(x->ng_len);
	free(x->filter);
	free(x->keys);
	free(x->vals);
	free(x->doc_freq);
	free(x->ignored);
	free(x->ex_hit);
	dc_scratch_release(&x->tok);
	free(x);
}

size_t dc_index_ngrams(const struct dc_index *x) { return x->nng; }
size_t dc_index_benchmarks(const struct dc_index *x) { return x->nbench; }
const char *dc_index_bench_name(const struct dc_index *x, size_t b) { return x->bench[b].name; }
size_t dc_index_bench_examples(const struct dc_index *x, size_t b) { return x->bench[b].count; }
size_t dc_index_bench_ngrams(const struct dc_index *x, size_t b) { return x->bench[b].ngrams; }

static void
add_pair(struct dc_index *x, uint64_t h, uint32_t g, uint32_t len)
{
	if (x->npairs == x->paircap) {
		x->paircap = x->paircap ? x->paircap * 2 : 4096;
		x->pairs = xreallocarray(x->pairs, x->paircap, sizeof *x->pairs);
	}
	x->pairs[x->npairs].h = h;
	x->pairs[x->npairs].g = g;
	x->pairs[x->npairs].len = len;
	x->npairs++;
}

static void
add_example(struct dc_index *x, const char *text, size_t len, uint32_t line,
    char *id)
{
	struct dc_bench *b = &x->bench[x->nbench - 1];
	struct dc_scratch *s = &x->tok;
	uint32_t g;
	size_t i;

	if (x->nex == x->excap) {
		x->excap = x->excap ? x->excap * 2 : 256;
		x->ex = xreallocarray(x->ex, x->excap, sizeof *x->ex);
	}
	g = (uint32_t)x->nex++;
	x->ex[g].bench = (uint32_t)(x->nbench - 1);
	x->ex[g].line = line;
	x->ex[g].id = id;
	b->count++;
	if (dc_tokenize(&x->o, text, len, s) != 0) {
		b->short_ex++;
		return;
	}
	if (s->nunits < (size_t)x->o.n) {
		size_t k = s->nunits;

		if (x->o.short_min <= 0 || k < (size_t)x->o.short_min) {
			b->short_ex++;
			return;
		}
		/* The whole example, matched as one gram of its length. */
		add_pair(x, dc_ngram_hash(s, 0, (int)k), g, (uint32_t)k);
		if (!x->has_len[k]) {
			x->has_len[k] = 1;
			x->nshort = 0;
			for (i = 1; i < (size_t)x->o.n; i++)
				if (x->has_len[i])
					x->short_len[x->nshort++] = (int)i;
		}
		return;
	}
	for (i = 0; i + (size_t)x->o.n <= s->nunits; i++)
		add_pair(x, dc_ngram_hash(s, i, x->o.n), g, (uint32_t)x->o.n);
}

/* Append the strings of the JSON value at *pp to out, space-separated. */
static int
collect_strings(const char **pp, const char *end, struct buf *out,
    struct buf *tmp, int depth, const char **why)
{
	const char *p = *pp;
	int rc;

	if (depth > JSON_MAX_DEPTH) {
		*why = "nesting too deep";
		return PTK_ELIMIT;
	}
	if (p < end && *p == '"') {
		const char *v;
		size_t n;

		if ((rc = json_read_string(&p, end, tmp, &v, &n, 0, NULL, why)) != 0)
			goto out;
		if ((out->len && (rc = buf_putc(out, ' ')) != 0) ||
		    (rc = buf_append(out, v, n)) != 0) {
			*why = "example too long";
			goto out;
		}
	} else if (p < end && (*p == '[' || *p == '{')) {
		int obj = *p == '{';
		char close = obj ? '}' : ']';

		p = json_skip_ws(p + 1, end);
		if (p < end && *p == close) {
			p++;
			rc = 0;
			goto out;
		}
		for (;;) {
			if (obj) {
				const char *k;
				size_t kn;

				if (p >= end || *p != '"') {
					*why = "expected a member name";
					rc = PTK_EFORMAT;
					goto out;
				}
				if ((rc = json_read_string(&p, end, tmp, &k, &kn, 0,
				    NULL, why)) != 0)
					goto out;
				p = json_skip_ws(p, end);
				if (p >= end || *p != ':') {
					*why = "expected ':'";
					rc = PTK_EFORMAT;
					goto out;
				}
				p = json_skip_ws(p + 1, end);
			}
			if ((rc = collect_strings(&p, end, out, tmp, depth + 1,
			    why)) != 0)
				goto out;
			p = json_skip_ws(p, end);
			if (p < end && *p == ',') {
				p = json_skip_ws(p + 1, end);
				continue;
			}
			if (p < end && *p == close) {
				p++;
				break;
			}
			*why = obj ? "expected ',' or '}'" : "expected ',' or ']'";
			rc = PTK_EFORMAT;
			goto out;
		}
		rc = 0;
	} else {
		rc = json_skip_value(&p, end, why);
	}
out:
	*pp = p;
	return rc;
}

/* Index of key among the comma-separated fields, or -1. */
static int
field_index(const char *fields, const char *k, size_t kn)
{
	const char *f = fields;
	int i = 0;

	while (*f) {
		const char *e = strchr(f, ',');
		size_t fl = e ? (size_t)(e - f) : strlen(f);

		if (fl == kn && memcmp(f, k, kn) == 0)
			return i;
		i++;
		if (!e)
			break;
		f = e + 1;
	}
	return -1;
}


/* Parse one JSON Lines example into text (fields joined) and *id. */
static int
parse_example(const char *line, size_t len, const char *fields,
    const char *id_field, struct buf *text, struct buf fb[DC_MAX_FIELDS],
    int nfields, struct buf *tmp, char **id, const char **why, size_t *at)
{
	const char *p = line, *end = line + len;
	size_t idl = strlen(id_field);
	int rc = PTK_EFORMAT, i;

	*id = NULL;
	buf_reset(text);
	for (i = 0; i < nfields; i++)
		buf_reset(&fb[i]);
	p = json_skip_ws(p, end);
	if (p >= end || *p != '{') {
		*why = "expected a JSON object";
		goto fail;
	}
	p = json_skip_ws(p + 1, end);
	if (p < end && *p == '}') {
		p++;
		goto closed;
	}
	for (;;) {
		const char *k;
		size_t kn;
		int fi;

		if (p >= end || *p != '"') {
			*why = "expected a member name";
			rc = PTK_EFORMAT;
			goto fail;
		}
		if ((rc = json_read_string(&p, end, tmp, &k, &kn, 0, NULL, why)) != 0)
			goto fail;
		/* k may live in tmp, which the value reuses: compare now. */
		fi = kn == idl && memcmp(k, id_field, kn) == 0 ? -2 :
		    fields ? field_index(fields, k, kn) : -3;
		p = json_skip_ws(p, end);
		if (p >= end || *p != ':') {
			*why = "expected ':'";
			rc = PTK_EFORMAT;
			goto fail;
		}
		p = json_skip_ws(p + 1, end);
		if (fi == -2 && *id == NULL && p < end &&
		    (*p == '"' || *p == '-' || (*p >= '0' && *p <= '9'))) {
			const char *v = p;

			if ((rc = json_skip_value(&p, end, why)) != 0)
				goto fail;
			*id = xmemdup(v, (size_t)(p - v));
		} else if (fi == -3) {
			if ((rc = collect_strings(&p, end, text, tmp, 1, why)) != 0)
				goto fail;
		} else if (fi >= 0) {
			if ((rc = collect_strings(&p, end, &fb[fi], tmp, 1, why)) != 0)
				goto fail;
		} else if ((rc = json_skip_value(&p, end, why)) != 0) {
			goto fail;
		}
		p = json_skip_ws(p, end);
		if (p < end && *p == ',') {
			p = json_skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}') {
			p++;
			break;
		}
		*why = "expected ',' or '}'";
		rc = PTK_EFORMAT;
		goto fail;
	}
closed:
	p = json_skip_ws(p, end);
	if (p != end) {
		*why = "text after the JSON object";
		rc = PTK_EFORMAT;
		goto fail;
	}
	for (i = 0; i < nfields; i++) {
		if (fb[i].len == 0)
			continue;
		if ((text->len && (rc = buf_putc(text, ' ')) != 0) ||
		    (rc = buf_append(text, fb[i].p, fb[i].len)) != 0) {
			*why = "example too long";
			goto fail;
		}
	}
	return 0;
fail:
	free(*id);
	*id = NULL;
	*at = (size_t)(p - line);
	return rc ? rc : PTK_EFORMAT;
}

int
dc_index_add(struct dc_index *x, const char *name, const char *path,
    enum dc_bench_format fmt, const char *fields, const char *id_field,
    char *err, size_t errlen)
{
	struct zio_reader *z = NULL;
	struct buf scratch = BUF_INIT, text = BUF_INIT, tmp = BUF_INIT;
	struct buf fb[DC_MAX_FIELDS];
	struct dc_bench *b;
	const char *line, *why = NULL;
	size_t len, at = 0;
	uint64_t off = 0;
	uint32_t line_no = 0;
	int rc, i, nfields = 0;

	memset(fb, 0, sizeof fb);
	if (fields) {
		const char *f;
		nfields = 1;
		for (f = fields; *f; f++)
			nfields += *f == ',';
		if (nfields > DC_MAX_FIELDS) {
			snprintf(err, errlen, "more than %d --fields", DC_MAX_FIELDS);
			return PTK_EAPI;
		}
	}
	x->bench = xreallocarray(x->bench, x->nbench + 1, sizeof *x->bench);
	b = &x->bench[x->nbench++];
	memset(b, 0, sizeof *b);
	b->name = xstrdup(name);
	b->first = x->nex;
	if ((rc = zio_reader_open(&z, path)) != 0) {
		snprintf(err, errlen, "%s", zio_errmsg(z));
		goto out;
	}
	while ((rc = zio_getline(z, &scratch, DOC_DEFAULT_MAX_RECORD, &line, &len,
	    &off)) == 1) {
		const char *p = json_skip_ws(line, line + len);
		char *id = NULL;

		line_no++;
		if (p == line + len)
			continue;	/* blank line */
		if (fmt == DC_FMT_AUTO)
			fmt = *p == '{' ? DC_FMT_JSONL : DC_FMT_TEXT;
		if (utf8_valid_prefix((const unsigned char *)line, len) != len) {
			at = utf8_valid_prefix((const unsigned char *)line, len);
			why = "invalid UTF-8";
			rc = PTK_EFORMAT;
			break;
		}
		if (fmt == DC_FMT_TEXT) {
			add_example(x, line, len, line_no, NULL);
			continue;
		}
		if ((rc = parse_example(line, len, fields, id_field, &text, fb,
		    nfields, &tmp, &id, &why, &at)) != 0)
			break;
		add_example(x, text.p ? text.p : "", text.len, line_no, id);
	}
	if (rc == PTK_ELIMIT && why == NULL) {
		snprintf(err, errlen, "%s: record %lu at byte %llu: line too long",
		    zio_name(z), (unsigned long)line_no + 1,
		    (unsigned long long)off);
	} else if (rc < 0 && why) {
		snprintf(err, errlen, "%s: record %lu at byte %llu: %s", zio_name(z),
		    (unsigned long)line_no, (unsigned long long)(off + at), why);
	} else if (rc < 0) {
		snprintf(err, errlen, "%s", zio_errmsg(z));
	}
out:
	zio_reader_free(z);
	buf_release(&scratch);
	buf_release(&text);
	buf_release(&tmp);
	for (i = 0; i < nfields; i++)
		buf_release(&fb[i]);
	return rc < 0 ? rc : 0;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct dc_pair *p = a, *q = b;

	if (p->h != q->h)
		return p->h < q->h ? -1 : 1;
	return p->g < q->g ? -1 : p->g > q->g;
}

void
dc_index_finish(struct dc_index *x)
{
	size_t i, j, cap, nuniq = 0, npost = 0;
	uint32_t *last_bench;

	if (x->npairs)
		qsort(x->pairs, x->npairs, sizeof *x->pairs, pair_cmp);
	for (i = 0; i < x->npairs; i++) {
		if (i == 0 || x->pairs[i].h != x->pairs[i - 1].h)
			nuniq++;
		if (i == 0 || x->pairs[i].h != x->pairs[i - 1].h ||
		    x->pairs[i].g != x->pairs[i - 1].g)
			npost++;
	}
	x->nng = nuniq;
	x->ng_hash = xcalloc(nuniq ? nuniq : 1, sizeof *x->ng_hash);
	x->post_off = xcalloc(nuniq + 1, sizeof *x->post_off);
	x->ng_len = xcalloc(nuniq ? nuniq : 1, sizeof *x->ng_len);
	x->post_ex = xcalloc(npost ? npost : 1, sizeof *x->post_ex);
	x->doc_freq = xcalloc(nuniq ? nuniq : 1, sizeof *x->doc_freq);
	x->ignored = xcalloc(nuniq ? nuniq : 1, 1);
	x->ex_hit = xcalloc(x->nex ? x->nex : 1, 1);
	last_bench = xcalloc(x->nbench ? x->nbench : 1, sizeof *last_bench);
	for (i = 0; i < x->nbench; i++)
		last_bench[i] = UINT32_MAX;
	nuniq = npost = 0;
	for (i = 0; i < x->npairs; i++) {
		struct dc_pair *p = &x->pairs[i];
		uint32_t bi;

		if (i == 0 || p->h != x->pairs[i - 1].h) {
			x->ng_hash[nuniq] = p->h;
			x->ng_len[nuniq] = (uint16_t)p->len;
			x->post_off[nuniq] = (uint32_t)npost;
			nuniq++;
		} else if (p->g == x->pairs[i - 1].g) {
			continue;
		}
		x->post_ex[npost++] = p->g;
		bi = x->ex[p->g].bench;
		if (last_bench[bi] != nuniq - 1) {	/* once per bench and n-gram */
			struct dc_bench *b = &x->bench[bi];
			last_bench[bi] = (uint32_t)(nuniq - 1);
			b->ngrams++;
			b->fingerprint = XXH3_64bits_withSeed(&p->h, sizeof p->h,
			    b->fingerprint);
		}
	}
	x->post_off[nuniq] = (uint32_t)npost;
	free(last_bench);
	free(x->pairs);
	x->pairs = NULL;
	x->npairs = x->paircap = 0;

	/* Table at most half full. */
	for (cap = 1024; cap < 2 * x->nng; cap *= 2)
		;
	x->mask = cap - 1;
	/* About 16 filter bits per n-gram: 1 in 16 misses reaches the table. */
	for (j = 16; j < 63 && ((size_t)1 << j) < 16 * x->nng; j++)
		;
	x->fshift = 64 - (int)j;
	x->filter = xcalloc(((size_t)1 << j) / 64, sizeof *x->filter);
	x->keys = xcalloc(cap, sizeof *x->keys);
	x->vals = xcalloc(cap, sizeof *x->vals);
	for (i = 0; i < x->nng; i++) {
		uint64_t h = x->ng_hash[i];
		for (j = h & x->mask; x->keys[j]; j = (j + 1) & x->mask)
			;
		x->keys[j] = h;
		x->vals[j] = (uint32_t)i;
		x->filter[(h >> x->fshift) >> 6] |= 1ull << ((h >> x->fshift) & 63);
	}
	dc_scratch_release(&x->tok);
}

static inline long
lookup(const struct dc_index *x, uint64_t h)
{
	size_t j, f = (size_t)(h >> x->fshift);

	if (!(x->filter[f >> 6] >> (f & 63) & 1))
		return -1;
	for (j = h & x->mask; x->keys[j]; j = (j + 1) & x->mask)
		if (x->keys[j] == h)
			return x->vals[j];
	return -1;
}

void
dc_index_set_doc_freq(struct dc_index *x, uint64_t h, uint64_t count)
{
	long i = h ? lookup(x, h) : -1;

	if (i >= 0 && x->o.max_doc_freq >= 0 &&
	    count > (uint64_t)x->o.max_doc_freq)
		x->ignored[i] = 1;
}

void
dc_index_end_count_pass(struct dc_index *x)
{
	size_t i;

	for (i = 0; i < x->nng; i++) {
		if (x->o.max_doc_freq >= 0 &&
		    x->doc_freq[i] > (uint64_t)x->o.max_doc_freq)
			x->ignored[i] = 1;
		x->doc_freq[i] = 0;
	}
	memset(x->ex_hit, 0, x->nex);
	for (i = 0; i < x->nbench; i++)
		x->bench[i].docs_hit = 0;
}

static void
hits_room(struct dc_scratch *s)
{
	if (s->nhits == s->hcap) {
		s->hcap = s->hcap ? s->hcap * 2 : 64;
		s->hit_ng = xreallocarray(s->hit_ng, s->hcap, sizeof *s->hit_ng);
		s->hit_pos = xreallocarray(s->hit_pos, s->hcap, sizeof *s->hit_pos);
	}
}

static inline void
try_gram(struct dc_index *x, struct dc_scratch *s, size_t i, int len)
{
	long k = lookup(x, dc_ngram_hash(s, i, len));

	if (k < 0 || x->ignored[k] || x->ng_len[k] != len)
		return;
	hits_room(s);
	s->hit_ng[s->nhits] = (uint32_t)k;
	s->hit_pos[s->nhits] = (uint32_t)i;
	s->nhits++;
}

long
dc_find(struct dc_index *x, const char *text, size_t len, struct dc_scratch *s)
{
	size_t i, n = (size_t)x->o.n;
	int rc, j;

	s->nhits = 0;
	if ((rc = dc_tokenize(&x->o, text, len, s)) != 0)
		return rc;
	if (x->nng == 0)
		return 0;
	if (x->nshort == 0) {
		for (i = 0; i + n <= s->nunits; i++)
			try_gram(x, s, i, (int)n);
		return (long)s->nhits;
	}
	/* Short whole examples too: every length at each position, in order. */
	for (i = 0; i < s->nunits; i++) {
		for (j = 0; j < x->nshort && i + (size_t)x->short_len[j] <= s->nunits;
		    j++)
			try_gram(x, s, i, x->short_len[j]);
		if (i + n <= s->nunits)
			try_gram(x, s, i, (int)n);
	}
	return (long)s->nhits;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t p = *(const uint32_t *)a, q = *(const uint32_t *)b;

	return p < q ? -1 : p > q;
}

/* Sort and deduplicate s->tmp[0..n); returns the new count. */
static size_t
sort_unique(uint32_t *v, size_t n)
{
	size_t i, k = 0;

	qsort(v, n, sizeof *v, u32_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

static void
tmp_room(struct dc_scratch *s, size_t n)
{
	if (n > s->tcap) {
		s->tcap = n > 2 * s->tcap ? n : 2 * s->tcap;
		s->tmp = xreallocarray(s->tmp, s->tcap, sizeof *s->tmp);
	}
}

/* Merged hit spans (code points) without the window; returns their count. */
static size_t
hit_spans(const struct dc_index *x, const struct dc_scratch *s, long window,
    uint32_t total, uint32_t *sp)
{
	size_t i, k = 0;

	for (i = 0; i < s->nhits; i++) {
		uint32_t p = s->hit_pos[i];
		int64_t a = (int64_t)s->units[p].cp_start - window;
		int64_t b = (int64_t)s->units[p + x->ng_len[s->hit_ng[i]] - 1].cp_end +
		    window;

		if (a < 0)
			a = 0;
		if (b > total)
			b = total;
		if (k && (int64_t)sp[2 * k - 1] >= a) {
			if (b > sp[2 * k - 1])
				sp[2 * k - 1] = (uint32_t)b;
		} else {
			sp[2 * k] = (uint32_t)a;
			sp[2 * k + 1] = (uint32_t)b;
			k++;
		}
	}
	return k;
}

/* Write an example id: its JSON text, or its line number. */
static int
put_id(struct buf *out, const struct dc_example *e)
{
	if (e->id)
		return buf_append(out, e->id, strlen(e->id));
	return buf_printf(out, "%u", e->line);
}

/* metadata with "contamination" (replacing one that is there). */
static int
flag_metadata(const struct dc_index *x, const struct doc *d,
    struct dc_scratch *s, const uint32_t *exs, size_t nex, const uint32_t *sp,
    size_t nsp)
{
	struct buf *m = &s->meta;
	size_t i;
	int rc, first = 1;

	buf_reset(m);
	if ((rc = buf_putc(m, '{')) != 0)
		return rc;
	if (d->metadata) {
		const char *p = d->metadata + 1, *end = d->metadata + d->metadata_len;
		const char *why;

		p = json_skip_ws(p, end);
		while (p < end && *p == '"') {
			const char *mstart = p, *k;
			size_t kn;
			int skip;

			if (json_read_string(&p, end, &s->text, &k, &kn, 0, NULL,
			    &why) != 0)
				return PTK_EFORMAT;
			skip = kn == 13 && memcmp(k, "contamination", 13) == 0;
			p = json_skip_ws(p, end);
			p = json_skip_ws(p + 1, end);	/* ':' */
			if (json_skip_value(&p, end, &why) != 0)
				return PTK_EFORMAT;
			if (!skip) {
				if ((!first && (rc = buf_putc(m, ',')) != 0) ||
				    (rc = buf_append(m, mstart,
				    (size_t)(p - mstart))) != 0)
					return rc;
				first = 0;
			}
			p = json_skip_ws(p, end);
			if (p < end && *p == ',')
				p = json_skip_ws(p + 1, end);
		}
	}
	if ((rc = buf_printf(m, "%s\"contamination\":{\"hits\":%zu,\"spans\":[",
	    first ? "" : ",", s->nhits)) != 0)
		return rc;
	for (i = 0; i < nsp; i++)
		if ((rc = buf_printf(m, "%s[%u,%u]", i ? "," : "", sp[2 * i],
		    sp[2 * i + 1])) != 0)
			return rc;
	if ((rc = buf_append(m, "],\"benchmarks\":{", 16)) != 0)
		return rc;
	for (i = 0; i < nex; i++) {
		const struct dc_example *e = &x->ex[exs[i]];
		int newb = i == 0 || x->ex[exs[i - 1]].bench != e->bench;

		if (newb) {
			if (i && (rc = buf_append(m, "],", 2)) != 0)
				return rc;
			if (json_write_string(m, x->bench[e->bench].name,
			    strlen(x->bench[e->bench].name)) < 0 ||
			    (rc = buf_append(m, ":[", 2)) != 0)
				return PTK_ELIMIT;
		} else if ((rc = buf_putc(m, ',')) != 0) {
			return rc;
		}
		if ((rc = put_id(m, e)) != 0)
			return rc;
	}
	return buf_append(m, nex ? "]}}}" : "}}}", nex ? 4 : 3);
}

/* Byte offset of code point c, walking forward from (*bpos, *cpos). */
static size_t
cp_to_byte(const char *t, size_t len, size_t *bpos, uint32_t *cpos, uint32_t c)
{
	size_t b = *bpos;
	uint32_t k = *cpos;

	while (k < c && b < len) {
		b++;
		while (b < len && ((unsigned char)t[b] & 0xC0) == 0x80)
			b++;
		k++;
	}
	*bpos = b;
	*cpos = k;
	return b;
}

/* Write the pieces that are kept; returns how many (0: dropped). */
static int
redact(const struct dc_index *x, struct doc *d, struct dc_scratch *s,
    const uint32_t *sp, size_t nsp, uint32_t total, struct buf *out)
{
	uint32_t pieces[2 * DC_MAX_PIECES];
	size_t npieces = 0, i, kept = 0, bpos = 0;
	uint32_t prev = 0, cpos = 0;
	struct doc piece;
	int rc;

	for (i = 0; i <= nsp; i++) {
		uint32_t a = i < nsp ? sp[2 * i] : total;

		if (a > prev) {
			if (npieces >= (size_t)x->o.max_pieces || npieces >= DC_MAX_PIECES)
				return 0;	/* too many pieces: dropped */
			pieces[2 * npieces] = prev;
			pieces[2 * npieces + 1] = a;
			npieces++;
		}
		if (i < nsp)
			prev = sp[2 * i + 1];
	}
	for (i = 0; i < npieces; i++) {
		size_t b0, b1;

		if (pieces[2 * i + 1] - pieces[2 * i] < (uint32_t)x->o.min_piece)
			continue;
		b0 = cp_to_byte(d->text, d->text_len, &bpos, &cpos, pieces[2 * i]);
		b1 = cp_to_byte(d->text, d->text_len, &bpos, &cpos,
		    pieces[2 * i + 1]);
		piece = *d;
		piece.raw = NULL;
		buf_reset(&s->text);
		if ((rc = buf_append(&s->text, d->id, d->id_len)) != 0 ||
		    (rc = buf_printf(&s->text, "#%zu", kept)) != 0)
			return rc;
		piece.id = s->text.p;
		piece.id_len = s->text.len;
		piece.text = d->text + b0;
		piece.text_len = b1 - b0;
		if ((rc = doc_write(out, &piece)) != 0)
			return rc;
		kept++;
	}
	return (int)kept;
}

const struct dc_opts *
dc_index_opts(const struct dc_index *x)
{
	return &x->o;
}

void
dc_index_set_mode(struct dc_index *x, enum dc_mode mode)
{
	x->o.mode = mode;
}

long
dc_process(struct dc_index *x, struct doc *d, struct dc_scratch *s,
    struct buf *out, int *records)
{
	long nh = dc_find(x, d->text, d->text_len, s);
	size_t i, ng, nex = 0;
	uint32_t *exs, total;
	int rc;

	*records = 0;
	if (nh < 0)
		return nh;
	if (nh == 0) {
		if (x->o.mode == DC_COUNT)
			return 0;
		*records = 1;
		return doc_write(out, d);
	}
	/* Distinct n-grams, then distinct examples after them in tmp. */
	tmp_room(s, s->nhits);
	memcpy(s->tmp, s->hit_ng, s->nhits * sizeof *s->tmp);
	ng = sort_unique(s->tmp, s->nhits);
	for (i = 0; i < ng; i++)
		__atomic_fetch_add(&x->doc_freq[s->tmp[i]], 1, __ATOMIC_RELAXED);
	if (x->o.mode == DC_COUNT)
		return nh;
	for (i = 0; i < ng; i++)
		nex += x->post_off[s->tmp[i] + 1] - x->post_off[s->tmp[i]];
	tmp_room(s, ng + nex);
	exs = s->tmp + ng;
	nex = 0;
	for (i = 0; i < ng; i++) {
		uint32_t j, ngi = s->tmp[i];
		for (j = x->post_off[ngi]; j < x->post_off[ngi + 1]; j++)
			exs[nex++] = x->post_ex[j];
	}
	nex = sort_unique(exs, nex);
	for (i = 0; i < nex; i++) {
		__atomic_store_n(&x->ex_hit[exs[i]], 1, __ATOMIC_RELAXED);
		if (i == 0 || x->ex[exs[i]].bench != x->ex[exs[i - 1]].bench)
			__atomic_fetch_add(&x->bench[x->ex[exs[i]].bench].docs_hit,
			    1, __ATOMIC_RELAXED);
	}
	total = s->units[s->nunits].cp_end;
	switch (x->o.mode) {
	case DC_DROP:
		return nh;
	case DC_FLAG: {
		uint32_t *sp;
		size_t nsp;
		struct doc f = *d;

		/* Spans go after the examples in tmp: 2 per hit at most. */
		tmp_room(s, ng + nex + 2 * s->nhits);
		exs = s->tmp + ng;
		sp = exs + nex;
		nsp = hit_spans(x, s, 0, total, sp);
		if ((rc = flag_metadata(x, d, s, exs, nex, sp, nsp)) != 0)
			return rc;
		f.raw = NULL;
		f.metadata = s->meta.p;
		f.metadata_len = s->meta.len;
		if ((rc = doc_write(out, &f)) != 0)
			return rc;
		*records = 1;
		return nh;
	}
	case DC_REDACT: {
		uint32_t *sp;
		size_t nsp;

		tmp_room(s, 2 * s->nhits);
		sp = s->tmp;
		nsp = hit_spans(x, s, x->o.window, total, sp);
		if ((rc = redact(x, d, s, sp, nsp, total, out)) < 0)
			return rc;
		*records = rc;
		return nh;
	}
	case DC_COUNT:
		break;
	}
	return nh;
}

/* ---- the report ---- */

int
dc_report_write(const struct dc_index *x, const struct dc_totals *t,
    struct buf *out)
{
	static const char *modes[] = { "drop", "redact", "flag", "count" };
	size_t b, i, ignored = 0;
	int rc;

	for (i = 0; i < x->nng; i++)
		ignored += x->ignored[i];
	rc = buf_printf(out, "{\"program\":\"benchmark-decontaminate\","
	    "\"n\":%d,\"char_ngrams\":%s,\"short_examples_min\":%d,"
	    "\"mode\":\"%s\",\"max_doc_freq\":",
	    x->o.n, x->o.char_ngrams ? "true" : "false", x->o.short_min,
	    modes[x->o.mode]);
	if (rc == 0)
		rc = x->o.max_doc_freq >= 0 ? buf_printf(out, "%lld",
		    x->o.max_doc_freq) : buf_append(out, "null", 4);
	if (rc == 0)
		rc = buf_printf(out, ",\"documents\":%llu,\"documents_hit\":%llu,"
		    "\"documents_dropped\":%llu,\"documents_redacted\":%llu,"
		    "\"records_written\":%llu,\"text_bytes\":%llu,"
		    "\"ngrams\":%zu,\"ngrams_ignored\":%zu,\"benchmarks\":{",
		    (unsigned long long)t->documents,
		    (unsigned long long)t->documents_hit,
		    (unsigned long long)t->documents_dropped,
		    (unsigned long long)t->documents_redacted,
		    (unsigned long long)t->records_written,
		    (unsigned long long)t->text_bytes, x->nng, ignored);
	for (b = 0; rc == 0 && b < x->nbench; b++) {
		const struct dc_bench *be = &x->bench[b];
		size_t ncont = 0, k;

		for (i = be->first; i < be->first + be->count; i++)
			ncont += x->ex_hit[i];
		if ((b && (rc = buf_putc(out, ',')) != 0) ||
		    json_write_string(out, be->name, strlen(be->name)) < 0)
			return PTK_ELIMIT;
		rc = buf_printf(out, ":{\"examples\":%zu,\"short_examples\":%zu,"
		    "\"ngrams\":%zu,\"fingerprint\":\"%016llx\","
		    "\"documents_hit\":%llu,\"contaminated\":%zu,"
		    "\"contaminated_examples\":[",
		    be->count, be->short_ex, be->ngrams,
		    (unsigned long long)be->fingerprint,
		    (unsigned long long)be->docs_hit, ncont);
		for (i = be->first, k = 0; rc == 0 && i < be->first + be->count; i++)
			if (x->ex_hit[i] && (rc = (k++ ? buf_putc(out, ',') : 0)) == 0)
				rc = put_id(out, &x->ex[i]);
		if (rc == 0)
			rc = buf_append(out, "],\"contaminated_lines\":[", 24);
		for (i = be->first, k = 0; rc == 0 && i < be->first + be->count; i++)
			if (x->ex_hit[i])
				rc = buf_printf(out, "%s%u", k++ ? "," : "",
				    x->ex[i].line);
		if (rc == 0)
			rc = buf_append(out, "]}", 2);
	}
	if (rc == 0)
		rc = buf_append(out, "},\"ngram_doc_freq\":{", 20);
	for (i = 0, b = 0; rc == 0 && i < x->nng; i++)
		if (x->doc_freq[i])
			rc = buf_printf(out, "%s\"%016llx\":%llu", b++ ? "," : "",
			    (unsigned long long)x->ng_hash[i],
			    (unsigned long long)x->doc_freq[i]);
	if (rc == 0)
		rc = buf_append(out, "}}\n", 3);
	return rc;
}
