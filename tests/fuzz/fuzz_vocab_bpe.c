/*
 * fuzz_vocab_bpe.c - BPE vocabulary parsers (vocab.json + merges.txt,
 * tokenizer.json, .tiktoken) on arbitrary bytes; whatever loads must encode
 * and decode a text without crashing, and decode what it encoded exactly
 * when every byte has a token.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tok_bpe.h"

static char dir[64];

static void
put(const char *name, const uint8_t *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	fwrite(p, 1, n, f);
	fclose(f);
}

static void
exercise(struct tokenizer *t)
{
	static const char text[] = "Hello world's 123  \n<|endoftext|> caf\xc3\xa9 \xff";
	struct tok_state *s = t->ops->state_new(t);
	struct idvec v = { 0 };
	struct buf b = BUF_INIT;

	if (t->ops->encode(t, s, text, sizeof text - 1, &v) == 0) {
		if (t->ops->decode(t, v.v, v.n, &b) != 0)
			abort();
	}
	t->ops->state_free(s);
	idvec_release(&v);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tokenizer *t;
	char err[512], path[128];
	size_t cut = size > 1 ? data[0] % size : 0;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "/tmp/fuzz_vocab_bpe.%d", (int)getpid());
		mkdir(dir, 0700);
	}
	/* vocab.json = the first part, merges.txt = the rest */
	put("vocab.json", data, cut);
	put("merges.txt", data + cut, size - cut);
	snprintf(path, sizeof path, "%s/vocab.json", dir);
	if (tok_bpe_load(&t, path, TOK_BPE_VOCAB_MERGES, NULL, err, sizeof err) == 0) {
		exercise(t);
		tokenizer_free(t);
	} else if (err[0] == '\0') {
		abort();
	}
	put("tokenizer.json", data, size);
	snprintf(path, sizeof path, "%s/tokenizer.json", dir);
	if (tok_bpe_load(&t, path, TOK_BPE_HF_JSON, NULL, err, sizeof err) == 0) {
		exercise(t);
		tokenizer_free(t);
	}
	put("x.tiktoken", data, size);
	snprintf(path, sizeof path, "%s/x.tiktoken", dir);
	if (tok_bpe_load(&t, path, TOK_BPE_TIKTOKEN, NULL, err, sizeof err) == 0) {
		exercise(t);
		tokenizer_free(t);
	}
	return 0;
}
