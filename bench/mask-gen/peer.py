#!/usr/bin/python3
"""Peers for bench/mask-gen and bench/nsp-pair, one thread, timed in CPU seconds.

  peer.py hf-mlm TOKENS.plain [BLOCK]    HuggingFace DataCollatorForLanguageModeling's
                                         torch masking (15%, 80/10/10) over blocks
  peer.py bert-mlm TOKENS.plain [MAXTOK] BERT create_pretraining_data.py's
                                         create_masked_lm_predictions (pure Python)
  peer.py bert-nsp TOKENS.plain [MAXTOK] BERT's create_instances_from_document
  peer.py t5-span TOKENS.plain [BLOCK]   T5 random_spans_noise_mask + sentinels, in numpy

The algorithms are written out here from the published code (the packages are
not installable offline); each follows its reference step by step.  TOKENS.plain
is an uncompressed ptk token stream (tokenize --sentences --no-compress).
Prints {"peer":..,"tokens":N,"seconds":S,"mtokens_per_s":R}.
"""
import json
import random
import struct
import sys
import time

import numpy as np


def read_stream(path, max_tokens=None):
    data = open(path, "rb").read()
    width, kind, vocab = data[10], data[11], struct.unpack_from("<I", data, 12)[0]
    special = struct.unpack_from("<8i", data, 24)
    docs, pos, total = [], 64, 0
    dt = np.uint16 if width == 2 else np.uint32
    while pos < len(data) and (max_tokens is None or total < max_tokens):
        body, flags, idlen = struct.unpack_from("<IBxH", data, pos)
        p = pos + 8 + idlen
        n = struct.unpack_from("<I", data, p)[0]
        p += 4
        toks = np.frombuffer(data, dt, n, p).astype(np.int64)
        p += n * width
        if flags & 1:
            p += n
        bounds = [0]
        if flags & 2:
            nb = struct.unpack_from("<I", data, p)[0]
            bounds = list(struct.unpack_from("<%dI" % nb, data, p + 4)) or [0]
        if bounds[0] != 0:
            bounds = [0] + bounds
        docs.append((toks, bounds))
        total += n
        pos += 4 + body
    return vocab, special, docs


def hf_mlm(vocab, special, docs, block):
    import torch
    torch.set_num_threads(1)
    allt = np.concatenate([d[0] for d in docs])
    nblk = len(allt) // block
    inputs_all = torch.from_numpy(allt[: nblk * block].reshape(nblk, block))
    specials = torch.tensor([s for s in special if s >= 0])
    mask_id = special[6]
    t0 = time.process_time()
    for b in range(0, nblk, 64):  # batches of 64 sequences
        inputs = inputs_all[b:b + 64].clone()
        labels = inputs.clone()
        probability_matrix = torch.full(labels.shape, 0.15)
        special_mask = torch.isin(labels, specials)
        probability_matrix.masked_fill_(special_mask, value=0.0)
        masked = torch.bernoulli(probability_matrix).bool()
        labels[~masked] = -100
        replaced = torch.bernoulli(torch.full(labels.shape, 0.8)).bool() & masked
        inputs[replaced] = mask_id
        rnd = torch.bernoulli(torch.full(labels.shape, 0.5)).bool() & masked & ~replaced
        words = torch.randint(vocab, labels.shape, dtype=torch.long)
        inputs[rnd] = words[rnd]
    return nblk * block, time.process_time() - t0


def bert_mlm(vocab, special, docs, block):
    rng = random.Random(12345)
    cls, sep, mask_id = special[4], special[5], special[6]
    vocab_words = list(range(vocab))
    seqs = []
    for toks, _ in docs:
        t = toks.tolist()
        for i in range(0, len(t) - block + 1, block):
            seqs.append([cls] + t[i:i + block] + [sep])
    t0 = time.process_time()
    n = 0
    for tokens in seqs:
        cand = [[i] for i, t in enumerate(tokens) if t != cls and t != sep]
        rng.shuffle(cand)
        out = list(tokens)
        num = min(20 * block // 128, max(1, int(round(len(tokens) * 0.15))))
        lms, covered = [], set()
        for idx in cand:
            if len(lms) >= num:
                break
            if len(lms) + len(idx) > num or any(i in covered for i in idx):
                continue
            for i in idx:
                covered.add(i)
                if rng.random() < 0.8:
                    m = mask_id
                elif rng.random() < 0.5:
                    m = tokens[i]
                else:
                    m = vocab_words[rng.randint(0, len(vocab_words) - 1)]
                out[i] = m
                lms.append((i, tokens[i]))
        n += len(tokens)
    return n, time.process_time() - t0


def bert_nsp(vocab, special, docs, block):
    rng = random.Random(12345)
    all_docs = []
    for toks, bounds in docs:
        t = toks.tolist()
        ends = bounds[1:] + [len(t)]
        all_docs.append([t[a:b] for a, b in zip(bounds, ends) if b > a])
    max_seq_length, short_seq_prob = 128, 0.1
    cls, sep = special[4], special[5]
    t0 = time.process_time()
    out_tokens = 0
    for document_index, document in enumerate(all_docs):
        max_num_tokens = max_seq_length - 3
        target = max_num_tokens
        if rng.random() < short_seq_prob:
            target = rng.randint(2, max_num_tokens)
        chunk, length, i = [], 0, 0
        while i < len(document):
            chunk.append(document[i])
            length += len(document[i])
            if i == len(document) - 1 or length >= target:
                if chunk:
                    a_end = rng.randint(1, len(chunk) - 1) if len(chunk) >= 2 else 1
                    a = [x for s in chunk[:a_end] for x in s]
                    b = []
                    if len(chunk) == 1 or rng.random() < 0.5:
                        tb = target - len(a)
                        for _ in range(10):
                            r = rng.randint(0, len(all_docs) - 1)
                            if r != document_index:
                                break
                        rd = all_docs[r]
                        for j in range(rng.randint(0, len(rd) - 1), len(rd)):
                            b.extend(rd[j])
                            if len(b) >= tb:
                                break
                        i -= len(chunk) - a_end
                    else:
                        for j in range(a_end, len(chunk)):
                            b.extend(chunk[j])
                    while len(a) + len(b) > max_num_tokens:
                        t = a if len(a) > len(b) else b
                        if rng.random() < 0.5:
                            del t[0]
                        else:
                            t.pop()
                    tokens = [cls] + a + [sep] + b + [sep]
                    segment_ids = [0] * (len(a) + 2) + [1] * (len(b) + 1)
                    out_tokens += len(tokens) + 0 * len(segment_ids)
                chunk, length = [], 0
            i += 1
    return sum(len(d[0]) for d in docs), time.process_time() - t0


def t5_span(vocab, special, docs, block):
    rng = np.random.default_rng(1)
    allt = np.concatenate([d[0] for d in docs])
    nblk = len(allt) // block
    t0 = time.process_time()
    for b in range(nblk):
        tokens = allt[b * block:(b + 1) * block]
        length = block
        num_noise = int(round(length * 0.15))
        num_noise = min(max(num_noise, 1), length - 1)
        spans = max(int(round(num_noise / 3.0)), 1)

        def seg(items, n):
            first = np.pad(rng.permutation(np.arange(items - 1) < n - 1), [[1, 0]])
            sid = np.cumsum(first)
            return np.bincount(sid, minlength=n)
        noise_l, keep_l = seg(num_noise, spans), seg(length - num_noise, spans)
        inter = np.reshape(np.stack([keep_l, noise_l], axis=1), [spans * 2])
        starts = np.cumsum(inter)[:-1]
        ind = np.zeros(length, np.int64)
        ind[starts] = 1
        mask = (np.cumsum(ind) % 2) == 1
        prev = np.pad(mask[:-1], [[1, 0]])
        first = mask & ~prev
        sent = vocab - np.cumsum(first)
        inputs = np.where(first, sent, tokens)[~(mask & prev)]
        nm = ~mask
        prevn = np.pad(nm[:-1], [[1, 0]])
        firstn = nm & ~prevn
        targets = np.where(firstn, vocab - np.cumsum(firstn), tokens)[~(nm & prevn)]
    return nblk * block, time.process_time() - t0


def main():
    mode, path = sys.argv[1], sys.argv[2]
    arg = int(sys.argv[3]) if len(sys.argv) > 3 else None
    limit = arg if mode in ("bert-mlm", "bert-nsp") else None
    vocab, special, docs = read_stream(path, limit)
    fn = {"hf-mlm": hf_mlm, "bert-mlm": bert_mlm, "bert-nsp": bert_nsp, "t5-span": t5_span}[mode]
    block = 512 if mode in ("hf-mlm", "t5-span") and arg is None else (arg or 126)
    if mode == "bert-mlm":
        block = 126
    n, s = fn(vocab, special, docs, block)
    print(json.dumps({"peer": mode, "tokens": n, "seconds": round(s, 3),
                      "mtokens_per_s": round(n / s / 1e6, 2)}))


if __name__ == "__main__":
    main()
