# The report: per benchmark, examples, contaminated example ids, documents hit.
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --report r.json $TESTS/data/decontam/docs.jsonl >/dev/null
jq -c '.benchmarks.qa | {examples, short_examples, contaminated_examples, contaminated_lines, documents_hit}' r.json
jq -c '{documents, documents_hit, documents_dropped, records_written}' r.json
