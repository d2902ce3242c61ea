tokcat $TESTS/golden/bad/trailing-text.jsonl
