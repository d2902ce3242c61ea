/*
 * fuzz_warc.c - the WARC record reader (heads, fields, whole-record
 * checks), the chunked-coding decoder and the HTTP header helpers, on any
 * bytes; and a write-then-read round trip of the bytes as a block.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "http.h"
#include "warc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *why, *v;
	struct warc_head h;
	struct buf out = BUF_INIT, m = BUF_INIT, cs = BUF_INIT;
	struct warc_rec w = { 0 };
	size_t off = 0, vl;
	long long n;

	while (off < size && (n = warc_check_record(p + off, size - off, &h, &why)) > 0)
		off += (size_t)n;
	if (warc_parse_head(p, size, &h, &why) == 1)
		(void)warc_field(&h, "WARC-Target-URI", &v, &vl);
	out.max = 1 << 20;
	(void)http_dechunk(p, size, &out);
	if (http_header_find(p, size, "content-type", &v, &vl))
		http_content_type(v, vl, &m, &cs);
	(void)http_retry_after(p, size < 64 ? size : 64, 0);
	/* round trip */
	buf_reset(&out);
	out.max = 0;
	w.type = "resource";
	w.id = "<urn:uuid:00000000-0000-4000-8000-000000000000>";
	w.date = "2026-01-01T00:00:00Z";
	if (warc_format(&out, &w, p, size, NULL, 0) != 0 ||
	    warc_check_record(out.p, out.len, &h, &why) != (long long)out.len ||
	    h.content_length != size)
		abort();
	buf_release(&out);
	buf_release(&m);
	buf_release(&cs);
	return 0;
}
