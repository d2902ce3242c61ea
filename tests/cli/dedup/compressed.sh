# Output is zstd unless --no-compress; tokcat reads it back.
dedup -q "$TESTS/data/dedup/small.jsonl" > out.zst
head -c 4 out.zst | od -An -tx1
tokcat --count out.zst
