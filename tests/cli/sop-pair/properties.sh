# 3000 documents: framing, lengths, about half swapped, rerun and -j identical.
bash "$TESTS/data/mask/gen-docs.sh" 3000 3 > docs.jsonl
tokcat --pack --vocab-size 30000 --special cls=2 --special sep=3 docs.jsonl > in.tok
sop-pair -j 2 --max-seq-len 64 --seed 3 in.tok > a.tok
sop-pair -j 1 --max-seq-len 64 --seed 3 in.tok > b.tok
cmp a.tok b.tok && echo same
tokcat a.tok > out.jsonl
jq -c 'select((.tokens | length) > 64 or .tokens[0] != 2 or .tokens[-1] != 3
    or ([.tokens[] | select(. == 3)] | length) != 2
    or (.label != 0 and .label != 1))' out.jsonl | head -3
jq -s '(length > 2000), ([.[].label] | add / length | . > 0.47 and . < 0.53)' out.jsonl
