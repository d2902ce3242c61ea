# --fields picks the text; --id-field the id; plain-text benchmarks use line numbers.
benchmark-decontaminate --no-compress --fields answer --bench qa=$TESTS/data/decontam/bench.jsonl --report r.json $TESTS/data/decontam/docs.jsonl | wc -l
jq -c '.benchmarks.qa.contaminated_examples' r.json
benchmark-decontaminate --no-compress --bench t=$TESTS/data/decontam/bench.txt --report r.json $TESTS/data/decontam/docs.jsonl | jq -r .id
jq -c '.benchmarks.t | {examples, contaminated_examples}' r.json
