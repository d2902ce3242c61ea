#!/usr/bin/env python3
"""make_tokens.py - a token record stream from real text, for the shard benchmark.

usage: make_tokens.py HEADER CORPUS OUT [REPEAT]

HEADER is a header-only stream (tokcat --pack --no-compress --vocab-size V
</dev/null); CORPUS is plain text.  Every blank-line-separated paragraph
becomes one record; each word and punctuation mark becomes one token id,
hash(word) mod (V - 1), so ids follow the text's real frequency skew.  The
records are written REPEAT times (default 1) to OUT, uncompressed.
"""
import re
import struct
import sys
import zlib

import numpy


def main():
    header, corpus, out = sys.argv[1:4]
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    head = open(header, "rb").read()
    assert len(head) == 64 and head[:8] == b"\x89PTKTOK\n", "not a header"
    width = head[10]
    vocab = struct.unpack("<I", head[12:16])[0]
    dtype = numpy.uint16 if width == 2 else numpy.uint32
    text = open(corpus, encoding="utf-8", errors="replace").read()
    word = re.compile(r"\w+|[^\w\s]")
    cache = {}
    body = bytearray()
    for i, para in enumerate(re.split(r"\n\s*\n", text)):
        ids = []
        for w in word.findall(para):
            t = cache.get(w)
            if t is None:
                t = cache[w] = zlib.crc32(w.encode()) % (vocab - 1)
            ids.append(t)
        rid = b"p%d" % i
        toks = numpy.asarray(ids, dtype=dtype).tobytes()
        rec = struct.pack("<BBH", 0, 0, len(rid)) + rid + struct.pack("<I", len(ids)) + toks
        body += struct.pack("<I", len(rec)) + rec
    with open(out, "wb") as f:
        f.write(head)
        for _ in range(repeat):
            f.write(body)


if __name__ == "__main__":
    main()
