# Whole-word masking with a byte-level BPE vocabulary: a word ('Ġ' piece and
# the pieces after it) is selected whole or not at all.
python3 -c '
import json, random
random.seed(5)
W = [[263], [260, 82], [261, 71, 266], [258, 259]]
for d in range(300):
    print(json.dumps({"id": "r%d" % d, "tokens": sum((random.choice(W) for _ in range(40)), [])}))
' > ww.jsonl
tokcat --pack --vocab-size 270 ww.jsonl > in.tok
mask-gen --whole-word --vocab "$TESTS/data/mask/bpe" --mask-prob 0.3 --seed 1 in.tok | tokcat > out.jsonl
python3 - <<'PY'
import json
split = sel = 0
starts = {220, 256, 258, 260, 261, 263}	# pieces with a leading 'Ġ'
for line in open("out.jsonl"):
    r = json.loads(line)
    orig = [l if l >= 0 else t for t, l in zip(r["tokens"], r["labels"])]
    s = [l >= 0 for l in r["labels"]]
    sel += sum(s)
    split += sum(1 for i in range(1, len(orig)) if orig[i] not in starts and s[i] != s[i - 1])
print("split words", split)
print("selected over 2500", sel > 2500)
PY
mask-gen --vocab "$TESTS/data/mask/bpe" --seed 1 in.tok | tokcat --header | head -1
