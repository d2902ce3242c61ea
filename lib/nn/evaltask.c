/*
 * evaltask.c - task files of "train eval": JSON Lines multiple-choice and
 * text records (nn/eval.h).  Depends on lib/ only, so that the fuzz target
 * can build it alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "nn/eval.h"
#include "xalloc.h"
#include "zio.h"

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
