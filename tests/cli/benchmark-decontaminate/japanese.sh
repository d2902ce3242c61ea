# Japanese has no spaces: --char-ngrams makes each character a unit.
benchmark-decontaminate --no-compress --char-ngrams --bench ja=$TESTS/data/decontam/bench_ja.jsonl --report r.json $TESTS/data/decontam/docs_ja.jsonl | jq -r .id
jq -c '.benchmarks.ja | {examples, contaminated_examples, documents_hit}' r.json
echo without:
benchmark-decontaminate -q --no-compress --bench ja=$TESTS/data/decontam/bench_ja.jsonl $TESTS/data/decontam/docs_ja.jsonl | jq -r .id
