/* tokjson.c - token records as JSON Lines; see tokjson.h. */
#include "tokjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "xalloc.h"

/* Append v in decimal; faster than printf in the tokcat hot loop. */
static inline void
put_u32(struct buf *out, uint32_t v)
{
	char tmp[11];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		out->p[out->len++] = tmp[--n];
}

static int
put_u32_array(struct buf *out, const char *name, const uint32_t *v, size_t n)
{
	size_t i;
	int rc;

	if ((rc = buf_grow(out, strlen(name) + 4 + n * 11)) != 0)
		return rc;
	memcpy(out->p + out->len, name, strlen(name));
	out->len += strlen(name);
	out->p[out->len++] = '[';
	for (i = 0; i < n; i++) {
		if (i)
			out->p[out->len++] = ',';
		put_u32(out, v[i]);
	}
	out->p[out->len++] = ']';
	out->p[out->len] = '\0';
	return 0;
}

int
tokjson_write(struct buf *out, const struct tok_rec *rec)
{
	size_t i;
	long lrc;
	int rc;

	if ((rc = buf_append(out, "{\"id\":", 6)) != 0)
		return rc;
	if ((lrc = json_write_string(out, rec->id ? rec->id : "", rec->id_len)) < 0)
		return (int)lrc;
	if ((rc = put_u32_array(out, ",\"tokens\":", rec->tokens, rec->n)) != 0)
		return rc;
	if (rec->segments) {
		if ((rc = buf_grow(out, 16 + 2 * rec->n)) != 0)
			return rc;
		buf_append(out, ",\"segments\":[", 13);
		for (i = 0; i < rec->n; i++) {
			if (i)
				out->p[out->len++] = ',';
			put_u32(out, rec->segments[i]);
		}
		buf_putc(out, ']');
	}
	if (rec->bounds && (rc = put_u32_array(out, ",\"bounds\":", rec->bounds,
	    rec->n_bounds)) != 0)
		return rc;
	if (rec->labels) {
		if ((rc = buf_grow(out, 16 + 12 * rec->n)) != 0)
			return rc;
		buf_append(out, ",\"labels\":[", 11);
		for (i = 0; i < rec->n; i++) {
			if (i)
				out->p[out->len++] = ',';
			if (rec->labels[i] < 0) {
				out->p[out->len++] = '-';
				out->p[out->len++] = '1';
			} else
				put_u32(out, (uint32_t)rec->labels[i]);
		}
		buf_putc(out, ']');
	}
	if (rec->has_label && (rc = buf_printf(out, ",\"label\":%d", rec->label)) != 0)
		return rc;
	return buf_append(out, "}\n", 2);
}

int
tokjson_write_header(struct buf *out, const struct tok_header *h)
{
	int i, first = 1, rc;

	rc = buf_printf(out, "{\"header\":{\"version\":%d,\"width\":%d,\"kind\":\"%s\","
	    "\"vocab_size\":%u,\"fingerprint\":\"%016llx\",\"special\":{",
	    TOK_VERSION, h->width, tok_kind_name(h->kind), h->vocab_size,
	    (unsigned long long)h->fingerprint);
	for (i = 0; rc == 0 && i < TOK_NSPECIAL; i++) {
		if (h->special[i] < 0 || tok_special_name(i) == NULL)
			continue;
		rc = buf_printf(out, "%s\"%s\":%d", first ? "" : ",",
		    tok_special_name(i), h->special[i]);
		first = 0;
	}
	return rc ? rc : buf_append(out, "}}}\n", 4);
}

#define GROW(arr, cap, n) do { \
	if ((n) > (cap)) { \
		(cap) = (n) * 2 + 16; \
		(arr) = xreallocarray((arr), (cap), sizeof *(arr)); \
	} \
} while (0)

/* Read a JSON array of integers (min -1 when allow_neg) into a growing array. */
static int
read_int_array(const char **pp, const char *end, int allow_neg, int64_t maxv,
    int64_t **vals, size_t *cap, size_t *n, const char **why)
{
	const char *p = *pp;

	*n = 0;
	if (p >= end || *p != '[') {
		*why = "expected an array of integers";
		return PTK_EFORMAT;
	}
	p = json_skip_ws(p + 1, end);
	if (p < end && *p == ']') {
		*pp = p + 1;
		return 0;
	}
	for (;;) {
		unsigned long long v;
		const char *start = p;
		int neg = 0;

		if (p < end && *p == '-' && allow_neg) {
			neg = 1;
			p++;
		}
		if (json_read_u64(&p, end, &v, why) != 0) {
			*pp = p;
			return PTK_EFORMAT;
		}
		if ((neg && v != 1) || (!neg && (int64_t)v > maxv) ||
		    v > (unsigned long long)INT64_MAX) {
			*why = "integer out of range";
			*pp = start;
			return PTK_EFORMAT;
		}
		GROW(*vals, *cap, *n + 1);
		(*vals)[(*n)++] = neg ? -1 : (int64_t)v;
		p = json_skip_ws(p, end);
		if (p < end && *p == ',') {
			p = json_skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == ']') {
			*pp = p + 1;
			return 0;
		}
		*why = "expected ',' or ']'";
		*pp = p;
		return PTK_EFORMAT;
	}
}

int
tokjson_parse(const char *line, size_t len, uint32_t vocab_size,
    struct tok_rec *rec, struct tokjson_scratch *s, const char **why,
    size_t *at)
{
	const char *p = line, *end = line + len;
	int64_t *vals = NULL;
	size_t cap = 0, n, i, n_seg = 0, n_lab = 0;
	int have_tokens = 0, rc = PTK_EFORMAT;
	struct buf key = BUF_INIT;

	memset(rec, 0, sizeof *rec);
	p = json_skip_ws(p, end);
	if (p >= end || *p != '{') {
		*why = "expected a JSON object";
		goto out;
	}
	p = json_skip_ws(p + 1, end);
	while (p < end && *p != '}') {
		const char *k;
		size_t klen;

		if ((rc = json_read_string(&p, end, &key, &k, &klen, 0, NULL, why)) != 0)
			goto out;
		rc = PTK_EFORMAT;
		p = json_skip_ws(p, end);
		if (p >= end || *p != ':') {
			*why = "expected ':'";
			goto out;
		}
		p = json_skip_ws(p + 1, end);
		if (klen == 2 && memcmp(k, "id", 2) == 0) {
			const char *v;
			size_t vlen;
			if ((rc = json_read_string(&p, end, &s->id, &v, &vlen, 0,
			    NULL, why)) != 0)
				goto out;
			if (v != s->id.p) {
				buf_reset(&s->id);
				buf_append(&s->id, v, vlen);
			}
			rec->id = s->id.p;
			rec->id_len = vlen;
		} else if (klen == 6 && memcmp(k, "tokens", 6) == 0) {
			if ((rc = read_int_array(&p, end, 0, (int64_t)vocab_size - 1,
			    &vals, &cap, &n, why)) != 0) {
				if (strcmp(*why, "integer out of range") == 0)
					*why = "token id out of the vocabulary";
				goto out;
			}
			GROW(s->tokens, s->tokens_cap, n);
			for (i = 0; i < n; i++)
				s->tokens[i] = (uint32_t)vals[i];
			rec->tokens = s->tokens;
			rec->n = n;
			have_tokens = 1;
		} else if (klen == 8 && memcmp(k, "segments", 8) == 0) {
			if ((rc = read_int_array(&p, end, 0, 255, &vals, &cap, &n_seg,
			    why)) != 0)
				goto out;
			GROW(s->segments, s->segments_cap, n_seg);
			for (i = 0; i < n_seg; i++)
				s->segments[i] = (uint8_t)vals[i];
			rec->segments = s->segments;
		} else if (klen == 6 && memcmp(k, "bounds", 6) == 0) {
			if ((rc = read_int_array(&p, end, 0, UINT32_MAX, &vals, &cap,
			    &n, why)) != 0)
				goto out;
			GROW(s->bounds, s->bounds_cap, n);
			for (i = 0; i < n; i++)
				s->bounds[i] = (uint32_t)vals[i];
			rec->bounds = s->bounds;
			rec->n_bounds = n;
		} else if (klen == 6 && memcmp(k, "labels", 6) == 0) {
			if ((rc = read_int_array(&p, end, 1, (int64_t)vocab_size - 1,
			    &vals, &cap, &n_lab, why)) != 0)
				goto out;
			GROW(s->labels, s->labels_cap, n_lab);
			for (i = 0; i < n_lab; i++)
				s->labels[i] = (int32_t)vals[i];
			rec->labels = s->labels;
		} else if (klen == 5 && memcmp(k, "label", 5) == 0) {
			int neg = p < end && *p == '-';
			unsigned long long v;
			p += neg;
			if ((rc = json_read_u64(&p, end, &v, why)) != 0)
				goto out;
			rc = PTK_EFORMAT;
			if (v > INT32_MAX) {
				*why = "label out of range";
				goto out;
			}
			rec->label = neg ? -(int32_t)v : (int32_t)v;
			rec->has_label = 1;
		} else if ((rc = json_skip_value(&p, end, why)) != 0)
			goto out;
		rc = PTK_EFORMAT;
		p = json_skip_ws(p, end);
		if (p < end && *p == ',')
			p = json_skip_ws(p + 1, end);
		else if (p >= end || *p != '}') {
			*why = "expected ',' or '}'";
			goto out;
		}
	}
	if (p >= end) {
		*why = "unexpected end of line";
		goto out;
	}
	p = json_skip_ws(p + 1, end);
	if (p != end) {
		*why = "text after the JSON object";
		goto out;
	}
	if (!have_tokens) {
		*why = "missing member \"tokens\"";
		goto out;
	}
	if ((rec->segments && n_seg != rec->n) || (rec->labels && n_lab != rec->n)) {
		*why = "\"segments\" or \"labels\" length differs from \"tokens\"";
		goto out;
	}
	for (i = 0; i < rec->n_bounds; i++)
		if (rec->bounds[i] >= rec->n || (i && rec->bounds[i] <= rec->bounds[i - 1])) {
			*why = "\"bounds\" must increase and stay below the token count";
			goto out;
		}
	if (rec->id == NULL)
		rec->id = "";
	rc = 0;
out:
	*at = (size_t)(p - line);
	free(vals);
	buf_release(&key);
	return rc;
}

void
tokjson_scratch_release(struct tokjson_scratch *s)
{
	buf_release(&s->id);
	free(s->tokens);
	free(s->segments);
	free(s->bounds);
	free(s->labels);
	memset(s, 0, sizeof *s);
}
