# Whole-word masking with a WordPiece vocab.txt: '##' pieces go with the word
# before them; [unused0] is special (never selected, never a replacement).
python3 -c '
import json, random
random.seed(7)
W = [[6], [7, 12], [11, 13], [11, 14], [15, 16, 17], [8], [9], [10, 12], [5]]
for d in range(400):
    t = [2] + sum((random.choice(W) for _ in range(30)), []) + [3]
    print(json.dumps({"id": "r%d" % d, "tokens": t}))
' > in.jsonl
tokcat --pack --vocab-size 20 in.jsonl > in.tok
mask-gen --whole-word --vocab "$TESTS/data/mask/wp/vocab.txt" --mask-prob 0.3 --seed 2 in.tok | tokcat --header > out.jsonl
head -n 1 out.jsonl
python3 - <<'PY'
import json
split = bad = sel = 0
for line in list(open("out.jsonl"))[1:]:
    r = json.loads(line)
    orig = [l if l >= 0 else t for t, l in zip(r["tokens"], r["labels"])]
    s = [l >= 0 for l in r["labels"]]
    sel += sum(s)
    split += sum(1 for i in range(1, len(orig)) if orig[i] in (12, 13, 14, 16, 17) and s[i] != s[i - 1])
    bad += sum(1 for o, t, x in zip(orig, r["tokens"], s) if x and (o <= 5 or (t != 4 and t <= 5)))
print("split words", split, "special selected or drawn", bad, "selected over 2000", sel > 2000)
PY
