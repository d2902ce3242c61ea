# The same bytes for any -j and on rerun; another seed gives others.
bash "$TESTS/data/mask/gen-docs.sh" 6000 2 > docs.jsonl
tokcat --pack --vocab-size 30000 --special cls=2 --special sep=3 docs.jsonl > in.tok
nsp-pair -j 1 --seed 5 --dupe-factor 2 in.tok -o a.tok
nsp-pair -j 2 --seed 5 --dupe-factor 2 in.tok -o b.tok
nsp-pair -j 2 --seed 5 --dupe-factor 2 < in.tok > c.tok
nsp-pair -j 2 --seed 6 --dupe-factor 2 in.tok -o d.tok
cmp a.tok b.tok && cmp a.tok c.tok && echo same
cmp -s a.tok d.tok || echo differs
tokcat a.tok | jq -r '.id | split(":")[1]' | sort | uniq -c | awk '{print $2}'
