# --seed shuffles globally: the same multiset, another order, a val split,
# the same bytes for any -j and any --mem.
set -e
python3 -c '
import json
for i in range(500):
    print(json.dumps({"id": "r%d" % i, "tokens": [i % 1000, (7 * i) % 1000, i // 3]}))
' >in.jsonl
tokcat --pack --vocab-size 1000 in.jsonl >in.tok
shard --seed 5 --val-fraction 0.2 --shard-tokens 300 -j 1 -o a in.tok
shard --seed 5 --val-fraction 0.2 --shard-tokens 300 -j 2 --mem 1M -o b in.tok
shard --seed 6 --val-fraction 0.2 --shard-tokens 300 -o c in.tok
diff -r a b
tokcat in.tok | sort >want
tokcat a | sort >got
cmp want got
tokcat in.tok >plain
tokcat a >shuffled
tokcat c >other
! cmp -s plain shuffled
! cmp -s shuffled other
jq -c '[.shuffled, .seed, .train.records, .val.records]' a/manifest.json
