/*
 * ftdata.c - fine-tuning examples from JSON Lines; SQuAD's EM and F1.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "zio.h"
#include "nn/ftdata.h"
#include "nn/gpt.h"

/* One field's text, copied out of the line (it may hold NUL: keep n). */
struct str {
	char *p;
	size_t n;
};

/* What one line gave, before tokenizing. */
struct line {
	struct str a, b, answer;
	int have_a, have_b, have_label, have_start;
	unsigned long long label, start;
	struct str *golds;		/* "answers".text */
	unsigned long long *starts;	/* "answers".answer_start */
	size_t ngolds, nstarts;
};

static void
line_clear(struct line *l)
{
	free(l->a.p);
	free(l->b.p);
	free(l->answer.p);
	for (size_t i = 0; i < l->ngolds; i++)
		free(l->golds[i].p);
	free(l->golds);
	free(l->starts);
	memset(l, 0, sizeof(*l));
}

static int
read_str(const char **p, const char *end, struct buf *tmp, struct str *s,
    const char **why)
{
	const char *v;
	size_t n;
	long rep = 0;

	if (json_read_string(p, end, tmp, &v, &n, 1, &rep, why) != 0)
		return -1;
	free(s->p);
	if (!(s->p = malloc(n + 1)))
		return -2;
	memcpy(s->p, v, n);
	s->p[n] = 0;
	s->n = n;
	return 0;
}

/* Advance past ',' (returns 1) or the closing c (returns 0); -1 if neither. */
static int
next_member(const char **p, const char *end, char c)
{
	*p = json_skip_ws(*p, end);
	if (*p < end && **p == ',') {
		(*p)++;
		*p = json_skip_ws(*p, end);
		return 1;
	}
	if (*p < end && **p == c) {
		(*p)++;
		return 0;
	}
	return -1;
}

/* Key at *p (a string) then ':'; the key is compared before tmp is reused. */
static int
read_key(const char **p, const char *end, struct buf *tmp, char *key,
    size_t keylen, const char **why)
{
	const char *k;
	size_t kl;
	long rep = 0;

	if (json_read_string(p, end, tmp, &k, &kl, 0, &rep, why) != 0)
		return -1;
	snprintf(key, keylen, "%.*s", (int)(kl < keylen ? kl : keylen - 1), k);
	if (kl >= keylen)
		key[0] = 0;	/* too long to be one of ours */
	*p = json_skip_ws(*p, end);
	if (*p >= end || **p != ':') {
		*why = "expected ':'";
		return -1;
	}
	*p = json_skip_ws(*p + 1, end);
	return 0;
}

/* SQuAD's "answers": {"text": [...], "answer_start": [...]}. */
static int
read_answers(const char **p, const char *end, struct buf *tmp,
    struct line *l, const char **why)
{
	char key[32];
	int more;

	if (*p >= end || **p != '{') {
		*why = "\"answers\" is not an object";
		return -1;
	}
	*p = json_skip_ws(*p + 1, end);
	if (*p < end && **p == '}') {
		(*p)++;
		return 0;
	}
	do {
		int is_text, is_start;
		if (read_key(p, end, tmp, key, sizeof(key), why) != 0)
			return -1;
		is_text = !strcmp(key, "text");
		is_start = !strcmp(key, "answer_start");
		if (!is_text && !is_start) {
			if (json_skip_value(p, end, why) != 0)
				return -1;
			continue;
		}
		if (*p >= end || **p != '[') {
			*why = "\"answers\" fields must be arrays";
			return -1;
		}
		*p = json_skip_ws(*p + 1, end);
		if (*p < end && **p == ']') {
			(*p)++;
			continue;
		}
		do {
			if (is_text) {
				struct str *g = realloc(l->golds,
				    (l->ngolds + 1) * sizeof(*g));
				if (!g)
					return -2;
				l->golds = g;
				memset(&g[l->ngolds], 0, sizeof(*g));
				if (read_str(p, end, tmp, &g[l->ngolds++],
				    why) != 0)
					return -1;
			} else {
				unsigned long long *s = realloc(l->starts,
				    (l->nstarts + 1) * sizeof(*s));
				if (!s)
					return -2;
				l->starts = s;
				if (json_read_u64(p, end, &s[l->nstarts++],
				    why) != 0)
					return -1;
			}
		} while ((more = next_member(p, end, ']')) == 1);
		if (more < 0) {
			*why = "expected ',' or ']'";
			return -1;
		}
	} while ((more = next_member(p, end, '}')) == 1);
	if (more < 0) {
		*why = "expected ',' or '}'";
		return -1;
	}
	return 0;
}

static int
parse_line(const char *p, const char *end, struct buf *tmp, struct line *l,
    const char **why)
{
	char key[32];
	int more, rc;

	p = json_skip_ws(p, end);
	if (p >= end || *p++ != '{') {
		*why = "not a JSON object";
		return -1;
	}
	p = json_skip_ws(p, end);
	if (p < end && *p == '}')
		return 0;
	do {
		if (read_key(&p, end, tmp, key, sizeof(key), why) != 0)
			return -1;
		if (!strcmp(key, "text") || !strcmp(key, "text_a") ||
		    !strcmp(key, "question") || !strcmp(key, "input")) {
			rc = read_str(&p, end, tmp, &l->a, why);
			l->have_a = 1;
		} else if (!strcmp(key, "text_b") ||
		    !strcmp(key, "context") || !strcmp(key, "target")) {
			rc = read_str(&p, end, tmp, &l->b, why);
			l->have_b = 1;
		} else if (!strcmp(key, "answer")) {
			rc = read_str(&p, end, tmp, &l->answer, why);
		} else if (!strcmp(key, "label")) {
			rc = json_read_u64(&p, end, &l->label, why);
			l->have_label = 1;
		} else if (!strcmp(key, "answer_start")) {
			rc = json_read_u64(&p, end, &l->start, why);
			l->have_start = 1;
		} else if (!strcmp(key, "answers")) {
			rc = read_answers(&p, end, tmp, l, why);
		} else {
			rc = json_skip_value(&p, end, why);
		}
		if (rc != 0)
			return rc;
	} while ((more = next_member(&p, end, '}')) == 1);
	if (more < 0) {
		*why = "expected ',' or '}'";
		return -1;
	}
	if (json_skip_ws(p, end) != end) {
		*why = "text after the object";
		return -1;
	}
	return 0;
}

/* Byte offset of character index ci of UTF-8 s (n bytes); n if past it. */
static size_t
char_to_byte(const char *s, size_t n, unsigned long long ci)
{
	size_t i = 0;

	for (unsigned long long c = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == ci)
			return i;
	return n;
}

static int
encode(struct tokenizer *tk, struct tok_state *st, const char *s, size_t n,
    struct idvec *out)
{
	return tk->ops->encode(tk, st, s, n, out) == 0 ? 0 : -1;
}

/* Tokenize a finished line into e; *why on a problem with the data. */
static int
make_example(struct tokenizer *tk, struct tok_state *st, enum ft_task task,
    struct line *l, struct ft_example *e, const char **why)
{
	struct idvec a = { 0 }, b = { 0 };
	int rc = -1;

	memset(e, 0, sizeof(*e));
	if (task == FT_CLS && (!l->have_a || !l->have_label)) {
		*why = "needs \"text\" (or \"text_a\") and \"label\"";
		return -1;
	}
	if (task == FT_CLS && l->label > 999) {
		*why = "label over 999";
		return -1;
	}
	if (task == FT_SPAN && (!l->have_a || !l->have_b)) {
		*why = "needs \"question\" and \"context\"";
		return -1;
	}
	if (task == FT_TEXT && (!l->have_a || !l->have_b)) {
		*why = "needs \"input\" and \"target\" strings";
		return -1;
	}
	if (task == FT_TEXT_INPUTS && !l->have_a) {
		*why = "needs an \"input\" string";
		return -1;
	}
	if (encode(tk, st, l->a.p, l->a.n, &a) != 0) {
		*why = "text cannot be encoded";
		goto out;
	}
	if (task == FT_SPAN) {
		const struct str *ans = l->answer.p ? &l->answer :
		    l->ngolds ? &l->golds[0] : NULL;
		unsigned long long cs = l->answer.p ? l->start : l->nstarts ?
		    l->starts[0] : 0;
		int have_start = l->answer.p ? l->have_start : l->nstarts > 0;
		size_t at, before;
		const char *hit;

		if (!ans || ans->n == 0) {
			*why = "needs a non-empty \"answer\" or \"answers\"";
			goto out;
		}
		if (have_start) {
			at = char_to_byte(l->b.p, l->b.n, cs);
			if (at + ans->n > l->b.n ||
			    memcmp(l->b.p + at, ans->p, ans->n) != 0) {
				*why = "the answer is not at answer_start in "
				    "the context";
				goto out;
			}
		} else {
			hit = memmem(l->b.p, l->b.n, ans->p, ans->n);
			if (!hit) {
				*why = "the answer is not in the context";
				goto out;
			}
			at = (size_t)(hit - l->b.p);
		}
		/* before | answer | after, so the answer's tokens are known */
		if (encode(tk, st, l->b.p, at, &b) != 0)
			goto bad_ctx;
		before = b.n;
		if (encode(tk, st, l->b.p + at, ans->n, &b) != 0)
			goto bad_ctx;
		if (b.n == before) {
			*why = "the answer has no tokens";
			goto out;
		}
		e->ans_first = before;
		e->ans_last = b.n - 1;
		if (encode(tk, st, l->b.p + at + ans->n, l->b.n - at - ans->n,
		    &b) != 0)
			goto bad_ctx;
		/* Every given answer text counts when scoring. */
		e->ngold = l->answer.p ? 1 : (int)l->ngolds;
		e->gold = calloc((size_t)e->ngold, sizeof(char *));
		if (!e->gold) {
			rc = -2;
			goto out;
		}
		for (int i = 0; i < e->ngold; i++) {
			const struct str *g = l->answer.p ? &l->answer :
			    &l->golds[i];
			if (!(e->gold[i] = strdup(g->p))) {
				rc = -2;
				goto out;
			}
		}
	} else if (l->have_b && encode(tk, st, l->b.p, l->b.n, &b) != 0) {
		goto bad_ctx;
	}
	e->has_b = l->have_b;
	e->label = (int)l->label;
	e->a = a.v;
	e->na = a.n;
	e->b = b.v;
	e->nb = b.n;
	return 0;
bad_ctx:
	*why = "text cannot be encoded";
out:
	idvec_release(&a);
	idvec_release(&b);
	if (e->gold)
		for (int i = 0; i < e->ngold; i++)
			free(e->gold[i]);
	free(e->gold);
	e->gold = NULL;
	return rc;
}

static void
ex_release(struct ft_example *e)
{
	free(e->a);
	free(e->b);
	for (int i = 0; i < e->ngold; i++)
		free(e->gold[i]);
	free(e->gold);
}

void
ft_set_release(struct ft_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		ex_release(&set->e[i]);
	free(set->e);
	memset(set, 0, sizeof(*set));
}

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
ft_load(const char *path, enum ft_task task, struct tokenizer *tk,
    struct ft_set *set, char *err, size_t errlen)
{
	struct zio_reader *z = NULL;
	struct tok_state *st = tk->ops->state_new(tk);
	struct buf sc = BUF_INIT, tmp = BUF_INIT;
	struct line l;
	const char *text, *why;
	size_t len;
	uint64_t off, ln = 0;
	int rc, ret = 0;

	memset(set, 0, sizeof(*set));
	memset(&l, 0, sizeof(l));
	if (!st)
		return NN_ENOMEM;
	if (zio_reader_open(&z, path) != 0) {
		seterr(err, errlen, "%s", zio_errmsg(z));
		ret = NN_EIO;
		goto done;
	}
	while ((rc = zio_getline(z, &sc, 1 << 26, &text, &len, &off)) == 1) {
		struct ft_example e;
		ln++;
		if (json_skip_ws(text, text + len) == text + len)
			continue;
		why = NULL;
		rc = parse_line(text, text + len, &tmp, &l, &why);
		if (rc == 0)
			rc = make_example(tk, st, task, &l, &e, &why);
		line_clear(&l);
		if (rc == -2) {
			ret = NN_ENOMEM;
			goto done;
		}
		if (rc != 0) {
			seterr(err, errlen, "%s: line %llu at byte %llu: %s",
			    path, (unsigned long long)ln,
			    (unsigned long long)off, why ? why : "bad line");
			ret = NN_EFORMAT;
			goto done;
		}
		if (set->n == set->cap) {
			size_t cap = set->cap ? 2 * set->cap : 256;
			struct ft_example *ne = realloc(set->e,
			    cap * sizeof(*ne));
			if (!ne) {
				ex_release(&e);
				ret = NN_ENOMEM;
				goto done;
			}
			set->e = ne;
			set->cap = cap;
		}
		set->e[set->n++] = e;
		if (task == FT_CLS && e.label + 1 > set->K)
			set->K = e.label + 1;
	}
	if (rc < 0) {
		seterr(err, errlen, "%s", zio_errmsg(z));
		ret = rc == PTK_EIO ? NN_EIO : NN_EFORMAT;
	} else if (set->n == 0) {
		seterr(err, errlen, "%s: no examples", path);
		ret = NN_EFORMAT;
	}
done:
	if (ret != 0)
		ft_set_release(set);
	zio_reader_free(z);
	tk->ops->state_free(st);
	buf_release(&sc);
	buf_release(&tmp);
	return ret;
}

/* ---- SQuAD scores ---- */

/* Normalised words of s into w (a copy of s cut up); returns their count. */
static int
norm_words(const char *s, char *w, char **words, int max)
{
	int n = 0;
	size_t k = 0;

	/* Lower case; punctuation (ASCII) removed; whitespace separates. */
	for (const char *p = s;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c && ispunct(c))
			continue;
		if (!c || isspace(c)) {
			if (k && w[k - 1]) {
				w[k++] = 0;
			}
			if (!c)
				break;
			continue;
		}
		w[k++] = (char)tolower(c);
	}
	if (k == 0 || w[k - 1])
		w[k++] = 0;
	for (size_t i = 0; i < k && n < max;) {
		char *word = w + i;
		size_t wl = strlen(word);
		if (wl && strcmp(word, "a") && strcmp(word, "an") &&
		    strcmp(word, "the"))
			words[n++] = word;
		i += wl + 1;
	}
	return n;
}

#define FT_MAX_WORDS 256

int
ft_exact_match(const char *pred, const char *gold)
{
	char *wp = malloc(strlen(pred) + 2), *wg = malloc(strlen(gold) + 2);
	char *a[FT_MAX_WORDS], *b[FT_MAX_WORDS];
	int na, nb, same = 0;

	if (wp && wg) {
		na = norm_words(pred, wp, a, FT_MAX_WORDS);
		nb = norm_words(gold, wg, b, FT_MAX_WORDS);
		same = na == nb;
		for (int i = 0; same && i < na; i++)
			same = strcmp(a[i], b[i]) == 0;
	}
	free(wp);
	free(wg);
	return same;
}

double
ft_f1(const char *pred, const char *gold)
{
	char *wp = malloc(strlen(pred) + 2), *wg = malloc(strlen(gold) + 2);
	char *a[FT_MAX_WORDS], *b[FT_MAX_WORDS];
	unsigned char used[FT_MAX_WORDS] = { 0 };
	int na, nb, common = 0;
	double f1 = 0;

	if (wp && wg) {
		na = norm_words(pred, wp, a, FT_MAX_WORDS);
		nb = norm_words(gold, wg, b, FT_MAX_WORDS);
		/* Multiset intersection, as collections.Counter's &. */
		for (int i = 0; i < na; i++)
			for (int j = 0; j < nb; j++)
				if (!used[j] && strcmp(a[i], b[j]) == 0) {
					used[j] = 1;
					common++;
					break;
				}
		if (na == 0 || nb == 0)
			f1 = na == nb;	/* both empty: as SQuAD v2 */
		else if (common)
			f1 = 2.0 * common / (na + nb);
	}
	free(wp);
	free(wg);
	return f1;
}

double
ft_softmax_ce(const float *x, int n, int gold, double scale, float *dx)
{
	double mx = -INFINITY, z = 0;

	for (int i = 0; i < n; i++)
		mx = x[i] > mx ? x[i] : mx;
	for (int i = 0; i < n; i++)
		z += exp(x[i] - mx);
	if (dx)
		for (int i = 0; i < n; i++)
			dx[i] = (float)(scale * (exp(x[i] - mx) / z -
			    (i == gold)));
	return log(z) + mx - x[gold];
}
