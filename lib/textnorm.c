/*
 * textnorm.c - NFC, lowercasing, punctuation and digit folding, white space
 * folding.  ASCII text takes a table-driven path; other text is composed with
 * utf8proc and then walked code point by code point.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "textnorm.h"

enum { C_PLAIN, C_SPACE, C_PUNCT, C_DIGIT, C_UPPER };

/*
 * ascii_map[flags][c]: what ASCII byte c becomes under flags, as
 * kind << 8 | byte: K_KEEP with the byte to write, K_SPACE (white space) or
 * K_DROP (removed punctuation).
 */
enum { K_DROP = 0, K_SPACE = 1, K_KEEP = 2 };
static unsigned char ascii_class[128];
static unsigned short ascii_map[8][128];
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;

static void
ascii_init(void)
{
	unsigned f;
	int c;

	for (c = 0; c < 128; c++) {
		unsigned char k = C_PLAIN;
		if (c == ' ' || (c >= '\t' && c <= '\r'))
			k = C_SPACE;
		else if (c >= '0' && c <= '9')
			k = C_DIGIT;
		else if (c >= 'A' && c <= 'Z')
			k = C_UPPER;
		else if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
		    (c >= '[' && c <= '`') || (c >= '{' && c <= '~'))
			k = C_PUNCT;
		ascii_class[c] = k;
	}
	/* '$' '+' '<' '=' '>' '^' '`' '|' '~' are symbols (S*), not punctuation. */
	ascii_class['$'] = ascii_class['+'] = ascii_class['<'] = C_PLAIN;
	ascii_class['='] = ascii_class['>'] = ascii_class['^'] = C_PLAIN;
	ascii_class['`'] = ascii_class['|'] = ascii_class['~'] = C_PLAIN;
	for (f = 0; f < 8; f++)
		for (c = 0; c < 128; c++) {
			unsigned m = K_KEEP << 8 | (unsigned)c;
			switch (ascii_class[c]) {
			case C_SPACE:
				m = K_SPACE << 8;
				break;
			case C_PUNCT:
				if (f & TN_NOPUNCT)
					m = K_DROP << 8;
				break;
			case C_DIGIT:
				if (f & TN_DIGITS)
					m = K_KEEP << 8 | '0';
				break;
			case C_UPPER:
				if (f & TN_LOWER)
					m = K_KEEP << 8 | (unsigned)(c + 32);
				break;
			}
			ascii_map[f][c] = (unsigned short)m;
		}
}

/*
 * NFC quick check.  A code point is inert when NFC leaves it as it is whatever
 * surrounds it: combining class 0, NFC of it alone is itself, and it is never
 * the second or later code point of a canonical decomposition (so it cannot
 * compose with what precedes it).  Text whose code points are all inert is
 * already NFC and skips utf8proc_map(), which most text with a few curly
 * quotes or accented letters does.  Bit per code point, built once.
 */
#define TN_MAXCP 0x110000
static unsigned char *inert;	/* (TN_MAXCP / 8) */
static pthread_once_t inert_once = PTHREAD_ONCE_INIT;

static void
inert_init(void)
{
	unsigned char *second = calloc(TN_MAXCP / 8, 1);
	unsigned char *bits = calloc(TN_MAXCP / 8, 1);
	utf8proc_int32_t cp, dec[32];

	if (second == NULL || bits == NULL) {
		free(second);
		free(bits);
		return;		/* no quick check: every text takes utf8proc_map() */
	}
	for (cp = 0x80; cp < TN_MAXCP; cp++) {
		int last = 0;
		utf8proc_ssize_t n = utf8proc_decompose_char(cp, dec, 32,
		    UTF8PROC_DECOMPOSE, &last), j;
		for (j = 1; j < n && j < 32; j++)
			if (dec[j] >= 0 && dec[j] < TN_MAXCP)
				second[dec[j] / 8] |= (unsigned char)(1u << (dec[j] % 8));
	}
	for (cp = 0x80; cp < TN_MAXCP; cp++) {
		const utf8proc_property_t *pr = utf8proc_get_property(cp);
		int last = 0, ok;
		utf8proc_ssize_t n;

		if (pr->combining_class != 0 || (second[cp / 8] & (1u << (cp % 8))) ||
		    (cp >= 0x1100 && cp < 0x1200))
			continue;
		n = utf8proc_decompose_char(cp, dec, 32, UTF8PROC_DECOMPOSE, &last);
		ok = n == 1 && dec[0] == cp;
		if (!ok && n > 1) {
			/* A precomposed letter is inert when NFC gives it back. */
			unsigned char u[4], *o = NULL;
			utf8proc_ssize_t k = utf8proc_encode_char(cp, u), m;
			m = utf8proc_map(u, k, &o, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
			ok = m == k && memcmp(o, u, (size_t)k) == 0;
			free(o);
		}
		if (ok)
			bits[cp / 8] |= (unsigned char)(1u << (cp % 8));
	}
	free(second);
	inert = bits;
}

/* Whether the non-ASCII text p[0..n) is valid UTF-8 and all inert. */
static int
all_inert(const unsigned char *p, size_t n)
{
	size_t i = 0;

	pthread_once(&inert_once, inert_init);
	if (inert == NULL)
		return 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if (p[i] < 128) {
			i++;
			continue;
		}
		k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0 || !(inert[cp / 8] & (1u << (cp % 8))))
			return 0;
		i += (size_t)k;
	}
	return 1;
}

static int
is_space_cp(int32_t cp, utf8proc_category_t cat)
{
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP || cp == 0x85 ||
	    (cp < 128 && ascii_class[cp] == C_SPACE);
}

static int
is_punct_cat(utf8proc_category_t cat)
{
	return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

static int
all_ascii(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t acc = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= p[i];
	return (acc & 0x8080808080808080ull) == 0;
}

static void
put_cp(struct buf *out, int32_t cp)
{
	out->len += (size_t)utf8proc_encode_char(cp,
	    (utf8proc_uint8_t *)out->p + out->len);
}

int
tn_normalize(const char *s, size_t n, unsigned flags, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned short *map;
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t m = -1;
	size_t i, len = 0, room;
	int pend = 0, rc;
	char *o;

	pthread_once(&ascii_once, ascii_init);
	map = ascii_map[flags & 7];
	buf_reset(out);
	if (!all_ascii(p, n) && !all_inert(p, n)) {
		m = utf8proc_map(p, (utf8proc_ssize_t)n, &nfc,
		    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (m >= 0) {
			p = nfc;
			n = (size_t)m;
		}
	}
	/* Output is never longer than the input, but for lowercase letters
	 * whose encoding is longer than the capital's: room is rechecked for
	 * each non-ASCII code point. */
	room = n + 8;
	if (room > out->cap && (rc = buf_grow(out, room)) != 0)
		goto out;
	o = out->p;
	for (i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;
		utf8proc_category_t cat;
		unsigned char c = p[i];

		if (c < 128) {
			/* A run of ASCII, without branches on the byte's kind:
			 * white space and dropped bytes leave len alone, a kept
			 * byte after white space first writes the one space. */
			while (i < n && p[i] < 128) {
				unsigned e = map[p[i++]];
				int keep = (e >> 8) == K_KEEP, sp = (e >> 8) == K_SPACE;
				o[len] = ' ';
				len += (size_t)(pend & keep);
				o[len] = (char)(e & 0xff);
				len += (size_t)keep;
				pend = (pend | (sp & (len > 0))) & !keep;
			}
			continue;
		}
		if (len + 8 > out->cap) {
			out->len = len;
			if ((rc = buf_grow(out, 8 + (n - i))) != 0)
				goto out;
			o = out->p;
		}
		k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			/* Invalid byte: keep it as it is. */
			if (pend) {
				o[len++] = ' ';
				pend = 0;
			}
			o[len++] = (char)p[i++];
			continue;
		}
		i += (size_t)k;
		cat = utf8proc_category(cp);
		if (is_space_cp(cp, cat)) {
			pend = len > 0;
			continue;
		}
		if ((flags & TN_NOPUNCT) && is_punct_cat(cat))
			continue;
		if ((flags & TN_DIGITS) && cat == UTF8PROC_CATEGORY_ND)
			cp = '0';
		else if (flags & TN_LOWER)
			cp = utf8proc_tolower(cp);
		if (pend) {
			o[len++] = ' ';
			pend = 0;
		}
		out->len = len;
		put_cp(out, cp);
		len = out->len;
	}
	out->len = len;
	out->p[len] = '\0';
	rc = 0;
out:
	free(nfc);
	return rc;
}

size_t
tn_count_nonspace(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, count = 0;

	pthread_once(&ascii_once, ascii_init);
	for (i = 0; i < n;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if (p[i] < 128) {
			count += ascii_class[p[i]] != C_SPACE;
			i++;
			continue;
		}
		k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			count++;
			i++;
			continue;
		}
		i += (size_t)k;
		count += !is_space_cp(cp, utf8proc_category(cp));
	}
	return count;
}
