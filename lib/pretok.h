/*
 * pretok.h - pre-tokenization for byte-level BPE: a regex (PCRE2 with JIT)
 * cuts text into pieces that BPE then encodes one by one, so that merges
 * never cross the pattern's classes; and GPT-2's byte-to-unicode mapping,
 * which vocab.json, merges.txt and tokenizer.json use to write bytes as
 * printable characters.
 *
 * The default pattern is GPT-2's
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * In this and any other pattern \s and \S are spelled out as Unicode
 * White_Space (what tiktoken's and HuggingFace's regex engines mean by \s;
 * PCRE2's own \s differs at U+180E).
 * Text may hold invalid UTF-8: bytes no alternative can match come out as
 * pieces of their own (each maximal run of them is one piece).
 */
#ifndef PTK_PRETOK_H
#define PTK_PRETOK_H

#include <stddef.h>
#include <stdint.h>

/* GPT-2's pattern as written in GPT-2, tiktoken and HuggingFace. */
#define PRETOK_GPT2_PATTERN \
	"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"

/* cl100k_base's pattern (tiktoken), also Llama 3's. */
#define PRETOK_CL100K_PATTERN \
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|" \
	"\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

struct pretok;			/* a compiled pattern; read-only, shared by threads */
struct pretok_state;		/* per-thread match data */

/*
 * Compile pattern (NULL: GPT-2's).  Returns 0 and *p, or PTK_EFORMAT with
 * PCRE2's message and offset in err.
 */
int	pretok_new(struct pretok **p, const char *pattern, char *err, size_t errlen);
void	pretok_free(struct pretok *p);	/* NULL is a no-op */
/* The pattern as given (GPT-2's for NULL). */
const char *pretok_pattern(const struct pretok *p);
/* Whether p is GPT-2's pattern. */
int	pretok_is_gpt2(const struct pretok *p);
/*
 * Whether p's pieces never cross the points pretok_cut finds: true for
 * GPT-2's and cl100k's patterns (o200k's can join "x\n/").
 */
int	pretok_can_cut(const struct pretok *p);

struct pretok_state *pretok_state_new(const struct pretok *p);
void	pretok_state_free(struct pretok_state *s);	/* NULL is a no-op */

/*
 * The next piece of text[0..n) at or after *pos: returns 1 with
 * text[*start .. *start + *len) and *pos moved past it, 0 at the end, or
 * PTK_ELIMIT when PCRE2 gives up (match limit).
 */
int	pretok_next(const struct pretok *p, struct pretok_state *s,
	    const char *text, size_t n, size_t *pos, size_t *start, size_t *len);

/*
 * A position near want in text[0..n) where text may be cut in two without
 * changing the pieces of a pattern for which pretok_can_cut() holds: just after a '\n' that sits between two printable
 * ASCII characters that are not spaces.  Returns a position in (want, n), or
 * n when there is none.
 */
size_t	pretok_cut(const char *text, size_t n, size_t want);

/* GPT-2's byte-to-unicode map: the code point that stands for byte b. */
extern const uint16_t pretok_byte_cp[256];
/* The byte a code point stands for, or -1. */
int	pretok_cp_byte(uint32_t cp);
/*
 * Append the byte-level spelling of bytes p[0..n) (UTF-8) to out, which
 * must have room for 2 * n bytes; returns the bytes written.
 */
size_t	pretok_bytes_to_chars(const unsigned char *p, size_t n, char *out);
/*
 * Turn a byte-level spelling s[0..n) back into bytes (out: room for n).
 * Returns the byte count, or -1 when s holds a character outside the map.
 */
long	pretok_chars_to_bytes(const char *s, size_t n, unsigned char *out);

#endif
