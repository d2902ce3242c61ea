# Default levels (exact + near): the records kept, then the report.
dedup -q --no-compress --report rep.jsonl "$TESTS/data/dedup/small.jsonl"
cat rep.jsonl
