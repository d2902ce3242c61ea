/* fuzz_json.c - doc_parse (the JSON Lines record parser) on arbitrary lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf scratch[5];
	struct buf out = BUF_INIT;
	struct doc d;
	const char *why;
	size_t at;
	long fixes = 0;
	unsigned flags = size && (data[0] & 1) ? DOC_REPAIR_UTF8 : 0;

	if (doc_parse((const char *)data, size, &d, scratch, flags, &fixes, &why,
	    &at) == 0) {
		/* Whatever parses must write and re-parse to the same canonical form. */
		struct doc d2;
		struct buf out2 = BUF_INIT;
		static struct buf scratch2[5];
		d.raw = NULL;
		if (doc_write(&out, &d) != 0)
			abort();
		if (doc_parse(out.p, out.len - 1, &d2, scratch2, 0, &fixes, &why, &at) != 0)
			abort();
		d2.raw = NULL;
		if (doc_write(&out2, &d2) != 0 || out2.len != out.len ||
		    memcmp(out2.p, out.p, out.len) != 0)
			abort();
		buf_release(&out2);
	} else if (at > size)
		abort();
	buf_release(&out);
	return 0;
}
