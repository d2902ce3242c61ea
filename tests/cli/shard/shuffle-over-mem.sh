# A shuffle of more data than --mem: buckets on disk, still a permutation.
set -e
python3 -c '
import json, random
r = random.Random(1)
for i in range(40000):
    print(json.dumps({"id": "r%d" % i, "tokens": [r.randrange(60000) for _ in range(r.randint(10, 30))]}))
' >in.jsonl
tokcat --pack --vocab-size 60000 in.jsonl >in.tok
test "$(tokcat --count in.tok | jq .tokens)" -gt 524288	# > 1 MiB of tokens
shard --seed 1 --mem 1M --tmp-dir . -o out in.tok
tokcat in.tok | sort >want
tokcat out | sort >got
cmp want got
shard --seed 1 --mem 64M -o out2 in.tok
diff -r out out2
ls -A | grep -c spill || true
