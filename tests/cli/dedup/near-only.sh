# --near alone, and a stricter threshold that keeps the one-word edit.
dedup -q --near --no-compress --report rep.jsonl "$TESTS/data/dedup/small.jsonl" >/dev/null
cat rep.jsonl
dedup -q --near --threshold 0.95 --no-compress --report rep2.jsonl "$TESTS/data/dedup/small.jsonl" >/dev/null
grep -c news rep2.jsonl || true
