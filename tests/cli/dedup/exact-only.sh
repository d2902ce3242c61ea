# --exact alone: case differs, so the upper-case copy stays; NFD equals NFC.
dedup -q --exact --no-compress --report rep.jsonl "$TESTS/data/dedup/small.jsonl" | grep -o '"id": *"[^"]*"'
cat rep.jsonl
dedup -q --exact --lowercase --no-compress "$TESTS/data/dedup/small.jsonl" | grep -c .
