# tokenize --sentences | nsp-pair | mask-gen --whole-word with a WordPiece
# vocab.txt: the vocabulary's fingerprint travels in the headers, --vocab
# matches it, and the examples keep their framing.
python3 -c '
import json, random
random.seed(1)
S = ["The cat sat on the mat.", "The cat runs.", "Unbelievable!", "The mat sat.", "The cats ran on."]
for d in range(200):
    print(json.dumps({"id": "d%d" % d, "text": " ".join(random.choice(S) for _ in range(random.randint(2, 8)))}))
' > docs.jsonl
v=$TESTS/data/mask/wp/vocab.txt
tokenize --vocab "$v" --sentences docs.jsonl | nsp-pair --max-seq-len 24 --seed 1 |
    mask-gen --whole-word --vocab "$v" --seed 1 | tokcat --header > out.jsonl
tokenize --vocab "$v" docs.jsonl | tokcat --header | head -n 1 > seq-header.json
python3 - <<'PY'
import json
lines = [json.loads(l) for l in open("out.jsonl")]
h, recs = lines[0]["header"], lines[1:]
fp = json.load(open("seq-header.json"))["header"]["fingerprint"]
ok = h["kind"] == "masked" and h["fingerprint"] == fp and fp != "0" * 16
for r in recs:
    t, l, s = r["tokens"], r["labels"], r["segments"]
    orig = [x if x >= 0 else y for y, x in zip(t, l)]
    ok &= orig[0] == 2 and orig[-1] == 3 and orig.count(3) == 2 and len(t) <= 24
    ok &= all(x < 0 for x, o in zip(l, orig) if o in (2, 3))
    ok &= all(not (o in (12, 13, 14, 16, 17) and (l[i] >= 0) != (l[i - 1] >= 0))
              for i, o in enumerate(orig) if i > 0 and orig[i - 1] not in (2, 3))
print("ok" if ok and len(recs) > 100 and sum(r["label"] for r in recs) > 0 else "mismatch")
PY
