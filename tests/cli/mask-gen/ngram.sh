# ALBERT n-grams: many more selected positions in runs than with single tokens.
bash "$TESTS/data/mask/gen-docs.sh" 2000 6 > docs.jsonl
tokcat --pack --vocab-size 30000 --special cls=2 --special sep=3 --special mask=4 docs.jsonl > in.tok
mask-gen --seed 1 in.tok | tokcat > one.jsonl
mask-gen --seed 1 --ngram 3 in.tok | tokcat > three.jsonl
python3 - <<'PY'
import json
def runs(path):
    n = 0
    for line in open(path):
        p = [i for i, l in enumerate(json.loads(line)["labels"]) if l >= 0]
        n += sum(1 for a, b in zip(p, p[1:]) if b == a + 1)
    return n
one, three = runs("one.jsonl"), runs("three.jsonl")
print("more runs" if three > 2 * one else "runs %d vs %d" % (three, one))
PY
