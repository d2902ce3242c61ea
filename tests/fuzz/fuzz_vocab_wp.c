/*
 * fuzz_vocab_wp.c - the WordPiece loaders (vocab.txt and tokenizer.json) on
 * arbitrary files, and the BERT pipeline + WordPiece on arbitrary text.
 * Input: one mode byte, then the vocabulary and the text separated by the
 * first 0xFF byte (never in UTF-8).  Whatever loads must encode any text to
 * ids below the vocabulary size, and decode them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tok_wp.h"
#include "utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tokenizer_opts o = { .lowercase = -1 };
	const char *vocab, *text, *sep;
	size_t vlen, tlen, i;
	struct tokenizer *t;
	char err[512];
	int mode;

	if (size < 1)
		return 0;
	mode = data[0];
	vocab = (const char *)data + 1;
	sep = memchr(vocab, 0xFF, size - 1);
	vlen = sep ? (size_t)(sep - vocab) : size - 1;
	text = sep ? sep + 1 : "";
	tlen = sep ? size - 1 - vlen - 1 : 0;
	if (mode & 2)
		o.lowercase = (mode >> 2) & 1;
	if (mode & 8)
		o.max_word_chars = 3;
	o.ignore_special = (mode >> 4) & 1;
	if (tok_wp_load_mem(&t, "fuzz", vocab, vlen, mode & 1, &o, err,
	    sizeof err) == 0) {
		struct tok_state *s = t->ops->state_new(t);
		struct idvec ids = { 0 };
		struct buf back = BUF_INIT;
		if (t->ops->encode(t, s, text, tlen, &ids) != 0) {
			/* Only invalid UTF-8 may be refused. */
			if (utf8_valid_prefix((const unsigned char *)text, tlen) == tlen)
				abort();
			ids.n = 0;
		}
		for (i = 0; i < ids.n; i++)
			if (ids.v[i] >= t->vocab_size)
				abort();
		if (t->ops->decode(t, ids.v, ids.n, &back) != 0)
			abort();
		buf_release(&back);
		free(ids.v);
		t->ops->state_free(s);
		t->ops->free(t);
	} else if (memchr(err, '\0', sizeof err) == NULL)
		abort();
	/* The pipeline alone, every setting, on the whole input. */
	{
		struct wp_norm n = { mode & 1, (mode >> 1) & 1, (mode >> 2) & 1,
		    (mode >> 3) & 1 };
		struct wp_words w = { 0 };
		wp_split(&n, (const char *)data, size, &w);
		for (i = 0; i < w.n; i++)
			if (w.len[i] == 0 || w.start[i] + w.len[i] > w.text.len)
				abort();
		wp_words_release(&w);
	}
	return 0;
}
