/*
 * http.h - URLs and HTTP messages for the crawler (URL parsing is libcurl's
 * CURLU API).
 *
 * URL normalisation makes one page one URL: the scheme and host are lower
 * case, a default port is dropped, "." and ".." segments are removed, the
 * fragment is dropped, percent-escapes of unreserved characters are decoded
 * and other escapes get upper-case hex digits, and spaces and non-ASCII
 * bytes are percent-encoded.  Only http, https and file URLs are accepted.
 */
#ifndef PTK_HTTP_H
#define PTK_HTTP_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

#define HTTP_MAX_URL 8192	/* longest URL kept, in bytes */

/*
 * Resolve ref against base (NULL: ref must be absolute) and normalise the
 * result into out.  Returns 0, or PTK_EFORMAT for a URL that cannot be
 * parsed, has another scheme, or is longer than HTTP_MAX_URL.
 */
int	http_url_resolve(const char *base, const char *ref, size_t ref_len,
	    struct buf *out);

/*
 * The same against a parsed base (parse a page's URL once, then resolve
 * all its links), also giving the origin and the host of the result when
 * origin / host are not NULL.  A NULL base: ref must be absolute.
 * http_base_new() returns NULL for a URL libcurl cannot parse.
 */
struct http_base;
struct http_base *http_base_new(const char *url);
void	http_base_free(struct http_base *b);		/* NULL: no-op */
int	http_url_resolve_in(const struct http_base *base, const char *ref,
	    size_t ref_len, struct buf *out, struct buf *origin, struct buf *host);

/*
 * Parts of a normalised URL: the origin "scheme://host[:port]" (the unit of
 * politeness and of robots.txt), the host alone, and the path with its
 * query ("/a/b?c").  Each returns 0 or PTK_EFORMAT.
 */
int	http_url_origin(const char *url, struct buf *out);
int	http_url_host(const char *url, struct buf *out);
int	http_url_path(const char *url, struct buf *out);
/* The scheme is "file". */
int	http_url_is_file(const char *url);

/*
 * The registrable domain of host ("www.example.co.uk" -> "example.co.uk")
 * from the Public Suffix List (libpsl), or host itself when it has none (an
 * IP address, "localhost").  Writes into out.
 */
void	http_registrable_domain(const char *host, struct buf *out);

/*
 * Find the last header called name (case-insensitive) in a raw header block
 * ("HTTP/1.1 200 OK\r\nName: value\r\n...").  Returns 1 and the trimmed
 * value in *v, *vlen, or 0 when absent.
 */
int	http_header_find(const char *head, size_t len, const char *name,
	    const char **v, size_t *vlen);

/*
 * Split a Content-Type value into its media type (lower case, into mime)
 * and charset parameter (into charset, empty when absent).
 */
void	http_content_type(const char *v, size_t len, struct buf *mime,
	    struct buf *charset);

/*
 * Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date.  Returns
 * the delay in seconds from now (>= 0), or -1 when the value is neither.
 */
double	http_retry_after(const char *v, size_t len, time_t now);

/*
 * Remove chunked transfer coding (RFC 9112 7.1) from in[0..len): the
 * chunks' data are appended to out.  Returns 0 when the last chunk was
 * read, PTK_EFORMAT for a malformed or truncated message, or PTK_ELIMIT
 * when out is over its cap.
 */
int	http_dechunk(const char *in, size_t len, struct buf *out);

#endif
