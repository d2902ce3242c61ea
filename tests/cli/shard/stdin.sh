# Records from a pipe; stdin as '-' too.
set -e
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" | shard -o a
tokcat --pack --vocab-size 1000 "$TESTS/data/shard/seq.jsonl" | shard -o b -
diff -r a b
tokcat --count a
