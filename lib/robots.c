/*
 * robots.c - robots.txt parsing and matching (RFC 9309).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "robots.h"
#include "xalloc.h"

static int
is_token_char(int c)
{
	return isalpha(c) || c == '_' || c == '-';
}

size_t
robots_product_token(const char *ua, char *out)
{
	size_t n = 0;

	while (ua[n] && n < ROBOTS_MAX_TOKEN && is_token_char((unsigned char)ua[n])) {
		out[n] = ua[n];
		n++;
	}
	out[n] = '\0';
	return n;
}

void
robots_init(struct robots *r, enum robots_status status)
{
	memset(r, 0, sizeof *r);
	r->status = status;
	r->crawl_delay = -1;
	r->matched_group = -1;
}

void
robots_release(struct robots *r)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		free(r->rules[i].pat);
	free(r->rules);
	robots_init(r, ROBOTS_ALLOW_ALL);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
is_unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int
robots_normalise(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int rc;

	buf_reset(out);
	if ((rc = buf_grow(out, len * 3)) != 0)
		return rc;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int h, l;

		if (c == '%' && i + 2 < len && (h = hexval(s[i + 1])) >= 0 &&
		    (l = hexval(s[i + 2])) >= 0) {
			int v = h * 16 + l;
			if (is_unreserved(v)) {
				buf_putc_unchecked(out, (char)v);
			} else {
				buf_putc_unchecked(out, '%');
				buf_putc_unchecked(out, hex[v >> 4]);
				buf_putc_unchecked(out, hex[v & 15]);
			}
			i += 2;
		} else if (c <= 0x20 || c >= 0x7f) {
			buf_putc_unchecked(out, '%');
			buf_putc_unchecked(out, hex[c >> 4]);
			buf_putc_unchecked(out, hex[c & 15]);
		} else {
			buf_putc_unchecked(out, (char)c);
		}
	}
	out->p[out->len] = '\0';
	return 0;
}

/*
 * Wildcard match as in the reference parser: keep the set of path offsets
 * that the pattern prefix can end at (sorted, so '*' extends it to every
 * offset from the smallest one on).  O(len(pat) * len(path)) at worst.
 */
int
robots_match(const char *pat, size_t plen, int anchored, const char *path,
    size_t len)
{
	size_t stack[256], *pos, npos = 1, i, j;
	int ok = 0;

	pos = len + 1 <= sizeof stack / sizeof stack[0] ? stack :
	    xreallocarray(NULL, len + 1, sizeof *pos);
	pos[0] = 0;
	for (i = 0; i < plen; i++) {
		if (pat[i] == '*') {
			size_t from = pos[0];
			npos = len - from + 1;
			for (j = 0; j < npos; j++)
				pos[j] = from + j;
		} else {
			size_t n = 0;
			for (j = 0; j < npos; j++)
				if (pos[j] < len && path[pos[j]] == pat[i])
					pos[n++] = pos[j] + 1;
			npos = n;
			if (npos == 0)
				goto out;
		}
	}
	if (!anchored)
		ok = 1;
	else
		ok = pos[npos - 1] == len;
out:
	if (pos != stack)
		free(pos);
	return ok;
}

/* Rules collected for one kind of group while parsing. */
struct ruleset {
	struct robots_rule *rules;
	size_t n, cap;
	double delay;
	int seen;		/* a group of this kind exists */
};

static void
ruleset_add(struct ruleset *s, struct buf *norm, const char *v, size_t vlen,
    int allow)
{
	int anchored = 0;

	if (s->n >= ROBOTS_MAX_RULES)
		return;
	if (vlen > 0 && v[vlen - 1] == '$') {
		anchored = 1;
		vlen--;
	}
	if (robots_normalise(norm, v, vlen) != 0)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->rules = xreallocarray(s->rules, s->cap, sizeof *s->rules);
	}
	s->rules[s->n].pat = xmemdup(norm->p, norm->len);
	s->rules[s->n].len = norm->len;
	s->rules[s->n].allow = allow != 0;
	s->rules[s->n].anchored = anchored;
	s->n++;
}

static void
ruleset_free(struct ruleset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->rules[i].pat);
	free(s->rules);
}

static int
key_is(const char *k, size_t klen, const char *name)
{
	return strlen(name) == klen && strncasecmp(k, name, klen) == 0;
}

void
robots_parse(struct robots *r, const char *body, size_t len, const char *token)
{
	struct ruleset mine = { NULL, 0, 0, -1, 0 }, star = { NULL, 0, 0, -1, 0 };
	struct buf norm = BUF_INIT;
	const char *p = body, *end;
	size_t toklen = strlen(token);
	/* The group being read: does it apply to us, to "*", and may a
	 * user-agent line still join it (no rule read yet)? */
	int g_mine = 0, g_star = 0, in_group = 0, ua_open = 0;

	robots_init(r, ROBOTS_PARSED);
	if (len > ROBOTS_MAX_BYTES)
		len = ROBOTS_MAX_BYTES;
	end = body + len;
	/* A UTF-8 byte order mark may start the file. */
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *eol = p, *k, *kend, *v, *vend;

		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		vend = memchr(p, '#', (size_t)(eol - p));
		if (vend == NULL)
			vend = eol;
		k = p;
		while (k < vend && (*k == ' ' || *k == '\t'))
			k++;
		kend = memchr(k, ':', (size_t)(vend - k));
		p = eol < end ? eol + 1 : end;
		if (kend == NULL)
			continue;
		v = kend + 1;
		while (kend > k && (kend[-1] == ' ' || kend[-1] == '\t'))
			kend--;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;

		if (key_is(k, (size_t)(kend - k), "user-agent")) {
			char vt[ROBOTS_MAX_TOKEN + 1];
			size_t vtl;
			if (!ua_open) {
				g_mine = g_star = 0;
				ua_open = 1;
				in_group = 1;
			}
			if (vend - v == 1 && *v == '*') {
				g_star = 1;
				star.seen = 1;
				continue;
			}
			/* The product token of the line: leading [A-Za-z_-]. */
			for (vtl = 0; v + vtl < vend && vtl < ROBOTS_MAX_TOKEN &&
			    is_token_char((unsigned char)v[vtl]); vtl++)
				vt[vtl] = v[vtl];
			if (vtl > 0 && vtl == toklen &&
			    strncasecmp(vt, token, toklen) == 0) {
				g_mine = 1;
				mine.seen = 1;
			}
		} else if (key_is(k, (size_t)(kend - k), "allow") ||
		    key_is(k, (size_t)(kend - k), "disallow")) {
			int allow = (kend - k) == 5;
			ua_open = 0;
			if (!in_group || v == vend)
				continue;	/* outside a group, or empty */
			if (g_mine)
				ruleset_add(&mine, &norm, v, (size_t)(vend - v), allow);
			if (g_star)
				ruleset_add(&star, &norm, v, (size_t)(vend - v), allow);
		} else if (key_is(k, (size_t)(kend - k), "crawl-delay")) {
			char num[32], *e;
			double d;
			ua_open = 0;
			if (!in_group || vend - v == 0 || (size_t)(vend - v) >= sizeof num)
				continue;
			memcpy(num, v, (size_t)(vend - v));
			num[vend - v] = '\0';
			d = strtod(num, &e);
			if (*e != '\0' || !(d >= 0) || d > 1e6)
				continue;
			if (g_mine && d > mine.delay)
				mine.delay = d;
			if (g_star && d > star.delay)
				star.delay = d;
		}
		/* Sitemap and unknown lines neither join nor end a group. */
	}
	buf_release(&norm);
	if (mine.seen) {
		r->rules = mine.rules;
		r->nrules = r->cap = mine.n;
		r->crawl_delay = mine.delay;
		r->matched_group = 1;
		ruleset_free(&star);
	} else {
		if (star.seen) {
			r->rules = star.rules;
			r->nrules = r->cap = star.n;
			r->crawl_delay = star.delay;
			r->matched_group = 0;
		} else {
			ruleset_free(&star);
		}
		ruleset_free(&mine);
	}
}

int
robots_allowed(const struct robots *r, const char *path, size_t len)
{
	struct buf norm = BUF_INIT;
	size_t i, best = 0;
	int found = 0, allow = 1;

	if (r->status == ROBOTS_ALLOW_ALL)
		return 1;
	if (len == 0) {
		path = "/";
		len = 1;
	}
	if (len == 11 && memcmp(path, "/robots.txt", 11) == 0)
		return 1;
	if (r->status == ROBOTS_DISALLOW_ALL)
		return 0;
	if (r->nrules == 0)
		return 1;
	if (robots_normalise(&norm, path, len) != 0)
		return 0;
	for (i = 0; i < r->nrules; i++) {
		const struct robots_rule *ru = &r->rules[i];
		size_t l = ru->len + ru->anchored;
		if (found && (l < best || (l == best && !ru->allow)))
			continue;
		if (!robots_match(ru->pat, ru->len, ru->anchored, norm.p, norm.len))
			continue;
		if (!found || l > best || (l == best && ru->allow))
			allow = ru->allow;
		found = 1;
		best = l;
	}
	buf_release(&norm);
	return allow;
}
