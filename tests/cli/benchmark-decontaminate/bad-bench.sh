# A malformed benchmark file is bad input: exit 1 with its location.
printf '{"id":"a","q":"fine"}\n{"id":"b","q":}\n' > b.jsonl
benchmark-decontaminate --bench b=b.jsonl $TESTS/data/decontam/docs.jsonl
