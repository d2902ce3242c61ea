/*
 * fuzz_dedup_keep.c - keep-lists: any bytes, applied to a small fixed shard,
 * give a clean result or a format error, never a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup.h"
#include "zio.h"

static char shard[64], keep[64];

static void
setup(void)
{
	FILE *f;

	snprintf(shard, sizeof shard, "/tmp/fuzz-dedup-%d.jsonl", (int)getpid());
	snprintf(keep, sizeof keep, "/tmp/fuzz-dedup-%d.keep", (int)getpid());
	f = fopen(shard, "w");
	fputs("{\"id\":\"a\",\"text\":\"one\\ntwo\\n\\nthree\"}\n"
	    "{\"id\":\"b\",\"text\":\"x\"}\n{\"id\":\"c\",\"text\":\"\"}\n", f);
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dedup_opts o = DEDUP_OPTS_INIT;
	struct dedup_ctx *c;
	struct zio_writer *w;
	FILE *f;
	int para;

	if (shard[0] == '\0')
		setup();
	f = fopen(keep, "wb");
	fwrite(data, 1, size, f);
	fclose(f);
	for (para = 0; para < 2; para++) {
		o.p.paragraphs = para;
		c = dedup_ctx_new(&o);
		zio_writer_open(&w, "/dev/null", 0, 0);
		dedup_filter(c, shard, keep, w, NULL);
		zio_writer_close(w, 0);
		dedup_ctx_free(c);
	}
	return 0;
}
