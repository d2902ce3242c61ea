# Megatron and llm.c files hold tokens only: a warning says what is lost.
set -e
tokcat --pack --vocab-size 256 --kind pair "$TESTS/data/shard/pair.jsonl" >in.tok
shard --format megatron -o out in.tok
shard -q --format megatron -o quiet in.tok
tokcat out | jq -c .
