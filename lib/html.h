/*
 * html.h - character sets and HTML to text (the HTML5 parser is gumbo's).
 *
 * html_extract() parses a UTF-8 document with the WHATWG algorithm, so that
 * broken markup gets the tree a browser would build, and writes its text:
 * script, style, noscript, template, nav, header, footer, aside, form (and
 * its controls), iframe, svg and math are dropped; headings, paragraphs,
 * list items, table rows and other block elements become paragraphs
 * (separated by a blank line), <br> a line break; white space is collapsed
 * outside <pre>.  It also gives the title, the <base href>, the links
 * (<a href> and <area href>, except rel="nofollow") and whether a robots
 * meta tag says nofollow.
 *
 * The HTML5 tree builder takes time quadratic in the nesting depth, so a
 * page whose estimated depth (start tags that nest minus end tags) passes
 * HTML_MAX_DEPTH is parsed only up to that point (d->cut is set).
 */
#ifndef PTK_HTML_H
#define PTK_HTML_H

#include <stddef.h>

#include "buf.h"

#define HTML_MAX_LINKS 10000	/* links kept from one page */
#define HTML_MAX_DEPTH 5000	/* estimated nesting parsed (see below) */

struct html_doc {
	struct buf text;	/* paragraphs, UTF-8 */
	struct buf title;	/* whitespace-collapsed, may be empty */
	struct buf base;	/* <base href>, empty when absent */
	struct buf links;	/* hrefs as written, each ending in '\0' */
	size_t nlinks;
	int nofollow;		/* <meta name=robots content=...nofollow...> */
	int cut;		/* the page nested too deep and was cut */
};

void	html_doc_init(struct html_doc *d);
void	html_doc_release(struct html_doc *d);

/*
 * Parse html[0..len) (UTF-8; invalid sequences become U+FFFD) into d, whose
 * previous contents are replaced.  Returns 0, or PTK_ELIMIT when a buffer
 * would pass its cap (d->text.max etc. as set by the caller).
 */
int	html_extract(const char *html, size_t len, struct html_doc *d);

/* The length of the prefix of h that stays within HTML_MAX_DEPTH. */
size_t	html_depth_prefix(const char *h, size_t len);

/*
 * The encoding a document declares before its text: a byte order mark,
 * else (html set) a <meta charset> or <meta http-equiv=Content-Type> in
 * the first 1024 bytes.  Writes the label (lower case) into out, empty when
 * none is found; a BOM gives "utf-8", "utf-16le" or "utf-16be".
 */
void	html_sniff_charset(const char *p, size_t len, int html, struct buf *out);

/*
 * Map an encoding label to the name iconv knows, following the WHATWG
 * Encoding Standard's aliases (so "iso-8859-1", "latin1" and "ascii" mean
 * windows-1252).  Returns a static string, or NULL for an unknown label.
 */
const char *html_charset_name(const char *label);

/*
 * Convert p[0..len) from the encoding named by label (empty or unknown:
 * UTF-8) to UTF-8, appending to out.  A byte order mark is dropped; bytes
 * that cannot be converted become U+FFFD and are counted in *repaired.
 * Returns 0 or PTK_ELIMIT past out's cap.
 */
int	html_to_utf8(const char *p, size_t len, const char *label,
	    struct buf *out, long *repaired);

#endif
