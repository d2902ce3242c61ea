# The same bytes for any -j and on rerun; each epoch and seed its own masks.
bash "$TESTS/data/mask/gen-docs.sh" 4000 5 > docs.jsonl
tokcat --pack --vocab-size 30000 --special cls=2 --special sep=3 --special mask=4 docs.jsonl > in.tok
mask-gen -j 1 --seed 5 --epoch 1 in.tok -o a.tok
mask-gen -j 2 --seed 5 --epoch 1 in.tok -o b.tok
mask-gen -j 2 --seed 5 --epoch 1 < in.tok > c.tok
cmp a.tok b.tok && cmp a.tok c.tok && echo same
mask-gen --seed 5 --epoch 2 in.tok > d.tok
mask-gen --seed 6 --epoch 1 in.tok > e.tok
cmp -s a.tok d.tok || echo epoch differs
cmp -s a.tok e.tok || echo seed differs
# The mask of a record depends on its id, not its place in the stream.
tokcat in.tok | tail -n 5 | tokcat --pack --vocab-size 30000 --special cls=2 --special sep=3 --special mask=4 > tail.tok
mask-gen --seed 5 --epoch 1 tail.tok | tokcat > t1.jsonl
tokcat a.tok | tail -n 5 > t2.jsonl
cmp t1.jsonl t2.jsonl && echo position-free
mask-gen -j 2 --span --seed 5 in.tok -o s1.tok
mask-gen -j 1 --span --seed 5 in.tok -o s2.tok
cmp s1.tok s2.tok && echo span same
