/*
 * pack.c - packing documents into full-length sequences (pack.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pack.h"
#include "xalloc.h"

struct pack {
	struct pack_opts o;
	pack_emit_fn emit;
	void *ctx;
	size_t cap;		/* content tokens per block (max_len less the prefix) */
	uint32_t *blk;		/* (max_len) the block being filled */
	size_t n;
	uint32_t *bnd;		/* (max_len) its bounds */
	size_t nb;
	struct buf blk_id;	/* id of the block being filled */
	struct buf doc_id;	/* id of the current document */
	uint64_t doc_k;		/* blocks started in the current document */
	struct pack_stats st;
};

struct pack *
pack_new(const struct pack_opts *o, pack_emit_fn emit, void *ctx)
{
	struct pack *p = xcalloc(1, sizeof *p);

	p->o = *o;
	p->emit = emit;
	p->ctx = ctx;
	p->cap = o->max_len - (o->prefix >= 0);
	p->blk = xmalloc(o->max_len * sizeof *p->blk);
	p->bnd = xmalloc(o->max_len * sizeof *p->bnd);
	return p;
}

void
pack_free(struct pack *p)
{
	if (p == NULL)
		return;
	free(p->blk);
	free(p->bnd);
	buf_release(&p->blk_id);
	buf_release(&p->doc_id);
	free(p);
}

const struct pack_stats *
pack_stats(const struct pack *p)
{
	return &p->st;
}

/* Emit the block being filled, if it holds content. */
static int
flush(struct pack *p)
{
	struct tok_rec rec = { 0 };
	size_t content = p->n - (p->o.prefix >= 0);
	int rc;

	if (p->n == 0 || content == 0)
		return 0;
	rec.id = p->blk_id.p;
	rec.id_len = p->blk_id.len;
	rec.tokens = p->blk;
	rec.n = p->n;
	rec.bounds = p->nb ? p->bnd : NULL;
	rec.n_bounds = p->nb;
	p->st.blocks++;
	p->st.tokens += p->n;
	rc = p->emit(p->ctx, &rec);
	p->n = 0;
	p->nb = 0;
	return rc;
}

/* Put one token, starting a new block first when the current one is full. */
static int
put(struct pack *p, uint32_t tok, int starts_sentence)
{
	int rc;

	if (p->n > 0 && p->n - (p->o.prefix >= 0) >= p->cap &&
	    (rc = flush(p)) != 0)
		return rc;
	if (p->n == 0) {
		buf_reset(&p->blk_id);
		if ((rc = buf_append(&p->blk_id, p->doc_id.p, p->doc_id.len)) != 0 ||
		    (rc = buf_printf(&p->blk_id, ":%llu",
		    (unsigned long long)p->doc_k++)) != 0)
			return rc;
		if (p->o.prefix >= 0)
			p->blk[p->n++] = (uint32_t)p->o.prefix;
	}
	if (starts_sentence)
		p->bnd[p->nb++] = (uint32_t)p->n;
	p->blk[p->n++] = tok;
	return 0;
}

/* Whole sentences: one unit of len tokens (plus a separator) into the blocks. */
static int
put_sentence(struct pack *p, const uint32_t *t, size_t len, int add_sep)
{
	size_t total = len + (add_sep != 0), used = p->n ? p->n - (p->o.prefix >= 0) : 0;
	size_t i;
	int rc;

	if (total <= p->cap) {
		if (used + total > p->cap && (rc = flush(p)) != 0)
			return rc;
	} else {
		/* Longer than a block: cut it, beginning in a fresh block. */
		p->st.split++;
		if ((rc = flush(p)) != 0)
			return rc;
	}
	for (i = 0; i < len; i++)
		if ((rc = put(p, t[i], i == 0)) != 0)
			return rc;
	if (add_sep && (rc = put(p, (uint32_t)p->o.sep, len == 0)) != 0)
		return rc;
	return 0;
}

int
pack_add(struct pack *p, const struct tok_rec *rec)
{
	size_t i, k, start = 0;
	int rc = 0;

	if (rec->n == 0)
		return 0;
	p->st.docs++;
	buf_reset(&p->doc_id);
	if ((rc = buf_append(&p->doc_id, rec->id, rec->id_len)) != 0)
		return rc;
	p->doc_k = 0;
	if (p->o.mode == PACK_CONCAT) {
		for (i = 0; i < rec->n && rc == 0; i++)
			rc = put(p, rec->tokens[i], i == 0);
		if (rc == 0 && p->o.sep >= 0)
			rc = put(p, (uint32_t)p->o.sep, 0);
		return rc;
	}
	for (k = 0; k <= rec->n_bounds && rc == 0; k++) {
		size_t end = k < rec->n_bounds ? rec->bounds[k] : rec->n;
		if (end <= start)
			continue;
		rc = put_sentence(p, rec->tokens + start, end - start,
		    end == rec->n && p->o.mode == PACK_FULL_SENTENCES && p->o.sep >= 0);
		start = end;
	}
	if (rc == 0 && p->o.mode == PACK_DOC_SENTENCES)
		rc = flush(p);
	return rc;
}

int
pack_finish(struct pack *p)
{
	return flush(p);
}
