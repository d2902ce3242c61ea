# Default mode: documents with any hit are dropped; the rest pass unchanged.
benchmark-decontaminate --no-compress --bench qa=$TESTS/data/decontam/bench.jsonl $TESTS/data/decontam/docs.jsonl
