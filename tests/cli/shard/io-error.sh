# The output cannot be created: an environment failure (3).
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" | shard -o /dev/null/out
