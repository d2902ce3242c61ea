#!/usr/bin/python3
"""mask_ref.py - mask-gen --span and nsp-pair against ports of their references.

  mask_ref.py t5 DOCS.jsonl SPAN.jsonl VOCAB
      SPAN.jsonl: `mask-gen --span --no-eos` output as tokcat prints it.
      For every record: the noise mask implied by the output has T5's
      number of noise tokens and spans (random_spans_noise_mask's formulas),
      starts with non-noise, and feeding that mask to ports of T5's
      noise_span_to_unique_sentinel / nonnoise_span_to_unique_sentinel gives
      exactly our inputs and targets.  Over all records, the noise span
      lengths follow the distribution of a port of random_spans_noise_mask
      run on the same lengths (total variation distance < 0.03, means within 1%).

  mask_ref.py nsp DOCS.jsonl PAIRS.jsonl MAXLEN
      PAIRS.jsonl: nsp-pair output (whole corpus in one batch).  A port of
      BERT's create_instances_from_document over the same documents gives the
      same share of random-next examples, the same mean length and about the
      same number of examples (within 2%).

Exits 1 with a message on a mismatch.
"""
import json
import random
import sys

import numpy as np


def t5_noise_mask(length, rng, density=0.15, mean=3.0):
    """random_spans_noise_mask (T5), numpy, one shuffle per segmentation."""
    orig = length
    length = max(length, 2)
    # tf.round over float32, ties to even
    nn = int(np.round(np.float32(length) * np.float32(density)))
    nn = min(max(nn, 1), length - 1)
    spans = max(int(np.round(np.float32(nn) / np.float32(mean))), 1)
    nk = length - nn

    def seg(items, n):
        first = np.pad(rng.permutation(np.arange(items - 1) < n - 1), [[1, 0]])
        return np.bincount(np.cumsum(first), minlength=n)
    inter = np.reshape(np.stack([seg(nk, spans), seg(nn, spans)], axis=1), [spans * 2])
    ind = np.zeros(length, np.int64)
    ind[np.cumsum(inter)[:-1]] = 1
    return ((np.cumsum(ind) % 2) == 1)[:orig]


def unique_sentinel(tokens, mask, vocab_size):
    """noise_span_to_unique_sentinel (T5), numpy."""
    prev = np.pad(mask[:-1], [[1, 0]])
    first = mask & ~prev
    sub = mask & prev
    sentinel = vocab_size - 1 + 1 - np.cumsum(first.astype(np.int64))
    return np.where(first, sentinel, tokens)[~sub]


def fail(msg):
    print("mask_ref: " + msg)
    sys.exit(1)


def t5(docs_path, span_path, vocab):
    docs = [json.loads(l) for l in open(docs_path)]
    outs = [json.loads(l) for l in open(span_path)]
    if len(docs) != len(outs):
        fail("t5: %d records in, %d out" % (len(docs), len(outs)))
    ours, lengths = [], []
    for d, o in zip(docs, outs):
        toks = np.array(d["tokens"], np.int64)
        n = len(toks)
        seg = np.array(o["segments"])
        ot = np.array(o["tokens"], np.int64)
        inp, tgt = ot[seg == 0], ot[seg == 1]
        # the noise mask our output implies: targets hold sentinel + span
        mask = np.zeros(n, bool)
        spans = {}
        cur = None
        for t in tgt:
            if t >= vocab - 200:
                cur = t
                spans[cur] = []
            else:
                spans[cur].append(t)
        pos = 0
        for t in inp:
            if t >= vocab - 200:
                k = len(spans[t])
                mask[pos:pos + k] = True
                if k:
                    ours.append(k)
                pos += k
            else:
                pos += 1
        if pos != n:
            fail("t5: %s: inputs and targets do not cover the record" % d["id"])
        L = max(n, 2)
        want_noise = min(max(int(np.round(np.float32(L) * np.float32(0.15))), 1), L - 1)
        want_spans = max(int(np.round(np.float32(want_noise) / np.float32(3.0))), 1)
        if n >= 2 and (mask.sum() != want_noise or
                       int((mask & ~np.pad(mask[:-1], [[1, 0]])).sum()) != want_spans or mask[0]):
            fail("t5: %s: %d noise tokens in %d spans, T5 has %d in %d" % (
                d["id"], mask.sum(), (mask & ~np.pad(mask[:-1], [[1, 0]])).sum(),
                want_noise, want_spans))
        if not np.array_equal(unique_sentinel(toks, mask, vocab), inp):
            fail("t5: %s: inputs differ from noise_span_to_unique_sentinel" % d["id"])
        if not np.array_equal(unique_sentinel(toks, ~mask, vocab), tgt):
            fail("t5: %s: targets differ from nonnoise_span_to_unique_sentinel" % d["id"])
        lengths.append(n)
    rng = np.random.default_rng(1)
    ref = []
    for _ in range(5):
        for n in lengths:
            m = t5_noise_mask(n, rng)
            starts = np.flatnonzero(m & ~np.pad(m[:-1], [[1, 0]]))
            ends = np.flatnonzero(m & ~np.pad(m[1:], [[0, 1]]))
            ref.extend((ends - starts + 1).tolist())
    top = 12
    h1 = np.bincount(np.minimum(ours, top), minlength=top + 1) / len(ours)
    h2 = np.bincount(np.minimum(ref, top), minlength=top + 1) / len(ref)
    tv = 0.5 * np.abs(h1 - h2).sum()
    mean1, mean2 = np.mean(ours), np.mean(ref)
    if tv >= 0.03 or abs(mean1 / mean2 - 1) > 0.01:
        fail("t5: span length distributions differ: TV %.4f\nours %s\nT5   %s" % (tv, h1, h2))
    print("t5: %d records, %d spans: exact sentinels; span lengths TV %.4f, mean %.3f vs %.3f" % (
        len(lengths), len(ours), tv, mean1, mean2))


def bert_nsp(docs, max_seq_length, rng):
    """create_instances_from_document (BERT) over all documents."""
    out = []
    for di, document in enumerate(docs):
        max_num = max_seq_length - 3
        target = max_num
        if rng.random() < 0.1:
            target = rng.randint(2, max_num)
        chunk, length, i = [], 0, 0
        while i < len(document):
            chunk.append(document[i])
            length += len(document[i])
            if i == len(document) - 1 or length >= target:
                if chunk:
                    a_end = rng.randint(1, len(chunk) - 1) if len(chunk) >= 2 else 1
                    a = [x for s in chunk[:a_end] for x in s]
                    b = []
                    rand = len(chunk) == 1 or rng.random() < 0.5
                    if rand:
                        tb = target - len(a)
                        for _ in range(10):
                            r = rng.randint(0, len(docs) - 1)
                            if r != di:
                                break
                        rd = docs[r]
                        for j in range(rng.randint(0, len(rd) - 1), len(rd)):
                            b.extend(rd[j])
                            if len(b) >= tb:
                                break
                        i -= len(chunk) - a_end
                    else:
                        for j in range(a_end, len(chunk)):
                            b.extend(chunk[j])
                    while len(a) + len(b) > max_num:
                        t = a if len(a) > len(b) else b
                        if rng.random() < 0.5:
                            del t[0]
                        else:
                            t.pop()
                    out.append((len(a) + len(b) + 3, int(rand)))
                chunk, length = [], 0
            i += 1
    return out


def nsp(docs_path, pairs_path, maxlen):
    docs = []
    for l in open(docs_path):
        d = json.loads(l)
        t, b = d["tokens"], d.get("bounds") or [0]
        if b[0] != 0:
            b = [0] + b
        docs.append([t[x:y] for x, y in zip(b, b[1:] + [len(t)])])
    ours = [(len(p["tokens"]), p["label"]) for p in map(json.loads, open(pairs_path))]
    ref = []
    for seed in range(3):
        ref += bert_nsp(docs, maxlen, random.Random(seed))
    def stats(x):
        return len(x), sum(l for _, l in x) / len(x), sum(n for n, _ in x) / len(x)
    (n1, r1, m1), (n2, r2, m2) = stats(ours), stats(ref)
    n1, n2 = n1 / 3, n2 / 3	# three seeds each
    msg = "nsp: examples %.0f vs %.0f, random-next %.4f vs %.4f, mean length %.2f vs %.2f" % (
        n1, n2, r1, r2, m1, m2)
    if abs(n1 / n2 - 1) > 0.02 or abs(r1 - r2) > 0.01 or abs(m1 / m2 - 1) > 0.02:
        fail(msg)
    print(msg)


if __name__ == "__main__":
    if sys.argv[1] == "t5":
        t5(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        nsp(sys.argv[2], sys.argv[3], int(sys.argv[4]))
