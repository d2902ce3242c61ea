/* fuzz_tokrec.c - the token record stream reader on arbitrary bytes (header and records). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokrec.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tok_reader *r;
	struct zio_reader *z;
	struct tok_rec rec;
	unsigned char hb[TOK_HEADER_SIZE];
	struct tok_header h;
	FILE *f = tmpfile();
	int rc;

	if (f == NULL)
		return 0;
	/* Half the inputs get a valid header, so records are reached often. */
	if (size && (data[0] & 1)) {
		tok_header_init(&h, 1000, 7);
		tok_header_encode(&h, hb);
		fwrite(hb, 1, sizeof hb, f);
		data++, size--;
	}
	fwrite(data, 1, size, f);
	fflush(f);
	rewind(f);
	zio_reader_fdopen(&z, fileno(f), "fuzz");
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
	fclose(f);
	return 0;
}
