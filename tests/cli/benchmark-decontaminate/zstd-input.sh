# zstd input and benchmarks are read like plain ones; output is zstd by default.
zstd -q -c $TESTS/data/decontam/docs.jsonl > docs.jsonl.zst
zstd -q -c $TESTS/data/decontam/bench.jsonl > bench.jsonl.zst
benchmark-decontaminate --bench qa=bench.jsonl.zst docs.jsonl.zst | zstd -dc | jq -r .id
cat $TESTS/data/decontam/docs.jsonl | benchmark-decontaminate --no-compress --bench qa=bench.jsonl.zst - | jq -r .id
