# A benchmark file that cannot be opened: exit 3.
benchmark-decontaminate --bench qa=no-such-file.jsonl $TESTS/data/decontam/docs.jsonl
