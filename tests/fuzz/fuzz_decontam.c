/*
 * fuzz_decontam.c - the parsers benchmark-decontaminate adds: the benchmark
 * file reader (JSON Lines or text) with the tokenizer and all three modes,
 * and the report reader with merge and re-read.  The first byte picks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decontam.h"
#include "doc.h"
#include "utf8.h"

static void
bench_reader(const uint8_t *data, size_t size, unsigned sel)
{
	static char path[64];
	static struct dc_scratch s;
	struct dc_opts o = DC_OPTS_INIT;
	struct dc_index *x;
	struct buf out = BUF_INIT;
	struct doc d = { 0 };
	char err[1024];
	FILE *f;
	int mode, records;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz_decontam.%d", (int)getpid());
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	o.n = 1 + (int)(sel >> 4 & 3);		/* small n: more hits */
	o.char_ngrams = (sel >> 6) & 1;
	o.short_min = (sel >> 7) & 1;	/* whole short examples */
	o.window = 3;
	o.min_piece = 2;
	for (mode = DC_DROP; mode <= DC_COUNT; mode++) {
		o.mode = (enum dc_mode)mode;
		x = dc_index_new(&o);
		if (dc_index_add(x, "b", path, (enum dc_bench_format)(sel >> 2 & 3) % 3,
		    (sel & 2) ? "q,a" : NULL, "id", err, sizeof err) == 0) {
			dc_index_finish(x);
			/* The same bytes as a training text (valid UTF-8 only). */
			d.id = "x";
			d.id_len = 1;
			d.text = (const char *)data;
			d.text_len = utf8_valid_prefix(data, size);
			if (dc_process(x, &d, &s, &out, &records) < 0)
				abort();
			/* Whatever is written must parse as doc records. */
			{
				const char *p = out.p, *end = out.p + out.len;
				static struct buf sc[5];
				while (p && p < end) {
					const char *nl = memchr(p, '\n', (size_t)(end - p));
					const char *why;
					size_t at;
					long fx = 0;
					struct doc e;
					if (nl == NULL || doc_parse(p, (size_t)(nl - p), &e,
					    sc, 0, &fx, &why, &at) != 0)
						abort();
					p = nl + 1;
				}
			}
			buf_reset(&out);
		}
		dc_index_free(x);
	}
	buf_release(&out);
}

static void
report_reader(const uint8_t *data, size_t size)
{
	struct dc_report *r, *m = NULL, *r2;
	struct buf out = BUF_INIT;
	const char *why;
	size_t at;

	if (dc_report_parse((const char *)data, size, &r, &why, &at) != 0) {
		if (at > size)
			abort();
		return;
	}
	if (dc_report_merge(&m, r, &why) != 0 || dc_report_merge(&m, r, &why) != 0)
		abort();
	if (dc_report_write_merged(m, &out) != 0)
		abort();
	if (dc_report_parse(out.p, out.len, &r2, &why, &at) != 0)
		abort();
	dc_report_free(r2);
	dc_report_free(m);
	dc_report_free(r);
	buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		report_reader(data + 1, size - 1);
	else
		bench_reader(data + 1, size - 1, data[0]);
	return 0;
}
