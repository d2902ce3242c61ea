tokcat -q $TESTS/golden/good/empty.jsonl
