# No file or '-': standard input (spooled for the second pass).
dedup -q --no-compress < "$TESTS/data/dedup/small.jsonl" > a.jsonl
dedup -q --no-compress - < "$TESTS/data/dedup/small.jsonl" > b.jsonl
dedup -q --no-compress "$TESTS/data/dedup/small.jsonl" > c.jsonl
cmp a.jsonl c.jsonl && cmp b.jsonl c.jsonl && echo same
