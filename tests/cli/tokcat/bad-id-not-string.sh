tokcat $TESTS/golden/bad/id-not-string.jsonl
