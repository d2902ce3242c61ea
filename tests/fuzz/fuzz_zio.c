/* fuzz_zio.c - the zstd/plain stream reader and line splitter on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "zio.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zio_reader *r;
	struct buf scratch = BUF_INIT;
	const char *line;
	size_t len;
	uint64_t off, last = 0;
	int rc;

	zio_reader_memopen(&r, data, size, "fuzz");
	while ((rc = zio_getline(r, &scratch, 1 << 16, &line, &len, &off)) == 1) {
		if (off < last)
			abort();
		last = off + len;
	}
	if (rc < 0 && zio_errmsg(r)[0] == '\0')
		abort();
	zio_reader_free(r);
	buf_release(&scratch);
	return 0;
}
