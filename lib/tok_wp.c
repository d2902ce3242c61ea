/*
 * tok_wp.c - WordPiece vocabularies and encoding; the tokenizer.h interface
 * for them (loading vocab.txt and tokenizer.json is in tok_wp_load.c).
 *
 * A vocabulary keeps two open-addressing hash tables over one string pool:
 * every token by its whole string (for a word's first piece and for
 * token_id), and the "##" tokens by what follows the prefix (for the pieces
 * after the first), so that encoding never builds a string.
 */
#include "tok_wp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "err.h"
#include "tokrec.h"
#include "utf8.h"
#include "xalloc.h"

struct wp_table {
	uint64_t *slot;		/* (mask + 1) high 32 bits of the hash | id + 1; 0 = empty */
	size_t mask;
};

struct wp_vocab {
	char *pool;		/* every token, NUL-terminated, back to back */
	size_t *off;		/* (n) offset of token i in pool */
	uint32_t *len;		/* (n) its length in bytes */
	size_t n;
	struct wp_table full;	/* token -> id */
	struct wp_table cont;	/* "##x" by "x" -> id */
	size_t max_full;	/* longest token, bytes */
	size_t max_cont;	/* longest "##" suffix, bytes */
	uint32_t unk;
};

static inline uint64_t
wp_hash(const char *s, size_t n)
{
	return XXH3_64bits(s, n);
}

static void
table_init(struct wp_table *t, size_t n)
{
	size_t cap = 16;

	while (cap < n * 2 + 1)
		cap *= 2;
	t->slot = xcalloc(cap, sizeof *t->slot);
	t->mask = cap - 1;
}

/* Find s[0..n) in t; skip is how many bytes of each token to ignore. */
static inline int64_t
table_find(const struct wp_vocab *v, const struct wp_table *t, size_t skip,
    const char *s, size_t n)
{
	uint64_t h = wp_hash(s, n);
	uint64_t tag = h >> 32;
	size_t i = (size_t)h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		uint64_t e = t->slot[i];
		uint32_t id;
		if (e == 0)
			return -1;
		if ((e >> 32) != tag)
			continue;
		id = (uint32_t)e - 1;
		if (v->len[id] - skip == n &&
		    memcmp(v->pool + v->off[id] + skip, s, n) == 0)
			return id;
	}
}

static void
table_put(struct wp_table *t, const char *s, size_t n, uint32_t id)
{
	uint64_t h = wp_hash(s, n);
	size_t i = (size_t)h & t->mask;

	while (t->slot[i] != 0)
		i = (i + 1) & t->mask;
	t->slot[i] = (h >> 32) << 32 | ((uint64_t)id + 1);
}

void
wp_vocab_free(struct wp_vocab *v)
{
	if (v == NULL)
		return;
	free(v->pool);
	free(v->off);
	free(v->len);
	free(v->full.slot);
	free(v->cont.slot);
	free(v);
}

int
wp_vocab_new(struct wp_vocab **vp, const char *const *tok, const size_t *len,
    size_t n, const char *unk, char *err, size_t errlen)
{
	struct wp_vocab *v = xcalloc(1, sizeof *v);
	size_t i, total = 0, plen = strlen(WP_PREFIX);
	int64_t u;

	*vp = NULL;
	if (n > UINT32_MAX - 1) {
		snprintf(err, errlen, "too many tokens (%zu)", n);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (len[i] == 0) {
			snprintf(err, errlen, "token %zu: empty token", i);
			goto fail;
		}
		if (len[i] > WP_MAX_TOKEN_BYTES) {
			snprintf(err, errlen, "token %zu: longer than %d bytes", i,
			    WP_MAX_TOKEN_BYTES);
			goto fail;
		}
		if (utf8_valid_prefix((const unsigned char *)tok[i], len[i]) != len[i] ||
		    memchr(tok[i], '\0', len[i]) != NULL) {
			snprintf(err, errlen, "token %zu: invalid UTF-8", i);
			goto fail;
		}
		total += len[i] + 1;
	}
	v->n = n;
	v->pool = xmalloc(total ? total : 1);
	v->off = xcalloc(n ? n : 1, sizeof *v->off);
	v->len = xcalloc(n ? n : 1, sizeof *v->len);
	table_init(&v->full, n);
	table_init(&v->cont, n);
	total = 0;
	for (i = 0; i < n; i++) {
		int64_t dup;
		memcpy(v->pool + total, tok[i], len[i]);
		v->pool[total + len[i]] = '\0';
		v->off[i] = total;
		v->len[i] = (uint32_t)len[i];
		total += len[i] + 1;
		if ((dup = table_find(v, &v->full, 0, tok[i], len[i])) >= 0) {
			snprintf(err, errlen, "token %zu: duplicate of token %lld '%.*s'",
			    i, (long long)dup, (int)(len[i] > 64 ? 64 : len[i]), tok[i]);
			goto fail;
		}
		table_put(&v->full, tok[i], len[i], (uint32_t)i);
		if (len[i] > v->max_full)
			v->max_full = len[i];
		if (len[i] > plen && memcmp(tok[i], WP_PREFIX, plen) == 0) {
			table_put(&v->cont, tok[i] + plen, len[i] - plen, (uint32_t)i);
			if (len[i] - plen > v->max_cont)
				v->max_cont = len[i] - plen;
		}
	}
	if ((u = table_find(v, &v->full, 0, unk, strlen(unk))) < 0) {
		snprintf(err, errlen, "no unknown token '%s' in the vocabulary", unk);
		goto fail;
	}
	v->unk = (uint32_t)u;
	*vp = v;
	return 0;
fail:
	wp_vocab_free(v);
	return PTK_EFORMAT;
}

size_t
wp_vocab_size(const struct wp_vocab *v)
{
	return v->n;
}

uint32_t
wp_vocab_unk(const struct wp_vocab *v)
{
	return v->unk;
}

int64_t
wp_vocab_id(const struct wp_vocab *v, const char *s, size_t n)
{
	return table_find(v, &v->full, 0, s, n);
}

const char *
wp_vocab_str(const struct wp_vocab *v, uint32_t id, size_t *len)
{
	if (id >= v->n)
		return NULL;
	if (len)
		*len = v->len[id];
	return v->pool + v->off[id];
}

uint64_t
wp_fingerprint(const struct wp_vocab *v)
{
	struct tok_fingerprint f;
	size_t i;

	tok_fingerprint_init(&f);
	for (i = 0; i < v->n; i++)
		tok_fingerprint_add(&f, v->pool + v->off[i], v->len[i]);
	return tok_fingerprint_final(&f);
}

static inline void
push_id(struct idvec *a, uint32_t id)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n++] = id;
}

/* The start of the character before end (end > start). */
static inline size_t
prev_char(const char *w, size_t start, size_t end)
{
	do
		end--;
	while (end > start && ((unsigned char)w[end] & 0xC0) == 0x80);
	return end;
}

void
wp_encode_word(const struct wp_vocab *v, const char *w, size_t n,
    size_t nchars, size_t max_chars, struct idvec *out)
{
	size_t mark = out->n, start = 0;
	int64_t id;

	if (nchars > max_chars) {
		push_id(out, v->unk);
		return;
	}
	if ((id = table_find(v, &v->full, 0, w, n)) >= 0) {
		push_id(out, (uint32_t)id);
		return;
	}
	/* Greedy longest match first, as BERT's WordpieceTokenizer. */
	while (start < n) {
		size_t limit = start == 0 ? v->max_full : v->max_cont;
		size_t end = n;

		if (end - start > limit) {
			end = start + limit;
			while (end > start && ((unsigned char)w[end] & 0xC0) == 0x80)
				end--;
		} else if (start == 0)
			end = prev_char(w, start, end);	/* the whole word missed */
		for (id = -1; end > start; end = prev_char(w, start, end)) {
			id = start == 0 ? table_find(v, &v->full, 0, w, end) :
			    table_find(v, &v->cont, strlen(WP_PREFIX), w + start,
			    end - start);
			if (id >= 0)
				break;
		}
		if (id < 0) {
			out->n = mark;
			push_id(out, v->unk);
			return;
		}
		push_id(out, (uint32_t)id);
		start = end;
	}
}
