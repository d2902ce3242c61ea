/*
 * tok_bpe_load.c - read BPE vocabularies: vocab.json + merges.txt,
 * tokenizer.json (BPE model) and .tiktoken rank files.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tok_bpe_impl.h"
#include "xalloc.h"
#include "zio.h"

#define VOCAB_FILE_MAX ((size_t)1 << 30)

static int
fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- a small JSON object walker over json.h ---- */

struct jw {
	const char *start, *p, *end;
	const char *path;
	const char *why;
	struct buf key, val;
};

static int
jw_fail(struct jw *j, char *err, size_t errlen, const char *why)
{
	return fail(err, errlen, PTK_EFORMAT, "%s: at byte %zu: %s", j->path,
	    (size_t)(j->p - j->start), why ? why : j->why);
}

static int
jw_expect(struct jw *j, char c)
{
	j->p = json_skip_ws(j->p, j->end);
	if (j->p >= j->end || *j->p != c) {
		static char msg[32];
		snprintf(msg, sizeof msg, "expected '%c'", c);
		j->why = msg;
		return PTK_EFORMAT;
	}
	j->p++;
	return 0;
}

/* Start an object or array (open = '{' or '['). */
static int
jw_open(struct jw *j, char open, int *first)
{
	*first = 1;
	return jw_expect(j, open);
}

/* The next member: 1 with the key (then *j->p is at the value), 0 at '}'. */
static int
jw_member(struct jw *j, int *first, const char **k, size_t *kl)
{
	j->p = json_skip_ws(j->p, j->end);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	if (!*first && jw_expect(j, ',') != 0)
		return PTK_EFORMAT;
	*first = 0;
	j->p = json_skip_ws(j->p, j->end);
	if (j->p >= j->end || *j->p != '"') {
		j->why = "expected a string key";
		return PTK_EFORMAT;
	}
	if (json_read_string(&j->p, j->end, &j->key, k, kl, 0, NULL, &j->why) != 0)
		return PTK_EFORMAT;
	if (jw_expect(j, ':') != 0)
		return PTK_EFORMAT;
	j->p = json_skip_ws(j->p, j->end);
	return 1;
}

/* The next array element: 1 (then *j->p is at it), 0 at ']'. */
static int
jw_element(struct jw *j, int *first)
{
	j->p = json_skip_ws(j->p, j->end);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	if (!*first && jw_expect(j, ',') != 0)
		return PTK_EFORMAT;
	*first = 0;
	j->p = json_skip_ws(j->p, j->end);
	return 1;
}

static int
jw_string(struct jw *j, struct buf *b, const char **s, size_t *n)
{
	j->p = json_skip_ws(j->p, j->end);
	if (j->p >= j->end || *j->p != '"') {
		j->why = "expected a string";
		return PTK_EFORMAT;
	}
	return json_read_string(&j->p, j->end, b, s, n, 0, NULL, &j->why);
}

static int
jw_skip(struct jw *j)
{
	return json_skip_value(&j->p, j->end, &j->why);
}

static int
jw_is_null(struct jw *j)
{
	return j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0;
}

/* A boolean: 1 or 0, or < 0. */
static int
jw_bool(struct jw *j)
{
	int v;

	if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0)
		v = 1;
	else if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0)
		v = 0;
	else {
		j->why = "expected true or false";
		return PTK_EFORMAT;
	}
	return jw_skip(j) == 0 ? v : PTK_EFORMAT;
}

static void
jw_init(struct jw *j, const char *path, const char *text, size_t n)
{
	memset(j, 0, sizeof *j);
	j->start = j->p = text;
	j->end = text + n;
	j->path = path;
}

static void
jw_release(struct jw *j)
{
	buf_release(&j->key);
	buf_release(&j->val);
}

/* Bytes of a token written in byte-level spelling; others are kept as UTF-8. */
static int
token_bytes(const char *s, size_t n, struct buf *raw, int *plain)
{
	long k;

	buf_reset(raw);
	if (buf_grow(raw, n + 1) != 0)
		return PTK_ELIMIT;
	k = pretok_chars_to_bytes(s, n, (unsigned char *)raw->p);
	if (k < 0) {
		memcpy(raw->p, s, n);
		raw->len = n;
		*plain = 1;
	} else {
		raw->len = (size_t)k;
		*plain = 0;
	}
	return 0;
}

/* Parse a vocab object {"token": id, ...} at j->p into m. */
static int
parse_vocab(struct jw *j, struct bpe_model *m, char *err, size_t errlen)
{
	struct buf raw = BUF_INIT;
	const char *k;
	size_t kl;
	int first, rc, plain;

	if (jw_open(j, '{', &first) != 0)
		return jw_fail(j, err, errlen, NULL);
	while ((rc = jw_member(j, &first, &k, &kl)) == 1) {
		unsigned long long id;
		const char *at = j->p;
		if (kl == 0) {
			j->why = "empty token";
			rc = PTK_EFORMAT;
			break;
		}
		if (json_read_u64(&j->p, j->end, &id, &j->why) != 0) {
			rc = PTK_EFORMAT;
			break;
		}
		if (id >= BPE_MAX_VOCAB) {
			buf_release(&raw);
			return fail(err, errlen, PTK_ELIMIT,
			    "%s: at byte %zu: id %llu over the limit of %u", j->path,
			    (size_t)(at - j->start), id, BPE_MAX_VOCAB);
		}
		token_bytes(k, kl, &raw, &plain);
		if ((rc = bpe_model_set(m, (uint32_t)id, raw.p, raw.len, &j->why)) != 0) {
			j->p = at;
			break;
		}
	}
	buf_release(&raw);
	if (rc < 0)
		return jw_fail(j, err, errlen, NULL);
	if (m->n == 0)
		return jw_fail(j, err, errlen, "empty vocabulary");
	return 0;
}

static int
merge_halves(struct bpe_model *m, const char *a, size_t al, const char *b,
    size_t bl, uint32_t rank, const char **why)
{
	struct buf raw = BUF_INIT;
	int64_t l, r;
	int plain, rc;

	token_bytes(a, al, &raw, &plain);
	l = bpe_model_find(m, raw.p, raw.len);
	token_bytes(b, bl, &raw, &plain);
	r = bpe_model_find(m, raw.p, raw.len);
	buf_release(&raw);
	if (l < 0 || r < 0) {
		*why = "a token of the merge is not in the vocabulary";
		return PTK_EFORMAT;
	}
	rc = bpe_model_add_merge(m, (uint32_t)l, (uint32_t)r, rank, why);
	return rc;
}

/* A merges.txt text: "#version" line, then "left right" lines in rank order. */
static int
parse_merges_txt(struct bpe_model *m, const char *path, const char *text,
    size_t n, char *err, size_t errlen)
{
	const char *p = text, *end = text + n;
	uint32_t rank = 0;
	size_t line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le, *sp;
		const char *why;
		le = nl ? nl : end;
		line++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p || (line == 1 && le - p >= 8 && memcmp(p, "#version", 8) == 0)) {
			p = nl ? nl + 1 : end;
			continue;
		}
		sp = memchr(p, ' ', (size_t)(le - p));
		if (sp == NULL || sp == p || sp + 1 >= le ||
		    memchr(sp + 1, ' ', (size_t)(le - sp - 1)) != NULL)
			return fail(err, errlen, PTK_EFORMAT,
			    "%s: line %zu: expected two tokens separated by one space",
			    path, line);
		if (merge_halves(m, p, (size_t)(sp - p), sp + 1, (size_t)(le - sp - 1),
		    rank++, &why) != 0)
			return fail(err, errlen, PTK_EFORMAT, "%s: line %zu: %s", path,
			    line, why);
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Tokens that no merge makes and that are not single bytes are special. */
static void
mark_unmade_special(struct bpe_model *m)
{
	uint32_t id;

	for (id = 0; id < m->n; id++)
		if (m->len[id] != BPE_NONE && m->len[id] > 1 &&
		    (m->produced == NULL || !m->produced[id]))
			bpe_model_add_special(m, id);
}

static int
load_vocab_merges(struct bpe_model *m, const char *path, char *err, size_t errlen)
{
	struct buf text = BUF_INIT;
	struct jw j;
	char *dup = xstrdup(path), mpath[4096];
	int rc;

	snprintf(mpath, sizeof mpath, "%s/merges.txt", dirname(dup));
	free(dup);
	if ((rc = zio_read_file(path, VOCAB_FILE_MAX, &text, err, errlen)) != 0)
		goto out;
	jw_init(&j, path, text.p, text.len);
	rc = parse_vocab(&j, m, err, errlen);
	if (rc == 0) {
		j.p = json_skip_ws(j.p, j.end);
		if (j.p != j.end)
			rc = jw_fail(&j, err, errlen, "text after the vocabulary object");
	}
	jw_release(&j);
	if (rc != 0)
		goto out;
	if ((rc = zio_read_file(mpath, VOCAB_FILE_MAX, &text, err, errlen)) != 0)
		goto out;
	if ((rc = parse_merges_txt(m, mpath, text.p, text.len, err, errlen)) != 0)
		goto out;
	mark_unmade_special(m);
out:
	buf_release(&text);
	return rc;
}

/* ---- tokenizer.json ---- */

struct hf_added {
	uint64_t id;
	char *s;
	size_t n;
};

static int
parse_added(struct jw *j, struct hf_added **out, size_t *nout)
{
	int first, rc;

	if (jw_is_null(j))
		return jw_skip(j);
	if (jw_open(j, '[', &first) != 0)
		return PTK_EFORMAT;
	while ((rc = jw_element(j, &first)) == 1) {
		int f2, r2, have_id = 0;
		const char *k, *s = NULL;
		size_t kl, sn = 0;
		unsigned long long id = 0;
		struct hf_added a;
		if (jw_open(j, '{', &f2) != 0)
			return PTK_EFORMAT;
		while ((r2 = jw_member(j, &f2, &k, &kl)) == 1) {
			if (kl == 2 && memcmp(k, "id", 2) == 0) {
				if (json_read_u64(&j->p, j->end, &id, &j->why) != 0)
					break;
				have_id = 1;
			} else if (kl == 7 && memcmp(k, "content", 7) == 0 && s == NULL) {
				const char *v;
				if (jw_string(j, &j->val, &v, &sn) != 0)
					break;
				s = xmemdup(v, sn);
			} else if (jw_skip(j) != 0) {
				break;
			}
		}
		if (r2 != 0) {
			free((char *)s);
			return PTK_EFORMAT;
		}
		if (!have_id || s == NULL || sn == 0 || id >= BPE_MAX_VOCAB) {
			free((char *)s);
			j->why = "an added token needs an id below 2^24 and a content";
			return PTK_EFORMAT;
		}
		a.id = id;
		a.s = (char *)s;
		a.n = sn;
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		(*out)[(*nout)++] = a;
	}
	return rc;
}

/* The regex of the pre-tokenizer, or NULL for GPT-2's; *why if unsupported. */
static char *
hf_pattern(const char *p, const char *end, const char **why)
{
	const char *q;
	size_t n = (size_t)(end - p);

	if (n == 4 && memcmp(p, "null", 4) == 0) {
		*why = "no pre_tokenizer: not a byte-level BPE tokenizer.json";
		return NULL;
	}
	if (memmem(p, n, "\"ByteLevel\"", 11) == NULL) {
		*why = "the pre_tokenizer has no ByteLevel step: only byte-level BPE is supported";
		return NULL;
	}
	if ((q = memmem(p, n, "\"Regex\"", 7)) != NULL) {
		struct buf b = BUF_INIT;
		const char *s, *w;
		size_t sn;
		char *out;
		q = json_skip_ws(q + 7, end);
		if (q >= end || *q != ':') {
			*why = "bad Split pattern";
			return NULL;
		}
		q = json_skip_ws(q + 1, end);
		if (json_read_string(&q, end, &b, &s, &sn, 0, NULL, &w) != 0) {
			*why = "bad Split pattern";
			buf_release(&b);
			return NULL;
		}
		out = xmemdup(s, sn);
		buf_release(&b);
		return out;
	}
	if (memmem(p, n, "\"String\"", 8) != NULL) {
		*why = "a Split on a fixed string is not supported";
		return NULL;
	}
	return xstrdup(PRETOK_GPT2_PATTERN);
}

struct hf_model {
	const char *merges, *merges_end;
	int ignore_merges;
	int is_bpe;
};

static int
parse_hf_model(struct jw *j, struct bpe_model *m, struct hf_model *hm,
    char *err, size_t errlen)
{
	const char *k, *s;
	size_t kl, sn;
	int first, rc;

	if (jw_open(j, '{', &first) != 0)
		return jw_fail(j, err, errlen, NULL);
	while ((rc = jw_member(j, &first, &k, &kl)) == 1) {
		const char *at = j->p;
		if (kl == 4 && memcmp(k, "type", 4) == 0) {
			if (jw_string(j, &j->val, &s, &sn) != 0)
				return jw_fail(j, err, errlen, NULL);
			if (sn != 3 || memcmp(s, "BPE", 3) != 0) {
				j->p = at;
				return jw_fail(j, err, errlen, "the model is not BPE");
			}
			hm->is_bpe = 1;
		} else if (kl == 5 && memcmp(k, "vocab", 5) == 0) {
			if ((rc = parse_vocab(j, m, err, errlen)) != 0)
				return rc;
		} else if (kl == 6 && memcmp(k, "merges", 6) == 0) {
			hm->merges = j->p;
			if (jw_skip(j) != 0)
				return jw_fail(j, err, errlen, NULL);
			hm->merges_end = j->p;
		} else if (kl == 13 && memcmp(k, "ignore_merges", 13) == 0) {
			if ((hm->ignore_merges = jw_bool(j)) < 0)
				return jw_fail(j, err, errlen, NULL);
		} else if (kl == 13 && memcmp(k, "byte_fallback", 13) == 0) {
			int v = jw_bool(j);
			if (v < 0)
				return jw_fail(j, err, errlen, NULL);
			if (v) {
				j->p = at;
				return jw_fail(j, err, errlen,
				    "byte_fallback BPE (SentencePiece style) is not supported");
			}
		} else if ((kl == 25 && memcmp(k, "continuing_subword_prefix", 25) == 0) ||
		    (kl == 18 && memcmp(k, "end_of_word_suffix", 18) == 0)) {
			if (!jw_is_null(j) && !(j->end - j->p >= 2 && memcmp(j->p, "\"\"", 2) == 0))
				return jw_fail(j, err, errlen,
				    "subword prefixes and suffixes are not supported");
			if (jw_skip(j) != 0)
				return jw_fail(j, err, errlen, NULL);
		} else if (jw_skip(j) != 0) {
			return jw_fail(j, err, errlen, NULL);
		}
	}
	if (rc < 0)
		return jw_fail(j, err, errlen, NULL);
	if (!hm->is_bpe)
		return jw_fail(j, err, errlen, "the model has no type BPE");
	if (m->n == 0)
		return jw_fail(j, err, errlen, "the model has no vocab");
	return 0;
}

static int
parse_hf_merges(struct jw *j, struct bpe_model *m, char *err, size_t errlen)
{
	uint32_t rank = 0;
	int first, rc;

	if (jw_open(j, '[', &first) != 0)
		return jw_fail(j, err, errlen, NULL);
	while ((rc = jw_element(j, &first)) == 1) {
		const char *at = j->p, *a, *b, *why, *sp;
		size_t an, bn;
		if (*j->p == '"') {
			/* "left right" */
			if (jw_string(j, &j->val, &a, &an) != 0)
				return jw_fail(j, err, errlen, NULL);
			sp = memchr(a, ' ', an);
			if (sp == NULL) {
				j->p = at;
				return jw_fail(j, err, errlen, "a merge is not two tokens");
			}
			b = sp + 1;
			bn = an - (size_t)(b - a);
			an = (size_t)(sp - a);
			if (merge_halves(m, a, an, b, bn, rank++, &why) != 0) {
				j->p = at;
				return jw_fail(j, err, errlen, why);
			}
		} else {
			/* ["left", "right"] */
			int f2;
			char *left;
			if (jw_open(j, '[', &f2) != 0 || jw_element(j, &f2) != 1 ||
			    jw_string(j, &j->val, &a, &an) != 0)
				return jw_fail(j, err, errlen, NULL);
			left = xmemdup(a, an);
			if (jw_element(j, &f2) != 1 || jw_string(j, &j->val, &b, &bn) != 0 ||
			    jw_element(j, &f2) != 0) {
				free(left);
				return jw_fail(j, err, errlen, "a merge is not two tokens");
			}
			rc = merge_halves(m, left, an, b, bn, rank++, &why);
			free(left);
			if (rc != 0) {
				j->p = at;
				return jw_fail(j, err, errlen, why);
			}
		}
	}
	if (rc < 0)
		return jw_fail(j, err, errlen, NULL);
	return 0;
}

static int
load_hf_json(struct bpe_model *m, const char *path, char **pattern, char *err,
    size_t errlen)
{
	struct buf text = BUF_INIT;
	struct hf_added *added = NULL;
	struct hf_model hm = { 0 };
	const char *pre = NULL, *pre_end = NULL, *k;
	size_t nadded = 0, kl, i;
	struct jw j;
	int first, rc;

	if ((rc = zio_read_file(path, VOCAB_FILE_MAX, &text, err, errlen)) != 0)
		goto out0;
	jw_init(&j, path, text.p, text.len);
	if (jw_open(&j, '{', &first) != 0) {
		rc = jw_fail(&j, err, errlen, NULL);
		goto out;
	}
	while ((rc = jw_member(&j, &first, &k, &kl)) == 1) {
		const char *at = j.p;
		if (kl == 12 && memcmp(k, "added_tokens", 12) == 0) {
			if (parse_added(&j, &added, &nadded) != 0) {
				rc = jw_fail(&j, err, errlen, NULL);
				goto out;
			}
		} else if (kl == 5 && memcmp(k, "model", 5) == 0) {
			if ((rc = parse_hf_model(&j, m, &hm, err, errlen)) != 0)
				goto out;
		} else if (kl == 13 && memcmp(k, "pre_tokenizer", 13) == 0) {
			pre = j.p;
			if (jw_skip(&j) != 0) {
				rc = jw_fail(&j, err, errlen, NULL);
				goto out;
			}
			pre_end = j.p;
		} else if (kl == 10 && memcmp(k, "normalizer", 10) == 0) {
			if (!jw_is_null(&j)) {
				rc = jw_fail(&j, err, errlen,
				    "a normalizer is not supported for BPE");
				goto out;
			}
			jw_skip(&j);
		} else if (jw_skip(&j) != 0) {
			rc = jw_fail(&j, err, errlen, NULL);
			goto out;
		}
		(void)at;
	}
	if (rc < 0) {
		rc = jw_fail(&j, err, errlen, NULL);
		goto out;
	}
	if (!hm.is_bpe) {
		rc = fail(err, errlen, PTK_EFORMAT, "%s: no BPE model", path);
		goto out;
	}
	if (hm.merges != NULL) {
		j.p = hm.merges;
		if ((rc = parse_hf_merges(&j, m, err, errlen)) != 0)
			goto out;
	}
	m->ignore_merges = hm.ignore_merges;
	for (i = 0; i < nadded; i++) {
		int64_t have = bpe_model_find(m, added[i].s, added[i].n);
		const char *why;
		if (have < 0) {
			if (bpe_model_set(m, (uint32_t)added[i].id, added[i].s,
			    added[i].n, &why) != 0) {
				rc = fail(err, errlen, PTK_EFORMAT,
				    "%s: added token %llu: %s", path,
				    (unsigned long long)added[i].id, why);
				goto out;
			}
		} else if ((uint64_t)have != added[i].id) {
			rc = fail(err, errlen, PTK_EFORMAT,
			    "%s: added token %llu is id %lld in the vocab", path,
			    (unsigned long long)added[i].id, (long long)have);
			goto out;
		}
		bpe_model_add_special(m, (uint32_t)added[i].id);
	}
	{
		const char *why = NULL;
		if (pre == NULL) {
			rc = fail(err, errlen, PTK_EFORMAT,
			    "%s: no pre_tokenizer: not a byte-level BPE tokenizer.json", path);
			goto out;
		}
		if ((*pattern = hf_pattern(pre, pre_end, &why)) == NULL) {
			rc = fail(err, errlen, PTK_EFORMAT, "%s: %s", path, why);
			goto out;
		}
	}
	rc = 0;
out:
	jw_release(&j);
out0:
	for (i = 0; i < nadded; i++)
		free(added[i].s);
	free(added);
	buf_release(&text);
	return rc;
}

int
tok_json_model_type(const char *text, size_t len, char *type, size_t n)
{
	struct jw j, m;
	const char *k, *s;
	size_t kl, sn;
	int first, rc;

	type[0] = '\0';
	jw_init(&j, "", text, len);
	if (jw_open(&j, '{', &first) != 0)
		return PTK_EFORMAT;
	while ((rc = jw_member(&j, &first, &k, &kl)) == 1) {
		if (kl == 5 && memcmp(k, "model", 5) == 0) {
			int f2;
			m = j;
			memset(&m.key, 0, sizeof m.key);
			memset(&m.val, 0, sizeof m.val);
			if (jw_open(&m, '{', &f2) != 0)
				break;
			while ((rc = jw_member(&m, &f2, &k, &kl)) == 1) {
				if (kl == 4 && memcmp(k, "type", 4) == 0) {
					if (jw_string(&m, &m.val, &s, &sn) == 0 && sn < n) {
						memcpy(type, s, sn);
						type[sn] = '\0';
					}
					break;
				}
				if (jw_skip(&m) != 0)
					break;
			}
			jw_release(&m);
			break;
		}
		if (jw_skip(&j) != 0)
			break;
	}
	jw_release(&j);
	return type[0] ? 0 : PTK_EFORMAT;
}

/* ---- .tiktoken ---- */

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode standard base64 (with '=' padding) into out; -1 if malformed. */
static long
b64decode(const char *s, size_t n, unsigned char *out)
{
	size_t i, o = 0;
	uint32_t acc = 0;
	int bits = 0, pad = 0;

	for (i = 0; i < n; i++) {
		int v;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad || (v = b64val((unsigned char)s[i])) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (n % 4 != 0 || pad > 2)
		return -1;
	return (long)o;
}

/* The patterns and special tokens of the well-known encodings, by file name. */
#define O200K_PATTERN "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*" \
	"[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|" \
	"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+" \
	"[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|" \
	"\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
static const struct {
	const char *name;
	const char *pattern;	/* NULL: GPT-2's */
	const char *tok[6];
	uint32_t id[6];
} known_encodings[] = {
	{ "gpt2", NULL, { "<|endoftext|>" }, { 50256 } },
	{ "r50k_base", NULL, { "<|endoftext|>" }, { 50256 } },
	{ "p50k_base", NULL, { "<|endoftext|>" }, { 50256 } },
	{ "cl100k_base", PRETOK_CL100K_PATTERN, { "<|endoftext|>", "<|fim_prefix|>",
	    "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>" },
	    { 100257, 100258, 100259, 100260, 100276 } },
	{ "o200k_base", O200K_PATTERN, { "<|endoftext|>", "<|endofprompt|>" },
	    { 199999, 200018 } },
};

static int
load_tiktoken(struct bpe_model *m, const char *path, char **pattern, char *err,
    size_t errlen)
{
	struct buf text = BUF_INIT;
	const char *p, *end, *base;
	unsigned char tok[1024];
	size_t line = 0, i;
	int rc;
	char *dup;

	if ((rc = zio_read_file(path, VOCAB_FILE_MAX, &text, err, errlen)) != 0)
		goto out;
	p = text.p;
	end = text.p + text.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le, *sp, *why;
		unsigned long long rank = 0;
		const char *q;
		long tn;
		le = nl ? nl : end;
		line++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p) {
			p = nl ? nl + 1 : end;
			continue;
		}
		sp = memchr(p, ' ', (size_t)(le - p));
		if (sp == NULL || sp == p || sp + 1 >= le) {
			rc = fail(err, errlen, PTK_EFORMAT,
			    "%s: line %zu: expected '<base64 token> <rank>'", path, line);
			goto out;
		}
		if ((size_t)(sp - p) > 4 * sizeof tok / 3 ||
		    (tn = b64decode(p, (size_t)(sp - p), tok)) <= 0) {
			rc = fail(err, errlen, PTK_EFORMAT, "%s: line %zu: bad base64 token",
			    path, line);
			goto out;
		}
		for (q = sp + 1; q < le; q++) {
			if (*q < '0' || *q > '9' || rank >= BPE_MAX_VOCAB) {
				rc = fail(err, errlen, q < le && rank >= BPE_MAX_VOCAB ?
				    PTK_ELIMIT : PTK_EFORMAT,
				    "%s: line %zu: bad rank (a number below 2^24)", path, line);
				goto out;
			}
			rank = rank * 10 + (unsigned long long)(*q - '0');
		}
		if (bpe_model_set(m, (uint32_t)rank, (const char *)tok, (size_t)tn,
		    &why) != 0) {
			rc = fail(err, errlen, PTK_EFORMAT, "%s: line %zu: %s", path,
			    line, why);
			goto out;
		}
		p = nl ? nl + 1 : end;
	}
	if (m->n == 0) {
		rc = fail(err, errlen, PTK_EFORMAT, "%s: no tokens", path);
		goto out;
	}
	bpe_model_pairs_from_ranks(m);
	m->ignore_merges = 1;
	dup = xstrdup(path);
	base = basename(dup);
	for (i = 0; i < sizeof known_encodings / sizeof known_encodings[0]; i++) {
		size_t ln = strlen(known_encodings[i].name), k;
		if (strncmp(base, known_encodings[i].name, ln) != 0 ||
		    strcmp(base + ln, ".tiktoken") != 0)
			continue;
		if (known_encodings[i].pattern)
			*pattern = xstrdup(known_encodings[i].pattern);
		for (k = 0; k < 6 && known_encodings[i].tok[k]; k++) {
			const char *why;
			const char *s = known_encodings[i].tok[k];
			if (known_encodings[i].id[k] < m->n &&
			    m->len[known_encodings[i].id[k]] != BPE_NONE)
				continue;
			if (bpe_model_set(m, known_encodings[i].id[k], s, strlen(s), &why) == 0)
				bpe_model_add_special(m, known_encodings[i].id[k]);
		}
	}
	free(dup);
out:
	buf_release(&text);
	return rc;
}

int
tok_bpe_load(struct tokenizer **t, const char *path, enum tok_bpe_format f,
    const struct tokenizer_opts *o, char *err, size_t errlen)
{
	struct bpe_model m;
	char *pattern = NULL;
	int rc;

	*t = NULL;
	bpe_model_init(&m);
	switch (f) {
	case TOK_BPE_VOCAB_MERGES:
		rc = load_vocab_merges(&m, path, err, errlen);
		break;
	case TOK_BPE_HF_JSON:
		rc = load_hf_json(&m, path, &pattern, err, errlen);
		break;
	case TOK_BPE_TIKTOKEN:
		rc = load_tiktoken(&m, path, &pattern, err, errlen);
		break;
	default:
		rc = PTK_EAPI;
	}
	if (rc == 0) {
		char perr[256];
		if (pretok_new(&m.pre, pattern, perr, sizeof perr) != 0)
			rc = fail(err, errlen, PTK_EFORMAT, "%s: pre-tokenizer: %s",
			    path, perr);
	}
	free(pattern);
	if (rc != 0) {
		bpe_model_release(&m);
		return rc;
	}
	m.match_special = !(o && o->ignore_special);
	*t = bpe_model_finish(&m);
	return 0;
}
