/*
 * config.c - model shapes: presets, the JSON config file, and checks.
 *
 * The config is one flat JSON object (schemas/model-config.schema.json);
 * a small parser here keeps lib/nn free of other libraries.
 */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/gpt.h"

static const struct preset {
	const char *name;
	struct gpt_config c;
} presets[] = {
	/* L  H   C     F     V      ctx  post final scaled std */
	{ "gpt-tiny", { 2, 4, 128, 512, 8192, 128, 0, 1, 1, 0.02f, 0, 0 } },
	{ "gpt-mini", { 4, 4, 256, 1024, 8192, 256, 0, 1, 1, 0.02f, 0, 0 } },
	{ "gpt1", { 12, 12, 768, 3072, 40478, 512, 1, 0, 0, 0.02f, 0, 0 } },
	{ "gpt2-small", { 12, 12, 768, 3072, 50257, 1024, 0, 1, 1, 0.02f, 0, 0 } },
	{ "gpt2-medium", { 24, 16, 1024, 4096, 50257, 1024, 0, 1, 1, 0.02f, 0, 0 } },
	{ "gpt2-large", { 36, 20, 1280, 5120, 50257, 1024, 0, 1, 1, 0.02f, 0, 0 } },
	{ "gpt2-xl", { 48, 25, 1600, 6400, 50257, 1024, 0, 1, 1, 0.02f, 0, 0 } },
	/* GPT-3's alternating dense / locally banded attention, small */
	{ "gpt3-tiny", { 4, 4, 128, 512, 8192, 256, 0, 1, 1, 0.02f, 64, 2 } },
};

const char *const gpt_presets[] = {
	"gpt-tiny", "gpt-mini", "gpt1", "gpt2-small", "gpt2-medium",
	"gpt2-large", "gpt2-xl", "gpt3-tiny", NULL,
};

int
gpt_config_preset(struct gpt_config *cfg, const char *name)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(presets[i].name, name) == 0) {
			*cfg = presets[i].c;
			return 0;
		}
	return NN_EAPI;
}

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
gpt_config_check(const struct gpt_config *c, char *err, size_t errlen)
{
	if (c->n_layer < 0 || c->n_layer > GPT_MAX_LAYER) {
		seterr(err, errlen, "n_layer %d not in [0, %d]", c->n_layer,
		    GPT_MAX_LAYER);
		return NN_EAPI;
	}
	if (c->n_embd < 1 || c->n_embd > GPT_MAX_DIM || c->n_mlp < 1 ||
	    c->n_mlp > 4 * GPT_MAX_DIM || c->n_ctx < 1 ||
	    c->n_ctx > GPT_MAX_DIM) {
		seterr(err, errlen, "n_embd, n_mlp or n_ctx out of range");
		return NN_EAPI;
	}
	if (c->n_head < 1 || c->n_embd % c->n_head != 0) {
		seterr(err, errlen, "n_head %d does not divide n_embd %d",
		    c->n_head, c->n_embd);
		return NN_EAPI;
	}
	if (c->vocab_size < 2 || c->vocab_size > GPT_MAX_VOCAB) {
		seterr(err, errlen, "vocab_size %d not in [2, %d]",
		    c->vocab_size, GPT_MAX_VOCAB);
		return NN_EAPI;
	}
	if (c->local_window < 0 || c->local_window > GPT_MAX_DIM ||
	    c->local_every < 0 || c->local_every > GPT_MAX_LAYER ||
	    (c->local_window > 0 && c->local_every < 1)) {
		seterr(err, errlen, "local_window must be in [0, %d] and "
		    "local_every in [1, %d] with it", GPT_MAX_DIM,
		    GPT_MAX_LAYER);
		return NN_EAPI;
	}
	if (!(c->init_std > 0 && c->init_std < 10)) {
		seterr(err, errlen, "init_std must be in (0, 10)");
		return NN_EAPI;
	}
	return 0;
}

/* ---- JSON ---- */

struct jp {
	const char *s, *end;
	char *err;
	size_t errlen;
	int vocab_given;	/* the object sets vocab_size */
};

static void
ws(struct jp *p)
{
	while (p->s < p->end && isspace((unsigned char)*p->s))
		p->s++;
}

/* A key or string value without escapes beyond \" and \\; copied to buf. */
static int
jstr(struct jp *p, char *buf, size_t cap)
{
	size_t n = 0;

	if (p->s >= p->end || *p->s != '"')
		return -1;
	p->s++;
	while (p->s < p->end && *p->s != '"') {
		char ch = *p->s++;
		if (ch == '\\') {
			if (p->s >= p->end || (*p->s != '"' && *p->s != '\\'))
				return -1;
			ch = *p->s++;
		}
		if ((unsigned char)ch < 0x20 || n + 1 >= cap)
			return -1;
		buf[n++] = ch;
	}
	if (p->s >= p->end)
		return -1;
	p->s++;
	buf[n] = 0;
	return 0;
}

enum jkind { J_NUM, J_BOOL, J_STR };

struct jval {
	enum jkind kind;
	double num;
	char str[64];
};

static int
jvalue(struct jp *p, struct jval *v)
{
	char *e;

	if (p->s < p->end && *p->s == '"') {
		v->kind = J_STR;
		return jstr(p, v->str, sizeof(v->str));
	}
	if (p->end - p->s >= 4 && memcmp(p->s, "true", 4) == 0) {
		v->kind = J_BOOL, v->num = 1, p->s += 4;
		return 0;
	}
	if (p->end - p->s >= 5 && memcmp(p->s, "false", 5) == 0) {
		v->kind = J_BOOL, v->num = 0, p->s += 5;
		return 0;
	}
	{
		/* strtod needs a terminated copy. */
		char tmp[64];
		size_t n = 0;
		while (p->s + n < p->end && n + 1 < sizeof(tmp) &&
		    strchr("+-0123456789.eE", p->s[n]))
			n++;
		if (n == 0)
			return -1;
		memcpy(tmp, p->s, n);
		tmp[n] = 0;
		errno = 0;
		v->num = strtod(tmp, &e);
		if (*e || errno)
			return -1;
		v->kind = J_NUM;
		p->s += n;
	}
	return 0;
}

static const struct field {
	const char *name;
	size_t off;
	int is_float, is_bool;
} fields[] = {
	{ "n_layer", offsetof(struct gpt_config, n_layer), 0, 0 },
	{ "n_head", offsetof(struct gpt_config, n_head), 0, 0 },
	{ "n_embd", offsetof(struct gpt_config, n_embd), 0, 0 },
	{ "n_mlp", offsetof(struct gpt_config, n_mlp), 0, 0 },
	{ "vocab_size", offsetof(struct gpt_config, vocab_size), 0, 0 },
	{ "n_ctx", offsetof(struct gpt_config, n_ctx), 0, 0 },
	{ "post_ln", offsetof(struct gpt_config, post_ln), 0, 1 },
	{ "final_ln", offsetof(struct gpt_config, final_ln), 0, 1 },
	{ "scaled_init", offsetof(struct gpt_config, scaled_init), 0, 1 },
	{ "init_std", offsetof(struct gpt_config, init_std), 1, 0 },
	{ "local_window", offsetof(struct gpt_config, local_window), 0, 0 },
	{ "local_every", offsetof(struct gpt_config, local_every), 0, 0 },
};

/* Walks the object; with apply set, stores fields, else only looks for
 * "preset" (first pass) so that explicit fields override it whatever the
 * key order. */
static int
jobject(struct jp *p, struct gpt_config *cfg, int apply)
{
	char key[64];
	struct jval v;
	int n_mlp_set = 0;

	ws(p);
	if (p->s >= p->end || *p->s++ != '{')
		goto bad;
	ws(p);
	if (p->s < p->end && *p->s == '}') {
		p->s++;
		goto tail;
	}
	for (;;) {
		const struct field *f = NULL;

		ws(p);
		if (jstr(p, key, sizeof(key)) != 0)
			goto bad;
		ws(p);
		if (p->s >= p->end || *p->s++ != ':')
			goto bad;
		ws(p);
		if (jvalue(p, &v) != 0)
			goto bad;
		if (strcmp(key, "preset") == 0) {
			if (v.kind != J_STR) {
				seterr(p->err, p->errlen, "preset: not a string");
				return NN_EFORMAT;
			}
			if (!apply && gpt_config_preset(cfg, v.str) != 0) {
				seterr(p->err, p->errlen, "unknown preset '%s'",
				    v.str);
				return NN_EFORMAT;
			}
		} else if (strcmp(key, "model_type") == 0 ||
		    strcmp(key, "comment") == 0) {
			/* informational */
		} else {
			for (size_t i = 0; i < sizeof(fields) /
			    sizeof(fields[0]); i++)
				if (strcmp(key, fields[i].name) == 0)
					f = &fields[i];
			if (!f) {
				seterr(p->err, p->errlen, "unknown key '%s'", key);
				return NN_EFORMAT;
			}
			if (f->is_bool ? v.kind != J_BOOL : v.kind != J_NUM) {
				seterr(p->err, p->errlen, "%s: wrong type", key);
				return NN_EFORMAT;
			}
			if (!f->is_float && !f->is_bool && (v.num != (int)v.num ||
			    v.num < 0 || v.num > 1e9)) {
				seterr(p->err, p->errlen, "%s: not a count", key);
				return NN_EFORMAT;
			}
			if (apply) {
				char *base = (char *)cfg + f->off;
				if (f->is_float)
					*(float *)base = (float)v.num;
				else
					*(int *)base = (int)v.num;
			}
			if (strcmp(key, "n_mlp") == 0)
				n_mlp_set = 1;
			if (strcmp(key, "vocab_size") == 0)
				p->vocab_given = 1;
			if (apply && strcmp(key, "n_embd") == 0 && !n_mlp_set)
				cfg->n_mlp = 4 * cfg->n_embd;
		}
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == '}') {
			p->s++;
			break;
		}
		goto bad;
	}
tail:
	ws(p);
	if (p->s != p->end)
		goto bad;
	return 0;
bad:
	seterr(p->err, p->errlen, "not a flat JSON object at byte %zu",
	    (size_t)(p->end - p->s));
	return NN_EFORMAT;
}

int
gpt_config_parse(struct gpt_config *cfg, const char *json, size_t len,
    int *vocab_given, char *err, size_t errlen)
{
	struct jp p = { json, json + len, err, errlen, 0 };
	int rc;

	gpt_config_preset(cfg, "gpt2-small");
	if ((rc = jobject(&p, cfg, 0)) != 0)
		return rc;
	p.s = json;
	if ((rc = jobject(&p, cfg, 1)) != 0)
		return rc;
	if (gpt_config_check(cfg, err, errlen) != 0)
		return NN_EFORMAT;
	if (vocab_given)
		*vocab_given = p.vocab_given;
	return 0;
}

size_t
gpt_config_json(const struct gpt_config *c, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "{\"n_layer\":%d,\"n_head\":%d,"
	    "\"n_embd\":%d,\"n_mlp\":%d,\"vocab_size\":%d,\"n_ctx\":%d,"
	    "\"post_ln\":%s,\"final_ln\":%s,\"scaled_init\":%s,"
	    "\"init_std\":%.9g,\"local_window\":%d,\"local_every\":%d}",
	    c->n_layer, c->n_head, c->n_embd, c->n_mlp,
	    c->vocab_size, c->n_ctx, c->post_ln ? "true" : "false",
	    c->final_ln ? "true" : "false", c->scaled_init ? "true" : "false",
	    (double)c->init_std, c->local_window, c->local_every);

	return n < 0 ? 0 : (size_t)n;
}
