/*
 * robots.h - robots.txt (RFC 9309, the Robots Exclusion Protocol).
 *
 * robots_parse() reads a robots.txt body and keeps the rules of the groups
 * that apply to one crawler: every group whose user-agent line matches the
 * crawler's product token (case-insensitively) is merged; when none does,
 * the "*" groups are merged; when there is none either, everything is
 * allowed.  Matching follows section 2.2.2: the longest matching rule wins
 * (length in octets of the normalised pattern), Allow beats Disallow at
 * equal length, "*" matches any run of octets and a final "$" anchors the
 * end.  Paths and patterns are compared after the same normalisation:
 * percent-encoded unreserved characters are decoded, other escapes get
 * upper-case hex digits, and octets outside printable US-ASCII are
 * percent-encoded.  "/robots.txt" itself is always allowed.
 *
 * The non-standard Crawl-delay line is read from the chosen groups (the
 * largest value wins).  Only the first ROBOTS_MAX_BYTES of a body are parsed
 * (the RFC asks for at least 500 KiB).
 */
#ifndef PTK_ROBOTS_H
#define PTK_ROBOTS_H

#include <stddef.h>

#define ROBOTS_MAX_BYTES ((size_t)512 << 10)
#define ROBOTS_MAX_RULES 100000		/* rules kept for one crawler */
#define ROBOTS_MAX_TOKEN 128		/* product token length */

/* What the fetch of /robots.txt gave (section 2.3.1). */
enum robots_status {
	ROBOTS_PARSED = 0,	/* 2xx: the rules decide */
	ROBOTS_ALLOW_ALL,	/* 4xx: "unavailable", crawl anything */
	ROBOTS_DISALLOW_ALL,	/* 5xx or unreachable: crawl nothing (for now) */
};

struct robots_rule {
	char *pat;		/* normalised pattern (without a final '$') */
	size_t len;		/* length of pat */
	unsigned allow:1;
	unsigned anchored:1;	/* pattern ended in '$' */
};

struct robots {
	enum robots_status status;
	struct robots_rule *rules;	/* the chosen groups' rules */
	size_t nrules, cap;
	double crawl_delay;		/* seconds; < 0: none given */
	int matched_group;		/* 1 product token, 0 "*", -1 none */
};

/*
 * Extract the product token from a User-Agent string: the leading run of
 * [A-Za-z_-] characters ("ptk-crawl/0.1 (+url)" -> "ptk-crawl"), at most
 * ROBOTS_MAX_TOKEN bytes, into out (size >= ROBOTS_MAX_TOKEN + 1).  Returns
 * its length (0 when the string starts with anything else).
 */
size_t	robots_product_token(const char *ua, char *out);

/* An empty robots (status as given: allow all / disallow all). */
void	robots_init(struct robots *r, enum robots_status status);
void	robots_release(struct robots *r);

/*
 * Parse body[0..len) (any bytes; only the first ROBOTS_MAX_BYTES are read)
 * for the crawler whose product token is token.  r is initialised here;
 * release it with robots_release().  Never fails: lines that are not rules
 * are ignored, as the RFC asks.
 */
void	robots_parse(struct robots *r, const char *body, size_t len,
	    const char *token);

/*
 * Whether the crawler may fetch path (the URL's path and query, starting
 * with '/'; an empty path means "/").  Returns 1 allowed, 0 disallowed.
 */
int	robots_allowed(const struct robots *r, const char *path, size_t len);

/*
 * Normalise a path or pattern for comparison (see above) into out (which is
 * reset first).  Returns 0 or PTK_ELIMIT when out is over its cap.
 */
struct buf;
int	robots_normalise(struct buf *out, const char *s, size_t len);

/* Match the normalised pattern (without the '$') against a normalised path. */
int	robots_match(const char *pat, size_t plen, int anchored,
	    const char *path, size_t len);

#endif
