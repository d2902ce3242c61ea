/*
 * http.c - URL normalisation (libcurl CURLU) and HTTP message helpers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <libpsl.h>

#include "http.h"
#include "xalloc.h"

static const char hexdig[] = "0123456789ABCDEF";

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Prepare a reference as a browser would: strip surrounding whitespace,
 * drop tabs and newlines, percent-encode spaces, controls and non-ASCII.
 */
static int
clean_ref(const char *s, size_t n, struct buf *out)
{
	size_t i;

	while (n > 0 && (unsigned char)*s <= 0x20) {
		s++;
		n--;
	}
	while (n > 0 && (unsigned char)s[n - 1] <= 0x20)
		n--;
	buf_reset(out);
	if (n > HTTP_MAX_URL || buf_grow(out, n * 3) != 0)
		return PTK_EFORMAT;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c <= 0x20 || c >= 0x7f) {
			buf_putc_unchecked(out, '%');
			buf_putc_unchecked(out, hexdig[c >> 4]);
			buf_putc_unchecked(out, hexdig[c & 15]);
		} else {
			buf_putc_unchecked(out, (char)c);
		}
	}
	out->p[out->len] = '\0';
	return 0;
}

static int
unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Canonical percent-escapes: decode unreserved, upper-case the rest. */
static void
fix_escapes(char *s)
{
	char *w = s;

	while (*s) {
		int h, l;
		if (s[0] == '%' && (h = hexval(s[1])) >= 0 && (l = hexval(s[2])) >= 0) {
			int v = h * 16 + l;
			if (unreserved(v)) {
				*w++ = (char)v;
			} else {
				*w++ = '%';
				*w++ = hexdig[v >> 4];
				*w++ = hexdig[v & 15];
			}
			s += 3;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

struct http_base {
	CURLU *u;
};

struct http_base *
http_base_new(const char *url)
{
	struct http_base *b = xcalloc(1, sizeof *b);

	b->u = curl_url();
	if (b->u == NULL || curl_url_set(b->u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		http_base_free(b);
		return NULL;
	}
	return b;
}

void
http_base_free(struct http_base *b)
{
	if (b == NULL)
		return;
	curl_url_cleanup(b->u);
	free(b);
}

int
http_url_resolve_in(const struct http_base *base, const char *ref,
    size_t ref_len, struct buf *out, struct buf *origin, struct buf *hostout)
{
	CURLU *u = base ? curl_url_dup(base->u) : curl_url();
	struct buf clean = BUF_INIT;
	char *scheme = NULL, *host = NULL, *port = NULL, *url = NULL;
	int rc = PTK_EFORMAT;
	size_t i;

	if (u == NULL)
		return PTK_ENOMEM;
	if (clean_ref(ref, ref_len, &clean) != 0 || clean.len == 0)
		goto out;
	/* A reference that is only a fragment names the base itself (libcurl
	 * would resolve it like a relative path). */
	if (!(base && clean.p[0] == '#') &&
	    curl_url_set(u, CURLUPART_URL, clean.p, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0 &&
	    strcmp(scheme, "file") != 0)
		goto out;
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host) {
		int lower = 0;
		for (i = 0; host[i]; i++)
			if (isupper((unsigned char)host[i])) {
				host[i] = (char)tolower((unsigned char)host[i]);
				lower = 1;
			}
		/* A trailing dot names the same host. */
		if (i > 1 && host[i - 1] == '.') {
			host[i - 1] = '\0';
			lower = 1;
		}
		if (lower && curl_url_set(u, CURLUPART_HOST, host, 0) != CURLUE_OK)
			goto out;
	}
	if (curl_url_get(u, CURLUPART_URL, &url, CURLU_NO_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	/* libcurl writes escapes in lower case; RFC 3986 6.2.2 wants upper
	 * case and unreserved characters decoded, in the path and query. */
	{
		char *sep = strstr(url, "://"), *path;
		if (sep && (path = strchr(sep + 3, '/')) != NULL)
			fix_escapes(path);
	}
	if (strlen(url) > HTTP_MAX_URL)
		goto out;
	buf_reset(out);
	if (buf_append(out, url, strlen(url)) != 0)
		goto out;
	if (origin) {
		buf_reset(origin);
		if (strcmp(scheme, "file") == 0) {
			buf_append(origin, "file://", 7);
		} else {
			curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT);
			buf_printf(origin, "%s://%s%s%s", scheme, host ? host : "",
			    port ? ":" : "", port ? port : "");
		}
	}
	if (hostout) {
		buf_reset(hostout);
		buf_append(hostout, host && strcmp(scheme, "file") != 0 ? host : "",
		    host && strcmp(scheme, "file") != 0 ? strlen(host) : 0);
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(url);
	curl_url_cleanup(u);
	buf_release(&clean);
	return rc;
}

int
http_url_resolve(const char *base, const char *ref, size_t ref_len,
    struct buf *out)
{
	struct http_base *b = NULL;
	int rc;

	if (base && (b = http_base_new(base)) == NULL)
		return PTK_EFORMAT;
	rc = http_url_resolve_in(b, ref, ref_len, out, NULL, NULL);
	http_base_free(b);
	return rc;
}

static int
get_part(const char *url, CURLUPart part, unsigned flags, char **v)
{
	CURLU *u = curl_url();
	int rc = PTK_EFORMAT;

	*v = NULL;
	if (u == NULL)
		return PTK_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, part, v, flags) == CURLUE_OK)
		rc = 0;
	curl_url_cleanup(u);
	return rc;
}

int
http_url_is_file(const char *url)
{
	return strncasecmp(url, "file:", 5) == 0;
}

int
http_url_origin(const char *url, struct buf *out)
{
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc;

	buf_reset(out);
	if ((rc = get_part(url, CURLUPART_SCHEME, 0, &scheme)) != 0)
		return rc;
	if (strcmp(scheme, "file") == 0) {
		curl_free(scheme);
		return buf_append(out, "file://", 7);
	}
	if ((rc = get_part(url, CURLUPART_HOST, 0, &host)) == 0) {
		get_part(url, CURLUPART_PORT, CURLU_NO_DEFAULT_PORT, &port);
		rc = buf_printf(out, "%s://%s%s%s", scheme, host, port ? ":" : "",
		    port ? port : "");
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return rc;
}

int
http_url_host(const char *url, struct buf *out)
{
	char *host = NULL;
	int rc;

	buf_reset(out);
	if (http_url_is_file(url))
		return buf_append(out, "", 0);
	if ((rc = get_part(url, CURLUPART_HOST, 0, &host)) == 0)
		rc = buf_append(out, host, strlen(host));
	curl_free(host);
	return rc;
}

int
http_url_path(const char *url, struct buf *out)
{
	char *path = NULL, *query = NULL;
	int rc;

	buf_reset(out);
	if ((rc = get_part(url, CURLUPART_PATH, 0, &path)) != 0)
		return rc;
	get_part(url, CURLUPART_QUERY, 0, &query);
	rc = buf_printf(out, "%s%s%s", path, query ? "?" : "", query ? query : "");
	curl_free(path);
	curl_free(query);
	return rc;
}

void
http_registrable_domain(const char *host, struct buf *out)
{
	static const psl_ctx_t *psl;
	static int loaded;
	const char *d = NULL;

	if (!loaded) {
		psl = psl_latest(NULL);
		if (psl == NULL)
			psl = psl_builtin();
		loaded = 1;
	}
	/* An IP address has no registrable domain. */
	if (psl && strchr(host, ':') == NULL && host[0] != '[' &&
	    strspn(host, "0123456789.") != strlen(host))
		d = psl_registrable_domain(psl, host);
	if (d == NULL)
		d = host;
	buf_reset(out);
	buf_append(out, d, strlen(d));
}

int
http_header_find(const char *head, size_t len, const char *name,
    const char **v, size_t *vlen)
{
	size_t nlen = strlen(name);
	const char *p = head, *end = head + len;
	int found = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end, *a, *b;

		if ((size_t)(le - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0) {
			a = p + nlen + 1;
			b = le;
			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
				b--;
			*v = a;
			*vlen = (size_t)(b - a);
			found = 1;
		}
		p = eol ? eol + 1 : end;
	}
	return found;
}

void
http_content_type(const char *v, size_t len, struct buf *mime,
    struct buf *charset)
{
	const char *p = v, *end = v + len, *semi;
	size_t i;

	buf_reset(mime);
	buf_reset(charset);
	semi = memchr(v, ';', len);
	if (semi == NULL)
		semi = end;
	while (p < semi && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < semi && *p != ' ' && *p != '\t'; p++)
		buf_putc(mime, (char)tolower((unsigned char)*p));
	p = semi;
	while (p < end) {
		const char *q = memchr(p + 1, ';', (size_t)(end - p - 1));
		const char *pe = q ? q : end, *a = p + 1;

		while (a < pe && (*a == ' ' || *a == '\t'))
			a++;
		if (pe - a > 8 && strncasecmp(a, "charset=", 8) == 0) {
			a += 8;
			if (a < pe && (*a == '"' || *a == '\''))
				a++;
			for (i = 0; a + i < pe && a[i] != '"' && a[i] != '\'' &&
			    a[i] != ' ' && a[i] != '\t' && i < 40; i++)
				buf_putc(charset, (char)tolower((unsigned char)a[i]));
		}
		p = pe;
	}
}

double
http_retry_after(const char *v, size_t len, time_t now)
{
	char tmp[64], *e;
	struct tm tm;
	size_t i;

	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	for (i = 0; i < len && isdigit((unsigned char)tmp[i]); i++)
		;
	if (i == len) {
		double d = strtod(tmp, &e);
		return d;
	}
	memset(&tm, 0, sizeof tm);
	e = strptime(tmp, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (e == NULL || *e != '\0')
		return -1;
	{
		time_t t = timegm(&tm);
		return t > now ? (double)(t - now) : 0;
	}
}

int
http_dechunk(const char *in, size_t len, struct buf *out)
{
	const char *p = in, *end = in + len;

	for (;;) {
		unsigned long long size = 0;
		int digits = 0, rc;
		const char *eol;

		while (p < end && hexval((unsigned char)*p) >= 0) {
			if (size >> 56)
				return PTK_EFORMAT;
			size = size * 16 + (unsigned)hexval((unsigned char)*p);
			p++;
			digits++;
		}
		if (digits == 0)
			return PTK_EFORMAT;
		/* chunk extensions, then CRLF */
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			return PTK_EFORMAT;
		p = eol + 1;
		if (size == 0)
			return 0;	/* trailers may follow; they are not payload */
		if ((unsigned long long)(end - p) < size)
			return PTK_EFORMAT;
		if ((rc = buf_append(out, p, (size_t)size)) != 0)
			return rc;
		p += size;
		if (p < end && *p == '\r')
			p++;
		if (p >= end || *p != '\n')
			return PTK_EFORMAT;
		p++;
	}
}
