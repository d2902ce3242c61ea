/*
 * tok_wp_tok.c - WordPiece behind the tokenizer.h interface: loading BERT
 * vocab.txt files and HuggingFace tokenizer.json files, encoding whole texts
 * (special tokens written in the text first, then the BERT pipeline and
 * WordPiece), and decoding as HuggingFace's WordPiece decoder does.
 */
#include "tok_wp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "utf8.h"
#include "xalloc.h"

#define WP_MAX_FILE ((size_t)1 << 30)	/* largest vocabulary file read */
#define WP_MAX_SPECIAL 256

struct wp_special {
	char *s;
	size_t n;
	uint32_t id;
};

struct wp_tok {
	struct wp_vocab *v;
	struct wp_norm norm;
	size_t max_chars;
	struct wp_special *sp;	/* (nsp) matched in text, longest first */
	size_t nsp;
	uint8_t first[256];	/* bytes that start a special token */
	int one_first;		/* the only such byte, or -1 */
};

struct tok_state {
	struct wp_words w;
};

static struct tok_state *
wp_state_new(const struct tokenizer *t)
{
	return xcalloc(1, sizeof(struct tok_state));
}

static void
wp_state_free(struct tok_state *s)
{
	if (s == NULL)
		return;
	wp_words_release(&s->w);
	free(s);
}

/* Invalid UTF-8 has no token (HuggingFace cannot even take it): PTK_EFORMAT. */
static int
encode_span(const struct wp_tok *k, struct tok_state *s, const char *text,
    size_t n, struct idvec *out)
{
	struct wp_words *w = &s->w;
	size_t i;

	if (n == 0)
		return 0;
	w->n = 0;
	w->text.len = 0;
	w->invalid = 0;
	wp_split(&k->norm, text, n, w);
	if (w->invalid)
		return PTK_EFORMAT;
	for (i = 0; i < w->n; i++)
		wp_encode_word(k->v, w->text.p + w->start[i], w->len[i],
		    w->nchars[i], k->max_chars, out);
	return 0;
}

static int
wp_encode(const struct tokenizer *t, struct tok_state *s, const char *text,
    size_t n, struct idvec *out)
{
	const struct wp_tok *k = t->impl;
	size_t seg = 0, i = 0, j;

	if (k->nsp == 0)
		return encode_span(k, s, text, n, out);
	while (i < n) {
		const struct wp_special *hit = NULL;

		if (k->one_first >= 0) {
			const char *q = memchr(text + i, k->one_first, n - i);
			if (q == NULL)
				break;
			i = (size_t)(q - text);
		} else if (!k->first[(unsigned char)text[i]]) {
			i++;
			continue;
		}
		for (j = 0; j < k->nsp && hit == NULL; j++)
			if (k->sp[j].n <= n - i &&
			    memcmp(text + i, k->sp[j].s, k->sp[j].n) == 0)
				hit = &k->sp[j];
		if (hit == NULL) {
			i++;
			continue;
		}
		if (encode_span(k, s, text + seg, i - seg, out) != 0)
			return PTK_EFORMAT;
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 64;
			out->v = xreallocarray(out->v, out->cap, sizeof *out->v);
		}
		out->v[out->n++] = hit->id;
		i += hit->n;
		seg = i;
	}
	return encode_span(k, s, text + seg, n - seg, out);
}

/* Replace every "from" in b with "to" (to is never longer than from). */
static void
replace_all(struct buf *b, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), r = 0, w = 0;

	if (b->len < fl)
		return;
	while (r < b->len) {
		if (r + fl <= b->len && memcmp(b->p + r, from, fl) == 0) {
			memmove(b->p + w, to, tl);
			w += tl;
			r += fl;
		} else
			b->p[w++] = b->p[r++];
	}
	b->len = w;
	b->p[w] = '\0';
}

/*
 * HuggingFace's WordPiece decoder with cleanup: a piece after the first
 * loses its "##" or gains a leading space, and then each piece on its own
 * has " ." " ?" " !" " ," " ' " " n't" " 'm" " do not" " 's" " 've" " 're"
 * tidied.
 */
static int
wp_decode(const struct tokenizer *t, const uint32_t *ids, size_t n,
    struct buf *out)
{
	static const char *const fix[][2] = {
		{ " .", "." }, { " ?", "?" }, { " !", "!" }, { " ,", "," },
		{ " ' ", "'" }, { " n't", "n't" }, { " 'm", "'m" },
		{ " do not", " don't" }, { " 's", "'s" }, { " 've", "'ve" },
		{ " 're", "'re" },
	};
	const struct wp_tok *k = t->impl;
	struct buf piece = BUF_INIT;
	size_t i, f, plen = strlen(WP_PREFIX);
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		size_t len;
		const char *s = wp_vocab_str(k->v, ids[i], &len);

		if (s == NULL) {
			rc = PTK_EAPI;
			break;
		}
		buf_reset(&piece);
		if (i > 0) {
			if (len >= plen && memcmp(s, WP_PREFIX, plen) == 0) {
				s += plen;
				len -= plen;
			} else
				buf_putc(&piece, ' ');
		}
		buf_append(&piece, s, len);
		for (f = 0; f < sizeof fix / sizeof fix[0]; f++)
			replace_all(&piece, fix[f][0], fix[f][1]);
		rc = buf_append(out, piece.p, piece.len);
	}
	buf_release(&piece);
	return rc;
}

static int64_t
wp_token_id(const struct tokenizer *t, const char *s, size_t n)
{
	const struct wp_tok *k = t->impl;

	return wp_vocab_id(k->v, s, n);
}

static const char *
wp_token_str(const struct tokenizer *t, uint32_t id, size_t *len)
{
	const struct wp_tok *k = t->impl;

	return wp_vocab_str(k->v, id, len);
}

static void
wp_tok_free(struct tokenizer *t)
{
	struct wp_tok *k;
	size_t i;

	if (t == NULL)
		return;
	if ((k = t->impl) != NULL) {
		wp_vocab_free(k->v);
		for (i = 0; i < k->nsp; i++)
			free(k->sp[i].s);
		free(k->sp);
		free(k);
	}
	free(t);
}

static const struct tokenizer_ops wp_ops = {
	.name = "wordpiece",
	.state_new = wp_state_new,
	.state_free = wp_state_free,
	.encode = wp_encode,
	.decode = wp_decode,
	.token_id = wp_token_id,
	.token_str = wp_token_str,
	.free = wp_tok_free,
};

int
tok_wp_can_cut(const struct tokenizer *t)
{
	const struct wp_tok *k;
	size_t i, j;

	if (t->ops != &wp_ops)
		return 0;
	k = t->impl;
	for (i = 0; i < k->nsp; i++)
		for (j = 0; j < k->sp[i].n; j++)
			if (strchr(" \t\n\r\v\f", k->sp[i].s[j]) != NULL)
				return 0;
	return 1;
}

size_t
tok_wp_cut(const char *text, size_t len, size_t at)
{
	for (; at < len; at++)
		if (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\n' ||
		    text[at - 1] == '\t' || text[at - 1] == '\r'))
			return at;
	return len;
}

const struct wp_vocab *
tok_wp_vocab(const struct tokenizer *t)
{
	return ((const struct wp_tok *)t->impl)->v;
}

const struct wp_norm *
tok_wp_norm(const struct tokenizer *t)
{
	return &((const struct wp_tok *)t->impl)->norm;
}

size_t
tok_wp_max_chars(const struct tokenizer *t)
{
	return ((const struct wp_tok *)t->impl)->max_chars;
}

/* ---- loading ---- */

static int
read_file(const char *path, char **data, size_t *len, char *err,
    size_t errlen)
{
	struct stat st;
	size_t n = 0, cap;
	char *p;
	int fd;

	*data = NULL;
	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return PTK_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s: is a folder without vocab.txt or tokenizer.json",
		    path);
		return PTK_EFORMAT;
	}
	if ((size_t)st.st_size > WP_MAX_FILE) {
		close(fd);
		snprintf(err, errlen, "%s: larger than %zu bytes", path, WP_MAX_FILE);
		return PTK_EFORMAT;
	}
	cap = (size_t)st.st_size + 1;
	p = xmalloc(cap + 1);
	for (;;) {
		ssize_t k = read(fd, p + n, cap - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			free(p);
			close(fd);
			return PTK_EIO;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n == cap) {
			if (cap > WP_MAX_FILE) {
				snprintf(err, errlen, "%s: larger than %zu bytes", path,
				    WP_MAX_FILE);
				free(p);
				close(fd);
				return PTK_EFORMAT;
			}
			cap *= 2;
			p = xrealloc(p, cap + 1);
		}
	}
	close(fd);
	p[n] = '\0';
	*data = p;
	*len = n;
	return 0;
}

/* Special tokens matched in the text: longest first, then by id. */
static int
special_cmp(const void *a, const void *b)
{
	const struct wp_special *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void
add_special(struct wp_tok *k, const char *s, size_t n, uint32_t id)
{
	size_t i;

	if (n == 0 || k->nsp >= WP_MAX_SPECIAL)
		return;
	for (i = 0; i < k->nsp; i++)
		if (k->sp[i].n == n && memcmp(k->sp[i].s, s, n) == 0)
			return;
	k->sp = xreallocarray(k->sp, k->nsp + 1, sizeof *k->sp);
	k->sp[k->nsp].s = xmemdup(s, n);
	k->sp[k->nsp].n = n;
	k->sp[k->nsp].id = id;
	k->nsp++;
}

static struct tokenizer *
finish(struct wp_tok *k)
{
	static const char *const names[TOK_NSPECIAL] = {
		[TOK_PAD] = "[PAD]", [TOK_UNK] = "[UNK]", [TOK_CLS] = "[CLS]",
		[TOK_SEP] = "[SEP]", [TOK_MASK] = "[MASK]",
	};
	struct tokenizer *t = xcalloc(1, sizeof *t);
	size_t i;
	int slot, firsts = 0;

	t->ops = &wp_ops;
	t->impl = k;
	t->vocab_size = (uint32_t)wp_vocab_size(k->v);
	t->fingerprint = wp_fingerprint(k->v);
	for (slot = 0; slot < TOK_NSPECIAL; slot++) {
		int64_t id = names[slot] ?
		    wp_vocab_id(k->v, names[slot], strlen(names[slot])) : -1;
		t->special[slot] = (int32_t)id;
	}
	t->special[TOK_UNK] = (int32_t)wp_vocab_unk(k->v);
	if (k->nsp > 1)
		qsort(k->sp, k->nsp, sizeof *k->sp, special_cmp);
	memset(k->first, 0, sizeof k->first);
	k->one_first = -1;
	for (i = 0; i < k->nsp; i++) {
		unsigned char c = (unsigned char)k->sp[i].s[0];
		if (!k->first[c])
			firsts++;
		k->first[c] = 1;
		k->one_first = c;
	}
	if (firsts != 1)
		k->one_first = -1;
	return t;
}

static void
apply_opts(struct wp_tok *k, const struct tokenizer_opts *opts)
{
	if (opts == NULL)
		return;
	if (opts->lowercase == 0 || opts->lowercase == 1)
		k->norm.lowercase = k->norm.strip_accents = opts->lowercase;
	if (opts->max_word_chars > 0)
		k->max_chars = (size_t)opts->max_word_chars;
	if (opts->ignore_special) {
		size_t i;
		for (i = 0; i < k->nsp; i++)
			free(k->sp[i].s);
		free(k->sp);
		k->sp = NULL;
		k->nsp = 0;
	}
}

/*
 * A BERT vocab.txt: token i on line i + 1.  Trailing spaces, tabs and a CR
 * are trimmed (as BERT and HuggingFace both do); an empty line, a token
 * with leading whitespace, a duplicate or a missing [UNK] is an error.
 */
static int
load_vocab_txt(struct tokenizer **tp, const char *path, const char *mem,
    size_t memlen, const struct tokenizer_opts *opts, char *err, size_t errlen)
{
	static const struct wp_norm uncased = WP_NORM_UNCASED;
	static const char *const bert[] = { "[PAD]", "[UNK]", "[CLS]", "[SEP]",
	    "[MASK]" };
	char *data = NULL, why[256];
	const char **tok = NULL;
	size_t *len = NULL, n = 0, cap = 0, size = memlen, line = 1, i;
	const char *p = mem, *end;
	struct wp_tok *k;
	int rc;

	if (mem == NULL) {
		if ((rc = read_file(path, &data, &size, err, errlen)) != 0)
			return rc;
		p = data;
	}
	end = p + size;
	for (; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t l = (size_t)(e - p);

		while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t' ||
		    p[l - 1] == '\r' || p[l - 1] == '\v' || p[l - 1] == '\f'))
			l--;
		if (l == 0) {
			snprintf(err, errlen, "%s: line %zu: empty line", path, line);
			goto bad;
		}
		if (p[0] == ' ' || p[0] == '\t') {
			snprintf(err, errlen, "%s: line %zu: token starts with whitespace",
			    path, line);
			goto bad;
		}
		if (utf8_valid_prefix((const unsigned char *)p, l) != l ||
		    memchr(p, '\0', l) != NULL) {
			snprintf(err, errlen, "%s: line %zu: invalid UTF-8", path, line);
			goto bad;
		}
		if (l > WP_MAX_TOKEN_BYTES) {
			snprintf(err, errlen, "%s: line %zu: token longer than %d bytes",
			    path, line, WP_MAX_TOKEN_BYTES);
			goto bad;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			tok = xreallocarray(tok, cap, sizeof *tok);
			len = xreallocarray(len, cap, sizeof *len);
		}
		tok[n] = p;
		len[n++] = l;
		p = nl ? nl + 1 : end;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: empty vocabulary", path);
		goto bad;
	}
	k = xcalloc(1, sizeof *k);
	k->norm = uncased;
	k->max_chars = WP_MAX_CHARS_DEFAULT;
	if (wp_vocab_new(&k->v, tok, len, n, "[UNK]", why, sizeof why) != 0) {
		unsigned long long id;
		/* "token N: ..." -> "line N+1: ..." */
		if (sscanf(why, "token %llu", &id) == 1) {
			const char *rest = strchr(why, ':');
			unsigned long long other;
			const char *d = strstr(why, "duplicate of token ");
			if (d && sscanf(d, "duplicate of token %llu", &other) == 1)
				snprintf(err, errlen, "%s: line %llu: duplicate token '%.*s' (first on line %llu)",
				    path, id + 1, (int)(len[id] > 64 ? 64 : len[id]),
				    tok[id], other + 1);
			else
				snprintf(err, errlen, "%s: line %llu%s", path, id + 1,
				    rest ? rest : "");
		} else
			snprintf(err, errlen, "%s: %s", path, why);
		free(k);
		goto bad;
	}
	for (i = 0; i < sizeof bert / sizeof bert[0]; i++) {
		int64_t id = wp_vocab_id(k->v, bert[i], strlen(bert[i]));
		if (id >= 0)
			add_special(k, bert[i], strlen(bert[i]), (uint32_t)id);
	}
	apply_opts(k, opts);
	free(tok);
	free(len);
	free(data);
	*tp = finish(k);
	return 0;
bad:
	free(tok);
	free(len);
	free(data);
	return PTK_EFORMAT;
}

/* ---- tokenizer.json ---- */

struct jp {
	const char *p, *end, *start;
	const char *why;
	struct buf key, val;
};

static int
jp_fail(struct jp *j, const char *why)
{
	j->why = why;
	return PTK_EFORMAT;
}

static int
jp_expect(struct jp *j, char c)
{
	j->p = json_skip_ws(j->p, j->end);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return 0;
	}
	switch (c) {
	case '{':
		return jp_fail(j, "expected an object");
	case '[':
		return jp_fail(j, "expected an array");
	case ':':
		return jp_fail(j, "expected ':'");
	default:
		return jp_fail(j, "expected ','");
	}
}

/* Whether the next value is null (consumed if so). */
static int
jp_null(struct jp *j)
{
	j->p = json_skip_ws(j->p, j->end);
	if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0) {
		j->p += 4;
		return 1;
	}
	return 0;
}

static int
jp_bool(struct jp *j, int *v)
{
	j->p = json_skip_ws(j->p, j->end);
	if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0) {
		j->p += 4;
		*v = 1;
		return 0;
	}
	if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0) {
		j->p += 5;
		*v = 0;
		return 0;
	}
	return jp_fail(j, "expected true or false");
}

static int
jp_string(struct jp *j, struct buf *b, const char **s, size_t *n)
{
	j->p = json_skip_ws(j->p, j->end);
	return json_read_string(&j->p, j->end, b, s, n, 0, NULL, &j->why);
}

static int
jp_u64(struct jp *j, unsigned long long *v)
{
	j->p = json_skip_ws(j->p, j->end);
	return json_read_u64(&j->p, j->end, v, &j->why);
}

static int
jp_skip(struct jp *j)
{
	j->p = json_skip_ws(j->p, j->end);
	return json_skip_value(&j->p, j->end, &j->why);
}

/*
 * The next member of an object whose '{' was read: 1 with the key in
 * *key, *klen (valid until the next call) and the value next, 0 at '}', or
 * an error.  *first is 1 before the first member.
 */
static int
jp_member(struct jp *j, int *first, const char **key, size_t *klen)
{
	int rc;

	j->p = json_skip_ws(j->p, j->end);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	if (!*first && (rc = jp_expect(j, ',')) != 0)
		return rc;
	*first = 0;
	if ((rc = jp_string(j, &j->key, key, klen)) != 0)
		return rc;
	return jp_expect(j, ':') ? PTK_EFORMAT : 1;
}

/* Next element of an array whose '[' was read: 1, 0 at ']', or an error. */
static int
jp_element(struct jp *j, int *first)
{
	j->p = json_skip_ws(j->p, j->end);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	if (!*first && jp_expect(j, ',') != 0)
		return PTK_EFORMAT;
	*first = 0;
	return 1;
}

static int
key_is(const char *k, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(k, lit, n) == 0;
}

/* What a tokenizer.json says about WordPiece. */
struct wp_json {
	int has_model, is_wordpiece;
	struct buf type;	/* model.type */
	struct buf unk;		/* model.unk_token */
	struct buf prefix;	/* model.continuing_subword_prefix */
	unsigned long long max_chars;
	struct buf pool;	/* vocab tokens, back to back */
	size_t *off, *len;
	unsigned long long *id;
	size_t n, cap;
	struct wp_norm norm;
	int norm_kind;		/* 0 none, 1 BertNormalizer, 2 another */
	int strip_set;		/* strip_accents given (not null) */
	int has_pre, pre_ok;
	struct buf pre_type, norm_type;
	struct buf added;	/* added token contents */
	size_t *aoff, *alen;
	unsigned long long *aid;
	size_t na;
	const char *semantic;	/* a static message about the content */
};

static void
wp_json_release(struct wp_json *x)
{
	buf_release(&x->type);
	buf_release(&x->unk);
	buf_release(&x->prefix);
	buf_release(&x->pool);
	buf_release(&x->pre_type);
	buf_release(&x->norm_type);
	buf_release(&x->added);
	free(x->off);
	free(x->len);
	free(x->id);
	free(x->aoff);
	free(x->alen);
	free(x->aid);
}

static int
jp_string_into(struct jp *j, struct buf *dst)
{
	const char *s;
	size_t n;
	int rc;

	if ((rc = jp_string(j, &j->val, &s, &n)) != 0)
		return rc;
	buf_reset(dst);
	return buf_append(dst, s, n);
}

static int
parse_vocab(struct jp *j, struct wp_json *x)
{
	int first = 1, rc;
	const char *k;
	size_t kn;

	if ((rc = jp_expect(j, '{')) != 0)
		return rc;
	while ((rc = jp_member(j, &first, &k, &kn)) == 1) {
		unsigned long long id;
		if (x->n == x->cap) {
			x->cap = x->cap ? x->cap * 2 : 1024;
			x->off = xreallocarray(x->off, x->cap, sizeof *x->off);
			x->len = xreallocarray(x->len, x->cap, sizeof *x->len);
			x->id = xreallocarray(x->id, x->cap, sizeof *x->id);
		}
		x->off[x->n] = x->pool.len;
		x->len[x->n] = kn;
		if (buf_append(&x->pool, k, kn) != 0)
			return PTK_ELIMIT;
		if ((rc = jp_u64(j, &id)) != 0)
			return rc;
		x->id[x->n++] = id;
	}
	return rc;
}

static int
parse_model(struct jp *j, struct wp_json *x, int type_only)
{
	int first = 1, rc;
	const char *k;
	size_t kn;

	x->has_model = 1;
	if ((rc = jp_expect(j, '{')) != 0)
		return rc;
	while ((rc = jp_member(j, &first, &k, &kn)) == 1) {
		if (key_is(k, kn, "type"))
			rc = jp_string_into(j, &x->type);
		else if (type_only)
			rc = jp_skip(j);
		else if (key_is(k, kn, "unk_token"))
			rc = jp_string_into(j, &x->unk);
		else if (key_is(k, kn, "continuing_subword_prefix"))
			rc = jp_string_into(j, &x->prefix);
		else if (key_is(k, kn, "max_input_chars_per_word"))
			rc = jp_u64(j, &x->max_chars);
		else if (key_is(k, kn, "vocab"))
			rc = parse_vocab(j, x);
		else
			rc = jp_skip(j);
		if (rc != 0)
			return rc;
	}
	return rc;
}

static int
parse_normalizer(struct jp *j, struct wp_json *x)
{
	int first = 1, rc, v;
	const char *k;
	size_t kn;

	if (jp_null(j)) {
		x->norm_kind = 0;
		return 0;
	}
	x->norm_kind = 2;
	if ((rc = jp_expect(j, '{')) != 0)
		return rc;
	while ((rc = jp_member(j, &first, &k, &kn)) == 1) {
		if (key_is(k, kn, "type")) {
			if ((rc = jp_string_into(j, &x->norm_type)) == 0 &&
			    strcmp(x->norm_type.p, "BertNormalizer") == 0)
				x->norm_kind = 1;
		} else if (key_is(k, kn, "strip_accents")) {
			rc = 0;
			if (jp_null(j))
				x->strip_set = 0;
			else if ((rc = jp_bool(j, &v)) == 0) {
				x->norm.strip_accents = v;
				x->strip_set = 1;
			}
		} else if (key_is(k, kn, "clean_text")) {
			if ((rc = jp_bool(j, &v)) == 0)
				x->norm.clean_text = v;
		} else if (key_is(k, kn, "handle_chinese_chars")) {
			if ((rc = jp_bool(j, &v)) == 0)
				x->norm.chinese_chars = v;
		} else if (key_is(k, kn, "lowercase")) {
			if ((rc = jp_bool(j, &v)) == 0)
				x->norm.lowercase = v;
		} else
			rc = jp_skip(j);
		if (rc != 0)
			return rc;
	}
	return rc;
}

static int
parse_pre(struct jp *j, struct wp_json *x)
{
	int first = 1, rc;
	const char *k;
	size_t kn;

	x->has_pre = 1;
	if (jp_null(j))
		return 0;
	if ((rc = jp_expect(j, '{')) != 0)
		return rc;
	while ((rc = jp_member(j, &first, &k, &kn)) == 1) {
		if (key_is(k, kn, "type"))
			rc = jp_string_into(j, &x->pre_type);
		else
			rc = jp_skip(j);
		if (rc != 0)
			return rc;
	}
	x->pre_ok = x->pre_type.len == 16 &&
	    memcmp(x->pre_type.p, "BertPreTokenizer", 16) == 0;
	return rc;
}

static int
parse_added(struct jp *j, struct wp_json *x)
{
	int first = 1, rc;

	if (jp_null(j))
		return 0;
	if ((rc = jp_expect(j, '[')) != 0)
		return rc;
	while ((rc = jp_element(j, &first)) == 1) {
		int f2 = 1, have_id = 0, have_content = 0;
		unsigned long long id = 0;
		const char *k;
		size_t kn;

		if ((rc = jp_expect(j, '{')) != 0)
			return rc;
		x->aoff = xreallocarray(x->aoff, x->na + 1, sizeof *x->aoff);
		x->alen = xreallocarray(x->alen, x->na + 1, sizeof *x->alen);
		x->aid = xreallocarray(x->aid, x->na + 1, sizeof *x->aid);
		while ((rc = jp_member(j, &f2, &k, &kn)) == 1) {
			if (key_is(k, kn, "id")) {
				rc = jp_u64(j, &id);
				have_id = 1;
			} else if (key_is(k, kn, "content")) {
				const char *s;
				size_t n;
				if ((rc = jp_string(j, &j->val, &s, &n)) == 0) {
					x->aoff[x->na] = x->added.len;
					x->alen[x->na] = n;
					rc = buf_append(&x->added, s, n);
					have_content = 1;
				}
			} else
				rc = jp_skip(j);
			if (rc != 0)
				return rc;
		}
		if (rc < 0)
			return rc;
		if (!have_id || !have_content)
			return jp_fail(j, "added token without id or content");
		x->aid[x->na++] = id;
	}
	return rc;
}

static int
parse_json(struct jp *j, struct wp_json *x, int model_type_only)
{
	int first = 1, rc;
	const char *k;
	size_t kn;

	x->norm.clean_text = x->norm.chinese_chars = x->norm.lowercase = 1;
	x->norm.strip_accents = 0;
	x->max_chars = WP_MAX_CHARS_DEFAULT;
	buf_append(&x->unk, "[UNK]", 5);
	buf_append(&x->prefix, WP_PREFIX, strlen(WP_PREFIX));
	if ((rc = jp_expect(j, '{')) != 0)
		return rc;
	while ((rc = jp_member(j, &first, &k, &kn)) == 1) {
		if (key_is(k, kn, "model"))
			rc = parse_model(j, x, model_type_only);
		else if (model_type_only)
			rc = jp_skip(j);
		else if (key_is(k, kn, "normalizer"))
			rc = parse_normalizer(j, x);
		else if (key_is(k, kn, "pre_tokenizer"))
			rc = parse_pre(j, x);
		else if (key_is(k, kn, "added_tokens"))
			rc = parse_added(j, x);
		else
			rc = jp_skip(j);
		if (rc != 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	j->p = json_skip_ws(j->p, j->end);
	if (j->p != j->end)
		return jp_fail(j, "text after the JSON value");
	x->is_wordpiece = x->type.len == 9 && memcmp(x->type.p, "WordPiece", 9) == 0;
	return 0;
}

/* Parse a tokenizer.json; model_type_only stops caring after model.type. */
static int
read_json(const char *path, const char *mem, size_t memlen, struct wp_json *x,
    int model_type_only, char *err, size_t errlen)
{
	struct jp j = { 0 };
	char *data = NULL;
	size_t size = memlen;
	int rc;

	memset(x, 0, sizeof *x);
	if (mem == NULL) {
		if ((rc = read_file(path, &data, &size, err, errlen)) != 0)
			return rc;
		mem = data;
	}
	j.p = j.start = mem;
	j.end = mem + size;
	if ((rc = parse_json(&j, x, model_type_only)) != 0) {
		snprintf(err, errlen, "%s: at byte %zu: %s", path,
		    (size_t)(j.p - j.start), j.why ? j.why : "bad JSON");
		rc = PTK_EFORMAT;
	}
	buf_release(&j.key);
	buf_release(&j.val);
	free(data);
	return rc;
}

static int
load_tokenizer_json(struct tokenizer **tp, const char *path, const char *mem,
    size_t memlen, const struct tokenizer_opts *opts, char *err, size_t errlen)
{
	struct wp_json x;
	const char **tok = NULL;
	size_t *len = NULL, i;
	struct wp_tok *k = NULL;
	char why[256];
	int rc;

	if ((rc = read_json(path, mem, memlen, &x, 0, err, errlen)) != 0)
		goto out;
	rc = PTK_EFORMAT;
	if (!x.has_model || !x.is_wordpiece) {
		snprintf(err, errlen, "%s: the model is not WordPiece", path);
		goto out;
	}
	if (x.prefix.len != strlen(WP_PREFIX) ||
	    memcmp(x.prefix.p, WP_PREFIX, x.prefix.len) != 0) {
		snprintf(err, errlen, "%s: continuing_subword_prefix '%s' is not supported (only '%s')",
		    path, x.prefix.p, WP_PREFIX);
		goto out;
	}
	if (x.norm_kind == 0) {
		/* No normalizer: HuggingFace applies none. */
		x.norm.clean_text = x.norm.chinese_chars = x.norm.lowercase = 0;
		x.norm.strip_accents = 0;
		x.strip_set = 1;
	} else if (x.norm_kind != 1) {
		snprintf(err, errlen, "%s: normalizer '%s' is not supported (only BertNormalizer)",
		    path, x.norm_type.p ? x.norm_type.p : "");
		goto out;
	}
	if (!x.strip_set)
		x.norm.strip_accents = x.norm.lowercase;
	if (!x.pre_ok) {
		snprintf(err, errlen, "%s: pre_tokenizer '%s' is not supported (only BertPreTokenizer)",
		    path, x.pre_type.p ? x.pre_type.p : "null");
		goto out;
	}
	if (x.max_chars == 0 || x.max_chars > UINT32_MAX) {
		snprintf(err, errlen, "%s: bad max_input_chars_per_word %llu", path,
		    x.max_chars);
		goto out;
	}
	tok = xcalloc(x.n ? x.n : 1, sizeof *tok);
	len = xcalloc(x.n ? x.n : 1, sizeof *len);
	for (i = 0; i < x.n; i++) {
		if (x.id[i] >= x.n || tok[x.id[i]] != NULL) {
			snprintf(err, errlen, "%s: vocab ids are not 0..%zu, each once (token '%.*s' has id %llu)",
			    path, x.n ? x.n - 1 : 0, (int)(x.len[i] > 64 ? 64 : x.len[i]),
			    x.pool.p + x.off[i], x.id[i]);
			goto out;
		}
		tok[x.id[i]] = x.pool.p + x.off[i];
		len[x.id[i]] = x.len[i];
	}
	k = xcalloc(1, sizeof *k);
	k->norm = x.norm;
	k->max_chars = (size_t)x.max_chars;
	if (wp_vocab_new(&k->v, tok, len, x.n, x.unk.p ? x.unk.p : "", why,
	    sizeof why) != 0) {
		snprintf(err, errlen, "%s: model vocab: %s", path, why);
		goto out;
	}
	for (i = 0; i < x.na; i++) {
		const char *s = x.added.p + x.aoff[i];
		int64_t id = wp_vocab_id(k->v, s, x.alen[i]);
		if (id < 0 || (unsigned long long)id != x.aid[i]) {
			snprintf(err, errlen, "%s: added token '%.*s' (id %llu) is not the model's token of that id",
			    path, (int)(x.alen[i] > 64 ? 64 : x.alen[i]), s, x.aid[i]);
			goto out;
		}
		add_special(k, s, x.alen[i], (uint32_t)id);
	}
	apply_opts(k, opts);
	*tp = finish(k);
	k = NULL;
	rc = 0;
out:
	if (k != NULL) {
		wp_vocab_free(k->v);
		free(k);
	}
	free(tok);
	free(len);
	wp_json_release(&x);
	return rc;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
json_is_wordpiece(const char *path)
{
	struct wp_json x;
	char err[64];
	int yes;

	if (read_json(path, NULL, 0, &x, 1, err, sizeof err) != 0) {
		wp_json_release(&x);
		return 0;
	}
	yes = x.is_wordpiece;
	wp_json_release(&x);
	return yes;
}

int
tok_wp_load(struct tokenizer **t, const char *path,
    const struct tokenizer_opts *opts, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	char *p = NULL;
	int rc;

	*t = NULL;
	base = base ? base + 1 : path;
	if (is_dir(path)) {
		if (asprintf(&p, "%s/tokenizer.json", path) < 0)
			return PTK_EIO;
		if (exists(p) && json_is_wordpiece(p))
			rc = load_tokenizer_json(t, p, NULL, 0, opts, err, errlen);
		else {
			free(p);
			if (asprintf(&p, "%s/vocab.txt", path) < 0)
				return PTK_EIO;
			rc = load_vocab_txt(t, p, NULL, 0, opts, err, errlen);
		}
		free(p);
		return rc;
	}
	if (ends_with(base, ".json"))
		return load_tokenizer_json(t, path, NULL, 0, opts, err, errlen);
	return load_vocab_txt(t, path, NULL, 0, opts, err, errlen);
}

int
tok_wp_load_mem(struct tokenizer **t, const char *name, const char *data,
    size_t len, int json, const struct tokenizer_opts *opts, char *err,
    size_t errlen)
{
	*t = NULL;
	if (json)
		return load_tokenizer_json(t, name, data ? data : "", len, opts,
		    err, errlen);
	return load_vocab_txt(t, name, data ? data : "", len, opts, err, errlen);
}
