/*
 * tokdata.c - token-record streams as trainer data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "nn/tokdata.h"

static int
tokdocs_next(void *ctx, const uint32_t **tok, size_t *n)
{
	struct nn_tokdocs *d = ctx;
	struct tok_rec rec;
	int rc = tok_read(d->r, &rec);

	if (rc < 0)
		d->err = rc;
	if (rc != 1)
		return rc;
	*tok = rec.tokens;
	*n = rec.n;
	return 1;
}

struct nn_docs
nn_tokdocs(struct nn_tokdocs *d)
{
	struct nn_docs docs = { d, tokdocs_next };
	return docs;
}

int32_t
nn_tokdata_eot(const struct tok_header *h)
{
	return h->special[TOK_EOS] >= 0 ? h->special[TOK_EOS] : -1;
}

int
nn_tokdata_load(const char *path, uint32_t **tokp,
    size_t *np, struct tok_header *hdr, char *err, size_t errlen)
{
	struct tok_reader *r = NULL;
	struct tok_rec rec;
	uint32_t *tok = NULL;
	size_t n = 0, cap = 0;
	int32_t eot;
	int rc;

	*tokp = NULL;
	*np = 0;
	rc = tok_reader_open(&r, path);
	if (rc <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "%s", tok_reader_errmsg(r));
		tok_reader_free(r);
		return rc;
	}
	*hdr = *tok_reader_header(r);
	if (hdr->kind != TOK_KIND_SEQ) {
		snprintf(err, errlen, "%s: records are '%s', not token "
		    "sequences", path ? path : "-", tok_kind_name(hdr->kind));
		tok_reader_free(r);
		return PTK_EFORMAT;
	}
	eot = nn_tokdata_eot(hdr);
	while ((rc = tok_read(r, &rec)) == 1) {
		size_t need = n + rec.n + 1;
		if (need > cap) {
			size_t nc = cap ? cap : 1 << 16;
			uint32_t *t;
			while (nc < need)
				nc *= 2;
			if (!(t = realloc(tok, nc * sizeof(uint32_t)))) {
				rc = PTK_ENOMEM;
				snprintf(err, errlen, "out of memory");
				break;
			}
			tok = t, cap = nc;
		}
		memcpy(tok + n, rec.tokens, rec.n * sizeof(uint32_t));
		n += rec.n;
		if (eot >= 0)
			tok[n++] = (uint32_t)eot;
	}
	if (rc < 0) {
		if (rc != PTK_ENOMEM)
			snprintf(err, errlen, "%s", tok_reader_errmsg(r));
		free(tok);
		tok_reader_free(r);
		return rc;
	}
	tok_reader_free(r);
	*tokp = tok;
	*np = n;
	return 0;
}

int
nn_shard_window(void *ctx, uint64_t k, int T, uint32_t *out)
{
	const struct nn_shardsrc *s = ctx;

	/* Windows come from shardset_windows(), so a failure is a bug. */
	return shardset_window(s->set, s->split, k, (uint32_t)T, out) == 0 ?
	    0 : NN_EAPI;
}
