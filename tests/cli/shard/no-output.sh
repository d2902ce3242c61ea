tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" | shard
