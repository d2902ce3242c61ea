/*
 * eval.c - log-likelihood scoring of continuations, perplexity, task files.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "nn/eval.h"
#include "xalloc.h"
#include "zio.h"

/* Log-softmax of one logits row at target, in double. */
static double
row_logprob(const float *lg, int V, int target)
{
	float mx = lg[0];
	double z = 0;

	for (int j = 1; j < V; j++)
		mx = lg[j] > mx ? lg[j] : mx;
	for (int j = 0; j < V; j++)
		z += exp((double)lg[j] - mx);
	return (double)lg[target] - mx - log(z);
}

int
nn_loglik(struct gpt *m, const struct nn_llreq *req, int n, double *ll)
{
	int V = m->cfg.vocab_size, W = m->T, B = m->B;
	int32_t *rows = xmalloc(sizeof(int32_t) * (size_t)B * (size_t)(W + 1));
	int32_t *in = xmalloc(sizeof(int32_t) * (size_t)B * (size_t)W);
	int start[256], len[256];

	if (B > 256) {
		free(rows);
		free(in);
		return NN_EAPI;
	}
	for (int i = 0; i < n; i++)
		if (req[i].nctx < 1 || req[i].ncont < 1 || req[i].ncont > W) {
			free(rows);
			free(in);
			return NN_EAPI;
		}
	for (int g = 0; g < n; g += B) {
		int nb = n - g < B ? n - g : B, T = 1;

		/* Row r holds the last (up to W + 1) tokens of ctx + cont. */
		for (int r = 0; r < nb; r++) {
			const struct nn_llreq *q = &req[g + r];
			int total = q->nctx + q->ncont, s = 0;
			int32_t *row = rows + (size_t)r * (W + 1);

			if (total - 1 > W)
				s = total - 1 - W;
			for (int j = s; j < total; j++)
				row[j - s] = j < q->nctx ? q->ctx[j] :
				    q->cont[j - q->nctx];
			start[r] = s;
			len[r] = total - s;		/* inputs: len - 1 */
			T = len[r] - 1 > T ? len[r] - 1 : T;
		}
		for (int r = 0; r < nb; r++) {
			const int32_t *row = rows + (size_t)r * (W + 1);
			for (int t = 0; t < T; t++)
				in[(size_t)r * T + t] = t < len[r] - 1 ?
				    row[t] : 0;
		}
		gpt_forward(m, in, NULL, nb, T, 0);
		for (int r = 0; r < nb; r++) {
			const struct nn_llreq *q = &req[g + r];
			const int32_t *row = rows + (size_t)r * (W + 1);
			double sum = 0;
			/* Position t predicts row[t + 1]; the continuation
			 * starts at row index nctx - start. */
			for (int t = q->nctx - start[r] - 1; t < len[r] - 1;
			    t++)
				sum += row_logprob(m->a.logits +
				    ((size_t)r * T + t) * V, V, row[t + 1]);
			ll[g + r] = sum;
		}
	}
	free(rows);
	free(in);
	return 0;
}

int
nn_text_nll(struct gpt *m, const int32_t *tok, size_t n, double *nll,
    uint64_t *count)
{
	size_t W = (size_t)m->T, nw, i;
	struct nn_llreq *req;
	double *ll;
	int rc;

	if (n < 2)
		return 0;
	nw = (n - 1 + W - 1) / W;
	req = xmalloc(sizeof(*req) * nw);
	ll = xmalloc(sizeof(double) * nw);
	for (i = 0; i < nw; i++) {
		size_t p = i * W, e = p + 1 + W < n ? p + 1 + W : n;
		req[i].ctx = tok + p;
		req[i].nctx = 1;
		req[i].cont = tok + p + 1;
		req[i].ncont = (int)(e - p - 1);
	}
	rc = nn_loglik(m, req, (int)nw, ll);
	for (i = 0; rc == 0 && i < nw; i++)
		*nll -= ll[i];
	if (rc == 0)
		*count += n - 1;
	free(req);
	free(ll);
	return rc;
}

/* Reads a JSON string at *pp into a fresh NUL-terminated copy. */
static int
read_str(const char **pp, const char *end, struct buf *tmp, char **s,
    size_t *n, const char **why)
{
	const char *v;
	size_t len;
	int rc;

	tmp->len = 0;
	if ((rc = json_read_string(pp, end, tmp, &v, &len, 0, NULL, why)) < 0)
		return rc;
	*s = xmalloc(len + 1);
	memcpy(*s, v, len);
	(*s)[len] = 0;
	*n = len;
	return 0;
}

static int
read_choices(const char **pp, const char *end, struct buf *tmp,
    struct nn_task_ex *ex, const char **why)
{
	const char *p = json_skip_ws(*pp, end);
	int rc, cap = 0;

	if (p >= end || *p != '[') {
		*why = "\"choices\" is not an array";
		return PTK_EFORMAT;
	}
	p = json_skip_ws(p + 1, end);
	if (p < end && *p == ']') {
		*why = "\"choices\" is empty";
		return PTK_EFORMAT;
	}
	for (;;) {
		if (ex->nchoices == NN_TASK_MAX_CHOICES) {
			*why = "more than 1024 choices";
			return PTK_ELIMIT;
		}
		if (ex->nchoices == cap) {
			cap = cap ? 2 * cap : 4;
			ex->choices = xrealloc(ex->choices,
			    sizeof(char *) * (size_t)cap);
			ex->choice_len = xrealloc(ex->choice_len,
			    sizeof(size_t) * (size_t)cap);
		}
		if (p >= end || *p != '"') {
			*why = "a choice is not a string";
			return PTK_EFORMAT;
		}
		if ((rc = read_str(&p, end, tmp, &ex->choices[ex->nchoices],
		    &ex->choice_len[ex->nchoices], why)) < 0)
			return rc;
		ex->nchoices++;
		p = json_skip_ws(p, end);
		if (p < end && *p == ',') {
			p = json_skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == ']')
			break;
		*why = "bad \"choices\" array";
		return PTK_EFORMAT;
	}
	*pp = p + 1;
	return 0;
}

int
nn_task_parse(const char *line, size_t len, enum nn_task_kind *kind,
    struct nn_task_ex *ex, const char **why)
{
	const char *p = line, *end = line + len, *k;
	struct buf tmp = { NULL, 0, 0, 0 };
	unsigned long long label = 0;
	int rc = 0, has_ctx = 0, has_ch = 0, has_label = 0, has_text = 0;
	size_t klen;

	memset(ex, 0, sizeof(*ex));
	p = json_skip_ws(p, end);
	if (p >= end || *p != '{') {
		*why = "not a JSON object";
		return PTK_EFORMAT;
	}
	p = json_skip_ws(p + 1, end);
	if (p < end && *p == '}')
		p++;
	else
		for (;;) {
			char *key;
			if (p >= end || *p != '"') {
				*why = "expected a key";
				rc = PTK_EFORMAT;
				goto fail;
			}
			if ((rc = read_str(&p, end, &tmp, &key, &klen,
			    why)) < 0)
				goto fail;
			p = json_skip_ws(p, end);
			if (p >= end || *p != ':') {
				free(key);
				*why = "expected ':'";
				rc = PTK_EFORMAT;
				goto fail;
			}
			p = json_skip_ws(p + 1, end);
			k = key;
			if (strcmp(k, "context") == 0 || strcmp(k, "text") == 0) {
				int *seen = k[0] == 'c' ? &has_ctx : &has_text;
				if (*seen || ex->context) {
					*why = has_ctx || has_text ?
					    "both \"context\" and \"text\", or "
					    "a key twice" : "a key twice";
					free(key);
					rc = PTK_EFORMAT;
					goto fail;
				}
				*seen = 1;
				rc = p < end && *p == '"' ? read_str(&p, end,
				    &tmp, &ex->context, &ex->context_len, why) :
				    (*why = k[0] == 'c' ? "\"context\" is not "
				    "a string" : "\"text\" is not a string",
				    PTK_EFORMAT);
			} else if (strcmp(k, "choices") == 0) {
				rc = has_ch ? (*why = "a key twice",
				    PTK_EFORMAT) : read_choices(&p, end, &tmp,
				    ex, why);
				has_ch = 1;
			} else if (strcmp(k, "label") == 0) {
				rc = has_label ? (*why = "a key twice",
				    PTK_EFORMAT) : json_read_u64(&p, end,
				    &label, why);
				if (rc < 0 && !has_label)
					*why = "\"label\" is not a "
					    "non-negative integer";
				has_label = 1;
			} else {
				rc = json_skip_value(&p, end, why);
			}
			free(key);
			if (rc < 0)
				goto fail;
			p = json_skip_ws(p, end);
			if (p < end && *p == ',') {
				p = json_skip_ws(p + 1, end);
				continue;
			}
			if (p < end && *p == '}') {
				p++;
				break;
			}
			*why = "expected ',' or '}'";
			rc = PTK_EFORMAT;
			goto fail;
		}
	if (json_skip_ws(p, end) != end) {
		*why = "text after the object";
		rc = PTK_EFORMAT;
		goto fail;
	}
	rc = PTK_EFORMAT;
	if (has_text) {
		if (has_ch || has_label) {
			*why = "\"text\" with \"choices\" or \"label\"";
			goto fail;
		}
		if (*kind == NN_TASK_CHOICE) {
			*why = "a text record in a multiple-choice task";
			goto fail;
		}
		*kind = NN_TASK_TEXT;
	} else {
		if (!has_ctx || !has_ch || !has_label) {
			*why = !has_ctx && !has_ch && !has_label ?
			    "neither \"text\" nor \"context\", \"choices\", "
			    "\"label\"" : !has_ctx ? "no \"context\"" :
			    !has_ch ? "no \"choices\"" : "no \"label\"";
			goto fail;
		}
		if (*kind == NN_TASK_TEXT) {
			*why = "a multiple-choice record in a text task";
			goto fail;
		}
		if (label >= (unsigned long long)ex->nchoices) {
			*why = "\"label\" is not the index of a choice";
			goto fail;
		}
		ex->label = (int)label;
		*kind = NN_TASK_CHOICE;
	}
	buf_release(&tmp);
	return 0;
fail:
	buf_release(&tmp);
	nn_task_ex_release(ex);
	return rc;
}

void
nn_task_ex_release(struct nn_task_ex *ex)
{
	free(ex->context);
	for (int i = 0; i < ex->nchoices; i++)
		free(ex->choices[i]);
	free(ex->choices);
	free(ex->choice_len);
	memset(ex, 0, sizeof(*ex));
}

void
nn_task_release(struct nn_task *t)
{
	for (size_t i = 0; i < t->n; i++)
		nn_task_ex_release(&t->ex[i]);
	free(t->ex);
	memset(t, 0, sizeof(*t));
}

int
nn_task_read(struct nn_task *t, const char *path, char *err, size_t errlen)
{
	struct zio_reader *r;
	struct buf scratch = { NULL, 0, 0, 0 };
	enum nn_task_kind kind = 0;
	const char *line, *why;
	size_t len, cap = 0;
	uint64_t off;
	int rc;

	memset(t, 0, sizeof(*t));
	err[0] = 0;
	if ((rc = zio_reader_open(&r, path)) < 0) {
		snprintf(err, errlen, "%s", zio_errmsg(r));
		zio_reader_free(r);
		return rc;
	}
	while ((rc = zio_getline(r, &scratch, NN_TASK_MAX_LINE, &line, &len,
	    &off)) == 1) {
		if (t->n == cap) {
			cap = cap ? 2 * cap : 64;
			t->ex = xrealloc(t->ex, sizeof(*t->ex) * cap);
		}
		if ((rc = nn_task_parse(line, len, &kind, &t->ex[t->n],
		    &why)) < 0) {
			snprintf(err, errlen, "%s: record %zu at byte %llu: %s",
			    zio_name(r), t->n + 1, (unsigned long long)off,
			    why);
			break;
		}
		t->ex[t->n++].offset = off;
	}
	if (rc < 0 && !err[0])
		snprintf(err, errlen, "%s: record %zu: %s", zio_name(r),
		    t->n + 1, zio_errmsg(r));
	else if (rc == 0 && t->n == 0) {
		snprintf(err, errlen, "%s: no records", zio_name(r));
		rc = PTK_EFORMAT;
	}
	t->kind = kind;
	zio_reader_free(r);
	buf_release(&scratch);
	if (rc < 0)
		nn_task_release(t);
	return rc < 0 ? rc : 0;
}

void
nn_pick_shots(uint64_t seed, size_t i, size_t npool, long self, int k,
    size_t *out)
{
	struct nn_rng rng;

	nn_rng_seed(&rng, seed ^ (0x9e3779b97f4a7c15ULL * (i + 1)));
	for (int j = 0; j < k; j++) {
		size_t c;
		int dup;
		do {
			c = (size_t)(nn_rng_uniform(&rng) * (double)npool);
			if (c >= npool)
				c = npool - 1;
			dup = self >= 0 && c == (size_t)self;
			for (int q = 0; q < j && !dup; q++)
				dup = out[q] == c;
		} while (dup);
		out[j] = c;
	}
}
