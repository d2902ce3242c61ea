# ~300k tokens: specials never selected, labels hold the original ids,
# replacements never special, rates near their targets.
bash "$TESTS/data/mask/gen-docs.sh" 3000 4 > docs.jsonl
tokcat --pack --vocab-size 30000 --special pad=0 --special cls=2 --special sep=3 --special mask=4 docs.jsonl > in.tok
nsp-pair --seed 1 in.tok > pairs.tok
tokcat pairs.tok > orig.jsonl
mask-gen -j 2 --seed 9 pairs.tok | tokcat > out.jsonl
python3 - <<'PY'
import json
c = {}
for a, b in zip(open("orig.jsonl"), open("out.jsonl")):
    a, b = json.loads(a), json.loads(b)
    assert a["id"] == b["id"] and a["segments"] == b["segments"] and a["label"] == b["label"]
    for o, t, l in zip(a["tokens"], b["tokens"], b["labels"]):
        if l == -1:
            k = "BAD-changed" if t != o else ("special" if o in (2, 3) else "same")
        elif l != o:
            k = "BAD-label"
        elif o in (2, 3):
            k = "BAD-special"
        elif t == 4:
            k = "mask"
        elif t == o:
            k = "keep"
        else:
            k = "BAD-random-special" if t < 5 else "random"
        c[k] = c.get(k, 0) + 1
s = c["mask"] + c["keep"] + c["random"]
print("bad", sum(v for k, v in c.items() if k.startswith("BAD")))
print("tokens over 250k", s + c["same"] + c["special"] > 250000)
print("rate within 0.005 of 0.15", abs(s / (s + c["same"]) - 0.15) < 0.005)
print("mask %.2f keep %.2f random %.2f" % (c["mask"] / s, c["keep"] / s, c["random"] / s))
PY
