#!/usr/bin/env python3
"""Write GPT-2's vocabulary in the three forms tokenize reads, from the ranks
that the npm package tiktoken ships (encoders/gpt2.json, "bpe_ranks": lines
"! OFFSET B64 B64 ..." giving consecutive ranks from OFFSET):
  OUT/gpt2.tiktoken        "<base64 token> <rank>" lines
  OUT/vocab.json + merges.txt   GPT-2's own pair (merges recovered from ranks)
  OUT/tokenizer.json       HuggingFace BPE model with the ByteLevel pre-tokenizer
Each further ENCODING (cl100k_base, o200k_base) gets OUT/ENCODING.tiktoken.
usage: bpe_gpt2_files.py TIKTOKEN_PACKAGE_DIR OUT_DIR [ENCODING ...]
"""
import base64
import json
import os
import sys


def byte_chars():
    keep = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


def load(pkg, name):
    enc = json.load(open(os.path.join(pkg, "encoders", name + ".json")))
    ranks = {}
    for line in enc["bpe_ranks"].split("\n"):
        f = line.split(" ")
        if len(f) < 3:
            continue
        for i, b in enumerate(f[2:]):
            ranks[base64.b64decode(b)] = int(f[1]) + i
    return enc, ranks


def main():
    pkg, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[3:]:
        _, ranks = load(pkg, name)
        with open(os.path.join(out, name + ".tiktoken"), "w") as f:
            for tok, r in sorted(ranks.items(), key=lambda kv: kv[1]):
                f.write("%s %d\n" % (base64.b64encode(tok).decode(), r))
    enc, ranks = load(pkg, "gpt2")
    assert sorted(ranks.values()) == list(range(len(ranks)))
    by_rank = sorted(ranks.items(), key=lambda kv: kv[1])
    with open(os.path.join(out, "gpt2.tiktoken"), "w") as f:
        for tok, r in by_rank:
            f.write("%s %d\n" % (base64.b64encode(tok).decode(), r))
    ch = byte_chars()
    spell = lambda b: "".join(ch[x] for x in b)
    merges = []
    for tok, r in by_rank:
        if len(tok) < 2:
            continue
        # BPE with the ranks below r rebuilds tok from two parts: its merge.
        parts = [bytes([b]) for b in tok]
        while len(parts) > 2:
            best = min((ranks.get(parts[i] + parts[i + 1], 1 << 30), i)
                       for i in range(len(parts) - 1))
            assert best[0] < r
            i = best[1]
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        merges.append((spell(parts[0]), spell(parts[1])))
    vocab = {spell(t): r for t, r in ranks.items()}
    special = enc["special_tokens"]
    vocab.update(special)
    json.dump(vocab, open(os.path.join(out, "vocab.json"), "w"), ensure_ascii=False)
    with open(os.path.join(out, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write("%s %s\n" % (a, b))
    bl = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
          "use_regex": True}
    tj = {"version": "1.0", "truncation": None, "padding": None,
          "added_tokens": [{"id": i, "content": s, "single_word": False,
                            "lstrip": False, "rstrip": False,
                            "normalized": False, "special": True}
                           for s, i in special.items()],
          "normalizer": None, "pre_tokenizer": bl, "post_processor": None,
          "decoder": bl,
          "model": {"type": "BPE", "dropout": None, "unk_token": None,
                    "continuing_subword_prefix": None,
                    "end_of_word_suffix": None, "fuse_unk": False,
                    "byte_fallback": False, "vocab": vocab,
                    "merges": ["%s %s" % m for m in merges]}}
    json.dump(tj, open(os.path.join(out, "tokenizer.json"), "w"), ensure_ascii=False)


if __name__ == "__main__":
    main()
