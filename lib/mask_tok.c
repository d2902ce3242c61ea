/*
 * mask_tok.c - masking's view of a loaded vocabulary (lib/tokenizer.h):
 * which tokens are special and which continue a word.
 */
#include <string.h>

#include "mask.h"
#include "mask_tok.h"

/* Whitespace as raw bytes or as GPT-2's byte-to-unicode letters (Ġ Ċ ĉ č). */
static size_t
space_prefix(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t' || s[0] == '\r'))
		return 1;
	if (n >= 2 && (unsigned char)s[0] == 0xC4 &&
	    ((unsigned char)s[1] == 0xA0 || (unsigned char)s[1] == 0x8A ||
	    (unsigned char)s[1] == 0x89 || (unsigned char)s[1] == 0x8D))
		return 2;
	return 0;
}

static int
looks_special(const char *s, size_t n, int wordpiece)
{
	if (wordpiece)
		return n >= 3 && s[0] == '[' && s[n - 1] == ']';
	return n >= 5 && memcmp(s, "<|", 2) == 0 && memcmp(s + n - 2, "|>", 2) == 0;
}

void
mask_vocab_from_tokenizer(struct mask_vocab *v, const struct tokenizer *t)
{
	int wordpiece = strcmp(t->ops->name, "wordpiece") == 0;
	uint32_t id;
	int i;

	for (i = 0; i < TOK_NSPECIAL; i++)
		if (t->special[i] >= 0)
			mask_vocab_set_special(v, (uint32_t)t->special[i]);
	for (id = 0; id < v->vocab_size && id < t->vocab_size; id++) {
		size_t n = 0, sp, k;
		const char *s = t->ops->token_str(t, id, &n);

		if (s == NULL)
			continue;
		if (looks_special(s, n, wordpiece)) {
			mask_vocab_set_special(v, id);
			continue;
		}
		if (wordpiece) {
			if (n >= 2 && s[0] == '#' && s[1] == '#')
				mask_vocab_set_cont(v, id);
			continue;
		}
		/* Byte-level BPE: a piece without a leading space continues a word;
		 * one made only of whitespace ends it. */
		if ((sp = space_prefix(s, n)) == 0)
			mask_vocab_set_cont(v, id);
		for (k = 0; k < n && (sp = space_prefix(s + k, n - k)) > 0; k += sp)
			;
		if (n > 0 && k == n)
			mask_vocab_set_break(v, id);
	}
}
