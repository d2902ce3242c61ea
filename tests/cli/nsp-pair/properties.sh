# 3000 documents: framing, lengths, labels, unique ids.
bash "$TESTS/data/mask/gen-docs.sh" 3000 1 > docs.jsonl
tokcat --pack --vocab-size 30000 --special cls=2 --special sep=3 docs.jsonl > in.tok
nsp-pair -j 2 --max-seq-len 64 --reservoir 100 --seed 3 in.tok | tokcat > out.jsonl
jq -c 'select((.tokens | length) > 64 or .tokens[0] != 2 or .tokens[-1] != 3
    or ([.tokens[] | select(. == 3)] | length) != 2
    or (.segments | length) != (.tokens | length)
    or ((.tokens | index(3)) as $s | [.segments[:$s + 1][] | select(. != 0)] + [.segments[$s + 1:][] | select(. != 1)] | length) != 0
    or (.label != 0 and .label != 1))' out.jsonl | head -3
jq -s '(length > 2000), ([.[].label] | add / length | . > 0.45 and . < 0.65),
    ([.[].id] | unique | length) == length,
    ([.[] | .tokens | length] | min < 30)' out.jsonl
