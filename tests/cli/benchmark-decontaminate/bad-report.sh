# Reports made with different settings do not merge: exit 1.
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --report a.json $TESTS/data/decontam/docs.jsonl > /dev/null
benchmark-decontaminate --bench qa=$TESTS/data/decontam/bench.jsonl --n 8 --report b.json $TESTS/data/decontam/docs.jsonl > /dev/null
benchmark-decontaminate --merge-reports a.json b.json
