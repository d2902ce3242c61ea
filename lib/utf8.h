/*
 * utf8.h - UTF-8 validation, decoding and repair (RFC 3629).
 *
 * Valid means: shortest form, no surrogates (U+D800..DFFF), nothing above
 * U+10FFFF.  Repair replaces each maximal invalid subsequence with U+FFFD,
 * as the Unicode Standard (ch. 3, "U+FFFD substitution of maximal subparts")
 * and WHATWG's decoder do, so our counts match other tools'.
 */
#ifndef PTK_UTF8_H
#define PTK_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Length of the longest valid UTF-8 prefix of p[0..n). */
size_t	utf8_valid_prefix(const unsigned char *p, size_t n);

/*
 * Decode one code point at p (n > 0 bytes available).  Returns the number of
 * bytes it takes (1..4) and sets *cp, or returns -k when the first k bytes
 * are a maximal invalid subsequence (k >= 1).
 */
int	utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* Encode cp (<= 0x10FFFF) into out[0..4); returns the byte count. */
int	utf8_encode(uint32_t cp, unsigned char out[4]);

/*
 * Append p[0..n) to out with each maximal invalid subsequence replaced by
 * U+FFFD.  Returns the number of replacements made, or a negative enum
 * ptk_err if out is over its cap.
 */
long	utf8_repair(struct buf *out, const unsigned char *p, size_t n);

#endif
