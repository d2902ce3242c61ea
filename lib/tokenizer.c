/*
 * tokenizer.c - id vectors, loading a vocabulary by the kind of path, and
 * stream headers (tokenizer.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "tok_bpe.h"
#include "zio.h"
#include "tok_wp.h"
#include "tokenizer.h"
#include "xalloc.h"

void
idvec_push(struct idvec *a, uint32_t id)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n++] = id;
}

void
idvec_release(struct idvec *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The vocabulary kinds a path can name. */
enum vocab_kind {
	VK_BPE_VOCAB_MERGES,	/* vocab.json + merges.txt */
	VK_BPE_HF_JSON,		/* tokenizer.json, model BPE */
	VK_BPE_TIKTOKEN,	/* .tiktoken */
	VK_WORDPIECE_TXT,	/* vocab.txt */
	VK_WORDPIECE_HF_JSON,	/* tokenizer.json, model WordPiece */
};

/* Which kind a tokenizer.json is, by its model type. */
static int
json_kind(const char *path, enum vocab_kind *k, char *err, size_t errlen)
{
	struct buf text = BUF_INIT;
	char type[32];
	int rc;

	if ((rc = zio_read_file(path, (size_t)1 << 30, &text, err, errlen)) != 0)
		return rc;
	rc = tok_json_model_type(text.p, text.len, type, sizeof type);
	buf_release(&text);
	if (rc != 0) {
		snprintf(err, errlen, "%s: not a tokenizer.json (no \"model\" with a \"type\")",
		    path);
		return PTK_EFORMAT;
	}
	if (strcmp(type, "BPE") == 0)
		*k = VK_BPE_HF_JSON;
	else if (strcmp(type, "WordPiece") == 0)
		*k = VK_WORDPIECE_HF_JSON;
	else {
		snprintf(err, errlen, "%s: model type '%s' is not supported (BPE or WordPiece)",
		    path, type);
		return PTK_EFORMAT;
	}
	return 0;
}

/* Find the kind and the file to read for path; *file is malloc'd. */
static int
classify(const char *path, enum vocab_kind *k, char **file, char *err,
    size_t errlen)
{
	struct stat st;
	char p[4096];

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return PTK_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		/* tokenizer.json first: it also says how text is pre-tokenized. */
		snprintf(p, sizeof p, "%s/tokenizer.json", path);
		if (is_file(p)) {
			*file = xstrdup(p);
			return json_kind(p, k, err, errlen);
		}
		snprintf(p, sizeof p, "%s/vocab.json", path);
		if (is_file(p)) {
			char m[4096];
			snprintf(m, sizeof m, "%s/merges.txt", path);
			if (is_file(m)) {
				*k = VK_BPE_VOCAB_MERGES;
				*file = xstrdup(p);
				return 0;
			}
		}
		snprintf(p, sizeof p, "%s/vocab.txt", path);
		if (is_file(p)) {
			*k = VK_WORDPIECE_TXT;
			*file = xstrdup(p);
			return 0;
		}
		snprintf(err, errlen, "%s: no vocab.json + merges.txt, tokenizer.json "
		    "or vocab.txt in this folder", path);
		return PTK_EIO;
	}
	*file = xstrdup(path);
	if (ends_with(path, ".tiktoken")) {
		*k = VK_BPE_TIKTOKEN;
		return 0;
	}
	if (ends_with(path, ".txt") && !ends_with(path, "merges.txt")) {
		*k = VK_WORDPIECE_TXT;
		return 0;
	}
	if (ends_with(path, "merges.txt") || ends_with(path, "vocab.json")) {
		/* One file of a GPT-2 pair: read vocab.json beside it. */
		char *slash = strrchr(*file, '/');
		snprintf(p, sizeof p, "%.*s%svocab.json",
		    slash ? (int)(slash - *file) : 0, *file, slash ? "/" : "");
		free(*file);
		*file = xstrdup(p);
		*k = VK_BPE_VOCAB_MERGES;
		return 0;
	}
	return json_kind(path, k, err, errlen);
}

int
tokenizer_load(struct tokenizer **t, const char *path,
    const struct tokenizer_opts *opts, char *err, size_t errlen)
{
	static const struct tokenizer_opts defaults = { -1, 0, 0 };
	enum vocab_kind k;
	char *file = NULL;
	int rc;

	*t = NULL;
	if (opts == NULL)
		opts = &defaults;
	if ((rc = classify(path, &k, &file, err, errlen)) != 0) {
		free(file);
		return rc;
	}
	switch (k) {
	case VK_BPE_VOCAB_MERGES:
		rc = tok_bpe_load(t, file, TOK_BPE_VOCAB_MERGES, opts, err, errlen);
		break;
	case VK_BPE_HF_JSON:
		rc = tok_bpe_load(t, file, TOK_BPE_HF_JSON, opts, err, errlen);
		break;
	case VK_BPE_TIKTOKEN:
		rc = tok_bpe_load(t, file, TOK_BPE_TIKTOKEN, opts, err, errlen);
		break;
	/* ---- WordPiece: vocab.txt and tokenizer.json with a WordPiece model ---- */
	case VK_WORDPIECE_TXT:
	case VK_WORDPIECE_HF_JSON:
		rc = tok_wp_load(t, file, opts, err, errlen);
		break;
	/* ---- end of WordPiece ---- */
	}
	free(file);
	return rc;
}

void
tokenizer_free(struct tokenizer *t)
{
	if (t != NULL)
		t->ops->free(t);
}

void
tokenizer_header(const struct tokenizer *t, struct tok_header *h)
{
	int i;

	tok_header_init(h, t->vocab_size, t->fingerprint);
	for (i = 0; i < TOK_NSPECIAL; i++)
		h->special[i] = t->special[i];
}
