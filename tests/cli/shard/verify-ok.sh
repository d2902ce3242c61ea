# --verify checks every folder named and prints one line each.
set -e
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" >in.tok
shard --val-fraction 0.5 --shard-tokens 10 -o a in.tok
shard --format megatron -o b in.tok
shard --verify a b
shard --verify --trust -q a
