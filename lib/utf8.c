/* utf8.c - UTF-8 validation and repair; see utf8.h. */
#include "utf8.h"

#include <string.h>

/* Accepting ranges of the second byte after each lead byte (Unicode Table 3-7). */
static int
utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c = p[0];
	unsigned lo = 0x80, hi = 0xBF;
	int len, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2)
		return -1;
	if (c < 0xE0) {
		len = 2;
		v = c & 0x1F;
	} else if (c < 0xF0) {
		len = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		len = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return -1;
	for (i = 1; i < len; i++) {
		if ((size_t)i >= n || p[i] < lo || p[i] > hi)
			return -i;	/* the maximal subpart ends before byte i */
		v = (v << 6) | (p[i] & 0x3F);
		lo = 0x80, hi = 0xBF;
	}
	*cp = v;
	return len;
}

int
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	return utf8_seq(p, n, cp);
}

size_t
utf8_valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	int k;

	while (i < n) {
		/* Fast path: eight ASCII bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(p + i, n - i, &cp)) < 0)
			return i;
		i += (size_t)k;
	}
	return n;
}

int
utf8_encode(uint32_t cp, unsigned char out[4])
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

long
utf8_repair(struct buf *out, const unsigned char *p, size_t n)
{
	static const unsigned char fffd[3] = { 0xEF, 0xBF, 0xBD };
	long repaired = 0;
	size_t i = 0;
	int rc;

	while (i < n) {
		size_t ok = utf8_valid_prefix(p + i, n - i);
		uint32_t cp;
		int k;

		if ((rc = buf_append(out, p + i, ok)) != 0)
			return rc;
		i += ok;
		if (i >= n)
			break;
		k = utf8_seq(p + i, n - i, &cp);
		i += (size_t)(k < 0 ? -k : k);
		if ((rc = buf_append(out, fffd, 3)) != 0)
			return rc;
		repaired++;
	}
	return repaired;
}
