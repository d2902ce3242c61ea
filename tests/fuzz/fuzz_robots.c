/*
 * fuzz_robots.c - robots.txt parsing and matching: the input is a body;
 * its first line, if any, also serves as the product token and the rest of
 * the lines as paths to match (the matcher must agree with a naive one).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "robots.h"

/* Naive backtracking match, the reference for robots_match(). */
static int
naive(const char *p, size_t pl, int anch, const char *s, size_t sl)
{
	if (pl == 0)
		return !anch || sl == 0;
	if (*p == '*') {
		size_t k;
		for (k = 0; k <= sl; k++)
			if (naive(p + 1, pl - 1, anch, s + k, sl - k))
				return 1;
		return 0;
	}
	return sl > 0 && *p == *s && naive(p + 1, pl - 1, anch, s + 1, sl - 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data, *nl, *p, *end = body + size;
	char tok[ROBOTS_MAX_TOKEN + 1];
	struct robots r;
	size_t i, stars = 0;

	char first[ROBOTS_MAX_TOKEN + 1];
	size_t fl;

	nl = memchr(body, '\n', size);
	fl = nl ? (size_t)(nl - body) : size;
	if (fl > ROBOTS_MAX_TOKEN)
		fl = ROBOTS_MAX_TOKEN;
	memcpy(first, body, fl);
	first[fl] = '\0';
	robots_product_token(first, tok);
	robots_parse(&r, body, size, tok);
	for (p = nl ? nl + 1 : end; p < end; ) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
		(void)robots_allowed(&r, p, n);
		p += n + 1;
	}
	/* the matcher against the naive one on the first two lines */
	if (nl && (size_t)(nl - body) < 64) {
		const char *s = nl + 1, *e2 = memchr(s, '\n', (size_t)(end - s));
		size_t pl = (size_t)(nl - body), sl = e2 ? (size_t)(e2 - s) :
		    (size_t)(end - s);
		for (i = 0; i < pl; i++)
			stars += body[i] == '*';
		if (sl < 64 && stars < 6 && robots_match(body, pl, 0, s, sl) !=
		    naive(body, pl, 0, s, sl))
			abort();
		if (sl < 64 && stars < 6 && robots_match(body, pl, 1, s, sl) !=
		    naive(body, pl, 1, s, sl))
			abort();
	}
	robots_release(&r);
	return 0;
}
