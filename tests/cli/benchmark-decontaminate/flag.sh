# --mode flag keeps every document and adds metadata.contamination to hit ones.
benchmark-decontaminate --no-compress --mode flag --bench qa=$TESTS/data/decontam/bench.jsonl $TESTS/data/decontam/docs.jsonl | jq -c '[.id, .metadata.contamination]'
