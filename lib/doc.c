/* doc.c - doc record (JSON Lines) reading and writing; see doc.h. */
#include "doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "xalloc.h"

struct doc_reader {
	struct zio_reader *zio;
	unsigned flags;
	size_t max_record;
	uint64_t line_no;	/* lines read, empty ones included */
	uint64_t records;
	uint64_t repaired;
	struct buf line;	/* long lines that overflow the window */
	struct buf scratch[5];
	char err[768];
};

int
doc_reader_open(struct doc_reader **rp, const char *path, unsigned flags,
    size_t max_record)
{
	struct doc_reader *r = xcalloc(1, sizeof *r);
	int rc;

	r->flags = flags;
	r->max_record = max_record ? max_record : DOC_DEFAULT_MAX_RECORD;
	*rp = r;
	rc = zio_reader_open(&r->zio, path);
	if (rc)
		snprintf(r->err, sizeof r->err, "%s", zio_errmsg(r->zio));
	return rc;
}

int
doc_reader_from_zio(struct doc_reader **rp, struct zio_reader *z, unsigned flags,
    size_t max_record)
{
	struct doc_reader *r = xcalloc(1, sizeof *r);

	r->flags = flags;
	r->max_record = max_record ? max_record : DOC_DEFAULT_MAX_RECORD;
	r->zio = z;
	*rp = r;
	return 0;
}

void
doc_reader_free(struct doc_reader *r)
{
	int i;

	if (r == NULL)
		return;
	zio_reader_free(r->zio);
	buf_release(&r->line);
	for (i = 0; i < 5; i++)
		buf_release(&r->scratch[i]);
	free(r);
}

enum field { F_ID, F_TEXT, F_SOURCE, F_URL, F_METADATA, F_OTHER };

static enum field
field_of(const char *k, size_t n)
{
	switch (n) {
	case 2: return memcmp(k, "id", 2) == 0 ? F_ID : F_OTHER;
	case 3: return memcmp(k, "url", 3) == 0 ? F_URL : F_OTHER;
	case 4: return memcmp(k, "text", 4) == 0 ? F_TEXT : F_OTHER;
	case 6: return memcmp(k, "source", 6) == 0 ? F_SOURCE : F_OTHER;
	case 8: return memcmp(k, "metadata", 8) == 0 ? F_METADATA : F_OTHER;
	}
	return F_OTHER;
}

int
doc_parse(const char *line, size_t len, struct doc *d, struct buf scratch[5],
    unsigned flags, long *repaired, const char **why, size_t *at)
{
	const char *p = line, *end = line + len;
	struct buf keybuf = BUF_INIT;
	unsigned seen = 0;
	int rc = PTK_EFORMAT, repair = (flags & DOC_REPAIR_UTF8) != 0;
	long fixes = 0;

	memset(d, 0, sizeof *d);
	buf_reset(&scratch[4]);
	p = json_skip_ws(p, end);
	if (p >= end || *p != '{') {
		*why = "expected a JSON object";
		goto fail;
	}
	p = json_skip_ws(p + 1, end);
	if (p < end && *p == '}') {
		p++;
		goto closed;
	}
	for (;;) {
		const char *key, *member = p;
		size_t key_len;
		enum field f;

		if (p >= end || *p != '"') {
			*why = "expected a member name";
			goto fail;
		}
		if ((rc = json_read_string(&p, end, &keybuf, &key, &key_len, 0,
		    NULL, why)) != 0)
			goto fail;
		f = field_of(key, key_len);
		p = json_skip_ws(p, end);
		if (p >= end || *p != ':') {
			*why = "expected ':'";
			rc = PTK_EFORMAT;
			goto fail;
		}
		p = json_skip_ws(p + 1, end);
		if (f != F_OTHER) {
			if (seen & (1u << f)) {
				*why = f == F_ID ? "duplicate member \"id\"" :
				    f == F_TEXT ? "duplicate member \"text\"" :
				    f == F_SOURCE ? "duplicate member \"source\"" :
				    f == F_URL ? "duplicate member \"url\"" :
				    "duplicate member \"metadata\"";
				rc = PTK_EFORMAT;
				p = member;
				goto fail;
			}
			seen |= 1u << f;
		}
		switch (f) {
		case F_ID:
		case F_TEXT:
		case F_SOURCE:
		case F_URL: {
			const char *v;
			size_t n;

			if ((f == F_SOURCE || f == F_URL) && p + 4 <= end &&
			    memcmp(p, "null", 4) == 0) {
				p += 4;
				break;
			}
			if (p >= end || *p != '"') {
				*why = f == F_ID ? "\"id\" must be a string" :
				    f == F_TEXT ? "\"text\" must be a string" :
				    f == F_SOURCE ? "\"source\" must be a string or null" :
				    "\"url\" must be a string or null";
				rc = PTK_EFORMAT;
				goto fail;
			}
			if ((rc = json_read_string(&p, end, &scratch[f], &v, &n,
			    repair, &fixes, why)) != 0)
				goto fail;
			if (f == F_ID)
				d->id = v, d->id_len = n;
			else if (f == F_TEXT)
				d->text = v, d->text_len = n;
			else if (f == F_SOURCE)
				d->source = v, d->source_len = n;
			else
				d->url = v, d->url_len = n;
			break;
		}
		case F_METADATA: {
			const char *v = p;
			if (p + 4 <= end && memcmp(p, "null", 4) == 0) {
				p += 4;
				break;
			}
			if (p >= end || *p != '{') {
				*why = "\"metadata\" must be an object or null";
				rc = PTK_EFORMAT;
				goto fail;
			}
			if ((rc = json_skip_value(&p, end, why)) != 0)
				goto fail;
			d->metadata = v;
			d->metadata_len = (size_t)(p - v);
			break;
		}
		case F_OTHER:
			if ((rc = json_skip_value(&p, end, why)) != 0)
				goto fail;
			/* Unknown members are kept verbatim, in order. */
			if (scratch[4].len && (rc = buf_putc(&scratch[4], ',')) != 0)
				goto fail;
			if ((rc = buf_append(&scratch[4], member,
			    (size_t)(p - member))) != 0) {
				*why = "record too long";
				goto fail;
			}
			break;
		}
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
closed:
	p = json_skip_ws(p, end);
	if (p != end) {
		*why = "text after the JSON object";
		rc = PTK_EFORMAT;
		goto fail;
	}
	if (!(seen & (1u << F_ID)) || !(seen & (1u << F_TEXT))) {
		*why = !(seen & (1u << F_ID)) ? "missing member \"id\""
		    : "missing member \"text\"";
		rc = PTK_EFORMAT;
		p = line;
		goto fail;
	}
	if (scratch[4].len) {
		d->extra = scratch[4].p;
		d->extra_len = scratch[4].len;
	}
	d->raw = line;
	d->raw_len = len;
	if (fixes) {
		d->raw = NULL;
		*repaired += fixes;
	}
	buf_release(&keybuf);
	return 0;
fail:
	if (rc == 0)
		rc = PTK_EFORMAT;
	*at = (size_t)(p - line);
	buf_release(&keybuf);
	return rc;
}

int
doc_read(struct doc_reader *r, struct doc *d)
{
	for (;;) {
		const char *line, *why = NULL;
		size_t len, at = 0;
		uint64_t off;
		long fixes = 0;
		int rc;

		rc = zio_getline(r->zio, &r->line, r->max_record, &line, &len, &off);
		if (rc <= 0) {
			if (rc == PTK_ELIMIT)
				snprintf(r->err, sizeof r->err,
				    "%s: record %llu at byte %llu: record longer than %zu bytes (see --max-record)",
				    zio_name(r->zio),
				    (unsigned long long)r->line_no + 1,
				    (unsigned long long)off, r->max_record);
			else if (rc < 0)
				snprintf(r->err, sizeof r->err, "%s", zio_errmsg(r->zio));
			return rc;
		}
		r->line_no++;
		if (len == 0 || (len == 1 && line[0] == '\r'))
			continue;
		rc = doc_parse(line, len, d, r->scratch, r->flags, &fixes, &why, &at);
		if (rc) {
			snprintf(r->err, sizeof r->err,
			    "%s: record %llu at byte %llu: %s", zio_name(r->zio),
			    (unsigned long long)r->line_no,
			    (unsigned long long)(off + at), why);
			return rc;
		}
		r->records++;
		if (fixes)
			r->repaired++;
		return 1;
	}
}

static int
put_string(struct buf *out, const char *name, const char *s, size_t n)
{
	long rc;

	if ((rc = buf_append(out, name, strlen(name))) != 0)
		return (int)rc;
	rc = json_write_string(out, s, n);
	return rc < 0 ? (int)rc : 0;
}

int
doc_write(struct buf *out, const struct doc *d)
{
	int rc;

	if (d->raw) {
		if ((rc = buf_append(out, d->raw, d->raw_len)) != 0)
			return rc;
		return buf_putc(out, '\n');
	}
	if ((rc = put_string(out, "{\"id\":", d->id, d->id_len)) != 0 ||
	    (rc = put_string(out, ",\"text\":", d->text, d->text_len)) != 0)
		return rc;
	if (d->source && (rc = put_string(out, ",\"source\":", d->source,
	    d->source_len)) != 0)
		return rc;
	if (d->url && (rc = put_string(out, ",\"url\":", d->url, d->url_len)) != 0)
		return rc;
	if (d->metadata && ((rc = buf_append(out, ",\"metadata\":", 12)) != 0 ||
	    (rc = buf_append(out, d->metadata, d->metadata_len)) != 0))
		return rc;
	if (d->extra && ((rc = buf_putc(out, ',')) != 0 ||
	    (rc = buf_append(out, d->extra, d->extra_len)) != 0))
		return rc;
	return buf_append(out, "}\n", 2);
}

const char *
doc_reader_errmsg(const struct doc_reader *r)
{
	return r->err;
}

const char *
doc_reader_name(const struct doc_reader *r)
{
	return zio_name(r->zio);
}

uint64_t
doc_reader_records(const struct doc_reader *r)
{
	return r->records;
}

uint64_t
doc_reader_repaired(const struct doc_reader *r)
{
	return r->repaired;
}

struct zio_reader *
doc_reader_zio(struct doc_reader *r)
{
	return r->zio;
}
