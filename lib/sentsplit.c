/* sentsplit.c - sentence boundaries by the rules in sentsplit.h. */
#include "sentsplit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tok_wp.h"
#include "utf8.h"
#include "xalloc.h"

void
sent_spans_release(struct sent_spans *s)
{
	free(s->start);
	memset(s, 0, sizeof *s);
}

static void
push(struct sent_spans *s, size_t at)
{
	if (s->n > 0 && s->start[s->n - 1] >= at)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->start = xreallocarray(s->start, s->cap, sizeof *s->start);
	}
	s->start[s->n++] = at;
}

static int
ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* The length of the whitespace character at text[i], or 0. */
static size_t
space_at(const char *text, size_t n, size_t i)
{
	uint32_t cp;
	int k;

	if (ascii_space((unsigned char)text[i]))
		return 1;
	if ((unsigned char)text[i] < 0x80)
		return 0;
	k = utf8_decode((const unsigned char *)text + i, n - i, &cp);
	return k > 0 && wp_is_space(cp) ? (size_t)k : 0;
}

/* Whether text[i..] starts with the UTF-8 string s; its length if so. */
static size_t
starts(const char *text, size_t n, size_t i, const char *s)
{
	size_t k = strlen(s);

	return n - i >= k && memcmp(text + i, s, k) == 0 ? k : 0;
}

static size_t
closer_at(const char *text, size_t n, size_t i, int cjk)
{
	static const char *const latin[] = { "\"", "'", ")", "]", "}",
	    "\u2019", "\u201D", "\u00BB" };
	static const char *const ideo[] = { "\u300D", "\u300F", "\uFF09",
	    "\u201D" };
	const char *const *set = cjk ? ideo : latin;
	size_t count = cjk ? sizeof ideo / sizeof ideo[0] :
	    sizeof latin / sizeof latin[0], j, k;

	for (j = 0; j < count; j++)
		if ((k = starts(text, n, i, set[j])) > 0)
			return k;
	return 0;
}

static size_t
ideo_term_at(const char *text, size_t n, size_t i)
{
	size_t k;

	if ((k = starts(text, n, i, "\u3002")) || (k = starts(text, n, i, "\uFF01")) ||
	    (k = starts(text, n, i, "\uFF1F")))
		return k;
	return 0;
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether the word that ends right before the '.' at dot is an abbreviation. */
static int
abbreviation(const char *text, size_t dot)
{
	static const char *const list[] = { "mr", "mrs", "ms", "dr", "prof", "sr",
	    "jr", "st", "vs", "etc", "fig", "no", "vol", "pp", "cf", "al", "inc",
	    "ltd", "co", "mt" };
	size_t b = dot, len, j;

	while (b > 0 && is_alpha((unsigned char)text[b - 1]))
		b--;
	len = dot - b;
	if (len == 1)
		return 1;
	for (j = 0; j < sizeof list / sizeof list[0]; j++)
		if (strlen(list[j]) == len && strncasecmp(text + b, list[j], len) == 0)
			return 1;
	return 0;
}

void
sent_split(const char *text, size_t n, struct sent_spans *s)
{
	size_t i = 0, last = n, k;

	s->n = 0;
	/* last: the end of the last character that is not ASCII whitespace. */
	while (last > 0 && ascii_space((unsigned char)text[last - 1]))
		last--;
	if (last == 0)
		return;
	push(s, 0);
	while (i < n) {
		unsigned char c = (unsigned char)text[i];

		if (c == '.' || c == '!' || c == '?') {
			size_t j = i, q;
			while (j < n && (text[j] == '.' || text[j] == '!' || text[j] == '?'))
				j++;
			q = j;
			while (q < n && (k = closer_at(text, n, q, 0)) > 0)
				q += k;
			if (q < last && space_at(text, n, q) > 0) {
				size_t r = q;
				int ok = 1;
				while (r < n && (k = space_at(text, n, r)) > 0)
					r += k;
				if (j - i == 1 && c == '.' && abbreviation(text, i))
					ok = 0;
				if (r < n && ((text[r] >= 'a' && text[r] <= 'z') ||
				    (text[r] >= '0' && text[r] <= '9')))
					ok = 0;
				if (ok)
					push(s, q);
			}
			i = j;
			continue;
		}
		if (c >= 0x80 && (k = ideo_term_at(text, n, i)) > 0) {
			size_t q = i;
			while (q < n && (k = ideo_term_at(text, n, q)) > 0)
				q += k;
			while (q < n && (k = closer_at(text, n, q, 1)) > 0)
				q += k;
			if (q < last)
				push(s, q);
			i = q;
			continue;
		}
		if (c == '\n') {
			size_t r = i + 1;
			while (r < n && (text[r] == ' ' || text[r] == '\t' || text[r] == '\r'))
				r++;
			if (r < n && text[r] == '\n' && i < last)
				push(s, i);
		}
		i++;
	}
}

int
sent_encode(const struct tokenizer *t, struct tok_state *st, const char *text,
    size_t n, struct sent_spans *spans, struct idvec *out, struct idvec *bounds)
{
	size_t i;
	int rc;

	sent_split(text, n, spans);
	for (i = 0; i == 0 || i < spans->n; i++) {
		size_t from = i == 0 ? 0 : spans->start[i];
		size_t to = i + 1 < spans->n ? spans->start[i + 1] : n;
		size_t before = out->n;
		if ((rc = t->ops->encode(t, st, text + from, to - from, out)) != 0)
			return rc;
		if (out->n > before)
			idvec_push(bounds, (uint32_t)before);
	}
	return 0;
}
