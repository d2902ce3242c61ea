# --index: a second run drops what the first kept; nothing goes in twice.
f=$TESTS/data/dedup/small.jsonl
head -n 4 "$f" > run1.jsonl
cat "$f" > run2.jsonl
dedup --no-compress --index idx.db run1.jsonl 2>&1 >/dev/null | sed 's/.*; added/added/'
dedup -q --no-compress --index idx.db --report rep.jsonl run2.jsonl | grep -o '"id": *"[^"]*"'
grep -c . rep.jsonl
dedup --no-compress --index idx.db run2.jsonl 2>&1 >/dev/null | sed 's/.*; added/added/'
