tokcat $TESTS/golden/bad/duplicate-key.jsonl
