#!/usr/bin/env bash
# shard.sh - read shard's Megatron-LM and llm.c outputs with numpy, the way
# the peers' own readers do, and compare them with the input records.
#
# Megatron: megatron/core/datasets/indexed_dataset.py (_IndexReader: header,
# int32 sequence lengths, int64 pointers, int64 document indices; the .bin
# read by numpy.memmap + frombuffer at each pointer).  llm.c:
# dev/data/data_common.py write_datafile and llmc/dataloader.h (256 int32
# header, magic 20240520, version 1, token count, uint16 tokens).
set -euo pipefail
# Debian's python3 has python3-numpy; a python3 earlier on PATH may not.
py=
for c in /usr/bin/python3 python3; do
	if "$c" -c 'import numpy' 2>/dev/null; then py=$c; break; fi
done
[ -n "$py" ] || {
	echo "shard.sh: python3-numpy is missing (scripts/install-deps --reference)" >&2
	exit 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/ptk-ref-shard.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# Random records: a 50257-token vocabulary (uint16) and a 100000-token one
# (int32 for Megatron; refused by llm.c), some with sentence bounds.
"$py" - <<'PY'
import json, random
for name, V, n in (("small", 50257, 3000), ("large", 100000, 1500)):
    r = random.Random(V)
    with open(name + ".jsonl", "w") as f:
        for i in range(n):
            L = r.choice([0, 1, 2, r.randint(3, 300)])
            d = {"id": "d%d" % i, "tokens": [r.randrange(V - 1) for _ in range(L)]}
            if L > 2 and r.random() < 0.5:
                d["bounds"] = sorted(r.sample(range(L), r.randint(1, 3)))
            f.write(json.dumps(d) + "\n")
PY
tokcat --pack --vocab-size 50257 --special eos=50256 small.jsonl >small.tok
tokcat --pack --vocab-size 100000 --special eos=99999 large.jsonl >large.tok

shard --format megatron --shard-tokens 100000 -o mega-small small.tok
shard --format megatron --shard-tokens 50000 -o mega-large large.tok
shard --format megatron --sentences --eod after -o mega-sent small.tok
shard --shard-tokens 100000 -o ptk-small small.tok
shard -o ptk-large large.tok
shard --format llmc --shard-tokens 65536 --eod before -o llmc-small small.tok
shard --format llmc --shard-tokens 65536 --val-fraction 0.1 -o llmc-val small.tok
if shard --format llmc -o llmc-large large.tok 2>err.txt; then
	echo "shard.sh: llmc accepted a 100000-token vocabulary" >&2
	exit 1
fi
grep -q "16-bit" err.txt

"$py" - <<'PY'
import json, struct, numpy

def records(path):
    return [json.loads(l) for l in open(path)]

def megatron_read(prefix):
    """Megatron-LM's _IndexReader and _MMapBinReader, written from its layout."""
    with open(prefix + ".idx", "rb") as f:
        assert f.read(9) == b"MMIDIDX\x00\x00", "bad header"
        assert struct.unpack("<Q", f.read(8))[0] == 1, "bad version"
        code = struct.unpack("<B", f.read(1))[0]
        dtype = {8: numpy.uint16, 4: numpy.int32}[code]
        seq_count = struct.unpack("<Q", f.read(8))[0]
        doc_count = struct.unpack("<Q", f.read(8))[0]
        offset = f.tell()
    buf = memoryview(numpy.memmap(prefix + ".idx", mode="r", order="C"))
    lengths = numpy.frombuffer(buf, dtype=numpy.int32, count=seq_count, offset=offset)
    pointers = numpy.frombuffer(buf, dtype=numpy.int64, count=seq_count,
                                offset=offset + lengths.nbytes)
    docs = numpy.frombuffer(buf, dtype=numpy.int64, count=doc_count,
                            offset=offset + lengths.nbytes + pointers.nbytes)
    assert len(buf) == offset + lengths.nbytes + pointers.nbytes + docs.nbytes
    binbuf = numpy.memmap(prefix + ".bin", mode="r", order="C")
    seqs = [numpy.frombuffer(memoryview(binbuf.data) if binbuf.size else b"",
                             dtype=dtype, count=int(lengths[i]),
                             offset=int(pointers[i])).tolist()
            for i in range(seq_count)]
    return code, seqs, docs.tolist()

def megatron_folder(d):
    m = json.load(open(d + "/manifest.json"))
    assert m["shard_format"] == "megatron"
    out = []
    for s in m["shards"]:
        assert s["index_file"] == s["file"][:-4] + ".idx"
        code, seqs, docs = megatron_read(d + "/" + s["file"][:-4])
        assert docs[0] == 0 and docs[-1] == len(seqs)
        assert code == (8 if m["vocab_size"] < 65500 else 4), code
        out.append((s["split"], code, seqs, docs))
    return m, out

# One sequence a record, one document a record, in input order.
for name, d, want_code in (("small", "mega-small", 8), ("large", "mega-large", 4)):
    recs = records(name + ".jsonl")
    m, shards = megatron_folder(d)
    got = []
    for split, code, seqs, docs in shards:
        assert code == want_code
        assert docs == list(range(len(seqs) + 1))
        got += seqs
    assert got == [r["tokens"] for r in recs], name + ": megatron tokens differ"
    assert len(shards) > 1, name + ": expected several shards"

# --sentences: a document per record, a sequence per sentence, EOD appended.
recs = records("small.jsonl")
m, shards = megatron_folder("mega-sent")
(split, code, seqs, docs), = shards
for i, r in enumerate(recs):
    toks = r["tokens"] + [50256]
    doc = seqs[docs[i]:docs[i + 1]]
    assert sum(doc, []) == toks, "sentences: document %d differs" % i
    starts = [b for b in r.get("bounds", []) if b > 0]
    if starts:
        cuts = [0] + starts + [len(toks)]
        assert doc == [toks[a:b] for a, b in zip(cuts, cuts[1:])], i
    else:
        assert len(doc) == 1

def llmc_read(path):
    """llm.c's dataloader: header checks, file size, uint16 tokens."""
    header = numpy.fromfile(path, dtype=numpy.int32, count=256)
    assert header[0] == 20240520 and header[1] == 1, "bad magic or version"
    ntok = int(header[2])
    assert ntok > 0
    size = numpy.memmap(path, mode="r").size
    assert size == 256 * 4 + 2 * ntok, "file size disagrees with the count"
    return numpy.memmap(path, dtype=numpy.uint16, mode="r", offset=1024).tolist()

def llmc_folder(d):
    m = json.load(open(d + "/manifest.json"))
    out = {"train": [], "val": []}
    for s in m["shards"]:
        toks = llmc_read(d + "/" + s["file"])
        assert len(toks) == s["tokens"]
        out[s["split"]].append(toks)
    return m, out

# --eod before: <|endoftext|> then the document, as fineweb.py writes.
m, out = llmc_folder("llmc-small")
want = sum(([50256] + r["tokens"] for r in recs), [])
assert sum(out["train"], []) == want, "llmc tokens differ"
assert all(len(t) == 65536 for t in out["train"][:-1]), "llmc shards not full"

# --val-fraction 0.1: every tenth record, the same rule as the manifest says.
m, out = llmc_folder("llmc-val")
val = [r["tokens"] for j, r in enumerate(recs) if int((j + 1) * 0.1) > int(j * 0.1)]
train = [r["tokens"] for j, r in enumerate(recs) if not int((j + 1) * 0.1) > int(j * 0.1)]
assert sum(out["val"], []) == sum(val, []), "llmc val differs"
assert sum(out["train"], []) == sum(train, []), "llmc train differs"
def ptk_read(path):
    """A ptk shard as docs/shard-format.md lays it out, mapped with numpy."""
    m = numpy.memmap(path, mode="r")
    head, tail = bytes(m[:256]), bytes(m[-256:])
    assert head[:8] == b"\x89PTKSHD\n" and tail[:8] == b"\x89PTKEND\n"
    width = head[10]
    n, t = struct.unpack_from("<QQ", tail, 8)
    secs = [struct.unpack_from("<QQ", tail, 32 + 16 * i) for i in range(10)]
    assert secs[0] == (256, t * width)
    toks = numpy.frombuffer(m, dtype={1: numpy.uint8, 2: numpy.uint16, 4: numpy.uint32}[width],
                            count=t, offset=256)
    offs = numpy.frombuffer(m, dtype=numpy.int64, count=n + 1, offset=secs[1][0])
    idoff = numpy.frombuffer(m, dtype=numpy.int64, count=n + 1, offset=secs[3][0])
    ids = bytes(m[secs[4][0]:secs[4][0] + secs[4][1]])
    return [(ids[idoff[i]:idoff[i + 1]].decode(), toks[offs[i]:offs[i + 1]].tolist())
            for i in range(n)]

for name, width in (("small", 2), ("large", 4)):
    m = json.load(open("ptk-%s/manifest.json" % name))
    assert m["token_width"] == width
    got = sum((ptk_read("ptk-%s/%s" % (name, s["file"])) for s in m["shards"]), [])
    want = [(r["id"], r["tokens"]) for r in records(name + ".jsonl")]
    assert got == want, name + ": ptk records differ"

print("shard.sh: ptk, megatron and llm.c shards read back by numpy: ok")
PY
