#!/usr/bin/env python3
"""peer_megatron.py - the peers' own way of writing shards, for the benchmark.

usage: peer_megatron.py megatron|llmc TOKENS OUTPREFIX

Reads a plain ptk token stream (the same input shard reads) record by record
and writes what Megatron-LM's IndexedDatasetBuilder writes (one
numpy.array(doc, dtype).tobytes() per document, the lengths and document
indices kept in lists, the .idx written at finalize) or what llm.c's
write_datafile writes (all tokens in one list, then one uint16 array).
Written from the published behaviour of those classes, with numpy only.
"""
import struct
import sys

import numpy


def records(path):
    data = open(path, "rb").read()
    width = data[10]
    dt = numpy.uint16 if width == 2 else numpy.uint32
    p = 64
    while p < len(data):
        (n,) = struct.unpack_from("<I", data, p)
        flags, _, idlen = struct.unpack_from("<BBH", data, p + 4)
        (ntok,) = struct.unpack_from("<I", data, p + 8 + idlen)
        yield numpy.frombuffer(data, dtype=dt, count=ntok, offset=p + 12 + idlen)
        p += 4 + n


def megatron(path, prefix, vocab_size):
    dtype = numpy.uint16 if vocab_size < 65500 else numpy.int32
    lengths, docs = [], [0]
    with open(prefix + ".bin", "wb") as f:
        for toks in records(path):
            arr = numpy.array(toks, dtype=dtype)
            f.write(arr.tobytes(order="C"))
            lengths.append(arr.size)
            docs.append(len(lengths))
    itemsize = numpy.dtype(dtype).itemsize
    pointers = numpy.zeros(len(lengths), dtype=numpy.int64)
    if lengths:
        pointers[1:] = numpy.cumsum(numpy.array(lengths[:-1], dtype=numpy.int64)) * itemsize
    with open(prefix + ".idx", "wb") as f:
        f.write(b"MMIDIDX\x00\x00")
        f.write(struct.pack("<Q", 1))
        f.write(struct.pack("<B", 8 if dtype == numpy.uint16 else 4))
        f.write(struct.pack("<Q", len(lengths)))
        f.write(struct.pack("<Q", len(docs)))
        f.write(numpy.array(lengths, dtype=numpy.int32).tobytes(order="C"))
        f.write(pointers.tobytes(order="C"))
        f.write(numpy.array(docs, dtype=numpy.int64).tobytes(order="C"))


def llmc(path, prefix):
    toks = []
    for t in records(path):
        toks.extend(t.tolist())
    header = numpy.zeros(256, dtype=numpy.int32)
    header[0], header[1], header[2] = 20240520, 1, len(toks)
    with open(prefix + ".bin", "wb") as f:
        f.write(header.tobytes())
        f.write(numpy.array(toks, dtype=numpy.uint16).tobytes())


if __name__ == "__main__":
    mode, path, prefix = sys.argv[1:4]
    vocab = struct.unpack("<I", open(path, "rb").read(16)[12:16])[0]
    if mode == "megatron":
        megatron(path, prefix, vocab)
    else:
        llmc(path, prefix)
