# Without a shuffle every fifth record goes to val (floor((j+1)f) > floor(jf)).
set -e
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --val-fraction 0.25 -o out in.tok
ls out
tokcat out | jq -c .id
