# --fields picks the text; --id-field the id; plain-text benchmarks use line numbers.
D=$TESTS/data/decontam
benchmark-decontaminate --no-compress --fields answer --bench qa=$D/bench.jsonl --report r.json $D/docs.jsonl 2>warn.txt | wc -l
cat warn.txt
jq -c '.benchmarks.qa.contaminated_examples' r.json
benchmark-decontaminate --no-compress --fields question --id-field answer --bench qa=$D/bench.jsonl --report r.json $D/docs.jsonl > /dev/null
jq -c '.benchmarks.qa.contaminated_examples' r.json
benchmark-decontaminate --no-compress --bench t=$D/bench.txt --report r.json $D/docs.jsonl | jq -r .id
jq -c '.benchmarks.t | {examples, contaminated_examples}' r.json
