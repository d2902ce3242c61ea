/* fuzz_tokrec.c - the token record stream reader on arbitrary bytes (header and records). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tokrec.h"
#include "xalloc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tok_reader *r;
	struct zio_reader *z;
	struct tok_rec rec;
	struct tok_header h;
	unsigned char *input = NULL;
	size_t n = size;
	int rc;

	/* Half the inputs get a valid header, so records are reached often. */
	if (size && (data[0] & 1)) {
		input = xmalloc(TOK_HEADER_SIZE + size);
		tok_header_init(&h, 1000, 7);
		tok_header_encode(&h, input);
		memcpy(input + TOK_HEADER_SIZE, data + 1, size - 1);
		n = TOK_HEADER_SIZE + size - 1;
	}
	zio_reader_memopen(&z, input ? input : data, n, "fuzz");
	rc = tok_reader_from_zio(&r, z);
	if (rc == 1) {
		while ((rc = tok_read(r, &rec)) == 1) {
			size_t i;
			for (i = 0; i < rec.n; i++)
				if (rec.tokens[i] >= tok_reader_header(r)->vocab_size)
					abort();
		}
	}
	if (rc < 0 && tok_reader_errmsg(r)[0] == '\0')
		abort();
	tok_reader_free(r);
	free(input);
	return 0;
}
