/*
 * tokdata.c - token-record streams as trainer data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int
nn_source_open(struct nn_source *s, const char *path, int stream, char *err,
    size_t errlen)
{
	struct stat sb;
	int rc;

	memset(s, 0, sizeof(*s));
	s->stream = stream;
	s->path = path ? path : "<stdin>";
	s->tsrc.split = SHARD_TRAIN;
	s->vsrc.split = SHARD_VAL;
	if (!stream && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if ((rc = shardset_open(&s->set, path, 0, 0)) < 0) {
			snprintf(err, errlen, "%s", shardset_errmsg(s->set));
			return rc;
		}
		s->hdr = *shardset_header(s->set);
		s->tsrc.set = s->vsrc.set = s->set;
		s->seq_len = shardset_seq_len(s->set);
	} else if (!stream) {
		rc = nn_tokdata_load(path, &s->tok, &s->ntok, &s->hdr, err,
		    errlen);
		if (rc < 0)
			return rc;
	} else {
		if ((rc = tok_reader_open(&s->rd, path)) < 0) {
			snprintf(err, errlen, "%s", tok_reader_errmsg(s->rd));
			return rc;
		}
		if (rc > 0)
			s->hdr = *tok_reader_header(s->rd);
		s->empty = rc == 0;
	}
	if (!s->empty && s->hdr.kind != TOK_KIND_SEQ) {
		snprintf(err, errlen, "%s: records are '%s', not token "
		    "sequences", s->path, tok_kind_name(s->hdr.kind));
		return PTK_EFORMAT;
	}
	return 0;
}

int
nn_source_windows(struct nn_source *s, int T, const char *val_path,
    double val_fraction, uint64_t seed, char *err, size_t errlen)
{
	struct tok_header vhdr;
	size_t nwin = 0, nv;
	int rc;

	if (s->set)
		nwin = shardset_windows(s->set, SHARD_TRAIN, (uint32_t)T);
	else if (!s->stream)
		nwin = s->ntok > (size_t)T ? (s->ntok - 1) / T : 0;
	if (val_path) {
		rc = nn_tokdata_load(val_path, &s->vtok, &s->nvtok, &vhdr, err,
		    errlen);
		if (rc < 0)
			return rc;
		if (s->nvtok < (size_t)T + 1) {
			snprintf(err, errlen, "%s: fewer than %d tokens of "
			    "validation data", val_path, T + 1);
			return PTK_EFORMAT;
		}
		rc = nn_tokset_init(&s->vs, s->vtok, s->nvtok, T, 0, 0);
		s->have_val = 1;
	} else if (s->set && shardset_windows(s->set, SHARD_VAL,
	    (uint32_t)T) > 0) {
		rc = nn_tokset_init_fetch(&s->vs, nn_shard_window, &s->vsrc, 0,
		    shardset_windows(s->set, SHARD_VAL, (uint32_t)T), T, 0, 0);
		s->have_val = 1;
	} else if (!s->stream && val_fraction > 0 &&
	    (nv = (size_t)(nwin * val_fraction)) > 0 && nwin - nv >= 1) {
		/* The held-out tail is never trained on. */
		nwin -= nv;
		rc = s->set ? nn_tokset_init_fetch(&s->vs, nn_shard_window,
		    &s->tsrc, nwin, nv, T, 0, 0) : nn_tokset_init(&s->vs,
		    s->tok + nwin * T, nv * T + 1, T, 0, 0);
		s->have_val = 1;
	} else {
		rc = 0;
	}
	if (rc != 0) {
		snprintf(err, errlen, "out of memory");
		return PTK_ENOMEM;
	}
	if (s->have_val) {
		s->val = nn_tokset_data(&s->vs);
		s->val0.kind = NN_DATA_TOKSET;
		s->val0.c = s->vs.nwin;
	}
	if (s->stream) {
		s->td.r = s->rd;
		nn_stream_init(&s->st, nn_tokdocs(&s->td),
		    nn_tokdata_eot(&s->hdr));
		s->st.ended = s->empty;	/* no header, no records */
		s->data = nn_stream_data(&s->st);
		return 0;
	}
	if (nwin < 1) {
		snprintf(err, errlen, "%s: fewer than %d tokens of training "
		    "data", s->path, T + 1);
		return PTK_EFORMAT;
	}
	rc = s->set ? nn_tokset_init_fetch(&s->ts, nn_shard_window, &s->tsrc,
	    0, nwin, T, seed, 1) : nn_tokset_init(&s->ts, s->tok,
	    nwin * T + 1, T, seed, 1);
	if (rc != 0) {
		snprintf(err, errlen, "out of memory");
		return PTK_ENOMEM;
	}
	s->data = nn_tokset_data(&s->ts);
	return 0;
}

int
nn_source_err(const struct nn_source *s)
{
	return s->td.err;
}

const char *
nn_source_errmsg(const struct nn_source *s)
{
	return s->td.err ? tok_reader_errmsg(s->rd) : NULL;
}

void
nn_source_release(struct nn_source *s)
{
	nn_tokset_release(&s->ts);
	nn_tokset_release(&s->vs);
	tok_reader_free(s->rd);
	shardset_free(s->set);
	free(s->tok);
	free(s->vtok);
	memset(s, 0, sizeof(*s));
}
