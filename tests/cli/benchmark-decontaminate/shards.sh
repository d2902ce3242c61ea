# Per-shard runs and a merge give the report of one run over everything.
head -n 3 $TESTS/data/decontam/docs.jsonl > s1.jsonl
tail -n +4 $TESTS/data/decontam/docs.jsonl > s2.jsonl
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --report all.json $TESTS/data/decontam/docs.jsonl >/dev/null
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --report r1.json s1.jsonl >/dev/null
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --report r2.json s2.jsonl >/dev/null
benchmark-decontaminate --merge-reports r2.json r1.json -o merged.json
cmp all.json merged.json && echo same
