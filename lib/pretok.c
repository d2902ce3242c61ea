/*
 * pretok.c - regex pre-tokenization (PCRE2 JIT) and GPT-2's byte-level map.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "pretok.h"
#include "utf8.h"
#include "xalloc.h"

/* Unicode White_Space, which is what \s means to tiktoken and HuggingFace. */
#define WS "\\t\\n\\x{0B}\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}" \
	"\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}"

/*
 * The pattern with \s and \S spelled as Unicode White_Space: PCRE2's own \s
 * also takes U+180E.  Inside a class \s becomes the list; \S stays there.
 */
static char *
spell_ws(const char *pat)
{
	struct buf b = BUF_INIT;
	const char *p;
	int in_class = 0, rc = 0;

	for (p = pat; *p && rc == 0; p++) {
		if (*p == '\\' && p[1] != '\0') {
			if (p[1] == 's')
				rc = buf_printf(&b, in_class ? "%s" : "[%s]", WS);
			else if (p[1] == 'S' && !in_class)
				rc = buf_printf(&b, "[^%s]", WS);
			else
				rc = buf_append(&b, p, 2);
			p++;
		} else if (in_class && p[0] == '[' && p[1] == ':') {
			/* a POSIX class such as [:alpha:] */
			const char *e = strstr(p + 2, ":]");
			size_t n = e ? (size_t)(e + 2 - p) : strlen(p);
			rc = buf_append(&b, p, n);
			p += n - 1;
		} else if (!in_class && *p == '[') {
			in_class = 1;
			rc = buf_putc(&b, '[');
			if (rc == 0 && p[1] == '^')
				rc = buf_putc(&b, *++p);
			if (rc == 0 && p[1] == ']')
				rc = buf_putc(&b, *++p);	/* a literal ] first */
		} else {
			if (in_class && *p == ']')
				in_class = 0;
			rc = buf_putc(&b, *p);
		}
	}
	if (rc != 0) {
		buf_release(&b);
		return xstrdup(pat);	/* unreachable: b has no cap */
	}
	return b.p ? b.p : xstrdup("");
}

struct pretok {
	pcre2_code *code;
	char *pattern;
	int gpt2;
	int can_cut;
};

struct pretok_state {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *stack;
};

int
pretok_new(struct pretok **pp, const char *pattern, char *err, size_t errlen)
{
	struct pretok *p;
	int ec;
	PCRE2_SIZE eo;
	char *src;

	*pp = NULL;
	p = xcalloc(1, sizeof *p);
	p->gpt2 = pattern == NULL || strcmp(pattern, PRETOK_GPT2_PATTERN) == 0;
	p->pattern = xstrdup(pattern ? pattern : PRETOK_GPT2_PATTERN);
	p->can_cut = p->gpt2 || strcmp(p->pattern, PRETOK_CL100K_PATTERN) == 0;
	src = spell_ws(p->pattern);
	p->code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
	free(src);
	if (p->code == NULL) {
		/* Say where in the pattern as given. */
		pcre2_code *c = pcre2_compile((PCRE2_SPTR)p->pattern,
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP |
		    PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
		pcre2_code_free(c);
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof msg);
		snprintf(err, errlen, "bad pattern at offset %zu: %s", (size_t)eo,
		    (const char *)msg);
		pretok_free(p);
		return PTK_EFORMAT;
	}
	/* Without JIT (an exotic platform) the interpreter gives the same pieces. */
	(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
	*pp = p;
	return 0;
}

void
pretok_free(struct pretok *p)
{
	if (p == NULL)
		return;
	pcre2_code_free(p->code);
	free(p->pattern);
	free(p);
}

const char *
pretok_pattern(const struct pretok *p)
{
	return p->pattern;
}

int
pretok_is_gpt2(const struct pretok *p)
{
	return p->gpt2;
}

int
pretok_can_cut(const struct pretok *p)
{
	return p->can_cut;
}

struct pretok_state *
pretok_state_new(const struct pretok *p)
{
	struct pretok_state *s = xcalloc(1, sizeof *s);

	s->md = pcre2_match_data_create_from_pattern(p->code, NULL);
	s->mc = pcre2_match_context_create(NULL);
	s->stack = pcre2_jit_stack_create(32 << 10, 1 << 20, NULL);
	if (s->md == NULL || s->mc == NULL || s->stack == NULL)
		xmalloc((size_t)-1);	/* reports out of memory and exits */
	pcre2_jit_stack_assign(s->mc, NULL, s->stack);
	return s;
}

void
pretok_state_free(struct pretok_state *s)
{
	if (s == NULL)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mc);
	pcre2_jit_stack_free(s->stack);
	free(s);
}

int
pretok_next(const struct pretok *p, struct pretok_state *s, const char *text,
    size_t n, size_t *pos, size_t *start, size_t *len)
{
	size_t at = *pos;
	PCRE2_SIZE *ov;
	int rc;

	if (at >= n)
		return 0;
	rc = pcre2_match(p->code, (PCRE2_SPTR)text, n, at, 0, s->md, s->mc);
	if (rc == PCRE2_ERROR_NOMATCH) {
		/* Only bytes that are not UTF-8 are left: one piece. */
		*start = at;
		*len = n - at;
		*pos = n;
		return 1;
	}
	if (rc < 0)
		return PTK_ELIMIT;
	ov = pcre2_get_ovector_pointer(s->md);
	if (ov[0] > at) {
		/* A gap before the match: invalid UTF-8 (or, for a user's
		 * pattern, text it does not match) becomes its own piece. */
		*start = at;
		*len = ov[0] - at;
		*pos = ov[0];
		return 1;
	}
	if (ov[1] == ov[0]) {
		/* An empty match (a user's pattern): take one character. */
		uint32_t cp;
		int cl = utf8_decode((const unsigned char *)text + at, n - at, &cp);
		*start = at;
		*len = cl > 0 ? (size_t)cl : 1;
		*pos = at + *len;
		return 1;
	}
	*start = ov[0];
	*len = ov[1] - ov[0];
	*pos = ov[1];
	return 1;
}

static int
ascii_graph(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

size_t
pretok_cut(const char *text, size_t n, size_t want)
{
	const char *q;
	size_t i;

	if (want < 1)
		want = 1;
	while (want + 1 < n) {
		q = memchr(text + want, '\n', n - want - 1);
		if (q == NULL)
			return n;
		i = (size_t)(q - text);
		if (i >= 1 && ascii_graph((unsigned char)text[i - 1]) &&
		    ascii_graph((unsigned char)text[i + 1]))
			return i + 1;
		want = i + 1;
	}
	return n;
}

const uint16_t pretok_byte_cp[256] = {
	256, 257, 258, 259, 260, 261, 262, 263,
	264, 265, 266, 267, 268, 269, 270, 271,
	272, 273, 274, 275, 276, 277, 278, 279,
	280, 281, 282, 283, 284, 285, 286, 287,
	288, 33, 34, 35, 36, 37, 38, 39,
	40, 41, 42, 43, 44, 45, 46, 47,
	48, 49, 50, 51, 52, 53, 54, 55,
	56, 57, 58, 59, 60, 61, 62, 63,
	64, 65, 66, 67, 68, 69, 70, 71,
	72, 73, 74, 75, 76, 77, 78, 79,
	80, 81, 82, 83, 84, 85, 86, 87,
	88, 89, 90, 91, 92, 93, 94, 95,
	96, 97, 98, 99, 100, 101, 102, 103,
	104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119,
	120, 121, 122, 123, 124, 125, 126, 289,
	290, 291, 292, 293, 294, 295, 296, 297,
	298, 299, 300, 301, 302, 303, 304, 305,
	306, 307, 308, 309, 310, 311, 312, 313,
	314, 315, 316, 317, 318, 319, 320, 321,
	322, 161, 162, 163, 164, 165, 166, 167,
	168, 169, 170, 171, 172, 323, 174, 175,
	176, 177, 178, 179, 180, 181, 182, 183,
	184, 185, 186, 187, 188, 189, 190, 191,
	192, 193, 194, 195, 196, 197, 198, 199,
	200, 201, 202, 203, 204, 205, 206, 207,
	208, 209, 210, 211, 212, 213, 214, 215,
	216, 217, 218, 219, 220, 221, 222, 223,
	224, 225, 226, 227, 228, 229, 230, 231,
	232, 233, 234, 235, 236, 237, 238, 239,
	240, 241, 242, 243, 244, 245, 246, 247,
	248, 249, 250, 251, 252, 253, 254, 255,
};

int
pretok_cp_byte(uint32_t cp)
{
	if ((cp >= 33 && cp <= 126) || (cp >= 161 && cp <= 172) ||
	    (cp >= 174 && cp <= 255))
		return (int)cp;
	if (cp < 256 || cp >= 324)
		return -1;
	/* 256.. stand for the other bytes in order: 0-32, 127-160, 173. */
	cp -= 256;
	return cp < 33 ? (int)cp : cp < 67 ? (int)(127 + cp - 33) : 173;
}

size_t
pretok_bytes_to_chars(const unsigned char *p, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned cp = pretok_byte_cp[p[i]];
		if (cp < 0x80) {
			out[o++] = (char)cp;
		} else {
			out[o++] = (char)(0xc0 | (cp >> 6));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	return o;
}

long
pretok_chars_to_bytes(const char *s, size_t n, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < n) {
		uint32_t cp;
		int b, cl = utf8_decode(p + i, n - i, &cp);
		if (cl <= 0 || (b = pretok_cp_byte(cp)) < 0)
			return -1;
		out[o++] = (unsigned char)b;
		i += (size_t)cl;
	}
	return (long)o;
}
