/* json.c - strict JSON scanning and canonical string writing; see json.h. */
#include "json.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull

/*
 * Bit 7 of each byte of the result is set where w holds '"', '\\', a control
 * byte or a non-ASCII byte: the bytes a string scan must stop at.  Exact for
 * the lowest such byte, which is all the scan uses.
 */
static inline uint64_t
special_bytes(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"');
	uint64_t b = w ^ (ONES * '\\');
	uint64_t zq = (q - ONES) & ~q;
	uint64_t zb = (b - ONES) & ~b;
	uint64_t ctl = (w - ONES * 0x20) & ~w;
	return (zq | zb | ctl | w) & HIGHS;
}

static int
hex4(const char *p, uint32_t *v)
{
	uint32_t x = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];
		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

/* Scan ASCII bytes that need no attention; return the first that does. */
static inline const char *
scan_plain(const char *p, const char *end)
{
	while (p + 8 <= end) {
		uint64_t w, s;
		memcpy(&w, p, 8);
		if ((s = special_bytes(w)) != 0)
			return p + (__builtin_ctzll(s) >> 3);
		p += 8;
	}
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			break;
		p++;
	}
	return p;
}

static const unsigned char utf8_fffd[3] = { 0xEF, 0xBF, 0xBD };

/*
 * Slow path of json_read_string: decode from start (just after the opening
 * quote) into out, beginning with the run [start, p) already known plain.
 */
static int
read_string_slow(const char **pp, const char *end, const char *start,
    struct buf *out, int repair, long *repaired, const char **why)
{
	const char *p = start;
	int rc;

	buf_reset(out);
	for (;;) {
		const char *q = scan_plain(p, end);
		unsigned char c;

		if ((rc = buf_append(out, p, (size_t)(q - p))) != 0) {
			*why = "string too long";
			*pp = q;
			return rc;
		}
		p = q;
		if (p >= end) {
			*why = "unterminated string";
			*pp = p;
			return PTK_EFORMAT;
		}
		c = (unsigned char)*p;
		if (c == '"') {
			*pp = p + 1;
			return 0;
		}
		if (c < 0x20) {
			*why = c == 0 ? "NUL byte in string (write it as \\u0000)"
			    : "unescaped control character in string";
			*pp = p;
			return PTK_EFORMAT;
		}
		if (c >= 0x80) {
			uint32_t cp;
			int k = utf8_decode((const unsigned char *)p,
			    (size_t)(end - p), &cp);
			if (k > 0) {
				rc = buf_append(out, p, (size_t)k);
				p += k;
			} else if (repair) {
				rc = buf_append(out, utf8_fffd, 3);
				(*repaired)++;
				p += -k;
			} else {
				*why = "invalid UTF-8 in string";
				*pp = p;
				return PTK_EFORMAT;
			}
			if (rc) {
				*why = "string too long";
				*pp = p;
				return rc;
			}
			continue;
		}
		/* c == '\\' */
		if (p + 1 >= end) {
			*why = "unterminated escape";
			*pp = p;
			return PTK_EFORMAT;
		}
		{
			char e = p[1], ch;
			uint32_t cp, lo;
			unsigned char enc[4];
			int n;

			switch (e) {
			case '"': ch = '"'; break;
			case '\\': ch = '\\'; break;
			case '/': ch = '/'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'u':
				if (end - p < 6 || hex4(p + 2, &cp) != 0) {
					*why = "bad \\u escape";
					*pp = p;
					return PTK_EFORMAT;
				}
				if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 12 &&
				    p[6] == '\\' && p[7] == 'u' &&
				    hex4(p + 8, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				} else if (cp >= 0xD800 && cp <= 0xDFFF) {
					if (!repair) {
						*why = "lone surrogate in \\u escape";
						*pp = p;
						return PTK_EFORMAT;
					}
					cp = 0xFFFD;
					(*repaired)++;
				}
				n = utf8_encode(cp, enc);
				if ((rc = buf_append(out, enc, (size_t)n)) != 0) {
					*why = "string too long";
					*pp = p;
					return rc;
				}
				p += 6;
				continue;
			default:
				*why = "bad escape in string";
				*pp = p;
				return PTK_EFORMAT;
			}
			if ((rc = buf_putc(out, ch)) != 0) {
				*why = "string too long";
				*pp = p;
				return rc;
			}
			p += 2;
		}
	}
}

int
json_read_string(const char **pp, const char *end, struct buf *out,
    const char **val, size_t *len, int repair, long *repaired,
    const char **why)
{
	const char *start = *pp + 1, *p = start;
	int rc;

	if (*pp >= end || **pp != '"') {
		*why = "expected a string";
		return PTK_EFORMAT;
	}
	/* Fast path: plain ASCII and valid UTF-8 up to the closing quote. */
	for (;;) {
		p = scan_plain(p, end);
		if (p < end && (unsigned char)*p >= 0x80) {
			uint32_t cp;
			int k = utf8_decode((const unsigned char *)p,
			    (size_t)(end - p), &cp);
			if (k > 0) {
				p += k;
				continue;
			}
		}
		break;
	}
	if (p < end && *p == '"') {
		*val = start;
		*len = (size_t)(p - start);
		*pp = p + 1;
		return 0;
	}
	rc = read_string_slow(pp, end, start, out, repair, repaired, why);
	if (rc == 0) {
		*val = out->p ? out->p : "";
		*len = out->len;
	}
	return rc;
}

/* Validate a string without keeping it. */
static int
skip_string(const char **pp, const char *end, const char **why)
{
	const char *p = *pp + 1;

	for (;;) {
		unsigned char c;

		p = scan_plain(p, end);
		if (p >= end) {
			*why = "unterminated string";
			*pp = p;
			return PTK_EFORMAT;
		}
		c = (unsigned char)*p;
		if (c == '"') {
			*pp = p + 1;
			return 0;
		}
		if (c < 0x20) {
			*why = c == 0 ? "NUL byte in string (write it as \\u0000)"
			    : "unescaped control character in string";
			*pp = p;
			return PTK_EFORMAT;
		}
		if (c >= 0x80) {
			uint32_t cp;
			int k = utf8_decode((const unsigned char *)p,
			    (size_t)(end - p), &cp);
			if (k < 0) {
				*why = "invalid UTF-8 in string";
				*pp = p;
				return PTK_EFORMAT;
			}
			p += k;
			continue;
		}
		/* An escape. */
		if (p + 1 >= end) {
			*why = "unterminated escape";
			*pp = p;
			return PTK_EFORMAT;
		}
		switch (p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			p += 2;
			break;
		case 'u': {
			uint32_t cp, lo;
			if (end - p < 6 || hex4(p + 2, &cp) != 0) {
				*why = "bad \\u escape";
				*pp = p;
				return PTK_EFORMAT;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 12 &&
			    p[6] == '\\' && p[7] == 'u' && hex4(p + 8, &lo) == 0 &&
			    lo >= 0xDC00 && lo <= 0xDFFF) {
				p += 12;
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				*why = "lone surrogate in \\u escape";
				*pp = p;
				return PTK_EFORMAT;
			} else
				p += 6;
			break;
		}
		default:
			*why = "bad escape in string";
			*pp = p;
			return PTK_EFORMAT;
		}
	}
}

static int
skip_number(const char **pp, const char *end, const char **why)
{
	const char *p = *pp;

	if (p < end && *p == '-')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		goto bad;
	if (*p == '0')
		p++;
	else
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			goto bad;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			goto bad;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	*pp = p;
	return 0;
bad:
	*pp = p;
	*why = "bad number";
	return PTK_EFORMAT;
}

static int
skip_literal(const char **pp, const char *end, const char *word, const char **why)
{
	size_t n = strlen(word);

	if ((size_t)(end - *pp) < n || memcmp(*pp, word, n) != 0) {
		*why = "unexpected character";
		return PTK_EFORMAT;
	}
	*pp += n;
	return 0;
}

/*
 * Iterative over an explicit stack of open containers, so hostile nesting
 * costs JSON_MAX_DEPTH bytes, not stack frames.
 */
int
json_skip_value(const char **pp, const char *end, const char **why)
{
	char stack[JSON_MAX_DEPTH];	/* '{' or '[' per open container */
	int depth = 0, rc;
	const char *p = *pp;

	for (;;) {
		/* Here a value is expected. */
		p = json_skip_ws(p, end);
		if (p >= end) {
			*why = "unexpected end of line";
			goto fail;
		}
		switch (*p) {
		case '{':
		case '[':
			if (depth == JSON_MAX_DEPTH) {
				*why = "nesting too deep";
				*pp = p;
				return PTK_ELIMIT;
			}
			stack[depth++] = *p++;
			p = json_skip_ws(p, end);
			if (p < end && (*p == '}' || *p == ']')) {
				if (*p != (stack[depth - 1] == '{' ? '}' : ']')) {
					*why = "mismatched bracket";
					goto fail;
				}
				p++;
				depth--;
				goto after_value;
			}
			if (stack[depth - 1] == '{')
				goto member_key;
			continue;
		case '"':
			rc = skip_string(&p, end, why);
			break;
		case 't':
			rc = skip_literal(&p, end, "true", why);
			break;
		case 'f':
			rc = skip_literal(&p, end, "false", why);
			break;
		case 'n':
			rc = skip_literal(&p, end, "null", why);
			break;
		default:
			if (*p == '-' || (*p >= '0' && *p <= '9'))
				rc = skip_number(&p, end, why);
			else {
				*why = "unexpected character";
				rc = PTK_EFORMAT;
			}
			break;
		}
		if (rc) {
			*pp = p;
			return rc;
		}
after_value:
		for (;;) {
			if (depth == 0) {
				*pp = p;
				return 0;
			}
			p = json_skip_ws(p, end);
			if (p >= end) {
				*why = "unexpected end of line";
				goto fail;
			}
			if (*p == ',') {
				p++;
				if (stack[depth - 1] == '{')
					goto member_key;
				break;	/* next array element */
			}
			if (*p == (stack[depth - 1] == '{' ? '}' : ']')) {
				p++;
				depth--;
				continue;
			}
			*why = stack[depth - 1] == '{' ? "expected ',' or '}'"
			    : "expected ',' or ']'";
			goto fail;
		}
		continue;
member_key:
		p = json_skip_ws(p, end);
		if (p >= end || *p != '"') {
			*why = "expected a member name";
			goto fail;
		}
		if ((rc = skip_string(&p, end, why)) != 0) {
			*pp = p;
			return rc;
		}
		p = json_skip_ws(p, end);
		if (p >= end || *p != ':') {
			*why = "expected ':'";
			goto fail;
		}
		p++;
	}
fail:
	*pp = p;
	return PTK_EFORMAT;
}

int
json_read_u64(const char **pp, const char *end, unsigned long long *v,
    const char **why)
{
	const char *p = *pp;
	unsigned long long x = 0;

	if (p >= end || *p < '0' || *p > '9') {
		*why = "expected a non-negative integer";
		return PTK_EFORMAT;
	}
	if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9') {
		*why = "leading zero in number";
		return PTK_EFORMAT;
	}
	while (p < end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (x > (~0ull - d) / 10) {
			*why = "integer too large";
			*pp = p;
			return PTK_EFORMAT;
		}
		x = x * 10 + d;
		p++;
	}
	if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) {
		*why = "expected an integer";
		*pp = p;
		return PTK_EFORMAT;
	}
	*v = x;
	*pp = p;
	return 0;
}

long
json_write_string(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = s, *end = s + n;
	long repaired = 0;
	int rc;

	/* Worst case grows 6x (\u00XX); reserve for the common case only. */
	if ((rc = buf_grow(out, n + 2)) != 0)
		return rc;
	out->p[out->len++] = '"';
	while (p < end) {
		const char *q = scan_plain(p, end);
		unsigned char c;

		if ((rc = buf_append(out, p, (size_t)(q - p))) != 0)
			return rc;
		if ((p = q) >= end)
			break;
		c = (unsigned char)*p;
		if (c >= 0x80) {
			uint32_t cp;
			int k = utf8_decode((const unsigned char *)p,
			    (size_t)(end - p), &cp);
			if (k > 0) {
				rc = buf_append(out, p, (size_t)k);
				p += k;
			} else {
				rc = buf_append(out, utf8_fffd, 3);
				repaired++;
				p += -k;
			}
			if (rc)
				return rc;
			continue;
		}
		switch (c) {
		case '"': rc = buf_append(out, "\\\"", 2); break;
		case '\\': rc = buf_append(out, "\\\\", 2); break;
		case '\b': rc = buf_append(out, "\\b", 2); break;
		case '\f': rc = buf_append(out, "\\f", 2); break;
		case '\n': rc = buf_append(out, "\\n", 2); break;
		case '\r': rc = buf_append(out, "\\r", 2); break;
		case '\t': rc = buf_append(out, "\\t", 2); break;
		default: {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			rc = buf_append(out, e, 6);
		}
		}
		if (rc)
			return rc;
		p++;
	}
	if ((rc = buf_putc(out, '"')) != 0)
		return rc;
	return repaired;
}
