/*
 * html.c - HTML to text with gumbo; charset detection and conversion.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "html.h"
#include "utf8.h"
#include "xalloc.h"

void
html_doc_init(struct html_doc *d)
{
	memset(d, 0, sizeof *d);
}

void
html_doc_release(struct html_doc *d)
{
	buf_release(&d->text);
	buf_release(&d->title);
	buf_release(&d->base);
	buf_release(&d->links);
	d->nlinks = 0;
}

/* Subtrees whose text is not page content. */
static int
tag_dropped(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
	case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NAV: case GUMBO_TAG_HEADER:
	case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM:
	case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
	case GUMBO_TAG_INPUT: case GUMBO_TAG_IFRAME: case GUMBO_TAG_SVG:
	case GUMBO_TAG_MATH: case GUMBO_TAG_HEAD: case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS: case GUMBO_TAG_AUDIO:
	case GUMBO_TAG_VIDEO: case GUMBO_TAG_MAP:
		return 1;
	default:
		return 0;
	}
}

/* Elements that start and end a paragraph. */
static int
tag_block(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1:
	case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
	case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_LI:
	case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL:
	case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
	case GUMBO_TAG_MAIN: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR:
	case GUMBO_TAG_CAPTION: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_ADDRESS: case GUMBO_TAG_HR: case GUMBO_TAG_DETAILS:
	case GUMBO_TAG_SUMMARY: case GUMBO_TAG_BODY: case GUMBO_TAG_HGROUP:
	case GUMBO_TAG_CENTER: case GUMBO_TAG_FIELDSET:
	case GUMBO_TAG_MENU: case GUMBO_TAG_DIR: case GUMBO_TAG_LISTING:
	case GUMBO_TAG_PLAINTEXT: case GUMBO_TAG_XMP:
		return 1;
	default:
		return 0;
	}
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Text writer state: pending white space and breaks between runs. */
struct tw {
	struct buf *out;
	int space;	/* a space is owed before the next word */
	int brk;	/* 1: line break owed, 2: paragraph break owed */
	int rc;
};

static void
tw_char(struct tw *w, const char *s, size_t n)
{
	if (w->out->len > 0) {
		if (w->brk == 2)
			w->rc |= buf_append(w->out, "\n\n", 2);
		else if (w->brk == 1)
			w->rc |= buf_append(w->out, "\n", 1);
		else if (w->space)
			w->rc |= buf_append(w->out, " ", 1);
	}
	w->brk = w->space = 0;
	w->rc |= buf_append(w->out, s, n);
}

static void
tw_text(struct tw *w, const char *s, size_t n, int pre)
{
	size_t i = 0;

	if (pre) {
		/* Keep the lines of preformatted text; a leading newline is
		 * not content (HTML drops it too). */
		while (i < n) {
			size_t j = i;
			while (j < n && s[j] != '\n')
				j++;
			if (j > i)
				tw_char(w, s + i, j - i);
			if (j < n && w->out->len > 0 && w->brk < 1)
				w->brk = 1;
			i = j + 1;
		}
		return;
	}
	while (i < n) {
		size_t j;
		if (is_space((unsigned char)s[i])) {
			w->space = 1;
			i++;
			continue;
		}
		for (j = i; j < n && !is_space((unsigned char)s[j]); j++)
			;
		tw_char(w, s + i, j - i);
		i = j;
	}
}

static void
collapse_into(struct buf *out, const char *s, size_t n)
{
	size_t i;
	int space = 0;

	for (i = 0; i < n; i++) {
		if (is_space((unsigned char)s[i])) {
			space = out->len > 0;
			continue;
		}
		if (space)
			buf_putc(out, ' ');
		space = 0;
		buf_putc(out, s[i]);
	}
}

static int
has_word(const char *v, const char *word)
{
	size_t wl = strlen(word);
	const char *p = v;

	while (*p) {
		while (*p && !isalpha((unsigned char)*p))
			p++;
		if (strncasecmp(p, word, wl) == 0 && !isalpha((unsigned char)p[wl]))
			return 1;
		while (*p && isalpha((unsigned char)*p))
			p++;
	}
	return 0;
}

/* Elements that never nest: void ones and those a sibling closes. */
static int
flat_tag(const char *t, size_t n)
{
	static const char *const names[] = {
		"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
		"meta", "param", "source", "track", "wbr", "p", "li", "dt", "dd",
		"option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot",
		"colgroup", "rb", "rt", "rp", "!doctype",
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && strncasecmp(t, names[i], n) == 0)
			return 1;
	return 0;
}

/*
 * The HTML5 tree builder takes time quadratic in the nesting depth, so a
 * hostile page of a million "<div>"s would stall the crawl.  Estimate the
 * depth from the tags (start tags that nest minus end tags, skipping
 * comments and script/style text) and return the length of the prefix
 * that stays within HTML_MAX_DEPTH; pages that pass it are cut there.
 */
size_t
html_depth_prefix(const char *h, size_t len)
{
	size_t i = 0, depth = 0;

	while (i < len) {
		const char *lt = memchr(h + i, '<', len - i), *gt;
		size_t j, nl;

		if (lt == NULL)
			break;
		i = (size_t)(lt - h);
		if (len - i >= 4 && memcmp(lt, "<!--", 4) == 0) {
			const char *e = memmem(lt + 4, len - i - 4, "-->", 3);
			i = e ? (size_t)(e - h) + 3 : len;
			continue;
		}
		j = i + 1;
		if (j < len && h[j] == '/') {
			if (depth > 0)
				depth--;
			i = j;
			continue;
		}
		while (j < len && (isalnum((unsigned char)h[j]) || h[j] == '!' ||
		    h[j] == '-'))
			j++;
		nl = j - i - 1;
		if (nl == 0 || !(isalpha((unsigned char)h[i + 1]) || h[i + 1] == '!')) {
			i++;
			continue;
		}
		gt = memchr(h + j, '>', len - j);
		if (gt == NULL)
			break;
		if (!flat_tag(h + i + 1, nl) && gt[-1] != '/') {
			if (++depth > HTML_MAX_DEPTH)
				return i;
		}
		if ((nl == 6 && strncasecmp(h + i + 1, "script", 6) == 0) ||
		    (nl == 5 && strncasecmp(h + i + 1, "style", 5) == 0)) {
			/* raw text up to the end tag */
			const char *e = memmem(gt, len - (size_t)(gt - h), "</", 2);
			while (e && !((size_t)(h + len - (e + 2)) >= nl &&
			    strncasecmp(e + 2, h + i + 1, nl) == 0))
				e = memmem(e + 2, len - (size_t)(e + 2 - h), "</", 2);
			i = e ? (size_t)(e - h) : len;
			continue;
		}
		i = (size_t)(gt - h) + 1;
	}
	return len;
}

struct frame {
	GumboNode *node;
	unsigned next;		/* next child to visit */
	unsigned char dropped, pre;
};

int
html_extract(const char *html, size_t len, struct html_doc *d)
{
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *g;
	struct buf clean = BUF_INIT;
	struct frame *st = NULL;
	size_t nst = 0, cap = 0;
	struct tw w;
	int drop = 0, pre = 0, have_title = 0;

	buf_reset(&d->text);
	buf_reset(&d->title);
	buf_reset(&d->base);
	buf_reset(&d->links);
	d->nlinks = 0;
	d->nofollow = 0;
	d->cut = 0;
	/* gumbo wants valid UTF-8. */
	if (utf8_valid_prefix((const unsigned char *)html, len) != len) {
		if (utf8_repair(&clean, (const unsigned char *)html, len) < 0) {
			buf_release(&clean);
			return PTK_ELIMIT;
		}
		html = clean.p;
		len = clean.len;
	}
	opt.max_errors = 0;
	d->cut = html_depth_prefix(html, len) < len;
	if (d->cut)
		len = html_depth_prefix(html, len);
	g = gumbo_parse_with_options(&opt, html, len);
	w.out = &d->text;
	w.space = w.brk = 0;
	w.rc = 0;

	cap = 64;
	st = xreallocarray(NULL, cap, sizeof *st);
	st[nst++] = (struct frame){ g->document, 0, 0, 0 };
	while (nst > 0) {
		struct frame *f = &st[nst - 1];
		GumboNode *n = f->node;
		GumboVector *kids;

		if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
		    n->type == GUMBO_NODE_WHITESPACE) {
			if (!drop)
				tw_text(&w, n->v.text.text, strlen(n->v.text.text), pre);
			nst--;
			continue;
		}
		if (n->type != GUMBO_NODE_DOCUMENT && n->type != GUMBO_NODE_ELEMENT &&
		    n->type != GUMBO_NODE_TEMPLATE) {
			nst--;
			continue;
		}
		kids = n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children :
		    &n->v.element.children;
		if (f->next == 0 && n->type != GUMBO_NODE_DOCUMENT) {
			/* Entering an element. */
			GumboTag t = n->v.element.tag;
			GumboVector *attrs = &n->v.element.attributes;
			GumboAttribute *a;

			if ((t == GUMBO_TAG_A || t == GUMBO_TAG_AREA) &&
			    (a = gumbo_get_attribute(attrs, "href")) != NULL &&
			    d->nlinks < HTML_MAX_LINKS) {
				GumboAttribute *rel = gumbo_get_attribute(attrs, "rel");
				if (rel == NULL || !has_word(rel->value, "nofollow")) {
					buf_append(&d->links, a->value, strlen(a->value) + 1);
					d->nlinks++;
				}
			} else if (t == GUMBO_TAG_BASE && d->base.len == 0 &&
			    (a = gumbo_get_attribute(attrs, "href")) != NULL) {
				buf_append(&d->base, a->value, strlen(a->value));
			} else if (t == GUMBO_TAG_META &&
			    (a = gumbo_get_attribute(attrs, "name")) != NULL &&
			    strcasecmp(a->value, "robots") == 0 &&
			    (a = gumbo_get_attribute(attrs, "content")) != NULL &&
			    (has_word(a->value, "nofollow") || has_word(a->value, "none"))) {
				d->nofollow = 1;
			} else if (t == GUMBO_TAG_TITLE && !have_title &&
			    n->v.element.children.length > 0) {
				GumboNode *c = n->v.element.children.data[0];
				if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE)
					collapse_into(&d->title, c->v.text.text,
					    strlen(c->v.text.text));
				have_title = 1;
			}
			if (tag_dropped(t) || n->type == GUMBO_NODE_TEMPLATE ||
			    gumbo_get_attribute(attrs, "hidden") != NULL) {
				f->dropped = 1;
				drop++;
			}
			if (t == GUMBO_TAG_BR && w.brk < 1)
				w.brk = 1;
			if (tag_block(t) && w.brk < 2)
				w.brk = 2;
			if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH || t == GUMBO_TAG_IMG)
				w.space = 1;
			if (t == GUMBO_TAG_PRE || t == GUMBO_TAG_LISTING) {
				f->pre = 1;
				pre++;
			}
		}
		if (f->next < kids->length) {
			GumboNode *c = kids->data[f->next++];
			if (nst == cap) {
				cap *= 2;
				st = xreallocarray(st, cap, sizeof *st);
			}
			st[nst++] = (struct frame){ c, 0, 0, 0 };
			continue;
		}
		/* Leaving. */
		if (n->type != GUMBO_NODE_DOCUMENT) {
			GumboTag t = n->v.element.tag;
			if (tag_block(t) && w.brk < 2)
				w.brk = 2;
			if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH)
				w.space = 1;
		}
		drop -= f->dropped;
		pre -= f->pre;
		nst--;
	}
	free(st);
	gumbo_destroy_output(&opt, g);
	buf_release(&clean);
	return w.rc ? PTK_ELIMIT : 0;
}

/* ---- character sets ---- */

/* Find the value of name= in a tag's text (lower-cased copy). */
static int
attr_value(const char *tag, size_t n, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name), i;

	for (i = 0; i + nl < n; i++) {
		size_t j, k = 0;
		char q = 0;
		if (strncmp(tag + i, name, nl) != 0 ||
		    (i > 0 && !is_space((unsigned char)tag[i - 1]) && tag[i - 1] != '"' &&
		    tag[i - 1] != '\'' && tag[i - 1] != '/' && tag[i - 1] != ';'))
			continue;
		j = i + nl;
		while (j < n && is_space((unsigned char)tag[j]))
			j++;
		if (j >= n || tag[j] != '=')
			continue;
		j++;
		while (j < n && is_space((unsigned char)tag[j]))
			j++;
		if (j < n && (tag[j] == '"' || tag[j] == '\''))
			q = tag[j++];
		while (j < n && k + 1 < outsz && (q ? tag[j] != q :
		    !is_space((unsigned char)tag[j]) && tag[j] != '>' && tag[j] != ';' &&
		    tag[j] != '"' && tag[j] != '\''))
			out[k++] = tag[j++];
		out[k] = '\0';
		return 1;
	}
	return 0;
}

void
html_sniff_charset(const char *p, size_t len, int html, struct buf *out)
{
	char low[1025];
	size_t n = len < 1024 ? len : 1024, i;

	buf_reset(out);
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		buf_append(out, "utf-8", 5);
		return;
	}
	if (len >= 2 && memcmp(p, "\xFF\xFE", 2) == 0) {
		buf_append(out, "utf-16le", 8);
		return;
	}
	if (len >= 2 && memcmp(p, "\xFE\xFF", 2) == 0) {
		buf_append(out, "utf-16be", 8);
		return;
	}
	if (!html)
		return;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)p[i]);
	low[n] = '\0';
	for (i = 0; i + 5 < n; i++) {
		char v[64], c[256];
		const char *gt;
		size_t tl;

		if (memcmp(low + i, "<meta", 5) != 0 || !(is_space((unsigned char)low[i + 5]) ||
		    low[i + 5] == '/'))
			continue;
		gt = memchr(low + i, '>', n - i);
		tl = gt ? (size_t)(gt - (low + i)) : n - i;
		if (attr_value(low + i, tl, "charset", v, sizeof v) && v[0]) {
			buf_append(out, v, strlen(v));
			return;
		}
		if (attr_value(low + i, tl, "http-equiv", v, sizeof v) &&
		    strcmp(v, "content-type") == 0 &&
		    attr_value(low + i, tl, "content", c, sizeof c)) {
			char *cs = strstr(c, "charset");
			if (cs && attr_value(cs, strlen(cs), "charset", v, sizeof v) &&
			    v[0]) {
				buf_append(out, v, strlen(v));
				return;
			}
		}
	}
}

const char *
html_charset_name(const char *label)
{
	static const struct { const char *label, *name; } map[] = {
		{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" },
		{ "unicode-1-1-utf-8", "UTF-8" },
		{ "us-ascii", "WINDOWS-1252" }, { "ascii", "WINDOWS-1252" },
		{ "iso-8859-1", "WINDOWS-1252" }, { "iso8859-1", "WINDOWS-1252" },
		{ "iso_8859-1", "WINDOWS-1252" }, { "latin1", "WINDOWS-1252" },
		{ "l1", "WINDOWS-1252" }, { "cp1252", "WINDOWS-1252" },
		{ "windows-1252", "WINDOWS-1252" }, { "x-cp1252", "WINDOWS-1252" },
		{ "cp819", "WINDOWS-1252" }, { "ibm819", "WINDOWS-1252" },
		{ "iso-8859-2", "ISO-8859-2" }, { "latin2", "ISO-8859-2" },
		{ "iso-8859-5", "ISO-8859-5" }, { "iso-8859-7", "ISO-8859-7" },
		{ "iso-8859-15", "ISO-8859-15" }, { "latin9", "ISO-8859-15" },
		{ "windows-1250", "WINDOWS-1250" }, { "windows-1251", "WINDOWS-1251" },
		{ "windows-1253", "WINDOWS-1253" }, { "windows-1254", "WINDOWS-1254" },
		{ "windows-1256", "WINDOWS-1256" }, { "koi8-r", "KOI8-R" },
		{ "koi8-u", "KOI8-U" }, { "shift_jis", "SHIFT_JIS" },
		{ "sjis", "SHIFT_JIS" }, { "euc-jp", "EUC-JP" },
		{ "iso-2022-jp", "ISO-2022-JP" }, { "euc-kr", "EUC-KR" },
		{ "gbk", "GBK" }, { "gb2312", "GBK" }, { "gb18030", "GB18030" },
		{ "big5", "BIG5-HKSCS" }, { "utf-16le", "UTF-16LE" },
		{ "utf-16be", "UTF-16BE" }, { "utf-16", "UTF-16LE" },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(label, map[i].label) == 0)
			return map[i].name;
	return NULL;
}

int
html_to_utf8(const char *p, size_t len, const char *label, struct buf *out,
    long *repaired)
{
	const char *name = label && *label ? html_charset_name(label) : NULL;
	iconv_t cd;
	char *in;
	size_t inleft;
	long r;

	if (name && strcmp(name, "UTF-16LE") == 0 && len >= 2 &&
	    memcmp(p, "\xFF\xFE", 2) == 0) {
		p += 2;
		len -= 2;
	} else if (name && strcmp(name, "UTF-16BE") == 0 && len >= 2 &&
	    memcmp(p, "\xFE\xFF", 2) == 0) {
		p += 2;
		len -= 2;
	}
	if (name == NULL || strcmp(name, "UTF-8") == 0) {
		if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3;
			len -= 3;
		}
		r = utf8_repair(out, (const unsigned char *)p, len);
		if (r < 0)
			return (int)r;
		*repaired += r;
		return 0;
	}
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1) {
		r = utf8_repair(out, (const unsigned char *)p, len);
		if (r < 0)
			return (int)r;
		*repaired += r;
		return 0;
	}
	in = (char *)p;
	inleft = len;
	while (inleft > 0) {
		char *o;
		size_t oleft, n;
		int rc;

		if ((rc = buf_grow(out, inleft * 2 + 16)) != 0) {
			iconv_close(cd);
			return rc;
		}
		o = out->p + out->len;
		oleft = out->cap - out->len;
		n = iconv(cd, &in, &inleft, &o, &oleft);
		out->len = (size_t)(o - out->p);
		out->p[out->len] = '\0';
		if (n == (size_t)-1) {
			if (errno == E2BIG)
				continue;
			/* EILSEQ or EINVAL (truncated at the end): one U+FFFD
			 * for the byte, then carry on after it. */
			if ((rc = buf_append(out, "\xEF\xBF\xBD", 3)) != 0) {
				iconv_close(cd);
				return rc;
			}
			(*repaired)++;
			in++;
			inleft--;
			iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	iconv_close(cd);
	return 0;
}
