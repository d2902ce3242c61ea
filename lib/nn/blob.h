/*
 * blob.h - the file layout the encoder and T5 checkpoints share: an 8-byte
 * magic, a fixed header of the caller's, float blocks of one length, and an
 * XXH64 of everything before it (docs/checkpoint.md).  Written to a
 * temporary file beside the target, fsync'd and renamed, so a reader never
 * sees a partial checkpoint.
 */
#ifndef PTK_NN_BLOB_H
#define PTK_NN_BLOB_H

#include <stddef.h>

/* Write magic, hdr (hlen bytes) and nblk blocks of n floats to path.
 * Returns 0 or NN_EIO with errno (the temporary file removed). */
int	nn_blob_save(const char *path, const char magic[8], const void *hdr,
	    size_t hlen, const float *const *blk, int nblk, size_t n);

/* Read the header of path into hdr after checking the magic.  Returns 0,
 * NN_EIO, or NN_EFORMAT with err set to "not a KIND checkpoint"/"truncated". */
int	nn_blob_header(const char *path, const char magic[8],
	    const char *kind, void *hdr, size_t hlen, char *err, size_t errlen);

/*
 * Read the whole file: the header into hdr, then nblk blocks of n floats,
 * into blk[i] (a NULL blk[i] is read and checked but dropped).  Checks the
 * magic, the checksum and that nothing follows.  Returns 0, NN_EIO,
 * NN_ENOMEM, or NN_EFORMAT with err set.
 */
int	nn_blob_load(const char *path, const char magic[8], const char *kind,
	    void *hdr, size_t hlen, float *const *blk, int nblk, size_t n,
	    char *err, size_t errlen);

#endif
