/*
 * fuzz_shard.c - libFuzzer target for the shard folder reader: the manifest
 * parser and the checks of ptk, Megatron and llm.c shard files.
 *
 * Input: manifest text, a NUL byte, then the bytes of the first shard file
 * ("train_000000.ptk", or ".bin" for megatron/llmc); for megatron, a second
 * NUL-separated part is the ".idx".  Every record and window of a folder
 * that opens is read back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shard.h"
#include "shard_int.h"

static char dir[64];

static void
put(const char *name, const uint8_t *p, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (n)
		fwrite(p, 1, n, f);
	fclose(f);
}

static void
read_all(struct shardset *s)
{
	struct shard_recbuf b = { 0 };
	struct tok_rec r;
	uint32_t win[65];
	uint64_t i;
	int split;

	for (split = 0; split < 2; split++) {
		for (i = 0; i < shardset_records(s, split) && i < 10000; i++)
			if (shardset_record(s, split, i, &r, &b) != 0)
				abort();
		for (i = 0; i < shardset_windows(s, split, 64) && i < 1000; i++)
			if (shardset_window(s, split, i, 64, win) != 0)
				abort();
	}
	shard_recbuf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size), *rest, *nul2;
	struct shard_manifest m;
	struct shardset *s;
	const char *why;
	size_t at, mlen = nul ? (size_t)(nul - data) : size, rlen;
	int flags;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "/tmp/fuzz_shard.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	if (shard_manifest_parse((const char *)data, mlen, &m, &why, &at) == 0)
		shard_manifest_release(&m);
	rest = nul ? nul + 1 : data + size;
	rlen = (size_t)(data + size - rest);
	nul2 = memchr(rest, 0, rlen);
	put("manifest.json", data, mlen);
	put("train_000000.ptk", rest, rlen);
	put("train_000000.bin", rest, nul2 ? (size_t)(nul2 - rest) : rlen);
	put("train_000000.idx", nul2 ? nul2 + 1 : rest,
	    nul2 ? (size_t)(rest + rlen - nul2 - 1) : 0);
	for (flags = 0; flags <= SHARDSET_TRUST; flags += SHARDSET_TRUST) {
		if (shardset_open(&s, dir, (unsigned)flags, 1) == 0)
			read_all(s);
		shardset_free(s);
	}
	return 0;
}
