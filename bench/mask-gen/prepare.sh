#!/usr/bin/env bash
# bench/mask-gen/prepare.sh CORPUS.txt OUTDIR - benchmark input for mask-gen,
# nsp-pair and sop-pair: CORPUS.txt (e.g. corpus100.txt) cut into documents of
# about 2-8 KB at blank lines, a 30000-word WordPiece vocabulary trained on its
# first 10 MB, and OUTDIR/tokens.plain: the documents tokenized with sentence
# bounds (uncompressed, so that timings leave decompression out).
set -euo pipefail
corpus=${1:?usage: prepare.sh CORPUS.txt OUTDIR}
out=${2:?usage: prepare.sh CORPUS.txt OUTDIR}
bin=$(cd "$(dirname "$0")/../.." && pwd)/bin
mkdir -p "$out"
[ -s "$out/tokens.plain" ] && exit 0
/usr/bin/python3 - "$corpus" "$out/docs.jsonl" <<'PY'
import json, sys
n, buf, size = 0, [], 0
with open(sys.argv[1], encoding="utf-8", errors="replace") as f, open(sys.argv[2], "w") as o:
    for line in f:
        s = line.strip()
        if s:
            buf.append(s)
            size += len(s)
        if (not s and size > 2000) or size > 8000:
            o.write(json.dumps({"id": "d%d" % n, "text": " ".join(buf)}) + "\n")
            n, buf, size = n + 1, [], 0
    if buf:
        o.write(json.dumps({"id": "d%d" % n, "text": " ".join(buf)}) + "\n")
PY
head -c 10000000 "$out/docs.jsonl" | head -n -1 > "$out/docs10.jsonl"
"$bin/wordpiece-train" -q --vocab-size 30000 -o "$out/wp" "$out/docs10.jsonl"
"$bin/tokenize" -q --vocab "$out/wp/vocab.txt" --sentences --no-compress \
    -o "$out/tokens.plain" "$out/docs.jsonl"
