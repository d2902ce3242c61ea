# An output that cannot be created is an I/O error: exit 3.
dedup -q -o no-such-dir/out.zst "$TESTS/data/dedup/small.jsonl"
