tokcat $TESTS/golden/bad/missing-text.jsonl
