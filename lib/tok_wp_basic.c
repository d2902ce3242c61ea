/*
 * tok_wp_basic.c - BERT's BasicTokenizer: clean, CJK, accents, lowercase,
 * punctuation (see tok_wp.h).  One pass over the text: ASCII bytes go
 * through a class table, other characters through utf8proc.
 */
#include "tok_wp.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"
#include "xalloc.h"

enum { C_WORD, C_SPACE, C_DROP, C_PUNCT };

/* Classes of the ASCII bytes with and without clean_text; lowercase map. */
static uint8_t cls_clean[128], cls_raw[128], lower_ascii[128], same_ascii[128];

static int
ascii_punct(unsigned c)
{
	return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) ||
	    (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

__attribute__((constructor)) static void
wp_tables_init(void)
{
	unsigned c;

	for (c = 0; c < 128; c++) {
		same_ascii[c] = (uint8_t)c;
		lower_ascii[c] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			cls_clean[c] = C_SPACE;
		else if (c < 32 || c == 127)
			cls_clean[c] = C_DROP;
		else if (ascii_punct(c))
			cls_clean[c] = C_PUNCT;
		else
			cls_clean[c] = C_WORD;
		/* Without cleaning, the split still breaks at White_Space. */
		if (c == ' ' || (c >= 9 && c <= 13))
			cls_raw[c] = C_SPACE;
		else if (ascii_punct(c))
			cls_raw[c] = C_PUNCT;
		else
			cls_raw[c] = C_WORD;
	}
}

int
wp_is_cjk(uint32_t cp)
{
	/*
	 * The CJK Unified Ideographs blocks as BERT's _is_chinese_char lists
	 * them; Extension E starts at U+2B920 as in HuggingFace's
	 * BertNormalizer (BERT's list says U+2B820), so that a vocabulary
	 * trained here encodes the same in both.
	 */
	return (cp >= 0x4E00 && cp <= 0x9FFF) ||
	    (cp >= 0x3400 && cp <= 0x4DBF) ||
	    (cp >= 0x20000 && cp <= 0x2A6DF) ||
	    (cp >= 0x2A700 && cp <= 0x2B73F) ||
	    (cp >= 0x2B740 && cp <= 0x2B81F) ||
	    (cp >= 0x2B920 && cp <= 0x2CEAF) ||
	    (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0x2F800 && cp <= 0x2FA1F);
}

static int
cat_punct(int cat)
{
	return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

static int
cat_space(int cat)
{
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP;
}

static int
cat_other(int cat)
{
	/* HuggingFace's is_control: Cc, Cf, Co (and Cs, never valid UTF-8). */
	return cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
	    cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CS;
}

int
wp_is_punct(uint32_t cp)
{
	if (cp < 128)
		return ascii_punct(cp);
	return cat_punct(utf8proc_category((utf8proc_int32_t)cp));
}

int
wp_is_space(uint32_t cp)
{
	if (cp < 128)
		return cls_clean[cp] == C_SPACE;
	return cat_space(utf8proc_category((utf8proc_int32_t)cp));
}

int
wp_is_control(uint32_t cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return 0;
	return cat_other(utf8proc_category((utf8proc_int32_t)cp));
}

void
wp_words_release(struct wp_words *w)
{
	buf_release(&w->text);
	free(w->start);
	free(w->len);
	free(w->nchars);
	memset(w, 0, sizeof *w);
}

/* The state of one wp_split() pass. */
struct split {
	const struct wp_norm *o;
	struct wp_words *w;
	size_t wstart;		/* where the current word starts in w->text */
	size_t tail;		/* where its trailing non-starters start */
	uint32_t nch;		/* its characters so far */
};

static void
push_word(struct wp_words *w, size_t start, size_t len, uint32_t nch)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		w->start = xreallocarray(w->start, w->cap, sizeof *w->start);
		w->len = xreallocarray(w->len, w->cap, sizeof *w->len);
		w->nchars = xreallocarray(w->nchars, w->cap, sizeof *w->nchars);
	}
	w->start[w->n] = start;
	w->len[w->n] = (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len);
	w->nchars[w->n] = nch;
	w->n++;
}

static inline void
end_word(struct split *s)
{
	struct wp_words *w = s->w;

	if (w->text.len > s->wstart)
		push_word(w, s->wstart, w->text.len - s->wstart, s->nch);
	s->wstart = s->tail = w->text.len;
	s->nch = 0;
}

/* Make room for extra bytes in w->text (xmalloc semantics: cannot fail). */
static inline void
room(struct wp_words *w, size_t extra)
{
	if (w->text.cap - w->text.len < extra || w->text.p == NULL)
		(void)buf_grow(&w->text, extra);
}

static inline void
put_cp(struct wp_words *w, uint32_t cp)
{
	w->text.len += (size_t)utf8_encode(cp,
	    (unsigned char *)w->text.p + w->text.len);
}

/*
 * Append a non-starter (combining class ccc > 0) in canonical order: after
 * the last character of the word's trailing non-starters whose class is not
 * greater (the stable sort that NFD's canonical ordering prescribes).
 */
static void
put_nonstarter(struct split *s, uint32_t cp, int ccc)
{
	struct wp_words *w = s->w;
	unsigned char *p = (unsigned char *)w->text.p;
	size_t at = w->text.len, q;
	unsigned char enc[4];
	int k;

	for (q = s->tail; q < w->text.len;) {
		uint32_t c;
		int n = utf8_decode(p + q, w->text.len - q, &c);
		if (n <= 0)
			break;
		if (utf8proc_get_property((utf8proc_int32_t)c)->combining_class > ccc) {
			at = q;
			break;
		}
		q += (size_t)n;
	}
	k = utf8_encode(cp, enc);
	memmove(p + at + k, p + at, w->text.len - at);
	memcpy(p + at, enc, (size_t)k);
	w->text.len += (size_t)k;
}

/* A character of a word after accent stripping: lowercase, classify, put. */
static void
put_char(struct split *s, uint32_t cp, int ordered)
{
	struct wp_words *w = s->w;
	const utf8proc_property_t *pr;

	if (s->o->lowercase) {
		if (cp == 0x130) {
			/* The one full lowercase mapping of two characters. */
			put_char(s, 'i', ordered);
			put_char(s, 0x307, ordered);
			return;
		}
		cp = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
	}
	pr = utf8proc_get_property((utf8proc_int32_t)cp);
	if (cp < 128 ? ascii_punct(cp) : cat_punct(pr->category)) {
		end_word(s);
		put_cp(w, cp);
		s->nch = 1;
		end_word(s);
		return;
	}
	if (cp < 128 ? cls_clean[cp] == C_SPACE : cat_space(pr->category)) {
		end_word(s);
		return;
	}
	if (ordered && pr->combining_class > 0 && s->tail < w->text.len)
		put_nonstarter(s, cp, pr->combining_class);
	else {
		put_cp(w, cp);
		if (!ordered || pr->combining_class == 0)
			s->tail = w->text.len;
	}
	s->nch++;
}

/* One non-ASCII character of the input. */
static void
put_input(struct split *s, uint32_t cp)
{
	const struct wp_norm *o = s->o;
	utf8proc_int32_t d[32];
	utf8proc_ssize_t m, j;
	int cat = utf8proc_category((utf8proc_int32_t)cp), bc = 0;

	if (o->clean_text) {
		if (cp == 0xFFFD || cat_other(cat))
			return;
		if (cat_space(cat)) {
			end_word(s);
			return;
		}
	} else if (cp == 0x85 || cat_space(cat)) {
		end_word(s);
		return;
	}
	room(s->w, 32 * 4 + 8);
	if (o->chinese_chars && wp_is_cjk(cp)) {
		end_word(s);
		if (o->strip_accents && (m = utf8proc_decompose_char(
		    (utf8proc_int32_t)cp, d, 32, UTF8PROC_DECOMPOSE, &bc)) > 0) {
			for (j = 0; j < m; j++)
				put_char(s, (uint32_t)d[j], 1);
		} else
			put_char(s, cp, 0);
		end_word(s);
		return;
	}
	if (!o->strip_accents) {
		put_char(s, cp, 0);
		return;
	}
	m = utf8proc_decompose_char((utf8proc_int32_t)cp, d, 32,
	    UTF8PROC_DECOMPOSE, &bc);
	if (m <= 0 || m > 32) {
		put_char(s, cp, 1);
		return;
	}
	for (j = 0; j < m; j++)
		if (utf8proc_category(d[j]) != UTF8PROC_CATEGORY_MN)
			put_char(s, (uint32_t)d[j], 1);
}

void
wp_split(const struct wp_norm *o, const char *text, size_t n,
    struct wp_words *w)
{
	const unsigned char *p = (const unsigned char *)text;
	const uint8_t *cls = o->clean_text ? cls_clean : cls_raw;
	const uint8_t *low = o->lowercase ? lower_ascii : same_ascii;
	struct split s;
	size_t i = 0;

	room(w, n + 16);
	s.o = o;
	s.w = w;
	s.wstart = s.tail = w->text.len;
	s.nch = 0;
	while (i < n) {
		unsigned c = p[i];
		uint32_t cp;
		int k;

		if (c < 0x80) {
			switch (cls[c]) {
			case C_WORD: {
				/* Invariant: room for the rest of the input as ASCII. */
				char *out = w->text.p;
				size_t len = w->text.len, i0 = i;
				do
					out[len++] = (char)low[p[i++]];
				while (i < n && p[i] < 0x80 && cls[p[i]] == C_WORD);
				w->text.len = len;
				s.nch += (uint32_t)(i - i0);
				s.tail = len;
				continue;
			}
			case C_SPACE:
				end_word(&s);
				break;
			case C_PUNCT:
				end_word(&s);
				w->text.p[w->text.len++] = (char)c;
				s.nch = 1;
				end_word(&s);
				break;
			default:
				break;
			}
			i++;
			continue;
		}
		k = utf8_decode(p + i, n - i, &cp);
		if (k < 0) {
			w->invalid++;
			i += (size_t)-k;
			continue;
		}
		i += (size_t)k;
		put_input(&s, cp);
		room(w, n - i + 16);
	}
	end_word(&s);
	if (w->text.cap)
		w->text.p[w->text.len] = '\0';
}
