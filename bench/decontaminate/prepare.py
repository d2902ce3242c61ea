#!/usr/bin/env python3
"""prepare.py CORPUS HELDOUT OUTDIR [EXAMPLES] - inputs for the decontamination benchmark.

Writes OUTDIR/docs.jsonl: the corpus as doc records (paragraphs grouped into
documents of about 4 KB), and OUTDIR/bench.jsonl: EXAMPLES (default 10000)
benchmark examples of 30 words, 99% taken from the held-out text (disjoint
from the corpus) and 1% from the corpus itself, so that some documents hit.
"""
import json
import random
import sys


def main():
    corpus, heldout, out = sys.argv[1:4]
    nex = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
    rng = random.Random(1)
    with open(corpus, encoding="utf-8") as f, \
            open(out + "/docs.jsonl", "w", encoding="utf-8") as w:
        doc, size, n = [], 0, 0
        for line in f:
            doc.append(line)
            size += len(line)
            if size >= 4096 and line.strip() == "":
                w.write(json.dumps({"id": "d%d" % n, "text": "".join(doc)},
                                   ensure_ascii=False) + "\n")
                doc, size, n = [], 0, n + 1
        if doc:
            w.write(json.dumps({"id": "d%d" % n, "text": "".join(doc)},
                               ensure_ascii=False) + "\n")
    with open(heldout, encoding="utf-8") as f:
        hw = f.read().split()
    with open(corpus, encoding="utf-8") as f:
        cw = f.read().split()
    from_corpus = nex // 100
    with open(out + "/bench.jsonl", "w", encoding="utf-8") as w:
        for i in range(nex):
            words = cw if i < from_corpus else hw
            k = rng.randrange(0, len(words) - 30)
            w.write(json.dumps({"id": "ex%d" % i,
                                "question": " ".join(words[k:k + 30])},
                               ensure_ascii=False) + "\n")


main()
