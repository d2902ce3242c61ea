/*
 * fuzz_dedup_sig.c - signature files: any bytes are checked or refused.
 * Inputs whose first byte is odd get a valid checksum first, so that the
 * checks behind it are reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dsig_file *f;
	char err[512];
	uint64_t i, sum = 0;

	if (size > 1 && (data[0] & 1)) {
		unsigned char *copy = malloc(size - 1);
		int rc;
		memcpy(copy, data + 1, size - 1);
		dsig_seal(copy, size - 1);
		rc = dsig_open_mem(&f, copy, size - 1, "fuzz", err, sizeof err);
		free(copy);
		if (rc != 0)
			return 0;
	} else if (dsig_open_mem(&f, data, size, "fuzz", err, sizeof err) != 0) {
		return 0;
	}
	for (i = 0; i < dsig_count(f); i++) {
		struct dsig_rec r;
		uint32_t j;
		dsig_get(f, i, &r);
		/* Touch every byte a record points at. */
		for (j = 0; j < r.id_len; j++)
			sum += (unsigned char)r.id[j];
		for (j = 0; j < r.nlines; j++)
			sum += r.lines[j];
		if (r.mh)
			sum += r.mh[0];
	}
	dsig_close(f);
	return sum == 42;
}
