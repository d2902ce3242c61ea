# Truncated zstd input: exit 1.
zstd -q -c $TESTS/data/decontam/docs.jsonl | head -c 200 > t.zst
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl t.zst > /dev/null
