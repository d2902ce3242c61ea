/*
 * bert_config.c - encoder model configs from JSON files:
 *
 *	{"preset": "albert-tiny", "n_layer": 4, "share": "ffn", ...}
 *
 * The preset gives every field; the others override it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "nn/bert.h"

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return NN_EFORMAT;
}

static const struct {
	const char *name;
	size_t off;
	long lo, hi;
} int_fields[] = {
	{ "n_layer", offsetof(struct bert_config, n_layer), 1, 1024 },
	{ "n_head", offsetof(struct bert_config, n_head), 1, 1024 },
	{ "n_embd", offsetof(struct bert_config, n_embd), 1, 65536 },
	{ "n_mlp", offsetof(struct bert_config, n_mlp), 1, 1 << 20 },
	{ "n_emb", offsetof(struct bert_config, n_emb), 1, 65536 },
	{ "vocab_size", offsetof(struct bert_config, vocab_size), 2, 1 << 24 },
	{ "n_ctx", offsetof(struct bert_config, n_ctx), 1, 1 << 20 },
	{ "n_types", offsetof(struct bert_config, n_types), 1, 1024 },
};

/* The preset first: a config is that preset with fields changed. */
static int
find_preset(const char *p, const char *end, struct bert_config *cfg,
    char *err, size_t errlen)
{
	struct buf tmp = BUF_INIT;
	const char *why = NULL, *k, *v;
	size_t kl, vl;
	int rc = fail(err, errlen, "no \"preset\" (one of bert-tiny, "
	    "roberta-tiny, albert-tiny, bert-base, roberta-base, albert-base)");

	p = json_skip_ws(p, end);
	if (p >= end || *p++ != '{')
		return fail(err, errlen, "not a JSON object");
	for (;;) {
		p = json_skip_ws(p, end);
		if (p < end && *p == '}')
			break;
		if (json_read_string(&p, end, &tmp, &k, &kl, 0, NULL, &why))
			break;
		int is_preset = kl == 6 && memcmp(k, "preset", 6) == 0;
		p = json_skip_ws(p, end);
		if (p >= end || *p++ != ':')
			break;
		p = json_skip_ws(p, end);
		if (is_preset) {
			char name[32];
			if (json_read_string(&p, end, &tmp, &v, &vl, 0, NULL,
			    &why))
				break;
			snprintf(name, sizeof(name), "%.*s", (int)vl, v);
			rc = bert_config_preset(cfg, name) == 0 ? 0 :
			    fail(err, errlen, "\"preset\": '%s' is not an "
			    "encoder preset", name);
			break;
		}
		if (json_skip_value(&p, end, &why))
			break;
		p = json_skip_ws(p, end);
		if (p < end && *p == ',')
			p++;
	}
	buf_release(&tmp);
	if (why)
		rc = fail(err, errlen, "%s", why);
	return rc;
}

int
bert_config_parse(struct bert_config *cfg, const char *json, size_t len,
    int *vocab_given, char *err, size_t errlen)
{
	const char *p = json, *end = json + len, *why = NULL;
	struct buf tmp = BUF_INIT, tv = BUF_INIT;
	int rc, factorised, emb_given = 0;

	*vocab_given = 0;
	if ((rc = find_preset(p, end, cfg, err, errlen)) != 0)
		return rc;
	factorised = cfg->n_emb != cfg->n_embd;
	p = json_skip_ws(p, end) + 1;
	for (;;) {
		const char *k, *v;
		char key[32];
		size_t kl, vl;
		int done = 0;

		p = json_skip_ws(p, end);
		if (p < end && *p == '}')
			break;
		if (json_read_string(&p, end, &tmp, &k, &kl, 0, NULL, &why))
			goto bad;
		snprintf(key, sizeof(key), "%.*s", (int)(kl < 31 ? kl : 31), k);
		p = json_skip_ws(p, end);
		if (p >= end || *p++ != ':') {
			why = "expected ':'";
			goto bad;
		}
		p = json_skip_ws(p, end);
		for (size_t i = 0; i < sizeof(int_fields) /
		    sizeof(int_fields[0]); i++) {
			unsigned long long u;
			if (strcmp(key, int_fields[i].name) != 0)
				continue;
			if (json_read_u64(&p, end, &u, &why))
				goto bad;
			if ((long long)u < int_fields[i].lo ||
			    (long long)u > int_fields[i].hi) {
				rc = fail(err, errlen, "\"%s\": %llu is out of "
				    "range %ld..%ld", key, u, int_fields[i].lo,
				    int_fields[i].hi);
				goto out;
			}
			*(int *)((char *)cfg + int_fields[i].off) = (int)u;
			if (strcmp(key, "vocab_size") == 0)
				*vocab_given = 1;
			if (strcmp(key, "n_emb") == 0)
				emb_given = 1;
			done = 1;
		}
		if (done) {
		} else if (!strcmp(key, "share") || !strcmp(key, "head")) {
			char name[32];
			if (json_read_string(&p, end, &tv, &v, &vl, 0, NULL,
			    &why))
				goto bad;
			snprintf(name, sizeof(name), "%.*s", (int)vl, v);
			if (!strcmp(key, "share")) {
				cfg->share = bert_share_parse(name);
				if (cfg->share < 0) {
					rc = fail(err, errlen, "\"share\": "
					    "all, attention, ffn or none");
					goto out;
				}
			} else if (!strcmp(name, "nsp")) {
				cfg->head = BERT_HEAD_NSP;
			} else if (!strcmp(name, "sop")) {
				cfg->head = BERT_HEAD_SOP;
			} else if (!strcmp(name, "none")) {
				cfg->head = BERT_HEAD_NONE;
			} else {
				rc = fail(err, errlen, "\"head\": nsp, sop or "
				    "none");
				goto out;
			}
		} else if (!strcmp(key, "init_std")) {
			const char *s = p;
			char num[64], *e;
			double d;
			if (json_skip_value(&p, end, &why))
				goto bad;
			snprintf(num, sizeof(num), "%.*s", (int)(p - s), s);
			errno = 0;
			d = strtod(num, &e);
			if (*e || errno || !(d > 0 && d < 10)) {
				rc = fail(err, errlen, "\"init_std\": a number "
				    "in (0, 10)");
				goto out;
			}
			cfg->init_std = (float)d;
		} else if (!strcmp(key, "preset") || !strcmp(key, "arch")) {
			if (json_skip_value(&p, end, &why))
				goto bad;
		} else {
			rc = fail(err, errlen, "unknown field \"%s\"", key);
			goto out;
		}
		p = json_skip_ws(p, end);
		if (p < end && *p == ',')
			p++;
		else if (p >= end || *p != '}') {
			why = "expected ',' or '}'";
			goto bad;
		}
	}
	/* An unfactorised preset stays so when only its width changes. */
	if (!emb_given && !factorised)
		cfg->n_emb = cfg->n_embd;
	rc = bert_config_check(cfg, err, errlen) == 0 ? 0 : NN_EFORMAT;
	goto out;
bad:
	rc = fail(err, errlen, "%s", why ? why : "bad JSON");
out:
	buf_release(&tmp);
	buf_release(&tv);
	return rc;
}

int
bert_config_names_encoder(const char *json, size_t len)
{
	struct bert_config c;

	return find_preset(json, json + len, &c, NULL, 0) == 0;
}
