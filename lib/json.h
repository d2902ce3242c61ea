/*
 * json.h - strict JSON (RFC 8259) scanning and writing for JSON Lines records.
 *
 * The scanners work on one in-memory text [*pp, end) and advance *pp past what
 * they read.  On failure they return PTK_EFORMAT (or PTK_ELIMIT, for nesting
 * deeper than JSON_MAX_DEPTH or a buffer over its cap), leave *pp at the
 * offending byte and set *why to a static message.
 *
 * Strings must be valid UTF-8, and \u escapes must not leave a lone
 * surrogate.  With repair set, each maximal invalid UTF-8 subsequence and each
 * lone surrogate becomes U+FFFD instead, and *repaired counts them.
 */
#ifndef PTK_JSON_H
#define PTK_JSON_H

#include <stddef.h>

#include "buf.h"

#define JSON_MAX_DEPTH 512

/* Skip JSON whitespace (space, tab, LF, CR). */
static inline const char *
json_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * Read a string value; *pp points at its opening quote.  When the string
 * needs no decoding (no escapes, valid UTF-8) *val points into the input and
 * out is untouched; otherwise the decoded bytes replace out's contents and
 * *val = out->p.  Decoded text may contain NUL (from \u0000): use *len.
 */
int	json_read_string(const char **pp, const char *end, struct buf *out,
	    const char **val, size_t *len, int repair, long *repaired,
	    const char **why);

/* Validate and skip one value of any type (nesting up to JSON_MAX_DEPTH). */
int	json_skip_value(const char **pp, const char *end, const char **why);

/*
 * Read an unsigned integer value that fits in 64 bits (no fraction or
 * exponent); for token ids and counts.
 */
int	json_read_u64(const char **pp, const char *end, unsigned long long *v,
	    const char **why);

/*
 * Append s[0..n) to out as a JSON string in canonical form: quotes, only '"',
 * '\\' and control characters escaped (\b \f \n \r \t, else \u00XX), all
 * other text as raw UTF-8.  Invalid UTF-8 is written as U+FFFD.  Returns the
 * number of repairs made (>= 0) or PTK_ELIMIT when out is over its cap.
 */
long	json_write_string(struct buf *out, const char *s, size_t n);

#endif
