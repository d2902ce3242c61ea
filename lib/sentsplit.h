/*
 * sentsplit.h - a small, documented sentence splitter, for tokenize
 * --sentences (the sentence bounds that nsp-pair and sop-pair read).
 *
 * A sentence ends:
 *   1. after a run of '.', '!' or '?' (with any closing quotes or brackets
 *      right after it: " ' ) ] } and U+2019 U+201D U+00BB) when whitespace or
 *      the end of the text follows, unless
 *        - the run is a single '.' after a single letter ("J. Smith",
 *          "e.g. this") or after one of the abbreviations Mr Mrs Ms Dr Prof
 *          Sr Jr St vs etc Fig No Vol pp cf al Inc Ltd Co Mt (any case), or
 *        - the next non-space character is a lowercase ASCII letter or a
 *          digit ("approx. two", "p. 12");
 *   2. after a run of the ideographic terminators U+3002 U+FF01 U+FF1F
 *      (with closing U+300D U+300F U+FF09 U+201D right after it), whatever
 *      follows;
 *   3. at a blank line (a line break, optional spaces, another line break).
 * The boundary lies right after the terminator (and closers), before any
 * whitespace, so that encoding the sentences one by one gives the same
 * tokens as encoding the text at once, for WordPiece and GPT-2 byte-level
 * BPE alike.  A "sentence" of whitespace alone is not counted: its
 * whitespace goes with the next sentence.
 */
#ifndef PTK_SENTSPLIT_H
#define PTK_SENTSPLIT_H

#include <stddef.h>

#include "tokenizer.h"

struct sent_spans {
	size_t *start;		/* (n) byte offset where each sentence starts */
	size_t n, cap;
};

void	sent_spans_release(struct sent_spans *s);

/*
 * Replace s's contents with the starts of the sentences of text[0..n): 0
 * first (when the text holds anything but whitespace), then each boundary
 * after which something other than whitespace follows.
 */
void	sent_split(const char *text, size_t n, struct sent_spans *s);

/*
 * Encode text[0..n) with t sentence by sentence: append the ids to out and,
 * for each sentence that yields at least one token, the index in out of its
 * first token to bounds.  spans is scratch.  Returns 0 or the encoder's
 * error.
 */
int	sent_encode(const struct tokenizer *t, struct tok_state *st,
	    const char *text, size_t n, struct sent_spans *spans,
	    struct idvec *out, struct idvec *bounds);

#endif
