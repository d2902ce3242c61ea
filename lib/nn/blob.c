/*
 * blob.c - checksummed, atomically written checkpoint files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "nn/blob.h"
#include "nn/gpt.h"

int
nn_blob_save(const char *path, const char magic[8], const void *hdr,
    size_t hlen, const float *const *blk, int nblk, size_t n)
{
	char tmp[4200];
	XXH64_state_t *x = XXH64_createState();
	uint64_t sum;
	FILE *f;
	int ok, e;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (!x || !(f = fopen(tmp, "wb"))) {
		e = x ? errno : ENOMEM;
		XXH64_freeState(x);
		errno = e;
		return NN_EIO;
	}
	XXH64_reset(x, 0);
	ok = fwrite(magic, 8, 1, f) == 1 && fwrite(hdr, hlen, 1, f) == 1;
	XXH64_update(x, magic, 8);
	XXH64_update(x, hdr, hlen);
	for (int i = 0; i < nblk && ok; i++) {
		ok = fwrite(blk[i], sizeof(float), n, f) == n;
		XXH64_update(x, blk[i], sizeof(float) * n);
	}
	sum = XXH64_digest(x);
	XXH64_freeState(x);
	ok = ok && fwrite(&sum, 8, 1, f) == 1 && fflush(f) == 0 &&
	    fsync(fileno(f)) == 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		errno = e;
		return NN_EIO;
	}
	return 0;
}

static int
open_header(const char *path, const char magic[8], const char *kind,
    void *hdr, size_t hlen, FILE **fp, char *err, size_t errlen)
{
	char m[8];
	FILE *f = fopen(path, "rb");

	*fp = NULL;
	if (!f)
		return NN_EIO;
	if (fread(m, 8, 1, f) != 1 || memcmp(m, magic, 8) != 0) {
		snprintf(err, errlen, "not a %s checkpoint", kind);
		fclose(f);
		return NN_EFORMAT;
	}
	if (fread(hdr, hlen, 1, f) != 1) {
		snprintf(err, errlen, "truncated");
		fclose(f);
		return NN_EFORMAT;
	}
	*fp = f;
	return 0;
}

int
nn_blob_header(const char *path, const char magic[8], const char *kind,
    void *hdr, size_t hlen, char *err, size_t errlen)
{
	FILE *f;
	int rc = open_header(path, magic, kind, hdr, hlen, &f, err, errlen);

	if (f)
		fclose(f);
	return rc;
}

int
nn_blob_load(const char *path, const char magic[8], const char *kind,
    void *hdr, size_t hlen, float *const *blk, int nblk, size_t n,
    char *err, size_t errlen)
{
	XXH64_state_t *x;
	float *scratch = NULL;
	const char *why = NULL;
	uint64_t sum;
	FILE *f;
	int rc;

	if ((rc = open_header(path, magic, kind, hdr, hlen, &f, err,
	    errlen)) != 0)
		return rc;
	if (!(x = XXH64_createState())) {
		fclose(f);
		return NN_ENOMEM;
	}
	XXH64_reset(x, 0);
	XXH64_update(x, magic, 8);
	XXH64_update(x, hdr, hlen);
	for (int i = 0; i < nblk && !why; i++) {
		float *dst = blk[i];
		if (!dst && !scratch &&
		    !(scratch = malloc(sizeof(float) * n))) {
			rc = NN_ENOMEM;
			goto out;
		}
		if (!dst)
			dst = scratch;
		if (fread(dst, sizeof(float), n, f) != n)
			why = "truncated";
		else
			XXH64_update(x, dst, sizeof(float) * n);
	}
	if (!why && fread(&sum, 8, 1, f) != 1)
		why = "truncated";
	if (!why && sum != XXH64_digest(x))
		why = "checksum mismatch";
	if (!why && fgetc(f) != EOF)
		why = "trailing bytes";
	rc = why ? NN_EFORMAT : 0;
out:
	if (why)
		snprintf(err, errlen, "%s", why);
	XXH64_freeState(x);
	free(scratch);
	fclose(f);
	return rc;
}
