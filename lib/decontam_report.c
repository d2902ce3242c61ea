/*
 * decontam_report.c - reading and merging benchmark-decontaminate reports
 * (the merge phase of a sharded run); see decontam.h and
 * docs/benchmark-decontaminate.md for the format.
 */
#include "decontam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "xalloc.h"

struct dc_rbench {
	char *name;		/* JSON string text, quotes included */
	uint64_t examples, short_examples, ngrams, documents_hit;
	char fingerprint[17];
	size_t ncont;
	uint64_t *lines;	/* (ncont) sorted */
	char **ids;		/* (ncont) JSON text of each id */
};

struct dc_report {
	uint64_t n;
	uint64_t short_min;
	int char_ngrams;
	char mode[8];
	int has_max;
	uint64_t max_doc_freq;
	uint64_t documents, documents_hit, documents_dropped, documents_redacted;
	uint64_t records_written, text_bytes, ngrams, ngrams_ignored;
	struct dc_rbench *b;
	size_t nb;
	uint64_t *fh, *fc;	/* (nf) n-gram hashes (sorted) and doc counts */
	size_t nf;
};

static void
rbench_release(struct dc_rbench *b)
{
	size_t i;

	for (i = 0; i < b->ncont; i++)
		free(b->ids[i]);
	free(b->ids);
	free(b->lines);
	free(b->name);
}

void
dc_report_free(struct dc_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nb; i++)
		rbench_release(&r->b[i]);
	free(r->b);
	free(r->fh);
	free(r->fc);
	free(r);
}

/* A small cursor over the report text. */
struct cur {
	const char *p, *end;
	const char *why;
	struct buf tmp;
};

static int
expect(struct cur *c, char ch, const char *why)
{
	c->p = json_skip_ws(c->p, c->end);
	if (c->p >= c->end || *c->p != ch) {
		c->why = why;
		return PTK_EFORMAT;
	}
	c->p = json_skip_ws(c->p + 1, c->end);
	return 0;
}

/* At '{' or '[': 1 if the container is empty (and consumed). */
static int
empty_container(struct cur *c, char close)
{
	c->p = json_skip_ws(c->p, c->end);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return 1;
	}
	return 0;
}

/* After a member or element: 1 for ',', 0 for close, <0 error. */
static int
next_item(struct cur *c, char close)
{
	c->p = json_skip_ws(c->p, c->end);
	if (c->p < c->end && *c->p == ',') {
		c->p = json_skip_ws(c->p + 1, c->end);
		return 1;
	}
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return 0;
	}
	c->why = close == '}' ? "expected ',' or '}'" : "expected ',' or ']'";
	return PTK_EFORMAT;
}

/* Read a member name into a NUL-terminated copy of at most 63 bytes. */
static int
key(struct cur *c, char *k, size_t ksize)
{
	const char *v;
	size_t n;
	int rc;

	if (c->p >= c->end || *c->p != '"') {
		c->why = "expected a member name";
		return PTK_EFORMAT;
	}
	if ((rc = json_read_string(&c->p, c->end, &c->tmp, &v, &n, 0, NULL,
	    &c->why)) != 0)
		return rc;
	if (n >= ksize || memchr(v, 0, n))
		n = 0;	/* an unknown (long) name: matches nothing */
	memcpy(k, v, n);
	k[n] = '\0';
	return expect(c, ':', "expected ':'");
}

static int
u64(struct cur *c, uint64_t *v)
{
	unsigned long long x;
	int rc = json_read_u64(&c->p, c->end, &x, &c->why);

	*v = x;
	return rc;
}

/* Copy the JSON text of the next value (a string or number). */
static int
raw_value(struct cur *c, char **out)
{
	const char *v = c->p;
	int rc;

	if (c->p >= c->end || (*c->p != '"' && *c->p != '-' &&
	    (*c->p < '0' || *c->p > '9'))) {
		c->why = "expected a string or a number";
		return PTK_EFORMAT;
	}
	if ((rc = json_skip_value(&c->p, c->end, &c->why)) != 0)
		return rc;
	*out = xmemdup(v, (size_t)(c->p - v));
	return 0;
}

static int
parse_bench(struct cur *c, struct dc_rbench *b)
{
	char k[64];
	size_t nids = 0, nlines = 0, cap = 0, lcap = 0;
	int rc, more;

	if ((rc = expect(c, '{', "expected a benchmark object")) != 0)
		return rc;
	if (empty_container(c, '}'))
		goto done;
	do {
		if ((rc = key(c, k, sizeof k)) != 0)
			return rc;
		if (strcmp(k, "examples") == 0)
			rc = u64(c, &b->examples);
		else if (strcmp(k, "short_examples") == 0)
			rc = u64(c, &b->short_examples);
		else if (strcmp(k, "ngrams") == 0)
			rc = u64(c, &b->ngrams);
		else if (strcmp(k, "documents_hit") == 0)
			rc = u64(c, &b->documents_hit);
		else if (strcmp(k, "fingerprint") == 0) {
			const char *v;
			size_t n;
			if ((rc = json_read_string(&c->p, c->end, &c->tmp, &v, &n,
			    0, NULL, &c->why)) == 0) {
				if (n != 16) {
					c->why = "bad fingerprint";
					return PTK_EFORMAT;
				}
				memcpy(b->fingerprint, v, 16);
				b->fingerprint[16] = '\0';
			}
		} else if (strcmp(k, "contaminated_examples") == 0 ||
		    strcmp(k, "contaminated_lines") == 0) {
			int ids = k[13] == 'e';

			if ((rc = expect(c, '[', "expected an array")) != 0)
				return rc;
			if (!empty_container(c, ']')) {
				do {
					if (ids) {
						if (nids == cap) {
							cap = cap ? 2 * cap : 16;
							b->ids = xreallocarray(b->ids, cap,
							    sizeof *b->ids);
						}
						b->ids[nids] = NULL;
						rc = raw_value(c, &b->ids[nids]);
						if (b->ids[nids])
							nids++;
					} else {
						if (nlines == lcap) {
							lcap = lcap ? 2 * lcap : 16;
							b->lines = xreallocarray(b->lines,
							    lcap, sizeof *b->lines);
						}
						rc = u64(c, &b->lines[nlines]);
						if (rc == 0 && nlines &&
						    b->lines[nlines] <= b->lines[nlines - 1]) {
							c->why = "contaminated_lines not ascending";
							rc = PTK_EFORMAT;
						}
						nlines++;
					}
					if (rc)
						break;
				} while ((rc = next_item(c, ']')) == 1);
			}
		} else {
			rc = json_skip_value(&c->p, c->end, &c->why);
		}
		b->ncont = nids;	/* what to free so far */
		if (rc < 0)
			break;
	} while ((more = next_item(c, '}')) == 1 || (rc = more) > 0);
	if (rc < 0) {
		/* free lines/ids consistently: ncont counts ids; lines shares it */
		return rc;
	}
done:
	if (nids != nlines) {
		c->why = "contaminated_examples and contaminated_lines differ in length";
		return PTK_EFORMAT;
	}
	if (b->fingerprint[0] == '\0') {
		c->why = "benchmark without a fingerprint";
		return PTK_EFORMAT;
	}
	return 0;
}

static int
parse_freq(struct cur *c, struct dc_report *r)
{
	char k[64];
	size_t cap = 0;
	int rc, more;

	if ((rc = expect(c, '{', "expected an object")) != 0)
		return rc;
	if (empty_container(c, '}'))
		return 0;
	do {
		char *e;
		uint64_t h;

		if ((rc = key(c, k, sizeof k)) != 0)
			return rc;
		h = strtoull(k, &e, 16);
		if (strlen(k) != 16 || *e != '\0') {
			c->why = "bad n-gram hash";
			return PTK_EFORMAT;
		}
		if (r->nf == cap) {
			cap = cap ? 2 * cap : 64;
			r->fh = xreallocarray(r->fh, cap, sizeof *r->fh);
			r->fc = xreallocarray(r->fc, cap, sizeof *r->fc);
		}
		r->fh[r->nf] = h;
		if ((rc = u64(c, &r->fc[r->nf])) != 0)
			return rc;
		if (r->nf && h <= r->fh[r->nf - 1]) {
			c->why = "ngram_doc_freq not in ascending order";
			return PTK_EFORMAT;
		}
		r->nf++;
	} while ((more = next_item(c, '}')) == 1 || (rc = more) > 0);
	return rc;
}

int
dc_report_parse(const char *text, size_t len, struct dc_report **rp,
    const char **why, size_t *at)
{
	struct dc_report *r = xcalloc(1, sizeof *r);
	struct cur c = { text, text + len, NULL, BUF_INIT };
	char k[64];
	int rc, more, seen_n = 0, seen_b = 0;

	*rp = NULL;
	c.tmp.max = 1 << 20;
	if ((rc = expect(&c, '{', "expected a JSON object")) != 0)
		goto fail;
	if (empty_container(&c, '}'))
		goto closed;
	do {
		if ((rc = key(&c, k, sizeof k)) != 0)
			goto fail;
		if (strcmp(k, "n") == 0) {
			rc = u64(&c, &r->n);
			seen_n = 1;
		} else if (strcmp(k, "short_examples_min") == 0) {
			rc = u64(&c, &r->short_min);
		} else if (strcmp(k, "char_ngrams") == 0) {
			if (c.end - c.p >= 4 && memcmp(c.p, "true", 4) == 0)
				r->char_ngrams = 1, c.p += 4;
			else if (c.end - c.p >= 5 && memcmp(c.p, "false", 5) == 0)
				c.p += 5;
			else {
				c.why = "char_ngrams must be true or false";
				rc = PTK_EFORMAT;
			}
		} else if (strcmp(k, "mode") == 0) {
			const char *v;
			size_t n;
			if ((rc = json_read_string(&c.p, c.end, &c.tmp, &v, &n, 0,
			    NULL, &c.why)) == 0) {
				if (n >= sizeof r->mode)
					n = sizeof r->mode - 1;
				memcpy(r->mode, v, n);
				r->mode[n] = '\0';
			}
		} else if (strcmp(k, "max_doc_freq") == 0) {
			if (c.end - c.p >= 4 && memcmp(c.p, "null", 4) == 0)
				c.p += 4;
			else if ((rc = u64(&c, &r->max_doc_freq)) == 0)
				r->has_max = 1;
		} else if (strcmp(k, "documents") == 0)
			rc = u64(&c, &r->documents);
		else if (strcmp(k, "documents_hit") == 0)
			rc = u64(&c, &r->documents_hit);
		else if (strcmp(k, "documents_dropped") == 0)
			rc = u64(&c, &r->documents_dropped);
		else if (strcmp(k, "documents_redacted") == 0)
			rc = u64(&c, &r->documents_redacted);
		else if (strcmp(k, "records_written") == 0)
			rc = u64(&c, &r->records_written);
		else if (strcmp(k, "text_bytes") == 0)
			rc = u64(&c, &r->text_bytes);
		else if (strcmp(k, "ngrams") == 0)
			rc = u64(&c, &r->ngrams);
		else if (strcmp(k, "ngrams_ignored") == 0)
			rc = u64(&c, &r->ngrams_ignored);
		else if (strcmp(k, "ngram_doc_freq") == 0)
			rc = parse_freq(&c, r);
		else if (strcmp(k, "benchmarks") == 0) {
			seen_b = 1;
			if ((rc = expect(&c, '{', "expected an object")) != 0)
				goto fail;
			if (!empty_container(&c, '}')) {
				int m;
				do {
					const char *v0 = c.p;
					struct dc_rbench *b;
					size_t i;

					if (c.p >= c.end || *c.p != '"') {
						c.why = "expected a member name";
						rc = PTK_EFORMAT;
						goto fail;
					}
					if ((rc = json_skip_value(&c.p, c.end,
					    &c.why)) != 0)
						goto fail;
					r->b = xreallocarray(r->b, r->nb + 1,
					    sizeof *r->b);
					b = &r->b[r->nb++];
					memset(b, 0, sizeof *b);
					b->name = xmemdup(v0, (size_t)(c.p - v0));
					for (i = 0; i + 1 < r->nb; i++)
						if (strcmp(r->b[i].name, b->name) == 0) {
							c.why = "duplicate benchmark";
							rc = PTK_EFORMAT;
							goto fail;
						}
					if ((rc = expect(&c, ':', "expected ':'")) != 0 ||
					    (rc = parse_bench(&c, b)) != 0) {
						/* lines belong to ids count */
						goto fail;
					}
				} while ((m = next_item(&c, '}')) == 1 ||
				    (rc = m) > 0);
				if (rc < 0)
					goto fail;
			}
		} else
			rc = json_skip_value(&c.p, c.end, &c.why);
		if (rc < 0)
			goto fail;
	} while ((more = next_item(&c, '}')) == 1 || (rc = more) > 0);
	if (rc < 0)
		goto fail;
closed:
	c.p = json_skip_ws(c.p, c.end);
	if (c.p != c.end) {
		c.why = "text after the JSON object";
		rc = PTK_EFORMAT;
		goto fail;
	}
	if (!seen_n || !seen_b || r->n == 0 || r->n > DC_MAX_N) {
		c.why = "not a benchmark-decontaminate report (no n or benchmarks)";
		rc = PTK_EFORMAT;
		goto fail;
	}
	buf_release(&c.tmp);
	*rp = r;
	return 0;
fail:
	*why = c.why ? c.why : "bad report";
	*at = (size_t)(c.p - text);
	buf_release(&c.tmp);
	dc_report_free(r);
	return rc ? rc : PTK_EFORMAT;
}

static void
copy_bench(struct dc_rbench *d, const struct dc_rbench *s)
{
	size_t i;

	*d = *s;
	d->name = xstrdup(s->name);
	d->lines = xcalloc(s->ncont ? s->ncont : 1, sizeof *d->lines);
	d->ids = xcalloc(s->ncont ? s->ncont : 1, sizeof *d->ids);
	for (i = 0; i < s->ncont; i++) {
		d->lines[i] = s->lines[i];
		d->ids[i] = xstrdup(s->ids[i]);
	}
}

/* Union of two ascending line lists with their ids. */
static void
merge_cont(struct dc_rbench *d, const struct dc_rbench *s)
{
	size_t n = d->ncont + s->ncont, i = 0, j = 0, k = 0;
	uint64_t *lines = xcalloc(n ? n : 1, sizeof *lines);
	char **ids = xcalloc(n ? n : 1, sizeof *ids);

	while (i < d->ncont || j < s->ncont) {
		if (j >= s->ncont || (i < d->ncont && d->lines[i] < s->lines[j])) {
			lines[k] = d->lines[i];
			ids[k++] = d->ids[i++];
		} else if (i >= d->ncont || s->lines[j] < d->lines[i]) {
			lines[k] = s->lines[j];
			ids[k++] = xstrdup(s->ids[j++]);
		} else {
			lines[k] = d->lines[i];
			ids[k++] = d->ids[i++];
			j++;
		}
	}
	free(d->lines);
	free(d->ids);
	d->lines = lines;
	d->ids = ids;
	d->ncont = k;
}

static void
merge_freq(struct dc_report *d, const struct dc_report *s)
{
	size_t n = d->nf + s->nf, i = 0, j = 0, k = 0;
	uint64_t *fh = xcalloc(n ? n : 1, sizeof *fh);
	uint64_t *fc = xcalloc(n ? n : 1, sizeof *fc);

	while (i < d->nf || j < s->nf) {
		if (j >= s->nf || (i < d->nf && d->fh[i] < s->fh[j])) {
			fh[k] = d->fh[i];
			fc[k++] = d->fc[i++];
		} else if (i >= d->nf || s->fh[j] < d->fh[i]) {
			fh[k] = s->fh[j];
			fc[k++] = s->fc[j++];
		} else {
			fh[k] = d->fh[i];
			fc[k++] = d->fc[i++] + s->fc[j++];
		}
	}
	free(d->fh);
	free(d->fc);
	d->fh = fh;
	d->fc = fc;
	d->nf = k;
}

int
dc_report_merge(struct dc_report **dp, const struct dc_report *s,
    const char **why)
{
	struct dc_report *d = *dp;
	size_t i, j;

	if (d == NULL) {
		d = xcalloc(1, sizeof *d);
		d->n = s->n;
		d->short_min = s->short_min;
		d->char_ngrams = s->char_ngrams;
		memcpy(d->mode, s->mode, sizeof d->mode);
		d->has_max = s->has_max;
		d->max_doc_freq = s->max_doc_freq;
		*dp = d;
	} else if (d->n != s->n || d->char_ngrams != s->char_ngrams ||
	    d->short_min != s->short_min) {
		*why = "reports made with different --n, --char-ngrams or --short-examples";
		return PTK_EFORMAT;
	} else if (strcmp(d->mode, s->mode) != 0 || d->has_max != s->has_max ||
	    d->max_doc_freq != s->max_doc_freq) {
		*why = "reports made with different --mode or --max-doc-freq";
		return PTK_EFORMAT;
	}
	for (j = 0; j < s->nb; j++) {
		const struct dc_rbench *sb = &s->b[j];

		for (i = 0; i < d->nb; i++)
			if (strcmp(d->b[i].name, sb->name) == 0)
				break;
		if (i == d->nb) {
			d->b = xreallocarray(d->b, d->nb + 1, sizeof *d->b);
			copy_bench(&d->b[d->nb++], sb);
			continue;
		}
		if (strcmp(d->b[i].fingerprint, sb->fingerprint) != 0 ||
		    d->b[i].examples != sb->examples) {
			*why = "a benchmark differs between reports (fingerprint or examples)";
			return PTK_EFORMAT;
		}
		d->b[i].documents_hit += sb->documents_hit;
		merge_cont(&d->b[i], sb);
	}
	d->documents += s->documents;
	d->documents_hit += s->documents_hit;
	d->documents_dropped += s->documents_dropped;
	d->documents_redacted += s->documents_redacted;
	d->records_written += s->records_written;
	d->text_bytes += s->text_bytes;
	if (s->ngrams > d->ngrams)
		d->ngrams = s->ngrams;
	if (s->ngrams_ignored > d->ngrams_ignored)
		d->ngrams_ignored = s->ngrams_ignored;
	merge_freq(d, s);
	return 0;
}

int
dc_report_write_merged(const struct dc_report *r, struct buf *out)
{
	size_t b, i;
	int rc;

	rc = buf_printf(out, "{\"program\":\"benchmark-decontaminate\","
	    "\"n\":%llu,\"char_ngrams\":%s,\"short_examples_min\":%llu,"
	    "\"mode\":", (unsigned long long)r->n,
	    r->char_ngrams ? "true" : "false", (unsigned long long)r->short_min);
	if (rc == 0 && json_write_string(out, r->mode, strlen(r->mode)) < 0)
		rc = PTK_ELIMIT;
	if (rc == 0)
		rc = r->has_max ? buf_printf(out, ",\"max_doc_freq\":%llu",
		    (unsigned long long)r->max_doc_freq) :
		    buf_append(out, ",\"max_doc_freq\":null", 20);
	if (rc == 0)
		rc = buf_printf(out, ",\"documents\":%llu,\"documents_hit\":%llu,"
		    "\"documents_dropped\":%llu,\"documents_redacted\":%llu,"
		    "\"records_written\":%llu,\"text_bytes\":%llu,"
		    "\"ngrams\":%llu,\"ngrams_ignored\":%llu,\"benchmarks\":{",
		    (unsigned long long)r->documents,
		    (unsigned long long)r->documents_hit,
		    (unsigned long long)r->documents_dropped,
		    (unsigned long long)r->documents_redacted,
		    (unsigned long long)r->records_written,
		    (unsigned long long)r->text_bytes,
		    (unsigned long long)r->ngrams,
		    (unsigned long long)r->ngrams_ignored);
	for (b = 0; rc == 0 && b < r->nb; b++) {
		const struct dc_rbench *be = &r->b[b];

		rc = buf_printf(out, "%s%s:{\"examples\":%llu,\"short_examples\":%llu,"
		    "\"ngrams\":%llu,\"fingerprint\":\"%s\","
		    "\"documents_hit\":%llu,\"contaminated\":%zu,"
		    "\"contaminated_examples\":[", b ? "," : "", be->name,
		    (unsigned long long)be->examples,
		    (unsigned long long)be->short_examples,
		    (unsigned long long)be->ngrams, be->fingerprint,
		    (unsigned long long)be->documents_hit, be->ncont);
		for (i = 0; rc == 0 && i < be->ncont; i++)
			rc = buf_printf(out, "%s%s", i ? "," : "", be->ids[i]);
		if (rc == 0)
			rc = buf_append(out, "],\"contaminated_lines\":[", 24);
		for (i = 0; rc == 0 && i < be->ncont; i++)
			rc = buf_printf(out, "%s%llu", i ? "," : "",
			    (unsigned long long)be->lines[i]);
		if (rc == 0)
			rc = buf_append(out, "]}", 2);
	}
	if (rc == 0)
		rc = buf_append(out, "},\"ngram_doc_freq\":{", 20);
	for (i = 0; rc == 0 && i < r->nf; i++)
		rc = buf_printf(out, "%s\"%016llx\":%llu", i ? "," : "",
		    (unsigned long long)r->fh[i], (unsigned long long)r->fc[i]);
	if (rc == 0)
		rc = buf_append(out, "}}\n", 3);
	return rc;
}

int
dc_report_apply_doc_freq(const struct dc_report *r, struct dc_index *x,
    const char **why)
{
	const struct dc_opts *o = dc_index_opts(x);
	size_t i;

	if (r->n != (uint64_t)o->n || r->char_ngrams != o->char_ngrams ||
	    r->short_min != (uint64_t)o->short_min) {
		*why = "the --doc-freq report was made with a different --n, --char-ngrams or --short-examples";
		return PTK_EFORMAT;
	}
	for (i = 0; i < r->nf; i++)
		dc_index_set_doc_freq(x, r->fh[i], r->fc[i]);
	return 0;
}
