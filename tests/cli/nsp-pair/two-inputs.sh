# Two inputs are one stream: the same examples as their concatenation.
tokcat --pack --vocab-size 200 --special cls=2 --special sep=3 "$TESTS/data/mask/docs.jsonl" > a.tok
cat a.tok a.tok > aa.tok
nsp-pair --seed 3 a.tok a.tok > x.tok
nsp-pair --seed 3 aa.tok > y.tok
cmp x.tok y.tok && echo same
