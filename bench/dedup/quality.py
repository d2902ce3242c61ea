#!/usr/bin/env python3
"""quality.py - precision and recall of dedup's near level against ground truth.

usage: quality.py DOCS.jsonl TRUTH.jsonl REPORT.jsonl [--threshold 0.8] [--ngram 5]

Exact Jaccard similarity is computed here, independently of dedup, on the same
shingles dedup documents: text normalised (NFC, lowercase, Unicode punctuation
removed, white space folded), word n-grams (a text shorter than n words is one
shingle).  Candidate pairs are every injected pair (TRUTH) and every pair
dedup reported (a document and its duplicate_of).
  recall    = injected pairs with Jaccard >= 0.85 whose copy dedup removed
              (exact or near), over all such pairs; also per edit rate
  precision = reported near pairs with Jaccard >= threshold, over all
              reported near pairs
Prints a JSON object.
"""
import argparse
import json
import sys
import unicodedata

ap = argparse.ArgumentParser()
ap.add_argument("docs")
ap.add_argument("truth")
ap.add_argument("report")
ap.add_argument("--threshold", type=float, default=0.8)
ap.add_argument("--ngram", type=int, default=5)
ap.add_argument("--recall-at", type=float, default=0.85)
a = ap.parse_args()

truth = [json.loads(l) for l in open(a.truth)]
report = [json.loads(l) for l in open(a.report)]
need = set()
for t in truth:
    need.add(t["id"]); need.add(t["source"])
for r in report:
    need.add(r["id"]); need.add(r["duplicate_of"])
text = {}
with open(a.docs, encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        if d["id"] in need:
            text[d["id"]] = d["text"]


def norm(t):
    t = unicodedata.normalize("NFC", t).lower()
    t = "".join(c for c in t if not unicodedata.category(c).startswith("P"))
    return t.split()


cache = {}


def shingles(i):
    if i not in cache:
        w = norm(text[i])
        n = min(a.ngram, len(w))
        cache[i] = set(tuple(w[j:j + n]) for j in range(len(w) - n + 1)) if w else set()
    return cache[i]


def jac(x, y):
    sx, sy = shingles(x), shingles(y)
    if not sx and not sy:
        return 1.0
    return len(sx & sy) / len(sx | sy)


removed = {r["id"]: r for r in report}
pos = hit = 0
by_rate = {}
hist = {}
for t in truth:
    j = jac(t["id"], t["source"])
    b = "%.2f" % (int(j * 20) / 20)
    hist[b] = hist.get(b, 0) + 1
    key = "%s %.3f" % (t["kind"], t["rate"])
    s = by_rate.setdefault(key, {"pairs": 0, "removed": 0, "jaccard_sum": 0.0})
    s["pairs"] += 1
    s["jaccard_sum"] += j
    if t["id"] in removed:
        s["removed"] += 1
    if j >= a.recall_at:
        pos += 1
        hit += t["id"] in removed
near = [r for r in report if r["level"] == "near"]
tp = 0
err = []
signed = []
false_pos = []
for r in near:
    j = jac(r["id"], r["duplicate_of"])
    tp += j >= a.threshold
    err.append(abs(j - r["similarity"]))
    signed.append(r["similarity"] - j)
    if j < a.threshold:
        false_pos.append(round(j, 3))
for s in by_rate.values():
    s["mean_jaccard"] = round(s.pop("jaccard_sum") / s["pairs"], 4)
out = {
    "recall_pairs": pos,
    "recall": round(hit / pos, 4) if pos else None,
    "near_reported": len(near),
    "precision": round(tp / len(near), 4) if near else None,
    "mean_abs_similarity_error": round(sum(err) / len(err), 4) if err else None,
    "max_abs_similarity_error": round(max(err), 4) if err else None,
    "mean_similarity_bias": round(sum(signed) / len(signed), 4) if signed else None,
    "false_positive_jaccard": sorted(false_pos),
    "by_edit_rate": dict(sorted(by_rate.items())),
    "injected_jaccard_histogram": dict(sorted(hist.items())),
}
json.dump(out, sys.stdout, indent=1)
print()
