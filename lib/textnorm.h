/*
 * textnorm.h - text normalisation for comparing documents (dedup).
 *
 * tn_normalize() maps text to a canonical form:
 *   1. Unicode NFC (utf8proc; text that is all ASCII is already NFC);
 *   2. with TN_LOWER, each code point to its lowercase (utf8proc_tolower);
 *   3. with TN_NOPUNCT, punctuation (general categories Pc Pd Ps Pe Pi Pf Po)
 *      is removed, as datatrove's simplify_text and CCNet's normalize do;
 *   4. with TN_DIGITS, each decimal digit (category Nd) becomes '0' (CCNet);
 *   5. whitespace folding: every run of white space (ASCII space, tab, LF,
 *      VT, FF, CR, and categories Zs Zl Zp, U+0085) becomes one ASCII space,
 *      and leading and trailing white space is dropped.
 * Invalid UTF-8 bytes (which doc readers reject or repair before text gets
 * here) are copied through unchanged and NFC is skipped for that text.
 */
#ifndef PTK_TEXTNORM_H
#define PTK_TEXTNORM_H

#include <stddef.h>

#include "buf.h"

enum tn_flags {
	TN_LOWER = 1,
	TN_NOPUNCT = 2,
	TN_DIGITS = 4,
};

/*
 * Normalise s[0..n) into out (replacing its contents).  Returns 0, or
 * PTK_ELIMIT when out is over its cap.
 */
int	tn_normalize(const char *s, size_t n, unsigned flags, struct buf *out);

/* Number of code points in s[0..n) that are not white space (as above). */
size_t	tn_count_nonspace(const char *s, size_t n);

#endif
