/*
 * wp_train_out.c - writing a trained WordPiece vocabulary: BERT's vocab.txt
 * and HuggingFace's tokenizer.json (wp_train.h).
 */
#include "wp_train.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "json.h"
#include "xalloc.h"
#include "zio.h"

static int
emit(struct zio_writer *w, struct buf *b, int force)
{
	if (!force && b->len < (1u << 16))
		return 0;
	return zio_write_buf(w, b);
}

static int
write_vocab_txt(struct zio_writer *w, const struct wp_result *r)
{
	struct buf b = BUF_INIT;
	uint32_t i;
	int rc = 0;

	for (i = 0; i < r->n_tokens && rc == 0; i++) {
		if ((rc = buf_append(&b, r->tokens[i], strlen(r->tokens[i]))) == 0 &&
		    (rc = buf_putc(&b, '\n')) == 0)
			rc = emit(w, &b, 0);
	}
	if (rc == 0)
		rc = emit(w, &b, 1);
	buf_release(&b);
	return rc;
}

static int64_t
find(const struct wp_result *r, const char *s)
{
	uint32_t i;

	for (i = 0; i < r->n_special; i++)
		if (strcmp(r->tokens[i], s) == 0)
			return i;
	return -1;
}

static const char *
boolstr(int v)
{
	return v ? "true" : "false";
}

static int
write_tokenizer_json(struct zio_writer *w, const struct wp_result *r,
    const struct wp_norm *norm, size_t max_chars)
{
	struct buf b = BUF_INIT;
	int64_t cls = find(r, "[CLS]"), sep = find(r, "[SEP]");
	uint32_t i;
	int rc = 0;

	buf_printf(&b, "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
	    "\"added_tokens\":[");
	for (i = 0; i < r->n_special; i++) {
		buf_printf(&b, "%s{\"id\":%u,\"content\":", i ? "," : "", i);
		json_write_string(&b, r->tokens[i], strlen(r->tokens[i]));
		buf_printf(&b, ",\"single_word\":false,\"lstrip\":false,"
		    "\"rstrip\":false,\"normalized\":false,\"special\":true}");
	}
	buf_printf(&b, "],\"normalizer\":{\"type\":\"BertNormalizer\","
	    "\"clean_text\":%s,\"handle_chinese_chars\":%s,\"strip_accents\":%s,"
	    "\"lowercase\":%s},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},",
	    boolstr(norm->clean_text), boolstr(norm->chinese_chars),
	    boolstr(norm->strip_accents), boolstr(norm->lowercase));
	if (cls >= 0 && sep >= 0) {
		buf_printf(&b, "\"post_processor\":{\"type\":\"BertProcessing\",\"sep\":[");
		json_write_string(&b, "[SEP]", 5);
		buf_printf(&b, ",%lld],\"cls\":[", (long long)sep);
		json_write_string(&b, "[CLS]", 5);
		buf_printf(&b, ",%lld]},", (long long)cls);
	} else
		buf_printf(&b, "\"post_processor\":null,");
	buf_printf(&b, "\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"%s\","
	    "\"cleanup\":true},\"model\":{\"type\":\"WordPiece\",\"unk_token\":"
	    "\"[UNK]\",\"continuing_subword_prefix\":\"%s\","
	    "\"max_input_chars_per_word\":%zu,\"vocab\":{", WP_PREFIX, WP_PREFIX,
	    max_chars);
	for (i = 0; i < r->n_tokens && rc == 0; i++) {
		if (i)
			buf_putc(&b, ',');
		json_write_string(&b, r->tokens[i], strlen(r->tokens[i]));
		buf_printf(&b, ":%u", i);
		rc = emit(w, &b, 0);
	}
	if (rc == 0 && (rc = buf_printf(&b, "}}}\n")) == 0)
		rc = emit(w, &b, 1);
	buf_release(&b);
	return rc;
}

int
wp_result_write(const struct wp_result *r, const char *dir,
    const struct wp_norm *norm, size_t max_chars, char *err, size_t errlen)
{
	struct zio_writer *wv = NULL, *wj = NULL;
	char *pv = NULL, *pj = NULL;
	int rc = PTK_EIO;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
		return PTK_EIO;
	}
	if (asprintf(&pv, "%s/vocab.txt", dir) < 0 ||
	    asprintf(&pj, "%s/tokenizer.json", dir) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (zio_writer_open(&wv, pv, 0, 0) != 0) {
		snprintf(err, errlen, "cannot create '%s': %s", pv, strerror(errno));
		goto out;
	}
	if (zio_writer_open(&wj, pj, 0, 0) != 0) {
		snprintf(err, errlen, "cannot create '%s': %s", pj, strerror(errno));
		goto out;
	}
	if (write_vocab_txt(wv, r) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", pv, strerror(errno));
		goto out;
	}
	if (write_tokenizer_json(wj, r, norm, max_chars) != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", pj, strerror(errno));
		goto out;
	}
	/* tokenizer.json first: a folder with vocab.txt is complete. */
	rc = zio_writer_close(wj, 1);
	wj = NULL;
	if (rc != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", pj, strerror(errno));
		goto out;
	}
	rc = zio_writer_close(wv, 1);
	wv = NULL;
	if (rc != 0)
		snprintf(err, errlen, "cannot write '%s': %s", pv, strerror(errno));
out:
	zio_writer_close(wv, 0);
	zio_writer_close(wj, 0);
	free(pv);
	free(pj);
	return rc;
}
