#!/usr/bin/env python3
"""make_docs.py - doc records from a plain-text corpus, with injected duplicates.

usage: make_docs.py CORPUS.txt OUT.jsonl TRUTH.jsonl [--doc-bytes N] [--max-docs N]
                    [--exact-frac F] [--near-frac F] [--rates R,R,...] [--seed S]

The corpus is split at blank lines into paragraphs, and consecutive paragraphs
are grouped into documents of about --doc-bytes bytes.  Then --exact-frac of
them get an exact copy (white space changed, which normalisation folds) and
--near-frac get a near-duplicate made with a word edit rate drawn from --rates:
each word is, with that probability, replaced by a random corpus word, deleted,
or followed by an inserted one.  Copies go at random later positions.
TRUTH.jsonl gets one line per injected document:
{"id":..., "source":..., "kind":"exact"|"near", "rate":r}.
"""
import argparse
import json
import random

ap = argparse.ArgumentParser()
ap.add_argument("corpus")
ap.add_argument("out")
ap.add_argument("truth")
ap.add_argument("--doc-bytes", type=int, default=3000)
ap.add_argument("--max-docs", type=int, default=0)
ap.add_argument("--exact-frac", type=float, default=0.05)
ap.add_argument("--near-frac", type=float, default=0.10)
ap.add_argument("--rates", default="0.005,0.01,0.02,0.03,0.05,0.1,0.2")
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
rng = random.Random(a.seed)
rates = [float(x) for x in a.rates.split(",")]

docs = []
cur, size = [], 0
with open(a.corpus, encoding="utf-8", errors="replace") as f:
    para = []
    for line in f:
        if line.strip() == "":
            if para:
                cur.append("".join(para).rstrip("\n"))
                size += sum(len(p) for p in para)
                para = []
                if size >= a.doc_bytes:
                    docs.append("\n\n".join(cur))
                    cur, size = [], 0
                    if a.max_docs and len(docs) >= a.max_docs:
                        break
            continue
        para.append(line)
if cur and not (a.max_docs and len(docs) >= a.max_docs):
    docs.append("\n\n".join(cur))

vocab = []
for d in docs[:2000]:
    vocab.extend(d.split()[:200])
vocab = vocab or ["word"]


def edit(text, rate):
    out = []
    for w in text.split(" "):
        if rng.random() < rate:
            k = rng.randrange(3)
            if k == 0:
                out.append(rng.choice(vocab))
            elif k == 1:
                continue
            else:
                out.append(w)
                out.append(rng.choice(vocab))
        else:
            out.append(w)
    return " ".join(out)


records = [("doc%07d" % i, t) for i, t in enumerate(docs)]
inserts = []  # (position, id, text, truth)
n = len(records)
for i, (did, text) in enumerate(records):
    r = rng.random()
    if r < a.exact_frac:
        t = text.replace(" ", "  ", 3) + "\n"
        inserts.append((rng.randrange(i + 1, n + 1), did + "-x", t,
                        {"id": did + "-x", "source": did, "kind": "exact", "rate": 0.0}))
    elif r < a.exact_frac + a.near_frac:
        rate = rng.choice(rates)
        inserts.append((rng.randrange(i + 1, n + 1), did + "-n", edit(text, rate),
                        {"id": did + "-n", "source": did, "kind": "near", "rate": rate}))
inserts.sort(key=lambda x: x[0])
with open(a.out, "w", encoding="utf-8") as o, open(a.truth, "w") as tr:
    j = 0
    for i in range(n + 1):
        while j < len(inserts) and inserts[j][0] == i:
            o.write(json.dumps({"id": inserts[j][1], "text": inserts[j][2]}, ensure_ascii=False) + "\n")
            tr.write(json.dumps(inserts[j][3]) + "\n")
            j += 1
        if i < n:
            o.write(json.dumps({"id": records[i][0], "text": records[i][1]}, ensure_ascii=False) + "\n")
