# --short-examples K: examples of K to n-1 words are found as a whole (GPT-3).
# With every field, q3 is "What is the capital of France? Paris": 7 words.
D=$TESTS/data/decontam
{ cat $D/docs.jsonl; echo '{"id":"d7","text":"Quiz night: What is the capital of France? Everyone knew."}'; } > docs.jsonl
benchmark-decontaminate --no-compress --bench qa=$D/bench.jsonl --report r.json docs.jsonl | jq -r .id
jq -c '.benchmarks.qa | {short_examples, contaminated_examples}' r.json
echo with --fields question:
benchmark-decontaminate --no-compress --short-examples 5 --fields question --bench qa=$D/bench.jsonl --report r.json docs.jsonl | jq -r .id
jq -c '.benchmarks.qa | {short_examples, contaminated_examples}' r.json
benchmark-decontaminate --short-examples 13 --bench qa=$D/bench.jsonl docs.jsonl 2>&1
echo "rc=$?"
