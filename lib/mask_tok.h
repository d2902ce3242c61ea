/*
 * mask_tok.h - fill a struct mask_vocab from a loaded tokenizer.
 */
#ifndef PTK_MASK_TOK_H
#define PTK_MASK_TOK_H

#include "mask.h"
#include "tokenizer.h"

/*
 * Mark t's special ids, and WordPiece tokens written [LIKE_THIS] or BPE
 * tokens written <|like_this|>, as special; mark word continuations:
 * WordPiece tokens with the "##" prefix, byte-level BPE tokens that do not
 * begin with whitespace (a space byte or GPT-2's 'Ġ'); a BPE token made only
 * of whitespace makes the token after it start a word.  Call between
 * mask_vocab_init() and mask_vocab_done().
 */
void	mask_vocab_from_tokenizer(struct mask_vocab *v, const struct tokenizer *t);

#endif
