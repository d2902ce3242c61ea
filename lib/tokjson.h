/*
 * tokjson.h - token records as JSON Lines, for people, jq and tests.
 *
 * One object a record: {"id":..,"tokens":[..]} plus "segments", "bounds",
 * "labels" and "label" when the record has them.  The header, when asked
 * for, is {"header":{"version":1,"width":2,"kind":"seq","vocab_size":N,
 * "fingerprint":"hex16","special":{"eos":50256,...}}}.
 */
#ifndef PTK_TOKJSON_H
#define PTK_TOKJSON_H

#include "buf.h"
#include "tokrec.h"

/* Append rec as one JSON line (with '\n'); 0 or PTK_ELIMIT. */
int	tokjson_write(struct buf *out, const struct tok_rec *rec);
int	tokjson_write_header(struct buf *out, const struct tok_header *h);

/* Arrays that tokjson_parse fills; the caller releases them. */
struct tokjson_scratch {
	struct buf id;
	uint32_t *tokens;
	size_t tokens_cap;
	uint8_t *segments;
	size_t segments_cap;
	uint32_t *bounds;
	size_t bounds_cap;
	int32_t *labels;
	size_t labels_cap;
};

/*
 * Parse one JSON line as written by tokjson_write into *rec (arrays in s).
 * Checks lengths agree.  Returns 0, or PTK_EFORMAT with *why and *at (offset
 * in line).  Token ids are checked against vocab_size.
 */
int	tokjson_parse(const char *line, size_t len, uint32_t vocab_size,
	    struct tok_rec *rec, struct tokjson_scratch *s, const char **why,
	    size_t *at);
void	tokjson_scratch_release(struct tokjson_scratch *s);

#endif
