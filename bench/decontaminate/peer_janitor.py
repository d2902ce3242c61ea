#!/usr/bin/env python3
"""peer_janitor.py BENCH.jsonl DOCS.jsonl OUT.jsonl - the peer for bench/decontaminate.

A re-implementation of the algorithm of lm-evaluation-harness's Janitor
(lm_eval/decontamination/janitor.py, its pure-Python path), the reference
implementation of the GPT-3 rules: the benchmark text is normalised with
str.translate (ASCII lowercase, string.punctuation deleted) and split on
white space into a set of 13-gram strings; each training document is split
into words with their offsets, each 13-word window is normalised and looked
up, and each hit is cut out with 200 characters on each side.  Pieces under
200 characters are dropped and documents with more than 10 hits are dropped.
lm-evaluation-harness itself cannot be installed here (no PyPI), so this
file follows its published algorithm; it is a baseline for speed, not for
output (ptk follows the paper's piece rule and Unicode normalisation).
Prints wall and CPU seconds and MB/s per core for the cleaning phase.
"""
import json
import re
import string
import sys
import time

N, WINDOW, MIN_SLICE, TOO_DIRTY = 13, 200, 200, 10
TABLE = str.maketrans(string.ascii_lowercase + string.ascii_uppercase,
                      string.ascii_lowercase * 2, string.punctuation)
WORD = re.compile(r"\S+")


def ngrams(words):
    for i in range(len(words) - N + 1):
        yield words[i:i + N]


def clean(text, dirt):
    words = [(m.group(0), m.start(), m.end() - 1) for m in WORD.finditer(text)]
    parts = []
    for w in ngrams(words):
        if " ".join(x[0] for x in w).translate(TABLE) in dirt:
            parts.append((w[0][1], w[-1][2]))
    if not parts:
        return [text]
    chunks, splice, end = [], 0, -1
    for i, (start, end) in enumerate(parts):
        if i >= TOO_DIRTY:
            return []
        start = max(0, start - WINDOW)
        end = min(len(text), end + WINDOW)
        if start - splice > MIN_SLICE:
            chunks.append(text[splice:start])
        splice = end
    if end < len(text) - MIN_SLICE:
        chunks.append(text[end + 1:])
    return chunks


def main():
    bench, docs, out = sys.argv[1:4]
    dirt = set()
    for line in open(bench, encoding="utf-8"):
        ex = json.loads(line)
        text = " ".join(v for k, v in ex.items() if k != "id" and isinstance(v, str))
        dirt.update(" ".join(g) for g in ngrams(text.translate(TABLE).split()))
    t0, c0 = time.time(), time.process_time()
    nbytes = 0
    with open(docs, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        for line in f:
            d = json.loads(line)
            nbytes += len(d["text"].encode("utf-8"))
            chunks = clean(d["text"], dirt)
            if len(chunks) == 1 and chunks[0] is d["text"]:
                w.write(line)
                continue
            for j, c in enumerate(chunks):
                w.write(json.dumps({"id": "%s#%d" % (d["id"], j), "text": c},
                                   ensure_ascii=False) + "\n")
    dt, dc = time.time() - t0, time.process_time() - c0
    print(json.dumps({"seconds": round(dt, 2), "cpu_seconds": round(dc, 2),
                      "text_mb": round(nbytes / 1e6, 1),
                      "mb_per_s_per_core": round(nbytes / 1e6 / dc, 2)}))


main()
