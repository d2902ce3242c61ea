# An index that cannot be created is an environment error: exit 3, no output.
dedup -q --index no-such-dir/idx.db -o out.zst "$TESTS/data/dedup/small.jsonl"
