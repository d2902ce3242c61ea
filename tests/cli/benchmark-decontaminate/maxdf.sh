# --max-doc-freq: n-grams in more than N documents are ignored (two passes).
for i in 1 2 3; do echo '{"id":"c'$i'","text":"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu"}'; done > common.jsonl
benchmark-decontaminate --no-compress --bench qa=$TESTS/data/decontam/bench.jsonl --max-doc-freq 2 --report r.json common.jsonl $TESTS/data/decontam/docs.jsonl | jq -r .id
jq -c '{ngrams_ignored, documents_hit, c: .benchmarks.qa.contaminated_examples}' r.json
echo '--- three machines: count, merge, filter'
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --count-only --report c1.json common.jsonl
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --count-only --report c2.json $TESTS/data/decontam/docs.jsonl
benchmark-decontaminate --merge-reports c1.json c2.json -o counts.json
benchmark-decontaminate --no-compress --bench qa=$TESTS/data/decontam/bench.jsonl --max-doc-freq 2 --doc-freq counts.json --report p1.json common.jsonl | jq -r .id
benchmark-decontaminate --no-compress --bench qa=$TESTS/data/decontam/bench.jsonl --max-doc-freq 2 --doc-freq counts.json --report p2.json $TESTS/data/decontam/docs.jsonl | jq -r .id
benchmark-decontaminate --merge-reports p1.json p2.json | jq -c '{ngrams_ignored, documents_hit, c: .benchmarks.qa.contaminated_examples}'
