# --mode redact cuts each hit with 200 characters on each side (smaller here).
benchmark-decontaminate --no-compress --mode redact --window 5 --min-piece 10 --bench qa=$TESTS/data/decontam/bench.jsonl $TESTS/data/decontam/docs.jsonl
